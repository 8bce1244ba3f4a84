//! A JSON Schema of the deal sheet, for editors and for tools that write deal sheets.

use serde_json::{json, Value};

/// A decimal written as text: digits, one `.`, an optional exponent; `_` between digits.
const DECIMAL_PATTERN: &str =
    r"^[+-]?[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$";

/// A decimal without a minus sign.
const NON_NEGATIVE_PATTERN: &str =
    r"^\+?[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$";

/// A decimal from 0 to 1 (written with an exponent, only its sign is checked).
const SHARE_PATTERN: &str = r"^\+?(0(_?0)*(\.[0-9](_?[0-9])*)?|0*1(\.0(_?0)*)?|[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?[eE][+-]?[0-9](_?[0-9])*)$";

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
    let decimal = |description: &str| {
        json!({
            "description": description,
            "type": ["number", "string"],
            "pattern": DECIMAL_PATTERN
        })
    };
    let non_negative = |description: &str| {
        json!({
            "description": description,
            "type": ["number", "string"],
            "pattern": NON_NEGATIVE_PATTERN,
            "minimum": 0
        })
    };
    let share = |description: &str| {
        json!({
            "description": description,
            "type": ["number", "string"],
            "pattern": SHARE_PATTERN,
            "minimum": 0,
            "maximum": 1
        })
    };
    let count =
        |description: &str| json!({ "description": description, "type": "integer", "minimum": 1 });
    let date = |description: &str| json!({ "description": description, "type": "string", "pattern": DATE_PATTERN });
    let text = |description: &str| json!({ "description": description, "type": "string" });

    let capacity = json!({
        "type": "object",
        "description": "[[contract.capacity]]: GPUs billed per hour from `online` to the contract end.",
        "additionalProperties": false,
        "required": ["gpus", "price_per_gpu_hour"],
        "properties": {
            "name": text("Name of the line (optional)."),
            "gpus": count("Number of GPUs, a positive whole number."),
            "online": date("First day billed; default: deal.close."),
            "price_per_gpu_hour": non_negative("Contract price per GPU-hour.")
        }
    });

    let payment = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["date", "share"],
        "properties": {
            "date": date("Payment date."),
            "share": share("Share of the order's cost; the shares sum to exactly 1.")
        }
    });

    let purchase_order = json!({
        "type": "object",
        "description": "[[purchase_order]]: GPUs bought for the box.",
        "additionalProperties": false,
        "required": ["units", "unit_cost", "payments", "useful_life_months"],
        "properties": {
            "item": text("Description (optional)."),
            "units": count("Number of units (servers), a positive whole number."),
            "unit_cost": non_negative("Cost of one unit."),
            "payments": { "type": "array", "minItems": 1, "items": payment },
            "useful_life_months": count("Straight-line book depreciation, months from close."),
            "residual_share": share("Value at the contract end as a share of cost; default 0.")
        }
    });

    let datacenter = json!({
        "type": "object",
        "description": "[[datacenter]]: colocation and power.",
        "additionalProperties": false,
        "required": ["critical_kw", "rate_per_kw_month", "power_price_per_mwh"],
        "properties": {
            "site": text("Name of the site (optional)."),
            "critical_kw": non_negative("Critical IT capacity, kW."),
            "rate_per_kw_month": non_negative("Colocation price per kW-month."),
            "escalator": decimal("Annual escalator on each anniversary of `start`, above -1; default 0."),
            "start": date("Start of the agreement; default: deal.close."),
            "term_months": { "description": "Length in months (at most 600); open-ended when absent.", "type": "integer", "minimum": 1, "maximum": 600 },
            "power_price_per_mwh": non_negative("Power price per MWh."),
            "pue": non_negative("Power usage effectiveness; default 1."),
            "load_factor": share("Average IT draw as a share of critical_kw; default 1.")
        }
    });

    let expense = json!({
        "type": "object",
        "description": "[[expense]]: an operating cost, `per_month` or `share_of_revenue`.",
        "additionalProperties": false,
        "oneOf": [ { "required": ["per_month"] }, { "required": ["share_of_revenue"] } ],
        "dependentSchemas": { "share_of_revenue": { "not": { "required": ["escalator"] } } },
        "properties": {
            "name": text("Name (optional)."),
            "per_month": non_negative("Amount per month, escalated."),
            "share_of_revenue": share("Share of each period's invoice."),
            "escalator": decimal("Annual escalator on each anniversary of `start`, above -1 (per_month only); default 0."),
            "start": date("First day; default: deal.close."),
            "end": date("Last day, exclusive; open-ended when absent.")
        }
    });

    let fee = json!({
        "type": "object",
        "description": "[[fee]]: a senior fee, paid at waterfall step 2.",
        "additionalProperties": false,
        "required": ["per_year"],
        "properties": {
            "name": text("Name (optional)."),
            "per_year": non_negative("Amount per year."),
            "start": date("First day; default: deal.close."),
            "end": date("Last day, exclusive; open-ended when absent.")
        }
    });

    let rate = json!({
        "description": "{ fixed } or { index, margin, floor }.",
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": false,
                "required": ["fixed"],
                "properties": { "fixed": non_negative("All-in annual rate.") }
            },
            {
                "type": "object",
                "additionalProperties": false,
                "required": ["index"],
                "properties": {
                    "index": text("Name of a curve in [curves]."),
                    "margin": non_negative("Annual margin over the index; default 0."),
                    "floor": non_negative("Floor on the index; default 0.")
                }
            }
        ]
    });

    let facility = json!({
        "type": "object",
        "description": "[[facility]]: a delayed-draw term loan.",
        "additionalProperties": false,
        "required": ["name", "rate"],
        "oneOf": [ { "required": ["amount"] }, { "required": ["sizing"] } ],
        "dependentSchemas": { "target_dscr": { "required": ["amount"] } },
        "if": { "required": ["amortization"], "properties": { "amortization": { "const": "custom" } } },
        "then": { "required": ["schedule"] },
        "else": { "not": { "required": ["schedule"] } },
        "properties": {
            "name": text("Unique name."),
            "rank": { "description": "1 = senior (default), 2 = junior.", "enum": [1, 2] },
            "amount": non_negative("Fixed commitment, at most two decimals."),
            "target_dscr": decimal("DSCR a fixed amount's schedule is shaped or checked against."),
            "sizing": {
                "type": "object",
                "additionalProperties": false,
                "required": ["dscr", "max_gearing"],
                "properties": {
                    "dscr": decimal("Sizing DSCR."),
                    "max_gearing": share("Maximum debt / total capex.")
                }
            },
            "rate": rate,
            "day_count": { "enum": ["ACT/360", "ACT/365F", "30/360"], "description": "Default ACT/360." },
            "amortization": { "enum": ["sculpted", "level", "straight_line", "bullet", "custom"], "description": "Default sculpted." },
            "schedule": { "type": "array", "minItems": 1, "items": share("Share of the commitment repaid in one window period."), "description": "custom only: one share per period g+1..H, summing to 1." },
            "interest_only_periods": { "type": "integer", "minimum": 0, "description": "g; default 0." },
            "repay_by": {
                "description": "\"halfway\" (default) or a whole number of months after close, a multiple of the period length.",
                "anyOf": [ { "const": "halfway" }, { "type": "integer", "minimum": 1 } ]
            },
            "upfront_fee": share("Share of the commitment paid at close; default 0."),
            "commitment_fee": non_negative("Annual fee on the undrawn commitment; default 0."),
            "sweep": share("Share of excess cash that prepays this facility; default 0.")
        }
    });

    let curve = json!({
        "type": "object",
        "description": "[curves.NAME]: dated index values, a step function.",
        "additionalProperties": false,
        "required": ["points"],
        "properties": {
            "points": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "array",
                    "prefixItems": [ date("Date, strictly increasing; the first on or before close."), non_negative("Index value.") ],
                    "minItems": 2,
                    "maxItems": 2
                }
            }
        }
    });

    let months_or_zero = |description: &str| json!({ "description": description, "type": "integer", "minimum": 0, "maximum": 600 });
    let scenario = json!({
        "type": "object",
        "description": "[[scenario]]: a stress of the base case, run against the schedule sized at close (boxflow stress).",
        "additionalProperties": false,
        "required": ["name"],
        "dependentSchemas": {
            "re_lease_after": { "required": ["default_period", "re_lease_price_share"] },
            "re_lease_price_share": { "required": ["default_period"] }
        },
        "properties": {
            "name": text("Unique name of the scenario."),
            "default_period": count("The first period the customer does not pay (1..N)."),
            "re_lease_after": months_or_zero("Periods without revenue after the default before the re-lease bills; default 0."),
            "re_lease_price_share": share("The re-lease price as a share of the contract price."),
            "price_per_gpu_hour": non_negative("Every capacity line at this price."),
            "price_haircut": share("Every price cut by this share; default 0."),
            "online_delay_months": months_or_zero("Every capacity line online this many months late; default 0."),
            "opex_shock": decimal("Colocation rates and per_month expenses times 1 + shock, above -1; default 0."),
            "power_shock": decimal("Power prices times 1 + shock, above -1; default 0."),
            "rate_shock_bps": decimal("Basis points added to every index before the floor, -10000 to 100000; default 0."),
            "residual_share": share("Every purchase order's residual share."),
            "useful_life_months": count("Every purchase order's useful life, months.")
        }
    });

    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "boxflow deal sheet",
        "description": "One box: the capacity contract, purchase orders, data centers, costs, facilities, reserve, covenants and curves (methodology section 1).",
        "type": "object",
        "additionalProperties": false,
        "required": ["deal", "contract", "purchase_order"],
        "properties": {
            "format": { "const": 1, "description": "Deal-sheet format version." },
            "deal": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "close", "frequency"],
                "properties": {
                    "name": text("Name of the deal."),
                    "currency": { "type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code; default USD." },
                    "close": date("Closing date; the contract starts here."),
                    "frequency": { "enum": ["monthly", "quarterly"] }
                }
            },
            "contract": {
                "type": "object",
                "additionalProperties": false,
                "required": ["customer", "term_months", "capacity"],
                "properties": {
                    "customer": text("The customer."),
                    "term_months": { "type": "integer", "minimum": 1, "maximum": 600, "description": "Months from close, a multiple of the period length." },
                    "escalator": decimal("Annual price step on each anniversary of close, above -1; default 0."),
                    "prepayment": non_negative("Paid by the customer at close, at most two decimals; default 0."),
                    "prepayment_credit_share": share("Share of each invoice settled from the prepayment; required when the prepayment is positive."),
                    "capacity": { "type": "array", "minItems": 1, "items": capacity }
                }
            },
            "purchase_order": { "type": "array", "minItems": 1, "items": purchase_order },
            "datacenter": { "type": "array", "items": datacenter },
            "expense": { "type": "array", "items": expense },
            "fee": { "type": "array", "items": fee },
            "facility": { "type": "array", "maxItems": 2, "items": facility },
            "reserve": {
                "type": "object",
                "additionalProperties": false,
                "required": ["months"],
                "properties": {
                    "months": count("DSRA target: the next `months` of scheduled senior debt service."),
                    "funded_at_close": { "type": "boolean", "description": "Default true." }
                }
            },
            "covenants": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "min_dscr": non_negative("Below it: dscr_default."),
                    "lockup_dscr": non_negative("Below it: no distribution."),
                    "lockup_action": { "enum": ["sweep", "hold"], "description": "Default sweep." },
                    "repaid_by_fraction": share("Senior repaid by this share of the term; default 0.5."),
                    "max_ltv": non_negative("Above it: ltv_breach.")
                }
            },
            "curves": { "type": "object", "additionalProperties": curve },
            "analysis": {
                "type": "object",
                "additionalProperties": false,
                "required": ["discount_rate"],
                "properties": { "discount_rate": non_negative("Sponsor hurdle rate for NPV.") }
            },
            "scenario": { "type": "array", "items": scenario }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::keys;

    fn property_names(v: &Value) -> Vec<String> {
        let mut names: Vec<String> = v["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut k: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    }

    /// The schema and the reader know the same keys.
    #[test]
    fn schema_keys_match_reader_keys() {
        let s = json_schema();
        let p = &s["properties"];
        assert_eq!(property_names(&s), sorted(keys::ROOT));
        assert_eq!(property_names(&p["deal"]), sorted(keys::DEAL));
        assert_eq!(property_names(&p["contract"]), sorted(keys::CONTRACT));
        assert_eq!(
            property_names(&p["contract"]["properties"]["capacity"]["items"]),
            sorted(keys::CAPACITY)
        );
        let po = &p["purchase_order"]["items"];
        assert_eq!(property_names(po), sorted(keys::PURCHASE_ORDER));
        assert_eq!(
            property_names(&po["properties"]["payments"]["items"]),
            sorted(keys::PAYMENT)
        );
        assert_eq!(
            property_names(&p["datacenter"]["items"]),
            sorted(keys::DATACENTER)
        );
        assert_eq!(
            property_names(&p["expense"]["items"]),
            sorted(keys::EXPENSE)
        );
        assert_eq!(property_names(&p["fee"]["items"]), sorted(keys::FEE));
        let f = &p["facility"]["items"];
        assert_eq!(property_names(f), sorted(keys::FACILITY));
        assert_eq!(
            property_names(&f["properties"]["sizing"]),
            sorted(keys::SIZING)
        );
        let mut rate: Vec<String> = f["properties"]["rate"]["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(property_names)
            .collect();
        rate.sort();
        assert_eq!(rate, sorted(keys::RATE));
        assert_eq!(property_names(&p["reserve"]), sorted(keys::RESERVE));
        assert_eq!(property_names(&p["covenants"]), sorted(keys::COVENANTS));
        assert_eq!(
            property_names(&p["curves"]["additionalProperties"]),
            sorted(keys::CURVE)
        );
        assert_eq!(property_names(&p["analysis"]), sorted(keys::ANALYSIS));
        assert_eq!(
            property_names(&p["scenario"]["items"]),
            sorted(keys::SCENARIO)
        );
    }
}
