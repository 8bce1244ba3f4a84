//! The period table as CSV: one row per period, money with two decimals, ratios
//! with ten, empty cells for undefined values.

use boxflow_core::MoneyRatio;
use std::ops::RangeInclusive;

use boxflow_waterfall::{years, Run, YearBasis};

use crate::json::ratio;
use crate::table::select_periods;

/// The CSV header and rows of a run's period table.
pub fn period_table(run: &Run) -> Result<String, csv::Error> {
    period_table_range(run, None)
}

/// The CSV header and the rows of the periods in `range` (every period when `None`).
pub fn period_table_range(
    run: &Run,
    range: Option<RangeInclusive<usize>>,
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "period",
        "start",
        "end",
        "days",
        "invoice",
        "prepayment_credit",
        "collections",
        "opex",
        "fees",
        "cfads",
        "capex",
        "equity_contribution",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for f in &run.plan.facilities {
        for col in [
            "opening",
            "draws",
            "rate",
            "interest_due",
            "commitment_fee_due",
            "interest_paid",
            "principal_due",
            "principal_paid",
            "prepaid",
            "arrears",
            "closing",
        ] {
            header.push(format!("{}.{col}", f.name));
        }
    }
    header.extend(
        [
            "dsra_opening",
            "dsra_target",
            "dsra_deposit",
            "dsra_release",
            "dsra_draw",
            "dsra_closing",
            "lockup_closing",
            "dscr",
            "dscr_total",
            "ltv",
            "sweep",
            "distribution",
            "events",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    w.write_record(&header)?;
    let text = |v: serde_json::Value| v.as_str().map(str::to_string).unwrap_or_default();
    for p in select_periods(run, range.as_ref()) {
        let o = &p.operations;
        let mut row: Vec<String> = vec![
            p.period.to_string(),
            p.start.to_string(),
            p.end.to_string(),
            p.days.to_string(),
            o.invoice.to_string(),
            o.prepayment_credit.to_string(),
            o.collections.to_string(),
            o.opex.to_string(),
            o.fees.to_string(),
            o.cfads.to_string(),
            p.capex.to_string(),
            p.equity_contribution.to_string(),
        ];
        for f in &p.facilities {
            row.extend([
                f.opening.to_string(),
                f.draws.to_string(),
                text(ratio(Some(f.rate))),
                f.interest_due.to_string(),
                f.commitment_fee_due.to_string(),
                f.interest_paid.to_string(),
                f.principal_due.to_string(),
                f.principal_paid.to_string(),
                f.prepaid.to_string(),
                f.arrears().to_string(),
                f.closing.to_string(),
            ]);
        }
        row.extend([
            p.dsra.opening.to_string(),
            p.dsra.target.to_string(),
            p.dsra.deposit.to_string(),
            p.dsra.release.to_string(),
            p.dsra.draw.to_string(),
            p.dsra.closing.to_string(),
            p.lockup.closing.to_string(),
            text(ratio(p.dscr.map(MoneyRatio::value))),
            text(ratio(p.dscr_total())),
            text(ratio(p.ltv.map(MoneyRatio::value))),
            p.sweep.to_string(),
            p.distribution.to_string(),
            p.events
                .iter()
                .map(|e| e.name())
                .collect::<Vec<_>>()
                .join(" "),
        ]);
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The CSV of the run by year ([`boxflow_waterfall::years`]): flows summed over the
/// year's periods, balances at its end, its lowest DSCRs and the sponsor's
/// cash-on-cash yield; money to the cent, ratios with ten decimals.
pub fn year_table(run: &Run, basis: YearBasis) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "year",
        "start",
        "end",
        "first_period",
        "last_period",
        "invoice",
        "collections",
        "opex",
        "fees",
        "cfads",
        "capex",
        "equity_contribution",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for f in &run.plan.facilities {
        for col in [
            "draws",
            "interest_paid",
            "principal_paid",
            "prepaid",
            "closing",
        ] {
            header.push(format!("{}.{col}", f.name));
        }
    }
    header.extend(
        [
            "dsra_closing",
            "lockup_closing",
            "sweep",
            "distribution",
            "min_dscr",
            "min_dscr_period",
            "min_dscr_total",
            "events",
            "equity_to_date",
            "cash_on_cash",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    w.write_record(&header)?;
    let text = |v: serde_json::Value| v.as_str().map(str::to_string).unwrap_or_default();
    for y in years(run, basis) {
        let mut row: Vec<String> = vec![
            y.year.to_string(),
            y.start.to_string(),
            y.end.to_string(),
            y.first_period.to_string(),
            y.last_period.to_string(),
            y.invoice.to_string(),
            y.collections.to_string(),
            y.opex.to_string(),
            y.fees.to_string(),
            y.cfads.to_string(),
            y.capex.to_string(),
            y.equity_contribution.to_string(),
        ];
        for f in &y.facilities {
            row.extend([
                f.draws.to_string(),
                f.interest_paid.to_string(),
                f.principal_paid.to_string(),
                f.prepaid.to_string(),
                f.closing.to_string(),
            ]);
        }
        row.extend([
            y.dsra_closing.to_string(),
            y.lockup_closing.to_string(),
            y.sweep.to_string(),
            y.distribution.to_string(),
            text(ratio(y.min_dscr)),
            y.min_dscr_period.map_or(String::new(), |k| k.to_string()),
            text(ratio(y.min_dscr_total)),
            y.events.to_string(),
            y.equity_to_date.to_string(),
            text(ratio(y.cash_on_cash)),
        ]);
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
