//! ECS task definitions: parsing the `register-task-definition` JSON, validation, export.
//!
//! * [`parse_task_definition`] — text → model + diagnostics (the entry point).
//! * [`parse`] — JSON shape → model; [`validate`] — the rules; [`export`] — model → API input.
//! * [`units`] — `"1 vCPU"` / `"2 GB"`; [`fargate`] — the Fargate size table;
//!   [`fields`] — the field names the ECS API knows; [`locations`] — positions by JSON path.

pub mod export;
pub mod fargate;
pub mod fields;
pub mod locations;
pub mod model;
pub mod parse;
pub mod units;
pub mod validate;

pub use export::{export, export_pretty};
pub use locations::Locations;
pub use model::*;
pub use validate::{validate, RULES};

use crate::engine::diag::Diagnostic;
use crate::engine::sort;

/// The result of [`parse_task_definition`].
#[derive(Debug, Clone)]
pub struct Parsed {
    /// `Some` if and only if `diagnostics` holds no error.
    pub task_definition: Option<TaskDefinition>,
    /// Errors and warnings, sorted by position (ties keep the order they were found in).
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }
}

/// Validates a model built or edited in code (no source text): the model is exported and the
/// export parsed again, so every rule applies exactly as to a document. Positions refer to
/// [`export_pretty`]'s text. (Parsed documents are validated by [`parse_task_definition`]; the
/// lower-level [`validate()`] needs the [`Locations`] that parsing records.)
pub fn validate_model(td: &TaskDefinition) -> Vec<Diagnostic> {
    parse_task_definition(&export_pretty(td)).diagnostics
}

/// Parses and validates a task definition written as `aws ecs register-task-definition
/// --cli-input-json` input (or `describe-task-definition` output). Never panics.
pub fn parse_task_definition(text: &str) -> Parsed {
    let mut diagnostics;
    let td = match parse::read(text) {
        Err(diags) => {
            diagnostics = diags;
            None
        }
        Ok(read) => {
            diagnostics = read.diagnostics;
            diagnostics.extend(validate::validate(&read.td, &read.locs, text));
            Some(read.td)
        }
    };
    sort::sort_by_key(&mut diagnostics, |d| d.pos.offset);
    let task_definition = if diagnostics.iter().any(Diagnostic::is_error) { None } else { td };
    Parsed { task_definition, diagnostics }
}
