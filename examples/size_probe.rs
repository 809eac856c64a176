//! The size floor of the engine: a Wasm module with the engine and nothing else (no UI, no
//! lessons shell, no kubectl console). `make size-probe` builds it and prints its size after
//! wasm-bindgen and `wasm-opt -Oz`, the same steps the playground's `.wasm` goes through; the
//! figures are in docs/performance.md ("Download size"). It reads a scenario (task definitions,
//! services, Kubernetes manifests), runs it and writes the event log and the final snapshot as
//! JSON: what every shell needs from the engine.

use berth::engine::scenario::parse_scenario;

/// Reads the UTF-8 scenario in `input`, runs it to `until_ms` of virtual time and returns the
/// events and the snapshot as two lines of JSON (or the number of diagnostics if it is invalid).
pub fn probe(input: &[u8], until_ms: u64) -> String {
    let Ok(text) = std::str::from_utf8(input) else { return "not UTF-8".into() };
    match parse_scenario(text, &|name| Err(format!("{name}: no files in the size probe"))) {
        Ok(scenario) => {
            let mut engine = scenario.start(None);
            engine.run_until(until_ms as _);
            let events = serde_json::to_string(engine.events()).unwrap_or_default();
            let snapshot = serde_json::to_string(&engine.snapshot()).unwrap_or_default();
            format!("{events}\n{snapshot}")
        }
        Err(diagnostics) => format!("{} diagnostics", diagnostics.len()),
    }
}

/// Exported so that the linker keeps the engine: a buffer of `len` bytes for the input...
#[no_mangle]
pub extern "C" fn probe_buffer(len: usize) -> *mut u8 {
    Box::leak(vec![0u8; len].into_boxed_slice()).as_mut_ptr()
}

/// ...and the run; the output is leaked and its length returned (a probe, not an API).
///
/// # Safety
/// `ptr` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn probe_run(ptr: *const u8, len: usize, until_ms: u64) -> usize {
    let input = unsafe { std::slice::from_raw_parts(ptr, len) };
    Box::leak(probe(input, until_ms).into_boxed_str()).len()
}
