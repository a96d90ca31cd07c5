//! A calibration directory's files: opened fresh or read back at its last
//! finished generation, rewritten after each generation, and finished with
//! the posterior and the predictive check.

use std::fs;
use std::path::Path;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use super::{CalibrateOptions, PosteriorRow};
use crate::calibrate::plan::CalibrationPlan;
use crate::calibrate::smc::{self, Generation, Marginal, Particle, Simulator};
use crate::data::manifest::{self, CalibrationManifest};
use crate::data::output::{Opening, open_resumable};
use crate::data::row::push_row;
use crate::data::schema::{self, file};
use crate::data::table::Table;
use crate::engine::seed::calibration_seed;
use crate::error::Error;

/// Prepares the directory: a fresh one (refusing or, with `--force`,
/// replacing an existing one detente wrote), or the finished generations of
/// an interrupted calibration of the same config and seed.
pub(super) fn open(
    out: &Path,
    options: &CalibrateOptions,
    plan: &CalibrationPlan,
    record: &mut CalibrationManifest,
) -> Result<Vec<Generation>, Error> {
    let opening = open_resumable(
        out,
        &options.config,
        options.force,
        options.resume,
        "calibration",
    )?;
    if opening == Opening::Resume {
        return resume(out, plan, record);
    }
    write_file(out, file::CONFIG, plan.text.as_bytes(), 0, record)?;
    manifest::write(out, record)?;
    Ok(Vec::new())
}

/// Reads back the finished generations of an interrupted calibration.
pub(super) fn read_back(
    out: &Path,
    plan: &CalibrationPlan,
    record: &CalibrationManifest,
) -> Result<(CalibrationManifest, Vec<Generation>), Error> {
    let path = out.join(file::MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let old: CalibrationManifest = serde_json::from_str(&text).map_err(|_| {
        Error::Usage(format!(
            "{}: not a calibration's manifest; --resume continues a `detente calibrate` directory",
            path.display()
        ))
    })?;
    if old.config_sha256 != record.config_sha256 || old.seed != record.seed {
        return Err(Error::Usage(format!(
            "{} holds a calibration of another config or seed; continuing it needs the same ones (or pass --force to start over)",
            out.display()
        )));
    }
    // Read whole, not verified: a kill may have left files a generation
    // ahead of the manifest, and only the rows it vouches for are kept.
    let read = |name: &str| Table::from_path(&out.join(name)).map(|t| t.rows);
    let damaged = |what: &str| {
        Error::Usage(format!(
            "{}: {what} does not match the manifest ({} finished generations); pass --force to start over",
            out.display(),
            old.generations_done
        ))
    };
    let finished = old.generations_done as usize;
    let (generations, particles) = if finished == 0 {
        (Vec::new(), Vec::new())
    } else {
        (read(file::GENERATIONS)?, read(file::PARTICLES)?)
    };
    if generations.len() < finished {
        return Err(damaged(file::GENERATIONS));
    }
    let (k, t) = (plan.parameters.len(), plan.targets.len());
    let number = |s: &str| s.parse::<f64>().map_err(|_| damaged(file::PARTICLES));
    let mut done: Vec<Generation> = Vec::new();
    for row in generations.iter().take(finished) {
        let field = |i: usize| row.get(i).ok_or_else(|| damaged(file::GENERATIONS));
        done.push(Generation {
            index: field(0)?.parse().map_err(|_| damaged(file::GENERATIONS))?,
            tolerance: field(1)?.parse().map_err(|_| damaged(file::GENERATIONS))?,
            candidates: field(2)?.parse().map_err(|_| damaged(file::GENERATIONS))?,
            simulations: field(6)?.parse().map_err(|_| damaged(file::GENERATIONS))?,
            particles: Vec::new(),
        });
    }
    for row in &particles {
        if row.len() != 4 + k + t {
            return Err(damaged(file::PARTICLES));
        }
        let g: usize = row[0].parse().map_err(|_| damaged(file::PARTICLES))?;
        if g >= finished {
            continue; // written after the manifest's last generation
        }
        let theta = (0..k)
            .map(|j| {
                plan.coordinate(j, &row[3 + j])
                    .ok_or_else(|| damaged(file::PARTICLES))
            })
            .collect::<Result<Vec<f64>, Error>>()?;
        done[g].particles.push(Particle {
            theta,
            weight: number(&row[2])?,
            distance: number(&row[3 + k])?,
            statistics: row[4 + k..]
                .iter()
                .map(|s| s.parse().unwrap_or(f64::NAN))
                .collect(),
        });
    }
    if done
        .iter()
        .any(|g| g.particles.len() as u64 != plan.settings.particles)
    {
        return Err(damaged(file::PARTICLES));
    }
    Ok((old, done))
}

/// Continues the calibration in `out`: its finished generations, rewritten
/// without anything a kill left after them.
pub(super) fn resume(
    out: &Path,
    plan: &CalibrationPlan,
    record: &mut CalibrationManifest,
) -> Result<Vec<Generation>, Error> {
    let (old, done) = read_back(out, plan, record)?;
    if old.complete {
        return Err(Error::Usage(format!(
            "{} holds a finished calibration; pass --force to redo it or --out to write elsewhere",
            out.display()
        )));
    }
    record.started_at = old.started_at;
    write_generations(out, plan, &done, record)?;
    Ok(done)
}

/// Rewrites particles.csv and generations.csv for the finished generations,
/// then the manifest (each file replaced atomically).
pub(super) fn write_generations(
    out: &Path,
    plan: &CalibrationPlan,
    done: &[Generation],
    record: &mut CalibrationManifest,
) -> Result<(), Error> {
    let names: Vec<String> = plan.parameters.iter().map(|p| p.name.clone()).collect();
    let targets: Vec<String> = plan.targets.iter().map(|t| t.name.clone()).collect();
    let mut particles = Vec::new();
    push_row(&mut particles, schema::particles_header(&names, &targets));
    let mut rows = 0;
    for g in done {
        for (i, p) in g.particles.iter().enumerate() {
            let mut row = vec![g.index.to_string(), i.to_string(), p.weight.to_string()];
            row.extend(p.theta.iter().enumerate().map(|(k, &z)| plan.label(k, z)));
            row.push(p.distance.to_string());
            row.extend(p.statistics.iter().map(|s| number(*s)));
            push_row(&mut particles, row);
            rows += 1;
        }
    }
    let mut generations = Vec::new();
    push_row(&mut generations, schema::GENERATIONS_HEADER);
    for g in done {
        push_row(
            &mut generations,
            [
                g.index.to_string(),
                g.tolerance.to_string(),
                g.candidates.to_string(),
                g.particles.len().to_string(),
                g.acceptance_rate().to_string(),
                g.ess().to_string(),
                g.simulations.to_string(),
            ],
        );
    }
    record.digests.retain(|d| d.name == file::CONFIG);
    write_file(out, file::PARTICLES, &particles, rows, record)?;
    write_file(
        out,
        file::GENERATIONS,
        &generations,
        done.len() as u64,
        record,
    )?;
    record.generations_done = done.len() as u32;
    record.simulations = done.last().map_or(0, |g| g.simulations);
    finish_manifest(out, record, &[])
}

pub(super) fn number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

/// Writes `out/name` atomically and records its digest.
pub(super) fn write_file(
    out: &Path,
    name: &str,
    bytes: &[u8],
    rows: u64,
    record: &mut CalibrationManifest,
) -> Result<(), Error> {
    let digest = write_file_digest(out, name, bytes, rows)?;
    record.digests.retain(|d| d.name != name);
    record.digests.push(digest);
    Ok(())
}

pub(super) use crate::data::digest::write_whole as write_file_digest;

/// Writes the manifest listing the files with digests, then `figures`.
pub(super) fn finish_manifest(
    out: &Path,
    record: &mut CalibrationManifest,
    figures: &[String],
) -> Result<(), Error> {
    record.files = record.digests.iter().map(|d| d.name.clone()).collect();
    record.files.extend(figures.iter().cloned());
    record.files.push(file::MANIFEST.into());
    manifest::write(out, record)
}

/// Every parameter's weighted posterior summary from the last generation.
pub(super) fn posterior(plan: &CalibrationPlan, last: &Generation) -> Vec<PosteriorRow> {
    let weights: Vec<f64> = last.particles.iter().map(|p| p.weight).collect();
    plan.parameters
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let coordinates: Vec<f64> = last.particles.iter().map(|q| q.theta[k]).collect();
            let Marginal { quantiles, .. } = smc::marginal(&coordinates, &weights);
            let numbers: Vec<f64> = coordinates.iter().map(|&z| plan.number(k, z)).collect();
            let m = smc::marginal(&numbers, &weights);
            PosteriorRow {
                parameter: p.name.clone(),
                prior: p.prior.describe(&p.values),
                moments: plan.numeric(k).then_some((m.mean, m.sd)),
                quantiles: quantiles.map(|z| plan.label(k, z)),
            }
        })
        .collect()
}

pub(super) fn write_posterior(
    out: &Path,
    rows: &[PosteriorRow],
    record: &mut CalibrationManifest,
) -> Result<(), Error> {
    let mut bytes = Vec::new();
    push_row(&mut bytes, schema::POSTERIOR_HEADER);
    for r in rows {
        let (mean, sd) = r.moments.map_or((String::new(), String::new()), |(m, s)| {
            (m.to_string(), s.to_string())
        });
        push_row(
            &mut bytes,
            [
                r.parameter.clone(),
                r.prior.clone(),
                mean,
                sd,
                r.quantiles[0].clone(),
                r.quantiles[1].clone(),
                r.quantiles[2].clone(),
            ],
        );
    }
    write_file(out, file::POSTERIOR, &bytes, rows.len() as u64, record)
}

/// Draws per posterior predictive check: as many as particles.
///
/// Draw i picks a particle of the last generation by weight (from its own
/// seeded stream) and simulates it afresh, so the check shows what the
/// posterior predicts rather than the runs that passed the tolerance.
pub(super) fn predictive(
    plan: &CalibrationPlan,
    last: &Generation,
    pool: &rayon::ThreadPool,
) -> Result<Vec<(usize, Vec<f64>)>, Error> {
    let cumulative: Vec<f64> = last
        .particles
        .iter()
        .scan(0.0, |sum, p| {
            *sum += p.weight;
            Some(*sum)
        })
        .collect();
    let total = cumulative[cumulative.len() - 1];
    pool.install(|| {
        (0..plan.settings.particles)
            .into_par_iter()
            .map(|i| {
                let mut rng =
                    ChaCha8Rng::seed_from_u64(calibration_seed(plan.settings.seed, u32::MAX, i));
                let u = rng.random::<f64>() * total;
                let j = cumulative
                    .partition_point(|&c| c < u)
                    .min(last.particles.len() - 1);
                let statistics = plan.statistics(&last.particles[j].theta, rng.random())?;
                Ok((j, statistics))
            })
            .collect()
    })
}

pub(super) fn write_predictive(
    out: &Path,
    plan: &CalibrationPlan,
    draws: &[(usize, Vec<f64>)],
    record: &mut CalibrationManifest,
) -> Result<(), Error> {
    let targets: Vec<String> = plan.targets.iter().map(|t| t.name.clone()).collect();
    let mut bytes = Vec::new();
    push_row(&mut bytes, schema::predictive_header(&targets));
    for (i, (j, statistics)) in draws.iter().enumerate() {
        push_row(
            &mut bytes,
            [i.to_string(), j.to_string()]
                .into_iter()
                .chain(statistics.iter().map(|&s| number(s))),
        );
    }
    write_file(out, file::PREDICTIVE, &bytes, draws.len() as u64, record)
}
