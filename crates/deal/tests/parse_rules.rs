//! Reading errors: each is located at the line and column of the key or value at
//! fault, says what is wrong and what would be right, and every error of a file is
//! reported at once.

use boxflow_deal::{parse, parse_bytes, DealError, ErrorKind, MAX_FILE_BYTES};

/// A small valid deal sheet (the template of fixtures/invalid).
const BASE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/base.toml"));

/// BASE with each `old` replaced by `new` (each must be there exactly once).
fn with(edits: &[(&str, &str)]) -> String {
    let mut s = BASE.to_string();
    for (old, new) in edits {
        assert_eq!(s.matches(old).count(), 1, "{old:?}");
        s = s.replace(old, new);
    }
    s
}

fn errors(sheet: &str) -> Vec<DealError> {
    parse(sheet, "deal.toml")
        .expect_err("the sheet is invalid")
        .errors
}

/// 1-based line and character column of the first `needle` in `sheet`.
fn position(sheet: &str, needle: &str) -> (usize, usize) {
    let at = sheet
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in sheet"));
    let before = &sheet[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

/// The sheet has exactly one error, of `kind`, at `needle`, whose message contains
/// `words`; returns it.
fn one(sheet: &str, kind: ErrorKind, needle: &str, words: &str) -> DealError {
    let mut e = errors(sheet);
    assert_eq!(e.len(), 1, "{e:#?}");
    let e = e.remove(0);
    assert_eq!(e.kind, kind, "{e:?}");
    assert_eq!((e.line, e.column), position(sheet, needle), "{e:?}");
    assert!(e.message.contains(words), "{:?} lacks {words:?}", e.message);
    assert!(e.help.as_deref().is_some_and(|h| !h.is_empty()), "{e:?}");
    let start = sheet.find(needle).unwrap();
    assert_eq!(e.span.start, start);
    e
}

#[test]
fn base_is_valid() {
    parse(BASE, "base.toml").unwrap();
}

#[test]
fn unknown_keys_suggest_the_nearest() {
    let s = with(&[("escalator = \"0.02\"", "escalater = \"0.02\"")]);
    let e = one(
        &s,
        ErrorKind::UnknownKey,
        "escalater",
        "unknown key `escalater` in [contract]",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `escalator`?"));
    assert_eq!(e.span.len(), "escalater".len());

    let s = with(&[("[covenants]", "[covenant]")]);
    let e = one(
        &s,
        ErrorKind::UnknownKey,
        "covenant]",
        "unknown key `covenant` at the top level",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `covenants`?"));

    // a key of another section says where it belongs
    let s = with(&[("term_months = 36", "term_months = 36\npue = \"1.3\"")]);
    let e = one(
        &s,
        ErrorKind::UnknownKey,
        "pue",
        "unknown key `pue` in [contract]",
    );
    assert_eq!(e.help.as_deref(), Some("`pue` belongs in [[datacenter]]"));

    // nothing close: the keys of the table are listed
    let s = with(&[("[reserve]\nmonths = 3", "[reserve]\nmonths = 3\nzzz = 1")]);
    let e = one(
        &s,
        ErrorKind::UnknownKey,
        "zzz",
        "unknown key `zzz` in [reserve]",
    );
    assert_eq!(
        e.help.as_deref(),
        Some("the keys here are `months`, `funded_at_close`")
    );

    // in an inline table and in an array of tables
    let s = with(&[("margin = \"0.0450\"", "margn = \"0.0450\"")]);
    let e = one(
        &s,
        ErrorKind::UnknownKey,
        "margn",
        "unknown key `margn` in `facility[0].rate`",
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `margin`?"));
    let s = with(&[(
        "per_year = \"120000\"",
        "per_year = \"120000\"\nper_month = \"1\"",
    )]);
    one(
        &s,
        ErrorKind::UnknownKey,
        "per_month = \"1\"",
        "in [[fee]] #1",
    );
}

#[test]
fn missing_keys_point_at_their_table() {
    let s = with(&[("close = 2026-01-01\n", "")]);
    let e = one(
        &s,
        ErrorKind::MissingKey,
        "[deal]",
        "missing key `close` in [deal]",
    );
    assert_eq!(e.help.as_deref(), Some("add close = 2026-01-01"));

    let s = with(&[("price_per_gpu_hour = \"2.40\"\n", "")]);
    one(
        &s,
        ErrorKind::MissingKey,
        "[[contract.capacity]]",
        "missing key `price_per_gpu_hour` in [[contract.capacity]] #1",
    );

    let s = with(&[("useful_life_months = 72\n", "")]);
    one(
        &s,
        ErrorKind::MissingKey,
        "[[purchase_order]]",
        "`useful_life_months`",
    );

    let s = with(&[("power_price_per_mwh = \"65\"\n", "")]);
    one(
        &s,
        ErrorKind::MissingKey,
        "[[datacenter]]",
        "`power_price_per_mwh`",
    );

    let s = with(&[("sizing = { dscr = \"1.30\", max_gearing = \"0.75\" }\n", "")]);
    one(
        &s,
        ErrorKind::MissingKey,
        "[[facility]]",
        "missing key `amount` or `sizing` in [[facility]] #1",
    );

    let s = with(&[(
        "sizing = { dscr = \"1.30\", max_gearing = \"0.75\" }",
        "sizing = { dscr = \"1.30\" }",
    )]);
    one(
        &s,
        ErrorKind::MissingKey,
        "{ dscr",
        "missing key `max_gearing` in `facility[0].sizing`",
    );

    let s = with(&[(
        "rate = { index = \"SOFR3M\", margin = \"0.0450\", floor = \"0\" }\n",
        "",
    )]);
    one(
        &s,
        ErrorKind::MissingKey,
        "[[facility]]",
        "missing key `rate`",
    );

    let s = with(&[(
        "rate = { index = \"SOFR3M\", margin = \"0.0450\", floor = \"0\" }",
        "rate = { }",
    )]);
    one(
        &s,
        ErrorKind::MissingKey,
        "{ }",
        "missing key `fixed` or `index`",
    );

    let s = with(&[("per_month = \"150000\"\n", "")]);
    one(
        &s,
        ErrorKind::MissingKey,
        "[[expense]]",
        "`per_month` or `share_of_revenue`",
    );

    let s = with(&[("name = \"DDTL\"\n", "")]);
    one(
        &s,
        ErrorKind::MissingKey,
        "[[facility]]",
        "missing key `name` in [[facility]] #1",
    );

    let s = with(&[("[\n  [2026-01-01", "[\n  [2026-01-01")]).replace("points = [", "pointz = [");
    let e = errors(&s);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!(e[0].kind, ErrorKind::MissingKey);
    assert_eq!(e[1].kind, ErrorKind::UnknownKey);

    // whole sections
    let s = BASE.replace("[[purchase_order]]", "[[purchase_orders]]");
    let e = errors(&s);
    assert_eq!(e[0].kind, ErrorKind::MissingKey);
    assert_eq!((e[0].line, e[0].column), (1, 1));
    assert!(e[0].message.contains("missing [[purchase_order]]"));
    assert_eq!(e[1].kind, ErrorKind::UnknownKey);
    assert_eq!(e[1].help.as_deref(), Some("did you mean `purchase_order`?"));
}

#[test]
fn wrong_types() {
    let s = with(&[("gpus = 2048", "gpus = \"2048\"")]);
    let e = one(
        &s,
        ErrorKind::WrongType,
        "\"2048\"",
        "`contract.capacity[0].gpus` must be a whole number, found a string",
    );
    assert_eq!(
        e.help.as_deref(),
        Some("write the number without quotes: 2048")
    );

    let s = with(&[("pue = \"1.30\"", "pue = true")]);
    one(
        &s,
        ErrorKind::WrongType,
        "true",
        "`datacenter[0].pue` must be a number, found a boolean",
    );

    let s = with(&[("customer = \"AI Lab C\"", "customer = 42")]);
    one(
        &s,
        ErrorKind::WrongType,
        "42",
        "must be a string, found an integer",
    );

    let s = with(&[("close = 2026-01-01", "close = 20260101")]);
    one(
        &s,
        ErrorKind::WrongType,
        "20260101",
        "must be a date, found an integer",
    );

    let s = with(&[("close = 2026-01-01", "close = 09:00:00")]);
    one(&s, ErrorKind::WrongType, "09:00:00", "found a time");

    let s = with(&[(
        "rate = { index = \"SOFR3M\", margin = \"0.0450\", floor = \"0\" }",
        "rate = \"0.09\"",
    )]);
    let e = one(
        &s,
        ErrorKind::WrongType,
        "\"0.09\"",
        "`facility[0].rate` must be a table, found a string",
    );
    assert!(e.help.unwrap().contains("rate = { fixed = \"0.09\" }"));

    let s = with(&[("[[purchase_order]]", "[purchase_order]")]);
    let e = one(
        &s,
        ErrorKind::WrongType,
        "[purchase_order]",
        "must be an array of tables, found a table",
    );
    assert!(e.help.unwrap().contains("double brackets"));

    let s = with(&[(
        "[reserve]\nmonths = 3",
        "[reserve]\nmonths = 3\nfunded_at_close = \"true\"",
    )]);
    one(&s, ErrorKind::WrongType, "\"true\"", "must be a boolean");

    let s = with(&[("[2026-07-01, \"0.0350\"]", "[2026-07-01]")]);
    one(
        &s,
        ErrorKind::WrongType,
        "[2026-07-01]",
        "must be a point [date, value]",
    );
}

#[test]
fn counts_are_positive_whole_numbers() {
    let s = with(&[("units = 256", "units = 256.5")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "256.5",
        "must be a positive whole number, not 256.5",
    );
    let s = with(&[("units = 256", "units = -256")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "-256",
        "must be a positive whole number, not -256",
    );
    let s = with(&[("units = 256", "units = 0")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "0\n",
        "must be a positive whole number, not 0",
    );
    let s = with(&[("term_months = 36", "term_months = 0")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "0\n",
        "`contract.term_months` must be a positive whole number",
    );
    let s = with(&[(
        "useful_life_months = 72",
        "useful_life_months = 99999999999",
    )]);
    one(&s, ErrorKind::InvalidValue, "99999999999", "far too large");
    let s = with(&[(
        "name = \"DDTL\"",
        "name = \"DDTL\"\ninterest_only_periods = -1",
    )]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "-1\n",
        "must be a whole number, 0 or more, not -1",
    );
}

#[test]
fn numbers_that_are_not_exact_decimals() {
    let s = with(&[("margin = \"0.0450\"", "margin = \"4.5%\"")]);
    let e = one(&s, ErrorKind::InvalidValue, "\"4.5%\"", "is not a number");
    assert!(e.help.unwrap().contains("\"0.12\" for 12%"));
    let s = with(&[("unit_cost = \"290000\"", "unit_cost = \"290,000\"")]);
    let e = one(
        &s,
        ErrorKind::InvalidValue,
        "\"290,000\"",
        "is not a number",
    );
    assert!(e.help.unwrap().contains("without commas"));
    let s = with(&[("unit_cost = \"290000\"", "unit_cost = inf")]);
    one(&s, ErrorKind::InvalidValue, "inf", "not a finite number");
    let s = with(&[("unit_cost = \"290000\"", "unit_cost = nan")]);
    one(&s, ErrorKind::InvalidValue, "nan", "not a finite number");
    let s = with(&[("pue = \"1.30\"", "pue = 1.00000000000000000000000000001")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "1.000",
        "more digits than an exact decimal holds",
    );
    let s = with(&[("unit_cost = \"290000\"", "unit_cost = 1e30")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "1e30",
        "above the limit of 1e15",
    );
}

#[test]
fn money_has_at_most_two_decimals() {
    let s = with(&[("prepayment = \"8000000\"", "prepayment = 8000000.005")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "8000000.005",
        "money amount with more than two decimals",
    );
    let s = with(&[(
        "sizing = { dscr = \"1.30\", max_gearing = \"0.75\" }",
        "amount = \"1.999\"\ntarget_dscr = \"1.3\"",
    )]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"1.999\"",
        "`facility[0].amount` is a money amount with more than two decimals",
    );
    // prices are not money: more decimals are fine
    parse(
        &with(&[(
            "price_per_gpu_hour = \"2.40\"",
            "price_per_gpu_hour = \"2.4055\"",
        )]),
        "x.toml",
    )
    .unwrap();
}

#[test]
fn dates() {
    let s = with(&[("close = 2026-01-01", "close = 2026-01-01T09:00:00")]);
    let e = one(
        &s,
        ErrorKind::InvalidValue,
        "2026-01-01T09",
        "a date has no time",
    );
    assert_eq!(e.help.as_deref(), Some("write the date alone: 2026-01-01"));
    let s = with(&[("close = 2026-01-01", "close = \"2026-01-01 09:00\"")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"2026-01-01 09:00\"",
        "a date has no time",
    );
    let s = with(&[("close = 2026-01-01", "close = \"2026-02-30\"")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"2026-02-30\"",
        "not a valid date",
    );
    let s = with(&[("close = 2026-01-01", "close = \"1/1/2026\"")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"1/1/2026\"",
        "not a valid date",
    );
    // a native date that does not exist is a TOML error
    let s = with(&[("close = 2026-01-01", "close = 2026-02-30")]);
    one(&s, ErrorKind::Syntax, "2026-02-30", "invalid TOML");
}

#[test]
fn closed_lists() {
    let s = with(&[("frequency = \"monthly\"", "frequency = \"Monthly\"")]);
    let e = one(
        &s,
        ErrorKind::InvalidValue,
        "\"Monthly\"",
        "unknown frequency \"Monthly\"",
    );
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean \"monthly\"? (frequency: \"monthly\" or \"quarterly\")")
    );
    let s = with(&[("upfront_fee", "day_count = \"ACT/365\"\nupfront_fee")]);
    let e = one(
        &s,
        ErrorKind::InvalidValue,
        "\"ACT/365\"",
        "unknown day count",
    );
    assert!(e.help.unwrap().starts_with("did you mean \"ACT/365F\"?"));
    let s = with(&[("upfront_fee", "amortization = \"sculpt\"\nupfront_fee")]);
    let e = one(
        &s,
        ErrorKind::InvalidValue,
        "\"sculpt\"",
        "unknown amortization profile",
    );
    assert!(e.help.unwrap().starts_with("did you mean \"sculpted\"?"));
    let s = with(&[(
        "lockup_dscr = \"1.20\"",
        "lockup_dscr = \"1.20\"\nlockup_action = \"trap\"",
    )]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"trap\"",
        "unknown lock-up action",
    );
    let s = with(&[("name = \"DDTL\"", "name = \"DDTL\"\nrank = 3")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "3\n",
        "a rank other than 1 or 2",
    );
    let s = with(&[("name = \"DDTL\"", "name = \"DDTL\"\nrepay_by = \"half\"")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"half\"",
        "neither \"halfway\" nor a number of months",
    );
    let s = with(&[("name = \"DDTL\"", "name = \"DDTL\"\nrepay_by = \"18\"")]);
    let e = one(&s, ErrorKind::InvalidValue, "\"18\"", "neither");
    assert_eq!(
        e.help.as_deref(),
        Some("write the months without quotes: repay_by = 18")
    );
    let s = BASE.replace("format = 1", "format = 2");
    one(
        &s,
        ErrorKind::InvalidValue,
        "2\n",
        "format 2 is not supported",
    );
}

#[test]
fn either_or_keys() {
    let s = with(&[("sizing = {", "amount = \"30000000\"\nsizing = {")]);
    one(
        &s,
        ErrorKind::Inconsistent,
        "{ dscr",
        "has both `amount` and `sizing`",
    );
    let s = with(&[(
        "sizing = { dscr = \"1.30\", max_gearing = \"0.75\" }",
        "sizing = { dscr = \"1.30\", max_gearing = \"0.75\" }\ntarget_dscr = \"1.25\"",
    )]);
    one(
        &s,
        ErrorKind::Inconsistent,
        "\"1.25\"",
        "target_dscr` is given with `sizing`",
    );
    let s = with(&[(
        "index = \"SOFR3M\", margin = \"0.0450\", floor = \"0\"",
        "fixed = \"0.09\", index = \"SOFR3M\"",
    )]);
    one(
        &s,
        ErrorKind::Inconsistent,
        "\"SOFR3M\"",
        "has both `fixed` and `index`",
    );
    let s = with(&[(
        "index = \"SOFR3M\", margin = \"0.0450\", floor = \"0\"",
        "fixed = \"0.09\", floor = \"0\"",
    )]);
    one(
        &s,
        ErrorKind::Inconsistent,
        "\"0\" }",
        "`facility[0].rate.floor` is given with a `fixed` rate",
    );
    let s = with(&[(
        "per_month = \"150000\"",
        "per_month = \"150000\"\nshare_of_revenue = \"0.01\"",
    )]);
    one(
        &s,
        ErrorKind::Inconsistent,
        "\"0.01\"",
        "both `per_month` and `share_of_revenue`",
    );
    let s = with(&[(
        "per_month = \"150000\"",
        "share_of_revenue = \"0.01\"\nescalator = \"0.03\"",
    )]);
    one(
        &s,
        ErrorKind::Inconsistent,
        "\"0.03\"\n\n[[fee]]",
        "applies to `per_month` only",
    );
    let s = with(&[("upfront_fee", "schedule = [\"1\"]\nupfront_fee")]);
    one(
        &s,
        ErrorKind::Inconsistent,
        "[\"1\"]",
        "only read with amortization = \"custom\"",
    );
    let s = with(&[("upfront_fee", "amortization = \"custom\"\nupfront_fee")]);
    one(
        &s,
        ErrorKind::MissingKey,
        "[[facility]]",
        "missing key `schedule`",
    );
}

#[test]
fn validation_errors_point_at_their_key_or_value() {
    // a value
    let s = with(&[("residual_share = \"0.20\"", "residual_share = \"1.20\"")]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"1.20\"",
        "a share outside [0, 1]",
    );
    // an element of an inline array of tables
    let s = with(&[(
        "{ date = 2026-02-15, share = \"0.60\" }",
        "{ date = 2026-02-15, share = \"0.70\" }",
    )]);
    one(&s, ErrorKind::Inconsistent, "[{ date", "sum to 1.1");
    let s = with(&[("{ date = 2026-02-15", "{ date = 2027-08-01")]);
    one(
        &s,
        ErrorKind::Inconsistent,
        "2027-08-01",
        "after the repayment deadline end_H = 2027-07-01",
    );
    // a date inside a multi-line array
    let s = with(&[("[2026-01-01, \"0.0365\"]", "[2026-01-05, \"0.0365\"]")]);
    one(&s, ErrorKind::Inconsistent, "2026-01-05", "after close");
    // a default: the table that would hold the key
    let s = with(&[("[reserve]", "[[facility]]\nname = \"B\"\namount = \"1000000\"\nrate = { fixed = \"0.1\" }\namortization = \"bullet\"\n\n[reserve]")]);
    one(
        &s,
        ErrorKind::Duplicate,
        "[[facility]]\nname = \"B\"",
        "two facilities of rank 1: `DDTL` and `B`",
    );
}

#[test]
fn one_mistake_is_reported_once() {
    // a bad close date: rules that read it (online, capex, curves) stay silent
    let s = with(&[("close = 2026-01-01", "close = \"soon\"")]);
    one(&s, ErrorKind::InvalidValue, "\"soon\"", "not a valid date");
    // a bad frequency: the calendar rules stay silent
    let s = with(&[
        ("frequency = \"monthly\"", "frequency = \"weekly\""),
        ("term_months = 36", "term_months = 37"),
    ]);
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"weekly\"",
        "unknown frequency",
    );
    // a bad unit cost: no "commitments above capex" on a placeholder
    let s = with(&[
        ("unit_cost = \"290000\"", "unit_cost = \"n/a\""),
        (
            "sizing = { dscr = \"1.30\", max_gearing = \"0.75\" }",
            "amount = \"1000\"\ntarget_dscr = \"1.3\"",
        ),
    ]);
    one(&s, ErrorKind::InvalidValue, "\"n/a\"", "not a number");
    // a missing [contract]: nothing about capacity or term
    let s = BASE
        .replace("[contract]", "[contrakt]")
        .replace("[[contract.capacity]]", "[[contrakt.capacity]]");
    let e = errors(&s);
    assert_eq!(
        e.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [ErrorKind::MissingKey, ErrorKind::UnknownKey]
    );
}

#[test]
fn every_error_of_a_file_at_once_in_order() {
    let s = with(&[
        ("escalator = \"0.02\"", "escalater = \"0.02\""),
        ("gpus = 2048", "gpus = -2048"),
        ("share = \"0.60\"", "share = \"0.70\""),
        ("pue = \"1.30\"", "pue = \"1,30\""),
        ("index = \"SOFR3M\"", "index = \"SOFR1M\""),
        (
            "lockup_dscr = \"1.20\"",
            "lockup_dscr = \"1.20\"\nlockup_action = \"swep\"",
        ),
    ]);
    let e = errors(&s);
    let kinds: Vec<ErrorKind> = e.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::UnknownKey,
            ErrorKind::InvalidValue,
            ErrorKind::Inconsistent,
            ErrorKind::InvalidValue,
            ErrorKind::UnknownReference,
            ErrorKind::InvalidValue,
        ]
    );
    let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
}

#[test]
fn syntax_errors_are_all_reported_alone() {
    let s = with(&[
        ("customer = \"AI Lab C\"", "customer = \"AI Lab C"),
        ("units = 256", "units = = 256"),
    ]);
    let e = errors(&s);
    assert!(e.len() >= 2, "{e:#?}");
    assert!(e.iter().all(|e| e.kind == ErrorKind::Syntax));
    assert_eq!((e[0].line, e[0].column), (position(&s, "\"AI Lab C").0, 21));
    let dup = with(&[("units = 256", "units = 256\nunits = 257")]);
    let e = one(&dup, ErrorKind::Syntax, "units = 257", "duplicate key");
    assert_eq!(e.help.as_deref(), Some("each key appears once in a table"));
}

#[test]
fn not_utf8_is_located_at_the_first_bad_byte() {
    let mut bytes = BASE.as_bytes().to_vec();
    let at = BASE.find("AI Lab C").unwrap() + 2;
    bytes[at] = 0xFF;
    let e = parse_bytes(&bytes, "latin1.toml").unwrap_err();
    assert_eq!(e.errors.len(), 1);
    let err = &e.errors[0];
    assert_eq!(err.kind, ErrorKind::NotUtf8);
    let (line, col) = position(BASE, "AI Lab C");
    assert_eq!((err.line, err.column), (line, col + 2));
    assert!(e.source.as_deref().unwrap().contains('\u{FFFD}'));
}

#[test]
fn over_10_mib_is_refused_before_parsing() {
    let big = format!("{BASE}\n{}", "#".repeat(MAX_FILE_BYTES as usize));
    let e = parse(&big, "big.toml").unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert_eq!(e.errors[0].kind, ErrorKind::TooLarge);
    assert!(!e.errors[0].is_located());
    assert_eq!(e.source, None);
    let e = parse_bytes(big.as_bytes(), "big.toml").unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::TooLarge);
}

#[test]
fn errors_display_a_summary() {
    let e = parse(&with(&[("units = 256", "units = 0")]), "deal.toml").unwrap_err();
    assert_eq!(
        e.to_string(),
        "could not read deal sheet `deal.toml`: 1 error"
    );
    assert_eq!(e.file, "deal.toml");
    let first = &e.errors[0];
    assert_eq!(
        first.to_string(),
        format!("{}:{}: {}", first.line, first.column, first.message)
    );
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.source().is_none());
}

#[test]
fn simulation_errors_are_located() {
    let sheet = |body: &str| format!("{BASE}\n[simulation]\n{body}\n");
    // a range written high end first: at the range, with the order to write
    let s = sheet("default_probability = \"0.04\"\nre_lease_price_share = [\"0.90\", \"0.40\"]");
    let e = one(
        &s,
        ErrorKind::Inconsistent,
        "[\"0.90\"",
        "its low end is above its high end",
    );
    assert_eq!(
        e.help.as_deref(),
        Some("write it low end first: [0.4, 0.9]")
    );
    // one end of a range out of [0, 1]: at that end
    let s = sheet("re_lease_price_share = [\"0.40\", \"1.5\"]");
    one(
        &s,
        ErrorKind::InvalidValue,
        "\"1.5\"",
        "re_lease_price_share[1]",
    );
    // a range of three
    let s = sheet("re_lease_price_share = [\"0.40\", \"0.50\"]\nre_lease_after = [1, 2, 3]");
    one(&s, ErrorKind::InvalidValue, "[1, 2, 3]", "a range has two");
    // a gap without a re-lease
    let s = sheet("re_lease_after = [1, 6]");
    one(
        &s,
        ErrorKind::Inconsistent,
        "[1, 6]",
        "without `re_lease_price_share`",
    );
    // no runs, a negative volatility, an unknown key
    let s = sheet("runs = 2000000");
    one(
        &s,
        ErrorKind::InvalidValue,
        "2000000",
        "outside 1 to 1,000,000",
    );
    let s = sheet("market_price_volatility = \"-0.3\"");
    one(&s, ErrorKind::InvalidValue, "\"-0.3\"", "outside 0 to 5");
    let s = sheet("default_probabilty = \"0.04\"");
    let e = one(
        &s,
        ErrorKind::UnknownKey,
        "default_probabilty",
        "in [simulation]",
    );
    assert!(e.help.unwrap().contains("default_probability"));
}
