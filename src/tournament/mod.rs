//! Strategy tournaments: every proposer entry meets every opponent entry on
//! every scenario, replicate r of every pairing running with the same seed
//! (so pairings are compared on the same environments), and the entries are
//! ranked by the mean utility they earn.

use std::path::{Path, PathBuf};

use crate::config::raw::{RawConfig, RawEntry};
use crate::config::validate::validate;
use crate::config::{self, ConfigError, LoadedConfig, overrides};
use crate::data::summary::wilson;
use crate::engine::seed::run_seed;
use crate::error::Error;
use crate::model::{Model, Outcome, RunResult, Scenario, Scratch};

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// A checked entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub strategy: toml::Value,
    /// The entry's opponent model; `None` keeps the scenario's.
    pub opponent_model: Option<toml::Value>,
}

impl Entry {
    /// The settings that make agent `agent` play this entry.
    fn settings(&self, agent: &str) -> Vec<(String, toml::Value)> {
        let mut settings = vec![(format!("agents.{agent}.strategy"), self.strategy.clone())];
        if let Some(m) = &self.opponent_model {
            settings.push((format!("agents.{agent}.opponent_model"), m.clone()));
        }
        settings
    }
}

/// A scenario the entries meet on: its name and its config document.
#[derive(Debug, Clone)]
pub struct Arena {
    pub name: String,
    doc: toml::Table,
    file: String,
    proposer: String,
    opponent: String,
}

/// A checked tournament.
#[derive(Debug, Clone)]
pub struct TournamentPlan {
    pub text: String,
    pub proposers: Vec<Entry>,
    pub opponents: Vec<Entry>,
    pub arenas: Vec<Arena>,
    pub replicates: u64,
    pub seed: u64,
}

/// One pairing on one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pairing {
    pub arena: usize,
    pub proposer: usize,
    pub opponent: usize,
}

impl TournamentPlan {
    /// Checks the `[tournament]` table of `loaded` (read from `path`).
    pub fn new(
        loaded: &LoadedConfig,
        path: &Path,
        replicates: Option<u64>,
        seed: Option<u64>,
    ) -> Result<TournamentPlan, Error> {
        let file = path.display().to_string();
        let Some(raw) = loaded.raw.tournament.clone() else {
            return Err(ConfigError::Invalid {
                file,
                key: "tournament".into(),
                location: None,
                message: "is missing: `detente tournament` needs a [tournament] table with proposers and opponents (see README, Tournaments)".into(),
            }
            .into());
        };
        let fail = |key: &str, message: String| Error::from(loaded.invalid(key, message));
        let replicates = replicates
            .or(raw.replicates)
            .unwrap_or(loaded.scenario.replications);
        if replicates == 0 {
            return Err(fail(
                "tournament.replicates",
                "must be at least 1 (got 0)".into(),
            ));
        }
        let mut arenas = Vec::new();
        if raw.scenarios.is_empty() {
            arenas.push(arena(&loaded.text, &loaded.scenario, &file));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        for (i, name) in raw.scenarios.iter().enumerate() {
            let scenario_path: PathBuf = base.join(name);
            let other = config::load(&scenario_path).map_err(|e| {
                fail(
                    &format!("tournament.scenarios[{i}]"),
                    format!("`{name}` cannot be used: {e}"),
                )
            })?;
            arenas.push(arena(
                &other.text,
                &other.scenario,
                &scenario_path.display().to_string(),
            ));
        }
        let mut plan = TournamentPlan {
            text: loaded.text.clone(),
            proposers: Vec::new(),
            opponents: Vec::new(),
            arenas,
            replicates,
            seed: seed.unwrap_or(loaded.scenario.seed),
        };
        for (role, entries) in [("proposers", &raw.proposers), ("opponents", &raw.opponents)] {
            if entries.is_empty() {
                return Err(fail(
                    "tournament",
                    format!("has no {role}; add [[tournament.{role}]] with a name and a strategy"),
                ));
            }
            let checked = entries
                .iter()
                .enumerate()
                .map(|(i, e)| plan.entry(e, role, i, entries, &fail))
                .collect::<Result<Vec<Entry>, Error>>()?;
            match role {
                "proposers" => plan.proposers = checked,
                _ => plan.opponents = checked,
            }
        }
        Ok(plan)
    }

    fn entry(
        &self,
        e: &RawEntry,
        role: &str,
        i: usize,
        all: &[RawEntry],
        fail: &dyn Fn(&str, String) -> Error,
    ) -> Result<Entry, Error> {
        let key = format!("tournament.{role}[{i}]");
        let name = e.name.trim().to_string();
        if name.is_empty() || all[..i].iter().any(|o| o.name.trim() == name) {
            return Err(fail(
                &format!("{key}.name"),
                format!("`{name}` is empty or taken; give each {role} entry its own name"),
            ));
        }
        let entry = Entry {
            name,
            strategy: toml::Value::try_from(&e.strategy).expect("a strategy serialises"),
            opponent_model: e
                .opponent_model
                .as_ref()
                .map(|m| toml::Value::try_from(m).expect("an opponent model serialises")),
        };
        for arena in &self.arenas {
            let agent = if role == "proposers" {
                &arena.proposer
            } else {
                &arena.opponent
            };
            let settings = entry.settings(agent);
            for (k, setting) in settings.iter().enumerate() {
                arena.scenario(&settings[..=k]).map_err(|m| {
                    let field = setting.0.rsplit('.').next().unwrap_or("strategy");
                    fail(
                        &format!("{key}.{field}"),
                        format!("is invalid in {}: {m}", arena.name),
                    )
                })?;
            }
        }
        Ok(entry)
    }

    /// Every pairing, scenario by scenario, proposer by proposer.
    pub fn pairings(&self) -> Vec<Pairing> {
        let mut all = Vec::new();
        for arena in 0..self.arenas.len() {
            for proposer in 0..self.proposers.len() {
                for opponent in 0..self.opponents.len() {
                    all.push(Pairing {
                        arena,
                        proposer,
                        opponent,
                    });
                }
            }
        }
        all
    }

    /// The prepared model of a pairing.
    pub fn model(&self, p: Pairing) -> Result<Model, Error> {
        let arena = &self.arenas[p.arena];
        let mut settings = self.proposers[p.proposer].settings(&arena.proposer);
        settings.extend(self.opponents[p.opponent].settings(&arena.opponent));
        let scenario = arena
            .scenario(&settings)
            .map_err(|m| Error::Usage(format!("{}: {m}", arena.file)))?;
        Ok(Model::new(scenario))
    }

    /// The seed of replicate `r` on scenario `arena`, the same in every pairing.
    pub fn seed_of(&self, arena: usize, r: u64) -> u64 {
        run_seed(self.seed, arena as u64, r)
    }
}

fn arena(text: &str, scenario: &Scenario, file: &str) -> Arena {
    Arena {
        name: scenario.name.clone(),
        doc: text.parse().expect("the config parsed once already"),
        file: file.to_string(),
        proposer: scenario.agents[scenario.proposer()].name.clone(),
        opponent: scenario.agents[scenario.opponent()].name.clone(),
    }
}

impl Arena {
    fn scenario(&self, settings: &[(String, toml::Value)]) -> Result<Scenario, String> {
        let mut doc = self.doc.clone();
        for (path, value) in settings {
            overrides::set(&mut doc, path, value.clone())?;
        }
        let raw: RawConfig = toml::Value::Table(doc)
            .try_into()
            .map_err(|e: toml::de::Error| e.message().trim().to_string())?;
        validate(&raw, &self.file, None).map_err(|e| match e {
            ConfigError::Invalid { key, message, .. } => format!("{key} {message}"),
            other => other.to_string(),
        })
    }
}

/// Running totals of one pairing (Welford for the means and variances).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub runs: u64,
    pub agreements: u64,
    pub rounds: f64,
    /// Proposer's and opponent's utility: mean and sum of squared deviations.
    pub utility: [(f64, f64); 2],
    pub welfare: f64,
    pub frontier_distance: f64,
    pub nash_share: (f64, u64),
}

impl Totals {
    pub fn add(&mut self, model: &Model, r: &RunResult) {
        let scenario = model.scenario();
        self.runs += 1;
        let n = self.runs as f64;
        if r.outcome == Outcome::Agreement {
            self.agreements += 1;
        }
        self.rounds += f64::from(r.rounds);
        for (slot, agent) in [scenario.proposer(), scenario.opponent()]
            .into_iter()
            .enumerate()
        {
            let u = r.utilities[agent];
            let (mean, m2) = &mut self.utility[slot];
            let delta = u - *mean;
            *mean += delta / n;
            *m2 += delta * (u - *mean);
        }
        self.welfare += r.utilities.iter().sum::<f64>();
        self.frontier_distance += r.efficiency.frontier_distance;
        if let Some(s) = r.efficiency.nash_share {
            self.nash_share.0 += s;
            self.nash_share.1 += 1;
        }
    }

    pub fn sd(&self, slot: usize) -> f64 {
        if self.runs < 2 {
            f64::NAN
        } else {
            (self.utility[slot].1 / (self.runs - 1) as f64).sqrt()
        }
    }

    /// The fields of matches.csv after the pairing's names.
    pub fn fields(&self) -> Vec<String> {
        let n = self.runs as f64;
        let (low, high) = wilson(self.agreements, self.runs).unwrap_or((f64::NAN, f64::NAN));
        let interval = |slot: usize| {
            let half = Z95 * self.sd(slot) / n.sqrt();
            [self.utility[slot].0 - half, self.utility[slot].0 + half]
        };
        let [pl, ph] = interval(0);
        let [ol, oh] = interval(1);
        [
            self.runs as f64,
            self.agreements as f64 / n,
            low,
            high,
            self.utility[0].0,
            self.sd(0),
            pl,
            ph,
            self.utility[1].0,
            self.sd(1),
            ol,
            oh,
            self.rounds / n,
            self.welfare / n,
            self.frontier_distance / n,
            if self.nash_share.1 == 0 {
                f64::NAN
            } else {
                self.nash_share.0 / self.nash_share.1 as f64
            },
        ]
        .iter()
        .map(|x| {
            if x.is_nan() {
                String::new()
            } else {
                x.to_string()
            }
        })
        .collect()
    }
}

/// Runs of one pairing, in replicate order, folded into its totals.
pub fn play(plan: &TournamentPlan, p: Pairing, pool: &rayon::ThreadPool) -> Result<Totals, Error> {
    use rayon::prelude::*;
    let model = plan.model(p)?;
    let results: Vec<RunResult> = pool.install(|| {
        (0..plan.replicates)
            .into_par_iter()
            .map_init(Scratch::default, |scratch, r| {
                model.simulate(plan.seed_of(p.arena, r), scratch, None)
            })
            .collect()
    });
    let mut totals = Totals::default();
    for r in &results {
        totals.add(&model, r);
    }
    Ok(totals)
}

/// One entry's standing in its role.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub entry: String,
    pub mean: f64,
    pub sd: f64,
    pub runs: u64,
    pub low: f64,
    pub high: f64,
    pub rank: usize,
    /// Entries of one group have overlapping 95 % intervals with the
    /// group's best: their order is not established.
    pub group: usize,
}

/// Ranks the entries of one role from each pairing's (entry, runs, mean,
/// sd): pooled mean and sd over all their runs, a normal 95 % interval, rank
/// by mean (ties by name), and groups of entries whose intervals overlap the
/// interval of their group's first (best) entry.
pub fn rank(names: &[String], results: &[(usize, u64, f64, f64)]) -> Vec<Standing> {
    let mut standings: Vec<Standing> = names
        .iter()
        .enumerate()
        .map(|(e, name)| {
            let mine: Vec<&(usize, u64, f64, f64)> = results.iter().filter(|r| r.0 == e).collect();
            let runs: u64 = mine.iter().map(|r| r.1).sum();
            let total = runs as f64;
            let mean = mine.iter().map(|r| r.1 as f64 * r.2).sum::<f64>() / total;
            // Within-pairing and between-pairing squares.
            let squares: f64 = mine
                .iter()
                .map(|r| {
                    let within = if r.3.is_finite() {
                        r.3 * r.3 * (r.1 as f64 - 1.0)
                    } else {
                        0.0
                    };
                    within + r.1 as f64 * (r.2 - mean).powi(2)
                })
                .sum();
            let sd = if runs > 1 {
                (squares / (total - 1.0)).sqrt()
            } else {
                f64::NAN
            };
            let half = Z95 * sd / total.sqrt();
            Standing {
                entry: name.clone(),
                mean,
                sd,
                runs,
                low: mean - half,
                high: mean + half,
                rank: 0,
                group: 0,
            }
        })
        .collect();
    standings.sort_by(|a, b| b.mean.total_cmp(&a.mean).then(a.entry.cmp(&b.entry)));
    let mut group = 0;
    let mut best_low = f64::INFINITY;
    for (i, s) in standings.iter_mut().enumerate() {
        s.rank = i + 1;
        if i == 0 || s.high < best_low {
            group += 1;
            best_low = s.low;
        }
        s.group = group;
    }
    standings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_means_and_groups() {
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        // a: two pairings of 100 runs, means 0.5 and 0.7, sd 0.1 each.
        let results = [
            (0, 100, 0.5, 0.1),
            (0, 100, 0.7, 0.1),
            (1, 200, 0.59, 0.1),
            (2, 200, 0.2, 0.1),
        ];
        let s = rank(&names, &results);
        assert_eq!(s[0].entry, "a");
        assert!((s[0].mean - 0.6).abs() < 1e-12);
        // Pooled variance: (2·99·0.01 + 200·0.01) / 199.
        let sd = ((2.0 * 99.0 * 0.01 + 200.0 * 0.01) / 199.0f64).sqrt();
        assert!((s[0].sd - sd).abs() < 1e-12);
        // b overlaps a; c is far below both.
        assert_eq!((s[1].entry.as_str(), s[1].group), ("b", 1));
        assert_eq!((s[2].entry.as_str(), s[2].group, s[2].rank), ("c", 2, 3));
    }
}
