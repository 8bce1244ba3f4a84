//! The JSON report of methodology section 13: money as strings with exactly two
//! decimals, ratios, rates, IRRs and years as strings rounded to 10 decimals,
//! undefined values as `null`.
//!
//! The report is written by serde straight to a writer ([`write_run`]): the run types
//! derive `Serialize` with `serialize_with` for their ratios
//! ([`boxflow_core::json`]); where the wire shape differs from a Rust type, a small
//! view struct here borrows its fields.

use std::io;
use std::sync::Arc;

use boxflow_amortize::ScheduleRow;
use boxflow_core::json::{decimal, opt_decimal};
use boxflow_core::{round10, Money, MoneyRatio};
use boxflow_waterfall::{
    funding, moic, run_headroom, years, DsraPeriod, Event, FacilityPeriod, FacilityPlan, Funding,
    Levels, LockupPeriod, Moic, PeriodResult, Run, RunHeadroom, Summary, TerminalFacility, Year,
    YearBasis,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// Money: a string with exactly two decimals, never `-0.00`.
pub fn money(m: Money) -> Value {
    Value::String(m.to_string())
}

/// A ratio, rate, IRR or year count: a string rounded half away from zero to 10
/// decimals, or `null`.
pub fn ratio(x: Option<Decimal>) -> Value {
    x.map_or(Value::Null, |x| Value::String(round10(x).to_string()))
}

/// What the JSON report adds to the run's own figures: the covenant levels its
/// headroom is measured to, and the years, when asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JsonOptions {
    /// `lockup_dscr` and `min_dscr` of the deal (`Levels::of(deal.covenants.as_ref())`).
    pub levels: Levels,
    /// With `Some`, a `years` key groups the periods by contract or calendar year.
    pub years: Option<YearBasis>,
}

/// Writes the whole run as one pretty-printed JSON object (no trailing newline):
/// `deal`, `summary`, `returns`, `funding`, `headroom`, `closing`, `schedule`,
/// `periods`, `years` (with [`JsonOptions::years`]), `terminal`, `events`.
pub fn write_run<W: io::Write>(
    run: &Run,
    options: &JsonOptions,
    writer: W,
) -> serde_json::Result<()> {
    crate::pretty::to_writer_pretty(writer, &RunView::new(run, options))
}

/// [`write_run`] with the sheet's `warnings` and the `verdicts` on the debt as two more
/// keys after `events` (each a JSON array, as the CLI builds them).
pub fn write_run_with<W: io::Write>(
    run: &Run,
    options: &JsonOptions,
    warnings: &Value,
    verdicts: &Value,
    writer: W,
) -> serde_json::Result<()> {
    let mut view = RunView::new(run, options);
    view.warnings = Some(warnings);
    view.verdicts = Some(verdicts);
    crate::pretty::to_writer_pretty(writer, &view)
}

/// The whole run as a JSON value (the same object [`write_run`] writes).
pub fn run_json(run: &Run, options: &JsonOptions) -> Value {
    serde_json::to_value(RunView::new(run, options)).unwrap_or(Value::Null)
}

fn money_map<S: Serializer>(items: &&[(Arc<str>, Money)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(items.iter().map(|(k, v)| (k, v)))
}

/// A date as chrono's `NaiveDate` serializes itself (`2026-01-31`), with integer code
/// for the years 0 to 9999 (chrono writes those as four digits), by chrono otherwise.
fn date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    use chrono::Datelike;
    let year = d.year();
    let Ok(year @ 0..=9999) = u32::try_from(year) else {
        return d.serialize(s);
    };
    let mut text = *b"0000-00-00";
    for (at, value) in [
        (0, year / 100),
        (2, year % 100),
        (5, d.month()),
        (8, d.day()),
    ] {
        text[at] = b'0' + (value / 10) as u8;
        text[at + 1] = b'0' + (value % 10) as u8;
    }
    match std::str::from_utf8(&text) {
        Ok(text) => s.serialize_str(text),
        Err(_) => d.serialize(s),
    }
}

/// The items of a slice written one view at a time as a JSON array: no vector of views
/// is built first (the report's periods, facilities and schedule rows).
struct Views<'a, T, V>(&'a [T], fn(&'a T) -> V);

impl<T, V: Serialize> Serialize for Views<'_, T, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(self.1))
    }
}

fn event_names<S: Serializer>(events: &&[Event], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(events.iter().map(Event::name))
}

#[derive(Serialize)]
struct RunView<'a> {
    deal: DealView,
    summary: &'a Summary,
    returns: ReturnsView,
    funding: Funding,
    headroom: RunHeadroom,
    closing: ClosingView<'a>,
    schedule: Views<'a, FacilityPlan, ScheduleView<'a>>,
    periods: Views<'a, PeriodResult, PeriodView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    years: Option<YearsView>,
    terminal: TerminalView<'a>,
    events: &'a [Event],
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdicts: Option<&'a Value>,
}

impl<'a> RunView<'a> {
    fn new(run: &'a Run, options: &JsonOptions) -> RunView<'a> {
        let c = &run.closing;
        let t = &run.terminal;
        RunView {
            deal: DealView {
                close: run.plan.calendar.close(),
                frequency: run.plan.calendar.frequency().as_str(),
                periods: run.plan.calendar.len(),
                total_capex: run.plan.total_capex,
            },
            summary: &run.summary,
            returns: ReturnsView::new(run),
            funding: funding(run),
            headroom: run_headroom(run, options.levels),
            closing: ClosingView {
                sources: SourcesView {
                    draws: &c.draws,
                    prepayment: c.prepayment,
                    equity: c.equity,
                    total: c.sources(),
                },
                uses: UsesView {
                    capex: c.capex,
                    upfront_fees: &c.upfront_fees,
                    dsra: c.dsra,
                    sponsor_excess: c.sponsor_excess,
                    total: c.uses(),
                },
            },
            schedule: Views(&run.plan.facilities, ScheduleView::new),
            periods: Views(&run.periods, PeriodView::new),
            years: options.years.map(|basis| YearsView {
                basis: basis.as_str(),
                years: years(run, basis),
            }),
            terminal: TerminalView {
                date: t.date,
                dsra_release: t.dsra_release,
                lockup_release: t.lockup_release,
                terminal_value: t.terminal_value,
                available: t.dsra_release + t.lockup_release + t.terminal_value,
                refund_due: t.refund_due,
                refund_paid: t.refund_paid,
                opex_arrears_paid: t.opex_arrears_paid,
                fee_arrears_paid: t.fee_arrears_paid,
                facilities: &t.facilities,
                sponsor: t.sponsor,
                lender_loss: t.lender_loss,
            },
            events: &run.events,
            warnings: None,
            verdicts: None,
        }
    }
}

/// The sponsor's MOIC and its cash-on-cash yield by contract year.
#[derive(Serialize)]
struct ReturnsView {
    #[serde(flatten)]
    moic: Moic,
    cash_on_cash: Vec<CashOnCashView>,
}

#[derive(Serialize)]
struct CashOnCashView {
    year: i32,
    distribution: Money,
    equity_to_date: Money,
    #[serde(serialize_with = "opt_decimal")]
    cash_on_cash: Option<Decimal>,
}

impl ReturnsView {
    fn new(run: &Run) -> ReturnsView {
        ReturnsView {
            moic: moic(run),
            cash_on_cash: years(run, YearBasis::Contract)
                .into_iter()
                .map(|y| CashOnCashView {
                    year: y.year,
                    distribution: y.distribution,
                    equity_to_date: y.equity_to_date,
                    cash_on_cash: y.cash_on_cash,
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct YearsView {
    basis: &'static str,
    years: Vec<Year>,
}

#[derive(Serialize)]
struct DealView {
    #[serde(serialize_with = "date")]
    close: NaiveDate,
    frequency: &'static str,
    periods: usize,
    total_capex: Money,
}

#[derive(Serialize)]
struct ClosingView<'a> {
    sources: SourcesView<'a>,
    uses: UsesView<'a>,
}

#[derive(Serialize)]
struct SourcesView<'a> {
    #[serde(serialize_with = "money_map")]
    draws: &'a [(Arc<str>, Money)],
    prepayment: Money,
    equity: Money,
    total: Money,
}

#[derive(Serialize)]
struct UsesView<'a> {
    capex: Money,
    #[serde(serialize_with = "money_map")]
    upfront_fees: &'a [(Arc<str>, Money)],
    dsra: Money,
    sponsor_excess: Money,
    total: Money,
}

#[derive(Serialize)]
struct ScheduleView<'a> {
    name: &'a str,
    rank: u8,
    commitment: Money,
    sizing_binding: Option<&'static str>,
    sizing_iterations: u32,
    interest_only_periods: usize,
    repay_by_period: usize,
    upfront_fee: Money,
    rows: Views<'a, ScheduleRow, ScheduleRowView>,
}

impl<'a> ScheduleView<'a> {
    fn new(f: &'a FacilityPlan) -> ScheduleView<'a> {
        ScheduleView {
            name: &f.name,
            rank: f.rank.number(),
            commitment: f.commitment,
            sizing_binding: f.binding.map(|b| b.as_str()),
            sizing_iterations: f.sizing_iterations,
            interest_only_periods: f.interest_only_periods,
            repay_by_period: f.deadline,
            upfront_fee: f.upfront_fee,
            rows: Views(&f.schedule.rows, ScheduleRowView::new),
        }
    }
}

#[derive(Serialize)]
struct ScheduleRowView {
    period: usize,
    opening: Money,
    draws: Money,
    interest: Money,
    commitment_fee: Money,
    principal: Money,
    closing: Money,
    debt_service: Money,
    cap: Option<Money>,
    cfads: Money,
    #[serde(serialize_with = "opt_decimal")]
    dscr: Option<Decimal>,
}

impl ScheduleRowView {
    fn new(r: &ScheduleRow) -> ScheduleRowView {
        ScheduleRowView {
            period: r.period,
            opening: r.opening,
            draws: r.draws,
            interest: r.interest,
            commitment_fee: r.commitment_fee,
            principal: r.principal,
            closing: r.closing,
            debt_service: r.debt_service(),
            cap: r.cap,
            cfads: r.cfads,
            dscr: r.dscr(),
        }
    }
}

/// A period: its dates, its operations' fields, then the rest, as one object. Not
/// `#[serde(flatten)]`, which makes the whole view a map of keys serialized one by one
/// (a key as a string to check, a value apart): the three parts' fields are written
/// as the fields of one struct ([`crate::inline`]), the same text.
struct PeriodView<'a> {
    head: PeriodHead,
    operations: &'a boxflow_waterfall::Operations,
    tail: PeriodTail<'a>,
}

impl Serialize for PeriodView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // The length is a hint that only tells an empty struct apart: this one is not.
        let mut fields = s.serialize_struct("PeriodView", 3)?;
        crate::inline::fields(&self.head, &mut fields)?;
        crate::inline::fields(self.operations, &mut fields)?;
        crate::inline::fields(&self.tail, &mut fields)?;
        fields.end()
    }
}

/// The fields of a period before its operations'.
#[derive(Serialize)]
struct PeriodHead {
    period: usize,
    #[serde(serialize_with = "date")]
    start: NaiveDate,
    #[serde(serialize_with = "date")]
    end: NaiveDate,
    days: i64,
}

/// The fields of a period after its operations'.
#[derive(Serialize)]
struct PeriodTail<'a> {
    opex_paid: Money,
    fees_paid: Money,
    capex: Money,
    equity_contribution: Money,
    #[serde(serialize_with = "opt_decimal")]
    dscr: Option<Decimal>,
    #[serde(serialize_with = "opt_decimal")]
    dscr_total: Option<Decimal>,
    book_value: Money,
    #[serde(serialize_with = "opt_decimal")]
    ltv: Option<Decimal>,
    sweep: Money,
    lockup_prepaid: Money,
    distribution: Money,
    #[serde(serialize_with = "event_names")]
    events: &'a [Event],
    dsra: &'a DsraPeriod,
    lockup: &'a LockupPeriod,
    prepayment: PrepaymentView,
    facilities: Views<'a, FacilityPeriod, FacilityView<'a>>,
}

impl<'a> PeriodView<'a> {
    fn new(p: &'a PeriodResult) -> PeriodView<'a> {
        PeriodView {
            head: PeriodHead {
                period: p.period,
                start: p.start,
                end: p.end,
                days: p.days,
            },
            operations: &p.operations,
            tail: PeriodTail {
                opex_paid: p.opex_paid,
                fees_paid: p.fees_paid,
                capex: p.capex,
                equity_contribution: p.equity_contribution,
                dscr: p.dscr.map(MoneyRatio::value),
                dscr_total: p.dscr_total(),
                book_value: p.book_value,
                ltv: p.ltv.map(MoneyRatio::value),
                sweep: p.sweep,
                lockup_prepaid: p.lockup_prepaid,
                distribution: p.distribution,
                events: &p.events,
                dsra: &p.dsra,
                lockup: &p.lockup,
                prepayment: PrepaymentView {
                    opening: p.prepayment_opening,
                    credit: p.operations.prepayment_credit,
                    closing: p.prepayment_closing,
                },
                facilities: Views(&p.facilities, FacilityView::new),
            },
        }
    }
}

#[derive(Serialize)]
struct PrepaymentView {
    opening: Money,
    credit: Money,
    closing: Money,
}

#[derive(Serialize)]
struct FacilityView<'a> {
    name: &'a str,
    rank: u8,
    opening: Money,
    draws: Money,
    #[serde(serialize_with = "decimal")]
    rate: Decimal,
    interest_due: Money,
    commitment_fee_due: Money,
    interest_paid: Money,
    scheduled_principal: Money,
    principal_due: Money,
    principal_paid: Money,
    prepaid: Money,
    arrears: Money,
    interest_arrears: Money,
    principal_arrears: Money,
    closing: Money,
}

impl<'a> FacilityView<'a> {
    fn new(f: &'a FacilityPeriod) -> FacilityView<'a> {
        FacilityView {
            name: &f.name,
            rank: f.rank.number(),
            opening: f.opening,
            draws: f.draws,
            rate: f.rate,
            interest_due: f.interest_due,
            commitment_fee_due: f.commitment_fee_due,
            interest_paid: f.interest_paid,
            scheduled_principal: f.scheduled_principal,
            principal_due: f.principal_due,
            principal_paid: f.principal_paid,
            prepaid: f.prepaid,
            arrears: f.arrears(),
            interest_arrears: f.interest_arrears,
            principal_arrears: f.principal_arrears,
            closing: f.closing,
        }
    }
}

#[derive(Serialize)]
struct TerminalView<'a> {
    #[serde(serialize_with = "date")]
    date: NaiveDate,
    dsra_release: Money,
    lockup_release: Money,
    terminal_value: Money,
    available: Money,
    refund_due: Money,
    refund_paid: Money,
    opex_arrears_paid: Money,
    fee_arrears_paid: Money,
    facilities: &'a [TerminalFacility],
    sponsor: Money,
    lender_loss: Money,
}

#[cfg(test)]
mod tests {
    use boxflow_core::{Money, Ratio};
    use boxflow_testkit::generate::{arb_deal, Debt};
    use boxflow_waterfall::{run, Levels, YearBasis};
    use proptest::prelude::*;

    use super::{write_run_with, JsonOptions, RunView};

    /// The report as this module's printer writes it, and as serde_json's own pretty
    /// printer writes the same view: they must be the same bytes.
    fn ours_and_serde_jsons(
        run: &boxflow_waterfall::Run,
        options: &JsonOptions,
    ) -> (String, String) {
        let warnings = serde_json::json!([{ "code": "w", "message": "a \"quoted\" word" }]);
        let verdicts = serde_json::json!([]);
        let mut ours = Vec::new();
        write_run_with(run, options, &warnings, &verdicts, &mut ours).unwrap();
        let mut view = RunView::new(run, options);
        view.warnings = Some(&warnings);
        view.verdicts = Some(&verdicts);
        let theirs = serde_json::to_string_pretty(&view).unwrap();
        (String::from_utf8(ours).unwrap(), theirs)
    }

    #[test]
    fn the_reference_report_is_serde_jsons_text() {
        let deal = boxflow_testkit::deals::valid(boxflow_testkit::deals::reference_deal());
        let run = run(&deal).unwrap();
        for years in [None, Some(YearBasis::Contract), Some(YearBasis::Calendar)] {
            let options = JsonOptions {
                levels: Levels::of(deal.covenants.as_ref()),
                years,
            };
            let (ours, theirs) = ours_and_serde_jsons(&run, &options);
            assert!(ours.len() > 100_000, "{}", ours.len());
            assert_eq!(ours, theirs);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Generated deals of every debt shape: the same bytes as serde_json's.
        #[test]
        fn generated_reports_are_serde_jsons_text(
            deal in prop_oneof![
                arb_deal(Debt::Any),
                arb_deal(Debt::Some),
                arb_deal(Debt::FixedOnly),
            ],
        ) {
            let deal = boxflow_testkit::deals::valid(deal);
            let run = run(&deal).map_err(|e| TestCaseError::fail(format!("run failed: {e}")))?;
            let options = JsonOptions {
                levels: Levels::of(deal.covenants.as_ref()),
                years: Some(YearBasis::Calendar),
            };
            let (ours, theirs) = ours_and_serde_jsons(&run, &options);
            prop_assert_eq!(ours, theirs);
        }
    }

    use boxflow_core::MoneyRatio;
    use boxflow_waterfall::Event;
    use rust_decimal::Decimal;

    #[test]
    fn events_keep_their_section_13_shapes() {
        // A negative DSCR keeps its number in JSON; levels are padded to 10 decimals.
        let e = Event::DscrDefault {
            period: 3,
            // CFADS -3.08 over a debt service of 1.00: -3.08.
            dscr: MoneyRatio::new(Money::from_cents(-308), Money::from_cents(100)).unwrap(),
            min_dscr: Ratio::new(Decimal::new(11, 1)),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"event":"dscr_default","period":3,"dscr":"-3.0800000000","min_dscr":"1.1000000000"}"#
        );
        // The lock-up's level and DSRA figures are for the words, not the JSON.
        let e = Event::Lockup {
            period: 1,
            dscr: None,
            dscr_below: false,
            senior_arrears: true,
            dsra_below_target: false,
            trapped: Money::from_cents(500),
            lockup_dscr: Some(Ratio::new(Decimal::new(12, 1))),
            dsra: Money::from_cents(100),
            dsra_target: Money::from_cents(100),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"event":"lockup","period":1,"dscr":null,"dscr_below_lockup":false,"senior_arrears":true,"dsra_below_target":false,"trapped":"5.00"}"#
        );
        let e = Event::LtvBreach {
            period: 2,
            // 8,123,456,789,123.45 over 10,000,000,000,000.00: 0.812345678912345.
            ltv: MoneyRatio::new(
                Money::from_cents(812_345_678_912_345),
                Money::from_cents(1_000_000_000_000_000),
            ),
            max_ltv: Ratio::new(Decimal::new(8, 1)),
            balance: Money::from_cents(-0),
            book_value: Money::ZERO,
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"event":"ltv_breach","period":2,"ltv":"0.8123456789","max_ltv":"0.8000000000","balance":"0.00","book_value":"0.00"}"#
        );
    }
}
