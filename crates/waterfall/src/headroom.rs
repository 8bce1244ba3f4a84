//! Covenant headroom: how far CFADS can fall before a DSCR reaches a covenant level
//! (docs/methodology.md, "Covenant headroom").
//!
//! With `DSCR = CFADS / debt service`, CFADS can fall by `CFADS - L · debt service`
//! before the DSCR reaches the level `L`. The amount is rounded down to the cent
//! (`floor2`): the largest fall in whole cents that still meets the covenant (a DSCR
//! equal to the level passes both tests). Negative: the DSCR is already below `L`, and
//! CFADS must rise by at least that much. The percent is the exact amount over CFADS,
//! none when CFADS is not positive. No debt service: no DSCR, no headroom.

use boxflow_core::{Money, Ratio};
use boxflow_model::Covenants;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::run::Run;
use crate::tranches::debt_service_due;

/// How far CFADS can fall before a DSCR reaches a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Headroom {
    /// `floor2(CFADS - L · debt service)`.
    pub amount: Money,
    /// `(CFADS - L · debt service) / CFADS`, exact; none when CFADS <= 0.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub percent: Option<Decimal>,
}

/// The headroom of `cfads` over `debt_service` to the level `level`; none when the
/// debt service is 0 (no DSCR) or the amount leaves the exact range.
///
/// ```
/// use boxflow_core::Money;
/// use boxflow_waterfall::headroom;
/// use rust_decimal::Decimal;
///
/// // CFADS 130.00, debt service 100.00, level 1.20x: CFADS can fall by
/// // 130.00 - 1.20 · 100.00 = 10.00, 10 / 130 = 7.69% of CFADS.
/// let h = headroom(Money::from_cents(130_00), Money::from_cents(100_00), Decimal::new(12, 1))
///     .unwrap();
/// assert_eq!(h.amount, Money::from_cents(10_00));
/// assert_eq!(h.percent.unwrap().round_dp(4), Decimal::new(769, 4));
/// // Level 1.2345x on debt service 33.33: 130.00 - 41.145885 = 88.854115, floored.
/// let h = headroom(Money::from_cents(130_00), Money::from_cents(33_33), Decimal::new(12345, 4))
///     .unwrap();
/// assert_eq!(h.amount, Money::from_cents(88_85));
/// // Below the level: a negative amount, floored away from zero (the rise needed).
/// let h = headroom(Money::from_cents(100_00), Money::from_cents(99_99), Decimal::new(12345, 4))
///     .unwrap();
/// assert_eq!(h.amount, Money::from_cents(-23_44)); // 100 - 123.437655 = -23.437655
/// assert!(headroom(Money::from_cents(100_00), Money::ZERO, Decimal::ONE).is_none());
/// ```
pub fn headroom(cfads: Money, debt_service: Money, level: Decimal) -> Option<Headroom> {
    if debt_service.is_zero() {
        return None;
    }
    let exact = cfads
        .amount()
        .checked_sub(level.checked_mul(debt_service.amount())?)?;
    let amount = Money::checked(boxflow_core::floor2(exact)).ok()?;
    let percent = if cfads.is_positive() {
        exact.checked_div(cfads.amount())
    } else {
        None
    };
    Some(Headroom { amount, percent })
}

/// The covenant levels headroom is measured to: `lockup_dscr` and `min_dscr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Levels {
    /// `lockup_dscr`.
    pub lockup: Option<Ratio>,
    /// `min_dscr`.
    pub default: Option<Ratio>,
}

impl Levels {
    /// The levels of a deal's `[covenants]` (none without the table).
    pub fn of(covenants: Option<&Covenants>) -> Levels {
        covenants.map_or(Levels::default(), |c| Levels {
            lockup: c.lockup_dscr,
            default: c.min_dscr,
        })
    }
}

/// One DSCR's headroom to each level in one period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LevelHeadroom {
    /// To `lockup_dscr`.
    pub lockup: Option<Headroom>,
    /// To `min_dscr`.
    pub default: Option<Headroom>,
}

/// A period's headroom: on the senior DSCR, and on the combined DSCR with a junior.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PeriodHeadroom {
    /// `k`.
    pub period: usize,
    /// On the senior DSCR.
    pub senior: LevelHeadroom,
    /// On the combined DSCR (none without a junior).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<LevelHeadroom>,
}

/// The lowest headroom over the run to one level on one DSCR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MinHeadroom {
    /// The lowest amount.
    pub amount: Money,
    /// The first period at it.
    pub amount_period: usize,
    /// The lowest percent (none when no period with headroom has positive CFADS).
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub percent: Option<Decimal>,
    /// The first period at it.
    pub percent_period: Option<usize>,
}

/// The minimum headroom to each level on one DSCR.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MinLevels {
    /// To `lockup_dscr`.
    pub lockup: Option<MinHeadroom>,
    /// To `min_dscr`.
    pub default: Option<MinHeadroom>,
}

/// The run's headroom: every period and the minimum of each measure.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RunHeadroom {
    /// `lockup_dscr`, `min_dscr`.
    #[serde(serialize_with = "levels_json")]
    pub levels: Levels,
    /// The minimum on the senior DSCR.
    pub senior_minimum: MinLevels,
    /// The minimum on the combined DSCR (none without a junior).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_minimum: Option<MinLevels>,
    /// Every period.
    pub periods: Vec<PeriodHeadroom>,
}

fn levels_json<S: serde::Serializer>(levels: &Levels, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(2))?;
    let text = |r: Option<Ratio>| r.map(|r| boxflow_core::round10(r.value()).to_string());
    map.serialize_entry("lockup_dscr", &text(levels.lockup))?;
    map.serialize_entry("min_dscr", &text(levels.default))?;
    map.end()
}

fn at_levels(cfads: Money, debt_service: Money, levels: Levels) -> LevelHeadroom {
    let to = |l: Option<Ratio>| l.and_then(|l| headroom(cfads, debt_service, l.value()));
    LevelHeadroom {
        lockup: to(levels.lockup),
        default: to(levels.default),
    }
}

fn minimum<'a>(all: impl Iterator<Item = (usize, &'a Headroom)> + Clone) -> Option<MinHeadroom> {
    let mut amount: Option<(Money, usize)> = None;
    let mut percent: Option<(Decimal, usize)> = None;
    for (k, h) in all {
        if amount.is_none_or(|(a, _)| h.amount < a) {
            amount = Some((h.amount, k));
        }
        if let Some(p) = h.percent {
            if percent.is_none_or(|(q, _)| p < q) {
                percent = Some((p, k));
            }
        }
    }
    amount.map(|(a, k)| MinHeadroom {
        amount: a,
        amount_period: k,
        percent: percent.map(|(p, _)| p),
        percent_period: percent.map(|(_, k)| k),
    })
}

fn min_levels(lines: &[(usize, LevelHeadroom)]) -> MinLevels {
    MinLevels {
        lockup: minimum(
            lines
                .iter()
                .filter_map(|(k, l)| Some((*k, l.lockup.as_ref()?))),
        ),
        default: minimum(
            lines
                .iter()
                .filter_map(|(k, l)| Some((*k, l.default.as_ref()?))),
        ),
    }
}

/// The run's covenant headroom to `levels`: the senior DSCR's (CFADS over the senior's
/// debt service due, as `DSCR_k`) and, with a junior, the combined DSCR's.
pub fn run_headroom(run: &Run, levels: Levels) -> RunHeadroom {
    let with_junior = run.plan.facilities.len() > 1;
    let periods: Vec<PeriodHeadroom> = run
        .periods
        .iter()
        .map(|p| {
            let cfads = p.operations.cfads;
            let senior_ds = p.senior().map_or(Money::ZERO, debt_service_due);
            let total_ds: Money = p.facilities.iter().map(debt_service_due).sum();
            PeriodHeadroom {
                period: p.period,
                senior: at_levels(cfads, senior_ds, levels),
                total: with_junior.then(|| at_levels(cfads, total_ds, levels)),
            }
        })
        .collect();
    let senior: Vec<(usize, LevelHeadroom)> =
        periods.iter().map(|h| (h.period, h.senior)).collect();
    let total: Vec<(usize, LevelHeadroom)> = periods
        .iter()
        .filter_map(|h| Some((h.period, h.total?)))
        .collect();
    RunHeadroom {
        levels,
        senior_minimum: min_levels(&senior),
        total_minimum: with_junior.then(|| min_levels(&total)),
        periods,
    }
}
