//! `cargo fuzz run lesson`: see fuzz/harness.rs for what is checked, docs/fuzzing.md for how to run.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::lesson(data));
