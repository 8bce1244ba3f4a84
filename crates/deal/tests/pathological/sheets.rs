//! Pathological deal sheets of a given size, for the smoke tests of
//! `tests/pathological.rs` and for `examples/pathological.rs`, which writes them to
//! measure `boxflow check` on 10 MiB files (docs/limits.md). Each kind repeats one
//! mistake until the sheet is about `bytes` long.

/// Every kind of pathological sheet, by name.
pub const KINDS: [&str; 10] = [
    "bad-values",
    "duplicate-scenarios",
    "unknown-keys",
    "lone-cr",
    "open-array",
    "long-key",
    "curve-points",
    "syntax-errors",
    "bad-escapes",
    "duplicate-keys",
];

/// The sheet of kind `kind` of at most `bytes` bytes (and at least `bytes` less one
/// repeated unit, for `bytes` above the template's size), or `None` for an unknown kind.
pub fn sheet(kind: &str, bytes: usize) -> Option<String> {
    let base = boxflow_deal::TEMPLATE;
    let mut s = String::with_capacity(bytes + 256);
    match kind {
        // many purchase orders, each with two bad values
        "bad-values" => {
            s.push_str(base);
            fill(&mut s, bytes, |_| {
                "\n[[purchase_order]]\nunits = -1\nunit_cost = \"-5\"\npayments = [{ date = 2026-04-01, share = \"1\" }]\nuseful_life_months = 72\n".to_string()
            });
        }
        // many scenarios of the same name
        "duplicate-scenarios" => {
            s.push_str(base);
            fill(&mut s, bytes, |_| {
                "\n[[scenario]]\nname = \"same\"\n".to_string()
            });
        }
        // many distinct unknown keys at the top level
        "unknown-keys" => {
            fill(&mut s, bytes.saturating_sub(base.len()), |i| {
                format!("escalater_{i} = 1\n")
            });
            s.push_str(base);
        }
        // lines ended by a lone CR (old Mac)
        "lone-cr" => {
            s.push_str(&base.replace('\n', "\r"));
            fill(&mut s, bytes, |i| format!("k{i} = 1\r"));
        }
        // an array that is never closed, then many lines
        "open-array" => {
            s.push_str(base);
            s.push_str("a = [\n");
            fill(&mut s, bytes, |i| format!("k{i} = 1\n"));
        }
        // one very long unknown key
        "long-key" => {
            let n = bytes.saturating_sub(base.len() + 5);
            s.push_str(&"k".repeat(n));
            s.push_str(" = 1\n");
            s.push_str(base);
        }
        // a curve with many points, each with a bad value
        "curve-points" => {
            s.push_str(base);
            s.push_str("\n[curves.BAD]\npoints = [\n");
            fill(&mut s, bytes.saturating_sub(2), |_| {
                "[2026-04-01, \"x\"],\n".to_string()
            });
            s.push_str("]\n");
        }
        // many lines that are not TOML
        "syntax-errors" => {
            s.push_str(base);
            fill(&mut s, bytes, |_| "= =\n".to_string());
        }
        // many distinct keys, each with a bad escape (valid TOML syntax otherwise)
        "bad-escapes" => {
            s.push_str(base);
            fill(&mut s, bytes, |i| format!("k{i} = \"\\q\"\n"));
        }
        // one key written again and again in one table
        "duplicate-keys" => {
            s.push_str(base);
            s.push_str("\n[dup]\n");
            fill(&mut s, bytes, |_| "a = 1\n".to_string());
        }
        _ => return None,
    }
    Some(s)
}

/// Appends `unit(0)`, `unit(1)`, ... while `s` stays at most `bytes` long.
fn fill(s: &mut String, bytes: usize, unit: impl Fn(usize) -> String) {
    for i in 0.. {
        let u = unit(i);
        if s.len() + u.len() > bytes {
            break;
        }
        s.push_str(&u);
    }
}
