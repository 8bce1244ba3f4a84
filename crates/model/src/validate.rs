//! The semantic rules of methodology section 1, on a [`Deal`] however it was built.
//!
//! Each rule is one function whose doc comment quotes the rule. A rule reports an
//! [`Invalid`] keyed by the deal-sheet path of the key at fault; the deal-sheet reader maps
//! the path back to the key's place in the file.
//!
//! Rules come in two passes: value rules judge one value alone (a negative amount, a
//! share outside [0, 1]); cross rules judge values together (payment shares summing
//! to 1, the repayment window, capex against the deadline). A cross rule only runs on
//! values that are trusted: read without error and passing their own value rules, so
//! that one mistake is reported once, not again by every rule that reads it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Display};

use boxflow_core::{add_months, anniversaries, round2, Decimal, Frequency};
use chrono::NaiveDate;

use crate::deal::{
    Amortization, Commitment, Deal, ExpenseBasis, Facility, Rank, RateSpec, RepayBy, Scenario,
    Simulation,
};
use crate::invalid::{Invalid, RuleKind};

/// The largest value a deal sheet may hold: 1e15 ("any value above 1e15" is an error).
pub const MAX_VALUE: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// The longest name or other text a deal sheet may hold, in characters: 200. Names end
/// up in every table, CSV and JSON output and in every scenario name.
pub const MAX_NAME_CHARS: usize = 200;

/// The longest contract term, in months ("a term over 600 months" is an error).
pub const MAX_TERM_MONTHS: u32 = 600;

/// Checks every rule of methodology section 1 that can be judged on a built [`Deal`]:
/// value ranges, sums, the calendar, the repayment window, ranks and names, curves and
/// commitments against total capex. Returns one [`Invalid`] per broken rule, in a
/// stable order; an empty vector means the deal is valid.
///
/// The deal-sheet reader runs these rules too; [`Deal::validate`] runs them on a deal
/// built or changed in code and gives a [`crate::ValidDeal`].
///
/// ```
/// let mut deal = boxflow_model::Deal::example();
/// assert!(boxflow_model::validate(&deal).is_empty());
///
/// deal.contract.term_months = 601; // a term over 600 months
/// let invalid = boxflow_model::validate(&deal);
/// assert_eq!(invalid[0].path, "contract.term_months");
/// ```
pub fn validate(deal: &Deal) -> Vec<Invalid> {
    check_with_poisoned(deal, &[])
}

/// Checks one scenario against a valid deal, as [`validate`] checks the deal's own
/// `[[scenario]]` tables: the rules of a `[[scenario]]` table (docs/deal-sheet.md),
/// with paths under `scenario` (`scenario.default_period`). For scenarios built in
/// code or read from the command line; a duplicate name is not checked here.
///
/// ```
/// let deal = boxflow_model::Deal::example();
/// let mut s = boxflow_model::Scenario::new("late default");
/// s.customer_default = Some(boxflow_model::CustomerDefault { period: 25, re_lease: None });
/// let invalid = boxflow_model::validate_scenario(&deal, &s);
/// assert_eq!(invalid[0].path, "scenario.default_period"); // 24 periods only
/// ```
pub fn validate_scenario(deal: &Deal, scenario: &Scenario) -> Vec<Invalid> {
    let mut out = Vec::new();
    let mut c = Checker::new(&mut out, Distrusted::default());
    scenario_values(&mut c, "scenario", scenario);
    c.distrust_reported();
    scenario_within_term(&mut c, deal, "scenario", scenario);
    scenario_line(&mut c, deal, "scenario", scenario);
    out
}

/// [`validate_scenario`] of a scenario that differs from one that passes it only in
/// its name and rate shock (a grid point and its shared entry, which is checked
/// with no rate shock and a valid name): the rules that read the name or the rate
/// shock, in [`validate_scenario`]'s order. Every other rule reads values that
/// passed, and a name or rate shock that breaks its rule hides no other rule's
/// path, so the answer is [`validate_scenario`]'s.
///
/// ```
/// use boxflow_core::Decimal;
/// let deal = boxflow_model::Deal::example();
/// let mut s = boxflow_model::Scenario::new("");
/// s.rate_shock_bps = Decimal::from(200_000);
/// let own = boxflow_model::validate_scenario_name_and_rate(&s);
/// assert_eq!(own, boxflow_model::validate_scenario(&deal, &s));
/// assert_eq!(own[0].path, "scenario.name");
/// assert_eq!(own[1].path, "scenario.rate_shock_bps");
/// ```
pub fn validate_scenario_name_and_rate(scenario: &Scenario) -> Vec<Invalid> {
    let mut out = Vec::new();
    let mut c = Checker::new(&mut out, Distrusted::default());
    scenario_name(&mut c, "scenario.name", &scenario.name);
    rate_shock(&mut c, "scenario.rate_shock_bps", scenario.rate_shock_bps);
    out
}

/// [`validate`], skipping every rule that reads a path in `poisoned` (values the reader
/// could not read and replaced with a placeholder, already reported).
pub fn check_with_poisoned(deal: &Deal, poisoned: &[String]) -> Vec<Invalid> {
    let mut out = Vec::new();
    check_into(deal, poisoned, &mut out);
    out
}

/// Where the rules put what they find, so that a caller that shows only some broken
/// rules (the deal-sheet reader shows the first 100 by position) has the others
/// counted without their message ever being built.
///
/// For each broken rule, [`RuleSink::wants`] is asked first; only when it says yes is
/// the [`Invalid`], message and help included, built and given to [`RuleSink::push`].
/// A `Vec<Invalid>` wants every one.
///
/// ```
/// use boxflow_model::{Invalid, RuleKind, RuleSink};
///
/// /// Counts every broken rule and keeps those under `contract`.
/// #[derive(Default)]
/// struct Contract { kept: Vec<Invalid>, count: usize }
/// impl RuleSink for Contract {
///     fn wants(&mut self, _kind: RuleKind, path: &str) -> bool {
///         self.count += 1;
///         path.starts_with("contract.")
///     }
///     fn push(&mut self, invalid: Invalid) { self.kept.push(invalid) }
/// }
///
/// let mut deal = boxflow_model::Deal::example();
/// deal.contract.term_months = 601; // a term over 600 months
/// deal.purchase_orders[0].units = 0; // a count of 0
/// let mut sink = Contract::default();
/// boxflow_model::check_into(&deal, &[], &mut sink);
/// assert_eq!(sink.count, 2);
/// assert_eq!(sink.kept.len(), 1);
/// assert_eq!(sink.kept[0].path, "contract.term_months");
/// ```
pub trait RuleSink {
    /// Whether the broken rule of kind `kind` at `path` is wanted whole; when not,
    /// the sink counts it (or ignores it) and its message is never built.
    fn wants(&mut self, kind: RuleKind, path: &str) -> bool;

    /// A broken rule that [`RuleSink::wants`] just wanted.
    fn push(&mut self, invalid: Invalid);
}

impl RuleSink for Vec<Invalid> {
    fn wants(&mut self, _kind: RuleKind, _path: &str) -> bool {
        true
    }

    fn push(&mut self, invalid: Invalid) {
        Vec::push(self, invalid);
    }
}

/// [`check_with_poisoned`] into `sink`: every broken rule is offered to the sink, in
/// the same order, and only the ones it wants are built.
pub fn check_into(deal: &Deal, poisoned: &[String], sink: &mut dyn RuleSink) {
    let mut distrusted = Distrusted::default();
    for p in poisoned {
        distrusted.insert(p);
    }
    let mut c = Checker::new(sink, distrusted);
    value_rules(&mut c, deal);
    c.distrust_reported();
    cross_rules(&mut c, deal);
}

/// A message or help, built only when the broken rule it describes is wanted
/// ([`RuleSink::wants`]): a text, or `format_args!`, formatted on demand.
trait Text {
    fn text(self) -> String;
}

impl Text for &str {
    fn text(self) -> String {
        self.to_string()
    }
}

impl Text for String {
    fn text(self) -> String {
        self
    }
}

impl Text for std::fmt::Arguments<'_> {
    fn text(self) -> String {
        self.to_string()
    }
}

struct Checker<'a> {
    sink: &'a mut dyn RuleSink,
    distrusted: Distrusted,
    /// The paths of every broken rule reported (wanted or not) until
    /// [`Checker::distrust_reported`] distrusts them.
    reported: Vec<String>,
    /// False once [`Checker::distrust_reported`] has run: the later rules' paths are
    /// not distrusted, so not kept.
    recording: bool,
}

impl<'a> Checker<'a> {
    fn new(sink: &'a mut dyn RuleSink, distrusted: Distrusted) -> Self {
        Checker {
            sink,
            distrusted,
            reported: Vec::new(),
            recording: true,
        }
    }

    /// True when no distrusted path is `path`, contains it or is contained in it.
    fn trusted(&self, path: &str) -> bool {
        !self.distrusted.touches(path)
    }

    /// Distrusts every path reported so far (once, between the value rules and the
    /// cross rules).
    fn distrust_reported(&mut self) {
        self.recording = false;
        for p in std::mem::take(&mut self.reported) {
            self.distrusted.insert(&p);
        }
    }

    /// Reports a broken rule at `path` when `path` and every path in `deps` are trusted;
    /// its message and help are built only when the sink wants them.
    fn report(
        &mut self,
        kind: RuleKind,
        path: &str,
        deps: &[&str],
        message: impl Text,
        help: impl Text,
    ) {
        if self.trusted(path) && deps.iter().all(|d| self.trusted(d)) {
            if self.recording {
                self.reported.push(path.to_string());
            }
            if self.sink.wants(kind, path) {
                self.sink.push(Invalid {
                    kind,
                    path: path.to_string(),
                    message: message.text(),
                    help: help.text(),
                });
            }
        }
    }
}

/// A set of paths, as a tree of their segments (`facility`, `[0]`, `.rate`: a path is
/// cut before each `.` and `[`), so that asking whether a path is in the set, inside
/// one of its paths or contains one costs the length of the path, however many paths
/// the set holds (a sheet may poison a million).
#[derive(Default)]
struct Distrusted {
    /// Node 0 is the root, the empty path; the others are created on insertion.
    nodes: Vec<Node>,
}

#[derive(Default)]
struct Node {
    /// True when the path that ends at this node is in the set.
    member: bool,
    children: HashMap<Box<str>, usize>,
}

/// The segments of `path`: cut before each `.` or `[` but the first character, so that
/// the paths a path is within ([`is_within`]) are exactly its segment prefixes.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = path;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = rest
            .char_indices()
            .skip(1)
            .find(|&(_, ch)| ch == '.' || ch == '[')
            .map_or(rest.len(), |(i, _)| i);
        let (head, tail) = rest.split_at(cut);
        rest = tail;
        Some(head)
    })
}

impl Distrusted {
    fn insert(&mut self, path: &str) {
        if self.nodes.is_empty() {
            self.nodes.push(Node::default());
        }
        let mut at = 0;
        for seg in segments(path) {
            let next = self.nodes.len();
            let child = match self.nodes.get_mut(at) {
                Some(node) => *node.children.entry(seg.into()).or_insert(next),
                None => return,
            };
            if child == next {
                self.nodes.push(Node::default());
            }
            at = child;
        }
        if let Some(node) = self.nodes.get_mut(at) {
            node.member = true;
        }
    }

    /// True when some path of the set is `path`, contains it or is contained in it.
    fn touches(&self, path: &str) -> bool {
        let Some(mut node) = self.nodes.first() else {
            return false;
        };
        for seg in segments(path) {
            if node.member {
                return true; // a path of the set contains `path`
            }
            match node.children.get(seg).and_then(|&i| self.nodes.get(i)) {
                Some(child) => node = child,
                None => return false,
            }
        }
        // `path` itself, or a path of the set inside it
        node.member || !node.children.is_empty()
    }
}

/// True when `inner` is a path strictly inside `outer` (`facility[0].rate` in
/// `facility[0]`): the definition [`Distrusted`] answers for, without scanning.
#[cfg(test)]
fn is_within(inner: &str, outer: &str) -> bool {
    if outer.is_empty() {
        return !inner.is_empty();
    }
    inner.len() > outer.len()
        && inner.starts_with(outer)
        && matches!(inner.as_bytes().get(outer.len()), Some(b'.' | b'['))
}

// ---------------------------------------------------------------------------
// Value rules: one value at a time.
// ---------------------------------------------------------------------------

/// What a number may be.
#[derive(Clone, Copy)]
enum Bound {
    /// A money amount, price, rate or quantity: at least 0.
    NonNegative,
    /// A share: in [0, 1].
    Share,
    /// An annual escalator: above -1.
    Escalator,
    /// A DSCR that divides: above 0.
    Positive,
}

/// A decimal shown as its `normalize()`d display, worked out only when written (the
/// value of a broken rule's message).
struct Normalized(Decimal);

impl Display for Normalized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(&self.0.normalize(), f)
    }
}

/// "a negative money amount, price or rate"; "an escalator at or below -1"; "a share
/// outside [0, 1]"; "any value above 1e15".
///
/// `path` is written out only when a rule is broken: the callers pass the path's
/// pieces (`format_args!`), not a string built for every value of the sheet.
fn number(c: &mut Checker, path: impl Display, x: Decimal, bound: Bound) {
    let shown = Normalized(x);
    if x.abs() > MAX_VALUE {
        c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` is {shown}, above the limit of 1e15 for any value"),
            "every value in a deal sheet is at most 1000000000000000 (1e15); check the units",
        );
        return;
    }
    match bound {
        Bound::NonNegative if x.is_sign_negative() && !x.is_zero() => c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` is negative ({shown})"),
            "money amounts, prices, rates and quantities are 0 or more",
        ),
        Bound::Share if x < Decimal::ZERO || x > Decimal::ONE => c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` is {shown}, a share outside [0, 1]"),
            "a share is a fraction from 0 to 1: \"0.20\" for 20%",
        ),
        Bound::Escalator if x <= Decimal::NEGATIVE_ONE => c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` is {shown}, an escalator at or below -1"),
            "an annual escalator is above -1: \"0.03\" for +3% a year, \"-0.05\" for a price stepping down 5% a year",
        ),
        Bound::Positive if x <= Decimal::ZERO => c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` is {shown}; a DSCR must be above 0"),
            "a debt service coverage ratio such as \"1.30\"",
        ),
        _ => {}
    }
}

/// "a count (`gpus`, `units`, months) that is not a positive whole number"; "any value
/// above 1e15".
fn count(c: &mut Checker, path: impl Display, n: u64) {
    if n == 0 {
        c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` must be a positive whole number, not 0"),
            "a count of at least 1",
        );
    } else if Decimal::from(n) > MAX_VALUE {
        c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` is {n}, above the limit of 1e15 for any value"),
            "every value in a deal sheet is at most 1000000000000000 (1e15); check the units",
        );
    }
}

/// "a term over 600 months" (the contract's, and a data center's `term_months`).
fn term(c: &mut Checker, path: impl Display, months: u32) {
    if months == 0 {
        count(c, path, 0);
    } else if months > MAX_TERM_MONTHS {
        c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` is {months} months, a term over 600 months"),
            "a term of at most 600 months (50 years)",
        );
    }
}

/// Names that end up as keys of the output must be written.
fn non_empty(c: &mut Checker, path: &str, s: &str) {
    if s.trim().is_empty() {
        c.report(
            RuleKind::InvalidValue,
            path,
            &[],
            format_args!("`{path}` is empty"),
            "write a name, e.g. \"DDTL\"",
        );
    }
}

/// "a name or text longer than 200 characters" (docs/limits.md): every string of the
/// sheet, so that no output grows with a name.
fn name_length(c: &mut Checker, path: impl Display, s: &str) {
    let n = s.chars().count();
    if n > MAX_NAME_CHARS {
        c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &[],
            format_args!("`{path}` is {n} characters long, above the limit of {MAX_NAME_CHARS}"),
            format_args!("shorten it to at most {MAX_NAME_CHARS} characters"),
        );
    }
}

/// [`name_length`] of every string of the deal, path by path (a path is written out
/// only for a name that is too long).
fn name_lengths(c: &mut Checker, deal: &Deal) {
    name_length(c, "deal.name", &deal.name);
    name_length(c, "deal.currency", &deal.currency);
    name_length(c, "contract.customer", &deal.contract.customer);
    for (i, l) in deal.contract.capacity.iter().enumerate() {
        if let Some(n) = l.name.as_deref() {
            name_length(c, format_args!("contract.capacity[{i}].name"), n);
        }
    }
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        if let Some(n) = po.item.as_deref() {
            name_length(c, format_args!("purchase_order[{i}].item"), n);
        }
    }
    for (i, dc) in deal.datacenters.iter().enumerate() {
        if let Some(n) = dc.site.as_deref() {
            name_length(c, format_args!("datacenter[{i}].site"), n);
        }
    }
    for (i, e) in deal.expenses.iter().enumerate() {
        if let Some(n) = e.name.as_deref() {
            name_length(c, format_args!("expense[{i}].name"), n);
        }
    }
    for (i, f) in deal.fees.iter().enumerate() {
        if let Some(n) = f.name.as_deref() {
            name_length(c, format_args!("fee[{i}].name"), n);
        }
    }
    for (i, f) in deal.facilities.iter().enumerate() {
        name_length(c, format_args!("facility[{i}].name"), &f.name);
    }
    for name in deal.curves.keys() {
        name_length(c, format_args!("curves.{name}"), name);
    }
    // Scenario names are checked with the scenario's own rules (`scenario_values`).
}

fn value_rules(c: &mut Checker, deal: &Deal) {
    name_lengths(c, deal);
    non_empty(c, "deal.name", &deal.name);
    currency(c, &deal.currency);

    contract_values(c, deal);
    purchase_order_values(c, deal);
    datacenter_values(c, deal);
    expense_and_fee_values(c, deal);
    for (i, f) in deal.facilities.iter().enumerate() {
        facility_values(c, i, f);
    }

    reserve_and_covenant_values(c, deal);
    curve_values(c, deal);
    if let Some(a) = &deal.analysis {
        number(
            c,
            "analysis.discount_rate",
            a.discount_rate.value(),
            Bound::NonNegative,
        );
    }

    for (i, s) in deal.scenarios.iter().enumerate() {
        scenario_values(c, &format!("scenario[{i}]"), s);
    }
    if let Some(s) = &deal.simulation {
        simulation_values(c, s);
    }
}

/// The contract's values: customer, term, escalator, prepayment and its credit share,
/// and each capacity line's GPUs and price.
fn contract_values(c: &mut Checker, deal: &Deal) {
    let k = &deal.contract;
    non_empty(c, "contract.customer", &k.customer);
    term(c, "contract.term_months", k.term_months);
    number(
        c,
        "contract.escalator",
        k.escalator.value(),
        Bound::Escalator,
    );
    number(
        c,
        "contract.prepayment",
        k.prepayment.amount(),
        Bound::NonNegative,
    );
    number(
        c,
        "contract.prepayment_credit_share",
        k.prepayment_credit_share.value(),
        Bound::Share,
    );
    if k.capacity.is_empty() {
        c.report(
            RuleKind::InvalidValue,
            "contract.capacity",
            &[],
            "the contract has no capacity line",
            "add at least one [[contract.capacity]] with `gpus` and `price_per_gpu_hour`",
        );
    }
    for (i, line) in k.capacity.iter().enumerate() {
        let p = format!("contract.capacity[{i}]");
        count(c, format_args!("{p}.gpus"), line.gpus);
        number(
            c,
            format_args!("{p}.price_per_gpu_hour"),
            line.price_per_gpu_hour.value(),
            Bound::NonNegative,
        );
    }
}

/// Each purchase order's values: units, unit cost, useful life, residual share and its
/// payments' shares (at least one payment, at least one order).
fn purchase_order_values(c: &mut Checker, deal: &Deal) {
    if deal.purchase_orders.is_empty() {
        c.report(
            RuleKind::InvalidValue,
            "purchase_order",
            &[],
            "the deal has no purchase order",
            "add at least one [[purchase_order]] with `units`, `unit_cost`, `payments` and `useful_life_months`",
        );
    }
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        let p = format!("purchase_order[{i}]");
        count(c, format_args!("{p}.units"), po.units);
        number(
            c,
            format_args!("{p}.unit_cost"),
            po.unit_cost.value(),
            Bound::NonNegative,
        );
        count(
            c,
            format_args!("{p}.useful_life_months"),
            u64::from(po.useful_life_months),
        );
        number(
            c,
            format_args!("{p}.residual_share"),
            po.residual_share.value(),
            Bound::Share,
        );
        if po.payments.is_empty() {
            c.report(
                RuleKind::InvalidValue,
                &format!("{p}.payments"),
                &[],
                format_args!("`{p}.payments` is empty"),
                "list at least one payment: payments = [{ date = 2026-01-01, share = \"1\" }]",
            );
        }
        for (j, pay) in po.payments.iter().enumerate() {
            number(
                c,
                format_args!("{p}.payments[{j}].share"),
                pay.share.value(),
                Bound::Share,
            );
        }
    }
}

/// Each data center's values: capacity, rate, escalator, term, power price, PUE and
/// load factor.
fn datacenter_values(c: &mut Checker, deal: &Deal) {
    for (i, dc) in deal.datacenters.iter().enumerate() {
        let p = format!("datacenter[{i}]");
        number(
            c,
            format_args!("{p}.critical_kw"),
            dc.critical_kw.value(),
            Bound::NonNegative,
        );
        number(
            c,
            format_args!("{p}.rate_per_kw_month"),
            dc.rate_per_kw_month.value(),
            Bound::NonNegative,
        );
        number(
            c,
            format_args!("{p}.escalator"),
            dc.escalator.value(),
            Bound::Escalator,
        );
        if let Some(t) = dc.term_months {
            term(c, format_args!("{p}.term_months"), t);
        }
        number(
            c,
            format_args!("{p}.power_price_per_mwh"),
            dc.power_price_per_mwh.value(),
            Bound::NonNegative,
        );
        number(
            c,
            format_args!("{p}.pue"),
            dc.pue.value(),
            Bound::NonNegative,
        );
        number(
            c,
            format_args!("{p}.load_factor"),
            dc.load_factor.value(),
            Bound::Share,
        );
    }
}

/// Each expense's amount or share and escalator, each fee's amount, and that each ends
/// after it starts.
fn expense_and_fee_values(c: &mut Checker, deal: &Deal) {
    for (i, e) in deal.expenses.iter().enumerate() {
        let p = format!("expense[{i}]");
        match &e.basis {
            ExpenseBasis::PerMonth(q) => number(
                c,
                format_args!("{p}.per_month"),
                q.value(),
                Bound::NonNegative,
            ),
            ExpenseBasis::ShareOfRevenue(s) => number(
                c,
                format_args!("{p}.share_of_revenue"),
                s.value(),
                Bound::Share,
            ),
        }
        number(
            c,
            format_args!("{p}.escalator"),
            e.escalator.value(),
            Bound::Escalator,
        );
        ends_after_start(c, &p, e.start, e.end);
    }

    for (i, f) in deal.fees.iter().enumerate() {
        let p = format!("fee[{i}]");
        number(
            c,
            format_args!("{p}.per_year"),
            f.per_year.value(),
            Bound::NonNegative,
        );
        ends_after_start(c, &p, f.start, f.end);
    }
}

/// The DSRA's months (at least 1) and the covenants' levels.
fn reserve_and_covenant_values(c: &mut Checker, deal: &Deal) {
    if let Some(r) = &deal.reserve {
        if r.months == 0 {
            c.report(
                RuleKind::InvalidValue,
                "reserve.months",
                &[],
                "`reserve.months` is 0, below 1",
                "a DSRA holds at least 1 month of debt service, e.g. months = 6",
            );
        }
    }

    if let Some(cov) = &deal.covenants {
        for (key, v) in [
            ("min_dscr", cov.min_dscr),
            ("lockup_dscr", cov.lockup_dscr),
            ("max_ltv", cov.max_ltv),
        ] {
            if let Some(v) = v {
                number(
                    c,
                    format_args!("covenants.{key}"),
                    v.value(),
                    Bound::NonNegative,
                );
            }
        }
        number(
            c,
            "covenants.repaid_by_fraction",
            cov.repaid_by_fraction.value(),
            Bound::Share,
        );
    }
}

/// Each curve's points: at least one, none negative.
fn curve_values(c: &mut Checker, deal: &Deal) {
    for (name, curve) in &deal.curves {
        let p = format!("curves.{name}.points");
        if curve.points.is_empty() {
            c.report(
                RuleKind::InvalidValue,
                &p,
                &[],
                format_args!("curve `{name}` has no points", name = crate::shorten(name)),
                "list at least one point [date, value] dated on or before close",
            );
        }
        for (j, (_, v)) in curve.points.iter().enumerate() {
            number(
                c,
                format_args!("{p}[{j}][1]"),
                v.value(),
                Bound::NonNegative,
            );
        }
    }
}

/// The largest annual drift, volatility or shock standard deviation of
/// `[simulation]`: 5 (500% a year), far beyond any market.
const MAX_SIMULATION_SPREAD: Decimal = Decimal::from_parts(5, 0, 0, false, 0);

/// The value rules of `[simulation]`: `runs` from 1 to 1,000,000;
/// `default_probability` and both ends of `re_lease_price_share` shares; every
/// `[lo, hi]` with `lo <= hi`; `re_lease_after` and `online_delay_months` at most
/// 600; `market_price_drift` from -5 to 5; `market_price_volatility`,
/// `opex_shock_sd` and `power_shock_sd` from 0 to 5; `rate_shock_bps_sd` from 0 to
/// 10,000.
fn simulation_values(c: &mut Checker, s: &Simulation) {
    if s.runs == 0 || s.runs > Simulation::MAX_RUNS {
        c.report(
            RuleKind::InvalidValue,
            "simulation.runs",
            &[],
            format_args!("`simulation.runs` is {}, outside 1 to 1,000,000", s.runs),
            "a number of runs such as 10000",
        );
    }
    number(
        c,
        "simulation.default_probability",
        s.default_probability.value(),
        Bound::Share,
    );
    if let Some((lo, hi)) = s.re_lease_price_share {
        for (i, x) in [lo, hi].iter().enumerate() {
            number(
                c,
                format_args!("simulation.re_lease_price_share[{i}]"),
                x.value(),
                Bound::Share,
            );
        }
        ordered(c, "simulation.re_lease_price_share", lo.value(), hi.value());
    }
    for (key, (lo, hi)) in [
        ("re_lease_after", s.re_lease_after),
        ("online_delay_months", s.online_delay_months),
    ] {
        let path = format!("simulation.{key}");
        if hi > MAX_TERM_MONTHS {
            c.report(
                RuleKind::InvalidValue,
                &format!("{path}[1]"),
                &[],
                format_args!("`{path}` reaches {hi} months, longer than any term"),
                "at most 600 months, e.g. [1, 6]",
            );
        }
        ordered(c, &path, Decimal::from(lo), Decimal::from(hi));
    }
    let spread = |c: &mut Checker, key: &str, x: Decimal, lo: Decimal, hi: Decimal| {
        if x < lo || x > hi {
            let path = format!("simulation.{key}");
            c.report(
                RuleKind::InvalidValue,
                &path,
                &[],
                format_args!(
                    "`{path}` is {}, outside {} to {}",
                    x.normalize(),
                    lo.normalize(),
                    hi.normalize()
                ),
                "an annual figure as a fraction: 0.30 is 30% a year",
            );
        }
    };
    let five = MAX_SIMULATION_SPREAD;
    spread(
        c,
        "market_price_drift",
        s.market_price_drift.value(),
        -five,
        five,
    );
    for (key, x) in [
        ("market_price_volatility", s.market_price_volatility.value()),
        ("opex_shock_sd", s.opex_shock_sd.value()),
        ("power_shock_sd", s.power_shock_sd.value()),
    ] {
        spread(c, key, x, Decimal::ZERO, five);
    }
    if s.rate_shock_bps_sd.is_sign_negative() && !s.rate_shock_bps_sd.is_zero()
        || s.rate_shock_bps_sd > Decimal::from(10_000)
    {
        c.report(
            RuleKind::InvalidValue,
            "simulation.rate_shock_bps_sd",
            &[],
            format_args!(
                "`simulation.rate_shock_bps_sd` is {}, outside 0 to 10,000 basis points",
                s.rate_shock_bps_sd.normalize()
            ),
            "a standard deviation in basis points, e.g. 100",
        );
    }
}

/// "`[lo, hi]` with `lo > hi`".
fn ordered(c: &mut Checker, path: &str, lo: Decimal, hi: Decimal) {
    if lo > hi {
        c.report(
            RuleKind::Inconsistent,
            path,
            &[],
            format_args!(
                "`{path}` is [{}, {}]: its low end is above its high end",
                lo.normalize(),
                hi.normalize()
            ),
            format_args!(
                "write it low end first: [{}, {}]",
                hi.normalize(),
                lo.normalize()
            ),
        );
    }
}

/// The most a rate shock may be: +100,000 bps (+1,000%) and -10,000 bps (-100%).
const RATE_SHOCK_BPS: (i64, i64) = (-10_000, 100_000);

/// The paths `p.field` of one table's fields, written in one buffer: each path
/// replaces the previous one (a scenario's ten paths cost one allocation, not ten
/// `format!`s).
struct FieldPath {
    text: String,
    /// The length of `p.`, kept across fields.
    prefix: usize,
}

impl FieldPath {
    fn new(p: &str) -> FieldPath {
        let mut text = String::with_capacity(p.len() + 24);
        text.push_str(p);
        text.push('.');
        FieldPath {
            prefix: text.len(),
            text,
        }
    }

    /// `p.field`, until the next call.
    fn field(&mut self, field: &str) -> &str {
        self.text.truncate(self.prefix);
        self.text.push_str(field);
        &self.text
    }
}

/// The value rules of a `[[scenario]]` table: a name; `default_period` and
/// `useful_life_months` positive whole numbers; `re_lease_price_share`,
/// `price_haircut` and `residual_share` shares; `price_per_gpu_hour` 0 or more;
/// `online_delay_months` at most 600; `opex_shock` and `power_shock` above -1;
/// `rate_shock_bps` from -10,000 to 100,000.
fn scenario_values(c: &mut Checker, p: &str, s: &Scenario) {
    let mut at = FieldPath::new(p);
    scenario_name(c, at.field("name"), &s.name);
    if let Some(line) = &s.line {
        name_length(c, at.field("line"), line);
    }
    if let Some(d) = &s.customer_default {
        count(c, at.field("default_period"), u64::from(d.period));
        if let Some(r) = &d.re_lease {
            if r.after_periods > MAX_TERM_MONTHS {
                c.report(
                    RuleKind::InvalidValue,
                    at.field("re_lease_after"),
                    &[],
                    format_args!(
                        "`{p}.re_lease_after` is {} periods, longer than any term",
                        r.after_periods
                    ),
                    "a number of periods without revenue, e.g. 6",
                );
            }
            number(
                c,
                at.field("re_lease_price_share"),
                r.price_share.value(),
                Bound::Share,
            );
        }
    }
    if let Some(price) = s.price_per_gpu_hour {
        number(
            c,
            at.field("price_per_gpu_hour"),
            price.value(),
            Bound::NonNegative,
        );
    }
    number(
        c,
        at.field("price_haircut"),
        s.price_haircut.value(),
        Bound::Share,
    );
    if s.online_delay_months > MAX_TERM_MONTHS {
        c.report(
            RuleKind::InvalidValue,
            at.field("online_delay_months"),
            &[],
            format_args!(
                "`{p}.online_delay_months` is {} months, a delay over 600 months",
                s.online_delay_months
            ),
            "a delay of at most 600 months",
        );
    }
    number(
        c,
        at.field("opex_shock"),
        s.opex_shock.value(),
        Bound::Escalator,
    );
    number(
        c,
        at.field("power_shock"),
        s.power_shock.value(),
        Bound::Escalator,
    );
    rate_shock(c, at.field("rate_shock_bps"), s.rate_shock_bps);
    if let Some(r) = s.residual_share {
        number(c, at.field("residual_share"), r.value(), Bound::Share);
    }
    if let Some(life) = s.useful_life_months {
        count(c, at.field("useful_life_months"), u64::from(life));
    }
}

/// A scenario's name: at most [`MAX_NAME_CHARS`] characters, not empty.
fn scenario_name(c: &mut Checker, path: &str, name: &str) {
    name_length(c, path, name);
    non_empty(c, path, name);
}

/// A scenario's rate shock: from -10,000 to 100,000 basis points.
fn rate_shock(c: &mut Checker, path: &str, bps: Decimal) {
    let (low, high) = RATE_SHOCK_BPS;
    if bps < Decimal::from(low) || bps > Decimal::from(high) {
        c.report(
            RuleKind::InvalidValue,
            path,
            &[],
            format_args!(
                "`{path}` is {}, outside -10000 to 100000 basis points",
                bps.normalize()
            ),
            "a shock in basis points on the index: 200 for +2.00%, -100 for -1.00%",
        );
    }
}

/// A scenario's `default_period` is a period of the contract: at most `N`.
fn scenario_within_term(c: &mut Checker, deal: &Deal, p: &str, s: &Scenario) {
    let m = deal.frequency.months();
    let term = deal.contract.term_months;
    let Some(d) = &s.customer_default else {
        return;
    };
    if term == 0 || term % m != 0 || d.period == 0 {
        return;
    }
    let n = term / m;
    if d.period > n {
        c.report(
            RuleKind::Inconsistent,
            &format!("{p}.default_period"),
            &["deal.frequency", "contract.term_months"],
            format_args!(
                "`{p}.default_period` is {}, after the last of the contract's {n} periods",
                d.period
            ),
            format_args!("a period from 1 to {n}: the first period the customer does not pay"),
        );
    }
}

/// A scenario's `line` names exactly one capacity line (by its `name`), and the
/// scenario has a shock the line can take (a price, a haircut, an online delay or a
/// customer default): the other shocks are the whole box's.
fn scenario_line(c: &mut Checker, deal: &Deal, p: &str, s: &Scenario) {
    let Some(line) = &s.line else {
        return;
    };
    let path = format!("{p}.line");
    let names: Vec<&str> = deal
        .contract
        .capacity
        .iter()
        .filter_map(|l| l.name.as_deref())
        .collect();
    let holding: Vec<usize> = deal
        .contract
        .capacity
        .iter()
        .enumerate()
        .filter(|(_, l)| l.name.as_deref() == Some(line.as_str()))
        .map(|(i, _)| i)
        .collect();
    match holding.as_slice() {
        [] => {
            let help = match crate::did_you_mean(line, &names) {
                Some(near) => format!("did you mean `{near}`?"),
                None if names.is_empty() => {
                    "the capacity lines have no `name`: give the line a `name` in `[[contract.capacity]]` and target it by that name".to_string()
                }
                None => format!(
                    "name one of the capacity lines: {}",
                    names
                        .iter()
                        .map(|n| format!("`{}`", crate::shorten(n)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            c.report(
                RuleKind::UnknownReference,
                &path,
                &[],
                format_args!(
                    "`{path}` is `{}`, which names no capacity line",
                    crate::shorten(line)
                ),
                help,
            );
        }
        [_] => {}
        several => c.report(
            RuleKind::Inconsistent,
            &path,
            &[],
            format_args!(
                "`{path}` is `{}`, the name of {} capacity lines ({}): a shock can't tell them apart",
                crate::shorten(line),
                several.len(),
                several
                    .iter()
                    .map(|i| format!("contract.capacity[{i}]"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "give each capacity line its own `name`",
        ),
    }
    if !s.shocks_lines() {
        c.report(
            RuleKind::Inconsistent,
            &path,
            &[],
            format_args!(
                "`{path}` targets a capacity line, but the scenario has no shock a line takes"
            ),
            "add price_per_gpu_hour, price_haircut, online_delay_months or default_period, or remove `line` (the other shocks are the whole box's)",
        );
    }
}

/// "two scenarios with one name": a scenario's name labels its row of output.
fn scenario_names(c: &mut Checker, deal: &Deal) {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in deal.scenarios.iter().enumerate() {
        if let Some(first) = names.get(s.name.as_str()) {
            c.report(
                RuleKind::Duplicate,
                &format!("scenario[{i}].name"),
                &[&format!("scenario[{first}].name")],
                format_args!("two scenarios are named `{}`", crate::shorten(&s.name)),
                "give each scenario its own name",
            );
        } else {
            names.insert(&s.name, i);
        }
    }
}

/// `deal.currency` is a three-letter ISO 4217 code.
fn currency(c: &mut Checker, currency: &str) {
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        c.report(
            RuleKind::InvalidValue,
            "deal.currency",
            &[],
            format_args!("`deal.currency` is \"{currency}\", not a three-letter currency code"),
            "an ISO 4217 code in capitals, such as \"USD\"",
        );
    }
}

/// An item active from `start` to `end` (exclusive) ends after it starts.
fn ends_after_start(c: &mut Checker, p: &str, start: NaiveDate, end: Option<NaiveDate>) {
    if let Some(end) = end {
        if end <= start {
            c.report(
                RuleKind::InvalidValue,
                &format!("{p}.end"),
                &[&format!("{p}.start"), "deal.close"],
                format_args!("`{p}` ends on {end}, not after it starts on {start}"),
                "`end` (exclusive) is after `start`; leave it out for no end",
            );
        }
    }
}

fn facility_values(c: &mut Checker, i: usize, f: &Facility) {
    let p = format!("facility[{i}]");
    non_empty(c, &format!("{p}.name"), &f.name);
    match &f.commitment {
        Commitment::Fixed {
            amount,
            target_dscr,
        } => {
            number(
                c,
                format_args!("{p}.amount"),
                amount.amount(),
                Bound::NonNegative,
            );
            if let Some(t) = target_dscr {
                number(
                    c,
                    format_args!("{p}.target_dscr"),
                    t.value(),
                    Bound::Positive,
                );
            }
        }
        Commitment::Sized { dscr, max_gearing } => {
            number(
                c,
                format_args!("{p}.sizing.dscr"),
                dscr.value(),
                Bound::Positive,
            );
            number(
                c,
                format_args!("{p}.sizing.max_gearing"),
                max_gearing.value(),
                Bound::Share,
            );
        }
    }
    match &f.rate {
        RateSpec::Fixed(r) => number(
            c,
            format_args!("{p}.rate.fixed"),
            r.value(),
            Bound::NonNegative,
        ),
        RateSpec::Floating {
            index,
            margin,
            floor,
        } => {
            non_empty(c, &format!("{p}.rate.index"), index);
            number(
                c,
                format_args!("{p}.rate.margin"),
                margin.value(),
                Bound::NonNegative,
            );
            number(
                c,
                format_args!("{p}.rate.floor"),
                floor.value(),
                Bound::NonNegative,
            );
        }
    }
    if let Amortization::Custom(shares) = &f.amortization {
        for (j, s) in shares.iter().enumerate() {
            number(
                c,
                format_args!("{p}.schedule[{j}]"),
                s.value(),
                Bound::Share,
            );
        }
    }
    if let RepayBy::Months(m) = f.repay_by {
        count(c, format_args!("{p}.repay_by"), u64::from(m));
    }
    number(
        c,
        format_args!("{p}.upfront_fee"),
        f.upfront_fee.value(),
        Bound::Share,
    );
    number(
        c,
        format_args!("{p}.commitment_fee"),
        f.commitment_fee.value(),
        Bound::NonNegative,
    );
    number(c, format_args!("{p}.sweep"), f.sweep.value(), Bound::Share);
    sculpted_needs_target(c, &p, f);
}

/// "`sculpted` with a fixed `amount` and no `target_dscr`": a sculpted schedule is
/// shaped to CFADS / DSCR, so a fixed amount needs the DSCR to shape it to.
fn sculpted_needs_target(c: &mut Checker, p: &str, f: &Facility) {
    if matches!(f.amortization, Amortization::Sculpted)
        && matches!(
            f.commitment,
            Commitment::Fixed {
                target_dscr: None,
                ..
            }
        )
    {
        c.report(
            RuleKind::Inconsistent,
            &format!("{p}.amount"),
            &[&format!("{p}.amortization"), &format!("{p}.target_dscr")],
            format_args!(
                "facility `{}` is `sculpted` with a fixed `amount` and no `target_dscr`",
                f.name
            ),
            "add target_dscr = \"1.30\" (the DSCR the schedule is shaped to), or choose amortization = \"level\", \"straight_line\", \"bullet\" or \"custom\"",
        );
    }
}

// ---------------------------------------------------------------------------
// Cross rules: values together.
// ---------------------------------------------------------------------------

fn cross_rules(c: &mut Checker, deal: &Deal) {
    let m = deal.frequency.months();
    let term = deal.contract.term_months;
    contract_end_in_range(c, deal);
    term_is_whole_periods(c, deal.frequency, term);
    prepayment_needs_credit_share(c, deal);
    capacity_online_before_end(c, deal);
    payment_shares_sum_to_one(c, deal);
    if let Some(r) = &deal.reserve {
        if r.months > 0 && r.months % m != 0 {
            c.report(
                RuleKind::Inconsistent,
                "reserve.months",
                &["deal.frequency"],
                format_args!(
                    "`reserve.months` = {} is not a multiple of the period length ({m} months for {})",
                    r.months,
                    deal.frequency.as_str()
                ),
                multiples_help(r.months, m, None),
            );
        }
    }
    for (i, f) in deal.facilities.iter().enumerate() {
        repay_by_within_term(c, deal, i, f);
        repayment_window(c, deal, i, f);
    }
    capex_before_contract_end(c, deal);
    capex_before_deadlines(c, deal);
    amounts_within_range(c, deal);
    curves_ordered_from_close(c, deal);
    known_curves(c, deal);
    names_and_ranks(c, deal);
    commitments_within_capex(c, deal);
    for (i, s) in deal.scenarios.iter().enumerate() {
        scenario_within_term(c, deal, &format!("scenario[{i}]"), s);
        scenario_line(c, deal, &format!("scenario[{i}]"), s);
    }
    scenario_names(c, deal);
}

/// Help listing the nearest multiples of `m` around `value` (at most `max`).
fn multiples_help(value: u32, m: u32, max: Option<u32>) -> String {
    let below = value / m * m;
    let above = below + m;
    let mut options = Vec::new();
    if below > 0 {
        options.push(below.to_string());
    }
    if max.is_none_or(|x| above <= x) {
        options.push(above.to_string());
    }
    if options.is_empty() {
        format!("use a whole number of {m}-month periods")
    } else {
        format!(
            "use a whole number of {m}-month periods, e.g. {} months",
            options.join(" or ")
        )
    }
}

/// The contract end `add_months(close, term_months)` must be a date the calendar has.
fn contract_end_in_range(c: &mut Checker, deal: &Deal) {
    if add_months(deal.close, deal.contract.term_months).is_none() {
        c.report(
            RuleKind::Inconsistent,
            "contract.term_months",
            &["deal.close"],
            format_args!(
                "the contract from {} for {} months ends past the last supported date",
                deal.close, deal.contract.term_months
            ),
            "use a realistic closing date",
        );
    }
}

/// "`term_months` ... not a multiple of the period length".
fn term_is_whole_periods(c: &mut Checker, frequency: Frequency, term: u32) {
    let m = frequency.months();
    if term > 0 && term % m != 0 {
        c.report(
            RuleKind::Inconsistent,
            "contract.term_months",
            &["deal.frequency"],
            format_args!(
                "`contract.term_months` = {term} is not a multiple of the period length ({m} months for {})",
                frequency.as_str()
            ),
            multiples_help(term, m, Some(MAX_TERM_MONTHS)),
        );
    }
}

/// "`prepayment > 0` without `prepayment_credit_share`": the prepayment is credited
/// against invoices at that share, so it needs one.
fn prepayment_needs_credit_share(c: &mut Checker, deal: &Deal) {
    let k = &deal.contract;
    if k.prepayment.is_positive() && k.prepayment_credit_share.value().is_zero() {
        c.report(
            RuleKind::Inconsistent,
            "contract.prepayment",
            &["contract.prepayment_credit_share"],
            format_args!(
                "a prepayment of {} without a `prepayment_credit_share`",
                k.prepayment
            ),
            "add prepayment_credit_share = \"0.20\" (the share of each invoice settled from the prepayment until it is used up)",
        );
    }
}

/// "a capacity line online after the contract ends": the contract ends at
/// `add_months(close, term_months)` (exclusive), so a line online on or after that
/// date is never billed. A line online before close is fine (treated as close).
fn capacity_online_before_end(c: &mut Checker, deal: &Deal) {
    let Some(end) = add_months(deal.close, deal.contract.term_months) else {
        return;
    };
    for (i, line) in deal.contract.capacity.iter().enumerate() {
        if line.online >= end {
            let name = line
                .name
                .as_deref()
                .map_or(format!("contract.capacity[{i}]"), str::to_string);
            c.report(
                RuleKind::Inconsistent,
                &format!("contract.capacity[{i}].online"),
                &["deal.close", "contract.term_months"],
                format_args!(
                    "capacity line `{name}` comes online on {}, after the contract ends on {end} (close + {} months)",
                    line.online, deal.contract.term_months, name = crate::shorten(&name)
                ),
                format_args!("bring it online before {end}, or lengthen `contract.term_months`"),
            );
        }
    }
}

/// "payment shares ... not summing exactly to 1".
fn payment_shares_sum_to_one(c: &mut Checker, deal: &Deal) {
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        if po.payments.is_empty() {
            continue;
        }
        let sum = po
            .payments
            .iter()
            .try_fold(Decimal::ZERO, |acc, p| acc.checked_add(p.share.value()));
        if sum != Some(Decimal::ONE) {
            let shown = sum.map_or("more than can be added".to_string(), |s| {
                s.normalize().to_string()
            });
            let p = format!("purchase_order[{i}].payments");
            c.report(
                RuleKind::Inconsistent,
                &p,
                &[],
                format_args!("the payment shares of `purchase_order[{i}]` sum to {shown}, not exactly 1"),
                "the shares of a purchase order's payments sum to exactly 1, e.g. \"0.30\" and \"0.70\"",
            );
        }
    }
}

/// The repayment window of a facility: periods `g+1 .. H`.
struct Window {
    /// `N`, the number of periods.
    n_periods: u32,
    /// `H`, the deadline period.
    h: u32,
    /// `g`, the interest-only periods.
    g: u32,
    /// How `H` was found, for messages.
    how: String,
    /// The paths `H` depends on.
    deps: Vec<String>,
}

impl Window {
    /// `n = H - g`.
    fn len(&self) -> i64 {
        i64::from(self.h) - i64::from(self.g)
    }
}

/// `H = floor(N · repaid_by_fraction)` for `"halfway"`, else `repay_by / m`;
/// `g = interest_only_periods`. `None` when the calendar itself is invalid.
fn window(deal: &Deal, i: usize, f: &Facility) -> Option<Window> {
    let m = deal.frequency.months();
    let term = deal.contract.term_months;
    if term == 0 || term % m != 0 || term > MAX_TERM_MONTHS {
        return None;
    }
    let n_periods = term / m;
    let p = format!("facility[{i}]");
    let mut deps = vec![
        "deal.frequency".to_string(),
        "contract.term_months".to_string(),
        format!("{p}.repay_by"),
        format!("{p}.interest_only_periods"),
    ];
    let (h, how) = match f.repay_by {
        RepayBy::Halfway => {
            deps.push("covenants.repaid_by_fraction".to_string());
            let fraction = deal.repaid_by_fraction().value();
            let h = Decimal::from(n_periods)
                .checked_mul(fraction)?
                .floor()
                .normalize();
            if h.scale() != 0 {
                return None;
            }
            let h = u32::try_from(h.mantissa()).ok()?;
            (
                h,
                format!(
                    "H = floor(N · repaid_by_fraction) = floor({n_periods} · {}) = {h}",
                    fraction.normalize()
                ),
            )
        }
        RepayBy::Months(r) => {
            if r == 0 || r % m != 0 || r > term {
                return None;
            }
            (r / m, format!("H = repay_by / m = {r} / {m} = {}", r / m))
        }
    };
    Some(Window {
        n_periods,
        h,
        g: f.interest_only_periods,
        how,
        deps,
    })
}

/// "a numeric `repay_by` not a multiple of the period length"; "a numeric `repay_by`
/// beyond the term".
fn repay_by_within_term(c: &mut Checker, deal: &Deal, i: usize, f: &Facility) {
    let RepayBy::Months(r) = f.repay_by else {
        return;
    };
    if r == 0 {
        return;
    }
    let m = deal.frequency.months();
    let term = deal.contract.term_months;
    let path = format!("facility[{i}].repay_by");
    if r % m != 0 {
        c.report(
            RuleKind::Inconsistent,
            &path,
            &["deal.frequency"],
            format_args!(
                "`repay_by` = {r} months is not a multiple of the period length ({m} months for {})",
                deal.frequency.as_str()
            ),
            multiples_help(r, m, Some(term)),
        );
    } else if r > term {
        c.report(
            RuleKind::Inconsistent,
            &path,
            &["contract.term_months"],
            format_args!("`repay_by` = {r} months is beyond the {term}-month term"),
            format_args!("repay by {term} months at the latest, or write repay_by = \"halfway\""),
        );
    }
}

/// "an empty repayment window" (`H - g <= 0`), and for `custom`: "a custom `schedule`
/// not summing exactly to 1", with exactly `n = H - g` shares.
fn repayment_window(c: &mut Checker, deal: &Deal, i: usize, f: &Facility) {
    let Some(w) = window(deal, i, f) else {
        return;
    };
    let p = format!("facility[{i}]");
    let deps: Vec<&str> = w.deps.iter().map(String::as_str).collect();
    let n = w.len();
    if n <= 0 {
        let path = if w.g > 0 {
            format!("{p}.interest_only_periods")
        } else {
            format!("{p}.repay_by")
        };
        c.report(
            RuleKind::Inconsistent,
            &path,
            &deps,
            format_args!(
                "the repayment window of facility `{}` is empty: {} and interest_only_periods g = {}, so H - g = {n} periods",
                f.name, w.how, w.g
            ),
            "the window g+1..H needs at least one period: lower interest_only_periods or repay later",
        );
        return;
    }
    if let Amortization::Custom(shares) = &f.amortization {
        let mut deps = deps.clone();
        let amortization = format!("{p}.amortization");
        deps.push(&amortization);
        let path = format!("{p}.schedule");
        if i64::try_from(shares.len()).ok() != Some(n) {
            c.report(
                RuleKind::Inconsistent,
                &path,
                &deps,
                format_args!(
                    "the custom schedule of facility `{}` has {} shares, but its repayment window has n = H - g = {n} periods ({}..{} of {}; {})",
                    f.name,
                    shares.len(),
                    w.g + 1,
                    w.h,
                    w.n_periods,
                    w.how
                ),
                format_args!("give exactly {n} shares, one for each period of the window, summing to 1"),
            );
        } else {
            let sum = shares
                .iter()
                .try_fold(Decimal::ZERO, |acc, s| acc.checked_add(s.value()));
            if sum != Some(Decimal::ONE) {
                let shown = sum.map_or("more than can be added".to_string(), |s| {
                    s.normalize().to_string()
                });
                c.report(
                    RuleKind::Inconsistent,
                    &path,
                    &deps,
                    format_args!(
                        "the custom schedule of facility `{}` sums to {shown}, not exactly 1",
                        f.name
                    ),
                    "the shares of a custom schedule sum to exactly 1",
                );
            }
        }
    }
}

/// True when the facility funds capex: a sized commitment, or a positive fixed amount.
fn funds_capex(f: &Facility) -> bool {
    match &f.commitment {
        Commitment::Sized { .. } => true,
        Commitment::Fixed { amount, .. } => amount.is_positive(),
    }
}

/// "a capex payment after the repayment deadline `end_H` of a facility that funds it":
/// every facility with a commitment funds every capex payment pro rata, so no capex
/// payment may fall after `end_H = add_months(close, H·m)` of any of them.
fn capex_before_deadlines(c: &mut Checker, deal: &Deal) {
    let m = deal.frequency.months();
    // (deadline, facility index, name, deps)
    let mut deadlines: Vec<(NaiveDate, usize, &str, Vec<String>)> = Vec::new();
    for (i, f) in deal.facilities.iter().enumerate() {
        if !funds_capex(f) {
            continue;
        }
        // An empty window is its own error; its deadline means nothing.
        let Some(w) = window(deal, i, f).filter(|w| w.len() > 0) else {
            continue;
        };
        let Some(end_h) =
            w.h.checked_mul(m)
                .and_then(|months| add_months(deal.close, months))
        else {
            continue;
        };
        let p = format!("facility[{i}]");
        let mut deps = w.deps;
        deps.extend([
            format!("{p}.amount"),
            format!("{p}.sizing"),
            "deal.close".to_string(),
        ]);
        if deps.iter().all(|d| c.trusted(d)) {
            deadlines.push((end_h, i, f.name.as_str(), deps));
        }
    }
    deadlines.sort_by_key(|d| (d.0, d.1));
    let Some((end_h, _, name, deps)) = deadlines.first() else {
        return;
    };
    let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
    // A payment after the contract's end is reported once, by `capex_before_contract_end`.
    let contract_end = add_months(deal.close, deal.contract.term_months);
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        for (j, pay) in po.payments.iter().enumerate() {
            if pay.date > *end_h && contract_end.is_some_and(|end| pay.date <= end) {
                c.report(
                    RuleKind::Inconsistent,
                    &format!("purchase_order[{i}].payments[{j}].date"),
                    &deps,
                    format_args!(
                        "a capex payment on {} is after the repayment deadline end_H = {end_h} of facility `{name}`, which funds every capex payment pro rata",
                        pay.date, name = crate::shorten(name)
                    ),
                    format_args!("pay for the GPUs by {end_h}, or repay the facility later (`repay_by`)"),
                );
            }
        }
    }
}

/// "curve points not in increasing date order, or the first after close".
fn curves_ordered_from_close(c: &mut Checker, deal: &Deal) {
    for (name, curve) in &deal.curves {
        let p = format!("curves.{name}.points");
        if let Some((first, _)) = curve.points.first() {
            if *first > deal.close {
                c.report(
                    RuleKind::Inconsistent,
                    &format!("{p}[0][0]"),
                    &["deal.close"],
                    format_args!(
                        "the first point of curve `{name}` is dated {first}, after close ({})",
                        deal.close,
                        name = crate::shorten(name)
                    ),
                    format_args!(
                        "start the curve on or before {} so that the rate at close is known",
                        deal.close
                    ),
                );
            }
        }
        for (j, pair) in curve.points.windows(2).enumerate() {
            if let [(before, _), (date, _)] = pair {
                if date <= before {
                    c.report(
                        RuleKind::Inconsistent,
                        &format!("{p}[{}][0]", j + 1),
                        &[],
                        format_args!(
                            "the points of curve `{name}` are not in increasing date order: {date} comes after {before}", name = crate::shorten(name)
                        ),
                        "list the points by strictly increasing date",
                    );
                }
            }
        }
    }
}

/// "a facility naming an unknown curve".
fn known_curves(c: &mut Checker, deal: &Deal) {
    for (i, f) in deal.facilities.iter().enumerate() {
        if let RateSpec::Floating { index, .. } = &f.rate {
            if !deal.curves.contains_key(index) {
                let names: Vec<&str> = deal.curves.keys().map(String::as_str).collect();
                let help = match crate::did_you_mean(index, &names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "add the curve as [curves.{index}] with points = [[date, value], ...]"
                    ),
                };
                c.report(
                    RuleKind::UnknownReference,
                    &format!("facility[{i}].rate.index"),
                    &["curves"],
                    format_args!(
                        "facility `{}` names the curve `{index}`, which is not defined",
                        f.name
                    ),
                    help,
                );
            }
        }
    }
}

/// "two facilities of one rank"; "duplicate names". (A rank other than 1 or 2 can't
/// be built: [`Rank`] has two values, and the reader rejects others.)
fn names_and_ranks(c: &mut Checker, deal: &Deal) {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ranks: BTreeMap<Rank, usize> = BTreeMap::new();
    for (i, f) in deal.facilities.iter().enumerate() {
        if let Some(first) = names.get(f.name.as_str()) {
            c.report(
                RuleKind::Duplicate,
                &format!("facility[{i}].name"),
                &[&format!("facility[{first}].name")],
                format_args!("two facilities are named `{}`", crate::shorten(&f.name)),
                "give each facility its own name",
            );
        } else {
            names.insert(&f.name, i);
        }
        if let Some(first) = ranks.get(&f.rank) {
            let other = deal.facilities.get(*first).map_or("", |f| f.name.as_str());
            c.report(
                RuleKind::Duplicate,
                &format!("facility[{i}].rank"),
                &[&format!("facility[{first}].rank")],
                format_args!(
                    "two facilities of rank {}: `{other}` and `{}`",
                    f.rank.number(),
                    f.name
                ),
                "a deal has at most one senior (rank = 1, the default) and one junior (rank = 2) facility",
            );
        } else {
            ranks.insert(f.rank, i);
        }
    }
}

/// Total capex `T = Σ round2(units · unit_cost)`, or the index of the first purchase
/// order whose cost is out of range.
pub(crate) fn total_capex(deal: &Deal) -> Result<Decimal, usize> {
    let mut total = Decimal::ZERO;
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        let cost = Decimal::from(po.units)
            .checked_mul(po.unit_cost.value())
            .map(round2)
            .ok_or(i)?;
        total = total.checked_add(cost).ok_or(i)?;
    }
    Ok(total)
}

/// "commitments above total capex (a zero total capex allows no debt)": fixed amounts
/// count, sizings don't (a sizing is capped at `max_gearing · T` by construction).
fn commitments_within_capex(c: &mut Checker, deal: &Deal) {
    let total = match total_capex(deal) {
        Ok(t) => t,
        // Reported by `purchase_order_costs`.
        Err(_) => return,
    };
    let mut committed = Decimal::ZERO;
    for (i, f) in deal.facilities.iter().enumerate() {
        let Commitment::Fixed { amount, .. } = &f.commitment else {
            continue;
        };
        if !amount.is_positive() {
            continue;
        }
        let Some(sum) = committed.checked_add(amount.amount()) else {
            return;
        };
        committed = sum;
        if committed > total {
            let path = format!("facility[{i}].amount");
            let room = (total - (committed - amount.amount())).max(Decimal::ZERO);
            let (message, help) = if total.is_zero() {
                (
                    format!(
                        "facility `{}` commits {}, but total capex is 0, which allows no debt",
                        f.name,
                        cents(amount.amount())
                    ),
                    "a deal without capex has no debt: remove the facility or add purchase orders"
                        .to_string(),
                )
            } else {
                (
                    format!(
                        "commitments of {} are above total capex T = {}",
                        cents(committed),
                        cents(total)
                    ),
                    format!(
                        "facilities fund at most the total capex: lower `amount` to at most {}",
                        cents(room)
                    ),
                )
            };
            c.report(
                RuleKind::Inconsistent,
                &path,
                &["purchase_order"],
                message,
                help,
            );
            return;
        }
    }
}

// ---------------------------------------------------------------------------
// Amounts the engine forms from the sheet (docs/limits.md, "Amounts").
// ---------------------------------------------------------------------------

/// "a capex payment after the contract ends" is an error whatever the facilities: the
/// engine has no period to put it in.
fn capex_before_contract_end(c: &mut Checker, deal: &Deal) {
    let Some(end) = add_months(deal.close, deal.contract.term_months) else {
        return; // `contract_end_in_range`
    };
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        for (j, pay) in po.payments.iter().enumerate() {
            if pay.date > end {
                c.report(
                    RuleKind::Inconsistent,
                    &format!("purchase_order[{i}].payments[{j}].date"),
                    &["deal.close", "contract.term_months"],
                    format_args!(
                        "a capex payment on {} is after the contract ends on {end}",
                        pay.date
                    ),
                    format_args!("pay for the GPUs by {end}, the contract's end"),
                );
            }
        }
    }
}

/// The largest escalation factor over the term, `(1 + e)^years` for a rising escalator
/// (1 for a flat or falling one); `None` beyond what a decimal holds. The escalation
/// is anchored at `anchor` (section 2: the contract's close, an item's `start`), so
/// `years` counts the anniversaries of the anchor up to the contract's end, plus one:
/// an item whose `start` lies years before close has escalated as many times at close
/// already. A term over [`MAX_TERM_MONTHS`] is an error of its own: the end is taken
/// after the longest valid term then, so that a term of four billion months with a
/// tiny escalator does not cost hundreds of millions of multiplications.
fn escalation_over_term(deal: &Deal, anchor: NaiveDate, e: Decimal) -> Option<Decimal> {
    if e <= Decimal::ZERO {
        return Some(Decimal::ONE);
    }
    let end = add_months(deal.close, deal.contract.term_months.min(MAX_TERM_MONTHS))?;
    let years = anniversaries(anchor, end) + 1;
    let step = Decimal::ONE.checked_add(e)?;
    (0..years).try_fold(Decimal::ONE, |acc, _| acc.checked_mul(step))
}

/// "any value above 1e15", for an escalation factor over the term: `(1 + e)^years`
/// from its anchor (`anchor`, the field at `anchor_path`) to the contract's end must
/// be a decimal (an escalator of 1e15 compounds beyond any amount, and so does 3% a
/// year from a `start` two thousand years before close). Reports at `path`; returns
/// the factor, or 0 once reported (so no product repeats the error).
fn escalation_within_range(
    c: &mut Checker,
    deal: &Deal,
    path: impl Display,
    (anchor_path, anchor): (impl Display, NaiveDate),
    e: Decimal,
) -> Decimal {
    match escalation_over_term(deal, anchor, e).filter(|x| *x <= MAX_VALUE) {
        Some(x) => x,
        None => {
            c.report(
                RuleKind::InvalidValue,
                &path.to_string(),
                &["contract.term_months", &anchor_path.to_string()],
                format_args!(
                    "`{path}` = {} compounds from `{anchor_path}` ({anchor}) to the contract's end to more than 1e15",
                    e.normalize()
                ),
                "an annual escalator such as \"0.03\" for +3% a year, anchored at a `start` near the deal's close",
            );
            Decimal::ZERO
        }
    }
}

/// `Π factors`, or `None` beyond what a decimal holds.
fn bounded_product(factors: &[Decimal]) -> Option<Decimal> {
    factors
        .iter()
        .try_fold(Decimal::ONE, |acc, f| acc.checked_mul(*f))
}

/// Reports at `path` when `Π factors` (an amount over the whole term) is above 1e15.
/// Returns `|Π factors|` when within range, else 0 (reported here, so left out of any
/// bound the caller sums).
///
/// `path` and `what` are written out only when the amount is out of range.
fn amount_within_range(
    c: &mut Checker,
    path: impl Display,
    deps: &[&dyn Display],
    what: impl Display,
    factors: &[Decimal],
) -> Decimal {
    let amount = bounded_product(factors)
        .map(|x| x.abs())
        .filter(|x| *x <= MAX_VALUE);
    if amount.is_none() {
        let deps: Vec<String> = deps.iter().map(|d| d.to_string()).collect();
        c.report(
            RuleKind::InvalidValue,
            &path.to_string(),
            &deps.iter().map(String::as_str).collect::<Vec<_>>(),
            format_args!("{what} is above the limit of 1e15 for any amount the deal forms"),
            "every amount the engine computes from the sheet, over the whole term, is at most 1e15; check the units",
        );
    }
    amount.unwrap_or(Decimal::ZERO)
}

/// "any value above 1e15", applied to the amounts the engine forms from the sheet: a
/// purchase order's cost `units · unit_cost` and total capex (section 4); a capacity
/// line's invoices `gpus · price_per_gpu_hour · esc · 24 · days` over the term (section
/// 3); a data center's colocation `critical_kw · rate_per_kw_month · esc · months` and
/// power `critical_kw · load_factor · pue · 24 · days · power_price_per_mwh / 1000`, an
/// expense's `per_month · esc · months` and a fee's `per_year · years`, each over the
/// term (section 5); interest and fees on all of total capex over the term (section 6);
/// and the sizing cap `CFADS / dscr` (section 7). Each is at most 1e15 (the cap: 1e20,
/// the most money holds), so every sum the engine forms stays exact.
fn amounts_within_range(c: &mut Checker, deal: &Deal) {
    let term = Decimal::from(deal.contract.term_months);
    // At most 31 days a month.
    let hours = term * Decimal::from(31 * 24);
    let years = term / Decimal::from(12);
    let contract_esc = escalation_within_range(
        c,
        deal,
        "contract.escalator",
        ("deal.close", deal.close),
        deal.contract.escalator.value(),
    );
    let mut revenue = Some(Decimal::ZERO);
    for (i, l) in deal.contract.capacity.iter().enumerate() {
        let p = format!("contract.capacity[{i}]");
        let factors = [
            Decimal::from(l.gpus),
            l.price_per_gpu_hour.value(),
            hours,
            contract_esc,
        ];
        amount_within_range(
            c,
            format_args!("{p}.gpus"),
            &[&format_args!("{p}.price_per_gpu_hour"), &"contract.escalator"],
            format_args!("the invoices of `{p}` over the term (gpus · price_per_gpu_hour · escalation · 24 · days)"),
            &factors,
        );
        revenue = revenue
            .zip(bounded_product(&factors))
            .and_then(|(a, b)| a.checked_add(b));
    }
    purchase_order_costs(c, deal);
    let total = total_capex(deal).ok();
    // What the operating costs over the term add up to at most: |CFADS_k| is at most the
    // revenue plus these, which bounds the sizing cap below (a cost already out of range
    // is reported on its own and left out here).
    let mut costs = Decimal::ZERO;
    let mut add_cost = |x: Decimal| costs = costs.checked_add(x).unwrap_or(Decimal::MAX);
    for (i, dc) in deal.datacenters.iter().enumerate() {
        let p = format!("datacenter[{i}]");
        let esc = escalation_within_range(
            c,
            deal,
            format_args!("{p}.escalator"),
            (format_args!("{p}.start"), dc.start),
            dc.escalator.value(),
        );
        add_cost(amount_within_range(
            c,
            format_args!("{p}.rate_per_kw_month"),
            &[&format_args!("{p}.critical_kw"), &format_args!("{p}.escalator")],
            format_args!("the colocation of `{p}` over the term (critical_kw · rate_per_kw_month · escalation · months)"),
            &[dc.critical_kw.value(), dc.rate_per_kw_month.value(), esc, term],
        ));
        add_cost(amount_within_range(
            c,
            format_args!("{p}.pue"),
            &[
                &format_args!("{p}.critical_kw"),
                &format_args!("{p}.load_factor"),
                &format_args!("{p}.power_price_per_mwh"),
            ],
            format_args!("the power of `{p}` over the term (critical_kw · load_factor · pue · 24 · days · power_price_per_mwh / 1000)"),
            &[
                dc.critical_kw.value(),
                dc.load_factor.value(),
                dc.pue.value(),
                hours,
                dc.power_price_per_mwh.value(),
                Decimal::new(1, 3),
            ],
        ));
    }
    for (i, e) in deal.expenses.iter().enumerate() {
        if let ExpenseBasis::ShareOfRevenue(share) = &e.basis {
            let of_revenue = revenue.and_then(|r| r.checked_mul(share.value()));
            add_cost(of_revenue.map_or(Decimal::MAX, |x| x.abs()));
        }
        if let ExpenseBasis::PerMonth(q) = &e.basis {
            let p = format!("expense[{i}]");
            let esc = escalation_within_range(
                c,
                deal,
                format_args!("{p}.escalator"),
                (format_args!("{p}.start"), e.start),
                e.escalator.value(),
            );
            add_cost(amount_within_range(
                c,
                format_args!("{p}.per_month"),
                &[&format_args!("{p}.escalator")],
                format_args!("`{p}` over the term (per_month · escalation · months)"),
                &[q.value(), esc, term],
            ));
        }
    }
    for (i, f) in deal.fees.iter().enumerate() {
        let p = format!("fee[{i}]");
        add_cost(amount_within_range(
            c,
            format_args!("{p}.per_year"),
            &[],
            format_args!("`{p}` over the term (per_year · years)"),
            &[f.per_year.value(), years],
        ));
    }
    // |CFADS_k| <= revenue + costs: a period of revenue and no cost, or of costs and no
    // revenue (a price of 0 leaves CFADS negative, and CFADS / dscr as large).
    let cfads_bound = revenue.and_then(|r| r.checked_add(costs));
    for (i, f) in deal.facilities.iter().enumerate() {
        facility_amounts(c, deal, i, f, total, cfads_bound);
    }
}

/// "a count (`units`) ... any value above 1e15", on the product: a purchase order's cost
/// `units · unit_cost` (located at `units`, naming `unit_cost`) and total capex `T`.
fn purchase_order_costs(c: &mut Checker, deal: &Deal) {
    let mut total = Some(Decimal::ZERO);
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        let p = format!("purchase_order[{i}]");
        let cost = bounded_product(&[Decimal::from(po.units), po.unit_cost.value()]);
        amount_within_range(
            c,
            format_args!("{p}.units"),
            &[&format_args!("{p}.unit_cost")],
            format_args!("the cost of `{p}`, units · unit_cost"),
            &[cost.unwrap_or(Decimal::MAX)],
        );
        total = total.zip(cost).and_then(|(a, b)| a.checked_add(b));
    }
    if deal.purchase_orders.len() > 1 {
        amount_within_range(
            c,
            "purchase_order",
            &[],
            "total capex T, the sum of units · unit_cost",
            &[total.unwrap_or(Decimal::MAX)],
        );
    }
}

/// The largest annual rate a facility can charge: its fixed rate, or its floor or
/// highest curve point plus its margin (a missing curve is its own error: 0 here).
fn highest_rate(deal: &Deal, f: &Facility) -> Option<Decimal> {
    match &f.rate {
        RateSpec::Fixed(r) => Some(r.value()),
        RateSpec::Floating {
            index,
            margin,
            floor,
        } => {
            let top = deal.curves.get(index).map_or(Decimal::ZERO, |curve| {
                curve
                    .points
                    .iter()
                    .map(|(_, v)| v.value())
                    .max()
                    .unwrap_or(Decimal::ZERO)
            });
            top.max(floor.value()).checked_add(margin.value())
        }
    }
}

/// Interest and fees on all of total capex over the term, `T · (rate + upfront_fee +
/// commitment_fee) · years`, at most 1e15; and the sizing cap `cap_k = floor2(CFADS_k /
/// dscr)` (section 7), with |CFADS| at most the contract's revenue plus the operating
/// costs over the term (`cfads_bound`; CFADS is negative when costs exceed collections):
/// that bound / dscr at most 1e20, the most money holds.
fn facility_amounts(
    c: &mut Checker,
    deal: &Deal,
    i: usize,
    f: &Facility,
    total: Option<Decimal>,
    cfads_bound: Option<Decimal>,
) {
    let p = format!("facility[{i}]");
    let years = Decimal::from(deal.contract.term_months) / Decimal::from(12) + Decimal::ONE;
    let charge = highest_rate(deal, f)
        .and_then(|r| r.checked_add(f.upfront_fee.value()))
        .and_then(|r| r.checked_add(f.commitment_fee.value()));
    if let Some(total) = total {
        amount_within_range(
            c,
            format_args!("{p}.rate"),
            &[
                &"purchase_order",
                &format_args!("{p}.upfront_fee"),
                &format_args!("{p}.commitment_fee"),
            ],
            format_args!(
                "interest and fees of `{p}` on total capex over the term (T · rate · years)"
            ),
            &[total, charge.unwrap_or(Decimal::MAX), years],
        );
    }
    let Some(dscr) = f.schedule_dscr() else {
        return;
    };
    let key = match f.commitment {
        Commitment::Sized { .. } => "sizing.dscr",
        Commitment::Fixed { .. } => "target_dscr",
    };
    if dscr.value() <= Decimal::ZERO {
        return; // its own value rule
    }
    let cap = cfads_bound.and_then(|r| r.checked_div(dscr.value()));
    let max_money = MAX_VALUE * Decimal::from(100_000);
    if cap.is_none_or(|x| x > max_money) {
        c.report(
            RuleKind::InvalidValue,
            &format!("{p}.{key}"),
            &["contract.capacity"],
            format_args!(
                "`{p}.{key}` = {} is so small that the debt-service cap CFADS / dscr is beyond 1e20",
                dscr.value().normalize()
            ),
            "a debt service coverage ratio such as \"1.30\"",
        );
    }
}

/// An amount with exactly two decimals.
fn cents(x: Decimal) -> String {
    let mut d = round2(x);
    d.rescale(2);
    d.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_value_is_1e15() {
        assert_eq!(MAX_VALUE, Decimal::from(1_000_000_000_000_000_u64));
    }

    /// The paths, amounts and anchors written out only when their rule is broken read
    /// as the rules' words, worked out by hand: a 201-character line name; 1024 GPUs at
    /// 1e12 an hour, over 1e15 for an hour; an expense escalating 100-fold a year over
    /// ten years; a negative unit cost (shown normalized) and a share of 3.
    #[test]
    fn lazily_written_paths_read_as_the_rules_words() {
        use boxflow_core::{Quantity, Rate, Share};
        let mut deal = crate::Deal::example();
        deal.contract.term_months = 120;
        deal.contract.capacity[0].name = Some("x".repeat(MAX_NAME_CHARS + 1));
        deal.contract.capacity[0].price_per_gpu_hour =
            Quantity::new(Decimal::from(1_000_000_000_000_u64));
        deal.expenses[0].escalator = Rate::new(Decimal::from(100));
        deal.purchase_orders[0].unit_cost = Quantity::new(Decimal::new(-2500, 2));
        deal.purchase_orders[0].residual_share = Share::new(Decimal::from(3));
        let got = validate(&deal);
        let has =
            |path: &str, message: &str| got.iter().any(|i| i.path == path && i.message == message);
        assert!(
            has(
                "contract.capacity[0].name",
                "`contract.capacity[0].name` is 201 characters long, above the limit of 200"
            ),
            "{got:#?}"
        );
        assert!(
            has(
                "contract.capacity[0].gpus",
                "the invoices of `contract.capacity[0]` over the term (gpus · price_per_gpu_hour \
                 · escalation · 24 · days) is above the limit of 1e15 for any amount the deal forms"
            ),
            "{got:#?}"
        );
        assert!(
            has(
                "expense[0].escalator",
                "`expense[0].escalator` = 100 compounds from `expense[0].start` (2026-01-01) \
                 to the contract's end to more than 1e15"
            ),
            "{got:#?}"
        );
        assert!(
            has(
                "purchase_order[0].unit_cost",
                "`purchase_order[0].unit_cost` is negative (-25)"
            ),
            "{got:#?}"
        );
        assert!(
            has(
                "purchase_order[0].residual_share",
                "`purchase_order[0].residual_share` is 3, a share outside [0, 1]"
            ),
            "{got:#?}"
        );
    }

    /// A grid point's own checks: on shocks that pass, whatever its name and rate
    /// shock, the name-and-rate rules answer as every rule does, in the same order.
    #[test]
    fn a_points_name_and_rate_checks_are_its_whole_checks_on_valid_shocks() {
        let mut deal = crate::Deal::example();
        deal.contract.capacity[0].name = Some("Phase 1".into());
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        let mut shocks = vec![Scenario::new("grid")];
        let mut late = Scenario::new("grid");
        late.customer_default = Some(crate::CustomerDefault {
            period: 20,
            re_lease: None,
        });
        late.line = Some("Phase 1".into());
        shocks.push(late);
        let mut priced = Scenario::new("grid");
        priced.price_haircut = boxflow_core::Share::new(Decimal::new(2, 1));
        priced.online_delay_months = 3;
        shocks.push(priced);
        for shock in shocks {
            assert_eq!(validate_scenario(&deal, &shock), vec![]);
            for name in ["price=1.61,rate=5", "", "  ", long.as_str()] {
                for bps in [0, 5, -10_000, -10_001, 100_000, 100_001] {
                    let mut s = shock.clone();
                    s.name = name.into();
                    s.rate_shock_bps = Decimal::from(bps);
                    let own = validate_scenario_name_and_rate(&s);
                    assert_eq!(own, validate_scenario(&deal, &s), "{name:?} {bps}");
                    // Hand-counted: a long or blank name breaks one rule, a shock
                    // beyond -10000..=100000 another.
                    let broken = usize::from(name.trim().is_empty() || name == long)
                        + usize::from(!(-10_000..=100_000).contains(&bps));
                    assert_eq!(own.len(), broken, "{name:?} {bps}");
                }
            }
        }
    }

    #[test]
    fn paths_nest() {
        assert!(is_within("facility[0].rate", "facility[0]"));
        assert!(is_within("facility[0]", "facility"));
        assert!(!is_within("facility[10]", "facility[1]"));
        assert!(!is_within("facility", "facility"));
        assert!(is_within("x", ""));
    }

    /// The set answers as a scan of its paths with [`is_within`] does, on paths with
    /// every kind of segment, odd dots and brackets included.
    #[test]
    fn distrusted_paths_agree_with_the_definition() {
        let paths = [
            "",
            "x",
            "facility",
            "facility[0]",
            "facility[1]",
            "facility[10]",
            "facility[0].rate",
            "facility[0].rate.margin",
            "facility[0]rate",
            "facilityx",
            "curves.a.b",
            "curves.a",
            "curves.a..b",
            "curves.a.",
            ".a",
            ".",
            "..a",
            "[0]",
            "[0][1]",
            "curves.é.points[3][1]",
            "curves.é",
            "a[",
            "a[[0]",
        ];
        let naive = |set: &[&str], path: &str| {
            set.iter()
                .any(|p| *p == path || is_within(path, p) || is_within(p, path))
        };
        for size in 0..4 {
            for start in 0..paths.len() {
                let set: Vec<&str> = paths
                    .iter()
                    .cycle()
                    .skip(start)
                    .step_by(5)
                    .take(size)
                    .copied()
                    .collect();
                let mut d = Distrusted::default();
                for p in &set {
                    d.insert(p);
                }
                for path in paths {
                    assert_eq!(
                        d.touches(path),
                        naive(&set, path),
                        "{path:?} against {set:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_million_distrusted_paths_are_checked_in_linear_time() {
        let mut out = Vec::new();
        let mut c = Checker::new(&mut out, Distrusted::default());
        for i in 0..1_000_000 {
            c.distrusted.insert(&format!("curves.X.points[{i}][1]"));
        }
        assert!(!c.trusted("curves.X"));
        assert!(!c.trusted("curves.X.points[999999]"));
        assert!(c.trusted("curves.X.points[1000000]"));
        assert!(c.trusted("curves.Y"));
        for i in 0..1_000_000 {
            assert!(!c.trusted(&format!("curves.X.points[{i}][1].z")));
        }
    }

    /// Wants every other broken rule, counting all.
    #[derive(Default)]
    struct EveryOther {
        asked: Vec<(RuleKind, String)>,
        kept: Vec<Invalid>,
    }

    impl RuleSink for EveryOther {
        fn wants(&mut self, kind: RuleKind, path: &str) -> bool {
            self.asked.push((kind, path.to_string()));
            self.asked.len() % 2 == 1
        }

        fn push(&mut self, invalid: Invalid) {
            self.kept.push(invalid);
        }
    }

    #[test]
    fn a_sink_is_asked_about_every_broken_rule_and_given_only_those_it_wants() {
        // value rules (negative units and costs, a share above 1) and cross rules
        // (shares not summing to 1, duplicate scenario names) on many entries
        let mut deal = Deal::example();
        let po = deal.purchase_orders[0].clone();
        for i in 0..50 {
            let mut p = po.clone();
            p.units = 0;
            if i % 3 == 0 {
                p.unit_cost = boxflow_core::Quantity::new(-p.unit_cost.value());
            }
            deal.purchase_orders.push(p);
        }
        for _ in 0..20 {
            deal.scenarios.push(Scenario::new("same"));
        }
        let all = check_with_poisoned(&deal, &[]);
        assert!(all.len() > 70, "{}", all.len());
        let mut sink = EveryOther::default();
        check_into(&deal, &[], &mut sink);
        // asked about each, in the same order, with its kind and path
        let asked: Vec<(RuleKind, String)> = all.iter().map(|i| (i.kind, i.path.clone())).collect();
        assert_eq!(sink.asked, asked);
        // given exactly the wanted ones (the 1st, 3rd, ...), whole
        let wanted: Vec<Invalid> = all.iter().step_by(2).cloned().collect();
        assert_eq!(sink.kept, wanted);
    }

    #[test]
    fn multiples() {
        assert_eq!(
            multiples_help(61, 3, Some(600)),
            "use a whole number of 3-month periods, e.g. 60 or 63 months"
        );
        assert_eq!(
            multiples_help(2, 3, None),
            "use a whole number of 3-month periods, e.g. 3 months"
        );
    }
}

#[cfg(test)]
mod escalation_bound_tests {
    use super::*;
    use chrono::Datelike;

    /// Found by CI's fuzz: a term of 4294967295 months with an escalator of 1e-28
    /// multiplied (1 + 1e-28) about 358 million times (39 s). Over the longest valid
    /// term, 600 months, that is 600 / 12 + 1 = 51 multiplications: the factor is
    /// (1 + 1e-28)^51, which a decimal of 28 places holds as 1.0000000000000000000000000051.
    #[test]
    fn a_huge_term_costs_no_more_than_the_longest_valid_one() {
        let mut deal = crate::Deal::example();
        deal.contract.term_months = u32::MAX;
        let e = Decimal::new(1, 28);
        let factor = escalation_over_term(&deal, deal.close, e).expect("a decimal holds it");
        assert!(
            factor >= Decimal::ONE && factor < Decimal::new(11, 1),
            "{factor}"
        );
        // Bounded work, not timing: the same factor as over exactly 600 months.
        deal.contract.term_months = MAX_TERM_MONTHS;
        assert_eq!(escalation_over_term(&deal, deal.close, e), Some(factor));
    }

    /// The escalation counts from its anchor, not from close: with a 60-month term and
    /// an anchor ten years before close, the contract ends on the anchor's 15th
    /// anniversary, so the bound takes 15 + 1 = 16 steps: 1.5^16 = 43,046,721 / 65,536
    /// = 656.8408355712890625 (from close: 5 + 1 = 6 steps, 1.5^6 = 11.390625).
    #[test]
    fn an_anchor_before_close_escalates_from_the_anchor() {
        let mut deal = crate::Deal::example();
        deal.contract.term_months = 60;
        let close = deal.close;
        let anchor = close
            .with_year(close.year() - 10)
            .expect("a date ten years before");
        let e = Decimal::new(5, 1);
        assert_eq!(
            escalation_over_term(&deal, anchor, e),
            Some("656.8408355712890625".parse().unwrap())
        );
        assert_eq!(
            escalation_over_term(&deal, close, e),
            Some("11.390625".parse().unwrap())
        );
        // Two thousand years of 3% (2,005 anniversaries + 1 = 2,006 steps): 1.03^2006,
        // about 5.6e25, far above the 1e15 an escalation may reach.
        let far = close.with_year(close.year() - 2000).expect("a date");
        let factor = escalation_over_term(&deal, far, Decimal::new(3, 2)).expect("a decimal");
        let (low, high): (Decimal, Decimal) = (
            "56000000000000000000000000".parse().unwrap(),
            "57000000000000000000000000".parse().unwrap(),
        );
        assert!(low < factor && factor < high, "{factor}");
        assert!(factor > MAX_VALUE);
    }
}
