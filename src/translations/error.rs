//! Errors of translation files: each names the file, the row and what to do.

use std::fmt;
use std::path::PathBuf;

/// A translation file that cannot be used. Nothing is built or written when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum TranslationError {
    /// The file cannot be read or decoded at all (missing, not UTF-8, encrypted, corrupt).
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    /// The header row is missing columns or has unknown ones.
    #[error("{}: row {row}: {message}", path.display())]
    Header {
        path: PathBuf,
        row: usize,
        message: String,
    },
    /// One or more rows are wrong; every problem found is listed.
    #[error("{}: {} problem(s):\n{}", path.display(), problems.len(), RowList(problems))]
    Rows {
        path: PathBuf,
        problems: Vec<RowProblem>,
    },
}

/// One bad row of a translation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// `row 7` as the spreadsheet numbers it (the header is row 1), or `entry 3` in YAML.
    pub place: String,
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

struct RowList<'a>(&'a [RowProblem]);

impl fmt::Display for RowList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {problem}")?;
        }
        Ok(())
    }
}
