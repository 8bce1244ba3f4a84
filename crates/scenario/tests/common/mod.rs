//! Deals for the scenario tests: the waterfall's three-period hand-worked deal and
//! the bundled fixtures.
#![allow(dead_code)]

// The test kit's deals and helpers (boxflow-testkit), shared rather than copied.
use boxflow_testkit::deals as shared;
pub use boxflow_testkit::deals::*;

use boxflow_core::Rate;
use boxflow_model::*;

/// A bundled fixture, read as a user would.
pub fn fixture(name: &str) -> ValidDeal {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    boxflow_deal::read_file(std::path::Path::new(&path)).unwrap()
}

/// The waterfall's three-period hand-worked deal with expenses of 1,000.00 a month:
/// invoices 7,440.00; 6,720.00; 7,440.00, a 6,000.00 loan at 12% repaid 2,000.00 a month.
pub fn tiny() -> Deal {
    shared::tiny("1000")
}

/// The tiny deal with its loan at `index + margin` (floor `floor`): the index 8%
/// from before close, the margin 4%, so 12% as in [`tiny`] without a shock.
pub fn tiny_floating(floor: &str) -> Deal {
    let mut deal = tiny();
    deal.facilities[0].rate = RateSpec::Floating {
        index: "SOFR".into(),
        margin: Rate::new(d("0.04")),
        floor: Rate::new(d(floor)),
    };
    deal.curves.insert(
        "SOFR".into(),
        Curve {
            points: vec![(date("2025-12-01"), Rate::new(d("0.08")))],
        },
    );
    deal
}
