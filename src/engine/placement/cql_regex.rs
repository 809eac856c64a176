//! The regular expressions of the cluster query language's `=~` and `!~` (see `cql.rs`): a small
//! matcher of Berth's own, so the shipped `.wasm` carries no regex library.
//!
//! Only whole-value matching is needed ([`Regex::is_full_match`] answers what `^(?:re)$` would).
//! The pattern compiles to a Thompson NFA that is simulated one text character at a time (a Pike
//! VM without captures): every state is visited at most once per character, so matching takes time
//! proportional to the text's length times the pattern's size and never backtracks — `(a*)*b`
//! against 5,000 `a`s answers as fast as `ab`. Parsing is a loop with an explicit group stack,
//! and the compiled program is bounded ([`NEST_LIMIT`], [`REPEAT_LIMIT`], [`STATE_LIMIT`]), so
//! hostile patterns cannot hang or overflow the stack either.
//!
//! # Syntax (a subset of Java's, which is what the ECS docs describe)
//!
//! | | |
//! |---|---|
//! | `abc` | literal characters (any Unicode) |
//! | `.` | any character except `\n` (any at all with `(?s)`) |
//! | `*` `+` `?` `{n}` `{n,}` `{n,m}` | repetition (counts up to [`REPEAT_LIMIT`]); the lazy forms `*?` `+?` `??` `{n,m}?` are accepted and, for a whole-value match, mean the same |
//! | `a\|b` | alternation |
//! | `(…)` `(?:…)` `(?<name>…)` `(?P<name>…)` | groups (nothing is captured; names must differ) |
//! | `^` `$` `\A` `\z` | start and end of the value (of a line with `(?m)`) |
//! | `\b` `\B` | a word boundary, not a word boundary (ASCII word characters) |
//! | `[abc]` `[^a-z]` `[a-z0-9._-]` `[]a]` | character classes: ranges, escapes inside, `-` literal first or last, `]` literal first |
//! | `\d` `\D` `\w` `\W` `\s` `\S` | **ASCII**: `[0-9]`, `[A-Za-z0-9_]`, `[ \t\n\x0B\f\r]` and their complements (as in Java; `é` is not `\w`) |
//! | `\.` `\*` `\\` `\-` `\/` … | any ASCII punctuation or space, escaped, is itself |
//! | `\t` `\n` `\r` `\f` `\v` `\a` `\x41` `\x{41}` `\u0041` `\u{41}` | control characters and code points |
//! | `(?i)` `(?i:…)` `(?-i)` and `m`, `s` | flags: `i` is **ASCII** case-insensitive (`(?i)t2` matches `T2`, but `é` does not match `É`); `m` makes `^` `$` match at line breaks; `s` lets `.` match `\n`. `(?-u)` is accepted and changes nothing (everything is ASCII already) |
//!
//! Refused, with a message that names the feature and an alternative: back-references (`\1`,
//! `\k<name>`), look-ahead and look-behind (`(?=` `(?!` `(?<=` `(?<!`), Unicode property classes
//! (`\p{L}`), possessive quantifiers (`a*+`) and stacked ones (`a**`), atomic groups (`(?>`),
//! comments (`(?#`), the flags `x`, `u`, `U` and others, `\Q…\E`, `\Z`, `\<`/`\>`, octal `\0`,
//! nested classes and POSIX classes (`[[:alpha:]]`), and class set operations (`&&`, `--`, `~~`).
//!
//! Errors carry the index (in Unicode scalar values, from 0) of the character to blame.

use std::fmt;

/// Deepest accepted nesting of groups.
pub const NEST_LIMIT: usize = 32;
/// Largest count accepted in `{n}`, `{n,}` and `{n,m}`.
pub const REPEAT_LIMIT: u32 = 1000;
/// Most NFA states a pattern may compile to (repetitions expanded); matching costs at most this
/// much per text character.
pub const STATE_LIMIT: usize = 10_000;

/// Why a pattern was refused: the char index to blame and a sentence for a learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// 0-based index, counting Unicode scalar values, of the character to blame.
    pub at: usize,
    /// The reason, without the "invalid regular expression: " prefix that `Display` adds.
    pub reason: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid regular expression: {}", self.reason)
    }
}

/// A compiled pattern. See the module docs for the syntax.
#[derive(Debug, Clone)]
pub struct Regex {
    prog: Vec<Inst>,
    classes: Vec<Class>,
}

impl Regex {
    /// Compile `pattern`.
    pub fn new(pattern: &str) -> Result<Regex, Error> {
        let (root, classes) = Parser::new(pattern).parse()?;
        let size = size_of(&root)?;
        if size + 1 > STATE_LIMIT {
            return Err(too_large(root.at));
        }
        let mut prog = Vec::with_capacity(size + 1);
        emit(&root, &mut prog);
        debug_assert_eq!(prog.len(), size);
        prog.push(Inst::Match);
        Ok(Regex { prog, classes })
    }

    /// True when the pattern matches the whole of `text` (as `^(?:pattern)$` would).
    pub fn is_full_match(&self, text: &str) -> bool {
        let n = self.prog.len();
        let mut cur = StateSet::new(n);
        let mut next = StateSet::new(n);
        let mut stack = Vec::new();
        let mut chars = text.chars().peekable();
        self.add(&mut cur, &mut stack, 0, None, chars.peek().copied());
        while let Some(c) = chars.next() {
            if cur.is_empty() {
                return false;
            }
            let after = chars.peek().copied();
            next.clear();
            for &pc in &cur.dense {
                let takes = match self.prog[pc as usize] {
                    Inst::Char(x) => x == c,
                    Inst::Class(k) => self.classes[k as usize].contains(c),
                    _ => false,
                };
                if takes {
                    self.add(&mut next, &mut stack, pc + 1, Some(c), after);
                }
            }
            std::mem::swap(&mut cur, &mut next);
        }
        cur.contains((n - 1) as u32)
    }

    /// Add `pc` and every state reachable from it without reading a character, between `prev`
    /// and `next` (`None`: the start or end of the text). Iterative, each state once.
    fn add(&self, set: &mut StateSet, stack: &mut Vec<u32>, pc: u32, prev: Option<char>, next: Option<char>) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if !set.insert(pc) {
                continue;
            }
            match self.prog[pc as usize] {
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Inst::Jmp(a) => stack.push(a),
                Inst::Look(look) => {
                    if look.holds(prev, next) {
                        stack.push(pc + 1);
                    }
                }
                Inst::Char(_) | Inst::Class(_) | Inst::Match => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Inst {
    Char(char),
    Class(u32),
    Look(Look),
    /// Continue at both.
    Split(u32, u32),
    Jmp(u32),
    Match,
}

/// Zero-width assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    Start,
    End,
    LineStart,
    LineEnd,
    WordBoundary,
    NotWordBoundary,
}

impl Look {
    fn holds(self, prev: Option<char>, next: Option<char>) -> bool {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        match self {
            Look::Start => prev.is_none(),
            Look::End => next.is_none(),
            Look::LineStart => matches!(prev, None | Some('\n')),
            Look::LineEnd => matches!(next, None | Some('\n')),
            Look::WordBoundary => word(prev) != word(next),
            Look::NotWordBoundary => word(prev) == word(next),
        }
    }
}

/// A set of characters: sorted, non-overlapping, non-adjacent inclusive ranges.
#[derive(Debug, Clone)]
struct Class(Vec<(char, char)>);

impl Class {
    fn contains(&self, c: char) -> bool {
        self.0.binary_search_by(|&(lo, hi)| if hi < c { std::cmp::Ordering::Less } else if lo > c { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Equal }).is_ok()
    }
}

/// Sort and merge ranges.
fn normalize(mut ranges: Vec<(char, char)>) -> Vec<(char, char)> {
    ranges.sort_unstable();
    let mut out: Vec<(char, char)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if u32::from(lo) <= u32::from(last.1).saturating_add(1) || next_char(last.1) == Some(lo) => {
                if hi > last.1 {
                    last.1 = hi;
                }
            }
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// The characters not in normalized `ranges`.
fn complement(ranges: &[(char, char)]) -> Vec<(char, char)> {
    let mut out = Vec::with_capacity(ranges.len() + 1);
    let mut from = Some('\0');
    for &(lo, hi) in ranges {
        if let Some(f) = from {
            if f < lo {
                if let Some(before) = prev_char(lo) {
                    out.push((f, before));
                }
            }
        }
        from = next_char(hi);
    }
    if let Some(f) = from {
        out.push((f, char::MAX));
    }
    out
}

fn next_char(c: char) -> Option<char> {
    match c {
        '\u{D7FF}' => Some('\u{E000}'),
        _ => char::from_u32(u32::from(c) + 1),
    }
}

fn prev_char(c: char) -> Option<char> {
    match c {
        '\u{E000}' => Some('\u{D7FF}'),
        _ => u32::from(c).checked_sub(1).and_then(char::from_u32),
    }
}

/// Add the other ASCII case of every ASCII letter in `ranges`.
fn fold_ascii(ranges: &mut Vec<(char, char)>) {
    let mut extra = Vec::new();
    for &(lo, hi) in ranges.iter() {
        for (from, to, shift) in [('a', 'z', -32i32), ('A', 'Z', 32)] {
            let l = lo.max(from);
            let h = hi.min(to);
            if l <= h {
                let moved = |c: char| char::from_u32((u32::from(c) as i32 + shift) as u32).unwrap_or(c);
                extra.push((moved(l), moved(h)));
            }
        }
    }
    ranges.extend(extra);
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
const SPACE: &[(char, char)] = &[('\t', '\r'), (' ', ' ')];

/// A set escape: `\d` `\D` `\w` `\W` `\s` `\S`.
fn perl_class(letter: char) -> Option<Vec<(char, char)>> {
    let (set, negated) = match letter {
        'd' => (DIGIT, false),
        'D' => (DIGIT, true),
        'w' => (WORD, false),
        'W' => (WORD, true),
        's' => (SPACE, false),
        'S' => (SPACE, true),
        _ => return None,
    };
    Some(if negated { complement(set) } else { set.to_vec() })
}

// ---------------------------------------------------------------------------------------------
// The syntax tree, its size and its compilation
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct Node {
    /// The character to blame if this node makes the program too large.
    at: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Empty,
    Char(char),
    Class(u32),
    Look(Look),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat { sub: Box<Node>, min: u32, max: Option<u32> },
}

fn too_large(at: usize) -> Error {
    Error {
        at,
        reason: format!(
            "it is too large (more than {STATE_LIMIT} states once repetitions are expanded); use smaller repetition counts"
        ),
    }
}

/// The number of instructions `emit` writes for `node`; an error blames the smallest part that
/// goes over [`STATE_LIMIT`]. The recursion is as deep as the groups nest (at most
/// [`NEST_LIMIT`]).
fn size_of(node: &Node) -> Result<usize, Error> {
    Ok(match &node.kind {
        Kind::Empty => 0,
        Kind::Char(_) | Kind::Class(_) | Kind::Look(_) => 1,
        Kind::Concat(items) => {
            let mut total = 0;
            for item in items {
                total += size_of(item)?;
                if total > STATE_LIMIT {
                    return Err(too_large(item.at));
                }
            }
            total
        }
        Kind::Alt(branches) => {
            let mut total = 0;
            for (k, branch) in branches.iter().enumerate() {
                total += size_of(branch)? + if k + 1 < branches.len() { 2 } else { 0 };
                if total > STATE_LIMIT {
                    return Err(too_large(branch.at));
                }
            }
            total
        }
        Kind::Repeat { sub, min, max } => {
            let s = size_of(sub)? as u64;
            let min = u64::from(*min);
            let total = match max {
                None if min == 0 => s + 2,
                None => min * s + 1,
                Some(max) => min * s + (u64::from(*max) - min) * (s + 1),
            };
            if total > STATE_LIMIT as u64 {
                return Err(too_large(node.at));
            }
            total as usize
        }
    })
}

fn pc(prog: &[Inst]) -> u32 {
    prog.len() as u32
}

fn emit(node: &Node, prog: &mut Vec<Inst>) {
    match &node.kind {
        Kind::Empty => {}
        Kind::Char(c) => prog.push(Inst::Char(*c)),
        Kind::Class(k) => prog.push(Inst::Class(*k)),
        Kind::Look(l) => prog.push(Inst::Look(*l)),
        Kind::Concat(items) => {
            for item in items {
                emit(item, prog);
            }
        }
        Kind::Alt(branches) => {
            let mut jumps = Vec::new();
            for (k, branch) in branches.iter().enumerate() {
                if k + 1 == branches.len() {
                    emit(branch, prog);
                } else {
                    let split = prog.len();
                    prog.push(Inst::Split(pc(prog) + 1, 0));
                    emit(branch, prog);
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    prog[split] = Inst::Split(split as u32 + 1, pc(prog));
                }
            }
            let end = pc(prog);
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
        }
        Kind::Repeat { sub, min, max } => match max {
            None if *min == 0 => {
                let top = prog.len();
                prog.push(Inst::Split(top as u32 + 1, 0));
                emit(sub, prog);
                prog.push(Inst::Jmp(top as u32));
                prog[top] = Inst::Split(top as u32 + 1, pc(prog));
            }
            None => {
                emit_copies(sub, min - 1, prog);
                let top = pc(prog);
                emit(sub, prog);
                prog.push(Inst::Split(top, pc(prog) + 1));
            }
            Some(max) => {
                emit_copies(sub, *min, prog);
                let mut splits = Vec::new();
                for _ in *min..*max {
                    splits.push(prog.len());
                    prog.push(Inst::Split(pc(prog) + 1, 0));
                    emit(sub, prog);
                }
                let end = pc(prog);
                for s in splits {
                    prog[s] = Inst::Split(s as u32 + 1, end);
                }
            }
        },
    }
}

/// `n` copies of `sub` in a row. A part that compiles to nothing (`(?:)`, `x{0}`) is not copied
/// again: `(((?:){1000}){1000}){1000}` would otherwise loop a billion times.
fn emit_copies(sub: &Node, n: u32, prog: &mut Vec<Inst>) {
    for _ in 0..n {
        let before = prog.len();
        emit(sub, prog);
        if prog.len() == before {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The parser
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    icase: bool,
    multi_line: bool,
    dot_all: bool,
}

/// One alternation being read: the top level or an open group.
struct Seq {
    /// Where the group opened (0 for the top level).
    open_at: usize,
    /// The flags outside the group, restored when it closes.
    outer: Flags,
    branches: Vec<Node>,
    items: Vec<Node>,
    /// The last item can take a repetition operator.
    can_repeat: bool,
    /// The last thing read was a repetition operator (whether it was lazy).
    after_repeat: Option<bool>,
}

impl Seq {
    fn new(open_at: usize, outer: Flags) -> Seq {
        Seq { open_at, outer, branches: Vec::new(), items: Vec::new(), can_repeat: false, after_repeat: None }
    }

    fn push(&mut self, node: Node) {
        self.items.push(node);
        self.can_repeat = true;
        self.after_repeat = None;
    }

    fn end_branch(&mut self, at: usize) {
        let items = std::mem::take(&mut self.items);
        self.branches.push(concat(items, at));
        self.can_repeat = false;
        self.after_repeat = None;
    }

    fn finish(mut self, at: usize) -> Node {
        self.end_branch(at);
        if self.branches.len() == 1 {
            self.branches.pop().unwrap_or(Node { at, kind: Kind::Empty })
        } else {
            Node { at: self.open_at, kind: Kind::Alt(self.branches) }
        }
    }
}

fn concat(mut items: Vec<Node>, at: usize) -> Node {
    match items.len() {
        0 => Node { at, kind: Kind::Empty },
        1 => items.pop().unwrap_or(Node { at, kind: Kind::Empty }),
        _ => Node { at: items[0].at, kind: Kind::Concat(items) },
    }
}

/// What a `(` starts.
enum Open {
    /// A group, with the flags inside it.
    Group(Flags),
    /// `(?flags)`: new flags for the rest of the enclosing group.
    SetFlags(Flags),
}

/// An escape's meaning.
enum Escape {
    Char(char),
    Set(Vec<(char, char)>),
    Look(Look),
}

/// A class item.
enum Item {
    Char(char),
    Set(Vec<(char, char)>),
}

struct Parser {
    chars: Vec<char>,
    i: usize,
    classes: Vec<Class>,
    names: Vec<String>,
}

fn err<T>(at: usize, reason: impl Into<String>) -> Result<T, Error> {
    Err(Error { at, reason: reason.into() })
}

impl Parser {
    fn new(pattern: &str) -> Parser {
        Parser { chars: pattern.chars().collect(), i: 0, classes: Vec::new(), names: Vec::new() }
    }

    fn peek_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn class(&mut self, at: usize, ranges: Vec<(char, char)>) -> Node {
        self.classes.push(Class(ranges));
        Node { at, kind: Kind::Class((self.classes.len() - 1) as u32) }
    }

    fn parse(mut self) -> Result<(Node, Vec<Class>), Error> {
        let mut flags = Flags::default();
        let mut outer: Vec<Seq> = Vec::new();
        let mut seq = Seq::new(0, flags);
        while let Some(c) = self.peek_at(self.i) {
            let at = self.i;
            match c {
                '(' => match self.group_open(flags)? {
                    Open::SetFlags(f) => {
                        flags = f;
                        seq.can_repeat = false;
                        seq.after_repeat = None;
                    }
                    Open::Group(f) => {
                        if outer.len() >= NEST_LIMIT {
                            return err(at, format!("groups nest too deeply (more than {NEST_LIMIT} levels)"));
                        }
                        outer.push(std::mem::replace(&mut seq, Seq::new(at, flags)));
                        flags = f;
                    }
                },
                ')' => {
                    let Some(parent) = outer.pop() else {
                        return err(at, "unopened group: this ')' closes nothing (write \\) to match a ')')");
                    };
                    let done = std::mem::replace(&mut seq, parent);
                    flags = done.outer;
                    seq.push(done.finish(at));
                    self.i += 1;
                }
                '|' => {
                    seq.end_branch(at);
                    self.i += 1;
                }
                '*' | '+' | '?' => {
                    self.i += 1;
                    let (min, max) = match c {
                        '*' => (0, None),
                        '+' => (1, None),
                        _ => (0, Some(1)),
                    };
                    self.repeat(&mut seq, at, min, max)?;
                }
                '{' => {
                    self.check_repeatable(&seq, at)?;
                    let (min, max) = self.counted(at)?;
                    self.repeat(&mut seq, at, min, max)?;
                }
                '[' => {
                    let node = self.bracket(at, flags)?;
                    seq.push(node);
                }
                '\\' => {
                    let node = match self.escape()? {
                        Escape::Char(c) => self.literal(at, c, flags),
                        Escape::Set(set) => self.class(at, set),
                        Escape::Look(l) => Node { at, kind: Kind::Look(l) },
                    };
                    seq.push(node);
                }
                '.' => {
                    self.i += 1;
                    let set = if flags.dot_all { vec![('\0', char::MAX)] } else { complement(&[('\n', '\n')]) };
                    let node = self.class(at, set);
                    seq.push(node);
                }
                '^' | '$' => {
                    self.i += 1;
                    let look = match (c, flags.multi_line) {
                        ('^', false) => Look::Start,
                        ('^', true) => Look::LineStart,
                        (_, false) => Look::End,
                        (_, true) => Look::LineEnd,
                    };
                    seq.push(Node { at, kind: Kind::Look(look) });
                }
                _ => {
                    self.i += 1;
                    let node = self.literal(at, c, flags);
                    seq.push(node);
                }
            }
        }
        if !outer.is_empty() {
            return err(seq.open_at, "unclosed group");
        }
        let end = self.chars.len();
        let mut root = seq.finish(end);
        if matches!(root.kind, Kind::Empty) {
            root.at = 0;
        }
        Ok((root, self.classes))
    }

    fn literal(&mut self, at: usize, c: char, flags: Flags) -> Node {
        if flags.icase && c.is_ascii_alphabetic() {
            let (lo, up) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
            self.class(at, vec![(up, up), (lo, lo)])
        } else {
            Node { at, kind: Kind::Char(c) }
        }
    }

    fn check_repeatable(&self, seq: &Seq, at: usize) -> Result<(), Error> {
        if seq.can_repeat {
            return Ok(());
        }
        match seq.after_repeat {
            Some(false) if self.chars[at] == '+' => err(
                at,
                "possessive quantifiers like *+ are not supported; drop the extra +",
            ),
            Some(_) => err(
                at,
                "a repetition operator cannot follow another; put the first in a group, e.g. (a*)* or (a{2}){3}",
            ),
            None => err(at, "repetition operator missing expression"),
        }
    }

    /// Apply a repetition operator read at `at` (already consumed) to the last item, and take a
    /// lazy `?` after it.
    fn repeat(&mut self, seq: &mut Seq, at: usize, min: u32, max: Option<u32>) -> Result<(), Error> {
        self.check_repeatable(seq, at)?;
        let Some(sub) = seq.items.pop() else {
            return err(at, "repetition operator missing expression");
        };
        seq.items.push(Node { at, kind: Kind::Repeat { sub: Box::new(sub), min, max } });
        let lazy = self.peek_at(self.i) == Some('?');
        if lazy {
            self.i += 1;
        }
        seq.can_repeat = false;
        seq.after_repeat = Some(lazy);
        Ok(())
    }

    /// `{n}`, `{n,}` or `{n,m}` starting at `at`; leaves `i` after the `}`.
    fn counted(&mut self, at: usize) -> Result<(u32, Option<u32>), Error> {
        self.i = at + 1;
        let usage = "a counted repetition is {n}, {n,} or {n,m} with whole numbers, as in a{2} or a{1,3} (write \\{ to match a '{')";
        let min = match self.number()? {
            Some(n) => n,
            None if self.peek_at(self.i) == Some(',') => {
                return err(at, "a counted repetition needs a minimum: write {0,n} instead of {,n}");
            }
            None if self.peek_at(self.i).is_none() => return err(at, "unclosed counted repetition"),
            None => return err(self.i, usage),
        };
        let max = match self.peek_at(self.i) {
            Some('}') => Some(min),
            Some(',') => {
                self.i += 1;
                match self.number()? {
                    Some(m) => {
                        if m < min {
                            return err(at, format!("invalid repetition range {{{min},{m}}}: the minimum is larger than the maximum"));
                        }
                        Some(m)
                    }
                    None => None,
                }
            }
            None => return err(at, "unclosed counted repetition"),
            Some(_) => return err(self.i, usage),
        };
        match self.peek_at(self.i) {
            Some('}') => {
                self.i += 1;
                Ok((min, max))
            }
            None => err(at, "unclosed counted repetition"),
            Some(_) => err(self.i, usage),
        }
    }

    /// A decimal number at `i`, if there is one; at most [`REPEAT_LIMIT`].
    fn number(&mut self) -> Result<Option<u32>, Error> {
        let start = self.i;
        while self.peek_at(self.i).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start {
            return Ok(None);
        }
        let digits: String = self.chars[start..self.i].iter().collect();
        match digits.parse::<u32>() {
            Ok(n) if n <= REPEAT_LIMIT => Ok(Some(n)),
            _ => err(start, format!("repetition count {digits} is over the limit of {REPEAT_LIMIT}")),
        }
    }

    /// After a `(` at `i`: what it opens; leaves `i` after the group's opening syntax.
    fn group_open(&mut self, flags: Flags) -> Result<Open, Error> {
        let at = self.i;
        if self.peek_at(at + 1) != Some('?') {
            self.i = at + 1;
            return Ok(Open::Group(flags));
        }
        let look_around = |what: &str| {
            err(at, format!("{what} is not supported; combine conditions instead, e.g. attribute:x =~ a.* and attribute:x !~ ab.*"))
        };
        match self.peek_at(at + 2) {
            Some(':') => {
                self.i = at + 3;
                Ok(Open::Group(flags))
            }
            Some('=') => look_around("look-ahead (?=…)"),
            Some('!') => look_around("negative look-ahead (?!…)"),
            Some('<') if self.peek_at(at + 3) == Some('=') => look_around("look-behind (?<=…)"),
            Some('<') if self.peek_at(at + 3) == Some('!') => look_around("negative look-behind (?<!…)"),
            Some('<') => self.named(at, at + 3, flags),
            Some('P') => match self.peek_at(at + 3) {
                Some('<') => self.named(at, at + 4, flags),
                Some('=') => err(at, "back-references like (?P=name) are not supported"),
                _ => err(at, format!("unknown group syntax {}", self.text(at, at + 4))),
            },
            Some('>') => err(at, "atomic groups (?>…) are not supported; use (?:…)"),
            Some('#') => err(at, "comments (?#…) are not supported"),
            Some(')') => err(at, "empty flag group (?): write flags like (?i)"),
            None => err(at, "unclosed group"),
            Some(c) if c.is_ascii_alphabetic() || c == '-' => self.flags(at, flags),
            Some(_) => err(at, format!("unknown group syntax {}", self.text(at, at + 3))),
        }
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to.min(self.chars.len())].iter().collect()
    }

    /// `(?<name>` or `(?P<name>`, the name starting at `start`.
    fn named(&mut self, at: usize, start: usize, flags: Flags) -> Result<Open, Error> {
        let mut j = start;
        loop {
            match self.peek_at(j) {
                None => return err(at, "unclosed group name"),
                Some('>') if j == start => return err(j, "empty group name"),
                Some('>') => break,
                Some(c) if c == '_' || c.is_ascii_alphabetic() || (j > start && c.is_ascii_digit()) => j += 1,
                Some(c) => {
                    return err(
                        j,
                        format!("invalid character {c:?} in a group name (names are letters, digits and _, not starting with a digit)"),
                    )
                }
            }
        }
        let name = self.text(start, j);
        if self.names.contains(&name) {
            return err(start, format!("duplicate group name {name}"));
        }
        self.names.push(name);
        self.i = j + 1;
        Ok(Open::Group(flags))
    }

    /// `(?flags)` or `(?flags:`, the flags starting at `at + 2`.
    fn flags(&mut self, at: usize, mut flags: Flags) -> Result<Open, Error> {
        let mut j = at + 2;
        let mut on = true;
        let mut seen: Vec<char> = Vec::new();
        let mut dash_at: Option<usize> = None;
        loop {
            let Some(c) = self.peek_at(j) else {
                return err(at, "unclosed group");
            };
            match c {
                ':' | ')' => {
                    if let Some(d) = dash_at {
                        if d + 1 == j {
                            return err(d, "a '-' in flags must be followed by the flags to turn off, e.g. (?-i)");
                        }
                    }
                    self.i = j + 1;
                    return Ok(if c == ':' { Open::Group(flags) } else { Open::SetFlags(flags) });
                }
                '-' => {
                    if dash_at.is_some() {
                        return err(j, "flags take at most one '-'");
                    }
                    dash_at = Some(j);
                    on = false;
                }
                'i' | 'm' | 's' | 'u' => {
                    if seen.contains(&c) {
                        return err(j, format!("flag {c} is repeated"));
                    }
                    seen.push(c);
                    match c {
                        'i' => flags.icase = on,
                        'm' => flags.multi_line = on,
                        's' => flags.dot_all = on,
                        _ if on => {
                            return err(
                                j,
                                "(?u) is not supported: Berth's \\w, \\d, \\s and (?i) are ASCII-only; write the \
                                 other characters out, e.g. [éÉ]",
                            )
                        }
                        _ => {} // (?-u): ASCII-only, which everything is already.
                    }
                }
                'x' => return err(j, "(?x) verbose mode is not supported; remove the spaces and comments"),
                c if c.is_ascii_alphabetic() => {
                    return err(
                        j,
                        format!("unknown flag {c}; Berth supports i (ASCII case-insensitive), m (multi-line) and s (. matches \\n)"),
                    )
                }
                _ => return err(j, format!("expected ':' or ')' after the flags, found {c:?}")),
            }
            j += 1;
        }
    }

    /// The escape at `i` (a `\`); leaves `i` after it.
    fn escape(&mut self) -> Result<Escape, Error> {
        let at = self.i;
        let Some(c) = self.peek_at(at + 1) else {
            return err(at, "incomplete escape: the pattern ends with \\ (write \\\\ to match a backslash)");
        };
        self.i = at + 2;
        if let Some(set) = perl_class(c) {
            return Ok(Escape::Set(set));
        }
        let ch = match c {
            'b' => return Ok(Escape::Look(Look::WordBoundary)),
            'B' => return Ok(Escape::Look(Look::NotWordBoundary)),
            'A' => return Ok(Escape::Look(Look::Start)),
            'z' => return Ok(Escape::Look(Look::End)),
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\x0C',
            'v' => '\x0B',
            'a' => '\x07',
            'x' | 'u' => return self.code_point(at, c).map(Escape::Char),
            'p' | 'P' => {
                return err(
                    at,
                    "Unicode property classes like \\p{L} are not available in Berth; use \\w, \\d or a range like [a-z]",
                )
            }
            '0' => return err(at, "octal escapes like \\0 are not supported; write a code point like \\x00"),
            '1'..='9' => {
                return err(at, format!("back-references like \\{c} are not supported (Berth's matcher never backtracks)"))
            }
            'k' => return err(at, "back-references like \\k<name> are not supported (Berth's matcher never backtracks)"),
            'Z' => return err(at, "\\Z is not supported; use $ or \\z for the end of the value"),
            'Q' | 'E' => return err(at, "quoting with \\Q…\\E is not supported; escape each special character with \\ instead"),
            '<' | '>' => {
                return err(at, format!("\\{c} is not supported; use \\b for a word boundary, or write {c} without the backslash"))
            }
            c if c.is_ascii_punctuation() || c == ' ' => c,
            c if c.is_ascii_alphanumeric() => {
                return err(at, format!("unknown escape \\{c} (to match {c} itself, write it without the backslash)"))
            }
            c => return err(at, format!("unknown escape \\{c} (to match {c} itself, write it without the backslash)")),
        };
        Ok(Escape::Char(ch))
    }

    /// `\x41`, `\x{41}`, `\u0041` or `\u{41}` at `at`; `i` is after the letter.
    fn code_point(&mut self, at: usize, letter: char) -> Result<char, Error> {
        let usage = if letter == 'x' { "write \\x41 or \\x{41}" } else { "write \\u0041 or \\u{41}" };
        let hex = |c: Option<char>| c.is_some_and(|c| c.is_ascii_hexdigit());
        let (start, end, next) = if self.peek_at(self.i) == Some('{') {
            let start = self.i + 1;
            let mut j = start;
            while hex(self.peek_at(j)) && j < start + 8 {
                j += 1;
            }
            if j == start || self.peek_at(j) != Some('}') {
                return err(at, format!("invalid code point escape; {usage}"));
            }
            (start, j, j + 1)
        } else {
            let width = if letter == 'x' { 2 } else { 4 };
            let start = self.i;
            if !(start..start + width).all(|j| hex(self.peek_at(j))) {
                return err(at, format!("invalid code point escape; {usage}"));
            }
            (start, start + width, start + width)
        };
        let digits = self.text(start, end);
        match u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32) {
            Some(c) => {
                self.i = next;
                Ok(c)
            }
            None => err(at, format!("{digits} is not a Unicode scalar value")),
        }
    }

    /// A character class at `at` (a `[`); leaves `i` after its `]`.
    fn bracket(&mut self, at: usize, flags: Flags) -> Result<Node, Error> {
        self.i = at + 1;
        let negated = self.peek_at(self.i) == Some('^');
        if negated {
            self.i += 1;
        }
        let mut ranges: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek_at(self.i) else {
                return err(at, "unclosed character class");
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            let item_at = self.i;
            let item = self.class_item()?;
            let is_range = self.peek_at(self.i) == Some('-') && !matches!(self.peek_at(self.i + 1), None | Some(']'));
            match item {
                Item::Char(lo) if is_range => {
                    self.i += 1;
                    let hi_at = self.i;
                    match self.class_item()? {
                        Item::Char(hi) if hi < lo => {
                            return err(item_at, format!("invalid range {} in character class", self.text(item_at, self.i)));
                        }
                        Item::Char(hi) => ranges.push((lo, hi)),
                        Item::Set(_) => {
                            return err(hi_at, "a range needs a single character at each end; write \\- to match a '-'");
                        }
                    }
                }
                Item::Char(c) => ranges.push((c, c)),
                Item::Set(_) if is_range => {
                    return err(item_at, "a range needs a single character at each end; write \\- to match a '-'");
                }
                Item::Set(set) => ranges.extend(set),
            }
        }
        if flags.icase {
            fold_ascii(&mut ranges);
        }
        let mut set = normalize(ranges);
        if negated {
            set = complement(&set);
        }
        Ok(self.class(at, set))
    }

    /// One character or set inside a class, at `i`.
    fn class_item(&mut self) -> Result<Item, Error> {
        let at = self.i;
        let Some(c) = self.peek_at(at) else {
            return err(at, "unclosed character class");
        };
        let next = self.peek_at(at + 1);
        match c {
            '\\' => {
                return match self.escape()? {
                    Escape::Char(c) => Ok(Item::Char(c)),
                    Escape::Set(s) => Ok(Item::Set(s)),
                    Escape::Look(_) => err(at, format!("{} is not allowed inside a character class", self.text(at, at + 2))),
                }
            }
            '[' if next == Some(':') => {
                return err(at, "POSIX classes like [:alpha:] are not supported; write a range like a-zA-Z, or \\w, \\d, \\s")
            }
            '[' => {
                return err(at, "a '[' inside a character class must be escaped as \\[ (nested classes are not supported)")
            }
            '&' if next == Some('&') => {
                return err(at, "class intersection && is not supported; write \\& to match a '&'")
            }
            '-' if next == Some('-') => {
                return err(at, "'--' in a character class is not supported (set difference in some dialects); write \\- to match a '-'")
            }
            '~' if next == Some('~') => {
                return err(at, "'~~' in a character class is not supported (set operation in some dialects); write \\~ to match a '~'")
            }
            _ => {}
        }
        self.i += 1;
        Ok(Item::Char(c))
    }
}

/// Positions in indices of the `states` vector; `sparse[s]` points into `dense`.
struct StateSet {
    dense: Vec<u32>,
    sparse: Vec<u32>,
}

impl StateSet {
    fn new(n: usize) -> StateSet {
        StateSet { dense: Vec::with_capacity(n), sparse: vec![0; n] }
    }

    fn contains(&self, s: u32) -> bool {
        let i = self.sparse[s as usize] as usize;
        i < self.dense.len() && self.dense[i] == s
    }

    /// False when already present.
    fn insert(&mut self, s: u32) -> bool {
        if self.contains(s) {
            return false;
        }
        self.sparse[s as usize] = self.dense.len() as u32;
        self.dense.push(s);
        true
    }

    fn is_empty(&self) -> bool {
        self.dense.is_empty()
    }

    fn clear(&mut self) {
        self.dense.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Regex::new(p).unwrap_or_else(|e| panic!("{p:?}: {e}")).is_full_match(t)
    }

    fn e(p: &str) -> (usize, String) {
        let e = Regex::new(p).expect_err(p);
        (e.at, e.to_string())
    }

    #[test]
    fn basics() {
        assert!(m("t2.*", "t2.small"));
        assert!(!m("t2.*", "xt2.small"));
        assert!(!m("t2", "t2.small"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("a|ab", "ab"));
        assert!(m("(?i)T2\\.MICRO", "t2.micro"));
        assert!(m("[^a-c]x", "dx"));
        assert!(!m("[^a-c]x", "bx"));
        assert!(!m(".", "\n"));
        assert!(m("(?s).", "\n"));
        assert!(m("a\\b-", "a-"));
        assert!(!m("a\\bb", "ab"));
        assert!(m("(?m)a$\\n^b", "a\nb"));
        assert!(m("(a*)*", ""));
        assert!(m("(?:){3}a{0}", ""));
        assert!(m("é+", "éé"));
        assert!(m("[^a]", "é"));
        assert!(m("a{2,3}", "aaa"));
        assert!(!m("a{2,3}", "aaaa"));
        assert!(m("a{2,}?", "aaaa"));
        assert!(m("\\x41\\u{42}\\u0043", "ABC"));
    }

    #[test]
    fn errors() {
        assert_eq!(e("g2("), (2, "invalid regular expression: unclosed group".to_string()));
        assert_eq!(e("ab[c"), (2, "invalid regular expression: unclosed character class".to_string()));
        assert_eq!(e("*a"), (0, "invalid regular expression: repetition operator missing expression".to_string()));
        assert_eq!(e("[z-a]"), (1, "invalid regular expression: invalid range z-a in character class".to_string()));
        assert_eq!(e("a\\q").0, 1);
        assert_eq!(e("a**").0, 2);
        assert_eq!(e("a*+").1, "invalid regular expression: possessive quantifiers like *+ are not supported; drop the extra +");
        assert_eq!(e("(a{1000}){1000}").0, 9);
        assert_eq!(e("a{1001}").0, 2);
    }

    #[test]
    fn complements_skip_surrogates() {
        assert_eq!(complement(&[('\0', '\u{D7FF}')]), vec![('\u{E000}', char::MAX)]);
        assert_eq!(complement(&[('\u{E000}', char::MAX)]), vec![('\0', '\u{D7FF}')]);
        assert_eq!(complement(&[]), vec![('\0', char::MAX)]);
        assert_eq!(normalize(vec![('b', 'c'), ('a', 'a'), ('x', 'z'), ('d', 'd')]), vec![('a', 'd'), ('x', 'z')]);
    }
}
