//! The ECS cluster query language: parsing errors, evaluation, Display round-trip, explanations,
//! and properties (never panics; canonical text parses back to the same tree).

use berth::engine::placement::cql::{self, explain_false, parse, CqlInstance, Expr};
use proptest::prelude::*;

/// A fake container instance.
struct Fake {
    attrs: Vec<(&'static str, &'static str)>,
    id: &'static str,
    registered: i64,
    running: u32,
    groups: Vec<&'static str>,
    version: &'static str,
    connected: bool,
}

impl CqlInstance for Fake {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
    fn ec2_instance_id(&self) -> &str {
        self.id
    }
    fn registered_at_unix(&self) -> i64 {
        self.registered
    }
    fn running_tasks_count(&self) -> u32 {
        self.running
    }
    fn task_groups(&self) -> Vec<String> {
        self.groups.iter().map(|g| g.to_string()).collect()
    }
    fn agent_version(&self) -> &str {
        self.version
    }
    fn agent_connected(&self) -> bool {
        self.connected
    }
}

const T: bool = true;
const F: bool = false;

/// A: t2.small in us-east-1a, one production task, old agent, registered 2018-01-01.
/// B: g2.2xlarge with a GPU, four tasks (database ×2, production), registered 2018-06-18T22:28:28Z.
/// C: m5.large in us-east-1d, empty, disconnected, no `stack`, `a` is not a number.
/// D: t2.micro in us-east-1d, one web task, agent `v1.14.5-beta`, registered 2018-02-13 exactly.
fn fleet() -> [Fake; 4] {
    [
        Fake {
            attrs: vec![
                ("ecs.instance-type", "t2.small"),
                ("ecs.availability-zone", "us-east-1a"),
                ("ecs.os-type", "linux"),
                ("ecs.cpu-architecture", "x86_64"),
                ("ecs.ami-id", "ami-1"),
                ("stack", "prod"),
                ("a", "1"),
            ],
            id: "i-abcd1234",
            registered: 1_514_764_800,
            running: 1,
            groups: vec!["service:production"],
            version: "1.14.4",
            connected: true,
        },
        Fake {
            attrs: vec![
                ("ecs.instance-type", "g2.2xlarge"),
                ("ecs.availability-zone", "us-east-1b"),
                ("gpu", "true"),
                ("stack", "prod"),
                ("b", "2"),
            ],
            id: "i-wxyx7890",
            registered: 1_529_360_908,
            running: 4,
            groups: vec!["database", "service:production", "database"],
            version: "1.20.0",
            connected: true,
        },
        Fake {
            attrs: vec![("ecs.instance-type", "m5.large"), ("ecs.availability-zone", "us-east-1d"), ("a", "abc")],
            id: "i-00000001",
            registered: 1_551_398_400,
            running: 0,
            groups: vec![],
            version: "1.9.0",
            connected: false,
        },
        Fake {
            attrs: vec![
                ("ecs.instance-type", "t2.micro"),
                ("ecs.availability-zone", "us-east-1d"),
                ("stack", "dev"),
                ("a", "10"),
                ("b", "2"),
            ],
            id: "i-1234",
            registered: 1_518_480_000,
            running: 2,
            groups: vec!["web"],
            version: "v1.14.5-beta",
            connected: true,
        },
    ]
}

/// Expression × instances A, B, C, D → expected result.
const EVAL: &[(&str, [bool; 4])] = &[
    // The developer guide's examples.
    ("attribute:ecs.instance-type == t2.small", [T, F, F, F]),
    ("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", [T, T, F, F]),
    ("attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d", [F, T, F, F]),
    ("task:group == service:production", [T, T, F, F]),
    ("not(task:group == database)", [T, F, T, T]),
    ("runningTasksCount == 1", [T, F, F, F]),
    ("agentVersion < 1.14.5", [T, F, T, F]),
    ("registeredAt < 2018-02-13", [T, F, F, F]),
    ("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", [T, T, F, F]),
    ("attribute:ecs.instance-type =~ t2.*", [T, F, F, T]),
    ("attribute:stack exists", [T, T, F, T]),
    ("attribute:gpu !exists", [T, F, T, T]),
    ("(attribute:a == 1 || attribute:b == 2) && !(runningTasksCount > 3)", [T, F, F, T]),
    // agentConnected
    ("agentConnected == true", [T, T, F, T]),
    ("agentConnected != true", [F, F, T, F]),
    ("agentConnected equals false", [F, F, T, F]),
    ("agentConnected in [false]", [F, F, T, F]),
    ("agentConnected !in [false]", [T, T, F, T]),
    ("agentConnected =~ t.*", [T, T, F, T]),
    ("agentConnected !~ true", [F, F, T, F]),
    // agentVersion: numeric per component; the instance's version is read leniently.
    ("agentVersion == 1.14.4", [T, F, F, F]),
    ("agentVersion != 1.14.4", [F, T, T, T]),
    ("agentVersion > 1.9.0", [T, T, F, T]),
    ("agentVersion >= 1.14.5", [F, T, F, T]),
    ("agentVersion <= 1.14.4", [T, F, T, F]),
    ("agentVersion greater_than 1.14", [T, T, F, T]),
    ("agentVersion == 1.9", [F, F, T, F]),
    ("agentVersion not_equals 1.9", [T, T, F, T]),
    ("agentVersion less_than_equal 1.9.0", [F, F, T, F]),
    // attribute: text equality, numeric-or-text ordering, missing attributes.
    ("attribute:stack == prod", [T, T, F, F]),
    ("attribute:stack == \"prod\"", [T, T, F, F]),
    ("attribute:stack != prod", [F, F, T, T]),
    ("attribute:stack not_equals prod", [F, F, T, T]),
    ("attribute:a > 2", [F, F, T, T]),
    ("attribute:a >= 1", [T, F, T, T]),
    ("attribute:a < 5", [T, F, F, F]),
    ("attribute:a <= 10", [T, F, F, T]),
    ("attribute:a == 1.0", [F, F, F, F]),
    ("attribute:stack in [dev, qa]", [F, F, F, T]),
    ("attribute:stack !in [dev, qa]", [T, T, T, F]),
    ("attribute:stack not_in [\"dev\"]", [T, T, T, F]),
    ("attribute:ecs.instance-type !~ t2.*", [F, T, T, F]),
    ("attribute:ecs.instance-type =~ t2", [F, F, F, F]),
    ("attribute:ecs.instance-type matches 't2\\.(small|micro)'", [T, F, F, T]),
    ("attribute:ecs.instance-type not_matches \"m5.*\"", [T, T, F, T]),
    ("attribute:ecs.instance-type =~ (?i-u:T2)\\..*", [T, F, F, T]),
    ("attribute:ecs.instance-type =~ [(?i)t][2]\\.\\w+", [T, F, F, T]),
    ("attribute:ecs.instance-type =~ (?i)T2\\..*", [T, F, F, T]),
    ("attribute:ecs.instance-type =~ '(?i:G2)\\.2XLARGE'", [F, F, F, F]),
    ("attribute:ecs.instance-type =~ (?i:G2)\\.2xlarge", [F, T, F, F]),
    ("attribute:ecs.availability-zone =~ us-east-1[a-c]", [T, T, F, F]),
    ("ec2InstanceId =~ i-[0-9a-f]{4}(?:[0-9a-f]{4})?", [T, F, T, T]),
    ("attribute:stack =~ .*", [T, T, F, T]),
    ("attribute:stack !~ .*", [F, F, T, F]),
    ("attribute:stack not_exists", [F, F, T, F]),
    ("attribute:gpu exists", [F, T, F, F]),
    ("attribute:ecs.os-type == linux", [T, F, F, F]),
    ("attribute:ecs.cpu-architecture == x86_64 and attribute:ecs.ami-id == ami-1", [T, F, F, F]),
    // ec2InstanceId
    ("ec2InstanceId == i-1234", [F, F, F, T]),
    ("ec2InstanceId != 'i-1234'", [T, T, T, F]),
    ("ec2InstanceId !in [i-abcd1234]", [F, T, T, T]),
    ("ec2InstanceId =~ i-[0-9]+", [F, F, T, T]),
    ("ec2InstanceId !~ i-[0-9]+", [T, T, F, F]),
    // registeredAt: every documented date form, offsets included.
    ("registeredAt == 2018-02-13", [F, F, F, T]),
    ("registeredAt != 2018-02-13T00:00:00Z", [T, T, T, F]),
    ("registeredAt > 2018-06-18T22:28:28+00:00", [F, F, T, F]),
    ("registeredAt >= 2018-06-18T22:28:28", [F, T, T, F]),
    ("registeredAt <= 2018-02-13T02:00:00+02:00", [T, F, F, T]),
    ("registeredAt greater_than_equal 2018-06-19T00:28:28+02:00", [F, T, T, F]),
    ("registeredAt less_than_equal 2018-01-01", [T, F, F, F]),
    ("registeredAt < '2018-06-18T17:28:29-05:00'", [T, T, F, T]),
    // runningTasksCount
    ("runningTasksCount != 0", [T, T, F, T]),
    ("runningTasksCount > 3", [F, T, F, F]),
    ("runningTasksCount >= 2", [F, T, F, T]),
    ("runningTasksCount < 2", [T, F, T, F]),
    ("runningTasksCount <= 0", [F, F, T, F]),
    ("runningTasksCount less_than 1", [F, F, T, F]),
    ("runningTasksCount greater_than_equal 4", [F, T, F, F]),
    // task:group: "any task on the instance".
    ("task:group == database", [F, T, F, F]),
    ("task:group != service:production", [F, F, T, T]),
    ("task:group in [web, database]", [F, T, F, T]),
    ("task:group !in [web, database]", [T, F, T, F]),
    ("task:group =~ service:.*", [T, T, F, F]),
    ("task:group !~ service:.*", [F, F, T, T]),
    ("task:group exists", [T, T, F, T]),
    ("task:group !exists", [F, F, T, F]),
    // Compound expressions, precedence and spacing.
    ("attribute:stack == dev or attribute:gpu exists and runningTasksCount > 3", [F, T, F, T]),
    ("(attribute:stack == dev or attribute:gpu exists) and runningTasksCount < 3", [F, F, F, T]),
    ("not attribute:stack exists", [F, F, T, F]),
    ("!!attribute:stack exists", [T, T, F, T]),
    ("attribute:a==1&&attribute:stack==prod", [T, F, F, F]),
    ("task:group==web||task:group==database", [F, T, F, T]),
    ("not(not(runningTasksCount == 0))", [F, F, T, F]),
    ("not (runningTasksCount == 0) and not(agentConnected == false)", [T, T, F, T]),
    ("not(attribute:ecs.instance-type =~ (t2|g2).*)", [F, F, T, F]),
    ("attribute:a == 1 or attribute:a == abc or attribute:a == 10", [T, F, T, T]),
    ("  attribute:stack   in[ prod ,dev ]  ", [T, T, F, T]),
];

#[test]
fn evaluation_table() {
    let fleet = fleet();
    for (src, want) in EVAL {
        let e = parse(src).unwrap_or_else(|err| panic!("{src:?} should parse: {err}"));
        let got: Vec<bool> = fleet.iter().map(|i| e.eval(i)).collect();
        assert_eq!(got, want.to_vec(), "{src}");
    }
}

/// Input → (1-based column, substring of the message).
fn error_rows() -> Vec<(String, u32, &'static str)> {
    let mut rows: Vec<(String, u32, &'static str)> = [
        ("attribute:ecs.instance-type t2", 29, "expected an operator (==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~) after attribute:ecs.instance-type, found 't2'"),
        ("instancetype == t2.small", 1, "unknown subject 'instancetype'; subjects are agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group"),
        ("instancetype == t2.small", 1, "did you mean attribute:ecs.instance-type?"),
        ("Agentversion < 1.0", 1, "did you mean agentVersion"),
        ("not(task:group == database", 27, "unclosed '(' opened at col 4"),
        ("(attribute:a == 1", 18, "unclosed '(' opened at col 1"),
        ("(attribute:a == 1 attribute:b == 2)", 19, "expected 'and', 'or' or ')' (to close the '(' at col 1), found 'attribute:b'"),
        ("attribute:x =~ g2(", 18, "invalid regular expression: unclosed group"),
        ("attribute:x =~ 'a)|(b'", 18, "invalid regular expression: unopened group: this ')' closes nothing (write \\) to match a ')')"),
        ("attribute:x =~ [a-z]\\p{L}", 21, "invalid regular expression: Unicode property classes like \\p{L} are not available in Berth; use \\w, \\d or a range like [a-z]"),
        ("attribute:x =~ (a{1000}){1000}", 25, "invalid regular expression: it is too large (more than 10000 states once repetitions are expanded); use smaller repetition counts"),
        ("attribute:x =~ a{1000}{1000}", 23, "invalid regular expression: a repetition operator cannot follow another; put the first in a group, e.g. (a*)* or (a{2}){3}"),
        ("attribute:x =~ 't2(?!\\.micro).*'", 19, "invalid regular expression: negative look-ahead (?!…) is not supported; combine conditions instead, e.g. attribute:x =~ a.* and attribute:x !~ ab.*"),
        ("attribute:x =~ (a)\\1", 19, "invalid regular expression: back-references like \\1 are not supported (Berth's matcher never backtracks)"),
        ("attribute:x =~ m5\\.[la]rge+*", 28, "invalid regular expression: a repetition operator cannot follow another"),
        ("attribute:x =~ t2\\q", 18, "invalid regular expression: unknown escape \\q (to match q itself, write it without the backslash)"),
        ("attribute:x =~ '(?x) t2'", 19, "invalid regular expression: (?x) verbose mode is not supported; remove the spaces and comments"),
        ("attribute:x =~ [z-a]", 17, "invalid regular expression: invalid range z-a in character class"),
        ("attribute:x =~ 'é[a'", 18, "invalid regular expression: unclosed character class"),
        ("attribute:x =~ ", 16, "expected a regular expression after '=~', found the end of the expression"),
        ("not(attribute:x =~ )", 20, "expected a regular expression after '=~', found ')'"),
        ("attribute:x in us-east-1a", 16, "'in' needs a list like [a, b]"),
        ("attribute:x not_in us-east-1a", 20, "'not_in' needs a list like [a, b]"),
        ("attribute:x in [a, b", 21, "unclosed '[' opened at col 16"),
        ("attribute:x in []", 17, "is empty"),
        ("attribute:x in [a b]", 19, "expected ',' or ']' in the list, found 'b'"),
        ("attribute:x in [a,]", 19, "expected a value in the list, found ']'"),
        ("registeredAt < yesterday", 16, "registeredAt needs a date like 2018-02-13 or 2018-06-18T22:28:28Z"),
        ("registeredAt < 2018-02-30", 16, "day 30 is out of range for 2018-02"),
        ("registeredAt < 2018-13-01", 16, "month 13 is out of range"),
        ("registeredAt > 2018-06-18T25:00:00Z", 16, "out of range"),
        ("agentVersion < 1.x", 16, "agentVersion needs a version like 1.14.5"),
        ("agentConnected == yes", 19, "agentConnected needs true or false"),
        ("runningTasksCount > many", 21, "runningTasksCount needs a whole number"),
        ("runningTasksCount > 99999999999999999999999", 21, "too large"),
        ("task:group > 3", 12, "task:group cannot be used with '>'"),
        ("agentVersion exists", 14, "agentVersion cannot be used with 'exists'"),
        ("registeredAt =~ 2018.*", 14, "registeredAt cannot be used with '=~'"),
        ("attribute:x = 1", 13, "'=' is not an operator; write =="),
        ("attribute:x EQUALS 1", 13, "operator words are lowercase"),
        ("attribute:x not in [a]", 13, "as one word"),
        ("attribute:x == ", 16, "expected a value after '==', found the end of the expression"),
        ("attribute:x == 'abc", 20, "unclosed quote (') opened at col 16"),
        ("attribute: == 1", 1, "attribute: needs a name"),
        ("attribute:a == 1)", 17, "unexpected ')'"),
        ("", 1, "empty expression"),
        ("   ", 1, "empty expression"),
        ("attribute:a == 1 attribute:b == 2", 18, "unexpected 'attribute:b' after a complete condition"),
        ("attribute:a == 1 AND attribute:b == 2", 18, "keywords and, or, not are lowercase"),
        ("attribute:x exists foo", 20, "'exists' takes no value"),
        ("attribute:x == 1 and", 21, "expected a condition after 'and', found the end of the expression"),
        ("task:group exists ||", 21, "expected a condition after '||'"),
        ("()", 2, "expected a condition after '(', found ')'"),
        ("== 1", 1, "expected a condition such as"),
        ("attribute:x == 1 & attribute:y == 2", 18, "a single '&'"),
        ("attribute:x == 1 | attribute:y == 2", 18, "a single '|'"),
        ("not", 4, "expected a condition after 'not'"),
        // Columns count characters, not bytes.
        ("attribute:héllo == 1 x", 22, "unexpected 'x'"),
    ]
    .into_iter()
    .map(|(s, c, m)| (s.to_string(), c, m))
    .collect();
    rows.push(("x".repeat(2001), 2001, "too long"));
    rows.push((format!("{}attribute:x exists{}", "(".repeat(40), ")".repeat(40)), 33, "nests too deeply"));
    rows.push((format!("{}attribute:x exists", "not ".repeat(40)), 129, "nests too deeply"));
    rows.push((format!("{}attribute:x exists", "!".repeat(40)), 33, "nests too deeply"));
    rows
}

#[test]
fn parse_error_table() {
    for (src, col, msg) in error_rows() {
        let err = match parse(&src) {
            Ok(e) => panic!("{src:?} should not parse, got {e}"),
            Err(err) => err,
        };
        assert!(err.message.contains(msg), "{src:?}: message {:?} should contain {msg:?}", err.message);
        assert_eq!(err.col, col, "{src:?}: column of {:?}", err.message);
        // The offset and the column name the same character.
        assert_eq!(src[..err.offset].chars().count() as u32 + 1, err.col, "{src:?}");
        assert_eq!(err.to_string(), format!("col {}: {}", err.col, err.message));
    }
}

#[test]
fn limits_accept_what_they_should() {
    let long = format!("attribute:x == {}", "a".repeat(2000 - 15));
    assert_eq!(long.len(), 2000);
    assert!(parse(&long).is_ok());
    let nested = format!("{}attribute:x exists{}", "(".repeat(32), ")".repeat(32));
    assert!(parse(&nested).is_ok());
}

#[test]
fn display_is_canonical() {
    let rows = [
        (
            "(attribute:a == 1 || attribute:b == 2) && !(runningTasksCount > 3)",
            "(attribute:a == 1 or attribute:b == 2) and not(runningTasksCount > 3)",
        ),
        ("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", "ec2InstanceId in [i-abcd1234, i-wxyx7890]"),
        ("attribute:x equals 'a b'", "attribute:x == 'a b'"),
        ("attribute:x == \"it's\"", "attribute:x == \"it's\""),
        ("attribute:x == ''", "attribute:x == ''"),
        ("attribute:x matches 'a b'", "attribute:x =~ 'a b'"),
        ("attribute:x =~ 'a&&b'", "attribute:x =~ 'a&&b'"),
        ("attribute:x not_exists", "attribute:x !exists"),
        ("not attribute:x exists", "not(attribute:x exists)"),
        ("a_or_b", ""),
        ("runningTasksCount == 007", "runningTasksCount == 7"),
        ("task:group exists or (task:group exists or agentConnected == true)", "task:group exists or (task:group exists or agentConnected == true)"),
        ("task:group exists and (task:group exists and agentConnected == true)", "task:group exists and (task:group exists and agentConnected == true)"),
        ("task:group exists and task:group exists and agentConnected == true", "task:group exists and task:group exists and agentConnected == true"),
        ("(task:group exists or agentConnected == false) and agentConnected == true", "(task:group exists or agentConnected == false) and agentConnected == true"),
        ("task:group exists or agentConnected == false and agentConnected == true", "task:group exists or agentConnected == false and agentConnected == true"),
        ("not(attribute:t =~ (t2|g2).*)", "not(attribute:t =~ (t2|g2).*)"),
        ("registeredAt < '2018-02-13'", "registeredAt < 2018-02-13"),
    ];
    for (src, want) in rows {
        if want.is_empty() {
            continue;
        }
        let e = parse(src).unwrap_or_else(|err| panic!("{src:?}: {err}"));
        assert_eq!(e.to_string(), want, "{src}");
    }
}

fn assert_round_trip(e: &Expr) {
    let text = e.to_string();
    match parse(&text) {
        Ok(back) => {
            assert_eq!(&back, e, "{text:?} parsed back differently");
            assert_eq!(back.to_string(), text);
        }
        Err(err) => panic!("canonical text {text:?} does not parse: {err}"),
    }
}

#[test]
fn display_round_trips() {
    for (src, _) in EVAL {
        assert_round_trip(&parse(src).unwrap());
    }
}

#[test]
fn explanations_name_the_failing_comparison() {
    let [a, b, c, d] = fleet();
    let rows: &[(&str, &Fake, &str)] = &[
        ("attribute:ecs.instance-type =~ t2.*", &c, "attribute:ecs.instance-type is m5.large, which does not match t2.*"),
        ("attribute:stack exists", &c, "attribute:stack is not set"),
        ("attribute:gpu !exists", &b, "attribute:gpu is set (to true)"),
        ("not(task:group == database)", &b, "a task in group database is running on this instance"),
        ("task:group == service:production", &c, "no tasks are running on this instance, so none is in group service:production"),
        ("task:group == database", &d, "no task on this instance is in group database (the tasks on this instance are in web)"),
        ("task:group exists", &c, "no tasks are running on this instance"),
        ("runningTasksCount > 3", &a, "runningTasksCount is 1, which is not greater than 3"),
        ("registeredAt < 2018-02-13", &b, "registeredAt is 2018-06-18T22:28:28Z, which is not before 2018-02-13"),
        ("registeredAt != 2018-02-13", &d, "registeredAt is 2018-02-13T00:00:00Z, which equals 2018-02-13"),
        ("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", &c, "attribute:ecs.availability-zone is us-east-1d, which is not in [us-east-1a, us-east-1b]"),
        ("attribute:ecs.availability-zone != us-east-1d", &d, "attribute:ecs.availability-zone is us-east-1d"),
        ("attribute:ecs.instance-type == t2.small", &b, "attribute:ecs.instance-type is g2.2xlarge, not t2.small"),
        ("agentVersion < 1.14.5", &d, "agentVersion is v1.14.5-beta, which is not less than 1.14.5"),
        ("agentConnected == true", &c, "agentConnected is false, not true"),
        ("attribute:a < 5", &c, "attribute:a is abc, which is not less than 5 (compared as text"),
        ("attribute:stack exists and runningTasksCount > 3", &a, "runningTasksCount is 1, which is not greater than 3"),
        ("attribute:a == 1 or attribute:b == 2", &c, "no alternative holds: attribute:a is abc, not 1; attribute:b is not set"),
        ("not(attribute:stack exists and runningTasksCount < 2)", &a, "attribute:stack is set (to prod); and runningTasksCount is 1, which is less than 2"),
        ("task:group !in [web]", &d, "a task in group web is running on this instance"),
        ("task:group =~ db.*", &b, "no task group on this instance matches db.*"),
        ("ec2InstanceId !~ i-[0-9]+", &d, "ec2InstanceId is i-1234, which matches i-[0-9]+"),
        ("runningTasksCount == 1", &a, "holds for this instance"),
    ];
    for (src, inst, want) in rows {
        let e = parse(src).unwrap();
        let got = explain_false(&e, *inst);
        assert!(got.contains(want), "{src}: got {got:?}, want it to contain {want:?}");
    }
    let odd = Fake { version: "unknown", ..fleet().into_iter().next().unwrap() };
    let e = parse("agentVersion >= 1.0").unwrap();
    assert!(!e.eval(&odd));
    assert_eq!(explain_false(&e, &odd), "agentVersion is unknown, which is not a version number");
    assert!(parse("agentVersion != 1.0").unwrap().eval(&odd));
}

#[test]
fn regexes_are_full_match_and_bounded() {
    let p = cql::Pattern::new("t2.*").unwrap();
    assert!(p.is_full_match("t2.small"));
    assert!(!p.is_full_match("xt2.small"));
    assert!(!cql::Pattern::new("t2").unwrap().is_full_match("t2.small"));
    assert!(cql::Pattern::new("a|ab").unwrap().is_full_match("ab"));
    // A pattern that backtracking engines choke on stays fast here.
    let evil = cql::Pattern::new("(a*)*b").unwrap();
    assert!(!evil.is_full_match(&"a".repeat(10_000)));
    assert!(cql::Pattern::new("a)|(b").is_err());
    assert_eq!(
        cql::Pattern::new("(?x)a#").map(|p| p.to_string()),
        Err("invalid regular expression: (?x) verbose mode is not supported; remove the spaces and comments".to_string())
    );
    // (?i) is ASCII case-insensitive.
    assert!(cql::Pattern::new("(?i)T2.*").unwrap().is_full_match("t2.micro"));
}

const TOKENS: &[&str] = &[
    "attribute:ecs.instance-type", "attribute:a", "attribute:", "task:group", "agentVersion", "agentConnected",
    "registeredAt", "runningTasksCount", "ec2InstanceId", "==", "!=", ">", ">=", "<", "<=", "=", "exists", "!exists",
    "in", "!in", "not_in", "=~", "!~", "matches", "and", "or", "not", "&&", "||", "!", "(", ")", "[", "]", ",",
    "'", "\"", "'a b'", "\"it's\"", "t2.*", "(t2|g2).*", "[a-z]+", "\\", "1", "1.14.5", "true", "false",
    "2018-02-13", "2018-06-18T22:28:28+02:00", "us-east-1a", "é", "🚀", "AND", " ", "\t", "\n",
];

fn check_everything(src: &str) {
    let fleet = fleet();
    if let Ok(e) = parse(src) {
        for i in &fleet {
            let v = e.eval(i);
            let why = explain_false(&e, i);
            assert!(!why.is_empty());
            assert_eq!(v, why.ends_with("holds for this instance") && why.starts_with(&e.to_string()));
        }
        assert_round_trip(&e);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(src in "(?s).{0,200}") {
        check_everything(&src);
    }

    #[test]
    fn token_soup_never_panics_and_round_trips(
        toks in prop::collection::vec(prop::sample::select(TOKENS), 0..24),
        glue in prop::collection::vec(prop::bool::ANY, 24),
    ) {
        let mut src = String::new();
        for (i, t) in toks.iter().enumerate() {
            src.push_str(t);
            if glue[i] {
                src.push(' ');
            }
        }
        check_everything(&src);
    }

    #[test]
    fn comparisons_with_random_values_round_trip(
        subject in prop::sample::select(&["attribute:x", "task:group", "ec2InstanceId"][..]),
        op in prop::sample::select(&["==", "!=", "in", "=~", "exists"][..]),
        value in "[ -~]{0,12}",
    ) {
        let arg = match op {
            "in" => format!("['{value}']"),
            "exists" => String::new(),
            _ => format!("'{value}'"),
        };
        check_everything(&format!("{subject} {op} {arg}"));
    }
}
