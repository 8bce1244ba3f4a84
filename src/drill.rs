//! `boxflow run --scenario SPEC [--vs base]`: one scenario run in full against the debt
//! sized at close, as `boxflow stress` runs it, and its summary side by side with the
//! base case (docs/scenarios.md, "Drilling into one scenario").

use boxflow::core::Money;
use boxflow::model::{Scenario, ValidDeal};
use boxflow::report::format::{self, money as thousands};
use boxflow::report::json::{money, ratio};
use boxflow::report::table::{right, styled};
use boxflow::scenario::{parse_scenario, Base, Metric, MetricKind, MetricValue, Outcome};
use boxflow::waterfall::Run;
use comfy_table::Cell;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::stress::{metric_json, outcome_json};

/// What `--vs` compares the scenario with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Versus {
    /// The base case: the deal as written.
    Base,
}

/// A scenario run in full: the base case it shocks, the scenario, the stressed deal
/// (for the verdicts) and the run.
pub struct Drill {
    /// The base case, sized at close.
    pub base: Base,
    /// The scenario as read.
    pub scenario: Scenario,
    /// The deal with the scenario's shocks.
    pub deal: ValidDeal,
    /// The scenario's run, its invariants checked.
    pub run: Run,
}

/// The scenario of `spec`: a `[[scenario]]` of the sheet by its exact name, or a
/// one-line spec as `stress --scenario` reads it, checked against the deal.
pub fn scenario(deal: &ValidDeal, spec: &str) -> Result<Scenario, String> {
    if let Some(s) = deal.scenarios.iter().find(|s| s.name == spec.trim()) {
        return Ok(s.clone());
    }
    let s = parse_scenario(spec).map_err(|e| {
        let names = if deal.scenarios.is_empty() {
            String::new()
        } else {
            format!(
                " (nor the name of a [[scenario]] of the sheet: {})",
                deal.scenarios
                    .iter()
                    .map(|s| format!("`{}`", s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!("--scenario `{spec}`: {e}{names}")
    })?;
    if let Some(i) = boxflow::model::validate_scenario(deal, &s).first() {
        return Err(format!("--scenario `{spec}`: {} ({})", i.message, i.help));
    }
    Ok(s)
}

/// Runs the scenario of `spec` against the debt sized at close (`Base::run_scenario`,
/// as `boxflow stress` does), its invariants checked.
pub fn drill(deal: ValidDeal, spec: &str) -> Result<Drill, String> {
    let scenario = scenario(&deal, spec)?;
    let name = deal.name.clone();
    let base = Base::new(deal).map_err(|e| format!("cannot run `{name}`: {e}"))?;
    let stressed = base
        .stress(&scenario)
        .map_err(|e| format!("cannot run scenario `{}`: {e}", scenario.name))?;
    let deal = stressed.deal.clone();
    let run = stressed
        .run()
        .map_err(|e| format!("cannot run scenario `{}`: {e}", scenario.name))?;
    verified(&run)?;
    Ok(Drill {
        base,
        scenario,
        deal,
        run,
    })
}

fn verified(run: &Run) -> Result<(), String> {
    let violations = run.verify();
    match violations.first() {
        Some(v) => Err(format!(
            "internal error: an invariant of the run does not hold ({} in all): {v}",
            violations.len()
        )),
        None => Ok(()),
    }
}

/// The title of a scenario's run: the deal, which scenario, against which debt.
pub fn title(deal: &str, s: &Scenario) -> String {
    format!(
        "{deal}\nscenario `{}`, against the debt sized at close (not re-sized)",
        s.name
    )
}

/// The scenario as JSON, the `"scenario"` key of `run --scenario --format json`: its
/// name, the debt it runs against and its shocks as the model holds them.
pub fn scenario_json(s: &Scenario) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        m.insert("against".into(), json!("the debt sized at close"));
    }
    v
}

/// The base case's and the scenario's outcomes.
fn outcomes(d: &Drill) -> Result<(Outcome, Outcome), String> {
    let base_run = d
        .base
        .run()
        .map_err(|e| format!("cannot run `{}`: {e}", d.base.deal.name))?;
    verified(&base_run)?;
    Ok((
        d.base.outcome("base case", &base_run, true),
        d.base.outcome(d.scenario.name.clone(), &d.run, true),
    ))
}

/// `scenario - base` of a metric as a number: `None` when either is undefined, a
/// verdict, or a DSCR below 0 (not meaningful as a cover, so neither is its change).
fn delta(m: Metric, base: &Outcome, scenario: &Outcome) -> Option<Decimal> {
    if m.kind() == MetricKind::Verdict {
        return None;
    }
    let (b, s) = (m.of(base).number()?, m.of(scenario).number()?);
    if m.kind() == MetricKind::Dscr && (b.is_sign_negative() || s.is_sign_negative()) {
        return None;
    }
    s.checked_sub(b)
}

/// A delta for people: signed, in the metric's format (a rate in percentage points).
fn show_delta(m: Metric, base: &Outcome, scenario: &Outcome) -> String {
    if m.kind() == MetricKind::Verdict {
        return if m.of(base) == m.of(scenario) {
            "same".into()
        } else {
            "changed".into()
        };
    }
    let Some(x) = delta(m, base, scenario) else {
        return format::UNDEFINED.into();
    };
    let sign = if x.is_sign_negative() && !x.is_zero() {
        "-"
    } else {
        "+"
    };
    let x = x.abs();
    let text = match m.kind() {
        MetricKind::Dscr => format::dscr(Some(x)),
        MetricKind::Rate => format::percent(Some(x)).replace('%', " pp"),
        MetricKind::Money => thousands(Money::round2(x)),
        _ => x.normalize().to_string(),
    };
    format!("{sign}{text}")
}

/// A delta as JSON: a verdict `true` when it changed; a ratio or rate a string with
/// ten decimals; money a string to the cent; a count or period a number; `null` when
/// undefined.
fn delta_json(m: Metric, base: &Outcome, scenario: &Outcome) -> Value {
    match (m.kind(), m.of(base)) {
        (MetricKind::Verdict, b) => Value::Bool(b != m.of(scenario)),
        (_, MetricValue::Money(_)) => {
            delta(m, base, scenario).map_or(Value::Null, |x| money(Money::round2(x)))
        }
        (MetricKind::Dscr | MetricKind::Rate, _) => ratio(delta(m, base, scenario)),
        _ => delta(m, base, scenario).map_or(Value::Null, |x| {
            json!(i64::try_from(x.trunc().mantissa()).unwrap_or_default())
        }),
    }
}

fn event_text(e: Option<&boxflow::scenario::FirstEvent>) -> String {
    e.map_or(format::UNDEFINED.into(), |e| {
        format!("{} in period {}", e.event, e.period)
    })
}

/// `run --scenario SPEC --vs base` as a terminal table: every metric of the base case
/// and the scenario, and the change.
pub fn versus_table(d: &Drill) -> Result<String, String> {
    let (base, scenario) = outcomes(d)?;
    let mut t = styled(false);
    t.set_header(vec!["metric", "base case", "scenario", "change"]);
    for m in Metric::ALL {
        t.add_row(vec![
            Cell::new(m.name()),
            right(m.show(&base)),
            right(m.show(&scenario)),
            right(show_delta(m, &base, &scenario)),
        ]);
    }
    t.add_row(vec![
        Cell::new("first_event"),
        right(event_text(base.first_event.as_ref())),
        right(event_text(scenario.first_event.as_ref())),
        right(""),
    ]);
    t.add_row(vec![
        Cell::new("first_new_event"),
        right(format::UNDEFINED),
        right(event_text(scenario.first_new_event.as_ref())),
        right(""),
    ]);
    Ok(format!(
        "{}\n{t}\nchange: scenario minus base case (a rate in percentage points, pp); \
         a negative DSCR has no meaningful change (-)\n",
        title(&d.base.deal.name, &d.scenario)
    ))
}

/// `run --scenario SPEC --vs base --format json`: `{deal, scenario, base,
/// scenario_outcome, delta}`, each outcome keyed as a `stress` row.
pub fn versus_json(d: &Drill) -> Result<Value, String> {
    let (base, scenario) = outcomes(d)?;
    let mut deltas = Map::new();
    for m in Metric::ALL {
        deltas.insert(m.name().into(), delta_json(m, &base, &scenario));
    }
    Ok(json!({
        "deal": d.base.deal.name,
        "scenario": scenario_json(&d.scenario),
        "base": outcome_json(&base),
        "scenario_outcome": outcome_json(&scenario),
        "delta": Value::Object(deltas),
    }))
}

/// `run --scenario SPEC --vs base --format csv`: one row per metric, `metric, base,
/// scenario, delta`, values as in the JSON.
pub fn versus_csv(d: &Drill) -> Result<String, String> {
    let (base, scenario) = outcomes(d)?;
    let text = |v: Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| e.to_string();
    w.write_record(["metric", "base", "scenario", "delta"])
        .map_err(fail)?;
    for m in Metric::ALL {
        w.write_record([
            m.name().to_string(),
            text(metric_json(m, &base)),
            text(metric_json(m, &scenario)),
            text(delta_json(m, &base, &scenario)),
        ])
        .map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
