//! boxflow: box financing of GPU clusters, to the cent.
//!
//! A deal sheet (TOML) is read into a validated [`deal::Deal`]; its facilities are
//! sized and scheduled by [`amortize`]; [`waterfall::run`] runs the box period by
//! period into a [`waterfall::Run`] that keeps every transfer; [`report`] renders it.
//!
//! This crate re-exports the others, so a finance tool can depend on `boxflow` alone.
//!
//! ```
//! let sheet = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/reference.toml")).unwrap();
//! let deal = boxflow::deal::parse(&sheet, "reference.toml").unwrap();
//! let run = boxflow::waterfall::run(&deal).unwrap();
//! assert!(run.verify().is_empty());
//! assert_eq!(run.summary.senior_commitment.to_string(), "518926087.20");
//! assert!(run.summary.halfway_covenant);
//! ```

pub use boxflow_amortize as amortize;
pub use boxflow_core as core;
pub use boxflow_deal as deal;
pub use boxflow_waterfall as waterfall;

pub mod diagnostic;
pub mod output;
pub mod report;
