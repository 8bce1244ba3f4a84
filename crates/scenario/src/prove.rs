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

use boxflow_model::{Deal, Invalid, PropertySpec, RuleKind};

use crate::{
    scenario_of, Base, Dimension, ExpectError, Expectation, Metric, Outcome, ScenarioError,
    UnknownMetric,
};

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
#[error("{message}: {help}")]
pub struct PropertyError {
    /// What is wrong.
    pub message: String,
    /// What would fix it.
    pub help: String,
}

fn err(message: impl Into<String>, help: impl Into<String>) -> PropertyError {
    PropertyError {
        message: message.into(),
        help: help.into(),
    }
}

impl From<ExpectError> for PropertyError {
    fn from(e: ExpectError) -> PropertyError {
        match e {
            ExpectError::NoComparison { text } => err(
                format!("`{text}` has no comparison"),
                "write METRIC OP VALUE with OP one of ==, !=, <, <=, >, >= (e.g. \"min_dscr >= 1.05\")",
            ),
            ExpectError::UnknownMetric(UnknownMetric { name, suggestion }) => err(
                format!("`{name}` is not a metric"),
                format!(
                    "{}the metrics are: {}",
                    suggestion.map_or(String::new(), |s| format!("did you mean `{s}`? ")),
                    Metric::ALL.map(Metric::name).join(", ")
                ),
            ),
            ExpectError::BadValue {
                metric,
                value,
                help,
            } => err(format!("`{value}` is not a value for {metric}"), help),
            ExpectError::OrderedVerdict { metric, symbol } => err(
                format!("{metric} is pass or fail, it has no order: `{symbol}` does not apply"),
                format!("compare it with == or != (e.g. \"{metric} == pass\")"),
            ),
        }
    }
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
    /// assert!(Range::parse("hiarcut", "0..0.2").unwrap_err().help.contains("did you mean `haircut`?"));
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
            err(
                format!("unknown vary key `{}`", boxflow_model::shorten(key.trim())),
                format!(
                    "{near}the keys are the [[scenario]] keys or their short names: {}",
                    Dimension::ALL
                        .iter()
                        .map(|d| format!("{} ({})", d.key(), d.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let key = boxflow_model::shorten(key.trim());
        let Some((lo, hi)) = range.split_once("..") else {
            return Err(err(
                format!("`{}` is not a range", boxflow_model::shorten(range)),
                format!(
                    "write \"lo..hi\" such as \"{}\" (\"x..x\" for one value)",
                    if dimension.is_count() {
                        "25..60"
                    } else {
                        "0..0.20"
                    }
                ),
            ));
        };
        let bound = |t: &str| -> Result<Decimal, PropertyError> {
            let t = t.trim();
            let x = t.parse::<Decimal>().map_err(|_| {
                err(
                    format!(
                        "`{}` in `{key}` is not a decimal number",
                        boxflow_model::shorten(t)
                    ),
                    "write \"lo..hi\" with plain decimals such as \"0..0.20\"",
                )
            })?;
            if dimension.is_count() && (!x.fract().is_zero() || x.is_sign_negative()) {
                return Err(err(
                    format!("`{key}` bound `{t}` is not a whole number of 0 or more"),
                    format!(
                        "`{key}` counts {}: write whole numbers such as \"25..60\"",
                        if matches!(dimension, Dimension::Default | Dimension::Gap) {
                            "periods"
                        } else {
                            "months"
                        }
                    ),
                ));
            }
            if dimension.is_count() && x > Decimal::from(u32::MAX) {
                return Err(err(
                    format!(
                        "`{key}` bound `{t}` is above {}, the largest count a deal sheet holds",
                        u32::MAX
                    ),
                    "write a bound within the deal's term",
                ));
            }
            if x.abs() > Decimal::from(MAX_BOUND) {
                return Err(err(
                    format!("`{key}` bound `{t}` is outside -{MAX_BOUND}..{MAX_BOUND}"),
                    "no shock of a deal is that large: write a bound within that range",
                ));
            }
            Ok(x)
        };
        let (lo, hi) = (bound(lo)?, bound(hi)?);
        if lo > hi {
            return Err(err(
                format!("`{key}` runs from {lo} down to {hi}: lo > hi"),
                format!("write the lower bound first (\"{hi}..{lo}\")"),
            ));
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

/// The part of a property an error is about: where a deal sheet writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// `name`.
    Name,
    /// `vary` as a whole.
    Vary,
    /// The `vary` entry at this index (in the order written).
    Range(usize),
    /// `expect` as a whole.
    Expect,
    /// The `expect` line at this index.
    Line(usize),
}

impl Part {
    /// The deal-sheet path of this part of the property at `prefix`
    /// (`property[0]`), given its `vary` keys as written.
    ///
    /// ```
    /// use boxflow_scenario::prove::Part;
    /// assert_eq!(Part::Range(1).path("property[0]", &["haircut", "default"]), "property[0].vary.default");
    /// assert_eq!(Part::Line(2).path("property[3]", &[]), "property[3].expect[2]");
    /// ```
    pub fn path(self, prefix: &str, keys: &[&str]) -> String {
        match self {
            Part::Name => format!("{prefix}.name"),
            Part::Vary => format!("{prefix}.vary"),
            Part::Range(i) => match keys.get(i) {
                Some(k) => format!("{prefix}.vary.{k}"),
                None => format!("{prefix}.vary"),
            },
            Part::Expect => format!("{prefix}.expect"),
            Part::Line(i) => format!("{prefix}.expect[{i}]"),
        }
    }
}

impl Property {
    /// Builds a property from its `vary` pairs and `expect` lines, checking each
    /// (a key at most once; `gap` and `re_lease` need `default`; at least one range
    /// and one expectation). The first error; [`Property::read`] gives every one.
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
        Property::read(name, vary, expect).map_err(|mut e| e.remove(0).1)
    }

    /// A property of a deal sheet (`[[property]]`, read as text by the deal reader).
    pub fn from_spec(spec: &PropertySpec) -> Result<Property, Vec<(Part, PropertyError)>> {
        let vary: Vec<(&str, &str)> = spec
            .vary
            .iter()
            .map(|(k, r)| (k.as_str(), r.as_str()))
            .collect();
        let expect: Vec<&str> = spec.expect.iter().map(String::as_str).collect();
        Property::read(&spec.name, &vary, &expect)
    }

    /// Like [`Property::new`], with every error, each with the part written at fault.
    ///
    /// ```
    /// use boxflow_scenario::prove::{Part, Property};
    /// let errors = Property::read("p", &[("hiarcut", "0..0.2"), ("default", "2.5..9")], &["lender_loss == pass"])
    ///     .unwrap_err();
    /// let parts: Vec<Part> = errors.iter().map(|(p, _)| *p).collect();
    /// assert_eq!(parts, [Part::Range(0), Part::Range(1), Part::Line(0)]);
    /// assert!(errors[2].1.help.contains("lender_loss is money"));
    /// ```
    pub fn read(
        name: &str,
        vary: &[(&str, &str)],
        expect: &[&str],
    ) -> Result<Property, Vec<(Part, PropertyError)>> {
        let mut errors = Vec::new();
        if name.trim().is_empty() {
            errors.push((
                Part::Name,
                err(
                    "the property's name is empty",
                    "name it for what it claims, e.g. \"no lender loss under a 5% price fall\"",
                ),
            ));
        }
        let mut ranges: Vec<(usize, Range)> = Vec::new();
        for (i, (k, v)) in vary.iter().enumerate() {
            match Range::parse(k, v) {
                Ok(r) => {
                    if let Some((j, _)) = ranges.iter().find(|(_, x)| x.dimension == r.dimension) {
                        errors.push((
                            Part::Range(i),
                            err(
                                format!(
                                    "`{}` is varied twice (`{}` and `{}`)",
                                    r.dimension.key(),
                                    boxflow_model::shorten(vary[*j].0),
                                    boxflow_model::shorten(k)
                                ),
                                "give each key one range",
                            ),
                        ));
                    } else {
                        ranges.push((i, r));
                    }
                }
                Err(e) => errors.push((Part::Range(i), e)),
            }
        }
        if vary.is_empty() {
            errors.push((
                Part::Vary,
                err(
                    "`vary` is empty",
                    "give at least one range, e.g. { price_haircut = \"0..0.20\" }",
                ),
            ));
        }
        let at = |d| {
            ranges
                .iter()
                .find(|(_, r)| r.dimension == d)
                .map(|(i, _)| *i)
        };
        let unread = errors.iter().any(|(p, _)| matches!(p, Part::Range(_)));
        if !unread {
            if let (Some(i), None) = (
                at(Dimension::Gap).or(at(Dimension::ReLease)),
                at(Dimension::Default),
            ) {
                errors.push((
                    Part::Range(i),
                    err(
                        "`re_lease_after` and `re_lease_price_share` describe the re-lease after a customer default, and `default_period` is not varied",
                        "vary `default_period` too, e.g. default_period = \"25..60\"",
                    ),
                ));
            } else if let (Some(i), None) = (at(Dimension::Gap), at(Dimension::ReLease)) {
                errors.push((
                    Part::Range(i),
                    err(
                        "`re_lease_after` is varied without `re_lease_price_share`",
                        "vary re_lease_price_share too, e.g. \"0.40..0.90\"",
                    ),
                ));
            }
        }
        let mut lines = Vec::new();
        for (i, e) in expect.iter().enumerate() {
            match e.parse::<Expectation>() {
                Ok(x) => lines.push(x),
                Err(x) => errors.push((Part::Line(i), x.into())),
            }
        }
        if expect.is_empty() {
            errors.push((
                Part::Expect,
                err(
                    "`expect` is empty",
                    "give at least one line such as \"min_dscr >= 1.05\"",
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Property {
            name: name.to_string(),
            vary: ranges.into_iter().map(|(_, r)| r).collect(),
            expect: lines,
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

/// The `[[property]]` rules of a deal sheet, as the deal reader takes them
/// (`boxflow_deal::parse_with_rules`): every error of every property at once, keyed by
/// the deal-sheet path of the text at fault (`property[0].vary.default_period`,
/// `property[1].expect[2]`); two properties of one name; and, when the rest of the
/// deal is valid, every corner of each box a valid scenario of the deal (a default
/// period within the term, a useful life of at least one month, ...), reported at the
/// first `vary` key the first failing corner's error names. A property whose text
/// could not be read (a path in `poisoned`) is skipped: the reader reported it.
///
/// ```
/// use boxflow_model::PropertySpec;
/// use boxflow_scenario::prove::property_rules;
///
/// let mut deal = boxflow_model::Deal::example();
/// deal.properties.push(PropertySpec::new("p", &[("haircut", "0..0.2")], &["min_dcsr >= 1"]));
/// let errors = property_rules(&deal, &[]);
/// assert_eq!(errors[0].path, "property[0].expect[0]");
/// assert!(errors[0].help.starts_with("did you mean `min_dscr`?"));
/// ```
pub fn property_rules(deal: &Deal, poisoned: &[String]) -> Vec<Invalid> {
    let mut out = Vec::new();
    if deal.properties.is_empty() {
        return out;
    }
    let unread = |prefix: &str| {
        poisoned.iter().any(|p| {
            p.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    };
    let deal_valid = !poisoned.iter().any(|p| !p.starts_with("property"))
        && boxflow_model::check_with_poisoned(deal, poisoned).is_empty();
    for (i, spec) in deal.properties.iter().enumerate() {
        let prefix = format!("property[{i}]");
        if unread(&prefix) {
            continue;
        }
        let keys: Vec<&str> = spec.vary.iter().map(|(k, _)| k.as_str()).collect();
        if let Some(j) = deal.properties[..i]
            .iter()
            .position(|q| q.name == spec.name && !spec.name.trim().is_empty())
        {
            out.push(Invalid::new(
                RuleKind::Duplicate,
                Part::Name.path(&prefix, &keys),
                format!(
                    "two properties are named `{}` (#{} and #{})",
                    boxflow_model::shorten(&spec.name),
                    j + 1,
                    i + 1
                ),
                "give each property its own name: `prove` reports them, and `--property` picks one, by name",
            ));
        }
        match Property::from_spec(spec) {
            Err(errors) => {
                for (part, e) in errors {
                    out.push(Invalid::new(
                        RuleKind::InvalidValue,
                        part.path(&prefix, &keys),
                        e.message,
                        e.help,
                    ));
                }
            }
            Ok(p) if deal_valid => {
                if let Some(bad) = bad_corner(deal, &p) {
                    let at = bad.index.map_or(Part::Vary, Part::Range);
                    out.push(Invalid::new(
                        RuleKind::Inconsistent,
                        at.path(&prefix, &keys),
                        format!(
                            "the corner `{}` of the box is not a scenario of this deal: {}",
                            bad.spec, bad.invalid.message
                        ),
                        format!("{}; narrow the range", bad.invalid.help),
                    ));
                }
            }
            Ok(_) => {}
        }
    }
    out
}

/// The first corner of a property's box that is not a valid scenario of `deal`.
struct BadCorner {
    spec: String,
    invalid: Invalid,
    /// The `vary` entry the error names, if one.
    index: Option<usize>,
}

fn bad_corner(deal: &Deal, property: &Property) -> Option<BadCorner> {
    for corner in property.corners() {
        let spec = spec_of(&corner);
        let Ok(scenario) = scenario_of(&spec, &corner) else {
            continue;
        };
        if let Some(invalid) = boxflow_model::validate_scenario(deal, &scenario)
            .into_iter()
            .next()
        {
            let index = property.vary.iter().position(|r| {
                let key = r.dimension.key();
                invalid.path.ends_with(&format!(".{key}")) || invalid.message.contains(key)
            });
            return Some(BadCorner {
                spec,
                invalid,
                index,
            });
        }
    }
    None
}
