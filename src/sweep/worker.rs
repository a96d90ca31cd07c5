//! The workers of a sweep: each runs one design point's replicates with the
//! point's model, built once per point and shared, and formats the rows the
//! single writer appends.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::data::row::push_row;
use crate::data::runs::{push_trace, run_fields};
use crate::engine::{self, RunRecord};
use crate::model::{Model, Scratch};
use crate::sweep::SweepPlan;

/// Models of the design points being run, shared by the workers: rayon
/// splits a chunk into many small jobs, and building a point's model (apply
/// the parameters, validate, prepare) once per point rather than once per
/// job keeps that cost out of the parallel section.
pub struct Models<'a> {
    plan: &'a SweepPlan,
    recent: Mutex<VecDeque<(u64, Arc<Model>)>>,
}

impl<'a> Models<'a> {
    pub fn new(plan: &'a SweepPlan) -> Models<'a> {
        Models {
            plan,
            recent: Mutex::new(VecDeque::new()),
        }
    }

    /// Points kept: those a chunk spans when replications are few.
    const KEEP: usize = 64;

    fn get(&self, point: u64) -> Arc<Model> {
        let lock = || {
            self.recent
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some((_, model)) = lock().iter().find(|(p, _)| *p == point) {
            return Arc::clone(model);
        }
        let scenario = self
            .plan
            .scenario(point)
            .expect("validated: every design point gives a valid scenario");
        let model = Arc::new(Model::new(scenario));
        let mut recent = lock();
        if recent.len() == Self::KEEP {
            recent.pop_front();
        }
        recent.push_back((point, Arc::clone(&model)));
        model
    }
}

/// Per-thread state: buffers, the current point's model and parameter labels.
#[derive(Default)]
pub struct Worker {
    scratch: Scratch,
    model: Option<(u64, Arc<Model>, Vec<String>)>,
    fields: Vec<String>,
}

impl Worker {
    /// Runs global run `run` and formats its `runs.csv` row.
    pub fn run(&mut self, models: &Models, run: u64) -> Done {
        let plan = models.plan;
        let (point, replicate) = (run / plan.replications, run % plan.replications);
        if self.model.as_ref().is_none_or(|(p, _, _)| *p != point) {
            self.model = Some((point, models.get(point), plan.labels(point)));
        }
        let (_, model, labels) = self.model.as_ref().expect("set just above");
        let seed = plan.run_seed(point, replicate);
        let scratch = &mut self.scratch;
        // Replicate 0 of every point is traced: rounds.csv shows how a typical
        // negotiation at each design point unfolded.
        let traced = replicate == 0;
        let record = engine::guarded(run, seed, |offers| {
            model.simulate(seed, scratch, traced.then_some(offers))
        });
        self.fields.clear();
        run_fields(model.scenario(), &record, &mut self.fields);
        let (ids, rest) = self.fields.split_at(2);
        let head = [point.to_string(), replicate.to_string()];
        let mut row = Vec::with_capacity(256);
        push_row(&mut row, head.iter().chain(ids).chain(labels).chain(rest));
        let mut trace = Vec::new();
        push_trace(model.scenario(), &record, &mut trace);
        Done {
            point,
            record,
            row,
            trace,
        }
    }
}

/// A finished run with its formatted rows.
pub struct Done {
    pub point: u64,
    pub record: RunRecord,
    /// Its `runs.csv` row.
    pub row: Vec<u8>,
    /// Its `rounds.csv` rows (replicate 0 only).
    pub trace: Vec<u8>,
}
