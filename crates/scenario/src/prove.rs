//! Properties of a box checked over a box of shocks: `vary` ranges of the scenario
//! shocks and covenant predicates ([`Expectation`]) that must hold everywhere in them
//! (docs/risk.md).
//!
//! A [`Property`] is checked on every corner of its box and on `cases` seeded random
//! points. Point `i`'s values come from a ChaCha8 generator seeded with the seed
//! whose stream number is `i`, so the result depends only on the seed, never on the
//! number of threads. A value is drawn on the dimension's tick grid
//! ([`tick`]): `lo + k · tick` with `k` a uniform whole number, so every point is
//! exact.
//!
//! **The shrinking rule.** The first failing point (corners first, then random
//! points in index order) is shrunk toward the base case, keeping the expectation it
//! broke broken. Each round takes the keys in the order written; for each key:
//!
//! 1. when the key has a neutral value (no shock: 0 for a haircut, a delay, a rate,
//!    opex or power shock; no default for `default` when the property varies
//!    neither `gap` nor `re_lease`), try the point without that shock; if it still
//!    fails the key is dropped;
//! 2. otherwise bisect between the failing value and the key's mild end (its neutral
//!    value when inside the range, else the end of the range on its side: the top of
//!    the range for a later default, a higher price, re-lease share, residual or
//!    life; the bottom for the others), keeping the failing side, until the two are
//!    one tick apart.
//!
//! Rounds repeat until no key moves. The result is printed as a one-line scenario
//! ([`crate::parse_scenario`]) that `boxflow stress --scenario` and
//! `boxflow run --scenario` reproduce.

use std::fmt;

use boxflow_core::Decimal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::{scenario_of, Base, Dimension, Expectation, Outcome, ScenarioError};

/// The default number of random points: 1,000.
pub const DEFAULT_CASES: usize = 1000;

/// The largest bound of a range in absolute value: 1,000,000,000 (so that every
/// step of drawing and shrinking stays exact).
pub const MAX_BOUND: u64 = 1_000_000_000;

/// The most random points of one check: 1,000,000.
pub const MAX_CASES: usize = 1_000_000;

/// The step of a dimension's values: 1 for periods, months and basis points, 0.01
/// for a price, 0.0001 (a basis point) for a share or a shock.
pub fn tick(d: Dimension) -> Decimal {
    match d {
        _ if d.is_count() => Decimal::ONE,
        Dimension::Rate => Decimal::ONE,
        Dimension::Price => Decimal::new(1, 2),
        _ => Decimal::new(1, 4),
    }
}

/// One `vary` range: a dimension from `lo` to `hi`, both included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// The shock varied.
    pub dimension: Dimension,
    /// The lowest value.
    pub lo: Decimal,
    /// The highest value.
    pub hi: Decimal,
}

/// What is wrong with a property, and what would fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PropertyError {
    /// The message, with what would fix it.
    pub message: String,
}

fn err(message: String) -> PropertyError {
    PropertyError { message }
}

impl Range {
    /// Reads `key = "lo..hi"`: the key a [`Dimension`] name or `[[scenario]]` key,
    /// the bounds decimals with `lo <= hi`, whole numbers for a period or month key.
    ///
    /// ```
    /// use boxflow_scenario::prove::Range;
    /// let r = Range::parse("price_haircut", "0..0.20").unwrap();
    /// assert_eq!(r.hi.to_string(), "0.20");
    /// assert!(Range::parse("default_period", "25..60.5").is_err());
    /// assert!(Range::parse("haircut", "0.3..0.2").is_err());
    /// assert!(Range::parse("hiarcut", "0..0.2").unwrap_err().message.contains("did you mean `haircut`?"));
    /// ```
    pub fn parse(key: &str, range: &str) -> Result<Range, PropertyError> {
        let dimension = Dimension::parse(key.trim()).ok_or_else(|| {
            let names: Vec<&str> = Dimension::ALL
                .iter()
                .flat_map(|d| [d.name(), d.key()])
                .collect();
            let near = match boxflow_model::did_you_mean(key.trim(), &names) {
                Some(n) => format!("did you mean `{n}`? "),
                None => String::new(),
            };
            err(format!(
                "unknown vary key `{}`: {near}(the keys are the [[scenario]] keys or their short names: {})",
                boxflow_model::shorten(key.trim()),
                Dimension::ALL.iter().map(|d| d.key()).collect::<Vec<_>>().join(", ")
            ))
        })?;
        let Some((lo, hi)) = range.split_once("..") else {
            return Err(err(format!(
                "`{}` is not a range: write \"lo..hi\" such as \"0..0.20\"",
                boxflow_model::shorten(range)
            )));
        };
        let bound = |t: &str| -> Result<Decimal, PropertyError> {
            let x = t.trim().parse::<Decimal>().map_err(|_| {
                err(format!(
                    "`{}` in `{key}` is not a decimal number: write \"lo..hi\" such as \"0..0.20\"",
                    boxflow_model::shorten(t.trim())
                ))
            })?;
            if dimension.is_count() && (!x.fract().is_zero() || x.is_sign_negative()) {
                return Err(err(format!(
                    "`{key}` counts periods or months: `{}` is not a whole number of 0 or more (write e.g. \"25..60\")",
                    t.trim()
                )));
            }
            if dimension.is_count() && x > Decimal::from(u32::MAX) {
                return Err(err(format!(
                    "`{key}` bound `{}` is above {}, the largest count a deal sheet holds",
                    t.trim(),
                    u32::MAX
                )));
            }
            if x.abs() > Decimal::from(MAX_BOUND) {
                return Err(err(format!(
                    "`{key}` bound `{}` is outside -{MAX_BOUND}..{MAX_BOUND}: no shock of a deal is that large",
                    t.trim()
                )));
            }
            Ok(x)
        };
        let (lo, hi) = (bound(lo)?, bound(hi)?);
        if lo > hi {
            return Err(err(format!(
                "`{key}` runs from {lo} down to {hi}: write the lower bound first (\"{hi}..{lo}\")"
            )));
        }
        Ok(Range { dimension, lo, hi })
    }

    /// Whether the base case sits at the bottom (`false`) or top (`true`) of this
    /// dimension: a later default, a higher price, re-lease share, residual or life
    /// is milder.
    fn mild_is_high(&self) -> bool {
        matches!(
            self.dimension,
            Dimension::Default
                | Dimension::Price
                | Dimension::ReLease
                | Dimension::Residual
                | Dimension::Life
        )
    }

    /// The mild end of the range (see the module's shrinking rule).
    fn mild(&self) -> Decimal {
        if self.mild_is_high() {
            self.hi
        } else {
            Decimal::ZERO.clamp(self.lo, self.hi)
        }
    }

    /// How many ticks the range spans.
    fn steps(&self) -> u64 {
        let n = ((self.hi - self.lo) / tick(self.dimension)).floor();
        u64::try_from(n.mantissa() / 10i128.pow(n.scale())).unwrap_or(u64::MAX)
    }
}

/// A property: a name, the ranges it varies and the expectations that must hold at
/// every point of their box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// Its name.
    pub name: String,
    /// The ranges, in the order written.
    pub vary: Vec<Range>,
    /// What must hold.
    pub expect: Vec<Expectation>,
}

impl Property {
    /// Builds a property from its `vary` pairs and `expect` lines, checking each
    /// (a key at most once; `gap` and `re_lease` need `default`; at least one range
    /// and one expectation).
    ///
    /// ```
    /// use boxflow_scenario::prove::Property;
    /// let p = Property::new("p", &[("haircut", "0..0.2")], &["min_dscr >= 1.0"]).unwrap();
    /// assert_eq!(p.vary.len(), 1);
    /// assert!(Property::new("p", &[("haircut", "0..0.2")], &["min_dcsr >= 1"]).is_err());
    /// ```
    pub fn new(
        name: &str,
        vary: &[(&str, &str)],
        expect: &[&str],
    ) -> Result<Property, PropertyError> {
        let mut ranges: Vec<Range> = Vec::new();
        for (k, v) in vary {
            let r = Range::parse(k, v)?;
            if ranges.iter().any(|x| x.dimension == r.dimension) {
                return Err(err(format!(
                    "`{}` is varied twice: give each key one range",
                    r.dimension.key()
                )));
            }
            ranges.push(r);
        }
        if ranges.is_empty() {
            return Err(err(
                "`vary` is empty: give at least one range, e.g. { price_haircut = \"0..0.20\" }"
                    .into(),
            ));
        }
        let has = |d| ranges.iter().any(|r| r.dimension == d);
        if (has(Dimension::Gap) || has(Dimension::ReLease)) && !has(Dimension::Default) {
            return Err(err(
                "`re_lease_after` and `re_lease_price_share` describe the re-lease after a customer default: vary `default_period` too".into(),
            ));
        }
        if has(Dimension::Gap) && !has(Dimension::ReLease) {
            return Err(err(
                "`re_lease_after` needs `re_lease_price_share`: vary it too".into(),
            ));
        }
        let expect = expect
            .iter()
            .map(|e| e.parse::<Expectation>().map_err(|x| err(x.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        if expect.is_empty() {
            return Err(err(
                "`expect` is empty: give at least one line such as \"min_dscr >= 1.05\"".into(),
            ));
        }
        Ok(Property {
            name: name.to_string(),
            vary: ranges,
            expect,
        })
    }

    /// The corners of the box (`2^k` for `k` ranges, a corner repeated when a range
    /// is one value), in binary order of the ranges written.
    pub fn corners(&self) -> Vec<Point> {
        let k = self.vary.len().min(16);
        (0..1usize << k)
            .map(|bits| {
                self.vary
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let high = i < k && bits >> i & 1 == 1;
                        (r.dimension, if high { r.hi } else { r.lo })
                    })
                    .collect()
            })
            .collect()
    }

    /// Random point `index` of the seed: each value `lo + k · tick` with `k` drawn
    /// uniformly from `0..=steps` by ChaCha8 (seed, stream `index`), and `hi` itself
    /// when the range is not a whole number of ticks and `k` is the last.
    pub fn random_point(&self, seed: u64, index: u64) -> Point {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(index);
        self.vary
            .iter()
            .map(|r| {
                let steps = r.steps();
                let k = rng.random_range(0..=steps);
                let v = (r.lo + Decimal::from(k) * tick(r.dimension)).min(r.hi);
                (r.dimension, v)
            })
            .collect()
    }
}

/// A point of a property's box: a value per dimension, in the order of `vary`.
pub type Point = Vec<(Dimension, Decimal)>;

/// The one-line scenario of a point (`haircut=0.1234, rate=0`), as
/// [`crate::parse_scenario`] reads it. A point without a shock is `name=base case`.
pub fn spec_of(point: &[(Dimension, Decimal)]) -> String {
    if point.is_empty() {
        return "name=base case".to_string();
    }
    point
        .iter()
        .map(|(d, v)| format!("{}={}", d.name(), v.normalize()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A counterexample: the smallest shock found that breaks an expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterexample {
    /// The point first found failing.
    pub found: Point,
    /// The point after shrinking.
    pub shrunk: Point,
    /// The expectation it breaks.
    pub expectation: Expectation,
    /// The metric's value at the shrunk point ([`Expectation::actual`]).
    pub actual: String,
    /// Runs made while shrinking.
    pub shrink_runs: usize,
}

/// The result of checking one property.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The property's name.
    pub name: String,
    /// Corners checked.
    pub corners: usize,
    /// Random points checked.
    pub cases: usize,
    /// `None` when the property holds at every point checked.
    pub counterexample: Option<Counterexample>,
}

impl Verdict {
    /// True when no point checked breaks the property.
    pub fn holds(&self) -> bool {
        self.counterexample.is_none()
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.counterexample {
            None => write!(
                f,
                "holds on {} corners and {} cases",
                self.corners, self.cases
            ),
            Some(c) => write!(
                f,
                "fails: {} is {} at {}",
                c.expectation,
                c.actual,
                spec_of(&c.shrunk)
            ),
        }
    }
}

/// The outcome of a point, run against the debt sized at close.
pub fn outcome_at(base: &Base, point: &[(Dimension, Decimal)]) -> Result<Outcome, ScenarioError> {
    let spec = spec_of(point);
    let scenario = scenario_of(&spec, point)?;
    let run = base.run_scenario(&scenario)?;
    Ok(base.outcome(spec, &run, false))
}

/// The first expectation the point breaks, if any.
fn broken(
    base: &Base,
    property: &Property,
    point: &[(Dimension, Decimal)],
) -> Result<Option<usize>, ScenarioError> {
    let o = outcome_at(base, point)?;
    Ok(property.expect.iter().position(|e| !e.holds(&o)))
}

/// Checks a property on its corners and `cases` random points of `seed` (in
/// parallel; the result does not depend on the number of threads), and shrinks the
/// first failure by the module's rule. An error when a point's scenario cannot run
/// on the deal (e.g. a default period beyond the term: [`crate::apply`]'s rules).
pub fn check(
    base: &Base,
    property: &Property,
    cases: usize,
    seed: u64,
) -> Result<Verdict, ScenarioError> {
    let corners = property.corners();
    let n = corners.len();
    let total = n + cases.min(MAX_CASES);
    let first = (0..total)
        .into_par_iter()
        .map(|i| {
            let p = if i < n {
                corners[i].clone()
            } else {
                property.random_point(seed, (i - n) as u64)
            };
            broken(base, property, &p).map(|b| b.map(|e| (p, e)))
        })
        .find_first(|r| !matches!(r, Ok(None)));
    let counterexample = match first {
        None => None,
        Some(Err(e)) => return Err(e),
        Some(Ok(None)) => None,
        Some(Ok(Some((found, e)))) => Some(shrink(base, property, found, e)?),
    };
    Ok(Verdict {
        name: property.name.clone(),
        corners: n,
        cases: cases.min(MAX_CASES),
        counterexample,
    })
}

/// Shrinks a failing point toward the base case by the module's rule, keeping
/// expectation `e` broken.
pub fn shrink(
    base: &Base,
    property: &Property,
    found: Point,
    e: usize,
) -> Result<Counterexample, ScenarioError> {
    let expectation = &property.expect[e];
    let mut runs = 0usize;
    let mut fails = |p: &[(Dimension, Decimal)]| -> Result<bool, ScenarioError> {
        runs += 1;
        Ok(!expectation.holds(&outcome_at(base, p)?))
    };
    let neutral_absent = |d: Dimension| match d {
        Dimension::Default => !property
            .vary
            .iter()
            .any(|r| matches!(r.dimension, Dimension::Gap | Dimension::ReLease)),
        Dimension::Haircut
        | Dimension::Delay
        | Dimension::Rate
        | Dimension::Opex
        | Dimension::Power => true,
        _ => false,
    };
    let mut point = found.clone();
    loop {
        let mut moved = false;
        for r in &property.vary {
            let Some(at) = point.iter().position(|(d, _)| *d == r.dimension) else {
                continue;
            };
            if neutral_absent(r.dimension) {
                let mut without = point.clone();
                without.remove(at);
                if fails(&without)? {
                    point = without;
                    moved = true;
                    continue;
                }
            }
            let (mut bad, mut good) = (point[at].1, r.mild());
            if bad == good {
                continue;
            }
            let mut trial = point.clone();
            trial[at].1 = good;
            if fails(&trial)? {
                point = trial;
                moved = true;
                continue;
            }
            let t = tick(r.dimension);
            while (bad - good).abs() > t {
                let mid = ((bad + good) / Decimal::TWO / t).round() * t;
                if mid == bad || mid == good {
                    break;
                }
                trial[at].1 = mid;
                if fails(&trial)? {
                    bad = mid;
                } else {
                    good = mid;
                }
            }
            if bad != point[at].1 {
                point[at].1 = bad.normalize();
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    let outcome = outcome_at(base, &point)?;
    Ok(Counterexample {
        found,
        actual: expectation.actual(&outcome),
        shrunk: point,
        expectation: expectation.clone(),
        shrink_runs: runs,
    })
}
