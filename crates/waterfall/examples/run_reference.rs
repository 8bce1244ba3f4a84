//! Runs the reference deal's sized plan many times: a steady load to profile the period
//! loop (`perf record -g`, `perf stat`).
//!
//! ```text
//! cargo run --release -p boxflow-waterfall --example run_reference -- 10000
//! cargo run --release -p boxflow-waterfall --example run_reference -- 10000 verify
//! ```
//!
//! With `verify`, each run is also checked (`Run::verify`, as a stress grid's point is)
//! and dropped inside the loop.

use boxflow_waterfall::{run_plan, Plan};

const REFERENCE: &str = include_str!("../../../fixtures/reference.toml");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let times: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 10_000,
    };
    let verify = std::env::args().nth(2).as_deref() == Some("verify");
    let deal = boxflow_deal::parse(REFERENCE, "reference.toml").map_err(|e| format!("{e:?}"))?;
    let plan = Plan::new(&deal)?;
    let mut distributions = boxflow_core::Money::ZERO;
    for _ in 0..times {
        let run = run_plan(&deal, plan.clone())?;
        distributions += run.periods.iter().map(|p| p.distribution).sum();
        if verify {
            let violations = run.verify();
            if !violations.is_empty() {
                return Err(format!("{violations:?}").into());
            }
        }
    }
    println!("{times} runs, distributions {distributions}");
    Ok(())
}
