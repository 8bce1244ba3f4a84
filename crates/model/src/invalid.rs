//! What a broken rule of methodology section 1 says, and where.

use std::fmt;

/// What kind of rule an [`Invalid`] breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleKind {
    /// A value that is not acceptable on its own: a negative money amount, price or
    /// rate; a share outside [0, 1]; a count that is not a positive whole number;
    /// money with more than two decimals; a value above 1e15.
    InvalidValue,
    /// Values that are each acceptable but do not fit together or with the calendar:
    /// payment shares not summing to 1, a term that is not a multiple of the period
    /// length, an empty repayment window, a capex payment after a repayment deadline,
    /// commitments above total capex, both `amount` and `sizing`, and the like.
    Inconsistent,
    /// Two facilities with the same name or of the same rank; two scenarios with the
    /// same name.
    Duplicate,
    /// A name that refers to nothing in the deal: a facility's `rate.index` that
    /// names no curve.
    UnknownReference,
}

/// One broken rule found by [`crate::validate`], keyed by the deal-sheet path of the key
/// or value at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Invalid {
    /// What kind of rule is broken.
    pub kind: RuleKind,
    /// Deal-sheet path of the key at fault, e.g. `facility[0].repay_by` or
    /// `purchase_order[1].payments[0].date` (array indexes from 0).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What would be right.
    pub help: String,
}

impl Invalid {
    /// A broken rule at `path`.
    pub fn new(
        kind: RuleKind,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Invalid {
        Invalid {
            kind,
            path: path.into(),
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (help: {})", self.path, self.message, self.help)
    }
}

/// Every rule a [`crate::Deal`] breaks: what [`crate::Deal::validate`] returns instead of
/// a [`crate::ValidDeal`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct InvalidDeal {
    /// The broken rules, in a stable order (never empty).
    pub invalid: Vec<Invalid>,
}

impl fmt::Display for InvalidDeal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.invalid.len();
        write!(
            f,
            "the deal is invalid ({n} {}):",
            if n == 1 { "error" } else { "errors" }
        )?;
        for i in &self.invalid {
            write!(f, "\n  {i}")?;
        }
        Ok(())
    }
}

/// The most characters of a user's text quoted in a message ([`shorten`]).
pub const MAX_QUOTED_CHARS: usize = 80;

/// `text` as quoted in a message: whole when at most [`MAX_QUOTED_CHARS`] characters,
/// else its first [`MAX_QUOTED_CHARS`] characters and `...`, so that a 10 MB key makes
/// a short message.
///
/// ```
/// assert_eq!(boxflow_model::shorten("escalater"), "escalater");
/// let long = "k".repeat(1_000);
/// assert_eq!(boxflow_model::shorten(&long), format!("{}...", "k".repeat(80)));
/// ```
pub fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}...", text.get(..cut).unwrap_or(""))),
    }
}

/// The nearest of `candidates` to `word` (case-insensitive edit distance within a third
/// of the candidate's length), for a "did you mean" help; on a tie, a candidate that
/// extends the word wins.
///
/// ```
/// assert_eq!(boxflow_model::did_you_mean("ACT/365", &["ACT/360", "ACT/365F", "30/360"]), Some("ACT/365F"));
/// assert_eq!(boxflow_model::did_you_mean("weekly", &["monthly", "quarterly"]), None);
/// assert_eq!(boxflow_model::did_you_mean("monthlyy", &["monthly"]), Some("monthly"));
/// assert_eq!(boxflow_model::did_you_mean(&"k".repeat(10_000_000), &["monthly"]), None);
/// ```
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    // The distance is at least the difference in length (lowercasing never shortens a
    // text): a word far longer than every candidate (a 10 MB key) is not compared at
    // all, so the cost stays linear in the word.
    let reach = candidates
        .iter()
        .map(|c| c.to_lowercase().chars().count() + (c.chars().count() / 3).max(1))
        .max()
        .unwrap_or(0);
    if word.chars().take(reach + 1).count() > reach {
        return None;
    }
    let lower = word.to_lowercase();
    let words = lower.chars().count();
    let mut best: Option<((usize, bool), &'c str)> = None;
    for &c in candidates {
        let limit = (c.chars().count() / 3).max(1);
        let candidate = c.to_lowercase();
        if words.abs_diff(candidate.chars().count()) > limit {
            continue;
        }
        let d = strsim::damerau_levenshtein(&lower, &candidate);
        let rank = (d, !candidate.starts_with(&lower));
        if d <= limit && best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, c));
        }
    }
    best.map(|(_, c)| c)
}
