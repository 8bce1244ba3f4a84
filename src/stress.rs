//! `boxflow stress`: the base case and every scenario of a deal (its `[[scenario]]`
//! tables and `--scenario` lines) against the debt sized at close, with the solvers'
//! breakpoints; or a cartesian grid of scenarios run in parallel. Table, CSV or JSON
//! (docs/scenarios.md).

use boxflow::report::format::{
    dscr, money as thousands, percent, NOT_MEANINGFUL, NOT_MEANINGFUL_SHORT,
};
use boxflow::report::table::{pass, right, styled};
use std::io::IsTerminal;
use std::str::FromStr;

use boxflow::core::{round10_text, Digits, Money, Share};
use boxflow::model::{Commitment, ReLease, Scenario, ValidDeal};
use boxflow::scenario::solve::{self, DefaultSolution, PriceSolution, Probe, RateSolution};
use boxflow::scenario::{
    parse_scenario, run_grid_each, run_scenarios, scenario_values, Base, Dimension, Grid, GridRow,
    Metric, MetricValue, Outcome,
};
use comfy_table::{Cell, Table};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use boxflow::report::json::{money, ratio};

/// The output formats of `boxflow stress`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StressFormat {
    /// Terminal tables.
    Table,
    /// One CSV row per scenario or grid point.
    Csv,
    /// One JSON object.
    Json,
    /// A grid of two keys as a two-way table of one `--metric`: rows for the first
    /// key's values, columns for the second's.
    Matrix,
    /// The same two-way table as CSV.
    MatrixCsv,
}

impl StressFormat {
    fn is_matrix(self) -> bool {
        matches!(self, StressFormat::Matrix | StressFormat::MatrixCsv)
    }
}

/// The arguments of `boxflow stress`.
#[derive(Clone, Debug, clap::Args)]
pub struct StressArgs {
    /// Deal sheet (TOML).
    pub deal: std::path::PathBuf,
    /// A scenario written on one line, run after the deal sheet's own, e.g.
    /// "default=18,gap=6,re_lease=0.60" or "name=Rates up,rate=300" (repeatable).
    #[arg(long = "scenario", value_name = "SPEC")]
    pub scenarios: Vec<String>,
    /// Run a cartesian grid instead, e.g. "price=1.60..2.60:0.10,default=6..60:6".
    #[arg(long, value_name = "SPEC")]
    pub grid: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StressFormat::Table)]
    pub format: StressFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Skip the solvers (breakpoints) after the scenarios.
    #[arg(long)]
    pub no_solve: bool,
    /// Target gearing of the price solver (default: the senior's sizing max_gearing).
    #[arg(long, value_name = "SHARE")]
    pub gearing: Option<String>,
    /// Re-lease assumed by the default solver: periods without revenue after the default.
    #[arg(long, value_name = "PERIODS", default_value_t = 0)]
    pub re_lease_after: u32,
    /// Re-lease assumed by the default solver: price share of the re-lease (none: no re-lease).
    #[arg(long, value_name = "SHARE")]
    pub re_lease_share: Option<String>,
    /// No progress bar for a grid (it is only drawn on a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// The figure of a `--format matrix` or `matrix-csv` grid: a metric name
    /// (min_dscr, lender_loss, equity_irr, covenants, ...).
    #[arg(long, value_name = "NAME")]
    pub metric: Option<String>,
}

/// The most values either key of a matrix may have: 200 (docs/limits.md). A bigger
/// grid is written with `--format csv` or `--format json`, one row per point.
pub const MAX_MATRIX_SIDE: usize = 200;

/// The widest terminal matrix, in characters: 120.
pub const MAX_MATRIX_WIDTH: usize = 120;

/// A grid shown as a two-way table: the metric, and which axes are its rows and columns.
#[derive(Clone, Copy, Debug)]
struct MatrixSpec {
    metric: Metric,
    rows: usize,
    columns: usize,
}

/// The solvers' answers.
#[derive(Clone, Debug)]
pub struct Breakpoints {
    /// The minimum price: one answer for every line at one price, or one per line (the
    /// others as written) when the lines' prices differ; empty without a sized senior
    /// facility and `--gearing`.
    pub prices: Vec<PriceSolution>,
    /// The capacity lines' names (`None` for a line without one), to label the answers.
    pub lines: Vec<Option<String>>,
    /// The earliest safe customer default.
    pub default: DefaultSolution,
    /// The largest rate shock survived.
    pub rate: RateSolution,
}

fn decimal(flag: &str, text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text.trim()).map_err(|_| format!("{flag} `{text}` is not a decimal number"))
}

fn share(flag: &str, text: &str) -> Result<Share, String> {
    let x = decimal(flag, text)?;
    if x < Decimal::ZERO || x > Decimal::ONE {
        return Err(format!("{flag} `{text}` is not a share in [0, 1]"));
    }
    Ok(Share::new(x))
}

/// The most grid points the terminal table shows: 10,000 (docs/limits.md). A bigger grid
/// is written with `--format csv` or `--format json`, which stream row by row.
pub const MAX_TABLE_POINTS: usize = 10_000;

/// What `boxflow stress` has to write: a text, or a grid whose rows are run and written
/// as they come.
pub enum Stressed {
    /// The whole output.
    Text(String),
    /// A grid to run and write row by row ([`GridJob::write`]).
    Grid(Box<GridJob>),
}

/// Why a grid's output stopped.
#[derive(Debug)]
pub enum GridFail {
    /// The output could not be written.
    Write(std::io::Error),
    /// A run broke an invariant.
    Invariant(String),
    /// The output can't be shown as asked (a matrix too wide for a terminal).
    Refused(String),
}

impl From<std::io::Error> for GridFail {
    fn from(e: std::io::Error) -> GridFail {
        GridFail::Write(e)
    }
}

impl From<csv::Error> for GridFail {
    fn from(e: csv::Error) -> GridFail {
        GridFail::Write(e.into())
    }
}

/// A grid ready to run: the base case, the grid and the output format.
pub struct GridJob {
    name: String,
    base: Base,
    grid: Grid,
    format: StressFormat,
    no_progress: bool,
    /// The sheet's warnings as JSON, the JSON output's `"warnings"`.
    warnings: Value,
    /// The two-way table to write, for the matrix formats.
    matrix: Option<MatrixSpec>,
}

/// Runs `boxflow stress` on a deal read from its sheet; returns what to write.
/// `warnings`: the sheet's warnings as JSON, added to the JSON output.
pub fn stress(deal: ValidDeal, args: &StressArgs, warnings: Value) -> Result<Stressed, String> {
    let name = deal.name.clone();
    let mut scenarios: Vec<Scenario> = deal.scenarios.clone();
    let mut grid_base = None;
    for line in &args.scenarios {
        let s = parse_scenario(line).map_err(|e| format!("--scenario `{line}`: {e}"))?;
        if let Some(i) = boxflow::model::validate_scenario(&deal, &s).first() {
            return Err(format!("--scenario `{line}`: {} ({})", i.message, i.help));
        }
        if args.grid.is_some() {
            grid_base =
                Some(scenario_values(line).map_err(|e| format!("--scenario `{line}`: {e}"))?);
        }
        scenarios.push(s);
    }
    let metric = args
        .metric
        .as_deref()
        .map(|m| m.parse::<Metric>().map_err(|e| format!("--metric: {e}")))
        .transpose()?;
    if args.format.is_matrix() && args.grid.is_none() {
        return Err(
            "--format matrix shows a grid of two keys: give --grid, e.g. \
                    --grid \"price=1.60..2.60:0.10,default=6..60:6\" --metric min_dscr"
                .into(),
        );
    }
    if metric.is_some() && !args.format.is_matrix() {
        return Err(
            "--metric chooses the figure of a two-way table: give --format matrix \
                    or --format matrix-csv (the other formats show every metric)"
                .into(),
        );
    }
    if args.grid.is_some() && args.scenarios.len() > 1 {
        return Err("--grid takes at most one --scenario, the base of every grid point".into());
    }
    let base = Base::new(deal).map_err(|e| format!("cannot run `{name}`: {e}"))?;

    if let Some(spec) = &args.grid {
        let grid = Grid::parse(spec)
            .and_then(|g| match &grid_base {
                Some(b) => g.with_base(b),
                None => Ok(g),
            })
            .map_err(|e| format!("--grid: {e}"))?;
        grid.check(&base.deal).map_err(|e| format!("--grid: {e}"))?;
        let matrix = if args.format.is_matrix() {
            Some(matrix_spec(&grid, metric)?)
        } else {
            None
        };
        if args.format == StressFormat::Table && grid.len() > MAX_TABLE_POINTS {
            return Err(format!(
                "--grid: {} points are too many for a table (at most {MAX_TABLE_POINTS}): \
                 use --format csv or --format json, which are written row by row",
                grid.len()
            ));
        }
        return Ok(Stressed::Grid(Box::new(GridJob {
            name,
            base,
            grid,
            format: args.format,
            no_progress: args.no_progress,
            warnings,
            matrix,
        })));
    }

    // A scenario that cannot run gets its own row with its error, as a grid point does.
    let outcomes: Vec<ScenarioRow> = run_scenarios(&base, &scenarios)
        .into_iter()
        .map(|(n, o)| (n, o.map_err(|e| e.to_string())))
        .collect();
    check_invariants(outcomes.iter().filter_map(|(_, o)| o.as_ref().ok()))?;
    let breakpoints = if args.no_solve {
        None
    } else {
        Some(breakpoints(&base, args)?)
    };
    let senior = base.plan.senior().map_or(Money::ZERO, |s| s.commitment);
    let text = match args.format {
        StressFormat::Table => stress_table(&name, senior, &outcomes, breakpoints.as_ref()),
        StressFormat::Csv => outcomes_csv(&outcomes).map_err(|e| e.to_string())?,
        // Refused above: a matrix needs a grid.
        StressFormat::Matrix | StressFormat::MatrixCsv => String::new(),
        StressFormat::Json => {
            let v = json!({
                "deal": name,
                "senior_commitment": money(senior),
                "scenarios": outcomes.iter().map(|(n, o)| match o {
                    Ok(o) => outcome_json(o),
                    Err(e) => json!({"name": n, "error": e}),
                }).collect::<Vec<_>>(),
                "solvers": breakpoints.as_ref().map(breakpoints_json),
                "warnings": warnings,
            });
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
        }
    };
    Ok(Stressed::Text(text))
}

/// A scenario's name and its outcome, or why it could not run.
pub type ScenarioRow = (String, Result<Outcome, String>);

impl GridJob {
    /// Runs the grid and writes its rows to `w` as they come (the table, capped at
    /// [`MAX_TABLE_POINTS`], is written whole).
    pub fn write(&self, w: &mut dyn std::io::Write) -> Result<(), GridFail> {
        let bar = progress_bar(self.grid.len() as u64, self.no_progress);
        // A hidden bar (`--no-progress`, or no terminal) draws nothing: it is not told
        // of each point (each `inc` reads the clock).
        let shown = !bar.is_hidden();
        let progress = || {
            if shown {
                bar.inc(1);
            }
        };
        let result = match self.format {
            StressFormat::Table => {
                let mut rows = Vec::with_capacity(self.grid.len());
                run_grid_each(&self.base, &self.grid, true, &progress, |row| {
                    rows.push(row);
                    Ok::<(), GridFail>(())
                })
                .and_then(|()| {
                    check_invariants(rows.iter().filter_map(|r| r.outcome.as_ref().ok()))
                        .map_err(GridFail::Invariant)?;
                    w.write_all(grid_table(&self.name, &self.grid, &rows).as_bytes())?;
                    Ok(())
                })
            }
            StressFormat::Csv => {
                let mut out = csv::Writer::from_writer(&mut *w);
                let mut header: Vec<String> = self.dims();
                header.extend(csv_columns().into_iter().map(String::from));
                header.push("error".into());
                out.write_record(&header)?;
                run_grid_each(&self.base, &self.grid, true, &progress, |r| {
                    row_invariants(&r)?;
                    write_grid_csv_row(&mut out, &r)?;
                    Ok::<(), GridFail>(())
                })
                .and_then(|()| out.flush().map_err(GridFail::Write))
            }
            StressFormat::Json => self.write_json(w, &progress),
            StressFormat::Matrix | StressFormat::MatrixCsv => match self.matrix {
                Some(m) => self.write_matrix(w, m, &progress),
                None => Ok(()),
            },
        };
        bar.finish_and_clear();
        result?;
        w.flush()?;
        Ok(())
    }

    fn dims(&self) -> Vec<String> {
        self.grid
            .axes
            .iter()
            .map(|a| self.grid.label(a.dimension))
            .collect()
    }

    /// Runs the grid and writes it as a two-way table of one metric: the terminal
    /// table (whole, at most [`MAX_MATRIX_SIDE`] squared cells) or CSV, row by row.
    fn write_matrix(
        &self,
        w: &mut dyn std::io::Write,
        m: MatrixSpec,
        progress: &(dyn Fn() + Sync),
    ) -> Result<(), GridFail> {
        let rows = &self.grid.axes[m.rows];
        let columns = &self.grid.axes[m.columns];
        let n = columns.values.len();
        let corner = format!(
            "{} \\ {}",
            self.grid.label(rows.dimension),
            self.grid.label(columns.dimension)
        );
        if self.format == StressFormat::MatrixCsv {
            let mut out = csv::Writer::from_writer(&mut *w);
            let mut header = vec![corner];
            header.extend(columns.values.iter().map(|v| v.to_string()));
            out.write_record(&header)?;
            let mut row: Vec<String> = Vec::with_capacity(n + 1);
            let mut at = 0usize;
            run_grid_each(&self.base, &self.grid, true, progress, |r| {
                row_invariants(&r)?;
                if row.is_empty() {
                    row.push(rows.values[at / n].to_string());
                }
                row.push(match &r.outcome {
                    Ok(o) => text(metric_json(m.metric, o)),
                    Err(_) => "error".into(),
                });
                at += 1;
                if row.len() == n + 1 {
                    out.write_record(&row)?;
                    row.clear();
                }
                Ok::<(), GridFail>(())
            })?;
            out.flush()?;
            return Ok(());
        }
        let mut cells: Vec<String> = Vec::with_capacity(self.grid.len());
        let mut failing = 0usize;
        let mut errors = 0usize;
        run_grid_each(&self.base, &self.grid, true, progress, |r| {
            row_invariants(&r)?;
            let show = |o: &Outcome| match m.metric.show(o) {
                x if x == NOT_MEANINGFUL => NOT_MEANINGFUL_SHORT.to_string(),
                x => x,
            };
            cells.push(match &r.outcome {
                Ok(o) if !o.covenants => {
                    failing += 1;
                    format!("{}*", show(o))
                }
                Ok(o) => format!("{} ", show(o)),
                Err(_) => {
                    errors += 1;
                    "error ".into()
                }
            });
            Ok::<(), GridFail>(())
        })?;
        let text = matrix_text(&MatrixText {
            name: &self.name,
            metric: m.metric,
            corner: &corner,
            rows: &rows.values,
            columns: &columns.values,
            cells: &cells,
            fixed: &self.fixed_shocks(m),
            failing,
            errors,
        })
        .map_err(GridFail::Refused)?;
        w.write_all(text.as_bytes())?;
        Ok(())
    }

    /// The grid's single-value axes (fixed shocks), as `key=value` for a matrix's title.
    fn fixed_shocks(&self, m: MatrixSpec) -> Vec<String> {
        self.grid
            .axes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != m.rows && *i != m.columns)
            .map(|(_, a)| {
                format!(
                    "{}={}",
                    self.grid.label(a.dimension),
                    a.values.first().map_or(String::new(), |v| v.to_string())
                )
            })
            .collect()
    }

    /// The JSON object `{"deal", "grid", "points", "warnings"}`, pretty-printed as
    /// `serde_json::to_string_pretty` prints it, one point at a time.
    fn write_json(
        &self,
        w: &mut dyn std::io::Write,
        progress: &(dyn Fn() + Sync),
    ) -> Result<(), GridFail> {
        let axes = Value::Array(
            self.grid
                .axes
                .iter()
                .map(|a| {
                    json!({
                        "dimension": a.dimension.name(),
                        "values": a.values.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
                    })
                })
                .collect(),
        );
        write!(
            w,
            "{{\n  \"deal\": {},\n  \"grid\": {},\n  \"line\": {},\n  \"points\": [",
            Value::String(self.name.clone()),
            indented(&axes, "  "),
            self.grid
                .line
                .as_ref()
                .map_or(Value::Null, |l| Value::String(l.clone()))
        )?;
        let mut first = true;
        let mut buf = Vec::new();
        let text = PointText::at(2, self.grid.axes.iter().map(|a| a.dimension));
        run_grid_each(&self.base, &self.grid, true, progress, |r| {
            row_invariants(&r)?;
            if !first {
                buf.push(b',');
            }
            first = false;
            newline(&mut buf, 2);
            write_grid_point(&mut buf, &r, &text);
            if buf.len() >= 1 << 16 {
                w.write_all(&buf)?;
                buf.clear();
            }
            Ok::<(), GridFail>(())
        })?;
        w.write_all(&buf)?;
        write!(
            w,
            "\n  ],\n  \"warnings\": {}\n}}\n",
            indented(&self.warnings, "  ")
        )?;
        Ok(())
    }
}

/// `v` pretty-printed, every line after the first indented by `indent`.
fn indented(v: &Value, indent: &str) -> String {
    serde_json::to_string_pretty(v)
        .unwrap_or_default()
        .replace('\n', &format!("\n{indent}"))
}

fn row_invariants(r: &GridRow) -> Result<(), GridFail> {
    match &r.outcome {
        Ok(o) => check_invariants(std::iter::once(o)).map_err(GridFail::Invariant),
        Err(_) => Ok(()),
    }
}

fn check_invariants<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> Result<(), String> {
    for o in outcomes {
        if let Some(n) = o.violations.filter(|n| *n > 0) {
            return Err(format!(
                "internal error: {n} invariants of the run do not hold in scenario `{}`",
                o.name
            ));
        }
    }
    Ok(())
}

fn progress_bar(len: u64, off: bool) -> indicatif::ProgressBar {
    if off || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} scenarios, {per_sec}, {eta} left",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Which axes of a grid are a matrix's rows and columns: the two that vary (a
/// single-value axis, or the base `--scenario`'s, fixes a shock); an error when not
/// exactly two vary, when a side is above [`MAX_MATRIX_SIDE`] or without `--metric`.
fn matrix_spec(grid: &Grid, metric: Option<Metric>) -> Result<MatrixSpec, String> {
    let metric = metric.ok_or_else(|| {
        format!(
            "--format matrix needs --metric NAME, the figure in each cell: one of {}",
            Metric::ALL.map(Metric::name).join(", ")
        )
    })?;
    let varying: Vec<usize> = grid
        .axes
        .iter()
        .enumerate()
        .filter(|(_, a)| a.values.len() > 1)
        .map(|(i, _)| i)
        .collect();
    let [rows, columns] = varying[..] else {
        return Err(format!(
            "--format matrix is a two-way table: its --grid needs exactly two keys with \
             more than one value (rows, then columns), and this one has {}; \
             use --format table, csv or json for {}",
            varying.len(),
            if varying.len() < 2 {
                "a list of points"
            } else {
                "more keys, or fix all but two with single values (gap=6)"
            }
        ));
    };
    for i in [rows, columns] {
        let a = &grid.axes[i];
        if a.values.len() > MAX_MATRIX_SIDE {
            return Err(format!(
                "--format matrix: `{}` has {} values, more than {MAX_MATRIX_SIDE} a side: \
                 use a larger step, or --format csv, which streams one row per point",
                grid.label(a.dimension),
                a.values.len()
            ));
        }
    }
    Ok(MatrixSpec {
        metric,
        rows,
        columns,
    })
}

/// What a terminal matrix shows.
struct MatrixText<'a> {
    name: &'a str,
    metric: Metric,
    corner: &'a str,
    rows: &'a [Decimal],
    columns: &'a [Decimal],
    /// Row by row, each cell its value and a mark: `*` fails a covenant, ` ` passes.
    cells: &'a [String],
    fixed: &'a [String],
    failing: usize,
    errors: usize,
}

/// A two-way table for a terminal, at most [`MAX_MATRIX_WIDTH`] characters wide: the
/// row key's values down the left, the column key's across the top, every cell right
/// aligned and marked, then the legend. Too wide: an error that says how to narrow it.
fn matrix_text(m: &MatrixText<'_>) -> Result<String, String> {
    let left = m
        .rows
        .iter()
        .map(|v| v.to_string().chars().count())
        .chain(std::iter::once(m.corner.chars().count()))
        .max()
        .unwrap_or(0);
    let n = m.columns.len().max(1);
    let widths: Vec<usize> = m
        .columns
        .iter()
        .enumerate()
        .map(|(j, v)| {
            m.cells
                .iter()
                .skip(j)
                .step_by(n)
                .map(|c| c.chars().count())
                .chain(std::iter::once(v.to_string().chars().count() + 1))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let width = left + 3 + widths.iter().map(|w| w + 1).sum::<usize>();
    if width > MAX_MATRIX_WIDTH {
        return Err(format!(
            "the matrix is {width} characters wide, more than {MAX_MATRIX_WIDTH}: give the \
             column key (the second in --grid) fewer values (a larger step or a shorter \
             range), put the key with fewer values second, or write it with \
             --format matrix-csv"
        ));
    }
    let mut out = format!(
        "{}\n{} ({}), against the debt sized at close{}\n\n",
        m.name,
        m.metric.describe(),
        m.metric.name(),
        if m.fixed.is_empty() {
            String::new()
        } else {
            format!("; fixed: {}", m.fixed.join(", "))
        }
    );
    let mut line = format!("{:>left$} |", m.corner);
    for (v, w) in m.columns.iter().zip(&widths) {
        line += &format!(" {:>w$}", format!("{v} "));
    }
    out += line.trim_end();
    out.push('\n');
    out += &format!("{}-+{}\n", "-".repeat(left), "-".repeat(width - left - 2));
    for (i, r) in m.rows.iter().enumerate() {
        let mut line = format!("{:>left$} |", r.to_string());
        for (j, w) in widths.iter().enumerate() {
            let cell = m.cells.get(i * n + j).map_or("", String::as_str);
            line += &format!(" {cell:>w$}");
        }
        out += line.trim_end();
        out.push('\n');
    }
    out += &format!(
        "\n* fails a covenant (the halfway covenant, a payment or DSCR default, or an LTV \
         breach): {} of {} points\n",
        m.failing,
        m.cells.len()
    );
    if m.cells.iter().any(|c| c.starts_with(NOT_MEANINGFUL_SHORT)) {
        out += &format!(
            "{NOT_MEANINGFUL_SHORT}: a negative DSCR (CFADS < 0), not meaningful as a cover\n"
        );
    }
    if m.errors > 0 {
        out += &format!(
            "error: {} points could not run (--format csv gives each message)\n",
            m.errors
        );
    }
    Ok(out)
}

/// Runs the three solvers with the command line's assumptions.
pub fn breakpoints(base: &Base, args: &StressArgs) -> Result<Breakpoints, String> {
    let target = match &args.gearing {
        Some(g) => Some(share("--gearing", g)?),
        None => match base.deal.senior().map(|f| &f.commitment) {
            Some(Commitment::Sized { max_gearing, .. }) => Some(*max_gearing),
            _ => None,
        },
    };
    let re_lease = args
        .re_lease_share
        .as_deref()
        .map(|s| {
            share("--re-lease-share", s).map(|price_share| ReLease {
                after_periods: args.re_lease_after,
                price_share,
            })
        })
        .transpose()?;
    let fail = |e: boxflow::scenario::ScenarioError| format!("solver: {e}");
    let prices = match target {
        Some(t) if base.deal.senior().is_some() => {
            if solve::prices_differ(&base.deal) {
                (0..base.deal.contract.capacity.len())
                    .map(|i| solve::min_price_of_line(&base.deal, t, i).map_err(fail))
                    .collect::<Result<Vec<_>, _>>()?
            } else {
                vec![solve::min_price(&base.deal, t).map_err(fail)?]
            }
        }
        _ => Vec::new(),
    };
    Ok(Breakpoints {
        prices,
        lines: base
            .deal
            .contract
            .capacity
            .iter()
            .map(|l| l.name.clone())
            .collect(),
        default: solve::earliest_safe_default(base, re_lease).map_err(fail)?,
        rate: solve::max_rate_shock(base).map_err(fail)?,
    })
}

/// The first new event of a scenario, or for the base case its own first event
/// (labelled `base:`).
fn first_new_event(o: &Outcome, is_base: bool) -> String {
    let event = if is_base {
        o.first_event.as_ref()
    } else {
        o.first_new_event.as_ref()
    };
    event.map_or("-".into(), |e| {
        format!(
            "{}{} in period {}",
            if is_base { "base: " } else { "" },
            e.event,
            e.period
        )
    })
}

fn outcome_cells(o: &Outcome, is_base: bool) -> Vec<Cell> {
    vec![
        Cell::new(pass(o.covenants)),
        Cell::new(pass(o.halfway_covenant)),
        right(match (o.min_dscr, o.min_dscr_period) {
            (Some(d), Some(k)) => format!("{} (p{k})", dscr(Some(d))),
            _ => "-".into(),
        }),
        Cell::new(first_new_event(o, is_base)),
        right(thousands(o.lender_loss)),
        right(percent(o.equity_irr)),
    ]
}

const OUTCOME_HEADER: [&str; 6] = [
    "covenants",
    "halfway",
    "min DSCR",
    "first new event",
    "lender loss",
    "equity IRR",
];

/// The scenario table and the breakpoints, for a terminal.
pub fn stress_table(
    name: &str,
    senior: Money,
    outcomes: &[ScenarioRow],
    breakpoints: Option<&Breakpoints>,
) -> String {
    let mut t = styled(false);
    let mut header = vec!["scenario"];
    header.extend(OUTCOME_HEADER);
    t.set_header(header);
    for (i, (name, o)) in outcomes.iter().enumerate() {
        let mut row = vec![Cell::new(name)];
        match o {
            Ok(o) => row.extend(outcome_cells(o, i == 0)),
            Err(e) => row.push(Cell::new(format!("error: {e}"))),
        }
        t.add_row(row);
    }
    let mut out = format!(
        "{name}\nThe base case and {} scenarios against the debt sized at close (senior commitment {})\n{t}\n\
         first new event: the first event the base case does not have in that period (the base case's row shows its own first event)\n",
        outcomes.len().saturating_sub(1),
        thousands(senior)
    );
    if let Some(b) = breakpoints {
        out.push_str(
            "Breakpoints (bisection over the whole waterfall; each answer is run again with the point one step beyond)\n",
        );
        out.push_str(&breakpoints_table(b).to_string());
        out.push('\n');
    }
    out
}

fn check(ok: bool) -> &'static str {
    if ok {
        "checked"
    } else {
        "NOT MONOTONE: see JSON"
    }
}

/// The breakpoints as rows of words (question, answer, check), for the HTML report.
pub fn breakpoint_rows(b: &Breakpoints) -> Vec<[String; 3]> {
    breakpoints_table(b)
        .row_iter()
        .map(|row| {
            let mut cells = row.cell_iter().map(|c| c.content());
            [(); 3].map(|()| cells.next().unwrap_or_default())
        })
        .collect()
}

fn breakpoints_table(b: &Breakpoints) -> Table {
    let mut t = styled(false);
    t.set_header(vec!["question", "answer", "check"]);
    for p in &b.prices {
        {
            let question = match p.line {
                None => format!(
                    "lowest price at which the sized debt reaches {} gearing with the halfway covenant",
                    percent(Some(p.target_gearing.value()))
                ),
                Some(i) => format!(
                    "lowest price of {} (the other lines as written) at which the sized debt reaches {} gearing with the halfway covenant",
                    line_label(b, i),
                    percent(Some(p.target_gearing.value()))
                ),
            };
            let (answer, proof) = match (p.price, &p.at) {
                (Some(price), Some(at)) => (
                    format!(
                        "${price} per GPU-hour (senior {})",
                        thousands(Money::round2(at.figure))
                    ),
                    format!(
                        "{}: holds at {price}{}",
                        check(p.checked()),
                        p.below
                            .as_ref()
                            .map_or(String::new(), |b| format!(", fails at {}", b.at))
                    ),
                ),
                _ => (
                    format!("none up to ${} per GPU-hour", solve::MAX_PRICE),
                    "-".into(),
                ),
            };
            t.add_row(vec![question, answer, proof]);
        }
    }
    if b.prices.is_empty() {
        t.add_row(vec![
            "lowest price for a target gearing".to_string(),
            "no sized senior facility: give --gearing".to_string(),
            "-".to_string(),
        ]);
    }
    let d = &b.default;
    let assumption = d.re_lease.as_ref().map_or("no re-lease".to_string(), |r| {
        format!(
            "re-let after {} periods at {} of the price",
            r.after_periods,
            percent(Some(r.price_share.value()))
        )
    });
    let (answer, proof) = match d.period {
        Some(k) if k > d.periods => (
            "none: the customer must pay every period".to_string(),
            format!(
                "{}: senior loss {} with a default in period {}",
                check(d.checked()),
                d.before
                    .as_ref()
                    .map_or("-".into(), |p| thousands(Money::round2(p.figure))),
                d.periods
            ),
        ),
        Some(k) => (
            format!(
                "period {k}: the customer pays {} periods first",
                k.saturating_sub(1)
            ),
            format!(
                "{}: no senior loss from {k}{}",
                check(d.checked()),
                d.before.as_ref().map_or(String::new(), |p| format!(
                    ", loss {} from {}",
                    thousands(Money::round2(p.figure)),
                    p.at
                ))
            ),
        ),
        None => (
            "none: the senior lender loses even in the base case".into(),
            "-".into(),
        ),
    };
    t.add_row(vec![
        format!("earliest customer default the senior lender survives ({assumption})"),
        answer,
        proof,
    ]);
    let r = &b.rate;
    let (answer, proof) = match r.bps {
        Some(bps) if r.unbounded => (
            format!("more than +{bps} bps (no floating debt at risk)"),
            format!("{}: no payment default at {bps}", check(r.checked())),
        ),
        Some(bps) => (
            format!("+{bps} bps on the index"),
            format!(
                "{}: no payment default at {bps}, one at {}",
                check(r.checked()),
                bps + 1
            ),
        ),
        None => (
            "none: the base case already has a payment default".into(),
            "-".into(),
        ),
    };
    t.add_row(vec![
        "largest rate shock without a payment default".to_string(),
        answer,
        proof,
    ]);
    t
}

/// One metric of an outcome as JSON: a verdict as `"pass"`/`"fail"`, money as a
/// string with two decimals, a ratio or rate as a string with ten, a count or a
/// period as a number (`null` when undefined) ([`Scalar`]).
pub fn metric_json(m: Metric, o: &Outcome) -> Value {
    match Scalar::of(m, o) {
        Scalar::Null => Value::Null,
        Scalar::Word(w) => Value::String(w.into()),
        Scalar::Text(t) => Value::String(t.as_str().into()),
        Scalar::Whole(n) => json!(n),
    }
}

/// One metric of an outcome as the JSON and CSV outputs write it: a verdict as
/// `pass`/`fail`, money with two decimals ([`Money::text`]), a ratio or rate rounded
/// to ten decimals ([`round10_text`]; JSON strings all three), a count or a period as
/// a whole number (a JSON number), or nothing when undefined (`null`, an empty CSV
/// field).
enum Scalar {
    Null,
    Word(&'static str),
    Text(Digits),
    Whole(usize),
}

impl Scalar {
    fn of(m: Metric, o: &Outcome) -> Scalar {
        match m.of(o) {
            MetricValue::Verdict(v) => Scalar::Word(pass(v)),
            MetricValue::Number(x) => x.map_or(Scalar::Null, |x| Scalar::Text(round10_text(x))),
            MetricValue::Money(x) => Scalar::Text(x.text()),
            MetricValue::Count(n) => Scalar::Whole(n),
            MetricValue::Period(p) => p.map_or(Scalar::Null, Scalar::Whole),
        }
    }

    /// Its JSON text: a string quoted, a number or `null` as it is.
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Scalar::Null => out.extend_from_slice(b"null"),
            Scalar::Word(w) => quoted(out, w.as_bytes()),
            Scalar::Text(t) => quoted(out, t.as_bytes()),
            Scalar::Whole(n) => out.extend_from_slice(whole(*n).as_bytes()),
        }
    }

    /// Its CSV field: the JSON value unquoted, empty for `null`.
    fn csv_field<R>(&self, field: impl FnOnce(&str) -> R) -> R {
        match self {
            Scalar::Null => field(""),
            Scalar::Word(w) => field(w),
            Scalar::Text(t) => field(t.as_str()),
            Scalar::Whole(n) => field(whole(*n).as_str()),
        }
    }
}

/// A whole number's digits (as serde_json and `Display` write it).
fn whole(n: usize) -> Digits {
    Digits::fixed_point(false, n as u128, 0)
}

/// `s` as a JSON string, as serde_json writes it: between quotes, as it is when
/// nothing in it needs escaping (no `"`, `\` or control character), otherwise with
/// serde_json's escapes.
fn json_string(out: &mut Vec<u8>, s: &str) {
    if plain(s) {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(Value::String(s.into()).to_string().as_bytes());
    }
}

/// `text` between quotes: a JSON string of bytes that need no escape (a number's
/// digits, sign and point; a word or key of the program's own, [`plain`]).
fn quoted(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'"');
    out.extend_from_slice(text);
    out.push(b'"');
}

/// True when nothing in `s` needs escaping in a JSON string: no `"`, `\\` or control
/// character (a byte below 0x20). Eight bytes a word: a word `w` has a byte below
/// `n <= 128` exactly when `(w - n·0x0101…01) & !w & 0x8080…80` is not 0 (the first
/// such byte borrows; a byte that does not borrow and is 0x80 or above has its top
/// bit cleared by `!w`), and a byte equal to `c` when `w ^ c·0x0101…01` has a byte
/// below 1.
fn plain(s: &str) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & (ONES * 0x80) != 0;
    let plain_byte = |b: &u8| *b >= 0x20 && *b != b'"' && *b != b'\\';
    let mut words = s.as_bytes().chunks_exact(8);
    let words_plain = words.by_ref().all(|word| {
        let w = word.iter().fold(0_u64, |w, &b| w << 8 | u64::from(b));
        !(below(w, 0x20)
            || below(w ^ (ONES * u64::from(b'"')), 1)
            || below(w ^ (ONES * u64::from(b'\\')), 1))
    });
    words_plain && words.remainder().iter().all(plain_byte)
}

/// A JSON object written straight to bytes as `serde_json::to_writer_pretty` writes
/// it (two spaces an indent, `"key": value`, `{}` when empty), at any depth: a grid
/// point and an outcome without a `serde_json::Value` each.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    /// The depth of its keys.
    depth: usize,
    empty: bool,
}

impl<'a> Object<'a> {
    /// Opens an object whose `{` is at `depth`.
    fn open(out: &'a mut Vec<u8>, depth: usize) -> Object<'a> {
        out.push(b'{');
        Object {
            out,
            depth: depth + 1,
            empty: true,
        }
    }

    /// A key: `,` after the first, a new line, the indent and `"key": `; the value
    /// is to be written next, to the returned bytes. Every key is one of the
    /// program's own names, none of which needs escaping (tested:
    /// `every_key_of_a_row_is_plain`).
    fn key(&mut self, key: &'static str) -> &mut Vec<u8> {
        debug_assert!(plain(key));
        // Room for all of it at once: `,`, the new line and indent, `"key": `.
        self.out.reserve(2 * self.depth + key.len() + 6);
        match BREAK.get(usize::from(self.empty)..2 + 2 * self.depth) {
            Some(start) => self.out.extend_from_slice(start),
            None => {
                if !self.empty {
                    self.out.push(b',');
                }
                newline(self.out, self.depth);
            }
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
        self.out
    }

    /// A key with an object as its value, open at this object's depth.
    fn object(&mut self, key: &'static str) -> Object<'_> {
        let depth = self.depth;
        Object::open(self.key(key), depth)
    }

    /// `}`, on a new line unless the object is empty.
    fn close(self) {
        if !self.empty {
            newline(self.out, self.depth - 1);
        }
        self.out.push(b'}');
    }
}

/// A comma, a new line and the indent of up to depth 31, in one piece: what comes
/// before a key (`,` after the first key of an object) or a value of an array, copied
/// at once rather than byte by byte.
const BREAK: &[u8; 64] = b",\n                                                              ";

/// A new line and the indent of `depth`.
fn newline(out: &mut Vec<u8>, depth: usize) {
    match BREAK.get(1..2 + 2 * depth) {
        Some(line) => out.extend_from_slice(line),
        None => {
            out.push(b'\n');
            out.resize(out.len() + 2 * depth, b' ');
        }
    }
}

/// The keys of an outcome's row after its name: the metrics ([`Metric::ALL`]) in
/// their order, with the first event (`first_event` and its period) after
/// `min_dscr_total`. JSON and CSV share it.
enum RowKey {
    Metric(Metric),
    FirstEvent,
}

fn row_keys() -> impl Iterator<Item = RowKey> {
    Metric::ALL.into_iter().flat_map(|m| {
        let first_event = (m == Metric::MinDscrTotal).then_some(RowKey::FirstEvent);
        std::iter::once(RowKey::Metric(m)).chain(first_event)
    })
}

/// One outcome as JSON: its name, then every metric by its name ([`write_outcome`]).
pub fn outcome_json(o: &Outcome) -> Value {
    // The text at depth 0, made once for the process (a `stress` writes one outcome a
    // scenario, `prove` one a failing property).
    static TEXT: std::sync::OnceLock<OutcomeText> = std::sync::OnceLock::new();
    let mut out = Vec::new();
    write_outcome(&mut out, TEXT.get_or_init(|| OutcomeText::at(0)), o);
    // The writer's own text, valid JSON by construction (tested against serde_json).
    serde_json::from_slice(&out).unwrap_or(Value::Null)
}

/// The bytes `object` wrote since this was last called: a piece of fixed text.
fn piece(object: &mut Object<'_>) -> Vec<u8> {
    std::mem::take(object.out)
}

/// The fixed text of an outcome object whose `{` is at one depth, as [`Object`] writes
/// it, computed once and copied into every row: a grid writes thousands of outcomes
/// at one depth, and a piece copied at once costs less than the same text written key
/// by key.
struct OutcomeText {
    /// `{` and the name's key.
    open: Vec<u8>,
    /// Before each later key (`,`, the new line and indent, `"key": `), in the order
    /// of [`row_keys`], the first event's two keys for [`RowKey::FirstEvent`].
    keys: Vec<Vec<u8>>,
    /// An event object's text: before its event, between its event and its period,
    /// after its period.
    event: [Vec<u8>; 3],
    /// The new line, indent and `}` that close the outcome.
    close: Vec<u8>,
}

impl OutcomeText {
    /// The text of an outcome whose `{` is at `depth`: its name, then every metric by
    /// its name, with the first event and the first new event (`{"event", "period"}`
    /// or `null`) after `min_dscr_total`.
    fn at(depth: usize) -> OutcomeText {
        let mut out = Vec::new();
        let mut object = Object::open(&mut out, depth);
        object.key("name");
        let open = piece(&mut object);
        let mut keys = Vec::new();
        for key in row_keys() {
            let names = match key {
                RowKey::Metric(metric) => vec![metric.name()],
                RowKey::FirstEvent => vec!["first_event", "first_new_event"],
            };
            for name in names {
                object.key(name);
                keys.push(piece(&mut object));
            }
        }
        object.close();
        let close = out;
        let mut out = Vec::new();
        let mut event = Object::open(&mut out, depth + 1);
        event.key("event");
        let before = piece(&mut event);
        event.key("period");
        let between = piece(&mut event);
        event.close();
        OutcomeText {
            open,
            keys,
            event: [before, between, out],
            close,
        }
    }
}

/// An outcome as JSON in the text of `text` ([`OutcomeText::at`]).
fn write_outcome(out: &mut Vec<u8>, text: &OutcomeText, o: &Outcome) {
    out.extend_from_slice(&text.open);
    json_string(out, &o.name);
    let mut keys = text.keys.iter();
    let mut key = |out: &mut Vec<u8>| out.extend_from_slice(keys.next().map_or(&[], Vec::as_slice));
    for row_key in row_keys() {
        match row_key {
            RowKey::Metric(metric) => {
                key(out);
                Scalar::of(metric, o).write_json(out);
            }
            RowKey::FirstEvent => {
                for event in [o.first_event.as_ref(), o.first_new_event.as_ref()] {
                    key(out);
                    match event {
                        Some(e) => {
                            out.extend_from_slice(&text.event[0]);
                            json_string(out, e.event);
                            out.extend_from_slice(&text.event[1]);
                            Scalar::Whole(e.period).write_json(out);
                            out.extend_from_slice(&text.event[2]);
                        }
                        None => out.extend_from_slice(b"null"),
                    }
                }
            }
        }
    }
    out.extend_from_slice(&text.close);
}

fn probe_json(p: &Probe, at: &str, figure: &str, money_figure: bool) -> Value {
    let mut m = Map::new();
    m.insert(at.into(), Value::String(p.at.normalize().to_string()));
    m.insert("holds".into(), Value::Bool(p.holds));
    m.insert(
        figure.into(),
        if money_figure {
            money(Money::round2(p.figure))
        } else {
            json!(p.figure.normalize().to_string())
        },
    );
    Value::Object(m)
}

/// A capacity line as people read it: `` `Phase 2` `` or `line 2` (1-based) without a name.
fn line_label(b: &Breakpoints, i: usize) -> String {
    match b.lines.get(i).and_then(Option::as_deref) {
        Some(name) => format!("`{name}`"),
        None => format!("line {}", i + 1),
    }
}

/// The solvers' answers as JSON.
pub fn breakpoints_json(b: &Breakpoints) -> Value {
    let price_json = |p: &PriceSolution| {
        json!({
            "target_gearing": ratio(Some(p.target_gearing.value())),
            "target_commitment": money(p.target_commitment),
            "price": p.price.map(|x| { let mut x = x; x.rescale(4); x.to_string() }),
            "tolerance": "0.0001",
            "checked": p.checked(),
            "at": p.at.as_ref().map(|x| probe_json(x, "price", "senior_commitment", true)),
            "below": p.below.as_ref().map(|x| probe_json(x, "price", "senior_commitment", true)),
            "evaluations": p.evaluations,
        })
    };
    let price = b.prices.iter().find(|p| p.line.is_none()).map(price_json);
    let by_line: Vec<Value> = b
        .prices
        .iter()
        .filter_map(|p| {
            let i = p.line?;
            let mut v = price_json(p);
            if let Some(m) = v.as_object_mut() {
                m.insert("line".into(), json!(b.lines.get(i).cloned().flatten()));
                m.insert("line_index".into(), json!(i));
            }
            Some(v)
        })
        .collect();
    let d = &b.default;
    let r = &b.rate;
    json!({
        "min_price": price,
        "min_price_by_line": by_line,
        "earliest_safe_default": {
            "re_lease": d.re_lease.as_ref().map(|r| json!({
                "after_periods": r.after_periods,
                "price_share": ratio(Some(r.price_share.value())),
            })),
            "periods": d.periods,
            "period": d.period,
            "periods_paid": d.periods_paid,
            "tolerance": 1,
            "checked": d.checked(),
            "at": d.at.as_ref().map(|x| probe_json(x, "period", "senior_loss", true)),
            "before": d.before.as_ref().map(|x| probe_json(x, "period", "senior_loss", true)),
            "evaluations": d.evaluations,
        },
        "max_rate_shock": {
            "bps": r.bps,
            "unbounded": r.unbounded,
            "tolerance_bps": 1,
            "checked": r.checked(),
            "at": r.at.as_ref().map(|x| probe_json(x, "bps", "payment_defaults", false)),
            "beyond": r.beyond.as_ref().map(|x| probe_json(x, "bps", "payment_defaults", false)),
            "evaluations": r.evaluations,
        },
    })
}

/// The CSV columns of an outcome, after the scenario's name or the grid point's values.
fn csv_columns() -> Vec<&'static str> {
    row_keys()
        .flat_map(|k| match k {
            RowKey::Metric(m) => vec![m.name()],
            RowKey::FirstEvent => vec![
                "first_event",
                "first_event_period",
                "first_new_event",
                "first_new_event_period",
            ],
        })
        .collect()
}

fn text(v: Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn outcome_fields(o: &Outcome) -> Vec<String> {
    let mut fields = Vec::new();
    each_outcome_field(o, |f| fields.push(f.to_string()));
    fields
}

/// An outcome's CSV fields in the order of [`csv_columns`], each handed to `field`.
fn each_outcome_field(o: &Outcome, mut field: impl FnMut(&str)) {
    for key in row_keys() {
        match key {
            RowKey::Metric(m) => Scalar::of(m, o).csv_field(&mut field),
            RowKey::FirstEvent => {
                for e in [o.first_event.as_ref(), o.first_new_event.as_ref()] {
                    field(e.map_or("", |e| e.event));
                    match e {
                        Some(e) => field(whole(e.period).as_str()),
                        None => field(""),
                    }
                }
            }
        }
    }
}

fn outcomes_csv(outcomes: &[ScenarioRow]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["scenario"];
    header.extend(csv_columns());
    header.push("error");
    w.write_record(&header)?;
    for (name, o) in outcomes {
        let mut row = vec![name.clone()];
        match o {
            Ok(o) => {
                row.extend(outcome_fields(o));
                row.push(String::new());
            }
            Err(e) => {
                row.extend(csv_columns().iter().map(|_| String::new()));
                row.push(e.clone());
            }
        }
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A grid's rows as a terminal table.
pub fn grid_table(name: &str, grid: &Grid, rows: &[GridRow]) -> String {
    let mut t = styled(false);
    let mut header: Vec<String> = grid.axes.iter().map(|a| grid.label(a.dimension)).collect();
    header.extend(OUTCOME_HEADER.map(String::from));
    t.set_header(header);
    for r in rows {
        let mut row: Vec<Cell> = r.values.iter().map(|(_, v)| right(v.to_string())).collect();
        match &r.outcome {
            Ok(o) => row.extend(outcome_cells(o, false)),
            Err(e) => row.push(Cell::new(format!("error: {e}"))),
        }
        t.add_row(row);
    }
    let failing = rows
        .iter()
        .filter(|r| r.outcome.as_ref().is_ok_and(|o| !o.covenants))
        .count();
    format!(
        "{name}\nA grid of {} scenarios against the debt sized at close: {failing} fail a covenant\n{t}\n\
         first new event: the first event the base case does not have in that period\n",
        rows.len()
    )
}

/// Writes a grid row as a CSV record: the point's values, the outcome, the error.
fn write_grid_csv_row<W: std::io::Write>(
    out: &mut csv::Writer<W>,
    r: &GridRow,
) -> Result<(), csv::Error> {
    for (_, v) in &r.values {
        out.write_field(v.to_string())?;
    }
    match &r.outcome {
        Ok(o) => {
            let mut written = Ok(());
            each_outcome_field(o, |f| {
                if written.is_ok() {
                    written = out.write_field(f);
                }
            });
            written?;
            out.write_field("")?;
        }
        Err(e) => {
            for _ in csv_columns() {
                out.write_field("")?;
            }
            out.write_field(e.to_string())?;
        }
    }
    out.write_record(None::<&[u8]>)
}

/// The fixed text of a grid point's JSON at one depth for one grid's dimensions, as
/// [`Object`] writes it, computed once for the grid ([`OutcomeText`]).
struct PointText {
    /// Before each value, one per dimension: the first with the point's `{` and
    /// `"values": {`.
    values: Vec<Vec<u8>>,
    /// After the last value: the values' `}` (with `{` when there are none) and the
    /// key of the outcome, or of the error.
    to_outcome: Vec<u8>,
    to_error: Vec<u8>,
    /// The outcome's text, at the depth of the point's keys.
    outcome: OutcomeText,
    /// The new line, indent and `}` that close the point.
    close: Vec<u8>,
}

impl PointText {
    /// The text of a point whose `{` is at `depth`, with a value of each of `dims`.
    fn at(depth: usize, dims: impl Iterator<Item = Dimension>) -> PointText {
        let mut out = Vec::new();
        let mut point = Object::open(&mut out, depth);
        let mut values_object = point.object("values");
        let values = dims
            .map(|d| {
                values_object.key(d.name());
                piece(&mut values_object)
            })
            .collect();
        values_object.close();
        let after_values = piece(&mut point);
        point.key("outcome");
        let to_outcome = piece(&mut point);
        point.key("error");
        let to_error = piece(&mut point);
        point.close();
        PointText {
            values,
            to_outcome: [after_values.as_slice(), &to_outcome].concat(),
            to_error: [after_values.as_slice(), &to_error].concat(),
            outcome: OutcomeText::at(depth + 1),
            close: out,
        }
    }
}

/// Writes a grid point as JSON in the text of `text` ([`PointText::at`], its `{`
/// already indented): its values, and its outcome or error.
fn write_grid_point(out: &mut Vec<u8>, r: &GridRow, text: &PointText) {
    debug_assert_eq!(r.values.len(), text.values.len());
    for (before, (_, v)) in text.values.iter().zip(&r.values) {
        out.extend_from_slice(before);
        quoted(out, Digits::decimal(*v).as_bytes());
    }
    match &r.outcome {
        Ok(o) => {
            out.extend_from_slice(&text.to_outcome);
            write_outcome(out, &text.outcome, o);
        }
        Err(e) => {
            out.extend_from_slice(&text.to_error);
            json_string(out, &e.to_string());
        }
    }
    out.extend_from_slice(&text.close);
}

#[cfg(test)]
mod tests {
    use super::*;
    use boxflow::core::round10;
    use boxflow::scenario::{FirstEvent, GRID_CHUNK};

    proptest::proptest! {
        /// `plain` is the byte-by-byte rule, on strings of any length made of the
        /// bytes that matter (the escapes, their neighbours, 0x7f and multi-byte
        /// characters) and ordinary ones.
        #[test]
        fn plain_is_the_bytewise_rule(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                '\0', '\u{1f}', ' ', '!', '"', '#', '[', '\\', ']', 'a', '\u{7f}',
                '\u{80}', 'é', '€', '\u{10ffff}',
            ]), 0..40)
        ) {
            let s: String = chars.into_iter().collect();
            let bytewise = s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
            proptest::prop_assert_eq!(plain(&s), bytewise);
        }
    }

    #[test]
    fn a_quote_backslash_or_control_byte_anywhere_in_a_word_is_escaped() {
        let base = "price=1.61,rate=0".to_string();
        assert!(plain(&base));
        for at in 0..=base.len() {
            for c in ['"', '\\', '\n', '\u{1f}'] {
                let mut s = base.clone();
                s.insert(at, c);
                assert!(!plain(&s), "{s:?}");
            }
            let mut s = base.clone();
            s.insert(at, '\u{7f}');
            assert!(plain(&s));
        }
    }

    /// `Object::key` writes its keys without escaping them: each key a row can have
    /// (the point's and the outcome's own, every metric's, every dimension's) needs none.
    #[test]
    fn every_key_of_a_row_is_plain() {
        let own = [
            "values",
            "outcome",
            "error",
            "name",
            "first_event",
            "first_new_event",
            "event",
            "period",
        ];
        let metrics = Metric::ALL.map(Metric::name);
        let dimensions = boxflow::scenario::Dimension::ALL.map(boxflow::scenario::Dimension::name);
        for key in own.iter().chain(&metrics).chain(&dimensions) {
            assert!(!key.is_empty() && plain(key), "{key:?}");
        }
    }

    fn reference() -> Base {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/reference.toml");
        Base::new(boxflow::deal::read_file(std::path::Path::new(path)).unwrap()).unwrap()
    }

    /// The outcome as the stress JSON documents it (docs/scenarios.md), built
    /// field by field: money with two decimals, ratios to ten, periods and counts
    /// as numbers.
    fn documented(o: &Outcome) -> Value {
        let r = |x: Option<Decimal>| x.map(|x| round10(x).to_string());
        let event =
            |e: Option<&FirstEvent>| e.map(|e| json!({"event": e.event, "period": e.period}));
        let verdict = |b: bool| if b { "pass" } else { "fail" };
        json!({
            "name": o.name,
            "covenants": verdict(o.covenants),
            "halfway_covenant": verdict(o.halfway_covenant),
            "min_dscr": r(o.min_dscr),
            "min_dscr_period": o.min_dscr_period,
            "min_dscr_total": r(o.min_dscr_total),
            "first_event": event(o.first_event.as_ref()),
            "first_new_event": event(o.first_new_event.as_ref()),
            "payment_defaults": o.payment_defaults,
            "lender_loss": o.lender_loss.to_string(),
            "senior_loss": o.senior_loss.to_string(),
            "equity_irr": r(o.equity_irr),
            "senior_lender_irr": r(o.senior_lender_irr),
            "senior_repaid_period": o.senior_repaid_period,
            "total_distributions": o.total_distributions.to_string(),
        })
    }

    /// Every row of the grid `spec` of the reference deal, as `run_grid_each` hands
    /// them on.
    fn grid_rows(spec: &str) -> Vec<GridRow> {
        let grid = Grid::parse(spec).unwrap();
        let mut rows = Vec::new();
        run_grid_each(&reference(), &grid, true, &|| {}, |r| {
            rows.push(r);
            Ok::<(), GridFail>(())
        })
        .unwrap();
        rows
    }

    #[test]
    fn a_grid_point_is_written_as_serde_json_pretty_prints_it() {
        let mut rows = grid_rows("price=1.61|2.2,rate=0|300");
        assert!(rows.len() < GRID_CHUNK);
        // A name to escape, an event and none, and an error row.
        let names = ["plain", "a \"quoted\"\\ name\n\t\u{1}é ✓", ""];
        for (r, name) in rows.iter_mut().zip(names) {
            if let Ok(o) = &mut r.outcome {
                o.name = name.into();
            }
        }
        if let Ok(o) = &mut rows[1].outcome {
            o.first_new_event = None;
            o.min_dscr = None;
        }
        rows[3].outcome = Err(boxflow::scenario::ScenarioError::NoSenior);
        for r in &rows {
            let mut values = Map::new();
            for (d, v) in &r.values {
                values.insert(d.name().into(), Value::String(v.to_string()));
            }
            let expected = match &r.outcome {
                Ok(o) => json!({"values": values, "outcome": documented(o)}),
                Err(e) => json!({"values": values, "error": e.to_string()}),
            };
            let pretty = serde_json::to_string_pretty(&expected).unwrap();
            // Depths whose keys' indents fit `BREAK` (up to 31) and go past it.
            for depth in [0, 2, 5, 28, 29, 30, 40] {
                let mut out = Vec::new();
                let text = PointText::at(depth, r.values.iter().map(|(d, _)| *d));
                write_grid_point(&mut out, r, &text);
                let indent = "  ".repeat(depth);
                let want = pretty.replace('\n', &format!("\n{indent}"));
                assert_eq!(String::from_utf8(out).unwrap(), want);
            }
            if let Ok(o) = &r.outcome {
                assert_eq!(outcome_json(o), documented(o));
            }
        }
        // An empty object, as serde_json writes it.
        let mut out = Vec::new();
        Object::open(&mut out, 3).close();
        assert_eq!(out, b"{}");
    }

    #[test]
    fn a_grid_row_is_the_csv_of_its_fields() {
        let mut rows = grid_rows("price=2.2,rate=100");
        if let Ok(o) = &mut rows[0].outcome {
            o.name = "a, \"quoted\" name".into();
        }
        let mut row = rows[0].clone();
        row.outcome = Err(boxflow::scenario::ScenarioError::NoSenior);
        rows.push(row);
        for r in &rows {
            // The fields as the CSV columns document them, quoted by the csv crate.
            let mut fields: Vec<String> = r.values.iter().map(|(_, v)| v.to_string()).collect();
            match &r.outcome {
                Ok(o) => {
                    let doc = documented(o);
                    for column in csv_columns() {
                        let (key, part) = match column.strip_suffix("_period") {
                            Some(k) if k.ends_with("event") => (k, Some("period")),
                            _ => (column, column.ends_with("event").then_some("event")),
                        };
                        let v = match part {
                            Some(part) => doc[key].get(part).cloned().unwrap_or(Value::Null),
                            None => doc[key].clone(),
                        };
                        fields.push(text(v));
                    }
                    fields.push(String::new());
                }
                Err(e) => {
                    fields.extend(csv_columns().iter().map(|_| String::new()));
                    fields.push(e.to_string());
                }
            }
            let mut want = csv::Writer::from_writer(Vec::new());
            want.write_record(&fields).unwrap();
            let mut got = csv::Writer::from_writer(Vec::new());
            write_grid_csv_row(&mut got, r).unwrap();
            assert_eq!(got.into_inner().unwrap(), want.into_inner().unwrap());
        }
    }
}
