//! The stress results the HTML report shows: each scenario's run against the debt
//! sized at close, the solvers' breakpoints and an optional two-way grid as a heat map.
//!
//! The report crate does not run scenarios (it sits beside `boxflow-scenario`, not
//! above it): the caller runs them and hands over this plain struct. A scenario's
//! first new event is the waterfall's [`boxflow_waterfall::first_new_event`], as in
//! the stress table.

use boxflow_waterfall::Run;

/// What a stress run gives the report.
#[derive(Clone, Debug, Default)]
pub struct StressResults {
    /// Every covenant passes in the base case (the report's own run): halfway, no
    /// payment or DSCR default, no LTV breach (as the stress table counts it).
    pub base_covenants: bool,
    /// The scenarios, base case excluded, in the sheet's order.
    pub scenarios: Vec<ScenarioResult>,
    /// The solvers' answers, as rows of words; empty when they were not run.
    pub breakpoints: Vec<Breakpoint>,
    /// A two-way grid of one metric, when asked for.
    pub grid: Option<HeatMap>,
}

/// One scenario's run, or why it could not run.
#[derive(Clone, Debug)]
pub struct ScenarioResult {
    /// The scenario's name.
    pub name: String,
    /// Its run, or the error that stopped it.
    pub outcome: Result<ScenarioRun, String>,
}

/// A scenario that ran.
#[derive(Clone, Debug)]
pub struct ScenarioRun {
    /// Every covenant passes (as [`StressResults::base_covenants`]).
    pub covenants: bool,
    /// The run.
    pub run: Run,
}

/// One breakpoint: the question a solver answers, its answer and how it was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breakpoint {
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
    /// The check of the answer (a run one step beyond it).
    pub check: String,
}

/// A two-way grid of one metric: rows are the first axis's values, columns the
/// second's.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatMap {
    /// The metric's name (`min_dscr`).
    pub metric: String,
    /// The metric in words.
    pub words: String,
    /// True when a higher value is better for the lender (a DSCR, an IRR); false for a
    /// loss.
    pub higher_is_better: bool,
    /// The rows' dimension (`price`).
    pub row_name: String,
    /// The columns' dimension (`default`).
    pub column_name: String,
    /// The rows' values as written.
    pub rows: Vec<String>,
    /// The columns' values as written.
    pub columns: Vec<String>,
    /// `cells[r][c]`: the value at row `r`, column `c`.
    pub cells: Vec<Vec<HeatCell>>,
}

/// One cell of a [`HeatMap`].
#[derive(Clone, Debug, PartialEq)]
pub struct HeatCell {
    /// The value for the colour scale (`None`: undefined or the point did not run).
    pub value: Option<f64>,
    /// The value as people read it.
    pub text: String,
}
