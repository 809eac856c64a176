//! Bundles the course into the web build: every file under `lessons/` goes into one deflated
//! blob (`course.deflate` in `OUT_DIR`) with an index of paths and lengths (`lesson_files.rs`),
//! so the page never fetches a lesson and a file added to the course is bundled without editing
//! a table. `shell::course` inflates it on first use. Deflating the ~390 KB of text once, as one
//! stream, keeps about 300 KB out of the `.wasm` (issue 5's size budget).

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
        } else if p.extension().is_some_and(|x| x == "json" || x == "md") {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let lessons = root.join("lessons");
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=build.rs");
    let mut files = Vec::new();
    walk(&lessons, &mut files);
    files.sort();
    let mut text = Vec::new();
    let mut src = String::from(
        "/// Every file of the course: (path relative to `lessons/`, length in bytes), sorted by path,\n\
         /// in the order their texts follow each other in `COURSE_DEFLATE`.\n\
         pub static COURSE_INDEX: &[(&str, usize)] = &[\n",
    );
    for f in &files {
        let rel = f
            .strip_prefix(&lessons)
            .expect("under lessons/")
            .to_string_lossy()
            .replace('\\', "/");
        let body = fs::read(f).unwrap_or_else(|e| panic!("read {}: {e}", f.display()));
        src.push_str(&format!("    ({rel:?}, {}),\n", body.len()));
        text.extend_from_slice(&body);
    }
    src.push_str("];\n");
    src.push_str("/// The texts of `COURSE_INDEX`'s files, one after another, raw deflate.\n");
    src.push_str("pub static COURSE_DEFLATE: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/course.deflate\"));\n");
    fs::write(
        out_dir.join("course.deflate"),
        miniz_oxide::deflate::compress_to_vec(&text, 10),
    )
    .expect("write course.deflate");
    fs::write(out_dir.join("lesson_files.rs"), src).expect("write lesson_files.rs");
}
