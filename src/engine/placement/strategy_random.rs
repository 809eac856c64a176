//! Strategy `random`: one candidate, chosen uniformly from the seeded `random-strategy` stream.

use super::Rating;
use crate::engine::cluster::ContainerInstance;
use crate::engine::rng::Rng;

pub(crate) fn rate(pool: &[&ContainerInstance], rng: &mut Rng) -> Vec<Rating> {
    let pick = rng.pick(pool.len());
    pool.iter()
        .enumerate()
        .map(|(i, inst)| {
            let chosen = i == pick;
            Rating { instance: inst.id.clone(), key: if chosen { 0 } else { 1 }, shown: if chosen { "drawn".into() } else { "not drawn".into() } }
        })
        .collect()
}
