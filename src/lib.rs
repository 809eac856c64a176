//! Berth: a container-orchestration playground.
//!
//! * [`engine`] — the pure, deterministic simulation core (no I/O, no clock, no web crates).
//! * `ui` — the Yew front end, compiled only for `wasm32`.
//! * `cli` — the native `berth` command's logic (not compiled for `wasm32`).

pub mod engine;
pub mod shell;

#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
