//! The offer frontiers of one track in one run, built without enumerating
//! the whole package space.
//!
//! Values are additive over issues, so a package can only be on the
//! proposer–opponent frontier if its part on the issues no host cares about is
//! itself on the frontier of those issues. The frontier of those *free* issues
//! is built issue by issue (the frontier of a sum of sets lies in the sum of
//! their frontiers); each combination of the *host* issues (those a host's
//! value or veto depends on) is then added to it, tagged with whether the
//! hosts accept it, and the candidates are sorted once. For the baseline that
//! is a few hundred candidates instead of 1,782 packages.

use super::agent::{Agent, Role};
use super::frontier::{FrontierPoint, sort_points, sweep};
use super::issue::Subspace;
use crate::theory::ties;

/// How a track's issues split, fixed for a scenario.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Issues some host's value or veto depends on.
    host_issues: Vec<usize>,
    /// All other issues with more than one allowed value.
    free_issues: Vec<usize>,
    /// Per issue, the package-number stride of one step in its allowed values.
    strides: Vec<u32>,
}

impl Layout {
    pub fn new(space: &Subspace, agents: &[Agent]) -> Layout {
        Layout::covering(space, std::slice::from_ref(&agents))
    }

    /// A layout valid for every one of several versions of the agents (as
    /// events may change hosts' effects mid-run): an issue is a host issue
    /// if some host cares about it in any of them.
    pub fn covering(space: &Subspace, versions: &[&[Agent]]) -> Layout {
        let allowed = space.allowed();
        let host_cares = |i: usize| {
            versions
                .iter()
                .flat_map(|v| v.iter())
                .any(|a| match &a.role {
                    Role::Host { soil } => {
                        soil.contains(&i)
                            || a.effects[i]
                                .iter()
                                .chain(&a.threat_effects[i])
                                .any(|e| e.iter().any(|&x| x != 0.0))
                    }
                    _ => false,
                })
        };
        let (host_issues, free_issues) = (0..allowed.len())
            .filter(|&i| allowed[i].len() > 1 || host_cares(i))
            .partition(|&i| host_cares(i));
        let mut strides = vec![0u32; allowed.len()];
        let mut stride = 1u32;
        for i in (0..allowed.len()).rev() {
            strides[i] = stride;
            stride = stride.saturating_mul(allowed[i].len() as u32);
        }
        Layout {
            host_issues,
            free_issues,
            strides,
        }
    }
}

/// Reusable buffers for building frontiers.
#[derive(Debug, Default)]
pub struct OfferBuffers {
    proposer_terms: Vec<Vec<f64>>,
    opponent_terms: Vec<Vec<f64>>,
    host_terms: Vec<Vec<Vec<f64>>>,
    /// Per host: its value before the host issues, and the value its
    /// reservation requires.
    host_floors: Vec<(f64, f64)>,
    free: Vec<FrontierPoint>,
    sums: Vec<FrontierPoint>,
    candidates: Vec<FrontierPoint>,
    positions: Vec<usize>,
    /// Frontier over packages the hosts accept (the proposer offers from it).
    pub proposer_frontier: Vec<FrontierPoint>,
    /// Frontier over all packages (the opponent offers from it).
    pub opponent_frontier: Vec<FrontierPoint>,
}

/// What the hosts' vetoes are judged against.
pub struct HostTerms<'a> {
    /// All agents, and which of them are hosts.
    pub agents: &'a [Agent],
    pub hosts: &'a [usize],
    pub status_quo: &'a [u32],
    /// Oil leverage at which hosts state their terms.
    pub leverage: f64,
    /// Hosts (agent indices) whose consent has lapsed: they veto every
    /// package that deploys on their soil.
    pub withdrawn: &'a [usize],
}

/// How one side of a frontier values packages: an agent's values, or an
/// estimate of them (per issue, per value terms, on a scale of their own).
#[derive(Clone, Copy)]
pub enum Valuation<'a> {
    Agent(&'a Agent),
    Terms(&'a [Vec<f64>]),
}

impl Valuation<'_> {
    fn terms_into(self, threat: f64, terms: &mut Vec<Vec<f64>>) -> f64 {
        match self {
            Valuation::Agent(a) => {
                a.value_terms_into(threat, terms);
                a.base_value()
            }
            Valuation::Terms(t) => {
                terms.resize_with(t.len(), Vec::new);
                for (out, t) in terms.iter_mut().zip(t) {
                    out.clone_from(t);
                }
                0.0
            }
        }
    }
}

/// Builds both frontiers of a track for threat θ into `buffers`.
pub fn build(
    layout: &Layout,
    space: &Subspace,
    proposer: &Agent,
    opponent: &Agent,
    hosts: &HostTerms<'_>,
    threat: f64,
    buffers: &mut OfferBuffers,
) {
    build_valued(
        layout,
        space,
        [Valuation::Agent(proposer), Valuation::Agent(opponent)],
        hosts,
        threat,
        buffers,
    );
}

/// Builds both frontiers of a track for threat θ, with each side's values
/// as `valuations` gives them (proposer first): a negotiator's frontiers
/// of what it believes, when one side is an estimate.
pub fn build_valued(
    layout: &Layout,
    space: &Subspace,
    [proposer, opponent]: [Valuation<'_>; 2],
    hosts: &HostTerms<'_>,
    threat: f64,
    buffers: &mut OfferBuffers,
) {
    let allowed = space.allowed();
    let b = buffers;
    let proposer_base = proposer.terms_into(threat, &mut b.proposer_terms);
    let opponent_base = opponent.terms_into(threat, &mut b.opponent_terms);
    let host_agents = || hosts.hosts.iter().map(|&h| &hosts.agents[h]);
    b.host_terms.resize_with(hosts.hosts.len(), Vec::new);
    for (host, terms) in host_agents().zip(&mut b.host_terms) {
        host.value_terms_into(threat, terms);
    }

    // Frontier of the free issues, merged one issue at a time.
    b.free.clear();
    b.free.push(FrontierPoint::new(0.0, 0.0, 0));
    for &i in &layout.free_issues {
        b.sums.clear();
        for f in &b.free {
            for (k, &v) in allowed[i].iter().enumerate() {
                b.sums.push(FrontierPoint::new(
                    f.first + b.proposer_terms[i][v as usize],
                    f.second + b.opponent_terms[i][v as usize],
                    f.index + k as u32 * layout.strides[i],
                ));
            }
        }
        sort_points(&mut b.sums);
        sweep(&b.sums, |_| true, &mut b.free);
    }

    // Every combination of the host issues, plus the free frontier.
    let fixed = |terms: &[Vec<f64>], base: f64| {
        // Issues with one allowed value that no host cares about.
        (0..allowed.len())
            .filter(|i| !layout.free_issues.contains(i) && !layout.host_issues.contains(i))
            .fold(base, |acc, i| acc + terms[i][allowed[i][0] as usize])
    };
    let proposer_base = fixed(&b.proposer_terms, proposer_base);
    let opponent_base = fixed(&b.opponent_terms, opponent_base);
    // Per host: its value before the host issues (with the opening oil shift)
    // and the value its reservation utility requires.
    b.host_floors.clear();
    b.host_floors
        .extend(host_agents().zip(&b.host_terms).map(|(h, terms)| {
            (
                fixed(terms, h.base_value()) + h.oil_shift(hosts.leverage),
                h.value_for_utility(h.reservation_at(hosts.leverage)),
            )
        }));
    let host_floors = &b.host_floors;
    b.candidates.clear();
    b.positions.clear();
    b.positions.resize(layout.host_issues.len(), 0);
    loop {
        let positions = &b.positions;
        let package_value = |terms: &[Vec<f64>], base: f64| {
            layout
                .host_issues
                .iter()
                .zip(positions)
                .fold(base, |acc, (&i, &k)| acc + terms[i][allowed[i][k] as usize])
        };
        let first = package_value(&b.proposer_terms, proposer_base);
        let second = package_value(&b.opponent_terms, opponent_base);
        let accept = host_agents().enumerate().all(|(h, host)| {
            let Role::Host { soil } = &host.role else {
                return true;
            };
            let touches = soil.iter().any(|&i| {
                let k = layout.host_issues.iter().position(|&j| j == i);
                k.is_some_and(|k| allowed[i][positions[k]] != hosts.status_quo[i])
            });
            let (base, floor) = host_floors[h];
            !touches
                || (!hosts.withdrawn.contains(&hosts.hosts[h])
                    && ties::at_least(package_value(&b.host_terms[h], base).clamp(0.0, 1.0), floor))
        });
        let index: u32 = layout
            .host_issues
            .iter()
            .zip(positions)
            .map(|(&i, &k)| k as u32 * layout.strides[i])
            .sum();
        for f in &b.free {
            b.candidates.push(FrontierPoint {
                first: first + f.first,
                second: second + f.second,
                index: index + f.index,
                hosts_accept: accept,
            });
        }
        // Next combination, last host issue fastest.
        if !advance(&mut b.positions, |d| allowed[layout.host_issues[d]].len()) {
            break;
        }
    }
    sort_points(&mut b.candidates);
    sweep(&b.candidates, |p| p.hosts_accept, &mut b.proposer_frontier);
    sweep(&b.candidates, |_| true, &mut b.opponent_frontier);
}

/// Steps a mixed-radix counter (last digit fastest); false once it wraps to zero.
fn advance(digits: &mut [usize], radix: impl Fn(usize) -> usize) -> bool {
    for d in (0..digits.len()).rev() {
        digits[d] += 1;
        if digits[d] < radix(d) {
            return true;
        }
        digits[d] = 0;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use crate::model::frontier::FrontierPoint;
    use proptest::prelude::*;

    /// Frontiers by enumerating every package of the baseline space.
    fn brute_force(
        agents: &[Agent],
        space: &Subspace,
        status_quo: &[u32],
        threat: f64,
        leverage: f64,
    ) -> (Vec<FrontierPoint>, Vec<FrontierPoint>) {
        let (p, o) = (
            agents
                .iter()
                .position(|a| a.role == Role::Proposer)
                .unwrap(),
            agents
                .iter()
                .position(|a| a.role == Role::Opponent)
                .unwrap(),
        );
        let mut points: Vec<FrontierPoint> = (0..space.size())
            .map(|n| {
                let pkg = space.package(n);
                let hosts_accept = agents.iter().all(|h| match &h.role {
                    Role::Host { soil } => {
                        soil.iter().all(|&i| pkg[i] == status_quo[i])
                            || h.value_of(&pkg, threat, leverage).clamp(0.0, 1.0)
                                >= h.value_for_utility(h.reservation_at(leverage))
                    }
                    _ => true,
                });
                FrontierPoint {
                    first: agents[p].value_of(&pkg, threat, 0.5),
                    second: agents[o].value_of(&pkg, threat, 0.5),
                    index: n as u32,
                    hosts_accept,
                }
            })
            .collect();
        sort_points(&mut points);
        let (mut proposer, mut opponent) = (Vec::new(), Vec::new());
        sweep(&points, |q| q.hosts_accept, &mut proposer);
        sweep(&points, |_| true, &mut opponent);
        (proposer, opponent)
    }

    /// Both frontiers cover each other: every point of one is matched or
    /// dominated, within float rounding, by a point of the other. (Packages
    /// whose values tie exactly on paper can differ in the last bit depending
    /// on the order of additions, which decides which of them survives.)
    fn same(a: &[FrontierPoint], b: &[FrontierPoint]) -> bool {
        let covers = |x: &[FrontierPoint], y: &[FrontierPoint]| {
            x.iter().all(|p| {
                y.iter()
                    .any(|q| q.first >= p.first - 1e-12 && q.second >= p.second - 1e-12)
            })
        };
        covers(a, b) && covers(b, a)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        // The decomposed construction finds exactly the frontiers that full
        // enumeration finds, with and without a fixed START issue.
        #[test]
        fn frontiers_match_full_enumeration(
            threat in 0.0..1.0f64,
            leverage in 0.05..0.95f64,
            poland_reservation in 0.3..0.8f64,
            fix_start in any::<bool>(),
        ) {
            let (_, mut s) = config::parse(
                include_str!("../../configs/situation_2007.toml"),
                "configs/situation_2007.toml",
            ).unwrap();
            let poland = s.agents.iter().position(|a| a.name == "poland").unwrap();
            s.agents[poland].reservation = poland_reservation;
            let mut allowed = Subspace::full(&s.issues).allowed().to_vec();
            if fix_start {
                let start = s.protocol.start_issue.unwrap();
                allowed[start] = vec![1];
            }
            let space = Subspace::new(allowed);
            let layout = Layout::new(&space, &s.agents);
            let hosts: Vec<usize> = (0..s.agents.len()).filter(|&i| matches!(s.agents[i].role, Role::Host { .. })).collect();
            let mut buffers = OfferBuffers::default();
            build(
                &layout,
                &space,
                &s.agents[s.proposer()],
                &s.agents[s.opponent()],
                &HostTerms { agents: &s.agents, hosts: &hosts, status_quo: &s.protocol.status_quo, leverage, withdrawn: &[] },
                threat,
                &mut buffers,
            );
            let (proposer, opponent) = brute_force(&s.agents, &space, &s.protocol.status_quo, threat, leverage);
            prop_assert!(same(&buffers.proposer_frontier, &proposer));
            prop_assert!(same(&buffers.opponent_frontier, &opponent));
            prop_assert!(buffers.proposer_frontier.iter().all(|p| p.hosts_accept));
            for point in &buffers.opponent_frontier {
                let pkg = space.package(point.index as usize);
                prop_assert!((s.agents[s.proposer()].value_of(&pkg, threat, 0.5) - point.first).abs() < 1e-12);
            }
        }
    }
}
