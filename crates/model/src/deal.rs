//! The validated deal: what a deal sheet says, with every default applied
//! (methodology section 1). Build one in code ([`Deal::builder`]) or read a deal sheet (the `boxflow-deal` crate).

use std::collections::BTreeMap;

use boxflow_core::{DayCount, Frequency, Money, Quantity, Rate, Ratio, Share, SheetEnum};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// A box: one contract, the purchase orders that serve it, the data centers that
/// house them, its costs and its debt.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deal {
    /// `deal.name`.
    pub name: String,
    /// `deal.currency`, default `"USD"`.
    pub currency: String,
    /// `deal.close`: the closing date; the contract starts here.
    pub close: NaiveDate,
    /// `deal.frequency`.
    pub frequency: Frequency,
    /// `[contract]`.
    pub contract: Contract,
    /// `[[purchase_order]]`, in order of appearance.
    pub purchase_orders: Vec<PurchaseOrder>,
    /// `[[datacenter]]`.
    pub datacenters: Vec<Datacenter>,
    /// `[[expense]]`.
    pub expenses: Vec<Expense>,
    /// `[[fee]]`.
    pub fees: Vec<Fee>,
    /// `[[facility]]`, in order of appearance (at most one of each rank).
    pub facilities: Vec<Facility>,
    /// `[reserve]`; `None`: no DSRA.
    pub reserve: Option<Reserve>,
    /// `[covenants]`; `None`: no DSCR, lock-up or LTV test.
    pub covenants: Option<Covenants>,
    /// `[curves.NAME]`.
    pub curves: BTreeMap<String, Curve>,
    /// `[analysis]`; `None`: `npv` is null.
    pub analysis: Option<Analysis>,
    /// `[[scenario]]`: named stresses of the base case, in order of appearance
    /// (`boxflow stress`). They never change the base case that `run` computes.
    pub scenarios: Vec<Scenario>,
    /// `[simulation]`: the Monte Carlo model of `boxflow simulate`; `None`: the
    /// defaults of [`Simulation::default`] (nothing drawn: every run is the base case).
    /// It never changes the base case that `run` computes.
    pub simulation: Option<Simulation>,
    /// `[[property]]`: properties `boxflow prove` checks over a box of shocks, as
    /// written (their ranges and predicates are read by `boxflow_scenario::prove`).
    /// They never change the base case that `run` computes.
    pub properties: Vec<PropertySpec>,
}

impl Deal {
    /// The senior (rank 1) facility, if any.
    pub fn senior(&self) -> Option<&Facility> {
        self.facilities.iter().find(|f| f.rank == Rank::Senior)
    }

    /// The junior (rank 2) facility, if any.
    pub fn junior(&self) -> Option<&Facility> {
        self.facilities.iter().find(|f| f.rank == Rank::Junior)
    }

    /// `covenants.repaid_by_fraction`, 0.5 by default (also without `[covenants]`).
    pub fn repaid_by_fraction(&self) -> Share {
        self.covenants
            .as_ref()
            .map_or(Covenants::DEFAULT_REPAID_BY_FRACTION, |c| {
                c.repaid_by_fraction
            })
    }
}

/// `[contract]`: the take-or-pay capacity contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contract {
    /// `contract.customer`.
    pub customer: String,
    /// `contract.term_months`: the contract runs from close for this many months.
    pub term_months: u32,
    /// `contract.escalator`: annual price step on each anniversary of close (default 0).
    pub escalator: Rate,
    /// `contract.prepayment`: paid by the customer at close (default 0).
    pub prepayment: Money,
    /// `contract.prepayment_credit_share`: share of each invoice settled from the
    /// prepayment (required when the prepayment is positive; 0 otherwise).
    pub prepayment_credit_share: Share,
    /// `[[contract.capacity]]`.
    pub capacity: Vec<CapacityLine>,
}

/// `[[contract.capacity]]`: GPUs billed per hour from `online` to the contract end.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapacityLine {
    /// `name` (optional).
    pub name: Option<String>,
    /// `gpus`: a positive whole number.
    pub gpus: u64,
    /// `online`: default close.
    pub online: NaiveDate,
    /// `price_per_gpu_hour`.
    pub price_per_gpu_hour: Quantity,
}

/// `[[purchase_order]]`: GPUs bought for the box.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PurchaseOrder {
    /// `item` (optional).
    pub item: Option<String>,
    /// `units`: a positive whole number.
    pub units: u64,
    /// `unit_cost`.
    pub unit_cost: Quantity,
    /// `payments`: dated shares of the cost summing exactly to 1.
    pub payments: Vec<CapexPayment>,
    /// `useful_life_months`: straight-line book depreciation, from close.
    pub useful_life_months: u32,
    /// `residual_share`: value at the contract end as a share of cost (default 0).
    pub residual_share: Share,
}

/// One dated share of a purchase order's cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapexPayment {
    /// `date`.
    pub date: NaiveDate,
    /// `share`, in [0, 1].
    pub share: Share,
}

/// `[[datacenter]]`: colocation and power.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Datacenter {
    /// `site` (optional).
    pub site: Option<String>,
    /// `critical_kw`.
    pub critical_kw: Quantity,
    /// `rate_per_kw_month`.
    pub rate_per_kw_month: Quantity,
    /// `escalator`: annual, on each anniversary of `start` (default 0).
    pub escalator: Rate,
    /// `start`: default close.
    pub start: NaiveDate,
    /// `term_months`: open-ended when absent.
    pub term_months: Option<u32>,
    /// `power_price_per_mwh`.
    pub power_price_per_mwh: Quantity,
    /// `pue`: default 1.
    pub pue: Quantity,
    /// `load_factor`: average IT draw as a share of `critical_kw` (default 1).
    pub load_factor: Quantity,
}

/// `[[expense]]`: an operating cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expense {
    /// `name` (optional).
    pub name: Option<String>,
    /// `per_month` or `share_of_revenue`.
    pub basis: ExpenseBasis,
    /// `escalator`: annual, on each anniversary of `start` (default 0; `per_month` only).
    pub escalator: Rate,
    /// `start`: default close.
    pub start: NaiveDate,
    /// `end` (exclusive): open-ended when absent.
    pub end: Option<NaiveDate>,
}

/// How an expense is charged.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpenseBasis {
    /// `per_month`: a monthly amount, escalated.
    PerMonth(Quantity),
    /// `share_of_revenue`: a share of the period's invoice.
    ShareOfRevenue(Share),
}

/// `[[fee]]`: a senior fee (agent, trustee), paid at waterfall step 2.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fee {
    /// `name` (optional).
    pub name: Option<String>,
    /// `per_year`.
    pub per_year: Quantity,
    /// `start`: default close.
    pub start: NaiveDate,
    /// `end` (exclusive): open-ended when absent.
    pub end: Option<NaiveDate>,
}

/// The rank of a facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rank {
    /// `rank = 1`.
    Senior,
    /// `rank = 2`.
    Junior,
}

impl Rank {
    /// 1 or 2.
    pub fn number(self) -> u8 {
        match self {
            Rank::Senior => 1,
            Rank::Junior => 2,
        }
    }
}

/// `[[facility]]`: a delayed-draw term loan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Facility {
    /// `name`, unique.
    pub name: String,
    /// `rank`: default 1.
    pub rank: Rank,
    /// `amount` (with an optional `target_dscr`) or `sizing`.
    pub commitment: Commitment,
    /// `rate`.
    pub rate: RateSpec,
    /// `day_count`: default ACT/360.
    pub day_count: DayCount,
    /// `amortization` (and `schedule` for custom): default sculpted.
    pub amortization: Amortization,
    /// `interest_only_periods`: default 0.
    pub interest_only_periods: u32,
    /// `repay_by`: default halfway.
    pub repay_by: RepayBy,
    /// `upfront_fee`: share of the commitment paid at close (default 0).
    pub upfront_fee: Rate,
    /// `commitment_fee`: annual, on the undrawn commitment (default 0).
    pub commitment_fee: Rate,
    /// `sweep`: share of excess cash that prepays this facility every period (default 0).
    pub sweep: Share,
}

impl Facility {
    /// The DSCR its schedule is shaped or checked against: `sizing.dscr` or `target_dscr`.
    pub fn schedule_dscr(&self) -> Option<Ratio> {
        match &self.commitment {
            Commitment::Sized { dscr, .. } => Some(*dscr),
            Commitment::Fixed { target_dscr, .. } => *target_dscr,
        }
    }
}

/// How big the facility is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    /// `amount`, optionally checked against `target_dscr`.
    Fixed {
        /// `amount`.
        amount: Money,
        /// `target_dscr`.
        target_dscr: Option<Ratio>,
    },
    /// `sizing = { dscr, max_gearing }`: the largest loan the schedule repays.
    Sized {
        /// `sizing.dscr`.
        dscr: Ratio,
        /// `sizing.max_gearing`: debt / total capex.
        max_gearing: Share,
    },
}

/// `rate`: fixed, or an index plus a margin with a floor.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateSpec {
    /// `rate = { fixed }`.
    Fixed(Rate),
    /// `rate = { index, margin, floor }`.
    Floating {
        /// `index`: the name of a curve in `[curves]`.
        index: String,
        /// `margin`: default 0.
        margin: Rate,
        /// `floor`: default 0.
        floor: Rate,
    },
}

/// `amortization`: the shape of the scheduled principal.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Amortization {
    /// Principal shaped so that debt service is CFADS / DSCR.
    Sculpted,
    /// A level annuity at the rate at close.
    Level,
    /// Equal principal each window period.
    StraightLine,
    /// Everything at the deadline.
    Bullet,
    /// `schedule`: one share per window period, summing to 1.
    Custom(Vec<Share>),
}

impl Amortization {
    /// The deal-sheet spelling ([`SheetEnum::NAMES`]).
    pub fn as_str(&self) -> &'static str {
        self.name()
    }
}

/// `"custom"` is listed with an empty `schedule`; the reader fills it in.
impl SheetEnum for Amortization {
    const WHAT: &'static str = "amortization profile";
    const NAMES: &'static [(&'static str, Amortization)] = &[
        ("sculpted", Amortization::Sculpted),
        ("level", Amortization::Level),
        ("straight_line", Amortization::StraightLine),
        ("bullet", Amortization::Bullet),
        ("custom", Amortization::Custom(Vec::new())),
    ];
}

/// `repay_by`: the repayment deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepayBy {
    /// `"halfway"`: period `floor(N · repaid_by_fraction)`.
    Halfway,
    /// A whole number of months after close, a multiple of the period length.
    Months(u32),
}

/// `[reserve]`: the debt service reserve account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reserve {
    /// `months`: the next `months` of scheduled senior debt service.
    pub months: u32,
    /// `funded_at_close`: default true.
    pub funded_at_close: bool,
}

/// What a failed lock-up test does with the cash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockupAction {
    /// Prepay senior then junior principal; the rest to the lock-up account.
    Sweep,
    /// All to the lock-up account.
    Hold,
}

impl SheetEnum for LockupAction {
    const WHAT: &'static str = "lock-up action";
    const NAMES: &'static [(&'static str, LockupAction)] =
        &[("sweep", LockupAction::Sweep), ("hold", LockupAction::Hold)];
}

/// Serialized by its deal-sheet name.
impl Serialize for LockupAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// `[covenants]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Covenants {
    /// `min_dscr`: below it, `dscr_default`.
    pub min_dscr: Option<Ratio>,
    /// `lockup_dscr`: below it, no distribution.
    pub lockup_dscr: Option<Ratio>,
    /// `lockup_action`: default sweep.
    pub lockup_action: LockupAction,
    /// `repaid_by_fraction`: default 0.5.
    pub repaid_by_fraction: Share,
    /// `max_ltv`: above it, `ltv_breach`.
    pub max_ltv: Option<Ratio>,
}

impl Covenants {
    /// 0.5: the contract's halfway point.
    pub const DEFAULT_REPAID_BY_FRACTION: Share =
        Share::new(rust_decimal::Decimal::from_parts(5, 0, 0, false, 1));
}

/// `[curves.NAME]`: an index curve, a step function of dated values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Curve {
    /// `points`: `[date, value]` in strictly increasing date order, the first on or
    /// before close.
    pub points: Vec<(NaiveDate, Rate)>,
}

impl Curve {
    /// `index(t)`: the value of the last point dated on or before `t`.
    pub fn value_at(&self, t: NaiveDate) -> Option<Rate> {
        self.points
            .iter()
            .take_while(|(d, _)| *d <= t)
            .last()
            .map(|(_, v)| *v)
    }
}

/// `[analysis]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    /// `discount_rate`: the sponsor's hurdle rate for NPV.
    pub discount_rate: Rate,
}

/// `[[scenario]]`: a stress of the base case, run against the schedule sized at close.
///
/// A scenario changes what the box earns and pays (collections, opex, rates, the
/// GPUs' residual value and book value), never the debt terms: commitments, draws and
/// every facility's close schedule stay as sized for the base case. Each field left
/// at its neutral value (`Scenario::new`) leaves that part of the base case as it is.
///
/// ```
/// use boxflow_core::Share;
/// use boxflow_model::{CustomerDefault, ReLease, Scenario};
/// use rust_decimal::Decimal;
///
/// let mut s = Scenario::new("default in month 18, re-let at 60% after 6 months");
/// assert!(s.is_neutral());
/// s.customer_default = Some(CustomerDefault {
///     period: 18,
///     re_lease: Some(ReLease { after_periods: 6, price_share: Share::new(Decimal::new(60, 2)) }),
/// });
/// assert!(!s.is_neutral());
/// assert_eq!(s.rate_shock(), Decimal::ZERO);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// `name`: unique among the sheet's scenarios.
    pub name: String,
    /// `default_period` (with `re_lease_after`, `re_lease_price_share`): the customer
    /// stops paying from a period on (for the `line` only, when one is named).
    pub customer_default: Option<CustomerDefault>,
    /// `price_per_gpu_hour`: every capacity line (or the `line`) at this contract price.
    pub price_per_gpu_hour: Option<Quantity>,
    /// `price_haircut`: every capacity line's (or the `line`'s) price cut by this share (after
    /// `price_per_gpu_hour`); default 0.
    pub price_haircut: Share,
    /// `online_delay_months`: every capacity line (or the `line`) comes online this
    /// many months late; default 0.
    pub online_delay_months: u32,
    /// `opex_shock`: colocation rates and `per_month` expenses times `1 + opex_shock`;
    /// above -1, default 0.
    pub opex_shock: Rate,
    /// `power_shock`: power prices times `1 + power_shock`; above -1, default 0.
    pub power_shock: Rate,
    /// `rate_shock_bps`: basis points added to every index value before the floor
    /// applies (floating facilities only); default 0, may be negative.
    pub rate_shock_bps: Decimal,
    /// `residual_share`: every purchase order's residual share.
    pub residual_share: Option<Share>,
    /// `useful_life_months`: every purchase order's useful life (book value, LTV).
    pub useful_life_months: Option<u32>,
    /// `line`: the capacity line, by its `name`, that the line shocks (the price,
    /// haircut, online delay and customer default) target; `None`: every line. The
    /// name must be unique among the capacity lines.
    pub line: Option<String>,
}

impl Scenario {
    /// A scenario named `name` that changes nothing.
    pub fn new(name: impl Into<String>) -> Scenario {
        Scenario {
            name: name.into(),
            customer_default: None,
            price_per_gpu_hour: None,
            price_haircut: Share::ZERO,
            online_delay_months: 0,
            opex_shock: Rate::ZERO,
            power_shock: Rate::ZERO,
            rate_shock_bps: Decimal::ZERO,
            residual_share: None,
            useful_life_months: None,
            line: None,
        }
    }

    /// True when the scenario's line shocks (price, haircut, delay, default) reach
    /// `line`: every line without a `line` target, else the line of that name.
    pub fn targets(&self, line: &CapacityLine) -> bool {
        match &self.line {
            None => true,
            Some(name) => line.name.as_deref() == Some(name.as_str()),
        }
    }

    /// True when the scenario has a line shock: a price, a haircut, an online delay or
    /// a customer default (the shocks a `line` can target).
    pub fn shocks_lines(&self) -> bool {
        self.customer_default.is_some()
            || self.price_per_gpu_hour.is_some()
            || !self.price_haircut.value().is_zero()
            || self.online_delay_months > 0
    }

    /// True when the scenario changes nothing: it runs as the base case.
    pub fn is_neutral(&self) -> bool {
        let neutral = Scenario::new(self.name.clone());
        *self == neutral
    }

    /// The rate shock as a rate: `rate_shock_bps / 10000`.
    pub fn rate_shock(&self) -> Decimal {
        self.rate_shock_bps / Decimal::from(10_000)
    }

    /// Applies the shocks that change the deal itself (the debt terms and the rate
    /// shock are the engine's): every targeted capacity line ([`Scenario::targets`]:
    /// all, or the `line` only) at `price_per_gpu_hour` (if given) times
    /// `1 - price_haircut`, online `add_months(max(online, close),
    /// online_delay_months)`; colocation rates and `per_month` expenses times
    /// `1 + opex_shock`; power prices times `1 + power_shock`; every purchase order with
    /// the scenario's residual share and useful life. A product out of range is an
    /// [`Invalid`](crate::Invalid) at the scenario key that caused it.
    pub(crate) fn apply_to(&self, d: &mut Deal) -> Result<(), crate::Invalid> {
        let out_of_range = |key: &str| {
            crate::Invalid::new(
                crate::RuleKind::InvalidValue,
                format!("scenario.{key}"),
                format!("`{key}` takes a value of the deal out of range"),
                "use a smaller shock",
            )
        };
        let times =
            |a: Decimal, b: Decimal, key: &str| a.checked_mul(b).ok_or_else(|| out_of_range(key));
        let keep = Decimal::ONE - self.price_haircut.value();
        let close = d.close;
        for line in &mut d.contract.capacity {
            if !self.targets(line) {
                continue;
            }
            if !self.price_haircut.value().is_zero() || self.price_per_gpu_hour.is_some() {
                let price = self
                    .price_per_gpu_hour
                    .unwrap_or(line.price_per_gpu_hour)
                    .value();
                line.price_per_gpu_hour = Quantity::new(times(price, keep, "price_haircut")?);
            }
            if self.online_delay_months > 0 {
                line.online =
                    boxflow_core::add_months(line.online.max(close), self.online_delay_months)
                        .ok_or_else(|| out_of_range("online_delay_months"))?;
            }
        }
        let opex = Decimal::ONE + self.opex_shock.value();
        let power = Decimal::ONE + self.power_shock.value();
        if !self.opex_shock.value().is_zero() || !self.power_shock.value().is_zero() {
            for dc in &mut d.datacenters {
                dc.rate_per_kw_month =
                    Quantity::new(times(dc.rate_per_kw_month.value(), opex, "opex_shock")?);
                dc.power_price_per_mwh =
                    Quantity::new(times(dc.power_price_per_mwh.value(), power, "power_shock")?);
            }
            for e in &mut d.expenses {
                if let ExpenseBasis::PerMonth(q) = &mut e.basis {
                    *q = Quantity::new(times(q.value(), opex, "opex_shock")?);
                }
            }
        }
        for po in &mut d.purchase_orders {
            if let Some(r) = self.residual_share {
                po.residual_share = r;
            }
            if let Some(life) = self.useful_life_months {
                po.useful_life_months = life;
            }
        }
        Ok(())
    }

    /// True when the scenario changes the operating lines (revenue, collections,
    /// opex, power): a default, a price, a delay or an opex or power shock.
    pub fn changes_operations(&self) -> bool {
        self.shocks_lines()
            || !self.opex_shock.value().is_zero()
            || !self.power_shock.value().is_zero()
    }
}

/// `[[property]]`: a property of the box as written in the deal sheet, its ranges and
/// predicates kept as text. This crate knows neither shocks nor metrics:
/// `boxflow_scenario::prove` reads them (`Property::from_spec`) and checks them
/// (`prove::property_rules`), each error keyed by the deal-sheet path of the text at
/// fault (`property[0].vary.default_period`, `property[0].expect[1]`).
///
/// ```
/// use boxflow_model::PropertySpec;
///
/// let p = PropertySpec::new("no loss", &[("price_haircut", "0..0.05")], &["lender_loss == 0"]);
/// assert_eq!(p.vary[0].0, "price_haircut");
/// assert_eq!(p.expect, ["lender_loss == 0"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PropertySpec {
    /// `name`: labels the property; unique among the sheet's properties.
    pub name: String,
    /// `vary`: each `[[scenario]]` key (or its short name) with its range `"lo..hi"`,
    /// in the order written.
    pub vary: Vec<(String, String)>,
    /// `expect`: the predicates (`"min_dscr >= 1.05"`), in the order written.
    pub expect: Vec<String>,
}

impl PropertySpec {
    /// A property of `name` with these ranges and predicates.
    pub fn new(name: impl Into<String>, vary: &[(&str, &str)], expect: &[&str]) -> PropertySpec {
        PropertySpec {
            name: name.into(),
            vary: vary
                .iter()
                .map(|(k, r)| (k.to_string(), r.to_string()))
                .collect(),
            expect: expect.iter().map(|e| e.to_string()).collect(),
        }
    }
}

/// `[simulation]`: what `boxflow simulate` draws for each run (docs/risk.md). Every
/// key left out draws nothing: its shock is 0 in every run.
///
/// ```
/// use boxflow_model::Simulation;
///
/// let s = Simulation::default();
/// assert_eq!(s.runs, 10_000);
/// assert!(s.is_degenerate());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Simulation {
    /// `runs`: how many runs (1 to 1,000,000), default 10,000.
    pub runs: u32,
    /// `seed`: the seed of every run's random stream, default 0.
    pub seed: u64,
    /// `default_probability`: the annual probability that the customer defaults
    /// (in [0, 1]), default 0.
    pub default_probability: Share,
    /// `re_lease_price_share`: `[lo, hi]`, the re-lease price share drawn uniformly,
    /// times the market price path; `None`: a defaulted customer is never replaced.
    pub re_lease_price_share: Option<(Share, Share)>,
    /// `re_lease_after`: `[lo, hi]` periods without revenue, drawn uniformly; default
    /// `[0, 0]`.
    pub re_lease_after: (u32, u32),
    /// `market_price_drift`: the annual log drift of the GPU market price path.
    pub market_price_drift: Rate,
    /// `market_price_volatility`: its annual volatility (0 or more).
    pub market_price_volatility: Rate,
    /// `rate_shock_bps_sd`: the standard deviation of the rate shock, in basis points.
    pub rate_shock_bps_sd: Decimal,
    /// `opex_shock_sd`: the standard deviation of the opex shock.
    pub opex_shock_sd: Rate,
    /// `power_shock_sd`: the standard deviation of the power shock.
    pub power_shock_sd: Rate,
    /// `online_delay_months`: `[lo, hi]`, the online delay drawn uniformly; default
    /// `[0, 0]`.
    pub online_delay_months: (u32, u32),
}

impl Simulation {
    /// The default number of runs.
    pub const DEFAULT_RUNS: u32 = 10_000;
    /// The largest number of runs.
    pub const MAX_RUNS: u32 = 1_000_000;

    /// True when nothing is drawn: no default, no volatility, no drift, no shock
    /// spread, no delay range; every run is the base case.
    pub fn is_degenerate(&self) -> bool {
        self.default_probability.value().is_zero()
            && self.market_price_drift.value().is_zero()
            && self.market_price_volatility.value().is_zero()
            && self.rate_shock_bps_sd.is_zero()
            && self.opex_shock_sd.value().is_zero()
            && self.power_shock_sd.value().is_zero()
            && self.online_delay_months == (0, 0)
    }
}

impl Default for Simulation {
    fn default() -> Simulation {
        Simulation {
            runs: Simulation::DEFAULT_RUNS,
            seed: 0,
            default_probability: Share::ZERO,
            re_lease_price_share: None,
            re_lease_after: (0, 0),
            market_price_drift: Rate::ZERO,
            market_price_volatility: Rate::ZERO,
            rate_shock_bps_sd: Decimal::ZERO,
            opex_shock_sd: Rate::ZERO,
            power_shock_sd: Rate::ZERO,
            online_delay_months: (0, 0),
        }
    }
}

/// The customer stops paying: from period `period` on it pays no invoice and takes no
/// prepayment credit, and the unused prepayment is kept by the box, not refunded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerDefault {
    /// `default_period`: `d`, the first period without collections (1..=N).
    pub period: u32,
    /// The re-lease of the same capacity, if any.
    pub re_lease: Option<ReLease>,
}

/// The same capacity re-let to a new customer after a default.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReLease {
    /// `re_lease_after`: `g`, periods without revenue; the re-lease bills from period
    /// `d + g` on (default 0).
    pub after_periods: u32,
    /// `re_lease_price_share`: the re-lease price as a share of the contract price.
    pub price_share: Share,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant, listed through an exhaustive match: a new variant does not
    /// compile until it is listed here, and then fails until it has a name.
    fn all_profiles() -> Vec<Amortization> {
        let all = vec![
            Amortization::Sculpted,
            Amortization::Level,
            Amortization::StraightLine,
            Amortization::Bullet,
            Amortization::Custom(vec![Share::ONE]),
        ];
        for a in &all {
            match a {
                Amortization::Sculpted
                | Amortization::Level
                | Amortization::StraightLine
                | Amortization::Bullet
                | Amortization::Custom(_) => {}
            }
        }
        all
    }

    #[test]
    fn every_profile_round_trips_name_variant_name() {
        for a in all_profiles() {
            let back = Amortization::from_name(a.name()).unwrap();
            assert_eq!(back.name(), a.name());
            assert_eq!(std::mem::discriminant(&back), std::mem::discriminant(&a));
        }
        assert_eq!(Amortization::NAMES.len(), all_profiles().len());
        assert_eq!(
            Amortization::from_name("custom"),
            Some(Amortization::Custom(Vec::new()))
        );
        assert_eq!(Amortization::StraightLine.as_str(), "straight_line");
    }

    #[test]
    fn every_lockup_action_round_trips_name_variant_name() {
        let all = [LockupAction::Sweep, LockupAction::Hold];
        for a in all {
            match a {
                LockupAction::Sweep | LockupAction::Hold => {}
            }
            assert_eq!(LockupAction::from_name(a.name()), Some(a));
        }
        assert_eq!(LockupAction::NAMES.len(), all.len());
        assert_eq!(LockupAction::Hold.name(), "hold");
    }
}
