//! Multi-document YAML into a small positioned tree, on top of `saphyr-parser`'s event stream.
//!
//! Every node keeps the position of its first character (1-based line and column, byte offset) so
//! the manifest reader can point at `line:col` with a field path. Hostile input is bounded: the
//! text size, the number of documents, the nesting depth and the total number of nodes (which also
//! stops alias "billion laughs" expansion) are limited by [`Limits`].

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::engine::diag::{Diagnostic, Pos};

/// Limits on what one manifest file may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_documents: usize,
    pub max_depth: usize,
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 1 << 20, max_documents: 200, max_depth: 64, max_nodes: 200_000 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar with its text; `quoted` is true for '...', "..." and block scalars (always strings).
    Scalar { text: String, quoted: bool },
    Seq(Vec<Node>),
    /// Keys in document order. Keys are scalars (complex keys are reported and skipped).
    Map(Vec<(String, Pos, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

/// What a plain scalar means under the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Pos, Node)] {
        match &self.value {
            Value::Map(e) => e,
            _ => &[],
        }
    }

    /// The scalar under the core schema (`null`, `true`, `3`, `0.5`, or a string).
    pub fn scalar(&self) -> Option<Scalar<'_>> {
        match &self.value {
            Value::Scalar { text, quoted: true } => Some(Scalar::Str(text)),
            Value::Scalar { text, quoted: false } => Some(classify(text)),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.scalar(), Some(Scalar::Null))
    }

    /// A short description for "expected X, got Y" messages.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
            Value::Scalar { .. } => match self.scalar() {
                Some(Scalar::Null) => "null".into(),
                Some(Scalar::Bool(b)) => format!("the boolean {b}"),
                Some(Scalar::Int(i)) => format!("the number {i}"),
                Some(Scalar::Float(_)) => match &self.value {
                    Value::Scalar { text, .. } => format!("the number {text}"),
                    _ => "a number".into(),
                },
                Some(Scalar::Str(s)) => format!("the string {s:?}"),
                None => "a scalar".into(),
            },
        }
    }
}

fn classify(text: &str) -> Scalar<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Scalar::Int(i);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Scalar::Int(i);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Scalar::Int(i);
        }
    }
    // YAML 1.2 core float: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let looks_float = {
        let b = unsigned.as_bytes();
        let mut i = 0;
        let mut digits = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
                digits += 1;
            }
        }
        let mut ok = digits > 0;
        if ok && i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
                i += 1;
            }
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            ok = i > s;
        }
        ok && i == b.len()
    };
    if looks_float {
        if let Ok(f) = text.parse::<f64>() {
            return Scalar::Float(f);
        }
    }
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        _ => Scalar::Str(text),
    }
}

/// One YAML document of the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based index in the stream.
    pub index: usize,
    pub pos: Pos,
    /// `None` for an empty document (e.g. a trailing `---`).
    pub root: Option<Node>,
}

/// Converts the parser's character positions to [`Pos`] (1-based column, byte offset).
struct Positions<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        Positions { text, line_starts }
    }
    fn pos(&self, line: usize, col0: usize) -> Pos {
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let rest = self.text.get(start..).unwrap_or("");
        let offset = start + rest.chars().take(col0).map(char::len_utf8).sum::<usize>();
        Pos { line: line as u32, col: col0 as u32 + 1, offset }
    }
    fn of(&self, span: &Span) -> Pos {
        self.pos(span.start.line(), span.start.col())
    }
}

enum Frame {
    Seq { pos: Pos, anchor: usize, items: Vec<Node> },
    Map { pos: Pos, anchor: usize, entries: Vec<(String, Pos, Node)>, key: Option<(String, Pos)>, bad_key: bool },
}

/// Parses every document. A syntax error ends the stream with one diagnostic (rule `yaml-syntax`);
/// the documents read before it are still returned.
pub fn parse_stream(text: &str, limits: &Limits) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut docs = Vec::new();
    if text.len() > limits.max_bytes {
        diags.push(Diagnostic::error(
            Pos { line: 1, col: 1, offset: 0 },
            "",
            "yaml-limit",
            format!("the manifest is {} bytes; at most {} bytes are accepted", text.len(), limits.max_bytes),
        ));
        return (docs, diags);
    }
    let positions = Positions::new(text);
    let mut anchors: BTreeMap<usize, Node> = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut nodes = 0usize;
    let mut doc_pos = Pos { line: 1, col: 1, offset: 0 };
    let mut root: Option<Node> = None;
    let parser = Parser::new_from_str(text);
    for ev in parser {
        let (ev, span) = match ev {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                let mut at = positions.pos(m.line(), m.col());
                // saphyr marks where the token it was scanning began (for a tab that indents the
                // next line: the value at the end of the line before); point at the tab itself.
                if e.info().contains("found a tab") {
                    if let Some(tab) = text.get(at.offset..).and_then(|rest| rest.find('\t')).map(|i| at.offset + i) {
                        let line_start = text[..tab].rfind('\n').map_or(0, |n| n + 1);
                        at = Pos { line: text[..tab].matches('\n').count() as u32 + 1, col: text[line_start..tab].chars().count() as u32 + 1, offset: tab };
                    }
                }
                diags.push(Diagnostic::error(at, "", "yaml-syntax", format!("YAML syntax error: {}", e.info())));
                return (docs, diags);
            }
        };
        let pos = positions.of(&span);
        let finished: Option<Node> = match ev {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
            Event::DocumentStart(_) => {
                if docs.len() >= limits.max_documents {
                    diags.push(Diagnostic::error(pos, "", "yaml-limit", format!("more than {} documents in one manifest", limits.max_documents)));
                    return (docs, diags);
                }
                doc_pos = pos;
                root = None;
                anchors.clear();
                None
            }
            Event::DocumentEnd => {
                docs.push(Document { index: docs.len(), pos: doc_pos, root: root.take() });
                None
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => {
                    let size = count(n);
                    nodes += size;
                    if nodes > limits.max_nodes {
                        diags.push(Diagnostic::error(pos, "", "yaml-limit", format!("the manifest expands to more than {} YAML nodes (aliases included)", limits.max_nodes)));
                        return (docs, diags);
                    }
                    let mut copy = n.clone();
                    copy.pos = pos;
                    Some(copy)
                }
                None => {
                    diags.push(Diagnostic::error(pos, "", "yaml-syntax", "YAML alias refers to an unknown anchor"));
                    return (docs, diags);
                }
            },
            Event::Scalar(text, style, anchor, _tag) => {
                nodes += 1;
                let quoted = !matches!(style, ScalarStyle::Plain);
                let n = Node { pos, value: Value::Scalar { text: text.into_owned(), quoted } };
                if anchor > 0 {
                    anchors.insert(anchor, n.clone());
                }
                Some(n)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                nodes += 1;
                if stack.len() >= limits.max_depth {
                    diags.push(Diagnostic::error(pos, "", "yaml-limit", format!("nesting deeper than {} levels", limits.max_depth)));
                    return (docs, diags);
                }
                if matches!(ev, Event::SequenceStart(..)) {
                    stack.push(Frame::Seq { pos, anchor, items: Vec::new() });
                } else {
                    stack.push(Frame::Map { pos, anchor, entries: Vec::new(), key: None, bad_key: false });
                }
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { pos, anchor, items }) => {
                    let n = Node { pos, value: Value::Seq(items) };
                    if anchor > 0 {
                        anchors.insert(anchor, n.clone());
                    }
                    Some(n)
                }
                Some(Frame::Map { pos, anchor, entries, .. }) => {
                    let n = Node { pos, value: Value::Map(entries) };
                    if anchor > 0 {
                        anchors.insert(anchor, n.clone());
                    }
                    Some(n)
                }
                None => None,
            },
        };
        if nodes > limits.max_nodes {
            diags.push(Diagnostic::error(pos, "", "yaml-limit", format!("the manifest has more than {} YAML nodes", limits.max_nodes)));
            return (docs, diags);
        }
        if let Some(n) = finished {
            match stack.last_mut() {
                None => root = Some(n),
                Some(Frame::Seq { items, .. }) => items.push(n),
                Some(Frame::Map { entries, key, bad_key, .. }) => {
                    if *bad_key {
                        *bad_key = false;
                    } else if let Some((k, kpos)) = key.take() {
                        if entries.iter().any(|(e, _, _)| *e == k) {
                            diags.push(Diagnostic::error(kpos, "", "yaml-duplicate-key", format!("duplicate key {k:?} in the same mapping")));
                        } else {
                            entries.push((k, kpos, n));
                        }
                    } else {
                        match n.value {
                            Value::Scalar { text, .. } => *key = Some((text, n.pos)),
                            _ => {
                                diags.push(Diagnostic::error(n.pos, "", "yaml-complex-key", "only plain text keys are supported in Kubernetes manifests"));
                                *bad_key = true;
                            }
                        }
                    }
                }
            }
        }
    }
    (docs, diags)
}

fn count(n: &Node) -> usize {
    1 + match &n.value {
        Value::Scalar { .. } => 0,
        Value::Seq(items) => items.iter().map(count).sum(),
        Value::Map(e) => e.iter().map(|(_, _, v)| count(v)).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_documents() {
        let (docs, diags) = parse_stream("a: 1\n---\nb:\n  - x\n  - \"y\"\n", &Limits::default());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(docs.len(), 2);
        let b = docs[1].root.as_ref().and_then(|r| r.get("b")).expect("b");
        match &b.value {
            Value::Seq(items) => {
                assert_eq!((items[1].pos.line, items[1].pos.col), (5, 5));
                assert_eq!(items[1].scalar(), Some(Scalar::Str("y")));
                assert_eq!(items[0].pos.offset, 16);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            s.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        let (_, diags) = parse_stream(&s, &Limits::default());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].rule, "yaml-limit");
    }

    #[test]
    fn core_schema() {
        assert_eq!(classify("3"), Scalar::Int(3));
        assert_eq!(classify("0.5"), Scalar::Float(0.5));
        assert_eq!(classify("1e3"), Scalar::Float(1000.0));
        assert_eq!(classify("yes"), Scalar::Str("yes"));
        assert_eq!(classify("~"), Scalar::Null);
        assert_eq!(classify("512Mi"), Scalar::Str("512Mi"));
    }
}
