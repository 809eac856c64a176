//! Course progress (what localStorage keeps under `berth.progress`, and what "Export progress"
//! writes to a file): per exercise its status, hints revealed and best solution size. Pure and
//! natively tested; the lessons page reads, saves, exports and imports it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The largest progress file "Import progress" reads (a full course is a few kB).
pub const MAX_IMPORT_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    NotStarted,
    Attempted,
    Solved,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExerciseProgress {
    #[serde(default)]
    pub status: Status,
    /// How many hints the learner has revealed.
    #[serde(default)]
    pub hints: u32,
    /// The fewest actions (deploys, commands; letting time pass does not count) the exercise was
    /// solved with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<u32>,
}

impl ExerciseProgress {
    /// Solved with `actions` actions: status solved, best kept if it was smaller.
    pub fn solved_with(&self, actions: u32) -> ExerciseProgress {
        ExerciseProgress { status: Status::Solved, hints: self.hints, best: Some(self.best.map_or(actions, |b| b.min(actions))) }
    }

    /// The better record of two: the further status, the fewer hints among equal statuses
    /// (a solve without hints beats one with), the smaller best.
    fn merge(&self, other: &ExerciseProgress) -> ExerciseProgress {
        let status = self.status.max(other.status);
        let hints = match self.status.cmp(&other.status) {
            std::cmp::Ordering::Greater => self.hints,
            std::cmp::Ordering::Less => other.hints,
            std::cmp::Ordering::Equal => self.hints.min(other.hints),
        };
        let best = match (self.best, other.best) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        ExerciseProgress { status, hints, best }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub version: u32,
    #[serde(default)]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress { version: 1, exercises: BTreeMap::new() }
    }
}

impl Progress {
    pub fn of(&self, id: &str) -> ExerciseProgress {
        self.exercises.get(id).cloned().unwrap_or_default()
    }

    pub fn solved(&self) -> usize {
        self.exercises.values().filter(|e| e.status == Status::Solved).count()
    }
}

/// Reads stored progress. Anything unexpected is an error with a message, never a panic.
pub fn parse_progress(text: &str) -> Result<Progress, String> {
    let p: Progress = serde_json::from_str(text).map_err(|e| format!("the saved progress is not readable ({e})"))?;
    if p.version != 1 {
        return Err(format!("the saved progress has version {}, this Berth reads version 1", p.version));
    }
    Ok(p)
}

/// The file "Export progress" downloads: the stored format, pretty-printed.
pub fn export_progress(p: &Progress) -> String {
    serde_json::to_string_pretty(p).unwrap_or_else(|_| "{\"version\": 1, \"exercises\": {}}".to_string())
}

/// What an import did, for the message the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Exercises in the file.
    pub read: usize,
    /// Exercises whose record got better.
    pub improved: usize,
    /// Ids this course does not have (kept: another version of the course may have them).
    pub unknown: Vec<String>,
}

impl ImportSummary {
    pub fn message(&self, solved_now: usize) -> String {
        let mut m = format!(
            "Imported {} exercise record(s): {} improved your progress; {} solved in all now.",
            self.read, self.improved, solved_now
        );
        if !self.unknown.is_empty() {
            m.push_str(&format!(
                " {} are not in this course ({}) and were kept as they are.",
                self.unknown.len(),
                self.unknown.iter().take(3).cloned().collect::<Vec<_>>().join(", ") + if self.unknown.len() > 3 { ", …" } else { "" }
            ));
        }
        m
    }
}

/// "Import progress": reads a file made by [`export_progress`] and merges it into `current`,
/// keeping the better record of each exercise (nothing the learner has is lost). `known`: the
/// course's exercise ids. Errors say what is wrong with the file.
pub fn import_progress(text: &str, current: &Progress, known: &[String]) -> Result<(Progress, ImportSummary), String> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(format!("the file is {} kB; a progress file is at most {} kB", text.len() / 1024, MAX_IMPORT_BYTES / 1024));
    }
    if text.trim().is_empty() {
        return Err("the file is empty".to_string());
    }
    let p: Progress = serde_json::from_str(text).map_err(|e| {
        format!("this is not a Berth progress file (line {}, column {}: {e})", e.line(), e.column())
    })?;
    if p.version != 1 {
        return Err(format!("the file has progress version {}, this Berth reads version 1", p.version));
    }
    let mut merged = current.clone();
    let mut improved = 0;
    let mut unknown = Vec::new();
    for (id, rec) in &p.exercises {
        if !known.iter().any(|k| k == id) {
            unknown.push(id.clone());
        }
        let before = merged.of(id);
        let after = before.merge(rec);
        if after != before {
            improved += 1;
        }
        merged.exercises.insert(id.clone(), after);
    }
    Ok((merged, ImportSummary { read: p.exercises.len(), improved, unknown }))
}
