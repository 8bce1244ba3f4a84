//! boxflow: box financing of GPU clusters, to the cent.
//!
//! A GPU cloud puts one customer contract, the GPU purchase orders that serve it and
//! the data-center agreement that houses them into a box. boxflow reads the box's deal
//! sheet, sizes its debt, runs its cash waterfall period by period and reports it. Data
//! flows one way, one crate each:
//!
//! | step | crate | re-exported as |
//! | --- | --- | --- |
//! | exact money, rates, the calendar | `boxflow-core` | [`core`] |
//! | the deal, builders, validation | `boxflow-model` | [`model`] |
//! | deal sheet (TOML) → valid deal, located errors | `boxflow-deal` | [`deal`] |
//! | schedules, sizing, the halfway check, IRR/NPV/WAL | `boxflow-amortize` | [`amortize`] |
//! | valid deal → [`waterfall::Run`] with every transfer | `boxflow-waterfall` | [`waterfall`] |
//! | stress scenarios, grids, solvers, portfolios | `boxflow-scenario` | [`scenario`] |
//! | tables, CSV, JSON, HTML, SVG, xlsx (feature `report`) | `boxflow-report` | `report` |
//!
//! A finance tool adds `boxflow` alone: with default features it pulls no command-line
//! crate (no clap, no terminal tables, no spreadsheet writer).
//!
//! The reference deal built in code (the bundled `fixtures/reference.toml`), sized and
//! run: its senior commitment is the worked example's, to the cent.
//!
//! ```
//! use boxflow::core::Frequency;
//! use boxflow::model::*;
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let d = |s: &str| s.parse::<Decimal>().unwrap();
//! let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! let close = date(2026, 1, 1);
//! let deal = Deal::builder("Box 7 - Hyperscaler A, H100 cluster", close, Frequency::Monthly)
//!     .contract(
//!         ContractBuilder::new("Hyperscaler A", 60)
//!             .prepayment(d("150000000"), d("0.20"))
//!             .capacity(CapacityBuilder::new(16384, d("2.20")).name("Phase 1"))
//!             .capacity(CapacityBuilder::new(8192, d("2.20")).name("Phase 2").online(date(2026, 3, 16))),
//!     )
//!     .purchase_order(PurchaseOrderBuilder::new(2048, d("310000"), 72).payment(close, d("1")).residual_share(d("0.20")))
//!     .purchase_order(
//!         PurchaseOrderBuilder::new(1024, d("310000"), 72)
//!             .payment(close, d("0.30"))
//!             .payment(date(2026, 3, 10), d("0.70"))
//!             .residual_share(d("0.20")),
//!     )
//!     .datacenter(
//!         DatacenterBuilder::new(d("35000"), d("140"), d("65"))
//!             .escalator(d("0.03")).pue(d("1.30")).load_factor(d("0.85")),
//!     )
//!     .expense(ExpenseBuilder::per_month(d("1200000")).name("Operations and maintenance").escalator(d("0.03")))
//!     .expense(ExpenseBuilder::per_month(d("350000")).name("Insurance"))
//!     .fee(FeeBuilder::per_year(d("300000")).name("Agent and trustee"))
//!     .facility(
//!         FacilityBuilder::sized("DDTL", RateSpec::floating("SOFR3M", d("0.04"), d("0")), d("1.30"), d("0.80"))
//!             .upfront_fee(d("0.015")).commitment_fee(d("0.005")),
//!     )
//!     .reserve(6)
//!     .covenants(
//!         CovenantsBuilder::new().min_dscr(d("1.10")).lockup_dscr(d("1.20")).max_ltv(d("0.85")),
//!     )
//!     .curve("SOFR3M", vec![
//!         (date(2026, 1, 1), d("0.0365")), (date(2026, 7, 1), d("0.0350")),
//!         (date(2027, 1, 1), d("0.0340")), (date(2028, 1, 1), d("0.0330")),
//!     ])
//!     .discount_rate(d("0.12"))
//!     .build()
//!     .unwrap();
//! let run = boxflow::waterfall::run(&deal).unwrap();
//! assert_eq!(run.summary.senior_commitment.to_string(), "518926087.20");
//! assert!(run.summary.halfway_covenant);
//! assert!(run.verify().is_empty());
//! ```
//!
//! Reading a deal sheet is one call, and a deal built in code gets the same errors
//! as a sheet, each naming its deal-sheet path:
//!
//! ```
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
//! let deal = boxflow::deal::read_file(std::path::Path::new(path)).unwrap();
//! let run = boxflow::waterfall::run(&deal).unwrap();
//! assert_eq!(run.summary.halfway_period, 30);
//!
//! let mut broken = deal.into_deal();
//! broken.purchase_orders[0].payments[0].share = boxflow::core::Share::new(rust_decimal::Decimal::new(5, 1));
//! let errors = broken.validate().unwrap_err();
//! assert_eq!(errors.invalid[0].path, "purchase_order[0].payments");
//! ```

pub use boxflow_amortize as amortize;
pub use boxflow_core as core;
pub use boxflow_deal as deal;
pub use boxflow_model as model;
#[cfg(feature = "report")]
pub use boxflow_report as report;
pub use boxflow_scenario as scenario;
pub use boxflow_waterfall as waterfall;
