//! The 1,000 generated boxes of the `portfolio_1000` bench, shared by the bench and by
//! `examples/portfolio_1000.rs` (a fixed number of iterations, for `perf stat` and
//! `perf record`).

use boxflow::core::Quantity;
use boxflow::deal::ValidDeal;
use rust_decimal::Decimal;

/// 1,000 boxes: the portfolio fixtures in turn, each at a price from 90% to 110% of
/// its own, for one of 50 customers.
pub fn generated_boxes() -> Vec<(String, ValidDeal)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/portfolio");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/portfolio")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let deals: Vec<ValidDeal> = paths
        .iter()
        .map(|p| boxflow::deal::read_file(p).expect("a portfolio box"))
        .collect();
    (0..1000)
        .map(|i| {
            let mut deal = deals[i % deals.len()].clone().into_deal();
            let factor = Decimal::new(90 + (i % 21) as i64, 2);
            for line in &mut deal.contract.capacity {
                line.price_per_gpu_hour = Quantity::new(line.price_per_gpu_hour.value() * factor);
            }
            deal.name = format!("Box {i}");
            deal.contract.customer = format!("Customer {}", i % 50);
            (
                format!("box-{i}.toml"),
                deal.validate().expect("a valid box"),
            )
        })
        .collect()
}
