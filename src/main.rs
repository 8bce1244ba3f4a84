//! The `boxflow` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod drill;
mod output;
mod portfolio;
mod prove;
mod report_stress;
mod simulate;
mod stress;

use boxflow::deal::{self, ValidDeal};
use boxflow::report;
use boxflow::waterfall::{self, Run};
use clap::{Parser, Subcommand, ValueEnum};

/// boxflow: size, run and check GPU "box" financings from a TOML deal sheet, to the cent.
#[derive(Parser)]
#[command(name = "boxflow", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check deal sheets: exit 0 when every one is valid, 1 otherwise, printing every
    /// error and every warning (a valid value that is most likely a unit slip).
    Check {
        /// Deal sheets (TOML).
        #[arg(required = true)]
        deals: Vec<PathBuf>,
        /// Exit 1 when any sheet has a warning.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print the JSON Schema of the deal sheet.
    Schema,
    /// Write a commented template deal sheet.
    Init {
        /// Where to write it (default: deal.toml); an existing file is not overwritten.
        path: Option<PathBuf>,
    },
    /// Size the facilities: commitment, binding bound, halfway check and close schedule.
    Size {
        /// Deal sheet (TOML).
        deal: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SizeFormat::Table)]
        format: SizeFormat,
    },
    /// Run the waterfall period by period.
    Run {
        /// Deal sheet (TOML).
        deal: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RunFormat::Table)]
        format: RunFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// No colour in the table (colour is only used on a terminal; NO_COLOR is honoured).
        #[arg(long)]
        no_color: bool,
        /// Show only these periods in the table or CSV: `A..B` (inclusive), `A..`, `..B` or `K`.
        #[arg(long, value_name = "A..B")]
        periods: Option<String>,
        /// Run one scenario in full against the debt sized at close: a spec as `stress
        /// --scenario` takes ("default=18,re_lease=0.6", "price_haircut@Phase 2=0.2")
        /// or the name of a [[scenario]] of the sheet.
        #[arg(long, value_name = "SPEC")]
        scenario: Option<String>,
        /// With --scenario: the summary side by side with the base case, and the change.
        #[arg(long, value_enum, requires = "scenario")]
        vs: Option<drill::Versus>,
        /// Rows by period (default), by contract year from close (`year`) or by calendar
        /// year (`calendar`), in every format.
        #[arg(long, value_enum, default_value_t = By::Period)]
        by: By,
        #[arg(
            long,
            value_name = "A,B,..",
            conflicts_with = "wide",
            help = "The period table's columns, in the table's order",
            long_help = columns_help()
        )]
        columns: Option<String>,
        /// Every column of the period table (default: as many as fit the terminal's
        /// width, `COLUMNS`, or 100 characters when piped).
        #[arg(long)]
        wide: bool,
        /// Money in the terminal's period and year tables in thousands (`k`) or
        /// millions (`m`); the summary, CSV and JSON stay to the cent.
        #[arg(long, value_enum)]
        units: Option<Units>,
    },
    /// Write the reports people read: an HTML page with charts, an Excel workbook.
    Report {
        /// Deal sheet (TOML).
        deal: PathBuf,
        /// Write a self-contained HTML report (inline SVG charts) to this file.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Write an Excel workbook (inputs, periods, summary, a native chart; some derived
        /// columns are formulas, docs/output.md lists which) to this file.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
        /// Add a two-way grid of scenarios to the HTML report as a heat map, e.g.
        /// "price=1.60..2.60:0.20,default=6..60:6" (rows, then columns).
        #[arg(long, value_name = "SPEC")]
        grid: Option<String>,
        /// The grid's metric (a stress metric name: min_dscr, equity_irr, lender_loss, ...).
        #[arg(long, value_name = "NAME", default_value = "min_dscr")]
        metric: String,
        /// Skip the breakpoints (solvers) in the report's stress section.
        #[arg(long)]
        no_solve: bool,
        /// Add a Monte Carlo section to the HTML report: the sheet's `[simulation]` run
        /// as `boxflow simulate` runs it, its figures and histograms.
        #[arg(long)]
        simulate: bool,
        /// With --simulate: the number of runs (1 to 1,000,000); default:
        /// `simulation.runs`, else 10,000.
        #[arg(long, requires = "simulate")]
        runs: Option<u32>,
        /// With --simulate: the seed of the runs' random streams; default:
        /// `simulation.seed`, else 0.
        #[arg(long, requires = "simulate")]
        seed: Option<u64>,
    },
    /// Stress a deal: the base case and every scenario against the debt sized at close,
    /// the breakpoints (minimum price, earliest safe default, largest rate shock), or a grid.
    Stress(stress::StressArgs),
    /// Run many deal sheets (files or folders) as one portfolio: cash and debt by month,
    /// cost of debt by month and vintage, concentration by customer.
    Portfolio(portfolio::PortfolioArgs),
    /// Monte Carlo: many runs of the deal's `[simulation]` (customer default and re-lease,
    /// GPU market price, rate, opex and power shocks, online delays) against the debt
    /// sized at close: default, covenant and lock-up probabilities, lender loss, equity IRR.
    Simulate(simulate::SimulateArgs),
    /// Check the sheet's [[property]] tables: each on every corner of its box of shocks
    /// and on seeded random points, a failure shrunk to the mildest shock that breaks it.
    /// Exit 0 when every property holds, 1 when any fails, 2 on bad input.
    Prove(prove::ProveArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum SizeFormat {
    Table,
    Json,
}

/// The rows of `run`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum By {
    /// One row per period.
    Period,
    /// One row per contract year, counted from close.
    Year,
    /// One row per calendar year.
    Calendar,
}

/// A unit for money in the terminal tables.
#[derive(Clone, Copy, ValueEnum)]
enum Units {
    /// Thousands, one decimal.
    K,
    /// Millions, two decimals.
    M,
}

/// `--columns`'s long help: every column's name and what it shows.
fn columns_help() -> String {
    let mut text = String::from(
        "The period table's columns, by name, separated by commas; shown in the table's \
         order. A facility's column repeats for each facility. Names:\n",
    );
    for c in report::table::COLUMNS {
        text.push_str(&format!("  {:<20} {}\n", c.name, c.about));
    }
    text
}

#[derive(Clone, Copy, ValueEnum)]
enum RunFormat {
    Table,
    Json,
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => code,
        Err(Fail::Message(message)) => {
            say_err(&format!("error: {message}\n"));
            ExitCode::FAILURE
        }
        Err(Fail::Closed) => ExitCode::SUCCESS,
    }
}

/// Why a command stopped.
enum Fail {
    /// An error to print on standard error; exit 1.
    Message(String),
    /// Standard output was closed by its reader (`boxflow ... | head`): a quiet end,
    /// exit 0, as `head` users expect.
    Closed,
}

impl From<String> for Fail {
    fn from(message: String) -> Fail {
        Fail::Message(message)
    }
}

impl From<&str> for Fail {
    fn from(message: &str) -> Fail {
        Fail::Message(message.to_string())
    }
}

/// Every print to standard error goes through here (standard output goes through
/// [`print_stdout`]); never panics. Best effort: when standard error can't be written
/// (`2>/dev/full`) there is nowhere left to say so, and the exit status still says it.
fn say_err(text: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

fn read_deal(path: &Path) -> Result<ValidDeal, String> {
    read_sheet(path).map(|sheet| sheet.deal)
}

/// Reads a deal sheet and prints its warnings on standard error.
fn read_sheet(path: &Path) -> Result<deal::Sheet, String> {
    let sheet = read_checked(path).map_err(|errors| {
        say_err(&deal::render(&errors));
        format!("`{}` is not a valid deal sheet", path.display())
    })?;
    say_err(&deal::render_warnings(&sheet));
    Ok(sheet)
}

/// Reads a deal sheet with its warnings, checking its `[[property]]` tables too
/// (`boxflow::scenario::prove::property_rules`), every error located.
fn read_checked(path: &Path) -> Result<deal::Sheet, deal::DealErrors> {
    deal::read_file_with_rules(path, &boxflow::scenario::prove::property_rules)
}

/// The sheet's warnings as JSON: `[{ code, path, line, column, message }]`.
fn warnings_json(sheet: &deal::Sheet) -> serde_json::Value {
    sheet
        .warnings
        .iter()
        .map(|w| {
            serde_json::json!({
                "code": w.code,
                "path": w.path,
                "line": w.line,
                "column": w.column,
                "message": w.message,
            })
        })
        .collect()
}

/// The verdicts on the debt as JSON: `[{ code, period, facility, message }]`.
fn verdicts_json(verdicts: &[waterfall::Verdict]) -> serde_json::Value {
    serde_json::to_value(verdicts).unwrap_or_default()
}

/// The verdicts on the debt as text, printed after the tables; empty when there is none.
fn verdicts_text(verdicts: &[waterfall::Verdict]) -> String {
    if verdicts.is_empty() {
        return String::new();
    }
    let width = report::table::terminal_width();
    let mut out = String::from("\nverdicts on the debt:\n");
    for v in verdicts {
        out += &report::table::wrap("- ", &v.message, width);
        out.push('\n');
    }
    out
}

/// `value` with `key` added, when it is a JSON object.
fn with_key(
    mut value: serde_json::Value,
    key: &str,
    added: serde_json::Value,
) -> serde_json::Value {
    if let Some(map) = value.as_object_mut() {
        map.insert(key.to_string(), added);
    }
    value
}

fn run_deal(deal: &ValidDeal) -> Result<Run, String> {
    let run = waterfall::run(deal).map_err(|e| format!("cannot run `{}`: {e}", deal.name))?;
    let violations = run.verify();
    if let Some(v) = violations.first() {
        return Err(format!(
            "internal error: an invariant of the run does not hold ({} in all): {v}",
            violations.len()
        ));
    }
    Ok(run)
}

fn emit(out: Option<&Path>, text: impl AsRef<[u8]>) -> Result<(), Fail> {
    let text = text.as_ref();
    match out {
        Some(path) => output::write_atomic(path, text)
            .map_err(|e| Fail::Message(format!("cannot write `{}`: {e}", path.display()))),
        None => print_stdout(text),
    }
}

/// Runs a grid and streams its rows to a file (atomically) or to standard output.
fn emit_grid(out: Option<&Path>, job: &stress::GridJob) -> Result<(), Fail> {
    let result = match out {
        Some(path) => output::write_streamed(path, |w| job.write(w)),
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            job.write(&mut w)
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(stress::GridFail::Invariant(message) | stress::GridFail::Refused(message)) => {
            Err(Fail::Message(message))
        }
        Err(stress::GridFail::Write(e)) => Err(match out {
            None if e.kind() == std::io::ErrorKind::BrokenPipe => Fail::Closed,
            None => Fail::Message(format!("cannot write to standard output: {e}")),
            Some(path) => Fail::Message(format!("cannot write `{}`: {e}", path.display())),
        }),
    }
}

/// Prints to standard output. A closed pipe (`boxflow run ... | head`) ends the command
/// quietly ([`Fail::Closed`]); any other write error (`> /dev/full`) is an error.
fn print_stdout(text: impl AsRef<[u8]>) -> Result<(), Fail> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_ref())
        .and_then(|()| out.flush())
        .map_err(stdout_failure)
}

/// Writes what `write` produces to standard output through a buffer (large writes go
/// straight through), flushed at the end; write errors as [`print_stdout`] reports
/// them.
fn stream_stdout(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock>) -> std::io::Result<()>,
) -> Result<(), Fail> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(stdout_failure)
}

/// A failed write to standard output: a closed pipe is a quiet end, anything else an
/// error.
fn stdout_failure(e: std::io::Error) -> Fail {
    match e.kind() {
        std::io::ErrorKind::BrokenPipe => Fail::Closed,
        _ => Fail::Message(format!("cannot write to standard output: {e}")),
    }
}

/// Leaves `value` to the end of the process instead of dropping it: for the large
/// structures of a command whose output is written and flushed, as the process is
/// about to exit and the system frees its memory at once (docs/performance.md, sixth
/// pass).
fn leave<T>(value: T) {
    std::mem::forget(value);
}

fn execute(command: Command) -> Result<ExitCode, Fail> {
    match command {
        Command::Stress(args) => {
            let sheet = read_sheet(&args.deal)?;
            let warnings = warnings_json(&sheet);
            match stress::stress(sheet.deal, &args, warnings)? {
                stress::Stressed::Text(text) => emit(args.out.as_deref(), &text)?,
                stress::Stressed::Grid(job) => emit_grid(args.out.as_deref(), &job)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Prove(args) => {
            // Exit 2 for bad input (a sheet, a flag, a file that cannot be written):
            // 1 says a property fails.
            let bad = |message: String| {
                say_err(&format!("error: {message}\n"));
                Ok(ExitCode::from(2))
            };
            let sheet = match read_sheet(&args.deal) {
                Ok(sheet) => sheet,
                Err(message) => return bad(message),
            };
            let warnings = warnings_json(&sheet);
            let proved = match prove::run(sheet.deal, &args, warnings) {
                Ok(proved) => proved,
                Err(message) => return bad(message),
            };
            match emit(args.out.as_deref(), &proved.text) {
                Ok(()) => {}
                Err(Fail::Message(message)) => return bad(message),
                Err(Fail::Closed) => return Err(Fail::Closed),
            }
            Ok(if proved.holds {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Simulate(args) => {
            let sheet = read_sheet(&args.deal)?;
            let warnings = warnings_json(&sheet);
            let text = simulate::run(sheet.deal, &args, warnings)?;
            emit(args.out.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Portfolio(args) => {
            let (paths, warnings) = portfolio::deal_files(&args.paths)?;
            for w in warnings {
                say_err(&format!("warning: {w}\n"));
            }
            // Every sheet is read, so that every bad one is reported, not only the first.
            let mut deals = Vec::new();
            let mut bad = Vec::new();
            for path in paths {
                match read_deal(&path) {
                    Ok(deal) => deals.push((portfolio::source_name(&path), deal)),
                    Err(e) => bad.push(e),
                }
            }
            if !bad.is_empty() {
                return Err(Fail::Message(bad.join("\nerror: ")));
            }
            // The same deal twice is one box; two deals of one name are both counted.
            let (deals, warnings) = boxflow::scenario::portfolio::distinct(deals);
            for w in warnings {
                say_err(&format!("warning: {w}\n"));
            }
            let text = portfolio::portfolio(deals, &args)?;
            emit(args.out.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            deals,
            deny_warnings,
        } => {
            let mut ok = true;
            for path in &deals {
                match read_checked(path) {
                    Ok(sheet) if sheet.warnings.is_empty() => {
                        print_stdout(format!("ok: {}\n", path.display()))?
                    }
                    Ok(sheet) => {
                        say_err(&deal::render_warnings(&sheet));
                        ok &= !deny_warnings;
                        print_stdout(format!(
                            "ok: {} ({} warning{})\n",
                            path.display(),
                            sheet.warnings.len(),
                            if sheet.warnings.len() == 1 { "" } else { "s" }
                        ))?;
                    }
                    Err(errors) => {
                        ok = false;
                        say_err(&deal::render(&errors));
                    }
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&deal::json_schema())
                .map_err(|e| Fail::Message(e.to_string()))?;
            print_stdout(&(schema + "\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { path } => {
            let path = path.unwrap_or_else(|| PathBuf::from("deal.toml"));
            if path.exists() {
                return Err(Fail::Message(format!(
                    "`{}` exists already; not overwritten",
                    path.display()
                )));
            }
            output::write_atomic(&path, deal::TEMPLATE.as_bytes())
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
            print_stdout(format!(
                "wrote {}; check it with: boxflow check {}\n",
                path.display(),
                path.display()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Size { deal, format } => {
            let sheet = read_sheet(&deal)?;
            let deal = &sheet.deal;
            let run = run_deal(deal)?;
            let verdicts = waterfall::verdicts(deal, &run);
            let text = match format {
                SizeFormat::Json => {
                    let v = report::sizing::sizing_json(&run);
                    let v = with_key(v, "warnings", warnings_json(&sheet));
                    let v = with_key(v, "verdicts", verdicts_json(&verdicts));
                    serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
                }
                SizeFormat::Table => report::sizing::sizing_table(&run) + &verdicts_text(&verdicts),
            };
            emit(None, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            deal,
            format,
            out,
            no_color,
            periods,
            scenario,
            vs,
            by,
            columns,
            wide,
            units,
        } => {
            let sheet = read_sheet(&deal)?;
            let drilled = match &scenario {
                Some(spec) => Some(drill::drill(sheet.deal.clone(), spec)?),
                None => None,
            };
            if let (Some(d), Some(drill::Versus::Base)) = (&drilled, vs) {
                let text = match format {
                    RunFormat::Table => drill::versus_table(d)?,
                    RunFormat::Csv => drill::versus_csv(d)?,
                    RunFormat::Json => {
                        serde_json::to_string_pretty(&drill::versus_json(d)?)
                            .map_err(|e| e.to_string())?
                            + "\n"
                    }
                };
                emit(out.as_deref(), &text)?;
                return Ok(ExitCode::SUCCESS);
            }
            let (deal, run, drilled) = match drilled {
                Some(d) => (d.deal, d.run, Some(d.scenario)),
                None => (sheet.deal.clone(), run_deal(&sheet.deal)?, None),
            };
            let deal = &deal;
            let verdicts = waterfall::verdicts(deal, &run);
            let periods = periods
                .map(|p| report::table::parse_periods(&p, run.periods.len()))
                .transpose()
                .map_err(|e| e.to_string())?;
            let basis = match by {
                By::Period => None,
                By::Year => Some(waterfall::YearBasis::Contract),
                By::Calendar => Some(waterfall::YearBasis::Calendar),
            };
            if basis.is_some() && (periods.is_some() || columns.is_some()) {
                return Err("--periods and --columns apply to the period table; \
                            drop them with --by year or --by calendar"
                    .into());
            }
            let levels = waterfall::Levels::of(deal.covenants.as_ref());
            let options = report::table::TableOptions {
                color: !no_color && out.is_none() && report::table::color_wanted(),
                periods: periods.clone(),
                columns: match columns {
                    Some(c) => report::table::ColumnChoice::Named(
                        report::table::parse_columns(&c).map_err(|e| e.to_string())?,
                    ),
                    None if wide => report::table::ColumnChoice::Wide,
                    None => report::table::ColumnChoice::Fit,
                },
                width: report::table::terminal_width(),
                unit: match units {
                    None => boxflow::core::format::MoneyUnit::Cents,
                    Some(Units::K) => boxflow::core::format::MoneyUnit::Thousands,
                    Some(Units::M) => boxflow::core::format::MoneyUnit::Millions,
                },
                levels,
            };
            let text = match format {
                RunFormat::Json if periods.is_some() => {
                    return Err("--periods applies to the table and CSV formats; \
                                the JSON report always holds the whole run"
                        .into())
                }
                RunFormat::Json => {
                    let json_options = report::json::JsonOptions {
                        levels,
                        years: basis,
                    };
                    let (warnings, verdicts) = (warnings_json(&sheet), verdicts_json(&verdicts));
                    if out.is_none() && drilled.is_none() {
                        // Streamed: 132 KB for the reference deal need not be built
                        // in memory first (every new page of a buffer is a page fault).
                        stream_stdout(|w| {
                            report::json::write_run_with(
                                &run,
                                &json_options,
                                &warnings,
                                &verdicts,
                                &mut *w,
                            )?;
                            std::io::Write::write_all(w, b"\n")
                        })?;
                        leave((run, sheet));
                        return Ok(ExitCode::SUCCESS);
                    }
                    let mut bytes = Vec::with_capacity(1 << 18);
                    report::json::write_run_with(
                        &run,
                        &json_options,
                        &warnings,
                        &verdicts,
                        &mut bytes,
                    )
                    .map_err(|e| e.to_string())?;
                    bytes.push(b'\n');
                    match (&drilled, bytes.strip_prefix(b"{")) {
                        // The scenario first: `{"scenario": {...}, "deal": ...}`.
                        (Some(s), Some(rest)) => {
                            let s = serde_json::to_string_pretty(&drill::scenario_json(s))
                                .map_err(|e| e.to_string())?
                                .replace('\n', "\n  ");
                            let mut json = format!("{{\n  \"scenario\": {s},").into_bytes();
                            json.extend_from_slice(rest);
                            json
                        }
                        _ => bytes,
                    }
                }
                RunFormat::Csv => {
                    // The CSV holds the periods (or years) only: the verdicts go to
                    // standard error.
                    say_err(verdicts_text(&verdicts).trim_start());
                    match basis {
                        Some(b) => report::csv::year_table(&run, b),
                        None => report::csv::period_table_range(&run, periods),
                    }
                    .map_err(|e| e.to_string())?
                    .into_bytes()
                }
                RunFormat::Table => format!(
                    "{}\n{}\n{}\n{}\n{}",
                    match &drilled {
                        Some(s) => drill::title(&sheet.deal.name, s),
                        None => deal.name.clone(),
                    },
                    report::table::summary_table_with(&run, &options),
                    report::table::funding_table(&run, &options),
                    match basis {
                        Some(b) => report::table::year_table(&run, b, &options),
                        None => report::table::period_table_with(&run, &options),
                    },
                    verdicts_text(&verdicts)
                )
                .into_bytes(),
            };
            emit(out.as_deref(), &text)?;
            leave((run, sheet, text));
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            deal,
            html,
            xlsx,
            grid,
            metric,
            no_solve,
            simulate,
            runs,
            seed,
        } => {
            if html.is_none() && xlsx.is_none() {
                return Err("nothing to write: give --html FILE, --xlsx FILE or both".into());
            }
            if grid.is_some() && html.is_none() {
                return Err("--grid draws a heat map in the HTML report: give --html FILE".into());
            }
            if simulate && html.is_none() {
                return Err(
                    "--simulate adds a Monte Carlo section to the HTML report: give --html FILE"
                        .into(),
                );
            }
            let source = deal.clone();
            let deal = read_deal(&deal)?;
            let run = run_deal(&deal)?;
            // The Monte Carlo section: the sheet's [simulation].
            let simulated = if simulate {
                Some(simulate::report_results(&deal, runs, seed)?)
            } else {
                None
            };
            // The stress section: the sheet's scenarios, the breakpoints, the grid.
            let stressed = if html.is_some() && (!deal.scenarios.is_empty() || grid.is_some()) {
                Some(report_stress::stress_results(
                    &deal,
                    &run,
                    &source,
                    &report_stress::StressAsk {
                        grid: grid.as_deref(),
                        metric: &metric,
                        solve: !no_solve,
                    },
                )?)
            } else {
                None
            };
            let run_date = report_stress::today();
            let source_text = source.display().to_string();
            // Both files are rendered first, then written all or nothing.
            let page = html.as_ref().map(|_| {
                report::html::report_with(
                    &deal,
                    &run,
                    &report::html::Options {
                        source: &source_text,
                        run_date: run_date.as_deref(),
                        stress: stressed.as_ref(),
                        simulation: simulated.as_ref(),
                    },
                )
            });
            let book = xlsx
                .as_ref()
                .map(|_| report::xlsx::workbook(&deal, &run))
                .transpose()
                .map_err(|e| format!("cannot build the workbook: {e}"))?;
            let mut files: Vec<(&Path, &[u8])> = Vec::new();
            if let (Some(path), Some(page)) = (&html, &page) {
                files.push((path, page.as_bytes()));
            }
            if let (Some(path), Some(book)) = (&xlsx, &book) {
                files.push((path, book));
            }
            output::write_all(&files).map_err(|(path, e)| {
                format!(
                    "cannot write `{}`: {e}; no report was written",
                    path.display()
                )
            })?;
            for (path, _) in &files {
                print_stdout(format!("wrote {}\n", path.display()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
