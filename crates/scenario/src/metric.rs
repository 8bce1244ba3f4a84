//! The figures of an outcome by name: the one table of metric names that
//! `stress --format matrix --metric`, `report --grid --metric` and a property's
//! `expect` read. Each name is also the key of that figure in the stress row's JSON
//! and CSV (docs/output.md lists them).

use std::fmt;

use boxflow_core::format;
use boxflow_core::Money;
use rust_decimal::Decimal;

use crate::Outcome;

/// A figure of an [`Outcome`], named as in the stress row's JSON.
///
/// ```
/// use boxflow_scenario::Metric;
///
/// let m: Metric = "min_dscr".parse().unwrap();
/// assert_eq!(m, Metric::MinDscr);
/// assert_eq!(m.name(), "min_dscr");
/// let err = "min_dcsr".parse::<Metric>().unwrap_err();
/// assert!(err.to_string().contains("did you mean `min_dscr`?"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// Every covenant passes (pass or fail).
    Covenants,
    /// The senior balance at the halfway period is 0 (pass or fail).
    HalfwayCovenant,
    /// The lowest senior DSCR.
    MinDscr,
    /// The first period at the lowest senior DSCR.
    MinDscrPeriod,
    /// The lowest combined DSCR (senior and junior debt service).
    MinDscrTotal,
    /// The number of payment defaults.
    PaymentDefaults,
    /// Principal and interest of every facility unpaid at the end of the run.
    LenderLoss,
    /// The senior facility's part of the lender loss.
    SeniorLoss,
    /// The sponsor's XIRR.
    EquityIrr,
    /// The senior lender's XIRR.
    SeniorLenderIrr,
    /// The first period with no senior balance and no later draws.
    SeniorRepaidPeriod,
    /// Σ distributions to the sponsor.
    TotalDistributions,
}

/// What kind of figure a metric is, which says how it is compared and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    /// Pass or fail.
    Verdict,
    /// A DSCR (shown `1.2951x`; `n.m.` when negative).
    Dscr,
    /// A rate of return (shown as a percent).
    Rate,
    /// An amount of money, to the cent.
    Money,
    /// A count.
    Count,
    /// A period number (1 is the first period after close).
    Period,
}

/// The value of a metric for one outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricValue {
    /// Pass (`true`) or fail.
    Verdict(bool),
    /// A ratio or rate; `None` when undefined (no debt service, no IRR root).
    Number(Option<Decimal>),
    /// Money.
    Money(Money),
    /// A count.
    Count(usize),
    /// A period; `None` when there is none (never repaid, no DSCR).
    Period(Option<usize>),
}

impl Metric {
    /// Every metric, in the order of the stress row.
    pub const ALL: [Metric; 12] = [
        Metric::Covenants,
        Metric::HalfwayCovenant,
        Metric::MinDscr,
        Metric::MinDscrPeriod,
        Metric::MinDscrTotal,
        Metric::PaymentDefaults,
        Metric::LenderLoss,
        Metric::SeniorLoss,
        Metric::EquityIrr,
        Metric::SeniorLenderIrr,
        Metric::SeniorRepaidPeriod,
        Metric::TotalDistributions,
    ];

    /// Its name: the key of the figure in the stress row's JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Covenants => "covenants",
            Metric::HalfwayCovenant => "halfway_covenant",
            Metric::MinDscr => "min_dscr",
            Metric::MinDscrPeriod => "min_dscr_period",
            Metric::MinDscrTotal => "min_dscr_total",
            Metric::PaymentDefaults => "payment_defaults",
            Metric::LenderLoss => "lender_loss",
            Metric::SeniorLoss => "senior_loss",
            Metric::EquityIrr => "equity_irr",
            Metric::SeniorLenderIrr => "senior_lender_irr",
            Metric::SeniorRepaidPeriod => "senior_repaid_period",
            Metric::TotalDistributions => "total_distributions",
        }
    }

    /// What it is, in words, for `--help`, docs and table headers.
    pub fn describe(self) -> &'static str {
        match self {
            Metric::Covenants => {
                "every covenant passes (halfway, no payment or DSCR default, no LTV breach)"
            }
            Metric::HalfwayCovenant => "the senior balance is 0 at the halfway period",
            Metric::MinDscr => "the lowest senior DSCR",
            Metric::MinDscrPeriod => "the first period at the lowest senior DSCR",
            Metric::MinDscrTotal => "the lowest combined DSCR (senior and junior debt service)",
            Metric::PaymentDefaults => {
                "the number of payment defaults (senior interest or principal unpaid)"
            }
            Metric::LenderLoss => "principal and interest of every facility unpaid at the end",
            Metric::SeniorLoss => "the senior facility's part of the lender loss",
            Metric::EquityIrr => "the sponsor's XIRR",
            Metric::SeniorLenderIrr => "the senior lender's XIRR",
            Metric::SeniorRepaidPeriod => {
                "the first period with no senior balance and no later draws"
            }
            Metric::TotalDistributions => "the sum of distributions to the sponsor",
        }
    }

    /// Its kind.
    pub fn kind(self) -> MetricKind {
        match self {
            Metric::Covenants | Metric::HalfwayCovenant => MetricKind::Verdict,
            Metric::MinDscr | Metric::MinDscrTotal => MetricKind::Dscr,
            Metric::EquityIrr | Metric::SeniorLenderIrr => MetricKind::Rate,
            Metric::LenderLoss | Metric::SeniorLoss | Metric::TotalDistributions => {
                MetricKind::Money
            }
            Metric::PaymentDefaults => MetricKind::Count,
            Metric::MinDscrPeriod | Metric::SeniorRepaidPeriod => MetricKind::Period,
        }
    }

    /// Its value for an outcome.
    pub fn of(self, o: &Outcome) -> MetricValue {
        match self {
            Metric::Covenants => MetricValue::Verdict(o.covenants),
            Metric::HalfwayCovenant => MetricValue::Verdict(o.halfway_covenant),
            Metric::MinDscr => MetricValue::Number(o.min_dscr),
            Metric::MinDscrPeriod => MetricValue::Period(o.min_dscr_period),
            Metric::MinDscrTotal => MetricValue::Number(o.min_dscr_total),
            Metric::PaymentDefaults => MetricValue::Count(o.payment_defaults),
            Metric::LenderLoss => MetricValue::Money(o.lender_loss),
            Metric::SeniorLoss => MetricValue::Money(o.senior_loss),
            Metric::EquityIrr => MetricValue::Number(o.equity_irr),
            Metric::SeniorLenderIrr => MetricValue::Number(o.senior_lender_irr),
            Metric::SeniorRepaidPeriod => MetricValue::Period(o.senior_repaid_period),
            Metric::TotalDistributions => MetricValue::Money(o.total_distributions),
        }
    }

    /// Its value for an outcome as text for people, in the one format of its kind
    /// ([`boxflow_core::format`]): `pass`/`fail`, `1.2951x`, `12.35%`, `1,234.56`.
    pub fn show(self, o: &Outcome) -> String {
        match (self.kind(), self.of(o)) {
            (_, MetricValue::Verdict(true)) => "pass".into(),
            (_, MetricValue::Verdict(false)) => "fail".into(),
            (MetricKind::Dscr, MetricValue::Number(x)) => format::dscr(x),
            (_, MetricValue::Number(x)) => format::percent(x),
            (_, MetricValue::Money(m)) => format::money(m),
            (_, MetricValue::Count(n)) => n.to_string(),
            (_, MetricValue::Period(p)) => p.map_or(format::UNDEFINED.into(), |p| p.to_string()),
        }
    }
}

impl MetricValue {
    /// The value as a number, for comparisons: a verdict is 1 (pass) or 0 (fail),
    /// money is in currency units to the cent; `None` when undefined.
    ///
    /// ```
    /// use boxflow_scenario::MetricValue;
    /// use boxflow_core::{Decimal, Money};
    /// assert_eq!(MetricValue::Verdict(true).number(), Some(Decimal::ONE));
    /// assert_eq!(MetricValue::Money(Money::from_cents(150)).number(), Some(Decimal::new(150, 2)));
    /// assert_eq!(MetricValue::Period(None).number(), None);
    /// ```
    pub fn number(self) -> Option<Decimal> {
        match self {
            MetricValue::Verdict(v) => Some(Decimal::from(u8::from(v))),
            MetricValue::Number(x) => x,
            MetricValue::Money(m) => Some(m.amount()),
            MetricValue::Count(n) => Some(Decimal::from(n)),
            MetricValue::Period(p) => p.map(Decimal::from),
        }
    }
}

/// A name that is not a metric.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a metric{}; the metrics are: {}", .suggestion.map_or(String::new(), |s| format!(" (did you mean `{s}`?)")), names())]
pub struct UnknownMetric {
    /// The name given.
    pub name: String,
    /// The nearest metric name, when one is close.
    pub suggestion: Option<&'static str>,
}

fn names() -> String {
    Metric::ALL.map(Metric::name).join(", ")
}

impl std::str::FromStr for Metric {
    type Err = UnknownMetric;

    fn from_str(name: &str) -> Result<Metric, UnknownMetric> {
        let name = name.trim();
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| UnknownMetric {
                name: boxflow_model::shorten(name).into_owned(),
                suggestion: boxflow_model::did_you_mean(name, &Metric::ALL.map(Metric::name)),
            })
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_metric_and_names_are_unique() {
        for m in Metric::ALL {
            assert_eq!(m.name().parse::<Metric>(), Ok(m));
        }
        let mut names: Vec<_> = Metric::ALL.map(Metric::name).to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
    }

    #[test]
    fn an_unknown_name_lists_the_names() {
        let e = "lender_los".parse::<Metric>().unwrap_err();
        assert_eq!(e.suggestion, Some("lender_loss"));
        assert!(e
            .to_string()
            .contains("covenants, halfway_covenant, min_dscr"));
        assert_eq!("irr".parse::<Metric>().unwrap_err().suggestion, None);
    }
}
