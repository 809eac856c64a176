//! Keeps the event-log table in `docs/cli.md` honest: every event type the engine can log must
//! have a row there, written as `` | `name` | ``, and the row must name each of the event's JSON
//! fields as `` `field` ``. A row for an event that no longer exists fails too.
//!
//! The event types and their fields are read from `src/engine/event.rs` with a small text scan
//! (the `EventKind` enum and the match arms of `fn name`), so adding a variant there is enough to
//! make this test ask for its documentation.

use std::collections::BTreeMap;
use std::path::PathBuf;

fn read(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The text between `start` and the end of the block it opens (matching braces).
fn block<'a>(text: &'a str, start: &str) -> &'a str {
    let at = text.find(start).unwrap_or_else(|| panic!("src/engine/event.rs no longer contains {start:?}"));
    let open = at + text[at..].find('{').expect("an opening brace");
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced braces after {start:?}");
}

/// Variant → type name, from the arms `EventKind::Variant { .. } => "name",` of `fn name`.
fn names(src: &str) -> BTreeMap<String, String> {
    let body = block(src, "pub fn name(&self)");
    let mut out = BTreeMap::new();
    for line in body.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("EventKind::") else { continue };
        let variant: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let Some((_, arm)) = rest.split_once("=>") else { continue };
        let name = arm.trim().trim_end_matches(',').trim_matches('"').to_string();
        out.insert(variant, name);
    }
    out
}

/// `snake_case` → `camelCase`, as serde's `rename_all_fields = "camelCase"` does.
fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Variant → its fields as they appear in the JSON log, from the `EventKind` enum.
fn fields(src: &str) -> BTreeMap<String, Vec<String>> {
    let body = block(src, "pub enum EventKind");
    // Drop comments and attributes, which may contain braces, colons and field-like words.
    let code: String = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.starts_with("#["))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = BTreeMap::new();
    let mut rest = code.as_str();
    let unit = |s: &str, out: &mut BTreeMap<String, Vec<String>>| {
        for v in s.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            out.insert(v.to_string(), Vec::new());
        }
    };
    while let Some(open) = rest.find('{') {
        // Anything before the last comma is a unit variant (no fields).
        let head = &rest[..open];
        let (units, variant) = head.rsplit_once(',').unwrap_or(("", head));
        unit(units, &mut out);
        let variant = variant.trim().to_string();
        let close = open + rest[open..].find('}').expect("a closing brace");
        let mut fs = Vec::new();
        for part in rest[open + 1..close].split(',') {
            // `name: Type` — a generic like `Option<String>` has no comma, and paths use `::`.
            if let Some((name, _)) = part.split_once(':') {
                let name = name.trim();
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                    fs.push(camel(name));
                }
            }
        }
        out.insert(variant, fs);
        rest = &rest[close + 1..];
    }
    unit(rest, &mut out);
    out
}

/// The rows of the event-log table in docs/cli.md: type name → the whole row.
fn table_rows(doc: &str) -> BTreeMap<String, String> {
    let section = doc.split("## The event log").nth(1).expect("docs/cli.md has a section \"## The event log\"");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut rows = BTreeMap::new();
    for line in section.lines() {
        let Some(rest) = line.strip_prefix("| `") else { continue };
        let Some((name, _)) = rest.split_once('`') else { continue };
        let previous = rows.insert(name.to_string(), line.to_string());
        assert!(previous.is_none(), "docs/cli.md lists `{name}` twice in the event-log table");
    }
    rows
}

#[test]
fn the_scan_finds_every_event() {
    let src = read("src/engine/event.rs");
    let names = names(&src);
    let fields = fields(&src);
    assert!(names.len() >= 20, "found only {} arms in fn name: {names:?}", names.len());
    assert_eq!(
        names.keys().collect::<Vec<_>>(),
        fields.keys().collect::<Vec<_>>(),
        "the variants of EventKind and the arms of EventKind::name differ"
    );
    for (variant, name) in &names {
        // serde tags each event with its variant name in camelCase; `name()` must agree.
        let mut tag = variant.clone();
        tag[..1].make_ascii_lowercase();
        assert_eq!(name, &tag, "EventKind::{variant}: name() says {name:?}, the JSON log says {tag:?}");
    }
    assert_eq!(fields["TaskPlaced"], ["task", "group", "taskDefinition", "service", "instance", "az", "hostPorts", "why"]);
}

#[test]
fn every_event_type_is_in_the_cli_table() {
    let rows = table_rows(&read("docs/cli.md"));
    let missing: Vec<String> = names(&read("src/engine/event.rs")).into_values().filter(|n| !rows.contains_key(n)).collect();
    assert!(missing.is_empty(), "docs/cli.md's event-log table has no row for: {missing:?} (add `| `name` | fields | when |`)");
}

#[test]
fn every_field_is_in_its_row() {
    let src = read("src/engine/event.rs");
    let rows = table_rows(&read("docs/cli.md"));
    let names = names(&src);
    let mut missing = Vec::new();
    for (variant, fs) in fields(&src) {
        let Some(row) = names.get(&variant).and_then(|n| rows.get(n)) else { continue };
        for f in fs {
            if !row.contains(&format!("`{f}`")) {
                missing.push(format!("{}.{f}", names[&variant]));
            }
        }
    }
    assert!(missing.is_empty(), "docs/cli.md's event-log table does not name these fields: {missing:?}");
}

#[test]
fn no_row_for_an_event_that_does_not_exist() {
    let known: Vec<String> = names(&read("src/engine/event.rs")).into_values().collect();
    let stale: Vec<String> = table_rows(&read("docs/cli.md")).into_keys().filter(|n| !known.contains(n)).collect();
    assert!(stale.is_empty(), "docs/cli.md's event-log table lists events the engine does not have: {stale:?}");
}
