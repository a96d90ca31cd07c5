//! One writer per output directory: an advisory lock held for the life of a
//! command that writes a study (`run`, `sweep`, `merge`, `sensitivity`).
//!
//! The lock is an OS file lock (`flock`) on a hidden file beside the
//! directory, `.<name>.lock`, which holds the holder's process id. The
//! operating system releases the lock when its holder exits, however it
//! exits, so a lock left by a killed process is never an obstacle: the file
//! may remain, but it is no longer locked, and the next writer takes it.
//! The file lies beside the directory rather than inside it because `--force`
//! and staged outputs replace the directory as a whole.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::data::output::{directory_name, parent_of};
use crate::engine::interrupt::RemoveOnExit;
use crate::error::Error;

/// An exclusive lock on an output directory; released when dropped.
#[derive(Debug)]
pub struct StudyLock {
    file: File,
    path: PathBuf,
    /// Removes the lock file if a second Ctrl-C exits at once.
    _on_exit: RemoveOnExit,
}

impl StudyLock {
    /// Takes the lock of `target` (a directory that may not exist yet), or
    /// fails at once, naming the process that holds it.
    pub fn acquire(target: &Path) -> Result<StudyLock, Error> {
        let path = lock_path(target)?;
        let parent = parent_of(&path);
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        // One lock file however the directory is named (`runs/x`, `./runs/x`,
        // through a symbolic link).
        let path = match (parent.canonicalize(), path.file_name()) {
            (Ok(real), Some(name)) => real.join(name),
            _ => path,
        };
        // Another writer may remove the file between our open and our lock
        // (it removes it on release): then we hold a lock on a file nobody
        // else can find, so check that the path still names our file and
        // start again if not.
        for _ in 0..100 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let who = if holder.is_empty() {
                        "another detente process".to_string()
                    } else {
                        format!("another detente process (pid {holder})")
                    };
                    return Err(Error::Usage(format!(
                        "{} is being written by {who}; wait for it to finish, or write elsewhere with --out",
                        target.display()
                    )));
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(|e| Error::io(&path, e))?;
            file.rewind().map_err(|e| Error::io(&path, e))?;
            writeln!(file, "{}", std::process::id()).map_err(|e| Error::io(&path, e))?;
            file.flush().map_err(|e| Error::io(&path, e))?;
            return Ok(StudyLock {
                _on_exit: RemoveOnExit::register(&path),
                file,
                path,
            });
        }
        Err(Error::Usage(format!(
            "{}: could not take the lock (it kept changing hands); try again",
            path.display()
        )))
    }
}

impl Drop for StudyLock {
    fn drop(&mut self) {
        // Remove the file while still holding the lock; a writer that opened
        // it meanwhile sees that the path no longer names its file and retries.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// `.<name>.lock` beside `target`.
fn lock_path(target: &Path) -> Result<PathBuf, Error> {
    let name = directory_name(target)?;
    Ok(parent_of(target).join(format!(".{}.lock", name.to_string_lossy())))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let target = dir.path().join("study");
        let first = StudyLock::acquire(&target).expect("first lock");
        let err = StudyLock::acquire(&target)
            .expect_err("second lock")
            .to_string();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(first);
        assert!(!dir.path().join(".study.lock").exists());
        StudyLock::acquire(&target).expect("free again");
    }

    #[test]
    fn another_name_for_the_same_directory_takes_the_same_lock() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let _first = StudyLock::acquire(&dir.path().join("study")).expect("first lock");
        let alias = dir.path().join(".").join("study");
        assert!(StudyLock::acquire(&alias).is_err());
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_is_taken_over() {
        let dir = tempfile::tempdir().expect("temporary directory");
        fs::write(dir.path().join(".study.lock"), "999999999\n").expect("write");
        let lock = StudyLock::acquire(&dir.path().join("study")).expect("stale lock taken");
        drop(lock);
    }
}
