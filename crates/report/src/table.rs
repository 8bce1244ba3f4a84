//! The terminal report: the headline summary, then the period table.
//!
//! Numbers follow [`boxflow_core::format`]: money right-aligned with thousands
//! separators, ratios to four decimals, a negative DSCR as `n.m. (CFADS < 0)`. With [`TableOptions::color`],
//! breaches are highlighted: yellow for a lock-up, red for a default, a shortfall,
//! a breach or a loss. [`TableOptions::periods`] shows part of the run.

use std::ops::RangeInclusive;

use boxflow_core::format::{
    dscr, fixed, money as thousands, money_in, percent, ratio, years as year_count, MoneyUnit,
};
use boxflow_core::{Money, MoneyRatio};
use boxflow_waterfall::{
    debt_service_due, funding, headroom, legend, moic, run_headroom, years, Event, FacilityPeriod,
    Funding, Levels, MinHeadroom, PeriodResult, Run, Severity, Year, YearBasis,
};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, Table};

/// How to render the terminal tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableOptions {
    /// Highlight breaches with ANSI colours.
    pub color: bool,
    /// Show only these periods (1-based, inclusive); `None`: every period.
    pub periods: Option<RangeInclusive<usize>>,
    /// The period table's columns.
    pub columns: ColumnChoice,
    /// The width, in characters, the default columns fit.
    pub width: usize,
    /// The unit of money in the period and year tables (the summary stays to the cent).
    pub unit: MoneyUnit,
    /// The covenant levels headroom is measured to (the deal's `lockup_dscr`, `min_dscr`).
    pub levels: Levels,
}

impl Default for TableOptions {
    /// No colour, every period, the default columns at [`DEFAULT_WIDTH`], money to the
    /// cent, no covenant levels.
    fn default() -> TableOptions {
        TableOptions {
            color: false,
            periods: None,
            columns: ColumnChoice::Fit,
            width: DEFAULT_WIDTH,
            unit: MoneyUnit::Cents,
            levels: Levels::default(),
        }
    }
}

/// True when standard output is a terminal and `NO_COLOR` is unset or empty: the
/// default for colour in `boxflow run`.
pub fn color_wanted() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A `--periods` range that can't be read, or lies outside the run; the message says
/// why and what would be right.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PeriodsError(pub(crate) String);

/// Parses a `--periods` value against a run of `n` periods: `A..B` (inclusive, also
/// written `A..=B`), `A..` (to the end), `..B` (from the first) or a single `K`.
///
/// ```
/// use boxflow_report::table::parse_periods;
/// assert_eq!(parse_periods("1..12", 60), Ok(1..=12));
/// assert_eq!(parse_periods("55..", 60), Ok(55..=60));
/// assert_eq!(parse_periods("..3", 60), Ok(1..=3));
/// assert_eq!(parse_periods("30", 60), Ok(30..=30));
/// assert_eq!(
///     parse_periods("1..61", 60).unwrap_err().to_string(),
///     "--periods `1..61`: the run has periods 1 to 60"
/// );
/// assert!(parse_periods("0..12", 60).is_err());
/// assert!(parse_periods("12..1", 60).is_err());
/// assert!(parse_periods("1..61", 60).is_err());
/// assert!(parse_periods("one..two", 60).is_err());
/// ```
pub fn parse_periods(text: &str, n: usize) -> Result<RangeInclusive<usize>, PeriodsError> {
    let bad = |why: &str| PeriodsError(format!("--periods `{text}`: {why}"));
    let number = |s: &str, default: usize| -> Result<usize, PeriodsError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(default);
        }
        s.parse::<usize>()
            .map_err(|_| bad("expected A..B with whole period numbers, for example 1..12"))
    };
    let (a, b) = match text.split_once("..") {
        Some((a, b)) => {
            let b = b.strip_prefix('=').unwrap_or(b);
            (number(a, 1)?, number(b, n)?)
        }
        None if text.trim().is_empty() => {
            return Err(bad("expected A..B, for example 1..12"));
        }
        None => {
            let k = number(text, 1)?;
            (k, k)
        }
    };
    if n == 0 {
        return Err(bad("the run has no periods"));
    }
    if a == 0 || b > n {
        return Err(bad(&format!("the run has periods 1 to {n}")));
    }
    if a > b {
        return Err(bad("the first period is after the last"));
    }
    Ok(a..=b)
}

fn color_of(severity: Option<Severity>) -> Option<Color> {
    match severity {
        Some(Severity::Breach) => Some(Color::Red),
        Some(Severity::Warning) => Some(Color::Yellow),
        None => None,
    }
}

/// A cell, coloured when `color` is on and there is a colour to show.
fn cell(text: String, color: bool, fg: Option<Color>) -> Cell {
    match fg {
        Some(c) if color => Cell::new(text).fg(c),
        _ => Cell::new(text),
    }
}

/// A table in the house style, coloured only when `color` is set.
pub fn styled(color: bool) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or("-".into(), |x| x.to_string())
}

/// The headline summary as a two-column table, without colour.
pub fn summary_table(run: &Run) -> String {
    summary_table_with(run, &TableOptions::default())
}

/// The headline summary as a two-column table; with colour, a failed halfway
/// covenant, a lender loss and the events count are highlighted.
pub fn summary_table_with(run: &Run, options: &TableOptions) -> String {
    let s = &run.summary;
    let mut t = styled(options.color);
    t.set_header(vec!["summary", "value"]);
    let mut rows: Vec<(String, String)> = vec![
        ("senior commitment", thousands(s.senior_commitment)),
        ("sizing binding", opt(s.sizing_binding.map(|b| b.as_str()))),
        (
            "min DSCR (period)",
            format!("{} ({})", dscr(s.min_dscr), opt(s.min_dscr_period)),
        ),
        ("avg DSCR", dscr(s.avg_dscr)),
        ("LLCR", ratio(s.llcr)),
        ("halfway period", s.halfway_period.to_string()),
        ("senior repaid period", opt(s.senior_repaid_period)),
        (
            "senior balance at halfway",
            thousands(s.senior_balance_at_halfway),
        ),
        (
            "halfway covenant",
            if s.halfway_covenant { "pass" } else { "FAIL" }.into(),
        ),
        ("equity IRR", percent(s.equity_irr)),
        ("project IRR", percent(s.project_irr)),
        ("senior lender IRR", percent(s.senior_lender_irr)),
        ("NPV", s.npv.map_or("-".into(), thousands)),
        ("WAL (years)", year_count(s.wal_years)),
        ("payback period", opt(s.payback_period)),
        ("terminal value", thousands(s.terminal_value)),
        ("lender loss", thousands(s.lender_loss)),
        ("total invoice", thousands(s.total_invoice)),
        ("total collections", thousands(s.total_collections)),
        ("total opex", thousands(s.total_opex)),
        ("total fees", thousands(s.total_fees)),
        ("total interest", thousands(s.total_interest)),
        ("total principal", thousands(s.total_principal)),
        ("total distributions", thousands(s.total_distributions)),
        ("total equity", thousands(s.total_equity)),
        ("events", run.events.len().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let at = rows
        .iter()
        .position(|(k, _)| k == "NPV")
        .unwrap_or(rows.len());
    rows.splice(at..at, returns_rows(run, options.levels));
    if run.plan.facilities.len() > 1 {
        // With a junior, the combined DSCR and each facility's own deadline.
        let at = rows
            .iter()
            .position(|(k, _)| k == "avg DSCR")
            .unwrap_or(rows.len());
        let mut extra = vec![(
            "min DSCR all debt (period)".to_string(),
            format!(
                "{} ({})",
                dscr(s.min_dscr_total),
                opt(s.min_dscr_total_period)
            ),
        )];
        for d in &s.facilities {
            extra.push((
                format!("{} repaid (due by period {})", d.name, d.repay_by_period),
                format!(
                    "{} ({})",
                    opt(d.repaid_period),
                    if d.passes { "pass" } else { "FAIL" }
                ),
            ));
        }
        rows.splice(at..at, extra);
    }
    let worst = run.events.iter().map(Event::severity).max();
    for (k, v) in rows {
        let fg = match k.as_str() {
            "halfway covenant" if !s.halfway_covenant => Some(Color::Red),
            "halfway covenant" => Some(Color::Green),
            "lender loss" if s.lender_loss.is_positive() => Some(Color::Red),
            "events" => color_of(worst),
            _ if v.ends_with("(FAIL)") => Some(Color::Red),
            _ => None,
        };
        t.add_row(vec![Cell::new(k), cell(v, options.color, fg)]);
    }
    if let Some(col) = t.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    t.to_string()
}

/// The width a table fits when there is neither a terminal nor `COLUMNS` to say.
pub const DEFAULT_WIDTH: usize = 100;

/// The width the terminal tables fit: `COLUMNS` when set to a positive number, else
/// the terminal's own width when standard output is one, else [`DEFAULT_WIDTH`].
pub fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        if let Some(w) = Table::new().width().filter(|w| *w > 0) {
            return usize::from(w);
        }
    }
    DEFAULT_WIDTH
}

/// Which columns the period table shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ColumnChoice {
    /// The default set: the columns in order of [`Column::rank`], as many as fit
    /// [`TableOptions::width`] (stopping at the first that does not).
    #[default]
    Fit,
    /// Every column (`--wide`).
    Wide,
    /// These columns by name (`--columns a,b`), shown in the table's order; `period`
    /// is always shown.
    Named(Vec<String>),
}

/// A value in a cell: money is shown in the table's unit.
enum Value {
    Money(Money),
    Text(String),
}

/// What a column shows for a period: of the whole period, or of one facility.
#[derive(Clone, Copy)]
enum Reads {
    Period(fn(&PeriodResult, &Levels) -> Value),
    Facility(fn(&FacilityPeriod) -> Value),
}

/// One column of the period table.
pub struct Column {
    /// Its name for `--columns`: the CSV header where the CSV has the column (a
    /// facility's column is `NAME.<name>` there).
    pub name: &'static str,
    /// Its header in the table.
    pub header: &'static str,
    /// What it shows, for the docs and `--help`.
    pub about: &'static str,
    /// Its place in the default set (lower first); `None`: only when asked for.
    pub rank: Option<u8>,
    reads: Reads,
}

impl Column {
    /// True when the column repeats for each facility.
    pub fn per_facility(&self) -> bool {
        matches!(self.reads, Reads::Facility(_))
    }
}

fn m(x: Money) -> Value {
    Value::Money(x)
}

fn t(x: String) -> Value {
    Value::Text(x)
}

fn codes(p: &PeriodResult) -> String {
    p.events
        .iter()
        .map(|e| e.code())
        .collect::<Vec<_>>()
        .join(" ")
}

fn senior_room(p: &PeriodResult, level: Option<boxflow_core::Ratio>) -> Value {
    let ds = p.senior().map_or(Money::ZERO, debt_service_due);
    t(percent(
        level
            .and_then(|l| headroom(p.operations.cfads, ds, l.value()))
            .and_then(|h| h.percent),
    ))
}

/// Every column of the period table, in the order the table shows them.
pub const COLUMNS: &[Column] = &[
    Column { name: "period", header: "k", about: "the period k", rank: Some(0), reads: Reads::Period(|p, _| t(p.period.to_string())) },
    Column { name: "start", header: "start", about: "the period's first day", rank: None, reads: Reads::Period(|p, _| t(p.start.to_string())) },
    Column { name: "end", header: "end", about: "the period's last day", rank: Some(1), reads: Reads::Period(|p, _| t(p.end.to_string())) },
    Column { name: "days", header: "days", about: "days in the period", rank: None, reads: Reads::Period(|p, _| t(p.days.to_string())) },
    Column { name: "invoice", header: "invoice", about: "the invoice", rank: None, reads: Reads::Period(|p, _| m(p.operations.invoice)) },
    Column { name: "prepayment_credit", header: "prepay credit", about: "prepayment credited against the invoice", rank: None, reads: Reads::Period(|p, _| m(p.operations.prepayment_credit)) },
    Column { name: "collections", header: "collections", about: "cash collected from the customer", rank: Some(10), reads: Reads::Period(|p, _| m(p.operations.collections)) },
    Column { name: "opex", header: "opex", about: "opex due", rank: None, reads: Reads::Period(|p, _| m(p.operations.opex)) },
    Column { name: "fees", header: "fees", about: "fees due", rank: None, reads: Reads::Period(|p, _| m(p.operations.fees)) },
    Column { name: "opex_fees", header: "opex+fees", about: "opex and fees due", rank: Some(11), reads: Reads::Period(|p, _| m(p.operations.opex + p.operations.fees)) },
    Column { name: "cfads", header: "CFADS", about: "cash flow available for debt service", rank: Some(2), reads: Reads::Period(|p, _| m(p.operations.cfads)) },
    Column { name: "capex", header: "capex", about: "capex paid in the period", rank: None, reads: Reads::Period(|p, _| m(p.capex)) },
    Column { name: "equity_contribution", header: "equity in", about: "the sponsor's contribution to the period's capex", rank: None, reads: Reads::Period(|p, _| m(p.equity_contribution)) },
    Column { name: "draws", header: "draws", about: "each facility's draws", rank: None, reads: Reads::Facility(|f| m(f.draws)) },
    Column { name: "interest_paid", header: "interest", about: "each facility's interest paid (steps 3, 6)", rank: Some(8), reads: Reads::Facility(|f| m(f.interest_paid)) },
    Column { name: "principal_paid", header: "principal", about: "each facility's principal paid (steps 4, 7)", rank: Some(9), reads: Reads::Facility(|f| m(f.principal_paid)) },
    Column { name: "prepaid", header: "prepaid", about: "each facility's prepayment (steps 8, 9)", rank: Some(13), reads: Reads::Facility(|f| m(f.prepaid)) },
    Column { name: "closing", header: "balance", about: "each facility's closing balance", rank: Some(6), reads: Reads::Facility(|f| m(f.closing)) },
    Column { name: "dsra_closing", header: "DSRA", about: "the DSRA's closing balance", rank: Some(12), reads: Reads::Period(|p, _| m(p.dsra.closing)) },
    Column { name: "lockup_closing", header: "lock-up acct", about: "the lock-up account's closing balance", rank: None, reads: Reads::Period(|p, _| m(p.lockup.closing)) },
    Column { name: "dscr", header: "DSCR", about: "the senior DSCR", rank: Some(3), reads: Reads::Period(|p, _| t(dscr(p.dscr.map(MoneyRatio::value)))) },
    Column { name: "dscr_total", header: "DSCR all", about: "the combined DSCR, CFADS over every facility's debt service (in the default set with a junior)", rank: Some(7), reads: Reads::Period(|p, _| t(dscr(p.dscr_total()))) },
    Column { name: "headroom_lockup", header: "room to LU", about: "how far CFADS can fall, in percent, before the senior DSCR reaches lockup_dscr", rank: None, reads: Reads::Period(|p, l| senior_room(p, l.lockup)) },
    Column { name: "headroom_default", header: "room to DD", about: "how far CFADS can fall, in percent, before the senior DSCR reaches min_dscr", rank: None, reads: Reads::Period(|p, l| senior_room(p, l.default)) },
    Column { name: "ltv", header: "LTV", about: "the senior balance over the book value", rank: None, reads: Reads::Period(|p, _| t(percent(p.ltv.map(MoneyRatio::value)))) },
    Column { name: "sweep", header: "sweep", about: "prepaid by the sweep (step 8)", rank: None, reads: Reads::Period(|p, _| m(p.sweep)) },
    Column { name: "distribution", header: "distribution", about: "paid to the sponsor (step 10)", rank: Some(5), reads: Reads::Period(|p, _| m(p.distribution)) },
    Column { name: "events", header: "events", about: "the period's events as codes, spelled out below the table", rank: Some(4), reads: Reads::Period(|p, _| t(codes(p))) },
];

/// Reads a `--columns` list: names of [`COLUMNS`], separated by commas.
///
/// ```
/// use boxflow_report::table::parse_columns;
/// assert_eq!(parse_columns("period, cfads,dscr").unwrap(), ["period", "cfads", "dscr"]);
/// let e = parse_columns("cfads,dcsr").unwrap_err().to_string();
/// assert!(e.starts_with("--columns: unknown column `dcsr` (did you mean `dscr`?)"), "{e}");
/// assert!(parse_columns(" , ").is_err());
/// ```
pub fn parse_columns(text: &str) -> Result<Vec<String>, PeriodsError> {
    let names: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    if names.is_empty() {
        return Err(PeriodsError(format!(
            "--columns: no column named; choose from {}",
            column_names()
        )));
    }
    for n in &names {
        if !COLUMNS.iter().any(|c| c.name == n) {
            let near = COLUMNS
                .iter()
                .map(|c| c.name)
                .find(|c| edit_distance(c, n) <= 2)
                .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
            return Err(PeriodsError(format!(
                "--columns: unknown column `{n}`{near}; choose from {}",
                column_names()
            )));
        }
    }
    Ok(names)
}

/// The names of [`COLUMNS`], comma-separated, as `--help` lists them.
pub fn column_names() -> String {
    COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
}

/// The number of single-character edits between two short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// A column laid out: its header, its cells and their colours.
struct Laid {
    header: String,
    cells: Vec<(String, Option<Color>)>,
    right: bool,
}

impl Laid {
    /// Its width in the table, borders and padding included (`│ x ` or `┆ x `).
    fn width(&self) -> usize {
        let longest = self
            .cells
            .iter()
            .map(|(c, _)| c.chars().count())
            .chain(std::iter::once(self.header.chars().count()))
            .max()
            .unwrap_or(0);
        longest + 3
    }
}

/// The columns of `candidates` (in order of rank) that fit `width`, stopping at the
/// first that does not; the first column is always kept.
fn fit(candidates: Vec<(u8, Laid)>, width: usize) -> Vec<Laid> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| candidates[i].0);
    let mut used = 1; // the closing border
    let mut keep = vec![false; candidates.len()];
    for (n, &i) in order.iter().enumerate() {
        let w = candidates[i].1.width();
        if n > 0 && used + w > width {
            break;
        }
        used += w;
        keep[i] = true;
    }
    candidates
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((_, c), _)| c)
        .collect()
}

/// The table of laid-out columns.
fn render(columns: Vec<Laid>, color: bool) -> Table {
    let mut table = styled(color);
    table.set_header(columns.iter().map(|c| c.header.clone()).collect::<Vec<_>>());
    let rows = columns.first().map_or(0, |c| c.cells.len());
    for r in 0..rows {
        table.add_row(
            columns
                .iter()
                .map(|c| {
                    let (text, fg) = c.cells[r].clone();
                    cell(text, color, fg)
                })
                .collect::<Vec<_>>(),
        );
    }
    for (i, c) in columns.iter().enumerate() {
        if c.right {
            if let Some(col) = table.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    table
}

/// The short word for a facility's rank in a header.
fn rank_word(rank: boxflow_model::Rank) -> &'static str {
    match rank {
        boxflow_model::Rank::Senior => "senior",
        boxflow_model::Rank::Junior => "junior",
    }
}

/// The line above a table in thousands or millions.
fn unit_line(unit: MoneyUnit) -> Option<String> {
    match unit {
        MoneyUnit::Cents => None,
        MoneyUnit::Thousands => Some("money in thousands (k)".into()),
        MoneyUnit::Millions => Some("money in millions (m)".into()),
    }
}

/// The period table: one row per period, without colour, in the default columns at
/// [`DEFAULT_WIDTH`].
pub fn period_table(run: &Run) -> String {
    period_table_with(run, &TableOptions::default())
}

/// The periods that `range` selects (all when `None`; out-of-range bounds are cut).
pub fn select_periods<'a>(
    run: &'a Run,
    range: Option<&'a RangeInclusive<usize>>,
) -> impl Iterator<Item = &'a PeriodResult> {
    run.periods
        .iter()
        .filter(move |p| range.is_none_or(|r| r.contains(&p.period)))
}

/// The period table: one row per period of [`TableOptions::periods`], in the columns
/// of [`TableOptions::columns`] (by default as many as fit [`TableOptions::width`]),
/// money in [`TableOptions::unit`]; the events as short codes, then their legend and
/// one line in words for each event. With colour, the period, its DSCR and its events
/// are yellow for a lock-up and red for a default, a shortfall, a breach or a loss.
///
/// With a junior facility, a facility's columns (interest, principal, balance, ...)
/// repeat for each facility (`senior interest`, `junior interest`), and the combined
/// DSCR (`DSCR all`, CFADS over the debt service due of both) is in the default set.
pub fn period_table_with(run: &Run, options: &TableOptions) -> String {
    let color = options.color;
    let shown: Vec<&PeriodResult> = select_periods(run, options.periods.as_ref()).collect();
    let facilities = &run.plan.facilities;
    let several = facilities.len() > 1;
    let show = |v: Value| match v {
        Value::Money(x) => money_in(x, options.unit),
        Value::Text(s) => s,
    };
    let colour_of = |c: &Column, p: &PeriodResult| match c.name {
        "period" | "events" => color_of(p.events.iter().map(Event::severity).max()),
        "dscr" => dscr_color(p),
        _ => None,
    };
    let mut candidates: Vec<(u8, Laid)> = Vec::new();
    for c in COLUMNS {
        let wanted = match &options.columns {
            ColumnChoice::Fit => c.rank.is_some() && (c.name != "dscr_total" || several),
            ColumnChoice::Wide => true,
            // The period names each row: always shown.
            ColumnChoice::Named(names) => c.name == "period" || names.iter().any(|n| n == c.name),
        };
        if !wanted {
            continue;
        }
        let rank = c.rank.unwrap_or(u8::MAX);
        let right = !matches!(c.name, "period" | "start" | "end" | "events");
        match c.reads {
            Reads::Period(read) => {
                let header = match c.name {
                    "dscr" if several => "DSCR senior".to_string(),
                    _ => c.header.to_string(),
                };
                let cells = shown
                    .iter()
                    .map(|p| (show(read(p, &options.levels)), colour_of(c, p)))
                    .collect();
                candidates.push((
                    rank,
                    Laid {
                        header,
                        cells,
                        right,
                    },
                ));
            }
            Reads::Facility(read) => {
                for (i, f) in facilities.iter().enumerate() {
                    let header = if several {
                        format!("{} {}", rank_word(f.rank), c.header)
                    } else {
                        c.header.to_string()
                    };
                    let cells = shown
                        .iter()
                        .map(|p| {
                            (
                                p.facilities.get(i).map_or(String::new(), |f| show(read(f))),
                                None,
                            )
                        })
                        .collect();
                    candidates.push((
                        rank,
                        Laid {
                            header,
                            cells,
                            right,
                        },
                    ));
                }
            }
        }
    }
    let columns = match options.columns {
        ColumnChoice::Fit => fit(candidates, options.width),
        _ => candidates.into_iter().map(|(_, c)| c).collect(),
    };
    let table = render(columns, color);
    let mut out = String::new();
    if let Some(line) = unit_line(options.unit) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&table.to_string());
    out.push_str(&events_section(
        shown.iter().flat_map(|p| &p.events),
        options.width,
    ));
    out
}

/// The sponsor's returns and the covenant headroom, as rows of the summary: MOIC,
/// cash-on-cash by contract year, and the lowest headroom to each covenant level, as
/// an amount and as a percent of CFADS, each with its period.
fn returns_rows(run: &Run, levels: Levels) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let multiple = moic(run);
    rows.push((
        "MOIC".to_string(),
        multiple.moic.map_or("-".into(), |x| fixed(x, 2) + "x"),
    ));
    for y in years(run, YearBasis::Contract) {
        rows.push((
            format!("cash-on-cash year {}", y.year),
            percent(y.cash_on_cash),
        ));
    }
    let room = run_headroom(run, levels);
    let mut add = |label: &str, level: Option<boxflow_core::Ratio>, m: Option<&MinHeadroom>| {
        if level.is_none() {
            return;
        }
        rows.push((
            format!("min headroom to {label} (period)"),
            m.map_or("-".into(), |m| {
                format!("{} ({})", thousands(m.amount), m.amount_period)
            }),
        ));
        rows.push((
            format!("min headroom to {label}, % (period)"),
            m.map_or("-".into(), |m| {
                format!("{} ({})", percent(m.percent), opt(m.percent_period))
            }),
        ));
    };
    add(
        "lock-up",
        levels.lockup,
        room.senior_minimum.lockup.as_ref(),
    );
    add(
        "default",
        levels.default,
        room.senior_minimum.default.as_ref(),
    );
    if let Some(total) = &room.total_minimum {
        add("lock-up, all debt", levels.lockup, total.lockup.as_ref());
        add("default, all debt", levels.default, total.default.as_ref());
    }
    rows
}

/// Why the total funding has no interest, under its table (terminal and HTML).
pub const FUNDING_NOTE: &str = "interest is paid from each period's cash, not funded";

/// One row of the total funding: what it is, its amount, and whether it is a total
/// (`total sources`, `total uses`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingRow {
    /// The words (`draws Senior DDTL`, `initial DSRA`).
    pub label: String,
    /// The amount.
    pub amount: Money,
    /// A total of the rows above it in its half.
    pub total: bool,
}

/// The rows of the total funding ([`boxflow_waterfall::funding`]): sources (each
/// facility's draws, the prepayment, the equity), their total, then uses (capex, each
/// upfront fee (with one facility, only when not zero), the initial DSRA, any excess
/// paid to the sponsor at close), their total; the words of the terminal table and
/// the HTML report.
pub fn funding_rows(f: &Funding, several: bool) -> Vec<FundingRow> {
    let a = &f.total;
    let row = |label: String, amount: Money| FundingRow {
        label,
        amount,
        total: false,
    };
    let mut rows: Vec<FundingRow> = Vec::new();
    for (name, d) in &a.draws {
        rows.push(row(format!("draws {name}"), *d));
    }
    rows.push(row("customer prepayment".into(), a.prepayment));
    rows.push(row("sponsor equity".into(), a.equity));
    rows.push(FundingRow {
        total: true,
        ..row("total sources".into(), a.sources())
    });
    rows.push(row("capex".into(), a.capex));
    for (name, fee) in &a.upfront_fees {
        if several || !fee.is_zero() {
            rows.push(row(format!("upfront fee {name}"), *fee));
        }
    }
    rows.push(row("initial DSRA".into(), a.dsra));
    if !a.sponsor_excess.is_zero() {
        rows.push(row(
            "excess paid to the sponsor at close".into(),
            a.sponsor_excess,
        ));
    }
    rows.push(FundingRow {
        total: true,
        ..row("total uses".into(), a.uses())
    });
    rows
}

/// Sources and uses over the whole construction (close to the last capex payment),
/// reconciled: total sources equal total uses to the cent.
pub fn funding_table(run: &Run, options: &TableOptions) -> String {
    let f = funding(run);
    let mut t = styled(options.color);
    t.set_header(vec![
        format!(
            "funding, {} to {}",
            run.plan.calendar.close(),
            f.construction_end
        ),
        "amount".to_string(),
    ]);
    for r in funding_rows(&f, run.plan.facilities.len() > 1) {
        t.add_row(vec![Cell::new(r.label), right(thousands(r.amount))]);
    }
    format!("{t}\n{} funding dates; {FUNDING_NOTE}", f.dates.len())
}

/// The run by year: flows summed, balances at the year's end, the lowest senior DSCR
/// of the year and the sponsor's cash-on-cash yield, fitted to
/// [`TableOptions::width`] like the period table.
pub fn year_table(run: &Run, basis: YearBasis, options: &TableOptions) -> String {
    let ys = years(run, basis);
    let facilities = &run.plan.facilities;
    let several = facilities.len() > 1;
    let show = |x: Money| money_in(x, options.unit);
    let text = |f: &dyn Fn(&Year) -> String| -> Vec<(String, Option<Color>)> {
        ys.iter().map(|y| (f(y), None)).collect()
    };
    let col = |header: &str, right: bool, cells| Laid {
        header: header.to_string(),
        cells,
        right,
    };
    let label = |y: &Year| match basis {
        YearBasis::Contract => format!("Y{}", y.year),
        YearBasis::Calendar => y.year.to_string(),
    };
    let mut candidates: Vec<(u8, Laid)> = vec![
        (0, col("year", false, text(&|y| label(y)))),
        (
            1,
            col(
                "periods",
                false,
                text(&|y| {
                    if y.first_period == y.last_period {
                        y.first_period.to_string()
                    } else {
                        format!("{}-{}", y.first_period, y.last_period)
                    }
                }),
            ),
        ),
        (2, col("end", false, text(&|y| y.end.to_string()))),
        (10, col("collections", true, text(&|y| show(y.collections)))),
        (11, col("opex+fees", true, text(&|y| show(y.opex + y.fees)))),
        (3, col("CFADS", true, text(&|y| show(y.cfads)))),
        (8, col("interest", true, text(&|y| show(y.interest_paid())))),
        (9, col("principal", true, text(&|y| show(y.principal())))),
    ];
    for (i, f) in facilities.iter().enumerate() {
        let header = if several {
            format!("{} balance", rank_word(f.rank))
        } else {
            "balance".to_string()
        };
        candidates.push((
            6,
            col(
                &header,
                true,
                text(&|y| {
                    y.facilities
                        .get(i)
                        .map_or(String::new(), |f| show(f.closing))
                }),
            ),
        ));
    }
    candidates.extend([
        (12, col("DSRA", true, text(&|y| show(y.dsra_closing)))),
        (4, col("min DSCR", true, text(&|y| dscr(y.min_dscr)))),
        (
            5,
            col("distribution", true, text(&|y| show(y.distribution))),
        ),
        (
            7,
            col("cash-on-cash", true, text(&|y| percent(y.cash_on_cash))),
        ),
        (13, col("events", true, text(&|y| y.events.to_string()))),
    ]);
    if several {
        candidates.push((
            6,
            col("min DSCR all", true, text(&|y| dscr(y.min_dscr_total))),
        ));
    }
    let columns = match options.columns {
        ColumnChoice::Fit => fit(candidates, options.width),
        _ => candidates.into_iter().map(|(_, c)| c).collect(),
    };
    let mut out = String::new();
    if let Some(line) = unit_line(options.unit) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&render(columns, options.color).to_string());
    out
}

/// The legend of the event codes, then one line in words for each event, wrapped to
/// `width` under its text: `   12 LU  lock-up: distributions stopped: ...`; empty
/// without events.
pub fn events_section<'a>(events: impl Iterator<Item = &'a Event> + Clone, width: usize) -> String {
    let codes = legend(events.clone());
    if codes.is_empty() {
        return String::new();
    }
    let mut out = format!("\nevents: {codes}");
    for e in events {
        let lead = format!("{:>5} {:<3} ", e.period(), e.code());
        out.push('\n');
        out.push_str(&wrap(&lead, &e.describe(), width));
    }
    out
}

/// `text` after `lead`, broken at spaces so that no line passes `width` (a word longer
/// than the room stays whole); the next lines are indented under the text.
///
/// ```
/// use boxflow_report::table::wrap;
/// assert_eq!(
///     wrap("- ", "the senior is not repaid by the halfway period 30", 30),
///     "- the senior is not repaid by\n  the halfway period 30"
/// );
/// ```
pub fn wrap(lead: &str, text: &str, width: usize) -> String {
    let indent = lead.chars().count();
    let room = width.saturating_sub(indent).max(20);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    let pad = " ".repeat(indent);
    let mut out = String::from(lead);
    out.push_str(&lines.join(&format!("\n{pad}")));
    out
}

/// The colour of a period's DSCR cell: red for a DSCR default, yellow for a lock-up
/// caused by the DSCR.
fn dscr_color(p: &PeriodResult) -> Option<Color> {
    p.events.iter().find_map(|e| match e {
        Event::DscrDefault { .. } => Some(Color::Red),
        Event::Lockup {
            dscr_below: true, ..
        } => Some(Color::Yellow),
        _ => None,
    })
}

/// A right-aligned cell, for amounts and ratios.
pub fn right(text: impl Into<String>) -> comfy_table::Cell {
    comfy_table::Cell::new(text.into()).set_alignment(CellAlignment::Right)
}

/// `"pass"` or `"fail"`.
pub fn pass(b: bool) -> &'static str {
    if b {
        "pass"
    } else {
        "fail"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/output.md lists every column of [`COLUMNS`] with its header and rank, and
    /// no other: one table of names, documented once.
    #[test]
    fn the_docs_list_every_column() {
        let docs = include_str!("../../../docs/output.md");
        let rows: Vec<&str> = docs
            .lines()
            .skip_while(|l| !l.starts_with("| name | header | rank | shows |"))
            .skip(2)
            .take_while(|l| l.starts_with("| `"))
            .collect();
        for c in COLUMNS {
            let rank = c.rank.map_or(String::new(), |r| format!("{r} "));
            let row = format!("| `{}` | `{}` | {rank}|", c.name, c.header);
            assert!(
                rows.iter().any(|r| r.starts_with(&row)),
                "docs/output.md lacks `{row}`"
            );
        }
        let names = rows
            .iter()
            .filter(|r| {
                COLUMNS
                    .iter()
                    .any(|c| r.starts_with(&format!("| `{}` |", c.name)))
            })
            .count();
        assert_eq!(names, COLUMNS.len());
    }

    #[test]
    fn fitting_stops_at_the_first_column_that_does_not_fit() {
        let col = |w: usize| Laid {
            header: "x".repeat(w),
            cells: vec![],
            right: true,
        };
        // Widths with borders: 1 + (5 + 3) + (10 + 3) + (2 + 3) = 27.
        let chosen = fit(vec![(0, col(5)), (2, col(2)), (1, col(10))], 26);
        let headers: Vec<usize> = chosen.iter().map(|c| c.header.len()).collect();
        // Ranks 0 and 1 fit (1 + 8 + 13 = 22), rank 2 would make 27 > 26: left out.
        assert_eq!(headers, [5, 10]);
        // The first column stays even when nothing fits.
        assert_eq!(fit(vec![(0, col(50))], 10).len(), 1);
    }
}
