//! `boxflow portfolio`: many deal sheets run and consolidated: cash flows and debt by
//! calendar month, the balance-weighted cost of debt by month and by vintage, and
//! concentration by customer. Table, CSV or JSON (docs/scenarios.md).

use boxflow::report::format::{dscr, fixed, money as thousands, percent};
use boxflow::report::table::{pass, right, styled};
use std::path::{Path, PathBuf};

use boxflow::model::ValidDeal;
use boxflow::scenario::portfolio::{consolidate, run_boxes, Portfolio, SourcesUses};
use comfy_table::Cell;
use serde_json::{json, Value};

use boxflow::report::json::{money, ratio};

/// The output formats of `boxflow portfolio`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PortfolioFormat {
    /// Terminal tables: boxes, vintages, customers, months.
    Table,
    /// One table as CSV (`--table`).
    Csv,
    /// One JSON object with every table.
    Json,
}

/// The tables of a portfolio.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PortfolioTable {
    /// Consolidated flows, debt outstanding and cost of debt by calendar month.
    Months,
    /// Commitments and cost of debt by vintage (close date).
    Vintages,
    /// Contract value and debt by customer.
    Customers,
    /// One row per box.
    Boxes,
}

/// The arguments of `boxflow portfolio`.
#[derive(Clone, Debug, clap::Args)]
pub struct PortfolioArgs {
    /// Deal sheets, or folders whose `*.toml` files are deal sheets (not recursive).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PortfolioFormat::Table)]
    pub format: PortfolioFormat,
    /// The table written as CSV.
    #[arg(long, value_enum, default_value_t = PortfolioTable::Months)]
    pub table: PortfolioTable,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The deal sheets named: each file as given, and each folder's `*.toml` files in
/// name order; with a warning for each file named twice (counted once). Every path that
/// is not a readable regular file (a FIFO, a folder named `x.toml`, a missing file) is
/// an error, all of them in one message.
pub fn deal_files(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<String>), String> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut seen: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut add = |f: PathBuf, errors: &mut Vec<String>| match std::fs::metadata(&f) {
        Ok(m) if m.is_file() => {
            let key = std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone());
            match seen.iter().find(|(k, _)| *k == key) {
                Some((_, first)) => warnings.push(format!(
                    "`{}` is the same file as `{}`: counted once",
                    f.display(),
                    first.display()
                )),
                None => {
                    seen.push((key, f.clone()));
                    out.push(f);
                }
            }
        }
        Ok(_) => errors.push(format!("`{}` is not a regular file", f.display())),
        Err(e) => errors.push(format!("cannot read `{}`: {e}", f.display())),
    };
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = match std::fs::read_dir(p) {
                Ok(entries) => entries
                    .filter_map(|entry| entry.ok().map(|e| e.path()))
                    .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                    .collect(),
                Err(e) => {
                    errors.push(format!("cannot read folder `{}`: {e}", p.display()));
                    continue;
                }
            };
            files.sort();
            if files.is_empty() {
                errors.push(format!("folder `{}` has no .toml deal sheet", p.display()));
            }
            for f in files {
                add(f, &mut errors);
            }
        } else {
            add(p.clone(), &mut errors);
        }
    }
    if errors.is_empty() {
        Ok((out, warnings))
    } else {
        Err(errors.join("\nerror: "))
    }
}

/// Runs every deal and renders the portfolio in a format.
pub fn portfolio(deals: Vec<(String, ValidDeal)>, args: &PortfolioArgs) -> Result<String, String> {
    let mut entries = Vec::with_capacity(deals.len());
    for result in run_boxes(deals) {
        entries.push(result.map_err(|(source, e)| format!("cannot run `{source}`: {e}"))?);
    }
    let p = consolidate(&entries).map_err(|e| e.to_string())?;
    match args.format {
        PortfolioFormat::Table => Ok(tables(&p)),
        PortfolioFormat::Csv => csv_table(&p, args.table).map_err(|e| e.to_string()),
        PortfolioFormat::Json => Ok(serde_json::to_string_pretty(&portfolio_json(&p))
            .map_err(|e| e.to_string())?
            + "\n"),
    }
}

/// A path as written in output: relative paths as given.
pub fn source_name(path: &Path) -> String {
    path.display().to_string()
}

/// Every table, for a terminal.
pub fn tables(p: &Portfolio) -> String {
    let mut boxes = styled(false);
    boxes.set_header(vec![
        "box",
        "customer",
        "close",
        "capex",
        "debt",
        "gearing",
        "rate at close",
        "margin",
        "min DSCR",
        "halfway",
        "covenants breached",
        "events",
        "equity IRR",
    ]);
    for b in &p.boxes {
        boxes.add_row(vec![
            Cell::new(&b.name),
            Cell::new(&b.customer),
            Cell::new(b.close.to_string()),
            right(thousands(b.total_capex)),
            right(thousands(b.commitments)),
            right(percent(b.gearing)),
            right(percent(b.rate_at_close)),
            right(percent(b.margin_at_close)),
            right(dscr(b.min_dscr)),
            Cell::new(pass(b.halfway_covenant)),
            Cell::new(none_or_list(&b.covenants_breached, ", ")),
            Cell::new(none_or_list(&b.events, " ")),
            right(percent(b.equity_irr)),
        ]);
    }
    let mut vintages = styled(false);
    vintages.set_header(vec![
        "vintage (close)",
        "boxes",
        "commitments",
        "rate at close",
        "margin at close",
        "cost of debt over its life",
    ]);
    for v in &p.vintages {
        vintages.add_row(vec![
            Cell::new(v.close.to_string()),
            right(v.boxes.to_string()),
            right(thousands(v.commitments)),
            right(percent(v.rate_at_close)),
            right(percent(v.margin_at_close)),
            right(percent(v.cost_of_debt)),
        ]);
    }
    let mut customers = styled(false);
    customers.set_header(vec![
        "customer",
        "boxes",
        "contract value",
        "share",
        "debt",
        "share of debt",
    ]);
    for c in &p.customers {
        customers.add_row(vec![
            Cell::new(&c.customer),
            right(c.boxes.to_string()),
            right(thousands(c.contract_value)),
            right(percent(c.share)),
            right(thousands(c.commitments)),
            right(percent(c.debt_share)),
        ]);
    }
    let mut months = styled(false);
    months.set_header(vec![
        "month",
        "boxes",
        "collections",
        "opex",
        "CFADS",
        "capex",
        "draws",
        "interest",
        "principal",
        "equity in",
        "to sponsors",
        "debt outstanding",
        "cost of debt",
    ]);
    for m in &p.months {
        months.add_row(vec![
            Cell::new(m.month.format("%Y-%m").to_string()),
            right(m.boxes.to_string()),
            right(thousands(m.collections)),
            right(thousands(m.opex)),
            right(thousands(m.cfads)),
            right(thousands(m.capex)),
            right(thousands(m.draws)),
            right(thousands(m.interest)),
            right(thousands(m.principal)),
            right(thousands(m.equity_in)),
            right(thousands(m.to_sponsor)),
            right(thousands(m.debt_outstanding)),
            right(percent(m.cost_of_debt)),
        ]);
    }
    let mut cash = styled(false);
    let mut header = vec!["month"];
    header.extend(CASH_COLUMNS.iter().map(|(_, title, _)| *title));
    cash.set_header(header);
    for m in &p.months {
        let mut row = vec![Cell::new(m.month.format("%Y-%m").to_string())];
        row.extend(
            CASH_COLUMNS
                .iter()
                .map(|(_, _, get)| right(thousands(get(&m.cash)))),
        );
        cash.add_row(row);
    }
    let legend = if p.event_legend.is_empty() {
        String::new()
    } else {
        format!("Events: {}\n", p.event_legend)
    };
    format!(
        "Portfolio of {} boxes ({})\n{boxes}\n{legend}Cost of debt by vintage\n{vintages}\nConcentration by customer (HHI of contract value {})\n{customers}\nBy calendar month (cash on the date it moves; debt at the month's end)\n{months}\nSources and uses by calendar month (every box's cash in and out; sources = uses)\n{cash}\n",
        p.boxes.len(),
        p.currency,
        p.customer_hhi
            .map_or("-".into(), |h| fixed(h, 4)),
    )
}

/// The whole portfolio as one JSON object: money as strings with two decimals,
/// ratios as strings with ten.
pub fn portfolio_json(p: &Portfolio) -> Value {
    json!({
        "currency": p.currency,
        "boxes": p.boxes.iter().map(|b| json!({
            "source": b.source,
            "name": b.name,
            "customer": b.customer,
            "close": b.close.to_string(),
            "end": b.end.to_string(),
            "total_capex": money(b.total_capex),
            "commitments": money(b.commitments),
            "gearing": ratio(b.gearing),
            "rate_at_close": ratio(b.rate_at_close),
            "margin_at_close": ratio(b.margin_at_close),
            "contract_value": money(b.contract_value),
            "min_dscr": ratio(b.min_dscr),
            "halfway_covenant": pass(b.halfway_covenant),
            "covenants_breached": b.covenants_breached.join(", "),
            "events": b.events.join(" "),
            "equity_irr": ratio(b.equity_irr),
            "lender_loss": money(b.lender_loss),
        })).collect::<Vec<_>>(),
        "vintages": p.vintages.iter().map(|v| json!({
            "close": v.close.to_string(),
            "boxes": v.boxes,
            "commitments": money(v.commitments),
            "rate_at_close": ratio(v.rate_at_close),
            "margin_at_close": ratio(v.margin_at_close),
            "cost_of_debt": ratio(v.cost_of_debt),
        })).collect::<Vec<_>>(),
        "customers": p.customers.iter().map(|c| json!({
            "customer": c.customer,
            "boxes": c.boxes,
            "contract_value": money(c.contract_value),
            "share": ratio(c.share),
            "commitments": money(c.commitments),
            "debt_share": ratio(c.debt_share),
        })).collect::<Vec<_>>(),
        "customer_hhi": ratio(p.customer_hhi),
        "months": p.months.iter().map(|m| {
            let mut row = json!({
            "month": m.month.format("%Y-%m").to_string(),
            "boxes": m.boxes,
            "invoice": money(m.invoice),
            "collections": money(m.collections),
            "opex": money(m.opex),
            "fees": money(m.fees),
            "cfads": money(m.cfads),
            "capex": money(m.capex),
            "draws": money(m.draws),
            "interest": money(m.interest),
            "principal": money(m.principal),
            "equity_in": money(m.equity_in),
            "to_sponsor": money(m.to_sponsor),
            "terminal_value": money(m.terminal_value),
            "debt_outstanding": money(m.debt_outstanding),
            "cost_of_debt": ratio(m.cost_of_debt),
            "cost_by_vintage": p.vintages.iter().zip(&m.cost_by_vintage)
                .map(|(v, c)| (v.close.to_string(), ratio(*c)))
                .collect::<serde_json::Map<String, Value>>(),
            });
            if let Some(o) = row.as_object_mut() {
                for (key, _, get) in CASH_COLUMNS {
                    o.insert(key.to_string(), money(get(&m.cash)));
                }
            }
            row
        }).collect::<Vec<_>>(),
    })
}

/// The sources and uses columns of a month: JSON and CSV key, table title, value.
type CashColumn = (
    &'static str,
    &'static str,
    fn(&SourcesUses) -> boxflow::core::Money,
);

/// Sources, their total, uses, their total (equal to the sources, to the cent).
const CASH_COLUMNS: [CashColumn; 15] = [
    ("source_prepayments", "prepayments", |c| c.prepayments),
    ("source_collections", "collections", |c| c.collections),
    ("source_draws", "draws", |c| c.draws),
    ("source_equity", "equity", |c| c.equity),
    ("source_reserve_releases", "reserve releases", |c| {
        c.reserve_releases
    }),
    ("source_terminal_value", "terminal value", |c| {
        c.terminal_value
    }),
    ("sources", "= sources", SourcesUses::sources),
    ("use_capex", "capex", |c| c.capex),
    ("use_opex", "opex", |c| c.opex),
    ("use_fees", "fees", |c| c.fees),
    ("use_to_lenders", "to lenders", |c| c.to_lenders),
    ("use_reserve_deposits", "reserve deposits", |c| {
        c.reserve_deposits
    }),
    ("use_distributions", "distributions", |c| c.distributions),
    ("use_refunds", "refunds", |c| c.refunds),
    ("uses", "= uses", SourcesUses::uses),
];

/// `-` for an empty list, else its items joined.
fn none_or_list(items: &[&str], sep: &str) -> String {
    if items.is_empty() {
        boxflow::core::format::UNDEFINED.to_string()
    } else {
        items.join(sep)
    }
}

fn cell(v: Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// One table of the portfolio as CSV, the same keys as the JSON (per-vintage costs
/// of the months table as `cost_of_debt_CLOSE` columns).
pub fn csv_table(p: &Portfolio, table: PortfolioTable) -> Result<String, csv::Error> {
    let v = portfolio_json(p);
    let key = match table {
        PortfolioTable::Months => "months",
        PortfolioTable::Vintages => "vintages",
        PortfolioTable::Customers => "customers",
        PortfolioTable::Boxes => "boxes",
    };
    let rows = v[key].as_array().cloned().unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = rows
        .first()
        .and_then(|r| r.as_object())
        .map(|o| {
            o.keys()
                .filter(|k| *k != "cost_by_vintage")
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let vintages: Vec<String> = p.vintages.iter().map(|v| v.close.to_string()).collect();
    if table == PortfolioTable::Months {
        header.extend(vintages.iter().map(|c| format!("cost_of_debt_{c}")));
    }
    w.write_record(&header)?;
    for r in &rows {
        let mut record: Vec<String> = header
            .iter()
            .filter(|h| !h.starts_with("cost_of_debt_"))
            .map(|h| cell(r[h.as_str()].clone()))
            .collect();
        if table == PortfolioTable::Months {
            record.extend(
                vintages
                    .iter()
                    .map(|c| cell(r["cost_by_vintage"][c.as_str()].clone())),
            );
        }
        w.write_record(&record)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
