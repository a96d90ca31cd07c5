//! The progress bar of a running calibration: generation, accepted
//! particles and simulations per second, on stderr when it is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::plan::CalibrationPlan;

/// A bar over a generation's particles, or a hidden one.
pub fn bar(quiet: bool, plan: &CalibrationPlan) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar =
        ProgressBar::with_draw_target(Some(plan.settings.particles), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("generation {prefix}  {bar:30} {pos}/{len} particles  {msg}")
            .expect("the template is valid"),
    );
    bar
}

/// Shows generation `index` with `accepted` particles after `simulations`
/// runs in `elapsed`.
pub fn update(bar: &ProgressBar, index: u32, accepted: u64, simulations: u64, elapsed: Duration) {
    bar.set_prefix(index.to_string());
    bar.set_position(accepted);
    let rate = simulations as f64 / elapsed.as_secs_f64().max(1e-9);
    bar.set_message(format!("{simulations} runs, {rate:.0} runs/s"));
}
