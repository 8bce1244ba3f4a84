//! The `boxflow size` report: each facility's commitment, binding bound, repayment
//! check and close schedule.
//!
//! Each facility is checked against its own deadline (`repay_by`); the halfway
//! covenant is the senior's alone. With a junior, each schedule row also shows the
//! combined DSCR: CFADS over the scheduled debt service of every facility, the figure
//! a junior is sized to (methodology section 7), not CFADS over its own debt service.

use boxflow_amortize::halfway_check_of_path;
use boxflow_core::Money;
use boxflow_model::Rank;
use boxflow_waterfall::{FacilityPlan, Run};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use serde_json::{json, Value};

use crate::json::{money, ratio};
use boxflow_core::format::{dscr, money as thousands};

/// The close schedule's repayment checked at period `at`.
fn schedule_check(f: &FacilityPlan, at: usize) -> boxflow_amortize::HalfwayCheck {
    let path = f.schedule.rows.iter().map(|r| (r.closing, r.draws));
    halfway_check_of_path(f.schedule.closing_draws, path, at)
}

/// The combined DSCR of period `k` in the close schedules: CFADS over the scheduled
/// debt service of every facility; `None` when that is 0.
///
/// Two facilities: CFADS 130.00, senior debt service 80.00, junior 20.00 give
/// 130 / (80 + 20) = 1.3.
pub fn schedule_dscr_total(run: &Run, k: usize) -> Option<rust_decimal::Decimal> {
    fn row(f: &FacilityPlan, k: usize) -> Option<&boxflow_amortize::ScheduleRow> {
        f.schedule.rows.iter().find(|r| r.period == k)
    }
    let cfads = run.plan.facilities.iter().find_map(|f| row(f, k))?.cfads;
    let due: Money = run
        .plan
        .facilities
        .iter()
        .filter_map(|f| row(f, k))
        .map(|r| r.debt_service())
        .sum();
    if due.is_zero() {
        return None;
    }
    cfads.amount().checked_div(due.amount())
}

/// Sizing as JSON: one object per facility, with its schedule.
pub fn sizing_json(run: &Run) -> Value {
    let facilities: Vec<Value> = run
        .plan
        .facilities
        .iter()
        .map(|f| {
            let check = schedule_check(f, run.plan.halfway_period);
            let own = schedule_check(f, f.deadline);
            let senior = f.rank == Rank::Senior;
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
                "halfway_covenant": senior.then_some(if check.passes { "pass" } else { "fail" }),
                "balance_at_deadline": money(own.balance_at_halfway),
                "deadline": if own.passes { "pass" } else { "fail" },
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
                    "dscr_total": ratio(schedule_dscr_total(run, r.period)),
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
    let tranches = run.plan.facilities.len() > 1;
    for f in &run.plan.facilities {
        let check = schedule_check(f, run.plan.halfway_period);
        let own = schedule_check(f, f.deadline);
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
        if f.rank == Rank::Senior && f.deadline == check.halfway_period {
            out += &format!(
                "halfway check: period {}, balance {}, repaid in period {}: {}\n",
                check.halfway_period,
                thousands(check.balance_at_halfway),
                check
                    .repaid_period
                    .map_or("-".to_string(), |k| k.to_string()),
                if check.passes { "pass" } else { "FAIL" },
            );
        } else {
            out += &format!(
                "deadline check: period {}, balance {}, repaid in period {}: {}\n",
                f.deadline,
                thousands(own.balance_at_halfway),
                own.repaid_period.map_or("-".to_string(), |k| k.to_string()),
                if own.passes { "pass" } else { "FAIL" },
            );
            if f.rank == Rank::Senior {
                out += &format!(
                    "halfway check: period {}, balance {}: {}\n",
                    check.halfway_period,
                    thousands(check.balance_at_halfway),
                    if check.passes { "pass" } else { "FAIL" },
                );
            }
        }
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
        let own_dscr = if f.rank == Rank::Senior {
            "DSCR senior"
        } else {
            "DSCR junior only"
        };
        let mut header = vec![
            "k",
            "opening",
            "draws",
            "interest",
            "fee",
            "principal",
            "closing",
            "debt service",
            "CFADS",
        ];
        // A junior is sized to the combined DSCR: show it, not its own-debt ratio.
        match (tranches, f.rank) {
            (false, _) => header.push("DSCR"),
            (true, Rank::Senior) => header.extend([own_dscr, "DSCR all debt"]),
            (true, Rank::Junior) => header.push("DSCR all debt"),
        }
        let columns = header.len();
        t.set_header(header);
        for r in &f.schedule.rows {
            let mut row = vec![
                r.period.to_string(),
                thousands(r.opening),
                thousands(r.draws),
                thousands(r.interest),
                thousands(r.commitment_fee),
                thousands(r.principal),
                thousands(r.closing),
                thousands(r.debt_service()),
                thousands(r.cfads),
            ];
            let shown = dscr;
            match (tranches, f.rank) {
                (false, _) => row.push(shown(r.dscr())),
                (true, Rank::Senior) => {
                    row.push(shown(r.dscr()));
                    row.push(shown(schedule_dscr_total(run, r.period)));
                }
                (true, Rank::Junior) => row.push(shown(schedule_dscr_total(run, r.period))),
            }
            t.add_row(row);
        }
        for i in 1..columns {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        out += &t.to_string();
        out.push('\n');
    }
    out
}
