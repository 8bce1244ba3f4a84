//! The `boxflow size` report: each facility's commitment, binding bound, halfway
//! check and close schedule.

use boxflow_amortize::halfway_check;
use boxflow_core::Money;
use boxflow_model::Rank;
use boxflow_waterfall::{FacilityPlan, Run};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use serde_json::{json, Value};

use crate::json::{money, ratio};
use boxflow_core::format::{dscr, money as thousands};

fn schedule_check(run: &Run, f: &FacilityPlan) -> boxflow_amortize::HalfwayCheck {
    let closing: Vec<Money> = f.schedule.rows.iter().map(|r| r.closing).collect();
    let draws: Vec<Money> = f.schedule.rows.iter().map(|r| r.draws).collect();
    halfway_check(
        f.schedule.closing_draws,
        &closing,
        &draws,
        run.plan.halfway_period,
    )
}

/// Sizing as JSON: one object per facility, with its schedule.
pub fn sizing_json(run: &Run) -> Value {
    let facilities: Vec<Value> = run
        .plan
        .facilities
        .iter()
        .map(|f| {
            let check = schedule_check(run, f);
            json!({
                "name": f.name,
                "rank": f.rank.number(),
                "commitment": money(f.commitment),
                "sizing_binding": f.binding.map(|b| b.as_str()),
                "sizing_iterations": f.sizing_iterations,
                "gearing": ratio(if run.plan.total_capex.is_zero() { None } else {
                    f.commitment.amount().checked_div(run.plan.total_capex.amount())
                }),
                "repay_by_period": f.deadline,
                "halfway_period": check.halfway_period,
                "repaid_period": check.repaid_period,
                "balance_at_halfway": money(check.balance_at_halfway),
                "halfway_covenant": if check.passes { "pass" } else { "fail" },
                "breaches": f.breaches.iter().map(|b| json!({
                    "period": b.period, "debt_service": money(b.debt_service), "cap": money(b.cap),
                })).collect::<Vec<_>>(),
                "schedule": f.schedule.rows.iter().map(|r| json!({
                    "period": r.period,
                    "opening": money(r.opening),
                    "draws": money(r.draws),
                    "interest": money(r.interest),
                    "commitment_fee": money(r.commitment_fee),
                    "principal": money(r.principal),
                    "closing": money(r.closing),
                    "debt_service": money(r.debt_service()),
                    "cfads": money(r.cfads),
                    "dscr": ratio(r.dscr()),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "total_capex": money(run.plan.total_capex),
        "halfway_period": run.plan.halfway_period,
        "facilities": facilities,
    })
}

/// Sizing as text tables.
pub fn sizing_table(run: &Run) -> String {
    let mut out = format!("total capex: {}\n", thousands(run.plan.total_capex));
    for f in &run.plan.facilities {
        let check = schedule_check(run, f);
        let rank = if f.rank == Rank::Senior {
            "senior"
        } else {
            "junior"
        };
        out += &format!(
            "\n{} ({rank}): commitment {} ({}), repay by period {}\n",
            f.name,
            thousands(f.commitment),
            f.binding.map_or("fixed amount".to_string(), |b| format!(
                "binding: {}",
                b.as_str()
            )),
            f.deadline,
        );
        out += &format!(
            "halfway check: period {}, balance {}, repaid in period {}: {}\n",
            check.halfway_period,
            thousands(check.balance_at_halfway),
            check
                .repaid_period
                .map_or("-".to_string(), |k| k.to_string()),
            if check.passes { "pass" } else { "FAIL" },
        );
        for b in &f.breaches {
            out += &format!(
                "schedule breach in period {}: debt service {} above the cap {}\n",
                b.period,
                thousands(b.debt_service),
                thousands(b.cap)
            );
        }
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        t.set_header(vec![
            "k",
            "opening",
            "draws",
            "interest",
            "fee",
            "principal",
            "closing",
            "debt service",
            "CFADS",
            "DSCR",
        ]);
        for r in &f.schedule.rows {
            t.add_row(vec![
                r.period.to_string(),
                thousands(r.opening),
                thousands(r.draws),
                thousands(r.interest),
                thousands(r.commitment_fee),
                thousands(r.principal),
                thousands(r.closing),
                thousands(r.debt_service()),
                thousands(r.cfads),
                dscr(r.dscr()),
            ]);
        }
        for i in 1..10 {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        out += &t.to_string();
        out.push('\n');
    }
    out
}
