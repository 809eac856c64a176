//! `berth demo check PATH...`: plays presenter demos (`lessons/demos/*.json`) headlessly, step
//! by step as the page does, so a teacher can check one without Rust: every step must run
//! without an error and change something the class can see (at least one new event).

use std::path::{Path, PathBuf};

use super::{read, read_file, Output, EXIT_INVALID, EXIT_OK, EXIT_USAGE, USAGE};
use crate::engine::demo::{parse_demo, DemoRun};
use crate::engine::sort;
use crate::engine::time::Clock;

/// The demo files a path names: itself, or every `.json` directly in a folder (by name).
fn demo_files(path: &str) -> Result<Vec<String>, String> {
    let p = Path::new(path);
    if !p.is_dir() {
        return Ok(vec![path.to_string()]);
    }
    let entries = std::fs::read_dir(p).map_err(|e| format!("berth: cannot read {path}: {e}"))?;
    let mut found: Vec<String> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "json")).map(|f| f.display().to_string()).collect();
    sort::sort(&mut found);
    if found.is_empty() {
        return Err(format!("berth: {path} holds no demo files (.json)"));
    }
    Ok(found)
}

/// Checks one demo; its report goes to `out`. `true` if every step played cleanly.
fn check(path: &str, out: &mut Output) -> Result<bool, String> {
    let text = read(path)?;
    // A demo names its scenario relative to `lessons/` ("demos/scenarios/x.json"): try the
    // demo's own folder, then the folder above it.
    let here: PathBuf = Path::new(path).parent().map(Path::to_path_buf).unwrap_or_default();
    let files = move |name: &str| read_file(&here.join(name)).or_else(|e| here.parent().map_or(Err(e.clone()), |up| read_file(&up.join(name)).map_err(|_| e)));
    let demo = parse_demo(&text, &files).map_err(|diags| diags.iter().map(|d| d.render(path)).collect::<Vec<_>>().join("\n"))?;
    let mut lines = vec![format!("{path}\n{} (chapter {}): {} step(s)", demo.title, demo.chapter, demo.steps.len())];
    let mut run = DemoRun::new(demo);
    let mut ok = true;
    while !run.finished() {
        let before = run.session.engine.events().len();
        let step = run.done + 1;
        let result = run.next_step();
        // Play to the step's end as the page does.
        let end = run.hold_until;
        run.advance_to(end);
        let new = run.session.engine.events().len() - before;
        match result {
            Err(e) => {
                ok = false;
                lines.push(format!("  ✗ step {step} (plays to {}): {e}", Clock(end)));
            }
            Ok(()) if new == 0 => {
                ok = false;
                lines.push(format!("  ✗ step {step} (plays to {}): changes nothing the class can see (no new event)", Clock(end)));
            }
            Ok(()) => lines.push(format!("  ✓ step {step} (plays to {}): {new} event(s)", Clock(end))),
        }
    }
    lines.push(if ok { "  ok".to_string() } else { "  FAILED".to_string() });
    out.out(&lines.join("\n"));
    Ok(ok)
}

/// `berth demo check PATH...`.
pub(super) fn cmd_demo(args: &[String], out: &mut Output) -> i32 {
    let Some((sub, paths)) = args.split_first() else {
        out.err(&format!("berth demo: expected a subcommand (check)\n\n{USAGE}"));
        return EXIT_USAGE;
    };
    if sub != "check" {
        out.err(&format!("berth demo: unknown subcommand {sub:?}; expected check\n\n{USAGE}"));
        return EXIT_USAGE;
    }
    if paths.is_empty() {
        out.err(&format!("berth demo check: expected a demo file or a folder of them (lessons/demos)\n\n{USAGE}"));
        return EXIT_USAGE;
    }
    let mut files = Vec::new();
    for p in paths {
        match demo_files(p) {
            Ok(mut f) => files.append(&mut f),
            Err(msg) => {
                out.err(&msg);
                return EXIT_USAGE;
            }
        }
    }
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        match check(f, out) {
            Ok(true) => passed += 1,
            Ok(false) => failed += 1,
            Err(msg) => {
                out.err(&msg);
                failed += 1;
            }
        }
    }
    out.out(&format!("{} demo(s): {passed} ok, {failed} failed", passed + failed));
    if failed > 0 {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}
