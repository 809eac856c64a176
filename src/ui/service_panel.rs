//! The Services tab: each service's deployment settings (minimum healthy and maximum percent,
//! the circuit breaker, a forced redeploy), "Create service" and "Run task". The fields are
//! turned into commands by `shell::forms` (pure, tested natively); this component only keeps
//! what the learner is typing and shows what happened.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::sim::Command;
use crate::engine::snapshot::{ServiceView, Snapshot};
use crate::shell::forms::{self, DeploymentForm, RunTaskForm, ServiceForm, STRATEGIES};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<Snapshot>,
    /// Sends a command; `Err` carries the engine's message.
    pub on_command: Callback<Command, Result<(), String>>,
    /// Commands a lesson forbids (by action name: `createService`, `runTask`, `updateService`).
    #[prop_or_default]
    pub disabled: Vec<String>,
}

/// The outcome line under a form.
#[derive(Clone, PartialEq)]
enum Said {
    Nothing,
    Done(String),
    Wrong(String),
}

fn said(s: &Said, testid: &'static str) -> Html {
    match s {
        Said::Nothing => html! {},
        Said::Done(t) => html! { <p class="ok" role="status" data-testid={testid}>{t.clone()}</p> },
        Said::Wrong(t) => html! { <p class="error" role="alert" data-testid={testid}>{t.clone()}</p> },
    }
}

fn value_of(e: &Event) -> Option<String> {
    let t = e.target()?;
    if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
        return Some(if i.type_() == "checkbox" { i.checked().to_string() } else { i.value() });
    }
    t.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value())
}

/// A callback that updates one field of a form kept in a `UseStateHandle`.
fn field<F: Clone + 'static>(state: &UseStateHandle<F>, set: fn(&mut F, String)) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        if let Some(v) = value_of(&e) {
            let mut f = (*state).clone();
            set(&mut f, v);
            state.set(f);
        }
    })
}

/// The same, for text and number fields (every keystroke, so Enter submits what was typed).
fn typed<F: Clone + 'static>(state: &UseStateHandle<F>, set: fn(&mut F, String)) -> Callback<InputEvent> {
    field(state, set).reform(Event::from)
}

/// Task definitions a form can name: each family (its latest revision) and every revision.
fn task_definition_options(s: &Snapshot) -> Vec<String> {
    let mut families: Vec<String> = Vec::new();
    for k in &s.task_definitions {
        let f = k.rsplit_once(':').map_or(k.as_str(), |(f, _)| f).to_string();
        if !families.contains(&f) {
            families.push(f);
        }
    }
    families.into_iter().chain(s.task_definitions.iter().cloned()).collect()
}

fn launch_types(s: &Snapshot) -> Vec<&'static str> {
    if s.fargate_zones.is_empty() {
        vec!["EC2"]
    } else if s.instances.is_empty() {
        vec!["FARGATE", "EC2"]
    } else {
        vec!["EC2", "FARGATE"]
    }
}

fn select(testid: &'static str, label: &'static str, options: Vec<(String, String)>, current: &str, onchange: Callback<Event>, disabled: bool) -> Html {
    html! {
        <label class="field">{label}{" "}
            <select data-testid={testid} {onchange} {disabled}>
                { for options.into_iter().map(|(v, text)| html! { <option value={v.clone()} selected={v == current}>{text}</option> }) }
            </select>
        </label>
    }
}

#[function_component(ServicePanel)]
pub fn service_panel(props: &Props) -> Html {
    let s = &props.snapshot;
    let off = |a: &str| props.disabled.iter().any(|d| d == a);
    let tds = task_definition_options(s);
    let launches = launch_types(s);

    let create = use_state(|| ServiceForm { desired: "2".into(), strategy: "default".into(), ..Default::default() });
    let create_said = use_state(|| Said::Nothing);
    let run = use_state(|| RunTaskForm { count: "1".into(), strategy: "default".into(), ..Default::default() });
    let run_said = use_state(|| Said::Nothing);

    // Defaults that follow the cluster: the first task definition and launch type.
    let create_form = {
        let mut f = (*create).clone();
        if f.task_definition.is_empty() || !tds.contains(&f.task_definition) {
            f.task_definition = tds.first().cloned().unwrap_or_default();
        }
        if f.launch_type.is_empty() {
            f.launch_type = launches[0].to_string();
        }
        f
    };
    let run_form = {
        let mut f = (*run).clone();
        if f.task_definition.is_empty() || !tds.contains(&f.task_definition) {
            f.task_definition = tds.first().cloned().unwrap_or_default();
        }
        if f.launch_type.is_empty() {
            f.launch_type = launches[0].to_string();
        }
        f
    };

    let on_create = {
        let cb = props.on_command.clone();
        let said = create_said.clone();
        let f = create_form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            said.set(match forms::create_service(&f) {
                Err(e) => Said::Wrong(e.to_string()),
                Ok(cmd) => match cb.emit(cmd) {
                    Ok(()) => Said::Done(format!("Created service {}: the scheduler is placing {} task(s).", f.name.trim(), f.desired.trim())),
                    Err(e) => Said::Wrong(format!("Not created: {e}")),
                },
            });
        })
    };
    let on_run = {
        let cb = props.on_command.clone();
        let said = run_said.clone();
        let f = run_form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            said.set(match forms::run_task(&f) {
                Err(e) => Said::Wrong(e.to_string()),
                Ok(cmd) => match cb.emit(cmd) {
                    Ok(()) => Said::Done(format!("Started {} standalone task(s) of {}.", f.count.trim(), f.task_definition)),
                    Err(e) => Said::Wrong(format!("Not started: {e}")),
                },
            });
        })
    };
    let strategy_options = || STRATEGIES.iter().map(|(k, t)| (k.to_string(), t.to_string())).collect::<Vec<_>>();
    let td_options = tds.iter().map(|t| (t.clone(), if t.contains(':') { t.clone() } else { format!("{t} (latest)") })).collect::<Vec<_>>();
    let launch_options = launches.iter().map(|l| (l.to_string(), l.to_string())).collect::<Vec<_>>();
    let no_tds = tds.is_empty();

    html! {
        <section class="service-panel" aria-label="Services" data-testid="service-panel">
            <h2>{"Services"}</h2>
            if s.services.is_empty() {
                <p class="muted">{"No services yet. Create one below, or run standalone tasks."}</p>
            }
            { for s.services.iter().map(|v| html! { <ServiceSettings key={v.name.clone()} view={v.clone()} on_command={props.on_command.clone()} disabled={off("updateService")} /> }) }

            <details class="svc-form" data-testid="create-service" open={s.services.is_empty()}>
                <summary>{"Create service"}</summary>
                <form onsubmit={on_create} aria-label="Create service" novalidate=true>
                    <label class="field">{"Service name "}
                        <input type="text" data-testid="create-service-name" value={create_form.name.clone()} oninput={typed(&create, |f, v| f.name = v)} disabled={off("createService")} required=true />
                    </label>
                    {select("create-service-taskdef", "Task definition", td_options.clone(), &create_form.task_definition, field(&create, |f, v| f.task_definition = v), off("createService") || no_tds)}
                    <label class="field">{"Desired count "}
                        <input type="number" min="0" max="1000" data-testid="create-service-desired" value={create_form.desired.clone()} oninput={typed(&create, |f, v| f.desired = v)} disabled={off("createService")} />
                    </label>
                    {select("create-service-launch", "Launch type", launch_options.clone(), &create_form.launch_type, field(&create, |f, v| f.launch_type = v), off("createService"))}
                    {select("create-service-strategy", "Placement strategy", strategy_options(), &create_form.strategy, field(&create, |f, v| f.strategy = v), off("createService"))}
                    <label class="field check"><input type="checkbox" data-testid="create-service-distinct" checked={create_form.distinct_instance} onchange={field(&create, |f, v| f.distinct_instance = v == "true")} disabled={off("createService")} />{" distinctInstance (at most one task per instance)"}</label>
                    <label class="field wide">{"memberOf expression (optional) "}
                        <input type="text" data-testid="create-service-memberof" placeholder="attribute:ecs.instance-type =~ t3.*" value={create_form.member_of.clone()} oninput={typed(&create, |f, v| f.member_of = v)} disabled={off("createService")} />
                    </label>
                    <button type="submit" class="primary" data-testid="create-service-submit" disabled={off("createService") || no_tds}>{"Create service"}</button>
                    if no_tds {
                        <p class="muted">{"Deploy a task definition from the Editor tab first."}</p>
                    }
                    {said(&create_said, "create-service-result")}
                </form>
            </details>

            <details class="svc-form" data-testid="run-task">
                <summary>{"Run task (standalone)"}</summary>
                <form onsubmit={on_run} aria-label="Run task" novalidate=true>
                    {select("run-task-taskdef", "Task definition", td_options, &run_form.task_definition, field(&run, |f, v| f.task_definition = v), off("runTask") || no_tds)}
                    <label class="field">{"Count (1–10) "}
                        <input type="number" min="1" max="10" data-testid="run-task-count" value={run_form.count.clone()} oninput={typed(&run, |f, v| f.count = v)} disabled={off("runTask")} />
                    </label>
                    {select("run-task-launch", "Launch type", launch_options, &run_form.launch_type, field(&run, |f, v| f.launch_type = v), off("runTask"))}
                    {select("run-task-strategy", "Placement strategy", strategy_options(), &run_form.strategy, field(&run, |f, v| f.strategy = v), off("runTask"))}
                    <button type="submit" class="primary" data-testid="run-task-submit" disabled={off("runTask") || no_tds}>{"Run task"}</button>
                    <p class="muted">{"Standalone tasks are not replaced when they stop: that is what services are for."}</p>
                    {said(&run_said, "run-task-result")}
                </form>
            </details>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SettingsProps {
    view: ServiceView,
    on_command: Callback<Command, Result<(), String>>,
    disabled: bool,
}

/// One service's deployment settings. Keeps the draft while the learner types (the play loop
/// re-renders often) and starts again from the service's settings after each apply.
#[function_component(ServiceSettings)]
fn service_settings(props: &SettingsProps) -> Html {
    let v = &props.view;
    let draft = {
        let f = DeploymentForm::from_config(&v.deployment);
        use_state(move || f)
    };
    let result = use_state(|| Said::Nothing);
    {
        let draft = draft.clone();
        use_effect_with(v.deployment.clone(), move |c| draft.set(DeploymentForm::from_config(c)));
    }
    let apply = |force: bool| {
        let cb = props.on_command.clone();
        let draft = draft.clone();
        let result = result.clone();
        let name = v.name.clone();
        Callback::from(move |_: MouseEvent| {
            result.set(match forms::update_deployment(&name, &draft, force) {
                Err(e) => Said::Wrong(e.to_string()),
                Ok(cmd) => match cb.emit(cmd) {
                    Ok(()) if force => Said::Done("Saved; a new deployment replaces every task within these limits.".into()),
                    Ok(()) => Said::Done("Saved: the next deployment uses these limits.".into()),
                    Err(e) => Said::Wrong(format!("Not saved: {e}")),
                },
            });
        })
    };
    let code_deploy = v.controller == "CODE_DEPLOY";
    let bounds = forms::bounds_text(v.desired, &draft);
    let id = |what: &str| format!("svc-{}-{what}", v.name);
    html! {
        <details class="svc-settings" data-testid={format!("service-{}", v.name)}>
            <summary>
                <strong>{v.name.clone()}</strong>{format!(" · {} · {}/{} running · {}", v.task_definition, v.running, v.desired, if v.rollout_state.is_empty() { "no deployment" } else { v.rollout_state.as_str() })}
            </summary>
            if code_deploy {
                <p class="muted">{"A blue/green (CODE_DEPLOY) service: deployments shift traffic between two task sets; the rolling-update limits below do not apply."}</p>
            }
            <div class="svc-grid" role="group" aria-label={format!("Deployment settings of {}", v.name)}>
                <label class="field" for={id("min")}>{"Minimum healthy % "}</label>
                <input id={id("min")} type="number" min="0" max="100" data-testid={id("min")} value={draft.minimum_healthy_percent.clone()} oninput={typed(&draft, |f, x| f.minimum_healthy_percent = x)} disabled={props.disabled || code_deploy} />
                <label class="field" for={id("max")}>{"Maximum % "}</label>
                <input id={id("max")} type="number" min="100" max="1000" data-testid={id("max")} value={draft.maximum_percent.clone()} oninput={typed(&draft, |f, x| f.maximum_percent = x)} disabled={props.disabled || code_deploy} />
            </div>
            if let Some(b) = bounds {
                <p class="muted" data-testid={id("bounds")}>{b}</p>
            }
            <label class="field check"><input type="checkbox" data-testid={id("breaker")} checked={draft.circuit_breaker} onchange={field(&draft, |f, x| f.circuit_breaker = x == "true")} disabled={props.disabled || code_deploy} />{" Deployment circuit breaker"}</label>
            <label class="field check"><input type="checkbox" data-testid={id("rollback")} checked={draft.rollback} onchange={field(&draft, |f, x| f.rollback = x == "true")} disabled={props.disabled || code_deploy} />{" Roll back when it trips"}</label>
            <div class="editor-actions">
                <button data-testid={id("apply")} onclick={apply(false)} disabled={props.disabled || code_deploy}>{"Save settings"}</button>
                <button data-testid={id("redeploy")} onclick={apply(true)} disabled={props.disabled || code_deploy} title="Force a new deployment of the same task definition (replaces every task)">{"Save and redeploy"}</button>
            </div>
            {said(&result, "service-settings-result")}
        </details>
    }
}
