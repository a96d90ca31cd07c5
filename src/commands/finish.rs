//! What follows a complete study (a sweep, or merged shards) and new
//! sensitivity indices: the indices of a Morris or Sobol design, then the
//! figures. A shard of a study gets neither: they come with `merge`.

use std::fmt::Display;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::plot::{PlotOptions, plot};
use crate::commands::sensitivity::{self, SensitivityOptions};
use crate::error::Error;
use crate::plot::Format;
use crate::sweep::Shard;

/// Where a command's report lines go (the binary prints them to stdout).
pub type Print<'a> = dyn FnMut(&dyn Display) -> Result<(), String> + 'a;

/// Computes the sensitivity indices of a complete study whose design has
/// them (a failure is a warning: the study itself is whole), then draws its
/// figures unless `no_plots`. For a shard, says where they come from instead.
pub fn finish_study(
    dir: &Path,
    shard: Option<Shard>,
    no_plots: bool,
    interrupt: &AtomicBool,
    print: &mut Print,
) -> Result<(), Error> {
    if let Some(shard) = shard {
        return print(&format_args!(
            "shard {}/{}: sensitivity indices and figures come with `detente merge` of all shards",
            shard.index, shard.count
        ))
        .map_err(Error::Usage);
    }
    if sensitivity::has_sensitivity_design(dir) {
        match sensitivity::sensitivity(&SensitivityOptions {
            dir: dir.to_path_buf(),
            ..SensitivityOptions::default()
        }) {
            Ok(report) => print(&report).map_err(Error::Usage)?,
            Err(e) => {
                // Nowhere to complain if stderr is closed too.
                let _ = writeln!(std::io::stderr(), "detente: no sensitivity indices: {e}");
            }
        }
    }
    if !no_plots {
        draw(dir, interrupt, print)?;
    }
    Ok(())
}

/// `detente sensitivity`: computes and writes the indices, then redraws the
/// study's figures (they show the indices) unless told not to.
pub fn sensitivity_and_figures(
    options: &SensitivityOptions,
    plots: bool,
    interrupt: &AtomicBool,
    print: &mut Print,
) -> Result<(), Error> {
    let report = sensitivity::sensitivity(options)?;
    print(&report).map_err(Error::Usage)?;
    if plots {
        draw(&options.dir, interrupt, print)?;
    }
    Ok(())
}

/// Draws every figure of a whole study into its default folder.
fn draw(dir: &Path, interrupt: &AtomicBool, print: &mut Print) -> Result<(), Error> {
    let options = PlotOptions {
        out: None,
        dir: dir.to_path_buf(),
        format: Format::Both,
        metric: None,
        allow_incomplete: false,
    };
    let report = plot(&options, interrupt)?;
    print(&report).map_err(Error::Usage)
}
