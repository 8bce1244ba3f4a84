//! The test kit's deals for the waterfall's tests (`boxflow-testkit`).
#![allow(unused_imports)]

pub use boxflow_testkit::deals::*;
pub use boxflow_testkit::generate;
