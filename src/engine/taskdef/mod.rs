//! ECS task definitions: parsing the `register-task-definition` JSON, validation, export.

pub mod model;

pub use model::*;
