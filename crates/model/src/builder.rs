//! Builders: a [`Deal`] in code, with the defaults of methodology section 1.
//!
//! Each part has a constructor taking its required keys and chained setters for the
//! optional ones; a setter not called leaves the section 1 default. Dates that default
//! to the deal's close (a capacity line's `online`, an item's `start`) are filled in by
//! [`DealBuilder::build`], which also validates the deal.
//!
//! ```
//! use boxflow_core::Frequency;
//! use boxflow_model::*;
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |s: &str| s.parse::<Decimal>().unwrap();
//! let close = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let deal = Deal::builder("Tiny", close, Frequency::Monthly)
//!     .contract(ContractBuilder::new("Lab", 24).capacity(CapacityBuilder::new(1024, d("2.50"))))
//!     .purchase_order(PurchaseOrderBuilder::new(128, d("300000"), 72).payment(close, d("1")))
//!     .expense(ExpenseBuilder::per_month(d("450000")))
//!     .facility(FacilityBuilder::sized("DDTL", RateSpec::fixed(d("0.059")), d("1.30"), d("0.80")))
//!     .build()
//!     .unwrap();
//! assert_eq!(deal.contract.capacity[0].online, close); // default: close
//! assert_eq!(deal.facilities[0].rank, Rank::Senior); // default: rank 1
//! assert_eq!(deal.currency, "USD");
//! ```

use std::collections::BTreeMap;

use boxflow_core::{DayCount, Frequency, Money, Quantity, Rate, Ratio, Share};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::deal::*;
use crate::invalid::InvalidDeal;
use crate::valid::ValidDeal;

/// Builds a [`Deal`]; [`Deal::builder`] starts one.
#[derive(Clone, Debug)]
#[must_use]
pub struct DealBuilder {
    name: String,
    currency: String,
    close: NaiveDate,
    frequency: Frequency,
    contract: Option<ContractBuilder>,
    purchase_orders: Vec<PurchaseOrder>,
    datacenters: Vec<DatacenterBuilder>,
    expenses: Vec<ExpenseBuilder>,
    fees: Vec<FeeBuilder>,
    facilities: Vec<Facility>,
    reserve: Option<Reserve>,
    covenants: Option<Covenants>,
    curves: BTreeMap<String, Curve>,
    analysis: Option<Analysis>,
    scenarios: Vec<Scenario>,
    simulation: Option<Simulation>,
    properties: Vec<PropertySpec>,
}

impl Deal {
    /// Starts a deal named `name` closing on `close` with periods of `frequency`
    /// (`deal.name`, `deal.close`, `deal.frequency`); `deal.currency` defaults to USD.
    pub fn builder(name: impl Into<String>, close: NaiveDate, frequency: Frequency) -> DealBuilder {
        DealBuilder {
            name: name.into(),
            currency: "USD".into(),
            close,
            frequency,
            contract: None,
            purchase_orders: Vec::new(),
            datacenters: Vec::new(),
            expenses: Vec::new(),
            fees: Vec::new(),
            facilities: Vec::new(),
            reserve: None,
            covenants: None,
            curves: BTreeMap::new(),
            analysis: None,
            scenarios: Vec::new(),
            simulation: None,
            properties: Vec::new(),
        }
    }
}

impl DealBuilder {
    /// `deal.currency`: three capital letters (default `"USD"`).
    pub fn currency(mut self, currency: impl Into<String>) -> Self {
        self.currency = currency.into();
        self
    }
    /// `[contract]` (required).
    pub fn contract(mut self, contract: ContractBuilder) -> Self {
        self.contract = Some(contract);
        self
    }
    /// Adds a `[[purchase_order]]`.
    pub fn purchase_order(mut self, order: PurchaseOrderBuilder) -> Self {
        self.purchase_orders.push(order.0);
        self
    }
    /// Adds a `[[datacenter]]`.
    pub fn datacenter(mut self, datacenter: DatacenterBuilder) -> Self {
        self.datacenters.push(datacenter);
        self
    }
    /// Adds an `[[expense]]`.
    pub fn expense(mut self, expense: ExpenseBuilder) -> Self {
        self.expenses.push(expense);
        self
    }
    /// Adds a `[[fee]]`.
    pub fn fee(mut self, fee: FeeBuilder) -> Self {
        self.fees.push(fee);
        self
    }
    /// Adds a `[[facility]]`.
    pub fn facility(mut self, facility: FacilityBuilder) -> Self {
        self.facilities.push(facility.0);
        self
    }
    /// `[reserve]`: a DSRA covering the next `months` of senior debt service, funded at
    /// close (`funded_at_close = true`). Without it there is no DSRA.
    pub fn reserve(mut self, months: u32) -> Self {
        self.reserve = Some(Reserve {
            months,
            funded_at_close: true,
        });
        self
    }
    /// `[reserve]` with `funded_at_close = false`: the DSRA fills from cash.
    pub fn reserve_unfunded(mut self, months: u32) -> Self {
        self.reserve = Some(Reserve {
            months,
            funded_at_close: false,
        });
        self
    }
    /// `[covenants]`; without it there is no DSCR, lock-up or LTV test.
    pub fn covenants(mut self, covenants: CovenantsBuilder) -> Self {
        self.covenants = Some(covenants.0);
        self
    }
    /// `[curves.NAME]`: an index curve of `[date, value]` points.
    pub fn curve(mut self, name: impl Into<String>, points: Vec<(NaiveDate, Decimal)>) -> Self {
        let points = points.into_iter().map(|(d, v)| (d, Rate::new(v))).collect();
        self.curves.insert(name.into(), Curve { points });
        self
    }
    /// `[analysis]` with its `discount_rate`; without it `npv` is null.
    pub fn discount_rate(mut self, rate: Decimal) -> Self {
        self.analysis = Some(Analysis {
            discount_rate: Rate::new(rate),
        });
        self
    }
    /// Adds a `[[scenario]]`.
    pub fn scenario(mut self, scenario: Scenario) -> Self {
        self.scenarios.push(scenario);
        self
    }

    /// Sets `[simulation]`, the Monte Carlo model of `boxflow simulate`.
    pub fn simulation(mut self, simulation: Simulation) -> Self {
        self.simulation = Some(simulation);
        self
    }

    /// Adds a `[[property]]`, checked by `boxflow prove`.
    pub fn property(mut self, property: PropertySpec) -> Self {
        self.properties.push(property);
        self
    }

    /// The deal with every default applied, not yet validated (to change it further
    /// in code before [`Deal::validate`]).
    ///
    /// A builder without a contract gets an empty one (customer `""`, term 0), which
    /// validation refuses, as a sheet without `[contract]` is refused.
    pub fn build_unvalidated(self) -> Deal {
        let close = self.close;
        let contract = self
            .contract
            .unwrap_or_else(|| ContractBuilder::new("", 0))
            .finish(close);
        Deal {
            name: self.name,
            currency: self.currency,
            close,
            frequency: self.frequency,
            contract,
            purchase_orders: self.purchase_orders,
            datacenters: self
                .datacenters
                .into_iter()
                .map(|b| b.finish(close))
                .collect(),
            expenses: self.expenses.into_iter().map(|b| b.finish(close)).collect(),
            fees: self.fees.into_iter().map(|b| b.finish(close)).collect(),
            facilities: self.facilities,
            reserve: self.reserve,
            covenants: self.covenants,
            curves: self.curves,
            analysis: self.analysis,
            scenarios: self.scenarios,
            simulation: self.simulation,
            properties: self.properties,
        }
    }

    /// The deal, validated: every rule of methodology section 1, with the same errors
    /// (and deal-sheet paths) as a deal sheet gets.
    pub fn build(self) -> Result<ValidDeal, InvalidDeal> {
        self.build_unvalidated().validate()
    }
}

/// Builds a [`Contract`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ContractBuilder {
    contract: Contract,
    capacity: Vec<CapacityBuilder>,
}

impl ContractBuilder {
    /// `contract.customer` and `contract.term_months`; no escalator, no prepayment.
    pub fn new(customer: impl Into<String>, term_months: u32) -> Self {
        ContractBuilder {
            contract: Contract {
                customer: customer.into(),
                term_months,
                escalator: Rate::ZERO,
                prepayment: Money::ZERO,
                prepayment_credit_share: Share::ZERO,
                capacity: Vec::new(),
            },
            capacity: Vec::new(),
        }
    }
    /// `contract.escalator`: the annual price step (default 0).
    pub fn escalator(mut self, escalator: Decimal) -> Self {
        self.contract.escalator = Rate::new(escalator);
        self
    }
    /// `contract.prepayment` (paid at close, rounded to cents half away from zero) and
    /// `contract.prepayment_credit_share` (default: none).
    pub fn prepayment(mut self, amount: Decimal, credit_share: Decimal) -> Self {
        self.contract.prepayment = Money::round2(amount);
        self.contract.prepayment_credit_share = Share::new(credit_share);
        self
    }
    /// Adds a `[[contract.capacity]]` line.
    pub fn capacity(mut self, line: CapacityBuilder) -> Self {
        self.capacity.push(line);
        self
    }
    fn finish(mut self, close: NaiveDate) -> Contract {
        self.contract.capacity = self.capacity.into_iter().map(|c| c.finish(close)).collect();
        self.contract
    }
}

/// Builds a [`CapacityLine`].
#[derive(Clone, Debug)]
#[must_use]
pub struct CapacityBuilder {
    name: Option<String>,
    gpus: u64,
    online: Option<NaiveDate>,
    price_per_gpu_hour: Decimal,
}

impl CapacityBuilder {
    /// `gpus` billed at `price_per_gpu_hour`, online at close.
    pub fn new(gpus: u64, price_per_gpu_hour: Decimal) -> Self {
        CapacityBuilder {
            name: None,
            gpus,
            online: None,
            price_per_gpu_hour,
        }
    }
    /// `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// `online` (default: close).
    pub fn online(mut self, online: NaiveDate) -> Self {
        self.online = Some(online);
        self
    }
    fn finish(self, close: NaiveDate) -> CapacityLine {
        CapacityLine {
            name: self.name,
            gpus: self.gpus,
            online: self.online.unwrap_or(close),
            price_per_gpu_hour: Quantity::new(self.price_per_gpu_hour),
        }
    }
}

/// Builds a [`PurchaseOrder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct PurchaseOrderBuilder(PurchaseOrder);

impl PurchaseOrderBuilder {
    /// `units` at `unit_cost`, depreciated over `useful_life_months`; no payments yet,
    /// no residual value.
    pub fn new(units: u64, unit_cost: Decimal, useful_life_months: u32) -> Self {
        PurchaseOrderBuilder(PurchaseOrder {
            item: None,
            units,
            unit_cost: Quantity::new(unit_cost),
            payments: Vec::new(),
            useful_life_months,
            residual_share: Share::ZERO,
        })
    }
    /// `item`.
    pub fn item(mut self, item: impl Into<String>) -> Self {
        self.0.item = Some(item.into());
        self
    }
    /// Adds a payment of `share` of the cost on `date` (the shares must sum to 1).
    pub fn payment(mut self, date: NaiveDate, share: Decimal) -> Self {
        self.0.payments.push(CapexPayment {
            date,
            share: Share::new(share),
        });
        self
    }
    /// `residual_share` (default 0).
    pub fn residual_share(mut self, share: Decimal) -> Self {
        self.0.residual_share = Share::new(share);
        self
    }
}

/// Builds a [`Datacenter`].
#[derive(Clone, Debug)]
#[must_use]
pub struct DatacenterBuilder {
    datacenter: Datacenter,
    start: Option<NaiveDate>,
}

impl DatacenterBuilder {
    /// `critical_kw` at `rate_per_kw_month`, power at `power_price_per_mwh`; from close,
    /// open-ended, no escalator, `pue` and `load_factor` 1.
    pub fn new(
        critical_kw: Decimal,
        rate_per_kw_month: Decimal,
        power_price_per_mwh: Decimal,
    ) -> Self {
        DatacenterBuilder {
            datacenter: Datacenter {
                site: None,
                critical_kw: Quantity::new(critical_kw),
                rate_per_kw_month: Quantity::new(rate_per_kw_month),
                escalator: Rate::ZERO,
                start: NaiveDate::MIN,
                term_months: None,
                power_price_per_mwh: Quantity::new(power_price_per_mwh),
                pue: Quantity::new(Decimal::ONE),
                load_factor: Quantity::new(Decimal::ONE),
            },
            start: None,
        }
    }
    /// `site`.
    pub fn site(mut self, site: impl Into<String>) -> Self {
        self.datacenter.site = Some(site.into());
        self
    }
    /// `escalator`: annual, on each anniversary of `start` (default 0).
    pub fn escalator(mut self, escalator: Decimal) -> Self {
        self.datacenter.escalator = Rate::new(escalator);
        self
    }
    /// `start` (default: close).
    pub fn start(mut self, start: NaiveDate) -> Self {
        self.start = Some(start);
        self
    }
    /// `term_months` (default: open-ended).
    pub fn term_months(mut self, months: u32) -> Self {
        self.datacenter.term_months = Some(months);
        self
    }
    /// `pue` (default 1).
    pub fn pue(mut self, pue: Decimal) -> Self {
        self.datacenter.pue = Quantity::new(pue);
        self
    }
    /// `load_factor` (default 1).
    pub fn load_factor(mut self, load_factor: Decimal) -> Self {
        self.datacenter.load_factor = Quantity::new(load_factor);
        self
    }
    fn finish(mut self, close: NaiveDate) -> Datacenter {
        self.datacenter.start = self.start.unwrap_or(close);
        self.datacenter
    }
}

/// Builds an [`Expense`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ExpenseBuilder {
    expense: Expense,
    start: Option<NaiveDate>,
}

impl ExpenseBuilder {
    fn with(basis: ExpenseBasis) -> Self {
        ExpenseBuilder {
            expense: Expense {
                name: None,
                basis,
                escalator: Rate::ZERO,
                start: NaiveDate::MIN,
                end: None,
            },
            start: None,
        }
    }
    /// `per_month`: a monthly amount, from close, open-ended, no escalator.
    pub fn per_month(amount: Decimal) -> Self {
        Self::with(ExpenseBasis::PerMonth(Quantity::new(amount)))
    }
    /// `share_of_revenue`: a share of each period's invoice, from close, open-ended.
    pub fn share_of_revenue(share: Decimal) -> Self {
        Self::with(ExpenseBasis::ShareOfRevenue(Share::new(share)))
    }
    /// `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.expense.name = Some(name.into());
        self
    }
    /// `escalator`: annual, on each anniversary of `start` (default 0).
    pub fn escalator(mut self, escalator: Decimal) -> Self {
        self.expense.escalator = Rate::new(escalator);
        self
    }
    /// `start` (default: close).
    pub fn start(mut self, start: NaiveDate) -> Self {
        self.start = Some(start);
        self
    }
    /// `end`, exclusive (default: open-ended).
    pub fn end(mut self, end: NaiveDate) -> Self {
        self.expense.end = Some(end);
        self
    }
    fn finish(mut self, close: NaiveDate) -> Expense {
        self.expense.start = self.start.unwrap_or(close);
        self.expense
    }
}

/// Builds a [`Fee`].
#[derive(Clone, Debug)]
#[must_use]
pub struct FeeBuilder {
    fee: Fee,
    start: Option<NaiveDate>,
}

impl FeeBuilder {
    /// `per_year`, from close, open-ended.
    pub fn per_year(amount: Decimal) -> Self {
        FeeBuilder {
            fee: Fee {
                name: None,
                per_year: Quantity::new(amount),
                start: NaiveDate::MIN,
                end: None,
            },
            start: None,
        }
    }
    /// `name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.fee.name = Some(name.into());
        self
    }
    /// `start` (default: close).
    pub fn start(mut self, start: NaiveDate) -> Self {
        self.start = Some(start);
        self
    }
    /// `end`, exclusive (default: open-ended).
    pub fn end(mut self, end: NaiveDate) -> Self {
        self.fee.end = Some(end);
        self
    }
    fn finish(mut self, close: NaiveDate) -> Fee {
        self.fee.start = self.start.unwrap_or(close);
        self.fee
    }
}

impl RateSpec {
    /// `rate = { fixed }`.
    pub fn fixed(rate: Decimal) -> RateSpec {
        RateSpec::Fixed(Rate::new(rate))
    }
    /// `rate = { index, margin, floor }`.
    pub fn floating(index: impl Into<String>, margin: Decimal, floor: Decimal) -> RateSpec {
        RateSpec::Floating {
            index: index.into(),
            margin: Rate::new(margin),
            floor: Rate::new(floor),
        }
    }
}

/// Builds a [`Facility`].
#[derive(Clone, Debug)]
#[must_use]
pub struct FacilityBuilder(Facility);

impl FacilityBuilder {
    fn with(name: impl Into<String>, rate: RateSpec, commitment: Commitment) -> Self {
        FacilityBuilder(Facility {
            name: name.into(),
            rank: Rank::Senior,
            commitment,
            rate,
            day_count: DayCount::Act360,
            amortization: Amortization::Sculpted,
            interest_only_periods: 0,
            repay_by: RepayBy::Halfway,
            upfront_fee: Rate::ZERO,
            commitment_fee: Rate::ZERO,
            sweep: Share::ZERO,
        })
    }
    /// A facility sized by methodology section 7: `sizing = { dscr, max_gearing }`.
    /// Defaults: senior, ACT/360, sculpted, repaid by halfway, no fees, no sweep.
    pub fn sized(
        name: impl Into<String>,
        rate: RateSpec,
        dscr: Decimal,
        max_gearing: Decimal,
    ) -> Self {
        let commitment = Commitment::Sized {
            dscr: Ratio::new(dscr),
            max_gearing: Share::new(max_gearing),
        };
        Self::with(name, rate, commitment)
    }
    /// A facility of a fixed `amount` (rounded to cents half away from zero), with the
    /// same defaults as [`FacilityBuilder::sized`]; a sculpted one needs a
    /// [`FacilityBuilder::target_dscr`].
    pub fn fixed(name: impl Into<String>, rate: RateSpec, amount: Decimal) -> Self {
        let commitment = Commitment::Fixed {
            amount: Money::round2(amount),
            target_dscr: None,
        };
        Self::with(name, rate, commitment)
    }
    /// `target_dscr` of a fixed amount (ignored for a sized facility, whose `dscr` it is).
    pub fn target_dscr(mut self, dscr: Decimal) -> Self {
        if let Commitment::Fixed { target_dscr, .. } = &mut self.0.commitment {
            *target_dscr = Some(Ratio::new(dscr));
        }
        self
    }
    /// `rank = 2`: the junior facility.
    pub fn junior(mut self) -> Self {
        self.0.rank = Rank::Junior;
        self
    }
    /// `day_count` (default ACT/360).
    pub fn day_count(mut self, day_count: DayCount) -> Self {
        self.0.day_count = day_count;
        self
    }
    /// `amortization` (default sculpted).
    pub fn amortization(mut self, amortization: Amortization) -> Self {
        self.0.amortization = amortization;
        self
    }
    /// `interest_only_periods` (default 0).
    pub fn interest_only_periods(mut self, periods: u32) -> Self {
        self.0.interest_only_periods = periods;
        self
    }
    /// `repay_by` as months after close (default: halfway).
    pub fn repay_by_months(mut self, months: u32) -> Self {
        self.0.repay_by = RepayBy::Months(months);
        self
    }
    /// `upfront_fee`: a share of the commitment paid at close (default 0).
    pub fn upfront_fee(mut self, fee: Decimal) -> Self {
        self.0.upfront_fee = Rate::new(fee);
        self
    }
    /// `commitment_fee`: annual, on the undrawn commitment (default 0).
    pub fn commitment_fee(mut self, fee: Decimal) -> Self {
        self.0.commitment_fee = Rate::new(fee);
        self
    }
    /// `sweep`: share of excess cash that prepays this facility (default 0).
    pub fn sweep(mut self, sweep: Decimal) -> Self {
        self.0.sweep = Share::new(sweep);
        self
    }
}

/// Builds [`Covenants`]: each test is on only when its level is set.
#[derive(Clone, Debug)]
#[must_use]
pub struct CovenantsBuilder(Covenants);

impl Default for CovenantsBuilder {
    fn default() -> Self {
        CovenantsBuilder::new()
    }
}

impl CovenantsBuilder {
    /// No DSCR, lock-up or LTV level; `lockup_action = "sweep"`, `repaid_by_fraction = 0.5`.
    pub fn new() -> Self {
        CovenantsBuilder(Covenants {
            min_dscr: None,
            lockup_dscr: None,
            lockup_action: LockupAction::Sweep,
            repaid_by_fraction: Covenants::DEFAULT_REPAID_BY_FRACTION,
            max_ltv: None,
        })
    }
    /// `min_dscr`: below it, `dscr_default`.
    pub fn min_dscr(mut self, dscr: Decimal) -> Self {
        self.0.min_dscr = Some(Ratio::new(dscr));
        self
    }
    /// `lockup_dscr`: below it, no distribution.
    pub fn lockup_dscr(mut self, dscr: Decimal) -> Self {
        self.0.lockup_dscr = Some(Ratio::new(dscr));
        self
    }
    /// `lockup_action` (default sweep).
    pub fn lockup_action(mut self, action: LockupAction) -> Self {
        self.0.lockup_action = action;
        self
    }
    /// `repaid_by_fraction` (default 0.5).
    pub fn repaid_by_fraction(mut self, fraction: Decimal) -> Self {
        self.0.repaid_by_fraction = Share::new(fraction);
        self
    }
    /// `max_ltv`: above it, `ltv_breach`.
    pub fn max_ltv(mut self, ltv: Decimal) -> Self {
        self.0.max_ltv = Some(Ratio::new(ltv));
        self
    }
}

impl Deal {
    /// A small valid deal for examples and tests: 1,024 GPUs at 2.50 for 24 months,
    /// 128 servers at 300,000 paid at close, 450,000 a month of opex, one senior
    /// facility sized to 1.30x and 80% gearing at a fixed 5.90%, closing 2026-01-01.
    pub fn example() -> Deal {
        let close = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        Deal::builder("example", close, Frequency::Monthly)
            .contract(
                ContractBuilder::new("AI lab", 24)
                    .capacity(CapacityBuilder::new(1024, Decimal::new(250, 2))),
            )
            .purchase_order(
                PurchaseOrderBuilder::new(128, Decimal::from(300_000), 72)
                    .payment(close, Decimal::ONE)
                    .residual_share(Decimal::new(2, 1)),
            )
            .expense(ExpenseBuilder::per_month(Decimal::from(450_000)))
            .facility(FacilityBuilder::sized(
                "DDTL",
                RateSpec::fixed(Decimal::new(590, 4)),
                Decimal::new(130, 2),
                Decimal::new(80, 2),
            ))
            .build_unvalidated()
    }
}
