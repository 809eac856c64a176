//! The position-keeping JSON parser (`berth::engine::json`): syntax errors with exact
//! line:column, limits, escapes, and the helpers the task-definition reader uses.

use berth::engine::diag::Severity;
use berth::engine::json::{self, duplicate_keys, parse, JsonKind, MAX_DEPTH, MAX_INPUT_BYTES};
use serde_json::json;

/// (input, line, col, rule, message substring)
const SYNTAX_ERRORS: &[(&str, u32, u32, &str, &str)] = &[
    ("", 1, 1, "json-syntax", "expected a JSON value, found end of input"),
    ("   \n  ", 2, 3, "json-syntax", "expected a JSON value, found end of input"),
    (r#"{"a": 1 "b": 2}"#, 1, 9, "json-syntax", "expected ',' or '}' after object member, found '\"'"),
    ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "json-syntax", "expected ',' or '}' after object member, found '\"'"),
    (r#"{"a": 1,}"#, 1, 8, "json-syntax", "trailing comma before '}'"),
    ("{\"a\": 1,\n}", 1, 8, "json-syntax", "trailing comma before '}'"),
    ("[1, 2,]", 1, 6, "json-syntax", "trailing comma before ']'"),
    ("[1 2]", 1, 4, "json-syntax", "expected ',' or ']' after array element, found '2'"),
    ("[1,", 1, 4, "json-syntax", "expected a JSON value (object, array, string, number, true, false or null), found end of input"),
    (r#"{"a" 1}"#, 1, 6, "json-syntax", "expected ':' after object key, found '1'"),
    (r#"{"a": }"#, 1, 7, "json-syntax", "expected a JSON value (object, array, string, number, true, false or null), found '}'"),
    ("{'a': 1}", 1, 2, "json-syntax", "JSON strings use double quotes"),
    (r#"{"a": 'x'}"#, 1, 7, "json-syntax", "JSON strings use double quotes"),
    ("{a: 1}", 1, 2, "json-syntax", "object keys must be quoted"),
    ("{1: 1}", 1, 2, "json-syntax", "expected a string key or '}', found '1'"),
    (r#"{"a": "abc"#, 1, 7, "json-syntax", "unterminated string"),
    ("{\"a\": \"ab\ncd\"}", 1, 7, "json-syntax", "unterminated string (line break before the closing '\"'"),
    ("{\"a\": \"a\tb\"}", 1, 9, "json-syntax", "control character U+0009 is not allowed in a string (write it as \\t)"),
    ("\"a\u{1}b\"", 1, 3, "json-syntax", "control character U+0001"),
    (r#"{"a": "\x"}"#, 1, 8, "json-syntax", "invalid escape '\\x' in string"),
    (r#""\u12G4""#, 1, 6, "json-syntax", "expected 4 hex digits after \\u, found 'G'"),
    (r#""\uD800""#, 1, 2, "json-syntax", "unpaired surrogate \\uD800"),
    (r#""\uD800x""#, 1, 2, "json-syntax", "unpaired surrogate \\uD800"),
    (r#""\uDC00""#, 1, 2, "json-syntax", "unpaired surrogate \\uDC00"),
    (r#""\uD800\u0041""#, 1, 8, "json-syntax", "expected a low surrogate (\\uDC00 to \\uDFFF) after \\uD800, found \\u0041"),
    ("01", 1, 1, "json-syntax", "leading zeros are not allowed"),
    ("-", 1, 2, "json-syntax", "expected a digit after '-', found end of input"),
    ("-a", 1, 2, "json-syntax", "expected a digit after '-', found 'a'"),
    ("1.", 1, 3, "json-syntax", "expected a digit after '.', found end of input"),
    ("1e+", 1, 4, "json-syntax", "expected a digit in the exponent"),
    ("1e999", 1, 1, "json-syntax", "number 1e999 is out of range"),
    ("+1", 1, 1, "json-syntax", "JSON numbers start with a digit or '-'"),
    (".5", 1, 1, "json-syntax", "JSON numbers start with a digit or '-'"),
    ("True", 1, 1, "json-syntax", "did you mean true? JSON literals are lowercase"),
    (r#"{"a": None}"#, 1, 7, "json-syntax", "did you mean null?"),
    (r#"{"a": NaN}"#, 1, 7, "json-syntax", "JSON has no NaN or Infinity"),
    (r#"{"image": nginx}"#, 1, 11, "json-syntax", "strings must be in double quotes"),
    ("// comment\n{}", 1, 1, "json-syntax", "JSON does not allow comments"),
    ("{} x", 1, 4, "json-syntax", "expected end of input after the JSON value, found 'x'"),
    (r#"{"a":1}}"#, 1, 8, "json-syntax", "expected end of input after the JSON value, found '}'"),
    ("{\"é\": \"ü\" x}", 1, 11, "json-syntax", "expected ',' or '}' after object member, found 'x'"),
    ("{\r\n\"a\": 1\r\n\"b\": 2}", 3, 1, "json-syntax", "expected ',' or '}'"),
    ("[\"\u{1F600}\", x]", 1, 7, "json-syntax", "found 'x'"),
];

#[test]
fn syntax_error_table() {
    let mut failures = Vec::new();
    for &(input, line, col, rule, msg) in SYNTAX_ERRORS {
        match parse(input) {
            Ok(v) => failures.push(format!("{input:?}: parsed as {v:?}")),
            Err(d) => {
                if (d.pos.line, d.pos.col, d.rule.as_str()) != (line, col, rule) || !d.message.contains(msg) {
                    failures.push(format!(
                        "{input:?}: expected {line}:{col} {rule} {msg:?}\n   got {}:{} {} {:?}",
                        d.pos.line, d.pos.col, d.rule, d.message
                    ));
                }
                assert_eq!(d.severity, Severity::Error);
                assert!(d.path.is_empty());
                // The byte offset agrees with line/col.
                let prefix = &input[..d.pos.offset];
                assert_eq!(prefix.matches('\n').count() as u32 + 1, d.pos.line, "{input:?}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nesting_limit_is_an_error_not_a_crash() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    let deep = "[".repeat(100_000);
    let d = parse(&deep).unwrap_err();
    assert_eq!(d.rule, "json-too-deep");
    assert_eq!((d.pos.line, d.pos.col), (1, MAX_DEPTH as u32 + 1));
    assert!(d.message.contains("more than 128 levels"), "{}", d.message);
    let objects = "{\"a\":".repeat(MAX_DEPTH + 1);
    assert_eq!(parse(&objects).unwrap_err().rule, "json-too-deep");
}

#[test]
fn size_limit() {
    let mut big = String::from("[");
    while big.len() <= MAX_INPUT_BYTES {
        big.push_str("1,");
    }
    big.push_str("1]");
    let d = parse(&big).unwrap_err();
    assert_eq!(d.rule, "json-too-large");
    assert_eq!((d.pos.line, d.pos.col), (1, 1));
    assert!(d.message.contains("at most 1 MiB"), "{}", d.message);
    // Just under the limit is fine.
    let fits = format!("\"{}\"", "x".repeat(MAX_INPUT_BYTES - 2));
    assert!(parse(&fits).is_ok());
}

#[test]
fn escapes_and_unicode() {
    let v = parse(r#""a\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00""#).unwrap();
    assert_eq!(v.as_str(), Some("a\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}"));
    let v = parse("\"\u{1F600} ok\"").unwrap();
    assert_eq!(v.as_str(), Some("\u{1F600} ok"));
    // A byte-order mark is tolerated.
    assert!(parse("\u{feff}{}").is_ok());
}

#[test]
fn numbers_keep_raw_text() {
    let v = parse("[0, -0, 512, 1.5, 2e3, -12.5E-1, 18446744073709551616]").unwrap();
    let raws: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|n| match &n.kind {
            JsonKind::Number(_, raw) => raw.as_str(),
            _ => panic!("not a number"),
        })
        .collect();
    assert_eq!(raws, ["0", "-0", "512", "1.5", "2e3", "-12.5E-1", "18446744073709551616"]);
    assert_eq!(v.to_value()[2], json!(512));
    assert!(v.to_value()[2].is_u64());
    assert_eq!(v.to_value()[3], json!(1.5));
}

#[test]
fn positions_and_helpers() {
    let text = "{\n  \"family\": \"web\",\n  \"n\": [true, null, {\"k\": 1}]\n}";
    let v = parse(text).unwrap();
    assert_eq!(v.type_name(), "object");
    let (key, fam) = v.get_member("family").unwrap();
    assert_eq!((key.pos.line, key.pos.col), (2, 3));
    assert_eq!((fam.pos.line, fam.pos.col, fam.pos.offset), (2, 13, 14));
    let n = v.get("n").unwrap();
    assert_eq!(n.type_name(), "array");
    let items = n.as_array().unwrap();
    assert_eq!(items[0].type_name(), "boolean");
    assert_eq!(items[1].type_name(), "null");
    assert_eq!((items[2].pos.line, items[2].pos.col), (3, 21));
    assert_eq!(items[2].get("k").unwrap().type_name(), "number");
    assert!(v.get("missing").is_none());
    assert!(items[0].get("k").is_none());
    assert_eq!(v.to_value(), json!({"family": "web", "n": [true, null, {"k": 1}]}));
    assert_eq!(parse("\"512Mb\"").unwrap().describe(), "a string \"512Mb\"");
}

#[test]
fn duplicate_keys_are_listed_with_paths() {
    let text = r#"{"a": 1, "b": [{"x": 1, "x": 2}], "a": 3}"#;
    let v = parse(text).unwrap();
    let dups: Vec<(String, u32)> = duplicate_keys(&v).into_iter().map(|(k, p)| (p, k.pos.col)).collect();
    assert_eq!(dups, vec![("b[0].x".to_string(), 25), ("a".to_string(), 35)]);
    // The last value wins, as in serde_json.
    assert_eq!(v.get("a").unwrap().to_value(), json!(3));
    assert_eq!(v.to_value()["a"], json!(3));
}

#[test]
fn string_offsets_map_through_escapes() {
    let text = r#"{"e": "x\ty\u00e9z"}"#;
    let v = parse(text).unwrap();
    let s = v.get("e").unwrap();
    // decoded "x\tyéz": 'z' is at byte 5 of the decoded text.
    let p = json::string_offset_pos(text, s.pos, 5);
    assert_eq!(&text[p.offset..p.offset + 1], "z");
    assert_eq!(p.col as usize, text[..p.offset].chars().count() + 1);
    // Past the end: the closing quote.
    let p = json::string_offset_pos(text, s.pos, 100);
    assert_eq!(&text[p.offset..p.offset + 1], "\"");
}
