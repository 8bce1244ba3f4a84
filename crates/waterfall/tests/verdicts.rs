//! One test per verdict code (issue 12), and each facility judged at its own deadline.
//!
//! Every deal is built in code, small enough to work out by hand. Most share one shape:
//! close 2026-01-01, monthly, 10 GPUs at 1.00 per GPU-hour, so the invoices are
//! 10 · 24 · days: 7,440.00 (January, 31 days), 6,720.00 (February, 28),
//! 7,440.00 (March, 31), 7,200.00 (April, 30); one purchase order of 1 unit at
//! 10,000.00 paid at close with no residual value (T = 10,000.00, terminal value 0);
//! one expense per month (a full month each period, so exactly that amount); no fee,
//! no prepayment. Facilities bear 0% so that debt service is principal alone.

mod common;

use boxflow_core::{Frequency, Money};
use boxflow_model::{
    Amortization, CapacityBuilder, ContractBuilder, CovenantsBuilder, Deal, DealBuilder,
    ExpenseBuilder, FacilityBuilder, PurchaseOrderBuilder, RateSpec, ValidDeal,
};
use boxflow_waterfall::{facility_deadlines, run, verdicts, Run, Verdict};
use common::*;

/// The shared shape: `months` periods, `expense` a month, no facility yet.
fn base(months: u32, expense: &str) -> DealBuilder {
    let close = date("2026-01-01");
    Deal::builder("verdicts", close, Frequency::Monthly)
        .contract(ContractBuilder::new("C", months).capacity(CapacityBuilder::new(10, d("1.00"))))
        .purchase_order(PurchaseOrderBuilder::new(1, d("10000"), 12).payment(close, d("1")))
        .expense(ExpenseBuilder::per_month(d(expense)))
}

/// A fixed facility at 0%.
fn fixed(name: &str, amount: &str) -> FacilityBuilder {
    FacilityBuilder::fixed(name, RateSpec::fixed(d("0")), d(amount))
}

fn run_all(deal: ValidDeal) -> (ValidDeal, Run, Vec<Verdict>) {
    let r = run(&deal).unwrap();
    assert!(r.verify().is_empty(), "{:?}", r.verify());
    let v = verdicts(&deal, &r);
    (deal, r, v)
}

/// The only verdict with `code`.
fn only<'a>(verdicts: &'a [Verdict], code: &str) -> &'a Verdict {
    let found: Vec<&Verdict> = verdicts.iter().filter(|v| v.code == code).collect();
    assert_eq!(found.len(), 1, "one {code} in {verdicts:#?}");
    found[0]
}

fn codes(verdicts: &[Verdict]) -> Vec<&'static str> {
    verdicts.iter().map(|v| v.code).collect()
}

/// 3 periods, expense 6,000.00: CFADS 7,440 - 6,000 = 1,440.00; 6,720 - 6,000 =
/// 720.00; 1,440.00. A fixed 9,000.00 bullet at 0% due in period 3 (`repay_by` 3,
/// halfway floor(3 · 0.5) = 1), no reserve. Periods 1 and 2 owe nothing; period 3 owes
/// 9,000.00 and pays its CFADS, 1,440.00: 7,560.00 unpaid, and the terminal value of 0
/// covers none of it.
fn bullet_default() -> DealBuilder {
    base(3, "6000").facility(
        fixed("loan", "9000")
            .amortization(Amortization::Bullet)
            .repay_by_months(3),
    )
}

#[test]
fn payment_default_names_the_period_and_amounts() {
    let (_, r, v) = run_all(bullet_default().build().unwrap());
    assert_eq!(
        codes(&v),
        [
            "payment_default",
            "halfway_failed",
            "deadline_missed",
            "lender_loss"
        ]
    );
    let p = only(&v, "payment_default");
    assert_eq!(p.period, Some(3));
    assert_eq!(p.facility.as_deref(), Some("loan"));
    // Principal due 9,000.00, paid 1,440.00 (period 3's CFADS), unpaid 7,560.00; no
    // reserve, so nothing drawn from it.
    assert_eq!(
        p.message,
        "loan: payment default in period 3: in period 3, principal due 9000.00, paid 1440.00, \
         unpaid 7560.00; CFADS 1440.00, reserve opening 0.00 drawn 0.00. There is no reserve. \
         To help: add a reserve funded at close ([reserve] months = 6), or lower the commitment"
    );
    assert_eq!(r.periods[2].facilities[0].closing, m("7560.00"));
}

#[test]
fn halfway_failed_gives_the_balance_still_owed() {
    let (_, r, v) = run_all(bullet_default().build().unwrap());
    let h = only(&v, "halfway_failed");
    // Halfway floor(3 · 0.5) = 1: nothing is repaid before the bullet, 9,000.00 owed;
    // 7,560.00 is still owed after period 3, so never repaid.
    assert_eq!(h.period, Some(1));
    assert_eq!(h.facility.as_deref(), Some("loan"));
    assert_eq!(
        h.message,
        "the senior is not repaid by the halfway period 1: 9000.00 is still owed, and it is \
         never repaid. Lower the commitment, or sweep excess cash into prepayments (sweep)"
    );
    assert_eq!(r.summary.senior_balance_at_halfway, m("9000.00"));
}

#[test]
fn deadline_missed_judges_the_facility_at_its_own_deadline() {
    let (_, _, v) = run_all(bullet_default().build().unwrap());
    let dl = only(&v, "deadline_missed");
    // repay_by 3 months = period 3 (not the halfway period 1): 9,000.00 - 1,440.00 =
    // 7,560.00 still owed at its close.
    assert_eq!(dl.period, Some(3));
    assert_eq!(dl.facility.as_deref(), Some("loan"));
    assert_eq!(
        dl.message,
        "loan: not repaid by its deadline, period 3: 7560.00 is still owed, and it is never repaid"
    );
}

#[test]
fn lender_loss_is_what_the_terminal_value_cannot_cover() {
    let (_, r, v) = run_all(bullet_default().build().unwrap());
    let l = only(&v, "lender_loss");
    // 7,560.00 principal unpaid (0% rate: no interest), terminal value 1 · 10,000 · 0 = 0.
    assert_eq!(l.period, Some(3));
    assert_eq!(l.facility.as_deref(), Some("loan"));
    assert_eq!(
        l.message,
        "loan: the lender loses 7560.00 at the end of the run (principal and interest left unpaid)"
    );
    assert_eq!(r.terminal.terminal_value, Money::ZERO);
}

#[test]
fn dscr_default_gives_the_ratio_and_its_parts() {
    let deal = bullet_default()
        .covenants(CovenantsBuilder::new().min_dscr(d("1.2")))
        .build()
        .unwrap();
    let (_, _, v) = run_all(deal);
    let x = only(&v, "dscr_default");
    // Periods 1 and 2 owe no debt service: DSCR null, no test. Period 3: 1,440 / 9,000 =
    // 0.16 < 1.2. CFADS 1,440 = 7,440 - 6,000 is not low for a reason the verdict names
    // (all capacity online, costs below the invoice).
    assert_eq!(x.period, Some(3));
    assert_eq!(x.facility.as_deref(), Some("loan"));
    assert_eq!(
        x.message,
        "senior DSCR below min_dscr 1.2 in period 3: in period 3, DSCR 0.16 = CFADS 1440.00 / \
         debt service due 9000.00. To help: lower the commitment or shape the schedule to CFADS \
         (amortization = \"sculpted\")"
    );
}

#[test]
fn schedule_breach_lists_the_periods_over_the_cap() {
    // A fixed 3,000.00 straight line over periods 1..3 at 0%: 1,000.00 a period, tested
    // against target_dscr 1.2: caps floor2(1,440 / 1.2) = 1,200.00, floor2(720 / 1.2) =
    // 600.00, 1,200.00. Only period 2 (1,000.00 > 600.00) breaches.
    let deal = base(3, "6000")
        .facility(
            fixed("loan", "3000")
                .amortization(Amortization::StraightLine)
                .repay_by_months(3)
                .target_dscr(d("1.2")),
        )
        .build()
        .unwrap();
    let (_, _, v) = run_all(deal);
    let b = only(&v, "schedule_breach");
    assert_eq!(b.period, Some(2));
    assert_eq!(b.facility.as_deref(), Some("loan"));
    assert_eq!(
        b.message,
        "loan: the fixed amount's scheduled debt service exceeds the target DSCR's cap in period \
         2: in period 2, 1000.00 against a cap of 600.00. Lower the amount or reshape the \
         schedule (amortization = \"sculpted\")"
    );
}

#[test]
fn low_gearing_names_the_binding_period() {
    // Sized at DSCR 1.25, gearing 0.8, 0%, sculpted over periods 1..3: caps
    // floor2(1,440 / 1.25) = 1,152.00, floor2(720 / 1.25) = 576.00, 1,152.00. Sculpted
    // principal is the cap, period 3 clearing the rest, so the largest feasible C is
    // 1,152 + 576 + 1,152 = 2,880.00 (2,880.01 would need 1,152.01 in period 3); the
    // gearing cap is 0.8 · 10,000 = 8,000.00 and 2,880 < 4,000 = half of it. The lowest
    // cap, period 2's, binds; CFADS 720 is positive and its costs are below the invoice.
    let deal = base(3, "6000")
        .facility(
            FacilityBuilder::sized("loan", RateSpec::fixed(d("0")), d("1.25"), d("0.8"))
                .repay_by_months(3),
        )
        .build()
        .unwrap();
    let (_, r, v) = run_all(deal);
    assert_eq!(r.summary.senior_commitment, m("2880.00"));
    let g = only(&v, "low_gearing");
    assert_eq!(g.period, Some(2));
    assert_eq!(g.facility.as_deref(), Some("loan"));
    assert_eq!(
        g.message,
        "loan: commitment 2880.00 is less than half the gearing cap of 8000.00: the debt-service \
         cap of period 2 binds at 576.00 (CFADS 720.00). Lower the sizing DSCR, lengthen \
         repay_by or raise the contract price"
    );
    assert!(!v.iter().any(|x| x.code == "no_debt"));
}

#[test]
fn no_debt_explains_a_period_before_revenue() {
    // The GPUs come online on 2026-02-01, the start of period 2: period 1 invoices 0 and
    // pays the 1,000.00 expense, CFADS -1,000.00, cap floor2(-1,000 / 1.25) = -800.00, so
    // no C > 0 fits (debt service 0 is still above -800). Period 1 alone is negative
    // (period 2: 6,720 - 1,000), so interest_only_periods = 1 is the advice.
    let close = date("2026-01-01");
    let deal = Deal::builder("verdicts", close, Frequency::Monthly)
        .contract(
            ContractBuilder::new("C", 3)
                .capacity(CapacityBuilder::new(10, d("1.00")).online(date("2026-02-01"))),
        )
        .purchase_order(PurchaseOrderBuilder::new(1, d("10000"), 12).payment(close, d("1")))
        .expense(ExpenseBuilder::per_month(d("1000")))
        .facility(
            FacilityBuilder::sized("loan", RateSpec::fixed(d("0")), d("1.25"), d("0.8"))
                .repay_by_months(3),
        )
        .build()
        .unwrap();
    let (_, r, v) = run_all(deal);
    assert!(r.summary.senior_commitment.is_zero());
    assert_eq!(codes(&v), ["no_debt"]);
    let n = only(&v, "no_debt");
    assert_eq!(n.period, Some(1));
    assert_eq!(n.facility.as_deref(), Some("loan"));
    assert_eq!(
        n.message,
        "loan: no debt fits: sizing tests periods 1..3 and the debt-service cap of period 1 is \
         -800.00 (CFADS -1000.00); period 1's CFADS is low because capacity line 1 (10 GPUs) \
         comes online on 2026-02-01 and opex and fees of 1000.00 are due against an invoice of \
         0.00. Start repayment after the GPUs earn (interest_only_periods = 1, with a reserve \
         funded at close to pay that interest) or bring the capacity online earlier"
    );
}

/// 4 periods, expense 5,000.00: CFADS 2,440.00; 1,720.00; 2,440.00; 2,200.00. Halfway
/// floor(4 · 0.5) = 2. A senior fixed 3,000.00 at 0%, straight line by halfway:
/// 1,500.00 in periods 1 and 2. A junior fixed `junior` at 0%, a bullet due in period 4.
fn senior_and_junior(junior: &str) -> ValidDeal {
    base(4, "5000")
        .facility(fixed("senior", "3000").amortization(Amortization::StraightLine))
        .facility(
            fixed("junior", junior)
                .junior()
                .amortization(Amortization::Bullet)
                .repay_by_months(4),
        )
        .build()
        .unwrap()
}

#[test]
fn each_facility_is_judged_at_its_own_deadline() {
    // Senior: 3,000 → 1,500 → 0, repaid in period 2 = halfway and its deadline.
    // Junior 2,000.00: nothing due before period 4 (its balance at halfway is still
    // 2,000.00), then 2,000.00 paid from period 4's 2,200.00 CFADS: repaid at its own
    // deadline, period 4, so it passes although it is not repaid by halfway.
    let (_, r, v) = run_all(senior_and_junior("2000"));
    let senior: Vec<Money> = r.periods.iter().map(|p| p.facilities[0].closing).collect();
    let junior: Vec<Money> = r.periods.iter().map(|p| p.facilities[1].closing).collect();
    assert_eq!(senior, [m("1500"), m("0"), m("0"), m("0")]);
    assert_eq!(junior, [m("2000"), m("2000"), m("2000"), m("0")]);

    let dl = facility_deadlines(&r.plan, &r.closing, &r.periods);
    assert_eq!(dl, r.summary.facilities);
    assert_eq!(dl.len(), 2);
    assert_eq!(
        (
            dl[0].name.as_str(),
            dl[0].repay_by_period,
            dl[0].repaid_period
        ),
        ("senior", 2, Some(2))
    );
    assert_eq!(dl[0].balance_at_deadline, Money::ZERO);
    assert!(dl[0].passes);
    assert_eq!(
        (
            dl[1].name.as_str(),
            dl[1].repay_by_period,
            dl[1].repaid_period
        ),
        ("junior", 4, Some(4))
    );
    assert_eq!(dl[1].balance_at_deadline, Money::ZERO);
    assert!(dl[1].passes);
    assert!(r.summary.halfway_covenant);
    assert!(v.is_empty(), "{v:#?}");
}

#[test]
fn a_junior_short_at_its_deadline_fails_it_alone() {
    // Junior 4,000.00: period 4 pays 2,200.00 of it (its CFADS; the senior is repaid),
    // 1,800.00 short and still owed at its deadline, period 4, and lost at the end
    // (terminal value 0). The senior still passes at halfway.
    let (_, r, v) = run_all(senior_and_junior("4000"));
    let dl = facility_deadlines(&r.plan, &r.closing, &r.periods);
    assert!(dl[0].passes);
    assert_eq!(dl[0].repaid_period, Some(2));
    assert!(!dl[1].passes);
    assert_eq!(dl[1].repay_by_period, 4);
    assert_eq!(dl[1].repaid_period, None);
    assert_eq!(dl[1].balance_at_deadline, m("1800.00"));

    assert_eq!(
        codes(&v),
        ["junior_shortfall", "deadline_missed", "lender_loss"]
    );
    let j = only(&v, "junior_shortfall");
    assert_eq!(j.period, Some(4));
    assert_eq!(j.facility.as_deref(), Some("junior"));
    assert_eq!(
        j.message,
        "junior: junior shortfall in period 4: in period 4, due 4000.00, paid 2200.00. Raise the \
         junior's sizing DSCR or lower its commitment"
    );
    let dm = only(&v, "deadline_missed");
    assert_eq!(dm.period, Some(4));
    assert_eq!(dm.facility.as_deref(), Some("junior"));
    assert_eq!(
        dm.message,
        "junior: not repaid by its deadline, period 4: 1800.00 is still owed, and it is never repaid"
    );
    let l = only(&v, "lender_loss");
    assert_eq!(l.facility.as_deref(), Some("junior"));
    assert!(l.message.contains("loses 1800.00"));
}
