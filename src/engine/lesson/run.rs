//! Running exercises: a [`Session`] (an engine, a goal checker and the exercise's rules, driven
//! by learner actions) and [`check_exercise`], the headless check behind `berth lesson check`
//! and `tests/lessons.rs`.

use super::action::{self, Action, ActionError, Rules};
use super::check::{Checker, GoalStatus};
use super::goal::Goal;
use super::{Exercise, Kind};
use crate::engine::event::Event;
use crate::engine::scenario::Scenario;
use crate::engine::sim::Engine;
use crate::engine::time::{Clock, Millis, HOUR};

/// After the last action, the check lets the simulation run until nothing is left to do, but
/// never for more than this.
pub const SETTLE_LIMIT: Millis = HOUR;

/// A predict exercise's reveal is also run with this many other seeds (the scenario's seed + 1,
/// + 2, ...): the answer must not depend on the seeded tie-break.
pub const OTHER_SEEDS: u64 = 8;

/// An engine with a goal checker: every step and every action is followed by an observation.
pub struct Session {
    pub engine: Engine,
    pub checker: Checker,
    pub rules: Rules,
    run_until: Option<Millis>,
}

impl Session {
    /// The scenario's start state (t = 0, setup done), observed once.
    pub fn start(scenario: &Scenario, goals: Vec<Goal>, rules: Rules) -> Self {
        Self::start_with_seed(scenario, None, goals, rules)
    }

    /// [`Session::start`] with another seed than the scenario's.
    pub fn start_with_seed(scenario: &Scenario, seed: Option<u64>, goals: Vec<Goal>, rules: Rules) -> Self {
        let engine = scenario.start(seed);
        let mut s = Session {
            engine,
            checker: Checker::new(goals),
            rules,
            run_until: scenario.run_until,
        };
        s.checker.observe(&s.engine);
        s
    }

    /// An exercise's start: its scenario (with `seed` instead of the scenario's, if given), then
    /// its `setup` actions (the rules do not apply to them; a refused command stays refused, as
    /// it was in the sandbox the setup was recorded in). The goals observe from there on, so a
    /// "throughout" goal is about what the learner does, not about the setup.
    pub fn for_exercise(ex: &Exercise, seed: Option<u64>, goals: Vec<Goal>) -> Self {
        let mut s = Self::start_with_seed(&ex.scenario, seed, Vec::new(), Rules::default());
        for a in &ex.setup {
            let _ = s.act(a);
        }
        s.rules = ex.rules.clone();
        s.checker = Checker::new(goals);
        s.checker.observe(&s.engine);
        s
    }

    pub fn now(&self) -> Millis {
        self.engine.now()
    }

    /// Carries out one learner action (time actions step the engine, observing after each step).
    pub fn act(&mut self, a: &Action) -> Result<(), ActionError> {
        match a {
            Action::RunFor(d) => {
                let t = self.now().saturating_add(*d);
                self.run_until(t);
                Ok(())
            }
            Action::RunUntil(t) => {
                if *t < self.now() {
                    return Err(ActionError {
                        message: format!("runUntil {} is in the past (the clock shows {})", Clock(*t), Clock(self.now())),
                        diagnostics: Vec::new(),
                    });
                }
                self.run_until(*t);
                Ok(())
            }
            _ => {
                let r = action::apply(&mut self.engine, a, &self.rules);
                self.checker.observe(&self.engine);
                r
            }
        }
    }

    /// Processes everything due up to `t`, observing after each step, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Millis) {
        while self.engine.next_due().is_some_and(|due| due <= t) {
            self.engine.step();
            self.checker.observe(&self.engine);
        }
        if self.now() < t {
            self.engine.run_until(t);
            self.checker.observe(&self.engine);
        } else {
            // Nothing more happens at `t`: record its minute metrics (a step records only the
            // boundaries before its own time).
            self.engine.run_until(t);
        }
    }

    /// Lets the simulation run until nothing is queued (at most [`SETTLE_LIMIT`] more), then up
    /// to the scenario's `runUntil` if that is later; a scenario with traffic runs exactly to
    /// its `runUntil` (if it has one). This is where a check ends.
    pub fn finish(&mut self) {
        // With traffic the queue is never empty (a tick every second): such a scenario's
        // `runUntil` says when the check ends.
        if let (true, Some(t)) = (self.engine.has_traffic(), self.run_until) {
            self.run_until(t.max(self.now()));
            return;
        }
        let limit = self.now().saturating_add(SETTLE_LIMIT);
        while self.engine.next_due().is_some_and(|due| due <= limit) {
            self.engine.step();
            self.checker.observe(&self.engine);
        }
        if self.engine.next_due().is_some() {
            self.run_until(limit);
        }
        if let Some(t) = self.run_until {
            if t > self.now() {
                self.run_until(t);
            }
        }
        // The minute metrics of the moment the check ends (see `run_until`).
        let now = self.now();
        self.engine.run_until(now);
    }
}

/// One step of the reference solution.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    pub action: String,
    /// Virtual time when the step was taken.
    pub at: Millis,
    pub error: Option<String>,
}

/// A predict choice after the reveal.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceReport {
    pub text: String,
    pub is_answer: bool,
    pub status: GoalStatus,
}

/// Everything `berth lesson check` found out about one exercise.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseReport {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub steps: Vec<StepReport>,
    /// When the reference run ended.
    pub end: Millis,
    /// The goals after the reference solution.
    pub goals: Vec<GoalStatus>,
    /// The goals in the start state, left alone until `end` (do, fix).
    pub start_goals: Vec<GoalStatus>,
    /// The goals after deploying the unchanged starting editor text (fix exercises with one).
    pub editor_goals: Option<Vec<GoalStatus>>,
    /// Each wrong solution: its `why`, and the goals it missed (empty: it solved the exercise).
    pub wrong: Vec<(String, Vec<GoalStatus>)>,
    /// Predict: each choice after the reveal.
    pub choices: Vec<ChoiceReport>,
    /// Predict: the answer's goal in the start state (it must not hold yet).
    pub answer_at_start: Option<GoalStatus>,
    /// What is wrong with the exercise; empty when it passes.
    pub defects: Vec<String>,
    /// The reference run's event log.
    pub events: Vec<Event>,
}

impl ExerciseReport {
    pub fn passed(&self) -> bool {
        self.defects.is_empty()
    }

    /// The report as text: each goal ✓/✗ with its message, then the defects.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        line(&mut out, format!("{} — {} ({})", self.id, self.title, self.kind.as_str()));
        let run = if self.kind == Kind::Predict { "reveal" } else { "solution" };
        line(&mut out, format!("  {run}: {} action(s), ran to {}", self.steps.len(), Clock(self.end)));
        for s in &self.steps {
            if let Some(e) = &s.error {
                line(&mut out, format!("    ✗ at {}: {}: {e}", Clock(s.at), s.action));
            }
        }
        for g in &self.goals {
            line(&mut out, format!("    {} {}", mark(g.ok), g.message));
        }
        for c in &self.choices {
            let role = if c.is_answer { "answer" } else { "choice" };
            line(&mut out, format!("    {} {role} {:?}: {}", mark(c.status.ok), c.text, c.status.message));
        }
        if let Some(a) = &self.answer_at_start {
            line(
                &mut out,
                format!("  start state (t = 0): answer {}", if a.ok { "already true" } else { "not yet true, as it should be" }),
            );
            line(&mut out, format!("    {} {}", mark(a.ok), a.message));
        }
        if !self.start_goals.is_empty() {
            let failing = self.start_goals.iter().filter(|g| !g.ok).count();
            let verdict = if failing == 0 {
                "meets every goal".to_string()
            } else {
                format!("misses {failing} of {} goal(s), as it should", self.start_goals.len())
            };
            line(&mut out, format!("  start state, no actions, to {}: {verdict}", Clock(self.end)));
            for g in self.start_goals.iter().filter(|g| !g.ok) {
                line(&mut out, format!("    {} {}", mark(g.ok), g.message));
            }
        }
        if let Some(eg) = &self.editor_goals {
            let failing = eg.iter().filter(|g| !g.ok).count();
            let verdict = if failing == 0 {
                "meets every goal".to_string()
            } else {
                format!("misses {failing} of {} goal(s), as it should", eg.len())
            };
            line(&mut out, format!("  unchanged editor text deployed: {verdict}"));
        }
        for (why, missed) in &self.wrong {
            let verdict = if missed.is_empty() {
                "meets every goal".to_string()
            } else {
                format!("misses {} goal(s), as it should", missed.len())
            };
            line(&mut out, format!("  wrong solution ({why}): {verdict}"));
            for g in missed {
                line(&mut out, format!("    ✗ {}", g.message));
            }
        }
        for d in &self.defects {
            line(&mut out, format!("  DEFECT: {d}"));
        }
        line(&mut out, format!("  {}", if self.passed() { "ok" } else { "FAILED" }));
        out
    }

    /// The reference run's events, one per line: `00:01:00 web-3 stopped (...)`.
    pub fn render_events(&self) -> String {
        self.events.iter().map(|e| format!("    {} {}\n", Clock(e.t), e.kind.describe())).collect()
    }
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

/// Runs the reference solution and checks the exercise:
///
/// * **do, fix**: every solution step succeeds and every goal holds at the end; the start state,
///   left alone for the same time, misses at least one goal; for **fix** only, deploying the
///   unchanged starting editor text (if any) misses at least one goal.
/// * **predict**: the reveal (the `solution` actions) succeeds; the answer's goal holds after it
///   and every other choice's goal does not, with the scenario's seed and with
///   [`OTHER_SEEDS`] other seeds; the answer's goal does not hold in the start state; any
///   `goals` hold.
/// * **sandbox**: the solution steps (if any) succeed and the goals (if any) hold.
///
/// Every `wrongSolutions` entry must miss at least one goal.
/// Deploys the exercise's starting editor text unchanged and runs to `end` (at least to the end
/// of the run): every goal's standing then, and whether that alone meets every goal.
pub fn unchanged_deploy(ex: &Exercise, text: &str, end: Millis) -> (Vec<GoalStatus>, bool) {
    let mut s = Session::for_exercise(ex, None, ex.goals.clone());
    let deployed = s.act(&Action::EditTaskDefinition { text: text.to_string(), service: None });
    s.finish();
    if s.now() < end {
        s.run_until(end);
    }
    let goals = s.checker.status();
    let passes = deployed.is_ok() && !goals.is_empty() && goals.iter().all(|g| g.ok);
    (goals, passes)
}

pub fn check_exercise(ex: &Exercise) -> ExerciseReport {
    let mut defects = Vec::new();
    let choice_goals: Vec<Goal> = ex.predict.as_ref().map(|p| p.choices.iter().map(|c| c.goal.clone()).collect()).unwrap_or_default();
    let n_goals = ex.goals.len();
    let all_goals: Vec<Goal> = ex.goals.iter().cloned().chain(choice_goals.iter().cloned()).collect();

    // The reference run.
    let mut s = Session::for_exercise(ex, None, all_goals);
    let mut steps = Vec::new();
    for (i, a) in ex.solution.iter().enumerate() {
        let at = s.now();
        let r = s.act(a);
        if let Err(e) = &r {
            defects.push(format!("solution step {} ({}) failed at {}: {}", i + 1, a.summary(), Clock(at), e.message));
        }
        steps.push(StepReport {
            action: a.summary(),
            at,
            error: r.err().map(|e| e.message),
        });
    }
    s.finish();
    let end = s.now();
    let events = s.engine.events().to_vec();
    let status = s.checker.status();
    let goals: Vec<GoalStatus> = status[..n_goals].to_vec();
    for g in goals.iter().filter(|g| !g.ok) {
        defects.push(format!("the reference solution misses a goal: {}", g.message));
    }

    let mut choices = Vec::new();
    let mut answer_at_start = None;
    let mut start_goals = Vec::new();
    let mut editor_goals = None;
    match ex.kind {
        Kind::Predict => {
            if let Some(p) = &ex.predict {
                let answer_ok = p.choices.iter().zip(&status[n_goals..]).any(|(c, st)| c.text == p.answer && st.ok);
                for (c, st) in p.choices.iter().zip(&status[n_goals..]) {
                    let is_answer = c.text == p.answer;
                    if is_answer && !st.ok {
                        defects.push(format!("the answer {:?} is not what the simulation does: {}", c.text, st.message));
                    }
                    if !is_answer && st.ok {
                        let what = if answer_ok { "also comes true, so the answer is ambiguous" } else { "is what the simulation does" };
                        defects.push(format!("choice {:?} {what}: {}", c.text, st.message));
                    }
                    choices.push(ChoiceReport {
                        text: c.text.clone(),
                        is_answer,
                        status: st.clone(),
                    });
                }
                // The answer must follow from the rules, not from the seeded tie-break.
                for k in 1..=OTHER_SEEDS {
                    let seed = ex.scenario.seed.wrapping_add(k);
                    let goals: Vec<Goal> = p.choices.iter().map(|c| c.goal.clone()).collect();
                    let mut sk = Session::for_exercise(ex, Some(seed), goals);
                    for a in &ex.solution {
                        let _ = sk.act(a);
                    }
                    sk.finish();
                    let wrong: Vec<String> = p
                        .choices
                        .iter()
                        .zip(sk.checker.status())
                        .filter(|(c, st)| st.ok != (c.text == p.answer))
                        .map(|(c, st)| format!("choice {:?}: {}", c.text, st.message))
                        .collect();
                    if !wrong.is_empty() {
                        defects.push(format!("the answer depends on the seed: with seed {seed}, {}", wrong.join("; ")));
                        break;
                    }
                }
                if let Some(i) = p.answer_index() {
                    let s0 = Session::for_exercise(ex, None, vec![p.choices[i].goal.clone()]);
                    let st = s0.checker.status().remove(0);
                    if st.ok {
                        defects.push(format!("the answer can be read off the start state, before the reveal: {}", st.message));
                    }
                    answer_at_start = Some(st);
                }
            }
        }
        Kind::Do | Kind::Fix => {
            let mut s0 = Session::for_exercise(ex, None, ex.goals.clone());
            s0.run_until(end);
            start_goals = s0.checker.status();
            if !start_goals.is_empty() && start_goals.iter().all(|g| g.ok) {
                defects.push(format!("the start state already meets every goal (no actions, run to {})", Clock(end)));
            }
            // Only a fix exercise starts broken: there, pressing Deploy on the starting text must
            // not pass. In a do exercise the starting text is the learner's material (change the
            // image, then deploy), so deploying it is not checked.
            if let (Kind::Fix, Some(text)) = (ex.kind, &ex.task_definition_editor) {
                let (eg, passes) = unchanged_deploy(ex, text, end);
                if passes {
                    defects.push("deploying the starting editor text unchanged already meets every goal".to_string());
                }
                editor_goals = Some(eg);
            }
        }
        Kind::Sandbox => {}
    }
    let mut wrong = Vec::new();
    for w in &ex.wrong_solutions {
        let mut sw = Session::for_exercise(ex, None, ex.goals.clone());
        for a in &w.solution {
            // A step the rules refuse is part of the mistake; the run goes on.
            let _ = sw.act(a);
        }
        sw.finish();
        if sw.now() < end {
            sw.run_until(end);
        }
        let missed: Vec<GoalStatus> = sw.checker.status().into_iter().filter(|g| !g.ok).collect();
        if missed.is_empty() {
            defects.push(format!("the wrong solution \"{}\" meets every goal", w.why));
        }
        wrong.push((w.why.clone(), missed));
    }
    ExerciseReport {
        id: ex.id.clone(),
        title: ex.title.clone(),
        kind: ex.kind,
        steps,
        end,
        goals,
        start_goals,
        editor_goals,
        wrong,
        choices,
        answer_at_start,
        defects,
        events,
    }
}
