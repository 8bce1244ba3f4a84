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
/// closing balance and the draws of each period 1..N.
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
    let balance_at_halfway = match halfway_period {
        0 => balance_at_close,
        h => closing.get(h - 1).copied().unwrap_or(balance_at_close),
    };
    let last_draw = draws
        .iter()
        .rposition(|d| !d.is_zero())
        .map_or(0, |i| i + 1);
    let repaid_period = closing
        .iter()
        .enumerate()
        .map(|(i, b)| (i + 1, b))
        .find(|(k, b)| b.is_zero() && *k >= last_draw)
        .map(|(k, _)| k);
    HalfwayCheck {
        halfway_period,
        balance_at_halfway,
        repaid_period,
        passes: balance_at_halfway.is_zero(),
    }
}
