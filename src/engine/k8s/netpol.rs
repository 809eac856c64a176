//! NetworkPolicy evaluation: may traffic from one pod reach another? A pure function, with the
//! semantics of the Kubernetes documentation, "Network Policies"
//! (<https://kubernetes.io/docs/concepts/services-networking/network-policies/>):
//!
//! - "By default, a pod is non-isolated for egress [and ingress]; all outbound [inbound]
//!   connections are allowed." A pod becomes isolated for ingress when a NetworkPolicy in its
//!   namespace **selects** it (`spec.podSelector`) and has `Ingress` in its `policyTypes`; for
//!   egress likewise with `Egress`.
//! - "Network policies do not conflict; they are additive": an isolated pod accepts a connection
//!   when **any** policy that selects it has a rule allowing it.
//! - "For a connection from a source pod to a destination pod to be allowed, both the egress
//!   policy on the source pod and the ingress policy on the destination pod need to allow the
//!   connection."
//! - A rule with no `from`/`to` allows every peer; a rule with no `ports` every port. A peer is
//!   `podSelector` (pods **in the policy's namespace**), `namespaceSelector` (every pod of the
//!   matching namespaces), both in **one** element (pods matching the pod selector *in*
//!   namespaces matching the namespace selector — AND), or `ipBlock` (a CIDR minus `except`).
//!   Namespaces carry the immutable label `kubernetes.io/metadata.name` (the caller adds it).
//! - A port is matched by protocol and number, a range `port`..`endPort`, or a **named** port of
//!   the destination pod's containers; a port entry without `port` matches every port of its
//!   protocol.
//!
//! Berth's pods have no IP addresses, so an `ipBlock` peer never matches a pod (the docs advise
//! ipBlock for cluster-external addresses: "Pod IPs are ephemeral and unpredictable"); the CIDR
//! arithmetic is here for peers that do have one (tests). Policies do not apply to
//! `hostNetwork` pods (not modelled: every pod is on the pod network).

use serde::Serialize;

use crate::engine::sort;

use super::model::{IntOrString, IpBlock, Labels, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule, Protocol};

/// One side of a connection: a pod (namespace, its labels and its namespace's labels) or a
/// bare address.
#[derive(Debug, Clone, Copy)]
pub struct Peer<'a> {
    /// `namespace/name` or a description for messages.
    pub name: &'a str,
    /// `None` for a cluster-external address.
    pub namespace: Option<&'a str>,
    pub namespace_labels: &'a Labels,
    pub labels: &'a Labels,
    /// IPv4 address as a number, when known.
    pub ip: Option<u32>,
}

/// What is being sent: the destination port (with its name, if the destination container names
/// it) and protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub port: i64,
    pub port_name: Option<String>,
    pub protocol: Protocol,
}

/// A policy and the namespace it lives in.
#[derive(Debug, Clone, Copy)]
pub struct Scoped<'a> {
    pub namespace: &'a str,
    pub policy: &'a NetworkPolicy,
}

/// The verdict of one direction (the source's egress, or the destination's ingress).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Side {
    /// No policy selects the pod for this direction: everything is allowed.
    NotIsolated,
    /// Isolated, and this policy (the first by name) has a rule allowing the connection.
    AllowedBy { policy: String },
    /// Isolated by these policies (names), none of which allows the connection.
    Denied { policies: Vec<String> },
}

impl Side {
    pub fn allowed(&self) -> bool {
        !matches!(self, Side::Denied { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub egress: Side,
    pub ingress: Side,
}

impl Verdict {
    pub fn allowed(&self) -> bool {
        self.egress.allowed() && self.ingress.allowed()
    }

    /// Why the connection is blocked, in words (`None` when it is allowed), e.g. `pod backend-x
    /// is selected by NetworkPolicy deny-all in namespace tenant-b and no ingress rule allows
    /// it`.
    pub fn explain(&self, src: &Peer, dst: &Peer, conn: &Connection) -> Option<String> {
        let policies = |v: &[String]| -> String {
            match v {
                [one] => format!("NetworkPolicy {one}"),
                many => format!("NetworkPolicies {}", many.join(", ")),
            }
        };
        let ns = |p: &Peer| p.namespace.unwrap_or("-").to_string();
        if let Side::Denied { policies: v } = &self.egress {
            return Some(format!(
                "pod {} is selected by {} in namespace {} and no egress rule allows traffic to {} on {}/{}",
                short(src.name),
                policies(v),
                ns(src),
                describe(dst),
                conn.protocol.as_str(),
                conn.port
            ));
        }
        if let Side::Denied { policies: v } = &self.ingress {
            return Some(format!(
                "pod {} is selected by {} in namespace {} and no ingress rule allows it (from {} on {}/{})",
                short(dst.name),
                policies(v),
                ns(dst),
                describe(src),
                conn.protocol.as_str(),
                conn.port
            ));
        }
        None
    }
}

fn short(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

fn describe(p: &Peer) -> String {
    match p.namespace {
        Some(ns) => format!("pod {} in namespace {ns}", short(p.name)),
        None => p.name.to_string(),
    }
}

/// May `src` open `conn` to `dst`? Both the source's egress and the destination's ingress must
/// allow it. `policies`: every NetworkPolicy of the cluster with its namespace.
pub fn evaluate(policies: &[Scoped], src: &Peer, dst: &Peer, conn: &Connection) -> Verdict {
    let egress = match src.namespace {
        Some(ns) => side(policies, ns, src.labels, dst, conn, Direction::Egress),
        None => Side::NotIsolated,
    };
    let ingress = match dst.namespace {
        Some(ns) => side(policies, ns, dst.labels, src, conn, Direction::Ingress),
        None => Side::NotIsolated,
    };
    Verdict { egress, ingress }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Egress,
    Ingress,
}

/// The verdict for the pod `(ns, labels)` talking to (egress) or heard from (ingress) `other`.
fn side(policies: &[Scoped], ns: &str, labels: &Labels, other: &Peer, conn: &Connection, dir: Direction) -> Side {
    let mut selecting: Vec<&Scoped> = policies
        .iter()
        .filter(|s| s.namespace == ns)
        .filter(|s| match dir {
            Direction::Egress => s.policy.egress_enabled,
            Direction::Ingress => s.policy.ingress_enabled,
        })
        .filter(|s| s.policy.pod_selector.matches(labels))
        .collect();
    if selecting.is_empty() {
        return Side::NotIsolated;
    }
    sort::sort_by(&mut selecting, |a, b| a.policy.meta.name.cmp(&b.policy.meta.name));
    for s in &selecting {
        let rules = match dir {
            Direction::Egress => &s.policy.egress,
            Direction::Ingress => &s.policy.ingress,
        };
        if rules.iter().any(|r| rule_allows(r, s.namespace, other, conn)) {
            return Side::AllowedBy { policy: s.policy.meta.name.clone() };
        }
    }
    Side::Denied { policies: selecting.iter().map(|s| s.policy.meta.name.clone()).collect() }
}

fn rule_allows(rule: &NetworkPolicyRule, policy_ns: &str, other: &Peer, conn: &Connection) -> bool {
    let peer_ok = rule.peers.is_empty() || rule.peers.iter().any(|p| peer_matches(p, policy_ns, other));
    let port_ok = rule.ports.is_empty() || rule.ports.iter().any(|p| port_matches(p, conn));
    peer_ok && port_ok
}

/// Does one `from`/`to` element match `other`?
pub fn peer_matches(peer: &NetworkPolicyPeer, policy_ns: &str, other: &Peer) -> bool {
    if let Some(b) = &peer.ip_block {
        return other.ip.is_some_and(|ip| ip_block_contains(b, ip));
    }
    let Some(other_ns) = other.namespace else { return false };
    match (&peer.pod_selector, &peer.namespace_selector) {
        (Some(ps), None) => other_ns == policy_ns && ps.matches(other.labels),
        (None, Some(nss)) => nss.matches(other.namespace_labels),
        (Some(ps), Some(nss)) => nss.matches(other.namespace_labels) && ps.matches(other.labels),
        // The API server requires one of the three; an empty element selects nothing.
        (None, None) => false,
    }
}

/// Does one `ports` entry match the connection?
pub fn port_matches(p: &NetworkPolicyPort, conn: &Connection) -> bool {
    if p.protocol != conn.protocol {
        return false;
    }
    match &p.port {
        None => true,
        Some(IntOrString::Int(n)) => match p.end_port {
            Some(end) => *n <= conn.port && conn.port <= end,
            None => *n == conn.port,
        },
        Some(IntOrString::Str(name)) => conn.port_name.as_deref() == Some(name.as_str()),
    }
}

/// `a.b.c.d` as a number.
pub fn parse_ipv4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut v: u32 = 0;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        v = (v << 8) | n;
    }
    Some(v)
}

/// `a.b.c.d/len` → (network, prefix length).
pub fn parse_cidr(s: &str) -> Option<(u32, u32)> {
    let (ip, len) = s.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    if len > 32 {
        return None;
    }
    Some((parse_ipv4(ip)?, len))
}

fn cidr_contains(cidr: &str, ip: u32) -> bool {
    let Some((net, len)) = parse_cidr(cidr) else { return false };
    let mask: u32 = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    (net & mask) == (ip & mask)
}

/// In the block's CIDR and in none of its `except` CIDRs.
pub fn ip_block_contains(b: &IpBlock, ip: u32) -> bool {
    cidr_contains(&b.cidr, ip) && !b.except.iter().any(|e| cidr_contains(e, ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_arithmetic() {
        let b = IpBlock { cidr: "172.17.0.0/16".into(), except: vec!["172.17.1.0/24".into()] };
        assert!(ip_block_contains(&b, parse_ipv4("172.17.0.5").unwrap_or(0)));
        assert!(!ip_block_contains(&b, parse_ipv4("172.17.1.5").unwrap_or(0)));
        assert!(ip_block_contains(&b, parse_ipv4("172.17.255.255").unwrap_or(0)));
        assert!(!ip_block_contains(&b, parse_ipv4("172.18.0.1").unwrap_or(0)));
        assert_eq!(parse_ipv4("256.1.1.1"), None);
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert!(cidr_contains("0.0.0.0/0", 12345));
    }
}
