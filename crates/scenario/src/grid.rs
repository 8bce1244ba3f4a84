//! Scenarios written on one line (`default=18,re_lease=0.6`) and cartesian grids of
//! them (`price=1.60..2.60:0.10,default=6..60:6`), run in parallel.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use boxflow_core::{Digits, Quantity, Rate, Share};
use boxflow_model::{CustomerDefault, Deal, ReLease, Scenario};
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use boxflow_waterfall::{Detail, Run, RunError};

use crate::apply::Shared;
use crate::{Base, Outcome, ScenarioError};

/// The most points a grid may have: 1,000,000.
pub const MAX_GRID_POINTS: usize = 1_000_000;

/// One shock a scenario line or a grid axis sets, with its names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// `price` (`price_per_gpu_hour`): every capacity line at this price.
    Price,
    /// `haircut` (`price_haircut`): every price cut by this share.
    Haircut,
    /// `default` (`default_period`): the first period the customer does not pay.
    Default,
    /// `gap` (`re_lease_after`): periods without revenue before the re-lease.
    Gap,
    /// `re_lease` (`re_lease_price_share`): the re-lease price as a share of the
    /// contract price.
    ReLease,
    /// `delay` (`online_delay_months`): months every capacity line comes online late.
    Delay,
    /// `opex` (`opex_shock`): colocation and `per_month` expenses times `1 + x`.
    Opex,
    /// `power` (`power_shock`): power prices times `1 + x`.
    Power,
    /// `rate` (`rate_shock_bps`): basis points on every index.
    Rate,
    /// `residual` (`residual_share`): every purchase order's residual share.
    Residual,
    /// `life` (`useful_life_months`): every purchase order's useful life.
    Life,
}

impl Dimension {
    /// Every dimension, in the order of output columns.
    pub const ALL: [Dimension; 11] = [
        Dimension::Price,
        Dimension::Haircut,
        Dimension::Default,
        Dimension::Gap,
        Dimension::ReLease,
        Dimension::Delay,
        Dimension::Opex,
        Dimension::Power,
        Dimension::Rate,
        Dimension::Residual,
        Dimension::Life,
    ];

    /// The short name (`price`, `default`, ...), used in output.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Price => "price",
            Dimension::Haircut => "haircut",
            Dimension::Default => "default",
            Dimension::Gap => "gap",
            Dimension::ReLease => "re_lease",
            Dimension::Delay => "delay",
            Dimension::Opex => "opex",
            Dimension::Power => "power",
            Dimension::Rate => "rate",
            Dimension::Residual => "residual",
            Dimension::Life => "life",
        }
    }

    /// The `[[scenario]]` key it sets.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::Price => "price_per_gpu_hour",
            Dimension::Haircut => "price_haircut",
            Dimension::Default => "default_period",
            Dimension::Gap => "re_lease_after",
            Dimension::ReLease => "re_lease_price_share",
            Dimension::Delay => "online_delay_months",
            Dimension::Opex => "opex_shock",
            Dimension::Power => "power_shock",
            Dimension::Rate => "rate_shock_bps",
            Dimension::Residual => "residual_share",
            Dimension::Life => "useful_life_months",
        }
    }

    /// A dimension by its short name or its `[[scenario]]` key.
    pub fn parse(name: &str) -> Option<Dimension> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.name() == name || d.key() == name)
    }

    /// True for the shocks a scenario's `line` can target: price, haircut, default,
    /// gap, re-lease and delay (the others are the whole box's).
    pub fn targets_line(self) -> bool {
        matches!(
            self,
            Dimension::Price
                | Dimension::Haircut
                | Dimension::Default
                | Dimension::Gap
                | Dimension::ReLease
                | Dimension::Delay
        )
    }

    /// True for the dimensions that take whole numbers (periods, months).
    pub fn is_count(self) -> bool {
        matches!(
            self,
            Dimension::Default | Dimension::Gap | Dimension::Delay | Dimension::Life
        )
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A point's scenario name, `dimension=value,...` with each dimension's
/// [`Grid::label`] and each value as its decimal's display ([`Digits::decimal`]),
/// written in one string without `core::fmt`.
fn point_name(grid: &Grid, point: &[(Dimension, Decimal)]) -> String {
    let mut name = String::with_capacity(24 * point.len());
    for (k, (d, v)) in point.iter().enumerate() {
        if k > 0 {
            name.push(',');
        }
        name.push_str(d.name());
        if let Some(line) = grid.line.as_deref().filter(|_| d.targets_line()) {
            name.push('@');
            name.push_str(line);
        }
        name.push('=');
        name.push_str(Digits::decimal(*v).as_str());
    }
    name
}

/// A scenario line or grid that can't be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);

fn names() -> String {
    Dimension::ALL
        .iter()
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn dimension(name: &str) -> Result<Dimension, SpecError> {
    Dimension::parse(name.trim()).ok_or_else(|| {
        SpecError(format!(
            "unknown shock `{}`: the shocks are {}",
            name.trim(),
            names()
        ))
    })
}

/// A key of a scenario line or grid, `dimension` or `dimension@line`: the dimension and
/// the capacity line it targets, if any.
fn shock_key(key: &str) -> Result<(Dimension, Option<String>), SpecError> {
    let Some((name, line)) = key.split_once('@') else {
        return Ok((dimension(key)?, None));
    };
    let d = dimension(name)?;
    let line = line.trim();
    if line.is_empty() {
        return Err(SpecError(format!(
            "`{}` names no line: write {d}@NAME=VALUE with the `name` of a capacity line",
            key.trim()
        )));
    }
    if !d.targets_line() {
        return Err(SpecError(format!(
            "`{d}` shocks the whole box and cannot target a line: only price, haircut, default, gap, re_lease and delay can (write {d}=VALUE)"
        )));
    }
    Ok((d, Some(line.to_string())))
}

/// The one line the line shocks of `keys` target: every line-shock key names the same
/// line, or none does (a scenario has one `line`).
fn one_line(keys: &[(Dimension, Option<String>)]) -> Result<Option<String>, SpecError> {
    let mut lineable = keys.iter().filter(|(d, _)| d.targets_line());
    let Some((first, line)) = lineable.next() else {
        return Ok(None);
    };
    for (d, other) in lineable {
        if other != line {
            let show = |d: &Dimension, l: &Option<String>| match l {
                Some(l) => format!("`{d}@{l}` targets the line `{l}`"),
                None => format!("`{d}` targets every line"),
            };
            return Err(SpecError(format!(
                "{} and {}: the line shocks of a scenario (price, haircut, default, gap, re_lease, delay) target one line or every line; write the same @NAME on each, or run two scenarios",
                show(first, line),
                show(d, other)
            )));
        }
    }
    Ok(line.clone())
}

fn number(d: Dimension, text: &str) -> Result<Decimal, SpecError> {
    let t = text.trim();
    let x = Decimal::from_str(t)
        .map_err(|_| SpecError(format!("`{d}` value `{t}` is not a decimal number")))?;
    if d.is_count() && (x.fract() != Decimal::ZERO || x.is_sign_negative() && !x.is_zero()) {
        return Err(SpecError(format!(
            "`{d}` value `{t}` is not a whole number of 0 or more"
        )));
    }
    if d.is_count() && x > Decimal::from(u32::MAX) {
        return Err(SpecError(format!(
            "`{d}` value `{t}` is above {}, the largest count a deal sheet holds",
            u32::MAX
        )));
    }
    Ok(x)
}

fn whole(x: Decimal) -> u32 {
    u32::try_from(x.trunc().mantissa()).unwrap_or(u32::MAX)
}

/// Builds a scenario from shock values: `default`, `gap` and `re_lease` make one
/// customer default (`gap` and `re_lease` need `default`; `gap` needs `re_lease`).
/// Values are not range-checked here: [`crate::apply`] checks the scenario. The name
/// is moved into the scenario when it is a `String` (a grid point's, built per point).
pub fn scenario_of(
    name: impl Into<String>,
    values: &[(Dimension, Decimal)],
) -> Result<Scenario, SpecError> {
    let mut s = Scenario::new(name);
    let get = |d: Dimension| values.iter().rev().find(|(x, _)| *x == d).map(|(_, v)| *v);
    for (d, v) in values {
        match d {
            Dimension::Price => s.price_per_gpu_hour = Some(Quantity::new(*v)),
            Dimension::Haircut => s.price_haircut = Share::new(*v),
            Dimension::Delay => s.online_delay_months = whole(*v),
            Dimension::Opex => s.opex_shock = Rate::new(*v),
            Dimension::Power => s.power_shock = Rate::new(*v),
            Dimension::Rate => s.rate_shock_bps = *v,
            Dimension::Residual => s.residual_share = Some(Share::new(*v)),
            Dimension::Life => s.useful_life_months = Some(whole(*v)),
            Dimension::Default | Dimension::Gap | Dimension::ReLease => {}
        }
    }
    let (default, gap, share) = (
        get(Dimension::Default),
        get(Dimension::Gap),
        get(Dimension::ReLease),
    );
    match (default, gap, share) {
        (None, None, None) => {}
        (None, _, _) => {
            return Err(SpecError(
                "`gap` and `re_lease` describe the re-lease after a customer default: give `default` too"
                    .into(),
            ))
        }
        (Some(_), Some(_), None) => {
            return Err(SpecError(
                "`gap` needs `re_lease`, the re-lease price as a share of the contract price"
                    .into(),
            ))
        }
        (Some(d), gap, share) => {
            s.customer_default = Some(CustomerDefault {
                period: whole(d),
                re_lease: share.map(|p| ReLease {
                    after_periods: gap.map_or(0, whole),
                    price_share: Share::new(p),
                }),
            })
        }
    }
    Ok(s)
}

/// Reads a scenario written on one line: `key=value` pairs separated by commas, each
/// key a [`Dimension`] name or `[[scenario]]` key, and an optional `name=...`:
/// `"default=18,gap=6,re_lease=0.60"`. Without a name the scenario is named by its
/// line.
///
/// ```
/// let s = boxflow_scenario::parse_scenario("default=18, gap=6, re_lease=0.60").unwrap();
/// assert_eq!(s.name, "default=18, gap=6, re_lease=0.60");
/// let d = s.customer_default.unwrap();
/// assert_eq!((d.period, d.re_lease.unwrap().after_periods), (18, 6));
/// assert!(boxflow_scenario::parse_scenario("defualt=18").is_err());
/// ```
pub fn parse_scenario(line: &str) -> Result<Scenario, SpecError> {
    let spec = scenario_values(line)?;
    let mut s = scenario_of(spec.name.as_deref().unwrap_or(line.trim()), &spec.values)?;
    s.line = spec.line;
    Ok(s)
}

/// The shock values of a scenario line, in the order written.
pub type ShockValues = Vec<(Dimension, Decimal)>;

/// A scenario line as [`scenario_values`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScenarioSpec {
    /// `name=...`, when given.
    pub name: Option<String>,
    /// The capacity line that its line shocks target (`haircut@Phase 2=0.2`), if any.
    pub line: Option<String>,
    /// The shock values, in the order written.
    pub values: ShockValues,
}

/// The name (if given), the targeted line (if any) and the shock values of a scenario
/// line, as [`parse_scenario`] reads them: each key at most once. A key is a
/// [`Dimension`] name or `[[scenario]]` key, optionally `@` the `name` of a capacity
/// line for a line shock (`price_haircut@Phase 2=0.2`); every line shock of one line
/// targets the same line or none does.
///
/// ```
/// let spec = boxflow_scenario::scenario_values("price_haircut@Phase 2=0.2, delay@Phase 2=3").unwrap();
/// assert_eq!(spec.line.as_deref(), Some("Phase 2"));
/// assert_eq!(spec.values.len(), 2);
/// assert!(boxflow_scenario::scenario_values("haircut@Phase 2=0.2,delay=3").is_err());
/// assert!(boxflow_scenario::scenario_values("opex@Phase 2=0.2").is_err());
/// ```
pub fn scenario_values(line: &str) -> Result<ScenarioSpec, SpecError> {
    let mut name = None;
    let mut keys = Vec::new();
    let mut values = Vec::new();
    for part in line.split(',').filter(|p| !p.trim().is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| SpecError(format!("`{}` is not key=value", part.trim())))?;
        if key.trim() == "name" {
            name = Some(value.trim().to_string());
            continue;
        }
        let (d, target) = shock_key(key)?;
        if values.iter().any(|(x, _)| *x == d) {
            return Err(SpecError(format!("`{d}` appears twice in the scenario")));
        }
        values.push((d, number(d, value)?));
        keys.push((d, target));
    }
    if values.is_empty() && name.is_none() {
        return Err(SpecError(format!(
            "no shock in `{line}`: write key=value pairs such as default=18,re_lease=0.6 (shocks: {})",
            names()
        )));
    }
    Ok(ScenarioSpec {
        name,
        line: one_line(&keys)?,
        values,
    })
}

/// One axis of a grid: a dimension and its values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    /// What it shocks.
    pub dimension: Dimension,
    /// Its values, in order.
    pub values: Vec<Decimal>,
}

/// A cartesian grid of scenarios: every combination of its axes' values.
///
/// ```
/// use boxflow_scenario::Grid;
///
/// let grid = Grid::parse("price=1.60..2.60:0.10,default=6..60:6").unwrap();
/// assert_eq!(grid.len(), 11 * 10);
/// let first = grid.scenario(0).unwrap();
/// assert_eq!(first.name, "price=1.60,default=6");
/// let last = grid.scenario(grid.len() - 1).unwrap();
/// assert_eq!(last.name, "price=2.60,default=60");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grid {
    /// The axes, the first varying slowest.
    pub axes: Vec<Axis>,
    /// The capacity line that the grid's line shocks target (`haircut@Phase 2=...`),
    /// if any.
    pub line: Option<String>,
}

impl Grid {
    /// Reads `dimension=values` axes separated by commas. Values are `a..b:step`
    /// (from `a` up to `b` inclusive, by `step`, exact decimals), `a..b` (step 1), a
    /// list `a|b|c`, or one value `a`. At most [`MAX_GRID_POINTS`] points; a
    /// dimension appears once.
    pub fn parse(spec: &str) -> Result<Grid, SpecError> {
        let mut axes: Vec<Axis> = Vec::new();
        let mut keys = Vec::new();
        for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (key, values) = part
                .split_once('=')
                .ok_or_else(|| SpecError(format!("`{}` is not dimension=values", part.trim())))?;
            let (dimension, target) = shock_key(key)?;
            keys.push((dimension, target));
            if axes.iter().any(|a| a.dimension == dimension) {
                return Err(SpecError(format!(
                    "`{dimension}` appears twice in the grid"
                )));
            }
            let values = axis_values(dimension, values)?;
            axes.push(Axis { dimension, values });
        }
        if axes.is_empty() {
            return Err(SpecError(format!(
                "an empty grid: write dimension=a..b:step pairs such as price=1.60..2.60:0.10 (dimensions: {})",
                names()
            )));
        }
        let grid = Grid {
            axes,
            line: one_line(&keys)?,
        };
        if grid.len() > MAX_GRID_POINTS {
            return Err(SpecError(format!(
                "the grid has {} points, more than {MAX_GRID_POINTS}",
                grid.len()
            )));
        }
        Ok(grid)
    }

    /// Makes `values` (a scenario line's, [`scenario_values`]) the grid's base: each
    /// becomes an axis of one value, so every point carries it. A dimension that is
    /// already an axis is an error, as in [`Grid::parse`].
    pub fn with_base(mut self, base: &ScenarioSpec) -> Result<Grid, SpecError> {
        let mut keys: Vec<(Dimension, Option<String>)> = self
            .axes
            .iter()
            .map(|a| (a.dimension, self.line.clone()))
            .collect();
        keys.extend(base.values.iter().map(|(d, _)| (*d, base.line.clone())));
        self.line = one_line(&keys)?;
        for (dimension, v) in &base.values {
            if self.axes.iter().any(|a| a.dimension == *dimension) {
                return Err(SpecError(format!(
                    "`{dimension}` is given both in the grid and in --scenario"
                )));
            }
            self.axes.push(Axis {
                dimension: *dimension,
                values: vec![*v],
            });
        }
        Ok(self)
    }

    /// The number of points: the product of the axes' lengths.
    pub fn len(&self) -> usize {
        self.axes
            .iter()
            .try_fold(1usize, |n, a| n.checked_mul(a.values.len()))
            .unwrap_or(usize::MAX)
    }

    /// True when a grid has no point (never for a parsed grid).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values of point `i` (0-based, the last axis varying fastest).
    pub fn point(&self, i: usize) -> Vec<(Dimension, Decimal)> {
        let mut rest = i;
        let mut out = vec![(Dimension::Price, Decimal::ZERO); self.axes.len()];
        for (slot, axis) in out.iter_mut().zip(&self.axes).rev() {
            let n = axis.values.len().max(1);
            *slot = (
                axis.dimension,
                axis.values.get(rest % n).copied().unwrap_or_default(),
            );
            rest /= n;
        }
        out
    }

    /// Where point `i` is: its index among the points of the axes other than `rate`
    /// (the points that share every shock but the rate shock have the same), and its
    /// index on the `rate` axis, if there is one.
    fn place(&self, i: usize) -> (usize, Option<usize>) {
        let (mut rest, mut key, mut weight, mut rate) = (i, 0usize, 1usize, None);
        for axis in self.axes.iter().rev() {
            let n = axis.values.len().max(1);
            let at = rest % n;
            rest /= n;
            if axis.dimension == Dimension::Rate {
                rate = Some(at);
            } else {
                // At most the grid's length: no overflow.
                key += at * weight;
                weight *= n;
            }
        }
        (key, rate)
    }

    /// The label of a dimension in this grid: its name, `@` the targeted line for a
    /// line shock (`haircut@Phase 2`).
    pub fn label(&self, d: Dimension) -> String {
        match &self.line {
            Some(line) if d.targets_line() => format!("{d}@{line}"),
            _ => d.name().to_string(),
        }
    }

    /// The scenario of point `i`, named `dimension=value,...` (`dimension@line=value`
    /// for a line shock).
    pub fn scenario(&self, i: usize) -> Result<Scenario, SpecError> {
        self.scenario_at(&self.point(i))
    }

    /// [`Grid::scenario`] of a point's values ([`Grid::point`]).
    fn scenario_at(&self, point: &[(Dimension, Decimal)]) -> Result<Scenario, SpecError> {
        let mut s = scenario_of(point_name(self, point), point)?;
        s.line = self.line.clone();
        Ok(s)
    }

    /// Checks every value of every axis against the deal (each alone: a default
    /// after the term, a share above 1, ...) and the re-lease pairing, before a
    /// run; the first problem found.
    pub fn check(&self, deal: &Deal) -> Result<(), SpecError> {
        let dims: Vec<Dimension> = self.axes.iter().map(|a| a.dimension).collect();
        for axis in &self.axes {
            for v in &axis.values {
                let mut values = vec![(axis.dimension, *v)];
                // A re-lease axis is checked with a default of period 1.
                if matches!(axis.dimension, Dimension::Gap | Dimension::ReLease) {
                    values.push((Dimension::Default, Decimal::ONE));
                    if axis.dimension == Dimension::Gap {
                        values.push((Dimension::ReLease, Decimal::ZERO));
                    }
                }
                let mut s = scenario_of("grid", &values)?;
                if axis.dimension.targets_line() {
                    s.line = self.line.clone();
                }
                if let Some(invalid) = boxflow_model::validate_scenario(deal, &s).first() {
                    return Err(SpecError(format!(
                        "`{}={v}`: {}",
                        axis.dimension,
                        invalid.message.replace("`scenario.", "`")
                    )));
                }
            }
        }
        if dims
            .iter()
            .any(|d| matches!(d, Dimension::Gap | Dimension::ReLease))
            && !dims.contains(&Dimension::Default)
        {
            return Err(SpecError(
                "`gap` and `re_lease` need a `default` axis".into(),
            ));
        }
        if dims.contains(&Dimension::Gap) && !dims.contains(&Dimension::ReLease) {
            return Err(SpecError("`gap` needs a `re_lease` axis".into()));
        }
        Ok(())
    }
}

fn axis_values(d: Dimension, text: &str) -> Result<Vec<Decimal>, SpecError> {
    let text = text.trim();
    if text.contains('|') {
        return text.split('|').map(|v| number(d, v)).collect();
    }
    let Some((from, rest)) = text.split_once("..") else {
        return Ok(vec![number(d, text)?]);
    };
    let (to, step) = match rest.split_once(':') {
        Some((to, step)) => (to, number(d, step)?),
        None => (rest, Decimal::ONE),
    };
    let (from, to) = (number(d, from)?, number(d, to)?);
    if step <= Decimal::ZERO {
        return Err(SpecError(format!("`{d}` step {step} is not above 0")));
    }
    if to < from {
        return Err(SpecError(format!(
            "`{d}` range {from}..{to} runs backwards"
        )));
    }
    let too_many = || SpecError(format!("`{d}` has more than {MAX_GRID_POINTS} values"));
    // A quotient beyond what a decimal holds (0..10:1e-28) is more values than allowed.
    let count = to
        .checked_sub(from)
        .and_then(|span| span.checked_div(step))
        .ok_or_else(too_many)?
        .floor();
    if count >= Decimal::from(MAX_GRID_POINTS) {
        return Err(too_many());
    }
    // 0 <= count < MAX_GRID_POINTS here.
    let n = count.to_usize().ok_or_else(too_many)?.saturating_add(1);
    // Written with the range's scale, so 1.60..2.60:0.10 gives 1.60, 1.70, ...
    let scale = from.scale().max(step.scale()).max(to.scale());
    (0..n)
        .map(|i| {
            let mut v = step
                .checked_mul(Decimal::from(i as u64))
                .and_then(|x| x.checked_add(from))
                .ok_or_else(|| {
                    SpecError(format!(
                        "`{d}` value number {i} is beyond what a decimal holds"
                    ))
                })?;
            v.rescale(scale);
            Ok(v)
        })
        .collect()
}

/// One grid point's run: its values and outcome, or why it could not run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridRow {
    /// The point's values, one per axis.
    pub values: Vec<(Dimension, Decimal)>,
    /// The outcome, or the error that stopped the run.
    #[serde(serialize_with = "outcome_or_message")]
    pub outcome: Result<Outcome, ScenarioError>,
}

/// Runs every point of a grid against the base case in parallel (rayon), calling
/// `progress` once per point done (from any thread). Rows are in point order.
pub fn run_grid(
    base: &Base,
    grid: &Grid,
    verify: bool,
    progress: &(dyn Fn() + Sync),
) -> Vec<GridRow> {
    let mut rows = Vec::with_capacity(grid.len());
    let all = run_grid_each(base, grid, verify, progress, |row| {
        rows.push(row);
        Ok::<(), std::convert::Infallible>(())
    });
    match all {
        Ok(()) => rows,
        Err(never) => match never {},
    }
}

/// How many grid points [`run_grid_each`] runs in parallel before handing their rows on.
pub const GRID_CHUNK: usize = 4096;

/// Runs every point of a grid as [`run_grid`] does, [`GRID_CHUNK`] points at a time in
/// parallel, handing each row to `sink` in point order as soon as its chunk is done, so
/// memory stays bounded whatever the grid's size. Stops at the first error of `sink`.
pub fn run_grid_each<E>(
    base: &Base,
    grid: &Grid,
    verify: bool,
    progress: &(dyn Fn() + Sync),
    mut sink: impl FnMut(GridRow) -> Result<(), E>,
) -> Result<(), E> {
    let n = grid.len();
    let mut start = 0;
    while start < n {
        let end = start.saturating_add(GRID_CHUNK).min(n);
        for row in chunk_rows(base, grid, start..end, verify, progress) {
            sink(row)?;
        }
        start = end;
    }
    Ok(())
}

/// An outcome, or its error as its message (as `Result<Outcome, String>` serializes).
fn outcome_or_message<S: serde::Serializer>(
    outcome: &Result<Outcome, ScenarioError>,
    s: S,
) -> Result<S::Ok, S::Error> {
    outcome.as_ref().map_err(|e| e.to_string()).serialize(s)
}

fn grid_row(base: &Base, grid: &Grid, i: usize, verify: bool) -> GridRow {
    row_with(base, grid, i, verify, |s| {
        base.run_scenario_with(s, Detail::Outcome)
    })
}

/// Point `i`'s row, its scenario run by `run`.
fn row_with(
    base: &Base,
    grid: &Grid,
    i: usize,
    verify: bool,
    run: impl FnOnce(&Scenario) -> Result<Run, ScenarioError>,
) -> GridRow {
    let values = grid.point(i);
    let outcome = grid
        .scenario_at(&values)
        .map_err(ScenarioError::from)
        .and_then(|s| {
            let run = run(&s)?;
            Ok(base.outcome(s.name, &run, verify))
        });
    GridRow { values, outcome }
}

/// The rows of the points `range`, in point order, run in parallel; the points that
/// share their shocks but the rate shock share their stressed deal and operating
/// lines, and those that share a rate shock share their rates ([`Shared`]), when
/// that pays and fits [`SHARED_LINES`].
fn chunk_rows(
    base: &Base,
    grid: &Grid,
    range: Range<usize>,
    verify: bool,
    progress: &(dyn Fn() + Sync),
) -> Vec<GridRow> {
    let cache = Cache::new(base, grid, range.clone());
    range
        .into_par_iter()
        .map(|i| {
            let row = match &cache {
                Some(cache) => cache.row(base, grid, i, verify),
                None => grid_row(base, grid, i, verify),
            };
            progress();
            row
        })
        .collect()
}

/// At most this many operating lines (periods times shared entries) are kept for a
/// chunk of [`GRID_CHUNK`] points: about 4.7 MB of lines, whatever the term.
pub const SHARED_LINES: usize = 1 << 16;

/// What the points of a chunk share: one [`Shared`] per distinct point of the axes
/// other than `rate`, and (under a `rate` axis) one set of rates per rate shock.
struct Cache {
    /// The chunk's first point.
    start: usize,
    /// Per point of the chunk: its entry in `shared`, and in `rates` when kept.
    places: Vec<(usize, Option<usize>)>,
    shared: Vec<Result<Shared, ScenarioError>>,
    rates: Vec<Result<Vec<Arc<[Decimal]>>, RunError>>,
}

impl Cache {
    /// The entries the points `range` share, computed in parallel; `None` when the
    /// points share too little (fewer than four points an entry on average) or their
    /// lines would not fit [`SHARED_LINES`].
    fn new(base: &Base, grid: &Grid, range: Range<usize>) -> Option<Cache> {
        let keys: Vec<(usize, Option<usize>)> = range.clone().map(|i| grid.place(i)).collect();
        let lines = base.plan.calendar.len().max(1);
        let pays = |firsts: &[usize]| {
            firsts.len().saturating_mul(4) <= range.len()
                && firsts.len().saturating_mul(lines) <= SHARED_LINES
        };
        let (shared_of, shared_firsts) = slots(keys.iter().map(|k| Some(k.0)), range.start);
        if !pays(&shared_firsts) {
            return None;
        }
        let (rate_of, rate_firsts) = slots(keys.iter().map(|k| k.1), range.start);
        let keep_rates = pays(&rate_firsts);
        // The representative's scenario without its rate shock and name: its checks
        // find no more than those of any point of the entry (`Base::shared`).
        let shared = shared_firsts
            .par_iter()
            .map(|&i| {
                let mut s = grid.scenario(i)?;
                s.rate_shock_bps = Decimal::ZERO;
                s.name = "grid".into();
                base.shared(&s)
            })
            .collect();
        let rates = if keep_rates {
            rate_firsts
                .par_iter()
                .map(|&i| match grid.scenario(i) {
                    Ok(s) if !s.rate_shock_bps.is_zero() => base.shocked_rates(&s),
                    // Never read: no rate shock, or the point fails before its run.
                    _ => Ok(Vec::new()),
                })
                .collect()
        } else {
            Vec::new()
        };
        let places = shared_of
            .into_iter()
            .zip(rate_of)
            .map(|(s, r)| (s.unwrap_or_default(), r.filter(|_| keep_rates)))
            .collect();
        Some(Cache {
            start: range.start,
            places,
            shared,
            rates,
        })
    }

    /// Point `i`'s row from its shared entries ([`Base::run_shared`]).
    fn row(&self, base: &Base, grid: &Grid, i: usize, verify: bool) -> GridRow {
        let (shared, rates) = self.places[i - self.start];
        row_with(base, grid, i, verify, |s| {
            base.run_shared(
                s,
                &self.shared[shared],
                rates.map(|r| &self.rates[r]),
                Detail::Outcome,
            )
        })
    }
}

/// Numbers the distinct keys in order of first appearance: each point's number (or
/// `None` without a key), and each number's first point (counted from `start`).
fn slots(
    keys: impl Iterator<Item = Option<usize>>,
    start: usize,
) -> (Vec<Option<usize>>, Vec<usize>) {
    let mut numbers: HashMap<usize, usize, BuildHasherDefault<KeyHasher>> = HashMap::default();
    let mut firsts = Vec::new();
    let of = keys
        .enumerate()
        .map(|(at, key)| {
            key.map(|k| {
                *numbers.entry(k).or_insert_with(|| {
                    firsts.push(start + at);
                    firsts.len() - 1
                })
            })
        })
        .collect();
    (of, firsts)
}

/// Hashes a point's key in [`slots`], a `usize`, by one multiplication (Fibonacci
/// hashing), its high half folded onto its low half: the table places an entry by the
/// hash's low bits and tags it with its top seven, and the product's high bits mix
/// every bit of the key (keys that are multiples of a power of two spread too). The
/// keys are the grid's own indexes, not text from outside, so SipHash's defence
/// against chosen collisions buys nothing here, and it cost more than the rest of a
/// point's bookkeeping on the main thread.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(FIBONACCI);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(FIBONACCI);
    }
}

/// 2^64 over the golden ratio, odd: multiplying by it permutes the `u64`s.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

/// Runs the base case and a list of scenarios in parallel; the base case first, named
/// `"base case"`. Each run's invariants are checked.
pub fn run_scenarios(
    base: &Base,
    scenarios: &[Scenario],
) -> Vec<(String, Result<Outcome, ScenarioError>)> {
    let mut all: Vec<Option<&Scenario>> = vec![None];
    all.extend(scenarios.iter().map(Some));
    all.par_iter()
        .map(|s| match s {
            None => (
                "base case".to_string(),
                base.run_with(Detail::Outcome)
                    .map(|r| base.outcome("base case", &r, true)),
            ),
            Some(s) => (
                s.name.clone(),
                base.run_scenario_with(s, Detail::Outcome)
                    .map(|r| base.outcome(s.name.clone(), &r, true)),
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Base {
        let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let deal = boxflow_deal::read_file(std::path::Path::new(&path)).unwrap();
        Base::new(deal).unwrap()
    }

    /// Every point of `spec` run from its chunk's shared entries is the run of its
    /// own scenario ([`Base::run_scenario_with`]): the same plan, periods, ledger,
    /// events and summary, or the same error; and its row is the same.
    fn shared_runs_are_own_runs(base: &Base, spec: &str) {
        let grid = Grid::parse(spec).unwrap();
        let cache = Cache::new(base, &grid, 0..grid.len()).expect(spec);
        for i in 0..grid.len() {
            let s = grid.scenario(i).unwrap();
            let (shared, rates) = cache.places[i];
            let via_cache = base.run_shared(
                &s,
                &cache.shared[shared],
                rates.map(|r| &cache.rates[r]),
                Detail::Outcome,
            );
            let own = base.run_scenario_with(&s, Detail::Outcome);
            assert_eq!(via_cache, own, "{spec}: point {i}");
            assert_eq!(
                cache.row(base, &grid, i, true),
                grid_row(base, &grid, i, true)
            );
        }
    }

    #[test]
    fn points_that_share_their_shocks_but_the_rate_run_as_their_own_scenario() {
        let reference = fixture("reference.toml");
        shared_runs_are_own_runs(&reference, "price=1.60..2.60:0.50,rate=-100..300:50");
        // The rate axis first: the shared entries are not those of neighbours.
        shared_runs_are_own_runs(&reference, "rate=0..300:100,price=1.5|2.5");
        shared_runs_are_own_runs(
            &reference,
            "default=20|40,gap=0|6,re_lease=0.5,rate=0..400:100",
        );
        shared_runs_are_own_runs(
            &reference,
            "haircut@Phase 2=0|0.2,opex=0|0.1,rate=0..300:100",
        );
        shared_runs_are_own_runs(&reference, "delay=0|3,power=0.2,rate=0..300:100");
        let stress = fixture("stress.toml");
        shared_runs_are_own_runs(&stress, "residual=0.1|0.3,life=48|72,rate=0..300:100");
    }

    #[test]
    fn a_shared_entry_reports_each_points_own_errors() {
        let base = fixture("reference.toml");
        let grid = Grid::parse("price=2.0,rate=0..300:100").unwrap();
        let cache = Cache::new(&base, &grid, 0..grid.len()).unwrap();
        let mut s = grid.scenario(1).unwrap();
        // A name or a rate shock the point's checks refuse, with an entry computed
        // without them.
        for change in [
            |s: &mut Scenario| s.name = String::new(),
            |s: &mut Scenario| s.rate_shock_bps = Decimal::from(200_000),
        ] {
            change(&mut s);
            let own = base.run_scenario_with(&s, Detail::Outcome);
            assert!(matches!(own, Err(ScenarioError::Invalid(_))));
            let via_cache = base.run_shared(&s, &cache.shared[0], None, Detail::Outcome);
            assert_eq!(via_cache, own);
        }
    }

    #[test]
    fn slots_number_keys_in_order_of_first_appearance() {
        // By hand: 5 is first (number 0, at point 10), 2^40 second (1, at 12), 2^41
        // third (2, at 14); a point without a key has no number.
        let keys = [
            Some(5),
            None,
            Some(1 << 40),
            Some(5),
            Some(1 << 41),
            Some(1 << 40),
        ];
        let (of, firsts) = slots(keys.into_iter(), 10);
        assert_eq!(of, [Some(0), None, Some(1), Some(0), Some(2), Some(1)]);
        assert_eq!(firsts, [10, 12, 14]);
        // Keys that are multiples of a large power of two, each twice: every one its
        // own number.
        let keys = (0..512).chain(0..512).map(|k: usize| Some(k << 20));
        let (of, firsts) = slots(keys, 0);
        let want: Vec<Option<usize>> = (0..512).chain(0..512).map(Some).collect();
        assert_eq!(of, want);
        assert_eq!(firsts, (0..512).collect::<Vec<_>>());
    }

    #[test]
    fn points_that_share_little_are_run_alone() {
        let base = fixture("reference.toml");
        // Every point its own operating lines: nothing to share.
        let grid = Grid::parse("price=1.60..2.60:0.10,default=6..60:6").unwrap();
        assert!(Cache::new(&base, &grid, 0..grid.len()).is_none());
        // Four rate shocks a price: shared.
        let grid = Grid::parse("price=1.60..2.60:0.10,rate=0..300:100").unwrap();
        let cache = Cache::new(&base, &grid, 0..grid.len()).unwrap();
        assert_eq!((cache.shared.len(), cache.rates.len()), (11, 4));
        // A chunk that starts mid-grid (at the third price) numbers its own entries.
        let cache = Cache::new(&base, &grid, 8..grid.len()).unwrap();
        assert_eq!(cache.places[1], (0, Some(1)));
        assert_eq!(cache.places[4], (1, Some(0)));
        assert_eq!((cache.shared.len(), cache.rates.len()), (9, 4));
    }
}
