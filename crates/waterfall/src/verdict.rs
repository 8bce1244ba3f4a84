//! Verdicts on the debt: when the sized or fixed debt does not work, in words, with
//! the period, the amounts and the change that would help.
//!
//! Sizing (methodology section 7) tests only the repayment window `g+1 ..= H` of the
//! close schedule; the run (section 9) pays every period. A deal can therefore size a
//! commitment that defaults in its interest-only periods, or size no debt at all
//! because one early period's CFADS is negative. [`verdicts`] reads a finished [`Run`]
//! and says so; it never changes a figure.
//!
//! ```
//! use boxflow_core::Quantity;
//! use boxflow_model::Deal;
//! use rust_decimal::Decimal;
//!
//! // At 0.05 per GPU-hour the box never covers its opex: no debt can be sized.
//! let mut deal = Deal::example();
//! deal.contract.capacity[0].price_per_gpu_hour = Quantity::new(Decimal::new(5, 2));
//! let deal = deal.validate().unwrap();
//! let run = boxflow_waterfall::run(&deal).unwrap();
//! assert!(run.summary.senior_commitment.is_zero());
//! let verdicts = boxflow_waterfall::verdicts(&deal, &run);
//! assert_eq!(verdicts[0].code, "no_debt");
//! assert!(verdicts[0].message.contains("opex and fees of"));
//! ```

use std::fmt;

use boxflow_amortize::Binding;
use boxflow_core::Money;
use boxflow_model::{Commitment, Deal, Rank};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::events::Event;
use crate::ledger::Step;
use crate::plan::FacilityPlan;
use crate::run::{PeriodResult, Run};
use crate::tranches::debt_service_due;

/// A sized commitment below this share of its gearing cap (`max_gearing · T`) while the
/// DSCR binds is "far below the cap": the verdict says which period binds and why.
pub const LOW_GEARING_SHARE: Decimal = Decimal::from_parts(5, 0, 0, false, 1);

/// How many periods a verdict lists before it says "and N more".
const LISTED_PERIODS: usize = 6;

/// One finding on the debt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Verdict {
    /// A stable name: `no_debt`, `low_gearing`, `schedule_breach`, `payment_default`,
    /// `dscr_default`, `junior_shortfall`, `halfway_failed`, `deadline_missed` or
    /// `lender_loss`.
    pub code: &'static str,
    /// The first period concerned, if any.
    pub period: Option<usize>,
    /// The facility concerned, if any.
    pub facility: Option<String>,
    /// What is wrong, the amounts and the change that would help.
    pub message: String,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every verdict on the debt of `run`, the run of `deal`: sizing first (no debt,
/// low gearing, schedule breaches), then the run's payment defaults, DSCR defaults,
/// junior shortfalls, the halfway covenant, each facility's deadline and the lender
/// loss. An empty list: the debt works in the base case.
pub fn verdicts(deal: &Deal, run: &Run) -> Vec<Verdict> {
    let mut out = Vec::new();
    for f in &run.plan.facilities {
        no_or_low_debt(deal, run, f, &mut out);
        schedule_breach(f, &mut out);
    }
    payment_default(deal, run, &mut out);
    dscr_default(deal, run, &mut out);
    junior_shortfall(run, &mut out);
    halfway_failed(run, &mut out);
    deadline_missed(run, &mut out);
    lender_loss(run, &mut out);
    out
}

/// `1, 2 and 5`; more than [`LISTED_PERIODS`]: `1, 2, 3, 4, 5, 6 and 9 more`.
fn list_periods(periods: &[usize]) -> String {
    let shown: Vec<String> = periods
        .iter()
        .take(LISTED_PERIODS)
        .map(|k| k.to_string())
        .collect();
    let more = periods.len().saturating_sub(LISTED_PERIODS);
    match (shown.split_last(), more) {
        (None, _) => String::new(),
        (Some((last, [])), 0) => last.clone(),
        (Some((last, rest)), 0) => format!("{} and {last}", rest.join(", ")),
        (Some(_), more) => format!("{} and {more} more", shown.join(", ")),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The capacity lines not yet fully online in a period starting on `start`.
fn offline_lines(deal: &Deal, start: NaiveDate) -> Vec<String> {
    deal.contract
        .capacity
        .iter()
        .enumerate()
        .filter(|(_, line)| line.online > start)
        .map(|(i, line)| {
            let name = line
                .name
                .clone()
                .unwrap_or_else(|| format!("capacity line {}", i + 1));
            format!(
                "{name} ({} GPUs) comes online on {}",
                line.gpus, line.online
            )
        })
        .collect()
}

/// Why a period's CFADS is low: capacity not yet online, opex before revenue.
fn why_low(deal: &Deal, p: &PeriodResult) -> Vec<String> {
    let mut why = offline_lines(deal, p.start);
    let costs = p.operations.opex + p.operations.fees;
    if costs > p.operations.invoice {
        why.push(format!(
            "opex and fees of {costs} are due against an invoice of {}",
            p.operations.invoice
        ));
    }
    why
}

/// `. Periods 1..g are interest-only, and sizing does not test them ...` when period
/// `k` is one of the senior's interest-only periods; else empty.
fn interest_only_note(run: &Run, k: usize) -> String {
    let g = run
        .plan
        .facilities
        .iter()
        .find(|f| f.rank == Rank::Senior)
        .map_or(0, |f| f.interest_only_periods);
    if g > 0 && k <= g {
        format!(
            ". Periods 1..{g} are interest-only, and sizing does not test them: their interest is paid from cash or the reserve"
        )
    } else {
        String::new()
    }
}

/// The leading periods (from 1) whose CFADS is negative.
fn periods_before_revenue(run: &Run) -> usize {
    run.periods
        .iter()
        .take_while(|p| p.operations.cfads.is_negative())
        .count()
}

/// The first window period whose CFADS falls before every later one can help: the
/// window period with the lowest debt-service cap in the close schedule.
fn binding_period(f: &FacilityPlan) -> Option<(usize, Money)> {
    let g = f.interest_only_periods;
    f.schedule
        .rows
        .iter()
        .filter(|r| r.period > g && r.period <= f.deadline)
        .filter_map(|r| r.cap.map(|c| (r.period, c)))
        .min_by_key(|(k, c)| (*c, *k))
}

/// A sized facility with no commitment, or one far below its gearing cap while the
/// DSCR binds: the window period whose cap binds, its CFADS and what makes it low.
fn no_or_low_debt(deal: &Deal, run: &Run, f: &FacilityPlan, out: &mut Vec<Verdict>) {
    let Some(facility) = deal.facilities.iter().find(|x| *x.name == *f.name) else {
        return;
    };
    let Commitment::Sized { max_gearing, .. } = &facility.commitment else {
        return;
    };
    if f.binding != Some(Binding::Dscr) {
        return;
    }
    let cap = run
        .plan
        .total_capex
        .amount()
        .checked_mul(max_gearing.value())
        .unwrap_or(Decimal::ZERO);
    let low = f.commitment.amount() < cap * LOW_GEARING_SHARE;
    if !(f.commitment.is_zero() || low) {
        return;
    }
    let Some((k, binding_cap)) = binding_period(f) else {
        return;
    };
    let Some(p) = run.periods.get(k - 1) else {
        return;
    };
    let code = if f.commitment.is_zero() {
        "no_debt"
    } else {
        "low_gearing"
    };
    let mut message = if f.commitment.is_zero() {
        format!(
            "{}: no debt fits: sizing tests periods {}..{} and the debt-service cap of period {k} is {binding_cap} (CFADS {}",
            f.name,
            f.interest_only_periods + 1,
            f.deadline,
            p.operations.cfads
        )
    } else {
        format!(
            "{}: commitment {} is less than half the gearing cap of {}: the debt-service cap of period {k} binds at {binding_cap} (CFADS {}",
            f.name,
            f.commitment,
            Money::floor2(cap),
            p.operations.cfads
        )
    };
    if f.rank == Rank::Junior {
        message += ", less the senior's debt service";
    }
    message.push(')');
    let why = why_low(deal, p);
    if !why.is_empty() {
        message += &format!("; period {k}'s CFADS is low because {}", why.join(" and "));
    }
    let before_revenue = p.operations.cfads.is_negative() || !why.is_empty();
    if before_revenue {
        let io = periods_before_revenue(run).max(k);
        message += &format!(
            ". Start repayment after the GPUs earn (interest_only_periods = {io}, with a reserve funded at close to pay that interest) or bring the capacity online earlier"
        );
    } else {
        message += ". Lower the sizing DSCR, lengthen repay_by or raise the contract price";
    }
    out.push(Verdict {
        code,
        period: Some(k),
        facility: Some(String::from(&*f.name)),
        message,
    });
}

/// A fixed amount whose close schedule breaches its `target_dscr` cap.
fn schedule_breach(f: &FacilityPlan, out: &mut Vec<Verdict>) {
    let Some(first) = f.breaches.first() else {
        return;
    };
    let periods: Vec<usize> = f.breaches.iter().map(|b| b.period).collect();
    out.push(Verdict {
        code: "schedule_breach",
        period: Some(first.period),
        facility: Some(String::from(&*f.name)),
        message: format!(
            "{}: the fixed amount's scheduled debt service exceeds the target DSCR's cap in period{} {}: in period {}, {} against a cap of {}. Lower the amount or reshape the schedule (amortization = \"sculpted\")",
            f.name,
            plural(periods.len()),
            list_periods(&periods),
            first.period,
            first.debt_service,
            first.cap
        ),
    });
}

/// The run's senior payment defaults: the first period with its amounts, the
/// interest-only periods sizing does not test, the reserve, a late online date.
fn payment_default(deal: &Deal, run: &Run, out: &mut Vec<Verdict>) {
    let mut periods: Vec<usize> = Vec::new();
    let mut first: Option<(&str, Step, Money, Money, Money, usize)> = None;
    for e in run.events.iter() {
        if let Event::PaymentDefault {
            period,
            facility,
            step,
            due,
            paid,
            shortfall,
        } = e
        {
            if periods.last() != Some(period) {
                periods.push(*period);
            }
            if first.is_none() {
                first = Some((&**facility, *step, *due, *paid, *shortfall, *period));
            }
        }
    }
    let Some((facility, step, due, paid, shortfall, k)) = first else {
        return;
    };
    let Some(p) = run.periods.get(k - 1) else {
        return;
    };
    let what = if step == Step::SeniorInterest {
        "interest and fees"
    } else {
        "principal"
    };
    let mut message = format!(
        "{facility}: payment default in period{} {}: in period {k}, {what} due {due}, paid {paid}, unpaid {shortfall}; CFADS {}, reserve opening {} drawn {}",
        plural(periods.len()),
        list_periods(&periods),
        p.operations.cfads,
        p.dsra.opening,
        p.dsra.draw
    );
    let senior = run.plan.facilities.iter().find(|f| f.rank == Rank::Senior);
    let mut helps: Vec<String> = Vec::new();
    message += &interest_only_note(run, k);
    match &deal.reserve {
        None => {
            message += ". There is no reserve";
            helps.push("add a reserve funded at close ([reserve] months = 6)".into());
        }
        Some(r) if !r.funded_at_close && p.dsra.opening.is_zero() => {
            message += ". The reserve is not funded at close";
            helps.push("fund the reserve at close (funded_at_close = true)".into());
        }
        Some(_) if p.dsra.opening.is_positive() && p.dsra.closing.is_zero() => {
            message += ". The reserve is exhausted";
        }
        Some(_) => {}
    }
    let offline = offline_lines(deal, p.start);
    if !offline.is_empty() {
        message += &format!(". {}", offline.join(", "));
        helps.push("bring the capacity online earlier".into());
    }
    if let Some(s) = senior {
        if s.binding.is_some() && s.interest_only_periods > 0 {
            helps.push("shorten the interest-only periods".into());
        }
    }
    helps.push("lower the commitment".into());
    message += &format!(". To help: {}", helps.join(", or "));
    out.push(Verdict {
        code: "payment_default",
        period: Some(k),
        facility: Some(facility.to_string()),
        message,
    });
}

/// The run's DSCR defaults: the first period, its DSCR, CFADS and debt service.
fn dscr_default(deal: &Deal, run: &Run, out: &mut Vec<Verdict>) {
    let periods: Vec<usize> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::DscrDefault { period, .. } => Some(*period),
            _ => None,
        })
        .collect();
    let Some(first) = run.events.iter().find_map(|e| match e {
        Event::DscrDefault {
            period,
            dscr,
            min_dscr,
        } => Some((*period, dscr.value(), *min_dscr)),
        _ => None,
    }) else {
        return;
    };
    let (k, dscr, min) = first;
    let Some(p) = run.periods.get(k - 1) else {
        return;
    };
    let senior = p.senior();
    let due = senior.map_or(Money::ZERO, debt_service_due);
    let mut message = format!(
        "senior DSCR below min_dscr {min} in period{} {}: in period {k}, DSCR {} = CFADS {} / debt service due {}",
        plural(periods.len()),
        list_periods(&periods),
        dscr.round_dp(4),
        p.operations.cfads,
        due
    );
    message += &interest_only_note(run, k);
    let why = why_low(deal, p);
    if !why.is_empty() {
        message += &format!("; CFADS is low because {}", why.join(" and "));
        message += ". To help: bring the capacity online earlier, or start the debt service later";
    } else {
        message += ". To help: lower the commitment or shape the schedule to CFADS (amortization = \"sculpted\")";
    }
    out.push(Verdict {
        code: "dscr_default",
        period: Some(k),
        facility: senior.map(|s| s.name.to_string()),
        message,
    });
}

/// The run's junior shortfalls: the first period and the amounts.
fn junior_shortfall(run: &Run, out: &mut Vec<Verdict>) {
    let mut periods: Vec<usize> = Vec::new();
    let mut first = None;
    for e in run.events.iter() {
        if let Event::JuniorShortfall {
            period,
            facility,
            due,
            paid,
            ..
        } = e
        {
            if periods.last() != Some(period) {
                periods.push(*period);
            }
            first.get_or_insert((facility.clone(), *period, *due, *paid));
        }
    }
    let Some((facility, k, due, paid)) = first else {
        return;
    };
    out.push(Verdict {
        code: "junior_shortfall",
        period: Some(k),
        facility: Some(facility.to_string()),
        message: format!(
            "{facility}: junior shortfall in period{} {}: in period {k}, due {due}, paid {paid}. Raise the junior's sizing DSCR or lower its commitment",
            plural(periods.len()),
            list_periods(&periods)
        ),
    });
}

/// The senior is not repaid by the halfway period.
fn halfway_failed(run: &Run, out: &mut Vec<Verdict>) {
    let s = &run.summary;
    if s.halfway_covenant {
        return;
    }
    let senior = run.plan.facilities.iter().find(|f| f.rank == Rank::Senior);
    out.push(Verdict {
        code: "halfway_failed",
        period: Some(s.halfway_period),
        facility: senior.map(|f| String::from(&*f.name)),
        message: format!(
            "the senior is not repaid by the halfway period {}: {} is still owed, {}. Lower the commitment, or sweep excess cash into prepayments (sweep)",
            s.halfway_period,
            s.senior_balance_at_halfway,
            s.senior_repaid_period
                .map_or("and it is never repaid".to_string(), |k| format!(
                    "repaid in period {k}"
                ))
        ),
    });
}

/// A facility not repaid by its own deadline (other than the senior at halfway,
/// which [`halfway_failed`] reports).
fn deadline_missed(run: &Run, out: &mut Vec<Verdict>) {
    let halfway = run.summary.halfway_period;
    for d in &run.summary.facilities {
        if d.passes || (d.rank == Rank::Senior && d.repay_by_period == halfway) {
            continue;
        }
        out.push(Verdict {
            code: "deadline_missed",
            period: Some(d.repay_by_period),
            facility: Some(d.name.clone()),
            message: format!(
                "{}: not repaid by its deadline, period {}: {} is still owed, {}",
                d.name,
                d.repay_by_period,
                d.balance_at_deadline,
                d.repaid_period
                    .map_or("and it is never repaid".to_string(), |k| format!(
                        "repaid in period {k}"
                    ))
            ),
        });
    }
}

/// Principal and interest left unpaid at the end of the run, by facility.
fn lender_loss(run: &Run, out: &mut Vec<Verdict>) {
    for f in &run.terminal.facilities {
        if f.loss.is_positive() {
            out.push(Verdict {
                code: "lender_loss",
                period: Some(run.periods.len()),
                facility: Some(String::from(&*f.name)),
                message: format!(
                    "{}: the lender loses {} at the end of the run (principal and interest left unpaid)",
                    f.name, f.loss
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_listed_in_words() {
        assert_eq!(list_periods(&[]), "");
        assert_eq!(list_periods(&[1]), "1");
        assert_eq!(list_periods(&[1, 2]), "1 and 2");
        assert_eq!(list_periods(&[1, 2, 5]), "1, 2 and 5");
        assert_eq!(
            list_periods(&[1, 2, 3, 4, 5, 6, 7, 8]),
            "1, 2, 3, 4, 5, 6 and 2 more"
        );
    }
}
