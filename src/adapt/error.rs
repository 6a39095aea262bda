//! Errors of the adaptations: each names the config key at fault and what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AdaptError {
    /// The config asks for something the base package cannot give.
    #[error("{}: `{key}`: {message}", path.display())]
    Config {
        path: PathBuf,
        key: String,
        message: String,
    },
    /// A customisation section (fields, names, rules, working lists) asks for something the
    /// package does not have: the line of the config where it is written.
    #[error("{}{}: `{key}`: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    At {
        path: PathBuf,
        line: Option<usize>,
        key: String,
        message: String,
    },
    /// A data file the config names (areas, dictionary) holds something wrong.
    #[error(transparent)]
    Data(#[from] crate::config::areas::AreaError),
    /// The base package lacks something an adaptation needs.
    #[error("the base package {message}")]
    Base { message: String },
}
