//! Output directories that appear whole or not at all.
//!
//! Files are written into a hidden staging directory beside the target and
//! moved into place only when everything has been written; on any error the
//! staging directory is removed, so a failed command leaves no output behind.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A staging directory that becomes `target` on [`Staging::commit`].
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Refuses an existing `target` unless `force`; creates the staging directory.
    pub fn new(target: &Path, force: bool) -> Result<Staging, Error> {
        if target.exists() && !force {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| Error::BadOutput(target.to_path_buf()))?
            .to_string_lossy();
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let dir = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            target: target.to_path_buf(),
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

    /// Moves the finished directory into place, replacing an old one.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        if self.target.exists() {
            fs::remove_dir_all(&self.target).map_err(|e| Error::io(&self.target, e))?;
        }
        fs::rename(&self.dir, &self.target).map_err(|e| Error::io(&self.target, e))?;
        self.committed = true;
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
