//! The Yew front end (wasm32 only). Components render engine snapshots and send commands; all
//! orchestration logic stays in `crate::engine`.

pub mod app;
pub mod chart_backend;
pub mod charts;
mod cluster_view;
pub mod controls;
pub mod builder;
mod demo;
pub mod editor;
mod event_log;
pub mod help;
pub mod hooks;
pub mod lessons;
pub mod markdown;
pub mod panic;
mod picker;
pub mod presenter;
pub mod sample;
mod service_panel;
pub mod share;
pub mod storage;
pub mod timeline;

pub use app::App;

/// Mount the app on the page.
pub fn start() {
    panic::install();
    yew::Renderer::<App>::new().render();
}
