//! The JSON schema accepts every valid deal sheet converted to JSON and rejects
//! unknown keys and the structural mistakes it can see.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// A TOML document as JSON: dates as `"YYYY-MM-DD"` strings, numbers as numbers,
/// strings as strings. (serde_json::to_value on a toml::Value would turn a date into
/// a `{"$__toml_private_datetime": ...}` object, so the conversion is by hand.)
fn to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn sheet_json(text: &str) -> Value {
    to_json(&toml::from_str::<toml::Value>(text).unwrap())
}

fn validator() -> jsonschema::Validator {
    let schema = boxflow_deal::json_schema();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "the schema is a valid JSON Schema"
    );
    jsonschema::draft202012::new(&schema).unwrap()
}

fn valid_sheets() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| (p.display().to_string(), fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out.push(("TEMPLATE".to_string(), boxflow_deal::TEMPLATE.to_string()));
    out
}

#[test]
fn the_conversion_turns_dates_into_strings() {
    let reference = &valid_sheets()[0];
    let v = sheet_json(&reference.1);
    assert!(v["deal"]["close"].is_string());
    assert!(v["purchase_order"][0]["payments"][0]["date"].is_string());
    assert!(v["curves"]
        .as_object()
        .unwrap()
        .values()
        .all(|c| c["points"][0][0].is_string()));
}

#[test]
fn every_valid_fixture_and_the_template_validate() {
    let validator = validator();
    let sheets = valid_sheets();
    assert!(sheets.len() >= 8);
    for (name, text) in &sheets {
        let instance = sheet_json(text);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn bare_numbers_and_quoted_dates_validate_too() {
    let text = &valid_sheets()[0].1;
    let bare = text
        .replace("price_per_gpu_hour = \"2.20\"", "price_per_gpu_hour = 2.20")
        .replace("close = 2026-01-01", "close = \"2026-01-01\"");
    assert!(validator().is_valid(&sheet_json(&bare)));
}

#[test]
fn unknown_keys_are_rejected_everywhere() {
    let validator = validator();
    let base = sheet_json(
        &valid_sheets()
            .iter()
            .find(|(n, _)| n.ends_with("reference.toml"))
            .unwrap()
            .1,
    );
    assert!(validator.is_valid(&base));
    let places: [&[&str]; 8] = [
        &[],
        &["deal"],
        &["contract"],
        &["reserve"],
        &["covenants"],
        &["analysis"],
        &["curves", "SOFR3M"],
        &["facility", "0", "rate"],
    ];
    for place in places {
        let mut v = base.clone();
        let mut target = &mut v;
        for key in place {
            target = match key.parse::<usize>() {
                Ok(i) => &mut target[i],
                Err(_) => &mut target[*key],
            };
        }
        target
            .as_object_mut()
            .unwrap()
            .insert("escalater".into(), json!("0.02"));
        assert!(!validator.is_valid(&v), "unknown key accepted in {place:?}");
    }
    let mut v = base.clone();
    v["purchase_order"][0]["payments"][0]["amount"] = json!(1);
    assert!(!validator.is_valid(&v));
    let mut v = base.clone();
    v["contract"]["capacity"][0]["gpu"] = json!(1);
    assert!(!validator.is_valid(&v));
}

#[test]
fn structural_mistakes_are_rejected() {
    let validator = validator();
    for name in [
        "unknown-key",
        "unknown-section",
        "missing-key",
        "missing-capacity",
        "wrong-type",
        "wrong-type-table",
        "count-not-whole",
        "count-zero",
        "negative-money",
        "not-a-number",
        "share-out-of-range",
        "term-over-600",
        "reserve-months",
        "rate-fixed-and-index",
        "margin-with-fixed",
        "amount-and-sizing",
        "target-with-sizing",
        "rank-3",
        "unknown-day-count",
        "unknown-profile",
        "unknown-frequency",
        "unknown-lockup-action",
        "multiple-errors",
    ] {
        let text =
            fs::read_to_string(fixtures().join("invalid").join(format!("{name}.toml"))).unwrap();
        let instance = sheet_json(&text);
        assert!(!validator.is_valid(&instance), "{name} passes the schema");
    }
    // rules that need computation are validate's, not the schema's
    let text = fs::read_to_string(fixtures().join("invalid/payment-shares.toml")).unwrap();
    assert!(validator.is_valid(&sheet_json(&text)));
}
