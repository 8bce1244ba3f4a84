//! Runs the stress fixture's scenarios and the three solvers, and prints what a risk
//! team reads: `cargo run --release -p boxflow-scenario --example stress [DEAL.toml]`.

use std::path::PathBuf;
use std::time::Instant;

use boxflow_scenario::{run_scenarios, solve, Base};

fn main() {
    let path = std::env::args().nth(1).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../fixtures/stress.toml"
            ))
        },
        PathBuf::from,
    );
    let deal = match boxflow_deal::read_file(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let base = Base::new(deal).expect("the deal runs");
    let started = Instant::now();
    for (name, outcome) in run_scenarios(&base, &base.deal.scenarios) {
        match outcome {
            Ok(o) => println!(
                "{name:<55} covenants {:<4} min DSCR {:>8} first event {:<22} lender loss {:>16} equity IRR {}",
                if o.covenants { "pass" } else { "fail" },
                o.min_dscr.map_or("-".into(), |d| d.round_dp(4).to_string()),
                o.first_event.map_or("-".into(), |e| format!("{}@{}", e.event, e.period)),
                o.lender_loss,
                o.equity_irr.map_or("-".into(), |r| r.round_dp(4).to_string()),
            ),
            Err(e) => println!("{name}: {e}"),
        }
    }
    println!("scenarios: {:?}", started.elapsed());
    let t = Instant::now();
    let target = match base.deal.senior().map(|f| &f.commitment) {
        Some(boxflow_model::Commitment::Sized { max_gearing, .. }) => *max_gearing,
        _ => boxflow_core::Share::new(rust_decimal::Decimal::new(80, 2)),
    };
    let price = solve::min_price(&base.deal, target).expect("solves");
    println!(
        "min price {:?} checked {} ({} evaluations, {:?})",
        price.price,
        price.checked(),
        price.evaluations,
        t.elapsed()
    );
    let t = Instant::now();
    let default = solve::earliest_safe_default(&base, None).expect("solves");
    println!(
        "earliest safe default {:?} checked {} ({} evaluations, {:?})",
        default.period,
        default.checked(),
        default.evaluations,
        t.elapsed()
    );
    let t = Instant::now();
    let rate = solve::max_rate_shock(&base).expect("solves");
    println!(
        "max rate shock {:?} bps unbounded {} checked {} ({} evaluations, {:?})",
        rate.bps,
        rate.unbounded,
        rate.checked(),
        rate.evaluations,
        t.elapsed()
    );
    let grid = boxflow_scenario::Grid::parse("price=1.60..2.60:0.10,default=6..60:6").unwrap();
    let t = Instant::now();
    let rows = boxflow_scenario::run_grid(&base, &grid, true, &|| {});
    let failing = rows
        .iter()
        .filter(|r| r.outcome.as_ref().is_ok_and(|o| !o.covenants))
        .count();
    println!(
        "grid of {} points: {failing} fail a covenant ({:?})",
        rows.len(),
        t.elapsed()
    );
}
