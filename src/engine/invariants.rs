//! Invariants the engine must keep after every event. Tests (and, later, the simulation fuzzer)
//! call [`check`] after each step; a violation names what broke and where.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::task::TaskStatus;

/// Returns the first violated invariant, described for a human.
pub fn check(e: &Engine) -> Result<(), String> {
    let live_on: BTreeMap<&str, &str> = e
        .tasks()
        .values()
        .filter(|t| t.last_status != TaskStatus::Stopped)
        .filter_map(|t| t.instance.as_deref().map(|i| (t.id.as_str(), i)))
        .collect();
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for inst in e.instances().values() {
        let mut cpu = 0u64;
        let mut mem = 0u64;
        let mut groups: BTreeMap<&str, u32> = BTreeMap::new();
        let mut ports = BTreeSet::new();
        for id in &inst.tasks {
            if !listed.insert(id) {
                return Err(format!("task {id} is listed on more than one instance (again on {})", inst.id));
            }
            let t = e.tasks().get(id).ok_or_else(|| format!("{} lists unknown task {id}", inst.id))?;
            if t.last_status == TaskStatus::Stopped {
                return Err(format!("{} still lists STOPPED task {id}", inst.id));
            }
            if t.instance.as_deref() != Some(inst.id.as_str()) {
                return Err(format!("{} lists {id}, but the task says it is on {:?}", inst.id, t.instance));
            }
            cpu += t.cpu as u64;
            mem += t.memory as u64;
            *groups.entry(t.group.as_str()).or_default() += 1;
            for p in &t.host_ports {
                if !ports.insert(*p) {
                    return Err(format!("host port {}/{:?} is used twice on {}", p.0, p.1, inst.id));
                }
                if inst.reserved_ports.contains(&p.0) {
                    return Err(format!("{id} uses reserved port {} on {}", p.0, inst.id));
                }
                if inst.used_ports.get(p).map(String::as_str) != Some(id.as_str()) {
                    return Err(format!("{} does not record port {} as used by {id}", inst.id, p.0));
                }
            }
        }
        if cpu > inst.registered.cpu as u64 || mem > inst.registered.memory as u64 {
            return Err(format!("{} is over-committed: tasks reserve {cpu} CPU units / {mem} MiB of {} / {}", inst.id, inst.registered.cpu, inst.registered.memory));
        }
        if inst.registered.cpu as u64 - cpu != inst.remaining.cpu as u64 || inst.registered.memory as u64 - mem != inst.remaining.memory as u64 {
            return Err(format!("{} books {} CPU / {} MiB free, but its tasks leave {} / {}", inst.id, inst.remaining.cpu, inst.remaining.memory, inst.registered.cpu as u64 - cpu, inst.registered.memory as u64 - mem));
        }
        if ports.len() != inst.used_ports.len() {
            return Err(format!("{} records {} used ports but its tasks use {}", inst.id, inst.used_ports.len(), ports.len()));
        }
        let recorded: BTreeMap<&str, u32> = inst.group_counts.iter().map(|(g, n)| (g.as_str(), *n)).collect();
        if recorded != groups {
            return Err(format!("{} group counts {recorded:?} do not match its tasks {groups:?}", inst.id));
        }
        if inst.eni_used > inst.eni_limit {
            return Err(format!("{} uses {} ENIs of {}", inst.id, inst.eni_used, inst.eni_limit));
        }
    }
    for (task, inst) in &live_on {
        if !listed.contains(task) {
            return Err(format!("live task {task} says it is on {inst}, which does not list it"));
        }
    }
    for t in e.tasks().values() {
        let stopped = t.last_status == TaskStatus::Stopped;
        if stopped && t.desired_status != TaskStatus::Stopped {
            return Err(format!("{} is STOPPED but desired {:?}", t.id, t.desired_status));
        }
        if t.desired_status == TaskStatus::Stopped && (t.stop_code.is_none() || t.stopped_reason.is_none()) {
            return Err(format!("{} stopped without a stop code and reason", t.id));
        }
    }
    for s in e.services().values() {
        // maximumPercent bounds the tasks in RUNNING or PENDING (desired RUNNING) at all times.
        let live = e.tasks().values().filter(|t| t.service.as_deref() == Some(s.name.as_str()) && t.is_live()).count() as u32;
        let (_, upper) = s.config.bounds(s.desired_count);
        if live > upper.max(s.desired_count) {
            return Err(format!("service {}: {live} tasks RUNNING or PENDING, above maximumPercent's {upper} (desired {})", s.name, s.desired_count));
        }
    }
    // The service scheduler's index of live tasks matches the tasks themselves.
    let mut expected: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for t in e.tasks().values().filter(|t| t.last_status != TaskStatus::Stopped) {
        if let Some(s) = t.service.as_deref() {
            expected.entry(s).or_default().insert(t.id.as_str());
        }
    }
    for (s, ids) in &e.live_by_service {
        let want = expected.remove(s.as_str()).unwrap_or_default();
        let have: BTreeSet<&str> = sort::collect_set(ids.iter().map(String::as_str));
        if have != want {
            return Err(format!("service {s}: the live-task index holds {have:?}, the tasks not STOPPED are {want:?}"));
        }
    }
    if let Some((s, ids)) = expected.into_iter().next() {
        return Err(format!("service {s}: tasks {ids:?} are not STOPPED but missing from the live-task index"));
    }
    Ok(())
}
