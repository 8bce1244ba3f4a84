//! The `boxflow` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod output;
mod portfolio;
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
    /// Check deal sheets: exit 0 when every one is valid, 1 otherwise, printing every error.
    Check {
        /// Deal sheets (TOML).
        #[arg(required = true)]
        deals: Vec<PathBuf>,
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
    },
    /// Write the reports people read: an HTML page with charts, an Excel workbook.
    Report {
        /// Deal sheet (TOML).
        deal: PathBuf,
        /// Write a self-contained HTML report (inline SVG charts) to this file.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Write an Excel workbook (live formulas, a native chart) to this file.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// Stress a deal: the base case and every scenario against the debt sized at close,
    /// the breakpoints (minimum price, earliest safe default, largest rate shock), or a grid.
    Stress(stress::StressArgs),
    /// Run many deal sheets (files or folders) as one portfolio: cash and debt by month,
    /// cost of debt by month and vintage, concentration by customer.
    Portfolio(portfolio::PortfolioArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum SizeFormat {
    Table,
    Json,
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
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn read_deal(path: &Path) -> Result<ValidDeal, String> {
    deal::read_file(path).map_err(|errors| {
        eprint!("{}", deal::render(&errors));
        format!("`{}` is not a valid deal sheet", path.display())
    })
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

fn emit(out: Option<&Path>, text: &str) -> Result<(), String> {
    match out {
        Some(path) => output::write_atomic(path, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => print_stdout(text),
    }
}

/// Prints to standard output; a closed pipe (`boxflow run ... | head`) is not an error.
fn print_stdout(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}

fn execute(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Stress(args) => {
            let deal = read_deal(&args.deal)?;
            let text = stress::stress(deal, &args)?;
            emit(args.out.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Portfolio(args) => {
            let mut deals = Vec::new();
            for path in portfolio::deal_files(&args.paths)? {
                deals.push((portfolio::source_name(&path), read_deal(&path)?));
            }
            let text = portfolio::portfolio(deals, &args)?;
            emit(args.out.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { deals } => {
            let mut ok = true;
            for path in &deals {
                match deal::read_file(path) {
                    Ok(_) => println!("ok: {}", path.display()),
                    Err(errors) => {
                        ok = false;
                        eprint!("{}", deal::render(&errors));
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
            let schema =
                serde_json::to_string_pretty(&deal::json_schema()).map_err(|e| e.to_string())?;
            print_stdout(&(schema + "\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { path } => {
            let path = path.unwrap_or_else(|| PathBuf::from("deal.toml"));
            if path.exists() {
                return Err(format!(
                    "`{}` exists already; not overwritten",
                    path.display()
                ));
            }
            output::write_atomic(&path, deal::TEMPLATE.as_bytes())
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
            println!(
                "wrote {}; check it with: boxflow check {}",
                path.display(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Size { deal, format } => {
            let deal = read_deal(&deal)?;
            let run = run_deal(&deal)?;
            let text = match format {
                SizeFormat::Json => {
                    let v = report::sizing::sizing_json(&run);
                    serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
                }
                SizeFormat::Table => report::sizing::sizing_table(&run),
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
        } => {
            let deal = read_deal(&deal)?;
            let run = run_deal(&deal)?;
            let periods = periods
                .map(|p| report::table::parse_periods(&p, run.periods.len()))
                .transpose()?;
            let options = report::table::TableOptions {
                color: !no_color && out.is_none() && report::table::color_wanted(),
                periods: periods.clone(),
            };
            let text = match format {
                RunFormat::Json if periods.is_some() => {
                    return Err("--periods applies to the table and CSV formats; \
                                the JSON report always holds the whole run"
                        .into())
                }
                RunFormat::Json => {
                    let mut bytes = Vec::with_capacity(1 << 20);
                    report::json::write_run(&run, &mut bytes).map_err(|e| e.to_string())?;
                    bytes.push(b'\n');
                    String::from_utf8(bytes).map_err(|e| e.to_string())?
                }
                RunFormat::Csv => {
                    report::csv::period_table_range(&run, periods).map_err(|e| e.to_string())?
                }
                RunFormat::Table => format!(
                    "{}\n{}\n{}\n",
                    deal.name,
                    report::table::summary_table_with(&run, &options),
                    report::table::period_table_with(&run, &options)
                ),
            };
            emit(out.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { deal, html, xlsx } => {
            if html.is_none() && xlsx.is_none() {
                return Err("nothing to write: give --html FILE, --xlsx FILE or both".into());
            }
            let source = deal.clone();
            let deal = read_deal(&deal)?;
            let run = run_deal(&deal)?;
            if let Some(path) = &html {
                let page = report::html::report(&deal, &run, &source.display().to_string());
                output::write_atomic(path, page.as_bytes())
                    .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
                println!("wrote {}", path.display());
            }
            if let Some(path) = &xlsx {
                let book = report::xlsx::workbook(&deal, &run)
                    .map_err(|e| format!("cannot build the workbook: {e}"))?;
                output::write_atomic(path, &book)
                    .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
