//! Reports of a run: JSON (methodology section 13), CSV, terminal tables, and the
//! reports people read: an HTML page with SVG charts and an Excel workbook.

pub use boxflow_core::format;

pub mod csv;
pub mod html;
mod inline;
pub mod json;
mod pretty;
pub mod simulation;
pub mod sizing;
pub mod stress;
pub mod svg;
pub mod table;
pub mod xlsx;
