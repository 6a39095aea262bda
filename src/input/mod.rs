//! The one place crtk opens input files.
//!
//! Every reader goes through [`read_bytes`] / [`read_to_string`] (and [`open_xlsx`] for
//! workbooks), so every input gets the same guarantees:
//! - only regular files are read: a FIFO, device, socket or folder is refused at once (opened
//!   non-blocking, then checked on the open handle, so a FIFO cannot hang the run);
//! - its size is capped ([`max_bytes`]: 256 MiB, `CRTK_MAX_INPUT_MB` overrides), so `/dev/zero`
//!   or a multi-GB file is refused with the limit named instead of exhausting memory;
//! - text may start with a UTF-8 byte-order mark (stripped).
//!
//! Paths written inside a country config must stay inside the config's folder (after following
//! symlinks) or inside a root the user allowed with `--allow-path` / `CRTK_ALLOW_PATH`
//! ([`check_confined`]): a config in a pull request cannot make CI read `/etc/shadow`.
//! Errors are `std::io::Error`s so every reader keeps its own error type and message.

use std::io::{Error, ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Default input size limit, in MiB.
pub const DEFAULT_MAX_MB: u64 = 256;
/// The environment variable that overrides [`DEFAULT_MAX_MB`].
pub const MAX_ENV: &str = "CRTK_MAX_INPUT_MB";
/// The environment variable naming extra roots config paths may point into (`:`-separated).
pub const ALLOW_ENV: &str = "CRTK_ALLOW_PATH";

/// The largest input crtk reads, in bytes.
pub fn max_bytes() -> u64 {
    max_mb().saturating_mul(1024 * 1024)
}

fn max_mb() -> u64 {
    std::env::var(MAX_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_MAX_MB)
}

/// Reads a whole input file (see the module doc for what is refused).
pub fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = open_regular(path)?;
    let limit = max_bytes();
    let declared = file.metadata()?.len();
    if declared > limit {
        return Err(too_large(declared, limit));
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    // Read one byte past the limit: a file growing while it is read is caught too.
    (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Reads a whole UTF-8 text input, without its byte-order mark.
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    let bytes = read_bytes(path)?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::InvalidData,
            format!(
                "is not UTF-8 text (invalid byte at offset {}): save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

fn too_large(size: u64, limit: u64) -> Error {
    Error::other(format!(
        "is {size} bytes, over crtk's input limit of {} MiB ({limit} bytes); if the file is genuine, raise the limit with {MAX_ENV}=<MiB>",
        limit / (1024 * 1024)
    ))
}

/// Opens `path` for reading only when it is a regular file (after following symlinks).
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO without a writer must not wait for one. Regular files
        // ignore the flag.
        options.custom_flags(0o4000);
    }
    #[cfg(not(target_os = "linux"))]
    {
        // No non-blocking open: check before opening (a race remains on these systems).
        let kind = std::fs::metadata(path)?.file_type();
        if !kind.is_file() {
            return Err(not_regular(&kind));
        }
    }
    let file = options.open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(not_regular(&kind));
    }
    Ok(file)
}

fn not_regular(kind: &std::fs::FileType) -> Error {
    let what = describe(kind);
    Error::new(
        ErrorKind::InvalidInput,
        format!("is {what}, not a regular file: crtk reads only regular files"),
    )
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// What the csv crate accepts without a word but no spreadsheet writes: a NUL byte (it would land
/// in the package) and a quoted cell still open at the end of the file (the rest of the file
/// would become one cell).
pub fn check_csv_text(text: &str) -> Result<(), String> {
    let mut line = 1;
    let mut at_field_start = true;
    let mut open_at: Option<usize> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\0' {
            return Err(format!(
                "line {line}: holds a NUL character: the file is not a text CSV; export it again as CSV UTF-8"
            ));
        }
        if c == '\n' {
            line += 1;
        }
        match open_at {
            Some(_) if c == '"' => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    open_at = None;
                }
            }
            Some(_) => {}
            None => {
                if c == '"' && at_field_start {
                    open_at = Some(line);
                }
                at_field_start = matches!(c, ',' | ';' | '\n' | '\r');
            }
        }
    }
    match open_at {
        Some(start) => Err(format!(
            "line {start}: a quoted cell (`\"...`) is never closed: add the closing `\"`"
        )),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Where config paths may point

static ALLOWED: OnceLock<Vec<PathBuf>> = OnceLock::new();

/// Sets the roots named with `--allow-path` (once, at start-up).
pub fn allow_paths(roots: Vec<PathBuf>) {
    let _ = ALLOWED.set(roots);
}

/// Every root a config path may point into besides the config's folder: `--allow-path` and
/// `CRTK_ALLOW_PATH`, canonical.
fn allowed_roots() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = ALLOWED.get().cloned().unwrap_or_default();
    if let Some(env) = std::env::var_os(ALLOW_ENV) {
        roots.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    roots.iter().filter_map(|r| r.canonicalize().ok()).collect()
}

/// Fails unless `path` (as resolved against the config folder `dir`) stays inside `dir` or an
/// allowed root once symlinks are followed. A path that does not exist yet is checked by its
/// nearest existing ancestor (reading it later fails with "not found" anyway).
pub fn check_confined(dir: &Path, path: &Path) -> Result<(), String> {
    let base = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let root = base
        .canonicalize()
        .map_err(|e| format!("cannot resolve the config's folder: {e}"))?;
    let real = real_path(&base.join(path));
    if real.starts_with(&root) || allowed_roots().iter().any(|r| real.starts_with(r)) {
        return Ok(());
    }
    Err(format!(
        "`{}` points outside the config's folder ({}): config paths must stay inside it; to allow another folder, run crtk with --allow-path DIR (or {ALLOW_ENV}=DIR)",
        path.display(),
        root.display()
    ))
}

/// The canonical form of `path`: symlinks followed, `..` applied; for a path that does not
/// exist, its nearest existing ancestor's canonical form joined with the rest, lexically.
fn real_path(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    while existing.canonicalize().is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Workbooks

mod json;
mod xlsx;
mod yaml;
pub use json::parse_json;
pub use xlsx::{check as check_xlsx, open_xlsx, sheet_range};
pub use yaml::check_yaml;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_folder_and_a_device() {
        let e = read_bytes(Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
        let e = read_bytes(Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("a device"), "{e}");
    }

    #[test]
    fn strips_a_bom() {
        let dir = std::env::temp_dir().join(format!("crtk-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.txt");
        std::fs::write(&file, "\u{feff}x: 1").unwrap();
        assert_eq!(read_to_string(&file).unwrap(), "x: 1");
        assert!(check_confined(&dir, Path::new("a.txt")).is_ok());
        assert!(check_confined(&dir, Path::new("../../../../etc/passwd")).is_err());
        assert!(check_confined(&dir, Path::new("/etc/passwd")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
