//! What a risk team reads of one run: covenants, the weakest DSCR, the first event,
//! losses and returns.

use std::cmp::Ordering;

use boxflow_core::Money;
use boxflow_model::Rank;
use boxflow_waterfall::{Event, Run};
use rust_decimal::Decimal;
use serde::Serialize;

/// The first event of a run that is not a lock-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FirstEvent {
    /// The event's name: `payment_default`, `dscr_default`, ...
    pub event: &'static str,
    /// Its period.
    pub period: usize,
}

/// The headline figures of one run (the base case, a scenario or a grid point).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Outcome {
    /// The scenario's name (`"base case"` for the base case).
    pub name: String,
    /// The halfway covenant: the senior balance at the halfway period is 0.
    pub halfway_covenant: bool,
    /// Every covenant passes: the halfway covenant, and no `payment_default`,
    /// `dscr_default` or `ltv_breach` event in any period.
    pub covenants: bool,
    /// The lowest senior DSCR (null when no period has senior debt service).
    pub min_dscr: Option<Decimal>,
    /// The first period at the minimum.
    pub min_dscr_period: Option<usize>,
    /// The lowest combined DSCR (senior and junior debt service; the senior DSCR's
    /// equal when there is no junior facility).
    pub min_dscr_total: Option<Decimal>,
    /// The first event other than `lockup` (a lock-up traps cash; the base case of a
    /// box whose DSRA fills over time has them by design).
    pub first_event: Option<FirstEvent>,
    /// The first event the base case does not have (one with the same code in the same
    /// period is the base case's), lock-ups included; `None` when every event is the
    /// base case's, and always `None` from [`Outcome::of`], which knows no base case
    /// (use [`crate::Base::outcome`]).
    pub first_new_event: Option<FirstEvent>,
    /// The number of `payment_default` events (senior steps 3 and 4 not paid in full).
    pub payment_defaults: usize,
    /// Principal and interest of every facility left unpaid at the end of the run.
    pub lender_loss: Money,
    /// The senior facility's part of it.
    pub senior_loss: Money,
    /// XIRR of the sponsor's flows.
    pub equity_irr: Option<Decimal>,
    /// XIRR of the senior lender's flows.
    pub senior_lender_irr: Option<Decimal>,
    /// The first period with no senior balance and no later draws.
    pub senior_repaid_period: Option<usize>,
    /// Σ distributions to the sponsor over periods 1..N.
    pub total_distributions: Money,
    /// Invariants of methodology section 14 that do not hold (0 for a correct
    /// engine; `None` when not checked).
    pub violations: Option<usize>,
}

impl Outcome {
    /// Reads the outcome of a run; checks its invariants when `verify` is true.
    pub fn of(name: impl Into<String>, run: &Run, verify: bool) -> Outcome {
        let s = &run.summary;
        // One pass over the events: a breach (a payment default, DSCR default or LTV
        // breach), the first event that is not a lock-up, the payment defaults.
        let (mut breach, mut first_event, mut payment_defaults) = (false, None, 0);
        for e in run.events.iter() {
            match e {
                Event::Lockup { .. } => continue,
                Event::PaymentDefault { .. } => {
                    breach = true;
                    payment_defaults += 1;
                }
                Event::DscrDefault { .. } | Event::LtvBreach { .. } => breach = true,
                _ => {}
            }
            first_event.get_or_insert_with(|| FirstEvent {
                event: e.name(),
                period: e.period(),
            });
        }
        let senior_loss = run
            .plan
            .facilities
            .iter()
            .zip(&run.terminal.facilities)
            .filter(|(f, _)| f.rank == Rank::Senior)
            .map(|(_, t)| t.loss)
            .sum();
        Outcome {
            name: name.into(),
            halfway_covenant: s.halfway_covenant,
            covenants: s.halfway_covenant && !breach,
            min_dscr: s.min_dscr,
            min_dscr_period: s.min_dscr_period,
            min_dscr_total: s.min_dscr_total,
            first_event,
            first_new_event: None,
            payment_defaults,
            lender_loss: s.lender_loss,
            senior_loss,
            equity_irr: s.equity_irr,
            senior_lender_irr: s.senior_lender_irr,
            senior_repaid_period: s.senior_repaid_period,
            total_distributions: s.total_distributions,
            violations: verify.then(|| run.verify().len()),
        }
    }
}

/// Orders two minimum DSCRs from weakest to strongest, as a lender reads them: a
/// negative DSCR (CFADS < 0, shown "n.m.") is the weakest, whatever its value, because
/// it moves towards zero as debt service grows (a rate shock would otherwise
/// "improve" -3.08x to -2.46x); then non-negative DSCRs by value; then `None` (no
/// senior debt service at all), the strongest. Two negative DSCRs are equal.
///
/// ```
/// use std::cmp::Ordering;
/// use boxflow_core::Decimal;
/// use boxflow_scenario::dscr_order;
///
/// let base = Some(Decimal::new(-308, 2)); // -3.08x: CFADS -100, debt service 32.47
/// let shocked = Some(Decimal::new(-246, 2)); // -2.46x: same CFADS, debt service 40.65
/// assert_eq!(dscr_order(shocked, base), Ordering::Equal); // no "improvement"
/// assert_eq!(dscr_order(base, Some(Decimal::ZERO)), Ordering::Less);
/// assert_eq!(dscr_order(Some(Decimal::new(105, 2)), Some(Decimal::new(13, 1))), Ordering::Less);
/// assert_eq!(dscr_order(Some(Decimal::new(13, 1)), None), Ordering::Less);
/// ```
pub fn dscr_order(a: Option<Decimal>, b: Option<Decimal>) -> Ordering {
    fn rank(x: Option<Decimal>) -> (u8, Decimal) {
        match x {
            Some(d) if d < Decimal::ZERO => (0, Decimal::ZERO),
            Some(d) => (1, d),
            None => (2, Decimal::ZERO),
        }
    }
    rank(a).cmp(&rank(b))
}

impl Outcome {
    /// The outcome with the weakest minimum DSCR ([`dscr_order`]; the first of equals),
    /// or `None` when there are none.
    pub fn weakest<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Option<&'a Outcome> {
        outcomes
            .into_iter()
            .fold(None, |worst: Option<&Outcome>, o| match worst {
                Some(w) if dscr_order(o.min_dscr, w.min_dscr) != Ordering::Less => Some(w),
                _ => Some(o),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(name: &str, min_dscr: Option<Decimal>) -> Outcome {
        Outcome {
            name: name.into(),
            halfway_covenant: true,
            covenants: true,
            min_dscr,
            min_dscr_period: min_dscr.map(|_| 1),
            min_dscr_total: min_dscr,
            first_event: None,
            first_new_event: None,
            payment_defaults: 0,
            lender_loss: Money::ZERO,
            senior_loss: Money::ZERO,
            equity_irr: None,
            senior_lender_irr: None,
            senior_repaid_period: None,
            total_distributions: Money::ZERO,
            violations: None,
        }
    }

    #[test]
    fn a_rate_shock_does_not_improve_a_negative_dscr() {
        // By hand: CFADS -100.00 over debt service 32.47 is -3.0798x; a rate shock
        // raises debt service to 40.65 and the quotient to -2.4600x, nearer zero.
        let base = (Decimal::new(-100_00, 2) / Decimal::new(32_47, 2)).round_dp(4);
        let shocked = (Decimal::new(-100_00, 2) / Decimal::new(40_65, 2)).round_dp(4);
        assert_eq!(base, Decimal::new(-30798, 4));
        assert_eq!(shocked, Decimal::new(-24600, 4));
        assert!(shocked > base); // as plain numbers the shock looks better
        assert_eq!(dscr_order(Some(shocked), Some(base)), Ordering::Equal);

        let grid = [
            outcome("healthy", Some(Decimal::new(125, 2))),
            outcome("no debt", None),
            outcome("base", Some(base)),
            outcome("rate +300bp", Some(shocked)),
            outcome("thin", Some(Decimal::new(2, 2))),
        ];
        let weakest = Outcome::weakest(&grid).map(|o| o.name.as_str());
        assert_eq!(weakest, Some("base"));
        // Without the negative ones, the smallest non-negative DSCR is the weakest.
        let weakest = Outcome::weakest([&grid[0], &grid[1], &grid[4]]).map(|o| o.name.as_str());
        assert_eq!(weakest, Some("thin"));
        assert_eq!(Outcome::weakest([]), None);
        // A negative DSCR is weaker than zero and than any positive one.
        assert_eq!(
            dscr_order(Some(shocked), Some(Decimal::ZERO)),
            Ordering::Less
        );
    }
}
