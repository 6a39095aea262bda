//! One file per command (or per command option family) of the `crtk` binary.

pub mod canreg5;
pub mod completions;
pub mod init;
pub mod target;
