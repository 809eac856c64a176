//! The Services tab: the kubectl console (Kubernetes scenarios), each service's deployment
//! settings (minimum healthy and maximum percent, the circuit breaker, a forced redeploy, its
//! placement strategy and constraints, Service Auto Scaling),
//! Auto Scaling groups (set desired capacity) and capacity providers ("Create capacity
//! provider"), "Create service" (with a capacity provider strategy, grace period and load
//! balancer) and "Run task". The fields are turned into commands by `shell::forms` (pure, tested
//! natively); this component only keeps what the learner is typing and shows what happened.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::event::Event as LogEvent;
use crate::engine::sim::Command;
use crate::engine::snapshot::{GroupView, ServiceView, Snapshot};
use crate::shell::forms::{self, AutoScalingForm, CapacityProviderForm, DeploymentForm, KubectlForm, PlacementForm, RunTaskForm, ServiceForm, StrategyRow, DEPLOYMENT_TYPES, SCALING_METRICS, STRATEGIES};

#[derive(Properties)]
pub struct Props {
    pub snapshot: Rc<Snapshot>,
    /// Sends a command; `Err` carries the engine's message.
    pub on_command: Callback<Command, Result<Vec<LogEvent>, String>>,
    /// Commands a lesson forbids (by action name: `createService`, `runTask`, `updateService`).
    #[prop_or_default]
    pub disabled: Vec<String>,
    /// Why the panel's actions are off for now (a prediction not made yet), said at its top.
    #[prop_or_default]
    pub off_note: Option<AttrValue>,
    /// `kubectl describe`, answered from the snapshot and the engine's event log (the page owns
    /// the log); `None` leaves describe to the engine, which refuses it.
    #[prop_or_default]
    pub describe: Option<Callback<String, Option<Result<String, String>>>>,
}

/// The snapshot compares by pointer (the page hands over a new one only when the engine changed).
/// `describe` is left out: the page makes a new one each render, but with the same snapshot it
/// answers the same (it reads the event log at call time, up to the snapshot's time).
impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &o.snapshot) && self.on_command == o.on_command && self.disabled == o.disabled && self.off_note == o.off_note
    }
}

/// The outcome line under a form.
#[derive(Clone, PartialEq)]
enum Said {
    Nothing,
    Done(String),
    Wrong(String),
    /// What a read-only kubectl command printed (a table, kept as text).
    Output(String),
    /// Done, with warnings (kubectl's `Warning: ...` lines): wrapped, not a table.
    Warned(String),
}

fn said(s: &Said, testid: &'static str) -> Html {
    match s {
        Said::Nothing => html! {},
        Said::Done(t) => html! { <p class="ok" role="status" data-testid={testid}>{t.clone()}</p> },
        Said::Wrong(t) => html! { <p class="error" role="alert" data-testid={testid}>{t.clone()}</p> },
        // Focusable, so a wide table can be scrolled with the keyboard.
        Said::Output(t) => html! { <pre class="kubectl-output" role="status" tabindex="0" aria-label="kubectl output" data-testid={testid}>{t.clone()}</pre> },
        Said::Warned(t) => html! { <p class="warn" role="status" data-testid={testid}>{t.clone()}</p> },
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

/// `field` with a closure (for rows addressed by index).
fn field_with<F: Clone + 'static>(state: &UseStateHandle<F>, set: impl Fn(&mut F, String) + 'static) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        if let Some(v) = value_of(&e) {
            let mut f = (*state).clone();
            set(&mut f, v);
            state.set(f);
        }
    })
}

/// A textarea's text as the learner types.
fn textarea_input<F: Clone + 'static>(state: &UseStateHandle<F>, set: fn(&mut F, String)) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
            let mut f = (*state).clone();
            set(&mut f, t.value());
            state.set(f);
        }
    })
}

/// Providers a service's strategy can name: the cluster's, then Fargate's when it has Fargate.
fn provider_options(s: &Snapshot) -> Vec<String> {
    let mut out: Vec<String> = s.capacity_providers.iter().map(|p| p.name.clone()).collect();
    if !s.fargate_zones.is_empty() {
        out.push("FARGATE".into());
        out.push("FARGATE_SPOT".into());
    }
    out
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

/// Calls between Kubernetes Services (a load's `calls`): how many, and what NetworkPolicies let
/// through (`shell::kube_view::call_rows`).
fn calls_table(calls: &[crate::engine::k8s::calls::CallView]) -> Html {
    let rows = crate::shell::kube_view::call_rows(calls);
    html! {
        <section class="svc-calls" data-testid="kube-calls" aria-label="Calls between Services">
            <h3>{"Calls between Services"}</h3>
            <table class="cv-small-table">
                <thead><tr><th scope="col">{"from → to"}</th><th scope="col">{"calls"}</th><th scope="col">{"what happens"}</th></tr></thead>
                <tbody>
                    { for rows.into_iter().map(|r| html! {
                        <tr data-testid="kube-call" data-blocked={r.blocked.to_string()} class={classes!(r.blocked.then_some("blocked"))}>
                            <th scope="row">{r.route}</th>
                            <td class="cv-num">{r.rate}</td>
                            <td>{r.outcome}{ for r.why.into_iter().map(|w| html! { <div class="why">{w}</div> }) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
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
                    Ok(_) => Said::Done(format!("Created service {}: the scheduler is placing {} task(s).", f.name.trim(), f.desired.trim())),
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
                    Ok(_) => Said::Done(format!("Started {} standalone task(s) of {}.", f.count.trim(), f.task_definition)),
                    Err(e) => Said::Wrong(format!("Not started: {e}")),
                },
            });
        })
    };
    let providers = provider_options(s);
    let add_row = {
        let create = create.clone();
        let first = providers.first().cloned().unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let mut f = (*create).clone();
            f.capacity_providers.push(StrategyRow { provider: first.clone(), base: String::new(), weight: "1".into() });
            create.set(f);
        })
    };
    let strategy_options = || STRATEGIES.iter().map(|(k, t)| (k.to_string(), t.to_string())).collect::<Vec<_>>();
    let td_options = tds.iter().map(|t| (t.clone(), if t.contains(':') { t.clone() } else { format!("{t} (latest)") })).collect::<Vec<_>>();
    let launch_options = launches.iter().map(|l| (l.to_string(), l.to_string())).collect::<Vec<_>>();
    let no_tds = tds.is_empty();
    // A Kubernetes-only scenario (no task definitions, no services) shows just the console.
    let ecs_shown = s.kube.is_none() || !s.task_definitions.is_empty() || !s.services.is_empty();

    // Kubernetes has Deployments and kubectl, not services: a Kubernetes-only scenario's panel is
    // its workloads.
    let heading = match (&s.kube, ecs_shown) {
        (None, _) => "Services",
        (Some(_), false) => "Workloads",
        (Some(_), true) => "Services and workloads",
    };
    html! {
        <section class="service-panel" aria-label={heading} data-testid="service-panel">
            <h2 data-testid="service-panel-heading">{heading}</h2>
            if let Some(note) = &props.off_note {
                <p class="muted" role="note" data-testid="panel-off-note">{note.clone()}</p>
            }
            if let Some(k) = &s.kube {
                <KubectlConsole read={read_only_kubectl(&props.snapshot, props.describe.clone())} said={kubectl_said(&props.snapshot)} deployments={k.deployments.iter().map(|d| format!("{} {}/{}", d.name, d.ready, d.desired)).collect::<Vec<_>>()} nodes={k.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>()} example={k.deployments.first().map_or("web", |d| d.name.as_str()).to_string()} on_command={props.on_command.clone()} disabled={off("kubectl")} />
                if !k.calls.is_empty() {
                    { calls_table(&k.calls) }
                }
            }
            if ecs_shown && s.services.is_empty() {
                <p class="muted">{"No services yet. Create one below, or run standalone tasks."}</p>
            }
            { for s.services.iter().map(|v| html! { <ServiceSettings key={v.name.clone()} view={v.clone()} on_command={props.on_command.clone()} disabled={off("updateService")} scaling_disabled={off("putAutoScaling")} /> }) }

            if !s.groups.is_empty() {
                <Capacity snapshot={s.clone()} on_command={props.on_command.clone()} resize_off={off("setDesiredCapacity")} create_off={off("createCapacityProvider")} />
            }

            if ecs_shown {
                <details class="svc-form" data-testid="create-service" open={s.services.is_empty()}>
                    <summary>{"Create service"}</summary>
                    <form onsubmit={on_create} aria-label="Create service" novalidate=true>
                        <label class="field">{"Service name "}
                            <input type="text" data-testid="create-service-name" value={create_form.name.clone()} oninput={typed(&create, |f, v| f.name = v)} disabled={off("createService")} required=true />
                        </label>
                        {select("create-service-taskdef", "Task definition", td_options.clone(), &create_form.task_definition, field(&create, |f, v| f.task_definition = v), off("createService") || no_tds)}
                        <label class="field">{"Desired count "}
                            <input type="number" min="0" max={forms::MAX_FORM_DESIRED.to_string()} data-testid="create-service-desired" value={create_form.desired.clone()} oninput={typed(&create, |f, v| f.desired = v)} disabled={off("createService")} />
                        </label>
                        if create_form.capacity_providers.is_empty() {
                            {select("create-service-launch", "Launch type", launch_options.clone(), &create_form.launch_type, field(&create, |f, v| f.launch_type = v), off("createService"))}
                        } else {
                            <p class="muted" data-testid="create-service-launch-note">{"Launch type: omitted. A service uses a launch type or a capacity provider strategy, not both; the strategy below decides."}</p>
                        }
                        <fieldset class="cps" data-testid="create-service-cps">
                            <legend>{"Capacity provider strategy (optional)"}</legend>
                            if providers.is_empty() {
                                <p class="muted">{"This cluster has no capacity providers: create one for an Auto Scaling group below (Fargate clusters offer FARGATE and FARGATE_SPOT)."}</p>
                            }
                            { for create_form.capacity_providers.iter().enumerate().map(|(i, r)| cps_row(i, r, &providers, &create, off("createService"))) }
                            if !providers.is_empty() && create_form.capacity_providers.len() < 6 {
                                <button type="button" data-testid="create-service-cps-add" onclick={add_row} disabled={off("createService")}>{"Add provider"}</button>
                            }
                            if create_form.capacity_providers.len() > 1 {
                                <p class="muted">{"Only one provider may have a base; beyond the bases, tasks split by weight."}</p>
                            }
                        </fieldset>
                        <label class="field">{"Health check grace period (seconds, optional) "}
                            <input type="number" min="0" data-testid="create-service-grace" value={create_form.grace_period.clone()} oninput={typed(&create, |f, v| f.grace_period = v)} disabled={off("createService")} />
                        </label>
                        <label class="field check"><input type="checkbox" data-testid="create-service-lb" checked={create_form.load_balancer} onchange={field(&create, |f, v| f.load_balancer = v == "true")} disabled={off("createService")} />{" Behind a load balancer (target group <name>-tg, health check / every 30 s)"}</label>
                        {select("create-service-deployment", "Deployment type", DEPLOYMENT_TYPES.iter().map(|(k, t)| (k.to_string(), t.to_string())).collect(), if create_form.deployment.is_empty() { "ECS" } else { &create_form.deployment }, field(&create, |f, v| f.deployment = v), off("createService"))}
                        if !matches!(create_form.deployment.as_str(), "" | "ECS") {
                            <p class="muted" data-testid="create-service-deployment-note">{"Blue/green (CodeDeploy): a deploy starts the new revision's tasks at full size next to the old ones, then moves traffic to them on this schedule; the old tasks stop 5 minutes after all traffic has moved. Tick the load balancer to watch requests move."}</p>
                        }
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
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SettingsProps {
    view: ServiceView,
    on_command: Callback<Command, Result<Vec<LogEvent>, String>>,
    disabled: bool,
    /// A lesson forbids `putAutoScaling`.
    scaling_disabled: bool,
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
                    Ok(_) if force => Said::Done("Saved; a new deployment replaces every task within these limits.".into()),
                    Ok(_) => Said::Done("Saved: the next deployment uses these limits.".into()),
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
            <PlacementSettings view={v.clone()} on_command={props.on_command.clone()} disabled={props.disabled} />
            <ScalingSettings view={v.clone()} on_command={props.on_command.clone()} disabled={props.scaling_disabled} />
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct PartProps {
    view: ServiceView,
    on_command: Callback<Command, Result<Vec<LogEvent>, String>>,
    disabled: bool,
}

/// A service's placement strategy and constraints (EC2 services; Fargate places tasks itself).
#[function_component(PlacementSettings)]
fn placement_settings(props: &PartProps) -> Html {
    let v = &props.view;
    let draft = {
        let f = PlacementForm::from_view(v);
        use_state(move || f)
    };
    let result = use_state(|| Said::Nothing);
    {
        let draft = draft.clone();
        let view = v.clone();
        use_effect_with((v.strategy.clone(), v.constraints.clone()), move |_| draft.set(PlacementForm::from_view(&view)));
    }
    let id = |what: &str| format!("svc-{}-{what}", v.name);
    if v.launch_type == "FARGATE" {
        return html! { <p class="muted" data-testid={id("placement-fargate")}>{"Placement: Fargate chooses where tasks run (spread across Availability Zones); strategies and constraints do not apply."}</p> };
    }
    let on_save = {
        let cb = props.on_command.clone();
        let draft = draft.clone();
        let result = result.clone();
        let name = v.name.clone();
        let rolling = v.controller != "CODE_DEPLOY";
        Callback::from(move |_: MouseEvent| {
            result.set(match forms::update_placement(&name, &draft) {
                Err(e) => Said::Wrong(e.to_string()),
                Ok(cmd) => match cb.emit(cmd) {
                    Ok(_) if rolling => Said::Done("Saved. If the placement changed, a new deployment moves every task to where it now belongs.".into()),
                    Ok(_) => Said::Done("Saved: new placements follow it (blue/green services keep their running tasks).".into()),
                    Err(e) => Said::Wrong(format!("Not saved: {e}")),
                },
            });
        })
    };
    // The current strategy is spelled out in "Now:" above; repeating it here made the select
    // too wide for the panel.
    let mut options = vec![(String::new(), if v.strategy.is_empty() { "keep: no strategy".to_string() } else { "keep the current strategy".to_string() })];
    options.extend(STRATEGIES.iter().map(|(k, t)| (k.to_string(), t.to_string())));
    html! {
        <fieldset class="svc-part" data-testid={id("placement")}>
            <legend>{"Placement"}</legend>
            <p class="muted" data-testid={id("placement-now")}>
                {format!("Now: {}", if v.strategy.is_empty() { "no strategy".to_string() } else { v.strategy.join(" → ") })}
                {format!("; {}", if v.constraints.is_empty() { "no constraints".to_string() } else { v.constraints.join(", ") })}
            </p>
            {select_with_id(id("placement-strategy"), "Strategy", options, &draft.strategy, field(&draft, |f, x| f.strategy = x), props.disabled)}
            <label class="field check"><input type="checkbox" data-testid={id("distinct")} checked={draft.distinct_instance} onchange={field(&draft, |f, x| f.distinct_instance = x == "true")} disabled={props.disabled} />{" distinctInstance: at most one of its tasks per instance"}</label>
            <label class="field wide">{"memberOf (cluster query, optional) "}
                <input type="text" data-testid={id("member-of")} placeholder="attribute:ecs.instance-type =~ t3.*" value={draft.member_of.clone()} oninput={typed(&draft, |f, x| f.member_of = x)} disabled={props.disabled} autocomplete="off" spellcheck="false" />
            </label>
            <div class="editor-actions">
                <button data-testid={id("placement-apply")} onclick={on_save} disabled={props.disabled}>{"Save placement"}</button>
            </div>
            {said(&result, "placement-result")}
        </fieldset>
    }
}

/// A service's Service Auto Scaling: off, or a range with one target-tracking policy.
#[function_component(ScalingSettings)]
fn scaling_settings(props: &PartProps) -> Html {
    let v = &props.view;
    let draft = {
        let f = AutoScalingForm::from_view(v);
        use_state(move || f)
    };
    let result = use_state(|| Said::Nothing);
    {
        let draft = draft.clone();
        let view = v.clone();
        use_effect_with(v.scaling.clone(), move |_| draft.set(AutoScalingForm::from_view(&view)));
    }
    let id = |what: &str| format!("svc-{}-{what}", v.name);
    let on_save = {
        let cb = props.on_command.clone();
        let draft = draft.clone();
        let result = result.clone();
        let name = v.name.clone();
        Callback::from(move |_: MouseEvent| {
            result.set(match forms::put_auto_scaling(&name, &draft) {
                Err(e) => Said::Wrong(e.to_string()),
                Ok(cmd) => match cb.emit(cmd) {
                    Ok(_) if draft.enabled => Said::Done(format!("Saved: between {} and {} tasks, tracking the target; the desired count was moved inside the range if it was outside.", draft.min.trim(), draft.max.trim())),
                    Ok(_) => Said::Done("Service Auto Scaling removed; the desired count stays as it is.".into()),
                    Err(e) => Said::Wrong(format!("Not saved: {e}")),
                },
            });
        })
    };
    let other_policies: Vec<String> = v.scaling.iter().flat_map(|s| s.policies.iter()).filter(|p| **p != format!("{}-{}", draft.metric, draft.target)).cloned().collect();
    let d = props.disabled;
    html! {
        <fieldset class="svc-part" data-testid={id("scaling")}>
            <legend>{"Service Auto Scaling"}</legend>
            <label class="field check"><input type="checkbox" data-testid={id("as-enabled")} checked={draft.enabled} onchange={field(&draft, |f, x| f.enabled = x == "true")} disabled={d} />{" Scale the desired count automatically"}</label>
            if draft.enabled {
                <div class="svc-grid" role="group" aria-label={format!("Auto Scaling range of {}", v.name)}>
                    <label class="field" for={id("as-min")}>{"Minimum tasks "}</label>
                    <input id={id("as-min")} type="number" min="0" data-testid={id("as-min")} value={draft.min.clone()} oninput={typed(&draft, |f, x| f.min = x)} disabled={d} />
                    <label class="field" for={id("as-max")}>{"Maximum tasks "}</label>
                    <input id={id("as-max")} type="number" min="0" data-testid={id("as-max")} value={draft.max.clone()} oninput={typed(&draft, |f, x| f.max = x)} disabled={d} />
                </div>
                {select_with_id(id("as-metric"), "Target tracking on", SCALING_METRICS.iter().map(|(k, t)| (k.to_string(), t.to_string())).collect(), &draft.metric, field(&draft, |f, x| f.metric = x), d)}
                <label class="field">{"Target value "}
                    <input type="number" min="1" step="any" data-testid={id("as-target")} value={draft.target.clone()} oninput={typed(&draft, |f, x| f.target = x)} disabled={d} />
                </label>
                if !other_policies.is_empty() {
                    <p class="muted" data-testid={id("as-replaces")}>{format!("Saving replaces its policies now in place: {}.", other_policies.join(", "))}</p>
                }
            }
            <div class="editor-actions">
                <button data-testid={id("as-apply")} onclick={on_save} disabled={d}>{"Save Auto Scaling"}</button>
            </div>
            {said(&result, "scaling-result")}
        </fieldset>
    }
}

/// [`select`] with a generated test id.
fn select_with_id(testid: String, label: &'static str, options: Vec<(String, String)>, current: &str, onchange: Callback<Event>, disabled: bool) -> Html {
    html! {
        <label class="field">{label}{" "}
            <select data-testid={testid} {onchange} {disabled}>
                { for options.into_iter().map(|(v, text)| html! { <option value={v.clone()} selected={v == current}>{text}</option> }) }
            </select>
        </label>
    }
}

/// One capacity provider strategy row of "Create service".
fn cps_row(i: usize, r: &StrategyRow, providers: &[String], create: &UseStateHandle<ServiceForm>, disabled: bool) -> Html {
    let mut options: Vec<String> = providers.to_vec();
    if !r.provider.is_empty() && !options.contains(&r.provider) {
        options.insert(0, r.provider.clone());
    }
    let remove = {
        let create = create.clone();
        Callback::from(move |_: MouseEvent| {
            let mut f = (*create).clone();
            if i < f.capacity_providers.len() {
                f.capacity_providers.remove(i);
            }
            create.set(f);
        })
    };
    let set = move |which: u8| {
        field_with(create, move |f: &mut ServiceForm, v| {
            if let Some(row) = f.capacity_providers.get_mut(i) {
                match which {
                    0 => row.provider = v,
                    1 => row.base = v,
                    _ => row.weight = v,
                }
            }
        })
    };
    html! {
        <div class="cps-row" role="group" aria-label={format!("Capacity provider {}", i + 1)}>
            <label class="field">{"Provider "}
                <select data-testid={format!("create-service-cps-provider-{i}")} onchange={set(0)} {disabled}>
                    { for options.into_iter().map(|p| html! { <option value={p.clone()} selected={p == r.provider}>{p.clone()}</option> }) }
                </select>
            </label>
            <label class="field">{"Base "}
                <input type="number" min="0" max="100000" data-testid={format!("create-service-cps-base-{i}")} value={r.base.clone()} oninput={set(1).reform(Event::from)} {disabled} />
            </label>
            <label class="field">{"Weight "}
                <input type="number" min="0" max="1000" data-testid={format!("create-service-cps-weight-{i}")} value={r.weight.clone()} oninput={set(2).reform(Event::from)} {disabled} />
            </label>
            <button type="button" data-testid={format!("create-service-cps-remove-{i}")} onclick={remove} {disabled} aria-label={format!("Remove provider {}", i + 1)}>{"Remove"}</button>
        </div>
    }
}

/// The manifest box's placeholder: an example, marked as one (the box starts empty).
const EXAMPLE_MANIFEST: &str = "e.g.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: nginx:1.25
          resources:
            requests:
              cpu: 250m
              memory: 256Mi";

/// Answers `kubectl get` and `rollout status|history` from the snapshot shown
/// (`shell::kubectl_get`); `None` for commands the engine runs.
fn read_only_kubectl(snapshot: &Rc<Snapshot>, describe: Option<Callback<String, Option<Result<String, String>>>>) -> Callback<String, Option<Result<String, String>>> {
    let snapshot = snapshot.clone();
    Callback::from(move |args: String| describe.as_ref().and_then(|d| d.emit(args.clone())).or_else(|| crate::shell::kubectl_get::answer(&snapshot, &args)))
}

/// kubectl's success lines for a command about to run, from the cluster before it
/// (`deployment.apps/web scaled`); empty when there is nothing better than "done".
fn kubectl_said(snapshot: &Rc<Snapshot>) -> Callback<(String, Option<String>, Vec<LogEvent>), String> {
    let snapshot = snapshot.clone();
    Callback::from(move |(args, manifest, emitted): (String, Option<String>, Vec<LogEvent>)| crate::shell::kubectl_said::said(&args, manifest.as_deref(), &snapshot, &emitted))
}

#[derive(Properties, PartialEq)]
struct KubectlProps {
    /// Read-only commands, answered from the snapshot without touching the cluster.
    read: Callback<String, Option<Result<String, String>>>,
    /// What kubectl prints when a changing command succeeds, given the events it logged (see
    /// [`kubectl_said`]).
    said: Callback<(String, Option<String>, Vec<LogEvent>), String>,
    /// `web 3/3` (ready/desired) per Deployment.
    deployments: Vec<String>,
    nodes: Vec<String>,
    /// A Deployment the examples name (the first one, else `web`).
    example: String,
    on_command: Callback<Command, Result<Vec<LogEvent>, String>>,
    disabled: bool,
}

/// The kubectl console: a command line and, for `apply -f -`, a manifest box.
#[function_component(KubectlConsole)]
fn kubectl_console(props: &KubectlProps) -> Html {
    let form = use_state(KubectlForm::default);
    let result = use_state(|| Said::Nothing);
    let example = format!("scale deployment/{} --replicas=5", props.example);
    let on_run = {
        let cb = props.on_command.clone();
        let read = props.read.clone();
        let say = props.said.clone();
        let form = form.clone();
        let result = result.clone();
        let example = example.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // Nothing typed (or only `kubectl`): say what to type.
            if form.args.split_whitespace().all(|w| w == "kubectl") {
                result.set(Said::Wrong(format!("Type kubectl arguments first, e.g. {example}")));
                return;
            }
            // `get` and `rollout status|history` only read: answered here, never sent (no
            // timeline mark, and an exercise's kubectl limits do not apply to them).
            if let Some(answer) = read.emit(form.args.clone()) {
                result.set(match answer {
                    Ok(text) => Said::Output(text),
                    Err(e) => Said::Wrong(e),
                });
                return;
            }
            result.set(match forms::kubectl(&form) {
                Err(e) => Said::Wrong(e.to_string()),
                Ok(cmd) => {
                    let (args, manifest) = match &cmd {
                        Command::Kubectl { args, manifest } => (args.clone(), manifest.clone()),
                        _ => (String::new(), None),
                    };
                    // kubectl's --validate=warn lines for fields Berth ignored (a `replica:`
                    // typo would otherwise leave one pod without a word).
                    let warnings = match &manifest {
                        Some(m) => crate::engine::k8s::manifest::parse(m).unknown_field_warnings(),
                        None => Vec::new(),
                    };
                    match cb.emit(cmd) {
                        Ok(emitted) => {
                            // Worked out from the snapshot before the command (still this
                            // render's props) and what the command logged.
                            let success = say.emit((args.clone(), manifest, emitted));
                            let success = if success.is_empty() { format!("kubectl {args}: done.") } else { success };
                            // A drain that a budget held up succeeded, but not all the way.
                            let held_up = success.lines().any(|l| l.starts_with("error when evicting"));
                            match (warnings.is_empty(), held_up) {
                                (true, false) => Said::Done(success),
                                (true, true) => Said::Warned(success),
                                (false, _) => Said::Warned(format!("{success}\n{}", warnings.join("\n"))),
                            }
                        }
                        Err(e) => Said::Wrong(e),
                    }
                }
            });
        })
    };
    let d = props.disabled;
    html! {
        <details class="svc-form kubectl-console" data-testid="kubectl-console" open=true>
            <summary>{"Kubernetes: kubectl"}</summary>
            <form onsubmit={on_run} aria-label="kubectl" novalidate=true>
                // A terminal's order: the command and Run, what it printed right under it, then
                // the manifest box for `apply -f -` and the list of commands. (At 1366×768 the
                // answer used to land below the window, under the help text.)
                <div class="kubectl-line">
                    <label class="field wide">{"Command ("}<code>{"kubectl"}</code>{" is optional) "}
                        <input type="text" data-testid="kubectl-args" placeholder={format!("e.g. {example}")} value={form.args.clone()} oninput={typed(&form, |f, v| f.args = v)} disabled={d} autocomplete="off" spellcheck="false" />
                    </label>
                    <button type="submit" class="primary" data-testid="kubectl-run" disabled={d}>{"Run"}</button>
                </div>
                {said(&result, "kubectl-result")}
                <label class="field wide">{"Manifest for "}<code>{"apply -f -"}</code>{" (YAML) "}
                    <textarea data-testid="kubectl-manifest" rows="8" placeholder={EXAMPLE_MANIFEST} value={form.manifest.clone()} oninput={textarea_input(&form, |f, v| f.manifest = v)} disabled={d} spellcheck="false" />
                </label>
                <p class="muted">{"To look: get pods, deployments, replicasets, daemonsets, jobs, nodes, services, endpointslices, hpa, pdb, namespaces or all (with -n NS, -A, -l key=value, -o wide, -L key, --show-labels); describe pod, node, deployment, replicaset, service, hpa or pdb NAME; rollout status, rollout history. To change (an exercise may allow fewer): apply -f -, create -f -, create deployment NAME --image=IMAGE, scale deployment/NAME --replicas=N, set image, rollout undo|restart|pause|resume, cordon, uncordon, drain NODE --ignore-daemonsets, delete TYPE NAME."}</p>
            </form>
            <p class="muted" data-testid="kubectl-objects">
                {format!("Deployments (ready/desired): {}", if props.deployments.is_empty() { "none".to_string() } else { props.deployments.join(", ") })}
                <br />
                {format!("Nodes: {}", if props.nodes.is_empty() { "none".to_string() } else { props.nodes.join(", ") })}
            </p>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct CapacityProps {
    snapshot: Rc<Snapshot>,
    on_command: Callback<Command, Result<Vec<LogEvent>, String>>,
    resize_off: bool,
    create_off: bool,
}

/// Auto Scaling groups (one row each, with a desired capacity to set), the capacity providers,
/// and "Create capacity provider".
#[function_component(Capacity)]
fn capacity(props: &CapacityProps) -> Html {
    let s = &props.snapshot;
    let form = use_state(|| CapacityProviderForm { managed_scaling: true, target_capacity: "100".into(), ..Default::default() });
    let result = use_state(|| Said::Nothing);
    // Default group: the first one no provider uses yet.
    let free: Vec<String> = s.groups.iter().filter(|g| !s.capacity_providers.iter().any(|p| p.group == g.name)).map(|g| g.name.clone()).collect();
    let current = {
        let mut f = (*form).clone();
        if f.group.is_empty() || !s.groups.iter().any(|g| g.name == f.group) {
            f.group = free.first().or(s.groups.first().map(|g| &g.name)).cloned().unwrap_or_default();
        }
        f
    };
    let on_create = {
        let cb = props.on_command.clone();
        let result = result.clone();
        let f = current.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            result.set(match forms::create_capacity_provider(&f) {
                Err(e) => Said::Wrong(e.to_string()),
                Ok(cmd) => match cb.emit(cmd) {
                    Ok(_) => Said::Done(if f.managed_scaling {
                        format!("Created capacity provider {} for {}: managed scaling keeps its reservation at {} %.", f.name.trim(), f.group, f.target_capacity.trim())
                    } else {
                        format!("Created capacity provider {} for {} (no managed scaling: resize the group yourself).", f.name.trim(), f.group)
                    }),
                    Err(e) => Said::Wrong(format!("Not created: {e}")),
                },
            });
        })
    };
    let d = props.create_off;
    html! {
        <section class="capacity" aria-label="Auto Scaling groups and capacity providers" data-testid="capacity">
            <h3>{"Auto Scaling groups"}</h3>
            <table class="asg-table">
                <thead><tr><th scope="col">{"Group"}</th><th scope="col">{"Type"}</th><th scope="col">{"Min / desired / max"}</th><th scope="col">{"Launching"}</th><th scope="col">{"Set desired"}</th></tr></thead>
                <tbody>
                    { for s.groups.iter().map(|g| html! { <GroupRow key={g.name.clone()} view={g.clone()} on_command={props.on_command.clone()} disabled={props.resize_off} /> }) }
                </tbody>
            </table>
            if !s.capacity_providers.is_empty() {
                <ul class="cp-list" data-testid="capacity-providers">
                    { for s.capacity_providers.iter().map(|p| html! {
                        <li data-testid={format!("cp-{}", p.name)}>
                            <strong>{p.name.clone()}</strong>
                            {format!(" → {}", p.group)}
                            {match p.target_capacity {
                                Some(t) => format!(" · managed scaling, target {t} %"),
                                None => " · no managed scaling".to_string(),
                            }}
                            {p.reservation.map(|r| format!(" · reservation {r:.0} %")).unwrap_or_default()}
                        </li>
                    }) }
                </ul>
            }
            <details class="svc-form" data-testid="create-cp">
                <summary>{"Create capacity provider"}</summary>
                <form onsubmit={on_create} aria-label="Create capacity provider" novalidate=true>
                    <label class="field">{"Name "}
                        <input type="text" data-testid="create-cp-name" placeholder="cp-web" value={current.name.clone()} oninput={typed(&form, |f, v| f.name = v)} disabled={d} />
                    </label>
                    {select("create-cp-group", "Auto Scaling group", s.groups.iter().map(|g| (g.name.clone(), g.name.clone())).collect(), &current.group, field(&form, |f, v| f.group = v), d)}
                    <label class="field check"><input type="checkbox" data-testid="create-cp-managed" checked={current.managed_scaling} onchange={field(&form, |f, v| f.managed_scaling = v == "true")} disabled={d} />{" Managed scaling"}</label>
                    <label class="field">{"Target capacity % (1–100) "}
                        <input type="number" min="1" max="100" data-testid="create-cp-target" value={current.target_capacity.clone()} oninput={typed(&form, |f, v| f.target_capacity = v)} disabled={d || !current.managed_scaling} />
                    </label>
                    <label class="field check"><input type="checkbox" data-testid="create-cp-protection" checked={current.termination_protection} onchange={field(&form, |f, v| f.termination_protection = v == "true")} disabled={d} />{" Managed termination protection (instances running tasks are not scaled in)"}</label>
                    <button type="submit" class="primary" data-testid="create-cp-submit" disabled={d}>{"Create capacity provider"}</button>
                    <p class="muted">{"Managed scaling sets the group's desired size so that CapacityProviderReservation = M / N × 100 stays at the target. Services use a provider through their capacity provider strategy."}</p>
                    {said(&result, "create-cp-result")}
                </form>
            </details>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct GroupProps {
    view: GroupView,
    on_command: Callback<Command, Result<Vec<LogEvent>, String>>,
    disabled: bool,
}

/// One Auto Scaling group: its sizes and a desired capacity to set.
#[function_component(GroupRow)]
fn group_row(props: &GroupProps) -> Html {
    let g = &props.view;
    let draft = {
        let d = g.desired.to_string();
        use_state(move || d)
    };
    let result = use_state(|| Said::Nothing);
    {
        let draft = draft.clone();
        use_effect_with(g.desired, move |d| draft.set(d.to_string()));
    }
    let on_set = {
        let cb = props.on_command.clone();
        let draft = draft.clone();
        let result = result.clone();
        let view = g.clone();
        Callback::from(move |_: MouseEvent| {
            result.set(match forms::set_desired_capacity(&view, &draft) {
                Err(e) => Said::Wrong(e.to_string()),
                Ok(cmd) => match cb.emit(cmd) {
                    Ok(_) => Said::Done(format!("{} desired capacity set to {}.", view.name, draft.trim())),
                    Err(e) => Said::Wrong(format!("Not set: {e}")),
                },
            });
        })
    };
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                draft.set(i.value());
            }
        })
    };
    html! {
        <tr data-testid={format!("asg-{}", g.name)}>
            <th scope="row">{g.name.clone()}</th>
            <td>{g.instance_type.clone()}{if g.spot { " (Spot)" } else { "" }}</td>
            <td data-testid={format!("asg-sizes-{}", g.name)}>{format!("{} / {} / {}", g.min, g.desired, g.max)}</td>
            <td data-testid={format!("asg-launching-{}", g.name)}>{g.launching}</td>
            <td>
                <input type="number" min={g.min.to_string()} max={g.max.to_string()} aria-label={format!("Desired capacity of {}", g.name)} data-testid={format!("asg-desired-{}", g.name)} value={(*draft).clone()} {oninput} disabled={props.disabled} />
                <button data-testid={format!("asg-set-{}", g.name)} onclick={on_set} disabled={props.disabled}>{"Set"}</button>
                {said(&result, "asg-result")}
            </td>
        </tr>
    }
}
