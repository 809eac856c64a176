//! Presenter demos: a chapter's demo as a scripted sequence a teacher advances one step at a
//! time ("Next step"). A demo is data (`lessons/demos/<chapter>.json`):
//!
//! ```json
//! { "demo": 1, "chapter": "self-healing", "title": "A service heals itself",
//!   "startFrom": "05-self-healing/01-replace-lost-capacity.json",
//!   "steps": [
//!     { "say": "Six tasks, two per Availability Zone.", "do": [{ "action": "runFor", "duration": "30s" }] },
//!     { "say": "i-01 fails.", "do": [{ "action": "terminateInstance", "instance": "i-01" }, { "action": "runFor", "duration": "1m" }] }
//!   ] }
//! ```
//!
//! `startFrom` names an exercise whose start scenario the demo uses (or `"scenario": {"file":
//! "x.json"}` a scenario file), both relative to `lessons/`. Each step's `do` holds lesson
//! actions (the same as a reference solution's); its commands happen at once, then the time
//! actions say how long the step plays. [`DemoRun`] is the player: pure, so the same steps give
//! the same cluster natively (tests) and in the page.

use crate::engine::diag::Diagnostic;
use crate::engine::json::{self, Json};
use crate::engine::lesson::action::{self, Action, Rules};
use crate::engine::lesson::read::Reader;
use crate::engine::lesson::Session;
use crate::engine::scenario::{parse_scenario, Scenario};
use crate::engine::time::{Clock, Millis};

/// One step: what the presenter says, and what happens.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoStep {
    pub say: String,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone)]
pub struct Demo {
    pub chapter: String,
    pub title: String,
    pub scenario: Scenario,
    pub steps: Vec<DemoStep>,
}

/// Reads a demo. `files` reads a path relative to `lessons/` (the exercise or scenario named).
pub fn parse_demo(text: &str, files: &dyn Fn(&str) -> Result<String, String>) -> Result<Demo, Vec<Diagnostic>> {
    let root = json::parse(text).map_err(|d| vec![d])?;
    let mut r = Reader::default();
    let Some(mut f) = r.fields(&root, "", "a demo") else { return Err(r.diags) };
    let version = f.get("demo");
    f.skip("$comment");
    let chapter = f.string("chapter", true).flatten();
    let title = f.string("title", true).flatten();
    let start_from = f.string("startFrom", false).flatten();
    let scenario_node = f.get("scenario");
    let steps_node = f.get("steps");
    let root_pos = f.pos();
    let _ = f.finish();
    match version.map(|v| (v, v.describe())) {
        Some((_, d)) if d == "a number 1" => {}
        Some((v, _)) => r.error(v.pos, "demo", "demo-version", format!("this Berth reads demo version 1; found {}", v.describe())),
        None => r.error(root_pos, "demo", "demo-version", "a demo file starts with \"demo\": 1"),
    }

    let scenario = match (&start_from, scenario_node) {
        (Some(path), None) => match files(path) {
            Err(e) => {
                r.error(root.get("startFrom").map_or(root_pos, |n| n.pos), "startFrom", "demo-file", format!("cannot read {path:?}: {e}"));
                None
            }
            Ok(ex_text) => {
                let dir = path.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
                let nested = |name: &str| files(&format!("{dir}{name}"));
                match crate::engine::lesson::parse_exercise(&ex_text, &nested) {
                    Ok(ex) => Some(ex.scenario),
                    Err(d) => {
                        let first = d.first().map(|d| format!("{}:{}: {}", d.pos.line, d.pos.col, d.message)).unwrap_or_default();
                        r.error(root.get("startFrom").map_or(root_pos, |n| n.pos), "startFrom", "demo-file", format!("{path} is not a valid exercise ({first})"));
                        None
                    }
                }
            }
        },
        (None, Some(node)) => match node.get("file").and_then(Json::as_str) {
            Some(path) => match files(path).map(|t| parse_scenario(&t, files)) {
                Ok(Ok(s)) => Some(s),
                Ok(Err(d)) => {
                    let first = d.first().map(|d| format!("{}:{}: {}", d.pos.line, d.pos.col, d.message)).unwrap_or_default();
                    r.error(node.pos, "scenario.file", "demo-file", format!("{path} is not a valid scenario ({first})"));
                    None
                }
                Err(e) => {
                    r.error(node.pos, "scenario.file", "demo-file", format!("cannot read {path:?}: {e}"));
                    None
                }
            },
            None => {
                r.error(node.pos, "scenario", "demo-shape", "scenario is {\"file\": \"path relative to lessons/\"}");
                None
            }
        },
        (Some(_), Some(node)) => {
            r.error(node.pos, "scenario", "demo-shape", "give either startFrom (an exercise) or scenario (a file), not both");
            None
        }
        (None, None) => {
            r.error(root_pos, "startFrom", "demo-shape", "a demo needs startFrom (an exercise file) or scenario ({\"file\": ...})");
            None
        }
    };

    let mut steps = Vec::new();
    match steps_node.and_then(|n| n.as_array().map(|a| (n, a))) {
        None => r.error(steps_node.map_or(root_pos, |n| n.pos), "steps", "demo-shape", "steps is a list of {\"say\": ..., \"do\": [actions]}"),
        Some((n, [])) => r.error(n.pos, "steps", "demo-shape", "a demo needs at least one step"),
        Some((_, items)) => {
            for (i, item) in items.iter().enumerate() {
                let path = format!("steps[{i}]");
                let Some(mut f) = r.fields(item, &path, "a step") else { continue };
                let say = f.string("say", true).flatten();
                let do_node = f.get("do");
                let _ = f.finish();
                let mut actions = Vec::new();
                if let Some(list) = do_node.and_then(Json::as_array) {
                    for (j, a) in list.iter().enumerate() {
                        let ap = format!("{path}.do[{j}]");
                        let no_files = |name: &str| files(name);
                        if let Some(a) = action::parse_action(&mut r, a, text, &ap, &no_files) {
                            actions.push(a);
                        }
                    }
                } else if let Some(d) = do_node {
                    r.error(d.pos, &format!("{path}.do"), "demo-shape", "do is a list of actions");
                }
                if let Some(say) = say {
                    steps.push(DemoStep { say, actions });
                }
            }
        }
    }
    match (chapter, title, scenario) {
        (Some(chapter), Some(title), Some(scenario)) if !r.has_errors() => Ok(Demo { chapter, title, scenario, steps }),
        _ => Err(r.diags),
    }
}

/// A demo being played: the simulation, the next step, and how far the current step may run.
pub struct DemoRun {
    pub demo: Demo,
    pub session: Session,
    /// Steps done so far (the next one is `steps[done]`).
    pub done: usize,
    /// The current step plays until this moment, then the player waits for "Next step".
    pub hold_until: Millis,
}

impl DemoRun {
    pub fn new(demo: Demo) -> Self {
        let session = Session::start(&demo.scenario, Vec::new(), Rules::default());
        DemoRun { demo, session, done: 0, hold_until: 0 }
    }

    /// What the presenter says now: the caption of the step being shown.
    pub fn caption(&self) -> Option<&str> {
        self.done.checked_sub(1).and_then(|i| self.demo.steps.get(i)).map(|s| s.say.as_str())
    }

    /// Every step has been started (the last may still be playing: see [`DemoRun::over`]).
    pub fn finished(&self) -> bool {
        self.done >= self.demo.steps.len()
    }

    /// The current step has not played to its end yet.
    pub fn playing_out(&self) -> bool {
        self.session.now() < self.hold_until
    }

    /// The last step has been started and has played to its end: nothing more will happen.
    pub fn over(&self) -> bool {
        self.finished() && !self.playing_out()
    }

    /// Carries out the next step's commands now; its time actions set how far it plays (the
    /// player runs up to [`DemoRun::hold_until`]). If the previous step had not finished
    /// playing, it is first run to its end, so every run of a demo shows the same cluster.
    ///
    /// A command that fails is skipped and reported (the first failure is the `Err`), but the
    /// rest of the step still happens and the step counts as shown: pressing "Next step" again
    /// goes on to the next step instead of repeating this one's commands (which would fail
    /// again: a service created twice, an instance terminated twice).
    pub fn next_step(&mut self) -> Result<(), String> {
        let Some(step) = self.demo.steps.get(self.done).cloned() else { return Err("the demo is over".to_string()) };
        if self.session.now() < self.hold_until {
            self.session.run_until(self.hold_until);
        }
        let mut until = self.session.now();
        let mut first_error = None;
        for a in &step.actions {
            match a {
                Action::RunFor(d) => until = until.saturating_add(*d),
                Action::RunUntil(t) => until = until.max(*t),
                _ => {
                    // Commands happen at the moment their time actions before them reach.
                    if until > self.session.now() {
                        self.session.run_until(until);
                    }
                    if let Err(e) = self.session.act(a) {
                        first_error.get_or_insert_with(|| format!("step {}: {} failed: {}", self.done + 1, a.name(), e.message));
                    }
                }
            }
        }
        self.hold_until = until;
        self.done += 1;
        first_error.map_or(Ok(()), Err)
    }

    /// Runs the simulation toward `t`, never past the current step's end. `false` once the
    /// step has played out (the player pauses).
    pub fn advance_to(&mut self, t: Millis) -> bool {
        let to = t.min(self.hold_until);
        if to > self.session.now() {
            self.session.run_until(to);
        }
        self.session.now() < self.hold_until
    }

    /// "Step 2 of 5 · plays to 00:01:30".
    pub fn progress_text(&self) -> String {
        format!("Step {} of {} · plays to {}", self.done, self.demo.steps.len(), Clock(self.hold_until))
    }
}
