//! The JSON report of methodology section 13: money as strings with exactly two
//! decimals, ratios, rates, IRRs and years as strings rounded to 10 decimals,
//! undefined values as `null`.

use boxflow_core::{round10, Money};
use boxflow_waterfall::{Event, FacilityPeriod, PeriodResult, Run};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

/// Money: a string with exactly two decimals, never `-0.00`.
pub fn money(m: Money) -> Value {
    Value::String(m.to_string())
}

/// A ratio, rate, IRR or year count: a string rounded half away from zero to 10
/// decimals, or `null`.
pub fn ratio(x: Option<Decimal>) -> Value {
    x.map_or(Value::Null, |x| Value::String(round10(x).to_string()))
}

fn money_map(items: &[(String, Money)]) -> Value {
    let mut map = Map::new();
    for (name, amount) in items {
        map.insert(name.clone(), money(*amount));
    }
    Value::Object(map)
}

/// The whole run as one JSON object: `summary`, `closing`, `periods`, `terminal`, `events`.
pub fn run_json(run: &Run) -> Value {
    json!({
        "deal": run_deal(run),
        "summary": summary(run),
        "closing": closing(run),
        "schedule": schedules(run),
        "periods": run.periods.iter().map(period).collect::<Vec<_>>(),
        "terminal": terminal(run),
        "events": run.events.iter().map(event).collect::<Vec<_>>(),
    })
}

fn run_deal(run: &Run) -> Value {
    json!({
        "close": run.plan.calendar.close().to_string(),
        "frequency": run.plan.calendar.frequency().as_str(),
        "periods": run.plan.calendar.len(),
        "total_capex": money(run.plan.total_capex),
    })
}

fn summary(run: &Run) -> Value {
    let s = &run.summary;
    json!({
        "senior_commitment": money(s.senior_commitment),
        "sizing_binding": s.sizing_binding.map(|b| b.as_str()),
        "min_dscr": ratio(s.min_dscr),
        "min_dscr_period": s.min_dscr_period,
        "avg_dscr": ratio(s.avg_dscr),
        "llcr": ratio(s.llcr),
        "halfway_period": s.halfway_period,
        "senior_repaid_period": s.senior_repaid_period,
        "senior_balance_at_halfway": money(s.senior_balance_at_halfway),
        "halfway_covenant": if s.halfway_covenant { "pass" } else { "fail" },
        "equity_irr": ratio(s.equity_irr),
        "project_irr": ratio(s.project_irr),
        "senior_lender_irr": ratio(s.senior_lender_irr),
        "npv": s.npv.map(money),
        "wal_years": ratio(s.wal_years),
        "payback_period": s.payback_period,
        "terminal_value": money(s.terminal_value),
        "lender_loss": money(s.lender_loss),
        "total_invoice": money(s.total_invoice),
        "total_collections": money(s.total_collections),
        "total_opex": money(s.total_opex),
        "total_fees": money(s.total_fees),
        "total_interest": money(s.total_interest),
        "total_principal": money(s.total_principal),
        "total_distributions": money(s.total_distributions),
        "total_equity": money(s.total_equity),
    })
}

fn closing(run: &Run) -> Value {
    let c = &run.closing;
    json!({
        "sources": {
            "draws": money_map(&c.draws),
            "prepayment": money(c.prepayment),
            "equity": money(c.equity),
            "total": money(c.sources()),
        },
        "uses": {
            "capex": money(c.capex),
            "upfront_fees": money_map(&c.upfront_fees),
            "dsra": money(c.dsra),
            "sponsor_excess": money(c.sponsor_excess),
            "total": money(c.uses()),
        },
    })
}

fn schedules(run: &Run) -> Value {
    Value::Array(
        run.plan
            .facilities
            .iter()
            .map(|f| {
                json!({
                    "name": f.name,
                    "rank": f.rank.number(),
                    "commitment": money(f.commitment),
                    "sizing_binding": f.binding.map(|b| b.as_str()),
                    "sizing_iterations": f.sizing_iterations,
                    "interest_only_periods": f.interest_only_periods,
                    "repay_by_period": f.deadline,
                    "upfront_fee": money(f.upfront_fee),
                    "rows": f.schedule.rows.iter().map(|r| json!({
                        "period": r.period,
                        "opening": money(r.opening),
                        "draws": money(r.draws),
                        "interest": money(r.interest),
                        "commitment_fee": money(r.commitment_fee),
                        "principal": money(r.principal),
                        "closing": money(r.closing),
                        "debt_service": money(r.debt_service()),
                        "cap": r.cap.map(money),
                        "cfads": money(r.cfads),
                        "dscr": ratio(r.dscr()),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn facility(f: &FacilityPeriod) -> Value {
    json!({
        "name": f.name,
        "rank": f.rank.number(),
        "opening": money(f.opening),
        "draws": money(f.draws),
        "rate": ratio(Some(f.rate)),
        "interest_due": money(f.interest_due),
        "commitment_fee_due": money(f.commitment_fee_due),
        "interest_paid": money(f.interest_paid),
        "scheduled_principal": money(f.scheduled_principal),
        "principal_due": money(f.principal_due),
        "principal_paid": money(f.principal_paid),
        "prepaid": money(f.prepaid),
        "arrears": money(f.arrears()),
        "interest_arrears": money(f.interest_arrears),
        "principal_arrears": money(f.principal_arrears),
        "closing": money(f.closing),
    })
}

fn period(p: &PeriodResult) -> Value {
    let o = &p.operations;
    json!({
        "period": p.period,
        "start": p.start.to_string(),
        "end": p.end.to_string(),
        "days": p.days,
        "invoice": money(o.invoice),
        "prepayment_credit": money(o.prepayment_credit),
        "collections": money(o.collections),
        "colocation": money(o.colocation),
        "power": money(o.power),
        "expenses": money(o.expenses),
        "opex": money(o.opex),
        "fees": money(o.fees),
        "cfads": money(o.cfads),
        "opex_paid": money(p.opex_paid),
        "fees_paid": money(p.fees_paid),
        "capex": money(p.capex),
        "equity_contribution": money(p.equity_contribution),
        "dscr": ratio(p.dscr),
        "book_value": money(p.book_value),
        "ltv": ratio(p.ltv),
        "sweep": money(p.sweep),
        "lockup_prepaid": money(p.lockup_prepaid),
        "distribution": money(p.distribution),
        "events": p.events.iter().map(|e| e.name()).collect::<Vec<_>>(),
        "dsra": {
            "opening": money(p.dsra.opening),
            "target": money(p.dsra.target),
            "deposit": money(p.dsra.deposit),
            "release": money(p.dsra.release),
            "draw": money(p.dsra.draw),
            "closing": money(p.dsra.closing),
        },
        "lockup": {
            "opening": money(p.lockup.opening),
            "deposit": money(p.lockup.deposit),
            "release": money(p.lockup.release),
            "closing": money(p.lockup.closing),
        },
        "prepayment": {
            "opening": money(p.prepayment_opening),
            "credit": money(o.prepayment_credit),
            "closing": money(p.prepayment_closing),
        },
        "facilities": p.facilities.iter().map(facility).collect::<Vec<_>>(),
    })
}

fn terminal(run: &Run) -> Value {
    let t = &run.terminal;
    json!({
        "date": t.date.to_string(),
        "dsra_release": money(t.dsra_release),
        "lockup_release": money(t.lockup_release),
        "terminal_value": money(t.terminal_value),
        "available": money(t.dsra_release + t.lockup_release + t.terminal_value),
        "refund_due": money(t.refund_due),
        "refund_paid": money(t.refund_paid),
        "opex_arrears_paid": money(t.opex_arrears_paid),
        "fee_arrears_paid": money(t.fee_arrears_paid),
        "facilities": t.facilities.iter().map(|f| json!({
            "name": f.name,
            "interest_due": money(f.interest_due),
            "interest_paid": money(f.interest_paid),
            "principal_due": money(f.principal_due),
            "principal_paid": money(f.principal_paid),
            "loss": money(f.loss),
        })).collect::<Vec<_>>(),
        "sponsor": money(t.sponsor),
        "lender_loss": money(t.lender_loss),
    })
}

/// One event: its name, period and figures.
pub fn event(e: &Event) -> Value {
    let mut v = json!({ "event": e.name(), "period": e.period() });
    let extra = match e {
        Event::ScheduleBreach {
            facility,
            debt_service,
            cap,
            ..
        } => json!({
            "facility": facility, "debt_service": money(*debt_service), "cap": money(*cap),
        }),
        Event::OpexShortfall {
            due,
            paid,
            shortfall,
            ..
        }
        | Event::FeesShortfall {
            due,
            paid,
            shortfall,
            ..
        } => json!({
            "due": money(*due), "paid": money(*paid), "shortfall": money(*shortfall),
        }),
        Event::PaymentDefault {
            facility,
            step,
            due,
            paid,
            shortfall,
            ..
        }
        | Event::JuniorShortfall {
            facility,
            step,
            due,
            paid,
            shortfall,
            ..
        } => json!({
            "facility": facility, "step": step, "due": money(*due), "paid": money(*paid),
            "shortfall": money(*shortfall),
        }),
        Event::Lockup {
            dscr,
            dscr_below,
            senior_arrears,
            dsra_below_target,
            trapped,
            ..
        } => json!({
            "dscr": ratio(*dscr), "dscr_below_lockup": dscr_below, "senior_arrears": senior_arrears,
            "dsra_below_target": dsra_below_target, "trapped": money(*trapped),
        }),
        Event::DscrDefault { dscr, min_dscr, .. } => json!({
            "dscr": ratio(Some(*dscr)), "min_dscr": ratio(Some(min_dscr.value())),
        }),
        Event::LtvBreach {
            ltv,
            max_ltv,
            balance,
            book_value,
            ..
        } => json!({
            "ltv": ratio(*ltv), "max_ltv": ratio(Some(max_ltv.value())),
            "balance": money(*balance), "book_value": money(*book_value),
        }),
        Event::LenderLoss {
            facility,
            principal,
            interest,
            loss,
            ..
        } => json!({
            "facility": facility, "principal": money(*principal), "interest": money(*interest),
            "loss": money(*loss),
        }),
        _ => json!({}),
    };
    if let (Value::Object(a), Value::Object(b)) = (&mut v, extra) {
        a.extend(b);
    }
    v
}
