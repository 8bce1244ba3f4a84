//! The deal sheet's shape, written once: every section and key, its type, whether it
//! is required or what its default is, its unit, what it means and the rules it
//! follows on its own (methodology section 1).
//!
//! Everything else that knows the shape reads it from here: the reader's unknown-key
//! detection and its "did you mean" (crate::reader), the JSON Schema
//! ([`crate::json_schema`]), the key tables of the deal-sheet documentation
//! ([`markdown_key_tables`]) and the check of the `init` template ([`crate::TEMPLATE`]
//! uses only keys of this table, and every section of the table; a test checks it).
//! The names of closed lists (frequency, day count, profile, lock-up action) are not
//! copied here either: a [`Kind::Choice`] reads them from the enum's
//! [`boxflow_core::SheetEnum::NAMES`].
//!
//! ```
//! use boxflow_deal::sheet::{self, Need};
//!
//! let deal = sheet::section("deal").unwrap();
//! assert_eq!(deal.title, "[deal]");
//! let currency = deal.key("currency").unwrap();
//! assert_eq!(currency.need, Need::Default("`\"USD\"`"));
//! assert!(sheet::section("facility.rate").unwrap().key("floor").is_some());
//! ```

use boxflow_core::{DayCount, Frequency, SheetEnum};
use boxflow_model::{Amortization, LockupAction};

/// One table of a deal sheet: `[deal]`, each `[[facility]]`, a facility's `rate`.
#[derive(Debug)]
#[non_exhaustive]
pub struct Section {
    /// Its path with array indexes left out: `""` for the top level, `deal`,
    /// `contract.capacity`, `facility.rate`, `curves.NAME`.
    pub path: &'static str,
    /// How messages and the documentation name it: `[deal]`, `[[contract.capacity]]`,
    /// ``a facility's `rate` ``, `the top level`.
    pub title: &'static str,
    /// Markdown shown before its key table in the documentation.
    pub about: &'static str,
    /// Markdown shown after its key table in the documentation.
    pub notes: &'static str,
    /// Its keys, in the order the documentation lists them.
    pub keys: &'static [Key],
    /// Keys of which exactly one must be given (`amount` or `sizing`); each has
    /// [`Need::OneOf`].
    pub one_of: &'static [&'static str],
}

impl Section {
    /// The key named `name`, if the section has one.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The names of its keys, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.keys.iter().map(|k| k.name).collect()
    }
}

/// One key of a [`Section`].
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Key {
    /// The key as written in the deal sheet.
    pub name: &'static str,
    /// What value it takes.
    pub kind: Kind,
    /// Required, or what applies when it is left out.
    pub need: Need,
    /// The unit of its value, if any (`months`, `per year`, `currency per kW-month`).
    pub unit: &'static str,
    /// What it is or does, one sentence (markdown).
    pub about: &'static str,
    /// The rules it follows (markdown), beyond its kind; empty when none.
    pub rule: &'static str,
    /// The methodology sections it feeds (`2, 3`); empty when none.
    pub methodology: &'static str,
    /// An example line (`gpus = 16384`), shown in a missing key's help; empty when
    /// the key is optional.
    pub example: &'static str,
}

/// What kind of value a [`Key`] takes, as written in the deal sheet.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Kind {
    /// The format version: the integer 1.
    Version,
    /// Any string.
    Text,
    /// A currency code: three capital letters.
    Currency,
    /// A date: a TOML date or a quoted `YYYY-MM-DD`.
    Date,
    /// A money amount: an exact decimal, 0 or more, at most two decimals.
    Money,
    /// An exact decimal of either sign (escalators, shocks, ratios).
    Decimal,
    /// An exact decimal, 0 or more (prices, rates, quantities).
    NonNegative,
    /// An exact decimal in [0, 1].
    Share,
    /// A whole number written as a TOML integer, from `min` to `max`.
    Count {
        /// The smallest value accepted.
        min: u64,
        /// The largest value accepted, when there is one.
        max: Option<u64>,
    },
    /// `true` or `false`.
    Boolean,
    /// A name from a closed list; the function gives the names
    /// ([`SheetEnum::names`]).
    Choice(fn() -> Vec<&'static str>),
    /// `1` (senior) or `2` (junior).
    Rank,
    /// `"halfway"` or a whole number of months.
    RepayBy,
    /// A table (or an inline table) of the given section.
    Table(&'static Section),
    /// An array of tables (or of inline tables) of the given section.
    Tables(&'static Section),
    /// A table of tables, each named freely, of the given section (`[curves.NAME]`).
    NamedTables(&'static Section),
    /// An array of shares.
    Shares,
    /// `[lo, hi]`: two shares (`whole`: two whole numbers, 0 or more), low end
    /// first, a range a value is drawn from.
    Range {
        /// Whole numbers (periods, months) rather than shares.
        whole: bool,
    },
    /// An array of `[date, value]` points.
    Points,
    /// A table of ranges written as text: each key a `[[scenario]]` key (or its short
    /// name), each value `"lo..hi"` (`[[property]]`'s `vary`).
    Ranges,
    /// An array of strings, one line each (`[[property]]`'s `expect`).
    Lines,
}

/// Whether a key must be given, and what applies when it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Need {
    /// It must be given (an array of tables: at least one entry).
    Required,
    /// Left out, it takes this value (markdown: `` `"USD"` ``, `0`, `` `deal.close` ``).
    Default(&'static str),
    /// Optional with no value of its own; the text says what its absence means
    /// (`none`, `open-ended`, `no test`).
    Absent(&'static str),
    /// Exactly one of the section's [`Section::one_of`] keys must be given.
    OneOf,
}

const fn key(name: &'static str, kind: Kind, need: Need) -> Key {
    Key {
        name,
        kind,
        need,
        unit: "",
        about: "",
        rule: "",
        methodology: "",
        example: "",
    }
}

impl Key {
    const fn unit(mut self, unit: &'static str) -> Key {
        self.unit = unit;
        self
    }
    const fn about(mut self, about: &'static str) -> Key {
        self.about = about;
        self
    }
    const fn rule(mut self, rule: &'static str) -> Key {
        self.rule = rule;
        self
    }
    const fn sec(mut self, methodology: &'static str) -> Key {
        self.methodology = methodology;
        self
    }
    const fn example(mut self, example: &'static str) -> Key {
        self.example = example;
        self
    }
}

use Need::{Absent, Default, OneOf, Required};

const COUNT: Kind = Kind::Count { min: 1, max: None };
const COUNT0: Kind = Kind::Count { min: 0, max: None };
const MONTHS: Kind = Kind::Count {
    min: 1,
    max: Some(600),
};
const MONTHS0: Kind = Kind::Count {
    min: 0,
    max: Some(600),
};
const NONE: Need = Absent("none");
const AT_CLOSE: Need = Default("`deal.close`");
const ZERO: Need = Default("0");

/// The top level.
pub static ROOT: Section = Section {
    path: "",
    title: "the top level",
    about: "",
    notes: "`[deal]`, `[contract]` and at least one `[[purchase_order]]` are required. \
            Any other key is an unknown key.",
    keys: &[
        key("format", Kind::Version, Default("1"))
            .about("Deal-sheet format version.")
            .rule("must be 1"),
        key("deal", Kind::Table(&DEAL), Required)
            .about("The deal.")
            .example("[deal] with name, close and frequency"),
        key("contract", Kind::Table(&CONTRACT), Required)
            .about("The take-or-pay capacity contract.")
            .example(
                "[contract] with customer, term_months and at least one [[contract.capacity]]",
            ),
        key("purchase_order", Kind::Tables(&PURCHASE_ORDER), Required)
            .about("The GPU purchase orders.")
            .rule("at least one")
            .example("[[purchase_order]] with units, unit_cost, payments and useful_life_months"),
        key("datacenter", Kind::Tables(&DATACENTER), NONE).about("Colocation and power."),
        key("expense", Kind::Tables(&EXPENSE), NONE).about("Operating costs."),
        key("fee", Kind::Tables(&FEE), NONE).about("Senior fees."),
        key("facility", Kind::Tables(&FACILITY), Absent("no debt"))
            .about("Delayed-draw term loans.")
            .rule("at most two"),
        key("reserve", Kind::Table(&RESERVE), Absent("no DSRA"))
            .about("The debt service reserve account."),
        key("covenants", Kind::Table(&COVENANTS), Absent("no test"))
            .about("DSCR, lock-up and LTV tests."),
        key("curves", Kind::NamedTables(&CURVE), NONE).about("Index curves, by name."),
        key("analysis", Kind::Table(&ANALYSIS), Absent("`npv` is null"))
            .about("Analysis settings."),
        key("scenario", Kind::Tables(&SCENARIO), NONE)
            .about("Named stresses of the base case, for `boxflow stress`."),
        key(
            "simulation",
            Kind::Table(&SIMULATION),
            Absent("nothing drawn"),
        )
        .about("The Monte Carlo model of `boxflow simulate`."),
        key("property", Kind::Tables(&PROPERTY), NONE)
            .about("Properties of the box over a box of shocks, for `boxflow prove`."),
    ],
    one_of: &[],
};

/// `[deal]`.
pub static DEAL: Section = Section {
    path: "deal",
    title: "[deal]",
    about: "",
    notes: "",
    keys: &[
        key("name", Kind::Text, Required)
            .about("Name of the deal.")
            .rule("not empty")
            .sec("13")
            .example("name = \"Box 1\""),
        key("currency", Kind::Currency, Default("`\"USD\"`"))
            .about("ISO 4217 code.")
            .rule("three capital letters")
            .sec("13"),
        key("close", Kind::Date, Required)
            .about("Closing date; the contract starts here.")
            .rule("periods count from it")
            .sec("2")
            .example("close = 2026-01-01"),
        key("frequency", Kind::Choice(Frequency::names), Required)
            .about("The waterfall period.")
            .rule("`m` = 1 or 3 months")
            .sec("2")
            .example("frequency = \"monthly\""),
    ],
    one_of: &[],
};

/// `[contract]`.
pub static CONTRACT: Section = Section {
    path: "contract",
    title: "[contract]",
    about: "",
    notes: "",
    keys: &[
        key("customer", Kind::Text, Required)
            .about("The customer.")
            .rule("not empty")
            .sec("3")
            .example("customer = \"Hyperscaler A\""),
        key("term_months", MONTHS, Required)
            .unit("months")
            .about("Length of the contract, from close.")
            .rule("1 to 600; a multiple of `m`")
            .sec("2, 3")
            .example("term_months = 60"),
        key("escalator", Kind::Decimal, ZERO)
            .unit("per year")
            .about("Annual price step on each anniversary of close.")
            .rule("above -1")
            .sec("2, 3"),
        key("prepayment", Kind::Money, ZERO)
            .unit("currency")
            .about("Paid by the customer at close.")
            .rule("0 or more, two decimals")
            .sec("3, 4"),
        key("prepayment_credit_share", Kind::Share, ZERO)
            .about("Share of each invoice settled from the prepayment.")
            .rule("in [0, 1]; required (and above 0) when `prepayment > 0`")
            .sec("3"),
        key("capacity", Kind::Tables(&CAPACITY), Required)
            .about("The GPUs billed.")
            .rule("at least one line")
            .sec("3")
            .example("[[contract.capacity]] with gpus and price_per_gpu_hour"),
    ],
    one_of: &[],
};

/// `[[contract.capacity]]`.
pub static CAPACITY: Section = Section {
    path: "contract.capacity",
    title: "[[contract.capacity]]",
    about: "",
    notes: "",
    keys: &[
        key("name", Kind::Text, NONE).about("Name of the line (a scenario's `line` targets it by this name)."),
        key("gpus", COUNT, Required)
            .unit("GPUs")
            .about("Number of GPUs.")
            .rule("at least 1")
            .sec("3")
            .example("gpus = 16384"),
        key("online", Kind::Date, AT_CLOSE)
            .about("First day billed.")
            .rule("before the contract end `add_months(close, term_months)`; before close is fine (treated as close)")
            .sec("3"),
        key("price_per_gpu_hour", Kind::NonNegative, Required)
            .unit("currency per GPU-hour")
            .about("Contract price.")
            .rule("0 or more")
            .sec("3")
            .example("price_per_gpu_hour = \"2.20\""),
    ],
    one_of: &[],
};

/// `[[purchase_order]]`.
pub static PURCHASE_ORDER: Section = Section {
    path: "purchase_order",
    title: "[[purchase_order]]",
    about: "",
    notes: "",
    keys: &[
        key("item", Kind::Text, NONE).about("Description."),
        key("units", COUNT, Required)
            .unit("servers (or racks)")
            .about("Number of units.")
            .rule("at least 1")
            .sec("4")
            .example("units = 2048"),
        key("unit_cost", Kind::NonNegative, Required)
            .unit("currency per unit")
            .about("Cost of one unit.")
            .rule("0 or more")
            .sec("4")
            .example("unit_cost = \"310000\""),
        key("payments", Kind::Tables(&PAYMENT), Required)
            .about("Dated shares of the order's cost.")
            .rule("at least one; shares summing to exactly 1; no payment after a funding facility's deadline")
            .sec("4")
            .example("payments = [{ date = 2026-01-01, share = \"1\" }]"),
        key("useful_life_months", COUNT, Required)
            .unit("months")
            .about("Straight-line book depreciation, from close.")
            .rule("at least 1")
            .sec("11")
            .example("useful_life_months = 72"),
        key("residual_share", Kind::Share, ZERO)
            .unit("of cost")
            .about("Value at the contract end.")
            .rule("in [0, 1]")
            .sec("10"),
    ],
    one_of: &[],
};

/// One entry of a purchase order's `payments`.
pub static PAYMENT: Section = Section {
    path: "purchase_order.payments",
    title: "a purchase order's `payments`",
    about: "Each payment is `{ date = 2026-01-01, share = \"0.30\" }`.",
    notes: "",
    keys: &[
        key("date", Kind::Date, Required)
            .about("Payment date.")
            .sec("4")
            .example("date = 2026-01-01"),
        key("share", Kind::Share, Required)
            .unit("of the order's cost")
            .about("Share paid on that date.")
            .rule("in [0, 1]; the shares of an order sum to exactly 1")
            .sec("4")
            .example("share = \"1\""),
    ],
    one_of: &[],
};

/// `[[datacenter]]`.
pub static DATACENTER: Section = Section {
    path: "datacenter",
    title: "[[datacenter]]",
    about: "",
    notes: "",
    keys: &[
        key("site", Kind::Text, NONE).about("Name of the site."),
        key("critical_kw", Kind::NonNegative, Required)
            .unit("kW")
            .about("Critical IT capacity.")
            .rule("0 or more")
            .sec("5")
            .example("critical_kw = 35000"),
        key("rate_per_kw_month", Kind::NonNegative, Required)
            .unit("currency per kW-month")
            .about("Colocation price.")
            .rule("0 or more")
            .sec("5")
            .example("rate_per_kw_month = \"140\""),
        key("escalator", Kind::Decimal, ZERO)
            .unit("per year")
            .about("Annual step on each anniversary of `start`.")
            .rule("above -1")
            .sec("5"),
        key("start", Kind::Date, AT_CLOSE)
            .about("Start of the agreement.")
            .sec("5"),
        key("term_months", MONTHS, Absent("open-ended"))
            .unit("months")
            .about("Length of the agreement.")
            .rule("1 to 600")
            .sec("5"),
        key("power_price_per_mwh", Kind::NonNegative, Required)
            .unit("currency per MWh")
            .about("Power price.")
            .rule("0 or more")
            .sec("5")
            .example("power_price_per_mwh = \"65\""),
        key("pue", Kind::NonNegative, Default("1"))
            .about("Power usage effectiveness.")
            .rule("0 or more")
            .sec("5"),
        key("load_factor", Kind::Share, Default("1"))
            .unit("of `critical_kw`")
            .about("Average IT draw.")
            .rule("in [0, 1]")
            .sec("5"),
    ],
    one_of: &[],
};

/// `[[expense]]`.
pub static EXPENSE: Section = Section {
    path: "expense",
    title: "[[expense]]",
    about: "Exactly one of `per_month` and `share_of_revenue`.",
    notes: "",
    keys: &[
        key("name", Kind::Text, NONE).about("Name of the cost."),
        key("per_month", Kind::NonNegative, OneOf)
            .unit("currency per month")
            .about("A monthly amount, escalated.")
            .rule("0 or more")
            .sec("5"),
        key("share_of_revenue", Kind::Share, OneOf)
            .unit("of the period's invoice")
            .about("A share of each period's invoice.")
            .rule("in [0, 1]")
            .sec("5"),
        key("escalator", Kind::Decimal, ZERO)
            .unit("per year")
            .about("Annual step on each anniversary of `start`.")
            .rule("above -1; `per_month` only (an error with `share_of_revenue`)")
            .sec("5"),
        key("start", Kind::Date, AT_CLOSE)
            .about("First day.")
            .sec("5"),
        key("end", Kind::Date, Absent("open-ended"))
            .about("Last day, exclusive.")
            .rule("after `start`")
            .sec("5"),
    ],
    one_of: &["per_month", "share_of_revenue"],
};

/// `[[fee]]`.
pub static FEE: Section = Section {
    path: "fee",
    title: "[[fee]]",
    about: "A senior fee (agent, trustee), paid at waterfall step 2.",
    notes: "",
    keys: &[
        key("name", Kind::Text, NONE).about("Name of the fee."),
        key("per_year", Kind::NonNegative, Required)
            .unit("currency per year")
            .about("Amount per year.")
            .rule("0 or more")
            .sec("5")
            .example("per_year = \"300000\""),
        key("start", Kind::Date, AT_CLOSE)
            .about("First day.")
            .sec("5"),
        key("end", Kind::Date, Absent("open-ended"))
            .about("Last day, exclusive.")
            .rule("after `start`")
            .sec("5"),
    ],
    one_of: &[],
};

/// `[[facility]]`.
pub static FACILITY: Section = Section {
    path: "facility",
    title: "[[facility]]",
    about: "At most two facilities: one of rank 1 (senior) and one of rank 2 (junior), \
            with different names. Exactly one of `amount` and `sizing`.",
    notes: "`H`, the deadline period: `floor(N · repaid_by_fraction)` for `\"halfway\"`, \
            else `repay_by / m`, with `N = term_months / m`.",
    keys: &[
        key("name", Kind::Text, Required)
            .about("Name of the facility.")
            .rule("not empty, unique")
            .sec("13")
            .example("name = \"DDTL\""),
        key("rank", Kind::Rank, Default("1"))
            .about("1 = senior, 2 = junior.")
            .rule("one facility per rank")
            .sec("7, 9"),
        key("amount", Kind::Money, OneOf)
            .unit("currency")
            .about("A fixed commitment.")
            .rule("0 or more, two decimals; all amounts together at most total capex T")
            .sec("4, 7"),
        key("target_dscr", Kind::Decimal, NONE)
            .about("The DSCR a fixed amount's schedule is shaped or checked against.")
            .rule("above 0; only with `amount`; required with `amount` when `amortization = \"sculpted\"`")
            .sec("7"),
        key("sizing", Kind::Table(&SIZING), OneOf)
            .about("The largest loan the schedule repays.")
            .sec("7"),
        key("rate", Kind::Table(&RATE), Required)
            .unit("per year")
            .about("The interest rate.")
            .sec("6")
            .example("rate = { index = \"SOFR3M\", margin = \"0.04\" } or rate = { fixed = \"0.09\" }"),
        key("day_count", Kind::Choice(DayCount::names), Default("`\"ACT/360\"`"))
            .about("Day count of interest and fees.")
            .sec("2, 6"),
        key("amortization", Kind::Choice(Amortization::names), Default("`\"sculpted\"`"))
            .about("Shape of the scheduled principal.")
            .sec("7"),
        key("schedule", Kind::Shares, NONE)
            .unit("of the commitment")
            .about("A custom profile: one share per window period.")
            .rule("required with `\"custom\"`, an error otherwise; exactly `n = H - g` shares summing to exactly 1")
            .sec("7")
            .example("schedule = [\"0.25\", \"0.25\", \"0.25\", \"0.25\"], one share per period of the repayment window"),
        key("interest_only_periods", COUNT0, ZERO)
            .unit("periods")
            .about("`g`, periods before principal is due.")
            .rule("the window `g+1 .. H` is not empty")
            .sec("7"),
        key("repay_by", Kind::RepayBy, Default("`\"halfway\"`"))
            .unit("months after close")
            .about("The repayment deadline.")
            .rule("a multiple of `m`, at most `term_months`")
            .sec("7"),
        key("upfront_fee", Kind::Share, ZERO)
            .unit("of the commitment")
            .about("Paid at close.")
            .rule("in [0, 1]")
            .sec("4"),
        key("commitment_fee", Kind::NonNegative, ZERO)
            .unit("per year, on the undrawn commitment")
            .about("Fee on the undrawn commitment.")
            .rule("0 or more")
            .sec("6"),
        key("sweep", Kind::Share, ZERO)
            .unit("of excess cash")
            .about("Share of excess cash that prepays this facility.")
            .rule("in [0, 1]")
            .sec("9"),
    ],
    one_of: &["amount", "sizing"],
};

/// A facility's `sizing`.
pub static SIZING: Section = Section {
    path: "facility.sizing",
    title: "a facility's `sizing`",
    about: "`sizing = { dscr = \"1.30\", max_gearing = \"0.80\" }`: the largest loan the \
            schedule repays at this DSCR, capped at `max_gearing` of total capex.",
    notes: "",
    keys: &[
        key("dscr", Kind::Decimal, Required)
            .about("Sizing DSCR.")
            .rule("above 0")
            .sec("7")
            .example("dscr = \"1.30\""),
        key("max_gearing", Kind::Share, Required)
            .unit("of total capex")
            .about("Maximum debt.")
            .rule("in [0, 1]")
            .sec("7")
            .example("max_gearing = \"0.80\""),
    ],
    one_of: &[],
};

/// A facility's `rate`.
pub static RATE: Section = Section {
    path: "facility.rate",
    title: "a facility's `rate`",
    about: "`rate` is written as an inline table or dotted keys:\n\n\
            - `rate = { fixed = \"0.0590\" }`: an all-in annual rate; `margin` and `floor` \
            are errors with `fixed`.\n\
            - `rate = { index = \"SOFR3M\", margin = \"0.0400\", floor = \"0\" }`: `index` \
            names a `[curves.NAME]`.\n\n\
            Exactly one of `fixed` and `index`: both is an error, neither is a missing key.",
    notes: "",
    keys: &[
        key("fixed", Kind::NonNegative, OneOf)
            .unit("per year")
            .about("An all-in rate.")
            .rule("0 or more")
            .sec("6"),
        key("index", Kind::Text, OneOf)
            .about("The name of a curve in `[curves]`.")
            .sec("6"),
        key("margin", Kind::NonNegative, ZERO)
            .unit("per year")
            .about("Margin over the index.")
            .rule("0 or more; `index` only")
            .sec("6"),
        key("floor", Kind::NonNegative, ZERO)
            .unit("per year")
            .about("Floor on the index.")
            .rule("0 or more; `index` only")
            .sec("6"),
    ],
    one_of: &["fixed", "index"],
};

/// `[reserve]`.
pub static RESERVE: Section = Section {
    path: "reserve",
    title: "[reserve]",
    about: "No `[reserve]`: no DSRA.",
    notes: "",
    keys: &[
        key("months", COUNT, Required)
            .unit("months of senior debt service")
            .about("The DSRA target: the next `months` of scheduled senior debt service.")
            .rule("at least 1; a multiple of `m`")
            .sec("8")
            .example("months = 6"),
        key("funded_at_close", Kind::Boolean, Default("`true`"))
            .about("Whether the target is funded at close.")
            .sec("4, 8"),
    ],
    one_of: &[],
};

/// `[covenants]`.
pub static COVENANTS: Section = Section {
    path: "covenants",
    title: "[covenants]",
    about: "No `[covenants]`: no DSCR, lock-up or LTV test, and `repaid_by_fraction` = 0.5. \
            Each of `min_dscr`, `lockup_dscr`, `max_ltv` turns on its own test.",
    notes: "",
    keys: &[
        key("min_dscr", Kind::NonNegative, Absent("no test"))
            .about("Below it: `dscr_default`.")
            .rule("0 or more")
            .sec("11"),
        key(
            "lockup_dscr",
            Kind::NonNegative,
            Absent("no DSCR lock-up test"),
        )
        .about("Below it: no distribution that period.")
        .rule("0 or more")
        .sec("9"),
        key(
            "lockup_action",
            Kind::Choice(LockupAction::names),
            Default("`\"sweep\"`"),
        )
        .about("What a failed lock-up test does with the cash.")
        .sec("9"),
        key("repaid_by_fraction", Kind::Share, Default("0.5"))
            .unit("of the term")
            .about("The senior facility is repaid by this share of the term.")
            .rule("in [0, 1]")
            .sec("7, 11"),
        key("max_ltv", Kind::NonNegative, Absent("no test"))
            .about("Above it: `ltv_breach`.")
            .rule("0 or more")
            .sec("11"),
    ],
    one_of: &[],
};

/// `[curves.NAME]`.
pub static CURVE: Section = Section {
    path: "curves.NAME",
    title: "[curves.NAME]",
    about: "One table per index curve; `NAME` is free and is what `rate.index` refers to.",
    notes: "```toml\n[curves.SOFR3M]\npoints = [\n  [2026-01-01, \"0.0365\"],\n  [2026-07-01, \"0.0350\"],\n]\n```",
    keys: &[key("points", Kind::Points, Required)
        .about("Dated index values, a step function.")
        .rule("at least one point; dates strictly increasing, the first on or before close; values are rates, 0 or more")
        .sec("6")
        .example("points = [[2026-01-01, \"0.0365\"]]")],
    one_of: &[],
};

/// `[analysis]`.
pub static ANALYSIS: Section = Section {
    path: "analysis",
    title: "[analysis]",
    about: "No `[analysis]`: `npv` is null.",
    notes: "",
    keys: &[key("discount_rate", Kind::NonNegative, Required)
        .unit("per year")
        .about("The sponsor's hurdle rate for NPV.")
        .rule("0 or more")
        .sec("12")
        .example("discount_rate = \"0.12\"")],
    one_of: &[],
};

/// `[[scenario]]`.
pub static SCENARIO: Section = Section {
    path: "scenario",
    title: "[[scenario]]",
    about: "Named stresses of the base case, for `boxflow stress` (see \
            [scenarios](scenarios.md) for what each does to the run). A scenario changes what \
            the box earns and pays, never the debt: commitments, draws and every facility's \
            close schedule stay as sized for the base case. `boxflow run --scenario NAME` runs one. \
            Every key but `name` is optional; a key left out leaves that part of the base \
            case as it is.",
    notes: "```toml\n[[scenario]]\nname = \"Default in month 18, re-let at 60% after 6 months\"\n\
            default_period = 18\nre_lease_after = 6\nre_lease_price_share = \"0.60\"\n\n\
            [[scenario]]\nname = \"Obsolete in 16 months\"\nuseful_life_months = 16\n\
            residual_share = \"0\"\n\n\
            [[scenario]]\nname = \"Phase 2 priced 20% lower\"\nline = \"Phase 2\"\n\
            price_haircut = \"0.20\"\n```",
    keys: &[
        key("name", Kind::Text, Required)
            .about("Labels the scenario's row.")
            .rule("not empty, unique among scenarios")
            .example("name = \"Obsolete in 16 months\""),
        key("default_period", COUNT, Absent("no default"))
            .unit("period")
            .about("The customer pays nothing and takes no prepayment credit from period `d` on; the unused prepayment is kept, not refunded.")
            .rule("1 to `N`"),
        key("re_lease_after", MONTHS0, ZERO)
            .unit("periods")
            .about("`g`: the re-lease bills from period `d + g` on.")
            .rule("needs `default_period` and `re_lease_price_share`"),
        key("re_lease_price_share", Kind::Share, Absent("no re-lease"))
            .unit("of the contract price")
            .about("The same capacity re-let at this share of the (escalated, stressed) contract price, collected in full.")
            .rule("in [0, 1]; needs `default_period`"),
        key("price_per_gpu_hour", Kind::NonNegative, Absent("as written"))
            .unit("currency per GPU-hour")
            .about("Every capacity line at this price.")
            .rule("0 or more"),
        key("price_haircut", Kind::Share, ZERO)
            .unit("of the price")
            .about("Every price times `1 - price_haircut` (after `price_per_gpu_hour`).")
            .rule("in [0, 1]"),
        key("online_delay_months", MONTHS0, ZERO)
            .unit("months")
            .about("Every capacity line online `add_months(online, delay)` (a line then online at or after the contract end is never billed).")
            .rule("at most 600"),
        key("opex_shock", Kind::Decimal, ZERO)
            .about("Colocation `rate_per_kw_month` and `per_month` expenses times `1 + opex_shock`.")
            .rule("above -1"),
        key("power_shock", Kind::Decimal, ZERO)
            .about("`power_price_per_mwh` times `1 + power_shock`.")
            .rule("above -1"),
        key("rate_shock_bps", Kind::Decimal, ZERO)
            .unit("basis points")
            .about("Added to every index value before the floor: `max(floor, index + shock) + margin`; fixed rates unchanged.")
            .rule("-10,000 to 100,000"),
        key("residual_share", Kind::Share, Absent("as written"))
            .unit("of cost")
            .about("Every purchase order's residual share (terminal value).")
            .rule("in [0, 1]"),
        key("useful_life_months", COUNT, Absent("as written"))
            .unit("months")
            .about("Every purchase order's useful life (book value, LTV).")
            .rule("at least 1"),
        key("line", Kind::Text, Absent("every line"))
            .about("The capacity line, by its `name`, that the price, haircut, online delay and customer default shock; the other lines run as written (a default of the line stops that line's billing only, and its re-lease bills that line).")
            .rule("the `name` of exactly one capacity line; needs one of those four shocks")
            .example("line = \"Phase 2\""),
    ],
    one_of: &[],
};

/// `[simulation]`.
pub static SIMULATION: Section = Section {
    path: "simulation",
    title: "[simulation]",
    about: "The Monte Carlo model of `boxflow simulate` (see [risk](risk.md) for what is \
            drawn, from what, and what is held fixed). Each run is a scenario of the base \
            case, against the debt sized at close. Every key is optional; a key left out \
            draws nothing, and without any every run is the base case. `boxflow run` and \
            `boxflow stress` ignore it.",
    notes: "```toml\n[simulation]\nruns = 10000\nseed = 7\ndefault_probability = \"0.04\"\n\
            re_lease_price_share = [\"0.40\", \"0.90\"]\nre_lease_after = [1, 6]\n\
            market_price_drift = \"-0.15\"\nmarket_price_volatility = \"0.30\"\n\
            rate_shock_bps_sd = 100\n```",
    keys: &[
        key("runs", Kind::Count { min: 1, max: Some(1_000_000) }, Default("10000"))
            .about("How many runs; `simulate --runs` overrides it.")
            .rule("1 to 1,000,000"),
        key("seed", COUNT0, ZERO)
            .about("The seed of every run's random stream: the same seed gives the same figures, whatever the number of threads; `simulate --seed` overrides it."),
        key("default_probability", Kind::Share, ZERO)
            .unit("a year")
            .about("The annual probability that the customer defaults; the month is drawn from a constant monthly hazard `1 - (1 - p)^(1/12)`.")
            .rule("in [0, 1]"),
        key("re_lease_price_share", Kind::Range { whole: false }, Absent("no re-lease"))
            .unit("of the contract price")
            .about("After a default the capacity is re-let at a share drawn uniformly from `[lo, hi]`, times the market price path at the re-lease's first month (at most the contract price).")
            .rule("two shares, `lo <= hi`"),
        key("re_lease_after", Kind::Range { whole: true }, Default("[0, 0]"))
            .unit("periods")
            .about("The periods without revenue before the re-lease, drawn uniformly from `[lo, hi]`.")
            .rule("`lo <= hi <= 600`; read with `re_lease_price_share`"),
        key("market_price_drift", Kind::Decimal, ZERO)
            .unit("a year")
            .about("The log drift `mu` of the GPU market price path `M(t) = exp(mu t + sigma W(t))`, `M(0) = 1` at the contract price: it scales re-lease prices and the residual value.")
            .rule("-5 to 5"),
        key("market_price_volatility", Kind::Decimal, ZERO)
            .unit("a year")
            .about("The volatility `sigma` of the market price path.")
            .rule("0 to 5"),
        key("rate_shock_bps_sd", Kind::Decimal, ZERO)
            .unit("basis points")
            .about("The standard deviation of a normal rate shock with mean 0, rounded to whole basis points (as `rate_shock_bps`).")
            .rule("0 to 10,000"),
        key("opex_shock_sd", Kind::Decimal, ZERO)
            .about("The standard deviation of a normal opex shock with mean 0, rounded to basis points and kept above -0.99 (as `opex_shock`).")
            .rule("0 to 5"),
        key("power_shock_sd", Kind::Decimal, ZERO)
            .about("The standard deviation of a normal power-price shock with mean 0, rounded to basis points and kept above -0.99 (as `power_shock`).")
            .rule("0 to 5"),
        key("online_delay_months", Kind::Range { whole: true }, Default("[0, 0]"))
            .unit("months")
            .about("Every capacity line's online delay, drawn uniformly from `[lo, hi]` (as `online_delay_months`).")
            .rule("`lo <= hi <= 600`"),
    ],
    one_of: &[],
};

/// `[[property]]`.
pub static PROPERTY: Section = Section {
    path: "property",
    title: "[[property]]",
    about: "Properties of the box, for `boxflow prove` (see [risk](risk.md)): predicates \
            that must hold at every point of a box of shocks, each run against the debt \
            sized at close as a `[[scenario]]` is. `prove` checks every corner of the box \
            and seeded random points, and shrinks a failure to the mildest shock that still \
            breaks it. `boxflow run` and `boxflow stress` ignore them; `boxflow check` \
            checks them.",
    notes: "```toml\n[[property]]\nname = \"senior repaid by halfway under a 20% price fall and a late default\"\n\
            vary = { price_haircut = \"0..0.20\", default_period = \"25..60\", rate_shock_bps = \"0..300\" }\n\
            expect = [\"halfway_covenant == pass\", \"payment_defaults == 0\", \"lender_loss == 0\", \"min_dscr >= 1.05\"]\n```",
    keys: &[
        key("name", Kind::Text, Required)
            .about("Labels the property in `prove`'s output; `prove --property NAME` checks this one only.")
            .rule("not empty, unique among properties")
            .example("name = \"no lender loss under a 5% price fall\""),
        key("vary", Kind::Ranges, Required)
            .about("The box: each `[[scenario]]` key that a one-line scenario takes (or its short name: `haircut`, `default`, `rate`, ...) with its range `\"lo..hi\"`, both ends included; the keys not given stay as in the base case.")
            .rule("at least one key, each once; `lo <= hi`; whole numbers for `default_period`, `re_lease_after`, `online_delay_months`, `useful_life_months`; `re_lease_after` and `re_lease_price_share` need `default_period`, `re_lease_after` needs `re_lease_price_share`; every corner a valid scenario of the deal")
            .example("vary = { price_haircut = \"0..0.20\" }"),
        key("expect", Kind::Lines, Required)
            .about("The predicates that must hold at every point: `METRIC OP VALUE`, a stress metric (`min_dscr`, `lender_loss`, `halfway_covenant`, ...), one of `==`, `!=`, `<`, `<=`, `>`, `>=`, and a value in the metric's unit (`pass`/`fail`, a multiple, a fraction, currency units, a whole number).")
            .rule("at least one; each a predicate of the `expect` language (docs/risk.md)")
            .example("expect = [\"min_dscr >= 1.05\"]"),
    ],
    one_of: &[],
};

/// Every section, in the order the documentation lists them (and in which an unknown
/// key's "belongs in" hint looks for it).
pub static SECTIONS: &[&Section] = &[
    &ROOT,
    &DEAL,
    &CONTRACT,
    &CAPACITY,
    &PURCHASE_ORDER,
    &PAYMENT,
    &DATACENTER,
    &EXPENSE,
    &FEE,
    &FACILITY,
    &SIZING,
    &RATE,
    &RESERVE,
    &COVENANTS,
    &CURVE,
    &ANALYSIS,
    &SCENARIO,
    &SIMULATION,
    &PROPERTY,
];

/// The section at `path` (`""`, `deal`, `facility.rate`, `curves.NAME`), if any.
pub fn section(path: &str) -> Option<&'static Section> {
    SECTIONS.iter().copied().find(|s| s.path == path)
}

/// `"a"`, `"b"` or `"c"`, in markdown code.
fn choice_text(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`\"{n}\"`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

impl Kind {
    /// How the documentation names the kind: `count`, `` `"monthly"` or `"quarterly"` ``.
    pub fn markdown(&self) -> String {
        match self {
            Kind::Version => "integer".to_string(),
            Kind::Text | Kind::Currency => "string".to_string(),
            Kind::Date => "date".to_string(),
            Kind::Money => "money".to_string(),
            Kind::Decimal | Kind::NonNegative => "decimal".to_string(),
            Kind::Share => "share".to_string(),
            Kind::Count { min: 0, .. } => "count (0 allowed)".to_string(),
            Kind::Count { .. } => "count".to_string(),
            Kind::Boolean => "boolean".to_string(),
            Kind::Choice(names) => choice_text(&names()),
            Kind::Rank => "1 or 2".to_string(),
            Kind::RepayBy => "`\"halfway\"` or count".to_string(),
            Kind::Table(s) if s.title.starts_with('[') => format!("`{}`", s.title),
            Kind::Table(s) => format!("`{{ {} }}`", s.names().join(", ")),
            Kind::Tables(s) if s.title.starts_with("[[") => format!("`{}`", s.title),
            Kind::Tables(s) => format!("array of `{{ {} }}`", s.names().join(", ")),
            Kind::NamedTables(s) => format!("`{}`", s.title),
            Kind::Shares => "array of shares".to_string(),
            Kind::Range { whole: false } => "`[lo, hi]` of shares".to_string(),
            Kind::Range { whole: true } => "`[lo, hi]` of counts (0 allowed)".to_string(),
            Kind::Points => "array of `[date, value]`".to_string(),
            Kind::Ranges => "table of `KEY = \"lo..hi\"`".to_string(),
            Kind::Lines => "array of strings".to_string(),
        }
    }
}

/// A [`Need::Default`] as a value: what the reader takes when the key is left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DefaultValue {
    /// This TOML value, written as in a deal sheet (`0`, `"USD"`, `true`, `0.5`).
    Toml(&'static str),
    /// The value of `deal.close`.
    Close,
}

impl Need {
    /// The default as a value, read from its text: `` `deal.close` `` is
    /// [`DefaultValue::Close`], any other text (backticks aside) is a TOML value. `None`
    /// for a key without a default. The text is the documentation's, so the value the
    /// documentation shows is the one a test checks the reader against
    /// (`tests/sheet.rs`).
    ///
    /// ```
    /// use boxflow_deal::sheet::{self, DefaultValue};
    ///
    /// let need = |s: &str, k: &str| sheet::section(s).unwrap().key(k).unwrap().need;
    /// assert_eq!(need("deal", "currency").default_value(), Some(DefaultValue::Toml("\"USD\"")));
    /// assert_eq!(need("expense", "start").default_value(), Some(DefaultValue::Close));
    /// assert_eq!(need("deal", "close").default_value(), None);
    /// ```
    pub fn default_value(&self) -> Option<DefaultValue> {
        match self {
            Need::Default(text) => {
                let text = text.trim_matches('`');
                Some(if text == "deal.close" {
                    DefaultValue::Close
                } else {
                    DefaultValue::Toml(text)
                })
            }
            _ => None,
        }
    }

    /// How the documentation's "default" column shows it.
    pub fn markdown(&self) -> &'static str {
        match self {
            Need::Required => "required",
            Need::Default(text) | Need::Absent(text) => text,
            Need::OneOf => "one of the two",
        }
    }
}

/// The documentation's key tables: for each section a heading, its `about`, a table
/// of its keys (key, type, default, unit, meaning, constraints, methodology section)
/// and its `notes`. `docs/deal-sheet.md` holds this text between the markers
/// `<!-- keys:begin -->` and `<!-- keys:end -->`; a test checks it.
///
/// ```
/// let md = boxflow_deal::sheet::markdown_key_tables();
/// assert!(md.contains("### `[deal]`\n"));
/// assert!(md.contains("| `frequency` | `\"monthly\"` or `\"quarterly\"` | required |"));
/// ```
pub fn markdown_key_tables() -> String {
    let mut out = String::new();
    for (i, s) in SECTIONS.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let heading = if s.path.is_empty() {
            "Top level".to_string()
        } else if s.title.starts_with('[') {
            format!("`{}`", s.title)
        } else {
            format!("`{}`", s.path)
        };
        out.push_str(&format!("### {heading}\n\n"));
        if !s.about.is_empty() {
            out.push_str(s.about);
            out.push_str("\n\n");
        }
        out.push_str("| key | type | default | unit | meaning | constraints | section |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
        for k in s.keys {
            let cells = [
                format!("`{}`", k.name),
                k.kind.markdown(),
                k.need.markdown().to_string(),
                k.unit.to_string(),
                k.about.to_string(),
                k.rule.to_string(),
                k.methodology.to_string(),
            ];
            let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        if !s.notes.is_empty() {
            out.push('\n');
            out.push_str(s.notes);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table a section's key points to is itself listed, and every section but
    /// the top level is reached from exactly one key.
    #[test]
    fn every_section_is_listed_and_reached_once() {
        for s in SECTIONS {
            let reached: Vec<(&str, &str)> = SECTIONS
                .iter()
                .flat_map(|p| p.keys.iter().map(move |k| (p.path, k)))
                .filter_map(|(p, k)| match k.kind {
                    Kind::Table(t) | Kind::Tables(t) | Kind::NamedTables(t)
                        if std::ptr::eq(t, *s) =>
                    {
                        Some((p, k.name))
                    }
                    _ => None,
                })
                .collect();
            let expected = usize::from(!s.path.is_empty());
            assert_eq!(
                reached.len(),
                expected,
                "{} reached from {reached:?}",
                s.path
            );
        }
    }

    /// Every default's text is one the tests can turn into a value: `deal.close` or
    /// a TOML value of the key's kind.
    #[test]
    fn every_default_is_a_value() {
        for s in SECTIONS {
            for k in s.keys {
                if let Some(DefaultValue::Toml(text)) = k.need.default_value() {
                    let parsed: Result<toml::Table, _> = toml::from_str(&format!("v = {text}"));
                    assert!(
                        parsed.is_ok(),
                        "{}.{}: default {text:?} is not a TOML value",
                        s.path,
                        k.name
                    );
                }
            }
        }
    }

    #[test]
    fn keys_are_unique_and_one_of_matches_need() {
        for s in SECTIONS {
            let mut names = s.names();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), s.keys.len(), "{}", s.path);
            for k in s.keys {
                assert_eq!(
                    k.need == Need::OneOf,
                    s.one_of.contains(&k.name),
                    "{}.{}",
                    s.path,
                    k.name
                );
                assert!(
                    k.need != Need::Required || !k.example.is_empty(),
                    "{}.{}: a required key has an example for its help",
                    s.path,
                    k.name
                );
            }
        }
    }
}
