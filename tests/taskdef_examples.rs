//! Every sample in `docs/examples/taskdefs/` must validate without errors.

use std::fs;
use std::path::PathBuf;

use berth::engine::taskdef::parse_task_definition;

/// The sample task definitions, sorted by file name.
pub fn example_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/examples/taskdefs");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("docs/examples/taskdefs exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn examples_validate_without_errors() {
    let files = example_files();
    assert!(files.len() >= 6, "expected at least 6 samples, found {}", files.len());
    for file in files {
        let text = fs::read_to_string(&file).expect("readable sample");
        let parsed = parse_task_definition(&text);
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        for d in &parsed.diagnostics {
            println!("{}", d.render(&name));
        }
        let errors: Vec<String> = parsed.errors().map(|d| d.render(&name)).collect();
        assert!(errors.is_empty(), "{name} has errors:\n{}", errors.join("\n"));
        assert!(parsed.task_definition.is_some());
    }
}
