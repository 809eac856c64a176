//! ImageLocality (plugins/imagelocality/image_locality.go): prefers nodes that already have the
//! pod's images. For each container image present on the node, add
//! `size × (nodes that have it / all nodes)` (the spread factor stops every pod piling onto the
//! one node with the image); the sum is mapped linearly from [23 MB, 1000 MB × containers] to
//! [0, 100] (`minThreshold`, `maxContainerThreshold`).

use super::{Ctx, Scored, MAX_NODE_SCORE};
use crate::engine::k8s::node::Node;

const MB: i64 = 1024 * 1024;
const MIN_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// `normalizedImageName`: an image without a tag means `:latest`.
fn normalized(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    if last.contains(':') || last.contains('@') {
        image.to_string()
    } else {
        format!("{image}:latest")
    }
}

/// `calculatePriority`.
pub fn image_score(sum_scores: i64, num_containers: i64) -> i64 {
    let max = MAX_CONTAINER_THRESHOLD * num_containers.max(1);
    let s = sum_scores.clamp(MIN_THRESHOLD, max);
    MAX_NODE_SCORE * (s - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

pub(crate) fn score(ctx: &Ctx, nodes: &[&Node]) -> Option<Scored> {
    let total = ctx.nodes.len().max(1) as i64;
    let images: Vec<String> = ctx.pod.spec.containers.iter().chain(ctx.pod.spec.init_containers.iter()).map(|c| normalized(&c.image)).collect();
    let mut raw = Vec::new();
    let mut arithmetic = Vec::new();
    for n in nodes {
        let mut sum = 0i64;
        let mut have = Vec::new();
        for img in &images {
            let Some(size) = n.images.iter().find(|(k, _)| normalized(k) == *img).map(|(_, s)| *s) else { continue };
            let spread = ctx.nodes.iter().filter(|m| m.images.keys().any(|k| normalized(k) == *img)).count() as i64;
            sum += size * spread / total;
            have.push(img.clone());
        }
        let s = image_score(sum, images.len() as i64);
        raw.push(s);
        arithmetic.push(if have.is_empty() { "none of the pod's images are on this node → 0".into() } else { format!("has {}; scaled size {} MB → {s}", have.join(", "), sum / MB) });
    }
    Some(Scored { normalized: raw.clone(), raw, arithmetic })
}
