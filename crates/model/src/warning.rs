//! Warnings: values that are valid but almost certainly a unit slip (a rate written
//! as a percentage, a monthly price where an hourly one belongs, a life in years).
//!
//! A warning never stops a deal from running: the deal is valid and the engine computes
//! exactly what it says. Each rule is one function with its threshold as a named
//! constant; [`warnings`] runs them all in the order of the deal sheet's sections.
//! Each [`Warning`] is keyed by the deal-sheet path of the value, like an
//! [`Invalid`](crate::Invalid), and its help names the value that was likely meant.
//!
//! ```
//! use boxflow_model::{warnings, Deal, RateSpec};
//! use boxflow_core::Rate;
//! use rust_decimal::Decimal;
//!
//! let mut deal = Deal::example();
//! assert!(warnings(&deal).is_empty());
//!
//! // A fixed rate of 3.75 (375%) was meant as 3.75%.
//! deal.facilities[0].rate = RateSpec::Fixed(Rate::new(Decimal::new(375, 2)));
//! let w = warnings(&deal);
//! assert_eq!(w[0].code, "rate_above_half");
//! assert_eq!(w[0].path, "facility[0].rate.fixed");
//! assert_eq!(w[0].help, "rates are decimals: did you mean 0.0375 (3.75%)?");
//! ```

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::deal::{Commitment, Deal, ExpenseBasis, RateSpec};

/// An interest rate, margin, floor, curve value or discount rate above this (50% a
/// year) is most likely a percentage written as a number: `3.75` for `0.0375`.
pub const MAX_RATE: Decimal = Decimal::from_parts(5, 0, 0, false, 1);
/// A DSCR level (sizing, target, lock-up, minimum) above this (5.00x) is most likely
/// a percentage: `135` for `1.35`.
pub const MAX_DSCR: Decimal = Decimal::from_parts(5, 0, 0, false, 0);
/// A DSCR level below this (1.00x) lets debt service exceed CFADS: most likely the
/// cushion (`0.35`) written for the ratio (`1.35`).
pub const MIN_DSCR: Decimal = Decimal::ONE;
/// An annual escalator beyond ±25% is most likely a percentage: `3` for `0.03`.
pub const MAX_ESCALATOR: Decimal = Decimal::from_parts(25, 0, 0, false, 2);
/// A contract price below this per GPU-hour (0.05) is most likely a price per
/// GPU-second or per GPU-minute, or a share.
pub const MIN_PRICE_PER_GPU_HOUR: Decimal = Decimal::from_parts(5, 0, 0, false, 2);
/// A contract price above this per GPU-hour (50) is most likely a monthly price
/// (`1606` ≈ 2.20 × 730 hours).
pub const MAX_PRICE_PER_GPU_HOUR: Decimal = Decimal::from_parts(50, 0, 0, false, 0);
/// Average hours in a month (8,760 / 12), to turn a monthly price into an hourly one.
pub const HOURS_PER_MONTH: Decimal = Decimal::from_parts(730, 0, 0, false, 0);
/// A PUE below 1 is impossible (total power is at least the IT power).
pub const MIN_PUE: Decimal = Decimal::ONE;
/// A PUE above 3 is most likely a percentage or a typo: data centers run at ~1.2-1.4.
pub const MAX_PUE: Decimal = Decimal::from_parts(3, 0, 0, false, 0);
/// An annual commitment fee above 5% of the undrawn amount is most likely a
/// percentage: `0.50` for `0.0050`.
pub const MAX_COMMITMENT_FEE: Decimal = Decimal::from_parts(5, 0, 0, false, 2);
/// An upfront fee above 10% of the commitment is most likely a percentage: `1.5` for
/// `0.015`.
pub const MAX_UPFRONT_FEE: Decimal = Decimal::from_parts(10, 0, 0, false, 2);
/// Debt above 95% of cost: these deals gear up to ~80-90%.
pub const MAX_GEARING: Decimal = Decimal::from_parts(95, 0, 0, false, 2);
/// A useful life under 12 months is most likely written in years: `6` for `72`.
pub const MIN_USEFUL_LIFE_MONTHS: u32 = 12;
/// A useful life over 120 months (10 years) is far beyond any GPU's: the sponsor
/// depreciates over 6 years and the market calls GPUs obsolete in 16-18 months.
pub const MAX_USEFUL_LIFE_MONTHS: u32 = 120;
/// GPUs worth more than 60% of cost when the contract ends: an optimistic residual.
pub const MAX_RESIDUAL_SHARE: Decimal = Decimal::from_parts(6, 0, 0, false, 1);
/// A colocation rate above this per kW-month (1,000) is most likely a yearly rate:
/// colocation costs ~100-220 per kW-month.
pub const MAX_RATE_PER_KW_MONTH: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);
/// A power price below this per MWh (10) is most likely a price per kWh: power costs
/// ~50-80 per MWh, 0.05-0.08 per kWh.
pub const MIN_POWER_PRICE_PER_MWH: Decimal = Decimal::from_parts(10, 0, 0, false, 0);
/// A power price above this per MWh (1,000) is far above any wholesale or contracted
/// price.
pub const MAX_POWER_PRICE_PER_MWH: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

/// A value that is valid but almost certainly a unit slip.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// A stable name of the rule, e.g. `rate_above_half` (see [`warnings`]).
    pub code: &'static str,
    /// Deal-sheet path of the value, e.g. `facility[0].rate.margin`.
    pub path: String,
    /// What is unusual.
    pub message: String,
    /// The value that was likely meant, or why the value is unusual.
    pub help: String,
}

impl Warning {
    fn new(code: &'static str, path: String, message: String, help: impl Into<String>) -> Warning {
        Warning {
            code,
            path,
            message,
            help: help.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (help: {})", self.path, self.message, self.help)
    }
}

/// Every warning of `deal`, in the order of the deal sheet's sections (contract,
/// purchase orders, data centers, expenses, facilities, covenants, curves, analysis).
///
/// The rules, by code:
///
/// | code | when |
/// |---|---|
/// | `rate_above_half` | a fixed rate, margin, floor, curve value or discount rate above [`MAX_RATE`] |
/// | `dscr_out_of_range` | `sizing.dscr`, `target_dscr`, `min_dscr` or `lockup_dscr` above [`MAX_DSCR`] or below [`MIN_DSCR`] |
/// | `escalator_out_of_range` | an escalator beyond ±[`MAX_ESCALATOR`] |
/// | `price_out_of_range` | a price per GPU-hour outside [[`MIN_PRICE_PER_GPU_HOUR`], [`MAX_PRICE_PER_GPU_HOUR`]] |
/// | `pue_out_of_range` | a PUE outside [[`MIN_PUE`], [`MAX_PUE`]] |
/// | `commitment_fee_too_high` | a commitment fee above [`MAX_COMMITMENT_FEE`] |
/// | `upfront_fee_too_high` | an upfront fee above [`MAX_UPFRONT_FEE`] |
/// | `gearing_too_high` | `sizing.max_gearing` above [`MAX_GEARING`] |
/// | `useful_life_out_of_range` | a useful life under [`MIN_USEFUL_LIFE_MONTHS`] or over [`MAX_USEFUL_LIFE_MONTHS`] |
/// | `residual_share_too_high` | a residual share above [`MAX_RESIDUAL_SHARE`] |
/// | `prepayment_above_contract` | a prepayment above the contract's total value |
/// | `colocation_rate_too_high` | a rate per kW-month above [`MAX_RATE_PER_KW_MONTH`] |
/// | `power_price_out_of_range` | a power price outside [[`MIN_POWER_PRICE_PER_MWH`], [`MAX_POWER_PRICE_PER_MWH`]] |
pub fn warnings(deal: &Deal) -> Vec<Warning> {
    let mut out = Vec::new();
    contract_escalator(deal, &mut out);
    prices(deal, &mut out);
    prepayment_above_contract(deal, &mut out);
    useful_lives(deal, &mut out);
    residual_shares(deal, &mut out);
    datacenters(deal, &mut out);
    expense_escalators(deal, &mut out);
    facility_rates(deal, &mut out);
    facility_fees(deal, &mut out);
    facility_sizing(deal, &mut out);
    covenant_dscrs(deal, &mut out);
    curve_values(deal, &mut out);
    discount_rate(deal, &mut out);
    out
}

/// `x` as written, without trailing zeros.
fn shown(x: Decimal) -> String {
    x.normalize().to_string()
}

/// `x / 100`, shown: the decimal a percentage meant.
fn per_cent(x: Decimal) -> String {
    shown(x / Decimal::ONE_HUNDRED)
}

/// A rate above [`MAX_RATE`] at `path`.
fn rate_above_half(path: String, what: &str, x: Decimal, out: &mut Vec<Warning>) {
    if x > MAX_RATE {
        out.push(Warning::new(
            "rate_above_half",
            path,
            format!(
                "{what} of {}, more than 50% a year, is most likely a percentage",
                shown(x)
            ),
            format!(
                "rates are decimals: did you mean {} ({}%)?",
                per_cent(x),
                shown(x)
            ),
        ));
    }
}

/// An escalator beyond ±[`MAX_ESCALATOR`] at `path`.
fn escalator(path: String, x: Decimal, out: &mut Vec<Warning>) {
    if x.abs() > MAX_ESCALATOR {
        out.push(Warning::new(
            "escalator_out_of_range",
            path,
            format!(
                "an annual escalator of {} is a step of more than 25% a year",
                shown(x)
            ),
            format!(
                "escalators are decimals: did you mean {} ({}% a year)?",
                per_cent(x),
                shown(x)
            ),
        ));
    }
}

/// A DSCR level outside [[`MIN_DSCR`], [`MAX_DSCR`]] at `path`.
fn dscr_level(path: String, x: Decimal, out: &mut Vec<Warning>) {
    if x > MAX_DSCR {
        out.push(Warning::new(
            "dscr_out_of_range",
            path,
            format!(
                "a DSCR of {}x is far above the 1.10-1.35x lenders use",
                shown(x)
            ),
            format!(
                "a DSCR is a ratio: did you mean {} ({}%)?",
                per_cent(x),
                shown(x)
            ),
        ));
    } else if x < MIN_DSCR {
        out.push(Warning::new(
            "dscr_out_of_range",
            path,
            format!(
                "a DSCR of {}x is below 1: debt service may exceed CFADS",
                shown(x)
            ),
            format!(
                "write the ratio, not the cushion: did you mean {}?",
                shown(Decimal::ONE + x)
            ),
        ));
    }
}

/// `contract.escalator` beyond ±[`MAX_ESCALATOR`].
fn contract_escalator(deal: &Deal, out: &mut Vec<Warning>) {
    escalator(
        "contract.escalator".into(),
        deal.contract.escalator.value(),
        out,
    );
}

/// Each capacity line's `price_per_gpu_hour` outside
/// [[`MIN_PRICE_PER_GPU_HOUR`], [`MAX_PRICE_PER_GPU_HOUR`]].
fn prices(deal: &Deal, out: &mut Vec<Warning>) {
    for (i, line) in deal.contract.capacity.iter().enumerate() {
        let x = line.price_per_gpu_hour.value();
        let path = format!("contract.capacity[{i}].price_per_gpu_hour");
        if x > MAX_PRICE_PER_GPU_HOUR {
            let hourly = (x / HOURS_PER_MONTH).round_dp(2);
            out.push(Warning::new(
                "price_out_of_range",
                path,
                format!(
                    "a price of {} per GPU-hour is far above the ~2-6 of the market",
                    shown(x)
                ),
                format!(
                    "the price is per GPU-hour: a monthly price of {} is about {} per hour ({} / 730 hours)",
                    shown(x),
                    shown(hourly),
                    shown(x)
                ),
            ));
        } else if x < MIN_PRICE_PER_GPU_HOUR {
            out.push(Warning::new(
                "price_out_of_range",
                path,
                format!(
                    "a price of {} per GPU-hour is far below the ~2-6 of the market",
                    shown(x)
                ),
                "the price is per GPU-hour: contracted H100 capacity earns ~2.00-3.00",
            ));
        }
    }
}

/// The end of the contract, `close + term_months`.
fn contract_end(deal: &Deal) -> Option<NaiveDate> {
    boxflow_core::add_months(deal.close, deal.contract.term_months)
}

/// An upper bound of the contract's total value: every line's GPUs times its price
/// times the hours from its online date to the contract end, times `(1 + escalator)`
/// raised to the number of anniversaries (at least 1); `None` if it overflows.
fn contract_value_bound(deal: &Deal) -> Option<Decimal> {
    let end = contract_end(deal)?;
    let mut total = Decimal::ZERO;
    for line in &deal.contract.capacity {
        let online = line.online.max(deal.close);
        let hours = Decimal::from((end - online).num_days().max(0)) * Decimal::from(24);
        let value = Decimal::from(line.gpus)
            .checked_mul(line.price_per_gpu_hour.value())?
            .checked_mul(hours)?;
        total = total.checked_add(value)?;
    }
    let step = Decimal::ONE + deal.contract.escalator.value().max(Decimal::ZERO);
    for _ in 0..deal.contract.term_months.div_ceil(12) {
        total = total.checked_mul(step)?;
    }
    Some(total)
}

/// `contract.prepayment` above the contract's total value: the customer would prepay
/// more than it will ever be invoiced.
fn prepayment_above_contract(deal: &Deal, out: &mut Vec<Warning>) {
    let prepayment = deal.contract.prepayment.amount();
    if prepayment.is_zero() {
        return;
    }
    if let Some(bound) = contract_value_bound(deal) {
        if prepayment > bound {
            out.push(Warning::new(
                "prepayment_above_contract",
                "contract.prepayment".into(),
                format!(
                    "a prepayment of {} is more than the whole contract is worth (at most {})",
                    shown(prepayment),
                    shown(bound.round_dp(2))
                ),
                "customers prepay ~15-25% of the contract value; check the amount's units",
            ));
        }
    }
}

/// Each purchase order's `useful_life_months` outside
/// [[`MIN_USEFUL_LIFE_MONTHS`], [`MAX_USEFUL_LIFE_MONTHS`]].
fn useful_lives(deal: &Deal, out: &mut Vec<Warning>) {
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        let months = po.useful_life_months;
        let path = format!("purchase_order[{i}].useful_life_months");
        if months < MIN_USEFUL_LIFE_MONTHS {
            out.push(Warning::new(
                "useful_life_out_of_range",
                path,
                format!("a useful life of {months} months is under a year"),
                format!(
                    "the life is in months: did you mean {} ({months} years)?",
                    months.saturating_mul(12)
                ),
            ));
        } else if months > MAX_USEFUL_LIFE_MONTHS {
            out.push(Warning::new(
                "useful_life_out_of_range",
                path,
                format!("a useful life of {months} months is over 10 years"),
                "GPUs are depreciated over ~6 years (72 months)",
            ));
        }
    }
}

/// Each purchase order's `residual_share` above [`MAX_RESIDUAL_SHARE`].
fn residual_shares(deal: &Deal, out: &mut Vec<Warning>) {
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        let x = po.residual_share.value();
        if x > MAX_RESIDUAL_SHARE {
            out.push(Warning::new(
                "residual_share_too_high",
                format!("purchase_order[{i}].residual_share"),
                format!(
                    "a residual share of {} values the GPUs at more than 60% of cost when the contract ends",
                    shown(x)
                ),
                "GPUs several years old are worth ~10-30% of cost; stress the residual with a scenario",
            ));
        }
    }
}

/// Each data center's `pue`, `rate_per_kw_month`, `power_price_per_mwh` and
/// `escalator`.
fn datacenters(deal: &Deal, out: &mut Vec<Warning>) {
    for (i, dc) in deal.datacenters.iter().enumerate() {
        let p = format!("datacenter[{i}]");
        let rate = dc.rate_per_kw_month.value();
        if rate > MAX_RATE_PER_KW_MONTH {
            out.push(Warning::new(
                "colocation_rate_too_high",
                format!("{p}.rate_per_kw_month"),
                format!(
                    "a colocation rate of {} per kW-month is far above the ~100-220 of the market",
                    shown(rate)
                ),
                format!(
                    "the rate is per kW-month: a yearly rate of {} is {} a month",
                    shown(rate),
                    shown((rate / Decimal::from(12)).round_dp(2))
                ),
            ));
        }
        escalator(format!("{p}.escalator"), dc.escalator.value(), out);
        let power = dc.power_price_per_mwh.value();
        if power < MIN_POWER_PRICE_PER_MWH {
            out.push(Warning::new(
                "power_price_out_of_range",
                format!("{p}.power_price_per_mwh"),
                format!(
                    "a power price of {} per MWh is far below the ~50-80 of the market",
                    shown(power)
                ),
                format!(
                    "the price is per MWh: {} per kWh is {} per MWh",
                    shown(power),
                    shown(power * Decimal::from(1000))
                ),
            ));
        } else if power > MAX_POWER_PRICE_PER_MWH {
            out.push(Warning::new(
                "power_price_out_of_range",
                format!("{p}.power_price_per_mwh"),
                format!(
                    "a power price of {} per MWh is far above the ~50-80 of the market",
                    shown(power)
                ),
                "the price is per MWh (1,000 kWh)",
            ));
        }
        let pue = dc.pue.value();
        if pue < MIN_PUE || pue > MAX_PUE {
            let help = if pue > Decimal::ONE_HUNDRED {
                format!("PUE is a ratio: did you mean {}?", per_cent(pue))
            } else {
                "PUE is total facility power over IT power, at least 1 (typically 1.2-1.4)"
                    .to_string()
            };
            out.push(Warning::new(
                "pue_out_of_range",
                format!("{p}.pue"),
                format!("a PUE of {} is outside [1, 3]", shown(pue)),
                help,
            ));
        }
    }
}

/// Each `per_month` expense's `escalator`.
fn expense_escalators(deal: &Deal, out: &mut Vec<Warning>) {
    for (i, e) in deal.expenses.iter().enumerate() {
        if matches!(e.basis, ExpenseBasis::PerMonth(_)) {
            escalator(format!("expense[{i}].escalator"), e.escalator.value(), out);
        }
    }
}

/// Each facility's fixed rate, margin and floor above [`MAX_RATE`].
fn facility_rates(deal: &Deal, out: &mut Vec<Warning>) {
    for (i, f) in deal.facilities.iter().enumerate() {
        let p = format!("facility[{i}].rate");
        match &f.rate {
            RateSpec::Fixed(r) => {
                rate_above_half(format!("{p}.fixed"), "a fixed rate", r.value(), out)
            }
            RateSpec::Floating { margin, floor, .. } => {
                rate_above_half(format!("{p}.margin"), "a margin", margin.value(), out);
                rate_above_half(format!("{p}.floor"), "a floor", floor.value(), out);
            }
        }
    }
}

/// Each facility's `commitment_fee` above [`MAX_COMMITMENT_FEE`] and `upfront_fee`
/// above [`MAX_UPFRONT_FEE`].
fn facility_fees(deal: &Deal, out: &mut Vec<Warning>) {
    for (i, f) in deal.facilities.iter().enumerate() {
        let upfront = f.upfront_fee.value();
        if upfront > MAX_UPFRONT_FEE {
            out.push(Warning::new(
                "upfront_fee_too_high",
                format!("facility[{i}].upfront_fee"),
                format!(
                    "an upfront fee of {} is more than 10% of the commitment",
                    shown(upfront)
                ),
                format!(
                    "fees are decimals of the commitment: {} is {}%; upfront fees run ~1-2% (0.01-0.02)",
                    shown(upfront),
                    shown(upfront * Decimal::ONE_HUNDRED)
                ),
            ));
        }
        let fee = f.commitment_fee.value();
        if fee > MAX_COMMITMENT_FEE {
            out.push(Warning::new(
                "commitment_fee_too_high",
                format!("facility[{i}].commitment_fee"),
                format!(
                    "a commitment fee of {} is more than 5% a year of the undrawn amount",
                    shown(fee)
                ),
                format!(
                    "fees are decimals: did you mean {} ({}%)?",
                    per_cent(fee),
                    shown(fee)
                ),
            ));
        }
    }
}

/// Each facility's `sizing.dscr` or `target_dscr` outside [[`MIN_DSCR`], [`MAX_DSCR`]],
/// and `sizing.max_gearing` above [`MAX_GEARING`].
fn facility_sizing(deal: &Deal, out: &mut Vec<Warning>) {
    for (i, f) in deal.facilities.iter().enumerate() {
        let p = format!("facility[{i}]");
        match &f.commitment {
            Commitment::Sized { dscr, max_gearing } => {
                dscr_level(format!("{p}.sizing.dscr"), dscr.value(), out);
                let g = max_gearing.value();
                if g > MAX_GEARING {
                    out.push(Warning::new(
                        "gearing_too_high",
                        format!("{p}.sizing.max_gearing"),
                        format!(
                            "a maximum gearing of {} lends more than 95% of the GPUs' cost",
                            shown(g)
                        ),
                        "box deals gear up to ~0.80-0.90 of cost",
                    ));
                }
            }
            Commitment::Fixed {
                target_dscr: Some(d),
                ..
            } => dscr_level(format!("{p}.target_dscr"), d.value(), out),
            Commitment::Fixed { .. } => {}
        }
    }
}

/// `covenants.min_dscr` and `covenants.lockup_dscr` outside [[`MIN_DSCR`], [`MAX_DSCR`]].
fn covenant_dscrs(deal: &Deal, out: &mut Vec<Warning>) {
    if let Some(c) = &deal.covenants {
        if let Some(d) = c.min_dscr {
            dscr_level("covenants.min_dscr".into(), d.value(), out);
        }
        if let Some(d) = c.lockup_dscr {
            dscr_level("covenants.lockup_dscr".into(), d.value(), out);
        }
    }
}

/// Each curve value above [`MAX_RATE`].
fn curve_values(deal: &Deal, out: &mut Vec<Warning>) {
    for (name, curve) in &deal.curves {
        for (j, (_, v)) in curve.points.iter().enumerate() {
            rate_above_half(
                format!("curves.{name}.points[{j}][1]"),
                "a curve value",
                v.value(),
                out,
            );
        }
    }
}

/// `analysis.discount_rate` above [`MAX_RATE`].
fn discount_rate(deal: &Deal, out: &mut Vec<Warning>) {
    if let Some(a) = &deal.analysis {
        rate_above_half(
            "analysis.discount_rate".into(),
            "a discount rate",
            a.discount_rate.value(),
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use boxflow_core::{Money, Quantity, Rate, Ratio, Share};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The example deal with a data center (PUE 1.3) and empty covenants.
    fn example() -> Deal {
        let mut deal = Deal::example();
        deal.datacenters.push(crate::Datacenter {
            site: None,
            critical_kw: Quantity::new(d("2000")),
            rate_per_kw_month: Quantity::new(d("145")),
            escalator: Rate::new(d("0.03")),
            start: deal.close,
            term_months: None,
            power_price_per_mwh: Quantity::new(d("62")),
            pue: Quantity::new(d("1.3")),
            load_factor: Quantity::new(d("0.85")),
        });
        deal.covenants = Some(crate::Covenants {
            min_dscr: None,
            lockup_dscr: None,
            lockup_action: crate::LockupAction::Sweep,
            repaid_by_fraction: Share::new(d("0.5")),
            max_ltv: None,
        });
        deal
    }

    fn codes(deal: &Deal) -> Vec<(&'static str, String)> {
        warnings(deal)
            .into_iter()
            .map(|w| (w.code, w.path))
            .collect()
    }

    #[test]
    fn the_example_deal_has_no_warnings() {
        assert_eq!(warnings(&Deal::example()), vec![]);
        assert_eq!(warnings(&example()), vec![]);
    }

    #[test]
    fn thresholds_are_exclusive() {
        // Exactly at each threshold: no warning.
        let mut deal = example();
        deal.contract.escalator = Rate::new(d("0.25"));
        deal.contract.capacity[0].price_per_gpu_hour = Quantity::new(d("50"));
        deal.datacenters[0].pue = Quantity::new(d("3"));
        deal.facilities[0].upfront_fee = Rate::new(d("0.10"));
        deal.facilities[0].commitment_fee = Rate::new(d("0.05"));
        deal.purchase_orders[0].useful_life_months = 120;
        deal.purchase_orders[0].residual_share = Share::new(d("0.6"));
        assert_eq!(codes(&deal), vec![]);
        // One step past each: one warning each.
        deal.contract.escalator = Rate::new(d("-0.26"));
        deal.contract.capacity[0].price_per_gpu_hour = Quantity::new(d("50.01"));
        deal.datacenters[0].pue = Quantity::new(d("0.99"));
        deal.facilities[0].upfront_fee = Rate::new(d("0.1001"));
        deal.facilities[0].commitment_fee = Rate::new(d("0.0501"));
        deal.purchase_orders[0].useful_life_months = 121;
        deal.purchase_orders[0].residual_share = Share::new(d("0.61"));
        let found: Vec<&str> = codes(&deal).into_iter().map(|(c, _)| c).collect();
        assert_eq!(
            found,
            vec![
                "escalator_out_of_range",
                "price_out_of_range",
                "useful_life_out_of_range",
                "residual_share_too_high",
                "pue_out_of_range",
                "upfront_fee_too_high",
                "commitment_fee_too_high",
            ]
        );
    }

    #[test]
    fn a_monthly_price_names_the_hourly_one() {
        let mut deal = Deal::example();
        deal.contract.capacity[0].price_per_gpu_hour = Quantity::new(d("1606"));
        let w = warnings(&deal);
        // 1606 / 730 = 2.2 exactly.
        assert_eq!(w.len(), 1);
        assert!(w[0].help.contains("about 2.2 per hour"), "{}", w[0].help);
    }

    #[test]
    fn dscr_levels_name_the_ratio() {
        let mut deal = example();
        deal.covenants.as_mut().unwrap().min_dscr = Some(Ratio::new(d("110")));
        deal.covenants.as_mut().unwrap().lockup_dscr = Some(Ratio::new(d("0.2")));
        let w = warnings(&deal);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].path, "covenants.min_dscr");
        assert_eq!(w[0].help, "a DSCR is a ratio: did you mean 1.1 (110%)?");
        assert_eq!(w[1].path, "covenants.lockup_dscr");
        assert_eq!(
            w[1].help,
            "write the ratio, not the cushion: did you mean 1.2?"
        );
    }

    #[test]
    fn a_prepayment_above_the_contract_value_warns() {
        let mut deal = Deal::example();
        let bound = contract_value_bound(&deal).unwrap();
        deal.contract.prepayment_credit_share = Share::new(d("0.2"));
        deal.contract.prepayment = Money::checked(bound.round_dp(2)).unwrap();
        assert_eq!(codes(&deal), vec![]);
        deal.contract.prepayment =
            Money::checked(bound.round_dp(2) + Decimal::ONE_HUNDRED).unwrap();
        assert_eq!(
            codes(&deal),
            vec![("prepayment_above_contract", "contract.prepayment".into())]
        );
    }

    #[test]
    fn the_contract_value_bound_is_gpus_price_hours() {
        let mut deal = Deal::example();
        deal.contract.escalator = Rate::ZERO;
        deal.contract.capacity.truncate(1);
        let line = &mut deal.contract.capacity[0];
        line.gpus = 10;
        line.price_per_gpu_hour = Quantity::new(d("2"));
        line.online = deal.close;
        // 10 GPUs · 2.00 · 24 h · the days of the term.
        let end = contract_end(&deal).unwrap();
        let days = Decimal::from((end - deal.close).num_days());
        assert_eq!(contract_value_bound(&deal), Some(Decimal::from(480) * days));
    }
}
