//! One compact stable sort for the engine, instead of the standard library's.
//!
//! Why it exists: wasm size (docs/performance.md, "Download size and time to interactive").
//! `slice::sort_by` and friends are generic over the element and the comparator, so every call
//! site with its own closure gets a full copy of driftsort (or ipnsort): about 5 KB of Wasm each,
//! some 38 copies in the shipped module. `BTreeMap`/`BTreeSet`'s `FromIterator` sorts too. Here
//! the work is not generic: a bottom-up merge sort of element *indices*
//! ([`stable_order`]) compares through `&mut dyn FnMut`, and the permutation is applied by swaps
//! through another `&mut dyn FnMut` ([`permute`]). Each call site costs two small closures.
//!
//! The results are exactly those of `std`'s stable sorts: the merge sort is stable (equal
//! elements keep their input order) and, given a comparator that is a total order, a stable sort
//! has only one possible result. So swapping `v.sort_by(f)` for `sort::sort_by(&mut v, f)` never
//! changes the simulation's output. An unstable sort (`sort_unstable*`) is replaced only where
//! equal elements are indistinguishable or cannot occur; then its result is the same too.
//!
//! It is slower than `std`'s for large inputs (an indirection per comparison, an index buffer);
//! the engine's sorts are short lists (pods of a node, diagnostics, a service's tasks).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sort `v` ascending, stably (like `<[T]>::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sort `v` by `cmp`, stably (like `<[T]>::sort_by`). `cmp` must be a total order.
pub fn sort_by<T, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], mut cmp: F) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let s: &[T] = v;
        stable_order(s.len(), &mut |a, b| cmp(&s[a], &s[b]) == Ordering::Greater)
    };
    permute(order, &mut |a, b| v.swap(a, b));
}

/// Sort `v` by the key `f` extracts, stably (like `<[T]>::sort_by_key`: `f` runs for both
/// elements of every comparison).
pub fn sort_by_key<T, K: Ord, F: FnMut(&T) -> K>(v: &mut [T], mut f: F) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// `items.collect::<BTreeMap<_, _>>()` without the sort inside `BTreeMap`'s `FromIterator`: the
/// same map (a repeated key keeps its last value), built by inserting one item at a time.
pub fn collect_map<K: Ord, V, I: IntoIterator<Item = (K, V)>>(items: I) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in items {
        map.insert(k, v);
    }
    map
}

/// `items.collect::<BTreeSet<_>>()` without the sort inside `BTreeSet`'s `FromIterator`.
pub fn collect_set<T: Ord, I: IntoIterator<Item = T>>(items: I) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for x in items {
        set.insert(x);
    }
    set
}

/// Runs this short are sorted by insertion before the merging starts.
const RUN: usize = 8;

/// The stable sorted order of `n` elements: position `k` of the result holds the index of the
/// element that belongs at `k`. `after(a, b)` tells whether element `a` must come after element
/// `b` (that is, `a > b`); equal elements keep their index order.
#[inline(never)]
fn stable_order(n: usize, after: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    let mut start = 0;
    while start < n {
        let end = n.min(start + RUN);
        for i in start + 1..end {
            let x = a[i];
            let mut j = i;
            while j > start && after(a[j - 1], x) {
                a[j] = a[j - 1];
                j -= 1;
            }
            a[j] = x;
        }
        start = end;
    }
    if n <= RUN {
        return a;
    }
    let mut b: Vec<usize> = vec![0; n];
    let mut width = RUN;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = n.min(lo + width);
            let hi = n.min(mid + width);
            if mid == hi || !after(a[mid - 1], a[mid]) {
                // Already in order (or nothing to merge with).
                b[lo..hi].copy_from_slice(&a[lo..hi]);
            } else {
                let (mut i, mut j) = (lo, mid);
                for slot in &mut b[lo..hi] {
                    // Take from the left run unless the right one's head is strictly smaller.
                    if j == hi || (i < mid && !after(a[i], a[j])) {
                        *slot = a[i];
                        i += 1;
                    } else {
                        *slot = a[j];
                        j += 1;
                    }
                }
            }
            lo = hi;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

/// Rearrange a slice so that position `k` gets the element that was at `order[k]`, by calling
/// `swap(i, j)` at most `order.len()` times (cycle by cycle). `order` must be a permutation.
#[inline(never)]
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        // Position `cur` holds the element that was at `start`; `order[p] == p` marks p as done.
        let mut cur = start;
        loop {
            let next = order[cur];
            order[cur] = cur;
            if next == start {
                break;
            }
            swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_empty() {
        let mut e: Vec<u8> = Vec::new();
        sort(&mut e);
        assert!(e.is_empty());
        let mut one = vec![3];
        sort(&mut one);
        assert_eq!(one, vec![3]);
        let mut v = vec![3, 1, 2];
        sort(&mut v);
        assert_eq!(v, vec![1, 2, 3]);
    }

    #[test]
    fn stable_on_ties() {
        // Sorted by the first field only: the second (the input position) must stay ascending.
        let mut v: Vec<(u8, usize)> = (0..100).map(|i| ((i * 7 % 5) as u8, i)).collect();
        let mut want = v.clone();
        want.sort_by_key(|p| p.0);
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, want);
        assert!(v.windows(2).all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)));
    }

    #[test]
    fn reversed_and_sorted_inputs() {
        for n in [2, 7, 8, 9, 16, 17, 63, 64, 65, 200] {
            let mut down: Vec<u32> = (0..n).rev().collect();
            sort(&mut down);
            assert_eq!(down, (0..n).collect::<Vec<_>>());
            let mut up: Vec<u32> = (0..n).collect();
            sort_by(&mut up, |a, b| b.cmp(a));
            assert_eq!(up, (0..n).rev().collect::<Vec<_>>());
        }
    }

    #[test]
    fn permute_applies_the_order() {
        let mut v = vec!['c', 'a', 'd', 'b'];
        permute(vec![1, 3, 0, 2], &mut |a, b| v.swap(a, b));
        assert_eq!(v, vec!['a', 'b', 'c', 'd']);
    }

    #[test]
    fn collect_map_keeps_the_last_value() {
        let m = collect_map([("b", 1), ("a", 2), ("b", 3)]);
        let want: BTreeMap<&str, i32> = [("b", 1), ("a", 2), ("b", 3)].into_iter().collect();
        assert_eq!(m, want);
        assert_eq!(collect_set([3, 1, 3, 2]), [1, 2, 3].into_iter().collect::<BTreeSet<_>>());
    }
}
