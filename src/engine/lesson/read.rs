//! Reading lesson JSON with positions: every mistake becomes a [`Diagnostic`] that points at the
//! offending key or value, with its path (`goals[2].service`).

use crate::engine::diag::{Diagnostic, Pos};
use crate::engine::json::{Json, JsonKind};

use super::goal::{Cmp, Op, OPS};

/// Collects diagnostics while a lesson file is read.
#[derive(Debug, Default)]
pub struct Reader {
    pub diags: Vec<Diagnostic>,
}

impl Reader {
    pub fn error(&mut self, pos: Pos, path: &str, rule: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(pos, path, rule, message));
    }

    pub fn warning(&mut self, pos: Pos, path: &str, rule: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(pos, path, rule, message));
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// The members of an object, read one by one; `what` names it in messages.
    pub fn fields<'r, 'j>(&'r mut self, node: &'j Json, path: &str, what: &str) -> Option<Fields<'r, 'j>> {
        if node.as_object().is_none() {
            self.error(node.pos, path, "lesson-shape", format!("{what} must be an object; found {}", node.describe()));
            return None;
        }
        Some(Fields {
            r: self,
            node,
            path: path.to_string(),
            what: what.to_string(),
            used: Vec::new(),
            failed: false,
        })
    }

    /// A comparison: a number (`6`, meaning `== 6`) or an object of operators (`{">=": 2, "<": 5}`).
    pub fn cmp_value(&mut self, node: &Json, path: &str) -> Option<Cmp> {
        match &node.kind {
            JsonKind::Number(n, _) => Some(Cmp(vec![(Op::Eq, *n)])),
            JsonKind::Object(members) => {
                let mut pairs = Vec::new();
                for (k, v) in members {
                    let Some(op) = op_of(&k.name) else {
                        self.error(k.pos, path, "lesson-goal", format!("unknown comparison {:?}; use {}", k.name, op_list()));
                        return None;
                    };
                    pairs.push((op, self.number_of(v, &format!("{path}.{}", k.name))?));
                }
                if pairs.is_empty() {
                    self.error(node.pos, path, "lesson-goal", format!("a comparison needs an operator: {}", op_list()));
                    return None;
                }
                Some(Cmp(pairs))
            }
            _ => {
                self.error(
                    node.pos,
                    path,
                    "lesson-goal",
                    format!("expected a number or a comparison such as {{\">=\": 6}}; found {}", node.describe()),
                );
                None
            }
        }
    }

    fn number_of(&mut self, node: &Json, path: &str) -> Option<f64> {
        match &node.kind {
            JsonKind::Number(n, _) => Some(*n),
            _ => {
                self.error(node.pos, path, "lesson-goal", format!("expected a number; found {}", node.describe()));
                None
            }
        }
    }
}

fn op_of(name: &str) -> Option<Op> {
    OPS.iter().find(|(s, _)| *s == name).map(|(_, o)| *o)
}

fn op_list() -> String {
    OPS.iter().map(|(s, _)| *s).collect::<Vec<_>>().join(", ")
}

/// The members of one object. Each accessor marks its key as used; [`Fields::finish`] reports
/// the keys nobody asked for. Accessors return `None` after reporting an error, and
/// `Some(None)` for an optional key that is absent.
pub struct Fields<'r, 'j> {
    r: &'r mut Reader,
    node: &'j Json,
    path: String,
    what: String,
    used: Vec<String>,
    failed: bool,
}

impl<'r, 'j> Fields<'r, 'j> {
    fn sub(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn pos(&self) -> Pos {
        self.node.pos
    }

    /// The value of `key`, marking it used.
    pub fn get(&mut self, key: &str) -> Option<&'j Json> {
        self.used.push(key.to_string());
        self.node.get(key)
    }

    pub fn skip(&mut self, key: &str) {
        self.used.push(key.to_string());
    }

    fn missing(&mut self, key: &str) {
        let (pos, path, what) = (self.node.pos, self.path.clone(), self.what.clone());
        self.r.error(pos, &path, "lesson-shape", format!("{what} needs {key:?}"));
        self.failed = true;
    }

    fn wrong(&mut self, v: &Json, key: &str, expected: &str) {
        let path = self.sub(key);
        self.r.error(v.pos, &path, "lesson-shape", format!("{key} must be {expected}; found {}", v.describe()));
        self.failed = true;
    }

    pub fn string(&mut self, key: &str, required: bool) -> Option<Option<String>> {
        match self.get(key) {
            None if required => {
                self.missing(key);
                None
            }
            None => Some(None),
            Some(v) => match v.as_str() {
                Some(s) => Some(Some(s.to_string())),
                None => {
                    self.wrong(v, key, "a string");
                    None
                }
            },
        }
    }

    /// A string or a list of strings.
    pub fn strings(&mut self, key: &str) -> Option<Option<Vec<String>>> {
        let Some(v) = self.get(key) else { return Some(None) };
        if let Some(s) = v.as_str() {
            return Some(Some(vec![s.to_string()]));
        }
        if let Some(items) = v.as_array() {
            let all: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(str::to_string)).collect();
            if let Some(all) = all.filter(|a| !a.is_empty()) {
                return Some(Some(all));
            }
        }
        self.wrong(v, key, "a string or a non-empty list of strings");
        None
    }

    /// A list of strings (possibly empty).
    pub fn string_list(&mut self, key: &str) -> Option<Vec<String>> {
        let Some(v) = self.get(key) else { return Some(Vec::new()) };
        if let Some(items) = v.as_array() {
            let all: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(str::to_string)).collect();
            if let Some(all) = all {
                return Some(all);
            }
        }
        self.wrong(v, key, "a list of strings");
        None
    }

    pub fn boolean(&mut self, key: &str) -> Option<Option<bool>> {
        match self.get(key) {
            None => Some(None),
            Some(v) => match v.as_bool() {
                Some(b) => Some(Some(b)),
                None => {
                    self.wrong(v, key, "true or false");
                    None
                }
            },
        }
    }

    /// A required number.
    pub fn number(&mut self, key: &str) -> Option<f64> {
        match self.get(key) {
            None => {
                self.missing(key);
                None
            }
            Some(v) => match &v.kind {
                JsonKind::Number(n, _) => Some(*n),
                _ => {
                    self.wrong(v, key, "a number");
                    None
                }
            },
        }
    }

    /// A whole number ≥ 0, if present.
    pub fn count(&mut self, key: &str) -> Option<Option<u32>> {
        match self.get(key) {
            None => Some(None),
            Some(v) => match &v.kind {
                JsonKind::Number(n, _) if n.fract() == 0.0 && *n >= 0.0 && *n <= u32::MAX as f64 => Some(Some(*n as u32)),
                _ => {
                    self.wrong(v, key, "a whole number ≥ 0");
                    None
                }
            },
        }
    }

    /// A member whose value is a comparison (`"running": {">=": 6}` or `"running": 6`).
    pub fn cmp_field(&mut self, key: &str) -> Option<Option<Cmp>> {
        match self.get(key) {
            None => Some(None),
            Some(v) => {
                let path = self.sub(key);
                match self.r.cmp_value(v, &path) {
                    Some(c) => Some(Some(c)),
                    None => {
                        self.failed = true;
                        None
                    }
                }
            }
        }
    }

    /// The operator members of this object (`"==": 0` next to filter fields).
    pub fn cmp(&mut self, required: bool) -> Option<Cmp> {
        let mut pairs = Vec::new();
        let members = self.node.as_object().unwrap_or(&[]);
        for (k, v) in members {
            if let Some(op) = op_of(&k.name) {
                self.used.push(k.name.clone());
                match &v.kind {
                    JsonKind::Number(n, _) => pairs.push((op, *n)),
                    _ => {
                        self.wrong(v, &k.name, "a number");
                        return None;
                    }
                }
            }
        }
        if pairs.is_empty() && required {
            let (pos, path, what) = (self.node.pos, self.path.clone(), self.what.clone());
            self.r
                .error(pos, &path, "lesson-goal", format!("{what} needs a comparison such as \">=\": 1 (operators: {})", op_list()));
            self.failed = true;
            return None;
        }
        Some(Cmp(pairs))
    }

    /// Reports every key that no accessor asked for. `None` if anything went wrong.
    pub fn finish(self) -> Option<()> {
        let mut failed = self.failed;
        let members = self.node.as_object().unwrap_or(&[]);
        let known: Vec<&str> = self.used.iter().map(String::as_str).collect();
        for (k, _) in members {
            if !known.contains(&k.name.as_str()) {
                let hint = did_you_mean(&k.name, &known).map(|s| format!("; did you mean {s:?}?")).unwrap_or_default();
                let path = if self.path.is_empty() { k.name.clone() } else { format!("{}.{}", self.path, k.name) };
                self.r
                    .error(k.pos, &path, "lesson-shape", format!("unknown field {:?} in {}{hint} (known: {})", k.name, self.what, known.join(", ")));
                failed = true;
            }
        }
        if failed {
            None
        } else {
            Some(())
        }
    }
}

/// The candidate closest to `name` (same letters ignoring case, or at most two edits away).
pub fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if let Some(c) = candidates.iter().find(|c| c.to_lowercase() == lower) {
        return Some(c);
    }
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

pub use crate::engine::json::value_end;

/// Moves a diagnostic found in a sub-text that starts at `base` into the enclosing text.
pub fn shift(mut d: Diagnostic, base: Pos, path_prefix: &str) -> Diagnostic {
    if d.pos.line <= 1 {
        d.pos.col += base.col.saturating_sub(1);
    }
    d.pos.line += base.line.saturating_sub(1);
    d.pos.offset += base.offset;
    d.path = if d.path.is_empty() { path_prefix.to_string() } else { format!("{path_prefix}.{}", d.path) };
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("runing", &["running", "pending"]), Some("running"));
        assert_eq!(did_you_mean("Running", &["running"]), Some("running"));
        assert_eq!(did_you_mean("zzzzzz", &["running"]), None);
    }

    #[test]
    fn value_end_finds_objects() {
        let t = r#"{"a": "}{", "b": [1, {"c": "]"}]} tail"#;
        assert_eq!(&t[..value_end(t, 0)], r#"{"a": "}{", "b": [1, {"c": "]"}]}"#);
    }
}
