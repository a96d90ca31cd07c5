//! Seeds: every run's random stream is derived from (master seed, design point,
//! replicate) alone, so results never depend on threads, chunking or shards.

/// SplitMix64's finaliser: a bijective, well-mixed map of 64-bit words.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of one run: `mix(mix(mix(master) ^ point) ^ replicate)`.
/// `detente run` uses point 0.
pub fn run_seed(master: u64, point: u64, replicate: u64) -> u64 {
    mix(mix(mix(master) ^ point) ^ replicate)
}

/// The seed of replicate `replicate` at every design point of a sweep with
/// common random numbers: design point 0's seed, so the replicate draws the
/// same environment wherever it runs (and `detente run` replays it).
pub fn common_seed(master: u64, replicate: u64) -> u64 {
    run_seed(master, 0, replicate)
}

/// The seed of a sweep's design stream (random and lhs points), kept apart
/// from every run's stream.
pub fn design_seed(master: u64) -> u64 {
    mix(mix(master) ^ 0x6465_7369_676E) // "design"
}

/// The stream of candidate `candidate` of calibration generation
/// `generation`: its proposal and its runs' seeds.
pub fn calibration_seed(master: u64, generation: u32, candidate: u64) -> u64 {
    mix(mix(mix(mix(master) ^ 0x6361_6C69_6272) ^ u64::from(generation)) ^ candidate) // "calibr"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn seeds_differ_across_points_and_replicates() {
        let seeds: HashSet<u64> = (0..100)
            .flat_map(|p| (0..100).map(move |r| run_seed(42, p, r)))
            .collect();
        assert_eq!(seeds.len(), 10_000);
        assert_ne!(run_seed(1, 0, 0), run_seed(2, 0, 0));
        assert_ne!(run_seed(1, 0, 1), run_seed(1, 1, 0));
    }

    #[test]
    fn seeds_are_stable_across_releases() {
        // Changing the derivation would silently change every published dataset.
        assert_eq!(run_seed(0, 0, 0), 2_558_736_989_570_252_433);
        assert_eq!(common_seed(0, 0), 2_558_736_989_570_252_433);
        assert_eq!(common_seed(42, 7), run_seed(42, 0, 7));
    }
}
