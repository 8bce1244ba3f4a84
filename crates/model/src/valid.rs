//! [`ValidDeal`]: a deal that passed every rule of methodology section 1.

use std::ops::Deref;

use serde::Serialize;

use crate::deal::{Deal, Scenario};
use crate::invalid::InvalidDeal;
use crate::validate::{validate, validate_scenario};

/// A [`Deal`] that passed every rule of methodology section 1: the only kind of deal
/// the engine runs. Only [`Deal::validate`] (which the deal-sheet reader calls) and
/// [`ValidDeal::with_scenario`] make one; read it through `Deref` as a `&Deal`.
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
