//! The native `berth` command. All logic is in `berth::cli` so tests can call it directly.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = berth::cli::Output::default();
    let code = berth::cli::run(&args, &mut out);
    print!("{}", out.stdout);
    eprint!("{}", out.stderr);
    std::process::exit(code);
}

#[cfg(target_arch = "wasm32")]
fn main() {}
