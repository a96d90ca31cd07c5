//! Stopping on Ctrl-C, SIGTERM or SIGHUP.
//!
//! The first signal only sets a flag, which long commands poll between chunks
//! (runs) or figures, so they stop at a point where they can clean up: a
//! sweep leaves its study checkpointed, a run removes its staging directory,
//! plotting stops between two whole figures. A second signal exits at once
//! (status 130), after removing the partial files registered with
//! [`RemoveOnExit`]: a user who insists is obeyed, and nothing is left behind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit status of a command stopped by a signal (128 + SIGINT, as shells report it).
pub const INTERRUPTED_STATUS: u8 = 130;

/// Partial outputs to remove if the process exits at once on a second signal.
static LEFTOVERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Whether the handler is installed: a command may ask more than once (a
/// sweep, then the figures it draws), and the handler can be set only once.
static INSTALLED: Mutex<bool> = Mutex::new(false);

/// Sets `flag` on the first Ctrl-C, SIGTERM or SIGHUP; on the second, removes
/// the registered partial outputs and exits with status 130. Calling it again
/// is harmless: the handler installed first stays.
pub fn stop_on_signal(flag: &'static AtomicBool) -> Result<(), ctrlc::Error> {
    let mut installed = INSTALLED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if *installed {
        return Ok(());
    }
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            remove_leftovers();
            let _ = writeln!(
                std::io::stderr(),
                "detente: interrupted twice: stopped at once"
            );
            std::process::exit(i32::from(INTERRUPTED_STATUS));
        }
    })?;
    *installed = true;
    Ok(())
}

fn remove_leftovers() {
    remove(
        &LEFTOVERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    );
}

fn remove(paths: &[PathBuf]) {
    for path in paths {
        // Best effort: the process is about to exit whatever happens here.
        if path.is_dir() {
            let _ = std::fs::remove_dir_all(path);
        } else {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A partial output (a staging directory or a temporary file) that a second
/// signal removes before exiting; registered for as long as this value lives.
/// Removing it on the normal paths stays its owner's job.
#[derive(Debug)]
#[must_use = "the path is unregistered when this is dropped"]
pub struct RemoveOnExit {
    path: PathBuf,
}

impl RemoveOnExit {
    pub fn register(path: &Path) -> RemoveOnExit {
        let path = path.to_path_buf();
        LEFTOVERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(path.clone());
        RemoveOnExit { path }
    }
}

impl Drop for RemoveOnExit {
    fn drop(&mut self) {
        let mut paths = LEFTOVERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(at) = paths.iter().rposition(|p| *p == self.path) {
            paths.remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered(path: &Path) -> bool {
        LEFTOVERS.lock().unwrap().iter().any(|p| p == path)
    }

    #[test]
    fn asking_twice_for_the_handler_is_not_an_error() {
        static FLAG: AtomicBool = AtomicBool::new(false);
        stop_on_signal(&FLAG).unwrap();
        stop_on_signal(&FLAG).expect("a sweep that then draws figures asks twice");
        assert!(!FLAG.load(Ordering::SeqCst));
    }

    #[test]
    fn a_path_is_registered_while_its_guard_lives() {
        let path = Path::new("/nonexistent/.out.partial-guard-test");
        let guard = RemoveOnExit::register(path);
        assert!(registered(path));
        drop(guard);
        assert!(!registered(path));
    }

    #[test]
    fn leftovers_are_removed_whether_directories_or_files() {
        let dir = tempfile::TempDir::new().unwrap();
        let staging = dir.path().join(".out.partial-1");
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("runs.csv"), "run_id\n").unwrap();
        let file = dir.path().join(".figure.png.partial-1");
        std::fs::write(&file, "png").unwrap();
        let missing = dir.path().join(".gone.partial-1");
        remove(&[staging.clone(), file.clone(), missing]);
        assert!(!staging.exists(), "a staging directory is removed");
        assert!(!file.exists(), "a temporary file is removed");
    }
}
