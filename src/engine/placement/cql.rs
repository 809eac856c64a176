//! The Amazon ECS cluster query language (CQL), as used by `memberOf` placement constraints.
//!
//! Source: Amazon ECS Developer Guide, "Create expressions to define container instances for
//! Amazon ECS tasks" (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html>).
//!
//! # Syntax
//!
//! An expression is `subject operator [argument]`, and expressions combine with `and`/`&&`,
//! `or`/`||`, `not`/`!` and parentheses. Precedence, tightest first: `not`, `and`, `or`; `and`
//! and `or` are left-associative. The keywords `and`, `or`, `not` and the operator words
//! (`equals`, `not_in`, ...) are **lowercase only**; `AND` is an error with a hint.
//!
//! | Subject | Operators | Argument |
//! |---|---|---|
//! | `agentConnected` | `==` `!=` `in` `!in` `=~` `!~` | `true` or `false` |
//! | `agentVersion` | `==` `!=` `>` `>=` `<` `<=` | a dotted version, compared numerically (`1.9.0 < 1.14.5`) |
//! | `attribute:<name>` | all twelve | text; `>` `>=` `<` `<=` compare numerically when both sides are decimal numbers, otherwise as text |
//! | `ec2InstanceId` | `==` `!=` `in` `!in` `=~` `!~` | text |
//! | `registeredAt` | `==` `!=` `>` `>=` `<` `<=` | `2018-06-18T22:28:28+00:00`, `2018-06-18T22:28:28Z`, `2018-06-18T22:28:28` (UTC) or `2018-06-18` (midnight UTC) |
//! | `runningTasksCount` | `==` `!=` `>` `>=` `<` `<=` | a whole number |
//! | `task:group` | `==` `!=` `in` `!in` `=~` `!~` `exists` `!exists` | text |
//!
//! Operators and their word spellings: `==` `equals`, `!=` `not_equals`, `>` `greater_than`,
//! `>=` `greater_than_equal`, `<` `less_than`, `<=` `less_than_equal`, `exists`,
//! `!exists` `not_exists`, `in`, `!in` `not_in`, `=~` `matches`, `!~` `not_matches`.
//! `exists`/`!exists` take no argument; `in`/`!in` take a list `[a, b, c]`; `=~`/`!~` take a
//! regular expression.
//!
//! Arguments are bare words (`t2.small`, `service:production`, `2018-02-13`) or are quoted with
//! `'…'` or `"…"`. There are no escapes inside quotes: a quoted argument runs to the next quote
//! of the same kind. A bare word stops at whitespace or at one of `( ) [ ] , ' " & | = < > ! ~`.
//! A bare regular expression stops at whitespace, at `&&` or `||`, and at a `)` that closes
//! nothing inside it (so `not(attribute:x =~ (a|b).*)` works); quote a regex that contains
//! spaces.
//!
//! # Semantics Berth chose
//!
//! * **Regular expressions must match the whole value**, as Java's `matches()` does: `t2.*`
//!   matches `t2.small` but not `xt2.small`, and `t2` does not match `t2.small`. The docs
//!   describe Java regular expressions; Berth has a small matcher of its own
//!   ([`super::cql_regex`]) for the part of that syntax a placement expression needs: literals,
//!   `.`, `* + ? {n} {n,} {n,m}` (and their lazy forms), `|`, groups, `^ $`, classes like
//!   `[a-z0-9._-]` and `[^…]`, `\d \w \s \b` (ASCII, as in Java), escapes, and the flags `(?i)`
//!   (ASCII case-insensitive: `(?i)t2.*` matches `T2.micro`), `(?m)` and `(?s)`. Back-references,
//!   look-around, `\p{…}` classes and possessive quantifiers are refused with a message that
//!   names them. Matching never backtracks (time linear in the value), and nesting, repetition
//!   counts and compiled size are limited, so hostile input cannot hang.
//! * **`task:group`** looks at the groups of the tasks currently on the instance:
//!   `task:group == X` holds if *any* task there is in group `X`; `!=` is its negation (no task is
//!   in `X`); `in [..]` holds if any task's group is in the list, `!in` is its negation; `=~`
//!   holds if any group matches, `!~` is its negation; `exists` holds if the instance runs any
//!   task, `!exists` if it runs none.
//! * **Missing attributes**: `==`, `in`, `=~` and the orderings are false; `!=`, `!in`, `!~` are
//!   their negations and so true; `exists` is false and `!exists` true.
//! * Text comparisons are case-sensitive; text ordering is by Unicode scalar value.
//! * `registeredAt == 2018-02-13` compares exact seconds (midnight UTC), not the whole day.
//! * The instance's agent version is read leniently (`v1.14.5-beta` reads as `1.14.5`);
//!   versions compare component by component with missing components as 0 (`1.14 == 1.14.0`).
//!
//! # Limits
//!
//! Expressions longer than [`MAX_EXPR_LEN`] bytes are rejected, as is nesting of parentheses and
//! `not` deeper than [`MAX_DEPTH`]. Errors carry the byte offset and the 1-based column (counting
//! Unicode scalar values from the start of the expression, newlines included) of the character
//! they blame.

use std::cmp::Ordering;
use std::fmt;

use super::cql_regex::Regex;
use crate::engine::diag::{Diagnostic, Pos};
use crate::engine::sort;

/// Longest accepted expression, in bytes.
pub const MAX_EXPR_LEN: usize = 2000;
/// Deepest accepted nesting of parentheses and `not`/`!`.
pub const MAX_DEPTH: usize = 32;

const OPERATOR_LIST: &str = "==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~";
const SUBJECT_LIST: &str =
    "agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group";
const DATE_EXAMPLE: &str = "registeredAt needs a date like 2018-02-13 or 2018-06-18T22:28:28Z";

// ---------------------------------------------------------------------------------------------
// The syntax tree
// ---------------------------------------------------------------------------------------------

/// What a condition looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    AgentConnected,
    AgentVersion,
    /// `attribute:<name>`, e.g. `attribute:ecs.instance-type`.
    Attribute(String),
    Ec2InstanceId,
    RegisteredAt,
    RunningTasksCount,
    /// `task:group`: the groups of the tasks currently on the instance.
    TaskGroup,
}

/// The comparison operators `==`, `!=`, `>`, `>=`, `<`, `<=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    /// The canonical spelling (`==`, `!=`, ...).
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
        }
    }
    fn accepts(self, o: Ordering) -> bool {
        match self {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::Ne => o != Ordering::Equal,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
        }
    }
}

/// An argument, already checked and converted for its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// For `attribute:<name>`, `ec2InstanceId` and `task:group`.
    Text(String),
    /// For `agentConnected`.
    Bool(bool),
    /// For `runningTasksCount`.
    Count(u64),
    /// For `agentVersion`: the numeric components and the text as written.
    Version { parts: Vec<u64>, text: String },
    /// For `registeredAt`: Unix seconds and the text as written.
    Time { unix: i64, text: String },
}

/// A compiled regular expression that must match a whole value (see the module docs).
/// Two patterns are equal when their sources are.
#[derive(Clone)]
pub struct Pattern {
    source: String,
    regex: Regex,
    /// A cheaper equivalent of `regex` for the common simple shapes (see [`Shortcut`]).
    shortcut: Option<Shortcut>,
}

/// Patterns whose whole-value match needs no NFA. Only shapes whose meaning is certain
/// qualify: the literal part is ASCII letters, digits, `-` and `_` (no metacharacters, and no
/// case folding, since flags need `(?`), so `^(?:lit)$` is string equality and `^(?:lit.*)$` is
/// "starts with `lit`, and the rest has no newline" (`.` does not match `\n`; `$` is the very end).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Shortcut {
    Exact(String),
    Prefix(String),
}

impl Shortcut {
    fn of(source: &str) -> Option<Shortcut> {
        let plain = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        match source.strip_suffix(".*") {
            Some(lit) if plain(lit) => Some(Shortcut::Prefix(lit.to_string())),
            _ if !source.is_empty() && plain(source) => Some(Shortcut::Exact(source.to_string())),
            _ => None,
        }
    }

    fn is_full_match(&self, text: &str) -> bool {
        match self {
            Shortcut::Exact(lit) => text == lit,
            Shortcut::Prefix(lit) => text.strip_prefix(lit.as_str()).is_some_and(|rest| !rest.contains('\n')),
        }
    }
}

/// A parsed expression. `Display` prints canonical syntax (symbolic comparison operators,
/// `and`, `or`, `not(…)`), which parses back to an equal `Expr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// `subject == value` and the other five comparisons.
    Compare { subject: Subject, op: CmpOp, value: Value },
    /// `subject exists` (`negated`: `!exists`).
    Exists { subject: Subject, negated: bool },
    /// `subject in [..]` (`negated`: `!in`).
    In { subject: Subject, negated: bool, values: Vec<Value> },
    /// `subject =~ re` (`negated`: `!~`).
    Matches { subject: Subject, negated: bool, pattern: Pattern },
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// A syntax error in an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqlError {
    /// Byte offset into the expression of the character blamed (the length when at the end).
    pub offset: usize,
    /// 1-based column of that character, counting Unicode scalar values.
    pub col: u32,
    pub message: String,
}

impl fmt::Display for CqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "col {}: {}", self.col, self.message)
    }
}

impl std::error::Error for CqlError {}

impl CqlError {
    /// A [`Diagnostic`] for an expression whose first character sits at `start` in a larger text
    /// (assumes the expression appears there verbatim, e.g. without JSON escapes).
    pub fn to_diagnostic(&self, start: Pos, path: impl Into<String>) -> Diagnostic {
        let pos = Pos {
            line: start.line,
            col: start.col.saturating_add(self.col.saturating_sub(1)),
            offset: start.offset.saturating_add(self.offset),
        };
        Diagnostic::error(pos, path, "cql-syntax", self.message.clone())
    }
}

/// What an expression is evaluated against: one container instance.
pub trait CqlInstance {
    /// Includes `ecs.instance-type`, `ecs.availability-zone`, `ecs.os-type`,
    /// `ecs.cpu-architecture`, `ecs.ami-id` and custom attributes.
    fn attribute(&self, name: &str) -> Option<&str>;
    fn ec2_instance_id(&self) -> &str;
    fn registered_at_unix(&self) -> i64;
    fn running_tasks_count(&self) -> u32;
    /// The group of each task on the instance (may repeat).
    fn task_groups(&self) -> Vec<String>;
    fn agent_version(&self) -> &str;
    fn agent_connected(&self) -> bool;
}

// ---------------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------------

impl Pattern {
    /// Compile `source` for whole-value matching. The error is a sentence for a learner.
    pub fn new(source: &str) -> Result<Pattern, String> {
        compile_pattern(source).map_err(|(_, msg)| msg)
    }
    /// The regular expression as written (without the implicit anchors).
    pub fn source(&self) -> &str {
        &self.source
    }
    /// True when the pattern matches the whole of `text`.
    pub fn is_full_match(&self, text: &str) -> bool {
        match &self.shortcut {
            Some(fast) => fast.is_full_match(text),
            None => self.regex.is_full_match(text),
        }
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for Pattern {}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.source;
        let bare = !s.is_empty() && !s.starts_with(['\'', '"']) && regex_word_len(s) == s.len();
        if bare {
            f.write_str(s)
        } else {
            f.write_str(&quote(s))
        }
    }
}

/// Compile a pattern; on error, the char index within `source` to blame and a message.
fn compile_pattern(source: &str) -> Result<Pattern, (Option<usize>, String)> {
    let regex = Regex::new(source).map_err(|e| (Some(e.at), e.to_string()))?;
    Ok(Pattern { source: source.to_string(), regex, shortcut: Shortcut::of(source) })
}

// ---------------------------------------------------------------------------------------------
// Lexical helpers
// ---------------------------------------------------------------------------------------------

fn is_word_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(c, '(' | ')' | '[' | ']' | ',' | '\'' | '"' | '&' | '|' | '=' | '<' | '>' | '!' | '~')
}

/// Length in bytes of the bare regular expression at the start of `s`.
fn regex_word_len(s: &str) -> usize {
    let mut chars = s.char_indices().peekable();
    let mut depth = 0usize;
    let mut class = 0usize;
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            return i;
        }
        if c == '\\' {
            chars.next();
            match chars.peek() {
                Some(&(j, n)) if n.is_whitespace() => return j,
                Some(_) => {
                    chars.next();
                }
                None => {}
            }
            continue;
        }
        if class > 0 {
            chars.next();
            match c {
                '[' => {
                    class += 1;
                    skip_class_start(&mut chars);
                }
                ']' => class -= 1,
                _ => {}
            }
            continue;
        }
        match c {
            '[' => {
                chars.next();
                class = 1;
                skip_class_start(&mut chars);
                continue;
            }
            '(' => depth += 1,
            ')' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
            }
            '&' | '|' if s[i + 1..].starts_with(c) => return i,
            _ => {}
        }
        chars.next();
    }
    s.len()
}

/// After a `[`: an optional `^`, then a `]` that is literal because it comes first.
fn skip_class_start(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) {
    if matches!(chars.peek(), Some(&(_, '^'))) {
        chars.next();
    }
    if matches!(chars.peek(), Some(&(_, ']'))) {
        chars.next();
    }
}

/// Text as an argument: bare when it lexes back as one word, otherwise quoted.
fn quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(is_word_char) {
        s.to_string()
    } else if !s.contains('\'') {
        format!("'{s}'")
    } else {
        // No escapes exist; a value holding both quote kinds cannot be written (nor parsed).
        format!("\"{s}\"")
    }
}

fn col_of(src: &str, offset: usize) -> u32 {
    let end = floor_boundary(src, offset);
    u32::try_from(src[..end].chars().count()).unwrap_or(u32::MAX - 1) + 1
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Cmp(CmpOp),
    Exists,
    NotExists,
    In,
    NotIn,
    Matches,
    NotMatches,
}

const ALL_OPS: &[Op] = &[
    Op::Cmp(CmpOp::Eq),
    Op::Cmp(CmpOp::Ne),
    Op::Cmp(CmpOp::Gt),
    Op::Cmp(CmpOp::Ge),
    Op::Cmp(CmpOp::Lt),
    Op::Cmp(CmpOp::Le),
    Op::Exists,
    Op::NotExists,
    Op::In,
    Op::NotIn,
    Op::Matches,
    Op::NotMatches,
];

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Cmp(c) => c.symbol(),
            Op::Exists => "exists",
            Op::NotExists => "!exists",
            Op::In => "in",
            Op::NotIn => "!in",
            Op::Matches => "=~",
            Op::NotMatches => "!~",
        }
    }
    fn from_word(w: &str) -> Option<Op> {
        Some(match w {
            "equals" => Op::Cmp(CmpOp::Eq),
            "not_equals" => Op::Cmp(CmpOp::Ne),
            "greater_than" => Op::Cmp(CmpOp::Gt),
            "greater_than_equal" => Op::Cmp(CmpOp::Ge),
            "less_than" => Op::Cmp(CmpOp::Lt),
            "less_than_equal" => Op::Cmp(CmpOp::Le),
            "exists" => Op::Exists,
            "not_exists" => Op::NotExists,
            "in" => Op::In,
            "not_in" => Op::NotIn,
            "matches" => Op::Matches,
            "not_matches" => Op::NotMatches,
            _ => return None,
        })
    }
}

impl Subject {
    fn allows(&self, op: Op) -> bool {
        use Op::*;
        match self {
            Subject::Attribute(_) => true,
            Subject::AgentConnected | Subject::Ec2InstanceId => {
                matches!(op, Cmp(CmpOp::Eq) | Cmp(CmpOp::Ne) | In | NotIn | Matches | NotMatches)
            }
            Subject::AgentVersion | Subject::RegisteredAt | Subject::RunningTasksCount => matches!(op, Cmp(_)),
            Subject::TaskGroup => !matches!(op, Cmp(CmpOp::Gt | CmpOp::Ge | CmpOp::Lt | CmpOp::Le)),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::AgentConnected => f.write_str("agentConnected"),
            Subject::AgentVersion => f.write_str("agentVersion"),
            Subject::Attribute(name) => write!(f, "attribute:{name}"),
            Subject::Ec2InstanceId => f.write_str("ec2InstanceId"),
            Subject::RegisteredAt => f.write_str("registeredAt"),
            Subject::RunningTasksCount => f.write_str("runningTasksCount"),
            Subject::TaskGroup => f.write_str("task:group"),
        }
    }
}

const SUBJECT_NAMES: &[&str] =
    &["agentConnected", "agentVersion", "ec2InstanceId", "registeredAt", "runningTasksCount", "task:group"];

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
    /// The operator of the condition just parsed, for the "takes no value" hint.
    last_op: Option<Op>,
}

/// Parse an expression. Never panics; errors point at the offending character.
pub fn parse(expr: &str) -> Result<Expr, CqlError> {
    if expr.len() > MAX_EXPR_LEN {
        let at = floor_boundary(expr, MAX_EXPR_LEN);
        return Err(CqlError {
            offset: at,
            col: col_of(expr, at),
            message: format!("expression is too long ({} bytes; the limit is {MAX_EXPR_LEN})", expr.len()),
        });
    }
    let mut p = Parser { src: expr, pos: 0, depth: 0, last_op: None };
    p.skip_ws();
    if p.at_end() {
        return Err(p.err(0, "empty expression".to_string()));
    }
    let e = p.parse_or(None)?;
    p.skip_ws();
    if !p.at_end() {
        return Err(p.unexpected_after_condition(None));
    }
    Ok(e)
}

impl<'a> Parser<'a> {
    fn err(&self, offset: usize, message: String) -> CqlError {
        let offset = floor_boundary(self.src, offset);
        CqlError { offset, col: col_of(self.src, offset), message }
    }
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }
    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn skip_ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }
    /// The bare word starting at `at` (possibly empty).
    fn word_at(&self, at: usize) -> &'a str {
        let r = self.src.get(at..).unwrap_or("");
        let n = r.find(|c: char| !is_word_char(c)).unwrap_or(r.len());
        &r[..n]
    }
    fn col(&self, offset: usize) -> u32 {
        col_of(self.src, offset)
    }

    /// How to name what is at `at` in a message: `'t2.small'`, `'=='`, `the end of the expression`.
    fn describe_at(&self, at: usize) -> String {
        let r = self.src.get(at..).unwrap_or("");
        let Some(c) = r.chars().next() else {
            return "the end of the expression".to_string();
        };
        let tok: &str = if is_word_char(c) {
            self.word_at(at)
        } else if c == '\'' || c == '"' {
            match r[1..].find(c) {
                Some(i) => &r[..i + 2],
                None => r,
            }
        } else if ["==", "!=", ">=", "<=", "=~", "!~", "&&", "||"].iter().any(|s| r.starts_with(s)) {
            &r[..2]
        } else if c == '!' && !self.word_at(at + 1).is_empty() {
            &r[..1 + self.word_at(at + 1).len()]
        } else {
            &r[..c.len_utf8()]
        };
        format!("'{}'", shorten(tok))
    }

    fn parse_or(&mut self, after: Option<&str>) -> Result<Expr, CqlError> {
        let mut left = self.parse_and(after)?;
        loop {
            self.skip_ws();
            let kw = if self.rest().starts_with("||") {
                "'||'"
            } else if self.word_at(self.pos) == "or" {
                "'or'"
            } else {
                return Ok(left);
            };
            self.pos += 2;
            let right = self.parse_and(Some(kw))?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
    }

    fn parse_and(&mut self, after: Option<&str>) -> Result<Expr, CqlError> {
        let mut left = self.parse_unary(after)?;
        loop {
            self.skip_ws();
            let (kw, len) = if self.rest().starts_with("&&") {
                ("'&&'", 2)
            } else if self.word_at(self.pos) == "and" {
                ("'and'", 3)
            } else {
                return Ok(left);
            };
            self.pos += len;
            let right = self.parse_unary(Some(kw))?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
    }

    fn enter(&mut self, at: usize) -> Result<(), CqlError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err(
                at,
                format!("expression nests too deeply (more than {MAX_DEPTH} levels of parentheses and 'not')"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn expected_condition(&self, after: Option<&str>) -> CqlError {
        let found = self.describe_at(self.pos);
        let msg = match after {
            Some(a) => format!("expected a condition after {a}, found {found}"),
            None => format!("expected a condition such as attribute:ecs.instance-type == t2.small, found {found}"),
        };
        self.err(self.pos, msg)
    }

    fn parse_unary(&mut self, after: Option<&str>) -> Result<Expr, CqlError> {
        self.skip_ws();
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.expected_condition(after));
        };
        match c {
            '(' => {
                self.enter(start)?;
                self.pos += 1;
                let inner = self.parse_or(Some("'('"))?;
                self.skip_ws();
                if self.peek() != Some(')') {
                    return Err(self.unexpected_after_condition(Some(start)));
                }
                self.pos += 1;
                self.depth -= 1;
                Ok(inner)
            }
            '!' if !matches!(self.rest()[1..].chars().next(), Some('=' | '~')) => {
                self.enter(start)?;
                self.pos += 1;
                let inner = self.parse_unary(Some("'!'"))?;
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner)))
            }
            c if is_word_char(c) => {
                if self.word_at(start) == "not" {
                    self.enter(start)?;
                    self.pos += 3;
                    let inner = self.parse_unary(Some("'not'"))?;
                    self.depth -= 1;
                    return Ok(Expr::Not(Box::new(inner)));
                }
                self.parse_condition()
            }
            _ => Err(self.expected_condition(after)),
        }
    }

    /// The error for whatever follows a complete condition when it is not `and`/`or`/`)`/end.
    /// `open` is the offset of the `(` being closed, if any.
    fn unexpected_after_condition(&self, open: Option<usize>) -> CqlError {
        let at = self.pos;
        let found = self.describe_at(at);
        let r = self.rest();
        let word = self.word_at(at);
        if let Some(o) = open {
            if self.at_end() {
                return self.err(at, format!("unclosed '(' opened at col {}", self.col(o)));
            }
        }
        let join = if open.is_some() { "'and', 'or' or ')'" } else { "'and' or 'or'" };
        let msg = if r.starts_with(')') {
            "unexpected ')' with no matching '('".to_string()
        } else if r.starts_with('&') {
            "a single '&' is not an operator; write && or 'and'".to_string()
        } else if r.starts_with('|') {
            "a single '|' is not an operator; write || or 'or'".to_string()
        } else if ["and", "or", "not"].iter().any(|k| word.eq_ignore_ascii_case(k)) {
            format!("unexpected {found}: the keywords and, or, not are lowercase")
        } else if matches!(self.last_op, Some(Op::Exists | Op::NotExists)) {
            let op = self.last_op.map(Op::symbol).unwrap_or("exists");
            format!("unexpected {found}: '{op}' takes no value; join conditions with {join}")
        } else {
            match open {
                Some(o) => format!("expected {join} (to close the '(' at col {}), found {found}", self.col(o)),
                None => format!("unexpected {found} after a complete condition; join conditions with {join}"),
            }
        };
        self.err(at, msg)
    }

    fn parse_subject(&mut self) -> Result<Subject, CqlError> {
        let start = self.pos;
        let word = self.word_at(start);
        self.pos += word.len();
        let subject = match word {
            "agentConnected" => Subject::AgentConnected,
            "agentVersion" => Subject::AgentVersion,
            "ec2InstanceId" => Subject::Ec2InstanceId,
            "registeredAt" => Subject::RegisteredAt,
            "runningTasksCount" => Subject::RunningTasksCount,
            "task:group" => Subject::TaskGroup,
            w if w.starts_with("attribute:") => {
                let name = &w["attribute:".len()..];
                if name.is_empty() {
                    return Err(self.err(
                        start,
                        "attribute: needs a name, like attribute:ecs.instance-type".to_string(),
                    ));
                }
                Subject::Attribute(name.to_string())
            }
            w => {
                let mut msg = format!("unknown subject '{}'; subjects are {SUBJECT_LIST}", shorten(w));
                if let Some(hint) = subject_hint(w) {
                    msg.push_str("; did you mean ");
                    msg.push_str(&hint);
                    msg.push('?');
                }
                return Err(self.err(start, msg));
            }
        };
        Ok(subject)
    }

    /// The operator at the current position (whitespace already skipped).
    fn parse_operator(&mut self, subject: &Subject) -> Result<Op, CqlError> {
        let at = self.pos;
        let r = self.rest();
        let symbols: &[(&str, Op)] = &[
            ("==", Op::Cmp(CmpOp::Eq)),
            ("!=", Op::Cmp(CmpOp::Ne)),
            (">=", Op::Cmp(CmpOp::Ge)),
            ("<=", Op::Cmp(CmpOp::Le)),
            ("=~", Op::Matches),
            ("!~", Op::NotMatches),
            (">", Op::Cmp(CmpOp::Gt)),
            ("<", Op::Cmp(CmpOp::Lt)),
        ];
        for (s, op) in symbols {
            if r.starts_with(s) {
                self.pos += s.len();
                return Ok(*op);
            }
        }
        if r.starts_with('!') {
            match self.word_at(at + 1) {
                "exists" => {
                    self.pos += 7;
                    return Ok(Op::NotExists);
                }
                "in" => {
                    self.pos += 3;
                    return Ok(Op::NotIn);
                }
                _ => {}
            }
        }
        let word = self.word_at(at);
        if let Some(op) = Op::from_word(word) {
            self.pos += word.len();
            return Ok(op);
        }
        let found = self.describe_at(at);
        let mut msg = format!("expected an operator ({OPERATOR_LIST}) after {subject}, found {found}");
        if r.starts_with('=') {
            msg = format!("'=' is not an operator; write == to test equality (after {subject})");
        } else if Op::from_word(&word.to_ascii_lowercase()).is_some() {
            msg.push_str("; operator words are lowercase");
        } else if word == "not" {
            msg.push_str("; write not_in, not_equals, not_exists or not_matches as one word");
        }
        Err(self.err(at, msg))
    }

    fn parse_condition(&mut self) -> Result<Expr, CqlError> {
        let subject = self.parse_subject()?;
        self.skip_ws();
        let op_at = self.pos;
        let op = self.parse_operator(&subject)?;
        if !subject.allows(op) {
            let allowed: Vec<&str> = ALL_OPS.iter().filter(|o| subject.allows(**o)).map(|o| o.symbol()).collect();
            return Err(self.err(
                op_at,
                format!("{subject} cannot be used with '{}'; use {}", op.symbol(), join_or(&allowed)),
            ));
        }
        self.last_op = Some(op);
        let spelled = &self.src[op_at..self.pos];
        Ok(match op {
            Op::Exists | Op::NotExists => Expr::Exists { subject, negated: op == Op::NotExists },
            Op::In | Op::NotIn => {
                let values = self.parse_list(&subject, spelled)?;
                Expr::In { subject, negated: op == Op::NotIn, values }
            }
            Op::Matches | Op::NotMatches => {
                let pattern = self.parse_pattern(spelled)?;
                Expr::Matches { subject, negated: op == Op::NotMatches, pattern }
            }
            Op::Cmp(c) => {
                self.skip_ws();
                let value = self.parse_value(&subject, spelled, false)?;
                Expr::Compare { subject, op: c, value }
            }
        })
    }

    /// A quoted string or a bare word at the current position: `(start, text)`.
    fn raw_argument(&mut self, what: &str) -> Result<(usize, &'a str), CqlError> {
        let start = self.pos;
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                let body = &self.src[start + 1..];
                match body.find(q) {
                    Some(end) => {
                        self.pos = start + 1 + end + 1;
                        Ok((start, &body[..end]))
                    }
                    None => Err(self.err(
                        self.src.len(),
                        format!("unclosed quote ({q}) opened at col {}", self.col(start)),
                    )),
                }
            }
            Some(c) if is_word_char(c) => {
                let w = self.word_at(start);
                self.pos += w.len();
                Ok((start, w))
            }
            _ => Err(self.err(start, format!("expected {what}, found {}", self.describe_at(start)))),
        }
    }

    fn parse_value(&mut self, subject: &Subject, op: &str, in_list: bool) -> Result<Value, CqlError> {
        let what = if in_list { "a value in the list".to_string() } else { format!("a value after '{op}'") };
        let (start, text) = self.raw_argument(&what)?;
        convert_value(subject, text).map_err(|m| self.err(start, m))
    }

    fn parse_list(&mut self, subject: &Subject, op: &str) -> Result<Vec<Value>, CqlError> {
        self.skip_ws();
        let open = self.pos;
        if self.peek() != Some('[') {
            let found = self.describe_at(open);
            return Err(self.err(open, format!("'{op}' needs a list like [a, b], found {found}")));
        }
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(']') {
            return Err(self.err(self.pos, format!("the list after '{op}' is empty; give at least one value, like [a, b]")));
        }
        let mut values = Vec::new();
        loop {
            self.skip_ws();
            values.push(self.parse_value(subject, op, true)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    return Ok(values);
                }
                None => {
                    return Err(self.err(self.pos, format!("unclosed '[' opened at col {}", self.col(open))));
                }
                Some(_) => {
                    let found = self.describe_at(self.pos);
                    return Err(self.err(self.pos, format!("expected ',' or ']' in the list, found {found}")));
                }
            }
        }
    }

    fn parse_pattern(&mut self, op: &str) -> Result<Pattern, CqlError> {
        self.skip_ws();
        let start = self.pos;
        let (body_at, source) = match self.peek() {
            Some('\'' | '"') => {
                let (s, text) = self.raw_argument("a regular expression")?;
                (s + 1, text)
            }
            _ => {
                let n = regex_word_len(self.rest());
                if n == 0 {
                    let found = self.describe_at(start);
                    return Err(self.err(start, format!("expected a regular expression after '{op}', found {found}")));
                }
                let text = &self.src[start..start + n];
                self.pos += n;
                (start, text)
            }
        };
        compile_pattern(source).map_err(|(at, msg)| {
            let offset = match at {
                Some(chars) => body_at + source.chars().take(chars).map(char::len_utf8).sum::<usize>(),
                None => start,
            };
            self.err(offset, msg)
        })
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn subject_hint(word: &str) -> Option<String> {
    for s in SUBJECT_NAMES {
        if word.eq_ignore_ascii_case(s) {
            return Some(format!("{s} (subjects are case-sensitive)"));
        }
    }
    if let Some(rest) = word.get(..10).filter(|p| p.eq_ignore_ascii_case("attribute:")).and(word.get(10..)) {
        return Some(format!("attribute:{rest}"));
    }
    let squashed: String = word
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let squashed = squashed.strip_prefix("ecs").unwrap_or(&squashed);
    let known = [
        ("instancetype", "ecs.instance-type"),
        ("availabilityzone", "ecs.availability-zone"),
        ("az", "ecs.availability-zone"),
        ("zone", "ecs.availability-zone"),
        ("ostype", "ecs.os-type"),
        ("os", "ecs.os-type"),
        ("cpuarchitecture", "ecs.cpu-architecture"),
        ("arch", "ecs.cpu-architecture"),
        ("amiid", "ecs.ami-id"),
        ("ami", "ecs.ami-id"),
    ];
    for (k, attr) in known {
        if squashed == k {
            return Some(format!("attribute:{attr}"));
        }
    }
    if squashed == "instanceid" || squashed == "id" {
        return Some("ec2InstanceId".to_string());
    }
    if squashed == "taskgroup" || squashed == "group" {
        return Some("task:group".to_string());
    }
    None
}

/// Check and convert an argument for its subject; the error is the message.
fn convert_value(subject: &Subject, text: &str) -> Result<Value, String> {
    match subject {
        Subject::Attribute(_) | Subject::Ec2InstanceId | Subject::TaskGroup => Ok(Value::Text(text.to_string())),
        Subject::AgentConnected => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("agentConnected needs true or false, found {}", quote_found(text))),
        },
        Subject::AgentVersion => match parse_version(text) {
            Some(parts) => Ok(Value::Version { parts, text: text.to_string() }),
            None => Err(format!("agentVersion needs a version like 1.14.5, found {}", quote_found(text))),
        },
        Subject::RunningTasksCount => {
            if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
                text.parse::<u64>()
                    .map(Value::Count)
                    .map_err(|_| format!("runningTasksCount: {} is too large", shorten(text)))
            } else {
                Err(format!("runningTasksCount needs a whole number like 0 or 3, found {}", quote_found(text)))
            }
        }
        Subject::RegisteredAt => match parse_date(text) {
            Ok(unix) => Ok(Value::Time { unix, text: text.to_string() }),
            Err(Some(why)) => Err(format!("{DATE_EXAMPLE}; {} is not a valid date: {why}", quote_found(text))),
            Err(None) => Err(format!("{DATE_EXAMPLE}, found {}", quote_found(text))),
        },
    }
}

fn quote_found(text: &str) -> String {
    format!("'{}'", shorten(text))
}

// ---------------------------------------------------------------------------------------------
// Versions, numbers, dates
// ---------------------------------------------------------------------------------------------

/// A strict dotted version: `1`, `1.14`, `1.14.5`.
fn parse_version(text: &str) -> Option<Vec<u64>> {
    if text.is_empty() {
        return None;
    }
    text.split('.')
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse::<u64>().ok()
            } else {
                None
            }
        })
        .collect()
}

/// An instance's agent version, read leniently: optional `v`, then the dotted numeric prefix.
fn parse_version_lenient(text: &str) -> Option<Vec<u64>> {
    let t = text.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let n = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    parse_version(t[..n].trim_end_matches('.'))
}

fn cmp_versions(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        match x.cmp(&y) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// A plain decimal number (`-3`, `2.5`), not `inf`/`NaN`/exponents.
fn parse_number(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let ok = digits(int)
        && frac.is_none_or(|f| digits(f) && !f.is_empty())
        && !int.is_empty();
    if ok {
        s.parse::<f64>().ok().filter(|v| v.is_finite())
    } else {
        None
    }
}

/// Days since 1970-01-01 (see [`crate::engine::time::days_from_civil`]).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    crate::engine::time::days_from_civil(y, m as u32, d as u32)
}

/// The inverse of [`days_from_civil`]: `(year, month, day)`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let (y, m, d) = crate::engine::time::civil_from_days(z);
    (y, m as i64, d as i64)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Unix seconds as `2018-06-18T22:28:28Z`.
pub fn format_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem / 60) % 60, rem % 60)
}

/// Parse one of the documented `registeredAt` forms into Unix seconds. `Err(Some(why))` when the
/// text has the right shape but an impossible value, `Err(None)` when it is not a date at all.
/// Fractional seconds (`22:28:28.5Z`) are accepted and dropped.
pub fn parse_date(text: &str) -> Result<i64, Option<String>> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let s = b.get(from..from + len)?;
        if s.iter().all(u8::is_ascii_digit) {
            Some(s.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
        } else {
            None
        }
    };
    let byte = |i: usize| b.get(i).copied();
    let (Some(y), Some(b'-'), Some(mo), Some(b'-'), Some(d)) = (num(0, 4), byte(4), num(5, 2), byte(7), num(8, 2))
    else {
        return Err(None);
    };
    let (mut h, mut mi, mut s, mut offset) = (0, 0, 0, 0i64);
    if b.len() > 10 {
        let (Some(b'T'), Some(hh), Some(b':'), Some(mm), Some(b':'), Some(ss)) =
            (byte(10), num(11, 2), byte(13), num(14, 2), byte(16), num(17, 2))
        else {
            return Err(None);
        };
        (h, mi, s) = (hh, mm, ss);
        let mut i = 19;
        if byte(i) == Some(b'.') {
            i += 1;
            let start = i;
            while byte(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            if i == start {
                return Err(None);
            }
        }
        match byte(i) {
            None => {}
            Some(b'Z') if i + 1 == b.len() => {}
            Some(sign @ (b'+' | b'-')) => {
                let (Some(oh), Some(b':'), Some(om)) = (num(i + 1, 2), byte(i + 3), num(i + 4, 2)) else {
                    return Err(None);
                };
                if i + 6 != b.len() {
                    return Err(None);
                }
                if oh > 23 || om > 59 {
                    return Err(Some(format!("the UTC offset {oh:02}:{om:02} is out of range")));
                }
                offset = (oh * 3600 + om * 60) * if sign == b'-' { -1 } else { 1 };
            }
            _ => return Err(None),
        }
    }
    if !(1..=12).contains(&mo) {
        return Err(Some(format!("month {mo} is out of range")));
    }
    if d < 1 || d > days_in_month(y, mo) {
        return Err(Some(format!("day {d} is out of range for {y:04}-{mo:02}")));
    }
    if h > 23 || mi > 59 || s > 59 {
        return Err(Some(format!("the time {h:02}:{mi:02}:{s:02} is out of range")));
    }
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// The instance's value for a subject.
enum Actual {
    Missing,
    Text(String),
    Groups(Vec<String>),
    Bool(bool),
    Count(u64),
    /// The agent version as reported, parsed leniently when possible.
    Version(String, Option<Vec<u64>>),
    Time(i64),
}

fn actual(subject: &Subject, inst: &dyn CqlInstance) -> Actual {
    match subject {
        Subject::Attribute(name) => match inst.attribute(name) {
            Some(v) => Actual::Text(v.to_string()),
            None => Actual::Missing,
        },
        Subject::Ec2InstanceId => Actual::Text(inst.ec2_instance_id().to_string()),
        Subject::TaskGroup => Actual::Groups(inst.task_groups()),
        Subject::AgentConnected => Actual::Bool(inst.agent_connected()),
        Subject::RunningTasksCount => Actual::Count(u64::from(inst.running_tasks_count())),
        Subject::AgentVersion => {
            let v = inst.agent_version();
            Actual::Version(v.to_string(), parse_version_lenient(v))
        }
        Subject::RegisteredAt => Actual::Time(inst.registered_at_unix()),
    }
}

/// How one single value compares with an argument.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    Numbers,
    Text,
    Other,
}

/// Order a single (non-group, present) value against an argument; `None` if incomparable.
fn order(a: &Actual, v: &Value) -> Option<(Ordering, How)> {
    match (a, v) {
        (Actual::Text(x), Value::Text(y)) => match (parse_number(x), parse_number(y)) {
            (Some(p), Some(q)) => p.partial_cmp(&q).map(|o| (o, How::Numbers)),
            _ => Some((x.as_str().cmp(y.as_str()), How::Text)),
        },
        (Actual::Bool(x), Value::Bool(y)) => Some((x.cmp(y), How::Other)),
        (Actual::Count(x), Value::Count(y)) => Some((x.cmp(y), How::Other)),
        (Actual::Version(_, Some(x)), Value::Version { parts, .. }) => Some((cmp_versions(x, parts), How::Other)),
        (Actual::Time(x), Value::Time { unix, .. }) => Some((x.cmp(unix), How::Other)),
        _ => None,
    }
}

/// Equality of a single value with an argument: text is compared as text (`1` ≠ `1.0`).
fn equal(a: &Actual, v: &Value) -> bool {
    match (a, v) {
        (Actual::Text(x), Value::Text(y)) => x == y,
        _ => order(a, v).is_some_and(|(o, _)| o == Ordering::Equal),
    }
}

fn cmp_single(a: &Actual, op: CmpOp, v: &Value) -> bool {
    match op {
        CmpOp::Eq => equal(a, v),
        CmpOp::Ne => !equal(a, v),
        _ => order(a, v).is_some_and(|(o, _)| op.accepts(o)),
    }
}

/// The value as text, for regular-expression matching.
fn actual_text(a: &Actual) -> Option<String> {
    match a {
        Actual::Missing | Actual::Groups(_) => None,
        Actual::Text(s) | Actual::Version(s, _) => Some(s.clone()),
        Actual::Bool(b) => Some(b.to_string()),
        Actual::Count(n) => Some(n.to_string()),
        Actual::Time(t) => Some(format_unix(*t)),
    }
}

fn eval_compare(a: &Actual, op: CmpOp, v: &Value) -> bool {
    match a {
        Actual::Missing => op == CmpOp::Ne,
        Actual::Groups(gs) => {
            let any = |op: CmpOp| gs.iter().any(|g| cmp_single(&Actual::Text(g.clone()), op, v));
            match op {
                CmpOp::Ne => !any(CmpOp::Eq),
                _ => any(op),
            }
        }
        _ => cmp_single(a, op, v),
    }
}

fn eval_in(a: &Actual, values: &[Value]) -> bool {
    match a {
        Actual::Missing => false,
        Actual::Groups(gs) => gs.iter().any(|g| values.iter().any(|v| equal(&Actual::Text(g.clone()), v))),
        _ => values.iter().any(|v| equal(a, v)),
    }
}

fn eval_matches(a: &Actual, p: &Pattern) -> bool {
    match a {
        Actual::Groups(gs) => gs.iter().any(|g| p.is_full_match(g)),
        _ => actual_text(a).is_some_and(|t| p.is_full_match(&t)),
    }
}

fn eval_exists(a: &Actual) -> bool {
    match a {
        Actual::Missing => false,
        Actual::Groups(gs) => !gs.is_empty(),
        _ => true,
    }
}

impl Expr {
    /// Whether the instance satisfies the expression. Never panics.
    pub fn eval(&self, inst: &dyn CqlInstance) -> bool {
        match self {
            Expr::And(a, b) => a.eval(inst) && b.eval(inst),
            Expr::Or(a, b) => a.eval(inst) || b.eval(inst),
            Expr::Not(e) => !e.eval(inst),
            // Attributes are the common case: compare the text in place instead of copying it
            // into an `Actual` (same result as the general arms below).
            Expr::Matches { subject: Subject::Attribute(name), negated, pattern } => inst.attribute(name).is_some_and(|v| pattern.is_full_match(v)) != *negated,
            Expr::Compare { subject: Subject::Attribute(name), op: op @ (CmpOp::Eq | CmpOp::Ne), value: Value::Text(want) } => match inst.attribute(name) {
                Some(v) => (v == want.as_str()) == (*op == CmpOp::Eq),
                None => *op == CmpOp::Ne,
            },
            Expr::Compare { subject, op, value } => eval_compare(&actual(subject, inst), *op, value),
            Expr::Exists { subject, negated } => eval_exists(&actual(subject, inst)) != *negated,
            Expr::In { subject, negated, values } => eval_in(&actual(subject, inst), values) != *negated,
            Expr::Matches { subject, negated, pattern } => eval_matches(&actual(subject, inst), pattern) != *negated,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Explanations
// ---------------------------------------------------------------------------------------------

/// A learner-readable explanation of why `expr` is false for this instance, naming the first
/// failing comparison and the instance's actual value, e.g.
/// "attribute:ecs.instance-type is m5.large, which does not match t2.*" or
/// "attribute:stack is not set". When the expression is in fact true, says so.
pub fn explain_false(expr: &Expr, inst: &dyn CqlInstance) -> String {
    if expr.eval(inst) {
        return format!("{expr} holds for this instance");
    }
    why(expr, inst, false)
}

/// Explain why `expr` evaluates to `truth` (which the caller has established).
fn why(expr: &Expr, inst: &dyn CqlInstance, truth: bool) -> String {
    match expr {
        Expr::Not(e) => why(e, inst, !truth),
        Expr::And(..) | Expr::Or(..) => {
            let is_and = matches!(expr, Expr::And(..));
            let mut parts = Vec::new();
            flatten(expr, is_and, &mut parts);
            if is_and != truth {
                // A false `and` or a true `or`: the first deciding child says it all.
                let decider = parts.iter().find(|p| p.eval(inst) == truth).copied();
                match decider {
                    Some(p) => why(p, inst, truth),
                    None => format!("{expr} is {truth}"),
                }
            } else {
                let reasons: Vec<String> = parts.iter().map(|p| why(p, inst, truth)).collect();
                if is_and {
                    reasons.join("; and ")
                } else {
                    format!("no alternative holds: {}", reasons.join("; "))
                }
            }
        }
        _ => leaf_sentence(expr, inst, truth),
    }
}

fn flatten<'e>(expr: &'e Expr, and: bool, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::And(a, b) if and => {
            flatten(a, and, out);
            flatten(b, and, out);
        }
        Expr::Or(a, b) if !and => {
            flatten(a, and, out);
            flatten(b, and, out);
        }
        _ => out.push(expr),
    }
}

/// The instance's value as shown to a learner.
fn show_actual(a: &Actual) -> String {
    match a {
        Actual::Missing => "not set".to_string(),
        Actual::Text(s) => quote(s),
        Actual::Groups(gs) => show_groups(gs),
        Actual::Bool(b) => b.to_string(),
        Actual::Count(n) => n.to_string(),
        Actual::Version(s, _) => quote(s),
        Actual::Time(t) => format_unix(*t),
    }
}

fn show_groups(gs: &[String]) -> String {
    let mut v: Vec<&str> = gs.iter().map(String::as_str).collect();
    sort::sort(&mut v);
    v.dedup();
    const MAX: usize = 8;
    let more = v.len().saturating_sub(MAX);
    let mut s = v.iter().take(MAX).map(|g| quote(g)).collect::<Vec<_>>().join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

fn show_list(values: &[Value]) -> String {
    format!("[{}]", values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))
}

/// "no tasks are running on this instance" or "its tasks are in groups a, b".
fn groups_here(gs: &[String]) -> String {
    if gs.is_empty() {
        "no tasks are running on this instance".to_string()
    } else {
        format!("the tasks on this instance are in {}", show_groups(gs))
    }
}

fn relation(op: CmpOp, subject: &Subject) -> &'static str {
    let time = *subject == Subject::RegisteredAt;
    match (op, time) {
        (CmpOp::Gt, false) => "greater than",
        (CmpOp::Ge, false) => "at least",
        (CmpOp::Lt, false) => "less than",
        (CmpOp::Le, false) => "at most",
        (CmpOp::Gt, true) => "after",
        (CmpOp::Ge, true) => "at or after",
        (CmpOp::Lt, true) => "before",
        (CmpOp::Le, true) => "at or before",
        (CmpOp::Eq, _) => "equal to",
        (CmpOp::Ne, _) => "different from",
    }
}

fn leaf_sentence(expr: &Expr, inst: &dyn CqlInstance, truth: bool) -> String {
    match expr {
        Expr::Compare { subject, op, value } => {
            let a = actual(subject, inst);
            compare_sentence(subject, &a, *op, value)
        }
        Expr::Exists { subject, .. } => {
            let a = actual(subject, inst);
            match &a {
                Actual::Missing => format!("{subject} is not set"),
                Actual::Groups(gs) if gs.is_empty() => "no tasks are running on this instance".to_string(),
                Actual::Groups(gs) => groups_here(gs),
                _ if matches!(subject, Subject::Attribute(_)) => format!("{subject} is set (to {})", show_actual(&a)),
                _ => format!("{subject} always exists"),
            }
        }
        Expr::In { subject, values, .. } => {
            let a = actual(subject, inst);
            let list = show_list(values);
            match &a {
                Actual::Missing => format!("{subject} is not set"),
                Actual::Groups(gs) => {
                    let hit = gs.iter().find(|g| values.iter().any(|v| equal(&Actual::Text((*g).clone()), v)));
                    match hit {
                        Some(g) => format!("a task in group {} is running on this instance", quote(g)),
                        None if gs.is_empty() => "no tasks are running on this instance".to_string(),
                        None => format!("no task on this instance is in any group of {list} ({})", groups_here(gs)),
                    }
                }
                _ => {
                    let is_in = eval_in(&a, values);
                    format!("{subject} is {}, which is {}in {list}", show_actual(&a), if is_in { "" } else { "not " })
                }
            }
        }
        Expr::Matches { subject, pattern, .. } => {
            let a = actual(subject, inst);
            match &a {
                Actual::Missing => format!("{subject} is not set"),
                Actual::Groups(gs) => match gs.iter().find(|g| pattern.is_full_match(g)) {
                    Some(g) => format!("the task group {} on this instance matches {pattern}", quote(g)),
                    None if gs.is_empty() => "no tasks are running on this instance".to_string(),
                    None => format!("no task group on this instance matches {pattern} ({})", groups_here(gs)),
                },
                _ => {
                    let m = eval_matches(&a, pattern);
                    format!("{subject} is {}, which {} {pattern}", show_actual(&a), if m { "matches" } else { "does not match" })
                }
            }
        }
        _ => format!("{expr} is {truth}"),
    }
}

fn compare_sentence(subject: &Subject, a: &Actual, op: CmpOp, v: &Value) -> String {
    match a {
        Actual::Missing => format!("{subject} is not set"),
        Actual::Groups(gs) => {
            let hit = gs.iter().any(|g| equal(&Actual::Text(g.clone()), v));
            match op {
                CmpOp::Eq | CmpOp::Ne => {
                    if hit {
                        format!("a task in group {v} is running on this instance")
                    } else if gs.is_empty() {
                        format!("no tasks are running on this instance, so none is in group {v}")
                    } else {
                        format!("no task on this instance is in group {v} ({})", groups_here(gs))
                    }
                }
                _ => format!("{} (compared with {} {v})", groups_here(gs), op.symbol()),
            }
        }
        Actual::Version(text, None) => {
            format!("{subject} is {}, which is not a version number", quote(text))
        }
        _ => {
            let shown = show_actual(a);
            match op {
                CmpOp::Eq | CmpOp::Ne => {
                    if equal(a, v) {
                        if shown == v.to_string() {
                            format!("{subject} is {v}")
                        } else {
                            format!("{subject} is {shown}, which equals {v}")
                        }
                    } else {
                        format!("{subject} is {shown}, not {v}")
                    }
                }
                _ => match order(a, v) {
                    None => format!("{subject} is {shown}, which cannot be compared with {v}"),
                    Some((o, how)) => {
                        let holds = op.accepts(o);
                        let mut s = format!(
                            "{subject} is {shown}, which is {}{} {v}",
                            if holds { "" } else { "not " },
                            relation(op, subject)
                        );
                        if how == How::Text {
                            s.push_str(" (compared as text, since they are not both numbers)");
                        }
                        s
                    }
                },
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------------

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(&quote(s)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Count(n) => write!(f, "{n}"),
            Value::Version { text, .. } | Value::Time { text, .. } => f.write_str(&quote(text)),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Compare { subject, op, value } => write!(f, "{subject} {} {value}", op.symbol()),
            Expr::Exists { subject, negated } => write!(f, "{subject} {}", if *negated { "!exists" } else { "exists" }),
            Expr::In { subject, negated, values } => {
                write!(f, "{subject} {} {}", if *negated { "!in" } else { "in" }, show_list(values))
            }
            Expr::Matches { subject, negated, pattern } => {
                write!(f, "{subject} {} {pattern}", if *negated { "!~" } else { "=~" })
            }
            Expr::Not(e) => write!(f, "not({e})"),
            Expr::And(a, b) => {
                write_child(f, a, matches!(**a, Expr::Or(..)))?;
                f.write_str(" and ")?;
                write_child(f, b, matches!(**b, Expr::Or(..) | Expr::And(..)))
            }
            Expr::Or(a, b) => {
                write_child(f, a, false)?;
                f.write_str(" or ")?;
                write_child(f, b, matches!(**b, Expr::Or(..)))
            }
        }
    }
}

fn write_child(f: &mut fmt::Formatter<'_>, e: &Expr, paren: bool) -> fmt::Result {
    if paren {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_agree_with_the_matcher() {
        let sources = ["m5.*", ".*", "m5", "t3-x_1.*", "m5.large", "m5\\.*", "(m5|c5).*", "m5.*.*", "M5.*", "a", "m5.*x", "5"];
        let texts = ["", "m5", "m5.large", "m5\n", "m5.large\nx", "\nm5", "M5.large", "m55", "c5.large", "t3-x_1", "t3-x_1.y", "a", "ab", "m5.*", "é", "m5é", "5"];
        for src in sources {
            let p = Pattern::new(src).unwrap();
            for t in texts {
                assert_eq!(p.is_full_match(t), p.regex.is_full_match(t), "{src:?} on {t:?}");
            }
        }
        assert_eq!(Shortcut::of("m5.*"), Some(Shortcut::Prefix("m5".into())));
        assert_eq!(Shortcut::of(".*"), Some(Shortcut::Prefix(String::new())));
        assert_eq!(Shortcut::of("m5"), Some(Shortcut::Exact("m5".into())));
        assert_eq!(Shortcut::of("m5.large"), None);
        assert_eq!(Shortcut::of(""), None);
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 17_575, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2018-06-18T22:28:28Z"), Ok(1_529_360_908));
        assert_eq!(parse_date("2018-06-18T22:28:28+00:00"), Ok(1_529_360_908));
        assert_eq!(parse_date("2018-06-18T22:28:28"), Ok(1_529_360_908));
        assert_eq!(parse_date("2018-06-19T00:28:28+02:00"), Ok(1_529_360_908));
        assert_eq!(parse_date("2018-06-18T17:28:28-05:00"), Ok(1_529_360_908));
        assert_eq!(parse_date("2018-06-18"), Ok(1_529_280_000));
        assert_eq!(parse_date("2018-06-18T22:28:28.750Z"), Ok(1_529_360_908));
        assert!(matches!(parse_date("2018-02-29"), Err(Some(_))));
        assert_eq!(parse_date("2016-02-29"), Ok(1_456_704_000));
        assert_eq!(parse_date("yesterday"), Err(None));
        assert_eq!(parse_date("2018-06-18T22:28"), Err(None));
        assert_eq!(parse_date("2018-06-18Z"), Err(None));
        assert_eq!(format_unix(1_529_360_908), "2018-06-18T22:28:28Z");
        assert_eq!(format_unix(-1), "1969-12-31T23:59:59Z");
        // Extremes must not panic.
        let _ = format_unix(i64::MIN);
        let _ = format_unix(i64::MAX);
    }

    #[test]
    fn regex_words() {
        assert_eq!(regex_word_len("g2.* and x"), 4);
        assert_eq!(regex_word_len("(a|b).*) rest"), 7);
        assert_eq!(regex_word_len("[)]x)"), 4);
        assert_eq!(regex_word_len("[]a]b c"), 5);
        assert_eq!(regex_word_len("\\)a)"), 3);
        assert_eq!(regex_word_len("a&&b"), 1);
        assert_eq!(regex_word_len("a\\"), 2);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("10"), Some(10.0));
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("1e3"), None);
        assert_eq!(parse_number("."), None);
        assert_eq!(parse_number("1."), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn versions() {
        assert_eq!(cmp_versions(&[1, 14, 5], &[1, 9, 0]), Ordering::Greater);
        assert_eq!(cmp_versions(&[1, 14], &[1, 14, 0]), Ordering::Equal);
        assert_eq!(parse_version_lenient("v1.14.5-beta"), Some(vec![1, 14, 5]));
        assert_eq!(parse_version_lenient("unknown"), None);
        assert_eq!(parse_version("1..2"), None);
    }
}
