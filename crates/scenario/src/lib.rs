//! Stress scenarios, grids of them, solvers over the whole waterfall, and portfolios
//! of boxes: the questions a risk team and a sponsor ask after the base case.
//!
//! - [`Base`]: a deal and its plan sized at close. [`apply`] turns a
//!   [`Scenario`] (a customer default with a re-lease, a price, a delay, opex and
//!   power shocks, a rate shock, a residual value, a useful life) into a
//!   [`Stressed`] deal and plan: the operating lines, rates and terminal value
//!   change, the debt as sized at close does not.
//! - [`Outcome`]: what a risk team reads of a run: covenants, the weakest DSCR, the
//!   first event, lender loss, equity IRR.
//! - [`parse_scenario`] and [`Grid`]: scenarios written on one line, and cartesian
//!   grids of them run in parallel ([`run_grid`]).
//! - [`solve`]: bisection over the whole waterfall for the minimum price, the
//!   earliest safe customer default and the largest rate shock survived, each
//!   checked at the found point and one step beyond.
//! - [`simulate`]: Monte Carlo over the base case from a deal's `[simulation]`
//!   (docs/risk.md); [`Expectation`]: a covenant predicate written on one line,
//!   `"min_dscr >= 1.05"`, over the one table of metric names ([`Metric`]).
//! - [`prove`]: properties checked over a box of shocks, failures shrunk toward the
//!   base case.
//! - [`portfolio`]: many boxes consolidated by month, debt outstanding and its
//!   balance-weighted cost by month and by vintage, and concentration by customer.
//!
//! ```
//! use boxflow_scenario::{parse_scenario, Base, Outcome};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
//! let deal = boxflow_deal::read_file(std::path::Path::new(path)).unwrap();
//! let base = Base::new(deal).unwrap();
//!
//! // The customer walks away in month 12 and nobody takes the GPUs.
//! let walk_away = parse_scenario("default=12").unwrap();
//! let run = base.run_scenario(&walk_away).unwrap();
//! assert!(run.verify().is_empty());
//! let outcome = Outcome::of(&walk_away.name, &run, true);
//! assert!(!outcome.covenants);
//! assert!(outcome.lender_loss.is_positive());
//! assert_eq!(outcome.first_event.unwrap().event, "opex_shortfall");
//! ```

mod apply;
mod expect;
mod grid;
mod metric;
mod outcome;
pub mod portfolio;
pub mod prove;
pub mod simulate;
pub mod solve;

pub use apply::{apply, shocked_rate, stressed_operations, Base, Stressed};
pub use boxflow_model::{CustomerDefault, ReLease, Scenario};
pub use expect::{Comparison, ExpectError, Expectation};
pub use grid::{
    parse_scenario, run_grid, run_grid_each, run_scenarios, scenario_of, scenario_values, Axis,
    Dimension, Grid, GridRow, ScenarioSpec, ShockValues, SpecError, GRID_CHUNK, MAX_GRID_POINTS,
};
pub use metric::{Metric, MetricKind, MetricValue, UnknownMetric};
pub use outcome::{dscr_order, FirstEvent, Outcome};

use boxflow_model::Invalid;
use boxflow_waterfall::RunError;

/// Why a scenario, a solver or a portfolio could not run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The scenario breaks a rule of a `[[scenario]]` table.
    #[error("invalid scenario: {}", .0.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Invalid>),
    /// The run failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A solver that sizes the senior facility was given a deal without one.
    #[error("the deal has no senior facility to size")]
    NoSenior,
    /// A capacity line asked for by its place that the deal does not have.
    #[error("the deal has {lines} capacity lines: there is no line {line} (counted from 0)")]
    NoSuchLine {
        /// The place asked for, from 0.
        line: usize,
        /// How many lines the deal has.
        lines: usize,
    },
    /// A portfolio of no box.
    #[error("the portfolio has no box")]
    EmptyPortfolio,
    /// A portfolio whose boxes are in different currencies.
    #[error(
        "the portfolio mixes currencies: `{first}` is in {currency}, `{other}` in {other_currency}"
    )]
    MixedCurrencies {
        /// The first box.
        first: String,
        /// Its currency.
        currency: String,
        /// A box in another currency.
        other: String,
        /// That box's currency.
        other_currency: String,
    },
    /// A run broke an invariant of methodology section 14: a defect of the engine.
    #[error("an invariant of the run does not hold: {0}")]
    Invariant(boxflow_waterfall::Violation),
    /// A grid point's scenario could not be built from its values.
    #[error(transparent)]
    Spec(#[from] crate::grid::SpecError),
}
