//! Writing outputs safely: atomically (temp file + rename, so a reader or a crash never sees half a
//! file and a failed build leaves earlier outputs intact) and never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}: refusing to write the output over an input file; choose another --out", path.display())]
    OverInput { path: PathBuf },
    #[error("`{}` cannot be an output file name: it must be a plain name inside --out (no `/`, `..`, leading `.` or control characters); fix the value it comes from (package name, country code, version, locale)", name.escape_debug())]
    BadName { name: String },
    #[error("{}: cannot write: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The absolute form of `path`, resolving symlinks of the parts that exist, so two spellings of
/// one file compare equal even when the file does not exist yet.
pub fn normalize(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => normalize(parent).join(name),
        _ => absolute,
    }
}

/// `dir/name` for a file name computed from input (a package name, a country code): refused
/// unless it is one plain name, so no input can place an output outside `dir`.
pub fn join_confined(dir: &Path, name: &str) -> Result<PathBuf, OutputError> {
    check_relative(name)?;
    Ok(dir.join(name))
}

/// Refuses a relative output path (`RW/x.json`) that could leave its folder: empty parts, `..`,
/// `.`-names, absolute paths, backslashes and control characters.
pub fn check_relative(path: &str) -> Result<(), OutputError> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.chars().any(char::is_control)
        || path
            .split('/')
            .any(|part| part.is_empty() || part.starts_with('.'));
    if bad {
        return Err(OutputError::BadName {
            name: path.to_string(),
        });
    }
    Ok(())
}

/// `text` with every control character but newline and tab shown as `\u{1b}`, so a value from an
/// input cannot drive the terminal or hide in a report. With `keep_sgr`, the colour codes crtk
/// itself writes (`ESC [ digits/; m`) stay.
pub fn escape_controls(text: &str, keep_sgr: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if keep_sgr && c == '\u{1b}' {
            let tail = &rest[1..];
            if let Some(body) = tail.strip_prefix('[') {
                let n = body
                    .bytes()
                    .take_while(|b| b.is_ascii_digit() || *b == b';')
                    .count();
                if body.as_bytes().get(n) == Some(&b'm') {
                    out.push_str(&rest[..n + 3]);
                    rest = &rest[n + 3..];
                    continue;
                }
            }
        }
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A CSV cell a spreadsheet will not run as a formula (OWASP "CSV injection"): a cell starting
/// with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The cell [`csv_safe`] was given back (for reading a sheet crtk exported).
pub fn csv_unsafe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Fails when `output` is one of `inputs`.
pub fn refuse_inputs(output: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let target = normalize(output);
    if inputs.iter().any(|input| normalize(input) == target) {
        return Err(OutputError::OverInput {
            path: output.to_path_buf(),
        });
    }
    Ok(())
}

/// Like [`write_atomic`], with the temp file in `temp_dir` (same file system as `path`), so a
/// killed run leaves its debris in one place the next run empties.
pub fn write_atomic_in(temp_dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let io = |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let temp = temp_dir.join(format!("{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(io)
}

/// Writes `bytes` to `path` atomically, creating the parent folder when needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// [`write_atomic`] for content produced by `write` (a large package, written as it is made).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let io = |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        write(&mut file)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_an_input_under_another_spelling() {
        let dir = std::env::temp_dir().join(format!("crtk-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("a.json");
        std::fs::write(&input, "{}").unwrap();
        let other_spelling = dir.join(".").join("a.json");
        assert!(refuse_inputs(&other_spelling, std::slice::from_ref(&input)).is_err());
        assert!(refuse_inputs(&dir.join("b.json"), &[input]).is_ok());
        write_atomic(&dir.join("sub/c.json"), b"x").unwrap();
        assert_eq!(std::fs::read(dir.join("sub/c.json")).unwrap(), b"x");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
