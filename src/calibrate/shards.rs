//! One generation over several machines. Shard k of n simulates the
//! candidates whose number is k − 1 modulo n, in order, until it has accepted
//! a little more than its share of the particles (or the budget ends); the
//! join then accepts candidates in the order of their numbers exactly as one
//! machine would, simulating itself any candidate no shard reached. Every
//! candidate draws from its own stream, so the joined generation is the one
//! an unsharded calibration computes, byte for byte.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use super::smc::{Candidate, Proposer, Settings, Simulator, Step, affordable, batch_size};
use crate::error::Error;

/// What one shard found.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardResult {
    /// The accepted candidates, in order.
    pub accepted: Vec<Candidate>,
    /// The highest candidate number simulated (every lower one of the shard's
    /// residue class was simulated too); `None` if none was.
    pub last: Option<u64>,
    /// Candidates simulated.
    pub simulated: u64,
}

/// Particles a shard of `count` aims to accept: its share and a fifth more,
/// so that the join seldom has candidates left to simulate.
pub fn target(settings: &Settings, count: u64) -> u64 {
    (settings.particles * 6).div_ceil(5 * count) + 1
}

/// Runs shard `index` (0-based) of `count` of the generation `proposer` proposes.
#[allow(clippy::too_many_arguments)]
pub fn shard(
    proposer: &Proposer,
    settings: &Settings,
    simulator: &dyn Simulator,
    spent: u64,
    index: u64,
    count: u64,
    pool: &rayon::ThreadPool,
    interrupt: &AtomicBool,
) -> Result<Option<ShardResult>, Error> {
    let limit = affordable(settings, simulator, spent);
    let want = target(settings, count);
    let batch = batch_size(settings).div_ceil(count).max(16);
    let mut result = ShardResult {
        accepted: Vec::new(),
        last: None,
        simulated: 0,
    };
    let mut next = index;
    while (result.accepted.len() as u64) < want && next < limit {
        if interrupt.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let indices: Vec<u64> = (0..batch)
            .map(|j| next + j * count)
            .take_while(|&k| k < limit)
            .collect();
        next = indices.last().map_or(limit, |&k| k + count);
        for c in proposer.batch(simulator, &indices, pool)? {
            result.last = Some(c.index);
            result.simulated += 1;
            if proposer.accepts(&c) {
                result.accepted.push(c);
            }
        }
    }
    Ok(Some(result))
}

/// Joins the shards of one generation (`shards[k]` is shard k, 0-based) as
/// one machine would have run it. Returns the step and how many candidates
/// the join simulated itself.
pub fn join(
    proposer: &Proposer,
    settings: &Settings,
    simulator: &dyn Simulator,
    spent: u64,
    shards: &[ShardResult],
    pool: &rayon::ThreadPool,
) -> Result<(Step, u64), Error> {
    let count = shards.len() as u64;
    let cost = simulator.runs_per_candidate();
    let limit = affordable(settings, simulator, spent);
    let found: Vec<BTreeMap<u64, &Candidate>> = shards
        .iter()
        .map(|s| s.accepted.iter().map(|c| (c.index, c)).collect())
        .collect();
    let mut accepted: Vec<Candidate> = Vec::new();
    let mut topped_up = 0;
    let mut k = 0u64;
    while (accepted.len() as u64) < settings.particles {
        if k == limit {
            return Ok((
                Step::Budget {
                    simulations: spent + k * cost,
                },
                topped_up,
            ));
        }
        let residue = (k % count) as usize;
        let candidate = if shards[residue].last.is_some_and(|last| last >= k) {
            found[residue].get(&k).map(|c| (*c).clone())
        } else {
            topped_up += 1;
            let c = proposer.batch(simulator, &[k], pool)?.remove(0);
            proposer.accepts(&c).then_some(c)
        };
        if let Some(c) = candidate {
            accepted.push(c);
        }
        k += 1;
    }
    Ok((
        Step::Done(proposer.finish(accepted, k, spent + k * cost)),
        topped_up,
    ))
}
