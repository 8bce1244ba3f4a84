//! Schedule projection and debt sizing (methodology sections 6 and 7) over generated
//! plain inputs: no deal sheet, just [`ScheduleTerms`] built in code.
//!
//! The properties compare the engine with an independent reading of the methodology
//! written here: a reference projector (draws, interest, commitment fee and the
//! principal of every profile, period by period) and the literal integer-cents
//! bisection of section 7, which calls only [`ScheduleTerms::feasible`]. Hand-worked
//! values (annuities, a level schedule) are quoted where they are asserted.

use std::str::FromStr;

use boxflow_amortize::{
    level_fall, level_payment, pro_rata_draws, Binding, CapexPayment, Profile, Schedule,
    SchedulePeriod, ScheduleTerms,
};
use boxflow_core::{Calendar, DayCount, Frequency, Money, Ratio, Share};
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

// ---------------------------------------------------------------------------
// Small helpers, written from the methodology rather than taken from the engine.
// ---------------------------------------------------------------------------

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn money(s: &str) -> Money {
    Money::exact(d(s)).unwrap()
}

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

/// `round2`: half away from zero.
fn r2(x: Decimal) -> Money {
    Money::exact(x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)).unwrap()
}

/// `floor2`: toward negative infinity.
fn f2(x: Decimal) -> Money {
    Money::exact(x.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity)).unwrap()
}

fn last_day_of_month(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    day(ny, nm, 1).pred_opt().unwrap().day()
}

// ---------------------------------------------------------------------------
// Generated inputs.
// ---------------------------------------------------------------------------

/// The shape of the CFADS profile.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Flat,
    /// Rising linearly to the base over the first third, then flat.
    Ramp,
    /// The base moved by up to ±60% each period.
    Noisy,
    /// Noisy, with some periods at zero and some negative.
    Holes,
    AllZero,
    AllNegative,
}

/// The raw draws a case is built from; [`Params::build`] turns them into valid terms.
#[derive(Clone, Debug)]
struct Params {
    quarterly: bool,
    n: usize,
    close: (i32, u32, u32),
    /// Picks `H` in `1..=N`.
    deadline: prop::sample::Index,
    /// Picks `g` in `0..H` (zero two times in three).
    io: (bool, prop::sample::Index),
    shape: Shape,
    base_cents: i64,
    noise: Vec<i32>,
    kinds: Vec<u8>,
    /// Rate of period 1 in basis points and, when floating, a step per period.
    rate_bp: i64,
    rate_steps: Option<Vec<i64>>,
    fee_bp: i64,
    day_count: DayCount,
    /// (at close?, period pick, day pick, amount in cents)
    capex: Vec<(bool, prop::sample::Index, prop::sample::Index, i64)>,
    profile: u8,
    weights: Vec<u32>,
    dscr_pct: i64,
    gearing_pct: i64,
    /// A share (percent) of CFADS already taken by debt service ranking ahead.
    prior_pct: Option<i64>,
}

fn arb_day_count() -> impl Strategy<Value = DayCount> {
    prop_oneof![
        Just(DayCount::Act360),
        Just(DayCount::Act365F),
        Just(DayCount::Thirty360)
    ]
}

fn arb_shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        3 => Just(Shape::Flat),
        2 => Just(Shape::Ramp),
        3 => Just(Shape::Noisy),
        2 => Just(Shape::Holes),
        1 => Just(Shape::AllZero),
        1 => Just(Shape::AllNegative),
    ]
}

fn arb_rate_bp() -> impl Strategy<Value = i64> {
    prop_oneof![1 => Just(0_i64), 4 => 0_i64..=1500]
}

/// Generated parameters; `profile` fixes the amortization profile (0 sculpted,
/// 1 level, 2 straight line, 3 bullet, 4 custom) or leaves it to chance.
fn arb_params(profile: Option<u8>) -> impl Strategy<Value = Params> {
    let calendar = (
        any::<bool>(),
        1_usize..=120,
        (
            2024_i32..=2031,
            1_u32..=12,
            prop::sample::select(vec![1_u32, 10, 15, 28, 29, 30, 31]),
        ),
        any::<prop::sample::Index>(),
        (prop::bool::weighted(0.33), any::<prop::sample::Index>()),
    );
    let cash = (
        arb_shape(),
        prop_oneof![1 => 0_i64..=100_000, 6 => 1_000_000_i64..=2_000_000_000],
        prop::collection::vec(-60_i32..=60, 120),
        prop::collection::vec(0_u8..100, 120),
        prop::option::weighted(0.2, 1_i64..=50),
    );
    let rates = (
        arb_rate_bp(),
        prop::option::weighted(0.4, prop::collection::vec(-60_i64..=60, 120)),
        prop_oneof![1 => Just(0_i64), 2 => 0_i64..=100],
        arb_day_count(),
    );
    let capex = prop::collection::vec(
        (
            prop::bool::weighted(0.5),
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
            prop_oneof![1 => 0_i64..=100, 8 => 100_000_i64..=5_000_000_000],
        ),
        1..=4,
    );
    let shape = (
        match profile {
            Some(p) => Just(p).boxed(),
            None => (0_u8..5).boxed(),
        },
        prop::collection::vec(0_u32..=1000, 120),
        105_i64..=200,
        30_i64..=95,
    );
    (calendar, cash, rates, capex, shape).prop_map(
        |(
            (quarterly, n, close, deadline, io),
            (shape, base_cents, noise, kinds, prior_pct),
            (rate_bp, rate_steps, fee_bp, day_count),
            capex,
            (profile, weights, dscr_pct, gearing_pct),
        )| Params {
            quarterly,
            n,
            close,
            deadline,
            io,
            shape,
            base_cents,
            noise,
            kinds,
            rate_bp,
            rate_steps,
            fee_bp,
            day_count,
            capex,
            profile,
            weights,
            dscr_pct,
            gearing_pct,
            prior_pct,
        },
    )
}

/// A built case: the terms and the sizing bound `upper = floor2(max_gearing · T)`.
#[derive(Clone, Debug)]
struct Case {
    terms: ScheduleTerms,
    upper: Money,
}

impl Params {
    fn build(&self) -> Case {
        let (y, mo, dd) = self.close;
        let close = day(y, mo, dd.min(last_day_of_month(y, mo)));
        let frequency = if self.quarterly {
            Frequency::Quarterly
        } else {
            Frequency::Monthly
        };
        let m = frequency.months();
        let calendar = Calendar::new(close, frequency, self.n as u32 * m).unwrap();
        let n = self.n;
        let deadline = 1 + self.deadline.index(n);
        let g = if self.io.0 {
            self.io.1.index(deadline)
        } else {
            0
        };

        let base = self.base_cents;
        let cfads: Vec<i64> = (0..n)
            .map(|i| match self.shape {
                Shape::Flat => base,
                Shape::Ramp => {
                    let ramp = (n / 3).max(1) as i64;
                    base * (i as i64 + 1).min(ramp) / ramp
                }
                Shape::Noisy => base * (100 + i64::from(self.noise[i])) / 100,
                Shape::Holes => match self.kinds[i] {
                    0..=7 => 0,
                    8..=15 => -base * i64::from(self.noise[i].abs() + 1) / 100,
                    _ => base * (100 + i64::from(self.noise[i])) / 100,
                },
                Shape::AllZero => 0,
                Shape::AllNegative => -base * i64::from(self.noise[i].abs() + 1) / 100 - 1,
            })
            .collect();

        let mut rate_bp = self.rate_bp;
        let periods: Vec<SchedulePeriod> = calendar
            .periods()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if let (Some(steps), true) = (&self.rate_steps, i > 0) {
                    rate_bp = (rate_bp + steps[i]).clamp(0, 1500);
                }
                let prior = match self.prior_pct {
                    Some(pct) if cfads[i] > 0 => cfads[i] * pct / 100,
                    _ => 0,
                };
                SchedulePeriod {
                    start: p.start,
                    end: p.end,
                    rate: Decimal::new(rate_bp, 4),
                    cfads: Money::from_cents(cfads[i]),
                    prior_debt_service: Money::from_cents(prior),
                }
            })
            .collect();

        // Capex at close, or dated inside periods 1..=H (draws must precede the deadline).
        let mut capex: Vec<CapexPayment> = self
            .capex
            .iter()
            .map(|(at_close, k, dd, cents)| {
                let amount = Money::from_cents(*cents);
                if *at_close {
                    CapexPayment {
                        date: close,
                        period: 0,
                        amount,
                    }
                } else {
                    let k = 1 + k.index(deadline);
                    let p = calendar.period(k).unwrap();
                    let date = p.start + chrono::Days::new(1 + dd.index(p.days as usize) as u64);
                    CapexPayment {
                        date,
                        period: k,
                        amount,
                    }
                }
            })
            .collect();
        capex.sort_by_key(|c| c.date); // stable: order of appearance within a date
        let mut total: Money = capex.iter().map(|c| c.amount).sum();
        if total.is_zero() {
            capex[0].amount = Money::from_cents(100);
            total = capex.iter().map(|c| c.amount).sum();
        }

        let window = deadline - g;
        let profile = match self.profile {
            0 => Profile::Sculpted,
            1 => Profile::Level,
            2 => Profile::StraightLine,
            3 => Profile::Bullet,
            _ => Profile::Custom(shares_summing_to_one(&self.weights[..window])),
        };
        let rate_at_close = periods[0].rate;
        let terms = ScheduleTerms {
            periods,
            capex,
            total_capex: total,
            day_count: self.day_count,
            commitment_fee: Decimal::new(self.fee_bp, 4),
            profile,
            interest_only_periods: g,
            deadline,
            dscr: Some(Ratio::new(Decimal::new(self.dscr_pct, 2))),
            rate_at_close,
            months_per_period: m,
        };
        let upper = f2(Decimal::new(self.gearing_pct, 2) * total.amount());
        Case { terms, upper }
    }
}

/// Shares in millionths summing exactly to 1, in proportion to the weights (all to
/// the last share when every weight is 0).
fn shares_summing_to_one(weights: &[u32]) -> Vec<Share> {
    const UNIT: u64 = 1_000_000;
    let sum: u64 = weights.iter().map(|w| u64::from(*w)).sum();
    let mut parts: Vec<u64> = weights
        .iter()
        .map(|w| (u64::from(*w) * UNIT).checked_div(sum).unwrap_or(0))
        .collect();
    let given: u64 = parts[..parts.len() - 1].iter().sum();
    *parts.last_mut().unwrap() = UNIT - given;
    let shares: Vec<Share> = parts
        .iter()
        .map(|p| Share::new(Decimal::new(*p as i64, 6)))
        .collect();
    debug_assert_eq!(
        shares.iter().map(|s| s.value()).sum::<Decimal>(),
        Decimal::ONE
    );
    shares
}

fn arb_case(profile: Option<u8>) -> impl Strategy<Value = Case> {
    arb_params(profile).prop_map(|p| p.build())
}

// ---------------------------------------------------------------------------
// The reference: section 7 read literally.
// ---------------------------------------------------------------------------

/// The integer-cents bisection of section 7, calling only `feasible`:
/// if feasible(hi) the answer is hi ("gearing"); else lo = 0 and, while hi - lo > 1
/// cent, mid = floor((lo + hi) / 2), feasible -> lo = mid, else hi = mid; the answer
/// is lo ("dscr").
/// Also returns the number of feasibility evaluations (printed as `sizing_iterations`).
fn reference_bisection(terms: &ScheduleTerms, upper: Money) -> (Money, Binding, u32) {
    let feasible = |cents: i128| {
        terms
            .feasible(Money::from_cents(i64::try_from(cents).unwrap()))
            .unwrap()
    };
    let hi = upper.cents().max(0);
    if feasible(hi) {
        return (Money::from_cents(hi as i64), Binding::Gearing, 1);
    }
    let (mut lo, mut hi, mut evaluations) = (0_i128, hi, 1);
    while hi - lo > 1 {
        let mid = (lo + hi).div_euclid(2);
        evaluations += 1;
        if feasible(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (Money::from_cents(lo as i64), Binding::Dscr, evaluations)
}

/// One period of the reference projection.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    opening: Money,
    draws: Money,
    interest: Money,
    fee: Money,
    principal: Money,
    closing: Money,
}

/// `round2(amount · rate · yf(from, to))`, one product divided last.
fn accrue(dc: DayCount, amount: Money, rate: Decimal, from: NaiveDate, to: NaiveDate) -> Money {
    let (num, den) = dc.fraction(from, to);
    r2(amount.amount() * rate * Decimal::from(num) / Decimal::from(den))
}

/// `(1 + r)^n` by repeated multiplication.
fn growth(r: Decimal, n: usize) -> Decimal {
    (0..n).fold(Decimal::ONE, |acc, _| acc * (Decimal::ONE + r))
}

/// The level annuity of section 7: `round2(C · r / (1 - (1+r)^-n))`, or `round2(C / n)`.
fn annuity(c: Money, r: Decimal, n: usize) -> Money {
    if r.is_zero() {
        r2(c.amount() / Decimal::from(n as u64))
    } else {
        r2(c.amount() * r / (Decimal::ONE - Decimal::ONE / growth(r, n)))
    }
}

/// The close schedule of `c`, projected from sections 4, 6 and 7 as written.
fn reference_projection(t: &ScheduleTerms, c: Money) -> Vec<Row> {
    // Section 4: draw = round2(C · payment / T); the last non-zero payment draws the
    // remainder and a zero payment draws nothing (A98).
    let mut draws = Vec::new();
    let mut so_far = Money::ZERO;
    let last = t.capex.iter().rposition(|p| !p.amount.is_zero());
    for (i, p) in t.capex.iter().enumerate() {
        let draw = if t.total_capex.is_zero() || c.is_zero() || p.amount.is_zero() {
            Money::ZERO
        } else if Some(i) == last {
            c - so_far
        } else {
            r2(c.amount() * p.amount.amount() / t.total_capex.amount())
        };
        so_far += draw;
        draws.push(draw);
    }
    let at_close: Money = t
        .capex
        .iter()
        .zip(&draws)
        .filter(|(p, _)| p.period == 0)
        .map(|(_, d)| *d)
        .sum();
    let (g, h) = (t.interest_only_periods, t.deadline);
    let n = h - g;
    let r = t.rate_at_close * Decimal::from(t.months_per_period) / Decimal::from(12);
    let a = annuity(c, r, n);
    let mut nominal = c;
    let (mut balance, mut drawn) = (at_close, at_close);
    let mut rows = Vec::new();
    for (i, p) in t.periods.iter().enumerate() {
        let k = i + 1;
        let opening = balance;
        let mut interest = accrue(t.day_count, opening, p.rate, p.start, p.end);
        let mut draws_k = Money::ZERO;
        for (cp, draw) in t.capex.iter().zip(&draws).filter(|(cp, _)| cp.period == k) {
            interest += accrue(t.day_count, *draw, p.rate, cp.date, p.end);
            draws_k += *draw;
        }
        let fee = accrue(t.day_count, c - drawn, t.commitment_fee, p.start, p.end);
        drawn += draws_k;
        let after = opening + draws_k;
        let principal = if k <= g || k > h {
            Money::ZERO
        } else if k == h {
            after
        } else {
            let j = k - g;
            let wanted = match &t.profile {
                Profile::Sculpted => {
                    let cap = f2(p.cfads.amount() / t.dscr.unwrap().value()) - p.prior_debt_service;
                    (cap - interest - fee).max(Money::ZERO)
                }
                Profile::Level => {
                    // Section 0: the product nominal · rate · m, divided last by 12.
                    let fall = a - r2(nominal.amount()
                        * t.rate_at_close
                        * Decimal::from(t.months_per_period)
                        / Decimal::from(12));
                    nominal -= fall;
                    fall.max(Money::ZERO)
                }
                Profile::StraightLine => r2(c.amount() / Decimal::from(n as u64)),
                Profile::Bullet => Money::ZERO,
                Profile::Custom(shares) => r2(c.amount() * shares[j - 1].value()),
            };
            wanted.min(after)
        };
        balance = after - principal;
        rows.push(Row {
            opening,
            draws: draws_k,
            interest,
            fee,
            principal,
            closing: balance,
        });
    }
    rows
}

fn rows_of(s: &Schedule) -> Vec<Row> {
    s.rows
        .iter()
        .map(|r| Row {
            opening: r.opening,
            draws: r.draws,
            interest: r.interest,
            fee: r.commitment_fee,
            principal: r.principal,
            closing: r.closing,
        })
        .collect()
}

/// A commitment between 0 and `T`, picked by a per-mille fraction.
fn some_commitment(t: &ScheduleTerms, permille: i64) -> Money {
    f2(t.total_capex.amount() * Decimal::new(permille, 3))
}

/// The structural rules every projected schedule obeys (section 7).
fn check_structure(t: &ScheduleTerms, s: &Schedule) -> Result<(), TestCaseError> {
    let c = s.commitment;
    let (g, h) = (t.interest_only_periods, t.deadline);
    prop_assert_eq!(s.rows.len(), t.periods.len());
    let drawn: Money = s.closing_draws + s.rows.iter().map(|r| r.draws).sum::<Money>();
    prop_assert_eq!(drawn, c, "draws sum to C");
    let repaid: Money = s.rows.iter().map(|r| r.principal).sum();
    prop_assert_eq!(repaid, c, "Σ principal = C");
    let mut balance = s.closing_draws;
    for r in &s.rows {
        let k = r.period;
        prop_assert_eq!(r.opening, balance, "period {} opens at the last closing", k);
        prop_assert_eq!(r.closing, r.opening + r.draws - r.principal);
        prop_assert!(!r.opening.is_negative() && !r.closing.is_negative());
        prop_assert!(!r.principal.is_negative() && !r.interest.is_negative());
        prop_assert!(!r.commitment_fee.is_negative());
        if k <= g || k > h {
            prop_assert!(
                r.principal.is_zero(),
                "principal outside the window, period {}",
                k
            );
        }
        if k >= h {
            prop_assert!(
                r.closing.is_zero(),
                "balance after the deadline, period {}",
                k
            );
        }
        balance = r.closing;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Hand-worked values.
// ---------------------------------------------------------------------------

#[test]
fn level_payment_matches_the_annuity_closed_form() {
    // PMT(0.08/4, 20, 1,000,000): (1.02)^20 = 1.485947396, 1 - 1/1.485947396 =
    // 0.327028667, 20,000 / 0.327028667 = 61,156.718 -> 61,156.72.
    let a = level_payment(money("1000000"), d("0.08"), 3, 20).unwrap();
    assert_eq!(a, money("61156.72"));
    // PMT(0.06/12, 12, 12,000): 60 / (1 - 1.005^-12) = 60 / 0.0580953 = 1,032.797 -> 1,032.80.
    let a = level_payment(money("12000"), d("0.06"), 1, 12).unwrap();
    assert_eq!(a, money("1032.80"));
    // PMT(0.05/12, 360, 100,000) = 536.82 (the textbook mortgage).
    let a = level_payment(money("100000"), d("0.05"), 1, 360).unwrap();
    assert_eq!(a, money("536.82"));
    // Zero rate: round2(C / n) = round2(1,000,000 / 3) = 333,333.33.
    let a = level_payment(money("1000000"), Decimal::ZERO, 1, 3).unwrap();
    assert_eq!(a, money("333333.33"));
}

/// Section 0, divide last, in the level schedule. C = 191,722,200.00 drawn at close,
/// 9.25% fixed, monthly, level over n = 12 periods.
///
/// A = round2(C · r / (1 - (1+r)^-n)) with r = 0.0925 / 12; dividing last,
/// A = C · 0.0925 · 12.0925^12 / (12 · (12.0925^12 - 12^12)) = 16,788,624.48837…
/// (60 digits with Python's `decimal`) → 16,788,624.49.
///
/// Period 1: nominal · rate · m / 12 = 191,722,200.00 · 0.0925 / 12 = 17,734,303.5 / 12
/// = 1,477,858.625 exactly, half a cent: round2 → 1,477,858.63 (half away from zero).
/// With r first represented in 28 digits (0.007708333…33) the product is
/// 1,477,858.62499…, which rounds to .62. Fall = 16,788,624.49 - 1,477,858.63 =
/// 15,310,765.86; nominal 176,411,434.14.
/// Period 2: 176,411,434.14 · 0.0925 / 12 = 1,359,838.1381625 → 1,359,838.14;
/// fall 15,428,786.35.
#[test]
fn level_fall_divides_last_on_an_exact_half_cent() {
    assert_eq!(
        level_payment(money("191722200"), d("0.0925"), 1, 12).unwrap(),
        money("16788624.49")
    );
    assert_eq!(
        level_fall(money("16788624.49"), money("191722200"), d("0.0925"), 1).unwrap(),
        money("15310765.86")
    );
    let close = day(2026, 1, 1);
    let calendar = Calendar::new(close, Frequency::Monthly, 12).unwrap();
    let terms = ScheduleTerms {
        periods: calendar
            .periods()
            .iter()
            .map(|p| SchedulePeriod {
                start: p.start,
                end: p.end,
                rate: d("0.0925"),
                cfads: Money::ZERO,
                prior_debt_service: Money::ZERO,
            })
            .collect(),
        capex: vec![CapexPayment {
            date: close,
            period: 0,
            amount: money("191722200"),
        }],
        total_capex: money("191722200"),
        day_count: DayCount::Act360,
        commitment_fee: Decimal::ZERO,
        profile: Profile::Level,
        interest_only_periods: 0,
        deadline: 12,
        dscr: None,
        rate_at_close: d("0.0925"),
        months_per_period: 1,
    };
    let s = terms.project(money("191722200")).unwrap();
    assert_eq!(s.rows[0].principal, money("15310765.86"));
    assert_eq!(s.rows[1].principal, money("15428786.35"));
}

/// Quarterly 8% fixed from 2026-01-01, 1,000,000.00 drawn at close, level over four
/// quarters: r = 0.08 · 3 / 12 = 0.02, A = PMT(0.02, 4, 1,000,000) = 20,000 /
/// (1 - 1.02^-4) = 20,000 / 0.07615457 = 262,623.75.
/// The nominal balance falls by A - round2(nominal · rate · m / 12):
///   q1: 262,623.75 - 20,000.00 = 242,623.75, nominal 757,376.25;
///   q2: 262,623.75 - round2(15,147.525) = 262,623.75 - 15,147.53 = 247,476.22, nominal 509,900.03;
///   q3: 262,623.75 - round2(10,198.0006) = 262,623.75 - 10,198.00 = 252,425.75, nominal 257,474.28;
///   q4 = H clears the projected balance: 257,474.28.
/// Interest is on the projected balance for the actual days (ACT/360): q1 has 90 days,
/// 1,000,000 · 0.08 · 90 / 360 = 20,000.00.
#[test]
fn level_schedule_worked_by_hand() {
    let close = day(2026, 1, 1);
    let calendar = Calendar::new(close, Frequency::Quarterly, 12).unwrap();
    let terms = ScheduleTerms {
        periods: calendar
            .periods()
            .iter()
            .map(|p| SchedulePeriod {
                start: p.start,
                end: p.end,
                rate: d("0.08"),
                cfads: money("1000000"),
                prior_debt_service: Money::ZERO,
            })
            .collect(),
        capex: vec![CapexPayment {
            date: close,
            period: 0,
            amount: money("1000000"),
        }],
        total_capex: money("1000000"),
        day_count: DayCount::Act360,
        commitment_fee: Decimal::ZERO,
        profile: Profile::Level,
        interest_only_periods: 0,
        deadline: 4,
        dscr: None,
        rate_at_close: d("0.08"),
        months_per_period: 3,
    };
    let s = terms.project(money("1000000")).unwrap();
    let principal: Vec<Money> = s.rows.iter().map(|r| r.principal).collect();
    assert_eq!(
        principal,
        [
            money("242623.75"),
            money("247476.22"),
            money("252425.75"),
            money("257474.28")
        ]
    );
    assert_eq!(s.rows[0].interest, money("20000.00"));
    assert_eq!(s.rows[3].closing, Money::ZERO);
}

/// Ruling A98: C = 200,000.01 over payments of 150,000.00, 150,000.00 and 0.00 (T =
/// 300,000.00). The first draws round2(200,000.01 · 150,000 / 300,000) =
/// round2(100,000.005) = 100,000.01; the second, the last non-zero payment, draws the
/// remainder 200,000.01 - 100,000.01 = 100,000.00; the zero payment draws nothing (it
/// used to take the remainder 200,000.01 - 200,000.02 = -0.01). A zero payment before
/// the last non-zero one draws nothing either.
#[test]
fn a_zero_payment_draws_nothing_and_the_last_non_zero_takes_the_remainder() {
    let c = money("200000.01");
    let t = money("300000");
    let draws = pro_rata_draws(c, &[money("150000"), money("150000"), Money::ZERO], t).unwrap();
    assert_eq!(draws, [money("100000.01"), money("100000.00"), Money::ZERO]);
    let draws = pro_rata_draws(c, &[money("150000"), Money::ZERO, money("150000")], t).unwrap();
    assert_eq!(draws, [money("100000.01"), Money::ZERO, money("100000.00")]);
}

/// Straight line with three window periods: round2(100.00 / 3) = 33.33 twice, and the
/// deadline clears 33.34. Custom 0.25 / 0.25 / 0.5 of 100.01: round2(25.0025) = 25.00,
/// 25.00, then the deadline clears 50.01.
#[test]
fn straight_line_and_custom_worked_by_hand() {
    let close = day(2026, 1, 31);
    let calendar = Calendar::new(close, Frequency::Monthly, 3).unwrap();
    let mut terms = ScheduleTerms {
        periods: calendar
            .periods()
            .iter()
            .map(|p| SchedulePeriod {
                start: p.start,
                end: p.end,
                rate: Decimal::ZERO,
                cfads: Money::ZERO,
                prior_debt_service: Money::ZERO,
            })
            .collect(),
        capex: vec![CapexPayment {
            date: close,
            period: 0,
            amount: money("200"),
        }],
        total_capex: money("200"),
        day_count: DayCount::Act360,
        commitment_fee: Decimal::ZERO,
        profile: Profile::StraightLine,
        interest_only_periods: 0,
        deadline: 3,
        dscr: None,
        rate_at_close: Decimal::ZERO,
        months_per_period: 1,
    };
    let p = |s: &Schedule| s.rows.iter().map(|r| r.principal).collect::<Vec<_>>();
    let s = terms.project(money("100")).unwrap();
    assert_eq!(p(&s), [money("33.33"), money("33.33"), money("33.34")]);
    terms.profile = Profile::Custom(vec![
        Share::new(d("0.25")),
        Share::new(d("0.25")),
        Share::new(d("0.5")),
    ]);
    let s = terms.project(money("100.01")).unwrap();
    assert_eq!(p(&s), [money("25.00"), money("25.00"), money("50.01")]);
}

// ---------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Sizing returns C <= upper; "dscr": feasible(C) and not feasible(C + 0.01);
    /// "gearing": feasible(upper) and C = upper; at most 1 + 64 evaluations.
    #[test]
    fn sizing_is_bounded_and_tight(case in arb_case(None)) {
        let Case { terms, upper } = case;
        let sizing = terms.size(upper).unwrap();
        let c = sizing.commitment;
        prop_assert!(c <= upper && !c.is_negative());
        prop_assert!(sizing.iterations <= 64, "{} iterations", sizing.iterations);
        match sizing.binding {
            Binding::Dscr => {
                prop_assert!(terms.feasible(c).unwrap());
                prop_assert!(!terms.feasible(c + Money::from_cents(1)).unwrap());
            }
            Binding::Gearing => {
                prop_assert_eq!(c, upper);
                prop_assert!(terms.feasible(upper).unwrap());
            }
        }
        prop_assert_eq!(&sizing.schedule, &terms.project(c).unwrap());
    }

    /// The engine returns what the literal bisection of section 7 returns.
    #[test]
    fn sizing_equals_the_reference_bisection(case in arb_case(None)) {
        let Case { terms, upper } = case;
        let sizing = terms.size(upper).unwrap();
        let (c, binding, evaluations) = reference_bisection(&terms, upper);
        prop_assert_eq!(sizing.commitment, c);
        prop_assert_eq!(sizing.binding, binding);
        prop_assert_eq!(sizing.iterations, evaluations);
    }

    /// Every projected schedule equals the reference projection of sections 4, 6 and 7,
    /// row by row, for the sized commitment and for an arbitrary one in 0..=T.
    #[test]
    fn projection_equals_the_reference(case in arb_case(None), permille in 0_i64..=1000) {
        let Case { terms, upper } = case;
        let sized = terms.size(upper).unwrap().commitment;
        for c in [sized, some_commitment(&terms, permille)] {
            let s = terms.project(c).unwrap();
            prop_assert_eq!(rows_of(&s), reference_projection(&terms, c), "C = {}", c);
        }
    }

    /// Balances never negative, Σ draws = Σ principal = C, closed at H and after,
    /// principal 0 outside the window: every profile, any C in 0..=T.
    #[test]
    fn every_schedule_repays_c_by_the_deadline(case in arb_case(None), permille in 0_i64..=1000) {
        let Case { terms, upper } = case;
        let sized = terms.size(upper).unwrap().commitment;
        for c in [sized, some_commitment(&terms, permille), terms.total_capex] {
            check_structure(&terms, &terms.project(c).unwrap())?;
        }
    }

    /// Sculpted: before the deadline, debt service is exactly the cap whenever p_k > 0
    /// and the balance did not limit it, for any C; for the sized C, debt service stays
    /// within the cap in the whole window and the DSCR is at least the target.
    #[test]
    fn sculpted_debt_service_meets_the_cap(case in arb_case(Some(0)), permille in 0_i64..=1000) {
        let Case { terms, upper } = case;
        let target = terms.dscr.unwrap().value();
        let sized = terms.size(upper).unwrap().commitment;
        for c in [sized, some_commitment(&terms, permille)] {
            let s = terms.project(c).unwrap();
            for r in s.rows.iter().filter(|r| terms.in_window(r.period)) {
                let cap = r.cap.unwrap();
                // cap_k = floor2(CFADS_k / dscr) - prior debt service
                let own_cap = f2(r.cfads.amount() / target)
                    - terms.periods[r.period - 1].prior_debt_service;
                prop_assert_eq!(cap, own_cap);
                let ds = r.debt_service();
                let limited = r.principal == r.opening + r.draws;
                if r.period < terms.deadline && r.principal.is_positive() && !limited {
                    prop_assert!(ds <= cap && (cap - ds) < Money::from_cents(1),
                        "period {}: debt service {} cap {}", r.period, ds, cap);
                }
                // C = 0 is feasible by definition, whatever the caps.
                if c == sized && c.is_positive() {
                    prop_assert!(ds <= cap, "period {}: {} > cap {}", r.period, ds, cap);
                    if ds.is_positive() {
                        prop_assert!(r.cfads.amount() / ds.amount() >= target);
                    }
                }
            }
        }
    }

    /// Level: A is the annuity closed form (f64, to the cent) and the nominal balance
    /// falls by A - round2(nominal · rate · m / 12) every window period before the deadline.
    #[test]
    fn level_follows_the_annuity(case in arb_case(Some(1)), permille in 1_i64..=1000) {
        let Case { terms, .. } = case;
        let c = some_commitment(&terms, permille);
        let n = terms.window_len();
        let m = Decimal::from(terms.months_per_period);
        let r = terms.rate_at_close * m / Decimal::from(12);
        let a = level_payment(c, terms.rate_at_close, terms.months_per_period, n).unwrap();
        let (cf, rf): (f64, f64) = (c.amount().try_into().unwrap(), r.try_into().unwrap());
        let pmt = if rf == 0.0 { cf / n as f64 } else { cf * rf / (1.0 - (1.0 + rf).powi(-(n as i32))) };
        let af: f64 = a.amount().try_into().unwrap();
        prop_assert!((af - pmt).abs() <= 0.005 + 1e-9 * pmt.abs(), "A = {} vs PMT {}", a, pmt);
        let s = terms.project(c).unwrap();
        let mut nominal = c;
        for row in s.rows.iter().filter(|row| terms.in_window(row.period) && row.period < terms.deadline) {
            let fall = a - r2(nominal.amount() * terms.rate_at_close * m / Decimal::from(12));
            nominal -= fall;
            let after = row.opening + row.draws;
            prop_assert_eq!(row.principal, fall.max(Money::ZERO).min(after), "period {}", row.period);
        }
    }

    /// Straight line: round2(C / n) each window period but the last, which clears;
    /// custom: round2(C · share_j); bullet: nothing before the deadline. Each capped by
    /// the projected balance after the period's draws.
    #[test]
    fn straight_line_custom_and_bullet(
        case in prop_oneof![arb_case(Some(2)), arb_case(Some(3)), arb_case(Some(4))],
        permille in 0_i64..=1000,
    ) {
        let Case { terms, .. } = case;
        let c = some_commitment(&terms, permille);
        let n = terms.window_len();
        let s = terms.project(c).unwrap();
        for row in s.rows.iter().filter(|row| terms.in_window(row.period)) {
            let after = row.opening + row.draws;
            let j = row.period - terms.interest_only_periods;
            let expected = if row.period == terms.deadline {
                after
            } else {
                match &terms.profile {
                    Profile::StraightLine => r2(c.amount() / Decimal::from(n as u64)),
                    Profile::Custom(shares) => r2(c.amount() * shares[j - 1].value()),
                    _ => Money::ZERO,
                }
                .min(after)
            };
            prop_assert_eq!(row.principal, expected, "period {}", row.period);
        }
    }

    /// Zero or negative CFADS and zero rates: sizing terminates, never panics, and
    /// lends nothing when every window period has CFADS <= 0.
    #[test]
    fn sizing_survives_degenerate_cash(
        case in arb_params(None).prop_map(|mut p| {
            p.shape = if p.n % 2 == 0 { Shape::AllZero } else { Shape::AllNegative };
            if p.gearing_pct % 2 == 0 {
                p.rate_bp = 0;
                p.rate_steps = None;
            }
            p.build()
        }),
    ) {
        let Case { terms, upper } = case;
        let sizing = terms.size(upper).unwrap();
        prop_assert!(sizing.iterations <= 64);
        prop_assert!(sizing.commitment.is_zero());
        let expected = if upper.is_zero() { Binding::Gearing } else { Binding::Dscr };
        prop_assert_eq!(sizing.binding, expected);
    }
}

/// The bisection halves a range of at most 2^63 cents: at most 63 halvings after the
/// first evaluation of the bound, 64 evaluations in all; a larger bound is an error.
#[test]
fn sizing_bound_beyond_2_pow_63_cents_is_an_error() {
    use boxflow_amortize::{CapexPayment, Profile, SchedulePeriod, ScheduleTerms};
    use boxflow_core::{Calendar, DayCount, Frequency, Money, Ratio};
    let close = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let cal = Calendar::new(close, Frequency::Monthly, 2).unwrap();
    let huge = Money::checked(rust_decimal::Decimal::from(100_000_000_000_000_000_i64)).unwrap();
    let terms = ScheduleTerms {
        periods: cal
            .periods()
            .iter()
            .map(|p| SchedulePeriod {
                start: p.start,
                end: p.end,
                rate: rust_decimal::Decimal::ZERO,
                cfads: Money::from_cents(100),
                prior_debt_service: Money::ZERO,
            })
            .collect(),
        capex: vec![CapexPayment {
            date: close,
            period: 0,
            amount: huge,
        }],
        total_capex: huge,
        day_count: DayCount::Act360,
        commitment_fee: rust_decimal::Decimal::ZERO,
        profile: Profile::Sculpted,
        interest_only_periods: 0,
        deadline: 1,
        dscr: Some(Ratio::new(rust_decimal::Decimal::ONE)),
        rate_at_close: rust_decimal::Decimal::ZERO,
        months_per_period: 1,
    };
    // 1e17 dollars = 1e19 cents > 2^63 ≈ 9.22e18 cents.
    assert!(matches!(
        terms.size(huge),
        Err(boxflow_amortize::ScheduleError::CommitmentOutOfRange)
    ));
    // 9e16 dollars = 9e18 cents < 2^63: sized, binding dscr, in at most 64 evaluations.
    let below = Money::checked(rust_decimal::Decimal::from(90_000_000_000_000_000_i64)).unwrap();
    let s = terms.size(below).unwrap();
    assert!(s.iterations <= 64, "{}", s.iterations);
    assert_eq!(s.commitment, Money::from_cents(100)); // floor2(1.00 / 1) in the one window period
}

/// Section 0 for the schedule's rounded products: one product divided last, rounded
/// once, half away from zero. Each figure is an exact half cent.
#[test]
fn schedule_products_round_exact_half_cents_away_from_zero() {
    use boxflow_amortize::{commitment_fee, debt_service_cap, period_interest};
    let (start, end) = (day(2024, 2, 1), day(2024, 3, 1)); // 29 days
                                                           // Interest: 2,500.00 · 0.09 · 29 / 360 = 6,525 / 360 = 18.125 → 18.13; a draw of
                                                           // 1,800.00 on 2024-02-02 adds 1,800.00 · 0.09 · 28 / 360 = 12.6 → 12.60.
    let i = period_interest(
        DayCount::Act360,
        d("0.09"),
        start,
        end,
        money("2500"),
        [(day(2024, 2, 2), money("1800"))],
    )
    .unwrap();
    assert_eq!(i, money("30.73"));
    // Commitment fee: 1,800.00 · 0.045 · 29 / 360 = 2,349 / 360 = 6.525 → 6.53.
    let f = commitment_fee(DayCount::Act360, d("0.045"), start, end, money("1800")).unwrap();
    assert_eq!(f, money("6.53"));
    // Draw: 200,000.01 · 150,000 / 300,000 = 100,000.005 → 100,000.01.
    let draws = pro_rata_draws(
        money("200000.01"),
        &[money("150000"), money("150000")],
        money("300000"),
    )
    .unwrap();
    assert_eq!(draws[0], money("100000.01"));
    // Cap: floor2(13,108,541.96 / 1.30) = floor2(10,083,493.8153…) = 10,083,493.81.
    let cap = debt_service_cap(money("13108541.96"), Ratio::new(d("1.30")), Money::ZERO).unwrap();
    assert_eq!(cap, money("10083493.81"));
    // -0.01 / 1.5 = -0.00666…: a negative CFADS floors toward negative infinity.
    let cap = debt_service_cap(money("-0.01"), Ratio::new(d("1.5")), Money::ZERO).unwrap();
    assert_eq!(cap, money("-0.01"));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The cap's integer quotient (`c · 10^s / m` floored) is the cent of the exact
    /// decimal path `floor2_ratio(CFADS, dscr)`, whatever the sign of CFADS, for
    /// DSCRs of 0 to 28 decimals, less what ranks ahead.
    #[test]
    fn the_cap_is_the_exact_floored_quotient(
        cfads in prop_oneof![
            -1_000_000_000_000_i128..1_000_000_000_000,
            -10_000_000_000_000_000_000_i128..10_000_000_000_000_000_000,
        ],
        mantissa in prop_oneof![1_i128..100_000, 1_i128..100_000_000_000_000_000_000_000_000],
        scale in 0_u32..=28,
        prior in 0_i64..1_000_000_000,
    ) {
        let dscr = Decimal::from_i128_with_scale(mantissa, scale);
        let cfads = Money::checked(Decimal::from_i128_with_scale(cfads, 2)).unwrap();
        let prior = Money::from_cents(prior);
        let expected = boxflow_amortize::exact::floor2_ratio(&[cfads.amount()], &[dscr])
            .map(|cap| cap - prior);
        let cap = boxflow_amortize::debt_service_cap(cfads, Ratio::new(dscr), prior);
        prop_assert_eq!(cap, expected);
    }
}
