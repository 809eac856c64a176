//! The final tie-break: when strategies leave several equally good instances, draw one from the
//! seeded `tie-break` stream (so the same seed always makes the same choice).

use super::TieBreak;
use crate::engine::cluster::ContainerInstance;
use crate::engine::rng::Rng;

/// `pool` is never empty here.
pub(crate) fn choose<'a>(pool: &[&'a ContainerInstance], rng: &mut Rng) -> (&'a ContainerInstance, Option<TieBreak>) {
    if pool.len() == 1 {
        return (pool[0], None);
    }
    let i = rng.pick(pool.len());
    let chosen = pool[i];
    (chosen, Some(TieBreak { among: pool.iter().map(|p| p.id.clone()).collect(), chose: chosen.id.clone() }))
}
