//! `Command`'s `Deserialize`, dispatched by hand for size.
//!
//! Why it exists: wasm size (docs/performance.md, "Download size and time to interactive").
//! `#[serde(tag = "action")]` (an internally tagged enum) makes serde buffer the whole object
//! into its private `Content` tree and then read every variant from that buffer: the derived
//! `Deserialize` for `Command` was one 73 KB function, plus a `ContentDeserializer` copy of every
//! field type's code. Here the JSON is read as a `serde_json::Value` (every caller already has
//! one: timelines, lessons, forms and share links all go through `serde_json::from_value`), the
//! `"action"` is taken out, and the rest is read by an *externally* tagged twin of the enum
//! ([`Command`] below, derived by serde with the same variants, fields and attributes) straight
//! from the `Value`, through the small [`EnumAccess`] here.
//!
//! Results and error messages are serde's, word for word (`tests/command_deserialize.rs` pins
//! them against a record taken from the derived code): the same checks run in the same order —
//! not an object or array: "invalid type: ..., expected internally tagged enum Command"; no
//! `"action"` (or an empty array): "missing field `action`"; the action read as the variant
//! identifier; then the variant's fields from the rest of the object (in its order, with
//! `"action"` left out), or from the rest of the array as serde's own `SeqDeserializer` would
//! (whose "invalid length N, expected M elements in sequence" is the message the buffered path
//! gives too).
//!
//! Keeping the twin in step: the conversions both ways (`From` below and [`twin_of`], which
//! nothing calls) match every variant and build every field, so a variant or field added to one
//! enum and not the other does not compile.

use std::collections::BTreeMap;

use serde::de::{self, DeserializeSeed, EnumAccess, Unexpected, VariantAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::engine::placement::{self, Strategy};
use crate::engine::sim;
use crate::engine::task::{RunTaskSpec, ServiceSpec};
use crate::engine::taskdef::TaskDefinition;

impl<'de> Deserialize<'de> for sim::Command {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        from_value(value).map_err(de::Error::custom)
    }
}

/// The internally tagged reading of `value` (see the module docs).
fn from_value(value: Value) -> Result<sim::Command, serde_json::Error> {
    let access = match value {
        Value::Object(map) => {
            let mut tag = None;
            let mut rest = Map::new();
            for (k, v) in map {
                if k == "action" {
                    tag = Some(v);
                } else {
                    rest.insert(k, v);
                }
            }
            match tag {
                Some(tag) => Tagged { tag, rest: Rest::Map(rest) },
                None => return Err(de::Error::missing_field("action")),
            }
        }
        Value::Array(items) => {
            let mut items = items.into_iter();
            match items.next() {
                Some(tag) => Tagged { tag, rest: Rest::Seq(items.collect()) },
                None => return Err(de::Error::missing_field("action")),
            }
        }
        other => return Err(de::Error::invalid_type(unexpected(&other), &"internally tagged enum Command")),
    };
    Ok(Command::deserialize(access)?.into())
}

/// `serde_json`'s description of a value in "invalid type" errors (its own is private).
fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            (None, None) => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// The action and the rest of the object (or array): a deserializer for the externally tagged
/// twin, and its enum access.
struct Tagged {
    tag: Value,
    rest: Rest,
}

enum Rest {
    Map(Map<String, Value>),
    Seq(Vec<Value>),
}

impl Rest {
    /// Read a variant's content as serde's buffered `ContentDeserializer` would: an object as a
    /// map, an array as a sequence that must be read to its end.
    fn deserialize_any<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self {
            Rest::Map(m) => Value::Object(m).deserialize_any(visitor),
            Rest::Seq(items) => de::value::SeqDeserializer::new(items.into_iter()).deserialize_any(visitor),
        }
    }
}

impl<'de> Deserializer<'de> for Tagged {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> EnumAccess<'de> for Tagged {
    type Error = serde_json::Error;
    type Variant = Rest;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Rest), Self::Error> {
        // The variant identifier from the `Value` itself: a string, else "invalid type: ...,
        // expected variant identifier", as serde reads the tag.
        let variant = seed.deserialize(self.tag)?;
        Ok((variant, self.rest))
    }
}

impl<'de> VariantAccess<'de> for Rest {
    type Error = serde_json::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        // `Command` has no unit variants.
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &"struct or newtype variant"))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Self::Error> {
        match self {
            Rest::Map(m) => seed.deserialize(Value::Object(m)),
            Rest::Seq(items) => seed.deserialize(de::value::SeqDeserializer::new(items.into_iter())),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_any(visitor)
    }
}

fn one() -> u32 {
    1
}

/// The externally tagged twin of [`sim::Command`]: the same variants in the same order, the same
/// fields, types and serde attributes (see there for what they mean), minus `tag = "action"`.
/// Named `Command` too: serde's messages name it ("struct variant Command::StopTask").
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
enum Command {
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
        #[serde(default)]
        force_new_deployment: bool,
        #[serde(default)]
        placement_strategy: Option<Vec<Strategy>>,
        #[serde(default)]
        placement_constraints: Option<Vec<placement::Constraint>>,
    },
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
        #[serde(default)]
        az: Option<String>,
        #[serde(default = "one")]
        count: u32,
        #[serde(default)]
        attributes: BTreeMap<String, String>,
        #[serde(default)]
        ids: Vec<String>,
        #[serde(default)]
        reserved_memory: u32,
    },
    TerminateInstance {
        instance: String,
    },
    DrainInstance {
        instance: String,
    },
    AzOutage {
        az: String,
    },
    AzRecover {
        az: String,
    },
    SpotInterruption {
        #[serde(default)]
        instance: Option<String>,
        #[serde(default)]
        task: Option<String>,
    },
    CreateAutoScalingGroup(crate::engine::capacity::AsgSpec),
    CreateCapacityProvider(crate::engine::capacity::CapacityProviderSpec),
    SetDesiredCapacity {
        group: String,
        desired: u32,
    },
    KubeSetup(Value),
    Kubectl {
        args: String,
        #[serde(default)]
        manifest: Option<String>,
    },
    CreateQueue(crate::engine::traffic::QueueSpec),
    PutMetricAlarm(crate::engine::traffic::metrics::AlarmSpec),
    SetTraffic {
        service: String,
        load: crate::engine::traffic::load::LoadSpec,
    },
}

impl From<Command> for sim::Command {
    fn from(c: Command) -> Self {
        match c {
            Command::RegisterTaskDefinition { task_definition } => sim::Command::RegisterTaskDefinition { task_definition },
            Command::CreateService(s) => sim::Command::CreateService(s),
            Command::UpdateService { service, desired_count, task_definition, deployment_configuration, force_new_deployment, placement_strategy, placement_constraints } => {
                sim::Command::UpdateService { service, desired_count, task_definition, deployment_configuration, force_new_deployment, placement_strategy, placement_constraints }
            }
            Command::PutAutoScaling { service, auto_scaling } => sim::Command::PutAutoScaling { service, auto_scaling },
            Command::RunTask(r) => sim::Command::RunTask(r),
            Command::StopTask { task, reason } => sim::Command::StopTask { task, reason },
            Command::AddInstances { instance_type, az, count, attributes, ids, reserved_memory } => sim::Command::AddInstances { instance_type, az, count, attributes, ids, reserved_memory },
            Command::TerminateInstance { instance } => sim::Command::TerminateInstance { instance },
            Command::DrainInstance { instance } => sim::Command::DrainInstance { instance },
            Command::AzOutage { az } => sim::Command::AzOutage { az },
            Command::AzRecover { az } => sim::Command::AzRecover { az },
            Command::SpotInterruption { instance, task } => sim::Command::SpotInterruption { instance, task },
            Command::CreateAutoScalingGroup(a) => sim::Command::CreateAutoScalingGroup(a),
            Command::CreateCapacityProvider(c) => sim::Command::CreateCapacityProvider(c),
            Command::SetDesiredCapacity { group, desired } => sim::Command::SetDesiredCapacity { group, desired },
            Command::KubeSetup(v) => sim::Command::KubeSetup(v),
            Command::Kubectl { args, manifest } => sim::Command::Kubectl { args, manifest },
            Command::CreateQueue(q) => sim::Command::CreateQueue(q),
            Command::PutMetricAlarm(a) => sim::Command::PutMetricAlarm(a),
            Command::SetTraffic { service, load } => sim::Command::SetTraffic { service, load },
        }
    }
}

/// The other way round, only so that a variant added to `sim::Command` and not to the twin does
/// not compile (see the module docs).
#[allow(dead_code)]
fn twin_of(c: sim::Command) -> Command {
    match c {
        sim::Command::RegisterTaskDefinition { task_definition } => Command::RegisterTaskDefinition { task_definition },
        sim::Command::CreateService(s) => Command::CreateService(s),
        sim::Command::UpdateService { service, desired_count, task_definition, deployment_configuration, force_new_deployment, placement_strategy, placement_constraints } => Command::UpdateService { service, desired_count, task_definition, deployment_configuration, force_new_deployment, placement_strategy, placement_constraints },
        sim::Command::PutAutoScaling { service, auto_scaling } => Command::PutAutoScaling { service, auto_scaling },
        sim::Command::RunTask(r) => Command::RunTask(r),
        sim::Command::StopTask { task, reason } => Command::StopTask { task, reason },
        sim::Command::AddInstances { instance_type, az, count, attributes, ids, reserved_memory } => Command::AddInstances { instance_type, az, count, attributes, ids, reserved_memory },
        sim::Command::TerminateInstance { instance } => Command::TerminateInstance { instance },
        sim::Command::DrainInstance { instance } => Command::DrainInstance { instance },
        sim::Command::AzOutage { az } => Command::AzOutage { az },
        sim::Command::AzRecover { az } => Command::AzRecover { az },
        sim::Command::SpotInterruption { instance, task } => Command::SpotInterruption { instance, task },
        sim::Command::CreateAutoScalingGroup(a) => Command::CreateAutoScalingGroup(a),
        sim::Command::CreateCapacityProvider(c) => Command::CreateCapacityProvider(c),
        sim::Command::SetDesiredCapacity { group, desired } => Command::SetDesiredCapacity { group, desired },
        sim::Command::KubeSetup(v) => Command::KubeSetup(v),
        sim::Command::Kubectl { args, manifest } => Command::Kubectl { args, manifest },
        sim::Command::CreateQueue(q) => Command::CreateQueue(q),
        sim::Command::PutMetricAlarm(a) => Command::PutMetricAlarm(a),
        sim::Command::SetTraffic { service, load } => Command::SetTraffic { service, load },
    }
}
