//! Every chapter of the course has a printable one-page summary, `lessons/<folder>/summary.md`:
//! it opens with `# <chapter title> — summary`, ends with a newline, fits on one page
//! (150 to 700 words) and contains no raw HTML (the lesson renderer shows `<` as text anyway,
//! but a summary that needs it is written for the wrong renderer).

use std::collections::BTreeSet;

// The lesson page's own Markdown reader (no web dependencies), to check what a summary looks
// like on screen.
#[path = "../src/ui/markdown.rs"]
#[allow(dead_code)]
mod markdown;

const INDEX: &str = "lessons/index.json";

/// (folder, title) of every chapter listed in the index, in course order.
fn chapters() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(INDEX).unwrap_or_else(|e| panic!("{INDEX}: {e}"));
    let index: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{INDEX}: {e}"));
    let list = index["chapters"].as_array().unwrap_or_else(|| panic!("{INDEX}: no `chapters` array"));
    list.iter()
        .enumerate()
        .map(|(i, ch)| {
            let intro = ch["intro"].as_str().unwrap_or_else(|| panic!("{INDEX}: chapters[{i}] has no intro"));
            let folder = intro.split('/').next().unwrap_or_default().to_string();
            let title = ch["title"].as_str().unwrap_or_else(|| panic!("{INDEX}: chapters[{i}] has no title")).to_string();
            (folder, title)
        })
        .collect()
}

fn summary(folder: &str) -> Result<String, String> {
    let path = format!("lessons/{folder}/summary.md");
    std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))
}

#[test]
fn every_chapter_has_a_one_page_summary() {
    let chapters = chapters();
    assert_eq!(chapters.len(), 15, "the course has 15 chapters");
    let folders: BTreeSet<&str> = chapters.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(folders.len(), chapters.len(), "every chapter has its own folder");

    let mut problems = Vec::new();
    for (folder, title) in &chapters {
        let text = match summary(folder) {
            Ok(t) => t,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let path = format!("lessons/{folder}/summary.md");
        let first = text.lines().next().unwrap_or_default();
        if !first.starts_with("# ") {
            problems.push(format!("{path}: must start with a `# ` heading, starts with {first:?}"));
        }
        let expected = format!("# {title} — summary");
        if first != expected {
            problems.push(format!("{path}: first line should be {expected:?}, is {first:?}"));
        }
        if !text.ends_with('\n') {
            problems.push(format!("{path}: must end with a newline"));
        }
        let words = text.split_whitespace().count();
        if !(150..=700).contains(&words) {
            problems.push(format!("{path}: {words} words; a one-page summary has 150 to 700"));
        }
        if let Some((n, line)) = text.lines().enumerate().find(|(_, l)| l.contains('<')) {
            problems.push(format!("{path}:{}: raw HTML (`<`) is not allowed: {line}", n + 1));
        }
        // The lesson renderer has no tables: a `|`-table would print as pipes.
        if let Some((n, line)) = text.lines().enumerate().find(|(_, l)| l.trim_start().starts_with('|')) {
            problems.push(format!("{path}:{}: tables are not rendered by src/ui/markdown.rs; use a list: {line}", n + 1));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn summaries_keep_the_course_numbers() {
    // Spot checks that the formulas the chapters teach are on their summary pages.
    let expect: &[(&str, &[&str])] = &[
        ("01-task-definitions", &["1024", "memoryReservation"]),
        ("07-rolling-updates", &["minimumHealthyPercent", "maximumPercent"]),
        ("08-safe-deployments", &["min(200, max(3, ⌈0.5 × desiredCount⌉))"]),
        ("10-autoscaling", &["⌈current × metric ÷ target⌉", "0.9 × target", "0.04048"]),
        ("11-cluster-capacity", &["M / N × 100", "targetCapacity"]),
        ("13-kubernetes", &["$0.10", "tolerance", "256 MiB"]),
        ("14-kubernetes-scheduling", &["Guaranteed", "BestEffort", "Burstable"]),
        ("15-cost", &["0.04048", "0.004445"]),
    ];
    let mut problems = Vec::new();
    for (folder, needles) in expect {
        match summary(folder) {
            Ok(text) => {
                for n in *needles {
                    if !text.contains(n) {
                        problems.push(format!("lessons/{folder}/summary.md: does not mention {n:?}"));
                    }
                }
            }
            Err(e) => problems.push(e),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Text the reader left as text although it looks like markup: an unmatched `**`, `*` or `` ` ``
/// would print literally on the page.
fn stray_markup(inlines: &[markdown::Inline], out: &mut Vec<String>) {
    for i in inlines {
        match i {
            markdown::Inline::Text(t) => {
                if t.contains("**") || t.contains('`') {
                    out.push(t.clone());
                }
            }
            markdown::Inline::Strong(v) | markdown::Inline::Emphasis(v) => stray_markup(v, out),
            markdown::Inline::Link { text, .. } => stray_markup(text, out),
            markdown::Inline::Code(_) => {}
        }
    }
}

#[test]
fn summaries_render_as_headings_lists_and_text() {
    let mut problems = Vec::new();
    for (folder, title) in chapters() {
        let path = format!("lessons/{folder}/summary.md");
        let text = match summary(&folder) {
            Ok(t) => t,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let blocks = markdown::parse(&text);
        match blocks.first() {
            Some(markdown::Block::Heading(1, h)) if markdown::plain(h) == format!("{title} — summary") => {}
            other => problems.push(format!("{path}: the page should open with the heading \"{title} — summary\", reads {other:?}")),
        }
        if !blocks.iter().any(|b| matches!(b, markdown::Block::List { .. })) {
            problems.push(format!("{path}: no bullet or numbered list"));
        }
        if blocks.iter().filter(|b| matches!(b, markdown::Block::Heading(2, _))).count() < 2 {
            problems.push(format!("{path}: fewer than two `##` sections"));
        }
        let mut stray = Vec::new();
        for b in &blocks {
            match b {
                markdown::Block::Heading(_, v) | markdown::Block::Paragraph(v) => stray_markup(v, &mut stray),
                markdown::Block::List { items, .. } => items.iter().for_each(|v| stray_markup(v, &mut stray)),
                markdown::Block::Code { .. } => {}
            }
        }
        for t in stray {
            problems.push(format!("{path}: unmatched markup would print literally: {t:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
