//! The details panel: what a click on an instance, a task, a Fargate pool or a waiting group
//! shows, with the actions that apply to it.

use yew::prelude::*;

use super::table::{chip, cpu_meter, is_spot, meter, node_status, status_name};
use super::why::{self, WhyTable};
use super::{colour_slot, Selection};
use crate::engine::cluster::InstanceStatus;
use crate::engine::k8s::sim::{KubeView, PodView};
use crate::engine::sim::Command;
use crate::engine::snapshot::{InstanceView, Snapshot, TaskInspection, TaskView};
use crate::engine::task::TaskStatus;
use crate::engine::time::Clock;
use crate::shell::kube_view::Words;

pub struct Ctx<'a> {
    pub snapshot: &'a Snapshot,
    pub on_command: &'a Callback<Command>,
    pub inspect: &'a Callback<String, TaskInspection>,
    pub open: &'a Callback<Selection>,
    /// Spot reclaim time of an instance, if one was announced.
    pub spot_at: &'a dyn Fn(&str) -> Option<u64>,
}

fn current_revision(s: &Snapshot, t: &TaskView) -> Option<u32> {
    let svc = t.service.as_deref()?;
    s.services.iter().find(|v| v.name == svc)?.task_definition.rsplit(':').next()?.parse().ok()
}

fn dl(rows: Vec<(&str, Html)>) -> Html {
    html! {
        <dl class="cv-dl">
            { for rows.into_iter().map(|(k, v)| html! { <><dt>{k}</dt><dd>{v}</dd></> }) }
        </dl>
    }
}

fn text(s: impl Into<String>) -> Html {
    let s: String = s.into();
    html! { <>{s}</> }
}

pub fn body(sel: &Selection, c: &Ctx) -> (String, Html) {
    match sel {
        Selection::Instance(id) => instance(id, c),
        Selection::Task(id) => task(id, c),
        Selection::Pending(group) => pending(group, c),
        Selection::Fargate(az) => fargate(az, c),
    }
}

fn instance(id: &str, c: &Ctx) -> (String, Html) {
    let s = c.snapshot;
    let w = Words::of(s);
    let title = |id: &str| format!("{} {id}", if w.kube { "Node" } else { "Instance" });
    let Some(i) = s.instances.iter().find(|i| i.id == id) else {
        let gone = if w.kube {
            format!("{id} is no longer in the cluster (terminated or reclaimed). Its pods were lost; their controllers created replacements.")
        } else {
            format!("{id} is no longer in the cluster (terminated or reclaimed). Its tasks were stopped; services start replacements elsewhere.")
        };
        return (title(id), html! { <p data-testid="details-gone">{gone}</p> });
    };
    let draining = i.status == InstanceStatus::Draining;
    let down = s.down_zones.contains(&i.az);
    let send = |cmd: Command| {
        let cb = c.on_command.clone();
        Callback::from(move |_: MouseEvent| cb.emit(cmd.clone()))
    };
    let used_cpu = i.registered_cpu - i.remaining_cpu.min(i.registered_cpu);
    let used_mem = i.registered_memory - i.remaining_memory.min(i.registered_memory);
    let tasks: Vec<&TaskView> = i.tasks.iter().filter_map(|t| super::canvas::task_by_id(s, t)).collect();
    // The status as the table's status column says it (kubectl's STATUS for a node), then what
    // it means.
    let status = match (w.kube, draining, i.agent_connected) {
        (true, _, false) => format!("{}, kubelet unreachable (zone down)", node_status(w, i)),
        (true, true, true) => format!("{} (cordoned): no new pods", node_status(w, i)),
        (true, false, true) => node_status(w, i).to_string(),
        (false, _, false) => "ACTIVE, agent unreachable (zone down)".to_string(),
        (false, true, true) => "DRAINING: no new tasks; service tasks are replaced elsewhere".to_string(),
        (false, false, true) => "ACTIVE".to_string(),
    };
    let (price, purchase) = hourly_price(s, i);
    let spot = (c.spot_at)(id).map(|at| {
        let left = at.saturating_sub(s.time_ms);
        html! { <p class="cv-warn" data-testid="details-spot">{format!("Spot interruption: reclaimed at {} ({} s from now)", Clock(at), left.div_ceil(1000))}</p> }
    });
    let attrs = i.attributes.iter().map(|(k, v)| html! { <tr><th scope="row">{k.clone()}</th><td>{v.clone()}</td></tr> });
    let ports = if i.used_ports.is_empty() { "none".to_string() } else { i.used_ports.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ") };
    let body = html! {
        <>
            { dl(vec![
                ("type", html! { <span data-testid="details-type">{i.instance_type.clone()}</span> }),
                ("AZ", html! { <span data-testid="details-az">{i.az.clone()}</span> }),
                ("status", html! { <span data-testid="details-status">{status}</span> }),
                ("price", html! { <span data-testid="details-price">{format!("${price:.4} per hour ({purchase})")}</span> }),
                ("host ports in use", text(ports)),
            ]) }
            { for spot }
            <table class="cv-small-table" aria-label="Resources">
                <thead><tr><th scope="col"><span class="visually-hidden">{"resource"}</span></th><th scope="col">{if w.kube { "allocatable" } else { "registered" }}</th><th scope="col">{format!("reserved by {}", if w.kube { "pod requests" } else { "tasks" })}</th><th scope="col">{"free"}</th></tr></thead>
                <tbody>
                    <tr><th scope="row">{w.cpu_unit()}</th><td class="cv-num">{w.cpu(i.registered_cpu)}</td><td class="cv-num">{w.cpu(used_cpu)}</td><td class="cv-num" data-testid="details-free-cpu">{w.cpu(i.remaining_cpu)}</td></tr>
                    <tr><th scope="row">{"memory MiB"}</th><td class="cv-num">{i.registered_memory}</td><td class="cv-num">{used_mem}</td><td class="cv-num" data-testid="details-free-memory">{i.remaining_memory}</td></tr>
                </tbody>
            </table>
            if let Some(u) = crate::shell::usage::instance_usage(s).get(i.id.as_str()) {
                <p data-testid="details-used">{format!("In use now (traffic): {} and {:.0} MiB — the darker band inside each bar.", if w.kube { format!("{}m CPU", (u.cpu * 1000.0 / 1024.0).round()) } else { format!("{:.0} CPU units", u.cpu) }, u.memory)}</p>
            }
            { cpu_meter(w, used_cpu, i.registered_cpu) }
            { meter("Memory", used_mem, i.registered_memory, "MiB") }
            <h3>{format!("{} ({})", if w.kube { "Pods" } else { "Tasks" }, tasks.len())}</h3>
            if tasks.is_empty() { <p class="cv-muted">{format!("No {}.", w.tasks())}</p> } else {
                <div class="cv-chips">{ for tasks.iter().map(|t| chip_open(t, s, c.open)) }</div>
            }
            <h3>{"Attributes"}</h3>
            <table class="cv-small-table" aria-label="Attributes"><tbody>{ for attrs }</tbody></table>
            <h3>{"Actions"}</h3>
            <div class="cv-panel-actions">
                <button data-testid="details-drain" disabled={draining && !w.kube} onclick={send(Command::DrainInstance { instance: i.id.clone() })} title={if w.kube { "kubectl drain: cordon the node, then evict its pods within their PodDisruptionBudgets" } else { "No new tasks; service tasks move elsewhere" }}>{"Drain"}</button>
                <button data-testid="details-spot-interrupt" disabled={draining && !w.kube} onclick={send(Command::SpotInterruption { instance: Some(i.id.clone()), task: None })} title={if is_spot(i) { "Two-minute warning, then the instance is reclaimed".to_string() } else { format!("{} is on-demand: EC2 interrupts only Spot capacity. This shows what a Spot instance would go through: a two-minute warning, then it is reclaimed", i.id) }}>{"Spot interruption"}</button>
                <button data-testid="details-terminate" class="danger" onclick={send(Command::TerminateInstance { instance: i.id.clone() })}>{"Terminate"}</button>
                <button data-testid="details-az-toggle" onclick={send(if down { Command::AzRecover { az: i.az.clone() } } else { Command::AzOutage { az: i.az.clone() } })}>
                    { if down { format!("Recover {}", i.az) } else { format!("AZ outage: {}", i.az) } }
                </button>
            </div>
            <p class="cv-muted" data-testid="details-spot-note" hidden={is_spot(i)}>
                {format!("{} is on-demand: EC2 interrupts only Spot capacity. Spot interruption here shows what a Spot instance goes through (a two-minute warning, then it is reclaimed).", i.id)}
            </p>
        </>
    };
    (title(&i.id), body)
}

/// What an instance or node costs an hour, as the cost summary counts it (`engine::cost`). A
/// Kubernetes node carries the price the engine bills it at (`kube_view::as_cluster`, on-demand
/// or Spot). An ECS instance carries its type's on-demand price; one with `lifecycle=spot` is
/// billed at the Spot price (`engine::cost::instance_hourly`). Returns the price and `on-demand`
/// or `Spot`.
pub fn hourly_price(s: &Snapshot, i: &InstanceView) -> (f64, &'static str) {
    use crate::engine::pricing::{ec2_hourly, Purchase};
    let spot = is_spot(i);
    let node = s.kube.as_ref().is_some_and(|k| k.nodes.iter().any(|n| n.name == i.id));
    let price = if spot && !node { ec2_hourly(&i.instance_type, Purchase::Spot).unwrap_or(i.hourly_usd) } else { i.hourly_usd };
    (price, if spot { "Spot" } else { "on-demand" })
}

/// "Why pending?" in numbers: the pod's requests, then each node's allocatable and free CPU and
/// memory and why it cannot take the pod (`kube_view::pod_room`).
fn room_html(room: &crate::shell::kube_view::PodRoom, open: &Callback<Selection>) -> Html {
    let rows = room.nodes.iter().map(|n| {
        let go = {
            let open = open.clone();
            let id = n.node.clone();
            Callback::from(move |_: MouseEvent| open.emit(Selection::Instance(id.clone())))
        };
        let name = match n.node.split_once('.') {
            Some((host, rest)) => html! { <><span class="cv-nobr">{format!("{host}.")}</span><wbr/><span class="cv-nobr">{rest.to_string()}</span></> },
            None => html! { <span class="cv-nobr">{n.node.clone()}</span> },
        };
        html! {
            <tr data-testid="room-row" data-node={n.node.clone()} data-fits={n.fits.to_string()} class={classes!((!n.fits).then_some("rejected"))}>
                <th scope="row"><button class="cv-link" onclick={go} aria-label={format!("Open node {}", n.node)}>{name}</button></th>
                <td class="cv-num cv-nowrap" data-testid="room-cpu">{format!("{} of {}", n.cpu_free, n.cpu_allocatable)}</td>
                <td class="cv-num cv-nowrap" data-testid="room-memory">{format!("{} of {}", n.memory_free, n.memory_allocatable)}</td>
                <td data-testid="room-verdict">{n.verdict.clone()}</td>
            </tr>
        }
    });
    html! {
        <>
            <p class="cv-why-verdict" data-testid="room-needs">{format!("Each pod {}. What each node has:", room.needs)}</p>
            <div class="cv-why-scroll" tabindex="0" role="region" aria-label="Nodes: free and allocatable">
                <table data-testid="room-table">
                    <thead><tr><th scope="col">{"node"}</th><th scope="col">{"CPU free of allocatable"}</th><th scope="col">{"memory free of allocatable"}</th><th scope="col">{"why not"}</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if let Some(never) = &room.never { <p class="cv-warn" data-testid="room-never">{never.clone()}</p> }
        </>
    }
}

fn chip_open(t: &TaskView, s: &Snapshot, open: &Callback<Selection>) -> Html {
    chip(t, current_revision(s, t), open, s.kube.is_some())
}

fn task(id: &str, c: &Ctx) -> (String, Html) {
    let s = c.snapshot;
    let inspection = c.inspect.emit(id.to_string());
    let t = super::canvas::task_by_id(s, id);
    let open_instance = {
        let open = c.open.clone();
        Callback::from(move |i: String| open.emit(Selection::Instance(i)))
    };
    // A Kubernetes pod speaks Kubernetes: its owner, its requests, kubectl delete, and what the
    // kube-scheduler did, rather than the ECS words the canvas shares with tasks.
    // (A scenario may have ECS tasks too: an id that is no pod is a task, unless it is gone
    // without an ECS history, as a deleted pod is.)
    if let Some(kube) = &s.kube {
        match kube.pods.iter().find(|p| p.name == id) {
            Some(p) => return pod(p, kube, t, c),
            None if t.is_none() && inspection.history.is_empty() => return (format!("Pod {id}"), html! {
                <>
                    <p data-testid="details-gone">{format!("{id} is gone: it was deleted, evicted or lost with its node. If a ReplicaSet, DaemonSet or Job owned it, that controller has made a replacement.")}</p>
                    <h3>{"Lifecycle"}</h3>
                    <p class="cv-muted">{"Its events (podCreated, podScheduled, podRunning, podReady, …) are in the Events list: filter it by Kind."}</p>
                </>
            }),
            None => {}
        }
    }
    let facts = match t {
        Some(t) => {
            let current = current_revision(s, t);
            let rev = match current {
                Some(r) if t.revision < r => format!("{} (older than the service's current revision {r})", t.task_definition),
                _ => t.task_definition.clone(),
            };
            let place = match &t.instance {
                Some(i) => {
                    let open = open_instance.clone();
                    let i2 = i.clone();
                    html! { <><button class="cv-link" onclick={Callback::from(move |_: MouseEvent| open.emit(i2.clone()))}>{i.clone()}</button>{format!(" in {}", t.az)}</> }
                }
                None => text(format!("Fargate in {}", t.az)),
            };
            let mut rows = vec![
                ("task definition", html! { <span data-testid="details-taskdef">{rev}</span> }),
                ("service", html! { <span class={classes!("cv-swatch-text", format!("c{}", colour_slot(t.service.as_deref().unwrap_or(&t.group))))}>{t.service.clone().unwrap_or_else(|| format!("none (group {})", t.group))}</span> }),
                ("status", html! { <span data-testid="details-task-status">{format!("{} (desired {})", status_name(t.last_status), status_name(t.desired_status))}</span> }),
                ("health", html! { <span data-testid="details-health">{t.health.clone()}</span> }),
                ("placed on", place),
                ("size", text(format!("{} CPU units, {} MiB ({})", t.cpu, t.memory, t.launch_type))),
                ("host ports", text(if t.host_ports.is_empty() { "none".to_string() } else { t.host_ports.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ") })),
            ];
            let provider = t.capacity_provider.clone().unwrap_or_else(|| format!("none (launch type {})", t.launch_type));
            rows.insert(6, ("capacity provider", html! { <span data-testid="details-capacity-provider">{provider}</span> }));
            dl(rows)
        }
        None => html! { <p data-testid="details-gone">{format!("{id} has stopped; its history is below.")}</p> },
    };
    let history = inspection.history.iter().map(|e| {
        html! { <li class={format!("{:?}", e.kind.level()).to_lowercase()}><time>{Clock(e.t).to_string()}</time>{" "}{e.kind.describe()}</li> }
    });
    let why = match &inspection.decision {
        Some(d) => why::render(&WhyTable::of(d), "Why here?", "why-here", open_instance),
        None => html! {
            <section class="cv-why" data-testid="why-here"><h3>{"Why here?"}</h3>
                <p class="cv-muted">{ if t.is_none() { "This task has stopped: the full explanation is kept for tasks that still run. Its placement event in the history below says which rule decided." } else if t.is_some_and(|t| t.instance.is_none()) { "Fargate tasks are not placed on your instances: Fargate spreads a service's tasks across the Availability Zones it may use." } else { "Only the newest 256 placements keep their full explanation (each lists every instance); this task was placed before those. Its placement event in the log still says which rule decided." } }</p>
            </section>
        },
    };
    // Actions for a task that is still wanted: stop it (a service starts a replacement), or a
    // Fargate Spot interruption.
    let actions = t.filter(|t| t.desired_status != TaskStatus::Stopped).map(|t| {
        let send = |cmd: Command| {
            let cb = c.on_command.clone();
            Callback::from(move |_: MouseEvent| cb.emit(cmd.clone()))
        };
        let stop = send(Command::StopTask { task: t.id.clone(), reason: None });
        let note = if t.service.is_some() { "Stop it: its service starts a replacement" } else { "Stop this standalone task: nothing replaces it" };
        html! {
            <div class="cv-actions" role="group" aria-label="Task actions">
                <button data-testid="details-stop-task" class="danger" onclick={stop} title={note}>{"Stop task"}</button>
                if t.instance.is_none() {
                    <button data-testid="details-spot-task" onclick={send(Command::SpotInterruption { instance: None, task: Some(t.id.clone()) })} title="A Fargate Spot interruption: two-minute warning, then the task stops">{"Spot interruption"}</button>
                }
            </div>
        }
    });
    let body = html! {
        <>
            { facts }
            { for actions }
            { why }
            <h3>{"Lifecycle"}</h3>
            <ol class="cv-history" data-testid="details-history">{ for history }</ol>
        </>
    };
    (format!("Task {id}"), body)
}

/// Who owns a pod, as a learner would say it: `ReplicaSet web-5d8f9c7b4 of Deployment web
/// (revision 2)`, `DaemonSet fluent-bit`, or a bare pod.
pub fn pod_owner(p: &PodView, kube: &KubeView) -> String {
    match p.owner.as_deref().and_then(|o| o.split_once('/')) {
        Some(("ReplicaSet", rs)) => {
            let set = kube.replica_sets.iter().find(|r| r.name == rs && r.namespace == p.namespace);
            let deployment = set.and_then(|r| r.deployment.as_deref());
            let current = deployment.and_then(|d| kube.deployments.iter().find(|x| x.name == d && x.namespace == p.namespace)).map(|d| d.revision);
            let revision = match (set.map(|r| r.revision), current) {
                (Some(r), Some(now)) if r < now => format!(" (revision {r}; the Deployment is on revision {now})"),
                (Some(r), _) if r > 0 => format!(" (revision {r})"),
                _ => String::new(),
            };
            match deployment {
                Some(d) => format!("ReplicaSet {rs} of Deployment {d}{revision}"),
                None => format!("ReplicaSet {rs}{revision}"),
            }
        }
        Some((kind, name)) => format!("{kind} {name}"),
        None => "none: a bare pod (nothing recreates it)".to_string(),
    }
}

/// What the snapshot says about where a pod runs and why, in a learner's words: the
/// kube-scheduler's two steps (filter, then score) for a bound pod, the scheduler's message for a
/// Pending one, preemption's nominated node, a DaemonSet pod's pinned node, Fargate.
pub fn pod_why(p: &PodView, kube: &KubeView) -> Vec<String> {
    use crate::engine::k8s::quantity::{fmt_bytes, fmt_milli};
    let requests = format!("cpu {}, memory {}", fmt_milli(p.requests_cpu_milli), fmt_bytes(p.requests_memory));
    let mut out = Vec::new();
    let node = p.node.as_deref().map(|n| (n, kube.nodes.iter().find(|x| x.name == n)));
    match node {
        Some((n, Some(v))) if v.fargate => out.push(format!(
            "It runs on AWS Fargate: a Fargate profile matched the pod, so Fargate gave it a node of its own, {n} in {}, sized for its requests ({requests}). The kube-scheduler did not choose among your EC2 nodes.",
            v.zone
        )),
        Some((n, v)) => {
            let place = v.map(|v| format!("{n} ({} in {})", v.instance_type, v.zone)).unwrap_or_else(|| n.to_string());
            if p.owner.as_deref().is_some_and(|o| o.starts_with("DaemonSet/")) {
                out.push(format!("A DaemonSet runs one copy on every node: this pod asks for {place} by name (node affinity), so the kube-scheduler only checked that it fits there."));
            } else {
                let profile = if kube.scheduler == "bin-packing" {
                    "its bin-packing profile prefers the fuller node, to fill nodes up"
                } else {
                    "its default profile prefers the emptier node and spreads a workload's pods over nodes and zones"
                };
                out.push(format!("The kube-scheduler bound it to {place}. First it set aside the nodes that cannot take the pod: too little free allocatable CPU or memory for its requests ({requests}), a taint it does not tolerate, a node selector or affinity it does not match, a node cordoned for a drain. Then it scored the nodes left and picked the highest: {profile}."));
            }
            out.push("The podScheduled event in the Events list (filter Kind: podScheduled) has the scores that won.".to_string());
        }
        None => {
            let message = kube.unschedulable.iter().find(|u| u.pod == p.name && u.namespace == p.namespace).map(|u| u.message.as_str()).filter(|m| !m.is_empty());
            out.push(match message {
                Some(m) => format!("Not on a node yet (Pending). The kube-scheduler's last word: {m}"),
                None => "Not on a node yet (Pending): the kube-scheduler has not found it a place so far.".to_string(),
            });
        }
    }
    if let Some(n) = &p.nominated_node {
        out.push(format!("Preemption is making room for it on {n}: lower-priority pods there are being removed, and the pod is bound once they are gone."));
    }
    out
}

fn pod(p: &PodView, kube: &KubeView, t: Option<&TaskView>, c: &Ctx) -> (String, Html) {
    let open_node = {
        let open = c.open.clone();
        move |n: String| Callback::from(move |_: MouseEvent| open.emit(Selection::Instance(n.clone())))
    };
    let workload = crate::shell::kube_view::workload(p, kube);
    // Not bound to a node yet (and not on its way out): the scheduler's verdict and the numbers.
    let pending = p.node.is_none() && t.is_some_and(|t| t.last_status == TaskStatus::Pending);
    let node = match p.node.as_deref() {
        Some(n) => match kube.nodes.iter().find(|x| x.name == n) {
            Some(v) if v.fargate => text(format!("{n} (Fargate) in {}", v.zone)),
            Some(v) => html! { <><button class="cv-link" onclick={open_node(n.to_string())}>{n.to_string()}</button>{format!(" in {}", v.zone)}</> },
            None => text(n),
        },
        None => text("none yet (Pending)"),
    };
    let mut rows: Vec<(&'static str, Html)> = vec![
        ("owner", html! { <span class={classes!("cv-swatch-text", format!("c{}", colour_slot(&workload)))}>{pod_owner(p, kube)}</span> }),
        ("node", node),
    ];
    // What `kubectl describe pod` adds (QoS, priority, requests, nominated node, …).
    rows.extend(crate::shell::kube_view::pod_facts(p).into_iter().filter(|(k, _)| !matches!(*k, "node" | "owner")).map(|(k, v)| (k, text(v))));
    let facts = html! {
        <section data-testid="pod-facts" aria-label="Pod">
            <dl class="cv-dl">
                { for rows.into_iter().map(|(k, v)| html! {
                    <><dt>{k}</dt><dd data-testid={format!("pod-{}", k.replace(' ', "-").to_lowercase())}>{v}</dd></>
                }) }
            </dl>
        </section>
    };
    // `kubectl delete pod`: a graceful deletion; its controller, if any, makes a replacement.
    let actions = t.filter(|t| t.desired_status != TaskStatus::Stopped).map(|_| {
        let cb = c.on_command.clone();
        let cmd = Command::Kubectl { args: format!("delete pod {} -n {}", p.name, p.namespace), manifest: None };
        let delete = Callback::from(move |_: MouseEvent| cb.emit(cmd.clone()));
        let note = match p.owner.as_deref().and_then(|o| o.split_once('/')).map(|(k, _)| k) {
            Some("ReplicaSet") => "kubectl delete pod: a graceful deletion; its ReplicaSet creates a replacement",
            Some("DaemonSet") => "kubectl delete pod: a graceful deletion; its DaemonSet creates a replacement on the same node",
            Some(_) => "kubectl delete pod: a graceful deletion; its controller decides whether to replace it",
            None => "kubectl delete pod: a graceful deletion; nothing replaces a bare pod",
        };
        html! {
            <div class="cv-actions" role="group" aria-label="Pod actions">
                <button data-testid="details-delete-pod" class="danger" onclick={delete} title={note}>{"Delete pod"}</button>
            </div>
        }
    });
    let body = html! {
        <>
            { facts }
            { for actions }
            <section class="cv-why" data-testid={if pending { "why-pending" } else { "why-here" }}>
                <h3>{if pending { "Why pending?" } else { "Why here?" }}</h3>
                { for pod_why(p, kube).into_iter().map(|line| html! { <p>{line}</p> }) }
                if pending { { room_html(&crate::shell::kube_view::pod_room(p, kube), c.open) } }
            </section>
            <h3>{"Lifecycle"}</h3>
            <p class="cv-muted">{"A pod's events (podCreated, podScheduled, podRunning, podReady, …) are in the Events list: filter it by Kind."}</p>
        </>
    };
    (format!("Pod {}", p.name), body)
}

fn pending(group: &str, c: &Ctx) -> (String, Html) {
    let s = c.snapshot;
    // ECS has no "pending" for these (its pendingCount is placed tasks still starting): they are
    // unplaced. Kubernetes calls an unscheduled pod Pending.
    let kube = Words::of(s).kube;
    let (lane, question) = if kube { ("Pending", "Why pending?") } else { ("Unplaced", "Why not placed?") };
    let Some(u) = s.unplaced.iter().find(|u| u.group == group) else {
        return (lane.to_string(), html! { <p data-testid="details-gone">{"These tasks have been placed (or are no longer wanted)."}</p> });
    };
    let name = u.service.clone().unwrap_or_else(|| u.group.clone());
    let open_instance = {
        let open = c.open.clone();
        Callback::from(move |i: String| open.emit(Selection::Instance(i)))
    };
    // Kubernetes: the group's Pending pods (each opens its own details) and the first one's
    // requests against every node's room.
    let pods: Vec<&PodView> = s.kube.as_ref().map(|k| crate::shell::kube_view::pending_pods(k, &u.group)).unwrap_or_default();
    let room = s.kube.as_ref().zip(pods.first()).map(|(k, p)| room_html(&crate::shell::kube_view::pod_room(p, k), c.open));
    let why = match &u.decision {
        Some(d) => why::render(&WhyTable::of(d), question, "why-pending", open_instance),
        None => html! { <section class="cv-why" data-testid="why-pending"><h3>{question}</h3><p>{u.reason.clone()}</p>{ for room }</section> },
    };
    const LISTED: usize = 24;
    let chips = pods.iter().take(LISTED).filter_map(|p| super::canvas::task_by_id(s, &p.name)).map(|t| chip_open(t, s, c.open));
    let body = html! {
        <>
            <p data-testid="details-pending-count">{Words::of(s).waiting(u.count, &name)}</p>
            { why }
            if !pods.is_empty() {
                <h3>{format!("Pending pods ({})", pods.len())}</h3>
                <div class="cv-chips" data-testid="pending-pods">{ for chips }</div>
                if pods.len() > LISTED { <p class="cv-muted">{format!("and {} more", pods.len() - LISTED)}</p> }
            }
        </>
    };
    (format!("{lane}: {name}"), body)
}

fn fargate(az: &str, c: &Ctx) -> (String, Html) {
    let s = c.snapshot;
    let tasks: Vec<&TaskView> = s.tasks.iter().filter(|t| t.instance.is_none() && t.az == az).collect();
    let cpu: u32 = tasks.iter().map(|t| t.cpu).sum();
    let mem: u32 = tasks.iter().map(|t| t.memory).sum();
    let body = html! {
        <>
            <p>{format!("Fargate runs each task on its own right-sized host in {az}: nothing to drain or bin-pack. {} tasks, {cpu} CPU units and {mem} MiB in all.", tasks.len())}</p>
            <div class="cv-chips">{ for tasks.iter().map(|t| chip_open(t, s, c.open)) }</div>
        </>
    };
    (format!("Fargate in {az}"), body)
}
