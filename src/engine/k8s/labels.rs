//! Label selectors and node selector terms: matching, and the text Kubernetes prints for them.
//! Semantics from `k8s.io/apimachinery/pkg/labels/selector.go` and
//! `k8s.io/component-helpers/scheduling/corev1/nodeaffinity` (`Gt`/`Lt` compare integers; a
//! term with no requirements matches nothing).

use super::model::{Labels, LabelSelector, NodeSelectorOp, NodeSelectorRequirement, NodeSelectorTerm, SelectorOp};

impl LabelSelector {
    /// `matchLabels` and every `matchExpressions` entry must hold (an empty selector matches all).
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let have = labels.get(&r.key);
                match r.operator {
                    SelectorOp::In => have.is_some_and(|v| r.values.contains(v)),
                    SelectorOp::NotIn => have.is_none_or(|v| !r.values.contains(v)),
                    SelectorOp::Exists => have.is_some(),
                    SelectorOp::DoesNotExist => have.is_none(),
                }
            })
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// `app=web,tier in (a,b)` as `kubectl` prints selectors.
    pub fn to_text(&self) -> String {
        let mut parts: Vec<String> = self.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for r in &self.match_expressions {
            parts.push(match r.operator {
                SelectorOp::In => format!("{} in ({})", r.key, r.values.join(",")),
                SelectorOp::NotIn => format!("{} notin ({})", r.key, r.values.join(",")),
                SelectorOp::Exists => r.key.clone(),
                SelectorOp::DoesNotExist => format!("!{}", r.key),
            });
        }
        if parts.is_empty() {
            "<everything>".into()
        } else {
            parts.join(",")
        }
    }
}

/// `key=value,...` for a label map.
pub fn labels_text(labels: &Labels) -> String {
    if labels.is_empty() {
        return "<none>".into();
    }
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

impl NodeSelectorRequirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        let have = labels.get(&self.key);
        match self.operator {
            NodeSelectorOp::In => have.is_some_and(|v| self.values.contains(v)),
            NodeSelectorOp::NotIn => have.is_none_or(|v| !self.values.contains(v)),
            NodeSelectorOp::Exists => have.is_some(),
            NodeSelectorOp::DoesNotExist => have.is_none(),
            NodeSelectorOp::Gt | NodeSelectorOp::Lt => {
                let (Some(v), Some(bound)) = (have, self.values.first()) else { return false };
                match (v.parse::<i64>(), bound.parse::<i64>()) {
                    (Ok(v), Ok(b)) => {
                        if self.operator == NodeSelectorOp::Gt {
                            v > b
                        } else {
                            v < b
                        }
                    }
                    _ => false,
                }
            }
        }
    }

    pub fn to_text(&self) -> String {
        let op = match self.operator {
            NodeSelectorOp::In => "In",
            NodeSelectorOp::NotIn => "NotIn",
            NodeSelectorOp::Exists => return format!("{} Exists", self.key),
            NodeSelectorOp::DoesNotExist => return format!("{} DoesNotExist", self.key),
            NodeSelectorOp::Gt => "Gt",
            NodeSelectorOp::Lt => "Lt",
        };
        format!("{} {op} [{}]", self.key, self.values.join(", "))
    }
}

impl NodeSelectorTerm {
    /// All expressions hold (ANDed); `matchFields` supports `metadata.name`. An empty term
    /// matches no node (`nodeaffinity.go`: "nil or empty term selects no objects").
    pub fn matches(&self, node_name: &str, labels: &Labels) -> bool {
        if self.match_expressions.is_empty() && self.match_fields.is_empty() {
            return false;
        }
        let mut fields = Labels::new();
        fields.insert("metadata.name".into(), node_name.into());
        self.match_expressions.iter().all(|r| r.matches(labels)) && self.match_fields.iter().all(|r| r.matches(&fields))
    }

    pub fn to_text(&self) -> String {
        let mut parts: Vec<String> = self.match_expressions.iter().map(|r| r.to_text()).collect();
        parts.extend(self.match_fields.iter().map(|r| r.to_text()));
        parts.join(" AND ")
    }
}
