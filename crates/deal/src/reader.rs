//! Walks the TOML tree of a deal sheet by hand, key by key, into a [`Deal`].
//!
//! Every mistake is recorded with the span of the key or value at fault and the walk
//! goes on, so that one read reports every error of the file. A value that can't be
//! read is replaced by a placeholder and its path is *poisoned*: the rules of
//! [`crate::validate`] skip whatever reads it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use boxflow_core::{DayCount, Decimal, Frequency, Money, Quantity, Rate, Ratio, Share, SheetEnum};
use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::{DealError, ErrorKind, Found};
use crate::number::{parse_decimal, NumberError};
use crate::sheet::{self, Section};
use boxflow_model::{
    Amortization, Analysis, CapacityLine, CapexPayment, Commitment, Contract, Covenants, Curve,
    CustomerDefault, Datacenter, Deal, Expense, ExpenseBasis, Facility, Fee, LockupAction,
    PropertySpec, PurchaseOrder, Rank, RateSpec, ReLease, RepayBy, Reserve, Scenario, Simulation,
};

type Value<'i> = Spanned<DeValue<'i>>;

/// What the reader found: a deal with placeholders where values could not be read,
/// the errors and the poisoned paths.
pub(crate) struct Outcome {
    pub deal: Deal,
    pub errors: Found,
    pub poisoned: Vec<String>,
}

/// Where each key and value of the sheet is written, by path: found by walking the
/// TOML tree along the path when asked, so that reading a sheet records nothing per
/// key or array entry.
pub(crate) struct Locations<'a, 'i> {
    root: &'a DeTable<'i>,
}

impl<'a, 'i> Locations<'a, 'i> {
    /// The places of the keys and values of the parsed sheet `root`.
    pub(crate) fn new(root: &'a DeTable<'i>) -> Self {
        Locations { root }
    }

    /// The span to point at for an error at `path`: the value when it is a scalar or
    /// fits on one line, else its key; for a path that is not written (a default
    /// applies), the nearest enclosing table that is.
    ///
    /// A key may hold a `.` (`[curves."A.B"]`): at each table the longest key that
    /// starts the rest of the path is taken. The work is the length of the path times
    /// a lookup, however large the sheet.
    pub(crate) fn span_of(&self, path: &str, source: &str) -> Range<usize> {
        // (key span, value) of the deepest entry found so far
        let mut found: Option<(Option<Range<usize>>, &'a Value<'i>)> = None;
        let mut table = Some(self.root);
        let mut items: Option<&'a [Value<'i>]> = None;
        let mut rest = path;
        while !rest.is_empty() {
            if let Some(t) = table {
                let r = if found.is_some() {
                    match rest.strip_prefix('.') {
                        Some(r) => r,
                        None => break,
                    }
                } else {
                    rest
                };
                let ends = r
                    .match_indices(['.', '['])
                    .map(|(i, _)| i)
                    .chain(std::iter::once(r.len()));
                let mut hit = None;
                for end in ends {
                    if let Some((k, v)) = r.get(..end).and_then(|key| t.get_key_value(key)) {
                        hit = Some((k.span(), v, end));
                    }
                }
                let Some((key, v, end)) = hit else { break };
                found = Some((Some(key), v));
                rest = r.get(end..).unwrap_or("");
            } else if let Some(list) = items {
                let Some((index, r)) = rest
                    .strip_prefix('[')
                    .and_then(|r| r.split_once(']'))
                    .and_then(|(i, r)| Some((i.parse::<usize>().ok()?, r)))
                else {
                    break;
                };
                let Some(v) = list.get(index) else { break };
                found = Some((None, v));
                rest = r;
            } else {
                break;
            }
            let value = found.as_ref().map(|(_, v)| v.get_ref());
            table = match value {
                Some(DeValue::Table(t)) => Some(t),
                _ => None,
            };
            items = match value {
                Some(DeValue::Array(a)) => Some(&**a),
                _ => None,
            };
        }
        let Some((key, v)) = found else {
            return 0..0;
        };
        if !is_compound(v.get_ref()) || source.get(v.span()).is_some_and(|s| !s.contains('\n')) {
            v.span()
        } else {
            key.unwrap_or(v.span())
        }
    }
}

/// A table being read: its path, entries, the span of its header or braces, and its
/// section of the sheet's table (`None`: any key, as in `[curves]`).
struct Tbl<'a, 'i> {
    path: String,
    map: &'a DeTable<'i>,
    span: Range<usize>,
    section: Option<&'static Section>,
}

impl<'a, 'i> Tbl<'a, 'i> {
    fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.map.get(key)
    }

    fn child(&self, key: &str) -> String {
        join(&self.path, key)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        return key.to_string();
    }
    // `format!("{path}.{key}")` without the formatting machinery: a path is built for
    // every key read.
    let mut joined = String::with_capacity(path.len() + 1 + key.len());
    joined.push_str(path);
    joined.push('.');
    joined.push_str(key);
    joined
}

/// How a table path is named in messages: `[contract]`, `[[facility]] #2`,
/// `facility[0].rate`.
fn where_(path: &str) -> String {
    if path.is_empty() {
        return "at the top level".to_string();
    }
    if !path.contains('[') {
        return format!("in [{path}]");
    }
    if let Some(open) = path.rfind('[') {
        let (prefix, index) = (
            path.get(..open).unwrap_or(""),
            path.get(open..).unwrap_or(""),
        );
        if path.ends_with(']') && !prefix.contains('[') {
            let n = index
                .trim_matches(['[', ']'])
                .parse::<usize>()
                .map_or(0, |i| i + 1);
            return format!("in [[{prefix}]] #{n}");
        }
    }
    format!("in `{path}`")
}

pub(crate) use boxflow_model::did_you_mean as suggest;
use boxflow_model::shorten;

/// `a`, `b` or `c`.
fn one_of(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(dt) => match (dt.date.is_some(), dt.time.is_some()) {
            (true, false) => "a date",
            (true, true) => "a date-time",
            _ => "a time",
        },
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn is_compound(v: &DeValue<'_>) -> bool {
    matches!(v, DeValue::Array(_) | DeValue::Table(_))
}

struct Reader<'s> {
    src: &'s str,
    errors: Found,
    poisoned: Vec<String>,
}

/// Reads a parsed TOML document into a deal, collecting every error.
pub(crate) fn read(src: &str, root: &DeTable<'_>) -> Outcome {
    let mut r = Reader {
        src,
        errors: Found::default(),
        poisoned: Vec::new(),
    };
    let deal = r.deal(root);
    Outcome {
        deal,
        errors: r.errors,
        poisoned: r.poisoned,
    }
}

impl<'s> Reader<'s> {
    // -- errors ---------------------------------------------------------------

    fn error(
        &mut self,
        kind: ErrorKind,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) {
        self.errors
            .push(DealError::pending(kind, span, message, help));
    }

    /// False when an error at `span` would not be shown (only the first
    /// [`crate::MAX_ERRORS`] by position are): then it is counted here, and its message
    /// need not be built.
    fn shown(&mut self, span: &Range<usize>) -> bool {
        if self.errors.wants(span) {
            true
        } else {
            self.errors.count();
            false
        }
    }

    fn poison(&mut self, path: &str) {
        self.poisoned.push(path.to_string());
    }

    fn text(&self, v: &Value<'_>) -> &'s str {
        self.src.get(v.span()).unwrap_or("")
    }

    fn wrong_type(&mut self, path: &str, v: &Value<'_>, expected: &str, help: Option<String>) {
        if !self.shown(&v.span()) {
            return;
        }
        self.error(
            ErrorKind::WrongType,
            v.span(),
            format!(
                "`{path}` must be {expected}, found {}",
                type_name(v.get_ref())
            ),
            help,
        );
    }

    fn missing(&mut self, t: &Tbl<'_, '_>, key: &str) {
        let path = t.child(key);
        let example = |key: &str| {
            t.section
                .and_then(|s| s.key(key))
                .map(|k| k.example)
                .filter(|e| !e.is_empty())
        };
        let (message, help) = match key {
            "deal" | "contract" => (
                format!("missing table [{key}]"),
                example(key).map(|e| format!("add {e}")),
            ),
            "purchase_order" => (
                "missing [[purchase_order]]: the deal needs at least one purchase order"
                    .to_string(),
                example(key).map(|e| format!("add {e}")),
            ),
            "capacity" => (
                "missing [[contract.capacity]]: the contract needs at least one capacity line"
                    .to_string(),
                example(key).map(|e| format!("add {e}")),
            ),
            _ => (
                format!("missing key `{key}` {}", where_(&t.path)),
                example(key).map(|e| format!("add {e}")),
            ),
        };
        self.error(ErrorKind::MissingKey, t.span.clone(), message, help);
        self.poison(&path);
    }

    // -- tables ---------------------------------------------------------------

    /// Records where every entry of a table is written and reports unknown keys
    /// (`section = None`: any key is allowed, as in `[curves]`).
    fn enter<'a, 'i>(
        &mut self,
        path: &str,
        map: &'a DeTable<'i>,
        span: Range<usize>,
        section: Option<&'static Section>,
    ) -> Tbl<'a, 'i> {
        for k in map.keys() {
            let key: &str = k.get_ref();
            if let Some(section) = section {
                if section.key(key).is_none() {
                    self.unknown_key(path, key, k.span(), section);
                }
            }
        }
        Tbl {
            path: path.to_string(),
            map,
            span,
            section,
        }
    }

    fn unknown_key(&mut self, path: &str, key: &str, span: Range<usize>, section: &Section) {
        if !self.shown(&span) {
            return;
        }
        let keys = section.names();
        let help = if let Some(s) = suggest(key, &keys) {
            format!("did you mean `{s}`?")
        } else if let Some(other) = sheet::SECTIONS
            .iter()
            .find(|s| s.key(key).is_some() && !std::ptr::eq(**s, section))
        {
            format!("`{}` belongs in {}", shorten(key), other.title)
        } else {
            let known: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            format!("the keys here are {}", known.join(", "))
        };
        self.error(
            ErrorKind::UnknownKey,
            span,
            format!("unknown key `{}` {}", shorten(key), where_(path)),
            Some(help),
        );
    }

    fn table<'a, 'i>(
        &mut self,
        path: &str,
        v: &'a Value<'i>,
        section: Option<&'static Section>,
        help: Option<String>,
    ) -> Option<Tbl<'a, 'i>> {
        match v.get_ref() {
            DeValue::Table(map) => Some(self.enter(path, map, v.span(), section)),
            _ => {
                self.wrong_type(path, v, "a table", help);
                None
            }
        }
    }

    /// An array of tables (`[[name]]`). A bad entry poisons the whole array, so that
    /// the indexes of the deal and the sheet stay the same for every rule that runs.
    fn tables<'a, 'i>(
        &mut self,
        path: &str,
        v: &'a Value<'i>,
        section: &'static Section,
    ) -> Option<Vec<Tbl<'a, 'i>>> {
        // For the help of an error only.
        let header = || format!("[[{path}]]");
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    match item.get_ref() {
                        DeValue::Table(map) => {
                            out.push(self.enter(&p, map, item.span(), Some(section)))
                        }
                        _ => {
                            self.wrong_type(
                                &p,
                                item,
                                "a table",
                                Some(format!("write each entry as a {} table", header())),
                            );
                            ok = false;
                        }
                    }
                }
                if ok {
                    Some(out)
                } else {
                    None
                }
            }
            DeValue::Table(_) => {
                self.wrong_type(
                    path,
                    v,
                    "an array of tables",
                    Some(format!(
                        "write {}, with double brackets, for each entry",
                        header()
                    )),
                );
                None
            }
            _ => {
                self.wrong_type(
                    path,
                    v,
                    "an array of tables",
                    Some(format!("write a {} table for each entry", header())),
                );
                None
            }
        }
    }

    /// A required key: reports it missing, or reads it; either failure poisons its path.
    fn req<'a, 'i, T>(
        &mut self,
        t: &Tbl<'a, 'i>,
        key: &str,
        read: impl FnOnce(&mut Self, &str, &'a Value<'i>) -> Option<T>,
    ) -> Option<T> {
        match t.get(key) {
            None => {
                self.missing(t, key);
                None
            }
            Some(v) => self.read_at(t, key, v, read),
        }
    }

    /// An optional key: `None` when absent or unreadable (then reported and poisoned).
    fn opt<'a, 'i, T>(
        &mut self,
        t: &Tbl<'a, 'i>,
        key: &str,
        read: impl FnOnce(&mut Self, &str, &'a Value<'i>) -> Option<T>,
    ) -> Option<T> {
        let v = t.get(key)?;
        self.read_at(t, key, v, read)
    }

    fn read_at<'a, 'i, T>(
        &mut self,
        t: &Tbl<'a, 'i>,
        key: &str,
        v: &'a Value<'i>,
        read: impl FnOnce(&mut Self, &str, &'a Value<'i>) -> Option<T>,
    ) -> Option<T> {
        let path = t.child(key);
        let out = read(self, &path, v);
        if out.is_none() {
            self.poison(&path);
        }
        out
    }

    // -- scalars --------------------------------------------------------------

    fn string(&mut self, path: &str, v: &Value<'_>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                let help = format!("quote it: \"{}\"", shorten(self.text(v)).replace('"', "'"));
                self.wrong_type(path, v, "a string", Some(help));
                None
            }
        }
    }

    /// An exact decimal from a string, an integer or a float, read from its text.
    fn decimal(&mut self, path: &str, v: &Value<'_>) -> Option<Decimal> {
        let text: Cow<'_, str> = match v.get_ref() {
            DeValue::String(s) => Cow::Borrowed(s.as_ref()),
            DeValue::Integer(i) if i.radix() != 10 => {
                return match i128::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .and_then(|n| Decimal::try_from_i128_with_scale(n, 0).ok())
                {
                    Some(d) => Some(d),
                    None => {
                        self.number_error(path, v, NumberError::OutOfRange);
                        None
                    }
                };
            }
            DeValue::Integer(_) | DeValue::Float(_) => Cow::Borrowed(self.text(v)),
            _ => {
                self.wrong_type(
                    path,
                    v,
                    "a number",
                    Some("write a decimal number, quoted or not, e.g. \"2.20\"".to_string()),
                );
                return None;
            }
        };
        match parse_decimal(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.number_error(path, v, e);
                None
            }
        }
    }

    fn number_error(&mut self, path: &str, v: &Value<'_>, e: NumberError) {
        if !self.shown(&v.span()) {
            return;
        }
        let written = shorten(self.text(v));
        let inner = written.trim_matches(['"', '\'']);
        let (message, help) = match e {
            NumberError::Syntax => {
                let help = if inner.trim_end().ends_with('%') {
                    "write a rate or share as a decimal fraction: \"0.12\" for 12%"
                } else if inner.contains(',') {
                    "write the digits without commas; `_` may group them: \"1_000_000\""
                } else {
                    "write a decimal number such as \"2.20\", quoted or not (digits, one `.`, an optional exponent `e3`)"
                };
                (format!("`{path}` is not a number: {written}"), help)
            }
            NumberError::NotFinite => (
                format!("`{path}` is {written}, not a finite number"),
                "write a decimal number such as \"2.20\"",
            ),
            NumberError::TooPrecise => (
                format!("`{path}` has more digits than an exact decimal holds: {written}"),
                "boxflow reads numbers exactly, to at most 28 decimal places",
            ),
            NumberError::OutOfRange => (
                format!("`{path}` is {written}, above the limit of 1e15 for any value"),
                "every value in a deal sheet is at most 1000000000000000 (1e15); check the units",
            ),
        };
        self.error(
            ErrorKind::InvalidValue,
            v.span(),
            message,
            Some(help.to_string()),
        );
    }

    fn quantity(&mut self, path: &str, v: &Value<'_>) -> Option<Quantity> {
        self.decimal(path, v).map(Quantity::new)
    }

    fn rate(&mut self, path: &str, v: &Value<'_>) -> Option<Rate> {
        self.decimal(path, v).map(Rate::new)
    }

    fn share(&mut self, path: &str, v: &Value<'_>) -> Option<Share> {
        self.decimal(path, v).map(Share::new)
    }

    fn ratio(&mut self, path: &str, v: &Value<'_>) -> Option<Ratio> {
        self.decimal(path, v).map(Ratio::new)
    }

    /// "a money amount (`prepayment`, `amount`) with more than two decimals (judged on
    /// the value: `100.000` is fine)".
    fn money(&mut self, path: &str, v: &Value<'_>) -> Option<Money> {
        let d = self.decimal(path, v)?;
        match Money::exact(d) {
            Some(m) => Some(m),
            None => {
                if !self.shown(&v.span()) {
                    return None;
                }
                let written = shorten(self.text(v));
                self.error(
                    ErrorKind::InvalidValue,
                    v.span(),
                    format!("`{path}` is a money amount with more than two decimals: {written}"),
                    Some(
                        "money is a whole number of cents: write at most two decimals".to_string(),
                    ),
                );
                None
            }
        }
    }

    /// A whole number of at least 0, written as a TOML integer.
    fn count(&mut self, path: &str, v: &Value<'_>) -> Option<u64> {
        match v.get_ref() {
            DeValue::Integer(i) => {
                let n = i128::from_str_radix(i.as_str(), i.radix()).ok();
                match n {
                    Some(n) if n < 0 => {
                        if !self.shown(&v.span()) {
                            return None;
                        }
                        let (what, help) = if path.ends_with("interest_only_periods") {
                            (
                                "a whole number, 0 or more",
                                "a number of interest-only periods, e.g. 0 or 2",
                            )
                        } else if path.ends_with("online_delay_months")
                            || path.ends_with("re_lease_after")
                        {
                            (
                                "a whole number, 0 or more",
                                "a number of months or periods, e.g. 0 or 6",
                            )
                        } else {
                            ("a positive whole number", "a count of at least 1")
                        };
                        self.error(
                            ErrorKind::InvalidValue,
                            v.span(),
                            format!("`{path}` must be {what}, not {n}"),
                            Some(help.to_string()),
                        );
                        None
                    }
                    Some(n) => match u64::try_from(n) {
                        Ok(n) => Some(n),
                        Err(_) => {
                            self.number_error(path, v, NumberError::OutOfRange);
                            None
                        }
                    },
                    None => {
                        self.number_error(path, v, NumberError::OutOfRange);
                        None
                    }
                }
            }
            DeValue::Float(_) => {
                let written = shorten(self.text(v));
                self.error(
                    ErrorKind::InvalidValue,
                    v.span(),
                    format!("`{path}` must be a positive whole number, not {written}"),
                    Some("write a whole number, without a decimal point".to_string()),
                );
                None
            }
            DeValue::String(s) => {
                let help = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    format!("write the number without quotes: {s}")
                } else {
                    "write a whole number without quotes, e.g. 60".to_string()
                };
                self.wrong_type(path, v, "a whole number", Some(help));
                None
            }
            _ => {
                self.wrong_type(path, v, "a whole number", None);
                None
            }
        }
    }

    /// A count that fits in `u32` (months, periods).
    fn count32(&mut self, path: &str, v: &Value<'_>) -> Option<u32> {
        let n = self.count(path, v)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                self.error(
                    ErrorKind::InvalidValue,
                    v.span(),
                    format!("`{path}` is {n}, far too large for a number of months or periods"),
                    Some("a term is at most 600 months".to_string()),
                );
                None
            }
        }
    }

    /// A native TOML date or a quoted `YYYY-MM-DD`; a date-time is an error.
    fn date(&mut self, path: &str, v: &Value<'_>) -> Option<NaiveDate> {
        let bad_date = |r: &mut Self, written: &str| {
            if !r.shown(&v.span()) {
                return;
            }
            let written = shorten(written);
            r.error(
                ErrorKind::InvalidValue,
                v.span(),
                format!("`{path}` is not a valid date: {written}"),
                Some("write a date as 2026-01-01 or \"2026-01-01\" (YYYY-MM-DD)".to_string()),
            );
        };
        match v.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => {
                    let date = NaiveDate::from_ymd_opt(
                        i32::from(d.year),
                        u32::from(d.month),
                        u32::from(d.day),
                    );
                    if date.is_none() {
                        bad_date(self, self.text(v));
                    }
                    date
                }
                (Some(d), Some(_)) => {
                    self.error(
                        ErrorKind::InvalidValue,
                        v.span(),
                        format!("`{path}` is a date-time; a date has no time"),
                        Some(format!("write the date alone: {d}")),
                    );
                    None
                }
                (None, _) => {
                    self.wrong_type(
                        path,
                        v,
                        "a date",
                        Some("write a date as 2026-01-01".to_string()),
                    );
                    None
                }
            },
            DeValue::String(s) => {
                let date = parse_iso_date(s);
                if date.is_none() {
                    let written = self.text(v);
                    if s.len() > 10 && parse_iso_date(s.get(..10).unwrap_or("")).is_some() {
                        self.error(
                            ErrorKind::InvalidValue,
                            v.span(),
                            format!("`{path}` is a date-time; a date has no time"),
                            Some(format!(
                                "write the date alone: \"{}\"",
                                s.get(..10).unwrap_or("")
                            )),
                        );
                    } else {
                        bad_date(self, written);
                    }
                }
                date
            }
            _ => {
                self.wrong_type(
                    path,
                    v,
                    "a date",
                    Some("write a date as 2026-01-01".to_string()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, path: &str, v: &Value<'_>) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            DeValue::String(s) if s == "true" || s == "false" => {
                self.wrong_type(
                    path,
                    v,
                    "a boolean",
                    Some(format!("write {s} without quotes")),
                );
                None
            }
            _ => {
                self.wrong_type(
                    path,
                    v,
                    "a boolean",
                    Some("write true or false".to_string()),
                );
                None
            }
        }
    }

    /// One of a closed list of names, read by name ([`SheetEnum::from_name`]).
    fn choice<E: SheetEnum>(&mut self, path: &str, v: &Value<'_>) -> Option<E> {
        let what = E::WHAT;
        let options = E::names();
        match v.get_ref() {
            DeValue::String(s) => {
                if let Some(e) = E::from_name(s) {
                    return Some(e);
                }
                let help = match suggest(s, &options) {
                    Some(o) => format!("did you mean \"{o}\"? ({what}: {})", one_of(&options)),
                    None => format!("{what}: {}", one_of(&options)),
                };
                self.error(
                    ErrorKind::InvalidValue,
                    v.span(),
                    format!("unknown {what} \"{}\"", shorten(s)),
                    Some(help),
                );
                None
            }
            _ => {
                self.wrong_type(
                    path,
                    v,
                    "a string",
                    Some(format!("{what}: {}", one_of(&options))),
                );
                None
            }
        }
    }

    // -- the deal sheet -------------------------------------------------------

    fn deal(&mut self, root: &DeTable<'_>) -> Deal {
        let top = self.enter("", root, 0..0, Some(&sheet::ROOT));

        if let Some(f) = self.opt(&top, "format", Self::count) {
            if f != 1 {
                if let Some(v) = top.get("format") {
                    self.error(
                        ErrorKind::InvalidValue,
                        v.span(),
                        format!("deal-sheet format {f} is not supported"),
                        Some("this version of boxflow reads format = 1".to_string()),
                    );
                }
            }
        }

        // [deal]
        let deal_t = self.req(&top, "deal", |r, p, v| {
            r.table(p, v, Some(&sheet::DEAL), None)
        });
        let mut name = String::new();
        let mut currency = "USD".to_string();
        let mut close = NaiveDate::default();
        let mut frequency = Frequency::Monthly;
        if let Some(t) = &deal_t {
            name = self.req(t, "name", Self::string).unwrap_or_default();
            if let Some(c) = self.opt(t, "currency", Self::string) {
                currency = c;
            }
            if let Some(c) = self.req(t, "close", Self::date) {
                close = c;
            }
            frequency = self
                .req(t, "frequency", Self::choice)
                .unwrap_or(Frequency::Monthly);
        }

        let contract = self.contract(&top, close);
        let purchase_orders = self
            .req(&top, "purchase_order", |r, p, v| {
                r.tables(p, v, &sheet::PURCHASE_ORDER)
            })
            .unwrap_or_default()
            .iter()
            .map(|t| self.purchase_order(t))
            .collect();
        let datacenters = self
            .opt(&top, "datacenter", |r, p, v| {
                r.tables(p, v, &sheet::DATACENTER)
            })
            .unwrap_or_default()
            .iter()
            .map(|t| self.datacenter(t, close))
            .collect();
        let expenses = self
            .opt(&top, "expense", |r, p, v| r.tables(p, v, &sheet::EXPENSE))
            .unwrap_or_default()
            .iter()
            .map(|t| self.expense(t, close))
            .collect();
        let fees = self
            .opt(&top, "fee", |r, p, v| r.tables(p, v, &sheet::FEE))
            .unwrap_or_default()
            .iter()
            .map(|t| self.fee(t, close))
            .collect();
        let facilities = self
            .opt(&top, "facility", |r, p, v| r.tables(p, v, &sheet::FACILITY))
            .unwrap_or_default()
            .iter()
            .map(|t| self.facility(t))
            .collect();

        let reserve = self
            .opt(&top, "reserve", |r, p, v| {
                r.table(p, v, Some(&sheet::RESERVE), None)
            })
            .map(|t| Reserve {
                months: self.req(&t, "months", Self::count32).unwrap_or(1),
                funded_at_close: self
                    .opt(&t, "funded_at_close", Self::boolean)
                    .unwrap_or(true),
            });

        let covenants = self
            .opt(&top, "covenants", |r, p, v| {
                r.table(p, v, Some(&sheet::COVENANTS), None)
            })
            .map(|t| Covenants {
                min_dscr: self.opt(&t, "min_dscr", Self::ratio),
                lockup_dscr: self.opt(&t, "lockup_dscr", Self::ratio),
                lockup_action: self
                    .opt(&t, "lockup_action", Self::choice)
                    .unwrap_or(LockupAction::Sweep),
                repaid_by_fraction: self
                    .opt(&t, "repaid_by_fraction", Self::share)
                    .unwrap_or(Covenants::DEFAULT_REPAID_BY_FRACTION),
                max_ltv: self.opt(&t, "max_ltv", Self::ratio),
            });

        let curves = self
            .opt(&top, "curves", |r, p, v| r.table(p, v, None, None))
            .map(|t| self.curves(&t))
            .unwrap_or_default();

        let analysis = self
            .opt(&top, "analysis", |r, p, v| {
                r.table(p, v, Some(&sheet::ANALYSIS), None)
            })
            .map(|t| Analysis {
                discount_rate: self
                    .req(&t, "discount_rate", Self::rate)
                    .unwrap_or(Rate::ZERO),
            });

        let scenarios = self
            .opt(&top, "scenario", |r, p, v| r.tables(p, v, &sheet::SCENARIO))
            .unwrap_or_default()
            .iter()
            .map(|t| self.scenario(t))
            .collect();

        let simulation = self
            .opt(&top, "simulation", |r, p, v| {
                r.table(p, v, Some(&sheet::SIMULATION), None)
            })
            .map(|t| self.simulation(&t));

        let properties = self
            .opt(&top, "property", |r, p, v| r.tables(p, v, &sheet::PROPERTY))
            .unwrap_or_default()
            .iter()
            .map(|t| self.property(t))
            .collect();

        Deal {
            name,
            currency,
            close,
            frequency,
            contract,
            purchase_orders,
            datacenters,
            expenses,
            fees,
            facilities,
            reserve,
            covenants,
            curves,
            analysis,
            scenarios,
            simulation,
            properties,
        }
    }

    /// `[[property]]`: its name, `vary` ranges and `expect` lines as text, in the order
    /// written; `boxflow_scenario::prove` reads and checks them.
    fn property(&mut self, t: &Tbl<'_, '_>) -> PropertySpec {
        PropertySpec {
            name: self.req(t, "name", Self::string).unwrap_or_default(),
            vary: self.req(t, "vary", Self::ranges).unwrap_or_default(),
            expect: self.req(t, "expect", Self::lines).unwrap_or_default(),
        }
    }

    /// A table of `KEY = "lo..hi"`, in the order written; the keys and ranges are
    /// read by `boxflow_scenario::prove`.
    fn ranges(&mut self, path: &str, v: &Value<'_>) -> Option<Vec<(String, String)>> {
        let DeValue::Table(map) = v.get_ref() else {
            self.wrong_type(
                path,
                v,
                "a table of ranges",
                Some(
                    "write vary = { price_haircut = \"0..0.20\", default_period = \"25..60\" }"
                        .to_string(),
                ),
            );
            return None;
        };
        let mut entries: Vec<_> = map.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut out = Vec::with_capacity(entries.len());
        let mut ok = true;
        for (k, item) in entries {
            let key: &str = k.get_ref();
            match item.get_ref() {
                DeValue::String(range) => out.push((key.to_string(), range.to_string())),
                _ => {
                    let written = shorten(self.text(item));
                    let help = match item.get_ref() {
                        DeValue::Integer(_) | DeValue::Float(_) => format!(
                            "a range is text: write {} = \"{written}..{written}\" for this value alone, or \"lo..hi\"",
                            shorten(key)
                        ),
                        _ => format!("write {} = \"lo..hi\", e.g. \"0..0.20\"", shorten(key)),
                    };
                    self.wrong_type(
                        &join(path, key),
                        item,
                        "a range written as a string \"lo..hi\"",
                        Some(help),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// An array of strings, one line each.
    fn lines(&mut self, path: &str, v: &Value<'_>) -> Option<Vec<String>> {
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                path,
                v,
                "an array of strings",
                Some("write expect = [\"min_dscr >= 1.05\", \"lender_loss == 0\"]".to_string()),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.string(&format!("{path}[{i}]"), item) {
                Some(line) => out.push(line),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// `[simulation]`: the Monte Carlo model. `re_lease_after` needs
    /// `re_lease_price_share`.
    fn simulation(&mut self, t: &Tbl<'_, '_>) -> Simulation {
        let d = Simulation::default();
        if let (Some(v), None) = (t.get("re_lease_after"), t.get("re_lease_price_share")) {
            self.error(
                ErrorKind::Inconsistent,
                v.span(),
                format!(
                    "`{}.re_lease_after` is given without `re_lease_price_share`",
                    t.path
                ),
                Some("add re_lease_price_share = [\"0.40\", \"0.90\"], the range of re-lease price shares, or remove re_lease_after".to_string()),
            );
            self.poison(&t.child("re_lease_after"));
        }
        let shares = |r: &mut Self, p: &str, v: &Value<'_>| {
            r.range(
                p,
                v,
                Self::share,
                "re_lease_price_share = [\"0.40\", \"0.90\"]",
            )
        };
        let months = |r: &mut Self, p: &str, v: &Value<'_>| {
            r.range(p, v, Self::count32, "re_lease_after = [1, 6]")
        };
        Simulation {
            runs: self.opt(t, "runs", Self::count32).unwrap_or(d.runs),
            seed: self.opt(t, "seed", Self::count).unwrap_or(d.seed),
            default_probability: self
                .opt(t, "default_probability", Self::share)
                .unwrap_or(d.default_probability),
            re_lease_price_share: self.opt(t, "re_lease_price_share", shares),
            re_lease_after: self
                .opt(t, "re_lease_after", months)
                .unwrap_or(d.re_lease_after),
            market_price_drift: self
                .opt(t, "market_price_drift", Self::rate)
                .unwrap_or(d.market_price_drift),
            market_price_volatility: self
                .opt(t, "market_price_volatility", Self::rate)
                .unwrap_or(d.market_price_volatility),
            rate_shock_bps_sd: self
                .opt(t, "rate_shock_bps_sd", Self::decimal)
                .unwrap_or(d.rate_shock_bps_sd),
            opex_shock_sd: self
                .opt(t, "opex_shock_sd", Self::rate)
                .unwrap_or(d.opex_shock_sd),
            power_shock_sd: self
                .opt(t, "power_shock_sd", Self::rate)
                .unwrap_or(d.power_shock_sd),
            online_delay_months: self
                .opt(t, "online_delay_months", months)
                .unwrap_or(d.online_delay_months),
        }
    }

    /// `[lo, hi]`: an array of two values, each read by `item` at `path[0]` and
    /// `path[1]`.
    fn range<T>(
        &mut self,
        path: &str,
        v: &Value<'_>,
        item: fn(&mut Self, &str, &Value<'_>) -> Option<T>,
        example: &str,
    ) -> Option<(T, T)> {
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                path,
                v,
                "a range [lo, hi]",
                Some(format!("write {example}")),
            );
            return None;
        };
        if items.len() != 2 {
            self.error(
                ErrorKind::InvalidValue,
                v.span(),
                format!(
                    "`{path}` has {} values; a range has two, [lo, hi]",
                    items.len()
                ),
                Some(format!("write {example}")),
            );
            return None;
        }
        // An item's place is found from its path when an error needs it (`path[i]`).
        let read = |r: &mut Self, i: usize| item(r, &format!("{path}[{i}]"), &items[i]);
        let lo = read(self, 0);
        let hi = read(self, 1);
        Some((lo?, hi?))
    }

    /// `[[scenario]]`: a stress of the base case. `re_lease_after` and
    /// `re_lease_price_share` need `default_period`; `re_lease_after` needs
    /// `re_lease_price_share`.
    fn scenario(&mut self, t: &Tbl<'_, '_>) -> Scenario {
        let mut s = Scenario::new(self.req(t, "name", Self::string).unwrap_or_default());
        let period = self.opt(t, "default_period", Self::count32);
        let after = self.opt(t, "re_lease_after", Self::count32);
        let share = self.opt(t, "re_lease_price_share", Self::share);
        if t.get("default_period").is_none() {
            for key in ["re_lease_after", "re_lease_price_share"] {
                if let Some(v) = t.get(key) {
                    self.error(
                        ErrorKind::Inconsistent,
                        v.span(),
                        format!("`{}.{key}` is given without `default_period`", t.path),
                        Some("a re-lease follows a customer default: add default_period = 24, the first period the customer does not pay".to_string()),
                    );
                    self.poison(&t.child(key));
                }
            }
        } else if let (Some(v), None) = (t.get("re_lease_after"), t.get("re_lease_price_share")) {
            self.error(
                ErrorKind::Inconsistent,
                v.span(),
                format!(
                    "`{}.re_lease_after` is given without `re_lease_price_share`",
                    t.path
                ),
                Some("add re_lease_price_share = \"0.60\", the re-lease price as a share of the contract price, or remove re_lease_after".to_string()),
            );
            self.poison(&t.child("re_lease_after"));
        }
        if let Some(period) = period {
            s.customer_default = Some(CustomerDefault {
                period,
                re_lease: share.map(|price_share| ReLease {
                    after_periods: after.unwrap_or(0),
                    price_share,
                }),
            });
        }
        s.price_per_gpu_hour = self.opt(t, "price_per_gpu_hour", Self::quantity);
        s.price_haircut = self
            .opt(t, "price_haircut", Self::share)
            .unwrap_or(Share::ZERO);
        s.online_delay_months = self
            .opt(t, "online_delay_months", Self::count32)
            .unwrap_or(0);
        s.opex_shock = self.opt(t, "opex_shock", Self::rate).unwrap_or(Rate::ZERO);
        s.power_shock = self.opt(t, "power_shock", Self::rate).unwrap_or(Rate::ZERO);
        s.rate_shock_bps = self
            .opt(t, "rate_shock_bps", Self::decimal)
            .unwrap_or(Decimal::ZERO);
        s.residual_share = self.opt(t, "residual_share", Self::share);
        s.useful_life_months = self.opt(t, "useful_life_months", Self::count32);
        s.line = self.opt(t, "line", Self::string);
        s
    }

    fn contract(&mut self, top: &Tbl<'_, '_>, close: NaiveDate) -> Contract {
        let mut contract = Contract {
            customer: String::new(),
            term_months: 1,
            escalator: Rate::ZERO,
            prepayment: Money::ZERO,
            prepayment_credit_share: Share::ZERO,
            capacity: Vec::new(),
        };
        let Some(t) = self.req(top, "contract", |r, p, v| {
            r.table(p, v, Some(&sheet::CONTRACT), None)
        }) else {
            return contract;
        };
        contract.customer = self.req(&t, "customer", Self::string).unwrap_or_default();
        contract.term_months = self.req(&t, "term_months", Self::count32).unwrap_or(1);
        contract.escalator = self.opt(&t, "escalator", Self::rate).unwrap_or(Rate::ZERO);
        contract.prepayment = self
            .opt(&t, "prepayment", Self::money)
            .unwrap_or(Money::ZERO);
        contract.prepayment_credit_share = self
            .opt(&t, "prepayment_credit_share", Self::share)
            .unwrap_or(Share::ZERO);
        let lines = self
            .req(&t, "capacity", |r, p, v| r.tables(p, v, &sheet::CAPACITY))
            .unwrap_or_default();
        contract.capacity = lines
            .iter()
            .map(|l| CapacityLine {
                name: self.opt(l, "name", Self::string),
                gpus: self.req(l, "gpus", Self::count).unwrap_or(1),
                online: self.opt(l, "online", Self::date).unwrap_or(close),
                price_per_gpu_hour: self
                    .req(l, "price_per_gpu_hour", Self::quantity)
                    .unwrap_or(Quantity::ZERO),
            })
            .collect();
        contract
    }

    fn purchase_order(&mut self, t: &Tbl<'_, '_>) -> PurchaseOrder {
        let payments = self
            .req(t, "payments", |r, p, v| r.payments(p, v))
            .unwrap_or_default();
        PurchaseOrder {
            item: self.opt(t, "item", Self::string),
            units: self.req(t, "units", Self::count).unwrap_or(1),
            unit_cost: self
                .req(t, "unit_cost", Self::quantity)
                .unwrap_or(Quantity::ZERO),
            payments,
            useful_life_months: self
                .req(t, "useful_life_months", Self::count32)
                .unwrap_or(1),
            residual_share: self
                .opt(t, "residual_share", Self::share)
                .unwrap_or(Share::ZERO),
        }
    }

    /// `payments = [{ date, share }, ...]`.
    fn payments(&mut self, path: &str, v: &Value<'_>) -> Option<Vec<CapexPayment>> {
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                path,
                v,
                "an array of payments",
                Some("write payments = [{ date = 2026-01-01, share = \"1\" }]".to_string()),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let Some(t) = self.table(
                &p,
                item,
                Some(&sheet::PAYMENT),
                Some("write each payment as { date = 2026-01-01, share = \"0.5\" }".to_string()),
            ) else {
                ok = false;
                continue;
            };
            let date = self.req(&t, "date", Self::date);
            let share = self.req(&t, "share", Self::share);
            if let (Some(date), Some(share)) = (date, share) {
                out.push(CapexPayment { date, share });
            } else {
                ok = false;
            }
        }
        // A bad payment poisons `payments` (by returning None), keeping indexes aligned.
        if ok {
            Some(out)
        } else {
            None
        }
    }

    fn datacenter(&mut self, t: &Tbl<'_, '_>, close: NaiveDate) -> Datacenter {
        Datacenter {
            site: self.opt(t, "site", Self::string),
            critical_kw: self
                .req(t, "critical_kw", Self::quantity)
                .unwrap_or(Quantity::ZERO),
            rate_per_kw_month: self
                .req(t, "rate_per_kw_month", Self::quantity)
                .unwrap_or(Quantity::ZERO),
            escalator: self.opt(t, "escalator", Self::rate).unwrap_or(Rate::ZERO),
            start: self.opt(t, "start", Self::date).unwrap_or(close),
            term_months: self.opt(t, "term_months", Self::count32),
            power_price_per_mwh: self
                .req(t, "power_price_per_mwh", Self::quantity)
                .unwrap_or(Quantity::ZERO),
            pue: self.opt(t, "pue", Self::quantity).unwrap_or(Quantity::ONE),
            load_factor: self
                .opt(t, "load_factor", Self::quantity)
                .unwrap_or(Quantity::ONE),
        }
    }

    fn expense(&mut self, t: &Tbl<'_, '_>, close: NaiveDate) -> Expense {
        let per_month = t.get("per_month");
        let share = t.get("share_of_revenue");
        let basis = match (per_month, share) {
            (Some(_), Some(v)) => {
                self.error(
                    ErrorKind::Inconsistent,
                    v.span(),
                    format!("`{}` has both `per_month` and `share_of_revenue`", t.path),
                    Some("an expense is either `per_month` (an amount) or `share_of_revenue` (a share of the invoice)".to_string()),
                );
                self.poison(&t.child("per_month"));
                self.poison(&t.child("share_of_revenue"));
                ExpenseBasis::PerMonth(Quantity::ZERO)
            }
            (None, None) => {
                self.error(
                    ErrorKind::MissingKey,
                    t.span.clone(),
                    format!(
                        "missing key `per_month` or `share_of_revenue` {}",
                        where_(&t.path)
                    ),
                    Some("add per_month = \"350000\" or share_of_revenue = \"0.02\"".to_string()),
                );
                self.poison(&t.child("per_month"));
                ExpenseBasis::PerMonth(Quantity::ZERO)
            }
            (Some(_), None) => ExpenseBasis::PerMonth(
                self.opt(t, "per_month", Self::quantity)
                    .unwrap_or(Quantity::ZERO),
            ),
            (None, Some(_)) => {
                if let Some(e) = t.get("escalator") {
                    self.error(
                        ErrorKind::Inconsistent,
                        e.span(),
                        format!(
                            "`{}.escalator` applies to `per_month` only, not to `share_of_revenue`",
                            t.path
                        ),
                        Some(
                            "remove the escalator: a share of revenue follows the invoice"
                                .to_string(),
                        ),
                    );
                    self.poison(&t.child("escalator"));
                }
                ExpenseBasis::ShareOfRevenue(
                    self.opt(t, "share_of_revenue", Self::share)
                        .unwrap_or(Share::ZERO),
                )
            }
        };
        let escalator = if matches!(basis, ExpenseBasis::PerMonth(_)) {
            self.opt(t, "escalator", Self::rate).unwrap_or(Rate::ZERO)
        } else {
            Rate::ZERO
        };
        Expense {
            name: self.opt(t, "name", Self::string),
            basis,
            escalator,
            start: self.opt(t, "start", Self::date).unwrap_or(close),
            end: self.opt(t, "end", Self::date),
        }
    }

    fn fee(&mut self, t: &Tbl<'_, '_>, close: NaiveDate) -> Fee {
        Fee {
            name: self.opt(t, "name", Self::string),
            per_year: self
                .req(t, "per_year", Self::quantity)
                .unwrap_or(Quantity::ZERO),
            start: self.opt(t, "start", Self::date).unwrap_or(close),
            end: self.opt(t, "end", Self::date),
        }
    }

    fn facility(&mut self, t: &Tbl<'_, '_>) -> Facility {
        let name = self.req(t, "name", Self::string).unwrap_or_default();
        let rank = self.opt(t, "rank", Self::rank).unwrap_or(Rank::Senior);
        let commitment = self.commitment(t);
        let rate = self.rate_spec(t);
        let day_count = self
            .opt(t, "day_count", Self::choice)
            .unwrap_or(DayCount::Act360);
        let profile: Option<Amortization> = self.opt(t, "amortization", Self::choice);
        let custom = matches!(profile, Some(Amortization::Custom(_)));
        let profile_read = profile.is_some();
        let amortization = match profile {
            Some(Amortization::Custom(_)) => {
                Amortization::Custom(self.req(t, "schedule", Self::schedule).unwrap_or_default())
            }
            Some(a) => a,
            None => Amortization::Sculpted,
        };
        if !custom {
            if let Some(v) = t.get("schedule") {
                if profile_read || t.get("amortization").is_none() {
                    self.error(
                        ErrorKind::Inconsistent,
                        v.span(),
                        format!(
                            "`{}.schedule` is only read with amortization = \"custom\"",
                            t.path
                        ),
                        Some("set amortization = \"custom\", or remove `schedule`".to_string()),
                    );
                }
            }
        }
        Facility {
            name,
            rank,
            commitment,
            rate,
            day_count,
            amortization,
            interest_only_periods: self
                .opt(t, "interest_only_periods", Self::count32)
                .unwrap_or(0),
            repay_by: self
                .opt(t, "repay_by", Self::repay_by)
                .unwrap_or(RepayBy::Halfway),
            upfront_fee: self.opt(t, "upfront_fee", Self::rate).unwrap_or(Rate::ZERO),
            commitment_fee: self
                .opt(t, "commitment_fee", Self::rate)
                .unwrap_or(Rate::ZERO),
            sweep: self.opt(t, "sweep", Self::share).unwrap_or(Share::ZERO),
        }
    }

    /// "a rank other than 1 or 2".
    fn rank(&mut self, path: &str, v: &Value<'_>) -> Option<Rank> {
        match self.count(path, v)? {
            1 => Some(Rank::Senior),
            2 => Some(Rank::Junior),
            n => {
                self.error(
                    ErrorKind::InvalidValue,
                    v.span(),
                    format!("`{path}` is {n}, a rank other than 1 or 2"),
                    Some("rank = 1 for the senior facility, rank = 2 for the junior".to_string()),
                );
                None
            }
        }
    }

    /// `repay_by = "halfway"` or a whole number of months.
    fn repay_by(&mut self, path: &str, v: &Value<'_>) -> Option<RepayBy> {
        match v.get_ref() {
            DeValue::String(s) if s == "halfway" => Some(RepayBy::Halfway),
            DeValue::String(s) => {
                let help = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    format!("write the months without quotes: repay_by = {s}")
                } else if suggest(s, &["halfway"]).is_some() {
                    "did you mean \"halfway\"?".to_string()
                } else {
                    "repay_by is \"halfway\" or a whole number of months after close, e.g. 30"
                        .to_string()
                };
                self.error(
                    ErrorKind::InvalidValue,
                    v.span(),
                    format!("`{path}` is \"{s}\", neither \"halfway\" nor a number of months"),
                    Some(help),
                );
                None
            }
            _ => self.count32(path, v).map(RepayBy::Months),
        }
    }

    /// `schedule = ["0.25", ...]`: the shares of a custom profile.
    fn schedule(&mut self, path: &str, v: &Value<'_>) -> Option<Vec<Share>> {
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                path,
                v,
                "an array of shares",
                Some("write schedule = [\"0.25\", \"0.25\", \"0.25\", \"0.25\"]".to_string()),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match self.share(&p, item) {
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        if ok {
            Some(out)
        } else {
            None
        }
    }

    /// "both `amount` and `sizing`, or `target_dscr` with `sizing`".
    fn commitment(&mut self, t: &Tbl<'_, '_>) -> Commitment {
        let placeholder = Commitment::Fixed {
            amount: Money::ZERO,
            target_dscr: None,
        };
        match (t.get("amount"), t.get("sizing")) {
            (Some(_), Some(s)) => {
                self.error(
                    ErrorKind::Inconsistent,
                    s.span(),
                    format!("`{}` has both `amount` and `sizing`", t.path),
                    Some("keep `amount` for a fixed commitment, or `sizing` for the largest loan the schedule repays".to_string()),
                );
                self.poison(&t.child("amount"));
                self.poison(&t.child("sizing"));
                placeholder
            }
            (None, None) => {
                self.error(
                    ErrorKind::MissingKey,
                    t.span.clone(),
                    format!("missing key `amount` or `sizing` {}", where_(&t.path)),
                    Some("add amount = \"500000000\" or sizing = { dscr = \"1.30\", max_gearing = \"0.80\" }".to_string()),
                );
                self.poison(&t.child("amount"));
                self.poison(&t.child("sizing"));
                placeholder
            }
            (Some(_), None) => Commitment::Fixed {
                amount: self.opt(t, "amount", Self::money).unwrap_or(Money::ZERO),
                target_dscr: self.opt(t, "target_dscr", Self::ratio),
            },
            (None, Some(_)) => {
                if let Some(v) = t.get("target_dscr") {
                    self.error(
                        ErrorKind::Inconsistent,
                        v.span(),
                        format!("`{}.target_dscr` is given with `sizing`", t.path),
                        Some("with `sizing` the schedule's DSCR is `sizing.dscr`; `target_dscr` goes with a fixed `amount`".to_string()),
                    );
                    self.poison(&t.child("target_dscr"));
                }
                let sizing = self.opt(t, "sizing", |r, p, v| {
                    r.table(
                        p,
                        v,
                        Some(&sheet::SIZING),
                        Some(
                            "write sizing = { dscr = \"1.30\", max_gearing = \"0.80\" }"
                                .to_string(),
                        ),
                    )
                });
                match sizing {
                    Some(s) => Commitment::Sized {
                        dscr: self.req(&s, "dscr", Self::ratio).unwrap_or(Ratio::ONE),
                        max_gearing: self
                            .req(&s, "max_gearing", Self::share)
                            .unwrap_or(Share::ZERO),
                    },
                    None => placeholder,
                }
            }
        }
    }

    /// "both `fixed` and `index` in a rate, or `margin`/`floor` with `fixed`".
    fn rate_spec(&mut self, t: &Tbl<'_, '_>) -> RateSpec {
        let placeholder = RateSpec::Fixed(Rate::ZERO);
        let help = "write rate = { fixed = \"0.09\" } or rate = { index = \"SOFR3M\", margin = \"0.04\", floor = \"0\" }";
        let Some(r) = self.req(t, "rate", |r, p, v| {
            r.table(p, v, Some(&sheet::RATE), Some(help.to_string()))
        }) else {
            return placeholder;
        };
        match (r.get("fixed"), r.get("index")) {
            (Some(_), Some(index)) => {
                self.error(
                    ErrorKind::Inconsistent,
                    index.span(),
                    format!("`{}` has both `fixed` and `index`", r.path),
                    Some(help.to_string()),
                );
                self.poison(&r.path);
                placeholder
            }
            (Some(_), None) => {
                for key in ["margin", "floor"] {
                    if let Some(v) = r.get(key) {
                        self.error(
                            ErrorKind::Inconsistent,
                            v.span(),
                            format!("`{}.{key}` is given with a `fixed` rate", r.path),
                            Some(format!("a {key} applies to an `index` rate; a fixed rate is all-in: rate = {{ fixed = \"0.09\" }}")),
                        );
                        self.poison(&r.child(key));
                    }
                }
                RateSpec::Fixed(self.opt(&r, "fixed", Self::rate).unwrap_or(Rate::ZERO))
            }
            (None, Some(_)) => RateSpec::Floating {
                index: self.opt(&r, "index", Self::string).unwrap_or_default(),
                margin: self.opt(&r, "margin", Self::rate).unwrap_or(Rate::ZERO),
                floor: self.opt(&r, "floor", Self::rate).unwrap_or(Rate::ZERO),
            },
            (None, None) => {
                self.error(
                    ErrorKind::MissingKey,
                    r.span.clone(),
                    format!("missing key `fixed` or `index` {}", where_(&r.path)),
                    Some(help.to_string()),
                );
                self.poison(&r.path);
                placeholder
            }
        }
    }

    /// `[curves.NAME]` tables, each with `points = [[date, value], ...]`.
    fn curves(&mut self, t: &Tbl<'_, '_>) -> BTreeMap<String, Curve> {
        let mut out = BTreeMap::new();
        for (k, v) in t.map.iter() {
            let name: &str = k.get_ref();
            let path = t.child(name);
            let Some(c) = self.table(
                &path,
                v,
                Some(&sheet::CURVE),
                Some(format!(
                    "write [curves.{name}] with points = [[2026-01-01, \"0.0365\"]]"
                )),
            ) else {
                self.poison(&path);
                continue;
            };
            let points = self.req(&c, "points", Self::points).unwrap_or_default();
            out.insert(name.to_string(), Curve { points });
        }
        out
    }

    fn points(&mut self, path: &str, v: &Value<'_>) -> Option<Vec<(NaiveDate, Rate)>> {
        let help = "write points = [[2026-01-01, \"0.0365\"], [2026-07-01, \"0.0350\"]]";
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                path,
                v,
                "an array of [date, value] points",
                Some(help.to_string()),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let pair = match item.get_ref() {
                DeValue::Array(pair) if pair.len() == 2 => pair,
                _ => {
                    self.error(
                        ErrorKind::WrongType,
                        item.span(),
                        format!(
                            "`{p}` must be a point [date, value], found {}",
                            type_name(item.get_ref())
                        ),
                        Some(help.to_string()),
                    );
                    ok = false;
                    continue;
                }
            };
            let (Some(d), Some(x)) = (pair.first(), pair.get(1)) else {
                ok = false;
                continue;
            };
            let date = self.date(&format!("{p}[0]"), d);
            let value = self.rate(&format!("{p}[1]"), x);
            match (date, value) {
                (Some(d), Some(x)) => out.push((d, x)),
                _ => ok = false,
            }
        }
        if ok {
            Some(out)
        } else {
            None
        }
    }
}

/// A strict `YYYY-MM-DD`.
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let digits = |r: Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let y = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(y, digits(5..7)?, digits(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("escalater", &sheet::CONTRACT.names()),
            Some("escalator")
        );
        let frequencies = Frequency::names();
        let day_counts = DayCount::names();
        assert_eq!(suggest("Monthly", &frequencies), Some("monthly"));
        assert_eq!(suggest("montly", &frequencies), Some("monthly"));
        assert_eq!(suggest("act/360", &day_counts), Some("ACT/360"));
        assert_eq!(suggest("ACT/365", &day_counts), Some("ACT/365F"));
        assert_eq!(suggest("zzz", &frequencies), None);
    }

    #[test]
    fn table_names() {
        assert_eq!(where_(""), "at the top level");
        assert_eq!(where_("contract"), "in [contract]");
        assert_eq!(where_("curves.SOFR3M"), "in [curves.SOFR3M]");
        assert_eq!(where_("facility[1]"), "in [[facility]] #2");
        assert_eq!(
            where_("contract.capacity[0]"),
            "in [[contract.capacity]] #1"
        );
        assert_eq!(where_("facility[0].rate"), "in `facility[0].rate`");
    }

    #[test]
    fn iso_dates() {
        assert_eq!(
            parse_iso_date("2026-01-01"),
            NaiveDate::from_ymd_opt(2026, 1, 1)
        );
        assert_eq!(parse_iso_date("2026-02-30"), None);
        assert_eq!(parse_iso_date("2026-1-01"), None);
        assert_eq!(parse_iso_date("2026-01-01T00:00:00"), None);
        assert_eq!(parse_iso_date("+026-01-01"), None);
    }
}
