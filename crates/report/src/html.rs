//! The HTML report: one self-contained page (inline CSS and SVG, no script, nothing
//! fetched) that an analyst reads at a glance and prints.
//!
//! It holds the headline (the commitment and its binding bound, the minimum DSCR,
//! the repaid period against the halfway period, the equity IRR, the NPV, the
//! lender loss), four charts drawn by [`crate::svg`] (the senior balance
//! with the halfway line and the repaid point; the DSCR against the sizing target,
//! the lock-up and the default levels; the uses of cash per period; the sponsor's
//! cumulative cash with the payback point), the closing sources and uses, the
//! events and the period table. Chart `<svg>` ids: `chart-balance`, `chart-dscr`,
//! `chart-uses`, `chart-sponsor`.
//!
//! ```
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
//! let deal = boxflow_deal::read_file(std::path::Path::new(path)).unwrap();
//! let run = boxflow_waterfall::run(&deal).unwrap();
//! let page = boxflow_report::html::report(&deal, &run, "reference.toml");
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains(r#"id="chart-balance""#));
//! assert!(page.contains("518,926,087.20"));
//! assert!(!page.contains("NaN"));
//! // Self-contained: no script, nothing loaded from elsewhere.
//! assert!(!page.contains("<script") && !page.contains("src=") && !page.contains("href="));
//! ```

use std::fmt::Write;

use boxflow_core::format::{dscr as dscr_text, money as thousands, percent, ratio, years};
use boxflow_core::Money;
use boxflow_model::{Commitment, Deal};
use boxflow_waterfall::{Account, Event, PeriodResult, Run, Severity};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::svg::{
    escape, line_chart, stacked_bar_chart, BarSeries, Line, LineChart, Marker, RefLine,
    StackedBars, TickFormat,
};

const NAVY: &str = "#1f4e79";
const GREY: &str = "#8795a8";
const GREEN: &str = "#2f855a";
const ORANGE: &str = "#c05621";
const RED: &str = "#c53030";
const INK: &str = "#2d3748";

/// The page's style sheet: screen and print.
const CSS: &str = r#"
:root { --ink: #1a202c; --muted: #5a6677; --line: #d9dee7; --navy: #1f4e79; --bg: #f5f7fa;
  --green: #2f855a; --red: #c53030; --amber: #b7791f; }
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
.cards { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; border-top: 4px solid var(--navy); }
.card .label { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.card .value { font-size: 18px; font-weight: 650; margin: 4px 0 2px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card .note { font-size: 12px; color: var(--muted); }
.card.good { border-top-color: var(--green); } .card.bad { border-top-color: var(--red); } .card.warn { border-top-color: var(--amber); }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 7px; border-radius: 10px; color: #fff; vertical-align: middle; }
.badge.pass { background: var(--green); } .badge.fail { background: var(--red); }
.facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin-top: 12px; font-size: 13px; color: var(--muted); }
.facts b { color: var(--ink); font-weight: 600; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 12px 8px; break-inside: avoid; }
figure .sub { font-size: 12px; color: var(--muted); margin-bottom: 6px; }
svg.chart { display: block; width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin-top: 4px; }
.legend span::before { content: ""; display: inline-block; width: 11px; height: 11px; margin-right: 5px; vertical-align: -1px; background: var(--c); border-radius: 2px; }
.legend span.dash::before { height: 0; border-top: 2px dashed var(--c); background: none; vertical-align: 3px; width: 14px; }
.legend span.line::before { height: 3px; vertical-align: 2px; width: 14px; }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr); gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 12px; }
th, td { padding: 3px 7px; border-bottom: 1px solid #edf0f5; text-align: left; white-space: nowrap; }
thead th { background: #eef2f7; color: #34425a; font-weight: 600; border-bottom: 1px solid var(--line); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 650; border-top: 1px solid #a0aec0; }
tr.warn td { background: #fffaf0; } tr.breach td { background: #fff5f5; }
tr.halfway td { border-bottom: 2px solid var(--navy); }
td.ev-warn { color: var(--amber); font-weight: 600; } td.ev-breach { color: var(--red); font-weight: 600; }
.table-wrap { border: 1px solid var(--line); border-radius: 6px; overflow: auto; max-height: 760px; }
.table-wrap.short { max-height: 420px; }
.panel { border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
p.summary { margin: 0 0 8px; }
footer { margin-top: 28px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 1100px) { .cards { grid-template-columns: repeat(3, minmax(0, 1fr)); } .charts, .two { grid-template-columns: 1fr; } }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  .cards { grid-template-columns: repeat(6, minmax(0, 1fr)); }
  .charts { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .table-wrap, .table-wrap.short { max-height: none; overflow: visible; border: none; }
  thead th { position: static; }
  table { font-size: 8pt; }
  tr, figure, .card { break-inside: avoid; }
  h2 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

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

/// The sponsor's cumulative cash after close and after each period 1..N (the
/// end-of-run flows counted in period N), from the ledger.
pub fn sponsor_cumulative(run: &Run) -> Vec<Money> {
    let n = run.periods.len();
    let mut by_period = vec![Money::ZERO; n + 1];
    for (t, amount) in run.ledger.flows(Account::Sponsor) {
        if let Some(slot) = by_period.get_mut(t.period.min(n)) {
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

/// The HTML report of a run of `deal`; `source` names the deal sheet in the footer.
pub fn report(deal: &Deal, run: &Run, source: &str) -> String {
    let s = &run.summary;
    let n = run.periods.len();
    let covenants = deal.covenants.as_ref();
    let lockup_level = covenants.and_then(|c| c.lockup_dscr).map(|r| r.value());
    let default_level = covenants.and_then(|c| c.min_dscr).map(|r| r.value());
    let senior_plan = run.plan.senior();
    let target = senior_plan.and_then(|p| p.terms.dscr).map(|r| r.value());
    let currency = escape(&deal.currency);

    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="boxflow {version}"><title>{name}: boxflow report</title><style>{CSS}</style></head>
<body><main>
<header class="top"><div class="kicker">boxflow deal report</div><h1>{name}</h1>
<div class="meta">{customer} · close {close} · {periods} {freq} periods to {end} · {currency} · deal sheet <code>{source}</code></div></header>
"#,
        version = env!("CARGO_PKG_VERSION"),
        name = escape(&deal.name),
        customer = escape(&deal.contract.customer),
        close = deal.close,
        periods = n,
        freq = run.plan.calendar.frequency().as_str(),
        end = run.plan.calendar.end(),
        source = escape(source),
    );

    // The headline.
    out.push_str(r#"<section class="cards" id="headline">"#);
    let bound = match deal.senior().map(|f| &f.commitment) {
        Some(Commitment::Sized { dscr, max_gearing }) => format!(
            "binding: <b>{}</b><br>sizing DSCR {} · cap {}",
            s.sizing_binding.map_or("–", |b| b.as_str()),
            ratio(Some(dscr.value())),
            percent(Some(max_gearing.value()))
        ),
        Some(Commitment::Fixed { .. }) => "fixed amount".into(),
        None => "no senior facility".into(),
    };
    let gearing = if run.plan.total_capex.is_zero() {
        None
    } else {
        s.senior_commitment
            .amount()
            .checked_div(run.plan.total_capex.amount())
    };
    card(
        &mut out,
        "",
        "Senior commitment",
        &thousands(s.senior_commitment),
        &format!("{bound}<br>{} of total capex", percent(gearing)),
    );
    let dscr_class = match (s.min_dscr, default_level, lockup_level) {
        (Some(d), Some(def), _) if d < def => "bad",
        (Some(d), _, Some(lock)) if d < lock => "warn",
        (Some(_), _, _) => "good",
        _ => "",
    };
    card(
        &mut out,
        dscr_class,
        "Minimum DSCR",
        &dscr_text(s.min_dscr),
        &format!(
            "period {} · avg {}<br>lock-up {} · default {}",
            s.min_dscr_period.map_or("–".into(), |k| k.to_string()),
            dscr_text(s.avg_dscr),
            lockup_level.map_or("–".into(), |l| ratio(Some(l))),
            default_level.map_or("–".into(), |d| ratio(Some(d)))
        ),
    );
    let badge = if s.halfway_covenant {
        r#"<span class="badge pass">PASS</span>"#
    } else {
        r#"<span class="badge fail">FAIL</span>"#
    };
    card(
        &mut out,
        if s.halfway_covenant { "good" } else { "bad" },
        "Senior repaid",
        &s.senior_repaid_period
            .map_or("not repaid".into(), |k| format!("period {k}")),
        &format!(
            "halfway period {} {badge}<br>balance at halfway {}",
            s.halfway_period,
            thousands(s.senior_balance_at_halfway)
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
        &s.npv.map_or("–".into(), thousands),
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
        &thousands(s.lender_loss),
        "principal and interest unpaid at the end",
    );
    out.push_str("</section>");
    let _ = write!(
        out,
        r#"<div class="facts"><span>LLCR <b>{}</b></span><span>WAL <b>{}</b></span><span>payback <b>{}</b></span><span>total capex <b>{}</b></span><span>terminal value <b>{}</b></span><span>distributions <b>{}</b></span><span>equity in <b>{}</b></span><span>events <b>{}</b></span></div>"#,
        ratio(s.llcr),
        s.wal_years
            .map_or("–".into(), |w| format!("{} years", years(Some(w)))),
        s.payback_period
            .map_or("never".into(), |k| format!("period {k}")),
        thousands(run.plan.total_capex),
        thousands(s.terminal_value),
        thousands(s.total_distributions),
        thousands(s.total_equity),
        run.events.len(),
    );

    // The charts.
    out.push_str(r#"<h2>Charts</h2><section class="charts">"#);
    let halfway = s.halfway_period as f64;
    let halfway_line = RefLine::new(
        halfway,
        &format!("halfway: period {}", s.halfway_period),
        INK,
    );
    let x_domain = (0.0, n as f64);
    let x_label = "period";

    // 1. The senior balance.
    let senior_index = run
        .plan
        .facilities
        .iter()
        .position(|p| p.rank == boxflow_model::Rank::Senior);
    let mut balance_lines = Vec::new();
    let mut markers = Vec::new();
    if let Some(si) = senior_index {
        let start = run.closing.draws.get(si).map_or(Money::ZERO, |d| d.1);
        let mut points = vec![(0.0, Some(f(start)))];
        points.extend(
            run.periods
                .iter()
                .map(|p| (p.period as f64, Some(f(p.facilities[si].closing)))),
        );
        balance_lines.push(Line {
            area: true,
            ..Line::new("senior balance", NAVY, points)
        });
        let plan = &run.plan.facilities[si];
        let mut scheduled = vec![(0.0, Some(f(plan.schedule.closing_draws)))];
        scheduled.extend(
            plan.schedule
                .rows
                .iter()
                .map(|r| (r.period as f64, Some(f(r.closing)))),
        );
        balance_lines.push(Line {
            dashed: true,
            ..Line::new("close schedule", GREY, scheduled)
        });
        if let Some(k) = s.senior_repaid_period {
            markers.push(Marker {
                x: k as f64,
                y: 0.0,
                label: format!("repaid: period {k}"),
                color: if s.halfway_covenant { GREEN } else { RED }.into(),
            });
        }
    }
    let balance = line_chart(&LineChart {
        id: "chart-balance".into(),
        title: "Senior balance after each period".into(),
        x_label: x_label.into(),
        y_label: deal.currency.clone(),
        x_domain,
        y_format: TickFormat::Money,
        lines: balance_lines,
        vlines: vec![halfway_line.clone()],
        markers,
        ..LineChart::default()
    });
    figure(
        &mut out,
        "Senior balance",
        &format!(
            "closing balance per period; repaid by period {} of {}",
            s.halfway_period, n
        ),
        &balance,
        &legend(&[
            ("senior balance", NAVY, "line"),
            ("close schedule", GREY, "dash"),
            ("halfway", INK, "dash"),
        ]),
    );

    // 2. The DSCR.
    let levels: Vec<f64> = [target, lockup_level, default_level]
        .iter()
        .flatten()
        .map(|d| fd(*d))
        .collect();
    let dscrs: Vec<f64> = run.periods.iter().filter_map(|p| p.dscr).map(fd).collect();
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
            RED,
        ));
    }
    let dscr = line_chart(&LineChart {
        id: "chart-dscr".into(),
        title: "Senior DSCR per period".into(),
        x_label: x_label.into(),
        y_label: "DSCR".into(),
        x_domain,
        y_domain: Some((lo, hi)),
        y_format: TickFormat::Ratio,
        lines: vec![Line {
            dots: true,
            ..Line::new(
                "DSCR",
                "#2b6cb0",
                run.periods
                    .iter()
                    .map(|p| (p.period as f64, p.dscr.map(fd)))
                    .collect(),
            )
        }],
        hlines,
        vlines: vec![halfway_line.clone()],
        ..LineChart::default()
    });
    let no_ds = run.periods.iter().filter(|p| p.dscr.is_none()).count();
    let mut sub = "CFADS / senior debt service".to_string();
    if no_ds > 0 {
        let _ = write!(sub, "; {no_ds} periods without senior debt service");
    }
    if clipped > 0 {
        let _ = write!(sub, "; {clipped} values beyond the axis drawn at its edge");
    }
    figure(
        &mut out,
        "DSCR against the covenants",
        &sub,
        &dscr,
        &legend(&[
            ("DSCR", "#2b6cb0", "line"),
            ("sizing target", GREEN, "dash"),
            ("lock-up", ORANGE, "dash"),
            ("default", RED, "dash"),
        ]),
    );

    // 3. The uses of cash.
    type Pick = fn(&PeriodResult) -> f64;
    let mut uses: Vec<(&str, &str, Pick)> = vec![
        ("opex", "#718096", |p| f(p.opex_paid)),
        ("fees", "#b8c2cc", |p| f(p.fees_paid)),
        ("interest", "#dd6b20", |p| {
            f(p.facilities.iter().map(|x| x.interest_paid).sum())
        }),
        ("principal", "#2b6cb0", |p| {
            f(p.facilities.iter().map(|x| x.principal_paid).sum())
        }),
        ("reserve", "#805ad5", |p| f(p.dsra.deposit)),
        ("sweep", "#319795", |p| {
            f(p.facilities.iter().map(|x| x.prepaid).sum())
        }),
        ("lock-up", "#d69e2e", |p| f(p.lockup.deposit)),
        ("distributions", "#38a169", |p| f(p.distribution)),
    ];
    uses.retain(|(label, _, pick)| {
        *label != "lock-up" || run.periods.iter().any(|p| pick(p) > 0.0)
    });
    let bars = stacked_bar_chart(&StackedBars {
        id: "chart-uses".into(),
        title: "Uses of cash per period".into(),
        x_label: x_label.into(),
        y_label: deal.currency.clone(),
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
        ..StackedBars::default()
    });
    let items: Vec<(&str, &str, &str)> = uses.iter().map(|(l, c, _)| (*l, *c, "box")).collect();
    figure(
        &mut out,
        "Uses of cash",
        "what the waterfall paid each period, in order from the axis",
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
        y_label: deal.currency.clone(),
        x_domain,
        y_format: TickFormat::Money,
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
        vlines: vec![halfway_line],
        markers: sponsor_markers,
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
    out.push_str("</section>");

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
    out.push_str("</tbody></table></div></div>");

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
                format!("<b>{label}</b> ×{count} (periods {})", ranges(&ks))
            })
            .collect();
        let _ = write!(
            out,
            r#"<p class="summary">{} events: {}.</p><div class="table-wrap short"><table id="events"><thead><tr><th class="num">period</th><th>event</th><th>figures</th></tr></thead><tbody>"#,
            run.events.len(),
            parts.join("; ")
        );
        for e in &run.events {
            let _ = write!(
                out,
                r#"<tr><td class="num">{}</td><td class="ev-{}">{}</td><td>{}</td></tr>"#,
                e.period(),
                severity(e),
                e.label(),
                escape(&e.figures())
            );
        }
        out.push_str("</tbody></table></div>");
    }
    out.push_str("</div></section>");

    // The period table.
    let any_prepaid = run
        .periods
        .iter()
        .any(|p| p.facilities.iter().any(|x| x.prepaid.is_positive()));
    let mut head = vec![
        "collections",
        "opex + fees",
        "CFADS",
        "interest",
        "principal",
    ];
    if any_prepaid {
        head.push("prepaid");
    }
    head.extend(["senior balance", "DSRA", "DSCR", "distribution"]);
    out.push_str(r#"<h2>Periods</h2><div class="table-wrap"><table id="periods"><thead><tr><th class="num">k</th><th>end</th>"#);
    for h in head {
        let _ = write!(out, r#"<th class="num">{h}</th>"#);
    }
    out.push_str("<th>events</th></tr></thead><tbody>");
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
        let mut money: Vec<Money> = vec![
            p.operations.collections,
            p.operations.opex + p.operations.fees,
            p.operations.cfads,
            p.facilities.iter().map(|x| x.interest_paid).sum(),
            p.facilities.iter().map(|x| x.principal_paid).sum(),
        ];
        if any_prepaid {
            money.push(p.facilities.iter().map(|x| x.prepaid).sum());
        }
        money.extend([
            p.senior().map_or(Money::ZERO, |x| x.closing),
            p.dsra.closing,
        ]);
        let _ = write!(
            out,
            r#"<tr class="{}"><td class="num">{}</td><td>{}</td>"#,
            class.trim(),
            p.period,
            p.end
        );
        for m in money {
            let _ = write!(out, r#"<td class="num">{}</td>"#, thousands(m));
        }
        let names: Vec<&str> = p.events.iter().map(|e| e.label()).collect();
        let _ = write!(
            out,
            r#"<td class="num">{}</td><td class="num">{}</td><td class="ev-{worst}">{}</td></tr>"#,
            dscr_text(p.dscr),
            thousands(p.distribution),
            names.join(", ")
        );
    }
    out.push_str("</tbody></table></div>");
    let _ = write!(
        out,
        r#"<footer>Generated by boxflow {} from <code>{}</code>. Money in {currency}, exact to the cent; ratios to 4 decimals here, to 10 in <code>boxflow run --format json</code>. Charts are drawn from the same figures.</footer>
</main></body></html>
"#,
        env!("CARGO_PKG_VERSION"),
        escape(source),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_compress_consecutive_periods() {
        assert_eq!(ranges(&[1, 2, 3, 4, 5, 16, 17, 18, 19, 20]), "1–5, 16–20");
        assert_eq!(ranges(&[7]), "7");
        assert_eq!(ranges(&[]), "");
        assert_eq!(ranges(&[1, 3, 4]), "1, 3–4");
    }
}
