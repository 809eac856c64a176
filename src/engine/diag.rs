//! Diagnostics: errors and warnings that point at a place in the learner's text.
//!
//! Every parser in the engine (task definitions, the cluster query language, scenarios) reports
//! problems as [`Diagnostic`]s so the CLI can print `file:line:col: message` and the UI can mark
//! the text. Lines and columns are 1-based; columns count Unicode scalar values.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be used as it is.
    Error,
    /// Usable, but something a learner should know (e.g. a field Berth does not simulate).
    Warning,
}

/// A position in a text: 1-based line and column, plus the 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Where the problem is (start of the offending value or key).
    pub pos: Pos,
    /// JSON-style path of the field, e.g. `containerDefinitions[0].memory`. Empty for syntax errors.
    pub path: String,
    /// Short stable identifier of the rule, e.g. `fargate-size`, `json-syntax`.
    pub rule: String,
    /// The sentence shown to the learner.
    pub message: String,
}

impl Diagnostic {
    pub fn error(pos: Pos, path: impl Into<String>, rule: &str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, pos, path: path.into(), rule: rule.to_string(), message: message.into() }
    }
    pub fn warning(pos: Pos, path: impl Into<String>, rule: &str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, pos, path: path.into(), rule: rule.to_string(), message: message.into() }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// `file:line:col: severity: message` as printed by `berth validate`.
    pub fn render(&self, file: &str) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.path.is_empty() {
            format!("{}:{}:{}: {}: {}", file, self.pos.line, self.pos.col, sev, self.message)
        } else {
            format!("{}:{}:{}: {}: {}: {}", file, self.pos.line, self.pos.col, sev, self.path, self.message)
        }
    }
}
