//! Which field names the ECS API knows at each level of a task definition, which of them Berth
//! simulates, and "did you mean" suggestions for the rest.
//!
//! Source: the `RegisterTaskDefinition` input shape and `DescribeTaskDefinition` output shape of
//! the ECS service model shipped with botocore (`botocore/data/ecs/2014-11-13/service-2.json`),
//! which is generated from the same model as the ECS API reference.

/// The field names of one JSON object level of a task definition.
#[derive(Debug, Clone, Copy)]
pub struct FieldSet {
    /// What the object is, for messages ("container definition").
    pub what: &'static str,
    /// Fields Berth reads and simulates.
    pub simulated: &'static [&'static str],
    /// Fields the ECS API accepts but Berth only keeps for export.
    pub not_simulated: &'static [&'static str],
    /// The JSON shape the API requires for some not-simulated fields, and their required
    /// members, so a document Berth accepts is one the API accepts too.
    pub shapes: &'static [(&'static str, Shape, &'static [&'static str])],
}

/// The JSON shape of a field, as the ECS service model types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    String,
    Bool,
    /// A structure, or a map of strings (`dockerLabels`).
    Object,
    ListOfStrings,
    ListOfObjects,
}

impl Shape {
    /// For messages: "a list of strings".
    pub fn describe(self) -> &'static str {
        match self {
            Shape::String => "a string",
            Shape::Bool => "true or false",
            Shape::Object => "an object { ... }",
            Shape::ListOfStrings => "a list of strings [\"...\"]",
            Shape::ListOfObjects => "a list of objects [{ ... }]",
        }
    }
}

impl FieldSet {
    /// Whether the ECS API accepts `name` at this level.
    pub fn is_known(&self, name: &str) -> bool {
        self.simulated.contains(&name) || self.not_simulated.contains(&name)
    }

    /// All names the API accepts at this level.
    pub fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.simulated.iter().chain(self.not_simulated.iter()).copied()
    }

    /// The shape and required members of a not-simulated field, if known.
    pub fn shape(&self, name: &str) -> Option<(Shape, &'static [&'static str])> {
        self.shapes.iter().find(|(n, _, _)| *n == name).map(|(_, s, r)| (*s, *r))
    }

    /// The closest known field name to `name`, if any is close enough to be a likely typo.
    pub fn suggest(&self, name: &str) -> Option<&'static str> {
        suggest(name, self.all())
    }
}

/// Top level of `RegisterTaskDefinition` input.
pub const TASK: FieldSet = FieldSet {
    what: "task definition",
    simulated: &[
        "family",
        "taskRoleArn",
        "executionRoleArn",
        "networkMode",
        "containerDefinitions",
        "placementConstraints",
        "requiresCompatibilities",
        "cpu",
        "memory",
        "runtimePlatform",
    ],
    not_simulated: &[
        "volumes",
        "tags",
        "pidMode",
        "ipcMode",
        "proxyConfiguration",
        "inferenceAccelerators",
        "ephemeralStorage",
        "enableFaultInjection",
        "trustedExecutionConfiguration",
    ],
    shapes: &[
        ("volumes", Shape::ListOfObjects, &[]),
        ("tags", Shape::ListOfObjects, &[]),
        ("pidMode", Shape::String, &[]),
        ("ipcMode", Shape::String, &[]),
        ("proxyConfiguration", Shape::Object, &["containerName"]),
        ("inferenceAccelerators", Shape::ListOfObjects, &["deviceName", "deviceType"]),
        ("ephemeralStorage", Shape::Object, &["sizeInGiB"]),
        ("enableFaultInjection", Shape::Bool, &[]),
        ("trustedExecutionConfiguration", Shape::Object, &["isolationMode"]),
    ],
};

/// Fields `describe-task-definition` returns that `register-task-definition` does not accept.
/// They are ignored on input and dropped on export.
pub const TASK_READ_ONLY: &[&str] = &[
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "deregisteredAt",
    "deleteRequestedAt",
    "registeredBy",
];

/// `ContainerDefinition`.
pub const CONTAINER: FieldSet = FieldSet {
    what: "container definition",
    simulated: &[
        "name",
        "image",
        "cpu",
        "memory",
        "memoryReservation",
        "essential",
        "portMappings",
        "environment",
        "secrets",
        "healthCheck",
        "dependsOn",
        "startTimeout",
        "stopTimeout",
    ],
    not_simulated: &[
        "repositoryCredentials",
        "links",
        "restartPolicy",
        "entryPoint",
        "command",
        "environmentFiles",
        "mountPoints",
        "volumesFrom",
        "linuxParameters",
        "versionConsistency",
        "hostname",
        "user",
        "workingDirectory",
        "disableNetworking",
        "privileged",
        "readonlyRootFilesystem",
        "dnsServers",
        "dnsSearchDomains",
        "extraHosts",
        "dockerSecurityOptions",
        "interactive",
        "pseudoTerminal",
        "dockerLabels",
        "ulimits",
        "logConfiguration",
        "systemControls",
        "resourceRequirements",
        "firelensConfiguration",
        "credentialSpecs",
    ],
    shapes: &[
        ("repositoryCredentials", Shape::Object, &["credentialsParameter"]),
        ("links", Shape::ListOfStrings, &[]),
        ("restartPolicy", Shape::Object, &["enabled"]),
        ("entryPoint", Shape::ListOfStrings, &[]),
        ("command", Shape::ListOfStrings, &[]),
        ("environmentFiles", Shape::ListOfObjects, &["value", "type"]),
        ("mountPoints", Shape::ListOfObjects, &[]),
        ("volumesFrom", Shape::ListOfObjects, &[]),
        ("linuxParameters", Shape::Object, &[]),
        ("versionConsistency", Shape::String, &[]),
        ("hostname", Shape::String, &[]),
        ("user", Shape::String, &[]),
        ("workingDirectory", Shape::String, &[]),
        ("disableNetworking", Shape::Bool, &[]),
        ("privileged", Shape::Bool, &[]),
        ("readonlyRootFilesystem", Shape::Bool, &[]),
        ("dnsServers", Shape::ListOfStrings, &[]),
        ("dnsSearchDomains", Shape::ListOfStrings, &[]),
        ("extraHosts", Shape::ListOfObjects, &["hostname", "ipAddress"]),
        ("dockerSecurityOptions", Shape::ListOfStrings, &[]),
        ("interactive", Shape::Bool, &[]),
        ("pseudoTerminal", Shape::Bool, &[]),
        ("dockerLabels", Shape::Object, &[]),
        ("ulimits", Shape::ListOfObjects, &["name", "softLimit", "hardLimit"]),
        ("logConfiguration", Shape::Object, &["logDriver"]),
        ("systemControls", Shape::ListOfObjects, &[]),
        ("resourceRequirements", Shape::ListOfObjects, &["type"]),
        ("firelensConfiguration", Shape::Object, &["type"]),
        ("credentialSpecs", Shape::ListOfStrings, &[]),
    ],
};

/// `PortMapping`.
pub const PORT_MAPPING: FieldSet = FieldSet {
    what: "port mapping",
    simulated: &["containerPort", "hostPort", "protocol"],
    not_simulated: &["name", "appProtocol", "containerPortRange"],
    shapes: &[("name", Shape::String, &[]), ("appProtocol", Shape::String, &[]), ("containerPortRange", Shape::String, &[])],
};

/// `HealthCheck`.
pub const HEALTH_CHECK: FieldSet = FieldSet {
    what: "health check",
    simulated: &["command", "interval", "timeout", "retries", "startPeriod"],
    not_simulated: &[],
    shapes: &[],
};

/// `KeyValuePair` (environment entries).
pub const KEY_VALUE: FieldSet = FieldSet { what: "environment variable", simulated: &["name", "value"], not_simulated: &[], shapes: &[] };

/// `Secret`.
pub const SECRET: FieldSet = FieldSet { what: "secret", simulated: &["name", "valueFrom"], not_simulated: &[], shapes: &[] };

/// `ContainerDependency`.
pub const DEPENDS_ON: FieldSet = FieldSet { what: "container dependency", simulated: &["containerName", "condition"], not_simulated: &[], shapes: &[] };

/// `TaskDefinitionPlacementConstraint`.
pub const PLACEMENT_CONSTRAINT: FieldSet =
    FieldSet { what: "placement constraint", simulated: &["type", "expression"], not_simulated: &[], shapes: &[] };

/// `RuntimePlatform`.
pub const RUNTIME_PLATFORM: FieldSet =
    FieldSet { what: "runtime platform", simulated: &["cpuArchitecture", "operatingSystemFamily"], not_simulated: &[], shapes: &[] };

/// Values of `runtimePlatform.cpuArchitecture`.
pub const CPU_ARCHITECTURES: &[&str] = &["X86_64", "ARM64"];

/// Values of `runtimePlatform.operatingSystemFamily`.
pub const OS_FAMILIES: &[&str] = &[
    "LINUX",
    "WINDOWS_SERVER_2019_FULL",
    "WINDOWS_SERVER_2019_CORE",
    "WINDOWS_SERVER_2016_FULL",
    "WINDOWS_SERVER_2004_CORE",
    "WINDOWS_SERVER_2022_CORE",
    "WINDOWS_SERVER_2022_FULL",
    "WINDOWS_SERVER_2025_CORE",
    "WINDOWS_SERVER_2025_FULL",
    "WINDOWS_SERVER_20H2_CORE",
];

/// Lower-cased, with `_` and `-` removed: `Container_Definitions` and `containerDefinitions` match.
fn fold(s: &str) -> String {
    s.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect()
}

/// Levenshtein distance over chars, capped work for long inputs.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name` if it is a plausible typo of it: same name ignoring case and
/// `_`/`-`, or within edit distance 1 (short names) to 3 (long names). Ties go to the earlier
/// candidate, so the answer is deterministic.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if name.chars().count() > 64 {
        return None;
    }
    let folded = fold(name);
    let budget = match folded.chars().count() {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = edit_distance(&folded, &fold(c));
        if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(CONTAINER.suggest("memmory"), Some("memory"));
        assert_eq!(TASK.suggest("ContainerDefinitions"), Some("containerDefinitions"));
        assert_eq!(TASK.suggest("network_mode"), Some("networkMode"));
        assert_eq!(CONTAINER.suggest("portMapping"), Some("portMappings"));
        assert_eq!(CONTAINER.suggest("zzzzzzzzzz"), None);
    }
}
