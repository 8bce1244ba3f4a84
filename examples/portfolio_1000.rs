//! The work of the `portfolio_1000` bench (1,000 generated boxes run with `run_boxes`
//! and consolidated) a fixed number of times: a steady load for `perf stat -e
//! instructions` and `perf record -g` (docs/performance.md).
//!
//! ```text
//! cargo build --release --example portfolio_1000
//! perf stat -e instructions target/release/examples/portfolio_1000 20
//! ```

#[path = "../benches/support/portfolio.rs"]
mod portfolio;

use boxflow::scenario::portfolio::{consolidate, run_boxes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let times: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 20,
    };
    let boxes = portfolio::generated_boxes();
    let mut commitments = boxflow::core::Money::ZERO;
    for _ in 0..times {
        let mut entries = Vec::with_capacity(boxes.len());
        for result in run_boxes(boxes.clone()) {
            entries.push(result.map_err(|(source, e)| format!("{source}: {e}"))?);
        }
        let p = consolidate(&entries)?;
        commitments += p.boxes.iter().map(|b| b.commitments).sum();
    }
    println!("{times} portfolios of 1,000 boxes, commitments {commitments}");
    Ok(())
}
