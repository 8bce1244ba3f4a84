//! The audit trail: every movement of cash in a run, as a transfer between accounts.

use boxflow_core::Money;
use chrono::NaiveDate;
use serde::Serialize;

/// Where cash sits or goes.
///
/// One byte for the kind and one for a lender's facility index: a [`Transfer`] is 32
/// bytes, and comparing two accounts compares two bytes.
///
/// ```
/// use boxflow_waterfall::Account;
///
/// assert_eq!(std::mem::size_of::<Account>(), 2);
/// assert_eq!(Account::lender(1), Some(Account::Lender(1)));
/// assert_eq!(Account::lender(256), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "account", content = "facility")]
pub enum Account {
    /// The customer: pays the prepayment and collections; receives the refund.
    Customer,
    /// The box's operating account: the cash available to the waterfall.
    Box,
    /// The GPU vendors, paid for capex.
    Vendors,
    /// The data center and other operating-cost payees.
    Operators,
    /// The agent, trustee and other senior fee payees.
    FeePayees,
    /// A lender, by facility index in the run (a deal has at most two facilities, one
    /// senior and one junior, and a run refuses a plan of more than
    /// [`Account::MAX_LENDERS`]).
    Lender(u8),
    /// The debt service reserve account.
    Dsra,
    /// The lock-up account.
    Lockup,
    /// The sponsor: equity in, distributions out.
    Sponsor,
    /// The GPUs' terminal value, realised at the end of the run.
    Residual,
}

impl Account {
    /// The most lenders a run's accounts can name: facility indices `0..MAX_LENDERS`.
    pub const MAX_LENDERS: usize = u8::MAX as usize + 1;

    /// The lender of facility `index`, or `None` when the index is
    /// [`Account::MAX_LENDERS`] or more.
    pub fn lender(index: usize) -> Option<Account> {
        u8::try_from(index).ok().map(Account::Lender)
    }
}

/// The step of the run that moved the cash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Closing sources and uses.
    Closing,
    /// A capex payment inside the term, with its draws and equity contribution.
    Capex,
    /// The period's collections.
    Collections,
    /// Step 1.
    Opex,
    /// Step 2.
    Fees,
    /// Step 3.
    SeniorInterest,
    /// Step 4.
    SeniorPrincipal,
    /// Step 5.
    Dsra,
    /// Step 6.
    JuniorInterest,
    /// Step 7.
    JuniorPrincipal,
    /// Step 8.
    Sweep,
    /// Step 9.
    Lockup,
    /// Step 10.
    Distribution,
    /// The end of the run (section 10).
    Terminal,
}

/// One movement of cash (32 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Transfer {
    /// 0 for closing, `k` for period k, `N` for the end of the run (a run has at most
    /// [`boxflow_model::MAX_TERM_MONTHS`] periods).
    pub period: u32,
    /// The day the cash moves: close, a capex payment date, `end_k` or `end_N`.
    pub date: NaiveDate,
    /// The step that made it.
    pub step: Step,
    /// The paying account.
    pub from: Account,
    /// The receiving account.
    pub to: Account,
    /// A positive amount.
    pub amount: Money,
}

impl Transfer {
    /// The period, as an index: 0 for closing, `k` for period k, `N` for the end of
    /// the run.
    pub fn period(&self) -> usize {
        self.period as usize
    }

    /// What the transfer means to `account`: `+amount` when it receives it, `-amount`
    /// when it pays it, `None` when the account is on neither side (or on both).
    pub fn flow_of(&self, account: Account) -> Option<Money> {
        if self.to == account && self.from != account {
            Some(self.amount)
        } else if self.from == account && self.to != account {
            Some(-self.amount)
        } else {
            None
        }
    }
}

/// Every transfer of a run, in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Ledger {
    transfers: Vec<Transfer>,
}

impl Ledger {
    /// An empty ledger with room for `transfers` transfers.
    pub fn with_capacity(transfers: usize) -> Ledger {
        Ledger {
            transfers: Vec::with_capacity(transfers),
        }
    }

    /// Records a transfer in `period` (as [`Transfer::period`]); zero amounts are not
    /// recorded and a negative amount is recorded the other way round.
    pub fn post(
        &mut self,
        period: u32,
        date: NaiveDate,
        step: Step,
        from: Account,
        to: Account,
        amount: Money,
    ) {
        if amount.is_zero() {
            return;
        }
        let (from, to, amount) = if amount.is_negative() {
            (to, from, -amount)
        } else {
            (from, to, amount)
        };
        self.transfers.push(Transfer {
            period,
            date,
            step,
            from,
            to,
            amount,
        });
    }

    /// All transfers, in order.
    pub fn transfers(&self) -> &[Transfer] {
        &self.transfers
    }

    /// The sum of transfers matching a filter.
    pub fn total(&self, filter: impl Fn(&Transfer) -> bool) -> Money {
        self.transfers
            .iter()
            .filter(|t| filter(t))
            .map(|t| t.amount)
            .sum()
    }

    /// The sum of the transfers of `period` and `step` from `from` to `to`.
    pub fn amount(&self, period: usize, step: Step, from: Account, to: Account) -> Money {
        self.total(|t| t.period() == period && t.step == step && t.from == from && t.to == to)
    }

    /// The number of transfers so far: a mark to read what follows with [`Ledger::since`].
    pub fn len(&self) -> usize {
        self.transfers.len()
    }

    /// True when nothing was transferred.
    pub fn is_empty(&self) -> bool {
        self.transfers.is_empty()
    }

    /// The transfers posted since a mark taken with [`Ledger::len`].
    pub fn since(&self, mark: usize) -> Transfers<'_> {
        Transfers(self.transfers.get(mark..).unwrap_or(&[]))
    }

    /// Transfers of one period (0 for closing).
    pub fn period(&self, period: usize) -> impl Iterator<Item = &Transfer> {
        self.transfers.iter().filter(move |t| t.period() == period)
    }

    /// The dated flows of `account`, in order: what it receives is positive, what
    /// it pays is negative (the sponsor's or a lender's cash flows).
    pub fn flows(&self, account: Account) -> impl Iterator<Item = (&Transfer, Money)> {
        self.transfers
            .iter()
            .filter_map(move |t| t.flow_of(account).map(|amount| (t, amount)))
    }

    /// Net flow into `account` over the transfers matching a filter: in minus out.
    pub fn net(&self, account: Account, filter: impl Fn(&Transfer) -> bool) -> Money {
        self.transfers
            .iter()
            .filter(|t| filter(t))
            .map(|t| t.flow_of(account).unwrap_or(Money::ZERO))
            .sum()
    }
}

/// A run of transfers, to sum by step and account.
#[derive(Clone, Copy, Debug)]
pub struct Transfers<'a>(pub &'a [Transfer]);

impl Transfers<'_> {
    /// The sum of the transfers of `step` from `from` to `to`.
    pub fn amount(&self, step: Step, from: Account, to: Account) -> Money {
        self.0
            .iter()
            .filter(|t| t.step == step && t.from == from && t.to == to)
            .map(|t| t.amount)
            .sum()
    }

    /// The net of the transfers of `step` from `from` to `to`, less those back: a
    /// negative draw (a remainder of a few cents) nets against the positive ones.
    pub fn net(&self, step: Step, from: Account, to: Account) -> Money {
        self.amount(step, from, to) - self.amount(step, to, from)
    }

    /// The sum of the transfers of any of `steps` to `to`.
    pub fn received(&self, steps: &[Step], to: Account) -> Money {
        self.0
            .iter()
            .filter(|t| steps.contains(&t.step) && t.to == to)
            .map(|t| t.amount)
            .sum()
    }

    /// The sum of the transfers of any of `steps` from `from`.
    pub fn paid(&self, steps: &[Step], from: Account) -> Money {
        self.0
            .iter()
            .filter(|t| steps.contains(&t.step) && t.from == from)
            .map(|t| t.amount)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(from: Account, to: Account, cents: i64) -> Transfer {
        let date = NaiveDate::from_ymd_opt(2026, 3, 31).expect("a date");
        let mut ledger = Ledger::default();
        ledger.post(3, date, Step::Capex, from, to, Money::from_cents(cents));
        ledger.transfers()[0]
    }

    #[test]
    fn a_transfer_is_32_bytes() {
        assert_eq!(std::mem::size_of::<Account>(), 2);
        assert_eq!(std::mem::size_of::<Transfer>(), 32);
    }

    #[test]
    fn accounts_serialize_by_name_and_a_lender_with_its_facility_index() {
        let t = transfer(Account::Lender(1), Account::Box, 12_345);
        assert_eq!(
            serde_json::to_string(&t).expect("serializable"),
            r#"{"period":3,"date":"2026-03-31","step":"capex","from":{"account":"lender","facility":1},"to":{"account":"box"},"amount":"123.45"}"#
        );
        let last = Account::lender(Account::MAX_LENDERS - 1).expect("the last lender");
        assert_eq!(
            serde_json::to_string(&last).expect("serializable"),
            r#"{"account":"lender","facility":255}"#
        );
        assert_eq!(Account::lender(Account::MAX_LENDERS), None);
    }

    #[test]
    fn a_negative_amount_is_posted_the_other_way_round() {
        let t = transfer(Account::Box, Account::Lender(0), -7);
        assert_eq!(
            (t.from, t.to, t.amount),
            (Account::Lender(0), Account::Box, Money::from_cents(7))
        );
        assert_eq!(t.flow_of(Account::Box), Some(Money::from_cents(7)));
        assert_eq!(t.flow_of(Account::Lender(0)), Some(Money::from_cents(-7)));
        assert_eq!(t.flow_of(Account::Lender(1)), None);
        assert_eq!(t.period(), 3);
    }
}
