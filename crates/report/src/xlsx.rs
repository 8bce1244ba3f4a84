//! The Excel workbook: sheets Summary, Periods, Schedule, Closing, Events and Inputs.
//!
//! Cells hold numbers (money with thousands separators, ratios as `0.0000x`, rates and
//! IRRs as percentages, dates as dates); header rows are frozen and columns sized.
//! Derived columns are live formulas whose cached results are the engine's values,
//! so an auditor sees the logic:
//!
//! - Periods: collections = invoice - prepayment credit; opex = colocation + power +
//!   expenses; CFADS = collections - opex - fees; each facility's closing = opening +
//!   draws - principal paid - prepaid; senior debt service = interest + commitment
//!   fee + principal due; DSCR = CFADS / senior debt service (blank without debt
//!   service); DSRA closing = opening + deposit - release - draw;
//! - Schedule: closing = opening + draws - principal; debt service = interest +
//!   commitment fee + principal; DSCR = CFADS / debt service;
//! - Closing: the totals of sources and uses, and their difference;
//! - Summary: the totals over the periods, as sums of the Periods columns.
//!
//! Excel stores numbers as binary floats: every amount written is checked to read
//! back to the same cents, and a workbook that can't hold an amount exactly is an
//! error rather than a silently wrong cell. Summary holds a native chart of the
//! senior balance and the DSCR.
//!
//! ```
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
//! let deal = boxflow_deal::read_file(std::path::Path::new(path)).unwrap();
//! let run = boxflow_waterfall::run(&deal).unwrap();
//! let bytes = boxflow_report::xlsx::workbook(&deal, &run).unwrap();
//! assert_eq!(&bytes[..2], b"PK"); // an xlsx file is a zip archive
//! ```

use std::collections::HashMap;

use boxflow_core::{round10, Money, MoneyRatio};
use boxflow_model::{Deal, Rank};
use boxflow_waterfall::{Event, Run};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
mod model;

use rust_xlsxwriter::{
    utility::column_number_to_name, Chart, ChartLegendPosition, ChartType, Format, FormatAlign,
    FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

/// The sheets of the workbook, in order.
pub const SHEETS: [&str; 8] = [
    "Summary", "Inputs", "Periods", "Returns", "Schedule", "Closing", "Events", "Deal",
];

/// Why the workbook can't be written.
#[derive(Debug)]
pub enum XlsxReportError {
    /// The xlsx writer failed.
    Xlsx(XlsxError),
    /// An amount has more significant digits than Excel's numbers hold, so its cell
    /// would not read back to the cent.
    NotExact {
        /// The sheet.
        sheet: String,
        /// The cell, `B7`.
        cell: String,
        /// The amount.
        amount: Money,
    },
}

impl std::fmt::Display for XlsxReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            XlsxReportError::Xlsx(e) => write!(f, "{e}"),
            XlsxReportError::NotExact {
                sheet,
                cell,
                amount,
            } => write!(
                f,
                "{sheet}!{cell}: the amount {amount} has more digits than an Excel number \
                 holds; it would not read back to the cent"
            ),
        }
    }
}

impl std::error::Error for XlsxReportError {}

impl From<XlsxError> for XlsxReportError {
    fn from(e: XlsxError) -> XlsxReportError {
        XlsxReportError::Xlsx(e)
    }
}

type Result<T> = std::result::Result<T, XlsxReportError>;

/// `m` as an Excel number, when that number reads back to the same cents.
///
/// ```
/// use boxflow_core::Money;
/// use boxflow_report::xlsx::money_number;
/// assert_eq!(money_number(Money::from_cents(51892608720)), Some(518926087.2));
/// assert_eq!(money_number(Money::from_cents(-5)), Some(-0.05));
/// // 99,999,999,999,999.99 has 16 significant digits: no f64 holds it.
/// assert_eq!(money_number(Money::from_cents(9_999_999_999_999_999)), None);
/// ```
pub fn money_number(m: Money) -> Option<f64> {
    let text = m.to_string();
    let x: f64 = text.parse().ok()?;
    // Formatting the float to two decimals rounds its exact binary value: the cents
    // are recovered exactly when the float is within half a cent of the amount.
    let back = format!("{x:.2}");
    let back = if back == "-0.00" { "0.00".into() } else { back };
    (x.is_finite() && back == text).then_some(x)
}

/// The cell formats.
struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    section: Format,
    money: Format,
    money_total: Format,
    ratio: Format,
    percent: Format,
    int: Format,
    years: Format,
    text: Format,
    number: Format,
}

impl Formats {
    fn new() -> Formats {
        let money = "#,##0.00";
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_font_color("#5A6677"),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#DCE6F1")
                .set_border_bottom(FormatBorder::Thin),
            section: Format::new().set_bold().set_background_color("#EEF2F7"),
            money: Format::new().set_num_format(money),
            money_total: Format::new()
                .set_num_format(money)
                .set_bold()
                .set_border_top(FormatBorder::Thin),
            // Four decimals, as every table; a negative ratio (CFADS < 0) reads
            // "n.m. (CFADS < 0)" while the cell keeps its number (boxflow_core::format).
            ratio: Format::new().set_num_format("0.0000\"x\";\"n.m. (CFADS < 0)\""),
            percent: Format::new().set_num_format("0.00%"),
            int: Format::new().set_num_format("0"),
            years: Format::new().set_num_format("0.00"),
            text: Format::new(),
            number: Format::new().set_num_format("General"),
        }
    }
}

/// A cell's content.
#[derive(Clone, Debug)]
enum Value {
    Int(i64),
    Money(Money),
    /// An IRR or an LTV, shown as a percentage with two decimals.
    Percent(Option<Decimal>),
    /// A ratio, shown as `0.00x`.
    Ratio(Option<Decimal>),
    Text(String),
    /// A money formula and its cached result.
    MoneyFormula(String, Money),
    /// A ratio formula and its cached result (blank when `None`).
    RatioFormula(String, Option<Decimal>),
    /// A percentage formula (an IRR) and its cached result (blank when `None`).
    PercentFormula(String, Option<Decimal>),
    /// A whole-number formula (a period) and its cached result.
    IntFormula(String, i64),
}

impl Value {
    fn width(&self) -> f64 {
        match self {
            Value::Int(_) => 8.0,
            Value::Money(_) | Value::MoneyFormula(..) => 16.0,
            Value::Percent(_)
            | Value::Ratio(_)
            | Value::RatioFormula(..)
            | Value::PercentFormula(..)
            | Value::IntFormula(..) => 10.0,
            Value::Text(_) => 24.0,
        }
    }
}

/// Writes cells, checking that every amount reads back to the cent.
struct Writer<'a> {
    ws: &'a mut Worksheet,
    sheet: &'static str,
    f: &'a Formats,
}

fn cell_name(row: u32, col: u16) -> String {
    format!("{}{}", column_number_to_name(col), row + 1)
}

fn ratio_number(x: Decimal) -> f64 {
    round10(x).to_f64().unwrap_or(0.0)
}

impl Writer<'_> {
    fn number(&self, row: u32, col: u16, m: Money) -> Result<f64> {
        money_number(m).ok_or_else(|| XlsxReportError::NotExact {
            sheet: self.sheet.into(),
            cell: cell_name(row, col),
            amount: m,
        })
    }

    fn write(&mut self, row: u32, col: u16, v: &Value, total: bool) -> Result<()> {
        let f = self.f;
        let money_format = if total { &f.money_total } else { &f.money };
        match v {
            Value::Int(i) => {
                self.ws
                    .write_number_with_format(row, col, *i as f64, &f.int)?;
            }
            Value::Money(m) => {
                let x = self.number(row, col, *m)?;
                self.ws
                    .write_number_with_format(row, col, x, money_format)?;
            }
            Value::Percent(r) => match r {
                Some(r) => {
                    self.ws
                        .write_number_with_format(row, col, ratio_number(*r), &f.percent)?;
                }
                None => {
                    self.ws.write_blank(row, col, &f.percent)?;
                }
            },
            Value::Ratio(r) => match r {
                Some(r) => {
                    self.ws
                        .write_number_with_format(row, col, ratio_number(*r), &f.ratio)?;
                }
                None => {
                    self.ws.write_blank(row, col, &f.ratio)?;
                }
            },
            Value::Text(t) => {
                self.ws.write_string_with_format(row, col, t, &f.text)?;
            }
            Value::MoneyFormula(formula, m) => {
                self.number(row, col, *m)?;
                self.ws.write_formula_with_format(
                    row,
                    col,
                    Formula::new(formula).set_result(m.to_string()),
                    money_format,
                )?;
            }
            Value::RatioFormula(formula, r) => {
                let result = r.map_or(String::new(), |r| round10(r).to_string());
                self.ws.write_formula_with_format(
                    row,
                    col,
                    Formula::new(formula).set_result(result),
                    &f.ratio,
                )?;
            }
            Value::PercentFormula(formula, r) => {
                let result = r.map_or(String::new(), |r| r.to_string());
                self.ws.write_formula_with_format(
                    row,
                    col,
                    Formula::new(formula).set_result(result),
                    &f.percent,
                )?;
            }
            Value::IntFormula(formula, i) => {
                self.ws.write_formula_with_format(
                    row,
                    col,
                    Formula::new(formula).set_result(i.to_string()),
                    &f.int,
                )?;
            }
        }
        Ok(())
    }

    fn header(&mut self, row: u32, headers: &[(String, f64)]) -> Result<()> {
        for (col, (h, width)) in headers.iter().enumerate() {
            let col = col as u16;
            self.ws
                .write_string_with_format(row, col, h, &self.f.header)?;
            self.ws.set_column_width(col, *width)?;
        }
        self.ws.set_row_height(row, 30)?;
        Ok(())
    }
}

/// One table row under construction: its cells by key, and formulas that refer to
/// earlier cells of the same row by key.
struct Row {
    row: u32,
    cells: Vec<(String, Value)>,
    index: HashMap<String, u16>,
}

impl Row {
    fn new(row: u32) -> Row {
        Row {
            row,
            cells: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn push(&mut self, header: impl Into<String>, v: Value) {
        let header = header.into();
        self.index.insert(header.clone(), self.cells.len() as u16);
        self.cells.push((header, v));
    }

    /// The cell of an earlier column of this row, `G5`.
    fn at(&self, header: &str) -> String {
        let col = self.index.get(header).copied().unwrap_or(0);
        cell_name(self.row, col)
    }
}

/// Writes the Schedule sheet; returns the sheet row (0-based) of each facility's
/// period, for the Periods sheet's links and the DSRA target's windows.
fn schedule_sheet(
    book: &mut Workbook,
    f: &Formats,
    run: &Run,
) -> Result<HashMap<(usize, usize), u32>> {
    let ws = book.add_worksheet().set_name("Schedule")?;
    // A blank DSCR (no debt service) is an empty text result, not the writer's "0".
    ws.set_formula_result_default("");
    let mut w = Writer {
        ws,
        sheet: "Schedule",
        f,
    };
    let mut row = 1u32;
    let mut header_done = false;
    let mut rows = HashMap::new();
    for (i, plan) in run.plan.facilities.iter().enumerate() {
        for s in &plan.schedule.rows {
            rows.insert((i, s.period), row);
            let mut r = Row::new(row);
            r.push("facility", Value::Text(String::from(&*plan.name)));
            r.push("period", Value::Int(s.period as i64));
            r.push("opening", Value::Money(s.opening));
            r.push("draws", Value::Money(s.draws));
            r.push("interest", Value::Money(s.interest));
            r.push("commitment fee", Value::Money(s.commitment_fee));
            r.push("principal", Value::Money(s.principal));
            let fml = format!(
                "={}+{}-{}",
                r.at("opening"),
                r.at("draws"),
                r.at("principal")
            );
            r.push("closing", Value::MoneyFormula(fml, s.closing));
            let fml = format!(
                "={}+{}+{}",
                r.at("interest"),
                r.at("commitment fee"),
                r.at("principal")
            );
            r.push("debt service", Value::MoneyFormula(fml, s.debt_service()));
            match s.cap {
                Some(cap) => r.push("cap", Value::Money(cap)),
                None => r.push("cap", Value::Text(String::new())),
            }
            r.push("CFADS", Value::Money(s.cfads));
            let fml = format!(
                "=IF({ds}=0,\"\",{cfads}/{ds})",
                ds = r.at("debt service"),
                cfads = r.at("CFADS")
            );
            r.push("DSCR", Value::RatioFormula(fml, s.dscr()));
            if !header_done {
                let headers: Vec<(String, f64)> = r
                    .cells
                    .iter()
                    .map(|(h, v)| (h.clone(), v.width().max(12.0)))
                    .collect();
                w.header(0, &headers)?;
                header_done = true;
            }
            for (col, (_, v)) in r.cells.iter().enumerate() {
                w.write(row, col as u16, v, false)?;
            }
            row += 1;
        }
    }
    w.ws.set_freeze_panes(1, 2)?;
    model::page_setup(w.ws, 0)?;
    Ok(rows)
}

/// Writes the Closing sheet; returns the cell of the closing equity.
fn closing_sheet(book: &mut Workbook, f: &Formats, run: &Run) -> Result<String> {
    let ws = book.add_worksheet().set_name("Closing")?;
    let mut w = Writer {
        ws,
        sheet: "Closing",
        f,
    };
    let c = &run.closing;
    w.header(0, &[("closing".into(), 34.0), ("amount".into(), 18.0)])?;
    let mut row = 1u32;
    let mut equity_cell = String::new();
    w.ws.write_string_with_format(row, 0, "Sources", &f.section)?;
    w.ws.write_blank(row, 1, &f.section)?;
    row += 1;
    let first = row;
    let mut sources: Vec<(String, Money)> = c
        .draws
        .iter()
        .map(|(n, d)| (format!("{n} draws"), *d))
        .collect();
    sources.push(("customer prepayment".into(), c.prepayment));
    sources.push(("sponsor equity".into(), c.equity));
    for (label, m) in &sources {
        w.ws.write_string(row, 0, label)?;
        w.write(row, 1, &Value::Money(*m), false)?;
        if label == "sponsor equity" {
            equity_cell = cell_name(row, 1);
        }
        row += 1;
    }
    let sources_total = cell_name(row, 1);
    w.ws.write_string_with_format(row, 0, "total sources", &f.section)?;
    w.write(
        row,
        1,
        &Value::MoneyFormula(format!("=SUM(B{}:B{})", first + 1, row), c.sources()),
        true,
    )?;
    row += 2;
    w.ws.write_string_with_format(row, 0, "Uses", &f.section)?;
    w.ws.write_blank(row, 1, &f.section)?;
    row += 1;
    let first = row;
    let mut uses: Vec<(String, Money)> = vec![("capex".into(), c.capex)];
    uses.extend(
        c.upfront_fees
            .iter()
            .map(|(n, fee)| (format!("{n} upfront fee"), *fee)),
    );
    uses.push(("DSRA".into(), c.dsra));
    uses.push(("excess to the sponsor".into(), c.sponsor_excess));
    for (label, m) in &uses {
        w.ws.write_string(row, 0, label)?;
        w.write(row, 1, &Value::Money(*m), false)?;
        row += 1;
    }
    let uses_total = cell_name(row, 1);
    w.ws.write_string_with_format(row, 0, "total uses", &f.section)?;
    w.write(
        row,
        1,
        &Value::MoneyFormula(format!("=SUM(B{}:B{})", first + 1, row), c.uses()),
        true,
    )?;
    row += 2;
    w.ws.write_string(row, 0, "sources - uses")?;
    w.write(
        row,
        1,
        &Value::MoneyFormula(
            format!("={sources_total}-{uses_total}"),
            c.sources() - c.uses(),
        ),
        false,
    )?;
    w.ws.set_freeze_panes(1, 0)?;
    Ok(equity_cell)
}

fn events_sheet(book: &mut Workbook, f: &Formats, run: &Run) -> Result<()> {
    let ws = book.add_worksheet().set_name("Events")?;
    let mut w = Writer {
        ws,
        sheet: "Events",
        f,
    };
    let headers: Vec<(String, f64)> = [
        ("period", 8.0),
        ("event", 17.0),
        ("facility", 12.0),
        ("due", 16.0),
        ("paid", 16.0),
        ("shortfall", 16.0),
        ("DSCR", 10.0),
        ("trapped", 16.0),
        ("LTV", 10.0),
        ("loss", 16.0),
        ("figures", 70.0),
    ]
    .iter()
    .map(|(h, w)| (h.to_string(), *w))
    .collect();
    w.header(0, &headers)?;
    for (i, e) in run.events.iter().enumerate() {
        let row = i as u32 + 1;
        let mut cells: Vec<(u16, Value)> = vec![
            (0, Value::Int(e.period() as i64)),
            (1, Value::Text(e.name().into())),
            (10, Value::Text(e.figures())),
        ];
        match e {
            Event::ScheduleBreach {
                facility,
                debt_service,
                cap,
                ..
            } => {
                cells.push((2, Value::Text(facility.to_string())));
                cells.push((3, Value::Money(*debt_service)));
                cells.push((4, Value::Money(*cap)));
            }
            Event::OpexShortfall {
                due,
                paid,
                shortfall,
                ..
            }
            | Event::FeesShortfall {
                due,
                paid,
                shortfall,
                ..
            } => {
                cells.push((3, Value::Money(*due)));
                cells.push((4, Value::Money(*paid)));
                cells.push((5, Value::Money(*shortfall)));
            }
            Event::PaymentDefault {
                facility,
                due,
                paid,
                shortfall,
                ..
            }
            | Event::JuniorShortfall {
                facility,
                due,
                paid,
                shortfall,
                ..
            } => {
                cells.push((2, Value::Text(facility.to_string())));
                cells.push((3, Value::Money(*due)));
                cells.push((4, Value::Money(*paid)));
                cells.push((5, Value::Money(*shortfall)));
            }
            Event::Lockup { dscr, trapped, .. } => {
                cells.push((6, Value::Ratio(dscr.map(MoneyRatio::value))));
                cells.push((7, Value::Money(*trapped)));
            }
            Event::DscrDefault { dscr, .. } => {
                cells.push((6, Value::Ratio(Some(dscr.value()))));
            }
            Event::LtvBreach { ltv, .. } => {
                cells.push((8, Value::Percent(ltv.map(MoneyRatio::value))));
            }
            Event::LenderLoss { facility, loss, .. } => {
                cells.push((2, Value::Text(facility.to_string())));
                cells.push((9, Value::Money(*loss)));
            }
            // A kind of event added later: its figures column says it all.
            _ => {}
        }
        for (col, v) in &cells {
            w.write(row, *col, v, false)?;
        }
    }
    if run.events.is_empty() {
        w.ws.write_string(1, 0, "no events")?;
    }
    w.ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Flattens a JSON value into `path = value` rows.
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        _ => out.push((prefix.to_string(), v.clone())),
    }
}

/// A decimal input as an Excel number when the number reads back to the same decimal.
fn exact_number(text: &str) -> Option<f64> {
    let d: Decimal = text.parse().ok()?;
    let x: f64 = text.parse().ok()?;
    let back: Decimal = format!("{x}").parse().ok()?;
    (x.is_finite() && back == d).then_some(x)
}

/// The Deal sheet: the whole deal as read (defaults filled in), one `path`, `value`
/// row per key, for the audit; the live inputs are on the Inputs sheet.
fn deal_sheet(book: &mut Workbook, f: &Formats, deal: &Deal) -> Result<()> {
    let ws = book.add_worksheet().set_name("Deal")?;
    let mut w = Writer {
        ws,
        sheet: "Deal",
        f,
    };
    w.header(0, &[("input".into(), 46.0), ("value".into(), 28.0)])?;
    let mut rows = Vec::new();
    if let Ok(v) = serde_json::to_value(deal) {
        flatten("", &v, &mut rows);
    }
    for (i, (path, v)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        w.ws.write_string(row, 0, path)?;
        match v {
            serde_json::Value::Number(n) => {
                let text = n.to_string();
                match exact_number(&text) {
                    Some(x) => w.ws.write_number_with_format(row, 1, x, &f.number)?,
                    None => w.ws.write_string(row, 1, &text)?,
                };
            }
            serde_json::Value::String(s) => {
                match exact_number(s) {
                    Some(x) => w.ws.write_number_with_format(row, 1, x, &f.number)?,
                    None => w.ws.write_string(row, 1, s)?,
                };
            }
            serde_json::Value::Bool(b) => {
                w.ws.write_boolean(row, 1, *b)?;
            }
            serde_json::Value::Null => {
                w.ws.write_string(row, 1, "")?;
            }
            _ => {}
        }
    }
    w.ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn summary_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    deal: &Deal,
    run: &Run,
    letters: &HashMap<String, String>,
    equity_cell: &str,
    returns: &model::Returns,
) -> Result<()> {
    let s = &run.summary;
    let n = run.periods.len();
    let live = live_kpis(deal, run, letters, returns);
    let mut w = Writer {
        ws,
        sheet: "Summary",
        f,
    };
    w.ws.write_string_with_format(0, 0, &deal.name, &f.title)?;
    w.ws.write_string_with_format(
        1,
        0,
        format!(
            "{} · close {} · {} {} periods to {} · {} · boxflow {}",
            deal.contract.customer,
            deal.close,
            n,
            run.plan.calendar.frequency().as_str(),
            run.plan.calendar.end(),
            deal.currency,
            env!("CARGO_PKG_VERSION")
        ),
        &f.subtitle,
    )?;
    w.header(3, &[("summary".into(), 30.0), ("value".into(), 20.0)])?;
    let sum = |keys: &[String]| -> Option<String> {
        let parts: Option<Vec<String>> = keys
            .iter()
            .map(|k| {
                letters
                    .get(k)
                    .map(|c| format!("SUM(Periods!{c}2:{c}{})", n + 1))
            })
            .collect();
        parts
            .filter(|p| !p.is_empty())
            .map(|p| format!("={}", p.join("+")))
    };
    let facility_keys = |what: &[&str]| -> Vec<String> {
        run.plan
            .facilities
            .iter()
            .flat_map(|p| what.iter().map(move |w| format!("{} {w}", p.name)))
            .collect()
    };
    let total = |key: &str, m: Money| match sum(&[key.to_string()]) {
        Some(fml) if n > 0 => Value::MoneyFormula(fml, m),
        _ => Value::Money(m),
    };
    let opt_int = |k: Option<usize>| k.map_or(Value::Text(String::new()), |k| Value::Int(k as i64));
    let several = run.plan.facilities.len() > 1;
    let mut rows: Vec<(String, Value)> = Vec::new();
    // Every facility: its commitment and its repayment against its own deadline.
    for (i, plan) in run.plan.facilities.iter().enumerate() {
        let d = s.facilities.get(i);
        rows.push((
            format!("{} commitment", plan.name),
            Value::Money(plan.commitment),
        ));
        rows.push((
            format!("{} repay by period", plan.name),
            Value::Int(d.map_or(plan.deadline, |d| d.repay_by_period) as i64),
        ));
        rows.push((
            format!("{} repaid period", plan.name),
            opt_int(d.and_then(|d| d.repaid_period)),
        ));
        rows.push((
            format!("{} deadline", plan.name),
            Value::Text(
                if d.is_none_or(|d| d.passes) {
                    "pass"
                } else {
                    "fail"
                }
                .into(),
            ),
        ));
    }
    if several {
        rows.push((
            "min combined DSCR (every facility)".into(),
            Value::Ratio(s.min_dscr_total),
        ));
        rows.push((
            "min combined DSCR period".into(),
            opt_int(s.min_dscr_total_period),
        ));
    }
    let more: Vec<(&str, Value)> = vec![
        ("senior commitment", Value::Money(s.senior_commitment)),
        (
            "sizing binding",
            Value::Text(
                s.sizing_binding
                    .map_or("fixed amount", |b| b.as_str())
                    .into(),
            ),
        ),
        (
            if several {
                "min senior DSCR"
            } else {
                "min DSCR"
            },
            Value::Ratio(s.min_dscr),
        ),
        ("min DSCR period", opt_int(s.min_dscr_period)),
        ("avg DSCR", Value::Ratio(s.avg_dscr)),
        ("LLCR", Value::Ratio(s.llcr)),
        ("halfway period", Value::Int(s.halfway_period as i64)),
        ("senior repaid period", opt_int(s.senior_repaid_period)),
        (
            "senior balance at halfway",
            Value::Money(s.senior_balance_at_halfway),
        ),
        (
            "halfway covenant",
            Value::Text(if s.halfway_covenant { "pass" } else { "fail" }.into()),
        ),
        ("equity IRR", Value::Percent(s.equity_irr)),
        ("project IRR", Value::Percent(s.project_irr)),
        ("senior lender IRR", Value::Percent(s.senior_lender_irr)),
        (
            "NPV",
            s.npv.map_or(Value::Text(String::new()), Value::Money),
        ),
        ("WAL (years)", Value::Ratio(None)),
        ("payback period", opt_int(s.payback_period)),
        ("terminal value", Value::Money(s.terminal_value)),
        ("lender loss", Value::Money(s.lender_loss)),
        ("total invoice", total("invoice", s.total_invoice)),
        (
            "total collections",
            total("collections", s.total_collections),
        ),
        ("total opex", total("opex", s.total_opex)),
        ("total fees", total("fees", s.total_fees)),
        (
            "total interest",
            match sum(&facility_keys(&["interest paid"])) {
                Some(fml) if n > 0 => Value::MoneyFormula(fml, s.total_interest),
                _ => Value::Money(s.total_interest),
            },
        ),
        (
            "total principal",
            match sum(&facility_keys(&["principal paid", "prepaid"])) {
                Some(fml) if n > 0 => Value::MoneyFormula(fml, s.total_principal),
                _ => Value::Money(s.total_principal),
            },
        ),
        (
            "total distributions",
            total("distribution", s.total_distributions),
        ),
        (
            "total equity",
            match sum(&["equity contribution".to_string()]) {
                Some(fml) if n > 0 && !equity_cell.is_empty() => Value::MoneyFormula(
                    format!("=Closing!{equity_cell}+{}", &fml[1..]),
                    s.total_equity,
                ),
                _ => Value::Money(s.total_equity),
            },
        ),
        ("events", Value::Int(run.events.len() as i64)),
    ];
    rows.extend(more.into_iter().map(|(l, v)| (l.to_string(), v)));
    // The KPIs the live model recalculates replace their values by formulas.
    let senior_label = if several {
        "min senior DSCR"
    } else {
        "min DSCR"
    };
    for (label, v) in rows.iter_mut() {
        let key = if label == senior_label {
            "min DSCR"
        } else {
            label.as_str()
        };
        if let Some(formula) = live.get(key) {
            *v = formula.clone();
        }
    }
    w.ws.write_string_with_format(3, 2, "source", &f.header)?;
    w.ws.set_column_width(2, 30)?;
    for (i, (label, v)) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        w.ws.write_string(row, 0, label)?;
        let source = match v {
            Value::MoneyFormula(..)
            | Value::RatioFormula(..)
            | Value::PercentFormula(..)
            | Value::IntFormula(..) => "formula (live)",
            _ => "engine value (not recalculated)",
        };
        w.ws.write_string_with_format(row, 2, source, &f.subtitle)?;
        if label == "WAL (years)" {
            match s.wal_years {
                Some(y) => {
                    w.ws.write_number_with_format(row, 1, ratio_number(y), &f.years)?;
                }
                None => {
                    w.ws.write_blank(row, 1, &f.years)?;
                }
            }
            continue;
        }
        w.write(row, 1, v, false)?;
    }
    w.ws.set_freeze_panes(4, 0)?;
    model::page_setup(w.ws, 3)?;

    // A native chart: the senior balance (columns) and the DSCR (a line on the
    // secondary axis) over the periods with senior debt service.
    let senior = run.plan.facilities.iter().find(|p| p.rank == Rank::Senior);
    let first = run.periods.iter().position(|p| p.dscr.is_some());
    let last = run.periods.iter().rposition(|p| p.dscr.is_some());
    if let (Some(senior), Some(first), Some(last)) = (senior, first, last) {
        let (r0, r1) = (first as u32 + 1, last as u32 + 1);
        let col = |key: &str| letters.get(key).map(|c| model::r_col(c));
        if let (Some(bal), Some(dscr)) = (col(&format!("{} closing", senior.name)), col("DSCR")) {
            let mut chart = Chart::new(ChartType::Column);
            chart
                .add_series()
                .set_name("senior balance")
                .set_categories(("Periods", r0, 0, r1, 0))
                .set_values(("Periods", r0, bal, r1, bal))
                .set_gap(40);
            let mut line = Chart::new(ChartType::Line);
            line.add_series()
                .set_name("DSCR")
                .set_categories(("Periods", r0, 0, r1, 0))
                .set_values(("Periods", r0, dscr, r1, dscr))
                .set_secondary_axis(true);
            chart.combine(&line);
            chart.title().set_name("Senior balance and DSCR by period");
            chart.x_axis().set_name("period");
            chart
                .y_axis()
                .set_name(&deal.currency)
                .set_num_format("#,##0");
            // The DSCR axis spans the covenant levels and the DSCRs, to a tenth.
            let levels = deal.covenants.as_ref().map_or(Vec::new(), |c| {
                [c.min_dscr, c.lockup_dscr]
                    .iter()
                    .flatten()
                    .map(|r| r.value())
                    .collect()
            });
            let values: Vec<f64> = run.periods[first..=last]
                .iter()
                .filter_map(|p| p.dscr.map(MoneyRatio::value))
                .chain(levels)
                .chain(senior.terms.dscr.map(|r| r.value()))
                .map(ratio_number)
                .collect();
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (lo, hi) = (
                ((lo - 0.2) * 10.0).floor() / 10.0,
                ((hi + 0.2) * 10.0).ceil() / 10.0,
            );
            let y2 = chart.y2_axis();
            y2.set_name("DSCR").set_num_format("0.00\"x\"");
            if lo.is_finite() && hi.is_finite() && hi > lo && hi - lo < 50.0 {
                y2.set_min(lo.max(0.0)).set_max(hi);
            }
            chart.legend().set_position(ChartLegendPosition::Bottom);
            chart.set_width(760).set_height(400);
            w.ws.insert_chart(3, 4, &chart)?;
        }
    }
    Ok(())
}

/// The Summary's KPIs that the live model recalculates, by label: the minimum and
/// mean DSCR, the LLCR (`SUMPRODUCT` of CFADS and the discount factors over the
/// repayment window, over the commitment), the equity IRR (`XIRR`) and the NPV
/// (`XNPV`, rounded to the cent) of the Returns sheet's flows, the senior balance at
/// halfway and the terminal value. A KPI the engine leaves undefined keeps its blank.
fn live_kpis(
    deal: &Deal,
    run: &Run,
    letters: &HashMap<String, String>,
    returns: &model::Returns,
) -> HashMap<&'static str, Value> {
    let s = &run.summary;
    let n = run.periods.len();
    let mut live = HashMap::new();
    let senior = run
        .plan
        .facilities
        .iter()
        .position(|f| f.rank == Rank::Senior);
    let (Some(si), Some(dscr)) = (senior, letters.get("DSCR")) else {
        return live;
    };
    if n == 0 {
        return live;
    }
    let plan = &run.plan.facilities[si];
    let all = format!("Periods!${dscr}$2:${dscr}${}", n + 1);
    if s.min_dscr.is_some() {
        live.insert(
            "min DSCR",
            Value::RatioFormula(format!("=MIN({all})"), s.min_dscr),
        );
        if let Some(k) = s.min_dscr_period {
            live.insert(
                "min DSCR period",
                Value::IntFormula(format!("=MATCH(MIN({all}),{all},0)"), k as i64),
            );
        }
    }
    let h = plan.deadline.min(n);
    let g = plan.interest_only_periods;
    if s.avg_dscr.is_some() && h > g {
        live.insert(
            "avg DSCR",
            Value::RatioFormula(
                format!("=AVERAGE(Periods!{dscr}{}:{dscr}{})", g + 2, h + 1),
                s.avg_dscr,
            ),
        );
    }
    if let (Some(cfads), Some(df), Some(_)) =
        (letters.get("CFADS"), letters.get("discount factor"), s.llcr)
    {
        if h > 0 {
            live.insert(
                "LLCR",
                Value::RatioFormula(
                    format!(
                        "=SUMPRODUCT(Periods!{cfads}2:{cfads}{r},Periods!{df}2:{df}{r})/{c}",
                        r = h + 1,
                        c = model::line_name("Commitment", si)
                    ),
                    s.llcr,
                ),
            );
        }
    }
    if s.equity_irr.is_some() {
        live.insert(
            "equity IRR",
            Value::PercentFormula(
                format!("=XIRR({},{})", returns.flows, returns.dates),
                s.equity_irr,
            ),
        );
    }
    if let (Some(npv), Some(_)) = (s.npv, &deal.analysis) {
        live.insert(
            "NPV",
            Value::MoneyFormula(
                format!(
                    "=ROUND(XNPV(DiscountRate,{},{}),2)",
                    returns.flows, returns.dates
                ),
                npv,
            ),
        );
    }
    let halfway = run.plan.halfway_period;
    if let Some(c) = letters.get(&format!("{} closing", plan.name)) {
        if (1..=n).contains(&halfway) {
            live.insert(
                "senior balance at halfway",
                Value::MoneyFormula(
                    format!("=Periods!{c}{}", halfway + 1),
                    s.senior_balance_at_halfway,
                ),
            );
        }
    }
    live.insert(
        "terminal value",
        Value::MoneyFormula("=TerminalValue".into(), s.terminal_value),
    );
    live
}

/// The workbook of a run of `deal`, as the bytes of an `.xlsx` file.
pub fn workbook(deal: &Deal, run: &Run) -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut book = Workbook::new();
    // Summary first (its totals refer to the later sheets, written after it).
    let styles = model::Styles::new();
    book.add_worksheet().set_name("Summary")?;
    model::inputs_sheet(&mut book, &styles, deal, run)?;
    // Periods refers to Schedule's rows: the schedule's row map is known before either
    // is written, as the rows of each facility's close schedule in order.
    let mut schedule_rows = HashMap::new();
    let mut row = 1u32;
    for (i, plan) in run.plan.facilities.iter().enumerate() {
        for s in &plan.schedule.rows {
            schedule_rows.insert((i, s.period), row);
            row += 1;
        }
    }
    let letters = model::periods_sheet(&mut book, &styles, deal, run, &schedule_rows)?;
    let returns = model::returns_sheet(&mut book, &styles, deal, run, &letters)?;
    let written = schedule_sheet(&mut book, &f, run)?;
    debug_assert_eq!(written, schedule_rows);
    let equity_cell = closing_sheet(&mut book, &f, run)?;
    events_sheet(&mut book, &f, run)?;
    deal_sheet(&mut book, &f, deal)?;
    let summary = book.worksheet_from_name("Summary")?;
    summary_sheet(summary, &f, deal, run, &letters, &equity_cell, &returns)?;
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("{}: boxflow report", deal.name))
            .set_comment("Written by boxflow: formulas carry the engine's values as results"),
    );
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_round_trip() {
        for col in [0u16, 1, 25, 26, 27, 51, 52, 701, 702, 16383] {
            assert_eq!(model::r_col(&column_number_to_name(col)), col);
        }
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(60, 27), "AB61");
    }

    #[test]
    fn amounts_read_back_to_the_cent_or_are_refused() {
        for cents in [
            0i64,
            1,
            -1,
            5,
            10,
            99,
            51892608720,
            2_337_433_190_40,
            -27_660_473_815,
            900_719_925_474_099, // 9,007,199,254,740.99
        ] {
            let m = Money::from_cents(cents);
            let x = money_number(m).unwrap_or_else(|| panic!("{m}"));
            assert_eq!((x * 100.0).round() as i64, cents, "{m}");
        }
        assert_eq!(money_number(Money::from_cents(9_999_999_999_999_999)), None);
    }

    #[test]
    fn inputs_become_numbers_only_when_exact() {
        assert_eq!(exact_number("2.20"), Some(2.2));
        assert_eq!(exact_number("150000000.00"), Some(150_000_000.0));
        assert_eq!(exact_number("0.0365"), Some(0.0365));
        assert_eq!(exact_number("99999999999999.99"), None);
        assert_eq!(exact_number("2026-01-01"), None);
        assert_eq!(exact_number("SOFR3M"), None);
    }
}
