//! crtk: compiles the DHIS2 Cancer Registry toolkit (NCD_CR) for one country.
//!
//! The pipeline (see README.md): load a country config and the base package, adapt, validate,
//! emit canonical JSON. Each stage is a plain function from data to data.

pub mod adapt;
pub mod base;
pub mod build;
pub mod canreg5;
pub mod config;
pub mod diff;
pub mod expression;
pub mod input;
pub mod output;
pub mod package;
pub mod release;
pub mod target;
pub mod translations;
pub mod validate;
