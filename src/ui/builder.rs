//! The lesson builder: the sandbox's "Lesson builder" tab (docs/authoring.md). Record what you do
//! as the reference solution, pick goals from the cluster ("Make this a goal"), write the prose
//! and hints, check the lesson, then download it or share it as a `#lesson=` link. The logic is
//! `crate::shell::builder` (tested natively); this file is the form around it.
//!
//! The draft is kept in localStorage (`berth.builder`) on every change, so switching tabs or
//! reloading loses nothing; leaving the page with changes not yet downloaded or shared asks
//! first (`beforeunload`).

use std::cell::Cell;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::storage;
use crate::engine::time::{Clock, Millis};
use crate::shell::builder::{self, Draft, Suggestion, KINDS, KUBECTL_COMMANDS};
use crate::shell::kube_view::Words;
use crate::shell::share::Scene;

/// Where the draft is kept.
pub const KEY: &str = "berth.builder";
/// Where an unreadable stored draft is set aside (never deleted).
pub const CORRUPT_KEY: &str = "berth.builder.corrupt";

thread_local! {
    /// Builder work not yet downloaded or shared: the page asks before it is left.
    static UNSAVED: Cell<bool> = const { Cell::new(false) };
    static GUARD: Cell<bool> = const { Cell::new(false) };
}

/// Installs (once) the `beforeunload` guard that asks before leaving with unsaved builder work.
fn install_guard() {
    if GUARD.with(|g| g.replace(true)) {
        return;
    }
    let Some(w) = web_sys::window() else { return };
    // Not passive: a passive listener cannot cancel the event.
    let options = gloo::events::EventListenerOptions::enable_prevent_default();
    gloo::events::EventListener::new_with_options(&w, "beforeunload", options, |e| {
        if UNSAVED.with(Cell::get) {
            // Chromium and Firefox ask when the event is cancelled.
            e.prevent_default();
            let _ = js_sys::Reflect::set(e.as_ref(), &"returnValue".into(), &"".into());
        }
    })
    .forget();
}

fn load() -> (Draft, Option<String>) {
    match storage::get(KEY) {
        None => (Draft::default(), None),
        Some(text) => match builder::parse_draft(&text) {
            Ok(d) => (d, None),
            Err(e) => {
                let _ = storage::set(CORRUPT_KEY, &text);
                storage::remove(KEY);
                (Draft::default(), Some(format!("The saved lesson draft could not be read ({e}); it was set aside and a new draft started.")))
            }
        },
    }
}

#[derive(Properties)]
pub struct BuilderProps {
    /// The sandbox as it is now.
    pub scene: Callback<(), Scene>,
    /// Goals read from the sandbox's cluster now; the argument: since when events count.
    pub suggest: Callback<Millis, Vec<Suggestion>>,
    /// The sandbox's clock.
    pub now: Millis,
}

impl PartialEq for BuilderProps {
    fn eq(&self, o: &Self) -> bool {
        self.now == o.now
    }
}

#[function_component(Builder)]
pub fn builder_panel(props: &BuilderProps) -> Html {
    let loaded = use_memo((), |_| load());
    let draft = {
        let d = loaded.0.clone();
        use_state(move || d)
    };
    let said = {
        let s = loaded.1.clone().map(|t| (true, t));
        use_state(move || s)
    };
    // The draft as last downloaded or shared (nothing to warn about while equal).
    let kept = {
        let d = loaded.0.clone();
        use_mut_ref(move || d)
    };
    let suggestions = use_state(Vec::<Suggestion>::new);
    let goal_text = use_state(String::new);
    let goal_error = use_state(|| None::<String>);
    let report = use_state(|| None::<(bool, String)>);
    let link = use_state(|| None::<String>);
    let preview = use_state(|| false);
    // Whether the scenario is Kubernetes (its words: pods, nodes, Deployments), read from the
    // recording if there is one, else from the sandbox; parsed again only when the text changes.
    let kube_cache = use_mut_ref(|| (String::new(), false));
    let words = {
        let kube = match (&draft.recording, &draft.recorded) {
            (_, Some(r)) if draft.recording.is_none() => r.scenario.get("kubernetes").is_some_and(|k| !k.is_null()),
            (Some(start), _) => cached_kube(&kube_cache, &start.scenario),
            _ => cached_kube(&kube_cache, &props.scene.emit(()).scenario),
        };
        Words { kube }
    };

    use_effect_with((), |_| install_guard());
    // Keep the draft and the unsaved flag up to date.
    {
        let kept = kept.clone();
        use_effect_with((*draft).clone(), move |d| {
            let _ = storage::set(KEY, &builder::to_saved(d));
            UNSAVED.with(|u| u.set(*d != *kept.borrow() && *d != Draft::default()));
        });
    }

    let edit = {
        let draft = draft.clone();
        let report = report.clone();
        let link = link.clone();
        move |f: Box<dyn Fn(&mut Draft)>| {
            let mut d = (*draft).clone();
            f(&mut d);
            if d != *draft {
                report.set(None);
                link.set(None);
                draft.set(d);
            }
        }
    };
    let mark_kept = {
        let kept = kept.clone();
        let draft = draft.clone();
        move || {
            *kept.borrow_mut() = (*draft).clone();
            UNSAVED.with(|u| u.set(false));
        }
    };

    // 1. Recording
    let on_start = {
        let draft = draft.clone();
        let said = said.clone();
        let scene = props.scene.clone();
        let suggestions = suggestions.clone();
        Callback::from(move |_: MouseEvent| {
            let mut d = (*draft).clone();
            let s = scene.emit(());
            match builder::start_recording(&mut d, &s) {
                Ok(()) => {
                    said.set(Some((false, format!("Recording from {}. Do what the learner should do, let the clock run, then press Stop recording.", Clock(s.time)))));
                    suggestions.set(Vec::new());
                    draft.set(d);
                }
                Err(e) => said.set(Some((true, format!("Recording could not start: {e}.")))),
            }
        })
    };
    let on_stop = {
        let draft = draft.clone();
        let said = said.clone();
        let scene = props.scene.clone();
        let suggest = props.suggest.clone();
        let suggestions = suggestions.clone();
        Callback::from(move |_: MouseEvent| {
            let mut d = (*draft).clone();
            match builder::stop_recording(&mut d, &scene.emit(())) {
                Ok(()) => {
                    if let Some(r) = &d.recorded {
                        let n = r.solution.iter().filter(|a| a["action"] != "runUntil").count();
                        said.set(Some((false, format!("Recorded {n} action(s) from {} to {}. Now pick the goals.", Clock(r.start), Clock(r.end)))));
                        suggestions.set(builder::rank_suggestions(&d, suggest.emit(r.start)));
                    }
                    draft.set(d);
                }
                Err(e) => said.set(Some((true, format!("Recording could not stop: {e}.")))),
            }
        })
    };
    let on_suggest = {
        let suggest = props.suggest.clone();
        let suggestions = suggestions.clone();
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let since = draft.recorded.as_ref().map(|r| r.start).or(draft.recording.as_ref().map(|s| s.time)).unwrap_or(0);
            suggestions.set(builder::rank_suggestions(&draft, suggest.emit(since)));
        })
    };

    let recording_view = match (&draft.recording, &draft.recorded) {
        (Some(start), _) => html! {
            <div class="builder-recording" data-testid="builder-recording" role="status">
                <p><span class="rec-dot" aria-hidden="true">{"● "}</span>
                    {format!("Recording since {} ({} earlier action(s) become the start state). Now at {}.", Clock(start.time), start.journal.len(), Clock(props.now))}</p>
                <button data-testid="builder-stop" onclick={on_stop}>{"Stop recording"}</button>
            </div>
        },
        (None, recorded) => {
            let steps = recorded.as_ref().map(|r| {
                let items = r.solution.iter().enumerate().map(|(i, a)| {
                    let text = builder::step_text(a);
                    let timed = a["action"] == "runUntil";
                    let on_remove = {
                        let edit = edit.clone();
                        Callback::from(move |_: MouseEvent| {
                            edit(Box::new(move |d: &mut Draft| {
                                if let Some(r) = d.recorded.as_mut() {
                                    if i < r.solution.len() {
                                        r.solution.remove(i);
                                    }
                                }
                            }))
                        })
                    };
                    html! {
                        <li data-testid="builder-step">{text.line}
                            if !timed { {" "}<button class="link" aria-label={format!("Remove step {}", i + 1)} onclick={on_remove}>{"remove"}</button> }
                            if let Some(detail) = text.detail {
                                <details class="builder-step-text"><summary>{"Show the text"}</summary>
                                    <pre tabindex="0" aria-label={format!("Text deployed by step {}", i + 1)}>{detail}</pre></details>
                            }
                        </li>
                    }
                });
                html! {
                    <>
                        <p class="muted">{format!("Start state: the sandbox at {} ({} earlier action(s) replayed). Reference solution:", Clock(r.start), r.setup.iter().filter(|a| a["action"] != "runUntil").count())}</p>
                        <ol class="builder-steps" data-testid="builder-steps">{ for items }</ol>
                    </>
                }
            });
            html! {
                <div>
                    {steps.unwrap_or_else(|| html! { <p class="muted">{"Set the sandbox up as the learner should find it (scenario, time, earlier actions), then start recording and solve the exercise yourself."}</p> })}
                    <button data-testid="builder-start" onclick={on_start}>{if recorded.is_some() { "Record again from here" } else { "Start recording here" }}</button>
                </div>
            }
        }
    };

    // 2. Goals
    let goals = draft.goals.iter().enumerate().map(|(i, g)| {
        let on_remove = {
            let edit = edit.clone();
            Callback::from(move |_: MouseEvent| {
                edit(Box::new(move |d: &mut Draft| {
                    if i < d.goals.len() {
                        d.goals.remove(i);
                    }
                }))
            })
        };
        html! { <li data-testid="builder-goal">{builder::goal_label(g)}{" "}<button class="link" aria-label={format!("Remove goal {}", i + 1)} onclick={on_remove}>{"remove"}</button></li> }
    });
    let offered = suggestions.iter().filter(|s| !draft.goals.contains(&s.goal)).map(|s| {
        let on_add = {
            let edit = edit.clone();
            let goal = s.goal.clone();
            Callback::from(move |_: MouseEvent| {
                let goal = goal.clone();
                edit(Box::new(move |d: &mut Draft| d.goals.push(goal.clone())))
            })
        };
        let note = s.note.map(|n| n.text());
        html! {
            <li data-testid="builder-suggestion" data-note={note.map(|n| n.split(':').next().unwrap_or("").to_string())}>{s.label.clone()}{" "}
                if let Some(n) = note { <span class="muted builder-note">{format!("({n}) ")}</span> }
                <button onclick={on_add}>{"Make this a goal"}</button></li>
        }
    });
    let on_goal_text = {
        let goal_text = goal_text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                goal_text.set(t.value());
            }
        })
    };
    let on_add_goal = {
        let edit = edit.clone();
        let goal_text = goal_text.clone();
        let goal_error = goal_error.clone();
        Callback::from(move |_: MouseEvent| match builder::goal_from_text(&goal_text) {
            Ok(g) => {
                edit(Box::new(move |d: &mut Draft| d.goals.push(g.clone())));
                goal_text.set(String::new());
                goal_error.set(None);
            }
            Err(e) => goal_error.set(Some(e)),
        })
    };

    // 3. Words
    let text_input = |f: fn(&mut Draft, String)| {
        let edit = edit.clone();
        Callback::from(move |e: InputEvent| {
            let Some(t) = e.target() else { return };
            let v = if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
                i.value()
            } else if let Some(a) = t.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                a.value()
            } else {
                return;
            };
            edit(Box::new(move |d: &mut Draft| f(d, v.clone())))
        })
    };
    let on_title = text_input(|d, v| d.title = v);
    let on_id = text_input(|d, v| d.id = v);
    let on_prose = text_input(|d, v| d.prose = v);
    let on_hints = text_input(|d, v| d.hints = v.lines().map(str::to_string).collect());
    let on_max = text_input(|d, v| d.max_instances = v.trim().parse().ok());
    let on_max_desired = text_input(|d, v| d.max_desired_count = v.trim().parse().ok());
    let on_types = text_input(|d, v| d.instance_types = v);
    let on_kind = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                let v = s.value();
                edit(Box::new(move |d: &mut Draft| d.kind = v.clone()))
            }
        })
    };
    let action_box = |name: &'static str| {
        let checked = draft.disabled_actions.iter().any(|d| d == name);
        let onchange = {
            let edit = edit.clone();
            let name = name.to_string();
            Callback::from(move |_: Event| {
                let name = name.clone();
                edit(Box::new(move |d: &mut Draft| {
                    if let Some(i) = d.disabled_actions.iter().position(|x| *x == name) {
                        d.disabled_actions.remove(i);
                    } else {
                        d.disabled_actions.push(name.clone());
                    }
                }))
            })
        };
        html! { <label class="check"><input type="checkbox" {checked} {onchange} data-testid={format!("builder-disable-{name}")} />{format!(" {name}")}</label> }
    };
    let disabled = builder::action_groups(words.kube).into_iter().map(|(heading, names)| {
        html! {
            <fieldset class="builder-disabled" data-testid="builder-action-group"><legend>{heading}</legend>{ for names.into_iter().map(action_box) }</fieldset>
        }
    });
    let kubectl_boxes = KUBECTL_COMMANDS.iter().map(|cmd| {
        let checked = draft.kubectl.iter().any(|d| d == cmd);
        let onchange = {
            let edit = edit.clone();
            let cmd = cmd.to_string();
            Callback::from(move |_: Event| {
                let cmd = cmd.clone();
                edit(Box::new(move |d: &mut Draft| {
                    if let Some(i) = d.kubectl.iter().position(|x| *x == cmd) {
                        d.kubectl.remove(i);
                    } else {
                        d.kubectl.push(cmd.clone());
                    }
                }))
            })
        };
        html! { <label class="check"><input type="checkbox" {checked} {onchange} data-testid={format!("builder-kubectl-{}", cmd.replace(' ', "-"))} />{format!(" {cmd}")}</label> }
    });
    let on_preview = {
        let preview = preview.clone();
        Callback::from(move |_: MouseEvent| preview.set(!*preview))
    };

    // 4. Check and share
    let on_check = {
        let draft = draft.clone();
        let report = report.clone();
        Callback::from(move |_: MouseEvent| {
            report.set(Some(match builder::check(&draft) {
                Ok(c) => (c.ready(), c.text()),
                Err(e) => (false, e),
            }))
        })
    };
    let on_download = {
        let draft = draft.clone();
        let said = said.clone();
        let mark_kept = mark_kept.clone();
        Callback::from(move |_: MouseEvent| match builder::lesson_text(&draft).and_then(|t| super::lessons::download(&file_name(&draft.id), &t)) {
            Ok(()) => {
                mark_kept();
                said.set(Some((false, format!("Saved as {}. Put it in a chapter folder under lessons/ and list it in lessons/index.json, or open it from Lessons → Open a lesson file.", file_name(&draft.id)))));
            }
            Err(e) => said.set(Some((true, format!("The lesson could not be saved: {e}.")))),
        })
    };
    let on_share = {
        let draft = draft.clone();
        let link = link.clone();
        let said = said.clone();
        let mark_kept = mark_kept.clone();
        Callback::from(move |_: MouseEvent| match builder::lesson_text(&draft).and_then(|t| builder::encode_lesson_link(&t)) {
            Ok(p) => {
                mark_kept();
                link.set(Some(format!("{}#lesson={p}", super::share::page_address())));
            }
            Err(e) => said.set(Some((true, format!("The lesson cannot be shared as a link: {e}.")))),
        })
    };
    let on_discard = {
        let draft = draft.clone();
        let said = said.clone();
        let suggestions = suggestions.clone();
        Callback::from(move |_: MouseEvent| {
            let sure = web_sys::window().and_then(|w| w.confirm_with_message("Discard this lesson draft? Its recording, goals and text are deleted.").ok()).unwrap_or(false);
            if sure {
                draft.set(Draft::default());
                suggestions.set(Vec::new());
                said.set(Some((false, "The draft was discarded.".to_string())));
            }
        })
    };

    let hints_text = draft.hints.join("\n");
    let max_text = draft.max_instances.map(|n| n.to_string()).unwrap_or_default();
    let max_desired_text = draft.max_desired_count.map(|n| n.to_string()).unwrap_or_default();
    let types_error = builder::instance_types(&draft.instance_types).err();
    let ecs_limits = html! {
        <>
            <label class="field">{"At most this many container instances after addInstances (empty: no limit) "}
                <input type="number" min="1" data-testid="builder-max-instances" value={max_text} oninput={on_max} /></label>
            <label class="field">{"Highest desired count a service may be given (empty: no limit) "}
                <input type="number" min="0" data-testid="builder-max-desired" value={max_desired_text} oninput={on_max_desired} /></label>
            <label class="field">{"Instance types the learner may add (commas between them; empty: any)"}
                <input type="text" data-testid="builder-instance-types" value={draft.instance_types.clone()} oninput={on_types}
                    placeholder="t3.small, t3.medium" spellcheck="false" aria-invalid={types_error.is_some().to_string()} /></label>
            if let Some(e) = types_error { <p class="error" role="alert" data-testid="builder-instance-types-error">{e}</p> }
        </>
    };
    let kubectl_limits = html! {
        <fieldset class="builder-disabled" data-testid="builder-kubectl"><legend>{"kubectl commands the learner may use (none ticked: any)"}</legend>{ for kubectl_boxes }</fieldset>
    };
    let (example_goal, goal_placeholder) = if words.kube {
        ("web has 3 ready pods", "{\"deployment\": \"web\", \"ready\": {\">=\": 3}}")
    } else {
        ("web has 9 running tasks", "{\"service\": \"web\", \"running\": {\">=\": 6}}")
    };
    html! {
        <section class="builder" data-testid="builder" aria-label="Lesson builder">
            <p class="muted">{"Turn what you do in this sandbox into an exercise: record the solution, pick goals, write the words, check, then save or share it."}</p>
            if let Some((error, text)) = &*said {
                <p class={if *error { "error" } else { "ok" }} role={if *error { "alert" } else { "status" }} data-testid="builder-said">{text.clone()}</p>
            }
            <h3>{"1. Record the solution"}</h3>
            {recording_view}
            <h3>{"2. Goals"}</h3>
            if draft.goals.is_empty() {
                <p class="muted">{format!("No goals yet. A goal describes the outcome, not the path: \"{example_goal}\", not \"click here\".")}</p>
            } else {
                <ol class="builder-goals" data-testid="builder-goals">{ for goals }</ol>
            }
            <button data-testid="builder-suggest" onclick={on_suggest}>{"Suggest goals from the cluster now"}</button>
            if !suggestions.is_empty() {
                <ul class="builder-suggestions" data-testid="builder-suggestions">{ for offered }</ul>
            }
            <details class="builder-goal-text">
                <summary>{"Write a goal in the goal language"}</summary>
                <textarea rows="3" aria-label="Goal (JSON)" data-testid="builder-goal-text" value={(*goal_text).clone()} oninput={on_goal_text}
                    placeholder={goal_placeholder} spellcheck="false" />
                <button data-testid="builder-add-goal" onclick={on_add_goal}>{"Add goal"}</button>
                if let Some(e) = &*goal_error { <pre class="error" role="alert" data-testid="builder-goal-error">{e.clone()}</pre> }
            </details>
            <h3>{"3. Words and rules"}</h3>
            <label class="field">{"Title"}<input type="text" data-testid="builder-title" value={draft.title.clone()} oninput={on_title} /></label>
            <label class="field">{"Id"}<input type="text" data-testid="builder-id" value={draft.id.clone()} oninput={on_id} />
                <span class="muted">{" lowercase, e.g. scaling/add-capacity"}</span></label>
            <label class="field">{"Kind "}
                <select data-testid="builder-kind" onchange={on_kind}>
                    { for KINDS.iter().map(|k| html! { <option value={*k} selected={draft.kind == *k}>{kind_text(k)}</option> }) }
                </select></label>
            <label class="field">{"What the learner reads (Markdown)"}
                <textarea rows="6" data-testid="builder-prose" value={draft.prose.clone()} oninput={on_prose} /></label>
            <button class="link" onclick={on_preview} aria-pressed={preview.to_string()}>{if *preview { "Hide preview" } else { "Preview" }}</button>
            if *preview { <div class="prose builder-preview" data-testid="builder-preview">{super::lessons::render_markdown(&draft.prose)}</div> }
            <label class="field">{"Hints, one per line, gentlest first"}
                <textarea rows="3" data-testid="builder-hints" value={hints_text} oninput={on_hints} /></label>
            <h4>{"Actions the learner may not use"}</h4>
            { for disabled }
            <h4>{"Limits"}</h4>
            if words.kube {
                {kubectl_limits}
                <details class="builder-ecs-limits"><summary>{format!("ECS limits (they refuse ECS actions only; this scenario's {} and {} are changed with kubectl)", words.tasks(), words.nodes())}</summary>{ecs_limits}</details>
            } else {
                {ecs_limits}
                <details class="builder-ecs-limits" open={!draft.kubectl.is_empty()}><summary>{"kubectl commands (Kubernetes scenarios only)"}</summary>{kubectl_limits}</details>
            }
            <h3>{"4. Check, save, share"}</h3>
            <div class="builder-actions">
                <button data-testid="builder-check" onclick={on_check}>{"Check the lesson"}</button>
                <button data-testid="builder-download" onclick={on_download}>{"Download lesson file"}</button>
                <button data-testid="builder-share" onclick={on_share}>{"Share as link"}</button>
                <button class="link" data-testid="builder-discard" onclick={on_discard}>{"Discard draft"}</button>
            </div>
            if let Some((ok, text)) = &*report {
                <pre class={if *ok { "builder-report ok" } else { "builder-report error" }} data-testid="builder-report" role="status"
                    tabindex="0" aria-label="Result of the lesson check">{text.clone()}</pre>
            }
            if let Some(l) = &*link {
                <p class="builder-link">{"Anyone who opens this link gets the exercise (nothing is uploaded: the lesson is in the link). "}
                    <a href={l.clone()} target="_blank" rel="noopener" data-testid="builder-try">{"Try it"}</a></p>
                <input type="text" readonly=true class="share-link" aria-label="Lesson link" data-testid="builder-link" value={l.clone()} />
            }
        </section>
    }
}

fn kind_text(k: &str) -> &'static str {
    match k {
        "do" => "do: reach the goals",
        "fix" => "fix: repair a broken start",
        _ => "sandbox: free play",
    }
}

/// `scaling/add-capacity` → `add-capacity.json`.
fn file_name(id: &str) -> String {
    let last = id.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or("lesson");
    format!("{last}.json")
}

/// Whether a scenario's text is Kubernetes, parsed only when the text changed since last time.
fn cached_kube(cache: &std::rc::Rc<std::cell::RefCell<(String, bool)>>, scenario: &str) -> bool {
    let mut c = cache.borrow_mut();
    if c.0 != scenario {
        *c = (scenario.to_string(), builder::is_kube_scenario(scenario));
    }
    c.1
}
