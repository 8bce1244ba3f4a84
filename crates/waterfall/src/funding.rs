//! Total funding: sources and uses over the whole construction, from close to the
//! last capex payment (docs/methodology.md, "Total funding").
//!
//! A reading of the ledger's closing and capex transfers. Sources are every draw, the
//! customer's prepayment and every equity contribution; uses are capex, upfront fees,
//! the initial DSRA and any closing excess paid to the sponsor. Each funding date
//! balances on its own (closing sources = uses; a capex payment inside the term is
//! funded on its date by its draws and equity), so the totals do too, to the cent.
//! Interest is not a use: the facilities fund capex only, and every period's interest
//! is paid by the waterfall from that period's cash (steps 3 and 6), so there is no
//! interest during construction to fund.

use boxflow_core::Money;
use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::ledger::{Account, Step, Transfer};
use crate::run::Run;

fn slot(v: &mut [(String, Money)], i: usize) -> Option<&mut Money> {
    v.get_mut(i).map(|(_, m)| m)
}

/// Sources and uses of one funding date, or of the whole construction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FundingAmounts {
    /// Net draws by facility, senior first.
    #[serde(serialize_with = "money_map")]
    pub draws: Vec<(String, Money)>,
    /// The customer's prepayment.
    pub prepayment: Money,
    /// Net equity paid in by the sponsor (at close and with capex payments).
    pub equity: Money,
    /// Capex paid.
    pub capex: Money,
    /// Upfront fees by facility.
    #[serde(serialize_with = "money_map")]
    pub upfront_fees: Vec<(String, Money)>,
    /// The initial DSRA.
    pub dsra: Money,
    /// Excess paid out to the sponsor at close.
    pub sponsor_excess: Money,
}

fn money_map<S: Serializer>(items: &[(String, Money)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(items.iter().map(|(k, v)| (k, v)))
}

impl FundingAmounts {
    fn empty(run: &Run) -> FundingAmounts {
        let names = || {
            run.plan
                .facilities
                .iter()
                .map(|f| (String::from(&*f.name), Money::ZERO))
                .collect()
        };
        FundingAmounts {
            draws: names(),
            prepayment: Money::ZERO,
            equity: Money::ZERO,
            capex: Money::ZERO,
            upfront_fees: names(),
            dsra: Money::ZERO,
            sponsor_excess: Money::ZERO,
        }
    }

    /// Total sources: draws + prepayment + equity.
    pub fn sources(&self) -> Money {
        self.draws.iter().map(|(_, d)| *d).sum::<Money>() + self.prepayment + self.equity
    }

    /// Total uses: capex + upfront fees + DSRA + sponsor excess.
    pub fn uses(&self) -> Money {
        self.capex
            + self.upfront_fees.iter().map(|(_, f)| *f).sum::<Money>()
            + self.dsra
            + self.sponsor_excess
    }

    /// Adds one closing or capex transfer.
    fn post(&mut self, t: &Transfer) {
        let a = t.amount;
        match (t.step, t.from, t.to) {
            (_, Account::Lender(i), Account::Box) => {
                if let Some(m) = slot(&mut self.draws, i.into()) {
                    *m += a;
                }
            }
            (Step::Capex, Account::Box, Account::Lender(i)) => {
                if let Some(m) = slot(&mut self.draws, i.into()) {
                    *m -= a;
                }
            }
            (_, Account::Box, Account::Lender(i)) => {
                if let Some(m) = slot(&mut self.upfront_fees, i.into()) {
                    *m += a;
                }
            }
            (_, Account::Customer, Account::Box) => self.prepayment += a,
            (_, Account::Sponsor, Account::Box) => self.equity += a,
            (Step::Capex, Account::Box, Account::Sponsor) => self.equity -= a,
            (_, Account::Box, Account::Sponsor) => self.sponsor_excess += a,
            (_, Account::Box, Account::Vendors) => self.capex += a,
            (_, Account::Box, Account::Dsra) => self.dsra += a,
            _ => {}
        }
    }

    fn add(&mut self, other: &FundingAmounts) {
        for (a, b) in self.draws.iter_mut().zip(&other.draws) {
            a.1 += b.1;
        }
        for (a, b) in self.upfront_fees.iter_mut().zip(&other.upfront_fees) {
            a.1 += b.1;
        }
        self.prepayment += other.prepayment;
        self.equity += other.equity;
        self.capex += other.capex;
        self.dsra += other.dsra;
        self.sponsor_excess += other.sponsor_excess;
    }
}

/// One funding date: close, or a capex payment date inside the term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FundingDate {
    /// The date.
    pub date: NaiveDate,
    /// 0 for close, else the period of the payment.
    pub period: usize,
    /// Its sources and uses.
    #[serde(flatten)]
    pub amounts: FundingAmounts,
}

/// Sources and uses over the whole construction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Funding {
    /// The last funding date: the end of construction.
    pub construction_end: NaiveDate,
    /// Every funding date, in order.
    pub dates: Vec<FundingDate>,
    /// Their sum.
    pub total: FundingAmounts,
}

/// The run's total funding, read from its closing and capex transfers.
pub fn funding(run: &Run) -> Funding {
    let mut dates: Vec<FundingDate> = Vec::new();
    for t in run.ledger.transfers() {
        if !matches!(t.step, Step::Closing | Step::Capex) {
            continue;
        }
        let same = dates
            .last()
            .is_some_and(|d| d.date == t.date && d.period == t.period());
        if !same {
            dates.push(FundingDate {
                date: t.date,
                period: t.period(),
                amounts: FundingAmounts::empty(run),
            });
        }
        if let Some(d) = dates.last_mut() {
            d.amounts.post(t);
        }
    }
    let mut total = FundingAmounts::empty(run);
    for d in &dates {
        total.add(&d.amounts);
    }
    Funding {
        construction_end: dates.last().map_or(run.plan.calendar.close(), |d| d.date),
        dates,
        total,
    }
}
