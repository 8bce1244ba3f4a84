//! Numbers for people: the one place where money, ratios, DSCRs, percents and years
//! become text in tables, the HTML page, the workbook's labels and event descriptions.
//!
//! Every rounding here is half away from zero and applied once, to the exact value
//! (never to an already rounded one). Machine output keeps its own rule: the JSON
//! report writes exact strings (methodology section 13, [`crate::json`]).
//!
//! | what | rule | example |
//! |---|---|---|
//! | money | thousands separators, two decimals | `1,234,567.89` |
//! | count | [`count`]: thousands separators | `1,004` |
//! | money in thousands, millions | [`money_in`]: one or two decimals | `1,234.6`, `1.23` |
//! | money in millions on cards and chart axes | [`millions`]: [`money_in`] millions and `m` | `518.93m` |
//! | ratio | four decimals and `x` | `1.2951x` |
//! | DSCR | a ratio; `n.m. (CFADS < 0)` when negative | `n.m. (CFADS < 0)` |
//! | percent | times 100, two decimals and `%` | `12.35%` |
//! | years | two decimals | `2.35` |
//! | undefined | [`UNDEFINED`] | `-` |
//!
//! # Why four decimals for ratios
//! A covenant is tested on the exact ratio: a DSCR of 1.2950x fails a 1.30x covenant.
//! Shown to two decimals it would read "1.30x" beside the covenant it fails; to four
//! decimals it reads "1.2950x" beside "1.3000x".
//!
//! # Why "n.m." for a negative DSCR
//! With negative CFADS, `CFADS / debt service` is negative and moves towards zero as
//! debt service grows: a rate shock would "improve" -3.08x to -2.46x. The number is
//! not meaningful as a coverage, so people see [`NOT_MEANINGFUL`]; the JSON report
//! keeps the number.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::Money;

/// Shown for an undefined figure (a DSCR with no debt service, an IRR with no root).
pub const UNDEFINED: &str = "-";

/// Shown for a DSCR whose CFADS is negative.
pub const NOT_MEANINGFUL: &str = "n.m. (CFADS < 0)";

/// [`NOT_MEANINGFUL`] where space is short (a cell of a two-way table), with its
/// meaning given once in a legend.
pub const NOT_MEANINGFUL_SHORT: &str = "n.m.";

/// `x` rounded half away from zero to `decimals` places, with exactly that many
/// decimals and never a `-0`.
///
/// ```
/// use boxflow_core::format::fixed;
/// use rust_decimal::Decimal;
/// assert_eq!(fixed(Decimal::new(12345, 3), 2), "12.35"); // 12.345: the 5 rounds up
/// assert_eq!(fixed(Decimal::new(-12345, 3), 2), "-12.35"); // away from zero
/// assert_eq!(fixed(Decimal::new(-4, 3), 2), "0.00"); // -0.004: no "-0.00"
/// assert_eq!(fixed(Decimal::new(13, 1), 4), "1.3000");
/// ```
pub fn fixed(x: Decimal, decimals: u32) -> String {
    let mut r = x.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    if r.is_zero() {
        r = Decimal::ZERO;
    }
    r.rescale(decimals);
    r.to_string()
}

/// Money with thousands separators and two decimals.
///
/// ```
/// use boxflow_core::format::money;
/// use boxflow_core::Money;
/// assert_eq!(money(Money::from_cents(-123456789)), "-1,234,567.89");
/// assert_eq!(money(Money::from_cents(100000)), "1,000.00");
/// assert_eq!(money(Money::from_cents(99999)), "999.99");
/// assert_eq!(money(Money::from_cents(5)), "0.05");
/// assert_eq!(money(Money::ZERO), "0.00");
/// ```
pub fn money(m: Money) -> String {
    grouped(&m.to_string())
}

/// A count (points, runs) with thousands separators.
///
/// ```
/// use boxflow_core::format::count;
/// assert_eq!(count(1004), "1,004");
/// assert_eq!(count(7), "7");
/// assert_eq!(count(1_000_000), "1,000,000");
/// ```
pub fn count(n: u64) -> String {
    grouped(&n.to_string())
}

/// A decimal number's text with thousands separators in its whole part.
fn grouped(s: &str) -> String {
    let (sign, digits) = s.strip_prefix('-').map_or(("", s), |d| ("-", d));
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(sign.len() + int.len() + int.len() / 3 + 4);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// The unit money is shown in by [`money_in`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MoneyUnit {
    /// Currency units to the cent (as [`money`]).
    #[default]
    Cents,
    /// Thousands, one decimal.
    Thousands,
    /// Millions, two decimals.
    Millions,
}

impl MoneyUnit {
    /// The unit's suffix for a header: empty, `k` or `m`.
    pub fn suffix(self) -> &'static str {
        match self {
            MoneyUnit::Cents => "",
            MoneyUnit::Thousands => "k",
            MoneyUnit::Millions => "m",
        }
    }
}

/// Money in `unit`: thousands to one decimal, millions to two, each rounded half away
/// from zero from the exact amount, with thousands separators (no suffix: the header
/// of the table says the unit).
///
/// ```
/// use boxflow_core::format::{money_in, MoneyUnit};
/// use boxflow_core::Money;
/// let m = Money::from_cents(518_926_087_20);
/// assert_eq!(money_in(m, MoneyUnit::Millions), "518.93");
/// assert_eq!(money_in(m, MoneyUnit::Thousands), "518,926.1");
/// assert_eq!(money_in(m, MoneyUnit::Cents), "518,926,087.20");
/// assert_eq!(money_in(Money::from_cents(-5_000_00), MoneyUnit::Millions), "-0.01");
/// assert_eq!(money_in(Money::from_cents(-4_999_99), MoneyUnit::Millions), "0.00");
/// assert_eq!(money_in(Money::from_cents(1_234_567_890_00), MoneyUnit::Millions), "1,234.57");
/// ```
pub fn money_in(m: Money, unit: MoneyUnit) -> String {
    let (scale, decimals) = match unit {
        MoneyUnit::Cents => return money(m),
        MoneyUnit::Thousands => (3, 1),
        MoneyUnit::Millions => (6, 2),
    };
    let mut x = m.amount();
    // Dividing by a power of ten moves the decimal point: exact.
    if x.set_scale(x.scale() + scale).is_err() {
        return money(m);
    }
    grouped(&fixed(x, decimals))
}

/// A ratio (LLCR, a covenant level): four decimals and `x`; [`UNDEFINED`] for `None`.
///
/// ```
/// use boxflow_core::format::ratio;
/// use rust_decimal::Decimal;
/// // 1.29505: the fifth decimal is a 5, rounded away from zero.
/// assert_eq!(ratio(Some(Decimal::new(129505, 5))), "1.2951x");
/// // 1.29499999: below the midpoint, rounded down, not to "1.30x".
/// assert_eq!(ratio(Some(Decimal::new(129499999, 8))), "1.2950x");
/// assert_eq!(ratio(Some(Decimal::new(13, 1))), "1.3000x");
/// assert_eq!(ratio(None), "-");
/// ```
pub fn ratio(x: Option<Decimal>) -> String {
    x.map_or(UNDEFINED.into(), |x| fixed(x, 4) + "x")
}

/// A DSCR: a [`ratio`], or [`NOT_MEANINGFUL`] when it is negative (CFADS < 0; debt
/// service is never negative).
///
/// ```
/// use boxflow_core::format::dscr;
/// use rust_decimal::Decimal;
/// assert_eq!(dscr(Some(Decimal::new(-308, 2))), "n.m. (CFADS < 0)");
/// assert_eq!(dscr(Some(Decimal::ZERO)), "0.0000x");
/// assert_eq!(dscr(Some(Decimal::new(13000000007, 10))), "1.3000x");
/// assert_eq!(dscr(None), "-");
/// ```
pub fn dscr(x: Option<Decimal>) -> String {
    match x {
        Some(d) if d.is_sign_negative() && !d.is_zero() => NOT_MEANINGFUL.into(),
        _ => ratio(x),
    }
}

/// A rate, share, IRR or LTV as a percentage with two decimals; [`UNDEFINED`] for
/// `None`.
///
/// ```
/// use boxflow_core::format::percent;
/// use rust_decimal::Decimal;
/// // 0.12345 = 12.345%: the third decimal is a 5, rounded away from zero (a
/// // half-to-even rounding would show 12.34%).
/// assert_eq!(percent(Some(Decimal::new(12345, 5))), "12.35%");
/// assert_eq!(percent(Some(Decimal::new(-12345, 5))), "-12.35%");
/// assert_eq!(percent(Some(Decimal::new(-175, 3))), "-17.50%");
/// assert_eq!(percent(Some(Decimal::new(4738326617, 10))), "47.38%");
/// assert_eq!(percent(None), "-");
/// ```
pub fn percent(x: Option<Decimal>) -> String {
    x.map_or(UNDEFINED.into(), |x| {
        fixed(x * Decimal::ONE_HUNDRED, 2) + "%"
    })
}

/// A number of years (WAL) with two decimals; [`UNDEFINED`] for `None`.
///
/// ```
/// use boxflow_core::format::years;
/// use rust_decimal::Decimal;
/// assert_eq!(years(Some(Decimal::new(2345, 3))), "2.35");
/// assert_eq!(years(Some(Decimal::new(2344999, 6))), "2.34");
/// assert_eq!(years(None), "-");
/// ```
pub fn years(x: Option<Decimal>) -> String {
    x.map_or(UNDEFINED.into(), |x| fixed(x, 2))
}

/// Money in millions with `m`, for headline cards and chart axes where full cents
/// would not fit (tables keep [`money`]): [`money_in`] in millions, then `m`.
///
/// ```
/// use boxflow_core::format::millions;
/// use boxflow_core::Money;
/// assert_eq!(millions(Money::from_cents(518_926_087_20)), "518.93m");
/// // 1,235,000.00 is 1.235m: the third decimal is a 5, rounded away from zero.
/// assert_eq!(millions(Money::from_cents(1_235_000_00)), "1.24m");
/// assert_eq!(millions(Money::from_cents(-1_235_000_00)), "-1.24m");
/// assert_eq!(millions(Money::from_cents(1_000_000_000_00)), "1,000.00m");
/// assert_eq!(millions(Money::from_cents(-4_000_00)), "0.00m"); // no "-0.00m"
/// assert_eq!(millions(Money::ZERO), "0.00m");
/// ```
pub fn millions(m: Money) -> String {
    money_in(m, MoneyUnit::Millions) + "m"
}
