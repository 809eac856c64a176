//! The Yew front end (wasm32 only). Components render engine snapshots and send commands; all
//! orchestration logic stays in `crate::engine`.

mod app;
mod cluster_view;
mod editor;
mod event_log;
pub mod lessons;
pub mod markdown;
pub mod panic;
pub mod sample;

pub use app::App;

/// Mount the app on the page.
pub fn start() {
    panic::install();
    yew::Renderer::<App>::new().render();
}
