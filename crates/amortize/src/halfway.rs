//! The halfway covenant (methodology section 11): is the senior repaid by the
//! contract's halfway point?

use boxflow_core::Money;
use serde::Serialize;

/// The repayment check of a balance path, for a close schedule or a run's actual balances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HalfwayCheck {
    /// `halfway_period = floor(N · repaid_by_fraction)`.
    pub halfway_period: usize,
    /// The closing balance of the halfway period (the balance at close for period 0).
    pub balance_at_halfway: Money,
    /// The first period in 1..N whose closing balance is 0 with no draws after it.
    pub repaid_period: Option<usize>,
    /// True when the balance at the halfway period is 0.
    pub passes: bool,
}

/// Checks a balance path: `balance_at_close` after the closing draws, then the
/// closing balance and the draws of each period 1..N (one draw per closing
/// balance).
///
/// ```
/// use boxflow_amortize::halfway_check;
/// use boxflow_core::Money;
/// let m = Money::from_cents;
/// let closing = [m(600), m(300), m(0), m(0)];
/// let draws = [m(0), m(0), m(0), m(0)];
/// let check = halfway_check(m(900), &closing, &draws, 2);
/// assert_eq!(check.repaid_period, Some(3));
/// assert!(!check.passes); // 3.00 still owed at period 2
/// ```
pub fn halfway_check(
    balance_at_close: Money,
    closing: &[Money],
    draws: &[Money],
    halfway_period: usize,
) -> HalfwayCheck {
    let path = closing.iter().copied().zip(draws.iter().copied());
    halfway_check_of_path(balance_at_close, path, halfway_period)
}

/// [`halfway_check`] of a path given period by period as `(closing balance,
/// draws)`, in one pass and without collecting it: the repaid period is the first
/// whose closing balance is 0 since the last period with draws (that period
/// included), found by forgetting any candidate at each draw.
///
/// ```
/// use boxflow_amortize::{halfway_check, halfway_check_of_path};
/// use boxflow_core::Money;
/// let m = Money::from_cents;
/// // Repaid at period 2, drawn again at 3, repaid again at 4: repaid at 4.
/// let path = [(m(500), m(0)), (m(0), m(0)), (m(100), m(100)), (m(0), m(0))];
/// let check = halfway_check_of_path(m(900), path, 2);
/// assert_eq!(check.repaid_period, Some(4));
/// assert_eq!(check.balance_at_halfway, m(0));
/// assert!(check.passes);
/// let (closing, draws): (Vec<Money>, Vec<Money>) = path.into_iter().unzip();
/// assert_eq!(check, halfway_check(m(900), &closing, &draws, 2));
/// ```
pub fn halfway_check_of_path(
    balance_at_close: Money,
    path: impl IntoIterator<Item = (Money, Money)>,
    halfway_period: usize,
) -> HalfwayCheck {
    let mut balance_at_halfway = balance_at_close;
    let mut repaid_period = None;
    for (k, (closing, draws)) in (1..).zip(path) {
        if k == halfway_period {
            balance_at_halfway = closing;
        }
        if !draws.is_zero() {
            repaid_period = None;
        }
        if closing.is_zero() && repaid_period.is_none() {
            repaid_period = Some(k);
        }
    }
    HalfwayCheck {
        halfway_period,
        balance_at_halfway,
        repaid_period,
        passes: balance_at_halfway.is_zero(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule as methodology section 11 words it, on whole vectors: the balance
    /// at the halfway period (at close for period 0 or past the end), and the first
    /// period whose closing balance is 0 at or after the last period with draws.
    fn by_the_rule(
        at_close: Money,
        closing: &[Money],
        draws: &[Money],
        halfway: usize,
    ) -> (Money, Option<usize>) {
        let balance = match halfway {
            0 => at_close,
            h => closing.get(h - 1).copied().unwrap_or(at_close),
        };
        let last_draw = draws
            .iter()
            .rposition(|d| !d.is_zero())
            .map_or(0, |i| i + 1);
        let repaid = (1..=closing.len()).find(|&k| closing[k - 1].is_zero() && k >= last_draw);
        (balance, repaid)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

        /// The one-pass check is the rule's, on paths of zeros and non-zeros with
        /// draws anywhere, for every halfway period in and beyond the path.
        #[test]
        fn one_pass_is_the_rule(
            path in prop::collection::vec((0_i64..=2, 0_i64..=1), 0..30),
            at_close in 0_i64..=2,
            halfway in 0_usize..32,
        ) {
            let m = Money::from_cents;
            let (closing, draws): (Vec<Money>, Vec<Money>) =
                path.iter().map(|&(c, d)| (m(c), m(d))).unzip();
            let check = halfway_check(m(at_close), &closing, &draws, halfway);
            let (balance, repaid) = by_the_rule(m(at_close), &closing, &draws, halfway);
            prop_assert_eq!(check.balance_at_halfway, balance);
            prop_assert_eq!(check.repaid_period, repaid);
            prop_assert_eq!(check.passes, balance.is_zero());
            prop_assert_eq!(check.halfway_period, halfway);
        }
    }
}
