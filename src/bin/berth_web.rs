//! The web shell: Trunk builds this binary for wasm32 and the page runs it.

#[cfg(target_arch = "wasm32")]
fn main() {
    berth::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("berth-web is the browser build; run `make serve` and open http://127.0.0.1:8080");
}
