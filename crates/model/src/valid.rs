//! [`ValidDeal`]: a deal that passed every rule of methodology section 1.

use std::ops::Deref;

use serde::Serialize;

use crate::deal::{Deal, Scenario};
use crate::invalid::InvalidDeal;
use crate::invalid::RuleKind;
use crate::validate::{check_into, validate, validate_scenario, RuleSink};
use crate::Invalid;

/// A [`Deal`] that passed every rule of methodology section 1: the only kind of deal
/// the engine runs. Only [`Deal::validate`], [`Checked::into_valid`] (which the
/// deal-sheet reader calls) and [`ValidDeal::with_scenario`] make one; read it through `Deref` as a `&Deal`.
///
/// ```
/// use boxflow_model::{Deal, Scenario};
///
/// let valid = Deal::example().validate().unwrap();
/// assert_eq!(valid.name, "example"); // reads as a &Deal
///
/// let mut late = Scenario::new("late");
/// late.online_delay_months = 2;
/// let shocked = valid.with_scenario(&late).unwrap();
/// assert_eq!(shocked.contract.capacity[0].online.to_string(), "2026-03-01");
///
/// let mut broken = valid.into_deal();
/// broken.contract.capacity[0].gpus = 0;
/// assert!(broken.validate().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidDeal(Deal);

impl Deal {
    /// Checks every rule of methodology section 1 ([`crate::validate`]): the deal
    /// as a [`ValidDeal`], or every broken rule, each keyed by its deal-sheet path.
    pub fn validate(self) -> Result<ValidDeal, InvalidDeal> {
        let invalid = validate(&self);
        if invalid.is_empty() {
            Ok(ValidDeal(self))
        } else {
            Err(InvalidDeal { invalid })
        }
    }
}

impl ValidDeal {
    /// The deal.
    pub fn deal(&self) -> &Deal {
        &self.0
    }

    /// The deal, to change it (it must be validated again to run).
    pub fn into_deal(self) -> Deal {
        self.0
    }

    /// This deal with the scenario's shocks applied to what the box earns and pays:
    /// prices, the customer's default, online dates, opex and power, residual value
    /// and useful life (the debt terms and the rate shock are the engine's to apply).
    ///
    /// The scenario is checked against this deal (its own rules and the term), not the
    /// whole deal again: a shock of a valid deal within those rules gives a valid
    /// deal, as the shocks only move values within ranges validation already allows.
    pub fn with_scenario(&self, scenario: &Scenario) -> Result<ValidDeal, InvalidDeal> {
        let invalid = validate_scenario(&self.0, scenario);
        if !invalid.is_empty() {
            return Err(InvalidDeal { invalid });
        }
        let mut deal = self.0.clone();
        deal.scenarios.clear();
        scenario
            .apply_to(&mut deal)
            .map_err(|invalid| InvalidDeal {
                invalid: vec![invalid],
            })?;
        Ok(ValidDeal(deal))
    }
}

impl Deref for ValidDeal {
    type Target = Deal;
    fn deref(&self) -> &Deal {
        &self.0
    }
}

impl AsRef<Deal> for ValidDeal {
    fn as_ref(&self) -> &Deal {
        &self.0
    }
}

/// A deal checked by [`Checked::new`]: every rule of methodology section 1 was offered
/// to a sink once, and whether any broke is known, so that a reader that shows the
/// broken rules itself need not check the deal a second time to make it a
/// [`ValidDeal`].
///
/// ```
/// use boxflow_model::{Checked, Deal, Invalid};
///
/// let mut found: Vec<Invalid> = Vec::new();
/// let checked = Checked::new(Deal::example(), &[], &mut found);
/// assert!(found.is_empty());
/// assert_eq!(checked.into_valid().unwrap().name, "example");
///
/// let mut broken = Deal::example();
/// broken.contract.capacity[0].gpus = 0;
/// let mut found: Vec<Invalid> = Vec::new();
/// let checked = Checked::new(broken, &[], &mut found);
/// assert_eq!(found.len(), 1);
/// assert_eq!(checked.into_valid().unwrap_err().invalid, found);
/// ```
#[derive(Clone, Debug)]
pub struct Checked {
    deal: Deal,
    /// No rule broke and none was skipped for a poisoned path.
    clean: bool,
}

impl Checked {
    /// Checks `deal` as [`check_into`] does, offering every broken rule to `sink`
    /// (rules that read a path in `poisoned` are skipped).
    pub fn new(deal: Deal, poisoned: &[String], sink: &mut dyn RuleSink) -> Checked {
        let mut counted = Counted { sink, broken: 0 };
        check_into(&deal, poisoned, &mut counted);
        let clean = counted.broken == 0 && poisoned.is_empty();
        Checked { deal, clean }
    }

    /// The deal that was checked.
    pub fn deal(&self) -> &Deal {
        &self.deal
    }

    /// The deal as a [`ValidDeal`] when no rule broke; otherwise (or when rules were
    /// skipped for poisoned paths) it is validated again with every rule, which
    /// gives every broken one.
    pub fn into_valid(self) -> Result<ValidDeal, InvalidDeal> {
        if self.clean {
            Ok(ValidDeal(self.deal))
        } else {
            self.deal.validate()
        }
    }
}

/// A sink that counts every broken rule offered to the one it wraps.
struct Counted<'a> {
    sink: &'a mut dyn RuleSink,
    broken: usize,
}

impl RuleSink for Counted<'_> {
    fn wants(&mut self, kind: RuleKind, path: &str) -> bool {
        self.broken += 1;
        self.sink.wants(kind, path)
    }

    fn push(&mut self, invalid: Invalid) {
        self.sink.push(invalid);
    }
}
