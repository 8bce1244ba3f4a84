//! The HTML report: one self-contained page (inline CSS and SVG, no script, nothing
//! fetched) that an analyst reads at a glance and prints.
//!
//! It holds the headline (a card per facility: commitment, deadline, repaid period
//! and its own pass or fail; the minimum senior and combined DSCR; the equity IRR,
//! the NPV, the lender loss, the minimum covenant headroom), the key terms and capital structure, the charts drawn
//! by [`crate::svg`] (every facility's balance with the halfway line; the senior and
//! combined DSCR against the sizing target, the lock-up and the default levels; the
//! uses of cash per period against its sources, CFADS and reserve releases; the
//! sponsor's cumulative cash with the payback point; the LTV against its covenant;
//! the covenant headroom per period), the minimum headroom as a card, the run by
//! contract year ([`boxflow_waterfall::years`], with the MOIC), the stress results when
//! given ([`crate::stress::StressResults`]: the scenarios' table, the breakpoints,
//! tornado charts, the scenarios drawn over the balance and DSCR charts, a grid as a
//! heat map), the Monte Carlo results when given
//! ([`crate::simulation::SimulationResults`]: `boxflow simulate`'s table and
//! histograms of the lender loss, the equity IRR and the minimum DSCR), the closing
//! sources and uses, the total funding ([`boxflow_waterfall::funding`]), the events
//! in words with their reasons and the period table, whose debt service columns
//! reconcile to the DSCRs beside them. Chart `<svg>` ids: `chart-balance`,
//! `chart-dscr`, `chart-uses`, `chart-sponsor`, `chart-ltv` (when the run has an
//! LTV), `chart-headroom` (with covenant levels), `chart-tornado-dscr` and
//! `chart-tornado-irr` (with scenarios), `chart-sim-loss`, `chart-sim-irr` and
//! `chart-sim-dscr` (with a simulation).
//!
//! Money is in millions on cards and axes (`518.93m`, [`boxflow_core::format::millions`])
//! and to the cent in tables; ratios to four decimals and percents to two everywhere.
//! Printed, the page is A4 landscape with the deal, the run date and page numbers at
//! the foot of every page, and the whole period table.
//!
//! ```
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
//! let deal = boxflow_deal::read_file(std::path::Path::new(path)).unwrap();
//! let run = boxflow_waterfall::run(&deal).unwrap();
//! let page = boxflow_report::html::report(&deal, &run, "reference.toml");
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains(r#"id="chart-balance""#));
//! assert!(page.contains("518,926,087.20")); // in the key terms
//! assert!(page.contains("518.93m")); // on the card
//! assert!(!page.contains("NaN"));
//! // Self-contained: no script, nothing loaded from elsewhere.
//! assert!(!page.contains("<script") && !page.contains("src=") && !page.contains("href="));
//! ```

use std::fmt::Write;

use boxflow_core::format::{
    dscr as dscr_text, fixed, millions, money as thousands, percent, ratio, years as year_count,
};
use boxflow_core::{Money, MoneyRatio};
use boxflow_model::{Commitment, Deal, Rank, RateSpec};
use boxflow_waterfall::{
    debt_service_due, funding, moic, run_headroom, years, Account, Event, Levels, MinHeadroom,
    PeriodResult, Run, RunHeadroom, Severity, YearBasis,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::simulation::{bins, central_bins, Bins, Quantile, SimulationResults};
use crate::stress::{HeatMap, StressResults};
use crate::svg::{
    escape, histogram, line_chart, stacked_bar_chart, tornado, BarSeries, Histogram, Line,
    LineChart, Marker, RefLine, StackedBars, TickFormat, Tornado, TornadoBar,
};
use crate::table::{funding_rows, FUNDING_NOTE};
use boxflow_waterfall::{event_keys, first_new_event};

// The Okabe-Ito palette: told apart with every common colour-vision deficiency.
const BLUE: &str = "#0072B2";
const ORANGE: &str = "#E69F00";
const SKY: &str = "#56B4E9";
const GREEN: &str = "#009E73";
const YELLOW: &str = "#F0E442";
const VERMILLION: &str = "#D55E00";
const PURPLE: &str = "#CC79A7";
const GREY: &str = "#999999";
const INK: &str = "#1a202c";

/// The colours of the facilities' lines, senior first.
const FACILITY_COLORS: [&str; 4] = [BLUE, VERMILLION, GREEN, PURPLE];
/// The colours of the scenarios drawn over the balance and DSCR charts.
const SCENARIO_COLORS: [&str; 7] = [PURPLE, SKY, ORANGE, GREEN, VERMILLION, INK, "#8c6d1f"];

/// The page's style sheet: screen and print (the `@page` rules come with the page, as
/// they name the deal and the run date).
const CSS: &str = r#"
:root { --ink: #1a202c; --muted: #5a6677; --line: #d9dee7; --navy: #1f4e79; --bg: #f5f7fa;
  --green: #009E73; --red: #D55E00; --amber: #E69F00; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 28px 40px; }
header.top { border-bottom: 3px solid var(--navy); padding-bottom: 12px; margin-bottom: 20px; }
header.top .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: var(--muted); }
h1 { font-size: 24px; margin: 2px 0 4px; color: var(--navy); }
.meta { color: var(--muted); font-size: 13px; }
h2 { font-size: 16px; margin: 28px 0 10px; color: var(--navy); border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 0 0 2px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 10px; border-top: 4px solid var(--navy); min-width: 0; }
.card .label { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.card .value { font-size: 17px; font-weight: 650; margin: 4px 0 2px; font-variant-numeric: tabular-nums; }
.card .note { font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.card.good { border-top-color: var(--green); } .card.bad { border-top-color: var(--red); } .card.warn { border-top-color: var(--amber); }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 7px; border-radius: 10px; color: #fff; vertical-align: middle; }
.badge.pass { background: var(--green); } .badge.fail { background: var(--red); }
.facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin-top: 12px; font-size: 13px; color: var(--muted); }
.facts b { color: var(--ink); font-weight: 600; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 12px 8px; break-inside: avoid; min-width: 0; }
figure .sub { font-size: 12px; color: var(--muted); margin-bottom: 6px; }
figure table { margin-top: 6px; }
svg.chart { display: block; width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin-top: 4px; }
.legend span::before { content: ""; display: inline-block; width: 11px; height: 11px; margin-right: 5px; vertical-align: -1px; background: var(--c); border-radius: 2px; }
.legend span.dash::before { height: 0; border-top: 2px dashed var(--c); background: none; vertical-align: 3px; width: 14px; }
.legend span.line::before { height: 3px; vertical-align: 2px; width: 14px; }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr); gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 12px; }
th, td { padding: 3px 7px; border-bottom: 1px solid #edf0f5; text-align: left; white-space: nowrap; }
td.wrap, th.wrap { white-space: normal; min-width: 9em; }
thead th { background: #eef2f7; color: #34425a; font-weight: 600; border-bottom: 1px solid var(--line); vertical-align: bottom; }
th.num { white-space: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 650; border-top: 1px solid #a0aec0; }
tr.warn td { background: #fffaf0; } tr.breach td { background: #fff1eb; }
tr.halfway td { border-bottom: 2px solid var(--navy); }
td.ev-warn { color: #8a5a00; font-weight: 600; } td.ev-breach { color: #a33f00; font-weight: 600; }
.table-wrap { border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
.panel { border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
p.summary, p.note { margin: 0 0 8px; }
p.note { font-size: 12px; color: var(--muted); }
table.heat td.num { color: var(--ink); }
footer { margin-top: 28px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 1100px) { .charts, .two { grid-template-columns: 1fr; } }
@media print {
  body { background: #fff; font-size: 9pt; }
  main { max-width: none; padding: 0; }
  .charts { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .table-wrap { overflow: visible; border: none; }
  table { font-size: 7pt; }
  th, td { padding: 1px 3px; }
  .card .value { font-size: 14pt; }
  tr, figure, .card { break-inside: avoid; }
  h2 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// A string for a CSS `content:` value.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for ch in text.chars() {
        match ch {
            '"' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("\\3c "),
            '>' => out.push_str("\\3e "),
            c if c.is_control() => {
                let _ = write!(out, "\\{:x} ", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn f(m: Money) -> f64 {
    m.amount().to_f64().unwrap_or(0.0)
}

fn fd(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(f64::NAN)
}

/// The CSS class of an event's severity: `"warn"` for a lock-up, `"breach"` for the rest.
fn severity(e: &Event) -> &'static str {
    match e.severity() {
        Severity::Warning => "warn",
        Severity::Breach => "breach",
    }
}

/// Period numbers as ranges: `1-5, 16-20`.
fn ranges(periods: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < periods.len() {
        let start = periods[i];
        let mut end = start;
        while i + 1 < periods.len() && periods[i + 1] == end + 1 {
            i += 1;
            end = periods[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    out.join(", ")
}

/// `period 7` or `periods 1–5, 16–20`.
fn periods_text(periods: &[usize]) -> String {
    let one = periods.len() == 1;
    format!("period{} {}", if one { "" } else { "s" }, ranges(periods))
}

/// The sponsor's cumulative cash after close and after each period 1..N (the
/// end-of-run flows counted in period N), from the ledger.
pub fn sponsor_cumulative(run: &Run) -> Vec<Money> {
    let n = run.periods.len();
    let mut by_period = vec![Money::ZERO; n + 1];
    for (t, amount) in run.ledger.flows(Account::Sponsor) {
        if let Some(slot) = by_period.get_mut(t.period().min(n)) {
            *slot += amount;
        }
    }
    let mut total = Money::ZERO;
    by_period
        .into_iter()
        .map(|m| {
            total += m;
            total
        })
        .collect()
}

fn card(out: &mut String, class: &str, label: &str, value: &str, note: &str) {
    let _ = write!(
        out,
        r#"<div class="card {class}"><div class="label">{}</div><div class="value">{value}</div><div class="note">{note}</div></div>"#,
        escape(label),
    );
}

fn legend(items: &[(&str, &str, &str)]) -> String {
    let mut out = String::from(r#"<div class="legend">"#);
    for (label, color, kind) in items {
        let _ = write!(
            out,
            r#"<span class="{kind}" style="--c:{color}">{}</span>"#,
            escape(label)
        );
    }
    out.push_str("</div>");
    out
}

fn figure(out: &mut String, title: &str, sub: &str, svg: &str, legend: &str) {
    let _ = write!(
        out,
        r#"<figure><h3>{}</h3><div class="sub">{}</div>{svg}{legend}</figure>"#,
        escape(title),
        escape(sub)
    );
}

fn badge(pass: bool) -> &'static str {
    if pass {
        r#"<span class="badge pass">PASS</span>"#
    } else {
        r#"<span class="badge fail">FAIL</span>"#
    }
}

fn rank_words(rank: Rank) -> &'static str {
    match rank {
        Rank::Senior => "senior",
        Rank::Junior => "junior",
    }
}

/// What the page shows beside the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// The deal sheet's name, in the header and the footer.
    pub source: &'a str,
    /// The date of the run, in the footer and at the foot of every printed page.
    pub run_date: Option<&'a str>,
    /// The stress results, when the deal was stressed.
    pub stress: Option<&'a StressResults>,
    /// The Monte Carlo results, when the deal was simulated.
    pub simulation: Option<&'a SimulationResults>,
}

/// The HTML report of a run of `deal`; `source` names the deal sheet in the footer.
pub fn report(deal: &Deal, run: &Run, source: &str) -> String {
    report_with(
        deal,
        run,
        &Options {
            source,
            ..Options::default()
        },
    )
}

/// The end date of each period, the close date at 0, for the charts' x axes.
fn period_names(deal: &Deal, run: &Run) -> Vec<String> {
    std::iter::once(deal.close)
        .chain(run.periods.iter().map(|p| p.end))
        .map(|d| d.format("%b %Y").to_string())
        .collect()
}

/// A facility's rate in words: `SOFR1M + 4.00% (floor 0.00%)` or `fixed 7.00%`.
fn rate_words(rate: &RateSpec) -> String {
    match rate {
        RateSpec::Fixed(r) => format!("fixed {}", percent(Some(r.value()))),
        RateSpec::Floating {
            index,
            margin,
            floor,
        } => format!(
            "{} + {} (floor {})",
            escape(index),
            percent(Some(margin.value())),
            percent(Some(floor.value()))
        ),
    }
}

/// The HTML report of a run of `deal` with [`Options`].
pub fn report_with(deal: &Deal, run: &Run, options: &Options) -> String {
    let s = &run.summary;
    let n = run.periods.len();
    let source = options.source;
    let covenants = deal.covenants.as_ref();
    let lockup_level = covenants.and_then(|c| c.lockup_dscr).map(|r| r.value());
    let default_level = covenants.and_then(|c| c.min_dscr).map(|r| r.value());
    let max_ltv = covenants.and_then(|c| c.max_ltv).map(|r| r.value());
    let senior_plan = run.plan.senior();
    let target = senior_plan.and_then(|p| p.terms.dscr).map(|r| r.value());
    let currency = escape(&deal.currency);
    let several = run.plan.facilities.len() > 1;
    let x_names = period_names(deal, run);
    let stress = options.stress;
    let ran: Vec<(&str, &Run)> = stress.map_or(Vec::new(), |st| {
        st.scenarios
            .iter()
            .filter_map(|sc| sc.outcome.as_ref().ok().map(|o| (sc.name.as_str(), &o.run)))
            .collect()
    });

    let mut out = String::with_capacity(256 * 1024);
    let foot = format!(
        "{} · {}{}",
        deal.name,
        source,
        options
            .run_date
            .map_or(String::new(), |d| format!(" · run {d}"))
    );
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="boxflow {version}"><title>{name}: boxflow report</title><style>{CSS}
@page {{ size: A4 landscape; margin: 10mm 10mm 14mm;
  @bottom-left {{ content: {foot}; font: 8pt system-ui, sans-serif; color: #5a6677; }}
  @bottom-right {{ content: "page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #5a6677; }} }}
</style></head>
<body><main>
<header class="top"><div class="kicker">boxflow deal report</div><h1>{name}</h1>
<div class="meta">{customer} · close {close} · {periods} {freq} periods to {end} · {currency} · deal sheet <code>{source}</code>{date}</div></header>
"#,
        version = env!("CARGO_PKG_VERSION"),
        name = escape(&deal.name),
        foot = escape(&css_string(&foot)),
        customer = escape(&deal.contract.customer),
        close = deal.close,
        periods = n,
        freq = run.plan.calendar.frequency().as_str(),
        end = run.plan.calendar.end(),
        source = escape(source),
        date = options
            .run_date
            .map_or(String::new(), |d| format!(" · run {}", escape(d))),
    );

    // The headline: a card per facility, then the DSCRs, the returns, the loss.
    out.push_str(r#"<section class="cards" id="headline">"#);
    for (i, plan) in run.plan.facilities.iter().enumerate() {
        let deadline = s.facilities.get(i);
        let passes = deadline.is_none_or(|d| d.passes);
        let bound = match deal.facilities.get(i).map(|fa| &fa.commitment) {
            Some(Commitment::Sized { dscr, max_gearing }) => format!(
                "sized: <b>{}</b> binds (DSCR {}, cap {})",
                plan.binding.map_or("–", |b| b.as_str()),
                ratio(Some(dscr.value())),
                percent(Some(max_gearing.value()))
            ),
            _ => "fixed amount".into(),
        };
        let by = deadline.map_or(plan.deadline, |d| d.repay_by_period);
        let by_date = run
            .periods
            .get(by.saturating_sub(1))
            .map_or(String::new(), |p| format!(" ({})", p.end));
        let repaid = deadline
            .and_then(|d| d.repaid_period)
            .map_or("not repaid".into(), |k| format!("repaid in period {k}"));
        card(
            &mut out,
            if passes { "good" } else { "bad" },
            &format!("{} ({})", plan.name, rank_words(plan.rank)),
            &format!("{currency} {}", millions(plan.commitment)),
            &format!(
                "{bound}<br>repay by period {by}{by_date}<br>{repaid} {}",
                badge(passes)
            ),
        );
    }
    let dscr_class = match (s.min_dscr, default_level, lockup_level) {
        (Some(d), Some(def), _) if d < def => "bad",
        (Some(d), _, Some(lock)) if d < lock => "warn",
        (Some(_), _, _) => "good",
        _ => "",
    };
    let combined = if several {
        format!(
            "<br>combined {} (period {})",
            dscr_text(s.min_dscr_total),
            s.min_dscr_total_period
                .map_or("–".into(), |k| k.to_string())
        )
    } else {
        String::new()
    };
    card(
        &mut out,
        dscr_class,
        if several {
            "Minimum senior DSCR"
        } else {
            "Minimum DSCR"
        },
        &dscr_text(s.min_dscr),
        &format!(
            "period {} · avg {}{combined}<br>lock-up {} · default {}",
            s.min_dscr_period.map_or("–".into(), |k| k.to_string()),
            dscr_text(s.avg_dscr),
            lockup_level.map_or("–".into(), |l| ratio(Some(l))),
            default_level.map_or("–".into(), |d| ratio(Some(d)))
        ),
    );
    card(
        &mut out,
        "",
        "Equity IRR",
        &percent(s.equity_irr),
        &format!(
            "project {}<br>senior lender {}",
            percent(s.project_irr),
            percent(s.senior_lender_irr)
        ),
    );
    card(
        &mut out,
        "",
        "NPV (sponsor)",
        &s.npv
            .map_or("–".into(), |m| format!("{currency} {}", millions(m))),
        &deal
            .analysis
            .as_ref()
            .map_or("no discount rate in the deal sheet".into(), |a| {
                format!("at {} to close", percent(Some(a.discount_rate.value())))
            }),
    );
    card(
        &mut out,
        if s.lender_loss.is_positive() {
            "bad"
        } else {
            "good"
        },
        "Lender loss",
        &format!("{currency} {}", millions(s.lender_loss)),
        &format!(
            "{} of principal and interest unpaid at the end",
            thousands(s.lender_loss)
        ),
    );
    let room = run_headroom(run, Levels::of(covenants));
    headroom_card(&mut out, &room);
    out.push_str("</section>");
    let _ = write!(
        out,
        r#"<div class="facts"><span>LLCR <b>{}</b></span><span>WAL <b>{}</b></span><span>payback <b>{}</b></span><span>total capex <b>{}</b></span><span>terminal value <b>{}</b></span><span>distributions <b>{}</b></span><span>equity in <b>{}</b></span><span>MOIC <b>{}</b></span><span>events <b>{}</b></span></div>"#,
        ratio(s.llcr),
        s.wal_years
            .map_or("–".into(), |w| format!("{} years", year_count(Some(w)))),
        s.payback_period
            .map_or("never".into(), |k| format!("period {k}")),
        thousands(run.plan.total_capex),
        thousands(s.terminal_value),
        thousands(s.total_distributions),
        thousands(s.total_equity),
        moic_text(run),
        run.events.len(),
    );

    key_terms(&mut out, deal, run);

    // The charts.
    out.push_str(r#"<h2>Charts</h2><section class="charts">"#);
    let halfway_line = RefLine::new(
        s.halfway_period as f64,
        &format!("halfway: period {}", s.halfway_period),
        INK,
    );
    let x_domain = (0.0, n as f64);
    let x_label = "period";

    // 1. Every facility's balance, the senior's close schedule, the scenarios.
    let mut balance_lines = Vec::new();
    let mut markers = Vec::new();
    let mut balance_legend: Vec<(String, &str, &str)> = Vec::new();
    for (i, plan) in run.plan.facilities.iter().enumerate() {
        let color = FACILITY_COLORS[i % FACILITY_COLORS.len()];
        let start = run.closing.draws.get(i).map_or(Money::ZERO, |d| d.1);
        let mut points = vec![(0.0, Some(f(start)))];
        points.extend(run.periods.iter().map(|p| {
            (
                p.period as f64,
                Some(p.facilities.get(i).map_or(0.0, |x| f(x.closing))),
            )
        }));
        balance_lines.push(Line {
            area: i == 0,
            ..Line::new(&format!("{} balance", plan.name), color, points)
        });
        balance_legend.push((String::from(&*plan.name), color, "line"));
        if let Some(k) = s.facilities.get(i).and_then(|d| d.repaid_period) {
            let passes = s.facilities.get(i).is_none_or(|d| d.passes);
            markers.push(Marker {
                x: k as f64,
                y: 0.0,
                label: if several {
                    format!("{} repaid: period {k}", rank_words(plan.rank))
                } else {
                    format!("repaid: period {k}")
                },
                color: if passes { GREEN } else { VERMILLION }.into(),
            });
        }
    }
    if let Some(plan) = senior_plan {
        let mut scheduled = vec![(0.0, Some(f(plan.schedule.closing_draws)))];
        scheduled.extend(
            plan.schedule
                .rows
                .iter()
                .map(|r| (r.period as f64, Some(f(r.closing)))),
        );
        balance_lines.push(Line {
            dashed: true,
            ..Line::new("senior close schedule", GREY, scheduled)
        });
        balance_legend.push(("senior close schedule".into(), GREY, "dash"));
    }
    for (j, (name, r)) in ran.iter().enumerate() {
        let color = SCENARIO_COLORS[j % SCENARIO_COLORS.len()];
        let si = r
            .plan
            .facilities
            .iter()
            .position(|p| p.rank == Rank::Senior);
        if let Some(si) = si {
            let start = r.closing.draws.get(si).map_or(Money::ZERO, |d| d.1);
            let mut points = vec![(0.0, Some(f(start)))];
            points.extend(
                r.periods
                    .iter()
                    .map(|p| (p.period as f64, p.facilities.get(si).map(|x| f(x.closing)))),
            );
            balance_lines.push(Line {
                dashed: true,
                ..Line::new(&format!("{name}: senior balance"), color, points)
            });
            balance_legend.push(((*name).to_string(), color, "dash"));
        }
    }
    balance_legend.push(("halfway".into(), INK, "dash"));
    let balance = line_chart(&LineChart {
        id: "chart-balance".into(),
        title: "Balance of each facility after each period".into(),
        x_label: x_label.into(),
        y_label: format!("{} millions", deal.currency),
        x_domain,
        y_format: TickFormat::Millions,
        lines: balance_lines,
        vlines: vec![halfway_line.clone()],
        markers,
        x_names: x_names.clone(),
        ..LineChart::default()
    });
    let repaid_words: Vec<String> = run
        .plan
        .facilities
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let d = s.facilities.get(i);
            format!(
                "{} repaid {} (deadline period {})",
                p.name,
                d.and_then(|d| d.repaid_period)
                    .map_or("never".into(), |k| format!("in period {k}")),
                d.map_or(p.deadline, |d| d.repay_by_period)
            )
        })
        .collect();
    let mut sub = format!("closing balance per period; {}", repaid_words.join("; "));
    if !ran.is_empty() {
        sub.push_str("; dashed: the senior balance in each scenario");
    }
    let items: Vec<(&str, &str, &str)> = balance_legend
        .iter()
        .map(|(l, c, k)| (l.as_str(), *c, *k))
        .collect();
    figure(&mut out, "Balances", &sub, &balance, &legend(&items));

    // 2. The DSCR: the senior's (what the covenants test) and the combined.
    let levels: Vec<f64> = [target, lockup_level, default_level]
        .iter()
        .flatten()
        .map(|d| fd(*d))
        .collect();
    let mut dscrs: Vec<f64> = run
        .periods
        .iter()
        .filter_map(|p| p.dscr.map(MoneyRatio::value))
        .map(fd)
        .collect();
    if several {
        dscrs.extend(run.periods.iter().filter_map(|p| p.dscr_total()).map(fd));
    }
    for (_, r) in &ran {
        dscrs.extend(
            r.periods
                .iter()
                .filter_map(|p| p.dscr.map(MoneyRatio::value))
                .map(fd),
        );
    }
    let hi_level = levels.iter().copied().fold(1.0f64, f64::max);
    let cap = (hi_level * 1.6).max(2.0);
    let data_hi = dscrs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let data_lo = dscrs.iter().copied().fold(f64::INFINITY, f64::min);
    let lo = levels
        .iter()
        .copied()
        .fold(data_lo.max(-1.0), f64::min)
        .min(hi_level);
    let hi = data_hi.min(cap).max(hi_level);
    let (lo, hi) = (
        lo - (hi - lo).max(0.1) * 0.15,
        hi + (hi - lo).max(0.1) * 0.15,
    );
    let clipped = dscrs.iter().filter(|d| **d > hi || **d < lo).count();
    let mut hlines = Vec::new();
    if let Some(t) = target {
        hlines.push(RefLine::new(
            fd(t),
            &format!("sizing target {}", ratio(Some(t))),
            GREEN,
        ));
    }
    if let Some(l) = lockup_level {
        hlines.push(RefLine::new(
            fd(l),
            &format!("lock-up {}", ratio(Some(l))),
            ORANGE,
        ));
    }
    if let Some(d) = default_level {
        hlines.push(RefLine::new(
            fd(d),
            &format!("default {}", ratio(Some(d))),
            VERMILLION,
        ));
    }
    let mut dscr_lines = vec![Line {
        dots: true,
        ..Line::new(
            "senior DSCR",
            BLUE,
            run.periods
                .iter()
                .map(|p| (p.period as f64, p.dscr.map(MoneyRatio::value).map(fd)))
                .collect(),
        )
    }];
    let mut dscr_legend: Vec<(String, &str, &str)> = vec![("senior DSCR".into(), BLUE, "line")];
    if several {
        dscr_lines.push(Line::new(
            "combined DSCR",
            PURPLE,
            run.periods
                .iter()
                .map(|p| (p.period as f64, p.dscr_total().map(fd)))
                .collect(),
        ));
        dscr_legend.push(("combined DSCR".into(), PURPLE, "line"));
    }
    for (j, (name, r)) in ran.iter().enumerate() {
        let color = SCENARIO_COLORS[j % SCENARIO_COLORS.len()];
        dscr_lines.push(Line {
            dashed: true,
            ..Line::new(
                &format!("{name}: senior DSCR"),
                color,
                r.periods
                    .iter()
                    .map(|p| (p.period as f64, p.dscr.map(MoneyRatio::value).map(fd)))
                    .collect(),
            )
        });
        dscr_legend.push(((*name).to_string(), color, "dash"));
    }
    dscr_legend.extend([
        ("sizing target".to_string(), GREEN, "dash"),
        ("lock-up".to_string(), ORANGE, "dash"),
        ("default".to_string(), VERMILLION, "dash"),
    ]);
    let dscr = line_chart(&LineChart {
        id: "chart-dscr".into(),
        title: "Senior DSCR per period".into(),
        x_label: x_label.into(),
        y_label: "DSCR".into(),
        x_domain,
        y_domain: Some((lo, hi)),
        y_format: TickFormat::Ratio,
        lines: dscr_lines,
        hlines,
        vlines: vec![halfway_line.clone()],
        x_names: x_names.clone(),
        ..LineChart::default()
    });
    let no_ds = run.periods.iter().filter(|p| p.dscr.is_none()).count();
    let mut sub = if several {
        "senior: CFADS / senior debt service (the covenants' test); combined: CFADS / the debt service of every facility".to_string()
    } else {
        "CFADS / senior debt service".to_string()
    };
    if no_ds > 0 {
        let _ = write!(sub, "; {no_ds} periods without senior debt service");
    }
    if clipped > 0 {
        let _ = write!(sub, "; {clipped} values beyond the axis drawn at its edge");
    }
    let items: Vec<(&str, &str, &str)> = dscr_legend
        .iter()
        .map(|(l, c, k)| (l.as_str(), *c, *k))
        .collect();
    figure(
        &mut out,
        "DSCR against the covenants",
        &sub,
        &dscr,
        &legend(&items),
    );

    // 3. The uses of cash against its sources.
    type Pick = fn(&PeriodResult) -> f64;
    let mut uses: Vec<(&str, &str, Pick)> = vec![
        ("opex", GREY, |p| f(p.opex_paid)),
        ("fees", YELLOW, |p| f(p.fees_paid)),
        ("interest and commitment fees", VERMILLION, |p| {
            f(p.facilities.iter().map(|x| x.interest_paid).sum())
        }),
        ("principal", BLUE, |p| {
            f(p.facilities.iter().map(|x| x.principal_paid).sum())
        }),
        ("reserve deposit", PURPLE, |p| f(p.dsra.deposit)),
        ("sweep", SKY, |p| {
            f(p.facilities.iter().map(|x| x.prepaid).sum())
        }),
        ("lock-up", ORANGE, |p| f(p.lockup.deposit)),
        ("distributions", GREEN, |p| f(p.distribution)),
    ];
    uses.retain(|(label, _, pick)| {
        *label != "lock-up" || run.periods.iter().any(|p| pick(p) > 0.0)
    });
    let sources: Vec<(f64, Option<f64>)> = run
        .periods
        .iter()
        .map(|p| {
            (
                p.period as f64,
                Some(f(p.operations.collections
                    + p.dsra.release
                    + p.lockup.release)),
            )
        })
        .collect();
    let releases = run
        .periods
        .iter()
        .filter(|p| p.dsra.release.is_positive())
        .count();
    let bars = stacked_bar_chart(&StackedBars {
        id: "chart-uses".into(),
        title: "Uses of cash per period".into(),
        x_label: x_label.into(),
        y_label: format!("{} millions", deal.currency),
        x_values: run.periods.iter().map(|p| p.period as f64).collect(),
        series: uses
            .iter()
            .map(|(label, color, pick)| BarSeries {
                label: (*label).into(),
                color: (*color).into(),
                values: run.periods.iter().map(pick).collect(),
            })
            .collect(),
        vlines: vec![halfway_line.clone()],
        lines: vec![Line::new("sources: collections and releases", INK, sources)],
        y_format: TickFormat::Millions,
        x_names: x_names.clone(),
        ..StackedBars::default()
    });
    let mut items: Vec<(&str, &str, &str)> = uses.iter().map(|(l, c, _)| (*l, *c, "box")).collect();
    items.push((
        "sources: collections + reserve and lock-up releases",
        INK,
        "line",
    ));
    figure(
        &mut out,
        "Uses of cash",
        &format!(
            "what the waterfall paid each period, in order from the axis; the line: the cash it had, collections plus the releases of the reserve ({releases} periods) and the lock-up account"
        ),
        &bars,
        &legend(&items),
    );

    // 4. The sponsor's cumulative cash.
    let cumulative = sponsor_cumulative(run);
    let mut sponsor_markers = Vec::new();
    if let Some(k) = s.payback_period {
        if let Some(m) = cumulative.get(k) {
            sponsor_markers.push(Marker {
                x: k as f64,
                y: f(*m),
                label: format!("payback: period {k}"),
                color: GREEN.into(),
            });
        }
    }
    let sponsor = line_chart(&LineChart {
        id: "chart-sponsor".into(),
        title: "Sponsor's cumulative cash".into(),
        x_label: x_label.into(),
        y_label: format!("{} millions", deal.currency),
        x_domain,
        y_format: TickFormat::Millions,
        lines: vec![Line {
            area: true,
            ..Line::new(
                "cumulative cash",
                GREEN,
                cumulative
                    .iter()
                    .enumerate()
                    .map(|(k, m)| (k as f64, Some(f(*m))))
                    .collect(),
            )
        }],
        hlines: vec![RefLine::new(0.0, "", GREY)],
        vlines: vec![halfway_line.clone()],
        markers: sponsor_markers,
        x_names: x_names.clone(),
        ..LineChart::default()
    });
    figure(
        &mut out,
        "Sponsor's cumulative cash",
        &format!(
            "equity in, distributions, end-of-run flows (in period {n}); total {}",
            cumulative.last().map_or("–".into(), |m| thousands(*m))
        ),
        &sponsor,
        &legend(&[("cumulative cash", GREEN, "line"), ("halfway", INK, "dash")]),
    );

    // 5. The LTV against its covenant.
    if run.periods.iter().any(|p| p.ltv.is_some()) {
        let mut hl = Vec::new();
        if let Some(m) = max_ltv {
            hl.push(RefLine::new(
                fd(m),
                &format!("covenant {}", percent(Some(m))),
                VERMILLION,
            ));
        }
        let ltv = line_chart(&LineChart {
            id: "chart-ltv".into(),
            title: "Senior LTV per period".into(),
            x_label: x_label.into(),
            y_label: "LTV".into(),
            x_domain,
            y_format: TickFormat::Percent,
            lines: vec![Line::new(
                "LTV",
                BLUE,
                run.periods
                    .iter()
                    .map(|p| (p.period as f64, p.ltv.map(MoneyRatio::value).map(fd)))
                    .collect(),
            )],
            hlines: hl,
            vlines: vec![halfway_line],
            x_names: x_names.clone(),
            ..LineChart::default()
        });
        let breaches = run
            .events
            .iter()
            .filter(|e| e.name() == "ltv_breach")
            .count();
        figure(
            &mut out,
            "LTV against its covenant",
            &format!(
                "senior balance / book value of the GPUs; {}",
                match max_ltv {
                    Some(_) => format!("{breaches} periods above the covenant"),
                    None => "no LTV covenant in the deal sheet".into(),
                }
            ),
            &ltv,
            &legend(&[("LTV", BLUE, "line"), ("covenant", VERMILLION, "dash")]),
        );
    }
    // 6. The headroom to the covenant levels.
    if room.levels.lockup.is_some() || room.levels.default.is_some() {
        headroom_chart(&mut out, run, &room, x_domain, &x_names);
    }
    out.push_str("</section>");

    years_table(&mut out, run);
    if let Some(st) = stress {
        stress_section(&mut out, run, st);
    }
    if let Some(sim) = options.simulation {
        simulation_section(&mut out, deal, run, sim);
    }

    // Closing and events.
    out.push_str(r#"<section class="two"><div><h2>Closing sources and uses</h2><div class="panel"><table id="closing"><thead><tr><th>sources</th><th class="num">amount</th></tr></thead><tbody>"#);
    let c = &run.closing;
    let row = |out: &mut String, label: &str, m: Money, class: &str| {
        let _ = write!(
            out,
            r#"<tr class="{class}"><td>{}</td><td class="num">{}</td></tr>"#,
            escape(label),
            thousands(m)
        );
    };
    for (name, d) in &c.draws {
        row(&mut out, &format!("{name} draws"), *d, "");
    }
    row(&mut out, "customer prepayment", c.prepayment, "");
    row(&mut out, "sponsor equity", c.equity, "");
    row(&mut out, "total sources", c.sources(), "total");
    out.push_str(
        r#"</tbody><thead><tr><th>uses</th><th class="num">amount</th></tr></thead><tbody>"#,
    );
    row(&mut out, "capex", c.capex, "");
    for (name, fee) in &c.upfront_fees {
        row(&mut out, &format!("{name} upfront fee"), *fee, "");
    }
    row(&mut out, "DSRA", c.dsra, "");
    if c.sponsor_excess.is_positive() {
        row(&mut out, "excess to the sponsor", c.sponsor_excess, "");
    }
    row(&mut out, "total uses", c.uses(), "total");
    out.push_str("</tbody></table></div>");
    funding_panel(&mut out, run);
    out.push_str("</div>");

    out.push_str(r#"<div><h2>Events</h2>"#);
    if run.events.is_empty() {
        out.push_str(r#"<p class="summary" id="events">No events: no lock-up, shortfall, default, breach or loss.</p>"#);
    } else {
        let mut names: Vec<&str> = run.events.iter().map(|e| e.name()).collect();
        names.sort_unstable();
        names.dedup();
        let parts: Vec<String> = names
            .iter()
            .map(|name| {
                let mut ks: Vec<usize> = run
                    .events
                    .iter()
                    .filter(|e| e.name() == *name)
                    .map(|e| e.period())
                    .collect();
                let count = ks.len();
                ks.dedup();
                let label = run
                    .events
                    .iter()
                    .find(|e| e.name() == *name)
                    .map_or(*name, |e| e.label());
                format!("<b>{label}</b> ×{count} ({})", periods_text(&ks))
            })
            .collect();
        let _ = write!(
            out,
            r#"<p class="summary">{} events: {}.</p><div class="table-wrap"><table id="events"><thead><tr><th class="num">period</th><th>event</th><th class="wrap">why, and the figures</th></tr></thead><tbody>"#,
            run.events.len(),
            parts.join("; ")
        );
        for e in run.events.iter() {
            let _ = write!(
                out,
                r#"<tr><td class="num">{}</td><td class="ev-{}">{}</td><td class="wrap">{}</td></tr>"#,
                e.period(),
                severity(e),
                e.label(),
                escape(&e.figures())
            );
        }
        out.push_str("</tbody></table></div>");
    }
    out.push_str("</div></section>");

    period_table(&mut out, run);
    let _ = write!(
        out,
        r#"<footer>Generated by boxflow {} from <code>{}</code>{}. Money in {currency}, exact to the cent in tables, in millions on cards and axes; ratios to 4 decimals here, to 10 in <code>boxflow run --format json</code>. Charts are drawn from the same figures.</footer>
</main></body></html>
"#,
        env!("CARGO_PKG_VERSION"),
        escape(source),
        options
            .run_date
            .map_or(String::new(), |d| format!(" on {}", escape(d))),
    );
    out
}

/// The sponsor's MOIC ([`boxflow_waterfall::moic`]) to two decimals: `3.62x`.
fn moic_text(run: &Run) -> String {
    moic(run)
        .moic
        .map_or("–".into(), |m| format!("{}x", fixed(m, 2)))
}

/// The minimum covenant headroom as a card: the lowest percent by which CFADS can fall
/// before the senior DSCR reaches each level, with its period (the amounts and the
/// combined DSCR's are in [`headroom_table`]).
fn headroom_card(out: &mut String, room: &RunHeadroom) {
    let levels = room.levels;
    let m = &room.senior_minimum;
    let words = |name: &str, level: Option<boxflow_core::Ratio>, h: Option<&MinHeadroom>| {
        let level = level?;
        Some(format!(
            "to {name} {}: {}",
            ratio(Some(level.value())),
            h.map_or("– (no senior debt service)".into(), |h| format!(
                "{} (period {})",
                percent(h.percent),
                h.percent_period.map_or("–".into(), |k| k.to_string())
            ))
        ))
    };
    let lines: Vec<String> = [
        words("lock-up", levels.lockup, m.lockup.as_ref()),
        words("default", levels.default, m.default.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if lines.is_empty() {
        return;
    }
    // The headline figure: the tightest level's lowest percent.
    let (first, name) = match (&m.lockup, &m.default) {
        (Some(h), _) if levels.lockup.is_some() => (Some(h), "lock-up"),
        (_, Some(h)) => (Some(h), "default"),
        _ => (None, ""),
    };
    let class = match (&m.lockup, &m.default) {
        (_, Some(d)) if d.amount.is_negative() => "bad",
        (Some(l), _) if l.amount.is_negative() => "warn",
        (None, None) => "",
        _ => "good",
    };
    card(
        out,
        class,
        &if name.is_empty() {
            "Minimum headroom".to_string()
        } else {
            format!("Minimum headroom to {name}")
        },
        &first.map_or("–".into(), |h| percent(h.percent)),
        &format!(
            "how far CFADS can fall before the senior DSCR reaches<br>{}",
            lines.join("<br>")
        ),
    );
}

/// The lowest headroom to each covenant level, as a percent of CFADS and as an
/// amount, each with its first period; on the senior DSCR and, with a junior, on the
/// combined DSCR.
fn headroom_table(room: &RunHeadroom) -> String {
    let mut out = String::from(
        r#"<table id="headroom"><thead><tr><th>lowest headroom</th><th class="num">% of CFADS</th><th class="num">period</th><th class="num">amount</th><th class="num">period</th></tr></thead><tbody>"#,
    );
    let mut row = |what: &str, level: Option<boxflow_core::Ratio>, h: Option<&MinHeadroom>| {
        let Some(level) = level else {
            return;
        };
        let cells = h.map_or(
            r#"<td class="num" colspan="4">no period with debt service</td>"#.to_string(),
            |h| {
                format!(
                    r#"<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>"#,
                    percent(h.percent),
                    h.percent_period.map_or("–".into(), |k| k.to_string()),
                    thousands(h.amount),
                    h.amount_period
                )
            },
        );
        let _ = write!(
            out,
            "<tr><td>{what} {}</td>{cells}</tr>",
            ratio(Some(level.value()))
        );
    };
    let levels = room.levels;
    let several = room.total_minimum.is_some();
    let senior = if several { "senior DSCR to " } else { "to " };
    row(
        &format!("{senior}lock-up"),
        levels.lockup,
        room.senior_minimum.lockup.as_ref(),
    );
    row(
        &format!("{senior}default"),
        levels.default,
        room.senior_minimum.default.as_ref(),
    );
    if let Some(t) = &room.total_minimum {
        row("combined DSCR to lock-up", levels.lockup, t.lockup.as_ref());
        row(
            "combined DSCR to default",
            levels.default,
            t.default.as_ref(),
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// The headroom per period to each covenant level, as a percent of CFADS, on the
/// senior DSCR.
fn headroom_chart(
    out: &mut String,
    run: &Run,
    room: &RunHeadroom,
    x_domain: (f64, f64),
    x_names: &[String],
) {
    let percent_of = |pick: fn(&boxflow_waterfall::PeriodHeadroom) -> Option<Decimal>| {
        room.periods
            .iter()
            .map(|h| (h.period as f64, pick(h).map(fd)))
            .collect::<Vec<_>>()
    };
    let mut lines = Vec::new();
    let mut items: Vec<(&str, &str, &str)> = Vec::new();
    if room.levels.lockup.is_some() {
        lines.push(Line {
            dots: true,
            ..Line::new(
                "headroom to lock-up",
                ORANGE,
                percent_of(|h| h.senior.lockup.and_then(|x| x.percent)),
            )
        });
        items.push(("to lock-up", ORANGE, "line"));
    }
    if room.levels.default.is_some() {
        lines.push(Line::new(
            "headroom to default",
            VERMILLION,
            percent_of(|h| h.senior.default.and_then(|x| x.percent)),
        ));
        items.push(("to default", VERMILLION, "line"));
    }
    let values: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.points.iter().filter_map(|(_, y)| *y))
        .filter(|v| v.is_finite())
        .collect();
    let data_lo = values.iter().copied().fold(0.0f64, f64::min);
    let data_hi = values.iter().copied().fold(0.0f64, f64::max);
    // Below -100% (CFADS must double) the line is drawn at the axis's edge.
    let lo = data_lo.max(-1.0);
    let clipped = values.iter().filter(|v| **v < lo).count();
    let chart = line_chart(&LineChart {
        id: "chart-headroom".into(),
        title: "Covenant headroom per period".into(),
        x_label: "period".into(),
        y_label: "% of CFADS".into(),
        x_domain,
        y_domain: Some((lo, data_hi.max(0.1))),
        y_format: TickFormat::Percent,
        lines,
        hlines: vec![RefLine::new(0.0, "the level", GREY)],
        x_names: x_names.to_vec(),
        ..LineChart::default()
    });
    let no_ds = run.periods.iter().filter(|p| p.dscr.is_none()).count();
    let mut sub = "how far CFADS can fall, as a percent of it, before the senior DSCR reaches each level: 1 − level / DSCR; below 0 the DSCR is under the level".to_string();
    if no_ds > 0 {
        let _ = write!(
            sub,
            "; {no_ds} periods without senior debt service have none"
        );
    }
    if clipped > 0 {
        let _ = write!(
            sub,
            "; {clipped} values below −100% drawn at the axis's edge"
        );
    }
    figure(
        out,
        "Covenant headroom",
        &sub,
        &chart,
        &(legend(&items) + &headroom_table(room)),
    );
}

/// The run by contract year ([`boxflow_waterfall::years`]): flows summed, balances at
/// the year's end, the year's lowest DSCR and cash-on-cash; a total row from the
/// summary's totals and the MOIC.
fn years_table(out: &mut String, run: &Run) {
    let ys = years(run, YearBasis::Contract);
    let s = &run.summary;
    let several = run.plan.facilities.len() > 1;
    let _ = write!(
        out,
        r#"<h2>By contract year</h2><p class="note">A contract year runs from an anniversary of close to the next; a period belongs to the year it ends in. Flows (CFADS, interest and principal paid, distributions) are summed over the year's periods, balances are at its end, min DSCR is its lowest senior DSCR. Cash-on-cash: the year's distributions / the equity contributed by its end. The end of the run (terminal value, final repayment) is in no year; MOIC, in the total row, counts it: everything the sponsor receives / the equity it contributed.</p><div class="table-wrap"><table id="years"><thead><tr><th>year</th><th>periods</th><th class="num">CFADS</th><th class="num">interest paid</th><th class="num">principal paid</th>"#
    );
    for plan in &run.plan.facilities {
        let _ = write!(
            out,
            r#"<th class="num">{} balance</th>"#,
            escape(&plan.name)
        );
    }
    out.push_str(r#"<th class="num">DSRA</th><th class="num">min DSCR</th>"#);
    if several {
        out.push_str(r#"<th class="num">min combined DSCR</th>"#);
    }
    out.push_str(r#"<th class="num">distributions</th><th class="num">cash-on-cash</th></tr></thead><tbody>"#);
    let num = |out: &mut String, text: &str| {
        let _ = write!(out, r#"<td class="num">{text}</td>"#);
    };
    for y in &ys {
        let _ = write!(
            out,
            r#"<tr><td>Y{}</td><td title="{} to {}">{}</td>"#,
            y.year,
            y.start,
            y.end,
            if y.first_period == y.last_period {
                y.first_period.to_string()
            } else {
                format!("{}–{}", y.first_period, y.last_period)
            },
        );
        for m in [y.cfads, y.interest_paid(), y.principal()] {
            num(out, &thousands(m));
        }
        for f in &y.facilities {
            num(out, &thousands(f.closing));
        }
        num(out, &thousands(y.dsra_closing));
        num(
            out,
            &match y.min_dscr_period {
                Some(k) => format!(
                    r#"<span title="period {k}">{}</span>"#,
                    dscr_text(y.min_dscr)
                ),
                None => dscr_text(y.min_dscr),
            },
        );
        if several {
            num(out, &dscr_text(y.min_dscr_total));
        }
        num(out, &thousands(y.distribution));
        num(out, &percent(y.cash_on_cash));
        out.push_str("</tr>");
    }
    // The total row: the summary's totals (CFADS has none: the years' sum).
    let _ = write!(
        out,
        r#"<tr class="total"><td>total</td><td>{}</td>"#,
        match (ys.first(), ys.last()) {
            (Some(a), Some(b)) => format!("{}–{}", a.first_period, b.last_period),
            _ => String::new(),
        }
    );
    for m in [
        ys.iter().map(|y| y.cfads).sum(),
        s.total_interest,
        s.total_principal,
    ] {
        num(out, &thousands(m));
    }
    for _ in &run.plan.facilities {
        num(out, "");
    }
    num(out, "");
    num(out, &dscr_text(s.min_dscr));
    if several {
        num(out, &dscr_text(s.min_dscr_total));
    }
    num(out, &thousands(s.total_distributions));
    num(out, &format!("MOIC {}", moic_text(run)));
    out.push_str("</tr></tbody></table></div>");
}

/// Total funding over the construction ([`boxflow_waterfall::funding`]), in the words
/// of [`funding_rows`]: sources and uses that reconcile.
fn funding_panel(out: &mut String, run: &Run) {
    let f = funding(run);
    let _ = write!(
        out,
        r#"<h2>Funding</h2><p class="note">Sources and uses from close to the last capex payment ({} to {}, {} funding date{}); {FUNDING_NOTE}.</p><div class="panel"><table id="funding"><thead><tr><th>sources</th><th class="num">amount</th></tr></thead><tbody>"#,
        run.plan.calendar.close(),
        f.construction_end,
        f.dates.len(),
        if f.dates.len() == 1 { "" } else { "s" }
    );
    let mut sources_done = false;
    for r in funding_rows(&f, run.plan.facilities.len() > 1) {
        let _ = write!(
            out,
            r#"<tr class="{}"><td>{}</td><td class="num">{}</td></tr>"#,
            if r.total { "total" } else { "" },
            escape(&r.label),
            thousands(r.amount)
        );
        if r.total && !sources_done {
            sources_done = true;
            out.push_str(
                r#"</tbody><thead><tr><th>uses</th><th class="num">amount</th></tr></thead><tbody>"#,
            );
        }
    }
    out.push_str("</tbody></table></div>");
}

/// An amount for a histogram's axis and marks: in millions from a million up, else
/// to the cent.
fn money_scale(largest: Money) -> (TickFormat, fn(Money) -> String) {
    if largest.amount().abs() >= Decimal::from(1_000_000) {
        (TickFormat::Millions, millions)
    } else {
        (TickFormat::Money, thousands)
    }
}

/// `k` of `n` as a percent: `12.50%`.
fn share_of(k: usize, n: usize) -> String {
    percent((n > 0).then(|| Decimal::from(k) / Decimal::from(n)))
}

/// One histogram of a simulation's outcomes: the bins of `values`, the quantiles and
/// the base case's value marked.
#[allow(clippy::too_many_arguments)]
fn outcome_histogram(
    id: &str,
    title: &str,
    x_label: &str,
    b: Bins,
    quantiles: &[Quantile],
    base: Option<Decimal>,
    (floor, extra): (Option<Decimal>, Vec<RefLine>),
    (format, text): (TickFormat, &dyn Fn(Decimal) -> String),
    color: &str,
) -> String {
    // A value below the floor (a DSCR not meaningful) stands at it, as its runs do.
    let at = |v: Decimal| fd(floor.map_or(v, |f| v.max(f)));
    let mut marks: Vec<RefLine> = quantiles
        .iter()
        .map(|q| RefLine::new(at(q.value), &format!("{} {}", q.label, text(q.value)), INK))
        .collect();
    if let Some(v) = base {
        marks.push(RefLine::new(
            at(v),
            &format!("base case {}", text(v)),
            PURPLE,
        ));
    }
    marks.extend(extra);
    histogram(&Histogram {
        id: id.into(),
        title: title.into(),
        x_label: x_label.into(),
        start: fd(b.start),
        bin_width: fd(b.width),
        counts: b.counts,
        marks,
        format,
        color: color.into(),
        ..Histogram::default()
    })
}

/// The runs pooled into a histogram's end bins, in words (empty when none).
fn pooled(b: &Bins, text: &dyn Fn(Decimal) -> String) -> String {
    let mut out = String::new();
    if b.below > 0 {
        let _ = write!(
            out,
            "; the first bar also holds the {} runs below {}",
            b.below,
            text(b.start)
        );
    }
    if b.above > 0 {
        let _ = write!(
            out,
            "; the last bar also holds the {} runs from {} up",
            b.above,
            text(b.edge(b.counts.len()))
        );
    }
    out
}

/// The Monte Carlo section: the simulation's figures in the words of `boxflow
/// simulate`, and histograms of the lender loss, the equity IRR and the minimum DSCR
/// with their quantiles and the base case marked.
fn simulation_section(out: &mut String, deal: &Deal, base: &Run, sim: &SimulationResults) {
    let n = sim.lender_losses.len();
    let _ = write!(
        out,
        r#"<h2>Monte Carlo</h2><p class="note">{} simulated runs (seed {}) of the deal sheet's <code>[simulation]</code> against the debt sized at close, as <code>boxflow simulate</code> runs them. Each probability carries its 95% sampling error, 1.96 · √(p (1 − p) / runs); quantiles are by nearest rank over these runs and move with the seed: more runs narrow both (as 1 / √runs).</p>"#,
        sim.runs, sim.seed
    );
    for note in &sim.notes {
        let _ = write!(out, r#"<p class="note">note: {}</p>"#, escape(note));
    }
    out.push_str(r#"<section class="two"><div class="panel"><table id="simulation"><thead><tr><th>figure</th><th class="num">value</th><th class="num">95% sampling error</th></tr></thead><tbody>"#);
    for f in &sim.figures {
        let _ = write!(
            out,
            r#"<tr><td class="wrap">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            escape(&f.figure),
            escape(&f.value),
            escape(&f.error)
        );
    }
    out.push_str("</tbody></table></div>");

    let bs = &base.summary;
    let bar_legend = |what: &str, color: &'static str| -> String {
        legend(&[
            (what, color, "box"),
            ("quantiles", INK, "dash"),
            ("base case", PURPLE, "dash"),
        ])
    };
    // The lender loss over the runs with a loss.
    let losses: Vec<Decimal> = sim
        .lender_losses
        .iter()
        .filter(|m| m.is_positive())
        .map(|m| m.amount())
        .collect();
    let largest = sim
        .lender_losses
        .iter()
        .copied()
        .chain(sim.loss_quantiles.iter().map(|q| Money::round2(q.value)))
        .max()
        .unwrap_or(Money::ZERO);
    let (format, text) = money_scale(largest);
    let money_text = |d: Decimal| text(Money::round2(d));
    let none = n - losses.len();
    let sub = format!(
        "runs with a loss: {} of {n} ({}); the {none} runs ({}) that lose nothing are not drawn; quantiles over every run",
        losses.len(),
        share_of(losses.len(), n),
        share_of(none, n)
    );
    let loss = bins(&losses, 20).map(|b| {
        outcome_histogram(
            "chart-sim-loss",
            "Lender loss in the runs with a loss",
            &format!("lender loss, {}", deal.currency),
            b,
            &sim.loss_quantiles,
            Some(bs.lender_loss.amount()),
            (None, Vec::new()),
            (format, &money_text),
            VERMILLION,
        )
    });
    out.push_str("<div>");
    match loss {
        Some(svg) => figure(
            out,
            "Lender loss",
            &sub,
            &svg,
            &bar_legend("runs in the bin", VERMILLION),
        ),
        None => nothing_to_draw(
            out,
            "Lender loss",
            &format!("No run of the {n} loses anything: nothing to draw."),
        ),
    }
    out.push_str("</div></section>");

    out.push_str(r#"<section class="charts" id="histograms">"#);
    // The equity IRR over the runs with one.
    let irrs: Vec<Decimal> = sim.equity_irrs.iter().flatten().copied().collect();
    let without = n - irrs.len();
    let pct = |d: Decimal| percent(Some(d));
    if let Some(b) = central_bins(&irrs, 20) {
        let sub = format!(
            "runs with an equity IRR: {} of {n}; {without} runs ({}) have none (the sponsor never gets its money back) and are not drawn{}",
            irrs.len(),
            share_of(without, n),
            pooled(&b, &pct)
        );
        let svg = outcome_histogram(
            "chart-sim-irr",
            "Equity IRR in the runs with one",
            "equity IRR",
            b,
            &sim.irr_quantiles,
            bs.equity_irr,
            (None, Vec::new()),
            (TickFormat::Percent, &pct),
            GREEN,
        );
        figure(
            out,
            "Equity IRR",
            &sub,
            &svg,
            &bar_legend("runs in the bin", GREEN),
        );
    } else {
        nothing_to_draw(
            out,
            "Equity IRR",
            &format!("No run of the {n} has an equity IRR."),
        );
    }
    // The minimum DSCR over the runs with one; a DSCR not meaningful (CFADS < 0) at 0x.
    let dscrs: Vec<Decimal> = sim
        .min_dscrs
        .iter()
        .flatten()
        .map(|d| (*d).max(Decimal::ZERO))
        .collect();
    let negative = sim
        .min_dscrs
        .iter()
        .flatten()
        .filter(|d| d.is_sign_negative() && !d.is_zero())
        .count();
    let default_level = deal
        .covenants
        .as_ref()
        .and_then(|c| c.min_dscr)
        .map(|r| r.value());
    let extra: Vec<RefLine> = default_level
        .map(|d| RefLine::new(fd(d), &format!("default {}", ratio(Some(d))), VERMILLION))
        .into_iter()
        .collect();
    let dscr = |d: Decimal| dscr_text(Some(d));
    if let Some(b) = central_bins(&dscrs, 20) {
        let mut sub = format!(
            "the lowest senior DSCR of each of the {} runs with senior debt service{}",
            dscrs.len(),
            pooled(&b, &dscr)
        );
        let svg = outcome_histogram(
            "chart-sim-dscr",
            "Minimum senior DSCR of each run",
            "minimum senior DSCR",
            b,
            &sim.dscr_quantiles,
            bs.min_dscr,
            (Some(Decimal::ZERO), extra),
            (TickFormat::Ratio, &dscr),
            BLUE,
        );
        if negative > 0 {
            let _ = write!(
                sub,
                "; {negative} runs with a DSCR not meaningful (CFADS < 0) are drawn at 0x"
            );
        }
        let mut items = vec![
            ("runs in the bin", BLUE, "box"),
            ("quantiles", INK, "dash"),
            ("base case", PURPLE, "dash"),
        ];
        if default_level.is_some() {
            items.push(("default level", VERMILLION, "dash"));
        }
        figure(out, "Minimum DSCR", &sub, &svg, &legend(&items));
    } else {
        nothing_to_draw(
            out,
            "Minimum DSCR",
            &format!("No run of the {n} has senior debt service, so none has a DSCR."),
        );
    }
    out.push_str("</section>");
}

/// A histogram's place when no run has the figure: its title and why.
fn nothing_to_draw(out: &mut String, title: &str, why: &str) {
    let _ = write!(
        out,
        r#"<figure><h3>{}</h3><p class="summary">{}</p></figure>"#,
        escape(title),
        escape(why)
    );
}

/// The key terms and capital structure: each facility's commitment, share of capex,
/// rate, amortization, sizing, deadline and fees; the prepayment and the equity.
fn key_terms(out: &mut String, deal: &Deal, run: &Run) {
    let capex = run.plan.total_capex;
    let share = |m: Money| {
        percent(if capex.is_zero() {
            None
        } else {
            m.amount().checked_div(capex.amount())
        })
    };
    out.push_str(r#"<h2>Key terms and capital structure</h2><div class="table-wrap"><table id="terms"><thead><tr><th>source</th><th>rank</th><th class="num">amount</th><th class="num">of total capex</th><th class="wrap">rate</th><th>amortization</th><th class="wrap">sizing</th><th class="wrap">repay by</th><th class="wrap">upfront · commitment fee</th><th class="num">sweep</th></tr></thead><tbody>"#);
    for (i, plan) in run.plan.facilities.iter().enumerate() {
        let Some(fa) = deal.facilities.get(i) else {
            continue;
        };
        let sizing = match &fa.commitment {
            Commitment::Sized { dscr, max_gearing } => format!(
                "DSCR {}, gearing cap {}; {} binds",
                ratio(Some(dscr.value())),
                percent(Some(max_gearing.value())),
                plan.binding.map_or("–", |b| b.as_str())
            ),
            Commitment::Fixed { target_dscr, .. } => match target_dscr {
                Some(t) => format!("fixed, checked at DSCR {}", ratio(Some(t.value()))),
                None => "fixed amount".into(),
            },
        };
        let by_date = run
            .periods
            .get(plan.deadline.saturating_sub(1))
            .map_or(String::new(), |p| format!(" ({})", p.end));
        let _ = write!(
            out,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="wrap">{}</td><td>{}</td><td class="wrap">{}</td><td class="wrap">period {}{by_date}</td><td class="wrap">{} · {}</td><td class="num">{}</td></tr>"#,
            escape(&plan.name),
            rank_words(plan.rank),
            thousands(plan.commitment),
            share(plan.commitment),
            rate_words(&fa.rate),
            fa.amortization.as_str(),
            sizing,
            plan.deadline,
            percent(Some(fa.upfront_fee.value())),
            percent(Some(fa.commitment_fee.value())),
            percent(Some(fa.sweep.value())),
        );
    }
    let c = &run.closing;
    for (label, m) in [
        ("customer prepayment", c.prepayment),
        ("sponsor equity at close", c.equity),
    ] {
        let _ = write!(
            out,
            r#"<tr><td>{label}</td><td></td><td class="num">{}</td><td class="num">{}</td><td colspan="6"></td></tr>"#,
            thousands(m),
            share(m)
        );
    }
    let _ = write!(
        out,
        r#"<tr class="total"><td>total capex</td><td></td><td class="num">{}</td><td class="num">{}</td><td colspan="6"></td></tr></tbody></table></div>"#,
        thousands(capex),
        share(capex)
    );
}

/// The period table: CFADS, each facility's debt service due and balance, the DSRA,
/// the senior and (with several facilities) combined DSCR, the distribution and the
/// events. Each DSCR is CFADS over the debt service columns beside it.
fn period_table(out: &mut String, run: &Run) {
    let several = run.plan.facilities.len() > 1;
    let s = &run.summary;
    out.push_str(r#"<h2>Periods</h2><p class="note">Debt service: interest, commitment fee and scheduled principal due in the period (arrears excluded), as the DSCR counts it. DSCR = CFADS / senior debt service"#);
    if several {
        out.push_str("; combined DSCR = CFADS / the debt service of every facility");
    }
    out.push_str(r#".</p><div class="table-wrap"><table id="periods"><thead><tr><th class="num">k</th><th>end</th><th class="num">CFADS</th>"#);
    for plan in &run.plan.facilities {
        let _ = write!(
            out,
            r#"<th class="num">{name} debt service</th><th class="num">{name} balance</th>"#,
            name = escape(&plan.name)
        );
    }
    out.push_str(r#"<th class="num">DSRA</th><th class="num">DSCR</th>"#);
    if several {
        out.push_str(r#"<th class="num">combined DSCR</th>"#);
    }
    out.push_str(
        r#"<th class="num">distribution</th><th class="wrap">events</th></tr></thead><tbody>"#,
    );
    for p in &run.periods {
        let worst = if p.events.iter().any(|e| severity(e) == "breach") {
            "breach"
        } else if p.events.is_empty() {
            ""
        } else {
            "warn"
        };
        let mut class = worst.to_string();
        if p.period == s.halfway_period {
            class.push_str(" halfway");
        }
        let _ = write!(
            out,
            r#"<tr class="{}"><td class="num">{}</td><td>{}</td><td class="num">{}</td>"#,
            class.trim(),
            p.period,
            p.end,
            thousands(p.operations.cfads)
        );
        for i in 0..run.plan.facilities.len() {
            let (ds, bal) = p.facilities.get(i).map_or((Money::ZERO, Money::ZERO), |x| {
                (debt_service_due(x), x.closing)
            });
            let _ = write!(
                out,
                r#"<td class="num">{}</td><td class="num">{}</td>"#,
                thousands(ds),
                thousands(bal)
            );
        }
        let _ = write!(
            out,
            r#"<td class="num">{}</td><td class="num">{}</td>"#,
            thousands(p.dsra.closing),
            dscr_text(p.dscr.map(MoneyRatio::value))
        );
        if several {
            let _ = write!(out, r#"<td class="num">{}</td>"#, dscr_text(p.dscr_total()));
        }
        let mut words: Vec<&str> = p.events.iter().map(|e| e.label()).collect();
        words.dedup();
        let _ = write!(
            out,
            r#"<td class="num">{}</td><td class="wrap ev-{worst}">{}</td></tr>"#,
            thousands(p.distribution),
            words.join(", ")
        );
    }
    out.push_str("</tbody></table></div>");
}

/// The stress results: the scenarios' table, the tornado charts, the breakpoints and
/// the grid.
fn stress_section(out: &mut String, base: &Run, st: &StressResults) {
    let several = base.plan.facilities.len() > 1;
    let _ = write!(
        out,
        r#"<h2>Stress scenarios</h2><p class="note">The base case and {} scenarios against the debt sized at close. Covenants: halfway, no payment or DSCR default, no LTV breach. First new event: the first event the base case does not have in that period.</p><div class="table-wrap"><table id="scenarios"><thead><tr><th>scenario</th><th>covenants</th><th class="num">min DSCR</th>"#,
        st.scenarios.len()
    );
    if several {
        out.push_str(r#"<th class="num">min combined DSCR</th>"#);
    }
    out.push_str(r#"<th class="wrap">first new event</th><th class="num">lender loss</th><th class="num">equity IRR</th><th class="num">senior lender IRR</th><th class="num">senior repaid</th></tr></thead><tbody>"#);
    let row = |out: &mut String, name: &str, covenants: bool, r: &Run, event: String| {
        let s = &r.summary;
        let _ = write!(
            out,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td>"#,
            escape(name),
            badge(covenants),
            match s.min_dscr_period {
                Some(k) => format!("{} (period {k})", dscr_text(s.min_dscr)),
                None => dscr_text(s.min_dscr),
            }
        );
        if several {
            let _ = write!(
                out,
                r#"<td class="num">{}</td>"#,
                dscr_text(s.min_dscr_total)
            );
        }
        let _ = write!(
            out,
            r#"<td class="wrap">{event}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            thousands(s.lender_loss),
            percent(s.equity_irr),
            percent(s.senior_lender_irr),
            s.senior_repaid_period
                .map_or("never".into(), |k| format!("period {k}")),
        );
    };
    row(out, "base case", st.base_covenants, base, "–".into());
    for sc in &st.scenarios {
        match &sc.outcome {
            Ok(o) => {
                let event = first_new_event(&event_keys(&base.events), &o.run.events).map_or(
                    "none".into(),
                    |e| {
                        format!(
                            r#"<span title="{}">{} in period {}</span>"#,
                            escape(&e.describe()),
                            e.label(),
                            e.period()
                        )
                    },
                );
                row(out, &sc.name, o.covenants, &o.run, event);
            }
            Err(e) => {
                let _ = write!(
                    out,
                    r#"<tr><td>{}</td><td colspan="{}" class="wrap">could not run: {}</td></tr>"#,
                    escape(&sc.name),
                    if several { 8 } else { 7 },
                    escape(e)
                );
            }
        }
    }
    out.push_str("</tbody></table></div>");

    let ran: Vec<(&str, &Run)> = st
        .scenarios
        .iter()
        .filter_map(|sc| sc.outcome.as_ref().ok().map(|o| (sc.name.as_str(), &o.run)))
        .collect();
    if !ran.is_empty() {
        let bs = &base.summary;
        let dscr_bars = ran
            .iter()
            .map(|(name, r)| TornadoBar {
                label: (*name).into(),
                // A negative DSCR (CFADS < 0, "n.m.") is the weakest: drawn at 0x.
                value: r.summary.min_dscr.map(|d| fd(d).max(0.0)),
                text: dscr_text(r.summary.min_dscr),
            })
            .collect();
        let irr_bars = ran
            .iter()
            .map(|(name, r)| TornadoBar {
                label: (*name).into(),
                value: r.summary.equity_irr.map(fd),
                text: percent(r.summary.equity_irr),
            })
            .collect();
        out.push_str(r#"<section class="charts" id="tornado">"#);
        let dscr = tornado(&Tornado {
            id: "chart-tornado-dscr".into(),
            title: "Effect of each scenario on the minimum senior DSCR".into(),
            base: bs.min_dscr.map_or(0.0, fd),
            base_text: dscr_text(bs.min_dscr),
            bars: dscr_bars,
            format: TickFormat::Ratio,
            width: 640.0,
        });
        figure(
            out,
            "Minimum senior DSCR by scenario",
            "each bar runs from the base case to the scenario, largest effect on top; a DSCR not meaningful (CFADS < 0) is drawn at 0x",
            &dscr,
            &legend(&[("worse than the base case", VERMILLION, "box"), ("better", BLUE, "box")]),
        );
        let irr = tornado(&Tornado {
            id: "chart-tornado-irr".into(),
            title: "Effect of each scenario on the equity IRR".into(),
            base: bs.equity_irr.map_or(0.0, fd),
            base_text: percent(bs.equity_irr),
            bars: irr_bars,
            format: TickFormat::Percent,
            width: 640.0,
        });
        figure(
            out,
            "Equity IRR by scenario",
            "each bar runs from the base case to the scenario; a scenario with no IRR has no bar",
            &irr,
            &legend(&[
                ("worse than the base case", VERMILLION, "box"),
                ("better", BLUE, "box"),
            ]),
        );
        out.push_str("</section>");
    }

    if !st.breakpoints.is_empty() {
        out.push_str(r#"<h2>Breakpoints</h2><p class="note">Bisection over the whole waterfall; each answer is run again one step beyond it.</p><div class="table-wrap"><table id="breakpoints"><thead><tr><th class="wrap">question</th><th class="wrap">answer</th><th class="wrap">check</th></tr></thead><tbody>"#);
        for b in &st.breakpoints {
            let _ = write!(
                out,
                r#"<tr><td class="wrap">{}</td><td class="wrap">{}</td><td class="wrap">{}</td></tr>"#,
                escape(&b.question),
                escape(&b.answer),
                escape(&b.check)
            );
        }
        out.push_str("</tbody></table></div>");
    }
    if let Some(grid) = &st.grid {
        heat_map(out, grid);
    }
}

/// The colour of a heat map cell: `t` from 0 (worst) to 1 (best), vermillion through
/// white to blue (told apart with every common colour-vision deficiency).
fn heat_color(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let (bad, mid, good) = ((0xE6, 0x9F, 0x00), (0xF7, 0xF7, 0xF7), (0x56, 0xB4, 0xE9));
    let mix = |a: (u8, u8, u8), b: (u8, u8, u8), u: f64| {
        let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * u).round() as u8;
        (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
    };
    let (r, g, b) = if t < 0.5 {
        mix(bad, mid, t * 2.0)
    } else {
        mix(mid, good, (t - 0.5) * 2.0)
    };
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// A two-way grid as a table whose cells are coloured by value.
fn heat_map(out: &mut String, grid: &HeatMap) {
    let values: Vec<f64> = grid
        .cells
        .iter()
        .flatten()
        .filter_map(|c| c.value)
        .filter(|v| v.is_finite())
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let _ = write!(
        out,
        r#"<h2>Grid: {metric}</h2><p class="note"><code>{name}</code>: {words}; rows: {rows}, columns: {cols}. Colour from the worst value (orange) to the best (blue){dir}{nm}.</p><div class="table-wrap"><table id="grid" class="heat"><thead><tr><th>{rows} \ {cols}</th>"#,
        metric = escape(&grid.words),
        name = escape(&grid.metric),
        words = escape(&grid.words),
        rows = escape(&grid.row_name),
        cols = escape(&grid.column_name),
        nm = if grid.metric.contains("dscr") {
            "; a DSCR not meaningful (CFADS &lt; 0) is coloured as 0x"
        } else {
            ""
        },
        dir = if grid.higher_is_better {
            ", higher is better"
        } else {
            ", lower is better"
        },
    );
    for c in &grid.columns {
        let _ = write!(out, r#"<th class="num">{}</th>"#, escape(c));
    }
    out.push_str("</tr></thead><tbody>");
    for (r, cells) in grid.rows.iter().zip(&grid.cells) {
        let _ = write!(out, "<tr><th>{}</th>", escape(r));
        for cell in cells {
            let style = match cell.value.filter(|v| v.is_finite()) {
                Some(v) => {
                    let mut t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                    if !grid.higher_is_better {
                        t = 1.0 - t;
                    }
                    format!(r#" style="background:{}""#, heat_color(t))
                }
                None => String::new(),
            };
            let _ = write!(out, r#"<td class="num"{style}>{}</td>"#, escape(&cell.text));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A simulation where nothing has a figure to draw (no loss, no IRR, no DSCR) and
    /// one with no run at all still renders, saying so in words.
    #[test]
    fn a_simulation_with_nothing_to_draw_says_so() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
        let deal = boxflow_deal::read_file(std::path::Path::new(path)).unwrap();
        let run = boxflow_waterfall::run(&deal).unwrap();
        let page = |sim: &SimulationResults| {
            report_with(
                &deal,
                &run,
                &Options {
                    source: "x.toml",
                    simulation: Some(sim),
                    ..Options::default()
                },
            )
        };
        let sim = SimulationResults {
            runs: 3,
            lender_losses: vec![Money::ZERO; 3],
            equity_irrs: vec![None; 3],
            min_dscrs: vec![None; 3],
            ..SimulationResults::default()
        };
        let html = page(&sim);
        assert!(html.contains("No run of the 3 loses anything"));
        assert!(html.contains("No run of the 3 has an equity IRR."));
        assert!(html.contains("No run of the 3 has senior debt service"));
        assert!(!html.contains("NaN") && !html.contains("chart-sim-"));
        let html = page(&SimulationResults::default());
        assert!(html.contains("No run of the 0 loses anything") && !html.contains("NaN"));
    }

    #[test]
    fn ranges_compress_consecutive_periods() {
        assert_eq!(ranges(&[1, 2, 3, 4, 5, 16, 17, 18, 19, 20]), "1–5, 16–20");
        assert_eq!(ranges(&[7]), "7");
        assert_eq!(ranges(&[]), "");
        assert_eq!(ranges(&[1, 3, 4]), "1, 3–4");
    }
}
