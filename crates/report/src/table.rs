//! The terminal report: the headline summary, then the period table.
//!
//! Numbers follow [`boxflow_core::format`]: money right-aligned with thousands
//! separators, ratios to four decimals, a negative DSCR as `n.m. (CFADS < 0)`. With [`TableOptions::color`],
//! breaches are highlighted: yellow for a lock-up, red for a default, a shortfall,
//! a breach or a loss. [`TableOptions::periods`] shows part of the run.

use std::ops::RangeInclusive;

use boxflow_core::format::{dscr, money as thousands, percent, ratio, years};
use boxflow_core::Money;
use boxflow_waterfall::{legend, Event, PeriodResult, Run, Severity};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, Table};

/// How to render the terminal tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// Highlight breaches with ANSI colours.
    pub color: bool,
    /// Show only these periods (1-based, inclusive); `None`: every period.
    pub periods: Option<RangeInclusive<usize>>,
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
pub struct PeriodsError(String);

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
        ("WAL (years)", years(s.wal_years)),
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

/// The period table: one row per period, without colour.
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

/// The period table: one row per period of [`TableOptions::periods`], the events as
/// short codes with their legend below the table; with colour, the period, its DSCR
/// and its events are yellow for a lock-up and red for a default, a shortfall, a
/// breach or a loss.
///
/// With a junior facility, interest, principal and balance are shown per facility
/// (`senior int`, `junior int`, ...), and the combined DSCR (`DSCR all`, CFADS over the
/// debt service due of both) beside the senior's.
pub fn period_table_with(run: &Run, options: &TableOptions) -> String {
    if run.plan.facilities.len() > 1 {
        return tranche_table(run, options);
    }
    let color = options.color;
    let mut t = styled(color);
    t.set_header(vec![
        "k",
        "end",
        "collections",
        "opex+fees",
        "CFADS",
        "interest",
        "principal",
        "prepaid",
        "senior bal",
        "DSRA",
        "DSCR",
        "distribution",
        "events",
    ]);
    for p in select_periods(run, options.periods.as_ref()) {
        let interest: Money = p.facilities.iter().map(|f| f.interest_paid).sum();
        let principal: Money = p.facilities.iter().map(|f| f.principal_paid).sum();
        let prepaid: Money = p.facilities.iter().map(|f| f.prepaid).sum();
        let worst = color_of(p.events.iter().map(Event::severity).max());
        let dscr_color = dscr_color(p);
        t.add_row(vec![
            cell(p.period.to_string(), color, worst),
            Cell::new(p.end),
            Cell::new(thousands(p.operations.collections)),
            Cell::new(thousands(p.operations.opex + p.operations.fees)),
            Cell::new(thousands(p.operations.cfads)),
            Cell::new(thousands(interest)),
            Cell::new(thousands(principal)),
            Cell::new(thousands(prepaid)),
            Cell::new(thousands(p.senior().map_or(Money::ZERO, |s| s.closing))),
            Cell::new(thousands(p.dsra.closing)),
            cell(dscr(p.dscr), color, dscr_color),
            Cell::new(thousands(p.distribution)),
            cell(event_codes(p), color, worst),
        ]);
    }
    for i in 2..12 {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    with_legend(t, run, options)
}

/// The period table of a deal with a junior: each facility's interest, principal and
/// balance in its own columns, the senior and the combined DSCR.
fn tranche_table(run: &Run, options: &TableOptions) -> String {
    let color = options.color;
    let mut t = styled(color);
    let mut header: Vec<String> = ["k", "end", "collections", "opex+fees", "CFADS"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for f in &run.plan.facilities {
        let rank = match f.rank {
            boxflow_model::Rank::Senior => "senior",
            boxflow_model::Rank::Junior => "junior",
        };
        header.extend([
            format!("{rank} int"),
            format!("{rank} prin"),
            format!("{rank} bal"),
        ]);
    }
    header.extend(
        [
            "prepaid",
            "DSRA",
            "DSCR senior",
            "DSCR all",
            "distribution",
            "events",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let columns = header.len();
    t.set_header(header);
    for p in select_periods(run, options.periods.as_ref()) {
        let prepaid: Money = p.facilities.iter().map(|f| f.prepaid).sum();
        let worst = color_of(p.events.iter().map(Event::severity).max());
        let dscr_color = dscr_color(p);
        let mut row = vec![
            cell(p.period.to_string(), color, worst),
            Cell::new(p.end),
            Cell::new(thousands(p.operations.collections)),
            Cell::new(thousands(p.operations.opex + p.operations.fees)),
            Cell::new(thousands(p.operations.cfads)),
        ];
        for f in &p.facilities {
            row.extend([
                Cell::new(thousands(f.interest_paid)),
                Cell::new(thousands(f.principal_paid)),
                Cell::new(thousands(f.closing)),
            ]);
        }
        row.extend([
            Cell::new(thousands(prepaid)),
            Cell::new(thousands(p.dsra.closing)),
            cell(dscr(p.dscr), color, dscr_color),
            Cell::new(dscr(p.dscr_total())),
            Cell::new(thousands(p.distribution)),
            cell(event_codes(p), color, worst),
        ]);
        t.add_row(row);
    }
    for i in 2..columns.saturating_sub(1) {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    with_legend(t, run, options)
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

/// A period's events as their short codes.
fn event_codes(p: &PeriodResult) -> String {
    p.events
        .iter()
        .map(|e| e.code())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The table, then the legend of the event codes of the periods shown.
fn with_legend(t: Table, run: &Run, options: &TableOptions) -> String {
    let shown = select_periods(run, options.periods.as_ref()).flat_map(|p| &p.events);
    match legend(shown) {
        codes if codes.is_empty() => t.to_string(),
        codes => format!("{t}\nevents: {codes}"),
    }
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
