//! Writing outputs safely: atomically (temp file + rename, so a reader or a crash never sees half a
//! file and a failed build leaves earlier outputs intact) and never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}: refusing to write the output over an input file; choose another --out", path.display())]
    OverInput { path: PathBuf },
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

/// Writes `bytes` to `path` atomically, creating the parent folder when needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
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
        file.write_all(bytes)?;
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
