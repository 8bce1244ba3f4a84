//! Portfolios (stub).
