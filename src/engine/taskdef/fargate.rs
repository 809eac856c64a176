//! The Fargate task-size table: which task-level memory values go with which cpu value.
//!
//! Source: AWS ECS API reference, `TaskDefinition.memory` ("If you use the Fargate launch type,
//! this field is required and you must use one of the following values, which determines your
//! range of supported values for the cpu parameter"), and the ECS developer guide page
//! "Troubleshoot Amazon ECS task definition invalid CPU or memory errors"
//! (`task-cpu-memory-error`). The 8 vCPU and 16 vCPU sizes need Linux platform version 1.4.0 or
//! later.

use super::units::vcpu_label;

/// One row of the table: a cpu value and the memory values (MiB) it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FargateRow {
    pub cpu: u32,
    /// `Step(first, last, step)` or an explicit list.
    pub memory: MemoryChoices,
    /// Extra condition shown in messages, e.g. "Linux platform version 1.4.0 or later".
    pub note: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryChoices {
    List(&'static [u32]),
    Step { first: u32, last: u32, step: u32 },
}

impl MemoryChoices {
    pub fn allows(&self, memory: u32) -> bool {
        match *self {
            MemoryChoices::List(values) => values.contains(&memory),
            MemoryChoices::Step { first, last, step } => memory >= first && memory <= last && (memory - first) % step == 0,
        }
    }

    /// Every allowed value, smallest first.
    pub fn values(&self) -> Vec<u32> {
        match *self {
            MemoryChoices::List(values) => values.to_vec(),
            MemoryChoices::Step { first, last, step } => (first..=last).step_by(step as usize).collect(),
        }
    }

    /// "512, 1024 or 2048 MiB" / "2048 to 8192 MiB in steps of 1024".
    pub fn describe(&self) -> String {
        match *self {
            MemoryChoices::List(values) => format!("{} MiB", or_list(values)),
            MemoryChoices::Step { first, last, step } => format!("{first} to {last} MiB in steps of {step}"),
        }
    }
}

/// The Fargate (Linux) task sizes.
pub const FARGATE_SIZES: &[FargateRow] = &[
    FargateRow { cpu: 256, memory: MemoryChoices::List(&[512, 1024, 2048]), note: None },
    FargateRow { cpu: 512, memory: MemoryChoices::Step { first: 1024, last: 4096, step: 1024 }, note: None },
    FargateRow { cpu: 1024, memory: MemoryChoices::Step { first: 2048, last: 8192, step: 1024 }, note: None },
    FargateRow { cpu: 2048, memory: MemoryChoices::Step { first: 4096, last: 16384, step: 1024 }, note: None },
    FargateRow { cpu: 4096, memory: MemoryChoices::Step { first: 8192, last: 30720, step: 1024 }, note: None },
    FargateRow {
        cpu: 8192,
        memory: MemoryChoices::Step { first: 16384, last: 61440, step: 4096 },
        note: Some("Linux platform version 1.4.0 or later"),
    },
    FargateRow {
        cpu: 16384,
        memory: MemoryChoices::Step { first: 32768, last: 122880, step: 8192 },
        note: Some("Linux platform version 1.4.0 or later"),
    },
];

/// The row for a cpu value, if Fargate offers it.
pub fn row(cpu: u32) -> Option<&'static FargateRow> {
    FARGATE_SIZES.iter().find(|r| r.cpu == cpu)
}

/// "a, b or c".
fn or_list<T: ToString>(values: &[T]) -> String {
    let parts: Vec<String> = values.iter().map(ToString::to_string).collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// Why a Fargate cpu value is invalid: lists the valid ones.
pub fn invalid_cpu_message(cpu: u32) -> String {
    let cpus: Vec<u32> = FARGATE_SIZES.iter().map(|r| r.cpu).collect();
    format!(
        "Fargate task cpu must be {} (0.25 to 16 vCPU); got {cpu}",
        or_list(&cpus)
    )
}

/// Checks a Fargate cpu/memory pair. `Err` carries the message for the learner.
pub fn check_size(cpu: u32, memory: u32) -> Result<(), String> {
    let Some(r) = row(cpu) else { return Err(invalid_cpu_message(cpu)) };
    if r.memory.allows(memory) {
        return Ok(());
    }
    let note = r.note.map(|n| format!(" ({n})")).unwrap_or_default();
    let hint = FARGATE_SIZES
        .iter()
        .filter(|other| other.memory.allows(memory))
        .map(|other| format!("{} ({})", vcpu_label(other.cpu), other.cpu))
        .collect::<Vec<_>>();
    let hint = if hint.is_empty() {
        String::new()
    } else {
        format!("; {memory} MiB is available with {} vCPU", or_list(&hint))
    };
    Err(format!(
        "Fargate {} vCPU ({cpu}){note} allows {}; got {memory}{hint}",
        vcpu_label(cpu),
        r.memory.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_matches_brief() {
        let m = check_size(256, 4096).unwrap_err();
        assert!(m.starts_with("Fargate 0.25 vCPU (256) allows 512, 1024 or 2048 MiB; got 4096"), "{m}");
        assert!(check_size(16384, 122880).is_ok());
        assert!(check_size(8192, 20480).is_ok());
        assert!(check_size(8192, 18432).is_err());
    }
}
