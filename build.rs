//! Bundles the course into the web build: every file under `lessons/` becomes an entry of
//! `LESSON_FILES` (path relative to `lessons/`, text via `include_str!`), so the page never
//! fetches a lesson and a file added to the course is bundled without editing a table.

use std::fs;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "json" || x == "md") {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let lessons = root.join("lessons");
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=build.rs");
    let mut files = Vec::new();
    walk(&lessons, &mut files);
    files.sort();
    let mut src = String::from("/// Every file of the course, relative to `lessons/`, sorted by path.\npub static LESSON_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f.strip_prefix(&lessons).expect("under lessons/").to_string_lossy().replace('\\', "/");
        src.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", f.display().to_string()));
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("lesson_files.rs");
    fs::write(out, src).expect("write lesson_files.rs");
}
