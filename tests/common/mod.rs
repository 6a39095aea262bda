//! Helpers shared by the integration tests (`mod common;` in a test file).
//!
//! Each test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

pub mod crtk;
pub mod expression_parser;
pub mod rule_engine;
