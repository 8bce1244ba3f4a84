//! Reads deal sheets and prints, for each, a one-line summary or its errors.
//!
//! ```text
//! cargo run -p boxflow-deal --example check -- fixtures/reference.toml
//! ```

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut failed = false;
    for arg in std::env::args().skip(1) {
        match boxflow_deal::read_file(Path::new(&arg)) {
            Ok(deal) => println!(
                "{arg}: ok: {} ({}), close {}, {} months {}, {} facilities",
                deal.name,
                deal.currency,
                deal.close,
                deal.contract.term_months,
                deal.frequency.as_str(),
                deal.facilities.len()
            ),
            Err(errors) => {
                failed = true;
                for e in &errors.errors {
                    println!("{}:{}:{}: {}", errors.file, e.line, e.column, e.message);
                    if let Some(help) = &e.help {
                        println!("    help: {help}");
                    }
                }
                println!("{errors}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
