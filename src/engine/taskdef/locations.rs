//! Where each field of a parsed task definition was written, by JSON path.
//!
//! The parser records every key and value it meets; the validator looks positions up by path
//! (`containerDefinitions[0].memory`) so it can work on the typed model and still point into the
//! learner's text. A [`Locations`] that is empty (for a model built in code) answers
//! `Pos::default()`.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::diag::Pos;

/// Position of a member's key (if it is an object member) and of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub key: Option<Pos>,
    pub value: Pos,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations {
    map: BTreeMap<String, Loc>,
    /// Paths whose value was present but unusable (wrong type, out of range): the model holds a
    /// default there, so the validator must not draw conclusions from it.
    invalid: BTreeSet<String>,
}

/// The parent of a path: `a.b[2].c` → `a.b[2]` → `a.b` → `a` → `` (root).
pub fn parent(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    }
}

impl Locations {
    pub fn record(&mut self, path: &str, key: Option<Pos>, value: Pos) {
        self.map.insert(path.to_string(), Loc { key, value });
    }

    pub fn mark_invalid(&mut self, path: &str) {
        self.invalid.insert(path.to_string());
    }

    /// Whether the field at `path` was written at all (even with an unusable value).
    pub fn has(&self, path: &str) -> bool {
        self.map.contains_key(path)
    }

    /// Whether the field at `path` (or any enclosing field) was written with an unusable value.
    pub fn is_invalid(&self, path: &str) -> bool {
        let mut p = path;
        loop {
            if self.invalid.contains(p) {
                return true;
            }
            if p.is_empty() {
                return false;
            }
            p = parent(p);
        }
    }

    /// Whether any path at or below `path` is invalid (e.g. one element of a list was dropped,
    /// so model indices no longer match source indices).
    pub fn any_invalid_under(&self, path: &str) -> bool {
        self.is_invalid(path)
            || self.invalid.range(path.to_string()..).take_while(|p| p.starts_with(path)).any(|p| {
                let rest = &p[path.len()..];
                rest.starts_with('.') || rest.starts_with('[')
            })
    }

    pub fn get(&self, path: &str) -> Option<Loc> {
        self.map.get(path).copied()
    }

    /// Position of the value at `path`, or of the nearest enclosing value that was recorded.
    pub fn value(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(loc) = self.map.get(p) {
                return loc.value;
            }
            if p.is_empty() {
                return Pos::default();
            }
            p = parent(p);
        }
    }

    /// Where to report that a field is missing from the object at `object_path`: the object's key
    /// when it has one (`"healthCheck": {`), else the object's opening brace.
    pub fn missing(&self, object_path: &str) -> Pos {
        match self.map.get(object_path) {
            Some(Loc { key: Some(k), .. }) => *k,
            Some(Loc { value, .. }) => *value,
            None => self.value(object_path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents() {
        assert_eq!(parent("a.b[2].c"), "a.b[2]");
        assert_eq!(parent("a.b[2]"), "a.b");
        assert_eq!(parent("a"), "");
        assert_eq!(parent(""), "");
    }
}
