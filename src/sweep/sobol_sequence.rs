//! Sobol' low-discrepancy points with Owen scrambling, the base samples of
//! the `sobol` design.
//!
//! The sequence is Sobol's (1967) in Gray-code order (Antonov & Saleev 1979),
//! with the direction numbers of Joe & Kuo (2008), file `new-joe-kuo-6.21201`
//! (<https://web.maths.unsw.edu.au/~fkuo/sobol/>): the first [`MAX_DIMENSIONS`]
//! dimensions, 32 bits each. Each coordinate is then scrambled by a nested
//! uniform (Owen 1995) scramble computed with the hash of Burley (2020),
//! "Practical Hash-based Owen Scrambling", *Journal of Computer Graphics
//! Techniques* 9(4): every binary digit is flipped according to a hash of the
//! digits above it and a per-dimension seed. Scrambling keeps the net
//! structure (the first 2^m points of every dimension fall one in each of
//! 2^m equal intervals) and makes every point uniform on the unit cube, so
//! estimates are unbiased and the seed makes them reproducible.

/// Dimensions available: Saltelli's scheme needs two per parameter.
pub const MAX_DIMENSIONS: usize = 64;

/// Bits per coordinate: up to 2^32 points.
const BITS: usize = 32;

/// Rows 2 to 64 of `new-joe-kuo-6.21201` (Joe & Kuo 2008): degree s of the
/// primitive polynomial, its coefficients a (interior bits, highest first)
/// and the initial direction numbers m_1 … m_s. Dimension 1 is van der
/// Corput's (every m_k = 1). Transcribed from the copy SciPy 1.17 bundles
/// (`scipy/stats/_sobol_direction_numbers.npz`) and checked against SciPy's
/// unscrambled points in the tests below.
const JOE_KUO: [(u32, u32, &[u32]); MAX_DIMENSIONS - 1] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (8, 38, &[1, 3, 1, 11, 27, 43, 71, 9]),
    (8, 47, &[1, 1, 7, 15, 21, 11, 81, 45]),
    (8, 49, &[1, 3, 7, 3, 25, 31, 65, 79]),
    (8, 50, &[1, 3, 1, 1, 19, 11, 3, 205]),
    (8, 52, &[1, 1, 5, 9, 19, 21, 29, 157]),
    (8, 56, &[1, 3, 7, 11, 1, 33, 89, 185]),
    (8, 67, &[1, 3, 3, 3, 15, 9, 79, 71]),
    (8, 70, &[1, 3, 7, 11, 15, 39, 119, 27]),
    (8, 84, &[1, 1, 3, 1, 11, 31, 97, 225]),
    (8, 97, &[1, 1, 1, 3, 23, 43, 57, 177]),
    (8, 103, &[1, 3, 7, 7, 17, 17, 37, 71]),
    (8, 115, &[1, 3, 1, 5, 27, 63, 123, 213]),
    (8, 122, &[1, 1, 3, 5, 11, 43, 53, 133]),
    (9, 8, &[1, 3, 5, 5, 29, 17, 47, 173, 479]),
    (9, 13, &[1, 3, 3, 11, 3, 1, 109, 9, 69]),
    (9, 16, &[1, 1, 1, 5, 17, 39, 23, 5, 343]),
    (9, 22, &[1, 3, 1, 5, 25, 15, 31, 103, 499]),
    (9, 25, &[1, 1, 1, 11, 11, 17, 63, 105, 183]),
    (9, 44, &[1, 1, 5, 11, 9, 29, 97, 231, 363]),
    (9, 47, &[1, 1, 5, 15, 19, 45, 41, 7, 383]),
    (9, 52, &[1, 3, 7, 7, 31, 19, 83, 137, 221]),
    (9, 55, &[1, 1, 1, 3, 23, 15, 111, 223, 83]),
    (9, 59, &[1, 1, 5, 13, 31, 15, 55, 25, 161]),
    (9, 62, &[1, 1, 3, 13, 25, 47, 39, 87, 257]),
];

/// The first `dimensions` dimensions of the Sobol' sequence, optionally
/// Owen-scrambled.
#[derive(Debug, Clone)]
pub struct SobolSequence {
    /// Direction numbers v_1 … v_32 of each dimension, as 32-bit fractions.
    directions: Vec<[u32; BITS]>,
    /// Per-dimension scrambling seeds (none: the plain sequence).
    scrambles: Option<Vec<u32>>,
}

impl SobolSequence {
    /// The plain (unscrambled) sequence. `dimensions` must be at most
    /// [`MAX_DIMENSIONS`].
    pub fn new(dimensions: usize) -> SobolSequence {
        assert!(
            dimensions <= MAX_DIMENSIONS,
            "validated: at most {MAX_DIMENSIONS} Sobol dimensions"
        );
        SobolSequence {
            directions: (0..dimensions).map(direction_numbers).collect(),
            scrambles: None,
        }
    }

    /// The sequence with each dimension Owen-scrambled under its own seed.
    pub fn scrambled(dimensions: usize, seeds: impl IntoIterator<Item = u32>) -> SobolSequence {
        let mut sequence = SobolSequence::new(dimensions);
        let seeds: Vec<u32> = seeds.into_iter().take(dimensions).collect();
        assert_eq!(seeds.len(), dimensions, "one seed per dimension");
        sequence.scrambles = Some(seeds);
        sequence
    }

    pub fn dimensions(&self) -> usize {
        self.directions.len()
    }

    /// Coordinate `dimension` of point `index` as a 32-bit fraction.
    pub fn digits(&self, index: u32, dimension: usize) -> u32 {
        let gray = index ^ (index >> 1);
        let v = &self.directions[dimension];
        let mut x = 0;
        for (bit, direction) in v.iter().enumerate() {
            if gray >> bit & 1 == 1 {
                x ^= direction;
            }
        }
        match &self.scrambles {
            Some(seeds) => owen_scramble(x, seeds[dimension]),
            None => x,
        }
    }

    /// Point `index` in [0, 1)^dimensions.
    pub fn point(&self, index: u32) -> Vec<f64> {
        (0..self.dimensions())
            .map(|d| f64::from(self.digits(index, d)) / 4_294_967_296.0)
            .collect()
    }
}

/// Direction numbers v_k = m_k / 2^k of a dimension (0-based), by Bratley &
/// Fox's (1988) recurrence as in Joe & Kuo's generator.
fn direction_numbers(dimension: usize) -> [u32; BITS] {
    let mut v = [0u32; BITS];
    if dimension == 0 {
        for (k, slot) in v.iter_mut().enumerate() {
            *slot = 1 << (BITS - 1 - k);
        }
        return v;
    }
    let (s, a, m) = JOE_KUO[dimension - 1];
    let s = s as usize;
    for k in 0..s.min(BITS) {
        v[k] = m[k] << (BITS - 1 - k);
    }
    for k in s..BITS {
        v[k] = v[k - s] ^ (v[k - s] >> s);
        for j in 1..s {
            if (a >> (s - 1 - j)) & 1 == 1 {
                v[k] ^= v[k - j];
            }
        }
    }
    v
}

/// Nested uniform scrambling of a 32-bit fraction (Burley 2020, listing 2):
/// reversing the bits turns "depends on the digits above" into "depends on
/// the bits below", which the Laine–Karras style hash provides.
fn owen_scramble(x: u32, seed: u32) -> u32 {
    let mut x = x.reverse_bits();
    x = x.wrapping_add(seed);
    x ^= x.wrapping_mul(0x6c50_b47c);
    x ^= x.wrapping_mul(0xb82f_1e52);
    x ^= x.wrapping_mul(0xc7af_e638);
    x ^= x.wrapping_mul(0x8d22_f6e6);
    x.reverse_bits()
}

#[cfg(test)]
mod tests {
    use super::*;

    // SciPy 1.17.1, `scipy.stats.qmc.Sobol(d=64, scramble=False,
    // bits=32).random(1024)`, times 2^32 (2026-12-03): rows 1, 2, 5, 100 and
    // 1023 in dimensions 1, 2, 3, 20, 40, 41 and 64, and a rolling checksum
    // of all 1024 × 64 coordinates (acc ← acc · 1000003 + x mod 2^64, row
    // by row).
    #[test]
    fn unscrambled_points_equal_scipys_joe_kuo_sequence() {
        let sobol = SobolSequence::new(MAX_DIMENSIONS);
        let columns = [0, 1, 2, 19, 39, 40, 63];
        let expected: [(u32, [u32; 7]); 5] = [
            (1, [2147483648; 7]),
            (
                2,
                [
                    3221225472, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824,
                    3221225472,
                ],
            ),
            (
                5,
                [
                    3758096384, 3758096384, 536870912, 2684354560, 1610612736, 1610612736,
                    2684354560,
                ],
            ),
            (
                100,
                [
                    1778384896, 1107296256, 3321888768, 1442840576, 570425344, 3053453312,
                    2785017856,
                ],
            ),
            (
                1023,
                [
                    4194304, 3233808384, 2629828608, 1371537408, 2998927360, 2713714688, 171966464,
                ],
            ),
        ];
        for (index, row) in expected {
            let got: Vec<u32> = columns.iter().map(|&d| sobol.digits(index, d)).collect();
            assert_eq!(got, row, "point {index}");
        }
        let mut acc: u64 = 0;
        for index in 0..1024 {
            for d in 0..MAX_DIMENSIONS {
                acc = acc
                    .wrapping_mul(1_000_003)
                    .wrapping_add(u64::from(sobol.digits(index, d)));
            }
        }
        assert_eq!(acc, 788_566_166_028_156_928);
    }

    /// Every dimension of the first 2^m points, scrambled or not, puts one
    /// point in each of the 2^m equal intervals, and so does every 2^(m−1)
    /// prefix (the first half of a design is itself balanced).
    #[test]
    fn scrambled_points_stay_stratified_in_every_dimension() {
        let sobol = SobolSequence::scrambled(
            MAX_DIMENSIONS,
            (0..64u32).map(|d| d.wrapping_mul(0x9e37_79b9).wrapping_add(7)),
        );
        for n in [256u32, 512] {
            for d in 0..MAX_DIMENSIONS {
                let mut seen = vec![false; n as usize];
                for i in 0..n {
                    let cell = (u64::from(sobol.digits(i, d)) * u64::from(n)) >> 32;
                    assert!(!seen[cell as usize], "dimension {d}, {n} points");
                    seen[cell as usize] = true;
                }
            }
        }
    }

    /// 2-D projections keep the (0, 2, 2)-net property of dimensions 1 and
    /// 2: any 2^a × 2^b grid of elementary boxes with a + b = m holds one
    /// point per box.
    #[test]
    fn scrambling_keeps_the_net_of_the_first_two_dimensions() {
        let sobol = SobolSequence::scrambled(2, [12345, 678]);
        let m = 8;
        let top = |x: u32, bits: u32| {
            if bits == 0 {
                0
            } else {
                (x >> (32 - bits)) as usize
            }
        };
        for a in 0..=m {
            let b = m - a;
            let mut seen = vec![false; 1 << m];
            for i in 0..1u32 << m {
                let cell = top(sobol.digits(i, 0), a) << b | top(sobol.digits(i, 1), b);
                assert!(!seen[cell], "boxes 2^{a} x 2^{b}");
                seen[cell] = true;
            }
        }
    }

    #[test]
    fn scrambling_is_reproducible_and_depends_on_the_seed() {
        let one = SobolSequence::scrambled(4, [1, 2, 3, 4]);
        let again = SobolSequence::scrambled(4, [1, 2, 3, 4]);
        let other = SobolSequence::scrambled(4, [1, 2, 3, 5]);
        let plain = SobolSequence::new(4);
        assert_eq!(one.point(17), again.point(17));
        assert_eq!(one.point(17)[..3], other.point(17)[..3]);
        assert_ne!(one.point(17)[3], other.point(17)[3]);
        assert_ne!(one.point(0), plain.point(0));
        assert_eq!(plain.point(0), vec![0.0; 4]);
    }

    /// Scrambled points are uniform: over many seeds the mean of a
    /// coordinate of a fixed point is 1/2.
    #[test]
    fn a_scrambled_point_is_uniform_over_seeds() {
        let draws: Vec<f64> = (0..4000u32)
            .map(|s| SobolSequence::scrambled(1, [s.wrapping_mul(0x2545_f491)]).point(3)[0])
            .collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let below_quarter = draws.iter().filter(|&&u| u < 0.25).count() as f64 / 4000.0;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert!((below_quarter - 0.25).abs() < 0.03, "{below_quarter}");
    }
}
