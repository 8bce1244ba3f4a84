//! Headline figures and metrics of a run (methodology sections 11 and 12), derived
//! from the ledger and the period table.

use boxflow_amortize::halfway_check_of_path;
use boxflow_amortize::metrics::{self, payback_period, wal_years, xirr, xnpv_cents, DatedFlow};
use boxflow_amortize::Binding;
use boxflow_core::{Money, MoneyRatio};
use boxflow_model::Deal;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ledger::{Account, Ledger, Transfer};
use crate::plan::{FacilityPlan, Plan};
use crate::run::{Closing, PeriodResult, Terminal};
use crate::tranches::{facility_deadlines, min_dscr_total, FacilityDeadline};

/// Which figures of a run's [`Summary`] are computed.
///
/// A grid point, a stress scenario or a simulated run prints only its outcome (the
/// covenants, the minimum DSCRs, the losses, the equity and senior lender XIRRs, the
/// senior repayment and the distributions); [`Detail::Outcome`] leaves out the
/// figures it does not read, which cost about a fifth of a run (the project XIRR
/// above all).
///
/// ```
/// use boxflow_waterfall::Detail;
///
/// assert_eq!(Detail::default(), Detail::Full);
/// assert!(Detail::Full.computes_all());
/// assert!(!Detail::Outcome.computes_all());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Detail {
    /// Every figure (what `run` prints).
    #[default]
    Full,
    /// Only the figures a scenario's outcome reads: `avg_dscr`, `llcr`,
    /// `project_irr`, `npv`, `wal_years` and `payback_period` are `None`, and
    /// `facilities` and `project_flows` are empty, whatever the run.
    Outcome,
}

impl Detail {
    /// True when every figure of the summary is computed.
    pub fn computes_all(self) -> bool {
        self == Detail::Full
    }
}

/// Headline figures of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Which figures were computed: with [`Detail::Outcome`] some are left `None`
    /// (not computed, which says nothing of the run); never printed.
    #[serde(skip)]
    pub detail: Detail,
    /// The senior commitment `C` (0 without a senior facility).
    pub senior_commitment: Money,
    /// The senior sizing's binding bound; `None` for a fixed amount or no senior.
    pub sizing_binding: Option<Binding>,
    /// The lowest non-null senior DSCR over all periods.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub min_dscr: Option<Decimal>,
    /// The first period at the minimum.
    pub min_dscr_period: Option<usize>,
    /// The lowest non-null combined DSCR (CFADS over the debt service due of every
    /// facility, [`PeriodResult::dscr_total`]) over all periods.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub min_dscr_total: Option<Decimal>,
    /// The first period at that minimum.
    pub min_dscr_total_period: Option<usize>,
    /// The mean of the non-null senior DSCRs over the repayment window `g+1 ..= H`
    /// (to about 15 significant digits, and exact at any rounding to 10 decimals or
    /// fewer: [`boxflow_amortize::metrics::mean_ratio_to_print`]).
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub avg_dscr: Option<Decimal>,
    /// `Σ_{k=1..H} CFADS_k · DF_k / C` at the senior rate (exact at any rounding to 10
    /// decimals or fewer: [`boxflow_amortize::metrics::llcr_to_print`]).
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub llcr: Option<Decimal>,
    /// `floor(N · repaid_by_fraction)`.
    pub halfway_period: usize,
    /// The first period whose senior closing balance is 0 with no draws after it.
    pub senior_repaid_period: Option<usize>,
    /// The senior closing balance of the halfway period.
    pub senior_balance_at_halfway: Money,
    /// True when that balance is 0 (or there is no senior).
    #[serde(serialize_with = "pass_or_fail")]
    pub halfway_covenant: bool,
    /// XIRR of the sponsor's flows.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub equity_irr: Option<Decimal>,
    /// XIRR of the project's flows.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub project_irr: Option<Decimal>,
    /// XIRR of the senior lender's flows.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub senior_lender_irr: Option<Decimal>,
    /// XNPV of the sponsor's flows at `analysis.discount_rate`, as money.
    pub npv: Option<Money>,
    /// Weighted average life of the senior loan in years.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub wal_years: Option<Decimal>,
    /// The first period whose cumulative sponsor flow is at least 0.
    pub payback_period: Option<usize>,
    /// `Σ round2(cost · residual_share)`.
    pub terminal_value: Money,
    /// Principal and interest left unpaid at the end of the run.
    pub lender_loss: Money,
    /// Σ invoice over periods 1..N.
    pub total_invoice: Money,
    /// Σ collections.
    pub total_collections: Money,
    /// Σ opex due (the period's own amounts).
    pub total_opex: Money,
    /// Σ fees due (the period's own amounts).
    pub total_fees: Money,
    /// Σ interest paid at steps 3 and 6, all facilities.
    pub total_interest: Money,
    /// Σ principal paid and prepaid, all facilities.
    pub total_principal: Money,
    /// Σ distributions.
    pub total_distributions: Money,
    /// Closing equity in plus equity contributions.
    pub total_equity: Money,
    /// Each facility's repayment against its own deadline, senior first.
    pub facilities: Vec<FacilityDeadline>,
    /// The sponsor's dated flows.
    #[serde(skip)]
    pub sponsor_flows: Vec<DatedFlow>,
    /// The project's dated flows, in date order.
    #[serde(skip)]
    pub project_flows: Vec<DatedFlow>,
    /// The senior lender's dated flows.
    #[serde(skip)]
    pub senior_lender_flows: Vec<DatedFlow>,
}

impl Summary {
    /// Computes the summary of a finished run, every figure.
    pub fn new(
        deal: &Deal,
        plan: &Plan,
        closing: &Closing,
        periods: &[PeriodResult],
        terminal: &Terminal,
        ledger: &Ledger,
    ) -> Summary {
        Summary::with_detail(deal, plan, closing, periods, terminal, ledger, Detail::Full)
    }

    /// Computes the figures of the summary of a finished run that `detail` asks for;
    /// those computed are the same as [`Summary::new`]'s.
    pub fn with_detail(
        deal: &Deal,
        plan: &Plan,
        closing: &Closing,
        periods: &[PeriodResult],
        terminal: &Terminal,
        ledger: &Ledger,
        detail: Detail,
    ) -> Summary {
        let all = detail.computes_all();
        let close = deal.close;
        let senior_index = plan
            .facilities
            .iter()
            .position(|f| f.rank == boxflow_model::Rank::Senior);
        let senior = senior_index.map(|i| &plan.facilities[i]);

        // DSCR statistics: the first period at the lowest decimal DSCR, found by
        // cross-products (MoneyRatio's order is the decimals'), divided once.
        let min = lowest_ratio(periods.iter().filter_map(|p| p.dscr.map(|d| (d, p.period))));
        let avg_dscr = senior_index
            .filter(|_| all)
            .and_then(|si| avg_dscr(plan, si, periods));
        let llcr = senior.filter(|_| all).and_then(|s| llcr(plan, s, periods));
        let (halfway, repaid) = match senior_index {
            Some(si) => halfway_covenant(plan, closing, si, periods),
            None => (Money::ZERO, None),
        };
        let DatedFlows {
            sponsor: sponsor_flows,
            sponsor_by_period,
            senior_lender: senior_lender_flows,
        } = DatedFlows::of(ledger, senior_index, periods.len(), all);
        let payback = all.then(|| payback_period(&sponsor_by_period)).flatten();
        let project_flows = if all {
            project_flows(deal, plan, periods, terminal)
        } else {
            Vec::new()
        };
        let wal = senior_index
            .filter(|_| all)
            .and_then(|si| senior_wal(si, periods, terminal, close));

        let min_value = min.map(|(d, k)| (d.value(), k));
        // With a senior facility alone the combined DSCR is the senior's
        // (`PeriodResult::dscr_total`): the same minimum at the same period.
        let min_total = if plan.facilities.len() == 1 && senior_index.is_some() {
            min_value
        } else {
            min_dscr_total(periods)
        };
        let totals = PeriodTotals::of(periods);
        Summary {
            detail,
            senior_commitment: senior.map_or(Money::ZERO, |s| s.commitment),
            sizing_binding: senior.and_then(|s| s.binding),
            min_dscr: min_value.map(|(d, _)| d),
            min_dscr_period: min_value.map(|(_, k)| k),
            min_dscr_total: min_total.map(|(d, _)| d),
            min_dscr_total_period: min_total.map(|(_, k)| k),
            facilities: if all {
                facility_deadlines(plan, closing, periods)
            } else {
                Vec::new()
            },
            avg_dscr,
            llcr,
            halfway_period: plan.halfway_period,
            senior_repaid_period: repaid,
            senior_balance_at_halfway: halfway,
            halfway_covenant: halfway.is_zero(),
            equity_irr: xirr(&sponsor_flows, close),
            project_irr: all.then(|| xirr(&project_flows, close)).flatten(),
            senior_lender_irr: xirr(&senior_lender_flows, close),
            npv: deal
                .analysis
                .as_ref()
                .filter(|_| all)
                .and_then(|a| xnpv_cents(a.discount_rate.value(), &sponsor_flows, close)),
            wal_years: wal,
            payback_period: payback,
            terminal_value: terminal.terminal_value,
            lender_loss: terminal.lender_loss,
            total_invoice: totals.invoice,
            total_collections: totals.collections,
            total_opex: totals.opex,
            total_fees: totals.fees,
            total_interest: totals.interest,
            total_principal: totals.principal,
            total_distributions: totals.distributions,
            total_equity: closing.equity + totals.equity_contributions,
            sponsor_flows,
            project_flows,
            senior_lender_flows,
        }
    }
}

/// `avg_dscr` (section 12): the mean of the non-null `DSCR_k = CFADS_k / (interest +
/// fee + principal_due)` of senior facility `si` over `g+1..H`, as one exact fraction
/// divided once.
// Only a full summary computes it: kept out of line, out of a grid point's registers
// (docs/performance.md, thirty-second pass).
#[inline(never)]
fn avg_dscr(plan: &Plan, si: usize, periods: &[PeriodResult]) -> Option<Decimal> {
    let s = &plan.facilities[si];
    // At most the window's periods: allocated once rather than grown.
    let mut window: Vec<(Money, Money)> = Vec::with_capacity(
        s.deadline
            .min(periods.len())
            .saturating_sub(s.interest_only_periods),
    );
    window.extend(
        periods
            .iter()
            .filter(|p| p.period > s.interest_only_periods && p.period <= s.deadline)
            .filter(|p| p.dscr.is_some())
            .map(|p| {
                let f = &p.facilities[si];
                (
                    p.operations.cfads,
                    f.interest_due + f.commitment_fee_due + f.principal_due,
                )
            }),
    );
    metrics::mean_ratio_to_print(&window)
}

/// The LLCR (section 12) of senior facility `s`: the CFADS of periods `1..H`
/// discounted at the facility's rates over its commitment.
// Only a full summary computes it: kept out of line, out of a grid point's registers
// (docs/performance.md, thirty-second pass).
#[inline(never)]
fn llcr(plan: &Plan, s: &FacilityPlan, periods: &[PeriodResult]) -> Option<Decimal> {
    let h = s.deadline.min(periods.len());
    let cfads: Vec<Money> = periods[..h].iter().map(|p| p.operations.cfads).collect();
    let discount: Vec<(Decimal, (i64, i64))> = plan.calendar.periods()[..h]
        .iter()
        .enumerate()
        .map(|(i, p)| (s.rates[i], s.terms.day_count.fraction(p.start, p.end)))
        .collect();
    metrics::llcr_to_print(&cfads, &discount, s.commitment)
}

/// The halfway covenant (section 11) on the run's actual balances of senior facility
/// `si`, read period by period in one pass without collecting the path: the balance
/// at the halfway period and the period it was repaid.
fn halfway_covenant(
    plan: &Plan,
    closing: &Closing,
    si: usize,
    periods: &[PeriodResult],
) -> (Money, Option<usize>) {
    let path = periods.iter().map(|p| {
        let f = &p.facilities[si];
        (f.closing, f.draws)
    });
    let check = halfway_check_of_path(closing.draws[si].1, path, plan.halfway_period);
    (check.balance_at_halfway, check.repaid_period)
}

/// The WAL (section 12) of senior facility `si`'s principal repaid: scheduled,
/// prepaid and at the end of the run, in years from `close`.
// Only a full summary computes it: kept out of line, out of a grid point's registers
// (docs/performance.md, thirty-second pass).
#[inline(never)]
fn senior_wal(
    si: usize,
    periods: &[PeriodResult],
    terminal: &Terminal,
    close: NaiveDate,
) -> Option<Decimal> {
    let mut repaid: Vec<(NaiveDate, Money)> = periods
        .iter()
        .map(|p| {
            (
                p.end,
                p.facilities[si].principal_paid + p.facilities[si].prepaid,
            )
        })
        .collect();
    repaid.push((terminal.date, terminal.facilities[si].principal_paid));
    wal_years(&repaid, close)
}

/// Dated flows (section 12), read from the ledger in one pass: the sponsor's closing
/// flow, equity contributions on their dates, distributions and the terminal flow
/// (and, for the payback, their sums by period); the senior lender's draws, upfront
/// fee and every payment it received.
struct DatedFlows {
    /// The sponsor's dated flows.
    sponsor: Vec<DatedFlow>,
    /// The sponsor's flows summed by period (empty unless every figure is asked for).
    sponsor_by_period: Vec<Money>,
    /// The senior lender's dated flows (empty without a senior facility).
    senior_lender: Vec<DatedFlow>,
}

impl DatedFlows {
    /// The flows of a run of `periods` periods whose senior facility is
    /// `senior_index`; the sums by period only when `all` figures are computed.
    fn of(ledger: &Ledger, senior_index: Option<usize>, periods: usize, all: bool) -> DatedFlows {
        let mut sponsor: Vec<DatedFlow> = Vec::with_capacity(periods + 2);
        // The lender is paid interest and principal in most periods, besides its
        // draws and fees: room for two flows a period spares growing the vector.
        let mut senior_lender: Vec<DatedFlow> = Vec::with_capacity(if senior_index.is_some() {
            2 * periods + 4
        } else {
            0
        });
        let mut sponsor_by_period = vec![Money::ZERO; if all { periods + 1 } else { 0 }];
        ledger_flows(
            ledger,
            senior_index.and_then(Account::lender),
            (&mut sponsor, &mut sponsor_by_period),
            &mut senior_lender,
        );
        DatedFlows {
            sponsor,
            sponsor_by_period,
            senior_lender,
        }
    }
}

/// The sponsor's dated flows (with their sums by period, as far as `by_period`
/// reaches) and `lender`'s, read from the ledger in one pass ([`Transfer::flow_of`]).
/// Whether there is a lender is decided once, not at each transfer.
fn ledger_flows(
    ledger: &Ledger,
    lender: Option<Account>,
    (sponsor, by_period): (&mut Vec<DatedFlow>, &mut [Money]),
    lender_flows: &mut Vec<DatedFlow>,
) {
    let mut sponsor_flow = |t: &Transfer| {
        if let Some(amount) = t.flow_of(Account::Sponsor) {
            sponsor.push(DatedFlow::new(t.date, amount));
            if let Some(c) = by_period.get_mut(t.period()) {
                *c += amount;
            }
        }
    };
    match lender {
        Some(lender) => {
            for t in ledger.transfers() {
                sponsor_flow(t);
                if let Some(amount) = t.flow_of(lender) {
                    lender_flows.push(DatedFlow::new(t.date, amount));
                }
            }
        }
        None => ledger.transfers().iter().for_each(sponsor_flow),
    }
}

/// The lowest ratio in [`MoneyRatio`]'s order (that of the decimal quotients) and
/// the first period at it: the minimum and period of comparing every ratio with the
/// lowest so far, `ratio < lowest`.
///
/// Most ratios are far from the lowest so far; those are placed above or below it
/// on their f64 quotients. An amount below 2^53 cents converts exactly, so each f64 quotient `x̂`
/// is within `u |q|` of its exact quotient `q` (`u = 2^-53`), and the decimal
/// quotient is within `1e-28 · max(1, |q|)` of `q`. When `x̂ - m̂ > 8u (|x̂| + |m̂|) +
/// 1e-27` (computed in f64: the rounding of both sides takes at most half of the
/// margin), the exact quotients differ by more than `2u (|x̂| + |m̂|) + 1e-27 / 2`
/// and the decimals by more than 0: the ratio is above the lowest, as the
/// comparison would find; the same with `m̂ - x̂` places it below. Otherwise, and for
/// amounts of 2^53 cents or more, the ratios are compared.
pub(crate) fn lowest_ratio(
    ratios: impl Iterator<Item = (MoneyRatio, usize)>,
) -> Option<(MoneyRatio, usize)> {
    const U: f64 = f64::EPSILON / 2.0;
    let quotient = |r: MoneyRatio| {
        let (n, d) = (r.numerator().cents(), r.denominator().cents());
        (n.unsigned_abs() < 1 << 53 && d.unsigned_abs() < 1 << 53)
            .then(|| n as i64 as f64 / d as i64 as f64)
    };
    let mut lowest: Option<(MoneyRatio, usize, Option<f64>)> = None;
    for (ratio, period) in ratios {
        if let Some((low, _, low_quotient)) = lowest {
            let x = quotient(ratio);
            let separated = match (x, low_quotient) {
                (Some(x), Some(m)) => {
                    let margin = 8.0 * U * (x.abs() + m.abs()) + 1e-27;
                    (x - m > margin, m - x > margin)
                }
                _ => (false, false),
            };
            if separated.0 {
                continue;
            }
            if separated.1 || ratio < low {
                lowest = Some((ratio, period, x));
            }
        } else {
            lowest = Some((ratio, period, quotient(ratio)));
        }
    }
    lowest.map(|(ratio, period, _)| (ratio, period))
}

/// The sums over the periods that the summary prints, in one pass.
#[derive(Default)]
struct PeriodTotals {
    invoice: Money,
    collections: Money,
    opex: Money,
    fees: Money,
    /// Interest paid at steps 3 and 6, all facilities.
    interest: Money,
    /// Principal paid and prepaid, all facilities.
    principal: Money,
    distributions: Money,
    equity_contributions: Money,
}

impl PeriodTotals {
    fn of(periods: &[PeriodResult]) -> PeriodTotals {
        let mut totals = PeriodTotals::default();
        // Two passes of four sums each: eight `i128` sums at once do not fit the
        // registers, and their spills cost more than a second pass.
        for p in periods {
            totals.invoice += p.operations.invoice;
            totals.collections += p.operations.collections;
            totals.opex += p.operations.opex;
            totals.fees += p.operations.fees;
        }
        for p in periods {
            for f in &p.facilities {
                totals.interest += f.interest_paid;
                totals.principal += f.principal_paid + f.prepaid;
            }
            totals.distributions += p.distribution;
            totals.equity_contributions += p.equity_contribution;
        }
        totals
    }
}

/// The project's dated flows (section 12): -capex on each line's date, +P at close,
/// +CFADS_k at each period's end, +terminal value - refund paid at `end_N`; in date
/// order (the capex lines merged into the periods' ends), so that [`xirr`] finds
/// them sorted.
fn project_flows(
    deal: &Deal,
    plan: &Plan,
    periods: &[PeriodResult],
    terminal: &Terminal,
) -> Vec<DatedFlow> {
    let close = deal.close;
    let mut capex: Vec<DatedFlow> = plan
        .capex
        .iter()
        .map(|line| DatedFlow::new(line.effective_date(close), -line.amount))
        .collect();
    if !capex.is_sorted_by_key(|flow| flow.date) {
        capex.sort_by_key(|flow| flow.date);
    }
    let mut flows: Vec<DatedFlow> = Vec::with_capacity(capex.len() + periods.len() + 2);
    // Every capex date is on or after close.
    flows.push(DatedFlow::new(close, deal.contract.prepayment));
    let operating = periods
        .iter()
        .map(|p| DatedFlow::new(p.end, p.operations.cfads))
        .chain(std::iter::once(DatedFlow::new(
            terminal.date,
            terminal.terminal_value - terminal.refund_paid,
        )));
    let mut capex = capex.into_iter().peekable();
    for flow in operating {
        while let Some(line) = capex.next_if(|line| line.date <= flow.date) {
            flows.push(line);
        }
        flows.push(flow);
    }
    flows.extend(capex);
    flows
}

/// `"pass"` or `"fail"` (methodology section 13).
pub(crate) fn pass_or_fail<S: serde::Serializer>(passes: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *passes { "pass" } else { "fail" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The lowest ratio and its first period by comparing every ratio with the
    /// lowest so far, as section 11's minimum DSCR is defined.
    fn lowest_by_comparing(ratios: &[(MoneyRatio, usize)]) -> Option<(MoneyRatio, usize)> {
        let mut lowest: Option<(MoneyRatio, usize)> = None;
        for &(ratio, period) in ratios {
            if lowest.is_none_or(|(low, _)| ratio < low) {
                lowest = Some((ratio, period));
            }
        }
        lowest
    }

    /// Ratios near one another: multiples of a few fractions (equal decimals from
    /// different amounts), neighbours one cent apart, signs of both kinds, and
    /// amounts beyond 2^53 cents that the f64 quotients leave to the comparison.
    fn ratio() -> impl Strategy<Value = MoneyRatio> {
        let small = (-400_i64..=400, 1_i64..=7, 1_i64..=1_000_000).prop_map(|(n, d, k)| {
            let (n, d) = (n * k, d * k);
            MoneyRatio::new(Money::from_cents(n), Money::from_cents(d))
        });
        let near = (0_i64..=3, -1_i64..=1).prop_map(|(n, d)| {
            let big = 1_i64 << 52;
            MoneyRatio::new(Money::from_cents(big + n), Money::from_cents(big + d))
        });
        let huge = (-3_i128..=3, 1_i128..=3).prop_map(|(n, d)| {
            let big = 10_i128.pow(21);
            MoneyRatio::new(
                Money::checked_cents(n * big + 1).expect("in range"),
                Money::checked_cents(d * big).expect("in range"),
            )
        });
        prop_oneof![small, near, huge].prop_filter_map("a ratio", |r| r)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

        /// The lowest ratio found on f64 quotients where they are far apart is the
        /// one comparing finds, at the same (first) period.
        #[test]
        fn lowest_ratio_is_the_lowest_by_comparing(
            ratios in prop::collection::vec(ratio(), 0..40)
        ) {
            let ratios: Vec<(MoneyRatio, usize)> =
                ratios.into_iter().enumerate().map(|(k, r)| (r, k + 1)).collect();
            let fast = lowest_ratio(ratios.iter().copied());
            let slow = lowest_by_comparing(&ratios);
            prop_assert_eq!(fast.map(|(r, k)| (r.value(), k)), slow.map(|(r, k)| (r.value(), k)));
        }
    }

    #[test]
    fn lowest_ratio_by_hand() {
        let r = |n, d| MoneyRatio::new(Money::from_cents(n), Money::from_cents(d)).unwrap();
        // 1/3 at period 2 equals 2/6 at period 4: the first stays; -1/2 is lowest.
        let ratios = [(r(5, 4), 1), (r(1, 3), 2), (r(3, 2), 3), (r(2, 6), 4)];
        assert_eq!(lowest_ratio(ratios.into_iter()).map(|(_, k)| k), Some(2));
        let ratios = [(r(1, 3), 1), (r(-1, 2), 2), (r(1, -2), 3)];
        assert_eq!(lowest_ratio(ratios.into_iter()).map(|(_, k)| k), Some(2));
        assert_eq!(lowest_ratio(std::iter::empty()), None);
    }
}
