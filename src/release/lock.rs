//! `dist/` is written by one `crtk build --all` at a time, and a killed run is repaired by the
//! next one.
//!
//! - `dist/` itself is locked (an OS file lock, released even when the process is killed) for
//!   the whole write; a second run fails at once naming the holder's process id.
//! - temp files go to `dist/.crtk-tmp/` only; every run empties it first.
//! - `dist/.crtk-writing` (holding the writer's process id) exists from the first write until the manifest (written last) is in
//!   place, so `--check` can tell an interrupted write from files changed by hand.

use crate::output::OutputError;
use std::path::{Path, PathBuf};

pub const TEMP: &str = ".crtk-tmp";
pub const WRITING: &str = ".crtk-writing";

/// True for crtk's own bookkeeping entries at the top of `dist/` (not release files).
pub fn is_bookkeeping(name: &str) -> bool {
    matches!(name, TEMP | WRITING)
}

/// True when the last write into `out` did not finish.
pub fn interrupted(out: &Path) -> bool {
    out.join(WRITING).exists()
}

/// Removes `.NAME.PID.tmp` files earlier crtk versions left beside their targets when killed
/// (the lock is held, so none belongs to a running write).
fn remove_stray_temp_files(dir: &Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && depth < 2 && name != TEMP {
            remove_stray_temp_files(&entry.path(), depth + 1);
        } else if kind.is_file() && is_stray_temp(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `.manifest.json.1234.tmp`: a dot, a name, a process id, `.tmp`.
fn is_stray_temp(name: &str) -> bool {
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    stem.rsplit_once('.').is_some_and(|(file, pid)| {
        !file.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The exclusive right to write `out`, held until dropped.
pub struct DistLock {
    _file: std::fs::File,
    out: PathBuf,
}

impl DistLock {
    /// Takes the lock, or fails naming the process that holds it; then empties the temp folder
    /// and marks the write as begun.
    pub fn acquire(out: &Path) -> Result<DistLock, OutputError> {
        let io = |path: PathBuf| move |source| OutputError::Io { path, source };
        std::fs::create_dir_all(out).map_err(io(out.to_path_buf()))?;
        // The lock is on the folder itself: no lock file to leave behind or commit.
        let file = std::fs::File::open(out).map_err(io(out.to_path_buf()))?;
        if let Err(e) = file.try_lock() {
            let holder = std::fs::read_to_string(out.join(WRITING)).unwrap_or_default();
            let holder = holder.trim();
            let who = if holder.is_empty() {
                "another crtk".to_string()
            } else {
                format!("crtk process {holder}")
            };
            return Err(OutputError::Io {
                path: out.to_path_buf(),
                source: std::io::Error::other(format!(
                    "{who} is writing this folder ({e}); wait for it to finish, then run again"
                )),
            });
        }
        remove_stray_temp_files(out, 0);
        let temp = out.join(TEMP);
        let _ = std::fs::remove_dir_all(&temp);
        std::fs::create_dir_all(&temp).map_err(io(temp.clone()))?;
        let marker = out.join(WRITING);
        std::fs::write(&marker, format!("{}\n", std::process::id())).map_err(io(marker))?;
        Ok(DistLock {
            _file: file,
            out: out.to_path_buf(),
        })
    }

    /// Where temp files go.
    pub fn temp_dir(&self) -> PathBuf {
        self.out.join(TEMP)
    }

    /// The manifest is in place: the write is complete.
    pub fn finish(self) -> Result<(), OutputError> {
        let _ = std::fs::remove_dir_all(self.out.join(TEMP));
        let marker = self.out.join(WRITING);
        std::fs::remove_file(&marker).map_err(|source| OutputError::Io {
            path: marker,
            source,
        })
    }
}
