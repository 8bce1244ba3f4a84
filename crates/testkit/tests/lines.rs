//! Scenarios of one capacity line ([`scenarios::line_scenario`]) on the reference
//! deal, whose two lines bill side by side: a shock of one line lands between the
//! base case and the same shock on every line.

use boxflow_scenario::{Base, Scenario};
use boxflow_testkit::{deals, scenarios};
use proptest::prelude::*;

fn reference() -> Base {
    Base::new(deals::valid(deals::reference_deal())).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A price haircut of one line lowers the run's invoice below the base case's, but
    /// less than the same haircut on every line (the other line still bills its full
    /// price). The books balance.
    #[test]
    fn a_line_haircut_lands_between_the_base_case_and_every_line(
        s in scenarios::any_line_scenario(&deals::reference_deal()).unwrap()
            .prop_map(|mut s| { s.customer_default = None; s.online_delay_months = 0; s })
    ) {
        let base = reference();
        let invoice = |s: &Scenario| base.run_scenario(s).unwrap().summary.total_invoice;
        let mut every_line = s.clone();
        every_line.line = None;
        let base_invoice = base.run().unwrap().summary.total_invoice;
        let (one, all) = (invoice(&s), invoice(&every_line));
        prop_assert!(!s.price_haircut.value().is_zero());
        prop_assert!(all < one && one < base_invoice, "{all} < {one} < {base_invoice}");
        prop_assert!(base.run_scenario(&s).unwrap().verify().is_empty());
    }

    /// Any shock of one line (haircut, default, delay) keeps the books balanced and
    /// never bills more than the base case.
    #[test]
    fn any_line_shock_balances_and_bills_no_more(
        s in scenarios::any_line_scenario(&deals::reference_deal()).unwrap()
    ) {
        let base = reference();
        let run = base.run_scenario(&s).unwrap();
        prop_assert!(run.verify().is_empty());
        prop_assert!(run.summary.total_invoice <= base.run().unwrap().summary.total_invoice);
        prop_assert!(s.line.is_some());
    }
}

#[test]
fn a_deal_without_named_lines_has_no_line_scenario() {
    assert!(scenarios::any_line_scenario(&deals::tiny("1000.00")).is_none());
    assert!(scenarios::line_names(&deals::tiny("1000.00")).is_empty());
}
