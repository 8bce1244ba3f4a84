//! The covenant predicates a risk team writes on one line, `"min_dscr >= 1.05"`: a
//! metric of the one table ([`Metric`]), a comparison and a value. docs/risk.md
//! describes the language:
//!
//! - `METRIC OP VALUE`, with `OP` one of `==`, `!=`, `<`, `<=`, `>`, `>=`;
//! - a pass-or-fail metric (`covenants`, `halfway_covenant`) takes `pass` or `fail`
//!   and only `==` or `!=`;
//! - every other metric takes a plain decimal in the unit of its JSON key: a DSCR as a
//!   multiple (`1.05`), a rate as a fraction (`0.08` is 8%), money in currency units
//!   (`0`, `1500000.50`), a count or a period as a whole number;
//! - an undefined value (no senior debt service for `min_dscr`, no IRR root, never
//!   repaid) satisfies no comparison but `!=`: a lender does not count a figure it
//!   cannot compute as a pass.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use boxflow_core::Decimal;

use crate::{Metric, MetricKind, Outcome, UnknownMetric};

/// A comparison of [`Expectation`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparison {
    /// Every comparison, the two-character ones first (the order a parser tries them).
    pub const ALL: [Comparison; 6] = [
        Comparison::Eq,
        Comparison::Ne,
        Comparison::Le,
        Comparison::Ge,
        Comparison::Lt,
        Comparison::Gt,
    ];

    /// As written: `>=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Eq => "==",
            Comparison::Ne => "!=",
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Gt => ">",
            Comparison::Ge => ">=",
        }
    }

    /// True when `a OP b` for `a.cmp(b) == ordering`.
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Comparison::Eq => ordering == Ordering::Equal,
            Comparison::Ne => ordering != Ordering::Equal,
            Comparison::Lt => ordering == Ordering::Less,
            Comparison::Le => ordering != Ordering::Greater,
            Comparison::Gt => ordering == Ordering::Greater,
            Comparison::Ge => ordering != Ordering::Less,
        }
    }
}

/// One covenant predicate: `metric OP value`.
///
/// ```
/// use boxflow_scenario::{Expectation, Metric};
///
/// let e: Expectation = "min_dscr >= 1.05".parse().unwrap();
/// assert_eq!(e.metric, Metric::MinDscr);
/// assert_eq!(e.to_string(), "min_dscr >= 1.05");
/// let e: Expectation = "halfway_covenant == pass".parse().unwrap();
/// assert_eq!(e.to_string(), "halfway_covenant == pass");
/// let err = "min_dcsr >= 1.05".parse::<Expectation>().unwrap_err();
/// assert!(err.to_string().contains("did you mean `min_dscr`?"));
/// let err = "lender_loss == pass".parse::<Expectation>().unwrap_err();
/// assert!(err.to_string().contains("lender_loss is money"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// The metric compared.
    pub metric: Metric,
    /// The comparison.
    pub comparison: Comparison,
    /// The value compared with, as a number ([`crate::MetricValue::number`]: a verdict
    /// is 1 for pass, 0 for fail).
    pub value: Decimal,
}

/// What is wrong with an expectation, and what would fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExpectError {
    /// No comparison operator.
    #[error("`{text}` has no comparison; write METRIC OP VALUE with OP one of ==, !=, <, <=, >, >= (e.g. \"min_dscr >= 1.05\")")]
    NoComparison {
        /// The expectation as written (shortened).
        text: String,
    },
    /// The left side is not a metric.
    #[error(transparent)]
    UnknownMetric(#[from] UnknownMetric),
    /// The right side is not a value of the metric's kind.
    #[error("`{value}` is not a value for {metric}: {help}")]
    BadValue {
        /// The metric.
        metric: Metric,
        /// The value as written (shortened).
        value: String,
        /// What it takes.
        help: String,
    },
    /// An ordering comparison of a pass-or-fail metric.
    #[error("{metric} is pass or fail: compare it with == or != (e.g. \"{metric} == pass\"), not {symbol}")]
    OrderedVerdict {
        /// The metric.
        metric: Metric,
        /// The comparison written.
        symbol: &'static str,
    },
}

impl FromStr for Expectation {
    type Err = ExpectError;

    fn from_str(text: &str) -> Result<Expectation, ExpectError> {
        let found = Comparison::ALL
            .iter()
            .filter_map(|c| text.find(c.symbol()).map(|at| (at, *c)))
            .min_by_key(|(at, c)| (*at, std::cmp::Reverse(c.symbol().len())));
        let Some((at, comparison)) = found else {
            return Err(ExpectError::NoComparison {
                text: boxflow_model::shorten(text).into_owned(),
            });
        };
        let metric: Metric = text[..at].parse()?;
        let right = text[at + comparison.symbol().len()..].trim();
        let bad = |help: &str| ExpectError::BadValue {
            metric,
            value: boxflow_model::shorten(right).into_owned(),
            help: help.to_string(),
        };
        let value = match metric.kind() {
            MetricKind::Verdict => {
                if !matches!(comparison, Comparison::Eq | Comparison::Ne) {
                    return Err(ExpectError::OrderedVerdict {
                        metric,
                        symbol: comparison.symbol(),
                    });
                }
                match right {
                    "pass" => Decimal::ONE,
                    "fail" => Decimal::ZERO,
                    _ => return Err(bad(&format!("{metric} is pass or fail"))),
                }
            }
            kind => {
                let help = match kind {
                    MetricKind::Dscr => format!("{metric} is a DSCR, a multiple such as 1.05"),
                    MetricKind::Rate => {
                        format!("{metric} is a rate, a fraction such as 0.08 for 8%")
                    }
                    MetricKind::Money => {
                        format!("{metric} is money, in currency units such as 0 or 1500000.50")
                    }
                    _ => format!("{metric} is a whole number such as 0"),
                };
                let x = Decimal::from_str_exact(right).map_err(|_| bad(&help))?;
                let whole = matches!(kind, MetricKind::Count | MetricKind::Period);
                if whole && !x.fract().is_zero() {
                    return Err(bad(&help));
                }
                x
            }
        };
        Ok(Expectation {
            metric,
            comparison,
            value,
        })
    }
}

impl Expectation {
    /// True when the outcome satisfies it (an undefined value satisfies only `!=`).
    ///
    /// ```
    /// use boxflow_scenario::{Base, Expectation, Outcome};
    ///
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
    /// let base = Base::new(boxflow_deal::read_file(std::path::Path::new(path)).unwrap()).unwrap();
    /// let outcome = Outcome::of("base case", &base.run().unwrap(), false);
    /// let no_loss: Expectation = "lender_loss == 0".parse().unwrap();
    /// assert!(no_loss.holds(&outcome));
    /// ```
    pub fn holds(&self, outcome: &Outcome) -> bool {
        match self.metric.of(outcome).number() {
            Some(x) => self.comparison.holds(x.cmp(&self.value)),
            None => self.comparison == Comparison::Ne,
        }
    }
}

impl Expectation {
    /// The outcome's value of the metric for people: in the one format of its kind
    /// ([`Metric::show`]), followed by the exact value when the rounded figure would
    /// seem to give the other verdict (`1.0500x (exactly 1.04998...)` against
    /// `>= 1.05`): the comparison is on the exact value, and a rounded figure that
    /// seems to pass next to a failure would mislead. A rounded figure on the same side
    /// of the bound as the exact one (`0.9994x` against `>= 1.0`) stands alone.
    pub fn actual(&self, outcome: &Outcome) -> String {
        let shown = self.metric.show(outcome);
        match (self.metric.kind(), self.metric.of(outcome).number()) {
            (MetricKind::Dscr | MetricKind::Rate, Some(x))
                if self.comparison.holds(x.round_dp(4).cmp(&self.value))
                    != self.comparison.holds(x.cmp(&self.value)) =>
            {
                format!("{shown} (exactly {})", x.normalize())
            }
            _ => shown,
        }
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match self.metric.kind() {
            MetricKind::Verdict if self.value.is_zero() => "fail".to_string(),
            MetricKind::Verdict => "pass".to_string(),
            _ => self.value.to_string(),
        };
        write!(
            f,
            "{} {} {value}",
            self.metric.name(),
            self.comparison.symbol()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_operator_is_read_whole() {
        let e: Expectation = "min_dscr<=1.1".parse().unwrap();
        assert_eq!(e.comparison, Comparison::Le);
        assert_eq!(e.value, Decimal::new(11, 1));
        let e: Expectation = " payment_defaults != 0 ".parse().unwrap();
        assert_eq!(e.comparison, Comparison::Ne);
    }

    #[test]
    fn bad_expectations_say_what_would_fix_them() {
        let err = |s: &str| s.parse::<Expectation>().unwrap_err().to_string();
        assert!(err("min_dscr 1.05").contains("has no comparison"));
        assert!(err("covenants >= pass").contains("compare it with == or !="));
        assert!(err("payment_defaults == 0.5").contains("a whole number"));
        assert!(err("halfway_covenant == yes").contains("pass or fail"));
        assert!(err("equity_irr > 8%").contains("a fraction such as 0.08"));
        assert!(err("lender_los == 0").contains("did you mean `lender_loss`?"));
    }

    /// The exact value is printed only when the four-decimal figure would seem to give
    /// the other verdict. By hand: 1.04998 shows as 1.0500x, and 1.0500 >= 1.05 holds
    /// while 1.04998 >= 1.05 fails, so the exact value follows; 0.99942 shows as
    /// 0.9994x, below 1.0 either way, so it stands alone; 1.04998 <= 1.05 holds both
    /// ways, so it stands alone too.
    #[test]
    fn the_exact_value_is_shown_only_when_rounding_would_flip_the_verdict() {
        let deal = boxflow_model::Deal::example().validate().unwrap();
        let run = boxflow_waterfall::run(&deal).unwrap();
        let mut outcome = Outcome::of("x", &run, false);
        let actual =
            |text: &str, outcome: &Outcome| text.parse::<Expectation>().unwrap().actual(outcome);
        outcome.min_dscr = Some("1.04998".parse().unwrap());
        assert_eq!(
            actual("min_dscr >= 1.05", &outcome),
            "1.0500x (exactly 1.04998)"
        );
        assert_eq!(actual("min_dscr <= 1.05", &outcome), "1.0500x");
        outcome.min_dscr = Some("0.99942".parse().unwrap());
        assert_eq!(actual("min_dscr >= 1.0", &outcome), "0.9994x");
    }

    #[test]
    fn comparisons_follow_their_symbols() {
        use Ordering::*;
        let table = [
            (Comparison::Eq, [false, true, false]),
            (Comparison::Ne, [true, false, true]),
            (Comparison::Lt, [true, false, false]),
            (Comparison::Le, [true, true, false]),
            (Comparison::Gt, [false, false, true]),
            (Comparison::Ge, [false, true, true]),
        ];
        for (c, want) in table {
            assert_eq!([Less, Equal, Greater].map(|o| c.holds(o)), want, "{c:?}");
        }
    }
}
