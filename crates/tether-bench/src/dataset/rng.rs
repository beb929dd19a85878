//! The data set's random numbers: a small generator that gives the same data for the same seed,
//! whatever version of a random-number crate the dependencies bring.

/// SplitMix64: small, fast, and fixed for a seed whatever the dependencies do.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// In 0..n, low values more likely.
    pub fn skewed(&mut self, n: usize) -> usize {
        ((self.unit().powf(1.6) * n as f64) as usize).min(n.saturating_sub(1))
    }
}
