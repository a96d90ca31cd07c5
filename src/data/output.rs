//! Output directories that appear whole or not at all, and that replace only
//! what detente itself wrote.
//!
//! Files are written into a hidden staging directory beside the target and
//! moved into place only when everything has been written; on any error the
//! staging directory is removed, so a failed command leaves no output behind.
//! `--force` replaces a directory only when its manifest says detente wrote
//! it and it holds nothing else; the old directory is first moved aside in
//! one rename, so it is never seen half-deleted.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use crate::data::manifest;
use crate::data::schema::file;
use crate::engine::interrupt::RemoveOnExit;
use crate::error::Error;

/// Files detente may add to a directory beyond those its manifest lists.
const EXTRA_FILES: [&str; 3] = [
    file::SENSITIVITY,
    ".manifest.json.tmp",
    ".sensitivity.csv.tmp",
];

/// A staging directory that becomes `target` on [`Staging::commit`].
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
    /// Removes the staging directory if a second Ctrl-C exits at once.
    _on_exit: RemoveOnExit,
}

impl Staging {
    /// Refuses an existing, non-empty `target` unless `force` and detente
    /// owns it (see [`check_replaceable`]); creates the staging directory.
    pub fn new(target: &Path, force: bool, protected: &[&Path]) -> Result<Staging, Error> {
        let name = directory_name(target)?.to_string_lossy().into_owned();
        if target.exists() {
            if force {
                check_replaceable(target, protected)?;
            } else if !is_empty_dir(target)? {
                return Err(Error::OutputExists(target.to_path_buf()));
            }
        }
        let parent = parent_of(target);
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let dir = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            target: target.to_path_buf(),
            _on_exit: RemoveOnExit::register(&dir),
            dir,
            committed: false,
        })
    }

    /// The staging directory itself.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Path of a file inside the staging directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Moves the finished directory into place. An old directory there is
    /// first moved aside (one rename), then removed.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        let aside = if self.target.exists() {
            Some(move_aside(&self.target)?)
        } else {
            None
        };
        fs::rename(&self.dir, &self.target).map_err(|e| Error::io(&self.target, e))?;
        self.committed = true;
        if let Some(old) = aside {
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The last component of an output directory, refusing `.`, `..` and `/`,
/// which name no directory of their own.
pub fn directory_name(target: &Path) -> Result<&OsStr, Error> {
    target.file_name().ok_or_else(|| {
        Error::Usage(format!(
            "`{}` cannot be an output directory: detente writes each study into a directory of its own; give --out a new directory name, e.g. --out runs/my-study",
            target.display()
        ))
    })
}

/// The directory that holds `target`.
pub fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// How an output directory of a resumable command opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// Created (or emptied with `--force`): start from nothing.
    Fresh,
    /// `--resume` on a directory with something in it: continue it.
    Resume,
}

/// Opens `out` for a command whose work can be resumed (`what`, e.g. "a
/// calibration"): a non-empty directory is replaced with `force` (when
/// detente wrote it and it does not hold `config`), continued with `resume`,
/// or refused; `resume` on nothing is refused; a fresh directory is created.
pub fn open_resumable(
    out: &Path,
    config: &Path,
    force: bool,
    resume: bool,
    what: &str,
) -> Result<Opening, Error> {
    if out.exists() && !is_empty_dir(out)? {
        if force {
            check_replaceable(out, &[config])?;
            remove_replaceable(out)?;
        } else if resume {
            return Ok(Opening::Resume);
        } else {
            return Err(Error::OutputExists(out.to_path_buf()));
        }
    } else if resume {
        return Err(Error::Usage(format!(
            "{}: nothing to resume (no {what} there); run without --resume",
            out.display()
        )));
    }
    fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    Ok(Opening::Fresh)
}

/// Whether `dir` is a directory with nothing in it.
pub fn is_empty_dir(dir: &Path) -> Result<bool, Error> {
    if !dir.is_dir() {
        return Ok(false);
    }
    Ok(fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .next()
        .is_none())
}

/// Checks that `--force` may replace `target`: it is empty, or detente wrote
/// it (its manifest says so) and it holds nothing but the files detente
/// wrote; it is not the current directory or one that contains it, and it
/// holds none of the `protected` paths (the config being run).
pub fn check_replaceable(target: &Path, protected: &[&Path]) -> Result<(), Error> {
    let refuse = |why: String| {
        Err(Error::Usage(format!(
            "refusing to replace {}: {why}",
            target.display()
        )))
    };
    directory_name(target)?;
    let full = target.canonicalize().map_err(|e| Error::io(target, e))?;
    if let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize())
        && cwd.starts_with(&full)
    {
        return refuse(
            "it is the current directory or contains it; give --out a new directory name".into(),
        );
    }
    for path in protected {
        if let Ok(p) = path.canonicalize()
            && p.starts_with(&full)
        {
            return refuse(format!(
                "it holds {}, the config being run; give --out a new directory name",
                path.display()
            ));
        }
    }
    if !full.is_dir() {
        return refuse("it is not a directory; remove it yourself or choose another --out".into());
    }
    if is_empty_dir(&full)? {
        return Ok(());
    }
    let listed = manifest::listed_files(&full);
    let Some(listed) = listed else {
        return refuse(
            "it has no detente manifest, so it may hold files of your own; remove it yourself or choose another --out".into(),
        );
    };
    let mut foreign = Vec::new();
    for entry in fs::read_dir(&full).map_err(|e| Error::io(&full, e))? {
        let entry = entry.map_err(|e| Error::io(&full, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let ours = listed.contains(&name) || EXTRA_FILES.contains(&name.as_str());
        if !(is_file && ours) {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        let more = if foreign.len() > 3 { ", ..." } else { "" };
        foreign.truncate(3);
        return refuse(format!(
            "it holds {}{more}, which detente did not write; move that out or choose another --out",
            foreign.join(", ")
        ));
    }
    Ok(())
}

/// Renames `target` to a hidden name beside it and returns that name.
fn move_aside(target: &Path) -> Result<PathBuf, Error> {
    let name = directory_name(target)?.to_string_lossy().into_owned();
    let aside = parent_of(target).join(format!(".{name}.replaced-{}", std::process::id()));
    if aside.exists() {
        fs::remove_dir_all(&aside).map_err(|e| Error::io(&aside, e))?;
    }
    fs::rename(target, &aside).map_err(|e| Error::io(target, e))?;
    Ok(aside)
}

/// Replaces a directory `--force` may replace (checked by the caller) by
/// nothing: it is moved aside in one rename, then removed.
pub fn remove_replaceable(target: &Path) -> Result<(), Error> {
    let aside = move_aside(target)?;
    fs::remove_dir_all(&aside).map_err(|e| Error::io(&aside, e))
}
