//! The stress section of `boxflow report`: runs the deal sheet's scenarios against the
//! debt sized at close, the solvers and an optional two-way grid, and hands the report
//! the plain [`StressResults`] (the report crate does not depend on the scenario
//! crate).

use boxflow::model::ValidDeal;
use boxflow::report::stress::{
    Breakpoint, HeatCell, HeatMap, ScenarioResult, ScenarioRun, StressResults,
};
use boxflow::scenario::{run_grid, Base, Grid, Metric, MetricKind, Outcome};
use boxflow::waterfall::Run;

use crate::stress::{self, StressArgs, StressFormat};

/// The most points a grid in the report may have: 2,500 (a 50 x 50 heat map is the
/// most a page shows legibly; `boxflow stress --grid` writes bigger grids).
pub const MAX_REPORT_GRID: usize = 2_500;

/// What `boxflow report` was asked to stress.
pub struct StressAsk<'a> {
    /// `--grid SPEC`: two dimensions.
    pub grid: Option<&'a str>,
    /// `--metric NAME`: the grid's metric.
    pub metric: &'a str,
    /// Run the solvers (no `--no-solve`).
    pub solve: bool,
}

/// Lender-side direction of a metric: true when a higher value is better.
fn higher_is_better(metric: Metric) -> bool {
    !matches!(
        metric,
        Metric::LenderLoss
            | Metric::SeniorLoss
            | Metric::PaymentDefaults
            | Metric::SeniorRepaidPeriod
    )
}

/// Runs the scenarios, the solvers and the grid of `deal`, whose base run is `run`.
pub fn stress_results(
    deal: &ValidDeal,
    run: &Run,
    source: &std::path::Path,
    ask: &StressAsk,
) -> Result<StressResults, String> {
    // Check the request before any run.
    let metric: Metric = ask
        .metric
        .parse()
        .map_err(|e: boxflow::scenario::UnknownMetric| format!("--metric: {e}"))?;
    let grid = ask
        .grid
        .map(|spec| -> Result<Grid, String> {
            let grid = Grid::parse(spec).map_err(|e| format!("--grid: {e}"))?;
            grid.check(deal).map_err(|e| format!("--grid: {e}"))?;
            if grid.axes.len() != 2 {
                return Err(format!(
                    "--grid: the report's heat map takes two dimensions (rows and columns), \
                     `{spec}` has {}; e.g. --grid \"price=1.60..2.60:0.20,default=6..60:6\"",
                    grid.axes.len()
                ));
            }
            if grid.len() > MAX_REPORT_GRID {
                return Err(format!(
                    "--grid: {} points are too many for the report (at most {MAX_REPORT_GRID}); \
                     use a coarser step, or `boxflow stress --grid` for a bigger grid",
                    grid.len()
                ));
            }
            Ok(grid)
        })
        .transpose()?;
    let name = deal.name.clone();
    let base = Base::new(deal.clone()).map_err(|e| format!("cannot run `{name}`: {e}"))?;
    let scenarios = deal
        .scenarios
        .iter()
        .map(|s| ScenarioResult {
            name: s.name.clone(),
            outcome: base
                .run_scenario(s)
                .map(|r| ScenarioRun {
                    covenants: Outcome::of(s.name.clone(), &r, false).covenants,
                    run: r,
                })
                .map_err(|e| e.to_string()),
        })
        .collect();
    let breakpoints = if ask.solve {
        let args = StressArgs {
            deal: source.to_path_buf(),
            scenarios: Vec::new(),
            grid: None,
            format: StressFormat::Table,
            out: None,
            no_solve: false,
            gearing: None,
            re_lease_after: 0,
            re_lease_share: None,
            no_progress: true,
            metric: None,
        };
        let b = stress::breakpoints(&base, &args)?;
        stress::breakpoint_rows(&b)
            .into_iter()
            .map(|[question, answer, check]| Breakpoint {
                question,
                answer,
                check,
            })
            .collect()
    } else {
        Vec::new()
    };
    let grid = grid.map(|g| heat_map(&base, &g, metric));
    Ok(StressResults {
        base_covenants: Outcome::of("base case", run, false).covenants,
        scenarios,
        breakpoints,
        grid,
    })
}

/// Runs a two-dimension grid and lays its metric out as rows (the first dimension)
/// and columns (the second, which varies fastest in point order).
fn heat_map(base: &Base, grid: &Grid, metric: Metric) -> HeatMap {
    let rows = run_grid(base, grid, false, &|| {});
    let columns = grid.axes[1].values.len().max(1);
    let mut cells: Vec<Vec<HeatCell>> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if i % columns == 0 {
            cells.push(Vec::with_capacity(columns));
        }
        let cell = match &row.outcome {
            Ok(o) => {
                let value = metric
                    .of(o)
                    .number()
                    .and_then(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d));
                HeatCell {
                    // A negative DSCR (CFADS < 0, "n.m.") is the weakest whatever its
                    // value (boxflow_scenario::dscr_order): coloured as 0x.
                    value: match metric.kind() {
                        MetricKind::Dscr => value.map(|v| v.max(0.0)),
                        _ => value,
                    },
                    text: metric.show(o),
                }
            }
            Err(e) => HeatCell {
                value: None,
                text: format!("error: {e}"),
            },
        };
        if let Some(last) = cells.last_mut() {
            last.push(cell);
        }
    }
    HeatMap {
        metric: metric.name().into(),
        words: metric.describe().into(),
        higher_is_better: higher_is_better(metric),
        row_name: grid.axes[0].dimension.name().into(),
        column_name: grid.axes[1].dimension.name().into(),
        rows: grid.axes[0].values.iter().map(|v| v.to_string()).collect(),
        columns: grid.axes[1].values.iter().map(|v| v.to_string()).collect(),
        cells,
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`, the report's run date.
pub fn today() -> Option<String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    chrono::DateTime::from_timestamp(i64::try_from(secs).ok()?, 0)
        .map(|t| t.date_naive().to_string())
}
