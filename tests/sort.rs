//! Property tests for `engine::sort`, the compact stable sort the engine uses instead of the
//! standard library's (for the size of the .wasm): on any input it gives exactly what `std`'s
//! stable sorts give, ties in input order included, and its map/set builders equal `collect()`.

use std::collections::{BTreeMap, BTreeSet};

use berth::engine::sort;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sort_by_equals_std(v in prop::collection::vec((0u8..6, any::<u16>()), 0..300)) {
        // Comparing the first field only: many ties, so the order of the second shows stability.
        let mut want = v.clone();
        want.sort_by_key(|p| p.0);
        let mut have = v.clone();
        sort::sort_by(&mut have, |a, b| a.0.cmp(&b.0));
        prop_assert_eq!(have, want);
    }

    #[test]
    fn sort_by_key_equals_std(v in prop::collection::vec((any::<i8>(), "[a-c]{0,2}"), 0..200)) {
        let mut want = v.clone();
        want.sort_by_key(|p| p.1.clone());
        let mut have = v.clone();
        sort::sort_by_key(&mut have, |p| p.1.clone());
        prop_assert_eq!(have, want);
        let mut want = v.clone();
        want.sort_by_key(|p| std::cmp::Reverse(p.0));
        let mut have = v;
        sort::sort_by(&mut have, |a, b| b.0.cmp(&a.0));
        prop_assert_eq!(have, want);
    }

    #[test]
    fn sort_equals_std(v in prop::collection::vec((0u64..50, "[a-d]{0,3}"), 0..400)) {
        let mut want = v.clone();
        want.sort();
        let mut have = v;
        sort::sort(&mut have);
        prop_assert_eq!(have, want);
    }

    #[test]
    fn float_keys_with_total_cmp(v in prop::collection::vec((-3i8..3, 0u8..4), 0..100)) {
        let mut v: Vec<(f64, u8)> = v.into_iter().map(|(a, b)| (a as f64 / 2.0, b)).collect();
        v.push((f64::NAN, 9));
        v.push((-0.0, 9));
        let mut want = v.clone();
        want.sort_by(|a, b| a.0.total_cmp(&b.0));
        sort::sort_by(&mut v, |a, b| a.0.total_cmp(&b.0));
        prop_assert_eq!(format!("{v:?}"), format!("{want:?}"));
    }

    #[test]
    fn presorted_runs(n in 0usize..500, run in 1usize..70, desc in any::<bool>()) {
        // Ascending (or descending) runs of length `run`: the merge's "already in order" path.
        let v: Vec<(usize, usize)> = (0..n).map(|i| (if desc { run - i % run } else { i % run }, i)).collect();
        let mut want = v.clone();
        want.sort_by_key(|p| p.0);
        let mut have = v;
        sort::sort_by_key(&mut have, |p| p.0);
        prop_assert_eq!(have, want);
    }

    #[test]
    fn collect_map_equals_collect(v in prop::collection::vec(("[a-e]{0,2}", any::<u8>()), 0..100)) {
        let want: BTreeMap<String, u8> = v.iter().cloned().collect();
        prop_assert_eq!(sort::collect_map(v.iter().cloned()), want);
        let want: BTreeSet<&str> = v.iter().map(|p| p.0.as_str()).collect();
        prop_assert_eq!(sort::collect_set(v.iter().map(|p| p.0.as_str())), want);
    }
}

#[test]
fn comparisons_are_not_repeated_needlessly() {
    // A sorted input costs about one comparison per element (runs already in order are copied).
    let mut v: Vec<u32> = (0..1000).collect();
    let mut calls = 0usize;
    sort::sort_by(&mut v, |a, b| {
        calls += 1;
        a.cmp(b)
    });
    assert!(calls < 1200, "{calls} comparisons for a sorted input of 1000");
    assert_eq!(v, (0..1000).collect::<Vec<_>>());
}
