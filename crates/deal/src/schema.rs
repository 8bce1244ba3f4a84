//! A JSON Schema of the deal sheet, for editors and for tools that write deal sheets.

use serde_json::{json, Map, Value};

use crate::sheet::{self, Key, Kind, Need, Section};

/// A decimal written as text: digits, one `.`, an optional exponent; `_` between digits.
const DECIMAL_PATTERN: &str =
    r"^[+-]?[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$";

/// A decimal without a minus sign.
const NON_NEGATIVE_PATTERN: &str =
    r"^\+?[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$";

/// A decimal from 0 to 1 (written with an exponent, only its sign is checked).
const SHARE_PATTERN: &str = r"^\+?(0(_?0)*(\.[0-9](_?[0-9])*)?|0*1(\.0(_?0)*)?|[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?[eE][+-]?[0-9](_?[0-9])*)$";

/// A range `"lo..hi"` of two decimals (spaces allowed around each).
const RANGE_PATTERN: &str = r"^\s*[+-]?[0-9]+(\.[0-9]+)?\s*\.\.\s*[+-]?[0-9]+(\.[0-9]+)?\s*$";

/// A date `YYYY-MM-DD` (a native TOML date becomes this string in JSON).
const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// The JSON Schema (draft 2020-12) of a deal sheet converted to JSON: TOML dates as
/// `"YYYY-MM-DD"` strings; money, prices, rates and shares as numbers or decimal
/// strings; counts as integers. Unknown keys are rejected (`additionalProperties:
/// false`), required keys are required, and the one-of choices (`amount` or `sizing`,
/// a `fixed` or an `index` rate, `per_month` or `share_of_revenue`, `schedule` with
/// `custom`) are encoded.
///
/// The schema checks shape and simple ranges; the rules that need computation
/// (shares summing to 1, the calendar, the repayment window, capex) are
/// [`crate::validate`]'s.
///
/// ```
/// let schema = boxflow_deal::json_schema();
/// assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
/// assert_eq!(schema["additionalProperties"], false);
/// ```
pub fn json_schema() -> Value {
    let mut root = table(&sheet::ROOT);
    if let Value::Object(m) = &mut root {
        m.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        m.insert("title".into(), json!("boxflow deal sheet"));
        // "two facilities of one rank, a rank other than 1 or 2": at most two.
        if let Some(Value::Object(f)) = m.get_mut("properties").and_then(|p| p.get_mut("facility"))
        {
            f.insert("maxItems".into(), json!(2));
        }
        m.insert(
            "description".into(),
            json!("One box: the capacity contract, purchase orders, data centers, costs, facilities, reserve, covenants and curves (methodology section 1)."),
        );
    }
    root
}

/// The object schema of a section: its keys, which are required, exactly one of its
/// `one_of` keys, and the rules across keys that a schema can say ([`across`]).
fn table(section: &Section) -> Value {
    let properties: Map<String, Value> = section
        .keys
        .iter()
        .map(|k| (k.name.to_string(), property(k)))
        .collect();
    let required: Vec<&str> = section
        .keys
        .iter()
        .filter(|k| k.need == Need::Required)
        .map(|k| k.name)
        .collect();
    let mut schema = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    });
    if let Value::Object(m) = &mut schema {
        if !section.title.is_empty() && !section.about.is_empty() {
            m.insert(
                "description".into(),
                json!(format!("{}: {}", section.title, section.about)),
            );
        }
        if !required.is_empty() {
            m.insert("required".into(), json!(required));
        }
        if !section.one_of.is_empty() {
            let one_of: Vec<Value> = section
                .one_of
                .iter()
                .map(|k| json!({ "required": [k] }))
                .collect();
            m.insert("oneOf".into(), Value::Array(one_of));
        }
        if let Value::Object(extra) = across(section.path) {
            m.extend(extra);
        }
    }
    schema
}

/// The schema of one key's value, with its description.
fn property(key: &Key) -> Value {
    let mut schema = match key.kind {
        Kind::Version => json!({ "const": 1 }),
        Kind::Text => json!({ "type": "string" }),
        Kind::Currency => json!({ "type": "string", "pattern": "^[A-Z]{3}$" }),
        Kind::Date => json!({ "type": "string", "pattern": DATE_PATTERN }),
        Kind::Decimal => json!({ "type": ["number", "string"], "pattern": DECIMAL_PATTERN }),
        Kind::Money | Kind::NonNegative => json!({
            "type": ["number", "string"],
            "pattern": NON_NEGATIVE_PATTERN,
            "minimum": 0
        }),
        Kind::Share => share(),
        Kind::Count { min, max } => {
            let mut c = json!({ "type": "integer", "minimum": min });
            if let (Some(max), Value::Object(m)) = (max, &mut c) {
                m.insert("maximum".into(), json!(max));
            }
            c
        }
        Kind::Boolean => json!({ "type": "boolean" }),
        Kind::Choice(names) => json!({ "enum": names() }),
        Kind::Rank => json!({ "enum": [1, 2] }),
        Kind::RepayBy => json!({
            "anyOf": [ { "const": "halfway" }, { "type": "integer", "minimum": 1 } ]
        }),
        Kind::Table(s) => table(s),
        Kind::Tables(s) => {
            let mut a = json!({ "type": "array", "items": table(s) });
            if let (Need::Required, Value::Object(m)) = (key.need, &mut a) {
                m.insert("minItems".into(), json!(1));
            }
            a
        }
        Kind::NamedTables(s) => json!({ "type": "object", "additionalProperties": table(s) }),
        Kind::Shares => json!({ "type": "array", "minItems": 1, "items": share() }),
        Kind::Range { whole } => json!({
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": if whole { json!({ "type": "integer", "minimum": 0 }) } else { share() }
        }),
        Kind::Ranges => json!({
            "type": "object",
            "minProperties": 1,
            "additionalProperties": { "type": "string", "pattern": RANGE_PATTERN }
        }),
        Kind::Lines => json!({ "type": "array", "minItems": 1, "items": { "type": "string" } }),
        Kind::Points => json!({
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "array",
                "prefixItems": [
                    { "type": "string", "pattern": DATE_PATTERN },
                    { "type": ["number", "string"], "pattern": NON_NEGATIVE_PATTERN, "minimum": 0 }
                ],
                "minItems": 2,
                "maxItems": 2
            }
        }),
    };
    let mut description = key.about.to_string();
    if !key.rule.is_empty() {
        description.push_str(&format!(" Rule: {}.", key.rule));
    }
    if let Need::Default(d) = key.need {
        description.push_str(&format!(" Default: {}.", d.trim_matches('`')));
    }
    if let Value::Object(m) = &mut schema {
        if !m.contains_key("description") {
            m.insert("description".into(), json!(description));
        }
    }
    schema
}

fn share() -> Value {
    json!({
        "type": ["number", "string"],
        "pattern": SHARE_PATTERN,
        "minimum": 0,
        "maximum": 1
    })
}

/// The rules across keys that the schema states, by section path (the rest, which
/// need computation, are [`crate::validate`]'s). These are rules, not shape: they
/// name keys of [`sheet`] and a test checks that each key they name exists there.
fn across(path: &str) -> Value {
    match path {
        // "an `escalator` applies to `per_month` only"
        "expense" => json!({
            "dependentSchemas": { "share_of_revenue": { "not": { "required": ["escalator"] } } }
        }),
        // "`target_dscr` with `sizing`"; "`schedule` with `custom` only"
        "facility" => json!({
            "dependentSchemas": { "target_dscr": { "required": ["amount"] } },
            "if": { "required": ["amortization"], "properties": { "amortization": { "const": "custom" } } },
            "then": { "required": ["schedule"] },
            "else": { "not": { "required": ["schedule"] } }
        }),
        // "`margin`/`floor` with `fixed`"
        "facility.rate" => json!({
            "dependentSchemas": {
                "fixed": { "not": { "anyOf": [ { "required": ["margin"] }, { "required": ["floor"] } ] } }
            }
        }),
        "scenario" => json!({
            "dependentSchemas": {
                "re_lease_after": { "required": ["default_period", "re_lease_price_share"] },
                "re_lease_price_share": { "required": ["default_period"] }
            }
        }),
        _ => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key named in `required` or `dependentSchemas`, collected from a schema.
    fn named_keys(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match k.as_str() {
                        "required" => out.extend(
                            x.as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|s| s.as_str().map(str::to_string)),
                        ),
                        "dependentSchemas" => {
                            out.extend(x.as_object().into_iter().flat_map(|o| o.keys().cloned()));
                            named_keys(x, out);
                        }
                        _ => named_keys(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| named_keys(x, out)),
            _ => {}
        }
    }

    /// The rules across keys name only keys of their section.
    #[test]
    fn rules_across_keys_name_keys_of_the_sheet() {
        for s in sheet::SECTIONS {
            let mut names = Vec::new();
            named_keys(&across(s.path), &mut names);
            for n in names {
                assert!(
                    s.key(&n).is_some(),
                    "{}: `{n}` is not a key of the sheet",
                    s.path
                );
            }
        }
        assert!(across("facility").get("if").is_some());
    }

    #[test]
    fn every_key_of_the_sheet_is_in_the_schema() {
        let schema = json_schema();
        let p = &schema["properties"];
        assert_eq!(p.as_object().map(|m| m.len()), Some(sheet::ROOT.keys.len()));
        let capacity = &p["contract"]["properties"]["capacity"]["items"]["properties"];
        assert_eq!(
            capacity.as_object().map(|m| m.len()),
            Some(sheet::CAPACITY.keys.len())
        );
        assert_eq!(p["facility"]["maxItems"], 2);
        assert_eq!(
            p["facility"]["items"]["properties"]["day_count"]["enum"],
            json!(["ACT/360", "ACT/365F", "30/360"])
        );
        assert_eq!(p["deal"]["required"], json!(["name", "close", "frequency"]));
    }
}
