//! The terminal report: the headline summary, then the period table.

use boxflow_core::{round10, Money};
use boxflow_waterfall::Run;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use rust_decimal::Decimal;

/// Money with thousands separators: `1,234,567.89`.
///
/// ```
/// use boxflow::report::table::thousands;
/// use boxflow::core::Money;
/// assert_eq!(thousands(Money::from_cents(-123456789)), "-1,234,567.89");
/// assert_eq!(thousands(Money::from_cents(5)), "0.05");
/// ```
pub fn thousands(m: Money) -> String {
    let s = m.to_string();
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut out = String::with_capacity(int.len() + int.len() / 3 + 4);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}.{frac}")
}

fn times(x: Option<Decimal>) -> String {
    x.map_or("-".into(), |x| format!("{}x", round10(x).round_dp(4)))
}

fn percent(x: Option<Decimal>) -> String {
    x.map_or("-".into(), |x| {
        format!("{}%", (x * Decimal::ONE_HUNDRED).round_dp(2))
    })
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or("-".into(), |x| x.to_string())
}

/// The headline summary as a two-column table.
pub fn summary_table(run: &Run) -> String {
    let s = &run.summary;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["summary", "value"]);
    let rows: Vec<(&str, String)> = vec![
        ("senior commitment", thousands(s.senior_commitment)),
        ("sizing binding", opt(s.sizing_binding.map(|b| b.as_str()))),
        (
            "min DSCR (period)",
            format!("{} ({})", times(s.min_dscr), opt(s.min_dscr_period)),
        ),
        ("avg DSCR", times(s.avg_dscr)),
        ("LLCR", times(s.llcr)),
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
        (
            "WAL (years)",
            opt(s.wal_years.map(|w| round10(w).round_dp(4))),
        ),
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
    ];
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v]);
    }
    if let Some(col) = t.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    t.to_string()
}

/// The period table: one row per period.
pub fn period_table(run: &Run) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "k",
        "end",
        "collections",
        "opex",
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
    for p in &run.periods {
        let interest: Money = p.facilities.iter().map(|f| f.interest_paid).sum();
        let principal: Money = p.facilities.iter().map(|f| f.principal_paid).sum();
        let prepaid: Money = p.facilities.iter().map(|f| f.prepaid).sum();
        t.add_row(vec![
            p.period.to_string(),
            p.end.to_string(),
            thousands(p.operations.collections),
            thousands(p.operations.opex + p.operations.fees),
            thousands(p.operations.cfads),
            thousands(interest),
            thousands(principal),
            thousands(prepaid),
            thousands(p.senior().map_or(Money::ZERO, |s| s.closing)),
            thousands(p.dsra.closing),
            times(p.dscr),
            thousands(p.distribution),
            p.events
                .iter()
                .map(|e| e.name())
                .collect::<Vec<_>>()
                .join(" "),
        ]);
    }
    for i in 2..12 {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t.to_string()
}
