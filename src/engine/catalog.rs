//! The EC2 instance-type catalogue.
//!
//! vCPU, memory and network limits from the EC2 instance-type pages; prices are Linux on-demand
//! hourly prices in us-east-1 (a snapshot, for teaching cost trade-offs, not a billing reference).
//! `max_enis` matters for `awsvpc` tasks on EC2 (each task takes one ENI; the instance's primary
//! ENI is not available to tasks) and `ipv4_per_eni` for the Kubernetes VPC CNI max-pods formula.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpu: u32,
    /// Memory in MiB.
    pub memory_mib: u32,
    /// `x86_64` or `arm64`, as the `ecs.cpu-architecture` attribute reports it.
    pub arch: &'static str,
    /// On-demand USD per hour, us-east-1, Linux.
    pub hourly_usd: f64,
    pub max_enis: u32,
    pub ipv4_per_eni: u32,
}

impl InstanceType {
    /// CPU units ECS registers: 1 vCPU = 1024 units.
    pub fn cpu_units(&self) -> u32 {
        self.vcpu * 1024
    }
}

const fn t(name: &'static str, vcpu: u32, gib_x4: u32, arch: &'static str, hourly_usd: f64, max_enis: u32, ipv4_per_eni: u32) -> InstanceType {
    // memory given in quarter-GiB so t3.nano's 0.5 GiB stays exact
    InstanceType { name, vcpu, memory_mib: gib_x4 * 256, arch, hourly_usd, max_enis, ipv4_per_eni }
}

/// Every instance type Berth knows, grouped by family, smallest first.
pub const CATALOG: &[InstanceType] = &[
    t("t2.micro", 1, 4, "x86_64", 0.0116, 2, 2),
    t("t2.small", 1, 8, "x86_64", 0.023, 3, 4),
    t("t2.medium", 2, 16, "x86_64", 0.0464, 3, 6),
    t("t2.large", 2, 32, "x86_64", 0.0928, 3, 12),
    t("t3.nano", 2, 2, "x86_64", 0.0052, 2, 2),
    t("t3.micro", 2, 4, "x86_64", 0.0104, 2, 2),
    t("t3.small", 2, 8, "x86_64", 0.0208, 3, 4),
    t("t3.medium", 2, 16, "x86_64", 0.0416, 3, 6),
    t("t3.large", 2, 32, "x86_64", 0.0832, 3, 12),
    t("t3.xlarge", 4, 64, "x86_64", 0.1664, 4, 15),
    t("t3.2xlarge", 8, 128, "x86_64", 0.3328, 4, 15),
    t("m5.large", 2, 32, "x86_64", 0.096, 3, 10),
    t("m5.xlarge", 4, 64, "x86_64", 0.192, 4, 15),
    t("m5.2xlarge", 8, 128, "x86_64", 0.384, 4, 15),
    t("m5.4xlarge", 16, 256, "x86_64", 0.768, 8, 30),
    t("c5.large", 2, 16, "x86_64", 0.085, 3, 10),
    t("c5.xlarge", 4, 32, "x86_64", 0.17, 4, 15),
    t("c5.2xlarge", 8, 64, "x86_64", 0.34, 4, 15),
    t("c5.4xlarge", 16, 128, "x86_64", 0.68, 8, 30),
    t("r5.large", 2, 64, "x86_64", 0.126, 3, 10),
    t("r5.xlarge", 4, 128, "x86_64", 0.252, 4, 15),
    t("r5.2xlarge", 8, 256, "x86_64", 0.504, 4, 15),
    t("r5.4xlarge", 16, 512, "x86_64", 1.008, 8, 30),
    t("m6g.large", 2, 32, "arm64", 0.077, 3, 10),
    t("m6g.xlarge", 4, 64, "arm64", 0.154, 4, 15),
    t("c6g.large", 2, 16, "arm64", 0.068, 3, 10),
];

pub fn lookup(name: &str) -> Option<&'static InstanceType> {
    CATALOG.iter().find(|t| t.name == name)
}

/// A readable "did you mean" list for an unknown type.
pub fn suggest(name: &str) -> String {
    let family = name.split('.').next().unwrap_or("");
    let same: Vec<&str> = CATALOG.iter().filter(|t| t.name.starts_with(family) && !family.is_empty()).map(|t| t.name).collect();
    let list: Vec<&str> = if same.is_empty() { CATALOG.iter().map(|t| t.name).collect() } else { same };
    format!("unknown instance type {name:?}; known types: {}", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_from_the_ec2_pages() {
        let cases = [("t3.micro", 2, 1024), ("t3.nano", 2, 512), ("m5.large", 2, 8192), ("m5.4xlarge", 16, 65536), ("c5.xlarge", 4, 8192), ("r5.large", 2, 16384)];
        for (name, vcpu, mib) in cases {
            let it = lookup(name).unwrap();
            assert_eq!((it.vcpu, it.memory_mib), (vcpu, mib), "{name}");
        }
        assert_eq!(lookup("m5.large").unwrap().cpu_units(), 2048);
        assert_eq!(lookup("m6g.large").unwrap().arch, "arm64");
    }

    #[test]
    fn names_unique() {
        let mut names: Vec<&str> = CATALOG.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
    }

    #[test]
    fn unknown_type_suggests_family() {
        let s = suggest("m5.huge");
        assert!(s.contains("m5.large") && !s.contains("t3.micro"), "{s}");
    }
}
