//! The progress bar of a running sweep: on stderr, only when it is a
//! terminal and the user did not ask for quiet.

use std::fmt::Write;
use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A bar over `total` runs, or a hidden one.
pub fn bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {human_pos}/{human_len} runs  {rate}  {elapsed_precise} elapsed, ~{eta} left",
        )
        .expect("the template is valid")
        .with_key("rate", |state: &ProgressState, w: &mut dyn Write| {
            let _ = write!(w, "{:.0} runs/s", state.per_sec());
        }),
    );
    bar
}
