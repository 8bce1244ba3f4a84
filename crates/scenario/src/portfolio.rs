//! A portfolio of boxes: each deal's base case, consolidated by calendar month, with
//! the debt outstanding and its balance-weighted cost by month and by vintage (close
//! date), and the concentration of contract value by customer.
//!
//! Dating follows methodology section 12: closing flows on close, capex and its draws
//! on their payment dates, a period's flows on `end_k`, the end of the run on `end_N`.
//! A flow belongs to the calendar month of its date.
//!
//! ```
//! use boxflow_scenario::portfolio::{consolidate, run_boxes};
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/portfolio");
//! let mut deals = Vec::new();
//! for entry in std::fs::read_dir(dir).unwrap() {
//!     let path = entry.unwrap().path();
//!     deals.push((path.display().to_string(), boxflow_deal::read_file(&path).unwrap()));
//! }
//! let boxes: Vec<_> = run_boxes(deals).into_iter().map(|b| b.unwrap()).collect();
//! let p = consolidate(&boxes).unwrap();
//! assert!(p.boxes.len() >= 5);
//! // Margins fell with each vintage, from SOFR + 9.62% (2023) to + 2.25% (2026).
//! let margins: Vec<_> = p.vintages.iter().filter_map(|v| v.margin_at_close).collect();
//! assert!(margins.windows(2).all(|w| w[1] < w[0]));
//! let first = p.vintages.first().unwrap().rate_at_close.unwrap();
//! let last = p.vintages.last().unwrap().rate_at_close.unwrap();
//! assert!(last < first);
//! ```

use std::collections::BTreeMap;

use boxflow_core::Money;
use boxflow_model::{RateSpec, ValidDeal};
use boxflow_waterfall::{legend, run_plan_with, Account, Detail, Event, Plan, Run, Step};
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ScenarioError;

/// One box of the portfolio: where it was read from, its deal and its base run.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Where the deal sheet was read from (a path), to name the box in output.
    pub source: String,
    /// The deal.
    pub deal: ValidDeal,
    /// Its base case, run with [`Detail::Outcome`]: every period, event, transfer and
    /// the summary's figures that the portfolio reads (`total_invoice`, `min_dscr`,
    /// `halfway_covenant`, `equity_irr`, `lender_loss`, ...) are those of a full run;
    /// the figures the portfolio does not print (`project_irr`, `npv`, `llcr`,
    /// `avg_dscr`, `wal_years`, `payback_period`, each facility's summary) are not
    /// computed.
    pub run: Run,
}

/// Runs the base case of every deal in parallel (rayon), in input order, with the
/// summary's [`Detail::Outcome`] (see [`Entry::run`]); a box whose run fails, or
/// breaks an invariant, is an error naming its source.
pub fn run_boxes(deals: Vec<(String, ValidDeal)>) -> Vec<Result<Entry, (String, ScenarioError)>> {
    deals
        .into_par_iter()
        .map(|(source, deal)| {
            let run = Plan::new(&deal)
                .and_then(|plan| run_plan_with(&deal, plan, Detail::Outcome))
                .map_err(|e| (source.clone(), ScenarioError::from(e)))?;
            if let Some(v) = run.verify().first() {
                return Err((source, ScenarioError::Invariant(v.clone())));
            }
            Ok(Entry { source, deal, run })
        })
        .collect()
}

/// The deals of a portfolio with the same box given twice taken once, and a warning
/// for each: two sheets that read as the same deal (every key equal after defaults)
/// are one box, counted once (the first given); two different deals with the same
/// `deal.name` are both counted, and the warning says so (their rows are told apart by
/// source).
///
/// ```
/// use boxflow_scenario::portfolio::distinct;
///
/// let deal = boxflow_model::Deal::example().validate().unwrap();
/// let mut other = deal.clone().into_deal();
/// other.contract.term_months = 48;
/// let other = other.validate().unwrap();
/// let deals = vec![
///     ("a.toml".to_string(), deal.clone()),
///     ("b.toml".to_string(), deal),
///     ("c.toml".to_string(), other),
/// ];
/// let (kept, warnings) = distinct(deals);
/// let sources: Vec<&str> = kept.iter().map(|(s, _)| s.as_str()).collect();
/// assert_eq!(sources, ["a.toml", "c.toml"]);
/// assert_eq!(warnings.len(), 2);
/// assert!(warnings[0].contains("`b.toml` holds the same deal as `a.toml`: counted once"));
/// assert!(warnings[1].contains("both counted"));
/// ```
pub fn distinct(deals: Vec<(String, ValidDeal)>) -> (Vec<(String, ValidDeal)>, Vec<String>) {
    let mut kept: Vec<(String, ValidDeal)> = Vec::with_capacity(deals.len());
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (source, deal) in deals {
        let same_name = by_name.entry(deal.name.clone()).or_default();
        if let Some(&first) = same_name
            .iter()
            .find(|&&i| kept.get(i).is_some_and(|(_, d)| *d == deal))
        {
            let first = kept.get(first).map_or("", |(s, _)| s.as_str());
            warnings.push(format!(
                "`{source}` holds the same deal as `{first}`: counted once"
            ));
            continue;
        }
        if let Some(&first) = same_name.first() {
            let first = kept.get(first).map_or("", |(s, _)| s.as_str());
            warnings.push(format!(
                "`{source}` and `{first}` are both named `{}` but differ: both counted; rename one to tell their rows apart",
                boxflow_model::shorten(&deal.name)
            ));
        }
        same_name.push(kept.len());
        kept.push((source, deal));
    }
    (kept, warnings)
}

/// A box in the portfolio table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoxRow {
    /// Where it was read from.
    pub source: String,
    /// `deal.name`.
    pub name: String,
    /// `contract.customer`.
    pub customer: String,
    /// Close: the box's vintage.
    pub close: NaiveDate,
    /// `end_N`: the contract's end.
    pub end: NaiveDate,
    /// `T`.
    pub total_capex: Money,
    /// All facilities' commitments.
    pub commitments: Money,
    /// Commitments / `T`.
    pub gearing: Option<Decimal>,
    /// The commitment-weighted rate of period 1 (the rate at close).
    pub rate_at_close: Option<Decimal>,
    /// The commitment-weighted margin of the floating facilities.
    pub margin_at_close: Option<Decimal>,
    /// Σ invoice of the base case: what the customer is contracted to pay.
    pub contract_value: Money,
    /// The lowest senior DSCR.
    pub min_dscr: Option<Decimal>,
    /// The halfway covenant.
    pub halfway_covenant: bool,
    /// The covenants breached in the base case, in words (`halfway`, `DSCR lock-up`,
    /// `DSCR default`, `LTV`); empty when every covenant is met.
    pub covenants_breached: Vec<&'static str>,
    /// The kinds of event of the base case, each once, in the order they first occur
    /// ([`Event::code`]: `LU`, `DD`, ...).
    pub events: Vec<&'static str>,
    /// XIRR of the sponsor's flows.
    pub equity_irr: Option<Decimal>,
    /// Principal and interest unpaid at the end.
    pub lender_loss: Money,
}

/// One calendar month of the consolidated portfolio.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MonthRow {
    /// The first day of the month.
    pub month: NaiveDate,
    /// Boxes whose contract runs in the month (close on or before its last day, end
    /// after its first day).
    pub boxes: usize,
    /// Σ invoice of the periods ending in the month.
    pub invoice: Money,
    /// Σ collections.
    pub collections: Money,
    /// Σ opex due.
    pub opex: Money,
    /// Σ fees due.
    pub fees: Money,
    /// Σ CFADS.
    pub cfads: Money,
    /// Capex paid in the month (at close and after).
    pub capex: Money,
    /// Facility draws in the month.
    pub draws: Money,
    /// Interest and commitment fees paid to lenders (waterfall and end of run).
    pub interest: Money,
    /// Principal repaid and prepaid (waterfall and end of run).
    pub principal: Money,
    /// Equity paid in by sponsors (closing equity and capex contributions).
    pub equity_in: Money,
    /// Cash paid to sponsors (closing excess, distributions, end of run).
    pub to_sponsor: Money,
    /// The GPUs' terminal value realised in the month.
    pub terminal_value: Money,
    /// Cash sources and uses of the month, from every box's ledger.
    pub cash: SourcesUses,
    /// Debt outstanding at the month's last day: draws dated up to it less repayments
    /// dated up to it (principal lost at the end of a run written off then).
    pub debt_outstanding: Money,
    /// Balance-weighted cost of that debt: `Σ balance_i · r_i / Σ balance_i`, each
    /// facility's rate of the period running on the month's last day.
    pub cost_of_debt: Option<Decimal>,
    /// The same, per vintage, aligned with [`Portfolio::vintages`].
    pub cost_by_vintage: Vec<Option<Decimal>>,
}

/// The cash that moved through the boxes in a month, by where it came from and where
/// it went, from each box's ledger: every transfer into a box's account is a source,
/// every transfer out of it a use. A transfer from a reserve straight to a lender
/// (the DSRA paying senior debt service) counts as a reserve release and a payment to
/// lenders. A box's cash account is empty after every date it moves on, so the sources
/// of a month equal its uses to the cent ([`SourcesUses::sources`] =
/// [`SourcesUses::uses`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SourcesUses {
    /// Source: the customer's prepayment, received at close.
    pub prepayments: Money,
    /// Source: collections from the customer.
    pub collections: Money,
    /// Source: facility draws.
    pub draws: Money,
    /// Source: equity paid in by sponsors.
    pub equity: Money,
    /// Source: cash released from the DSRA or the lock-up account.
    pub reserve_releases: Money,
    /// Source: the GPUs' terminal value.
    pub terminal_value: Money,
    /// Use: capex paid to vendors.
    pub capex: Money,
    /// Use: opex paid to operators.
    pub opex: Money,
    /// Use: fees paid to fee payees.
    pub fees: Money,
    /// Use: interest, fees and principal paid to lenders.
    pub to_lenders: Money,
    /// Use: cash deposited in the DSRA or the lock-up account.
    pub reserve_deposits: Money,
    /// Use: cash paid to sponsors (closing excess, distributions, end of run).
    pub distributions: Money,
    /// Use: the part of the prepayment refunded to the customer at the end.
    pub refunds: Money,
}

impl SourcesUses {
    /// Every source.
    pub fn sources(&self) -> Money {
        self.prepayments
            + self.collections
            + self.draws
            + self.equity
            + self.reserve_releases
            + self.terminal_value
    }

    /// Every use.
    pub fn uses(&self) -> Money {
        self.capex
            + self.opex
            + self.fees
            + self.to_lenders
            + self.reserve_deposits
            + self.distributions
            + self.refunds
    }

    /// Adds a transfer of `amount` from `from` to `to` at `step`.
    fn add(&mut self, step: Step, from: Account, to: Account, amount: Money) {
        if from == to {
            return;
        }
        if from != Account::Box {
            // into the box (or through it, from a reserve to a lender)
            match from {
                Account::Customer if step == Step::Closing => self.prepayments += amount,
                Account::Customer => self.collections += amount,
                Account::Lender(_) => self.draws += amount,
                Account::Sponsor => self.equity += amount,
                Account::Dsra | Account::Lockup => self.reserve_releases += amount,
                Account::Residual => self.terminal_value += amount,
                // money back from a payee lowers what was paid it
                Account::Vendors => self.capex -= amount,
                Account::Operators => self.opex -= amount,
                Account::FeePayees => self.fees -= amount,
                Account::Box => {}
            }
        }
        if to != Account::Box {
            match to {
                Account::Vendors => self.capex += amount,
                Account::Operators => self.opex += amount,
                Account::FeePayees => self.fees += amount,
                Account::Lender(_) => self.to_lenders += amount,
                Account::Dsra | Account::Lockup => self.reserve_deposits += amount,
                Account::Sponsor => self.distributions += amount,
                Account::Customer => self.refunds += amount,
                Account::Residual => self.terminal_value -= amount,
                Account::Box => {}
            }
        }
    }
}

/// The covenants a base run breaches, in words: the halfway covenant, the DSCR
/// lock-up, the DSCR default and the LTV covenant (methodology section 11).
fn covenants_breached(r: &Run) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !r.summary.halfway_covenant {
        out.push("halfway");
    }
    let any = |f: fn(&Event) -> bool| r.events.iter().any(f);
    if any(|e| matches!(e, Event::Lockup { .. })) {
        out.push("DSCR lock-up");
    }
    if any(|e| matches!(e, Event::DscrDefault { .. })) {
        out.push("DSCR default");
    }
    if any(|e| matches!(e, Event::LtvBreach { .. })) {
        out.push("LTV");
    }
    out
}

/// The codes of the kinds of event of a run, each once, in the order they first occur.
fn event_codes(r: &Run) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for code in r.events.iter().map(Event::code) {
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// The boxes of one close date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VintageRow {
    /// The close date.
    pub close: NaiveDate,
    /// Boxes that closed then.
    pub boxes: usize,
    /// Their commitments.
    pub commitments: Money,
    /// The commitment-weighted rate of period 1.
    pub rate_at_close: Option<Decimal>,
    /// The commitment-weighted margin of the floating facilities.
    pub margin_at_close: Option<Decimal>,
    /// The balance-weighted cost over the debt's life: `Σ_months Σ_i balance · r /
    /// Σ_months Σ_i balance`.
    pub cost_of_debt: Option<Decimal>,
}

/// One customer's share of the portfolio.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerRow {
    /// `contract.customer`, as written.
    pub customer: String,
    /// Its boxes.
    pub boxes: usize,
    /// Σ contract value.
    pub contract_value: Money,
    /// Its share of the portfolio's contract value.
    pub share: Option<Decimal>,
    /// Σ commitments of its boxes.
    pub commitments: Money,
    /// Its share of the portfolio's commitments.
    pub debt_share: Option<Decimal>,
}

/// The consolidated portfolio.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Portfolio {
    /// The currency every box shares.
    pub currency: String,
    /// The boxes, by close then source.
    pub boxes: Vec<BoxRow>,
    /// Every calendar month from the first close to the last contract end.
    pub months: Vec<MonthRow>,
    /// The vintages, by close date.
    pub vintages: Vec<VintageRow>,
    /// The customers, by contract value, largest first.
    pub customers: Vec<CustomerRow>,
    /// Herfindahl-Hirschman index of contract value by customer: `Σ share²` (1 for a
    /// single customer).
    pub customer_hhi: Option<Decimal>,
    /// The event codes of [`BoxRow::events`] spelled out (`LU lock-up, DD DSCR
    /// default`), for every kind that occurs in some box ([`legend`]).
    pub event_legend: String,
}

fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

fn month_start(index: i64) -> NaiveDate {
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(0);
    let month = u32::try_from(index.rem_euclid(12)).unwrap_or(0) + 1;
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default()
}

/// The last day of the month of `index`.
fn month_end(index: i64) -> NaiveDate {
    month_start(index + 1).pred_opt().unwrap_or_default()
}

fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        None
    } else {
        num.checked_div(den)
    }
}

/// Commitment-weighted rate of period 1 and margin of the floating facilities.
fn rates_at_close(e: &Entry) -> (Decimal, Decimal, Decimal, Decimal) {
    let (mut c_all, mut cr, mut c_float, mut cm) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for f in &e.run.plan.facilities {
        let c = f.commitment.amount();
        c_all += c;
        cr += c * f.rates.first().copied().unwrap_or_default();
        let spec = e.deal.facilities.iter().find(|x| *x.name == *f.name);
        if let Some(RateSpec::Floating { margin, .. }) = spec.map(|s| &s.rate) {
            c_float += c;
            cm += c * margin.value();
        }
    }
    (c_all, cr, c_float, cm)
}

/// Consolidates the boxes' base runs. All boxes must share one currency.
pub fn consolidate(entries: &[Entry]) -> Result<Portfolio, ScenarioError> {
    let Some(first) = entries.first() else {
        return Err(ScenarioError::EmptyPortfolio);
    };
    let currency = first.deal.currency.clone();
    if let Some(other) = entries.iter().find(|e| e.deal.currency != currency) {
        return Err(ScenarioError::MixedCurrencies {
            first: first.source.clone(),
            currency,
            other: other.source.clone(),
            other_currency: other.deal.currency.clone(),
        });
    }
    let mut order: Vec<&Entry> = entries.iter().collect();
    order.sort_by(|a, b| (a.deal.close, &a.source).cmp(&(b.deal.close, &b.source)));

    let mut closes: Vec<NaiveDate> = order.iter().map(|e| e.deal.close).collect();
    closes.dedup();
    let first_month = order
        .iter()
        .map(|e| month_index(e.deal.close))
        .min()
        .unwrap_or(0);
    let last_month = order
        .iter()
        .map(|e| month_index(e.run.plan.calendar.end()))
        .max()
        .unwrap_or(first_month);
    let span = usize::try_from(last_month - first_month + 1).unwrap_or(0);
    let mut months: Vec<MonthRow> = (0..span)
        .map(|i| MonthRow {
            month: month_start(first_month + i as i64),
            cost_by_vintage: vec![None; closes.len()],
            ..MonthRow::default()
        })
        .collect();
    // Σ balance · rate and Σ balance per month, overall and per vintage.
    let mut weighted = vec![(Decimal::ZERO, Decimal::ZERO); span];
    let mut weighted_vintage = vec![vec![(Decimal::ZERO, Decimal::ZERO); span]; closes.len()];

    let slot = |d: NaiveDate| usize::try_from(month_index(d) - first_month).ok();
    let month_ends: Vec<NaiveDate> = (0..span)
        .map(|m| month_end(first_month + m as i64))
        .collect();
    // Each facility's change of balance by month, `span` months a facility (reused
    // from box to box).
    let mut changes: Vec<Money> = Vec::new();
    let mut boxes = Vec::with_capacity(order.len());
    for e in &order {
        let plan = &e.run.plan;
        let calendar = &plan.calendar;
        let vintage = closes.iter().position(|c| *c == e.deal.close).unwrap_or(0);
        let end = calendar.end();

        // Flows by month, and each facility's repayments (one pass over the periods).
        changes.clear();
        changes.resize(span * plan.facilities.len(), Money::ZERO);
        for p in &e.run.periods {
            let Some(m) = slot(p.end).filter(|m| *m < span) else {
                continue;
            };
            let row = &mut months[m];
            row.invoice += p.operations.invoice;
            row.collections += p.operations.collections;
            row.opex += p.operations.opex;
            row.fees += p.operations.fees;
            row.cfads += p.operations.cfads;
            for (i, f) in p.facilities.iter().enumerate() {
                let repaid = f.principal_paid + f.prepaid;
                row.interest += f.interest_paid;
                row.principal += repaid;
                if let Some(c) = changes.get_mut(i * span + m) {
                    *c -= repaid;
                }
            }
        }
        if let Some(row) = slot(end).and_then(|i| months.get_mut(i)) {
            row.terminal_value += e.run.terminal.terminal_value;
            for t in &e.run.terminal.facilities {
                row.interest += t.interest_paid;
                row.principal += t.principal_paid;
            }
        }
        let close = e.deal.close;
        for (j, line) in plan.capex.iter().enumerate() {
            if let Some(row) = slot(line.effective_date(close)).and_then(|i| months.get_mut(i)) {
                row.capex += line.amount;
                row.draws += plan.facilities.iter().map(|f| f.draws[j]).sum::<Money>();
            }
        }
        // Sources and uses, and the sponsor's flows (one pass over the ledger).
        for t in e.run.ledger.transfers() {
            if let Some(row) = slot(t.date).and_then(|i| months.get_mut(i)) {
                row.cash.add(t.step, t.from, t.to, t.amount);
                match t.flow_of(Account::Sponsor) {
                    Some(amount) if amount.is_negative() => row.equity_in += -amount,
                    Some(amount) => row.to_sponsor += amount,
                    None => {}
                }
            }
        }
        let (first, last) = (slot(close), slot(end));
        if let (Some(first), Some(last)) = (first, last) {
            for row in months.iter_mut().take(last + 1).skip(first) {
                if row.month < end {
                    row.boxes += 1;
                }
            }
        }

        // Balances at each month end, and the rate running then.
        for (i, f) in plan.facilities.iter().enumerate() {
            let change = &mut changes[i * span..(i + 1) * span];
            let mut add = |d: NaiveDate, m: Money| {
                if let Some(c) = slot(d).and_then(|k| change.get_mut(k)) {
                    *c += m;
                }
            };
            for (line, draw) in plan.capex.iter().zip(&f.draws) {
                add(line.effective_date(close), *draw);
            }
            if let Some(t) = e.run.terminal.facilities.get(i) {
                // Paid at the end of the run, and the rest written off then.
                add(end, -t.principal_due);
            }
            let mut balance = Money::ZERO;
            let mut k = 0usize;
            let periods = calendar.periods();
            for (m, ((row, c), &t)) in months.iter_mut().zip(&*change).zip(&month_ends).enumerate()
            {
                balance += *c;
                row.debt_outstanding += balance;
                if !balance.is_positive() {
                    continue;
                }
                while k < periods.len() && periods[k].end <= t {
                    k += 1;
                }
                let Some(rate) = periods
                    .get(k)
                    .filter(|p| p.start <= t)
                    .and_then(|_| f.rates.get(k))
                else {
                    continue;
                };
                let b = balance.amount();
                let cost = b * *rate;
                weighted[m].0 += cost;
                weighted[m].1 += b;
                weighted_vintage[vintage][m].0 += cost;
                weighted_vintage[vintage][m].1 += b;
            }
        }

        let (c_all, cr, c_float, cm) = rates_at_close(e);
        let s = &e.run.summary;
        boxes.push(BoxRow {
            source: e.source.clone(),
            name: e.deal.name.clone(),
            customer: e.deal.contract.customer.clone(),
            close,
            end,
            total_capex: plan.total_capex,
            commitments: Money::round2(c_all),
            gearing: ratio(c_all, plan.total_capex.amount()),
            rate_at_close: ratio(cr, c_all),
            margin_at_close: ratio(cm, c_float),
            contract_value: s.total_invoice,
            min_dscr: s.min_dscr,
            halfway_covenant: s.halfway_covenant,
            covenants_breached: covenants_breached(&e.run),
            events: event_codes(&e.run),
            equity_irr: s.equity_irr,
            lender_loss: s.lender_loss,
        });
    }
    for (m, row) in months.iter_mut().enumerate() {
        row.cost_of_debt = ratio(weighted[m].0, weighted[m].1);
        for (v, slot) in row.cost_by_vintage.iter_mut().enumerate() {
            *slot = ratio(weighted_vintage[v][m].0, weighted_vintage[v][m].1);
        }
    }

    let vintages = closes
        .iter()
        .enumerate()
        .map(|(v, close)| {
            let of: Vec<&&Entry> = order.iter().filter(|e| e.deal.close == *close).collect();
            let (mut c_all, mut cr, mut c_float, mut cm) =
                (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
            for e in &of {
                let r = rates_at_close(e);
                c_all += r.0;
                cr += r.1;
                c_float += r.2;
                cm += r.3;
            }
            let (num, den) = weighted_vintage[v]
                .iter()
                .fold((Decimal::ZERO, Decimal::ZERO), |a, w| {
                    (a.0 + w.0, a.1 + w.1)
                });
            VintageRow {
                close: *close,
                boxes: of.len(),
                commitments: Money::round2(c_all),
                rate_at_close: ratio(cr, c_all),
                margin_at_close: ratio(cm, c_float),
                cost_of_debt: ratio(num, den),
            }
        })
        .collect();

    let mut by_customer: BTreeMap<&str, CustomerRow> = BTreeMap::new();
    for b in &boxes {
        let row = by_customer
            .entry(b.customer.as_str())
            .or_insert_with(|| CustomerRow {
                customer: b.customer.clone(),
                boxes: 0,
                contract_value: Money::ZERO,
                share: None,
                commitments: Money::ZERO,
                debt_share: None,
            });
        row.boxes += 1;
        row.contract_value += b.contract_value;
        row.commitments += b.commitments;
    }
    let total_value: Money = boxes.iter().map(|b| b.contract_value).sum();
    let total_debt: Money = boxes.iter().map(|b| b.commitments).sum();
    let mut customers: Vec<CustomerRow> = by_customer.into_values().collect();
    for c in &mut customers {
        c.share = ratio(c.contract_value.amount(), total_value.amount());
        c.debt_share = ratio(c.commitments.amount(), total_debt.amount());
    }
    customers.sort_by(|a, b| {
        b.contract_value
            .cmp(&a.contract_value)
            .then_with(|| a.customer.cmp(&b.customer))
    });
    let customer_hhi = if total_value.is_zero() {
        None
    } else {
        customers
            .iter()
            .map(|c| c.share.map(|s| s * s))
            .sum::<Option<Decimal>>()
    };
    let event_legend = legend(entries.iter().flat_map(|e| e.run.events.iter()));
    Ok(Portfolio {
        currency,
        boxes,
        months,
        vintages,
        customers,
        customer_hhi,
        event_legend,
    })
}
