//! The accessible view: the same cluster as the canvas, as one table per Availability Zone, for
//! screen readers, keyboard users and tests. Every instance row and task chip opens the same
//! details panel as a click on the canvas; the actions (Drain, Spot, Terminate, zone outage)
//! are here too.

use yew::prelude::*;

use super::{colour_slot, Selection};
use crate::engine::cluster::InstanceStatus;
use crate::engine::sim::Command;
use crate::engine::snapshot::{InstanceView, Snapshot, TaskView};
use crate::engine::task::TaskStatus;
use crate::shell::kube_view::Words;

pub fn status_name(s: TaskStatus) -> String {
    format!("{s:?}").to_uppercase()
}

fn pct(used: u32, total: u32) -> u32 {
    if total == 0 {
        0
    } else {
        ((used as u64 * 100) / total as u64) as u32
    }
}

pub fn meter(label: &str, used: u32, total: u32, unit: &str) -> Html {
    meter_shown(label, used, total, &used.to_string(), &total.to_string(), unit)
}

/// A CPU meter in the view's words: CPU units, or millicores for Kubernetes nodes.
pub fn cpu_meter(w: Words, used: u32, total: u32) -> Html {
    let unit = if w.kube { "millicores" } else { "CPU units" };
    meter_shown("CPU", used, total, &w.cpu(used), &w.cpu(total), unit)
}

/// A meter whose numbers are shown as `used_text` / `total_text`.
fn meter_shown(label: &str, used: u32, total: u32, used_text: &str, total_text: &str, unit: &str) -> Html {
    let p = pct(used, total);
    html! {
        <span class="cv-meter" title={format!("{label}: {used_text} of {total_text} {unit} reserved")}>
            <span class="cv-meter-track" role="meter" aria-valuemin="0" aria-valuemax={total.to_string()} aria-valuenow={used.to_string()} aria-label={format!("{label} reserved")}>
                <span class={classes!("cv-meter-fill", format!("w-{}", p.min(100)), (p > 85).then_some("hot"))}></span>
            </span>
            // May break after the slash when the column is narrow.
            <span class="cv-num">{format!("{used_text}/")}<wbr/>{total_text.to_string()}</span>
        </span>
    }
}

/// Spot capacity: an ECS instance with `lifecycle=spot`, or a node of a Spot node group
/// (`capacity-type=SPOT`).
pub fn is_spot(i: &InstanceView) -> bool {
    i.attributes.iter().any(|(k, v)| (k == "lifecycle" && v == "spot") || (k == "capacity-type" && v == "SPOT"))
}

/// An instance's status as the status column shows it: ECS's `ACTIVE` / `DRAINING`, or a node's
/// STATUS as `kubectl get nodes` prints it (`Ready`, `Ready,SchedulingDisabled` once cordoned).
pub fn node_status(w: Words, i: &InstanceView) -> &'static str {
    match (w.kube, i.status == InstanceStatus::Draining) {
        (true, true) => "Ready,SchedulingDisabled",
        (true, false) => "Ready",
        (false, true) => "DRAINING",
        (false, false) => "ACTIVE",
    }
}

/// A name that may break only after its first dot when its column is narrow (`ip-10-0-1-10.` /
/// `ec2.internal`, `t3.` / `medium`), never at its hyphens.
fn id_text(id: &str) -> Html {
    match id.split_once('.') {
        Some((host, rest)) => html! { <><span class="cv-nobr">{format!("{host}.")}</span><wbr/><span class="cv-nobr">{rest.to_string()}</span></> },
        None => html! { <span class="cv-nobr">{id.to_string()}</span> },
    }
}

/// A task chip (a button that opens the task's details); with `kube` a pod's, named in
/// Kubernetes' words for screen readers (`pod web-…, revision 2, starting or not ready`).
pub fn chip(t: &TaskView, current_revision: Option<u32>, open: &Callback<Selection>, kube: bool) -> Html {
    let starting = t.last_status < TaskStatus::Running && t.desired_status == TaskStatus::Running;
    let stopping = t.desired_status == TaskStatus::Stopped || t.last_status > TaskStatus::Running;
    let old = current_revision.is_some_and(|r| t.revision < r);
    let label = t.service.clone().unwrap_or_else(|| t.group.clone());
    let status = status_name(t.last_status);
    let onclick = {
        let open = open.clone();
        let id = t.id.clone();
        Callback::from(move |_: MouseEvent| open.emit(Selection::Task(id.clone())))
    };
    html! {
        <button class={classes!("cv-chip", format!("c{}", colour_slot(&label)), old.then_some("old"), starting.then_some("starting"), stopping.then_some("stopping"), (t.health == "UNHEALTHY").then_some("unhealthy"))}
              data-testid="task-chip" data-task={t.id.clone()} data-revision={t.revision.to_string()} data-status={status.clone()}
              aria-label={if kube { pod_label(t) } else { format!("task {} revision {}, {}{}", t.id, t.revision, status, if t.health == "UNHEALTHY" { ", unhealthy" } else { "" }) }}
              {onclick}>
            {t.id.clone()}
        </button>
    }
}

/// A pod chip's accessible name: the pod, the revision its chip shows (its ReplicaSet's; 1 for
/// pods without one), where it is in its life (as
/// the picture shows it) and whether a container is failing (its details say which and how).
fn pod_label(t: &TaskView) -> String {
    let phase = match t.last_status {
        TaskStatus::Pending => "pending",
        TaskStatus::Running if t.desired_status == TaskStatus::Running => "running and ready",
        s if s < TaskStatus::Running && t.desired_status == TaskStatus::Running => "starting or not ready",
        _ => "terminating",
    };
    let failing = if t.health == "UNHEALTHY" { ", failing: open it for the container's state" } else { "" };
    format!("pod {}, revision {}, {phase}{failing}", t.id, t.revision)
}

/// Where the keyboard focus goes once a terminated instance's row is gone: the ✕ of the next
/// instance in its zone (else the one before), else the zone's own button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusAfter {
    pub instance: String,
    pub az: String,
    /// The zone's other instances, nearest first: those after it, then those before it (last
    /// first).
    pub next: Vec<String>,
}

/// What every row needs from the view.
struct RowCtx<'a> {
    w: Words,
    current: &'a dyn Fn(&TaskView) -> Option<u32>,
    on_command: &'a Callback<Command>,
    open: &'a Callback<Selection>,
    on_terminate: &'a Callback<FocusAfter>,
}

/// The row of instance `i`, one of the instances of its zone (`zone`, in order).
fn instance_row(c: &RowCtx, i: &InstanceView, zone: &[&InstanceView], tasks: &[&TaskView]) -> Html {
    let RowCtx { w, current, on_command, open, on_terminate } = *c;
    let send = |make: fn(String) -> Command| {
        let cb = on_command.clone();
        let id = i.id.clone();
        Callback::from(move |_: MouseEvent| cb.emit(make(id.clone())))
    };
    let terminate = {
        let cb = on_command.clone();
        let focus = on_terminate.clone();
        let at = zone.iter().position(|z| z.id == i.id).unwrap_or(zone.len());
        let next: Vec<String> = zone.iter().skip(at + 1).chain(zone.iter().take(at).rev()).map(|z| z.id.clone()).collect();
        let after = FocusAfter { instance: i.id.clone(), az: i.az.clone(), next };
        Callback::from(move |_: MouseEvent| {
            focus.emit(after.clone());
            cb.emit(Command::TerminateInstance { instance: after.instance.clone() });
        })
    };
    let draining = i.status == InstanceStatus::Draining;
    let open_row = {
        let open = open.clone();
        let id = i.id.clone();
        Callback::from(move |_: MouseEvent| open.emit(Selection::Instance(id.clone())))
    };
    html! {
        // Keyed: a terminated instance's row goes with its own buttons (unkeyed, Yew would reuse
        // it for the next instance and keep the focus on that one's ✕ without saying so).
        <tr key={i.id.clone()} class={classes!("cv-row", draining.then_some("draining"), (!i.agent_connected).then_some("unreachable"))} data-testid="instance" data-instance={i.id.clone()}
            data-status={if draining { "DRAINING" } else { "ACTIVE" }}>
            <th scope="row"><button class="cv-link" onclick={open_row} aria-label={format!("Details of {}", i.id)}>{id_text(&i.id)}</button></th>
            <td>{id_text(&i.instance_type)}</td>
            <td>
                // `Ready,SchedulingDisabled` may break after its comma (a narrow zone, presenter
                // mode): the text stays the same.
                { for node_status(w, i).split_inclusive(',').enumerate().map(|(n, part)| html! { <>if n > 0 { <wbr/> }{part}</> }) }
                if !i.agent_connected { <span class="cv-badge err">{" unreachable"}</span> }
            </td>
            <td>{ cpu_meter(w, i.registered_cpu - i.remaining_cpu.min(i.registered_cpu), i.registered_cpu) }</td>
            <td>{ meter("Memory", i.registered_memory - i.remaining_memory.min(i.registered_memory), i.registered_memory, "MiB") }</td>
            <td class="cv-chips">{ for tasks.iter().map(|t| chip(t, current(t), open, w.kube)) }</td>
            <td class="cv-actions">
                <button class="small" title={if w.kube { format!("Drain {}: cordon it and evict its pods; their controllers start them elsewhere", i.id) } else { format!("Drain {}: no new tasks; its service tasks move elsewhere", i.id) }} aria-label={format!("Drain {}", i.id)} disabled={draining && !w.kube} onclick={send(|instance| Command::DrainInstance { instance })}>{"Drain"}</button>
                <button class="small" title={if is_spot(i) { format!("Spot interruption: {} is reclaimed in two minutes", i.id) } else { format!("{} is on-demand (EC2 interrupts only Spot capacity): see what a Spot instance would go through, a two-minute warning and then reclaimed", i.id) }} aria-label={format!("Spot-interrupt {}", i.id)} disabled={draining && !w.kube} onclick={send(|instance| Command::SpotInterruption { instance: Some(instance), task: None })}>{"Spot"}</button>
                <button class="icon" data-testid="instance-terminate" title={format!("Terminate {}", i.id)} aria-label={format!("Terminate {}", i.id)} onclick={terminate}>{"✕"}</button>
            </td>
        </tr>
    }
}

/// The whole table view. `on_terminate` hears which instance a row's ✕ terminates (and where the
/// focus should go when its row is gone).
pub fn render(s: &Snapshot, on_command: &Callback<Command>, open: &Callback<Selection>, on_terminate: &Callback<FocusAfter>) -> Html {
    let current_of: std::collections::HashMap<&str, u32> =
        s.services.iter().filter_map(|v| v.task_definition.rsplit(':').next().and_then(|r| r.parse().ok()).map(|r| (v.name.as_str(), r))).collect();
    let current = |t: &TaskView| t.service.as_deref().and_then(|n| current_of.get(n).copied());
    let by_id: std::collections::HashMap<&str, &TaskView> = s.tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    let w = Words::of(s);
    let ctx = RowCtx { w, current: &current, on_command, open, on_terminate };
    let zones = s.availability_zones.iter().map(|az| {
        let down = s.down_zones.contains(az);
        let toggle = {
            let cb = on_command.clone();
            let az = az.clone();
            Callback::from(move |_: MouseEvent| cb.emit(if down { Command::AzRecover { az: az.clone() } } else { Command::AzOutage { az: az.clone() } }))
        };
        let zone: Vec<&InstanceView> = s.instances.iter().filter(|i| &i.az == az).collect();
        let rows = zone.iter().map(|i| {
            let tasks: Vec<&TaskView> = i.tasks.iter().filter_map(|id| by_id.get(id.as_str()).copied()).collect();
            instance_row(&ctx, i, &zone, &tasks)
        });
        let fargate: Vec<&TaskView> = s.tasks.iter().filter(|t| t.instance.is_none() && &t.az == az).collect();
        // Nothing in the zone: a line instead of a table with only its header (the elements stay,
        // hidden, so Yew never swaps one for the other).
        let empty = zone.is_empty() && fargate.is_empty();
        let open_pool = {
            let open = open.clone();
            let az = az.clone();
            Callback::from(move |_: MouseEvent| open.emit(Selection::Fargate(az.clone())))
        };
        html! {
            <section class={classes!("cv-az", down.then_some("down"))} data-testid="az" data-az={az.clone()} aria-label={format!("Availability Zone {az}{}", if down { ", down" } else { "" })}>
                <h3>{az.clone()}
                    if down { <span class="cv-badge err">{"DOWN"}</span> }
                    // The zone in the accessible name (three zones, three buttons), after the
                    // visible words, so voice control finds it by what it shows.
                    <button class="small" data-testid={format!("az-toggle-{az}")} onclick={toggle} title={if down { "Bring the zone back" } else { "Take the whole zone down: its instances become unreachable" }}
                            aria-label={if down { format!("Recover the zone: {az}") } else { format!("Take the zone down: {az}") }}>
                        { if down { "Recover the zone" } else { "Take the zone down" } }
                    </button>
                </h3>
                <p class="cv-muted cv-az-empty" data-testid="az-empty" hidden={!empty}>{format!("No {} in {az}", w.nodes())}</p>
                <table class="cv-table" hidden={empty}>
                    <thead><tr><th scope="col">{w.node()}</th><th scope="col">{"type"}</th><th scope="col">{"status"}</th><th scope="col">{w.cpu_unit()}</th><th scope="col">{"memory MiB"}</th><th scope="col">{w.tasks()}</th><th scope="col">{"actions"}</th></tr></thead>
                    <tbody>
                        { for rows }
                        if !fargate.is_empty() {
                            <tr data-testid="fargate-pool">
                                <th scope="row"><button class="cv-link" onclick={open_pool} aria-label={format!("Details of the Fargate pool in {az}")}>{"Fargate"}</button></th>
                                <td colspan="4" class="cv-muted">{format!("one right-sized host per {}", w.task())}</td>
                                <td class="cv-chips">{ for fargate.iter().map(|t| chip(t, current(t), open, w.kube)) }</td>
                                <td></td>
                            </tr>
                        }
                    </tbody>
                </table>
            </section>
        }
    });
    html! { <div class="cv-zones">{ for zones }</div> }
}
