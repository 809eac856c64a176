//! The simulation: state, the ordered queue of things to do, and the rules that run them.
//!
//! The engine advances only when the shell calls [`Engine::step`] or [`Engine::run_until`].
//! Commands arrive through [`Engine::apply`] (now) or [`Engine::schedule`] (at a virtual time).
//! After every processed item the service controller reconciles every service, in name order.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::catalog;
use crate::engine::cluster::{ContainerInstance, Instances, Resources};
use crate::engine::event::{Event, EventKind, LogHasher};
use crate::engine::placement::{self, Decision, Outcome, PlacementRng, Request, Strategy};
use crate::engine::rng::Rng;
use crate::engine::task::{LaunchType, RunTaskSpec, Service, ServiceSpec, Task, TaskStatus};
use crate::engine::taskdef::{NetworkMode, TaskDefinition};
use crate::engine::time::Millis;


/// Most container instances one cluster may hold (the ECS default quota is 5,000 per cluster).
pub const MAX_INSTANCES: usize = 5_000;
/// Placement explanations kept: the newest this many placements (each lists every candidate
/// instance, so keeping all of them would cost O(tasks × instances) memory — and time-travel
/// checkpoints copy the engine).
pub const KEPT_DECISIONS: usize = 256;

/// Journal entries (instance writes) kept before pending explanations are built eagerly.
pub const JOURNAL_LIMIT: u64 = 8_192;

/// What is kept about one placement to explain it later: the journal position just before it,
/// the request and the random streams as they were. `full` is the `Decision`, once built.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    seq: u64,
    request: Option<std::sync::Arc<Request>>,
    rng_random: Rng,
    rng_tie: Rng,
    full: std::cell::OnceCell<Option<Decision>>,
}

/// Whether `r` is the request `place_one` would build for these arguments (its task id aside).
fn request_fits(r: &Request, td: &TaskDefinition, group: &str, strategies: &[Strategy], constraints: &[placement::Constraint]) -> bool {
    let n = constraints.len();
    r.group == group
        && r.cpu == td.reserved_cpu()
        && r.memory == td.reserved_memory()
        && r.needs_eni == (td.network_mode == NetworkMode::Awsvpc)
        && r.strategies == strategies
        && r.constraints.len() == n + td.placement_constraints.len()
        && r.constraints[..n] == *constraints
        && r.constraints[n..].iter().zip(&td.placement_constraints).all(|(a, b)| matches!(a, placement::Constraint::MemberOf { expression } if *expression == b.expression))
        && r.host_ports == td.host_ports()
}

impl Kept {
    /// The full pipeline's decision on `state` (the instances just before the placement).
    fn build(&self, task: &str, state: &BTreeMap<String, ContainerInstance>, epoch_unix: i64) -> Option<Decision> {
        let request = self.request.as_ref()?;
        let (mut random, mut tie) = (self.rng_random.clone(), self.rng_tie.clone());
        let mut d = placement::place(request, state, epoch_unix, PlacementRng { random_strategy: &mut random, tie_break: &mut tie });
        d.task = task.to_string();
        Some(d)
    }
}

/// The kept placement explanations by task id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Explanations {
    map: BTreeMap<String, Kept>,
}

impl Explanations {
    /// Forget a task's explanation (it stopped).
    pub(crate) fn remove(&mut self, task: &str) {
        self.map.remove(task);
    }
}

/// Most tasks a service may ask for (the ECS quota for tasks per service is 5,000).
pub const MAX_DESIRED: u32 = 5_000;

/// A change to the cluster, from the scenario timeline, the UI or a lesson.
///
/// `Deserialize` is by hand, in `command_de`, for size: an externally tagged twin of this enum
/// with the same results and messages as serde's derive for these attributes. A variant or field
/// changed here must be changed there too (a mismatch does not compile); the serde attributes
/// here only shape serialisation, the twin's shape reading (keep them alike, in the same order).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Command {
    /// Register a task definition; the family's next revision number is assigned.
    RegisterTaskDefinition {
        #[serde(skip)]
        task_definition: Option<Box<TaskDefinition>>,
    },
    CreateService(ServiceSpec),
    UpdateService {
        service: String,
        #[serde(default)]
        desired_count: Option<u32>,
        #[serde(default)]
        task_definition: Option<String>,
        #[serde(default)]
        deployment_configuration: Option<crate::engine::deployment::DeploymentConfigurationPatch>,
        /// Start a new deployment even if the task definition is unchanged.
        #[serde(default)]
        force_new_deployment: bool,
        /// Replaces the service's placement strategy (`[]` removes it). For a rolling-update
        /// service a change starts a new deployment: ECS starts new tasks with the new
        /// configuration (UpdateService API reference). Blue/green services keep their tasks;
        /// the change applies to the next placements.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        placement_strategy: Option<Vec<Strategy>>,
        /// Replaces the service's placement constraints (`[]` removes them); as above.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        placement_constraints: Option<Vec<placement::Constraint>>,
    },
    /// Service Auto Scaling for an existing service (Application Auto Scaling's
    /// RegisterScalableTarget and PutScalingPolicy in one): the same object as a service's
    /// `autoScaling`, replacing its target and policies; `null` removes them.
    PutAutoScaling {
        service: String,
        #[serde(default)]
        auto_scaling: Option<crate::engine::scaling::AutoScalingSpec>,
    },
    RunTask(RunTaskSpec),
    StopTask {
        task: String,
        #[serde(default)]
        reason: Option<String>,
    },
    AddInstances {
        #[serde(rename = "type")]
        instance_type: String,
        /// `None`: balance across the cluster's AZs, as an Auto Scaling group does.
        #[serde(default)]
        az: Option<String>,
        #[serde(default = "one")]
        count: u32,
        #[serde(default)]
        attributes: BTreeMap<String, String>,
        /// Explicit ids (`["i-web1"]`); generated `i-01`, `i-02`, ... otherwise.
        #[serde(default)]
        ids: Vec<String>,
        /// MiB kept back from tasks (ECS_RESERVED_MEMORY).
        #[serde(default)]
        reserved_memory: u32,
    },
    TerminateInstance {
        instance: String,
    },
    /// Set an instance to DRAINING: no new tasks; its service tasks are replaced elsewhere
    /// within the services' deployment limits.
    DrainInstance {
        instance: String,
    },
    /// Every instance (and Fargate) in the zone becomes unreachable; their tasks are lost.
    AzOutage {
        az: String,
    },
    AzRecover {
        az: String,
    },
    /// A two-minute Spot interruption warning for an EC2 instance (drained, then terminated) or
    /// a Fargate task (stopped with SpotInterruption, then replaced).
    SpotInterruption {
        #[serde(default)]
        instance: Option<String>,
        #[serde(default)]
        task: Option<String>,
    },
    /// Create an Auto Scaling group (its first instances register at once).
    CreateAutoScalingGroup(crate::engine::capacity::AsgSpec),
    /// Create an ECS capacity provider for an Auto Scaling group.
    CreateCapacityProvider(crate::engine::capacity::CapacityProviderSpec),
    /// Resize an Auto Scaling group by hand.
    SetDesiredCapacity {
        group: String,
        desired: u32,
    },
    /// Set up Kubernetes (node groups, Fargate profiles, manifests): the scenario's `kubernetes`.
    KubeSetup(serde_json::Value),
    /// A kubectl command: `apply` (with `manifest`, YAML), `scale deployment/web --replicas=5`,
    /// `rollout undo deployment/web`, `cordon NODE`, `drain NODE`, `delete pod NAME`...
    Kubectl {
        args: String,
        #[serde(default)]
        manifest: Option<String>,
    },
    /// Create an SQS-like queue consumed by a service.
    CreateQueue(crate::engine::traffic::QueueSpec),
    /// Create a CloudWatch alarm on a metric.
    PutMetricAlarm(crate::engine::traffic::metrics::AlarmSpec),
    /// Set a service's load generator (requests per second over time).
    SetTraffic {
        service: String,
        load: crate::engine::traffic::load::LoadSpec,
    },
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::RegisterTaskDefinition { .. } => "registerTaskDefinition",
            Command::CreateService(_) => "createService",
            Command::UpdateService { .. } => "updateService",
            Command::PutAutoScaling { .. } => "putAutoScaling",
            Command::RunTask(_) => "runTask",
            Command::StopTask { .. } => "stopTask",
            Command::AddInstances { .. } => "addInstances",
            Command::TerminateInstance { .. } => "terminateInstance",
            Command::DrainInstance { .. } => "drainInstance",
            Command::AzOutage { .. } => "azOutage",
            Command::AzRecover { .. } => "azRecover",
            Command::SpotInterruption { .. } => "spotInterruption",
            Command::SetTraffic { .. } => "setTraffic",
            Command::PutMetricAlarm(_) => "putMetricAlarm",
            Command::CreateQueue(_) => "createQueue",
            Command::CreateAutoScalingGroup(_) => "createAutoScalingGroup",
            Command::CreateCapacityProvider(_) => "createCapacityProvider",
            Command::SetDesiredCapacity { .. } => "setDesiredCapacity",
            Command::KubeSetup(_) => "kubeSetup",
            Command::Kubectl { .. } => "kubectl",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Command(Command),
    /// A step of a task's lifecycle, valid only while the task's `gen` is unchanged.
    Task { task: String, gen: u32, timer: crate::engine::lifecycle::Timer },
    /// Wake a throttled service.
    ServiceRetry(String),
    /// A Spot instance is reclaimed.
    SpotReclaim(String),
    /// Fargate Spot capacity is reclaimed: the task stops now if it has not yet.
    SpotReclaimTask(String),
    /// One virtual second of traffic, metrics and scaling (see `traffic`).
    Tick,
    /// An Auto Scaling group's instance finished launching.
    InstanceLaunched(String),
    /// A Kubernetes timer.
    Kube(crate::engine::k8s::sim::KubeItem),
}

/// Static cluster settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterConfig {
    pub name: String,
    pub region: String,
    pub azs: Vec<String>,
    /// AZs where Fargate may place tasks (empty: Fargate unavailable).
    pub fargate_azs: Vec<String>,
    /// Unix seconds of virtual time 0.
    pub epoch_unix: i64,
}

#[derive(Clone)]
pub struct Engine {
    pub(crate) config: ClusterConfig,
    pub(crate) seed: u64,
    pub(crate) scenario_name: String,
    now: Millis,
    seq: u64,
    queue: BTreeMap<(Millis, u64), Item>,
    pub(crate) rng_random: Rng,
    pub(crate) rng_tie: Rng,
    pub(crate) rng_failures: Rng,
    /// Behaviour per `family:revision` or `family`.
    pub(crate) behaviors: BTreeMap<String, crate::engine::behavior::Behavior>,
    /// Zones currently down.
    pub(crate) down_azs: std::collections::BTreeSet<String>,
    /// Instances and Kubernetes nodes under a Spot interruption notice → when they are reclaimed
    /// (the page's countdown rings; entries past their time or for gone instances are ignored).
    pub(crate) spot_deadlines: BTreeMap<String, Millis>,
    /// Every write is journaled (see [`Instances`]): the placement index and the placement
    /// explanations read the journal.
    pub(crate) instances: Instances,
    /// The placement index (a cache: the same answers as `placement::place`, see
    /// `placement::index`).
    placer: placement::index::Placer,
    /// The last EC2 placement request (a service's tasks share one).
    last_request: Option<std::sync::Arc<Request>>,
    /// Place with the full pipeline and build every explanation at once (tests compare it with
    /// the index; see [`Engine::set_full_pipeline`]).
    full_pipeline: bool,
    /// See [`JOURNAL_LIMIT`].
    journal_limit: u64,
    pub(crate) task_defs: BTreeMap<String, Vec<TaskDefinition>>,
    pub(crate) services: BTreeMap<String, Service>,
    pub(crate) tasks: BTreeMap<String, Task>,
    /// Per service, the ids of its tasks not yet STOPPED (id order, as `tasks`): the service
    /// scheduler's scan reads these instead of every task ever started. Kept by `place_one`
    /// (insert) and `finish_stop` (remove); `invariants::check` proves it matches `tasks`.
    pub(crate) live_by_service: BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Why each live task is where it is (the newest [`KEPT_DECISIONS`] placements), built when
    /// first asked for.
    pub(crate) decisions: Explanations,
    /// Task ids in the order their decisions were kept (oldest first), to bound `decisions`.
    decision_order: std::collections::VecDeque<(String, u64)>,
    /// RunTask calls whose tasks did not fit: (group, count, decision).
    pub(crate) run_task_failures: Vec<(String, u32, Decision)>,
    family_counters: BTreeMap<String, u32>,
    /// Load generators, load balancers, metrics and alarms.
    pub(crate) traffic: crate::engine::traffic::TrafficState,
    /// Service Auto Scaling, by service.
    pub(crate) scalers: BTreeMap<String, crate::engine::scaling::Scaler>,
    pub(crate) ledger: crate::engine::cost::Ledger,
    /// Auto Scaling groups and capacity providers.
    pub(crate) capacity: crate::engine::capacity::CapacityState,
    /// Kubernetes nodes, pods and controllers.
    pub(crate) kube: crate::engine::k8s::sim::KubeState,
    next_instance: u32,
    events: Vec<Event>,
    log_hash: LogHasher,
}

impl Engine {
    pub fn new(config: ClusterConfig, seed: u64, scenario_name: &str) -> Self {
        let mut e = Engine {
            config,
            seed,
            scenario_name: scenario_name.to_string(),
            now: 0,
            seq: 0,
            queue: BTreeMap::new(),
            rng_random: Rng::derive(seed, "random-strategy"),
            rng_tie: Rng::derive(seed, "tie-break"),
            rng_failures: Rng::derive(seed, "failures"),
            behaviors: BTreeMap::new(),
            down_azs: std::collections::BTreeSet::new(),
            spot_deadlines: BTreeMap::new(),
            instances: {
                let mut i = Instances::new();
                i.keep_before(true);
                i
            },
            placer: placement::index::Placer::new(),
            last_request: None,
            full_pipeline: false,
            journal_limit: JOURNAL_LIMIT,
            task_defs: BTreeMap::new(),
            services: BTreeMap::new(),
            tasks: BTreeMap::new(),
            live_by_service: BTreeMap::new(),
            decisions: Explanations::default(),
            decision_order: std::collections::VecDeque::new(),
            run_task_failures: Vec::new(),
            family_counters: BTreeMap::new(),
            traffic: Default::default(),
            scalers: BTreeMap::new(),
            ledger: Default::default(),
            capacity: Default::default(),
            kube: Default::default(),
            next_instance: 1,
            events: Vec::new(),
            log_hash: LogHasher::default(),
        };
        e.emit(EventKind::ScenarioStarted { name: scenario_name.to_string(), seed });
        e
    }

    /// How each revision's app behaves (`family:revision` or `family` → behaviour).
    pub fn set_behaviors(&mut self, behaviors: BTreeMap<String, crate::engine::behavior::Behavior>) {
        self.behaviors = behaviors;
    }

    pub fn now(&self) -> Millis {
        self.now
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }
    pub fn tasks(&self) -> &BTreeMap<String, Task> {
        &self.tasks
    }
    pub fn instances(&self) -> &BTreeMap<String, ContainerInstance> {
        self.instances.map()
    }
    pub fn services(&self) -> &BTreeMap<String, Service> {
        &self.services
    }
    /// Place every EC2 task with the full pipeline (`placement::place`, every instance rated and
    /// explained at once) instead of the placement index. The results are the same — tests run
    /// both and compare the logs and explanations; benchmarks compare the cost.
    pub fn set_full_pipeline(&mut self, on: bool) {
        self.full_pipeline = on;
    }

    /// How many instance writes may pile up in the journal before the pending explanations are
    /// built eagerly ([`JOURNAL_LIMIT`] by default; tests set it low to exercise that path).
    pub fn set_journal_limit(&mut self, limit: u64) {
        self.journal_limit = limit;
    }

    /// Why a live task was placed where it is (kept for the newest [`KEPT_DECISIONS`] placements).
    /// Placements only keep a compact record; the full `Decision` (every instance's verdict) is
    /// rebuilt the first time it is asked for, by running the full pipeline on the instances as
    /// they were at that moment (the journal of `instances` undone back to it) with the random
    /// streams as they were: the same `Decision` the placement would have produced.
    pub fn decision(&self, task: &str) -> Option<&Decision> {
        let kept = self.decisions.map.get(task)?;
        kept.full.get_or_init(|| self.instances.as_of(kept.seq).and_then(|state| kept.build(task, &state, self.config.epoch_unix))).as_ref()
    }
    /// Every registered revision of a family, oldest first.
    pub fn task_definitions(&self, family: &str) -> &[TaskDefinition] {
        self.task_defs.get(family).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn task_definition_families(&self) -> impl Iterator<Item = &TaskDefinition> {
        self.task_defs.values().filter_map(|revs| revs.last())
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        let e = Event { t: self.now, kind };
        self.log_hash.update(&e);
        self.events.push(e);
    }

    /// FNV-1a 64 of the JSON-lines event log so far (see [`crate::engine::event::log_hash`]).
    pub fn log_hash(&self) -> String {
        self.log_hash.hex()
    }

    pub(crate) fn push(&mut self, at: Millis, item: Item) {
        self.seq += 1;
        self.queue.insert((at.max(self.now), self.seq), item);
    }

    /// Queue a command for virtual time `at` (or now, if `at` is in the past).
    pub fn schedule(&mut self, at: Millis, cmd: Command) {
        self.push(at, Item::Command(cmd));
    }

    /// When the next queued item is due.
    pub fn next_due(&self) -> Option<Millis> {
        self.queue.keys().next().map(|(t, _)| *t)
    }

    /// Advance to the next moment something is due and process everything due then (in queue
    /// order), then let the service scheduler look at the result once. `false` if nothing is
    /// queued. Tasks that start at the same instant are therefore seen together, as the ECS
    /// scheduler sees them in one evaluation.
    pub fn step(&mut self) -> bool {
        let Some(&(t, _)) = self.queue.keys().next() else {
            return false;
        };
        // Minute boundaries before this step get the cost and task counts as the previous steps
        // left them (traffic/metrics.rs).
        self.record_minute_metrics_through(t.saturating_sub(1));
        self.now = self.now.max(t);
        let events_before = self.events.len();
        let mut only_ticks = true;
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 != t {
                break;
            }
            let item = entry.remove();
            only_ticks &= matches!(item, Item::Tick);
            self.process(item);
        }
        // A traffic tick that changed nothing (no event) leaves nothing for the schedulers to do;
        // skipping them keeps a once-a-second tick cheap.
        if !(only_ticks && self.events.len() == events_before) {
            self.reconcile_all();
        }
        self.trim_journal();
        true
    }

    fn process(&mut self, item: Item) {
        match item {
            Item::Command(cmd) => {
                let name = cmd.name();
                if let Err(message) = self.execute(cmd) {
                    self.emit(EventKind::ActionFailed { action: name.to_string(), message });
                }
            }
            Item::Task { task, gen, timer } => self.on_timer(&task, gen, timer),
            Item::ServiceRetry(_) => {}
            Item::InstanceLaunched(group) => self.on_instance_launched(&group),
            Item::Kube(item) => self.kube_process(item),
            Item::Tick => {
                let now = self.now();
                self.scaling_tick(now);
                self.on_tick();
            }
            Item::SpotReclaimTask(task) => self.stop_now(&task, "SpotInterruption", "Your Spot Task was interrupted.", None),
            Item::SpotReclaim(instance) => {
                if self.instances.contains_key(&instance) {
                    let _ = self.terminate_instance_with(&instance, "TerminationNotice", &format!("Spot instance {instance} was reclaimed by EC2"));
                }
            }
        }
    }

    /// Process everything due at or before `t`, then set the clock to `t`.
    pub fn run_until(&mut self, t: Millis) {
        while let Some(due) = self.next_due() {
            if due > t {
                break;
            }
            self.step();
        }
        self.now = self.now.max(t);
        // Nothing else happens at or before `t`: the boundaries up to `t` are final.
        self.record_minute_metrics_through(t);
    }

    /// Process queued items until none are left or the clock would pass `limit`.
    pub fn run_to_quiet(&mut self, limit: Millis) {
        while let Some(due) = self.next_due() {
            if due > limit {
                self.now = self.now.max(limit);
                break;
            }
            self.step();
        }
        self.record_minute_metrics_through(self.now);
    }

    /// `kubectl apply -f -` with `text` now, as [`Engine::apply`] carries out a command; the
    /// objects applied (`deployment/web`), or why not.
    pub fn apply_manifest(&mut self, text: &str) -> Result<Vec<String>, String> {
        self.record_minute_metrics_through(self.now);
        let r = if self.kube.enabled {
            // What `kubectl apply` (Command::Kubectl) does, keeping the objects' names.
            let r = self.k_apply_text(text, "manifest");
            self.kube_reconcile();
            r
        } else {
            Err("this scenario has no Kubernetes cluster (add a \"kubernetes\" section)".into())
        };
        self.reconcile_all();
        self.trim_journal();
        r
    }

    /// Whether the scenario has a Kubernetes cluster.
    pub fn kube_enabled(&self) -> bool {
        self.kube.enabled
    }

    /// Carry out a command now. Errors are returned (and not logged), for shells that show them.
    pub fn apply(&mut self, cmd: Command) -> Result<(), String> {
        self.record_minute_metrics_through(self.now);
        let r = self.execute(cmd);
        self.reconcile_all();
        self.trim_journal();
        r
    }

    fn execute(&mut self, cmd: Command) -> Result<(), String> {
        match cmd {
            Command::RegisterTaskDefinition { task_definition } => {
                let td = task_definition.ok_or("registerTaskDefinition needs a task definition")?;
                self.register(*td);
                Ok(())
            }
            Command::CreateService(spec) => self.create_service(spec),
            Command::UpdateService { service, desired_count, task_definition, deployment_configuration, force_new_deployment, placement_strategy, placement_constraints } => {
                let placement = self.placement_update(&service, placement_strategy, placement_constraints)?;
                let redeploy = placement.is_some() && self.services.get(&service).is_some_and(|s| s.controller == crate::engine::bluegreen::ControllerType::Ecs);
                self.update_service(&service, desired_count, task_definition, deployment_configuration, force_new_deployment || redeploy)?;
                if let Some((strategies, constraints)) = placement {
                    if let Some(svc) = self.services.get_mut(&service) {
                        svc.strategies = strategies;
                        svc.constraints = constraints;
                    }
                }
                Ok(())
            }
            Command::PutAutoScaling { service, auto_scaling } => self.put_auto_scaling(&service, auto_scaling),
            Command::RunTask(spec) => self.run_task(spec),
            Command::StopTask { task, reason } => {
                if !self.tasks.get(&task).is_some_and(|t| t.last_status != TaskStatus::Stopped) {
                    return Err(format!("no running task {task:?}"));
                }
                self.request_stop(&task, "UserInitiated", reason.as_deref().unwrap_or("Task stopped by the user"));
                Ok(())
            }
            Command::AddInstances { instance_type, az, count, attributes, ids, reserved_memory } => {
                self.add_instances(&instance_type, az.as_deref(), count, &attributes, &ids, reserved_memory)
            }
            Command::TerminateInstance { instance } => self.terminate_instance(&instance),
            Command::DrainInstance { instance } => self.drain_instance(&instance),
            Command::AzOutage { az } => self.az_outage(&az),
            Command::AzRecover { az } => self.az_recover(&az),
            Command::SpotInterruption { instance, task } => self.spot_interruption(instance, task),
            Command::SetTraffic { service, load } => self.set_traffic(&service, &load),
            Command::PutMetricAlarm(spec) => self.add_alarm(&spec),
            Command::CreateQueue(spec) => self.add_queue(&spec),
            Command::CreateAutoScalingGroup(spec) => self.create_asg(&spec),
            Command::CreateCapacityProvider(spec) => self.create_capacity_provider(&spec),
            Command::SetDesiredCapacity { group, desired } => self.set_desired_capacity(&group, desired),
            Command::KubeSetup(spec) => self.kube_setup(&spec),
            Command::Kubectl { args, manifest } => self.kubectl(&args, manifest.as_deref()),
        }
    }

    /// Register a task definition and return its `family:revision`.
    pub fn register(&mut self, mut td: TaskDefinition) -> String {
        let revs = self.task_defs.entry(td.family.clone()).or_default();
        td.revision = revs.len() as u32 + 1;
        let key = td.key();
        let (family, revision) = (td.family.clone(), td.revision);
        revs.push(td);
        self.emit(EventKind::TaskDefinitionRegistered { family, revision });
        key
    }

    /// Resolve `family` (latest ACTIVE revision) or `family:revision`.
    pub fn resolve_task_definition(&self, name: &str) -> Result<&TaskDefinition, String> {
        let (family, rev) = match name.rsplit_once(':') {
            Some((f, r)) => match r.parse::<u32>() {
                Ok(n) => (f, Some(n)),
                Err(_) => return Err(format!("task definition {name:?}: revision {r:?} is not a number")),
            },
            None => (name, None),
        };
        let revs = self.task_defs.get(family).ok_or_else(|| {
            let known: Vec<&str> = self.task_defs.keys().map(String::as_str).collect();
            if known.is_empty() {
                format!("task definition family {family:?} is not registered (none are)")
            } else {
                format!("task definition family {family:?} is not registered; registered: {}", known.join(", "))
            }
        })?;
        match rev {
            None => revs.last().ok_or_else(|| format!("family {family:?} has no revisions")),
            Some(n) => revs
                .get((n as usize).wrapping_sub(1))
                .ok_or_else(|| format!("{family}:{n} does not exist; {family} has revisions 1 to {}", revs.len())),
        }
    }

    pub(crate) fn check_launch_type(td: &TaskDefinition, lt: LaunchType) -> Result<(), String> {
        if lt == LaunchType::Fargate && !td.is_fargate() {
            return Err(format!("{} is not compatible with FARGATE: add \"FARGATE\" to requiresCompatibilities", td.key()));
        }
        if lt == LaunchType::Ec2 && !td.requires_compatibilities.is_empty() && !td.requires_compatibilities.contains(&crate::engine::taskdef::Compatibility::Ec2) {
            return Err(format!("{} is not compatible with EC2: its requiresCompatibilities is {:?}", td.key(), td.requires_compatibilities.iter().map(|c| c.as_str()).collect::<Vec<_>>()));
        }
        Ok(())
    }

    pub(crate) fn check_placement(lt: LaunchType, strategies: &Option<Vec<Strategy>>, constraints: &[placement::Constraint]) -> Result<(), String> {
        if lt == LaunchType::Fargate && (strategies.as_ref().is_some_and(|s| !s.is_empty()) || !constraints.is_empty()) {
            return Err("Fargate does not support placement strategies or constraints (Fargate spreads tasks across Availability Zones itself)".into());
        }
        if let Some(s) = strategies {
            if s.len() > 5 {
                return Err(format!("at most 5 placement strategies are allowed; got {}", s.len()));
            }
            for st in s {
                st.validate()?;
            }
        }
        if constraints.len() > 10 {
            return Err(format!("at most 10 placement constraints are allowed; got {}", constraints.len()));
        }
        for c in constraints {
            if let placement::Constraint::MemberOf { expression } = c {
                placement::cql::parse(expression).map_err(|e| format!("memberOf expression {expression:?}: {e}"))?;
            }
        }
        Ok(())
    }

    pub(crate) fn unknown_service(&self, name: &str) -> String {
        let known: Vec<&str> = self.services.keys().map(String::as_str).collect();
        format!("service {name:?} does not exist; services: {}", if known.is_empty() { "none".to_string() } else { known.join(", ") })
    }

    fn run_task(&mut self, spec: RunTaskSpec) -> Result<(), String> {
        if spec.count == 0 || spec.count > 10 {
            return Err(format!("RunTask count must be 1 to 10; got {}", spec.count));
        }
        let td = self.resolve_task_definition(&spec.task_definition)?.clone();
        Self::check_launch_type(&td, spec.launch_type)?;
        Self::check_placement(spec.launch_type, &spec.placement_strategy, &spec.placement_constraints)?;
        let group = spec.group.clone().unwrap_or_else(|| format!("family:{}", td.family));
        let strategies = spec.placement_strategy.clone().unwrap_or_else(placement::default_run_task_strategy);
        for placed in 0..spec.count {
            let d = self.place_one(&td, &group, None, spec.launch_type, &strategies, &spec.placement_constraints);
            if let Outcome::Unplaced { summary } = &d.outcome {
                let missing = spec.count - placed;
                self.emit(EventKind::TaskUnplaceable { service: None, group: group.clone(), count: missing, reason: summary.clone() });
                self.run_task_failures.push((group.clone(), missing, d));
                break;
            }
        }
        Ok(())
    }

    fn add_instances(&mut self, type_name: &str, az: Option<&str>, count: u32, attributes: &BTreeMap<String, String>, ids: &[String], reserved_memory: u32) -> Result<(), String> {
        let it = catalog::lookup(type_name).ok_or_else(|| catalog::suggest(type_name))?;
        if let Some(az) = az {
            if !self.config.azs.iter().any(|a| a == az) {
                return Err(format!("availability zone {az:?} is not in the cluster; its zones are {}", self.config.azs.join(", ")));
            }
        }
        if self.config.azs.is_empty() {
            return Err("the cluster has no availability zones".into());
        }
        if self.instances.len() as u64 + count as u64 > MAX_INSTANCES as u64 {
            return Err(format!("a cluster holds at most {MAX_INSTANCES} container instances; it has {} and {count} more were asked for", self.instances.len()));
        }
        if !ids.is_empty() && ids.len() != count as usize {
            return Err(format!("{} ids given for {count} instances", ids.len()));
        }
        for (k, _) in attributes {
            if k.starts_with("ecs.") {
                return Err(format!("attribute {k:?}: names starting with \"ecs.\" are set by ECS itself"));
            }
        }
        for i in 0..count as usize {
            let zone = match az {
                Some(z) => z.to_string(),
                None => self.least_populated_az(),
            };
            let id = match ids.get(i) {
                Some(id) if self.instances.contains_key(id) => return Err(format!("instance id {id:?} is already in use")),
                Some(id) => id.clone(),
                None => self.fresh_instance_id(),
            };
            let mut inst = ContainerInstance::new(id.clone(), it, &zone, reserved_memory, self.now);
            for (k, v) in attributes {
                inst.attributes.insert(k.clone(), v.clone());
            }
            let registered = inst.registered;
            self.instances.insert(id.clone(), inst);
            self.emit(EventKind::InstanceRegistered { instance: id, instance_type: it.name.to_string(), az: zone, cpu: registered.cpu, memory: registered.memory });
        }
        Ok(())
    }

    /// Add `count` instances balanced across zones (an Auto Scaling group launching).
    pub(crate) fn apply_add_instances(&mut self, type_name: &str, count: u32, attributes: &BTreeMap<String, String>) -> Result<(), String> {
        self.add_instances(type_name, None, count, attributes, &[], 0)
    }

    fn least_populated_az(&self) -> String {
        let mut best: Option<(&String, usize)> = None;
        for az in &self.config.azs {
            let n = self.instances.values().filter(|i| &i.az == az).count();
            if best.is_none_or(|(_, m)| n < m) {
                best = Some((az, n));
            }
        }
        best.map(|(a, _)| a.clone()).unwrap_or_default()
    }

    fn fresh_instance_id(&mut self) -> String {
        loop {
            let id = format!("i-{:02}", self.next_instance);
            self.next_instance += 1;
            if !self.instances.contains_key(&id) {
                return id;
            }
        }
    }

    fn next_task_id(&mut self, family: &str) -> String {
        let n = self.family_counters.entry(family.to_string()).or_insert(0);
        *n += 1;
        format!("{family}-{n}")
    }

    fn fargate_counts(&self, group: &str) -> BTreeMap<String, u32> {
        let mut m = BTreeMap::new();
        for t in self.tasks.values() {
            if t.launch_type == LaunchType::Fargate && t.group == group && t.desired_status != TaskStatus::Stopped {
                *m.entry(t.az.clone()).or_insert(0) += 1;
            }
        }
        m
    }

    /// Place one task of `td`; on success it exists (PENDING) and is returned in the decision.
    pub(crate) fn place_one(&mut self, td: &TaskDefinition, group: &str, service: Option<&str>, lt: LaunchType, strategies: &[Strategy], constraints: &[placement::Constraint]) -> Decision {
        // The id is only taken when the task is really created, so failed attempts don't burn numbers.
        let n = self.family_counters.get(&td.family).copied().unwrap_or(0) + 1;
        let provisional = format!("{}-{n}", td.family);
        // EC2: the compact record to rebuild the full decision from, and the event's `why` when
        // the index placed the task (the returned decision then lists no candidates).
        let mut fast: Option<Kept> = None;
        let mut fast_why: Option<String> = None;
        let decision = match lt {
            LaunchType::Fargate => {
                let azs: Vec<String> = self.config.fargate_azs.iter().filter(|a| !self.down_azs.contains(*a)).cloned().collect();
                placement::fargate::place(&provisional, group, &azs, &self.fargate_counts(group), &mut self.rng_tie)
            }
            LaunchType::Ec2 => {
                // A service places its tasks one after another with the same request: reuse it.
                let request = match &self.last_request {
                    Some(r) if request_fits(r, td, group, strategies, constraints) => r.clone(),
                    _ => {
                        let mut all_constraints: Vec<placement::Constraint> = constraints.to_vec();
                        for c in &td.placement_constraints {
                            all_constraints.push(placement::Constraint::MemberOf { expression: c.expression.clone() });
                        }
                        let r = std::sync::Arc::new(Request {
                            task: String::new(),
                            group: group.to_string(),
                            cpu: td.reserved_cpu(),
                            memory: td.reserved_memory(),
                            host_ports: td.host_ports(),
                            needs_eni: td.network_mode == NetworkMode::Awsvpc,
                            constraints: all_constraints,
                            strategies: strategies.to_vec(),
                        });
                        self.last_request = Some(r.clone());
                        r
                    }
                };
                let before = (self.rng_random.clone(), self.rng_tie.clone(), self.instances.seq());
                let placed = if self.full_pipeline {
                    placement::index::Placement::Full(placement::place(&request, &self.instances, self.config.epoch_unix, PlacementRng { random_strategy: &mut self.rng_random, tie_break: &mut self.rng_tie }))
                } else {
                    self.placer.place(&request, &self.instances, self.config.epoch_unix, PlacementRng { random_strategy: &mut self.rng_random, tie_break: &mut self.rng_tie })
                };
                match placed {
                    placement::index::Placement::Full(mut d) => {
                        d.task = provisional.clone();
                        // Built from the returned decision if the task is placed.
                        fast = Some(Kept { seq: before.2, request: None, rng_random: before.0, rng_tie: before.1, full: std::cell::OnceCell::new() });
                        d
                    }
                    placement::index::Placement::Placed { instance, host_ports, why } => {
                        fast_why = Some(why);
                        fast = Some(Kept { seq: before.2, request: Some(request), rng_random: before.0, rng_tie: before.1, full: std::cell::OnceCell::new() });
                        Decision { task: provisional.clone(), group: group.to_string(), outcome: Outcome::Placed { instance, host_ports }, candidates: Vec::new(), steps: Vec::new(), tie_break: None }
                    }
                }
            }
        };
        if let Outcome::Placed { instance, host_ports } = &decision.outcome {
            let id = self.next_task_id(&td.family);
            let (instance_id, az) = match lt {
                LaunchType::Fargate => (None, instance.clone()),
                LaunchType::Ec2 => (Some(instance.clone()), self.instances.get(instance).map(|i| i.az.clone()).unwrap_or_default()),
            };
            let (cpu, memory) = match lt {
                LaunchType::Ec2 => (td.reserved_cpu(), td.reserved_memory()),
                LaunchType::Fargate => (td.cpu.unwrap_or(0), td.memory.unwrap_or(0)),
            };
            let uses_eni = lt == LaunchType::Ec2 && td.network_mode == NetworkMode::Awsvpc;
            if let Some(i) = instance_id.as_ref() {
                self.instances.place_task(i, &id, group, cpu, memory, host_ports, uses_eni);
            }
            let why = match fast_why {
                Some(w) => w,
                None => decision.why().unwrap_or_default(),
            };
            let task = Task {
                id: id.clone(),
                task_definition: td.key(),
                family: td.family.clone(),
                revision: td.revision,
                group: group.to_string(),
                service: service.map(str::to_string),
                launch_type: lt,
                instance: instance_id.clone(),
                az: az.clone(),
                host_ports: host_ports.clone(),
                cpu,
                memory,
                uses_eni,
                last_status: TaskStatus::Provisioning,
                desired_status: TaskStatus::Running,
                created_at: self.now,
                started_at: None,
                stopped_at: None,
                stop_code: None,
                stopped_reason: None,
                health: crate::engine::task::HealthStatus::Unknown,
                has_health_check: td.container_definitions.iter().any(|c| c.essential && c.health_check.is_some()),
                health_failures: 0,
                exit_code: None,
                deployment: service.and_then(|s| self.services.get(s)).and_then(|s| s.primary()).map(|d| d.id),
                image: td.container_definitions.iter().find(|c| c.essential).or(td.container_definitions.first()).map(|c| c.image.clone()).unwrap_or_default(),
                capacity_provider: None,
                gen: 0,
            };
            if let Some(s) = service {
                self.live_by_service.entry(s.to_string()).or_default().insert(id.clone());
            }
            self.tasks.insert(id.clone(), task);
            self.emit(EventKind::TaskPlaced {
                task: id.clone(),
                group: group.to_string(),
                task_definition: td.key(),
                service: service.map(str::to_string),
                instance: instance_id,
                az,
                host_ports: host_ports.iter().map(|(p, _)| *p).collect(),
                why,
            });
            self.begin_lifecycle(&id, td);
            let mut d = decision;
            d.task = id.clone();
            let kept = match fast {
                Some(k) if k.request.is_some() => k,
                Some(k) => Kept { full: std::cell::OnceCell::from(Some(d.clone())), ..k },
                // Fargate: the decision is small; keep it as it is.
                None => Kept { seq: self.instances.seq(), request: None, rng_random: self.rng_random.clone(), rng_tie: self.rng_tie.clone(), full: std::cell::OnceCell::from(Some(d.clone())) },
            };
            let seq = kept.seq;
            self.decisions.map.insert(id.clone(), kept);
            self.decision_order.push_back((id, seq));
            while self.decision_order.len() > KEPT_DECISIONS {
                if let Some((old, _)) = self.decision_order.pop_front() {
                    self.decisions.map.remove(&old);
                }
            }
            self.trim_journal();
            return d;
        }
        decision
    }

    /// Forget the part of the instance journal no kept explanation needs (and no recently used
    /// placement index). If the explanations would need more than [`JOURNAL_LIMIT`] entries
    /// (many writes since the oldest kept placement), the pending ones are built now instead.
    fn trim_journal(&mut self) {
        let now = self.instances.seq();
        // Kept records are in journal order; the oldest (even if built or stopped since) bounds
        // what the rest may need.
        let mut needed = now;
        if let Some((_, seq)) = self.decision_order.front() {
            needed = needed.min(*seq);
        }
        if now - needed > self.journal_limit && self.instances.journal_len() as u64 > self.journal_limit {
            self.build_pending_explanations();
            needed = now;
        }
        // Indexes that looked recently keep their part too (an older one rebuilds on next use).
        let mut keep_from = needed;
        if let Some(c) = self.placer.oldest_cursor() {
            keep_from = keep_from.min(c.max(now.saturating_sub(self.journal_limit / 2)));
        }
        self.instances.forget_before(keep_from);
    }

    /// Build every kept explanation not built yet, in one walk back through the journal.
    fn build_pending_explanations(&mut self) {
        let pending: Vec<(String, u64)> = self.decision_order.iter().filter(|(id, _)| self.decisions.map.get(id).is_some_and(|k| k.full.get().is_none())).cloned().collect();
        let stops: Vec<u64> = pending.iter().map(|(_, s)| *s).collect();
        let epoch = self.config.epoch_unix;
        let decisions = &self.decisions;
        self.instances.walk_back(&stops, |seq, state| {
            for (id, _) in pending.iter().filter(|(_, s)| *s == seq) {
                if let Some(k) = decisions.map.get(id) {
                    let _ = k.full.get_or_init(|| k.build(id, state, epoch));
                }
            }
        });
    }

    /// Resources reserved across the cluster: (reserved, registered).
    pub fn reservation(&self) -> (Resources, Resources) {
        let mut used = Resources::default();
        let mut total = Resources::default();
        for i in self.instances.values() {
            total.cpu += i.registered.cpu;
            total.memory += i.registered.memory;
            used.cpu += i.registered.cpu - i.remaining.cpu;
            used.memory += i.registered.memory - i.remaining.memory;
        }
        (used, total)
    }
}
