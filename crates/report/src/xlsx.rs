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

use boxflow_core::{round10, Money};
use boxflow_model::{Deal, Rank};
use boxflow_waterfall::{Event, PeriodResult, Run};
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    utility::column_number_to_name, Chart, ChartLegendPosition, ChartType, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

/// The sheets of the workbook, in order.
pub const SHEETS: [&str; 6] = [
    "Summary", "Periods", "Schedule", "Closing", "Events", "Inputs",
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
    rate: Format,
    date: Format,
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
            rate: Format::new().set_num_format("0.00##%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
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
    Date(NaiveDate),
    Money(Money),
    /// An interest rate, shown as a percentage with up to four decimals.
    Rate(Option<Decimal>),
    /// An IRR or an LTV, shown as a percentage with two decimals.
    Percent(Option<Decimal>),
    /// A ratio, shown as `0.00x`.
    Ratio(Option<Decimal>),
    Text(String),
    /// A money formula and its cached result.
    MoneyFormula(String, Money),
    /// A ratio formula and its cached result (blank when `None`).
    RatioFormula(String, Option<Decimal>),
}

impl Value {
    fn width(&self) -> f64 {
        match self {
            Value::Int(_) => 8.0,
            Value::Date(_) => 11.0,
            Value::Money(_) | Value::MoneyFormula(..) => 16.0,
            Value::Rate(_) | Value::Percent(_) | Value::Ratio(_) | Value::RatioFormula(..) => 10.0,
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
            Value::Date(d) => {
                let date =
                    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                self.ws
                    .write_datetime_with_format(row, col, &date, &f.date)?;
            }
            Value::Money(m) => {
                let x = self.number(row, col, *m)?;
                self.ws
                    .write_number_with_format(row, col, x, money_format)?;
            }
            Value::Rate(r) => match r {
                Some(r) => {
                    self.ws
                        .write_number_with_format(row, col, ratio_number(*r), &f.rate)?;
                }
                None => {
                    self.ws.write_blank(row, col, &f.rate)?;
                }
            },
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

/// The Periods sheet's row of period `p` at sheet row `row`.
fn period_row(run: &Run, p: &PeriodResult, row: u32) -> Row {
    let o = &p.operations;
    let mut r = Row::new(row);
    r.push("period", Value::Int(p.period as i64));
    r.push("start", Value::Date(p.start));
    r.push("end", Value::Date(p.end));
    r.push("days", Value::Int(p.days));
    r.push("invoice", Value::Money(o.invoice));
    r.push("prepayment credit", Value::Money(o.prepayment_credit));
    let f = format!("={}-{}", r.at("invoice"), r.at("prepayment credit"));
    r.push("collections", Value::MoneyFormula(f, o.collections));
    r.push("colocation", Value::Money(o.colocation));
    r.push("power", Value::Money(o.power));
    r.push("expenses", Value::Money(o.expenses));
    let f = format!(
        "={}+{}+{}",
        r.at("colocation"),
        r.at("power"),
        r.at("expenses")
    );
    r.push("opex", Value::MoneyFormula(f, o.opex));
    r.push("fees", Value::Money(o.fees));
    let f = format!("={}-{}-{}", r.at("collections"), r.at("opex"), r.at("fees"));
    r.push("CFADS", Value::MoneyFormula(f, o.cfads));
    r.push("opex paid", Value::Money(p.opex_paid));
    r.push("fees paid", Value::Money(p.fees_paid));
    r.push("capex", Value::Money(p.capex));
    r.push("equity contribution", Value::Money(p.equity_contribution));
    for fp in &p.facilities {
        let n = &fp.name;
        let h = |what: &str| format!("{n} {what}");
        r.push(h("opening"), Value::Money(fp.opening));
        r.push(h("draws"), Value::Money(fp.draws));
        r.push(h("rate"), Value::Rate(Some(fp.rate)));
        r.push(h("interest due"), Value::Money(fp.interest_due));
        r.push(h("commitment fee due"), Value::Money(fp.commitment_fee_due));
        r.push(h("interest paid"), Value::Money(fp.interest_paid));
        r.push(
            h("scheduled principal"),
            Value::Money(fp.scheduled_principal),
        );
        r.push(h("principal due"), Value::Money(fp.principal_due));
        r.push(h("principal paid"), Value::Money(fp.principal_paid));
        r.push(h("prepaid"), Value::Money(fp.prepaid));
        r.push(h("arrears"), Value::Money(fp.arrears()));
        let f = format!(
            "={}+{}-{}-{}",
            r.at(&h("opening")),
            r.at(&h("draws")),
            r.at(&h("principal paid")),
            r.at(&h("prepaid"))
        );
        r.push(h("closing"), Value::MoneyFormula(f, fp.closing));
    }
    if let Some(s) = p.senior() {
        let n = &s.name;
        let ds = s.interest_due + s.commitment_fee_due + s.principal_due;
        let f = format!(
            "={}+{}+{}",
            r.at(&format!("{n} interest due")),
            r.at(&format!("{n} commitment fee due")),
            r.at(&format!("{n} principal due"))
        );
        r.push("senior debt service", Value::MoneyFormula(f, ds));
        let f = format!(
            "=IF({ds}=0,\"\",{cfads}/{ds})",
            ds = r.at("senior debt service"),
            cfads = r.at("CFADS")
        );
        r.push("DSCR", Value::RatioFormula(f, p.dscr));
    } else {
        r.push("DSCR", Value::Ratio(p.dscr));
    }
    let d = &p.dsra;
    r.push("DSRA opening", Value::Money(d.opening));
    r.push("DSRA target", Value::Money(d.target));
    r.push("DSRA deposit", Value::Money(d.deposit));
    r.push("DSRA release", Value::Money(d.release));
    r.push("DSRA draw", Value::Money(d.draw));
    let f = format!(
        "={}+{}-{}-{}",
        r.at("DSRA opening"),
        r.at("DSRA deposit"),
        r.at("DSRA release"),
        r.at("DSRA draw")
    );
    r.push("DSRA closing", Value::MoneyFormula(f, d.closing));
    r.push("lock-up closing", Value::Money(p.lockup.closing));
    r.push("book value", Value::Money(p.book_value));
    r.push("LTV", Value::Percent(p.ltv));
    r.push("sweep", Value::Money(p.sweep));
    r.push("lock-up prepaid", Value::Money(p.lockup_prepaid));
    r.push("distribution", Value::Money(p.distribution));
    let names: Vec<&str> = p.events.iter().map(|e| e.name()).collect();
    r.push("events", Value::Text(names.join(" ")));
    let _ = run;
    r
}

/// Writes the Periods sheet; returns each column's letter by header.
fn periods_sheet(book: &mut Workbook, f: &Formats, run: &Run) -> Result<HashMap<String, String>> {
    let ws = book.add_worksheet().set_name("Periods")?;
    // A blank DSCR (no debt service) is an empty text result, not the writer's "0".
    ws.set_formula_result_default("");
    let mut w = Writer {
        ws,
        sheet: "Periods",
        f,
    };
    let mut letters = HashMap::new();
    for (i, p) in run.periods.iter().enumerate() {
        let row = i as u32 + 1;
        let r = period_row(run, p, row);
        if i == 0 {
            let headers: Vec<(String, f64)> = r
                .cells
                .iter()
                .map(|(h, v)| (h.clone(), v.width().max(h.len() as f64 * 0.55 + 2.0)))
                .collect();
            w.header(0, &headers)?;
            for (col, (h, _)) in r.cells.iter().enumerate() {
                letters.insert(h.clone(), column_number_to_name(col as u16));
            }
        }
        for (col, (_, v)) in r.cells.iter().enumerate() {
            w.write(row, col as u16, v, false)?;
        }
    }
    w.ws.set_freeze_panes(1, 1)?;
    if let Some(c) = letters.get("events") {
        let col = r_col(c);
        w.ws.set_column_width(col, 28)?;
    }
    Ok(letters)
}

/// The column number of a column name, `A` = 0.
fn r_col(name: &str) -> u16 {
    name.bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
        .saturating_sub(1) as u16
}

fn schedule_sheet(book: &mut Workbook, f: &Formats, run: &Run) -> Result<()> {
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
    for plan in &run.plan.facilities {
        for s in &plan.schedule.rows {
            let mut r = Row::new(row);
            r.push("facility", Value::Text(plan.name.clone()));
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
    Ok(())
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
                cells.push((2, Value::Text(facility.clone())));
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
                cells.push((2, Value::Text(facility.clone())));
                cells.push((3, Value::Money(*due)));
                cells.push((4, Value::Money(*paid)));
                cells.push((5, Value::Money(*shortfall)));
            }
            Event::Lockup { dscr, trapped, .. } => {
                cells.push((6, Value::Ratio(*dscr)));
                cells.push((7, Value::Money(*trapped)));
            }
            Event::DscrDefault { dscr, .. } => {
                cells.push((6, Value::Ratio(Some(*dscr))));
            }
            Event::LtvBreach { ltv, .. } => {
                cells.push((8, Value::Percent(*ltv)));
            }
            Event::LenderLoss { facility, loss, .. } => {
                cells.push((2, Value::Text(facility.clone())));
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

fn inputs_sheet(book: &mut Workbook, f: &Formats, deal: &Deal) -> Result<()> {
    let ws = book.add_worksheet().set_name("Inputs")?;
    let mut w = Writer {
        ws,
        sheet: "Inputs",
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
) -> Result<()> {
    let s = &run.summary;
    let n = run.periods.len();
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
    for (i, (label, v)) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        w.ws.write_string(row, 0, label)?;
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

    // A native chart: the senior balance (columns) and the DSCR (a line on the
    // secondary axis) over the periods with senior debt service.
    let senior = run.plan.facilities.iter().find(|p| p.rank == Rank::Senior);
    let first = run.periods.iter().position(|p| p.dscr.is_some());
    let last = run.periods.iter().rposition(|p| p.dscr.is_some());
    if let (Some(senior), Some(first), Some(last)) = (senior, first, last) {
        let (r0, r1) = (first as u32 + 1, last as u32 + 1);
        let col = |key: &str| letters.get(key).map(|c| r_col(c));
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
                .filter_map(|p| p.dscr)
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
            w.ws.insert_chart(3, 3, &chart)?;
        }
    }
    Ok(())
}

/// The workbook of a run of `deal`, as the bytes of an `.xlsx` file.
pub fn workbook(deal: &Deal, run: &Run) -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut book = Workbook::new();
    // Summary first (its totals refer to the later sheets, written after it).
    book.add_worksheet().set_name("Summary")?;
    let letters = periods_sheet(&mut book, &f, run)?;
    schedule_sheet(&mut book, &f, run)?;
    let equity_cell = closing_sheet(&mut book, &f, run)?;
    events_sheet(&mut book, &f, run)?;
    inputs_sheet(&mut book, &f, deal)?;
    let summary = book.worksheet_from_name("Summary")?;
    summary_sheet(summary, &f, deal, run, &letters, &equity_cell)?;
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
            assert_eq!(r_col(&column_number_to_name(col)), col);
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
