//! The live model of the workbook: the Inputs sheet (labelled inputs in blue, each a
//! defined name), the Periods sheet computed from them with formulas (revenue,
//! interest, the commitment fee, each step of the waterfall as `MIN(available, due)`,
//! the DSRA target, the lock-up, distributions, closing balances, the DSCR and the
//! discount factors of the LLCR) and the Returns sheet (the sponsor's dated flows the
//! Summary's `XIRR` and `XNPV` read).
//!
//! Every formula carries the engine's figure as its cached result. Where a rule is not
//! a formula (the calendar, the operating costs, capex and draws, the close schedule
//! and the sizing, the book value, the events), the cell holds the engine's value in
//! green, and a note on its header says why (docs/output.md lists them).

use std::collections::HashMap;

use boxflow_amortize::exact::round2_ratio;
use boxflow_core::{active_days, escalation_factor, DayCount, Money, MoneyRatio, SheetEnum};
use boxflow_model::{Deal, LockupAction, Rank, RateSpec};
use boxflow_waterfall::{revenue_factors, PeriodResult, Run};
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    utility::column_number_to_name, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula,
    Note, Workbook, Worksheet,
};

use super::{cell_name, money_number, Result, XlsxReportError};

/// Who sets a cell: an analyst's input (blue), a formula (black) or the engine, for a
/// rule that is not a formula (green).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Role {
    Input,
    Formula,
    Engine,
}

/// How a cell's number reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Money,
    Ratio,
    Rate,
    Percent,
    Int,
    Date,
    Text,
    Factor,
}

/// The font colours of the three roles.
pub(super) const INPUT_BLUE: u32 = 0x0000FF;
/// Engine values: green, as modellers mark values brought in from elsewhere.
pub(super) const ENGINE_GREEN: u32 = 0x00703C;

/// The formats of the model's cells, by role and kind.
pub(super) struct Styles {
    cache: HashMap<(Role, Kind), Format>,
    pub(super) header: Format,
    pub(super) section: Format,
    pub(super) note: Format,
}

impl Styles {
    pub(super) fn new() -> Styles {
        let mut cache = HashMap::new();
        for role in [Role::Input, Role::Formula, Role::Engine] {
            for kind in [
                Kind::Money,
                Kind::Ratio,
                Kind::Rate,
                Kind::Percent,
                Kind::Int,
                Kind::Date,
                Kind::Text,
                Kind::Factor,
            ] {
                let number = match kind {
                    Kind::Money => "#,##0.00",
                    Kind::Ratio => "0.0000\"x\";\"n.m. (CFADS < 0)\"",
                    Kind::Rate => "0.00##%",
                    Kind::Percent => "0.00%",
                    Kind::Int => "0",
                    Kind::Date => "yyyy-mm-dd",
                    Kind::Text => "General",
                    Kind::Factor => "0.000000",
                };
                let f = Format::new().set_num_format(number);
                let f = match role {
                    Role::Input => f.set_font_color(INPUT_BLUE).set_background_color(0xFFF2CC),
                    Role::Engine => f.set_font_color(ENGINE_GREEN),
                    Role::Formula => f,
                };
                cache.insert((role, kind), f);
            }
        }
        Styles {
            cache,
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#DCE6F1")
                .set_border_bottom(FormatBorder::Thin),
            section: Format::new().set_bold().set_background_color("#EEF2F7"),
            note: Format::new().set_italic().set_font_color("#5A6677"),
        }
    }

    fn get(&self, role: Role, kind: Kind) -> &Format {
        &self.cache[&(role, kind)]
    }
}

/// A cell's figure: the value written, or a formula's cached result.
#[derive(Clone, Debug)]
pub(super) enum Figure {
    Money(Money),
    /// A ratio, rate or factor; `None` is a blank.
    Number(Option<Decimal>),
    /// A float that is not an engine output (a discount factor).
    Float(f64),
    Int(i64),
    Date(NaiveDate),
    Text(String),
}

/// One cell of the model.
#[derive(Clone, Debug)]
pub(super) struct Cell {
    pub(super) role: Role,
    pub(super) kind: Kind,
    /// The formula, `=...`; `None` for a value.
    pub(super) formula: Option<String>,
    pub(super) figure: Figure,
}

impl Cell {
    fn formula(kind: Kind, formula: String, figure: Figure) -> Cell {
        Cell {
            role: Role::Formula,
            kind,
            formula: Some(formula),
            figure,
        }
    }

    fn engine(kind: Kind, figure: Figure) -> Cell {
        Cell {
            role: Role::Engine,
            kind,
            formula: None,
            figure,
        }
    }

    /// A money formula: its expression rounded to the cent, so that the binary
    /// residue of a sum (`0.1 + 0.2`) never reaches a later test such as `= 0`; a bare
    /// reference is left as it is.
    fn money(formula: String, m: Money) -> Cell {
        let expr = formula.strip_prefix('=').unwrap_or(&formula);
        let bare = expr
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '!' || c == '$');
        let formula = if bare || single_round(expr) {
            format!("={expr}")
        } else {
            format!("=ROUND({expr},2)")
        };
        Cell::formula(Kind::Money, formula, Figure::Money(m))
    }
}

/// Whether `expr` is one call of `ROUND(...)` as a whole.
fn single_round(expr: &str) -> bool {
    let Some(body) = expr.strip_prefix("ROUND(") else {
        return false;
    };
    let mut depth = 1;
    for (i, ch) in body.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i == body.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// Writes `cell` at (`row`, `col`) of `ws` (`sheet` names it in errors): every amount
/// must read back to the cent from its binary float.
pub(super) fn write_cell(
    ws: &mut Worksheet,
    sheet: &str,
    styles: &Styles,
    row: u32,
    col: u16,
    cell: &Cell,
) -> Result<()> {
    let format = styles.get(cell.role, cell.kind);
    let exact = |m: Money| {
        money_number(m).ok_or_else(|| XlsxReportError::NotExact {
            sheet: sheet.into(),
            cell: cell_name(row, col),
            amount: m,
        })
    };
    if let Some(formula) = &cell.formula {
        let result = match &cell.figure {
            Figure::Money(m) => {
                exact(*m)?;
                m.to_string()
            }
            Figure::Number(Some(d)) => d.to_f64().map_or(String::new(), |x| x.to_string()),
            Figure::Number(None) => String::new(),
            Figure::Float(x) => x.to_string(),
            Figure::Int(i) => i.to_string(),
            Figure::Date(d) => excel_serial(*d).to_string(),
            Figure::Text(t) => t.clone(),
        };
        ws.write_formula_with_format(row, col, Formula::new(formula).set_result(result), format)?;
        return Ok(());
    }
    match &cell.figure {
        Figure::Money(m) => {
            ws.write_number_with_format(row, col, exact(*m)?, format)?;
        }
        Figure::Number(Some(d)) => {
            ws.write_number_with_format(row, col, d.to_f64().unwrap_or(0.0), format)?;
        }
        Figure::Number(None) => {
            ws.write_blank(row, col, format)?;
        }
        Figure::Float(x) => {
            ws.write_number_with_format(row, col, *x, format)?;
        }
        Figure::Int(i) => {
            ws.write_number_with_format(row, col, *i as f64, format)?;
        }
        Figure::Date(d) => {
            let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(row, col, &date, format)?;
        }
        Figure::Text(t) => {
            ws.write_string_with_format(row, col, t, format)?;
        }
    }
    Ok(())
}

/// A date's Excel serial number (1900 system).
fn excel_serial(d: NaiveDate) -> i64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (d - base).num_days()
}

/// The defined names of the inputs. Names are `Word_i` for the i-th capacity line or
/// facility (1-based), so that no name reads as a cell reference.
pub(super) fn line_name(what: &str, i: usize) -> String {
    format!("{what}_{}", i + 1)
}

/// The defined names of a curve's dates and rates.
pub(super) fn curve_names(curve: &str) -> (String, String) {
    let clean: String = curve
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    (
        format!("Curve_{clean}_Dates"),
        format!("Curve_{clean}_Rates"),
    )
}

/// The name of a capacity line as an analyst reads it.
fn capacity_label(deal: &Deal, i: usize) -> String {
    deal.contract.capacity[i]
        .name
        .clone()
        .unwrap_or_else(|| format!("Line {}", i + 1))
}

/// The day-count basis of a facility as a formula's denominator, and how a period's
/// days are counted: `None` for the actual days of the period's `days` column.
fn basis(day_count: DayCount) -> i64 {
    match day_count {
        DayCount::Act365F => 365,
        DayCount::Act360 | DayCount::Thirty360 => 360,
    }
}

/// The first row of the inputs table and its legend.
const INPUTS_FIRST_ROW: u32 = 4;

/// Writes the Inputs sheet: labelled inputs, each with a defined name; the analyst's
/// inputs in blue on yellow, the figures fixed at close (sizing, calendar) in green.
pub(super) fn inputs_sheet(
    book: &mut Workbook,
    styles: &Styles,
    deal: &Deal,
    run: &Run,
) -> Result<()> {
    let plan = &run.plan;
    let mut rows: Vec<(String, Cell, String, &str)> = Vec::new();
    let input = |kind: Kind, figure: Figure| Cell {
        role: Role::Input,
        kind,
        formula: None,
        figure,
    };
    let engine = Cell::engine;
    rows.push((
        "close".into(),
        engine(Kind::Date, Figure::Date(deal.close)),
        "Close".into(),
        "fixed: the calendar of the Periods sheet is written from it",
    ));
    rows.push((
        "months per period".into(),
        engine(
            Kind::Int,
            Figure::Int(i64::from(plan.calendar.months_per_period())),
        ),
        "PeriodMonths".into(),
        "fixed: the calendar",
    ));
    rows.push((
        "contract end (exclusive)".into(),
        engine(Kind::Date, Figure::Date(plan.calendar.end())),
        "ContractEnd".into(),
        "fixed: close + term",
    ));
    rows.push((
        "contract escalator (annual)".into(),
        input(
            Kind::Rate,
            Figure::Number(Some(deal.contract.escalator.value())),
        ),
        "Escalator".into(),
        "price step on each anniversary of close",
    ));
    rows.push((
        "customer prepayment".into(),
        input(Kind::Money, Figure::Money(deal.contract.prepayment)),
        "Prepayment".into(),
        "received at close; its credits reduce collections",
    ));
    rows.push((
        "prepayment credit share".into(),
        input(
            Kind::Percent,
            Figure::Number(Some(deal.contract.prepayment_credit_share.value())),
        ),
        "PrepaymentCreditShare".into(),
        "share of each invoice settled from the prepayment",
    ));
    for (i, line) in deal.contract.capacity.iter().enumerate() {
        let label = capacity_label(deal, i);
        rows.push((
            format!("{label}: GPUs"),
            input(Kind::Int, Figure::Int(line.gpus as i64)),
            line_name("GPUs", i),
            "capacity line",
        ));
        rows.push((
            format!("{label}: price per GPU-hour"),
            input(
                Kind::Factor,
                Figure::Number(Some(line.price_per_gpu_hour.value())),
            ),
            line_name("Price", i),
            "capacity line",
        ));
        rows.push((
            format!("{label}: online"),
            input(Kind::Date, Figure::Date(line.online)),
            line_name("Online", i),
            "billing starts on this date",
        ));
    }
    rows.push((
        "terminal value of the GPUs".into(),
        engine(Kind::Money, Figure::Money(plan.terminal_value)),
        "TerminalValue".into(),
        "engine: Σ round2(cost · residual share) over the purchase orders",
    ));
    rows.push((
        "DSRA funded at close".into(),
        engine(Kind::Money, Figure::Money(plan.dsra_at_close)),
        "DsraAtClose".into(),
        "engine: the close target of the reserve (Closing sheet)",
    ));
    for (i, (f, spec)) in plan.facilities.iter().zip(&deal.facilities).enumerate() {
        let n = &f.name;
        rows.push((
            format!("{n}: commitment"),
            engine(Kind::Money, Figure::Money(f.commitment)),
            line_name("Commitment", i),
            "engine: sized at close (a bisection over the schedule, not a formula)",
        ));
        rows.push((
            format!("{n}: drawn at close"),
            engine(Kind::Money, Figure::Money(f.closing_draws(&plan.capex))),
            line_name("DrawnAtClose", i),
            "engine: its share of the capex paid at close",
        ));
        match &spec.rate {
            RateSpec::Fixed(r) => rows.push((
                format!("{n}: fixed rate"),
                input(Kind::Rate, Figure::Number(Some(r.value()))),
                line_name("FixedRate", i),
                "annual",
            )),
            RateSpec::Floating {
                index,
                margin,
                floor,
            } => {
                rows.push((
                    format!("{n}: margin over {index}"),
                    input(Kind::Rate, Figure::Number(Some(margin.value()))),
                    line_name("Margin", i),
                    "annual",
                ));
                rows.push((
                    format!("{n}: floor of {index}"),
                    input(Kind::Rate, Figure::Number(Some(floor.value()))),
                    line_name("Floor", i),
                    "the index is at least this",
                ));
            }
        }
        rows.push((
            format!("{n}: commitment fee"),
            input(
                Kind::Rate,
                Figure::Number(Some(spec.commitment_fee.value())),
            ),
            line_name("CommitmentFee", i),
            "annual, on the undrawn commitment",
        ));
        rows.push((
            format!("{n}: sweep"),
            input(Kind::Percent, Figure::Number(Some(spec.sweep.value()))),
            line_name("Sweep", i),
            "share of the cash available at step 8",
        ));
    }
    if let Some(c) = &deal.covenants {
        if let Some(l) = c.lockup_dscr {
            rows.push((
                "lock-up DSCR".into(),
                input(Kind::Ratio, Figure::Number(Some(l.value()))),
                "LockupDSCR".into(),
                "no distribution below it",
            ));
        }
        rows.push((
            "lock-up action".into(),
            input(Kind::Text, Figure::Text(c.lockup_action.name().into())),
            "LockupAction".into(),
            "sweep or hold",
        ));
    }
    if let Some(a) = &deal.analysis {
        rows.push((
            "discount rate (NPV)".into(),
            input(Kind::Rate, Figure::Number(Some(a.discount_rate.value()))),
            "DiscountRate".into(),
            "XNPV of the sponsor's flows on Summary",
        ));
    }

    let ws = book.add_worksheet().set_name("Inputs")?;
    ws.write_string_with_format(
        0,
        0,
        "Inputs of the live model",
        &Format::new().set_bold().set_font_size(14),
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Blue on yellow: inputs; change one and the Periods, Returns and Summary sheets \
         recalculate. Green: figures fixed at close by the engine (sizing, calendar). \
         Black: formulas. The Deal sheet lists the whole deal as read.",
        &styles.note,
    )?;
    for (col, (h, w)) in [
        ("input", 40.0),
        ("value", 18.0),
        ("name", 26.0),
        ("note", 60.0),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(INPUTS_FIRST_ROW - 1, col as u16, *h, &styles.header)?;
        ws.set_column_width(col as u16, *w)?;
    }
    let mut names: Vec<(String, String)> = Vec::new();
    let mut row = INPUTS_FIRST_ROW;
    for (label, cell, name, note) in &rows {
        ws.write_string(row, 0, label)?;
        write_cell(ws, "Inputs", styles, row, 1, cell)?;
        ws.write_string(row, 2, name)?;
        ws.write_string_with_format(row, 3, *note, &styles.note)?;
        names.push((name.clone(), format!("=Inputs!$B${}", row + 1)));
        row += 1;
    }
    // The curves: one table each, dates and rates, named for LOOKUP.
    for (curve, points) in &deal.curves {
        row += 1;
        ws.write_string_with_format(row, 0, format!("{curve}: date"), &styles.section)?;
        ws.write_string_with_format(row, 1, "rate", &styles.section)?;
        row += 1;
        let first = row;
        for (date, rate) in &points.points {
            write_cell(
                ws,
                "Inputs",
                styles,
                row,
                0,
                &input(Kind::Date, Figure::Date(*date)),
            )?;
            write_cell(
                ws,
                "Inputs",
                styles,
                row,
                1,
                &input(Kind::Rate, Figure::Number(Some(rate.value()))),
            )?;
            row += 1;
        }
        if row > first {
            let (dates, rates) = curve_names(curve);
            ws.write_string(first, 2, format!("{dates}, {rates}"))?;
            names.push((dates, format!("=Inputs!$A${}:$A${}", first + 1, row)));
            names.push((rates, format!("=Inputs!$B${}:$B${}", first + 1, row)));
        }
    }
    ws.set_freeze_panes(INPUTS_FIRST_ROW, 0)?;
    page_setup(ws, INPUTS_FIRST_ROW - 1)?;
    for (name, target) in names {
        book.define_name(name, &target)?;
    }
    Ok(())
}

/// Landscape, fit to one page wide, the header row repeated on every page.
pub(super) fn page_setup(ws: &mut Worksheet, header_row: u32) -> Result<()> {
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

/// One row of the Periods sheet under construction.
struct LiveRow {
    row: u32,
    cells: Vec<(String, Cell)>,
    index: HashMap<String, u16>,
}

impl LiveRow {
    fn push(&mut self, header: impl Into<String>, cell: Cell) {
        let header = header.into();
        self.index.insert(header.clone(), self.cells.len() as u16);
        self.cells.push((header, cell));
    }

    /// The cell of an earlier column of this row.
    fn at(&self, header: &str) -> String {
        let col = self.index.get(header).copied().unwrap_or(0);
        cell_name(self.row, col)
    }
}

/// Why a column holds the engine's values: its header's note.
pub(super) fn engine_note(header: &str) -> Option<&'static str> {
    let h = header;
    Some(if h == "start" || h == "end" || h == "period" {
        "Engine value: the calendar, fixed at close."
    } else if ["colocation", "power", "expenses", "fees"].contains(&h) {
        "Engine value: each operating line has its own escalation anchor and active window \
         (methodology section 5); a change of an opex input is not a formula here."
    } else if h == "capex" || h == "equity contribution" || h.ends_with(" draws") {
        "Engine value: capex payments and the pro-rata draws of the commitment sized at \
         close (section 4); funded outside the waterfall."
    } else if h.ends_with(" opening")
        && !h.starts_with("DSRA")
        && !h.starts_with("prepayment")
        && !h.starts_with("lock-up")
    {
        "Period 1: the engine's draws at close; later periods: the previous closing."
    } else if h.ends_with(" scheduled principal") {
        "A link to the Schedule sheet: the close schedule, sculpted and sized by the engine \
         at close (section 7), is fixed for the whole run."
    } else if h == "book value" {
        "Engine value: straight-line book value of the purchase orders (section 11)."
    } else if h.starts_with("events") {
        "Engine value: the events of the engine's run; they do not recalculate."
    } else {
        return None;
    })
}

/// The facts of the deal the period rows need.
struct Layout<'a> {
    deal: &'a Deal,
    run: &'a Run,
    senior: Option<usize>,
    juniors: Vec<usize>,
    /// Schedule sheet row (0-based) of (facility, period).
    schedule_rows: &'a HashMap<(usize, usize), u32>,
}

/// Running figures carried from row to row for the cached results.
#[derive(Default)]
struct Carry {
    drawn: Vec<Money>,
    discount: f64,
}

fn dec_f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// `(1 + e)^y`, exact.
fn powi(base: Decimal, y: u32) -> Decimal {
    let mut x = Decimal::ONE;
    for _ in 0..y {
        x = x.checked_mul(base).unwrap_or(x);
    }
    x
}

/// The period row `idx` (sheet row `idx + 1`); `layout` holds the columns by header
/// (from the first row) for references to the previous row.
fn period_row(
    l: &Layout,
    idx: usize,
    columns: Option<&HashMap<String, u16>>,
    carry: &mut Carry,
) -> Result<LiveRow> {
    let (deal, run) = (l.deal, l.run);
    let plan = &run.plan;
    let p: &PeriodResult = &run.periods[idx];
    let o = &p.operations;
    let k = idx + 1;
    let row = k as u32;
    let mut r = LiveRow {
        row,
        cells: Vec::new(),
        index: HashMap::new(),
    };
    // The previous row's cell of a header; `None` in period 1.
    let prev = |h: &str| -> Option<String> {
        columns
            .and_then(|c| c.get(h))
            .map(|col| cell_name(row - 1, *col))
    };
    let prev_or_0 = |h: &str| prev(h).unwrap_or_else(|| "0".into());
    let m = plan.calendar.months_per_period();

    // Calendar.
    r.push("period", Cell::engine(Kind::Int, Figure::Int(k as i64)));
    r.push("start", Cell::engine(Kind::Date, Figure::Date(p.start)));
    r.push("end", Cell::engine(Kind::Date, Figure::Date(p.end)));
    let f = format!("={}-{}", r.at("end"), r.at("start"));
    r.push("days", Cell::formula(Kind::Int, f, Figure::Int(p.days)));
    let y = ((k as u32 - 1) * m) / 12;
    let f = format!("=INT(({}-1)*PeriodMonths/12)", r.at("period"));
    r.push(
        "contract year",
        Cell::formula(Kind::Int, f, Figure::Int(i64::from(y))),
    );
    let esc = escalation_factor(deal.contract.escalator.value(), deal.close, p.start)
        .unwrap_or_else(|_| powi(Decimal::ONE + deal.contract.escalator.value(), y));
    let f = format!("=(1+Escalator)^{}", r.at("contract year"));
    r.push(
        "escalation",
        Cell::formula(Kind::Factor, f, Figure::Number(Some(esc))),
    );

    // Revenue (section 3): each line, the invoice, the prepayment credit.
    let period = &plan.calendar.periods()[idx];
    let factors = revenue_factors(deal, &plan.calendar, period).unwrap_or_default();
    let mut lines = Vec::new();
    for (i, line) in deal.contract.capacity.iter().enumerate() {
        let label = capacity_label(deal, i);
        let active = active_days(p.start, p.end, line.online, Some(plan.calendar.end()));
        let f = format!(
            "=MAX(0,MIN({end},ContractEnd)-MAX({start},{online}))",
            end = r.at("end"),
            start = r.at("start"),
            online = line_name("Online", i)
        );
        let h = format!("{label} active days");
        r.push(&h, Cell::formula(Kind::Int, f, Figure::Int(active)));
        let amount = factors
            .get(i)
            .and_then(|fac| round2_ratio(&[*fac, line.price_per_gpu_hour.value()], &[]).ok())
            .unwrap_or(Money::ZERO);
        let f = format!(
            "=ROUND({gpus}*{price}*{esc}*24*{active},2)",
            gpus = line_name("GPUs", i),
            price = line_name("Price", i),
            esc = r.at("escalation"),
            active = r.at(&h)
        );
        let h = format!("{label} invoice");
        r.push(&h, Cell::money(f, amount));
        lines.push(r.at(&h));
    }
    let f = if lines.is_empty() {
        "=0".to_string()
    } else {
        format!("={}", lines.join("+"))
    };
    r.push("invoice", Cell::money(f, o.invoice));
    let f = format!(
        "={}",
        prev("prepayment closing").unwrap_or_else(|| "Prepayment".into())
    );
    r.push("prepayment opening", Cell::money(f, p.prepayment_opening));
    let f = format!(
        "=MIN({open},ROUND({inv}*PrepaymentCreditShare,2))",
        open = r.at("prepayment opening"),
        inv = r.at("invoice")
    );
    r.push("prepayment credit", Cell::money(f, o.prepayment_credit));
    let f = format!(
        "={}-{}",
        r.at("prepayment opening"),
        r.at("prepayment credit")
    );
    r.push("prepayment closing", Cell::money(f, p.prepayment_closing));
    let f = format!("={}-{}", r.at("invoice"), r.at("prepayment credit"));
    r.push("collections", Cell::money(f, o.collections));

    // Operating costs (engine values) and CFADS (section 5).
    r.push(
        "colocation",
        Cell::engine(Kind::Money, Figure::Money(o.colocation)),
    );
    r.push("power", Cell::engine(Kind::Money, Figure::Money(o.power)));
    r.push(
        "expenses",
        Cell::engine(Kind::Money, Figure::Money(o.expenses)),
    );
    let f = format!(
        "={}+{}+{}",
        r.at("colocation"),
        r.at("power"),
        r.at("expenses")
    );
    r.push("opex", Cell::money(f, o.opex));
    r.push("fees", Cell::engine(Kind::Money, Figure::Money(o.fees)));
    let f = format!("={}-{}-{}", r.at("collections"), r.at("opex"), r.at("fees"));
    r.push("CFADS", Cell::money(f, o.cfads));
    r.push("capex", Cell::engine(Kind::Money, Figure::Money(p.capex)));
    r.push(
        "equity contribution",
        Cell::engine(Kind::Money, Figure::Money(p.equity_contribution)),
    );

    // Each facility's accruals (section 6) and its principal due (section 11).
    for (i, (fp, fpl)) in p.facilities.iter().zip(&plan.facilities).enumerate() {
        let n = &fp.name;
        let h = |what: &str| format!("{n} {what}");
        let opening = match prev(&h("closing")) {
            Some(c) => Cell::money(format!("={c}"), fp.opening),
            None => Cell::engine(Kind::Money, Figure::Money(fp.opening)),
        };
        r.push(h("opening"), opening);
        r.push(
            h("draws"),
            Cell::engine(Kind::Money, Figure::Money(fp.draws)),
        );
        if carry.drawn.len() <= i {
            carry.drawn.push(fpl.closing_draws(&plan.capex));
        }
        let undrawn = (fpl.commitment - carry.drawn[i]).at_least_zero();
        let f = match (prev(&h("undrawn")), prev(&h("draws"))) {
            (Some(u), Some(d)) => format!("=MAX(0,{u}-{d})"),
            _ => format!(
                "=MAX(0,{}-{})",
                line_name("Commitment", i),
                line_name("DrawnAtClose", i)
            ),
        };
        r.push(h("undrawn"), Cell::money(f, undrawn));
        carry.drawn[i] += fp.draws;
        let f = match &deal.facilities.get(i).map(|f| &f.rate) {
            Some(RateSpec::Floating { index, .. }) => {
                let (dates, rates) = curve_names(index);
                format!(
                    "=MAX({floor},LOOKUP({start},{dates},{rates}))+{margin}",
                    floor = line_name("Floor", i),
                    start = r.at("start"),
                    margin = line_name("Margin", i)
                )
            }
            _ => format!("={}", line_name("FixedRate", i)),
        };
        r.push(
            h("rate"),
            Cell::formula(Kind::Rate, f, Figure::Number(Some(fp.rate))),
        );
        let dc = fpl.terms.day_count;
        let days_cell = r.at("days");
        let days = |from: NaiveDate| -> String {
            match dc {
                DayCount::Thirty360 => dc.fraction(from, p.end).0.to_string(),
                _ if from == p.start => days_cell.clone(),
                _ => dc.fraction(from, p.end).0.to_string(),
            }
        };
        let b = basis(dc);
        let mut f = format!(
            "=ROUND({open}*{rate}*{days}/{b},2)",
            open = r.at(&h("opening")),
            rate = r.at(&h("rate")),
            days = days(p.start)
        );
        for (line, draw) in plan.capex.iter().zip(&fpl.draws) {
            if line.period == k && !draw.is_zero() {
                let from = line.effective_date(deal.close).max(p.start);
                f.push_str(&format!(
                    "+ROUND({draw}*{rate}*{days}/{b},2)",
                    rate = r.at(&h("rate")),
                    days = days(from)
                ));
            }
        }
        r.push(h("interest due"), Cell::money(f, fp.interest_due));
        let f = format!(
            "=ROUND({u}*{fee}*{days}/{b},2)",
            u = r.at(&h("undrawn")),
            fee = line_name("CommitmentFee", i),
            days = days(p.start)
        );
        r.push(
            h("commitment fee due"),
            Cell::money(f, fp.commitment_fee_due),
        );
        let sched = match l.schedule_rows.get(&(i, k)) {
            Some(srow) => Cell::money(format!("=Schedule!G{}", srow + 1), fp.scheduled_principal),
            None => Cell::engine(Kind::Money, Figure::Money(fp.scheduled_principal)),
        };
        r.push(h("scheduled principal"), sched);
        let f = format!(
            "=MAX(0,MIN({s},{o}+{d}-{a}))",
            s = r.at(&h("scheduled principal")),
            o = r.at(&h("opening")),
            d = r.at(&h("draws")),
            a = prev_or_0(&h("principal arrears"))
        );
        r.push(h("principal due"), Cell::money(f, fp.principal_due));
    }

    // The senior DSCR (section 11).
    if let Some(s) = l.senior {
        let n = &p.facilities[s].name;
        let fp = &p.facilities[s];
        let ds = fp.interest_due + fp.commitment_fee_due + fp.principal_due;
        let f = format!(
            "={}+{}+{}",
            r.at(&format!("{n} interest due")),
            r.at(&format!("{n} commitment fee due")),
            r.at(&format!("{n} principal due"))
        );
        r.push("senior debt service", Cell::money(f, ds));
        let f = format!(
            "=IF({ds}=0,\"\",{cfads}/{ds})",
            ds = r.at("senior debt service"),
            cfads = r.at("CFADS")
        );
        r.push(
            "DSCR",
            Cell::formula(
                Kind::Ratio,
                f,
                Figure::Number(p.dscr.map(MoneyRatio::value)),
            ),
        );
    } else {
        r.push(
            "DSCR",
            Cell::engine(Kind::Ratio, Figure::Number(p.dscr.map(MoneyRatio::value))),
        );
    }

    // Steps 1 and 2 (section 9).
    let mut cash = o.collections;
    let mut cash_cell = r.at("collections");
    for (what, amount, due, paid, arrears, arrears_h) in [
        (
            "opex",
            "opex",
            p.opex_due,
            p.opex_paid,
            p.opex_arrears,
            "opex arrears",
        ),
        (
            "fees",
            "fees",
            p.fees_due,
            p.fees_paid,
            p.fee_arrears,
            "fee arrears",
        ),
    ] {
        let f = format!("={}+{}", r.at(amount), prev_or_0(arrears_h));
        r.push(format!("{what} due"), Cell::money(f, due));
        let f = format!("=MAX(0,MIN({cash_cell},{}))", r.at(&format!("{what} due")));
        r.push(format!("{what} paid"), Cell::money(f, paid));
        let f = format!(
            "={}-{}",
            r.at(&format!("{what} due")),
            r.at(&format!("{what} paid"))
        );
        r.push(arrears_h, Cell::money(f, arrears));
        cash -= paid;
        let f = format!("={cash_cell}-{}", r.at(&format!("{what} paid")));
        let h = format!("cash after {what}");
        r.push(&h, Cell::money(f, cash));
        cash_cell = r.at(&h);
    }

    // Steps 3 and 4: the senior's interest and principal, with DSRA support.
    let d = &p.dsra;
    let f = format!(
        "={}",
        prev("DSRA closing").unwrap_or_else(|| "DsraAtClose".into())
    );
    r.push("DSRA opening", Cell::money(f, d.opening));
    let mut reserve = d.opening;
    let mut reserve_cell = r.at("DSRA opening");
    let mut draws_from_reserve = Vec::new();
    if let Some(s) = l.senior {
        let fp = &p.facilities[s];
        let n = fp.name.clone();
        let h = |what: &str| format!("{n} {what}");
        // Interest.
        let due = fp.interest_due + fp.commitment_fee_due + fp.interest_arrears_in;
        let f = format!(
            "={}+{}+{}",
            r.at(&h("interest due")),
            r.at(&h("commitment fee due")),
            prev_or_0(&h("interest arrears"))
        );
        r.push(h("interest step due"), Cell::money(f, due));
        for (what, step_due_h, step_due, paid_h, paid, short_h) in [
            (
                "interest",
                h("interest step due"),
                due,
                h("interest paid"),
                fp.interest_paid,
                h("interest arrears"),
            ),
            (
                "principal",
                h("principal step due"),
                fp.principal_step_due,
                h("principal paid"),
                fp.principal_paid,
                h("principal shortfall"),
            ),
        ] {
            if what == "principal" {
                let f = format!(
                    "=MIN({s}+{a},{o}+{d})",
                    s = r.at(&h("scheduled principal")),
                    a = prev_or_0(&h("principal arrears")),
                    o = r.at(&h("opening")),
                    d = r.at(&h("draws"))
                );
                r.push(&step_due_h, Cell::money(f, step_due));
            }
            let from_cash = cash.min(step_due).at_least_zero();
            let f = format!("=MAX(0,MIN({cash_cell},{}))", r.at(&step_due_h));
            let cash_h = h(&format!("{what} from cash"));
            r.push(&cash_h, Cell::money(f, from_cash));
            let from_reserve = reserve.min(step_due - from_cash).at_least_zero();
            let f = format!(
                "=MAX(0,MIN({reserve_cell},{}-{}))",
                r.at(&step_due_h),
                r.at(&cash_h)
            );
            let reserve_h = h(&format!("{what} from DSRA"));
            r.push(&reserve_h, Cell::money(f, from_reserve));
            draws_from_reserve.push(r.at(&reserve_h));
            let f = format!("={}+{}", r.at(&cash_h), r.at(&reserve_h));
            r.push(&paid_h, Cell::money(f, paid));
            let f = format!("={}-{}", r.at(&step_due_h), r.at(&paid_h));
            r.push(&short_h, Cell::money(f, step_due - paid));
            cash -= from_cash;
            let f = format!("={cash_cell}-{}", r.at(&cash_h));
            let after = format!("cash after senior {what}");
            r.push(&after, Cell::money(f, cash));
            cash_cell = r.at(&after);
            reserve -= from_reserve;
            let f = format!("={reserve_cell}-{}", r.at(&reserve_h));
            let rh = format!("DSRA after senior {what}");
            r.push(&rh, Cell::money(f, reserve));
            reserve_cell = r.at(&rh);
        }
    }

    // Step 5: the DSRA target (section 8), release or deposit.
    let target_cell = match (l.senior, &deal.reserve) {
        (Some(s), Some(res)) => {
            let fp = &p.facilities[s];
            let n = &fp.name;
            let h = |what: &str| format!("{n} {what}");
            let fpl = &plan.facilities[s];
            let drawn_after = carry.drawn[s];
            let exposure = (fp.opening + fp.draws - fp.principal_paid).at_least_zero()
                + (fpl.commitment - drawn_after).at_least_zero();
            let f = format!(
                "=MAX(0,{o}+{d}-{pp})+MAX(0,{u}-{d})",
                o = r.at(&h("opening")),
                d = r.at(&h("draws")),
                pp = r.at(&h("principal paid")),
                u = r.at(&h("undrawn"))
            );
            r.push("DSRA exposure", Cell::money(f, exposure));
            let span = (res.months / m) as usize;
            let window: Vec<u32> = ((k + 1)..=(k + span).min(plan.calendar.len()))
                .filter_map(|j| l.schedule_rows.get(&(s, j)).copied())
                .collect();
            let f = match (window.first(), window.last()) {
                (Some(a), Some(b)) => format!(
                    "=IF({e}=0,0,SUM(Schedule!E{a}:F{b})+MIN(SUM(Schedule!G{a}:G{b}),{e}))",
                    e = r.at("DSRA exposure"),
                    a = a + 1,
                    b = b + 1
                ),
                _ => "=0".into(),
            };
            r.push("DSRA target", Cell::money(f, d.target));
            Some(r.at("DSRA target"))
        }
        _ => {
            r.push(
                "DSRA target",
                Cell::engine(Kind::Money, Figure::Money(d.target)),
            );
            None
        }
    };
    let target = target_cell.unwrap_or_else(|| r.at("DSRA target"));
    let f = format!("=MAX(0,{reserve_cell}-{target})");
    r.push("DSRA release", Cell::money(f, d.release));
    let f =
        format!("=IF({reserve_cell}>{target},0,MAX(0,MIN({cash_cell},{target}-{reserve_cell})))");
    r.push("DSRA deposit", Cell::money(f, d.deposit));
    let f = if draws_from_reserve.is_empty() {
        "=0".to_string()
    } else {
        format!("={}", draws_from_reserve.join("+"))
    };
    r.push("DSRA draw", Cell::money(f, d.draw));
    let f = format!(
        "={}+{}-{}-{}",
        r.at("DSRA opening"),
        r.at("DSRA deposit"),
        r.at("DSRA release"),
        r.at("DSRA draw")
    );
    r.push("DSRA closing", Cell::money(f, d.closing));
    cash = cash + d.release - d.deposit;
    let f = format!(
        "={cash_cell}+{}-{}",
        r.at("DSRA release"),
        r.at("DSRA deposit")
    );
    r.push("cash after DSRA", Cell::money(f, cash));
    cash_cell = r.at("cash after DSRA");

    // Steps 6 and 7: junior interest, then junior principal, from cash alone.
    for what in ["interest", "principal"] {
        for &j in &l.juniors {
            let fp = &p.facilities[j];
            let n = fp.name.clone();
            let h = |w: &str| format!("{n} {w}");
            let (due, paid, short_h) = if what == "interest" {
                let due = fp.interest_due + fp.commitment_fee_due + fp.interest_arrears_in;
                let f = format!(
                    "={}+{}+{}",
                    r.at(&h("interest due")),
                    r.at(&h("commitment fee due")),
                    prev_or_0(&h("interest arrears"))
                );
                r.push(h("interest step due"), Cell::money(f, due));
                (due, fp.interest_paid, h("interest arrears"))
            } else {
                let f = format!(
                    "=MIN({s}+{a},{o}+{d})",
                    s = r.at(&h("scheduled principal")),
                    a = prev_or_0(&h("principal arrears")),
                    o = r.at(&h("opening")),
                    d = r.at(&h("draws"))
                );
                r.push(
                    h("principal step due"),
                    Cell::money(f, fp.principal_step_due),
                );
                (
                    fp.principal_step_due,
                    fp.principal_paid,
                    h("principal shortfall"),
                )
            };
            let step_due_h = h(&format!("{what} step due"));
            let f = format!("=MAX(0,MIN({cash_cell},{}))", r.at(&step_due_h));
            let paid_h = h(&format!("{what} paid"));
            r.push(&paid_h, Cell::money(f, paid));
            let f = format!("={}-{}", r.at(&step_due_h), r.at(&paid_h));
            r.push(&short_h, Cell::money(f, due - paid));
            cash -= paid;
            let f = format!("={cash_cell}-{}", r.at(&paid_h));
            let after = h(&format!("cash after {what}"));
            r.push(&after, Cell::money(f, cash));
            cash_cell = r.at(&after);
        }
    }

    // Step 8: the sweep, facility by facility.
    let mut sweeps = Vec::new();
    let mut sweep_of = vec![Money::ZERO; p.facilities.len()];
    for (i, fp) in p.facilities.iter().enumerate() {
        let n = &fp.name;
        let h = |w: &str| format!("{n} {w}");
        let balance = fp.opening + fp.draws - fp.principal_paid;
        let wanted = Money::round2(cash.amount() * plan.facilities[i].sweep.value());
        let swept = cash.min(wanted.min(balance)).at_least_zero();
        sweep_of[i] = swept;
        let f = format!(
            "=MAX(0,MIN({cash_cell},ROUND({cash_cell}*{share},2),{o}+{d}-{pp}))",
            share = line_name("Sweep", i),
            o = r.at(&h("opening")),
            d = r.at(&h("draws")),
            pp = r.at(&h("principal paid"))
        );
        r.push(h("sweep"), Cell::money(f, swept));
        sweeps.push(r.at(&h("sweep")));
        cash -= swept;
        let f = format!("={cash_cell}-{}", r.at(&h("sweep")));
        r.push(h("cash after sweep"), Cell::money(f, cash));
        cash_cell = r.at(&h("cash after sweep"));
    }
    let f = if sweeps.is_empty() {
        "=0".to_string()
    } else {
        format!("={}", sweeps.join("+"))
    };
    r.push("sweep", Cell::money(f, p.sweep));

    // Step 9: the lock-up test and action.
    let allowed = i64::from(p.distribution_allowed);
    match &deal.covenants {
        Some(c) => {
            let mut tests = Vec::new();
            if c.lockup_dscr.is_some() {
                tests.push(format!("OR({d}=\"\",{d}>=LockupDSCR)", d = r.at("DSCR")));
            }
            if let Some(s) = l.senior {
                let n = &p.facilities[s].name;
                let h = |w: &str| format!("{n} {w}");
                tests.push(format!(
                    "{ia}+MIN({ps},{o}+{d}-{pp}-{sw})=0",
                    ia = r.at(&h("interest arrears")),
                    ps = r.at(&h("principal shortfall")),
                    o = r.at(&h("opening")),
                    d = r.at(&h("draws")),
                    pp = r.at(&h("principal paid")),
                    sw = r.at(&h("sweep"))
                ));
            }
            tests.push(format!("{}>={target}", r.at("DSRA closing")));
            let f = format!("=IF(AND({}),1,0)", tests.join(","));
            r.push(
                "distribution allowed",
                Cell::formula(Kind::Int, f, Figure::Int(allowed)),
            );
        }
        None => r.push(
            "distribution allowed",
            Cell::engine(Kind::Int, Figure::Int(allowed)),
        ),
    }
    let test = r.at("distribution allowed");
    let lk = &p.lockup;
    let opening = match prev("lock-up closing") {
        Some(c) => Cell::money(format!("={c}"), lk.opening),
        None => Cell::engine(Kind::Money, Figure::Money(lk.opening)),
    };
    r.push("lock-up opening", opening);
    let f = format!("=IF({test}=1,{},0)", r.at("lock-up opening"));
    r.push("lock-up release", Cell::money(f, lk.release));
    let sweep_action = deal
        .covenants
        .as_ref()
        .is_some_and(|c| c.lockup_action == LockupAction::Sweep);
    let mut lockup_prepaid = Vec::new();
    let mut prepaid_of = vec![Money::ZERO; p.facilities.len()];
    for rank in [Rank::Senior, Rank::Junior] {
        for (i, fp) in p
            .facilities
            .iter()
            .enumerate()
            .filter(|(_, f)| f.rank == rank)
        {
            let n = &fp.name;
            let h = |w: &str| format!("{n} {w}");
            let balance = fp.opening + fp.draws - fp.principal_paid - sweep_of[i];
            let paid = if !p.distribution_allowed && sweep_action {
                cash.min(balance).at_least_zero()
            } else {
                Money::ZERO
            };
            prepaid_of[i] = paid;
            let f = format!(
                "=IF(AND({test}=0,LockupAction=\"sweep\"),MAX(0,MIN({cash_cell},{o}+{d}-{pp}-{sw})),0)",
                o = r.at(&h("opening")),
                d = r.at(&h("draws")),
                pp = r.at(&h("principal paid")),
                sw = r.at(&h("sweep"))
            );
            let f = if deal.covenants.is_some() {
                f
            } else {
                "=0".into()
            };
            r.push(h("lock-up prepaid"), Cell::money(f, paid));
            lockup_prepaid.push(r.at(&h("lock-up prepaid")));
            cash -= paid;
            let f = format!("={cash_cell}-{}", r.at(&h("lock-up prepaid")));
            r.push(h("cash after lock-up prepaid"), Cell::money(f, cash));
            cash_cell = r.at(&h("cash after lock-up prepaid"));
        }
    }
    let f = if lockup_prepaid.is_empty() {
        "=0".to_string()
    } else {
        format!("={}", lockup_prepaid.join("+"))
    };
    r.push("lock-up prepaid", Cell::money(f, p.lockup_prepaid));
    let f = format!("=IF({test}=1,0,MAX(0,{cash_cell}))");
    r.push("lock-up deposit", Cell::money(f, lk.deposit));
    let f = format!(
        "={}-{}+{}",
        r.at("lock-up opening"),
        r.at("lock-up release"),
        r.at("lock-up deposit")
    );
    r.push("lock-up closing", Cell::money(f, lk.closing));

    // Step 10: the distribution.
    let f = format!(
        "={cash_cell}+{}-{}",
        r.at("lock-up release"),
        r.at("lock-up deposit")
    );
    r.push("distribution", Cell::money(f, p.distribution));

    // Each facility's closing balance and arrears.
    for (i, fp) in p.facilities.iter().enumerate() {
        let n = &fp.name;
        let h = |w: &str| format!("{n} {w}");
        let f = format!("={}+{}", r.at(&h("sweep")), r.at(&h("lock-up prepaid")));
        r.push(h("prepaid"), Cell::money(f, fp.prepaid));
        let _ = prepaid_of[i];
        let f = format!(
            "={}+{}-{}-{}",
            r.at(&h("opening")),
            r.at(&h("draws")),
            r.at(&h("principal paid")),
            r.at(&h("prepaid"))
        );
        r.push(h("closing"), Cell::money(f, fp.closing));
        if fp.rank == Rank::Junior && !r.index.contains_key(&h("interest arrears")) {
            r.push(
                h("interest arrears"),
                Cell::engine(Kind::Money, Figure::Money(fp.interest_arrears)),
            );
        }
        if !r.index.contains_key(&h("principal shortfall")) {
            r.push(
                h("principal arrears"),
                Cell::engine(Kind::Money, Figure::Money(fp.principal_arrears)),
            );
        } else {
            let f = format!(
                "=MIN({},{})",
                r.at(&h("principal shortfall")),
                r.at(&h("closing"))
            );
            r.push(h("principal arrears"), Cell::money(f, fp.principal_arrears));
        }
        let ia = if r.index.contains_key(&h("interest arrears")) {
            r.at(&h("interest arrears"))
        } else {
            "0".into()
        };
        let f = format!("={ia}+{}", r.at(&h("principal arrears")));
        r.push(h("arrears"), Cell::money(f, fp.arrears()));
    }

    // Covenants and the LLCR's discount factor.
    r.push(
        "book value",
        Cell::engine(Kind::Money, Figure::Money(p.book_value)),
    );
    match l.senior {
        Some(s) => {
            let n = &p.facilities[s].name;
            let f = format!(
                "=IF({b}=0,\"\",{c}/{b})",
                b = r.at("book value"),
                c = r.at(&format!("{n} closing"))
            );
            r.push(
                "LTV",
                Cell::formula(
                    Kind::Percent,
                    f,
                    Figure::Number(p.ltv.map(MoneyRatio::value)),
                ),
            );
            let fpl = &plan.facilities[s];
            let (num, den) = fpl.terms.day_count.fraction(p.start, p.end);
            let days = match fpl.terms.day_count {
                DayCount::Thirty360 => num.to_string(),
                _ => r.at("days"),
            };
            let df_prev = prev("discount factor").unwrap_or_else(|| "1".into());
            let rate = dec_f(p.facilities[s].rate);
            let df = if idx == 0 { 1.0 } else { carry.discount }
                / (1.0 + rate * num as f64 / den as f64);
            carry.discount = df;
            let f = format!(
                "={df_prev}/(1+{rate}*{days}/{den})",
                rate = r.at(&format!("{n} rate"))
            );
            r.push(
                "discount factor",
                Cell::formula(Kind::Factor, f, Figure::Float(df)),
            );
        }
        None => r.push(
            "LTV",
            Cell::engine(Kind::Percent, Figure::Number(p.ltv.map(MoneyRatio::value))),
        ),
    }
    let names: Vec<&str> = p.events.iter().map(|e| e.name()).collect();
    r.push(
        "events (engine)",
        Cell::engine(Kind::Text, Figure::Text(names.join(" "))),
    );
    Ok(r)
}

/// Writes the Periods sheet; returns each column's letter by header.
pub(super) fn periods_sheet(
    book: &mut Workbook,
    styles: &Styles,
    deal: &Deal,
    run: &Run,
    schedule_rows: &HashMap<(usize, usize), u32>,
) -> Result<HashMap<String, String>> {
    let plan = &run.plan;
    let layout = Layout {
        deal,
        run,
        senior: plan.facilities.iter().position(|f| f.rank == Rank::Senior),
        juniors: (0..plan.facilities.len())
            .filter(|&i| plan.facilities[i].rank == Rank::Junior)
            .collect(),
        schedule_rows,
    };
    let ws = book.add_worksheet().set_name("Periods")?;
    // A blank DSCR or LTV is an empty text result, not the writer's "0".
    ws.set_formula_result_default("");
    let mut letters = HashMap::new();
    let mut columns: Option<HashMap<String, u16>> = None;
    let mut carry = Carry::default();
    for idx in 0..run.periods.len() {
        let r = period_row(&layout, idx, columns.as_ref(), &mut carry)?;
        if idx == 0 {
            for (col, (h, cell)) in r.cells.iter().enumerate() {
                let col = col as u16;
                ws.write_string_with_format(0, col, h, &styles.header)?;
                let width = match cell.kind {
                    Kind::Money => 15.0,
                    Kind::Date => 11.0,
                    Kind::Text => 24.0,
                    _ => 9.0,
                };
                ws.set_column_width(col, f64::max(width, h.len() as f64 * 0.45 + 2.0))?;
                letters.insert(h.clone(), column_number_to_name(col));
                if let Some(note) = engine_note(h) {
                    ws.insert_note(0, col, &Note::new(note).set_author("boxflow"))?;
                }
            }
            ws.set_row_height(0, 45)?;
            columns = Some(r.index.clone());
        }
        for (col, (_, cell)) in r.cells.iter().enumerate() {
            write_cell(ws, "Periods", styles, r.row, col as u16, cell)?;
        }
    }
    // The note on the sheet: what is a formula and what is the engine's.
    let note_row = run.periods.len() as u32 + 2;
    ws.write_string_with_format(
        note_row,
        1,
        "Black: formulas (revenue, interest, commitment fee, each waterfall step as \
         MIN(available, due), DSRA target, lock-up, distribution, balances, DSCR). Green: \
         the engine's values for rules that are not formulas here (calendar, operating \
         costs, capex and draws, the close schedule, book value, events); see the notes on \
         their headers.",
        &styles.note,
    )?;
    ws.set_freeze_panes(1, 1)?;
    if let Some(c) = letters.get("events (engine)") {
        ws.set_column_width(r_col(c), 28)?;
    }
    page_setup(ws, 0)?;
    Ok(letters)
}

/// The column number of a column name, `A` = 0.
pub(super) fn r_col(name: &str) -> u16 {
    name.bytes()
        .fold(0u32, |acc, b| {
            acc * 26 + u32::from(b.saturating_sub(b'A') + 1)
        })
        .saturating_sub(1) as u16
}

/// The rows of the Returns sheet: (label, date, sponsor flow cell).
pub(super) struct Returns {
    /// The range of the flows' dates, `Returns!$B$2:$B$70`.
    pub(super) dates: String,
    /// The range of the sponsor's flows.
    pub(super) flows: String,
}

/// Writes the Returns sheet: the sponsor's dated flows (section 12) with the
/// distributions and the end-of-run flow as formulas; the Summary's XIRR and XNPV read it.
pub(super) fn returns_sheet(
    book: &mut Workbook,
    styles: &Styles,
    deal: &Deal,
    run: &Run,
    letters: &HashMap<String, String>,
) -> Result<Returns> {
    let plan = &run.plan;
    let n = run.periods.len();
    let ws = book.add_worksheet().set_name("Returns")?;
    for (col, (h, w)) in [("flow", 34.0), ("date", 12.0), ("sponsor flow", 18.0)]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, col as u16, *h, &styles.header)?;
        ws.set_column_width(col as u16, *w)?;
    }
    let mut rows: Vec<(String, NaiveDate, Cell)> = Vec::new();
    rows.push((
        "closing (equity in or excess out)".into(),
        deal.close,
        Cell::engine(Kind::Money, Figure::Money(run.closing.sponsor_flow)),
    ));
    for (j, line) in plan.capex.iter().enumerate() {
        if line.period == 0 {
            continue;
        }
        let drawn: Money = plan.facilities.iter().map(|f| f.draws[j]).sum();
        let equity = line.amount - drawn;
        if equity.is_zero() {
            continue;
        }
        rows.push((
            format!("equity contribution, period {}", line.period),
            line.effective_date(deal.close),
            Cell::engine(Kind::Money, Figure::Money(-equity)),
        ));
    }
    let col = |h: &str| letters.get(h).cloned();
    for p in &run.periods {
        let cell = match col("distribution") {
            Some(c) => Cell::money(format!("=Periods!{c}{}", p.period + 1), p.distribution),
            None => Cell::engine(Kind::Money, Figure::Money(p.distribution)),
        };
        rows.push((format!("distribution, period {}", p.period), p.end, cell));
    }
    // The end of the run (section 10): the DSRA, the lock-up account and the terminal
    // value pay every claim before the sponsor, who gets what is left, never less than 0.
    let last = n + 1;
    let mut claims = Vec::new();
    if plan.refund_unused_prepayment {
        if let Some(c) = col("prepayment closing") {
            claims.push(format!("Periods!{c}{last}"));
        }
    }
    for h in ["opex arrears", "fee arrears"] {
        if let Some(c) = col(h) {
            claims.push(format!("Periods!{c}{last}"));
        }
    }
    for f in &plan.facilities {
        for what in ["interest arrears", "closing"] {
            if let Some(c) = col(&format!("{} {what}", f.name)) {
                claims.push(format!("Periods!{c}{last}"));
            }
        }
    }
    let cash: Vec<String> = ["DSRA closing", "lock-up closing"]
        .iter()
        .filter_map(|h| col(h).map(|c| format!("Periods!{c}{last}")))
        .collect();
    let end_flow = if n > 0 && cash.len() == 2 {
        let mut f = format!("=MAX(0,{}+TerminalValue", cash.join("+"));
        for c in &claims {
            f.push('-');
            f.push_str(c);
        }
        f.push(')');
        Cell::money(f, run.terminal.sponsor)
    } else {
        Cell::engine(Kind::Money, Figure::Money(run.terminal.sponsor))
    };
    rows.push((
        "end of the run (what is left to the sponsor)".into(),
        plan.calendar.end(),
        end_flow,
    ));
    for (i, (label, date, cell)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, label)?;
        write_cell(
            ws,
            "Returns",
            styles,
            row,
            1,
            &Cell::engine(Kind::Date, Figure::Date(*date)),
        )?;
        write_cell(ws, "Returns", styles, row, 2, cell)?;
    }
    let last_row = rows.len() as u32 + 1;
    ws.write_string_with_format(
        last_row + 1,
        0,
        "The dates and the closing and capex flows are the engine's (green); the \
         distributions and the end-of-run flow are formulas on the Periods sheet.",
        &styles.note,
    )?;
    ws.set_freeze_panes(1, 0)?;
    page_setup(ws, 0)?;
    Ok(Returns {
        dates: format!("Returns!$B$2:$B${last_row}"),
        flows: format!("Returns!$C$2:$C${last_row}"),
    })
}
