//! Revenue, collections, operating costs and fees of each period (methodology
//! sections 3 and 5): the cash the box earns before debt.

use boxflow_amortize::exact::round2_ratio;
use boxflow_core::{
    active_days, add_months, anniversaries, escalation_factor, product, Calendar, Money, Period,
};
use boxflow_model::{Datacenter, Deal, Expense, ExpenseBasis, Fee};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::RunError;

/// The operating lines of one period, before the waterfall.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Operations {
    /// `invoice_k`.
    pub invoice: Money,
    /// `credit_k`, settled from the customer's prepayment.
    pub prepayment_credit: Money,
    /// `collections_k = invoice_k - credit_k`.
    pub collections: Money,
    /// Colocation of every data center.
    pub colocation: Money,
    /// Power of every data center.
    pub power: Money,
    /// Expenses.
    pub expenses: Money,
    /// `opex_k` = colocation + power + expenses.
    pub opex: Money,
    /// `fees_k`.
    pub fees: Money,
    /// `CFADS_k = collections_k - opex_k - fees_k`.
    pub cfads: Money,
}

/// The contract's invoice of a period (section 3):
/// `Σ_lines round2(gpus · price_per_gpu_hour · esc_k · 24 · active_k)`, escalation
/// anchored at close, each line active from `online` to the contract end.
pub fn invoice(deal: &Deal, calendar: &Calendar, period: &Period) -> Result<Money, RunError> {
    let factors = revenue_factors(deal, calendar, period)?;
    let prices = deal
        .contract
        .capacity
        .iter()
        .map(|l| l.price_per_gpu_hour.value());
    invoice_at(&factors, prices)
}

/// The price-free part of each capacity line's invoice in a period:
/// `gpus · esc_k · 24 · active_k`, exact, so that a line bills `round2(factor · price)`.
pub fn revenue_factors(
    deal: &Deal,
    calendar: &Calendar,
    period: &Period,
) -> Result<Vec<Decimal>, RunError> {
    let esc = escalation_factor(deal.contract.escalator.value(), deal.close, period.start)?;
    let contract_end = calendar.end();
    deal.contract
        .capacity
        .iter()
        .map(|line| {
            let active = active_days(period.start, period.end, line.online, Some(contract_end));
            Ok(product(&[
                Decimal::from(line.gpus),
                esc,
                Decimal::from(24),
                Decimal::from(active),
            ])?)
        })
        .collect()
}

/// `Σ_lines round2(factor · price)`: the invoice from [`revenue_factors`] and each
/// line's price per GPU-hour.
pub fn invoice_at(
    factors: &[Decimal],
    prices: impl IntoIterator<Item = Decimal>,
) -> Result<Money, RunError> {
    let mut total = Money::ZERO;
    for (factor, price) in factors.iter().zip(prices) {
        total += round2_ratio(&[*factor, price], &[])?;
    }
    Ok(total)
}

/// The prepayment credit of a period (section 3):
/// `credit_k = min(P_left, round2(invoice_k · prepayment_credit_share))`.
pub fn prepayment_credit(
    invoice: Money,
    share: Decimal,
    prepayment_left: Money,
) -> Result<Money, RunError> {
    let wanted = round2_ratio(&[invoice.amount(), share], &[])?;
    Ok(wanted.min(prepayment_left).at_least_zero())
}

/// Colocation of a data center (section 5):
/// `round2(critical_kw · rate_per_kw_month · m · esc_k · active_k / days_k)`, anchored at
/// its `start`.
pub fn colocation(dc: &Datacenter, m: u32, period: &Period) -> Result<Money, RunError> {
    let active = active_days(period.start, period.end, dc.start, datacenter_end(dc));
    if active == 0 {
        return Ok(Money::ZERO);
    }
    let factors = [
        dc.critical_kw.value(),
        dc.rate_per_kw_month.value(),
        Decimal::from(m),
        Decimal::from(active),
    ];
    let escalation = Escalation::new(dc.escalator.value(), dc.start, period.start);
    Ok(escalation.round2_ratio(&factors, &[Decimal::from(period.days)])?)
}

/// Power of a data center (section 5):
/// `round2(critical_kw · load_factor · pue · 24 · active_k · power_price_per_mwh / 1000)`.
pub fn power(dc: &Datacenter, period: &Period) -> Result<Money, RunError> {
    let active = active_days(period.start, period.end, dc.start, datacenter_end(dc));
    Ok(round2_ratio(
        &[
            dc.critical_kw.value(),
            dc.load_factor.value(),
            dc.pue.value(),
            Decimal::from(24),
            Decimal::from(active),
            dc.power_price_per_mwh.value(),
        ],
        &[Decimal::from(1000)],
    )?)
}

fn datacenter_end(dc: &Datacenter) -> Option<chrono::NaiveDate> {
    dc.term_months.and_then(|t| add_months(dc.start, t))
}

/// An expense of a period (section 5): `round2(per_month · m · esc_k · active_k / days_k)`
/// anchored at its `start`, or `round2(invoice_k · share · active_k / days_k)`.
pub fn expense(e: &Expense, m: u32, period: &Period, invoice: Money) -> Result<Money, RunError> {
    let active = active_days(period.start, period.end, e.start, e.end);
    if active == 0 {
        return Ok(Money::ZERO);
    }
    let days = Decimal::from(period.days);
    Ok(match &e.basis {
        ExpenseBasis::PerMonth(per_month) => {
            let factors = [per_month.value(), Decimal::from(m), Decimal::from(active)];
            let escalation = Escalation::new(e.escalator.value(), e.start, period.start);
            escalation.round2_ratio(&factors, &[days])?
        }
        ExpenseBasis::ShareOfRevenue(share) => round2_ratio(
            &[invoice.amount(), share.value(), Decimal::from(active)],
            &[days],
        )?,
    })
}

/// A fee of a period (section 5): `round2(per_year · m · active_k / (12 · days_k))`.
pub fn fee(f: &Fee, m: u32, period: &Period) -> Result<Money, RunError> {
    let active = active_days(period.start, period.end, f.start, f.end);
    Ok(round2_ratio(
        &[f.per_year.value(), Decimal::from(m), Decimal::from(active)],
        &[Decimal::from(12), Decimal::from(period.days)],
    )?)
}

/// `esc_k = (1+e)^y` as `y` factors of `1 + e` (section 2), so that a rounded formula
/// multiplies them exactly: `(1+e)^y` as one decimal keeps only 28 significant digits
/// (1.03^15 already needs 31).
struct Escalation {
    /// `1 + e`.
    base: Decimal,
    /// `y`, 0 without an escalator.
    years: usize,
}

impl Escalation {
    /// The escalation at annual rate `e` anchored at `anchor`, in the period starting
    /// on `start`.
    fn new(e: Decimal, anchor: chrono::NaiveDate, start: chrono::NaiveDate) -> Escalation {
        let years = if e.is_zero() {
            0
        } else {
            anniversaries(anchor, start) as usize
        };
        Escalation {
            base: Decimal::ONE + e,
            years,
        }
    }

    /// `round2(Π factors · (1+e)^y / Π denominator)`, exact
    /// ([`boxflow_amortize::exact::round2_ratio`] with the `y` factors of `1 + e`
    /// after `factors`); on the stack for up to 28 years.
    fn round2_ratio(
        &self,
        factors: &[Decimal],
        denominator: &[Decimal],
    ) -> Result<Money, boxflow_core::ArithmeticError> {
        const ON_STACK: usize = 32;
        let len = factors.len() + self.years;
        if len <= ON_STACK {
            let mut all = [Decimal::ZERO; ON_STACK];
            all[..factors.len()].copy_from_slice(factors);
            all[factors.len()..len].fill(self.base);
            round2_ratio(&all[..len], denominator)
        } else {
            let mut all = factors.to_vec();
            all.resize(len, self.base);
            round2_ratio(&all, denominator)
        }
    }
}

/// The operating lines of every period 1..N, the prepayment credited in order.
pub fn project_operations(deal: &Deal, calendar: &Calendar) -> Result<Vec<Operations>, RunError> {
    let m = calendar.months_per_period();
    let share = deal.contract.prepayment_credit_share.value();
    let mut prepayment_left = deal.contract.prepayment;
    let mut out = Vec::with_capacity(calendar.len());
    for period in calendar.periods() {
        let invoice = invoice(deal, calendar, period)?;
        let credit = prepayment_credit(invoice, share, prepayment_left)?;
        prepayment_left -= credit;
        let mut colocation_k = Money::ZERO;
        let mut power_k = Money::ZERO;
        for dc in &deal.datacenters {
            colocation_k += colocation(dc, m, period)?;
            power_k += power(dc, period)?;
        }
        let mut expenses_k = Money::ZERO;
        for e in &deal.expenses {
            expenses_k += expense(e, m, period, invoice)?;
        }
        let mut fees_k = Money::ZERO;
        for f in &deal.fees {
            fees_k += fee(f, m, period)?;
        }
        let collections = invoice - credit;
        let opex = colocation_k + power_k + expenses_k;
        out.push(Operations {
            invoice,
            prepayment_credit: credit,
            collections,
            colocation: colocation_k,
            power: power_k,
            expenses: expenses_k,
            opex,
            fees: fees_k,
            cfads: collections - opex - fees_k,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn escalation_multiplies_whole_years_exactly() {
        // 1,000.00 a month, 3% a year, in the period starting on the second
        // anniversary: 1,000 · 1.03² = 1,060.90 (no escalator: 1,000.00).
        let factors = [Decimal::from(1_000)];
        let e = Escalation::new(Decimal::new(3, 2), date(2026, 1, 1), date(2028, 1, 1));
        assert_eq!(e.years, 2);
        assert_eq!(
            e.round2_ratio(&factors, &[]).unwrap(),
            Money::from_cents(106_090)
        );
        let none = Escalation::new(Decimal::ZERO, date(2026, 1, 1), date(2028, 1, 1));
        assert_eq!(none.years, 0);
        assert_eq!(
            none.round2_ratio(&factors, &[]).unwrap(),
            Money::from_cents(100_000)
        );
    }

    #[test]
    fn escalation_beyond_the_stack_buffer_is_the_same_product() {
        // 40 years of 1% on 1.00: 1.01^40 = 1.48886…; both the buffer (28 years, 1.01^28
        // = 1.32129…) and the heap path (40 years) are one exact product.
        let factors = [Decimal::ONE];
        for (years, cents) in [(28, 132), (40, 149)] {
            let e = Escalation::new(
                Decimal::new(1, 2),
                date(2000, 1, 1),
                date(2000 + years, 1, 1),
            );
            assert_eq!(e.years, years as usize);
            let mut all = vec![Decimal::ONE];
            all.extend(std::iter::repeat_n(Decimal::new(101, 2), years as usize));
            let expected = round2_ratio(&all, &[]).unwrap();
            assert_eq!(e.round2_ratio(&factors, &[]).unwrap(), expected);
            assert_eq!(expected, Money::from_cents(cents));
        }
    }
}
