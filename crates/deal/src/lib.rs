//! Reads boxflow deal sheets (TOML) into a validated [`Deal`].
//!
//! (Parser under construction: see `model` for the types.)

mod model;

pub use model::*;
