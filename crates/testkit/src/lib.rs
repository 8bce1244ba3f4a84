//! A test kit for risk teams' own Rust tests of boxflow deals: what the project's
//! own property tests use, public and documented.
//!
//! - [`generate`]: proptest strategies for valid deals built in code (every
//!   validation rule of the methodology's section 1 respected by construction).
//! - [`deals`]: the reference deal and a three-period deal small enough to work out
//!   by hand, written in code, and the literal helpers `d`, `m`, `date`, `valid`.
//! - [`scenarios`]: proptest strategies over a deal's scenario space: price
//!   haircut, customer default and re-lease, rate shock, opex and power shocks,
//!   online delay, residual value.
//! - [`predicates`]: the covenant predicates of a property's `expect`
//!   (`"min_dscr >= 1.05"`) as functions of an [`Outcome`](boxflow_scenario::Outcome),
//!   read through the one table of metric names ([`boxflow_scenario::Metric`]).
//!
//! `tests/risk_team.rs` (in this crate's repository folder) is a test file a risk
//! team copies into its own `tests/`: covenants checked over a box of shocks on the
//! reference deal, and over generated deals.
//!
//! ```
//! use boxflow_scenario::{Base, Outcome};
//! use boxflow_testkit::{deals, predicates};
//!
//! let base = Base::new(deals::valid(deals::reference_deal())).unwrap();
//! let outcome = Outcome::of("base case", &base.run().unwrap(), false);
//! assert!(predicates::no_lender_loss(&outcome));
//! assert_eq!(predicates::check(&outcome, &["min_dscr >= 1.05", "payment_defaults == 0"]), Ok(()));
//! ```

pub mod deals;
pub mod generate;
pub mod predicates;
pub mod scenarios;
