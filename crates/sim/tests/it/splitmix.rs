//! The seeded generator of the random-operation tests (`random_ops.rs` here, and
//! `crates/cli/tests/chaos.rs`, which includes this file by path): a seed must draw the same
//! sequence in both, and in the transcripts that replay a seed.

/// splitmix64: small, fast, and the same everywhere.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
    /// An index drawn with the given weights (one draw: `below` their sum).
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut roll = self.below(weights.iter().sum());
        let mut i = 0;
        while i + 1 < weights.len() && roll >= weights[i] {
            roll -= weights[i];
            i += 1;
        }
        i
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> Option<&'a T> {
        (!xs.is_empty()).then(|| &xs[self.below(xs.len() as u64) as usize])
    }
}
