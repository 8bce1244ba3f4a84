//! An example a risk team copies into its own `tests/`: covenants of a deal checked
//! over a box of shocks with proptest, and an invariant over generated deals.
//!
//! Copy this file, depend on `boxflow-testkit`, `boxflow-scenario` and `proptest`
//! (dev-dependencies), and replace `reference_deal()` by your deal (read it with
//! `boxflow_deal::read_file`). A failing case is shrunk by proptest toward the base
//! case and printed with its scenario.

use boxflow_scenario::{Base, Outcome, Scenario};
use boxflow_testkit::generate::{arb_deal, Debt};
use boxflow_testkit::{deals, predicates, scenarios};
use proptest::prelude::*;

fn reference() -> Base {
    Base::new(deals::valid(deals::reference_deal())).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// The senior is repaid by halfway and nobody loses money under a price haircut of
    /// up to 5% and a rate shock of up to +100 bps.
    ///
    /// Why it should hold: the reference deal is sized at a 1.30x DSCR and its DSRA
    /// covers six months of debt service. (`min_dscr >= 1.00` does not hold: a 4.38%
    /// haircut with +43 bps takes the lowest DSCR to 0.99998x.)
    #[test]
    fn mild_shocks_keep_the_senior_whole(
        haircut in scenarios::price_haircut(500),
        shock in scenarios::rate_shock_bps(0, 100),
    ) {
        let base = reference();
        let mut s = Scenario::new("mild");
        s.price_haircut = haircut;
        s.rate_shock_bps = shock;
        let outcome = Outcome::of(&s.name, &base.run_scenario(&s).unwrap(), false);
        prop_assert!(predicates::halfway_covenant_passes(&outcome));
        prop_assert!(predicates::no_payment_default(&outcome));
        prop_assert!(predicates::no_lender_loss(&outcome));
        prop_assert_eq!(
            predicates::check(&outcome, &["halfway_covenant == pass", "lender_loss == 0"]),
            Ok(())
        );
    }

    /// Whatever happens to the box, the books balance: every invariant of the
    /// methodology's section 14 holds on any scenario of any generated deal.
    #[test]
    fn any_scenario_of_any_deal_balances(
        (deal, scenario) in arb_deal(Debt::Any)
            .prop_flat_map(|d| { let s = scenarios::scenario(&d); (Just(d), s) })
    ) {
        let base = Base::new(deals::valid(deal)).unwrap();
        let run = base.run_scenario(&scenario).unwrap();
        prop_assert!(run.verify().is_empty());
        let outcome = Outcome::of(&scenario.name, &run, false);
        // A lender loss is never negative, and no loss means no unpaid senior.
        prop_assert!(outcome.lender_loss >= outcome.senior_loss);
        if predicates::no_lender_loss(&outcome) {
            prop_assert!(outcome.senior_loss.is_zero());
        }
    }
}
