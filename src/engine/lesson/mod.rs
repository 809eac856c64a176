//! Lessons: exercises as data, goals checked by the simulation.
//!
//! A course is `lessons/index.json` (chapters in order, each a list of exercise files); an
//! exercise is one JSON file (`"lesson": 1`) with a start scenario, goals, hints, a reference
//! solution and, for predict exercises, a question whose answer the simulation decides. The
//! format and the goal language are documented in `docs/lessons.md`; `docs/authoring.md` walks
//! through writing one.
//!
//! * [`parse_exercise`] / [`parse_index`] — text → model, every mistake with line and column.
//! * [`goal`] — the goal language; [`check::Checker`] — evaluates goals after every step.
//! * [`action`] — learner actions (the reference solution's steps), limits, disabled actions.
//! * [`run::Session`] — an engine plus a checker, driven by actions; [`run::check_exercise`] —
//!   what `berth lesson check` and `tests/lessons.rs` run.
//!
//! Like the rest of the engine this module does no I/O: files named by a lesson are read by the
//! shell through a callback.

pub mod action;
pub mod check;
pub mod goal;
pub mod read;
pub mod run;

pub use action::{Action, ActionError, Limits, Rules};
pub use check::{Checker, GoalStatus};
pub use goal::Goal;
pub use run::{check_exercise, ExerciseReport, Session};

use crate::engine::diag::Diagnostic;
use crate::engine::json::{self, Json};
use crate::engine::scenario::{parse_scenario, Scenario};
use crate::engine::sort;

use read::{shift, value_end, Reader};

/// The lesson format version this engine reads (`"lesson": 1`).
pub const FORMAT_VERSION: u64 = 1;

/// What the learner does in an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Reach the goals.
    Do,
    /// Predict what the simulation will do, then watch it.
    Predict,
    /// Repair a broken start state.
    Fix,
    /// Free play: goals optional.
    Sandbox,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Do => "do",
            Kind::Predict => "predict",
            Kind::Fix => "fix",
            Kind::Sandbox => "sandbox",
        }
    }
}

/// One choice of a predict exercise, with the goal that holds exactly when it comes true.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub text: String,
    pub goal: Goal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Predict {
    pub question: String,
    pub choices: Vec<Choice>,
    /// The `text` of the right choice.
    pub answer: String,
    /// Shown after the reveal.
    pub explanation: String,
}

impl Predict {
    pub fn answer_index(&self) -> Option<usize> {
        self.choices.iter().position(|c| c.text == self.answer)
    }
}

/// A plausible mistake, kept with the exercise: `berth lesson check` runs it and expects at
/// least one goal to fail, so the goals really tell a right answer from a wrong one.
#[derive(Debug, Clone, PartialEq)]
pub struct WrongSolution {
    /// What the mistake is, for the report.
    pub why: String,
    pub solution: Vec<action::Action>,
}

/// One exercise, ready to run.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    /// The Markdown file named by `prose`, and its text (empty without one).
    pub prose_file: Option<String>,
    pub prose: String,
    pub scenario: Scenario,
    /// The editor's starting text, if the exercise sets one.
    pub task_definition_editor: Option<String>,
    pub goals: Vec<Goal>,
    pub hints: Vec<String>,
    /// Actions carried out before the learner takes over (the lesson builder records the
    /// sandbox's history here): the exercise opens at the time they reach. Refused commands are
    /// kept, as the sandbox journal keeps them, and change nothing.
    pub setup: Vec<action::Action>,
    /// The reference solution (for predict: the actions the reveal performs).
    pub solution: Vec<action::Action>,
    pub rules: Rules,
    pub predict: Option<Predict>,
    /// Plausible mistakes the check runs to prove they do not solve the exercise.
    pub wrong_solutions: Vec<WrongSolution>,
    /// Lint found while reading (e.g. no hints).
    pub warnings: Vec<Diagnostic>,
}

fn version(r: &mut Reader, root: &Json) {
    match root.get("lesson") {
        None => r.error(root.pos, "", "lesson-version", "a lesson file starts with \"lesson\": 1 (the format version)"),
        Some(v) => {
            if v.to_value().as_u64() != Some(FORMAT_VERSION) {
                r.error(
                    v.pos,
                    "lesson",
                    "lesson-version",
                    format!("this Berth reads lesson format {FORMAT_VERSION}; the file says {}", v.to_value()),
                );
            }
        }
    }
}

/// Reads an exercise. `files` reads a path relative to the exercise file (prose, a scenario
/// given by `file`, task definitions given by `file`).
pub fn parse_exercise(text: &str, files: &dyn Fn(&str) -> Result<String, String>) -> Result<Exercise, Vec<Diagnostic>> {
    let root = json::parse(text).map_err(|d| vec![d])?;
    let mut r = Reader::default();
    version(&mut r, &root);
    let Some(mut f) = r.fields(&root, "", "an exercise") else { return Err(r.diags) };
    f.skip("lesson");
    f.skip("$comment");
    let id = f.string("id", true).flatten();
    let title = f.string("title", true).flatten();
    let kind_node = f.get("kind");
    let prose_file = f.string("prose", false).flatten();
    let prose_inline = f.string("proseMarkdown", false).flatten();
    let scenario_node = f.get("scenario");
    let editor_node = f.get("taskDefinitionEditor");
    let goals_node = f.get("goals");
    let hints = f.string_list("hints");
    let solution_node = f.get("solution");
    let setup_node = f.get("setup");
    let disabled = f.string_list("disabledActions");
    let limits_node = f.get("limits");
    let predict_node = f.get("predict");
    let wrong_node = f.get("wrongSolutions");
    let root_pos = f.pos();
    let _ = f.finish();

    let kind = match kind_node.map(|k| (k, k.as_str())) {
        None => {
            r.error(root_pos, "kind", "lesson-shape", "an exercise needs \"kind\": do, predict, fix or sandbox");
            None
        }
        Some((_, Some("do"))) => Some(Kind::Do),
        Some((_, Some("predict"))) => Some(Kind::Predict),
        Some((_, Some("fix"))) => Some(Kind::Fix),
        Some((_, Some("sandbox"))) => Some(Kind::Sandbox),
        Some((k, _)) => {
            r.error(k.pos, "kind", "lesson-shape", format!("kind must be do, predict, fix or sandbox; found {}", k.describe()));
            None
        }
    };
    if let Some(id) = &id {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '/') {
            let pos = root.get("id").map_or(root_pos, |n| n.pos);
            r.error(
                pos,
                "id",
                "lesson-shape",
                format!("id must be lowercase letters, digits, - and /, e.g. \"placement/binpack\"; found {id:?}"),
            );
        }
    }

    let prose = match (&prose_file, prose_inline) {
        (Some(_), Some(_)) => {
            let pos = root.get("proseMarkdown").map_or(root_pos, |n| n.pos);
            r.error(pos, "proseMarkdown", "lesson-shape", "give the prose once: \"prose\" (a Markdown file) or \"proseMarkdown\" (the text itself), not both");
            String::new()
        }
        (None, Some(text)) => text,
        (None, None) => String::new(),
        (Some(p), None) => match files(p) {
            Ok(t) => t,
            Err(e) => {
                let pos = root.get("prose").map_or(root_pos, |n| n.pos);
                r.error(pos, "prose", "lesson-file", format!("cannot read {p:?}: {e}"));
                String::new()
            }
        },
    };

    let scenario = match scenario_node {
        None => {
            r.error(
                root_pos,
                "scenario",
                "lesson-shape",
                "an exercise needs \"scenario\": an inline scenario (\"berth\": 1) or {\"file\": \"path\"}",
            );
            None
        }
        Some(node) => read_scenario(&mut r, node, text, files),
    };

    let editor = editor_node.and_then(|n| match n.as_str() {
        Some(s) => Some(s.to_string()),
        None if n.as_object().is_some() => action::task_definition_text(&mut r, n, text, "taskDefinitionEditor", files),
        None => {
            r.error(
                n.pos,
                "taskDefinitionEditor",
                "lesson-shape",
                format!(
                    "taskDefinitionEditor is the editor's starting text: a string, an object, or {{\"file\": \"path\"}}; found {}",
                    n.describe()
                ),
            );
            None
        }
    });

    let goals = match goals_node {
        None => Vec::new(),
        Some(n) => match n.as_array() {
            Some(items) => items.iter().enumerate().filter_map(|(i, g)| goal::parse_goal(&mut r, g, &format!("goals[{i}]"))).collect(),
            None => {
                r.error(n.pos, "goals", "lesson-shape", format!("goals is a list of goals; found {}", n.describe()));
                Vec::new()
            }
        },
    };

    let solution = match solution_node {
        None => Vec::new(),
        Some(n) => match n.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, a)| action::parse_action(&mut r, a, text, &format!("solution[{i}]"), files))
                .collect(),
            None => {
                r.error(n.pos, "solution", "lesson-shape", format!("solution is a list of actions; found {}", n.describe()));
                Vec::new()
            }
        },
    };

    let setup = match setup_node {
        None => Vec::new(),
        Some(n) => match n.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, a)| action::parse_action(&mut r, a, text, &format!("setup[{i}]"), files))
                .collect(),
            None => {
                r.error(n.pos, "setup", "lesson-shape", format!("setup is a list of actions; found {}", n.describe()));
                Vec::new()
            }
        },
    };

    let disabled = disabled.unwrap_or_default();
    for (i, d) in disabled.iter().enumerate() {
        if !action::is_action_name(d) {
            let pos = root.get("disabledActions").and_then(|n| n.as_array()).and_then(|a| a.get(i)).map_or(root_pos, |n| n.pos);
            let hint = read::did_you_mean(d, &action::LEARNER_ACTIONS).map(|s| format!("; did you mean {s:?}?")).unwrap_or_default();
            r.error(
                pos,
                &format!("disabledActions[{i}]"),
                "lesson-shape",
                format!("unknown action {d:?}{hint} (actions: {})", action::LEARNER_ACTIONS.join(", ")),
            );
        }
    }
    let limits = limits_node.and_then(|n| read_limits(&mut r, n)).unwrap_or_default();

    let predict = predict_node.and_then(|n| read_predict(&mut r, n));

    let mut wrong_solutions = Vec::new();
    if let Some(n) = wrong_node {
        match n.as_array() {
            Some(items) => {
                for (i, w) in items.iter().enumerate() {
                    let path = format!("wrongSolutions[{i}]");
                    let Some(mut wf) = r.fields(w, &path, "a wrong solution") else { continue };
                    let why = wf.string("why", true).flatten();
                    let actions = wf.get("solution");
                    let wpos = wf.pos();
                    if wf.finish().is_none() {
                        continue;
                    }
                    let Some(list) = actions.and_then(Json::as_array) else {
                        r.error(
                            actions.map_or(wpos, |a| a.pos),
                            &format!("{path}.solution"),
                            "lesson-shape",
                            "a wrong solution needs \"solution\": a list of actions",
                        );
                        continue;
                    };
                    let solution: Vec<action::Action> = list
                        .iter()
                        .enumerate()
                        .filter_map(|(j, a)| action::parse_action(&mut r, a, text, &format!("{path}.solution[{j}]"), files))
                        .collect();
                    if let Some(why) = why {
                        wrong_solutions.push(WrongSolution { why, solution });
                    }
                }
            }
            None => r.error(
                n.pos,
                "wrongSolutions",
                "lesson-shape",
                format!("wrongSolutions is a list of {{\"why\": ..., \"solution\": [...]}}; found {}", n.describe()),
            ),
        }
        if kind == Some(Kind::Predict) {
            r.error(n.pos, "wrongSolutions", "lesson-shape", "a predict exercise has no wrong solutions: its wrong choices play that part");
        }
    }

    // What each kind needs.
    let solution_given = root.get("solution").is_some();
    match kind {
        Some(Kind::Do) | Some(Kind::Fix) => {
            if root.get("goals").and_then(Json::as_array).is_none_or(|g| g.is_empty()) {
                r.error(root_pos, "goals", "lesson-shape", format!("a {} exercise needs at least one goal", kind.map_or("", |k| k.as_str())));
            }
            if !solution_given {
                r.error(
                    root_pos,
                    "solution",
                    "lesson-shape",
                    "a do or fix exercise needs a reference solution (the actions that solve it), so it can be checked",
                );
            }
            if hints.as_ref().is_some_and(|h| h.is_empty()) {
                r.warning(root_pos, "hints", "lesson-hints", "no hints: a stuck learner gets no help");
            }
        }
        Some(Kind::Predict) if predict_node.is_none() => {
            r.error(root_pos, "predict", "lesson-shape", "a predict exercise needs \"predict\": {question, choices, answer, explanation}");
        }
        _ => {}
    }
    if kind != Some(Kind::Predict) {
        if let Some(n) = predict_node {
            r.error(n.pos, "predict", "lesson-shape", "\"predict\" belongs to exercises of kind predict");
        }
    }

    if r.has_errors() {
        let mut diags = r.diags;
        sort::sort_by_key(&mut diags, |d| (d.pos.line, d.pos.col));
        return Err(diags);
    }
    let (Some(id), Some(title), Some(kind), Some(scenario)) = (id, title, kind, scenario) else {
        return Err(vec![Diagnostic::error(root_pos, "", "lesson-shape", "the exercise is incomplete")]);
    };
    let warnings: Vec<Diagnostic> = r.diags.into_iter().filter(|d| !d.is_error()).collect();
    Ok(Exercise {
        id,
        title,
        kind,
        prose_file,
        prose,
        scenario,
        task_definition_editor: editor,
        goals,
        hints: hints.unwrap_or_default(),
        setup,
        solution,
        rules: Rules { disabled, limits },
        predict,
        wrong_solutions,
        warnings,
    })
}

fn read_scenario(r: &mut Reader, node: &Json, text: &str, files: &dyn Fn(&str) -> Result<String, String>) -> Option<Scenario> {
    let file = node.as_object().filter(|m| m.len() == 1 && m[0].0.name == "file").map(|m| &m[0].1);
    if let Some(fnode) = file {
        let Some(path) = fnode.as_str() else {
            r.error(fnode.pos, "scenario.file", "lesson-file", "file must be a path, relative to the lesson file");
            return None;
        };
        let body = match files(path) {
            Ok(t) => t,
            Err(e) => {
                r.error(fnode.pos, "scenario.file", "lesson-file", format!("cannot read {path:?}: {e}"));
                return None;
            }
        };
        let dir = path.rsplit_once('/').map(|(d, _)| d.to_string());
        let nested = |name: &str| match &dir {
            Some(d) => files(&format!("{d}/{name}")),
            None => files(name),
        };
        return match parse_scenario(&body, &nested) {
            Ok(s) => Some(s),
            Err(diags) => {
                for d in diags {
                    r.error(
                        fnode.pos,
                        "scenario.file",
                        &d.rule,
                        format!(
                            "in {path} at {}:{}: {}{}",
                            d.pos.line,
                            d.pos.col,
                            if d.path.is_empty() { String::new() } else { format!("{}: ", d.path) },
                            d.message
                        ),
                    );
                }
                None
            }
        };
    }
    if node.as_object().is_none() {
        r.error(
            node.pos,
            "scenario",
            "lesson-shape",
            format!("scenario is an inline scenario (\"berth\": 1) or {{\"file\": \"path\"}}; found {}", node.describe()),
        );
        return None;
    }
    let start = node.pos.offset;
    let sub = text.get(start..value_end(text, start)).unwrap_or("");
    match parse_scenario(sub, files) {
        Ok(s) => Some(s),
        Err(diags) => {
            for d in diags {
                let d = shift(d, node.pos, "scenario");
                r.diags.push(d);
            }
            None
        }
    }
}

fn read_limits(r: &mut Reader, node: &Json) -> Option<Limits> {
    let mut f = r.fields(node, "limits", "limits")?;
    let max_instances = f.count("maxInstances")?;
    let max_desired_count = f.count("maxDesiredCount")?;
    let instance_types = f.strings("instanceTypes")?;
    let kubectl = f.strings("kubectl")?;
    f.finish()?;
    Some(Limits {
        max_instances,
        max_desired_count,
        instance_types,
        kubectl,
    })
}

fn read_predict(r: &mut Reader, node: &Json) -> Option<Predict> {
    let mut f = r.fields(node, "predict", "predict")?;
    let question = f.string("question", true)?;
    let answer = f.string("answer", true)?;
    let explanation = f.string("explanation", true)?;
    let choices_node = f.get("choices");
    let pos = f.pos();
    f.finish()?;
    let Some(items) = choices_node.and_then(Json::as_array) else {
        r.error(
            choices_node.map_or(pos, |n| n.pos),
            "predict.choices",
            "lesson-shape",
            "predict needs \"choices\": a list of {\"text\": ..., \"goal\": {...}}",
        );
        return None;
    };
    let mut choices = Vec::new();
    for (i, c) in items.iter().enumerate() {
        let path = format!("predict.choices[{i}]");
        let mut cf = r.fields(c, &path, "a choice")?;
        let text = cf.string("text", true)?;
        let goal_node = cf.get("goal");
        let cpos = cf.pos();
        cf.finish()?;
        let Some(gn) = goal_node else {
            r.error(cpos, &path, "lesson-shape", "a choice needs \"goal\": the goal that holds exactly when this choice comes true");
            return None;
        };
        let goal = goal::parse_goal(r, gn, &format!("{path}.goal"))?;
        let text = text?;
        if choices.iter().any(|c: &Choice| c.text == text) {
            r.error(cpos, &path, "lesson-shape", format!("two choices read {text:?}"));
            return None;
        }
        choices.push(Choice { text, goal });
    }
    let (question, answer, explanation) = (question?, answer?, explanation?);
    if choices.len() < 2 {
        r.error(pos, "predict.choices", "lesson-shape", "a prediction needs at least two choices");
        return None;
    }
    if !choices.iter().any(|c| c.text == answer) {
        let apos = node.get("answer").map_or(pos, |n| n.pos);
        r.error(
            apos,
            "predict.answer",
            "lesson-shape",
            format!(
                "answer {answer:?} is not the text of any choice ({})",
                choices.iter().map(|c| format!("{:?}", c.text)).collect::<Vec<_>>().join(", ")
            ),
        );
        return None;
    }
    Some(Predict {
        question,
        choices,
        answer,
        explanation,
    })
}

/// The course: chapters in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub title: String,
    pub chapters: Vec<Chapter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub id: String,
    pub title: String,
    /// The chapter's opening explanation (Markdown), relative to the index.
    pub intro: Option<String>,
    /// Exercise files, relative to the index, in order.
    pub exercises: Vec<String>,
}

/// Reads `lessons/index.json`. Paths are not opened here: the shell loads each exercise.
pub fn parse_index(text: &str) -> Result<Index, Vec<Diagnostic>> {
    let root = json::parse(text).map_err(|d| vec![d])?;
    let mut r = Reader::default();
    version(&mut r, &root);
    let parsed = (|| {
        let mut f = r.fields(&root, "", "the index")?;
        f.skip("lesson");
        f.skip("$comment");
        let title = f.string("title", true)?;
        let chapters_node = f.get("chapters");
        let pos = f.pos();
        f.finish()?;
        let Some(items) = chapters_node.and_then(Json::as_array) else {
            r.error(
                chapters_node.map_or(pos, |n| n.pos),
                "chapters",
                "lesson-shape",
                "the index needs \"chapters\": a list of {id, title, intro, exercises}",
            );
            return None;
        };
        let mut chapters = Vec::new();
        for (i, c) in items.iter().enumerate() {
            let path = format!("chapters[{i}]");
            let mut cf = r.fields(c, &path, "a chapter")?;
            let id = cf.string("id", true)?;
            let title = cf.string("title", true)?;
            let intro = cf.string("intro", false)?;
            let exercises = cf.string_list("exercises")?;
            cf.finish()?;
            chapters.push(Chapter {
                id: id?,
                title: title?,
                intro,
                exercises,
            });
        }
        Some(Index { title: title?, chapters })
    })();
    match parsed {
        Some(i) if !r.has_errors() => Ok(i),
        _ => Err(r.diags),
    }
}

/// `true` if `text` looks like an exercise file (`"lesson"` and `"kind"` at the top), as opposed
/// to the index or a task definition kept next to exercises.
pub fn looks_like_exercise(text: &str) -> bool {
    json::parse(text).is_ok_and(|j| j.get("lesson").is_some() && j.get("kind").is_some())
}

/// `true` if `text` looks like a course index (`"lesson"` and `"chapters"` at the top).
pub fn looks_like_index(text: &str) -> bool {
    json::parse(text).is_ok_and(|j| j.get("lesson").is_some() && j.get("chapters").is_some())
}
