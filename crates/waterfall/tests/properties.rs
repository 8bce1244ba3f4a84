//! Properties of every run over generated valid deals (methodology section 14 and the
//! covenants of section 11). The deals come from `common::generate`; each property
//! says what it checks and why the methodology guarantees it.

mod common;

use boxflow_core::{Decimal, Money};
use boxflow_model::{validate, Commitment, Deal, Rank, RepayBy};
use boxflow_waterfall::{run, run_plan_with, Account, Detail, Plan, Run, Step};
use common::generate::{
    arb_deal, arb_deal_with_zero_senior_and_late_capex, arb_params, with_price_raised, Debt,
};
use common::valid;
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Two properties set aside a share of their draws (about 6% and 20%).
        max_global_rejects: 4 * cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn run_ok(deal: &Deal) -> Result<Run, TestCaseError> {
    run(&valid(deal.clone())).map_err(|e| TestCaseError::fail(format!("run failed: {e}")))
}

/// Σ in minus Σ out of the box's operating account over the transfers matching `keep`,
/// summed here from the raw ledger rather than with `Ledger::net`.
fn box_net(r: &Run, keep: impl Fn(usize, Step) -> bool) -> (Money, Money) {
    let mut into = Money::ZERO;
    let mut out = Money::ZERO;
    for t in r.ledger.transfers() {
        if !keep(t.period(), t.step) {
            continue;
        }
        if t.to == Account::Box {
            into += t.amount;
        }
        if t.from == Account::Box {
            out += t.amount;
        }
    }
    (into, out)
}

/// The sponsor's total net cash: closing flow + distributions - equity contributions
/// + terminal flows, from the ledger's flows of `Account::Sponsor`.
fn sponsor_net_cash(r: &Run) -> Money {
    r.ledger.flows(Account::Sponsor).map(|(_, x)| x).sum()
}

/// A money figure is a whole number of cents: `Money::exact` gives it back, and it
/// prints with exactly two decimals, never `-0.00`, and reads back to itself.
fn whole_cents(name: &str, m: Money) -> Result<(), TestCaseError> {
    prop_assert_eq!(Money::exact(m.amount()), Some(m), "{} = {:?}", name, m);
    let text = m.to_string();
    let (_, decimals) = text.split_once('.').unwrap_or((&text, ""));
    prop_assert_eq!(decimals.len(), 2, "{} prints as {}", name, text);
    prop_assert!(text != "-0.00", "{} prints as -0.00", name);
    prop_assert_eq!(text.parse::<Decimal>().unwrap(), m.amount(), "{}", name);
    Ok(())
}

/// The senior's principal and interest left unpaid at the end of the run.
fn senior_loss(r: &Run) -> Money {
    r.plan
        .facilities
        .iter()
        .zip(&r.terminal.facilities)
        .filter(|(f, _)| f.rank == Rank::Senior)
        .map(|(_, t)| t.loss)
        .sum()
}

/// True when CFADS_k covers the senior's scheduled interest and commitment fee in
/// every interest-only period k <= g (the periods sizing does not test, section 7).
fn interest_only_covered(r: &Run) -> bool {
    r.plan.senior().is_none_or(|s| {
        s.schedule.rows[..s.interest_only_periods]
            .iter()
            .zip(r.plan.operations.iter())
            .all(|(row, ops)| ops.cfads >= row.interest + row.commitment_fee)
    })
}

proptest! {
    #![proptest_config(config(1024))]

    /// The generator only builds deals that pass the deal crate's own validation.
    #[test]
    fn generated_deals_are_valid(
        deal in prop_oneof![
            arb_deal(Debt::Any),
            arb_deal(Debt::Some),
            arb_deal(Debt::SizedHalfwaySenior),
            arb_deal(Debt::FixedOnly),
            arb_deal(Debt::FixedUnsculpted),
        ],
    ) {
        let problems = validate(&deal);
        prop_assert!(problems.is_empty(), "{:#?}", problems);
    }

    /// Section 11: `dscr_default` is raised in exactly the periods whose senior DSCR is
    /// below `min_dscr`, whichever of `min_dscr` and `lockup_dscr` is the higher (both
    /// drawn from 1.00 to 1.60 by 0.05). Checked here on the DSCR's two amounts:
    /// `numerator < min_dscr · denominator` (the denominator is positive).
    #[test]
    fn dscr_default_is_raised_exactly_below_min_dscr(
        deal in arb_deal(Debt::Any),
        min in 0i64..=12,
        lockup in 0i64..=12,
        hold in any::<bool>(),
    ) {
        use boxflow_core::{Ratio, Share};
        use boxflow_model::{Covenants, LockupAction};
        use boxflow_waterfall::Event;
        let mut deal = deal;
        let level = |i: i64| Decimal::new(100 + 5 * i, 2);
        let (min, lockup) = (level(min), level(lockup));
        let covenants = deal.covenants.get_or_insert(Covenants {
            min_dscr: None,
            lockup_dscr: None,
            lockup_action: LockupAction::Hold,
            repaid_by_fraction: Share::new(Decimal::new(5, 1)),
            max_ltv: None,
        });
        covenants.min_dscr = Some(Ratio::new(min));
        covenants.lockup_dscr = Some(Ratio::new(lockup));
        covenants.lockup_action = if hold { LockupAction::Hold } else { LockupAction::Sweep };
        prop_assume!(validate(&deal).is_empty());
        let r = run_ok(&deal)?;
        for p in &r.periods {
            let below = p.dscr.is_some_and(|d| {
                assert!(d.denominator().is_positive());
                d.numerator().amount() < min * d.denominator().amount()
            });
            let raised = p
                .events
                .iter()
                .any(|e| matches!(e, Event::DscrDefault { .. }));
            prop_assert_eq!(raised, below, "period {}: DSCR {:?}, min_dscr {}", p.period, p.dscr, min);
        }
    }

    /// `run` succeeds and `Run::verify` finds no broken invariant: cash conserved each
    /// period, every roll-forward, no negative balance, sources = uses at close,
    /// Σ draws = Σ principal paid + prepaid + end-of-run principal + principal lost.
    #[test]
    fn every_run_verifies(deal in arb_deal(Debt::Any)) {
        let r = run_ok(&deal)?;
        let violations = r.verify();
        prop_assert!(violations.is_empty(), "{:#?}", violations);
    }

    /// With a senior facility alone the combined DSCR of every period is the senior
    /// DSCR (the same debt service due over the same CFADS), so the summary's two
    /// minimums agree, period included (the summary takes one for the other).
    #[test]
    fn the_combined_dscr_of_a_senior_alone_is_the_senior_dscr(deal in arb_deal(Debt::Any)) {
        let r = run_ok(&deal)?;
        let senior_alone = r.plan.facilities.len() == 1
            && r.plan.facilities[0].rank == Rank::Senior;
        prop_assume!(senior_alone);
        for p in &r.periods {
            prop_assert_eq!(p.dscr_total(), p.dscr.map(|d| d.value()), "period {}", p.period);
        }
        let s = &r.summary;
        prop_assert_eq!((s.min_dscr_total, s.min_dscr_total_period), (s.min_dscr, s.min_dscr_period));
    }

    /// A run with [`Detail::Outcome`] is the full run but for the figures the mask
    /// leaves out: the same periods, events, ledger and terminal, the same figures an
    /// outcome reads; the left-out ones are `None` or empty whatever the run.
    #[test]
    fn an_outcome_run_is_the_full_run_less_the_masked_figures(deal in arb_deal(Debt::Any)) {
        let deal = valid(deal);
        let full = run_ok(&deal)?;
        let lean = run_plan_with(&deal, Plan::new(&deal).unwrap(), Detail::Outcome)
            .map_err(|e| TestCaseError::fail(format!("run failed: {e}")))?;
        prop_assert_eq!(&lean.periods, &full.periods);
        prop_assert_eq!(&lean.events, &full.events);
        prop_assert_eq!(&lean.ledger, &full.ledger);
        prop_assert_eq!(&lean.terminal, &full.terminal);
        let (l, f) = (&lean.summary, &full.summary);
        prop_assert_eq!(f.detail, Detail::Full);
        prop_assert_eq!(l.detail, Detail::Outcome);
        prop_assert_eq!(l.halfway_covenant, f.halfway_covenant);
        prop_assert_eq!((l.min_dscr, l.min_dscr_period), (f.min_dscr, f.min_dscr_period));
        prop_assert_eq!(
            (l.min_dscr_total, l.min_dscr_total_period),
            (f.min_dscr_total, f.min_dscr_total_period)
        );
        prop_assert_eq!(l.equity_irr, f.equity_irr);
        prop_assert_eq!(l.senior_lender_irr, f.senior_lender_irr);
        prop_assert_eq!(l.senior_repaid_period, f.senior_repaid_period);
        prop_assert_eq!(l.lender_loss, f.lender_loss);
        prop_assert_eq!(l.total_distributions, f.total_distributions);
        prop_assert_eq!(&l.sponsor_flows, &f.sponsor_flows);
        prop_assert_eq!(&l.senior_lender_flows, &f.senior_lender_flows);
        prop_assert_eq!(
            (l.avg_dscr, l.llcr, l.project_irr, l.npv, l.wal_years, l.payback_period),
            (None, None, None, None, None, None)
        );
        prop_assert!(l.facilities.is_empty() && l.project_flows.is_empty());
    }

    /// The project's flows are section 12's (-capex on each line's date, +P at close,
    /// +CFADS_k at each period's end, +terminal value - refund paid at `end_N`), in
    /// date order.
    #[test]
    fn the_project_flows_are_section_12s_in_date_order(deal in arb_deal(Debt::Any)) {
        let deal = valid(deal);
        let r = run_ok(&deal)?;
        let plan = Plan::new(&deal).unwrap();
        let flows = &r.summary.project_flows;
        prop_assert!(flows.is_sorted_by_key(|f| f.date), "{:?}", flows);
        let mut expected: Vec<(chrono::NaiveDate, Money)> = plan
            .capex
            .iter()
            .map(|line| (line.effective_date(deal.close), -line.amount))
            .collect();
        expected.push((deal.close, deal.contract.prepayment));
        expected.extend(r.periods.iter().map(|p| (p.end, p.operations.cfads)));
        expected.push((r.terminal.date, r.terminal.terminal_value - r.terminal.refund_paid));
        expected.sort();
        let mut got: Vec<(chrono::NaiveDate, Money)> =
            flows.iter().map(|f| (f.date, f.amount)).collect();
        got.sort();
        prop_assert_eq!(got, expected);
    }

    /// Cash conservation re-checked from the raw ledger: at close, in every period
    /// (without the end-of-run transfers, which carry period N) and at the end of the
    /// run, what enters the box's operating account leaves it, to the cent.
    #[test]
    fn the_box_nets_to_zero_in_the_ledger(deal in arb_deal(Debt::Any)) {
        let r = run_ok(&deal)?;
        for t in r.ledger.transfers() {
            prop_assert!(t.amount.is_positive(), "{:?}", t);
            prop_assert!(t.from != t.to, "{:?}", t);
        }
        for k in 0..=r.periods.len() {
            let (into, out) = box_net(&r, |p, s| p == k && s != Step::Terminal);
            prop_assert_eq!(into, out, "period {}", k);
        }
        let (into, out) = box_net(&r, |_, s| s == Step::Terminal);
        prop_assert_eq!(into, out, "end of the run");
        // Every transfer belongs to close, a period 1..N or the end of the run.
        let n = r.periods.len();
        prop_assert!(r.ledger.transfers().iter().all(|t| t.period() <= n));
    }

    /// Every money figure of the JSON-facing structs sampled here is a whole number of
    /// cents (closing, every period's operating lines, facilities, DSRA and lock-up,
    /// the end of the run and the summary).
    #[test]
    fn money_figures_are_whole_cents(deal in arb_deal(Debt::Any)) {
        let r = run_ok(&deal)?;
        let c = &r.closing;
        for (name, m) in [
            ("closing.prepayment", c.prepayment),
            ("closing.equity", c.equity),
            ("closing.capex", c.capex),
            ("closing.dsra", c.dsra),
            ("closing.sponsor_excess", c.sponsor_excess),
            ("closing.sponsor_flow", c.sponsor_flow),
        ] {
            whole_cents(name, m)?;
        }
        for (_, m) in c.draws.iter().chain(&c.upfront_fees) {
            whole_cents("closing draw or fee", *m)?;
        }
        for p in &r.periods {
            let o = &p.operations;
            for m in [
                o.invoice, o.prepayment_credit, o.collections, o.colocation, o.power,
                o.expenses, o.opex, o.fees, o.cfads, p.capex, p.equity_contribution,
                p.opex_paid, p.fees_paid, p.book_value, p.sweep, p.distribution,
                p.dsra.opening, p.dsra.target, p.dsra.deposit, p.dsra.release,
                p.dsra.draw, p.dsra.closing, p.lockup.deposit, p.lockup.closing,
            ] {
                whole_cents(&format!("period {}", p.period), m)?;
            }
            for f in &p.facilities {
                for m in [
                    f.opening, f.draws, f.interest_due, f.commitment_fee_due,
                    f.interest_paid, f.principal_due, f.principal_paid, f.prepaid,
                    f.arrears(), f.closing,
                ] {
                    whole_cents(&format!("period {} {}", p.period, f.name), m)?;
                }
            }
        }
        let t = &r.terminal;
        for m in [
            t.dsra_release, t.lockup_release, t.terminal_value, t.refund_paid,
            t.opex_arrears_paid, t.fee_arrears_paid, t.sponsor, t.other_unpaid,
            t.lender_loss,
        ] {
            whole_cents("terminal", m)?;
        }
        let s = &r.summary;
        for m in [
            s.senior_commitment, s.senior_balance_at_halfway, s.terminal_value,
            s.lender_loss, s.total_invoice, s.total_collections, s.total_opex,
            s.total_fees, s.total_interest, s.total_principal, s.total_distributions,
            s.total_equity,
        ] {
            whole_cents("summary", m)?;
        }
        if let Some(npv) = s.npv {
            whole_cents("summary.npv", npv)?;
        }
    }

    /// A senior sized with `repay_by = "halfway"` is repaid by the halfway period.
    ///
    /// Why it is guaranteed: sizing makes interest + fee + p_k <= floor2(CFADS_k /
    /// dscr) <= CFADS_k in every window period g+1..H (dscr >= 1.10 here), the run's
    /// cash after steps 1-2 is CFADS_k when no opex or fee arrears come in, and steps
    /// 3-4 come before anything else takes cash (DSRA deposits, junior debt, sweeps
    /// and lock-ups only follow, and the DSRA and prepayments only add cash or lower
    /// the balance). What sizing does not test are the interest-only periods 1..g:
    /// their interest is "paid from cash or the DSRA" (section 7), so a deal whose
    /// CFADS there is below the scheduled interest and fee may legitimately fall
    /// into arrears; such draws are set aside.
    #[test]
    fn sized_halfway_senior_is_repaid_by_halfway(deal in arb_deal(Debt::SizedHalfwaySenior)) {
        let senior = deal.senior().unwrap();
        prop_assume!(senior.repay_by == RepayBy::Halfway);
        let sized = matches!(senior.commitment, Commitment::Sized { .. });
        prop_assert!(sized);
        let r = run_ok(&deal)?;
        let plan = r.plan.senior().unwrap();
        let g = plan.interest_only_periods;
        let io_covered = plan.schedule.rows[..g].iter().zip(r.plan.operations.iter()).all(|(row, ops)| {
            ops.cfads >= row.interest + row.commitment_fee
        });
        prop_assume!(io_covered);
        let s = &r.summary;
        prop_assert!(
            s.halfway_covenant,
            "senior {} ({:?}) owes {} at halfway period {}; events {:#?}",
            plan.commitment, plan.binding, s.senior_balance_at_halfway, s.halfway_period,
            r.events
        );
    }

    /// With fixed amounts and schedules that do not depend on the price (every profile
    /// but `sculpted`), and no `[covenants]` (so no lock-up), a higher price (the same
    /// deal otherwise) never lowers total distributions nor raises the lender loss.
    ///
    /// Why it holds: collections rise in every period (a prepayment credit of
    /// `round2(invoice · share)` with share <= 1 rises by at most the invoice, and a
    /// used-up prepayment only credits less), share-of-revenue expenses take at most
    /// their share of the rise, and the close schedule, DSRA targets and dues are the
    /// same, so every step of the waterfall is paid at least as much and the rest
    /// flows to the sponsor. Both restrictions are needed (the generated search found
    /// counterexamples to each):
    /// - a sculpted fixed amount is shaped to CFADS / target_dscr, so a higher price
    ///   schedules more principal (and a larger DSRA, funded at close) earlier; when
    ///   the deal defaults, that cash goes to the lender and distributions fall;
    /// - a lock-up that bites at the low price but not at the high one changes the
    ///   path (cash trapped or swept instead of distributed).
    #[test]
    fn a_higher_price_with_fixed_schedules_helps(
        deal in arb_params(Debt::FixedUnsculpted).prop_map(|mut p| {
            p.covenants = None;
            p.build()
        }),
        cents in 1_i64..=100,
    ) {
        let low = run_ok(&deal)?;
        let high = run_ok(&with_price_raised(&deal, cents))?;
        prop_assert!(
            high.summary.total_distributions >= low.summary.total_distributions,
            "distributions {} at +{} cents < {}",
            high.summary.total_distributions, cents, low.summary.total_distributions
        );
        prop_assert!(
            high.summary.lender_loss <= low.summary.lender_loss,
            "lender loss {} at +{} cents > {}",
            high.summary.lender_loss, cents, low.summary.lender_loss
        );
    }

    /// With any debt, a higher price never lowers the sponsor's total net cash
    /// (closing flow + distributions - equity contributions + terminal flows), as long
    /// as every claim ahead of the sponsor is paid in full in both runs (no lender
    /// loss, no unpaid refund, opex or fee arrears).
    ///
    /// The condition is needed: a higher price raises the sized commitment or the
    /// sculpted schedule, hence the DSRA the sponsor funds at close; when the box
    /// cannot pay its claims at the end, that extra equity goes to the lenders or to
    /// the customer's refund instead of coming back (shrunk: a 1-month deal whose
    /// unused prepayment can't be refunded; one cent more per GPU-hour lowers the
    /// sponsor's net cash by 0.07, the extra interest on a larger sized loan).
    #[test]
    fn a_higher_price_never_lowers_the_sponsors_net_cash(
        deal in arb_deal(Debt::Some),
        cents in 1_i64..=100,
    ) {
        let low = run_ok(&deal)?;
        let high = run_ok(&with_price_raised(&deal, cents))?;
        let solvent = |r: &Run| r.summary.lender_loss.is_zero() && r.terminal.other_unpaid.is_zero();
        prop_assume!(solvent(&low) && solvent(&high));
        let (a, b) = (sponsor_net_cash(&low), sponsor_net_cash(&high));
        prop_assert!(b >= a, "sponsor net cash {} at +{} cents < {}", b, cents, a);
    }

    /// A sized senior never loses more at a higher price, as long as its interest-only
    /// periods are covered in both runs (CFADS_k >= scheduled interest + commitment fee
    /// for k <= g): then it loses nothing at either price.
    ///
    /// Why it holds: with the interest-only periods covered, the argument of
    /// `sized_halfway_senior_is_repaid_by_halfway` applies to each run (sizing keeps
    /// window debt service within floor2(CFADS_k / dscr) <= CFADS_k, and steps 3-4 come
    /// first), so the senior is repaid by H and, no capex falling after `end_H`, never
    /// drawn again. Without the condition the law fails: see
    /// `a_higher_price_can_raise_a_sized_seniors_loss`. The generated deals here also
    /// put the first capacity line online late and the senior on interest-only periods
    /// about as often as not, so the condition is exercised.
    #[test]
    fn a_higher_price_never_raises_a_covered_sized_seniors_loss(
        deal in (
            arb_params(Debt::SizedHalfwaySenior),
            any::<Option<proptest::sample::Index>>(),
            any::<Option<proptest::sample::Index>>(),
        )
            .prop_map(|(mut p, io, online)| {
                if let (Some(s), Some(io)) = (p.senior.as_mut(), io) {
                    s.io = Some(io);
                }
                if online.is_some() {
                    p.lines[0].online = online;
                }
                p.build()
            }),
        cents in 1_i64..=100,
    ) {
        let low = run_ok(&deal)?;
        let high = run_ok(&with_price_raised(&deal, cents))?;
        prop_assume!(interest_only_covered(&low) && interest_only_covered(&high));
        let (a, b) = (senior_loss(&low), senior_loss(&high));
        prop_assert!(b <= a, "senior loss {} at +{} cents > {}", b, cents, a);
        prop_assert!(a.is_zero() && b.is_zero(), "senior loss {} and {}", a, b);
    }

    /// A facility with a fixed amount of 0.00 funds no capex payment, so validation
    /// accepts capex dated after its deadline (`funds_capex` in the deal crate); such a
    /// deal must run.
    #[test]
    fn a_zero_amount_facility_never_blocks_capex(deal in arb_deal_with_zero_senior_and_late_capex()) {
        prop_assert!(validate(&deal).is_empty(), "{:#?}", validate(&deal));
        let r = run_ok(&deal)?;
        prop_assert!(r.verify().is_empty());
    }
}

/// A box of 100 GPUs for 4 months from 2026-01-01 whose 13 servers (1,950,000.00) are
/// all paid on 2026-02-15, funded by a senior bullet of 1,000,000.00 at 8% with a 0.5%
/// commitment fee, due at halfway (H = 2), a 2-month DSRA funded at close and a
/// lock-up below a DSCR of 1.20 (hold). An expense of 148,320.00 runs in January only.
#[allow(clippy::needless_update)]
fn delayed_draw_deal(price: &str) -> Deal {
    use boxflow_core::{DayCount, Frequency, Quantity, Rate, Ratio, Share};
    use boxflow_model::*;
    use common::{d, date, m};
    let close = date("2026-01-01");
    Deal {
        name: "Delayed draw".into(),
        currency: "USD".into(),
        close,
        frequency: Frequency::Monthly,
        contract: Contract {
            customer: "Customer".into(),
            term_months: 4,
            escalator: Rate::ZERO,
            prepayment: Money::ZERO,
            prepayment_credit_share: Share::ZERO,
            capacity: vec![CapacityLine {
                name: None,
                gpus: 100,
                online: close,
                price_per_gpu_hour: Quantity::new(d(price)),
            }],
        },
        purchase_orders: vec![PurchaseOrder {
            item: None,
            units: 13,
            unit_cost: Quantity::new(d("150000")),
            payments: vec![CapexPayment {
                date: date("2026-02-15"),
                share: Share::ONE,
            }],
            useful_life_months: 48,
            residual_share: Share::ZERO,
        }],
        datacenters: vec![],
        expenses: vec![Expense {
            name: None,
            basis: ExpenseBasis::PerMonth(Quantity::new(d("148320"))),
            escalator: Rate::ZERO,
            start: close,
            end: Some(date("2026-02-01")),
        }],
        fees: vec![],
        facilities: vec![Facility {
            name: "Senior".into(),
            rank: Rank::Senior,
            commitment: Commitment::Fixed {
                amount: m("1000000"),
                target_dscr: None,
            },
            rate: RateSpec::Fixed(Rate::new(d("0.08"))),
            day_count: DayCount::Act360,
            amortization: Amortization::Bullet,
            interest_only_periods: 0,
            repay_by: RepayBy::Halfway,
            upfront_fee: Rate::ZERO,
            commitment_fee: Rate::new(d("0.005")),
            sweep: Share::ZERO,
        }],
        reserve: Some(Reserve {
            months: 2,
            funded_at_close: true,
        }),
        covenants: Some(Covenants {
            min_dscr: None,
            lockup_dscr: Some(Ratio::new(d("1.20"))),
            lockup_action: LockupAction::Hold,
            repaid_by_fraction: Share::new(d("0.5")),
            max_ltv: None,
        }),
        curves: Default::default(),
        analysis: None,
        // Keys added later (stress scenarios) take the reference deal's values.
        ..common::reference_deal()
    }
}

/// Section 8 (ruling A93): the step-5 target caps the principal cover by `E_k`, the
/// senior balance after step 4 plus the commitment still to be drawn, so the cover
/// of a delayed draw funded at close is kept until the draw. Worked by hand:
///
/// Close schedule (ACT/360): fee_1 = round2(1,000,000 · 0.005 · 31 / 360) =
/// round2(430.555…) = 430.56; the draw of 1,000,000.00 on 2026-02-15 bears
/// interest_2 = round2(1,000,000 · 0.08 · 14 / 360) = round2(3,111.111…) = 3,111.11,
/// fee_2 = round2(1,000,000 · 0.005 · 28 / 360) = round2(388.888…) = 388.89, and the
/// bullet is p_2 = 1,000,000.00 (H = floor(4 · 0.5) = 2); nothing after period 2.
///
/// Close target, W = 1..2, E_0 = C: 430.56 + 3,111.11 + 388.89 + min(1,000,000, C) =
/// 1,003,930.56, all equity (no draw at close).
///
/// Period 1 (31 days): invoice 100 · P · 24 · 31 = 148,800.00 at P = 2.00 (149,544.00
/// at 2.01), expense 148,320.00, CFADS 480.00 (1,224.00). Step 3 pays the fee
/// 430.56 from cash. Step 5: E_1 = balance 0.00 + undrawn 1,000,000.00, W = 2..3:
/// 3,111.11 + 388.89 + min(1,000,000, 1,000,000) = 1,003,500.00, so only 430.56 is
/// released (the old rule, capped by the drawn balance 0.00, released 1,000,430.56).
/// At 2.00 DSCR_1 = 480 / 430.56 < 1.20: the 480.00 is held; at 2.01 DSCR_1 =
/// 1,224 / 430.56 = 2.84 and 1,224.00 is distributed.
///
/// Period 2 (28 days): CFADS 100 · P · 24 · 28 = 134,400.00 (135,072.00). Step 3 pays
/// 3,500.00 from cash; step 4 owes the 1,000,000.00 bullet: 130,900.00 from cash and
/// 869,100.00 from the DSRA (131,572.00 and 868,428.00 at 2.01), leaving
/// 1,003,500.00 - 869,100.00 = 134,400.00 (135,072.00). The senior is repaid, E_2 = 0,
/// the target is 0 and the 134,400.00 (135,072.00) is released; DSCR_2 =
/// 134,400 / 1,003,500 < 1.20, so it is held.
///
/// Period 3 (31 days, no debt, DSCR null): the lock-up account is released:
/// 480.00 + 134,400.00 + 148,800.00 = 283,680.00 distributed (135,072.00 + 149,544.00
/// = 284,616.00 at 2.01). Period 4 (30 days): 144,000.00 (144,720.00). No lender loss
/// at either price.
#[test]
fn section_8_keeps_the_cover_of_a_delayed_draw() {
    use common::m;
    assert!(validate(&delayed_draw_deal("2.00")).is_empty());
    let low = run(&valid(delayed_draw_deal("2.00"))).unwrap();
    let high = run(&valid(delayed_draw_deal("2.01"))).unwrap();
    for r in [&low, &high] {
        assert!(r.verify().is_empty(), "{:#?}", r.verify());
        assert_eq!(r.closing.dsra, m("1003930.56"));
        assert_eq!(r.closing.equity, m("1003930.56"));
        assert_eq!(r.periods[0].dsra.target, m("1003500.00"));
        assert_eq!(r.periods[0].dsra.release, m("430.56"));
        let senior = &r.periods[1].facilities[0];
        assert_eq!(senior.draws, m("1000000.00"));
        assert_eq!(senior.interest_due, m("3111.11"));
        assert_eq!(senior.commitment_fee_due, m("388.89"));
        assert_eq!(senior.principal_paid, m("1000000.00"));
        assert_eq!(senior.closing, Money::ZERO);
        assert_eq!(r.periods[1].dsra.target, Money::ZERO);
        assert_eq!(r.summary.senior_repaid_period, Some(2));
        assert!(r.summary.halfway_covenant);
        assert_eq!(r.summary.lender_loss, Money::ZERO);
    }
    let dist = |r: &Run| r.periods.iter().map(|p| p.distribution).collect::<Vec<_>>();
    assert_eq!(low.periods[1].dsra.draw, m("869100.00"));
    assert_eq!(low.periods[1].dsra.release, m("134400.00"));
    assert_eq!(dist(&low), [m("0"), m("0"), m("283680.00"), m("144000.00")]);
    assert_eq!(high.periods[1].dsra.draw, m("868428.00"));
    assert_eq!(high.periods[1].dsra.release, m("135072.00"));
    assert_eq!(
        dist(&high),
        [m("1224.00"), m("0"), m("284616.00"), m("144720.00")]
    );
}

/// Section 8 (A93) when the senior is fully drawn at close: the undrawn commitment is
/// 0, so `E_k` is the balance alone. The delayed-draw deal with its payment moved to
/// close: the 1,000,000.00 is drawn at close, no commitment fee;
/// interest_1 = round2(1,000,000 · 0.08 · 31 / 360) = round2(6,888.888…) = 6,888.89,
/// interest_2 = round2(1,000,000 · 0.08 · 28 / 360) = round2(6,222.222…) = 6,222.22.
/// Close target: 6,888.89 + 6,222.22 + min(1,000,000, E_0 = C) = 1,013,111.11.
/// Period 1 (W = 2..3): 6,222.22 + min(1,000,000, E_1 = 1,000,000 + 0) = 1,006,222.22.
/// Period 2 repays the bullet: E_2 = 0 + 0, target 0.
#[test]
fn section_8_drawn_at_close_caps_by_the_balance() {
    use boxflow_core::Share;
    use common::{date, m};
    let mut deal = delayed_draw_deal("2.00");
    deal.purchase_orders[0].payments[0].date = date("2026-01-01");
    deal.purchase_orders[0].payments[0].share = Share::ONE;
    assert!(validate(&deal).is_empty());
    let r = run(&valid(deal)).unwrap();
    assert!(r.verify().is_empty());
    assert_eq!(r.closing.dsra, m("1013111.11"));
    assert_eq!(r.periods[0].dsra.target, m("1006222.22"));
    assert_eq!(r.periods[1].dsra.target, Money::ZERO);
}

/// The four-month box of the remainder-draw tests (section 4, ruling A98): from
/// 2026-01-01, `gpus` GPUs at `price` an hour online at close, no costs, no
/// prepayment, reserve or covenants, and the purchase orders `orders`, funded by one
/// senior of `amount` at 8% fixed (ACT/360), straight line over 4 months, no fees,
/// sweeping the share `sweep` of excess cash.
#[allow(clippy::needless_update)]
fn capex_box(
    gpus: u64,
    price: &str,
    orders: Vec<boxflow_model::PurchaseOrder>,
    amount: Money,
    sweep: boxflow_core::Share,
) -> Deal {
    use boxflow_core::{Quantity, Rate, Share};
    use boxflow_model::*;
    use common::{d, date, reference_deal};
    let close = date("2026-01-01");
    let base = reference_deal();
    Deal {
        close,
        contract: Contract {
            term_months: 4,
            prepayment: Money::ZERO,
            prepayment_credit_share: Share::ZERO,
            capacity: vec![CapacityLine {
                name: None,
                gpus,
                online: close,
                price_per_gpu_hour: Quantity::new(d(price)),
            }],
            ..base.contract.clone()
        },
        purchase_orders: orders,
        datacenters: vec![],
        expenses: vec![],
        fees: vec![],
        facilities: vec![Facility {
            commitment: Commitment::Fixed {
                amount,
                target_dscr: None,
            },
            rate: RateSpec::Fixed(Rate::new(d("0.08"))),
            amortization: Amortization::StraightLine,
            repay_by: RepayBy::Months(4),
            upfront_fee: Rate::ZERO,
            commitment_fee: Rate::ZERO,
            sweep,
            ..base.facilities[0].clone()
        }],
        reserve: None,
        covenants: None,
        curves: Default::default(),
        ..base
    }
}

/// One unit costing `unit_cost`, paid by `payments`, depreciated over 48 months to 0.
fn one_unit(
    unit_cost: &str,
    payments: Vec<boxflow_model::CapexPayment>,
) -> boxflow_model::PurchaseOrder {
    boxflow_model::PurchaseOrder {
        item: None,
        units: 1,
        unit_cost: boxflow_core::Quantity::new(common::d(unit_cost)),
        payments,
        useful_life_months: 48,
        residual_share: boxflow_core::Share::ZERO,
    }
}

/// The whole cost paid on `date`.
fn paid_on(date: chrono::NaiveDate) -> Vec<boxflow_model::CapexPayment> {
    vec![boxflow_model::CapexPayment {
        date,
        share: boxflow_core::Share::ONE,
    }]
}

/// Two orders of one 150,000.00 server each, paid on `close`; the first also lists a
/// payment of share 0 on 2026-02-15 (period 2 of a box closing on 2026-01-01).
fn servers_with_a_zero_payment(close: chrono::NaiveDate) -> Vec<boxflow_model::PurchaseOrder> {
    let zero = boxflow_model::CapexPayment {
        date: common::date("2026-02-15"),
        share: boxflow_core::Share::ZERO,
    };
    let mut first = paid_on(close);
    first.push(zero);
    vec![
        one_unit("150000", first),
        one_unit("150000", paid_on(close)),
    ]
}

/// Two orders of one 150,000.00 server each, paid at close; the first also lists a
/// payment of share 0 on 2026-02-15. A senior of 200,000.01 funds T = 300,000.00 pro
/// rata: round2(200,000.01 · 150,000 / 300,000) = round2(100,000.005) = 100,000.01 on
/// the first payment at close; before ruling A98 the last payment by date (the zero
/// one, in period 2) drew the remainder 200,000.01 - 200,000.02 = -0.01, which broke
/// "facility balance rolls forward". Now the second close payment, the last non-zero
/// one, draws the remainder 100,000.00, and the facility still draws exactly C.
#[test]
fn a_negative_remainder_draw_rolls_forward() {
    use boxflow_core::Share;
    use common::{date, m};
    let close = date("2026-01-01");
    let deal = capex_box(
        16,
        "2.00",
        servers_with_a_zero_payment(close),
        m("200000.01"),
        Share::ZERO,
    );
    assert!(validate(&deal).is_empty(), "{:#?}", validate(&deal));
    let r = run(&valid(deal)).unwrap();
    assert_eq!(
        r.plan.facilities[0].draws,
        [m("100000.01"), m("100000.00"), m("0.00")]
    );
    assert_eq!(r.verify(), vec![]);
}

/// Ruling A98 (section 4): the remainder draw goes to the last capex payment with a
/// non-zero amount; a zero payment draws nothing.
///
/// Two orders of one 150,000.00 server each, paid at close; the first also lists a
/// payment of share 0 on 2026-02-15 (period 2), so T = 300,000.00. A senior of
/// 200,000.01 (8% fixed, ACT/360, straight line over 4 months, sweep 1) funds them:
/// - the first close payment draws round2(200,000.01 · 150,000 / 300,000) =
///   round2(100,000.005) = 100,000.01;
/// - the second close payment is the last non-zero one: it draws the remainder
///   200,000.01 - 100,000.01 = 100,000.00;
/// - the zero payment of 2026-02-15 draws 0.00 (the old rule gave it the remainder
///   200,000.01 - 200,000.02 = -0.01).
///
/// 100 GPUs at 4.00: invoice_1 = 100 · 4 · 24 · 31 = 297,600.00 = CFADS_1 (no costs).
/// Interest_1 = round2(200,000.01 · 0.08 · 31 / 360) = round2(1,377.7778466…) = 1,377.78;
/// p_1 = round2(200,000.01 / 4) = round2(50,000.0025) = 50,000.00; the sweep then prepays
/// min(round2(297,600 - 1,377.78 - 50,000 = 246,222.22 · 1), 150,000.01) = 150,000.01:
/// the facility is repaid in period 1. With the old rule, period 2's -0.01 draw left a
/// balance of -0.01 and `run` stopped on "no negative balance"; now it stays 0.00.
#[test]
fn a_zero_capex_payment_draws_nothing_after_repayment() {
    use boxflow_core::Share;
    use common::{date, m};
    let close = date("2026-01-01");
    let deal = capex_box(
        100,
        "4.00",
        servers_with_a_zero_payment(close),
        m("200000.01"),
        Share::ONE,
    );
    assert!(validate(&deal).is_empty(), "{:#?}", validate(&deal));
    let r = run(&valid(deal)).unwrap();
    assert_eq!(
        r.plan.facilities[0].draws,
        [m("100000.01"), m("100000.00"), m("0.00")]
    );
    assert_eq!(r.closing.draws[0].1, m("200000.01"));
    assert_eq!(r.closing.equity, m("99999.99"));
    let p1 = &r.periods[0].facilities[0];
    assert_eq!(p1.interest_due, m("1377.78"));
    assert_eq!(p1.principal_paid, m("50000.00"));
    assert_eq!(p1.prepaid, m("150000.01"));
    assert_eq!(p1.closing, Money::ZERO);
    let p2 = &r.periods[1].facilities[0];
    assert_eq!(p2.draws, Money::ZERO);
    assert_eq!(p2.closing, Money::ZERO);
    assert_eq!(r.verify(), vec![]);
}

/// A negative remainder draw after the facility is repaid (section 4 against the
/// invariant "no balance is negative" of section 14; docs/methodology.md, *Decided*).
///
/// Three orders of one 150,000.00 server, each paid at close, and a fourth of one
/// 0.01 cable paid on 2026-02-15 (period 2): T = 450,000.01. A senior of 200,000.00
/// (8% fixed, ACT/360, straight line over 4 months, sweep 1) funds them pro rata:
/// - each server draws round2(200,000.00 · 150,000.00 / 450,000.01) =
///   round2(66,666.66518…) = 66,666.67, 200,000.01 in all at close;
/// - the cable, the last non-zero payment, draws the remainder
///   200,000.00 - 200,000.01 = -0.01.
///
/// 100 GPUs at 4.00: invoice_1 = 100 · 4 · 24 · 31 = 297,600.00 = CFADS_1 (no costs).
/// interest_1 = round2(200,000.01 · 0.08 · 31 / 360) = round2(1,377.77785…) = 1,377.78;
/// p_1 = round2(200,000.00 / 4) = 50,000.00 (the close schedule of C), and the sweep
/// prepays the rest of the balance, 150,000.01: the facility is repaid in period 1.
/// In period 2 the -0.01 would leave a balance of -0.01 (`run` used to stop on "no
/// negative balance"): the draw returns at most the balance, 0.00, so the facility
/// draws 0.00 and the sponsor pays the whole 0.01 of the cable (equity 0.01, not the
/// 0.01 - (-0.01) = 0.02 of the uncut draw).
#[test]
fn a_negative_remainder_draw_never_takes_a_balance_below_zero() {
    use boxflow_core::Share;
    use common::{date, m};
    let close = date("2026-01-01");
    let deal = capex_box(
        100,
        "4.00",
        vec![
            one_unit("150000", paid_on(close)),
            one_unit("150000", paid_on(close)),
            one_unit("150000", paid_on(close)),
            one_unit("0.01", paid_on(date("2026-02-15"))),
        ],
        m("200000.00"),
        Share::ONE,
    );
    assert!(validate(&deal).is_empty(), "{:#?}", validate(&deal));
    let server = m("150000.00");
    let pro_rata = boxflow_amortize::pro_rata_draws(
        m("200000.00"),
        &[server, server, server, m("0.01")],
        m("450000.01"),
    )
    .unwrap();
    assert_eq!(
        pro_rata,
        [m("66666.67"), m("66666.67"), m("66666.67"), m("-0.01")]
    );
    let r = run(&valid(deal)).unwrap();
    // The run's plan holds the draws as made: the cable's is cut to 0.00.
    assert_eq!(
        r.plan.facilities[0].draws,
        [m("66666.67"), m("66666.67"), m("66666.67"), m("0.00")]
    );
    assert_eq!(r.closing.draws[0].1, m("200000.01"));
    let p1 = &r.periods[0].facilities[0];
    assert_eq!(p1.interest_due, m("1377.78"));
    assert_eq!(p1.principal_paid, m("50000.00"));
    assert_eq!(p1.prepaid, m("150000.01"));
    assert_eq!(p1.closing, Money::ZERO);
    let p2 = &r.periods[1];
    assert_eq!(p2.facilities[0].draws, Money::ZERO);
    assert_eq!(p2.facilities[0].closing, Money::ZERO);
    assert_eq!(p2.equity_contribution, m("0.01"));
    assert!(r.terminal.facilities[0].loss.is_zero());
    assert_eq!(r.verify(), vec![]);
}

/// "A higher price never raises the lender loss" does not hold for sized senior debt
/// when sizing's untested interest-only periods can't pay (the generated search found
/// this deal; the figures are worked here by hand).
///
/// Close 2024-01-01, monthly, 12 months (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
/// days). 37 GPUs online 2024-04-27; 5 servers at 150,000.00 paid at close; fees of
/// 272,815 and 360,708 a year: round2(272,815 / 12) + round2(360,708 / 12) =
/// 22,734.58 + 30,059.00 = 52,793.58 a month. A senior sized at 1.30x (80% gearing),
/// 8% fixed, ACT/360, sculpted, 4 interest-only periods, H = floor(12 · 0.42) = 5:
/// the window is period 5 alone, whose p_5 clears the balance, so feasible(C) is
/// C + round2(C · 0.08 · 31 / 360) <= cap_5 = floor2(CFADS_5 / 1.3).
///
/// At 2.46: invoice_5 = 37 · 2.46 · 24 · 31 = 67,718.88, CFADS_5 = 14,925.30,
/// cap_5 = floor2(11,481.0000) = 11,481.00; C = 11,402.45 (interest 78.55: 11,481.00
/// exactly; one cent more is 11,481.01). At 2.47: invoice_5 = 67,994.16, CFADS_5 =
/// 15,200.58, cap_5 = floor2(11,692.7538…) = 11,692.75, C = 11,612.75 (+ 80.00).
///
/// Cash never reaches the senior: revenue over the term is 37 · P · 24 · (4 + 245
/// days) = 543,935.52 at 2.46 (546,146.64 at 2.47), below the 12 · 52,793.58 =
/// 633,522.96 of fees, which step 2 pays first with their arrears. So the senior loses
/// C plus the interest of every period, round2(C · 0.08 · days / 360):
/// at 2.46, 78.55 (31 days), 73.48 (29), 76.02 (30): 7 · 78.55 + 73.48 + 4 · 76.02 =
/// 927.41, loss 12,329.86; at 2.47, 80.00, 74.84, 77.42: 7 · 80.00 + 74.84 + 4 · 77.42
/// = 944.52, loss 12,557.27. One cent more per GPU-hour raises the sized commitment
/// and with it the loss.
#[test]
#[allow(clippy::needless_update)]
fn a_higher_price_can_raise_a_sized_seniors_loss() {
    use boxflow_core::{Quantity, Rate, Ratio, Share};
    use boxflow_model::*;
    use common::{d, date, m, reference_deal};
    let deal = |price: &str| {
        let base = reference_deal();
        let close = date("2024-01-01");
        let fee = |per_year: &str| Fee {
            name: None,
            per_year: Quantity::new(d(per_year)),
            start: close,
            end: None,
        };
        Deal {
            close,
            contract: Contract {
                term_months: 12,
                escalator: Rate::ZERO,
                prepayment: Money::ZERO,
                prepayment_credit_share: Share::ZERO,
                capacity: vec![CapacityLine {
                    name: None,
                    gpus: 37,
                    online: date("2024-04-27"),
                    price_per_gpu_hour: Quantity::new(d(price)),
                }],
                ..base.contract.clone()
            },
            purchase_orders: vec![PurchaseOrder {
                item: None,
                units: 5,
                unit_cost: Quantity::new(d("150000")),
                payments: vec![CapexPayment {
                    date: close,
                    share: Share::ONE,
                }],
                useful_life_months: 12,
                residual_share: Share::ZERO,
            }],
            datacenters: vec![],
            expenses: vec![],
            fees: vec![fee("272815"), fee("360708")],
            facilities: vec![Facility {
                commitment: Commitment::Sized {
                    dscr: Ratio::new(d("1.3")),
                    max_gearing: Share::new(d("0.8")),
                },
                rate: RateSpec::Fixed(Rate::new(d("0.08"))),
                amortization: Amortization::Sculpted,
                interest_only_periods: 4,
                repay_by: RepayBy::Halfway,
                upfront_fee: Rate::ZERO,
                commitment_fee: Rate::ZERO,
                ..base.facilities[0].clone()
            }],
            reserve: None,
            covenants: Some(Covenants {
                min_dscr: None,
                lockup_dscr: None,
                lockup_action: LockupAction::Sweep,
                repaid_by_fraction: Share::new(d("0.42")),
                max_ltv: None,
            }),
            curves: Default::default(),
            analysis: None,
            ..base
        }
    };
    let (low, high) = (deal("2.46"), deal("2.47"));
    assert!(validate(&low).is_empty(), "{:#?}", validate(&low));
    let low = run(&valid(low)).unwrap();
    let high = run(&valid(high)).unwrap();
    assert!(low.verify().is_empty() && high.verify().is_empty());
    assert_eq!(low.summary.senior_commitment, m("11402.45"));
    assert_eq!(high.summary.senior_commitment, m("11612.75"));
    assert!(!interest_only_covered(&low) && !interest_only_covered(&high));
    assert_eq!(low.summary.lender_loss, m("12329.86"));
    assert_eq!(high.summary.lender_loss, m("12557.27"));
    assert!(high.summary.lender_loss > low.summary.lender_loss);
}
