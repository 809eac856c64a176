//! The lesson prose reader (`src/ui/markdown.rs`) has no web dependencies: its unit tests run
//! natively through this file.

#[path = "../src/ui/markdown.rs"]
#[allow(dead_code)]
mod markdown;

/// Every prose file of the course reads without a block the page cannot show.
#[test]
fn every_course_prose_file_parses() {
    let mut n = 0;
    for ch in std::fs::read_dir("lessons").unwrap().flatten().filter(|e| e.path().is_dir()) {
        for f in std::fs::read_dir(ch.path()).unwrap().flatten() {
            let p = f.path();
            if p.extension().is_some_and(|x| x == "md") {
                let text = std::fs::read_to_string(&p).unwrap();
                let blocks = markdown::parse(&text);
                assert!(!blocks.is_empty(), "{} reads as nothing", p.display());
                assert!(matches!(blocks[0], markdown::Block::Heading(1, _)), "{} should open with a # heading", p.display());
                n += 1;
            }
        }
    }
    assert!(n >= 10, "{n} prose files");
}
