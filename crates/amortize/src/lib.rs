//! Amortization schedules, debt sizing and finance metrics.

pub mod metrics;
