//! `boxflow simulate`: Monte Carlo runs of the deal's `[simulation]` against the debt
//! sized at close.

use std::io::IsTerminal;
use std::path::PathBuf;

use boxflow::core::Decimal;
use boxflow::model::{Simulation, ValidDeal};
use boxflow::report::format::{money as thousands, percent};
use boxflow::report::json::{money, ratio};
use boxflow::report::simulation::{Quantile, SimulationFigure, SimulationResults};
use boxflow::report::table::{right, styled};
use boxflow::scenario::simulate::{
    nearest_rank, simulate, simulate_runs, summarize, SimulationSummary,
};
use boxflow::scenario::Base;
use comfy_table::Cell;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{json, Value};

/// The arguments of `boxflow simulate`.
#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Deal sheet (TOML); its `[simulation]` says what is drawn (without one, nothing is).
    pub deal: PathBuf,
    /// Number of runs (1 to 1,000,000); default: `simulation.runs`, else 10,000.
    #[arg(long)]
    pub runs: Option<u32>,
    /// Seed of the runs' random streams; default: `simulation.seed`, else 0.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimulateFormat::Table)]
    pub format: SimulateFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar (it is only drawn on a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

/// The output formats of `boxflow simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SimulateFormat {
    /// A terminal table.
    Table,
    /// JSON (docs/output.md).
    Json,
}

/// The simulation the command runs: the sheet's, with `--runs` and `--seed`.
fn settings(deal: &ValidDeal, runs: Option<u32>, seed: Option<u64>) -> Result<Simulation, String> {
    let mut sim = deal.simulation.clone().unwrap_or_default();
    if let Some(runs) = runs {
        if runs == 0 || runs > Simulation::MAX_RUNS {
            return Err(format!(
                "--runs {runs} is outside 1 to 1,000,000: give a number of runs such as 10000"
            ));
        }
        sim.runs = runs;
    }
    if let Some(seed) = seed {
        sim.seed = seed;
    }
    Ok(sim)
}

/// Notes a reader needs to read the figures right.
fn notes(deal: &ValidDeal, sim: &Simulation) -> Vec<String> {
    let mut notes = Vec::new();
    if deal.simulation.is_none() {
        notes.push(
            "the sheet has no [simulation]: nothing is drawn, every run is the base case"
                .to_string(),
        );
    } else if sim.is_degenerate() {
        notes.push("[simulation] draws nothing: every run is the base case".to_string());
    }
    if sim.runs < 1_000 {
        notes.push(format!(
            "only {} runs: the 99th percentile rests on {} run(s)",
            sim.runs,
            sim.runs.div_ceil(100)
        ));
    }
    notes
}

/// Runs the simulation and renders it.
pub fn run(deal: ValidDeal, args: &SimulateArgs, warnings: Value) -> Result<String, String> {
    let sim = settings(&deal, args.runs, args.seed)?;
    let notes = notes(&deal, &sim);
    let base = Base::new(deal).map_err(|e| format!("cannot run the base case: {e}"))?;
    let bar = progress_bar(u64::from(sim.runs), args.no_progress);
    let summary = simulate(&base, &sim, &|| bar.inc(1))
        .map_err(|e| format!("a simulated run failed: {e}"))?;
    bar.finish_and_clear();
    Ok(match args.format {
        SimulateFormat::Json => {
            let mut v = summary_json(&summary);
            if let Some(m) = v.as_object_mut() {
                m.insert("notes".into(), json!(notes));
                m.insert("warnings".into(), warnings);
            }
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
        }
        SimulateFormat::Table => summary_table(&base.deal.name, &summary, &notes),
    })
}

/// A progress bar of `len` runs on standard error, hidden when `off` or when
/// standard error is not a terminal.
pub fn progress_bar(len: u64, off: bool) -> indicatif::ProgressBar {
    if off || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {per_sec}, {eta} left")
    {
        bar.set_style(style);
    }
    bar
}

/// Half the width of a 95% confidence interval of a share `p` of `n` runs:
/// `1.96 · sqrt(p (1 - p) / n)`, rounded to 4 decimals (it labels a figure; it is no
/// money).
fn sampling_error(p: Decimal, n: u32) -> Decimal {
    let p = p.to_f64().unwrap_or(0.0);
    let e = 1.96 * (p * (1.0 - p) / f64::from(n.max(1))).sqrt();
    Decimal::from_f64_retain(e).unwrap_or_default().round_dp(4)
}

/// The summary as JSON (docs/output.md): probabilities and IRRs as strings with ten
/// decimals, money as strings with two.
pub fn summary_json(s: &SimulationSummary) -> Value {
    let probabilities = [
        (
            "probability_of_payment_default",
            s.probability_of_payment_default,
        ),
        ("probability_of_halfway_fail", s.probability_of_halfway_fail),
        ("probability_of_lockup", s.probability_of_lockup),
        (
            "probability_of_customer_default",
            s.probability_of_customer_default,
        ),
    ];
    let mut m = serde_json::Map::new();
    m.insert("runs".into(), json!(s.runs));
    m.insert("seed".into(), json!(s.seed));
    for (key, p) in probabilities {
        m.insert(key.into(), ratio(Some(p)));
    }
    m.insert("expected_lender_loss".into(), money(s.expected_lender_loss));
    m.insert(
        "lender_loss_quantiles".into(),
        json!({
            "p95": money(s.lender_loss_quantiles.p95),
            "p99": money(s.lender_loss_quantiles.p99),
        }),
    );
    m.insert(
        "equity_irr_quantiles".into(),
        json!({
            "p5": ratio(s.equity_irr_quantiles.p5),
            "p50": ratio(s.equity_irr_quantiles.p50),
            "p95": ratio(s.equity_irr_quantiles.p95),
        }),
    );
    m.insert(
        "equity_irr_undefined_runs".into(),
        json!(s.equity_irr_undefined_runs),
    );
    m.insert(
        "loss_given_customer_default".into(),
        s.loss_given_customer_default.map_or(Value::Null, money),
    );
    m.insert(
        "sampling_error_95".into(),
        probabilities
            .iter()
            .map(|(key, p)| (key.to_string(), ratio(Some(sampling_error(*p, s.runs)))))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    );
    Value::Object(m)
}

/// The rows of the summary's table: the figure in words, its value and its 95%
/// sampling error (for a probability), as `boxflow simulate` and the HTML report's
/// Monte Carlo section print them.
pub fn summary_rows(s: &SimulationSummary) -> Vec<(&'static str, String, String)> {
    let p = |x: Decimal| percent(Some(x));
    let with_error = |x: Decimal| format!("± {}", p(sampling_error(x, s.runs)));
    vec![
        (
            "customer defaults within the term",
            p(s.probability_of_customer_default),
            with_error(s.probability_of_customer_default),
        ),
        (
            "payment default (senior unpaid)",
            p(s.probability_of_payment_default),
            with_error(s.probability_of_payment_default),
        ),
        (
            "halfway covenant fails",
            p(s.probability_of_halfway_fail),
            with_error(s.probability_of_halfway_fail),
        ),
        (
            "lock-up in some period",
            p(s.probability_of_lockup),
            with_error(s.probability_of_lockup),
        ),
        (
            "expected lender loss",
            thousands(s.expected_lender_loss),
            String::new(),
        ),
        (
            "lender loss, 95th percentile",
            thousands(s.lender_loss_quantiles.p95),
            String::new(),
        ),
        (
            "lender loss, 99th percentile",
            thousands(s.lender_loss_quantiles.p99),
            String::new(),
        ),
        (
            "loss given customer default (mean)",
            s.loss_given_customer_default
                .map_or_else(|| "no run defaults".to_string(), thousands),
            String::new(),
        ),
        (
            "equity IRR, 5th percentile",
            percent(s.equity_irr_quantiles.p5),
            String::new(),
        ),
        (
            "equity IRR, median",
            percent(s.equity_irr_quantiles.p50),
            String::new(),
        ),
        (
            "equity IRR, 95th percentile",
            percent(s.equity_irr_quantiles.p95),
            String::new(),
        ),
        (
            "runs without an equity IRR (left out above)",
            s.equity_irr_undefined_runs.to_string(),
            String::new(),
        ),
    ]
}

/// The summary as a terminal table.
pub fn summary_table(name: &str, s: &SimulationSummary, notes: &[String]) -> String {
    let mut t = styled(false);
    t.set_header(vec!["figure", "value", "95% sampling error"]);
    let rows = summary_rows(s);
    for (figure, value, error) in rows {
        t.add_row(vec![Cell::new(figure), right(value), right(error)]);
    }
    let mut out = format!(
        "{name}\n{} simulated runs (seed {}) against the debt sized at close\n{t}\n",
        s.runs, s.seed
    );
    for n in notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

/// The Monte Carlo section of `boxflow report --simulate`: the sheet's `[simulation]`
/// (with `--runs` and `--seed`) run as `boxflow simulate` runs it, handed to the
/// report as its table's rows and every run's outcome.
pub fn report_results(
    deal: &ValidDeal,
    runs: Option<u32>,
    seed: Option<u64>,
) -> Result<SimulationResults, String> {
    if deal.simulation.is_none() {
        return Err(format!(
            "`{}` has no [simulation] section, which --simulate draws from: add one \
             (docs/risk.md lists its keys, e.g. default_probability = \"0.04\") or leave \
             out --simulate",
            deal.name
        ));
    }
    let sim = settings(deal, runs, seed)?;
    let notes = notes(deal, &sim);
    let base = Base::new(deal.clone()).map_err(|e| format!("cannot run the base case: {e}"))?;
    let bar = progress_bar(u64::from(sim.runs), false);
    let outcomes = simulate_runs(&base, &sim, &|| bar.inc(1))
        .map_err(|e| format!("a simulated run failed: {e}"))?;
    bar.finish_and_clear();
    let summary = summarize(&sim, &outcomes);
    let quantile = |label: &str, value: Option<Decimal>| {
        value.map(|value| Quantile {
            label: label.to_string(),
            value,
        })
    };
    let mut dscrs: Vec<Decimal> = outcomes.iter().filter_map(|r| r.min_dscr).collect();
    dscrs.sort_unstable();
    let q = &summary.equity_irr_quantiles;
    Ok(SimulationResults {
        runs: summary.runs,
        seed: summary.seed,
        figures: summary_rows(&summary)
            .into_iter()
            .map(|(figure, value, error)| SimulationFigure {
                figure: figure.to_string(),
                value,
                error,
            })
            .collect(),
        notes,
        lender_losses: outcomes.iter().map(|r| r.lender_loss).collect(),
        equity_irrs: outcomes.iter().map(|r| r.equity_irr).collect(),
        min_dscrs: outcomes.iter().map(|r| r.min_dscr).collect(),
        loss_quantiles: [
            quantile("p95", Some(summary.lender_loss_quantiles.p95.amount())),
            quantile("p99", Some(summary.lender_loss_quantiles.p99.amount())),
        ]
        .into_iter()
        .flatten()
        .collect(),
        irr_quantiles: [
            quantile("p5", q.p5),
            quantile("median", q.p50),
            quantile("p95", q.p95),
        ]
        .into_iter()
        .flatten()
        .collect(),
        dscr_quantiles: [
            quantile("p5", nearest_rank(&dscrs, 5)),
            quantile("median", nearest_rank(&dscrs, 50)),
            quantile("p95", nearest_rank(&dscrs, 95)),
        ]
        .into_iter()
        .flatten()
        .collect(),
    })
}
