//! Stable sorts that cost the web build one copy of the standard library's sort.
//!
//! Each `slice::sort_by` call with its own element type or closure is a separate copy of the
//! whole driftsort (quicksort, merges, small-sort networks: 2–5 KB each in the wasm, about
//! 190 KB for the program's sixty call sites). In the wasm build these functions sort a list
//! of indices instead, through one non-generic `[u32]::sort_by` with a `dyn` comparator, and
//! then move the elements into place; natively they are `slice::sort_by` itself (the
//! benchmarks want its speed, and the result is the same: both are stable).

use std::cmp::Ordering;

/// `v.sort_by(cmp)`: stable.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if cfg!(target_arch = "wasm32") {
        by_indices(v, &mut cmp);
    } else {
        v.sort_by(cmp);
    }
}

/// `v.sort_by_key(key)`: stable.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `v.sort()`: stable.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The wasm build's sort (public so that native tests run it): sorts the indices, then applies
/// the permutation in place by following its cycles.
pub fn by_indices<T>(v: &mut [T], cmp: &mut dyn FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let Ok(n) = u32::try_from(v.len()) else {
        // Four billion elements: not reached by anything the playground holds.
        v.sort_by(cmp);
        return;
    };
    let mut order: Vec<u32> = (0..n).collect();
    {
        let v: &[T] = v;
        sort_indices(&mut order, &mut |a, b| cmp(&v[a as usize], &v[b as usize]));
    }
    // `order[i]` is the index of the element that belongs at `i`.
    const DONE: u32 = u32::MAX;
    for start in 0..v.len() {
        let mut at = start;
        loop {
            let from = order[at];
            if from == DONE {
                break;
            }
            order[at] = DONE;
            if from as usize == start {
                break;
            }
            v.swap(at, from as usize);
            at = from as usize;
        }
    }
}

/// The one instantiation of the standard library's stable sort.
#[inline(never)]
fn sort_indices(order: &mut [u32], cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn by_indices_is_the_standard_stable_sort() {
        let mut rng = Rng::new(7);
        for len in [0usize, 1, 2, 3, 5, 8, 20, 33, 100, 1000] {
            // Few distinct keys, so stability is tested; the second field records the order.
            let v: Vec<(u64, usize)> = (0..len).map(|i| (rng.next_u64() % 5, i)).collect();
            let mut want = v.clone();
            want.sort_by_key(|a| a.0);
            let mut got = v.clone();
            by_indices(&mut got, &mut |a, b| a.0.cmp(&b.0));
            assert_eq!(got, want, "len {len}");
            let mut rev = v.clone();
            by_indices(&mut rev, &mut |a, b| b.0.cmp(&a.0));
            let mut want_rev = v;
            want_rev.sort_by_key(|a| std::cmp::Reverse(a.0));
            assert_eq!(rev, want_rev, "len {len}");
        }
    }

    #[test]
    fn the_wrappers_sort() {
        let mut words = vec!["b", "c", "a"];
        sort(&mut words);
        assert_eq!(words, ["a", "b", "c"]);
        sort_by_key(&mut words, |w| std::cmp::Reverse(*w));
        assert_eq!(words, ["c", "b", "a"]);
        sort_by(&mut words, |a, b| a.cmp(b));
        assert_eq!(words, ["a", "b", "c"]);
    }
}
