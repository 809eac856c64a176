//! Typed reading of the YAML tree: field paths, "expected X, got Y", required fields, unknown
//! fields with "did you mean", and the API server's name and label rules.

use std::collections::BTreeMap;

use crate::engine::diag::{Diagnostic, Pos};

use super::model::{Labels, LabelSelector, SelectorOp, SelectorRequirement};
use super::quantity::{self, Quantity};
use super::yaml::{Node, Scalar, Value};

pub(crate) struct Reader {
    pub diags: Vec<Diagnostic>,
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// Levenshtein distance, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = if ca == cb { 0 } else { 1 };
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest known name, if it is close enough to be a typo.
pub fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    if let Some(k) = known.iter().find(|k| k.to_ascii_lowercase() == lower) {
        return Some(k);
    }
    let limit = if name.chars().count() <= 4 { 1 } else { 2 };
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

impl Reader {
    pub fn new() -> Self {
        Reader { diags: Vec::new() }
    }

    pub fn error(&mut self, pos: Pos, path: &str, rule: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(pos, path, rule, message));
    }

    pub fn warning(&mut self, pos: Pos, path: &str, rule: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(pos, path, rule, message));
    }

    pub fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    pub fn required(&mut self, parent: &Node, path: &str, key: &str) {
        self.error(parent.pos, &join(path, key), "k8s-required", format!("Required value: the field {key:?} is missing"));
    }

    /// Checks that `node` is a mapping and warns about keys that are neither simulated (`known`)
    /// nor accepted without effect (`ignored`). Returns false (with an error) if it is not a mapping.
    pub fn fields(&mut self, node: &Node, path: &str, known: &[&str], ignored: &[&str]) -> bool {
        if !self.is_map(node, path) {
            return false;
        }
        for (k, kpos, _) in node.entries() {
            if known.contains(&k.as_str()) || ignored.contains(&k.as_str()) {
                continue;
            }
            let mut all: Vec<&str> = known.to_vec();
            all.extend_from_slice(ignored);
            let msg = match closest(k, &all) {
                Some(s) => format!("unknown field {k:?}; did you mean {s}?"),
                None => format!("unknown field {k:?} (Kubernetes rejects it with strict field validation; Berth ignores it)"),
            };
            self.warning(*kpos, &join(path, k), "k8s-unknown-field", msg);
        }
        true
    }

    pub fn is_map(&mut self, node: &Node, path: &str) -> bool {
        if matches!(node.value, Value::Map(_)) {
            true
        } else {
            self.error(node.pos, path, "k8s-type", format!("expected a mapping, got {}", node.describe()));
            false
        }
    }

    /// A child that is present and not null.
    pub fn get<'a>(&self, node: &'a Node, key: &str) -> Option<&'a Node> {
        node.get(key).filter(|n| !n.is_null())
    }

    pub fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match node.scalar() {
            Some(Scalar::Str(s)) => Some(s.to_string()),
            Some(Scalar::Null) | None => {
                self.error(node.pos, path, "k8s-type", format!("expected a string, got {}", node.describe()));
                None
            }
            Some(_) => {
                let text = match &node.value {
                    Value::Scalar { text, .. } => text.clone(),
                    _ => String::new(),
                };
                self.error(node.pos, path, "k8s-type", format!("expected a string, got {}; quote it: \"{text}\"", node.describe()));
                None
            }
        }
    }

    pub fn opt_string(&mut self, parent: &Node, key: &str, path: &str) -> Option<String> {
        let n = self.get(parent, key)?;
        self.string(n, &join(path, key))
    }

    pub fn req_string(&mut self, parent: &Node, key: &str, path: &str) -> Option<String> {
        match self.get(parent, key) {
            Some(n) => {
                let s = self.string(n, &join(path, key))?;
                if s.is_empty() {
                    self.error(n.pos, &join(path, key), "k8s-required", "Required value: must not be empty");
                    return None;
                }
                Some(s)
            }
            None => {
                self.required(parent, path, key);
                None
            }
        }
    }

    pub fn int(&mut self, node: &Node, path: &str) -> Option<i64> {
        match node.scalar() {
            Some(Scalar::Int(i)) => Some(i),
            Some(Scalar::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => {
                self.error(node.pos, path, "k8s-type", format!("expected an integer, got {}", node.describe()));
                None
            }
        }
    }

    pub fn opt_int(&mut self, parent: &Node, key: &str, path: &str) -> Option<i64> {
        let n = self.get(parent, key)?;
        self.int(n, &join(path, key))
    }

    /// An integer with a lower bound, reported as the API server does.
    pub fn int_min(&mut self, parent: &Node, key: &str, path: &str, min: i64, default: i64) -> i64 {
        let Some(n) = self.get(parent, key) else { return default };
        let p = join(path, key);
        match self.int(n, &p) {
            Some(v) if v < min => {
                self.error(n.pos, &p, "k8s-range", format!("Invalid value: {v}: must be greater than or equal to {min}"));
                default
            }
            Some(v) => v,
            None => default,
        }
    }

    pub fn opt_bool(&mut self, parent: &Node, key: &str, path: &str) -> Option<bool> {
        let n = self.get(parent, key)?;
        match n.scalar() {
            Some(Scalar::Bool(b)) => Some(b),
            _ => {
                self.error(n.pos, &join(path, key), "k8s-type", format!("expected true or false, got {}", n.describe()));
                None
            }
        }
    }

    /// A list; `None` (with an error) if the value is something else.
    pub fn list<'a>(&mut self, node: &'a Node, path: &str) -> Vec<(&'a Node, String)> {
        match &node.value {
            Value::Seq(items) => items.iter().enumerate().map(|(i, n)| (n, index(path, i))).collect(),
            _ if node.is_null() => Vec::new(),
            _ => {
                self.error(node.pos, path, "k8s-type", format!("expected a list, got {}", node.describe()));
                Vec::new()
            }
        }
    }

    pub fn opt_list<'a>(&mut self, parent: &'a Node, key: &str, path: &str) -> Vec<(&'a Node, String)> {
        match self.get(parent, key) {
            Some(n) => self.list(n, &join(path, key)),
            None => Vec::new(),
        }
    }

    pub fn string_list(&mut self, parent: &Node, key: &str, path: &str) -> Vec<String> {
        let items = self.opt_list(parent, key, path);
        items.into_iter().filter_map(|(n, p)| self.string(n, &p)).collect()
    }

    /// A map of strings (labels, annotations, nodeSelector, Service selector).
    pub fn string_map(&mut self, node: &Node, path: &str) -> Labels {
        let mut out = BTreeMap::new();
        if node.is_null() || !self.is_map(node, path) {
            return out;
        }
        for (k, _, v) in node.entries() {
            if let Some(s) = self.string(v, &join(path, k)) {
                out.insert(k.clone(), s);
            }
        }
        out
    }

    /// A label map, checked with the API server's label rules.
    pub fn labels(&mut self, node: &Node, path: &str) -> Labels {
        let m = self.string_map(node, path);
        for (k, kpos, v) in node.entries() {
            let p = join(path, k);
            if let Some(msg) = label_key_error(k) {
                self.error(*kpos, &p, "k8s-label", format!("Invalid value: {k:?}: {msg}"));
            }
            if let Some(val) = m.get(k) {
                if let Some(msg) = label_value_error(val) {
                    self.error(v.pos, &p, "k8s-label", format!("Invalid value: {val:?}: {msg}"));
                }
            }
        }
        m
    }

    /// A quantity (string or number) as `resource.ParseQuantity` reads it.
    pub fn quantity(&mut self, node: &Node, path: &str) -> Option<Quantity> {
        let text = match &node.value {
            Value::Scalar { text, .. } if !node.is_null() => text.clone(),
            _ => {
                self.error(node.pos, path, "k8s-quantity", format!("expected a quantity such as 500m or 512Mi, got {}", node.describe()));
                return None;
            }
        };
        match quantity::parse(&text) {
            Ok(q) => Some(q),
            Err(e) => {
                self.error(node.pos, path, "k8s-quantity", e.message());
                None
            }
        }
    }

    /// `matchLabels` + `matchExpressions`.
    pub fn label_selector(&mut self, node: &Node, path: &str) -> LabelSelector {
        let mut sel = LabelSelector::default();
        if !self.fields(node, path, &["matchLabels", "matchExpressions"], &[]) {
            return sel;
        }
        if let Some(ml) = self.get(node, "matchLabels") {
            sel.match_labels = self.labels(ml, &join(path, "matchLabels"));
        }
        for (e, p) in self.opt_list(node, "matchExpressions", path) {
            if !self.fields(e, &p, &["key", "operator", "values"], &[]) {
                continue;
            }
            let key = self.req_string(e, "key", &p).unwrap_or_default();
            let values = self.string_list(e, "values", &p);
            // ValidateLabelSelectorRequirement (apimachinery meta/v1/validation) refuses any other
            // operator, `in` included, with `field.Invalid(..., "not a valid selector operator")`.
            let Some(opn) = self.get(e, "operator") else {
                self.required(e, &p, "operator");
                continue;
            };
            let ops = [("In", SelectorOp::In), ("NotIn", SelectorOp::NotIn), ("Exists", SelectorOp::Exists), ("DoesNotExist", SelectorOp::DoesNotExist)];
            let Some(op) = self.enum_invalid(opn, &join(&p, "operator"), &ops, "not a valid selector operator") else { continue };
            match op {
                SelectorOp::In | SelectorOp::NotIn if values.is_empty() => {
                    self.error(e.pos, &join(&p, "values"), "k8s-required", "Required value: must be specified when `operator` is 'In' or 'NotIn'");
                }
                SelectorOp::Exists | SelectorOp::DoesNotExist if !values.is_empty() => {
                    self.error(e.pos, &join(&p, "values"), "k8s-forbidden", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                }
                _ => {}
            }
            sel.match_expressions.push(SelectorRequirement { key, operator: op, values });
        }
        sel
    }

    /// One of a fixed set of strings, matched case-sensitively as the API server matches them
    /// (`always` is not `Always`), refused with its wording, `field.NotSupported` in apimachinery's
    /// util/validation/field/errors.go: `Unsupported value: "always": supported values: "Always",
    /// "IfNotPresent", "Never"`, then Berth's "did you mean" (a case-only slip gets the right case).
    /// List `options` in the order the API server prints them (`sets.List` sorts them).
    pub fn enum_value<T: Copy>(&mut self, node: &Node, path: &str, options: &[(&str, T)]) -> Option<T> {
        self.one_of(node, path, options, None)
    }

    /// Like [`Reader::enum_value`], for the fields the API server refuses with `field.Invalid` and
    /// a sentence of its own instead of a list: `Invalid value: "in": not a valid selector
    /// operator (did you mean In?)`.
    pub fn enum_invalid<T: Copy>(&mut self, node: &Node, path: &str, options: &[(&str, T)], detail: &str) -> Option<T> {
        self.one_of(node, path, options, Some(detail))
    }

    fn one_of<T: Copy>(&mut self, node: &Node, path: &str, options: &[(&str, T)], detail: Option<&str>) -> Option<T> {
        let s = self.string(node, path)?;
        if let Some((_, v)) = options.iter().find(|(n, _)| *n == s) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let hint = closest(&s, &names).map(|c| format!(" (did you mean {c}?)")).unwrap_or_default();
        let msg = match detail {
            Some(d) => format!("Invalid value: {s:?}: {d}{hint}"),
            None => {
                let list = names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
                format!("Unsupported value: {s:?}: supported values: {list}{hint}")
            }
        };
        self.error(node.pos, path, "k8s-enum", msg);
        None
    }
}

/// RFC 1123 subdomain (most object names): lower-case alphanumerics, '-' and '.', ≤ 253.
pub fn dns1123_subdomain_error(s: &str) -> Option<String> {
    if s.len() > 253 {
        return Some("must be no more than 253 characters".into());
    }
    let ok = s.split('.').all(|part| dns_label_ok(part));
    if ok {
        None
    } else {
        Some("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')".into())
    }
}

/// RFC 1123 label (Service, Namespace and container names): ≤ 63, no dots.
pub fn dns1123_label_error(s: &str) -> Option<String> {
    if s.len() > 63 {
        return Some("must be no more than 63 characters".into());
    }
    if dns_label_ok(s) {
        None
    } else {
        Some("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')".into())
    }
}

fn dns_label_ok(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b.first().is_some_and(|c| c.is_ascii_alphanumeric())
        && b.last().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn qualified_name_ok(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b.first().is_some_and(|c| c.is_ascii_alphanumeric())
        && b.last().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Label keys: an optional DNS subdomain prefix and '/', then a name of ≤ 63 characters.
pub fn label_key_error(k: &str) -> Option<String> {
    let (prefix, name) = match k.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if let Some(p) = prefix {
        if dns1123_subdomain_error(p).is_some() {
            return Some("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character".into());
        }
    }
    if qualified_name_ok(name) {
        None
    } else {
        Some("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc'), and must be no more than 63 characters".into())
    }
}

/// Label values: empty, or ≤ 63 alphanumerics with '-', '_', '.' inside.
pub fn label_value_error(v: &str) -> Option<String> {
    if v.is_empty() || qualified_name_ok(v) {
        None
    } else if v.len() > 63 {
        Some("must be no more than 63 characters".into())
    } else {
        Some("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345')".into())
    }
}
