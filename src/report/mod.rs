//! Reports of a run: JSON (methodology section 13), CSV and terminal tables.

pub mod csv;
pub mod json;
pub mod sizing;
pub mod table;
