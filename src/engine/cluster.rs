//! The cluster model: availability zones, container instances and their free resources.
//!
//! Units follow ECS: CPU in CPU units (1 vCPU = 1024), memory in MiB. An instance's
//! `registered` resources never change; `remaining` is what placement may still use.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::engine::catalog::InstanceType;
use crate::engine::sort;
use crate::engine::taskdef::Protocol;
use crate::engine::time::Millis;

/// Ports the ECS agent reserves on every container instance: 22 (SSH), 2375 and 2376 (Docker),
/// 51678–51680 (the ECS agent). Source: ECS API reference, `PortMapping.hostPort`.
pub const DEFAULT_RESERVED_PORTS: [u16; 6] = [22, 2375, 2376, 51678, 51679, 51680];

/// Dynamic host ports (`hostPort: 0` in bridge mode) come from the instance's ephemeral range,
/// `/proc/sys/net/ipv4/ip_local_port_range`, which is 32768–60999 on a default Linux kernel.
/// Source: ECS API reference, `PortMapping.hostPort`.
pub const EPHEMERAL_PORTS: std::ops::RangeInclusive<u16> = 32768..=60999;

/// ECS container agent version reported by simulated instances.
pub const AGENT_VERSION: &str = "1.87.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Resources {
    /// CPU units (1 vCPU = 1024).
    pub cpu: u32,
    /// MiB.
    pub memory: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InstanceStatus {
    Active,
    Draining,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInstance {
    pub id: String,
    pub instance_type: String,
    pub az: String,
    pub status: InstanceStatus,
    pub registered: Resources,
    pub remaining: Resources,
    /// Ports nobody may bind (the agent's defaults plus any from the scenario).
    pub reserved_ports: BTreeSet<u16>,
    /// Host ports in use by tasks: (port, protocol) → task id.
    pub used_ports: BTreeMap<(u16, Protocol), String>,
    /// ENIs available to `awsvpc` tasks (the primary ENI is not) and how many are in use.
    pub eni_limit: u32,
    pub eni_used: u32,
    /// Built-in (`ecs.*`) and custom attributes.
    pub attributes: BTreeMap<String, String>,
    pub registered_at: Millis,
    pub agent_version: String,
    pub agent_connected: bool,
    /// Ids of the tasks placed here and not yet stopped, in placement order.
    pub tasks: Vec<String>,
    /// Task group → number of this instance's tasks in it (`service:web`, `family:batch`, ...).
    pub group_counts: BTreeMap<String, u32>,
    /// Images already pulled here (a cached image starts without a pull).
    pub images: BTreeSet<String>,
    pub hourly_usd: f64,
}

impl ContainerInstance {
    pub fn new(id: String, it: &InstanceType, az: &str, reserved_memory: u32, registered_at: Millis) -> Self {
        let mut attributes = BTreeMap::new();
        attributes.insert("ecs.instance-type".to_string(), it.name.to_string());
        attributes.insert("ecs.availability-zone".to_string(), az.to_string());
        attributes.insert("ecs.os-type".to_string(), "linux".to_string());
        attributes.insert("ecs.cpu-architecture".to_string(), it.arch.to_string());
        let registered = Resources { cpu: it.cpu_units(), memory: it.memory_mib.saturating_sub(reserved_memory) };
        ContainerInstance {
            id,
            instance_type: it.name.to_string(),
            az: az.to_string(),
            status: InstanceStatus::Active,
            registered,
            remaining: registered,
            reserved_ports: DEFAULT_RESERVED_PORTS.iter().copied().collect(),
            used_ports: BTreeMap::new(),
            eni_limit: it.max_enis.saturating_sub(1),
            eni_used: 0,
            attributes,
            registered_at,
            agent_version: AGENT_VERSION.to_string(),
            agent_connected: true,
            tasks: Vec::new(),
            group_counts: BTreeMap::new(),
            images: BTreeSet::new(),
            hourly_usd: it.hourly_usd,
        }
    }

    pub fn port_free(&self, port: u16, proto: Protocol) -> bool {
        !self.reserved_ports.contains(&port) && !self.used_ports.contains_key(&(port, proto))
    }

    /// The lowest free port of the ephemeral range, skipping `taken` (ports already chosen for
    /// the same task).
    pub fn free_dynamic_port(&self, proto: Protocol, taken: &[(u16, Protocol)]) -> Option<u16> {
        EPHEMERAL_PORTS.clone().find(|p| self.port_free(*p, proto) && !taken.contains(&(*p, proto)))
    }
}

impl ContainerInstance {
    /// How many tasks of `group` run here.
    pub fn group_count(&self, group: &str) -> u32 {
        self.group_counts.get(group).copied().unwrap_or(0)
    }
}

/// A change to the set of instances, as [`Instances`] records it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `id` was handed out for writing (or inserted, or removed). `before` is the instance as it
    /// was (`None`: it did not exist); kept only while [`Instances::keep_before`] is on.
    Touched { id: String, before: Option<Box<ContainerInstance>> },
    /// A task was placed on `id` by the engine's own bookkeeping ([`Instances::place_task`]);
    /// `undo` restores the fields it changed.
    Placed { id: String, undo: PlacedUndo },
    /// Every instance may have changed (`values_mut`); `before` is the whole map as it was.
    All { before: Option<Box<BTreeMap<String, ContainerInstance>>> },
}

/// What [`Instances::place_task`] changed on an instance, to undo it exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedUndo {
    remaining: Resources,
    eni_used: u32,
    /// Ports inserted that were not in `used_ports` before.
    ports: Vec<(u16, Protocol)>,
    group: String,
    /// The group's count before (0: no entry).
    group_before: u32,
}

/// The cluster's container instances by id (a `BTreeMap`, which it dereferences to for reading),
/// with a journal of every write. Reading is free; every way of writing — [`get_mut`](Self::get_mut),
/// [`values_mut`](Self::values_mut), [`insert`](Self::insert), [`remove`](Self::remove),
/// [`place_task`](Self::place_task) — appends to the journal first. There is deliberately no
/// `DerefMut`: code that writes must come through here.
///
/// The journal lets the placement index (`placement::index`) update only the instances that
/// changed since it last looked, and lets the engine rebuild a placement's full explanation later
/// by undoing the changes made since (see `Engine::decision`).
#[derive(Debug, Clone, Default)]
pub struct Instances {
    map: BTreeMap<String, ContainerInstance>,
    journal: std::collections::VecDeque<Change>,
    /// Sequence number of `journal[0]`; entry `k` has number `base + k`.
    base: u64,
    /// Bumped when an instance is added or removed (ids change, so positions do too).
    membership: u64,
    keep_before: bool,
}

impl std::ops::Deref for Instances {
    type Target = BTreeMap<String, ContainerInstance>;
    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl PartialEq for Instances {
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl From<BTreeMap<String, ContainerInstance>> for Instances {
    fn from(map: BTreeMap<String, ContainerInstance>) -> Self {
        Instances { map, ..Default::default() }
    }
}

impl<'a> IntoIterator for &'a Instances {
    type Item = (&'a String, &'a ContainerInstance);
    type IntoIter = std::collections::btree_map::Iter<'a, String, ContainerInstance>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

impl Instances {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keep each written instance's previous value in the journal (the engine does, to rebuild
    /// explanations); off by default.
    pub fn keep_before(&mut self, on: bool) {
        self.keep_before = on;
    }

    /// The plain map.
    pub fn map(&self) -> &BTreeMap<String, ContainerInstance> {
        &self.map
    }

    /// Sequence number the next journal entry will get.
    pub fn seq(&self) -> u64 {
        self.base + self.journal.len() as u64
    }

    /// The oldest sequence number still in the journal.
    pub fn journal_start(&self) -> u64 {
        self.base
    }

    pub fn membership(&self) -> u64 {
        self.membership
    }

    /// Journal entries from sequence number `from` on (`None` if `from` was already forgotten).
    pub fn changes_since(&self, from: u64) -> Option<impl Iterator<Item = &Change>> {
        if from < self.base || from > self.seq() {
            return None;
        }
        Some(self.journal.range((from - self.base) as usize..))
    }

    /// Forget journal entries before sequence number `upto`.
    pub fn forget_before(&mut self, upto: u64) {
        while self.base < upto && self.journal.pop_front().is_some() {
            self.base += 1;
        }
    }

    pub fn journal_len(&self) -> usize {
        self.journal.len()
    }

    fn touch(&mut self, id: &str) {
        let before = if self.keep_before { self.map.get(id).map(|i| Box::new(i.clone())) } else { None };
        self.journal.push_back(Change::Touched { id: id.to_string(), before });
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut ContainerInstance> {
        if !self.map.contains_key(id) {
            return None;
        }
        self.touch(id);
        self.map.get_mut(id)
    }

    pub fn values_mut(&mut self) -> std::collections::btree_map::ValuesMut<'_, String, ContainerInstance> {
        let before = if self.keep_before { Some(Box::new(self.map.clone())) } else { None };
        self.journal.push_back(Change::All { before });
        self.map.values_mut()
    }

    pub fn insert(&mut self, id: String, inst: ContainerInstance) -> Option<ContainerInstance> {
        self.touch(&id);
        self.membership += 1;
        self.map.insert(id, inst)
    }

    pub fn remove(&mut self, id: &str) -> Option<ContainerInstance> {
        if !self.map.contains_key(id) {
            return None;
        }
        self.touch(id);
        self.membership += 1;
        self.map.remove(id)
    }

    /// The engine's bookkeeping for a task placed on `id`: resources, host ports, ENI, task list
    /// and group count. Journaled compactly (no copy of the instance). `false` if `id` is unknown.
    #[allow(clippy::too_many_arguments)]
    pub fn place_task(&mut self, id: &str, task: &str, group: &str, cpu: u32, memory: u32, host_ports: &[(u16, Protocol)], uses_eni: bool) -> bool {
        let Some(inst) = self.map.get_mut(id) else { return false };
        let mut undo = PlacedUndo {
            remaining: inst.remaining,
            eni_used: inst.eni_used,
            ports: Vec::new(),
            group: group.to_string(),
            group_before: inst.group_count(group),
        };
        inst.remaining.cpu = inst.remaining.cpu.saturating_sub(cpu);
        inst.remaining.memory = inst.remaining.memory.saturating_sub(memory);
        for p in host_ports {
            if inst.used_ports.insert(*p, task.to_string()).is_none() {
                undo.ports.push(*p);
            }
        }
        if uses_eni {
            inst.eni_used += 1;
        }
        inst.tasks.push(task.to_string());
        *inst.group_counts.entry(group.to_string()).or_insert(0) += 1;
        self.journal.push_back(Change::Placed { id: id.to_string(), undo });
        true
    }

    /// The instances as they were just before journal entry `seq` (undoing it and everything
    /// after, newest first). `None` if the journal no longer reaches back that far or did not
    /// keep the previous values.
    pub fn as_of(&self, seq: u64) -> Option<BTreeMap<String, ContainerInstance>> {
        let mut out = None;
        self.walk_back(&[seq], |_, m| out = Some(m.clone()));
        out
    }

    /// Undo the journal newest first, calling `visit(seq, state)` with the instances as they were
    /// just before entry `seq`, for each of `stops` (visited in descending order). Stops the
    /// journal no longer reaches (or whose previous values it did not keep) are not visited.
    pub fn walk_back(&self, stops: &[u64], mut visit: impl FnMut(u64, &BTreeMap<String, ContainerInstance>)) {
        let mut stops: Vec<u64> = stops.iter().copied().filter(|&s| s >= self.base && s <= self.seq()).collect();
        sort::sort_by(&mut stops, |a, b| b.cmp(a));
        stops.dedup();
        let Some(&lowest) = stops.last() else { return };
        let mut map = self.map.clone();
        let mut next = stops.into_iter().peekable();
        let mut at = self.seq();
        loop {
            while let Some(&s) = next.peek() {
                if s < at {
                    break;
                }
                visit(s, &map);
                next.next();
            }
            if at <= lowest {
                return;
            }
            at -= 1;
            let Some(change) = self.journal.get((at - self.base) as usize) else { return };
            match change {
                Change::Touched { id, before: Some(b) } => {
                    map.insert(id.clone(), (**b).clone());
                }
                Change::Touched { id, before: None } => {
                    if !self.keep_before {
                        return;
                    }
                    map.remove(id);
                }
                Change::All { before: Some(b) } => map = (**b).clone(),
                Change::All { before: None } => return,
                Change::Placed { id, undo } => {
                    let Some(inst) = map.get_mut(id) else { return };
                    inst.remaining = undo.remaining;
                    inst.eni_used = undo.eni_used;
                    for p in &undo.ports {
                        inst.used_ports.remove(p);
                    }
                    inst.tasks.pop();
                    if undo.group_before == 0 {
                        inst.group_counts.remove(&undo.group);
                    } else {
                        inst.group_counts.insert(undo.group.clone(), undo.group_before);
                    }
                }
            }
        }
    }
}
