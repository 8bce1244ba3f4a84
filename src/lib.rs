//! boxflow: box financing of GPU clusters, to the cent.
//!
//! A deal sheet (TOML) is read into a validated [`deal::Deal`]; its facilities are
//! sized and scheduled by [`amortize`]; [`waterfall::run`] runs the box period by
//! period into a [`waterfall::Run`] that keeps every transfer; [`report`] renders it.
//!
//! This crate re-exports the others, so a finance tool can depend on `boxflow` alone.
//!
//! A finance tool can build a [`deal::Deal`] in code, with no TOML, run it and read
//! figures from the [`waterfall::Run`] (`crates/waterfall/examples/deal_in_code.rs`
//! is a fuller program):
//!
//! ```
//! use boxflow::core::{DayCount, Frequency, Money, Quantity, Rate, Ratio, Share};
//! use boxflow::deal::*;
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let close = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let deal = Deal {
//!     name: "one quarter-million GPU-hours a month".into(),
//!     currency: "USD".into(),
//!     close,
//!     frequency: Frequency::Monthly,
//!     contract: Contract {
//!         customer: "AI lab".into(),
//!         term_months: 24,
//!         escalator: Rate::ZERO,
//!         prepayment: Money::ZERO,
//!         prepayment_credit_share: Share::ZERO,
//!         capacity: vec![CapacityLine {
//!             name: None,
//!             gpus: 1024,
//!             online: close,
//!             price_per_gpu_hour: Quantity::new(Decimal::new(250, 2)),
//!         }],
//!     },
//!     purchase_orders: vec![PurchaseOrder {
//!         item: None,
//!         units: 128,
//!         unit_cost: Quantity::new(Decimal::from(300_000)),
//!         payments: vec![CapexPayment { date: close, share: Share::ONE }],
//!         useful_life_months: 72,
//!         residual_share: Share::new(Decimal::new(2, 1)),
//!     }],
//!     datacenters: vec![],
//!     expenses: vec![Expense {
//!         name: Some("colocation, power and operations".into()),
//!         basis: ExpenseBasis::PerMonth(Quantity::new(Decimal::from(450_000))),
//!         escalator: Rate::ZERO,
//!         start: close,
//!         end: None,
//!     }],
//!     fees: vec![],
//!     facilities: vec![Facility {
//!         name: "DDTL".into(),
//!         rank: Rank::Senior,
//!         commitment: Commitment::Sized {
//!             dscr: Ratio::new(Decimal::new(130, 2)),
//!             max_gearing: Share::new(Decimal::new(80, 2)),
//!         },
//!         rate: RateSpec::Fixed(Rate::new(Decimal::new(590, 4))),
//!         day_count: DayCount::Act360,
//!         amortization: Amortization::Sculpted,
//!         interest_only_periods: 0,
//!         repay_by: RepayBy::Halfway,
//!         upfront_fee: Rate::ZERO,
//!         commitment_fee: Rate::ZERO,
//!         sweep: Share::ZERO,
//!     }],
//!     reserve: None,
//!     covenants: None,
//!     curves: Default::default(),
//!     analysis: None,
//!     scenarios: vec![],
//! };
//! assert!(boxflow::deal::validate(&deal).is_empty());
//! let run = boxflow::waterfall::run(&deal).unwrap();
//! assert!(run.verify().is_empty());
//! // Sized to a 1.30x DSCR and repaid by month 12 of 24.
//! assert_eq!(run.summary.halfway_period, 12);
//! assert!(run.summary.halfway_covenant);
//! assert_eq!(run.summary.min_dscr.map(|d| d.round_dp(2)), Some(Decimal::new(130, 2)));
//! // Collections of 1,024 GPUs x 2.50 x 24 h x 31 days in January.
//! assert_eq!(run.periods[0].operations.collections.to_string(), "1904640.00");
//! ```
//!
//! Reading a deal sheet is one call:
//!
//! ```
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/reference.toml");
//! let deal = boxflow::deal::read_file(std::path::Path::new(path)).unwrap();
//! let run = boxflow::waterfall::run(&deal).unwrap();
//! assert_eq!(run.summary.senior_commitment.to_string(), "518926087.20");
//! ```

pub use boxflow_amortize as amortize;
pub use boxflow_core as core;
pub use boxflow_deal as deal;
pub use boxflow_scenario as scenario;
pub use boxflow_waterfall as waterfall;

pub mod diagnostic;
pub mod output;
pub mod portfolio;
pub mod report;
pub mod stress;
