//! The pure simulation core. See ARCHITECTURE.md for the invariants this module keeps.

pub mod catalog;
pub mod diag;
pub mod json;
pub mod rng;
pub mod taskdef;
pub mod time;
pub mod placement;
