//! What a risk team reads of one run: covenants, the weakest DSCR, the first event,
//! losses and returns.

use boxflow_core::Money;
use boxflow_model::Rank;
use boxflow_waterfall::Run;
use rust_decimal::Decimal;
use serde::Serialize;

/// The first event of a run that is not a lock-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirstEvent {
    /// The event's name: `payment_default`, `dscr_default`, ...
    pub event: &'static str,
    /// Its period.
    pub period: usize,
}

/// The headline figures of one run (the base case, a scenario or a grid point).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The scenario's name (`"base case"` for the base case).
    pub name: String,
    /// The halfway covenant: the senior balance at the halfway period is 0.
    pub halfway_covenant: bool,
    /// Every covenant passes: the halfway covenant, and no `payment_default`,
    /// `dscr_default` or `ltv_breach` event in any period.
    pub covenants: bool,
    /// The lowest senior DSCR (null when no period has senior debt service).
    pub min_dscr: Option<Decimal>,
    /// The first period at the minimum.
    pub min_dscr_period: Option<usize>,
    /// The first event other than `lockup` (a lock-up traps cash; the base case of a
    /// box whose DSRA fills over time has them by design).
    pub first_event: Option<FirstEvent>,
    /// The number of `payment_default` events (senior steps 3 and 4 not paid in full).
    pub payment_defaults: usize,
    /// Principal and interest of every facility left unpaid at the end of the run.
    pub lender_loss: Money,
    /// The senior facility's part of it.
    pub senior_loss: Money,
    /// XIRR of the sponsor's flows.
    pub equity_irr: Option<Decimal>,
    /// XIRR of the senior lender's flows.
    pub senior_lender_irr: Option<Decimal>,
    /// The first period with no senior balance and no later draws.
    pub senior_repaid_period: Option<usize>,
    /// Σ distributions to the sponsor over periods 1..N.
    pub total_distributions: Money,
    /// Invariants of methodology section 14 that do not hold (0 for a correct
    /// engine; `None` when not checked).
    pub violations: Option<usize>,
}

impl Outcome {
    /// Reads the outcome of a run; checks its invariants when `verify` is true.
    pub fn of(name: impl Into<String>, run: &Run, verify: bool) -> Outcome {
        let s = &run.summary;
        let breach = run
            .events
            .iter()
            .any(|e| matches!(e.name(), "payment_default" | "dscr_default" | "ltv_breach"));
        let first_event = run
            .events
            .iter()
            .find(|e| e.name() != "lockup")
            .map(|e| FirstEvent {
                event: e.name(),
                period: e.period(),
            });
        let senior_loss = run
            .plan
            .facilities
            .iter()
            .zip(&run.terminal.facilities)
            .filter(|(f, _)| f.rank == Rank::Senior)
            .map(|(_, t)| t.loss)
            .sum();
        Outcome {
            name: name.into(),
            halfway_covenant: s.halfway_covenant,
            covenants: s.halfway_covenant && !breach,
            min_dscr: s.min_dscr,
            min_dscr_period: s.min_dscr_period,
            first_event,
            payment_defaults: run
                .events
                .iter()
                .filter(|e| e.name() == "payment_default")
                .count(),
            lender_loss: s.lender_loss,
            senior_loss,
            equity_irr: s.equity_irr,
            senior_lender_irr: s.senior_lender_irr,
            senior_repaid_period: s.senior_repaid_period,
            total_distributions: s.total_distributions,
            violations: verify.then(|| run.verify().len()),
        }
    }
}
