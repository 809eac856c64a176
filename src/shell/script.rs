//! A scenario's scripted timeline in words, for the notice that opens an example: a learner who
//! picks "Rolling update, minimum 50 %" should know that the update comes at 00:01:00 before
//! watching a steady cluster for a minute.

use crate::engine::sim::Command;
use crate::engine::time::{Clock, Millis};
use crate::shell::examples::opened_notice;

/// One scripted command as a short phrase ("update service web to web:2").
pub fn command_words(c: &Command) -> String {
    match c {
        Command::RegisterTaskDefinition { task_definition } => match task_definition {
            Some(td) => format!("register the next revision of {}", td.family),
            None => "register a task definition".into(),
        },
        Command::CreateService(s) => format!("create service {}", s.service_name),
        Command::UpdateService { service, desired_count, task_definition, .. } => match (task_definition, desired_count) {
            (Some(td), Some(n)) => format!("update service {service} to {td} with {n} tasks"),
            (Some(td), None) => format!("update service {service} to {td}"),
            (None, Some(n)) => format!("set service {service} to {n} tasks"),
            (None, None) => format!("update service {service}"),
        },
        Command::PutAutoScaling { service, auto_scaling } => match auto_scaling {
            Some(_) => format!("set Service Auto Scaling for {service}"),
            None => format!("remove Service Auto Scaling from {service}"),
        },
        Command::RunTask(r) => format!("run {} standalone task{} of {}", r.count, if r.count == 1 { "" } else { "s" }, r.task_definition),
        Command::StopTask { task, .. } => format!("stop task {task}"),
        Command::AddInstances { instance_type, count, .. } => format!("add {count} {instance_type} instance{}", if *count == 1 { "" } else { "s" }),
        Command::TerminateInstance { instance } => format!("terminate {instance}"),
        Command::DrainInstance { instance } => format!("drain {instance}"),
        Command::AzOutage { az } => format!("take zone {az} down"),
        Command::AzRecover { az } => format!("recover zone {az}"),
        Command::SpotInterruption { instance, task } => match (instance, task) {
            (Some(i), _) => format!("Spot interruption of {i}"),
            (None, Some(t)) => format!("Spot interruption of task {t}"),
            (None, None) => "Spot interruption".into(),
        },
        Command::CreateAutoScalingGroup(a) => format!("create Auto Scaling group {}", a.name),
        Command::CreateCapacityProvider(_) => "create a capacity provider".into(),
        Command::SetDesiredCapacity { group, desired } => format!("set {group} to {desired} instances"),
        Command::KubeSetup(_) => "set up Kubernetes".into(),
        Command::Kubectl { args, .. } => format!("kubectl {}", args.trim()),
        Command::CreateQueue(_) => "create a queue".into(),
        Command::PutMetricAlarm(_) => "create an alarm".into(),
        Command::SetTraffic { service, .. } => format!("change the load on {service}"),
    }
}

/// "at 00:01:00 register the next revision of web and update service web to web:2; at 00:03:00
/// terminate i-01": the timeline grouped by time, in order. `None` without a timeline.
pub fn timeline_words(timeline: &[(Millis, String, Command)]) -> Option<String> {
    let mut groups: Vec<(Millis, Vec<String>)> = Vec::new();
    for (at, _, c) in timeline {
        match groups.last_mut() {
            Some((t, words)) if t == at => words.push(command_words(c)),
            _ => groups.push((*at, vec![command_words(c)])),
        }
    }
    if groups.is_empty() {
        return None;
    }
    const MOST: usize = 6;
    let mut parts: Vec<String> = groups.iter().take(MOST).map(|(t, words)| format!("at {} {}", Clock(*t), words.join(" and "))).collect();
    if groups.len() > MOST {
        parts.push(format!("{} more", groups.len() - MOST));
    }
    Some(parts.join("; "))
}

/// The notice when an example opens: its name, what it shows, and what its timeline will do.
pub fn example_notice(name: &str, description: &str, timeline: &[(Millis, String, Command)], kept_aside: bool) -> String {
    let mut text = opened_notice(name, false);
    let description = description.trim();
    if !description.is_empty() {
        text.push(' ');
        text.push_str(description);
        if !description.ends_with(['.', '!', '?']) {
            text.push('.');
        }
    }
    if let Some(script) = timeline_words(timeline) {
        text.push_str(&format!(" Scripted: {script}."));
    }
    if kept_aside {
        text.push_str(" Your own session was kept aside.");
    }
    text
}
