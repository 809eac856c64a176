//! The course bundled into the web build. `build.rs` deflates every file under `lessons/` into
//! one blob with an index of paths and lengths; this inflates it once, on first use, and serves
//! files by path. Natively the CLI reads `lessons/` from disk; the same data is compiled in so
//! `cargo test` checks the bundle against the files.

use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/lesson_files.rs"));

mod examples_blob {
    include!(concat!(env!("OUT_DIR"), "/example_files.rs"));
}

/// The course's files, (path relative to `lessons/`, text), sorted by path; inflated once.
pub fn files() -> &'static [(String, String)] {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| unpack(COURSE_INDEX, COURSE_DEFLATE).unwrap_or_default())
}

/// The example scenarios' files, (path relative to `docs/examples/scenarios/`, text), sorted by
/// path; inflated once (`shell::examples` lists and opens them).
pub fn example_files() -> &'static [(String, String)] {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| unpack(examples_blob::EXAMPLES_INDEX, examples_blob::EXAMPLES_DEFLATE).unwrap_or_default())
}

/// Split the inflated blob by the index. `None` if the blob does not inflate to exactly the
/// indexed lengths of UTF-8 text (a build defect: `build.rs` wrote both from the same files).
fn unpack(index: &[(&str, usize)], deflated: &[u8]) -> Option<Vec<(String, String)>> {
    let text = miniz_oxide::inflate::decompress_to_vec(deflated).ok()?;
    let mut out = Vec::with_capacity(index.len());
    let mut at = 0usize;
    for (path, len) in index {
        let body = text.get(at..at.checked_add(*len)?)?;
        out.push((path.to_string(), String::from_utf8(body.to_vec()).ok()?));
        at += len;
    }
    (at == text.len()).then_some(out)
}

/// `dir/../x/./y` → `x/y`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The text of `path` among `files` (sorted by path, as `build.rs` writes them).
fn lookup<'a>(files: &'a [(String, String)], path: &str) -> Result<&'a str, String> {
    match files.binary_search_by(|(name, _)| name.as_str().cmp(path)) {
        Ok(i) => Ok(files[i].1.as_str()),
        Err(_) => Err(format!("{path} is not bundled with the page")),
    }
}

/// A bundled course file, by its path relative to `lessons/` (`./` and `../` resolved).
pub fn bundled(path: &str) -> Result<String, String> {
    lookup(files(), &normalise(path)).map(str::to_string)
}

/// A bundled example scenario file, by its path relative to `docs/examples/scenarios/`.
pub fn example(path: &str) -> Result<&'static str, String> {
    lookup(example_files(), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_and_a_missing_file_says_which() {
        assert_eq!(normalise("01-first/../02-x/./a.json"), "02-x/a.json");
        assert_eq!(
            bundled("nope/x.json"),
            Err("nope/x.json is not bundled with the page".to_string())
        );
    }

    #[test]
    fn a_damaged_blob_unpacks_to_nothing_rather_than_to_wrong_files() {
        let good = miniz_oxide::deflate::compress_to_vec(b"abcdef", 6);
        assert_eq!(
            unpack(&[("a", 2), ("b", 4)], &good),
            Some(vec![("a".into(), "ab".into()), ("b".into(), "cdef".into())])
        );
        assert_eq!(
            unpack(&[("a", 2), ("b", 5)], &good),
            None,
            "index longer than the text"
        );
        assert_eq!(
            unpack(&[("a", 2), ("b", 3)], &good),
            None,
            "index shorter than the text"
        );
        assert_eq!(
            unpack(&[("a", 2)], &good[..good.len() / 2]),
            None,
            "truncated stream"
        );
    }
}
