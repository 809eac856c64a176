//! Keeps `docs/task-definitions.md` honest: every rule the task-definition validator can report
//! must be documented there, written as `` `rule-id` ``. A new rule without docs fails the build.

use std::collections::BTreeSet;
use std::path::PathBuf;

use berth::engine::taskdef::RULES;

fn doc() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/task-definitions.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn every_rule_is_documented() {
    let text = doc();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !text.contains(&format!("`{id}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/task-definitions.md does not document these rules (write each as `rule-id` in the rules table): {missing:?}"
    );
}

#[test]
fn rule_table_rows_give_the_right_severity() {
    // A table row for a rule reads "| `rule-id` | severity | ...": the severity must match RULES.
    let text = doc();
    for (id, severity) in RULES {
        let row_start = format!("| `{id}` |");
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with(&row_start)).collect();
        assert_eq!(
            rows.len(),
            1,
            "expected exactly one table row for `{id}` in docs/task-definitions.md, found {}",
            rows.len()
        );
        let documented = rows[0][row_start.len()..]
            .split('|')
            .next()
            .unwrap_or("")
            .trim();
        assert_eq!(
            documented, *severity,
            "`{id}` is documented as {documented:?}, but RULES says {severity:?}"
        );
    }
}

#[test]
fn rule_ids_are_unique() {
    let ids: BTreeSet<&str> = RULES.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), RULES.len(), "RULES lists a rule id twice");
}
