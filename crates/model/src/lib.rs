//! The boxflow deal: one GPU box's contract, purchase orders, data centers, costs,
//! debt, reserve and covenants (methodology section 1), with no file format.
//!
//! - [`Deal`] and its parts, with every default of section 1 applied;
//!   [`DealBuilder`] and the part builders build one in code.
//! - [`Deal::validate`] checks every rule of section 1 and gives a [`ValidDeal`], the
//!   only kind of deal the engine runs. Each broken rule is an [`Invalid`] keyed by the
//!   deal-sheet path of the key at fault (`facility[0].repay_by`), so a deal built in
//!   code gets the same errors as a deal sheet.
//! - [`ValidDeal::with_scenario`] shocks a valid deal into another valid deal by
//!   checking only what the scenario changes.
//! - [`warnings`] finds values that are valid but almost certainly a unit slip (a rate
//!   of 3.75 for 0.0375), each a [`Warning`] keyed by deal-sheet path; the thresholds
//!   are the constants of the [`warning`] module.
//!
//! Reading TOML is the `boxflow-deal` crate's job; running the deal is
//! `boxflow-waterfall`'s.
//!
//! ```
//! use boxflow_model::{Deal, RuleKind};
//!
//! let mut deal = Deal::example();
//! let valid = deal.clone().validate().unwrap();
//! assert_eq!(valid.contract.term_months, 24);
//!
//! deal.contract.term_months = 601; // a term over 600 months
//! let errors = deal.validate().unwrap_err();
//! assert_eq!(errors.invalid[0].path, "contract.term_months");
//! assert_eq!(errors.invalid[0].kind, RuleKind::InvalidValue);
//! ```

mod builder;
mod deal;
mod invalid;
mod valid;
mod validate;
pub mod warning;

pub use builder::*;
pub use deal::*;
pub use invalid::{did_you_mean, shorten, Invalid, InvalidDeal, RuleKind, MAX_QUOTED_CHARS};
pub use valid::{Checked, ValidDeal};
pub use validate::{
    check_into, check_with_poisoned, validate, validate_scenario, validate_scenario_name_and_rate,
    RuleSink, MAX_TERM_MONTHS, MAX_VALUE,
};
pub use warning::{warnings, Warning};
