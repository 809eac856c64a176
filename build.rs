//! Bundles the course into the web build: every file under `lessons/` goes into one deflated
//! blob (`course.deflate` in `OUT_DIR`) with an index of paths and lengths (`lesson_files.rs`),
//! so the page never fetches a lesson and a file added to the course is bundled without editing
//! a table. `shell::course` inflates it on first use. Deflating the ~390 KB of text once, as one
//! stream, keeps about 300 KB out of the `.wasm` (issue 5's size budget). The example scenarios
//! under `docs/examples/scenarios/` (the sandbox's scenario picker) are bundled the same way.

use std::fs;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "json" || x == "md" || x == "yaml") {
            out.push(p);
        }
    }
}

/// Deflate every file `walk` finds under `dir` (filtered by `keep`) into `OUT_DIR/{stem}.deflate`
/// and return the Rust source of `{NAME}_INDEX` (path relative to `dir`, length) and
/// `{NAME}_DEFLATE`.
fn bundle(dir: &Path, out_dir: &Path, name: &str, stem: &str, keep: &dyn Fn(&str) -> bool) -> String {
    let mut found = Vec::new();
    walk(dir, &mut found);
    // Sorted by the relative path as a string (what `shell::course` binary-searches), not by
    // path components: `k8s-x.json` comes before `k8s/web.yaml`.
    let mut files: Vec<(String, PathBuf)> = found
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(dir)
                .expect("under the bundled directory")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, f)
        })
        .collect();
    files.sort();
    let mut text = Vec::new();
    let mut src = format!(
        "/// Every bundled file under `{}`: (path relative to it, length in bytes), sorted by path,\n\
         /// in the order their texts follow each other in `{name}_DEFLATE`.\n\
         pub static {name}_INDEX: &[(&str, usize)] = &[\n",
        dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    );
    for (rel, f) in &files {
        if !keep(rel) {
            continue;
        }
        let body = fs::read(f).unwrap_or_else(|e| panic!("read {}: {e}", f.display()));
        src.push_str(&format!("    ({rel:?}, {}),\n", body.len()));
        text.extend_from_slice(&body);
    }
    src.push_str("];\n");
    src.push_str(&format!("/// The texts of `{name}_INDEX`'s files, one after another, raw deflate.\n"));
    src.push_str(&format!(
        "pub static {name}_DEFLATE: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{stem}.deflate\"));\n"
    ));
    fs::write(
        out_dir.join(format!("{stem}.deflate")),
        miniz_oxide::deflate::compress_to_vec(&text, 10),
    )
    .unwrap_or_else(|e| panic!("write {stem}.deflate: {e}"));
    src
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let lessons = root.join("lessons");
    let examples = root.join("docs/examples/scenarios");
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=docs/examples/scenarios");
    println!("cargo:rerun-if-changed=build.rs");
    let course = bundle(&lessons, &out_dir, "COURSE", "course", &|p| p.ends_with(".json") || p.ends_with(".md"));
    fs::write(out_dir.join("lesson_files.rs"), course).expect("write lesson_files.rs");
    // The example scenarios the sandbox's picker opens, with the task definitions and manifests
    // they name (their `.report.json` goldens are for the CLI's tests, not the page).
    let scenarios = bundle(&examples, &out_dir, "EXAMPLES", "examples", &|p| {
        (p.ends_with(".json") && !p.ends_with(".report.json")) || p.ends_with(".yaml")
    });
    fs::write(out_dir.join("example_files.rs"), scenarios).expect("write example_files.rs");
}
