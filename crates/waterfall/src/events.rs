//! Events a run reports (methodology section 11). The run never stops at an event.
//!
//! Each event's words live here, once, for every format: its output [`name`]
//! (`payment_default`, the JSON and CSV key), a short [`code`] for a table's events
//! column with its [`legend`], a plain-words [`label`] and a [`describe`] sentence with
//! its figures (numbers formatted by [`boxflow_core::format`]).
//!
//! ```
//! use boxflow_core::{Money, Ratio};
//! use boxflow_waterfall::{Event, Step};
//!
//! let e = Event::PaymentDefault {
//!     period: 7,
//!     facility: "DDTL".into(),
//!     step: Step::SeniorInterest,
//!     due: Money::from_cents(1_000_000_00),
//!     paid: Money::from_cents(600_000_00),
//!     shortfall: Money::from_cents(400_000_00),
//! };
//! assert_eq!(e.name(), "payment_default");
//! assert_eq!(e.code(), "PD");
//! assert_eq!(e.label(), "payment default");
//! assert_eq!(
//!     e.describe(),
//!     "payment default: DDTL senior interest due 1,000,000.00, paid 600,000.00, short 400,000.00"
//! );
//! ```
//!
//! [`name`]: Event::name
//! [`code`]: Event::code
//! [`legend`]: legend
//! [`label`]: Event::label
//! [`describe`]: Event::describe

use std::sync::Arc;

use boxflow_core::format::{dscr as dscr_text, money, percent, ratio};
use boxflow_core::{Money, MoneyRatio, Ratio};
use serde::{Serialize, Serializer};

use crate::Step;

/// Something a lender or sponsor must know about a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A window period whose scheduled debt service exceeds `floor2(CFADS / target_dscr)`.
    ScheduleBreach {
        /// Period.
        period: usize,
        /// The facility's name, shared (`Arc`) with the run's other records of it.
        facility: Arc<str>,
        /// Scheduled interest + commitment fee + principal.
        debt_service: Money,
        /// `cap_k`.
        cap: Money,
    },
    /// Step 1 could not be paid in full.
    OpexShortfall {
        /// Period.
        period: usize,
        /// Due, arrears included.
        due: Money,
        /// Paid.
        paid: Money,
        /// Unpaid, carried as arrears.
        shortfall: Money,
    },
    /// Step 2 could not be paid in full.
    FeesShortfall {
        /// Period.
        period: usize,
        /// Due, arrears included.
        due: Money,
        /// Paid.
        paid: Money,
        /// Unpaid, carried as arrears.
        shortfall: Money,
    },
    /// Step 3 or 4 could not be paid in full, even with the DSRA.
    PaymentDefault {
        /// Period.
        period: usize,
        /// The facility's name, shared (`Arc`) with the run's other records of it.
        facility: Arc<str>,
        /// `senior_interest` or `senior_principal`.
        step: Step,
        /// Due, arrears included.
        due: Money,
        /// Paid, from cash and the DSRA.
        paid: Money,
        /// Unpaid, carried as arrears.
        shortfall: Money,
    },
    /// Step 6 or 7 could not be paid in full.
    JuniorShortfall {
        /// Period.
        period: usize,
        /// The facility's name, shared (`Arc`) with the run's other records of it.
        facility: Arc<str>,
        /// `junior_interest` or `junior_principal`.
        step: Step,
        /// Due, arrears included.
        due: Money,
        /// Paid.
        paid: Money,
        /// Unpaid, carried as arrears.
        shortfall: Money,
    },
    /// The lock-up test failed: no distribution.
    Lockup {
        /// Period.
        period: usize,
        /// The senior DSCR of the period, kept as its two amounts (divided when read:
        /// [`MoneyRatio::value`]).
        #[serde(serialize_with = "opt_ratio_value")]
        dscr: Option<MoneyRatio>,
        /// True when the DSCR is below `lockup_dscr`.
        #[serde(rename = "dscr_below_lockup")]
        dscr_below: bool,
        /// True when senior arrears remain.
        senior_arrears: bool,
        /// True when the DSRA is below its target.
        dsra_below_target: bool,
        /// Cash trapped: prepaid or moved to the lock-up account.
        trapped: Money,
        /// `lockup_dscr`, the level the DSCR is tested against.
        #[serde(skip)]
        lockup_dscr: Option<Ratio>,
        /// The DSRA balance after step 5.
        #[serde(skip)]
        dsra: Money,
        /// The DSRA target of step 5.
        #[serde(skip)]
        dsra_target: Money,
    },
    /// `DSCR_k < min_dscr`.
    DscrDefault {
        /// Period.
        period: usize,
        /// `DSCR_k`, kept as its two amounts.
        #[serde(serialize_with = "ratio_value")]
        dscr: MoneyRatio,
        /// `min_dscr`.
        #[serde(serialize_with = "boxflow_core::json::ratio")]
        min_dscr: Ratio,
    },
    /// LTV above `max_ltv`, or senior debt left with no book value.
    LtvBreach {
        /// Period.
        period: usize,
        /// `LTV_k`, kept as its two amounts; null when the book value is 0.
        #[serde(serialize_with = "opt_ratio_value")]
        ltv: Option<MoneyRatio>,
        /// `max_ltv`.
        #[serde(serialize_with = "boxflow_core::json::ratio")]
        max_ltv: Ratio,
        /// Senior closing balance.
        balance: Money,
        /// Book value.
        book_value: Money,
    },
    /// Principal or interest of a facility left unpaid at the end of the run.
    LenderLoss {
        /// Period N.
        period: usize,
        /// The facility's name, shared (`Arc`) with the run's other records of it.
        facility: Arc<str>,
        /// Principal unpaid.
        principal: Money,
        /// Interest (and commitment fee) arrears unpaid.
        interest: Money,
        /// Their sum.
        loss: Money,
    },
}

/// A ratio as its decimal value, rounded for output ([`boxflow_core::json::decimal`]).
fn ratio_value<S: Serializer>(x: &MoneyRatio, s: S) -> Result<S::Ok, S::Error> {
    boxflow_core::json::decimal(&x.value(), s)
}

/// An optional ratio as [`ratio_value`], or `null` ([`boxflow_core::json::opt_decimal`]).
fn opt_ratio_value<S: Serializer>(x: &Option<MoneyRatio>, s: S) -> Result<S::Ok, S::Error> {
    boxflow_core::json::opt_decimal(&x.map(MoneyRatio::value), s)
}

impl Event {
    /// The period of the event.
    pub fn period(&self) -> usize {
        match self {
            Event::ScheduleBreach { period, .. }
            | Event::OpexShortfall { period, .. }
            | Event::FeesShortfall { period, .. }
            | Event::PaymentDefault { period, .. }
            | Event::JuniorShortfall { period, .. }
            | Event::Lockup { period, .. }
            | Event::DscrDefault { period, .. }
            | Event::LtvBreach { period, .. }
            | Event::LenderLoss { period, .. } => *period,
        }
    }

    /// The event's kind: its index in [`KINDS`], the order of section 11.
    fn kind(&self) -> usize {
        match self {
            Event::ScheduleBreach { .. } => 0,
            Event::OpexShortfall { .. } => 1,
            Event::FeesShortfall { .. } => 2,
            Event::PaymentDefault { .. } => 3,
            Event::JuniorShortfall { .. } => 4,
            Event::Lockup { .. } => 5,
            Event::DscrDefault { .. } => 6,
            Event::LtvBreach { .. } => 7,
            Event::LenderLoss { .. } => 8,
        }
    }

    /// The event's name in machine output (JSON, CSV): `schedule_breach`,
    /// `opex_shortfall`, ... (methodology section 11).
    pub fn name(&self) -> &'static str {
        KINDS[self.kind()].name
    }

    /// A short code for a table's events column: `LU` for a lock-up, `PD` for a
    /// payment default, ...; [`legend`] spells them out.
    pub fn code(&self) -> &'static str {
        KINDS[self.kind()].code
    }

    /// The event in plain words: `lock-up`, `payment default`, ...
    pub fn label(&self) -> &'static str {
        KINDS[self.kind()].label
    }

    /// A lock-up only warns (cash is trapped, not lost); every other event is a breach.
    pub fn severity(&self) -> Severity {
        match self {
            Event::Lockup { .. } => Severity::Warning,
            _ => Severity::Breach,
        }
    }

    /// The event in one sentence: its [`label`](Event::label), then its
    /// [`figures`](Event::figures).
    pub fn describe(&self) -> String {
        format!("{}: {}", self.label(), self.figures())
    }

    /// The event's figures in plain words, without its label (for a table that shows
    /// the label in its own column). A lock-up says why distributions stopped and
    /// the reserve's balance against its target:
    ///
    /// ```
    /// use boxflow_core::{Decimal, Money, MoneyRatio, Ratio};
    /// use boxflow_waterfall::Event;
    ///
    /// let e = Event::Lockup {
    ///     period: 1,
    ///     // CFADS 1,150.00 over a debt service of 1,000.00.
    ///     dscr: MoneyRatio::new(Money::from_cents(115_000), Money::from_cents(100_000)),
    ///     dscr_below: true,
    ///     senior_arrears: false,
    ///     dsra_below_target: true,
    ///     trapped: Money::from_cents(2_500_000_00),
    ///     lockup_dscr: Some(Ratio::new(Decimal::new(12, 1))),
    ///     dsra: Money::from_cents(89_577_228_51),
    ///     dsra_target: Money::from_cents(94_803_666_88),
    /// };
    /// assert_eq!(
    ///     e.figures(),
    ///     "distributions stopped: DSCR 1.1500x below the lock-up level 1.2000x; \
    ///      DSRA 89,577,228.51 below its target 94,803,666.88; trapped 2,500,000.00"
    /// );
    /// ```
    pub fn figures(&self) -> String {
        match self {
            Event::ScheduleBreach {
                facility,
                debt_service,
                cap,
                ..
            } => format!(
                "{facility} scheduled debt service {} above the cap {}",
                money(*debt_service),
                money(*cap)
            ),
            Event::OpexShortfall {
                due,
                paid,
                shortfall,
                ..
            }
            | Event::FeesShortfall {
                due,
                paid,
                shortfall,
                ..
            } => format!(
                "due {}, paid {}, short {}",
                money(*due),
                money(*paid),
                money(*shortfall)
            ),
            Event::PaymentDefault {
                facility,
                step,
                due,
                paid,
                shortfall,
                ..
            }
            | Event::JuniorShortfall {
                facility,
                step,
                due,
                paid,
                shortfall,
                ..
            } => format!(
                "{facility} {} due {}, paid {}, short {}",
                step_words(*step),
                money(*due),
                money(*paid),
                money(*shortfall)
            ),
            Event::Lockup {
                dscr,
                dscr_below,
                senior_arrears,
                dsra_below_target,
                trapped,
                lockup_dscr,
                dsra,
                dsra_target,
                ..
            } => {
                let mut why = Vec::with_capacity(3);
                if *dscr_below {
                    why.push(format!(
                        "DSCR {} below the lock-up level {}",
                        dscr_text(dscr.map(MoneyRatio::value)),
                        ratio(lockup_dscr.map(Ratio::value))
                    ));
                }
                if *senior_arrears {
                    why.push("senior arrears unpaid".to_string());
                }
                let reserve = format!(
                    "DSRA {} {} its target {}",
                    money(*dsra),
                    if *dsra_below_target {
                        "below"
                    } else {
                        "at or above"
                    },
                    money(*dsra_target)
                );
                let mut text = String::from("distributions stopped: ");
                if *dsra_below_target {
                    why.push(reserve);
                    text.push_str(&why.join("; "));
                } else {
                    text.push_str(&format!("{} ({reserve})", why.join("; ")));
                }
                text.push_str(&format!("; trapped {}", money(*trapped)));
                text
            }
            Event::DscrDefault { dscr, min_dscr, .. } => format!(
                "DSCR {} below the default level {}",
                dscr_text(Some(dscr.value())),
                ratio(Some(min_dscr.value()))
            ),
            Event::LtvBreach {
                ltv,
                max_ltv,
                balance,
                book_value,
                ..
            } => format!(
                "LTV {} above {} (senior balance {}, book value {})",
                percent(ltv.map(MoneyRatio::value)),
                percent(Some(max_ltv.value())),
                money(*balance),
                money(*book_value)
            ),
            Event::LenderLoss {
                facility,
                principal,
                interest,
                loss,
                ..
            } => format!(
                "{facility} principal {} and interest {} unpaid, loss {}",
                money(*principal),
                money(*interest),
                money(*loss)
            ),
        }
    }
}

/// How serious an event is, for highlighting: a lock-up warns, the rest are breaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Cash trapped, nothing lost (a lock-up).
    Warning,
    /// A shortfall, default, breach or loss.
    Breach,
}

/// The words of one kind of event.
struct Kind {
    name: &'static str,
    code: &'static str,
    label: &'static str,
}

/// Every kind of event, in the order of section 11.
const KINDS: [Kind; 9] = [
    Kind {
        name: "schedule_breach",
        code: "SB",
        label: "schedule breach",
    },
    Kind {
        name: "opex_shortfall",
        code: "OS",
        label: "opex shortfall",
    },
    Kind {
        name: "fees_shortfall",
        code: "FS",
        label: "fees shortfall",
    },
    Kind {
        name: "payment_default",
        code: "PD",
        label: "payment default",
    },
    Kind {
        name: "junior_shortfall",
        code: "JS",
        label: "junior shortfall",
    },
    Kind {
        name: "lockup",
        code: "LU",
        label: "lock-up",
    },
    Kind {
        name: "dscr_default",
        code: "DD",
        label: "DSCR default",
    },
    Kind {
        name: "ltv_breach",
        code: "LTV",
        label: "LTV breach",
    },
    Kind {
        name: "lender_loss",
        code: "LL",
        label: "lender loss",
    },
];

/// The legend of the codes that `events` use, in the order of section 11:
/// `LU lock-up, PD payment default`; empty when there are no events.
///
/// ```
/// use boxflow_core::Money;
/// use boxflow_waterfall::{legend, Event};
///
/// let loss = Event::LenderLoss {
///     period: 60,
///     facility: "DDTL".into(),
///     principal: Money::from_cents(100),
///     interest: Money::ZERO,
///     loss: Money::from_cents(100),
/// };
/// let short = Event::OpexShortfall {
///     period: 12,
///     due: Money::from_cents(300),
///     paid: Money::from_cents(100),
///     shortfall: Money::from_cents(200),
/// };
/// assert_eq!(legend([&loss, &short, &loss]), "OS opex shortfall, LL lender loss");
/// assert_eq!(legend([]), "");
/// ```
pub fn legend<'a>(events: impl IntoIterator<Item = &'a Event>) -> String {
    let mut seen = [false; KINDS.len()];
    for e in events {
        seen[e.kind()] = true;
    }
    KINDS
        .iter()
        .zip(seen)
        .filter(|(_, seen)| *seen)
        .map(|(k, _)| format!("{} {}", k.code, k.label))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A waterfall step in plain words.
fn step_words(step: Step) -> &'static str {
    match step {
        Step::Closing => "closing",
        Step::Capex => "capex",
        Step::Collections => "collections",
        Step::Opex => "opex",
        Step::Fees => "fees",
        Step::SeniorInterest => "senior interest",
        Step::SeniorPrincipal => "senior principal",
        Step::Dsra => "DSRA",
        Step::JuniorInterest => "junior interest",
        Step::JuniorPrincipal => "junior principal",
        Step::Sweep => "sweep",
        Step::Lockup => "lock-up",
        Step::Distribution => "distribution",
        Step::Terminal => "end of the run",
    }
}

/// A base case's events as [`first_new_event`] compares them: the names of each
/// period's events ([`event_keys`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventKeys {
    /// The names of the base case's events, in period order.
    names: Vec<&'static str>,
    /// Period `k`'s names are `names[starts[k]..starts[k + 1]]` (no entry past the
    /// last period with an event).
    starts: Vec<usize>,
}

impl EventKeys {
    /// Indexes `(name, period)` pairs, in any order.
    fn of(keys: impl IntoIterator<Item = (&'static str, usize)>) -> EventKeys {
        let mut keys: Vec<(&'static str, usize)> = keys.into_iter().collect();
        keys.sort_unstable_by_key(|&(_, period)| period);
        let periods = keys.last().map_or(0, |&(_, period)| period + 1);
        let mut starts = Vec::with_capacity(periods + 1);
        let mut at = 0;
        for k in 0..=periods {
            while keys.get(at).is_some_and(|&(_, period)| period < k) {
                at += 1;
            }
            starts.push(at);
        }
        EventKeys {
            names: keys.into_iter().map(|(name, _)| name).collect(),
            starts,
        }
    }

    /// True when the base case has an event of `name` in `period`. Names are
    /// compared as text; the same `&'static str` (an event's name is its kind's
    /// constant) is found without reading it.
    pub fn has(&self, name: &str, period: usize) -> bool {
        let Some(&[from, to, ..]) = self.starts.get(period..) else {
            return false;
        };
        self.names
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .any(|&n| std::ptr::eq(n, name) || n == name)
    }
}

/// A base case's events as [`first_new_event`] compares them, indexed by period.
pub fn event_keys(events: &[Event]) -> EventKeys {
    EventKeys::of(events.iter().map(|e| (e.name(), e.period())))
}

/// The first of a scenario's `events` that the base case does not have: an event is
/// the base case's when the base case has an event of the same kind ([`Event::name`])
/// in the same period. A lock-up in a period the base case also locks up is not new;
/// a lock-up in a period the base case distributes is. `base` is [`event_keys`] of the
/// base case's events. The stress table, the stress grid and the HTML report read it.
///
/// ```
/// use boxflow_waterfall::{event_keys, first_new_event, EventKeys};
///
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
/// let deal = boxflow_deal::read_file(std::path::Path::new(path)).unwrap();
/// let run = boxflow_waterfall::run(&deal).unwrap();
/// // The reference base case locks up in periods 1-5 by design; against itself,
/// // nothing is new, and against no events its first lock-up is.
/// assert!(!run.events.is_empty());
/// assert!(first_new_event(&event_keys(&run.events), &run.events).is_none());
/// let none = EventKeys::default();
/// assert_eq!(first_new_event(&none, &run.events).map(|e| e.period()), Some(1));
/// ```
pub fn first_new_event<'a>(base: &EventKeys, events: &'a [Event]) -> Option<&'a Event> {
    events.iter().find(|e| !base.has(e.name(), e.period()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_keys_find_a_name_in_its_period() {
        // Unsorted keys, a period with two names, gaps, nothing in period 0.
        let keys = EventKeys::of([
            ("payment_default", 5),
            ("lockup", 3),
            ("lockup", 5),
            ("dscr_default", 9),
        ]);
        for (name, period, has) in [
            ("lockup", 3, true),
            ("lockup", 5, true),
            ("payment_default", 5, true),
            ("dscr_default", 9, true),
            ("lockup", 0, false),
            ("lockup", 4, false),
            ("payment_default", 3, false),
            ("dscr_default", 8, false),
            ("dscr_default", 10, false),
            ("lockup", usize::MAX, false),
        ] {
            assert_eq!(keys.has(name, period), has, "{name} in {period}");
        }
        // The same text at another address is the same name.
        let name = String::from("lockup");
        assert!(keys.has(&name, 3));
        assert!(!EventKeys::default().has("lockup", 0));
    }
}
