//! Course progress: best solution size, export and import (src/shell/progress.rs).

use berth::shell::progress::{export_progress, import_progress, parse_progress, ExerciseProgress, Progress, Status};

fn rec(status: Status, hints: u32, best: Option<u32>) -> ExerciseProgress {
    ExerciseProgress { status, hints, best }
}

fn progress(entries: &[(&str, ExerciseProgress)]) -> Progress {
    Progress { version: 1, exercises: entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect() }
}

fn known() -> Vec<String> {
    ["clusters/add-capacity", "clusters/fargate", "placement-strategies/binpack"].iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_best_solution_is_the_fewest_actions() {
    let p = rec(Status::Attempted, 1, None);
    let first = p.solved_with(4);
    assert_eq!(first, rec(Status::Solved, 1, Some(4)));
    assert_eq!(first.solved_with(6), rec(Status::Solved, 1, Some(4)));
    assert_eq!(first.solved_with(2), rec(Status::Solved, 1, Some(2)));
}

#[test]
fn export_then_import_on_a_fresh_browser_gives_the_same_progress() {
    let mine = progress(&[("clusters/add-capacity", rec(Status::Solved, 2, Some(3))), ("clusters/fargate", rec(Status::Attempted, 0, None))]);
    let file = export_progress(&mine);
    assert!(file.contains("\"best\": 3"), "{file}");
    assert_eq!(parse_progress(&file), Ok(mine.clone()));
    let (merged, summary) = import_progress(&file, &Progress::default(), &known()).expect("imports");
    assert_eq!(merged, mine);
    assert_eq!((summary.read, summary.improved), (2, 2));
    assert_eq!(summary.message(merged.solved()), "Imported 2 exercise record(s): 2 improved your progress; 1 solved in all now.");
}

#[test]
fn import_keeps_the_better_record_of_each_exercise() {
    let here = progress(&[
        ("clusters/add-capacity", rec(Status::Solved, 0, Some(5))),
        ("clusters/fargate", rec(Status::Solved, 3, Some(2))),
        ("placement-strategies/binpack", rec(Status::Attempted, 1, None)),
    ]);
    let file = export_progress(&progress(&[
        // Attempted elsewhere: never undoes a solve here.
        ("clusters/add-capacity", rec(Status::Attempted, 4, None)),
        // Solved elsewhere with fewer hints but more actions: each kept at its best.
        ("clusters/fargate", rec(Status::Solved, 1, Some(7))),
        ("placement-strategies/binpack", rec(Status::Solved, 2, Some(1))),
        ("old-course/gone", rec(Status::Solved, 0, Some(1))),
    ]));
    let (merged, summary) = import_progress(&file, &here, &known()).expect("imports");
    assert_eq!(merged.of("clusters/add-capacity"), rec(Status::Solved, 0, Some(5)));
    assert_eq!(merged.of("clusters/fargate"), rec(Status::Solved, 1, Some(2)));
    assert_eq!(merged.of("placement-strategies/binpack"), rec(Status::Solved, 2, Some(1)));
    assert_eq!(merged.of("old-course/gone"), rec(Status::Solved, 0, Some(1)));
    assert_eq!(summary.improved, 3);
    assert_eq!(summary.unknown, vec!["old-course/gone".to_string()]);
    assert_eq!(
        summary.message(merged.solved()),
        "Imported 4 exercise record(s): 3 improved your progress; 4 solved in all now. 1 are not in this course (old-course/gone) and were kept as they are."
    );
}

#[test]
fn a_bad_file_is_refused_with_where_and_why_and_changes_nothing() {
    let here = progress(&[("clusters/add-capacity", rec(Status::Solved, 0, Some(5)))]);
    let err = |text: &str| import_progress(text, &here, &known()).map(|_| ()).unwrap_err();
    assert_eq!(err(""), "the file is empty");
    assert_eq!(err("{\"version\": 2, \"exercises\": {}}"), "the file has progress version 2, this Berth reads version 1");
    assert!(err("{\"version\": 1,\n \"exercises\": {\"a\": {\"status\": \"done\"}}}").starts_with("this is not a Berth progress file (line 2, column "), "{}", err("{\"version\": 1,\n \"exercises\": {\"a\": {\"status\": \"done\"}}}"));
    assert!(err("<html>not json</html>").starts_with("this is not a Berth progress file (line 1, column 1"));
    let big = format!("{{\"version\": 1, \"exercises\": {{}}, \"pad\": \"{}\"}}", "x".repeat(300 * 1024));
    assert_eq!(err(&big), "the file is 300 kB; a progress file is at most 256 kB");
}

#[test]
fn progress_saved_before_best_existed_still_reads() {
    let old = r#"{"version":1,"exercises":{"clusters/add-capacity":{"status":"solved","hints":1}}}"#;
    assert_eq!(parse_progress(old), Ok(progress(&[("clusters/add-capacity", rec(Status::Solved, 1, None))])));
}
