//! A small JSON parser (RFC 8259) that remembers where every value and key came from.
//!
//! `serde_json` throws positions away; the task-definition validator needs them so that each
//! diagnostic can point at the offending value in the learner's text. The parser is strict JSON
//! (no comments, no trailing commas, no single quotes) because that is what
//! `aws ecs register-task-definition --cli-input-json` accepts, but its error messages name
//! those common mistakes explicitly.
//!
//! Robustness: input larger than [`MAX_INPUT_BYTES`] is refused, nesting deeper than
//! [`MAX_DEPTH`] is an error (never a stack overflow), and no input makes it panic.

use serde_json::Value;

use crate::engine::diag::{Diagnostic, Pos};

/// Largest input accepted: 1 MiB. Real task definitions are a few KiB (the ECS API itself caps a
/// task definition at 64 KiB), so this only guards the browser against pasted junk.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// Deepest nesting of arrays/objects accepted. A task definition needs about 6.
pub const MAX_DEPTH: usize = 128;

/// Rule id of syntax errors.
pub const RULE_SYNTAX: &str = "json-syntax";
/// Rule id of the input-size limit.
pub const RULE_TOO_LARGE: &str = "json-too-large";
/// Rule id of the nesting limit.
pub const RULE_TOO_DEEP: &str = "json-too-deep";

/// A JSON value and the position of its first character (for strings: the opening quote).
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub pos: Pos,
    pub kind: JsonKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    /// The value as `f64` and the number exactly as written (e.g. `"512"`, `"1.5e3"`).
    Number(f64, String),
    String(String),
    Array(Vec<Json>),
    /// Members in source order; duplicate keys are kept (see [`duplicate_keys`]).
    Object(Vec<(Key, Json)>),
}

/// An object key and the position of its opening quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

impl Json {
    /// The value of member `key` when `self` is an object. With duplicate keys the last one wins,
    /// as in `serde_json` (and so in what the AWS CLI would send).
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.get_member(key).map(|(_, v)| v)
    }

    /// Like [`Json::get`], but also returns the key (for its position).
    pub fn get_member(&self, key: &str) -> Option<(&Key, &Json)> {
        match &self.kind {
            JsonKind::Object(members) => members.iter().rev().find(|(k, _)| k.name == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match &self.kind {
            JsonKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(Key, Json)]> {
        match &self.kind {
            JsonKind::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            JsonKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, JsonKind::Null)
    }

    /// `"null"`, `"boolean"`, `"number"`, `"string"`, `"array"` or `"object"`.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "boolean",
            JsonKind::Number(..) => "number",
            JsonKind::String(_) => "string",
            JsonKind::Array(_) => "array",
            JsonKind::Object(_) => "object",
        }
    }

    /// A short description for messages: `a string "512Mb"`, `a number 1.5`, `an array`, `null`.
    pub fn describe(&self) -> String {
        match &self.kind {
            JsonKind::Null => "null".to_string(),
            JsonKind::Bool(b) => format!("a boolean {b}"),
            JsonKind::Number(_, raw) => format!("a number {}", truncate(raw, 40)),
            JsonKind::String(s) => format!("a string {}", quote(&truncate(s, 40))),
            JsonKind::Array(_) => "an array".to_string(),
            JsonKind::Object(_) => "an object".to_string(),
        }
    }

    /// Converts to a `serde_json::Value` (object member order kept; for duplicate keys the last
    /// value wins). Integers stay integers: numbers are re-read from their raw text.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            JsonKind::Null => Value::Null,
            JsonKind::Bool(b) => Value::Bool(*b),
            JsonKind::Number(f, raw) => match serde_json::from_str::<serde_json::Number>(raw) {
                Ok(n) => Value::Number(n),
                Err(_) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
            },
            JsonKind::String(s) => Value::String(s.clone()),
            JsonKind::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            JsonKind::Object(members) => {
                let mut map = serde_json::Map::new();
                for (k, v) in members {
                    map.insert(k.name.clone(), v.to_value());
                }
                Value::Object(map)
            }
        }
    }
}

/// `s` cut to at most `max` characters, with `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// `s` in double quotes, with JSON escapes, for messages.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Every key that repeats an earlier key of the same object, with its path
/// (`containerDefinitions[0].memory`). The ECS API (through `serde_json`-like parsers) silently
/// keeps the last value, which is rarely what the author meant, so the validator warns.
pub fn duplicate_keys(json: &Json) -> Vec<(Key, String)> {
    let mut out = Vec::new();
    collect_duplicates(json, "", &mut out);
    out
}

fn collect_duplicates(json: &Json, path: &str, out: &mut Vec<(Key, String)>) {
    match &json.kind {
        JsonKind::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_duplicates(item, &format!("{path}[{i}]"), out);
            }
        }
        JsonKind::Object(members) => {
            let mut seen = std::collections::BTreeSet::new();
            for (k, v) in members {
                let child = join_path(path, &k.name);
                if !seen.insert(k.name.as_str()) {
                    out.push((k.clone(), child.clone()));
                }
                collect_duplicates(v, &child, out);
            }
        }
        _ => {}
    }
}

/// `parent.key`, or `key` at the root.
pub fn join_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// The position of byte `decoded_offset` of a string value's *decoded* text, given the source
/// `text` and the position of the string's opening quote. Escapes (`\n`, `\u00e9`, ...) make the
/// two differ; this walks the source to map between them. Offsets past the end map to the
/// closing quote. Used to point inside a string, e.g. at a syntax error in a placement expression.
pub fn string_offset_pos(text: &str, string_pos: Pos, decoded_offset: usize) -> Pos {
    let mut pos = string_pos;
    let Some(rest) = text.get(string_pos.offset..) else { return string_pos };
    let mut chars = rest.char_indices().peekable();
    // Skip the opening quote.
    match chars.next() {
        Some((_, '"')) => {
            pos.col += 1;
            pos.offset += 1;
        }
        _ => return string_pos,
    }
    let mut decoded = 0usize;
    while let Some((i, c)) = chars.next() {
        if decoded >= decoded_offset || c == '"' {
            break;
        }
        let (src_len, src_chars, out_len) = if c == '\\' {
            match chars.peek().map(|&(_, e)| e) {
                Some('u') => {
                    // \uXXXX, possibly a surrogate pair \uXXXX\uXXXX.
                    let hex = rest.get(i + 2..i + 6).and_then(|h| u32::from_str_radix(h, 16).ok());
                    match hex {
                        Some(hi @ 0xD800..=0xDBFF) => (12, 12, char_len(combine_pair(hi, rest.get(i + 8..i + 12)))),
                        Some(cp) => (6, 6, char::from_u32(cp).map_or(3, char::len_utf8)),
                        None => (2, 2, 1),
                    }
                }
                _ => (2, 2, 1),
            }
        } else {
            (c.len_utf8(), 1, c.len_utf8())
        };
        decoded += out_len;
        pos.offset += src_len;
        pos.col += src_chars as u32;
        // Advance the iterator past the rest of this source unit.
        let end = i + src_len;
        while let Some(&(j, _)) = chars.peek() {
            if j >= end {
                break;
            }
            chars.next();
        }
    }
    pos
}

fn combine_pair(hi: u32, lo_hex: Option<&str>) -> Option<char> {
    let lo = u32::from_str_radix(lo_hex?, 16).ok()?;
    if !(0xDC00..=0xDFFF).contains(&lo) {
        return None;
    }
    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
}

fn char_len(c: Option<char>) -> usize {
    c.map_or(4, char::len_utf8)
}

/// Parses one JSON document. Errors carry rule [`RULE_SYNTAX`] (or [`RULE_TOO_LARGE`] /
/// [`RULE_TOO_DEEP`]), an empty path, and the position of the offending character.
/// Byte offset just past the JSON value starting at `start` (strings respected). The positioned
/// parser records where values start; this finds where an object or array ends so it can be
/// handed, as text, to another parser (scenarios, task definitions).
pub fn value_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    let mut in_str = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_str {
            match b {
                b'\\' => i += 1,
                b'"' => {
                    in_str = false;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        } else {
            match b {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    bytes.len()
}

/// The error for input of `len` bytes when `len` > [`MAX_INPUT_BYTES`] (also used by the web
/// editor, which refuses such a paste before the text ever reaches the engine).
pub fn too_large(len: usize) -> Diagnostic {
    let mib = len as f64 / (1024.0 * 1024.0);
    Diagnostic::error(
        Pos { line: 1, col: 1, offset: 0 },
        "",
        RULE_TOO_LARGE,
        format!("input is {mib:.1} MiB ({len} bytes); Berth accepts at most 1 MiB ({MAX_INPUT_BYTES} bytes) of JSON"),
    )
}

pub fn parse(text: &str) -> Result<Json, Diagnostic> {
    // By length alone, before looking at a single character.
    if text.len() > MAX_INPUT_BYTES {
        return Err(too_large(text.len()));
    }
    let mut p = Parser { text, i: 0, line: 1, col: 1 };
    // Tolerate a UTF-8 byte-order mark, as editors on Windows write one.
    if text.starts_with('\u{feff}') {
        p.i = '\u{feff}'.len_utf8();
    }
    p.skip_ws();
    if p.peek().is_none() {
        return Err(p.error_here("expected a JSON value, found end of input (the text is empty)"));
    }
    let value = p.value(0)?;
    p.skip_ws();
    if let Some(c) = p.peek() {
        return Err(p.error_here(format!("expected end of input after the JSON value, found {}", describe_char(c))));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    i: usize,
    line: u32,
    col: u32,
}

/// How a character is named in messages: `'x'`, `a line break`, `control character U+0001`.
fn describe_char(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        '\'' => "\"'\"".to_string(),
        c => format!("'{c}'"),
    }
}

impl<'a> Parser<'a> {
    fn pos(&self) -> Pos {
        Pos { line: self.line, col: self.col, offset: self.i }
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.i..).and_then(|s| s.chars().next())
    }

    fn peek_at(&self, byte_ahead: usize) -> Option<char> {
        self.text.get(self.i + byte_ahead..).and_then(|s| s.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn error_at(pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(pos, "", RULE_SYNTAX, message)
    }

    fn error_here(&self, message: impl Into<String>) -> Diagnostic {
        Self::error_at(self.pos(), message)
    }

    fn found(&self) -> String {
        match self.peek() {
            None => "end of input".to_string(),
            Some(c) => describe_char(c),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, Diagnostic> {
        let pos = self.pos();
        match self.peek() {
            Some('{') => self.object(depth + 1),
            Some('[') => self.array(depth + 1),
            Some('"') => Ok(Json { pos, kind: JsonKind::String(self.string()?) }),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_alphabetic() => self.literal(),
            Some('\'') => Err(self.error_here("expected a JSON value, found \"'\" (JSON strings use double quotes)")),
            Some('/') => Err(self.error_here("expected a JSON value, found '/' (JSON does not allow comments)")),
            Some(c) if c == '+' || c == '.' => {
                Err(self.error_here(format!("expected a JSON value, found '{c}' (JSON numbers start with a digit or '-')")))
            }
            _ => Err(self.error_here(format!(
                "expected a JSON value (object, array, string, number, true, false or null), found {}",
                self.found()
            ))),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), Diagnostic> {
        if depth > MAX_DEPTH {
            Err(Diagnostic::error(
                self.pos(),
                "",
                RULE_TOO_DEEP,
                format!("arrays and objects are nested more than {MAX_DEPTH} levels deep"),
            ))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, Diagnostic> {
        self.enter(depth)?;
        let pos = self.pos();
        self.bump(); // '{'
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(Json { pos, kind: JsonKind::Object(members) });
        }
        loop {
            // Key.
            match self.peek() {
                Some('"') => {}
                Some('\'') => {
                    return Err(self.error_here("expected a string key in double quotes, found \"'\" (JSON strings use double quotes)"))
                }
                Some(c) if c.is_alphabetic() || c == '_' => {
                    return Err(self.error_here(format!(
                        "expected a string key in double quotes, found '{c}' (object keys must be quoted)"
                    )))
                }
                _ => return Err(self.error_here(format!("expected a string key or '}}', found {}", self.found()))),
            }
            let key_pos = self.pos();
            let name = self.string()?;
            self.skip_ws();
            if self.peek() != Some(':') {
                return Err(self.error_here(format!("expected ':' after object key, found {}", self.found())));
            }
            self.bump();
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((Key { name, pos: key_pos }, value));
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    let comma = self.pos();
                    self.bump();
                    self.skip_ws();
                    if self.peek() == Some('}') {
                        return Err(Self::error_at(comma, "trailing comma before '}'"));
                    }
                }
                Some('}') => {
                    self.bump();
                    return Ok(Json { pos, kind: JsonKind::Object(members) });
                }
                _ => {
                    return Err(self.error_here(format!("expected ',' or '}}' after object member, found {}", self.found())))
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, Diagnostic> {
        self.enter(depth)?;
        let pos = self.pos();
        self.bump(); // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(Json { pos, kind: JsonKind::Array(items) });
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    let comma = self.pos();
                    self.bump();
                    self.skip_ws();
                    if self.peek() == Some(']') {
                        return Err(Self::error_at(comma, "trailing comma before ']'"));
                    }
                }
                Some(']') => {
                    self.bump();
                    return Ok(Json { pos, kind: JsonKind::Array(items) });
                }
                _ => return Err(self.error_here(format!("expected ',' or ']' after array element, found {}", self.found()))),
            }
        }
    }

    /// Reads a string starting at the opening quote; returns its decoded text.
    fn string(&mut self) -> Result<String, Diagnostic> {
        let open = self.pos();
        self.bump(); // '"'
        let mut out = String::new();
        loop {
            let here = self.pos();
            match self.peek() {
                None => return Err(Self::error_at(open, "unterminated string (no closing '\"' before the end of input)")),
                Some('"') => {
                    self.bump();
                    return Ok(out);
                }
                Some('\n') | Some('\r') => {
                    return Err(Self::error_at(
                        open,
                        "unterminated string (line break before the closing '\"'; write a line break inside a string as \\n)",
                    ))
                }
                Some(c) if (c as u32) < 0x20 => {
                    let hint = if c == '\t' { " (write it as \\t)" } else { "" };
                    return Err(self.error_here(format!(
                        "control character U+{:04X} is not allowed in a string{hint}",
                        c as u32
                    )));
                }
                Some('\\') => {
                    self.bump();
                    let c = match self.bump() {
                        None => return Err(Self::error_at(open, "unterminated string (no closing '\"' before the end of input)")),
                        Some(c) => c,
                    };
                    match c {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let cp = self.hex4()?;
                            match cp {
                                0xD800..=0xDBFF => {
                                    // High surrogate: a low one must follow as \uXXXX.
                                    if self.peek() == Some('\\') && self.peek_at(1) == Some('u') {
                                        let low_pos = self.pos();
                                        self.bump();
                                        self.bump();
                                        let lo = self.hex4()?;
                                        if !(0xDC00..=0xDFFF).contains(&lo) {
                                            return Err(Self::error_at(
                                                low_pos,
                                                format!("expected a low surrogate (\\uDC00 to \\uDFFF) after \\u{cp:04X}, found \\u{lo:04X}"),
                                            ));
                                        }
                                        let combined = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                        match char::from_u32(combined) {
                                            Some(ch) => out.push(ch),
                                            None => return Err(Self::error_at(here, "invalid surrogate pair")),
                                        }
                                    } else {
                                        return Err(Self::error_at(
                                            here,
                                            format!("unpaired surrogate \\u{cp:04X} in string (a low surrogate \\uDC00 to \\uDFFF must follow)"),
                                        ));
                                    }
                                }
                                0xDC00..=0xDFFF => {
                                    return Err(Self::error_at(
                                        here,
                                        format!("unpaired surrogate \\u{cp:04X} in string (a low surrogate must follow a high one)"),
                                    ))
                                }
                                _ => match char::from_u32(cp) {
                                    Some(ch) => out.push(ch),
                                    None => return Err(Self::error_at(here, format!("invalid code point \\u{cp:04X}"))),
                                },
                            }
                        }
                        other => {
                            return Err(Self::error_at(
                                here,
                                format!(
                                    "invalid escape '\\{}' in string; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
                                    if other.is_control() { format!("U+{:04X}", other as u32) } else { other.to_string() }
                                ),
                            ))
                        }
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }

    /// Reads the 4 hex digits after `\u`.
    fn hex4(&mut self) -> Result<u32, Diagnostic> {
        let mut v = 0u32;
        for _ in 0..4 {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    v = v * 16 + d;
                    self.bump();
                }
                None => {
                    return Err(self.error_here(format!("expected 4 hex digits after \\u, found {}", self.found())));
                }
            }
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let mut n = 0;
        while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
            self.bump();
            n += 1;
        }
        n
    }

    fn number(&mut self) -> Result<Json, Diagnostic> {
        let pos = self.pos();
        let start = self.i;
        if self.peek() == Some('-') {
            self.bump();
        }
        match self.peek() {
            Some('0') => {
                self.bump();
                if matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                    return Err(Self::error_at(pos, "leading zeros are not allowed in JSON numbers"));
                }
            }
            Some(c) if c.is_ascii_digit() => {
                self.digits();
            }
            _ => return Err(self.error_here(format!("expected a digit after '-', found {}", self.found()))),
        }
        if self.peek() == Some('.') {
            self.bump();
            if self.digits() == 0 {
                return Err(self.error_here(format!("expected a digit after '.', found {}", self.found())));
            }
        }
        if matches!(self.peek(), Some('e') | Some('E')) {
            self.bump();
            if matches!(self.peek(), Some('+') | Some('-')) {
                self.bump();
            }
            if self.digits() == 0 {
                return Err(self.error_here(format!("expected a digit in the exponent, found {}", self.found())));
            }
        }
        let raw = &self.text[start..self.i];
        let value: f64 = match raw.parse() {
            Ok(v) => v,
            Err(_) => return Err(Self::error_at(pos, format!("invalid number {raw}"))),
        };
        if !value.is_finite() {
            return Err(Self::error_at(pos, format!("number {} is out of range", truncate(raw, 40))));
        }
        Ok(Json { pos, kind: JsonKind::Number(value, raw.to_string()) })
    }

    fn literal(&mut self) -> Result<Json, Diagnostic> {
        let pos = self.pos();
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_') {
            self.bump();
        }
        let word = &self.text[start..self.i];
        let kind = match word {
            "true" => JsonKind::Bool(true),
            "false" => JsonKind::Bool(false),
            "null" => JsonKind::Null,
            _ => {
                let hint = match word.to_ascii_lowercase().as_str() {
                    "true" | "false" | "null" => format!(" (did you mean {}? JSON literals are lowercase)", word.to_ascii_lowercase()),
                    "none" | "nil" | "undefined" => " (did you mean null?)".to_string(),
                    "nan" | "infinity" => " (JSON has no NaN or Infinity)".to_string(),
                    _ => " (strings must be in double quotes)".to_string(),
                };
                return Err(Self::error_at(
                    pos,
                    format!("expected a JSON value, found '{}'{hint}", truncate(word, 40)),
                ));
            }
        };
        Ok(Json { pos, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars() {
        let j = parse("{\"é\": \"x\", \"b\": [1, true]}").unwrap();
        let (k, v) = j.get_member("b").unwrap();
        assert_eq!((k.pos.line, k.pos.col), (1, 12));
        assert_eq!(v.pos.offset, 17);
        assert_eq!(v.pos.col, 17);
    }

    #[test]
    fn string_offset_maps_escapes() {
        let text = r#"{"e": "a\nb\u00e9c"}"#;
        let j = parse(text).unwrap();
        let v = j.get("e").unwrap();
        // decoded: a \n b é(2 bytes) c ; offset of 'c' = 5
        let p = string_offset_pos(text, v.pos, 5);
        assert_eq!(&text[p.offset..p.offset + 1], "c");
    }
}
