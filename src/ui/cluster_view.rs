//! The cluster: one column per Availability Zone, instance cards with CPU and memory bars and
//! task chips, a Fargate pool per zone, and the queue of tasks waiting for room.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::sim::Command;
use crate::engine::snapshot::{InstanceView, Snapshot, TaskView};
use crate::engine::task::TaskStatus;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub snapshot: Rc<Snapshot>,
    pub on_command: Callback<Command>,
    /// Placement explanation and history of a task, asked for when the learner clicks it.
    pub inspect: Callback<String, crate::engine::snapshot::TaskInspection>,
}

/// A stable colour slot (0–7) per service or task group, so each service keeps its colour.
pub fn colour_slot(group: &str) -> usize {
    (crate::engine::rng::fnv1a(group.as_bytes()) % 8) as usize
}

fn pct(used: u32, total: u32) -> u32 {
    if total == 0 { 0 } else { ((used as u64 * 100) / total as u64) as u32 }
}

fn bar(label: &str, used: u32, total: u32, unit: &str) -> Html {
    let p = pct(used, total);
    html! {
        <div class="bar" title={format!("{label}: {used} of {total} {unit} reserved")}>
            <span class="bar-label">{label}</span>
            <span class="bar-track" role="meter" aria-valuemin="0" aria-valuemax={total.to_string()} aria-valuenow={used.to_string()} aria-label={format!("{label} reserved")}>
                <span class={classes!("bar-fill", (p > 85).then_some("hot"))} style={format!("width:{p}%")}></span>
            </span>
            <span class="bar-value">{format!("{used}/{total}")}</span>
        </div>
    }
}

fn chip(t: &TaskView) -> Html {
    let pending = t.last_status != TaskStatus::Running && t.desired_status == TaskStatus::Running;
    let stopping = t.desired_status == TaskStatus::Stopped;
    let label = t.service.clone().unwrap_or_else(|| t.group.clone());
    let title = format!(
        "{} — {} ({})\n{} CPU units, {} MiB{}",
        t.id,
        t.task_definition,
        format!("{:?}", t.last_status).to_uppercase(),
        t.cpu,
        t.memory,
        if t.host_ports.is_empty() { String::new() } else { format!("\nhost ports {:?}", t.host_ports) }
    );
    html! {
        <span class={classes!("chip", format!("c{}", colour_slot(&label)), if t.revision % 2 == 0 { "rev-even" } else { "rev-odd" }, pending.then_some("pending"), stopping.then_some("stopping"), (t.health == "UNHEALTHY").then_some("unhealthy"))}
              data-testid="task-chip" data-task={t.id.clone()} data-revision={t.revision.to_string()} data-status={format!("{:?}", t.last_status).to_uppercase()}
              title={title} aria-label={format!("task {} revision {}", t.id, t.revision)}>
            {format!("{}", t.id)}
        </span>
    }
}

fn instance_card(i: &InstanceView, tasks: &[&TaskView], on_command: &Callback<Command>) -> Html {
    let send = |make: fn(String) -> Command| {
        let cb = on_command.clone();
        let id = i.id.clone();
        Callback::from(move |_: MouseEvent| cb.emit(make(id.clone())))
    };
    let terminate = send(|instance| Command::TerminateInstance { instance });
    let drain = send(|instance| Command::DrainInstance { instance });
    let spot = send(|instance| Command::SpotInterruption { instance: Some(instance), task: None });
    let draining = i.status == crate::engine::cluster::InstanceStatus::Draining;
    html! {
        <article class={classes!("instance", draining.then_some("draining"), (!i.agent_connected).then_some("unreachable"))} data-testid="instance" data-instance={i.id.clone()}
                 data-status={if draining { "DRAINING" } else { "ACTIVE" }} aria-label={format!("instance {} {}{}", i.id, i.instance_type, if draining { ", draining" } else { "" })}>
            <header>
                <strong>{&i.id}</strong>
                <span class="itype">{&i.instance_type}</span>
                if draining { <span class="badge">{"DRAINING"}</span> }
                if !i.agent_connected { <span class="badge err">{"unreachable"}</span> }
                <span class="actions">
                    <button class="small" title={format!("Drain {}: no new tasks; its service tasks move elsewhere", i.id)} aria-label={format!("Drain {}", i.id)} disabled={draining} onclick={drain}>{"Drain"}</button>
                    <button class="small" title={format!("Spot interruption: {} is reclaimed in two minutes", i.id)} aria-label={format!("Spot-interrupt {}", i.id)} disabled={draining} onclick={spot}>{"Spot"}</button>
                    <button class="icon" title={format!("Terminate {}", i.id)} aria-label={format!("Terminate {}", i.id)} onclick={terminate}>{"✕"}</button>
                </span>
            </header>
            { bar("CPU", i.registered_cpu - i.remaining_cpu, i.registered_cpu, "CPU units") }
            { bar("MiB", i.registered_memory - i.remaining_memory, i.registered_memory, "MiB") }
            <div class="chips">{ for tasks.iter().map(|t| chip(t)) }</div>
        </article>
    }
}

#[function_component(ClusterView)]
pub fn cluster_view(props: &Props) -> Html {
    let s = &props.snapshot;
    let columns = s.availability_zones.iter().map(|az| {
        let instances = s.instances.iter().filter(|i| &i.az == az).map(|i| {
            let tasks: Vec<&TaskView> = i.tasks.iter().filter_map(|id| s.tasks.iter().find(|t| &t.id == id)).collect();
            instance_card(i, &tasks, &props.on_command)
        });
        let fargate: Vec<&TaskView> = s.tasks.iter().filter(|t| t.instance.is_none() && &t.az == az).collect();
        let down = s.down_zones.contains(az);
        let toggle = {
            let cb = props.on_command.clone();
            let az = az.clone();
            Callback::from(move |_: MouseEvent| cb.emit(if down { Command::AzRecover { az: az.clone() } } else { Command::AzOutage { az: az.clone() } }))
        };
        html! {
            <section class={classes!("az", down.then_some("down"))} data-testid="az" data-az={az.clone()} aria-label={format!("Availability Zone {az}{}", if down { ", down" } else { "" })}>
                <h2>{az}
                    <button class="small" data-testid={format!("az-toggle-{az}")} onclick={toggle} title={if down { "Bring the zone back" } else { "Take the whole zone down: its instances become unreachable" }}>
                        { if down { "Recover" } else { "Outage" } }
                    </button>
                </h2>
                { for instances }
                if !fargate.is_empty() {
                    <article class="instance fargate" data-testid="fargate-pool" aria-label={format!("Fargate in {az}")}>
                        <header><strong>{"Fargate"}</strong><span class="itype">{"one right-sized host per task"}</span></header>
                        <div class="chips">{ for fargate.iter().map(|t| chip(t)) }</div>
                    </article>
                }
            </section>
        }
    });
    let waiting = s.unplaced.iter().map(|u| {
        html! {
            <li data-testid="unplaced">
                <strong>{format!("{} × {}", u.count, u.service.clone().unwrap_or_else(|| u.group.clone()))}</strong>
                {" waiting: "}{&u.reason}
            </li>
        }
    });
    let services = s.services.iter().map(|v| {
        html! {
            <li data-testid="service-summary" data-service={v.name.clone()}>
                <span class={classes!("swatch", format!("c{}", colour_slot(&v.name)))}></span>
                <strong>{&v.name}</strong>{format!(" {} — desired {}, running {}, pending {}", v.task_definition, v.desired, v.running, v.pending)}
                if v.unplaced > 0 { <span class="warn">{format!(", {} unplaced", v.unplaced)}</span> }
                <span class="muted">{format!(" · {}", if v.strategy.is_empty() { "Fargate AZ spread".to_string() } else { v.strategy.join(" → ") })}</span>
                if v.rollout_state != "COMPLETED" && !v.rollout_state.is_empty() {
                    <span class={classes!("rollout", (v.rollout_state == "FAILED").then_some("warn"))} data-testid="rollout">{format!(" · deployment {}", v.rollout_state)}</span>
                }
                if v.traffic.len() > 1 {
                    <span class="traffic" data-testid="traffic">{format!(" · traffic {}", v.traffic.iter().map(|(td, p)| format!("{td} {p} %")).collect::<Vec<_>>().join(" / "))}</span>
                }
            </li>
        }
    });
    html! {
        <section class="cluster" aria-label="Cluster">
            <ul class="services">{ for services }</ul>
            <div class="azs">{ for columns }</div>
            <section class="pending-queue" aria-label="Tasks waiting for placement">
                <h2>{"Pending queue"}</h2>
                if s.unplaced.is_empty() {
                    <p class="muted">{"Every task has a place."}</p>
                } else {
                    <ul>{ for waiting }</ul>
                }
            </section>
        </section>
    }
}
