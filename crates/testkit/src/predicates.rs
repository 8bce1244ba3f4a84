//! The covenant predicates of a property's `expect` as functions of an [`Outcome`].
//!
//! Each reads its figure through [`Metric`], the one table of metric names, so a
//! predicate here, a `stress` row's JSON key and an `expect` line of a deal sheet name
//! the same figure the same way. [`check`] takes the `expect` language itself
//! ([`Expectation`], described in docs/risk.md).

use boxflow_core::Decimal;
use boxflow_scenario::{Expectation, Metric, Outcome};

/// The metric's value as a number ([`boxflow_scenario::MetricValue::number`]).
fn number(metric: Metric, outcome: &Outcome) -> Option<Decimal> {
    metric.of(outcome).number()
}

/// `halfway_covenant == pass`: the senior balance is 0 at the halfway period.
pub fn halfway_covenant_passes(outcome: &Outcome) -> bool {
    number(Metric::HalfwayCovenant, outcome) == Some(Decimal::ONE)
}

/// `covenants == pass`: every covenant passes.
pub fn covenants_pass(outcome: &Outcome) -> bool {
    number(Metric::Covenants, outcome) == Some(Decimal::ONE)
}

/// `payment_defaults == 0`: senior interest and principal are paid in full every
/// period.
pub fn no_payment_default(outcome: &Outcome) -> bool {
    number(Metric::PaymentDefaults, outcome) == Some(Decimal::ZERO)
}

/// `lender_loss == 0`: every facility is repaid in full by the end of the run.
pub fn no_lender_loss(outcome: &Outcome) -> bool {
    number(Metric::LenderLoss, outcome) == Some(Decimal::ZERO)
}

/// `min_dscr >= floor`: the lowest senior DSCR is at least `floor` (false when no
/// period has senior debt service: an undefined DSCR is no pass).
pub fn min_dscr_at_least(outcome: &Outcome, floor: Decimal) -> bool {
    number(Metric::MinDscr, outcome).is_some_and(|x| x >= floor)
}

/// Every expectation written in the `expect` language holds; otherwise the ones
/// that fail, each with the outcome's value in the format of its kind, or the first
/// that does not parse.
///
/// ```
/// use boxflow_scenario::{Base, Outcome, Scenario, CustomerDefault};
/// use boxflow_testkit::{deals, predicates};
///
/// let base = Base::new(deals::valid(deals::reference_deal())).unwrap();
/// let mut walk_away = Scenario::new("default in month 12");
/// walk_away.customer_default = Some(CustomerDefault { period: 12, re_lease: None });
/// let outcome = Outcome::of(&walk_away.name, &base.run_scenario(&walk_away).unwrap(), false);
/// let failed = predicates::check(&outcome, &["lender_loss == 0", "min_dscr_period >= 1"]).unwrap_err();
/// assert!(failed.starts_with("lender_loss == 0 fails: lender_loss is "));
/// ```
pub fn check(outcome: &Outcome, expect: &[&str]) -> Result<(), String> {
    let mut failed = Vec::new();
    for text in expect {
        let e: Expectation = text.parse().map_err(|e| format!("{e}"))?;
        if !e.holds(outcome) {
            failed.push(format!("{e} fails: {} is {}", e.metric, e.actual(outcome)));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("; "))
    }
}
