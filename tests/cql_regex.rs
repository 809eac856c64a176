//! The cluster query language's own regular-expression matcher (`placement::cql_regex`):
//! examples, exact error messages and positions, and a differential test against the `regex`
//! crate (a dev-dependency only), which must agree with `^(?:pattern)$` on every pattern the
//! matcher accepts.

use berth::engine::placement::cql_regex::{Regex, NEST_LIMIT};
use proptest::prelude::*;

fn ours(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|e| panic!("{p:?} should compile: {e}"))
}

fn reference(p: &str) -> regex::Regex {
    regex::Regex::new(&format!("^(?:{p})$")).unwrap_or_else(|e| panic!("the regex crate refuses {p:?}: {e}"))
}

#[test]
fn examples() {
    let t2 = ours("t2.*");
    assert!(t2.is_full_match("t2.small"));
    assert!(!t2.is_full_match("xt2.small"));
    assert!(!ours("t2").is_full_match("t2.small"));

    let m5 = ours(r"m5\.(large|xlarge)");
    assert!(m5.is_full_match("m5.large"));
    assert!(m5.is_full_match("m5.xlarge"));
    assert!(!m5.is_full_match("m5.2xlarge"));
    assert!(!m5.is_full_match("m5xlarge"));

    let group = ours(r"[a-c]+-\d{2}");
    assert!(group.is_full_match("abc-42"));
    assert!(!group.is_full_match("abd-42"));
    assert!(!group.is_full_match("abc-4"));
    assert!(!group.is_full_match("-42"));

    let ci = ours("(?i)T2.*");
    assert!(ci.is_full_match("t2.micro"));
    assert!(ci.is_full_match("T2.MICRO"));
    assert!(!ci.is_full_match("m5.large"));
    // Only the group is case-insensitive; ASCII only.
    let part = ours("(?i:t)2-X");
    assert!(part.is_full_match("T2-X"));
    assert!(!part.is_full_match("T2-x"));
    assert!(!ours("(?i)é").is_full_match("É"));
    assert!(ours("(?i)x(?-i)y").is_full_match("Xy"));
    assert!(!ours("(?i)x(?-i)y").is_full_match("XY"));

    let az = ours(r"us-(east|west)-[12][a-f]");
    assert!(az.is_full_match("us-east-1a"));
    assert!(!az.is_full_match("us-east-1g"));
    assert!(ours(r"i-[0-9a-f]{8}(?:[0-9a-f]{9})?").is_full_match("i-0123456789abcdef0"));
    assert!(ours(r"service:\w+").is_full_match("service:web_1"));
    assert!(!ours(r"service:\w+").is_full_match("service:wéb"));
    assert!(ours(r"[]a]+").is_full_match("]a]"));
    assert!(ours(r"[^]a]").is_full_match("b"));
    assert!(ours(r"a\/b\-c\ d").is_full_match("a/b-c d"));
    assert!(ours(r"\bweb\b").is_full_match("web"));
    assert!(ours(r"x{2}?y+?z*?").is_full_match("xxy"));
    assert!(ours(r"(?<tier>web|db)-(?P<n>\d)").is_full_match("db-3"));
    assert!(ours("").is_full_match(""));
    // ^ and $ are the ends of the value, or of a line with (?m); . skips \n unless (?s).
    assert!(!ours("a$\\n^b").is_full_match("a\nb"));
    assert!(ours("(?m)a$\\n^b").is_full_match("a\nb"));
    assert!(!ours("a.b").is_full_match("a\nb"));
    assert!(ours("(?s)a.b").is_full_match("a\nb"));
}

#[test]
fn hostile_patterns_finish() {
    let evil = ours("(a*)*b");
    assert!(!evil.is_full_match(&"a".repeat(5000)));
    assert!(ours("(a*)*b").is_full_match(&format!("{}b", "a".repeat(5000))));
    assert!(!ours("(a|aa)+c").is_full_match(&"a".repeat(5000)));
    assert!(!ours("(x+x+)+y").is_full_match(&"x".repeat(5000)));
    assert!(!ours("(.*){100}z").is_full_match(&"y".repeat(5000)));
    // Parts that match nothing, repeated: compiled once, not a billion times.
    assert!(ours("(((?:){1000}){1000}){1000}").is_full_match(""));
    assert!(ours("((((x{0}){1000}){1000}){1000})y").is_full_match("y"));
}

#[test]
fn nesting_is_limited() {
    let ok = format!("{}a{}", "(".repeat(NEST_LIMIT), ")".repeat(NEST_LIMIT));
    assert!(ours(&ok).is_full_match("a"));
    let deep = format!("{}a{}", "(".repeat(NEST_LIMIT + 1), ")".repeat(NEST_LIMIT + 1));
    let e = Regex::new(&deep).unwrap_err();
    assert_eq!((e.at, e.to_string()), (32, "invalid regular expression: groups nest too deeply (more than 32 levels)".to_string()));
    let deep = format!("{}a", "(?:".repeat(40));
    assert_eq!(Regex::new(&deep).unwrap_err().at, 96);
}

/// Pattern → (char index to blame, the whole message).
const ERRORS: &[(&str, usize, &str)] = &[
    ("g2(", 2, "unclosed group"),
    ("(a|(b)", 0, "unclosed group"),
    ("a)|(b", 1, "unopened group: this ')' closes nothing (write \\) to match a ')')"),
    ("[a-z", 0, "unclosed character class"),
    ("[]", 0, "unclosed character class"),
    ("x[^]", 1, "unclosed character class"),
    ("*a", 0, "repetition operator missing expression"),
    ("a|+", 2, "repetition operator missing expression"),
    ("(?i)*", 4, "repetition operator missing expression"),
    ("{2}", 0, "repetition operator missing expression"),
    ("a**", 2, "a repetition operator cannot follow another; put the first in a group, e.g. (a*)* or (a{2}){3}"),
    ("a{2}{3}", 4, "a repetition operator cannot follow another; put the first in a group, e.g. (a*)* or (a{2}){3}"),
    ("a*?+", 3, "a repetition operator cannot follow another; put the first in a group, e.g. (a*)* or (a{2}){3}"),
    ("a*+", 2, "possessive quantifiers like *+ are not supported; drop the extra +"),
    ("a{2", 1, "unclosed counted repetition"),
    ("a{", 1, "unclosed counted repetition"),
    ("a{,3}", 1, "a counted repetition needs a minimum: write {0,n} instead of {,n}"),
    ("a{x}", 2, "a counted repetition is {n}, {n,} or {n,m} with whole numbers, as in a{2} or a{1,3} (write \\{ to match a '{')"),
    ("a{3,2}", 1, "invalid repetition range {3,2}: the minimum is larger than the maximum"),
    ("a{1001}", 2, "repetition count 1001 is over the limit of 1000"),
    ("a{1,99999999999}", 4, "repetition count 99999999999 is over the limit of 1000"),
    ("(a{1000}){1000}", 9, "it is too large (more than 10000 states once repetitions are expanded); use smaller repetition counts"),
    ("[a-z]{1000}[0-9]{1000}(x{999}){9}", 30, "it is too large (more than 10000 states once repetitions are expanded); use smaller repetition counts"),
    ("[z-a]", 1, "invalid range z-a in character class"),
    ("[\\x7a-a]", 1, "invalid range \\x7a-a in character class"),
    ("[\\d-z]", 1, "a range needs a single character at each end; write \\- to match a '-'"),
    ("[a-\\w]", 3, "a range needs a single character at each end; write \\- to match a '-'"),
    ("[[:alpha:]]", 1, "POSIX classes like [:alpha:] are not supported; write a range like a-zA-Z, or \\w, \\d, \\s"),
    ("[a[b]]", 2, "a '[' inside a character class must be escaped as \\[ (nested classes are not supported)"),
    ("[a&&b]", 2, "class intersection && is not supported; write \\& to match a '&'"),
    ("[a-z--b]", 4, "'--' in a character class is not supported (set difference in some dialects); write \\- to match a '-'"),
    ("[a~~b]", 2, "'~~' in a character class is not supported (set operation in some dialects); write \\~ to match a '~'"),
    ("[\\b]", 1, "\\b is not allowed inside a character class"),
    ("a\\q", 1, "unknown escape \\q (to match q itself, write it without the backslash)"),
    ("\\é", 0, "unknown escape \\é (to match é itself, write it without the backslash)"),
    ("ab\\", 2, "incomplete escape: the pattern ends with \\ (write \\\\ to match a backslash)"),
    ("(a)\\1", 3, "back-references like \\1 are not supported (Berth's matcher never backtracks)"),
    ("(?<x>a)\\k<x>", 7, "back-references like \\k<name> are not supported (Berth's matcher never backtracks)"),
    ("(?P<x>a)(?P=x)", 8, "back-references like (?P=name) are not supported"),
    ("\\0", 0, "octal escapes like \\0 are not supported; write a code point like \\x00"),
    ("[a-z]\\p{L}", 5, "Unicode property classes like \\p{L} are not available in Berth; use \\w, \\d or a range like [a-z]"),
    ("\\PL", 0, "Unicode property classes like \\p{L} are not available in Berth; use \\w, \\d or a range like [a-z]"),
    ("a(?=b)", 1, "look-ahead (?=…) is not supported; combine conditions instead, e.g. attribute:x =~ a.* and attribute:x !~ ab.*"),
    ("(?!b)a", 0, "negative look-ahead (?!…) is not supported; combine conditions instead, e.g. attribute:x =~ a.* and attribute:x !~ ab.*"),
    ("(?<=a)b", 0, "look-behind (?<=…) is not supported; combine conditions instead, e.g. attribute:x =~ a.* and attribute:x !~ ab.*"),
    ("(?<!a)b", 0, "negative look-behind (?<!…) is not supported; combine conditions instead, e.g. attribute:x =~ a.* and attribute:x !~ ab.*"),
    ("(?>a)", 0, "atomic groups (?>…) are not supported; use (?:…)"),
    ("(?#note)a", 0, "comments (?#…) are not supported"),
    ("(?)a", 0, "empty flag group (?): write flags like (?i)"),
    ("(?i-)a", 3, "a '-' in flags must be followed by the flags to turn off, e.g. (?-i)"),
    ("(?i-s-m)a", 5, "flags take at most one '-'"),
    ("(?ii)a", 3, "flag i is repeated"),
    ("(?x)a #", 2, "(?x) verbose mode is not supported; remove the spaces and comments"),
    ("(?iu)é", 3, "(?u) is not supported: Berth's \\w, \\d, \\s and (?i) are ASCII-only; write the other characters out, e.g. [éÉ]"),
    ("(?U)a*", 2, "unknown flag U; Berth supports i (ASCII case-insensitive), m (multi-line) and s (. matches \\n)"),
    ("(?i=a)", 3, "expected ':' or ')' after the flags, found '='"),
    ("(?i", 0, "unclosed group"),
    ("(?<1a>b)", 3, "invalid character '1' in a group name (names are letters, digits and _, not starting with a digit)"),
    ("(?<>b)", 3, "empty group name"),
    ("(?<n>a)(?<n>b)", 10, "duplicate group name n"),
    ("(?<n", 0, "unclosed group name"),
    ("(?%a)", 0, "unknown group syntax (?%"),
    ("\\Z", 0, "\\Z is not supported; use $ or \\z for the end of the value"),
    ("\\Qa.b\\E", 0, "quoting with \\Q…\\E is not supported; escape each special character with \\ instead"),
    ("\\<a", 0, "\\< is not supported; use \\b for a word boundary, or write < without the backslash"),
    ("\\xZ1", 0, "invalid code point escape; write \\x41 or \\x{41}"),
    ("\\u{110000}", 0, "110000 is not a Unicode scalar value"),
    ("\\uD800", 0, "D800 is not a Unicode scalar value"),
    // Positions count characters, not bytes.
    ("éé(", 2, "unclosed group"),
];

#[test]
fn errors_name_the_problem_and_the_character() {
    for (pattern, at, reason) in ERRORS {
        let e = match Regex::new(pattern) {
            Ok(_) => panic!("{pattern:?} should be refused"),
            Err(e) => e,
        };
        assert_eq!((e.at, e.to_string()), (*at, format!("invalid regular expression: {reason}")), "{pattern:?}");
    }
}

/// Accepted, and what the `regex` crate would have said — except where Berth deliberately differs
/// (ASCII `\w`, `\d`, `\s`, `\b` and `(?i)`).
#[test]
fn ascii_classes_and_case() {
    for (p, t, want) in [
        (r"\w", "é", false),
        (r"\W", "é", true),
        (r"\d", "٣", false),
        (r"\s", "\u{a0}", false),
        (r"\s", "\u{b}", true),
        (r"(?i)k", "\u{212a}", false),
        (r"(?i)[a-z]", "Q", true),
        (r"(?i)[^a-z]", "Q", false),
        (r"(?-u:\w)", "a", true),
        (r"(?i-u)T2", "t2", true),
        (r"a\bé", "aé", true),
    ] {
        assert_eq!(ours(p).is_full_match(t), want, "{p:?} on {t:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Differential: random patterns from the supported grammar
// ---------------------------------------------------------------------------------------------

const LITERALS: &[char] = &['a', 'b', 'm', 't', 'T', '2', '5'];
/// Escaped punctuation, and `\n`.
const ESCAPED: &[char] = &['.', '-', '*', '\\', '/', '(', '[', ']', '{', '|', '?', '+', '$', '^', 'n'];
const TEXT: &[char] = &['a', 'b', 'm', 't', 'T', 'A', 'M', '2', '5', '.', '-', '_', ' ', '\n', 'é', '/', '*'];

#[derive(Debug, Clone)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Perl(char),
}

#[derive(Debug, Clone)]
enum Re {
    Lit(char),
    Esc(char),
    Dot,
    Perl(char),
    Class(bool, Vec<ClassItem>),
    Start,
    End,
    Word(bool),
    Flags(&'static str),
    Concat(Vec<Re>),
    Alt(Vec<Re>),
    /// `(`, `(?:`, `(?i:`, `(?<name>` ...: the opening text ("<" stands for a fresh name).
    Group(&'static str, Box<Re>),
    Repeat(Box<Re>, u32, Option<u32>, bool),
}

/// `\d` and friends spelled as explicit ASCII classes for the regex crate (its are Unicode).
fn perl_reference(c: char, in_class: bool) -> String {
    let (body, negated) = match c {
        'd' => ("0-9", false),
        'D' => ("0-9", true),
        'w' => ("0-9A-Za-z_", false),
        'W' => ("0-9A-Za-z_", true),
        's' => ("\\t\\n\\x0B\\x0C\\r ", false),
        _ => ("\\t\\n\\x0B\\x0C\\r ", true),
    };
    match (negated, in_class) {
        (false, true) => body.to_string(),
        (false, false) => format!("[{body}]"),
        (true, _) => format!("[^{body}]"),
    }
}

fn class_char(c: char) -> String {
    if c.is_ascii_alphanumeric() || c == '.' {
        c.to_string()
    } else {
        format!("\\{c}")
    }
}

/// Render for Berth (`reference == false`) or for the regex crate.
fn render(re: &Re, reference: bool, names: &mut u32, out: &mut String) {
    match re {
        Re::Lit(c) => out.push(*c),
        Re::Esc(c) => {
            out.push('\\');
            out.push(*c);
        }
        Re::Dot => out.push('.'),
        Re::Perl(c) if reference => out.push_str(&perl_reference(*c, false)),
        Re::Perl(c) => {
            out.push('\\');
            out.push(*c);
        }
        Re::Class(negated, items) => {
            out.push('[');
            if *negated {
                out.push('^');
            }
            for item in items {
                match item {
                    ClassItem::Char(c) => out.push_str(&class_char(*c)),
                    ClassItem::Range(a, b) => {
                        out.push_str(&class_char(*a));
                        out.push('-');
                        out.push_str(&class_char(*b));
                    }
                    ClassItem::Perl(c) if reference => out.push_str(&perl_reference(*c, true)),
                    ClassItem::Perl(c) => {
                        out.push('\\');
                        out.push(*c);
                    }
                }
            }
            out.push(']');
        }
        Re::Start => out.push('^'),
        Re::End => out.push('$'),
        Re::Word(b) => out.push_str(match (b, reference) {
            (true, false) => "\\b",
            (false, false) => "\\B",
            (true, true) => "(?-u:\\b)",
            (false, true) => "(?-u:\\B)",
        }),
        Re::Flags(f) => out.push_str(f),
        Re::Concat(items) => {
            for item in items {
                if matches!(item, Re::Alt(_)) {
                    out.push_str("(?:");
                    render(item, reference, names, out);
                    out.push(')');
                } else {
                    render(item, reference, names, out);
                }
            }
        }
        Re::Alt(branches) => {
            for (k, b) in branches.iter().enumerate() {
                if k > 0 {
                    out.push('|');
                }
                render(b, reference, names, out);
            }
        }
        Re::Group(open, body) => {
            if *open == "<" {
                *names += 1;
                out.push_str(&format!("(?<g{names}>"));
            } else {
                out.push_str(open);
            }
            render(body, reference, names, out);
            out.push(')');
        }
        Re::Repeat(sub, min, max, lazy) => {
            let atomic = matches!(**sub, Re::Lit(_) | Re::Esc(_) | Re::Dot | Re::Perl(_) | Re::Class(..) | Re::Group(..));
            if atomic {
                render(sub, reference, names, out);
            } else {
                out.push_str("(?:");
                render(sub, reference, names, out);
                out.push(')');
            }
            match (min, max) {
                (0, None) => out.push('*'),
                (1, None) => out.push('+'),
                (0, Some(1)) => out.push('?'),
                (n, None) => out.push_str(&format!("{{{n},}}")),
                (n, Some(m)) if n == m => out.push_str(&format!("{{{n}}}")),
                (n, Some(m)) => out.push_str(&format!("{{{n},{m}}}")),
            }
            if *lazy {
                out.push('?');
            }
        }
    }
}

fn both(re: &Re) -> (String, String) {
    let (mut a, mut b) = (String::new(), String::new());
    render(re, false, &mut 0, &mut a);
    render(re, true, &mut 0, &mut b);
    (a, b)
}

/// A text the pattern might match, steered by `choices`.
fn sample(re: &Re, choices: &mut impl Iterator<Item = u32>, out: &mut String) {
    fn pick(choices: &mut impl Iterator<Item = u32>, n: usize) -> usize {
        choices.next().unwrap_or(0) as usize % n.max(1)
    }
    match re {
        Re::Esc('n') => out.push('\n'),
        Re::Lit(c) | Re::Esc(c) => {
            let c = if pick(choices, 4) == 0 { c.to_ascii_uppercase() } else { *c };
            out.push(c);
        }
        Re::Dot | Re::Perl(_) | Re::Class(..) => out.push(TEXT[pick(choices, TEXT.len())]),
        Re::Start | Re::End | Re::Word(_) | Re::Flags(_) => {
            if pick(choices, 6) == 0 {
                out.push(TEXT[pick(choices, TEXT.len())]);
            }
        }
        Re::Concat(items) => {
            for item in items {
                sample(item, choices, out);
            }
        }
        Re::Alt(branches) => {
            let k = pick(choices, branches.len());
            sample(&branches[k], choices, out);
        }
        Re::Group(_, body) => sample(body, choices, out),
        Re::Repeat(sub, min, max, _) => {
            let extra = max.map_or(3, |m| m - min);
            let n = min + pick(choices, extra as usize + 1) as u32;
            for _ in 0..n {
                sample(sub, choices, out);
            }
        }
    }
}

fn class_item() -> impl Strategy<Value = ClassItem> {
    let chars = prop::sample::select(&['a', 'b', 'm', 't', 'T', 'A', '2', '5', '-', '.', '_', ' ', '/', '*'][..]);
    prop_oneof![
        4 => chars.clone().prop_map(ClassItem::Char),
        2 => (chars.clone(), chars).prop_map(|(a, b)| if a <= b { ClassItem::Range(a, b) } else { ClassItem::Range(b, a) }),
        1 => prop::sample::select(&['d', 'D', 'w', 'W', 's', 'S'][..]).prop_map(ClassItem::Perl),
    ]
}

fn leaf() -> impl Strategy<Value = Re> {
    prop_oneof![
        12 => prop::sample::select(LITERALS).prop_map(Re::Lit),
        2 => prop::sample::select(ESCAPED).prop_map(Re::Esc),
        4 => Just(Re::Dot),
        2 => prop::sample::select(&['d', 'D', 'w', 'W', 's', 'S'][..]).prop_map(Re::Perl),
        3 => (any::<bool>(), prop::collection::vec(class_item(), 1..4)).prop_map(|(n, items)| Re::Class(n, items)),
        2 => Just(Re::Start),
        2 => Just(Re::End),
        1 => any::<bool>().prop_map(Re::Word),
        2 => prop::sample::select(&["(?i)", "(?-i)", "(?s)", "(?m)", "(?i-s)"][..]).prop_map(Re::Flags),
    ]
}

fn pattern() -> impl Strategy<Value = Re> {
    leaf().prop_recursive(5, 40, 5, |inner| {
        let counts = prop_oneof![
            Just((0, None)),
            Just((1, None)),
            Just((0, Some(1))),
            (0u32..4).prop_map(|n| (n, Some(n))),
            (0u32..3).prop_map(|n| (n, None)),
            (0u32..3, 0u32..3).prop_map(|(n, k)| (n, Some(n + k))),
        ];
        prop_oneof![
            4 => prop::collection::vec(inner.clone(), 1..5).prop_map(Re::Concat),
            2 => prop::collection::vec(inner.clone(), 2..4).prop_map(Re::Alt),
            2 => (prop::sample::select(&["(", "(?:", "(?i:", "(?-i:", "(?s:", "(?m:", "<"][..]), inner.clone())
                .prop_map(|(open, body)| Re::Group(open, Box::new(body))),
            3 => (inner, counts, any::<bool>())
                .prop_filter("something to repeat", |(sub, _, _)| !matches!(sub, Re::Flags(_)))
                .prop_map(|(sub, (min, max), lazy)| Re::Repeat(Box::new(sub), min, max, lazy)),
        ]
    })
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TEXT), 0..7).prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_the_regex_crate(
        re in pattern(),
        texts in prop::collection::vec(text(), 4),
        choices in prop::collection::vec(prop::collection::vec(any::<u32>(), 24), 3),
    ) {
        let (mine, theirs) = both(&re);
        let ours = Regex::new(&mine).unwrap_or_else(|e| panic!("{mine:?} should compile: {e}"));
        let reference = reference(&theirs);
        let mut all = texts;
        for c in choices {
            let mut s = String::new();
            sample(&re, &mut c.into_iter(), &mut s);
            all.push(s);
        }
        for t in &all {
            prop_assert_eq!(ours.is_full_match(t), reference.is_match(t), "{:?} (regex crate: {:?}) on {:?}", mine, theirs, t);
        }
    }

    /// Any text built from regex syntax: when Berth accepts it, the regex crate accepts it too and
    /// they agree (on ASCII texts, where their `\w`, `\b` and `(?i)` coincide); when Berth refuses
    /// it, the error blames a character of the pattern.
    #[test]
    fn token_soup_agrees_or_is_refused_with_a_position(
        toks in prop::collection::vec(prop::sample::select(SOUP), 0..12),
        texts in prop::collection::vec("[abmt25.\\- \n]{0,6}", 6),
    ) {
        let p: String = toks.concat();
        match Regex::new(&p) {
            Ok(ours) => {
                let theirs = regex::Regex::new(&format!("^(?:{p})$"));
                prop_assert!(theirs.is_ok(), "Berth accepts {:?}, the regex crate does not: {:?}", p, theirs.err());
                let theirs = theirs.unwrap();
                for t in &texts {
                    prop_assert_eq!(ours.is_full_match(t), theirs.is_match(t), "{:?} on {:?}", p, t);
                }
            }
            Err(e) => {
                prop_assert!(e.at < p.chars().count(), "{:?}: {} blames index {}", p, e, e.at);
                prop_assert!(e.to_string().starts_with("invalid regular expression: "));
            }
        }
    }
}

const SOUP: &[&str] = &[
    "a", "b", "m", "t", "2", "5", ".", "-", "(", ")", "(?:", "(?i)", "(?i:", "(?s)", "(?m)", "|", "*", "+", "?", "*?",
    "{2}", "{1,3}", "{2,}", "{", "}", "[", "]", "[^", "^", "$", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\.", "\\-",
    "\\\\", "\\b", "\\B", "a-b", "\\n", " ", ",",
];
