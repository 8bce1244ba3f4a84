//! No input makes the reader panic: random bytes, random edits of the reference deal
//! and deal sheets with hostile values all return `Ok` or located errors.
//! 10,000 cases in all.

use boxflow_deal::{parse, parse_bytes, DealErrors};
use boxflow_model::validate;
use proptest::prelude::*;

const REFERENCE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/reference.toml"
));

/// What holds of every answer: an accepted deal passes `validate`; errors are
/// located inside the text, in order.
fn check(result: Result<boxflow_model::ValidDeal, DealErrors>) -> Result<(), TestCaseError> {
    match result {
        Ok(deal) => {
            let invalid = validate(&deal);
            prop_assert!(
                invalid.is_empty(),
                "parse accepted a deal that validate rejects: {invalid:?}"
            );
        }
        Err(errors) => {
            prop_assert!(!errors.errors.is_empty());
            let source = errors.source.as_deref().unwrap_or("");
            let mut last = 0;
            for e in &errors.errors {
                prop_assert!(
                    e.span.start <= e.span.end && e.span.end <= source.len(),
                    "{e:?}"
                );
                prop_assert!(e.span.start >= last, "errors out of order");
                last = e.span.start;
                prop_assert!(e.line >= 1 && e.column >= 1, "{e:?}");
                // Lines end at `\n`, `\r\n` or a lone `\r`, as the reader counts them.
                let breaks = source.matches('\n').count()
                    + source
                        .char_indices()
                        .filter(|&(i, c)| c == '\r' && !source[i + 1..].starts_with('\n'))
                        .count();
                prop_assert!(e.line <= breaks + 2, "{e:?}");
                prop_assert!(!e.message.is_empty());
            }
        }
    }
    Ok(())
}

/// One edit of a text, by character index.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Duplicate(usize, usize),
    Replace(usize, char),
    Insert(usize, String),
    DropLine(usize),
    SwapNumber(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let tricky = prop::sample::select(vec![
        "0",
        "-1",
        "-0",
        "1e15",
        "1e16",
        "1000000000000000.01",
        "99999999999999.99",
        "0.001",
        "1e-29",
        "1e999",
        "18446744073709551616",
        "4294967296",
        "601",
        "inf",
        "nan",
        "\"\"",
        "\"x\"",
        "true",
        "[]",
        "{}",
        "2026-02-30",
        "2026-01-01T00:00:00",
        "00:00:00",
        "\"2.2.2\"",
        "\"1e3\"",
        "-9223372036854775808",
        "0x7fffffffffffffff",
        "1_000",
        "9999-12-31",
        "0001-01-01",
        "\"halfway\"",
        "\"custom\"",
        "3",
    ]);
    let snippet = prop::sample::select(vec![
        "\n[[facility]]\nname = \"DDTL\"\namount = \"1\"\nrate = { fixed = \"0.1\" }\n",
        "\n[[facility]]\nname = \"J\"\nrank = 2\nsizing = { dscr = \"0\", max_gearing = \"1\" }\nrate = { index = \"X\" }\n",
        "\namortization = \"custom\"\nschedule = [\"0.5\", \"0.5\"]\n",
        "\ninterest_only_periods = 4294967295\n",
        "\nrepay_by = 600\n",
        "\n[curves.X]\npoints = []\n",
        "\n[curves.Y]\npoints = [[9999-12-31, \"0.1\"], [0001-01-01, \"0.1\"]]\n",
        "\n[[expense]]\nshare_of_revenue = \"2\"\nescalator = \"-1\"\n",
        "\n[[datacenter]]\ncritical_kw = 1e15\nrate_per_kw_month = 1e15\npower_price_per_mwh = 1e15\nterm_months = 0\n",
        "\n[reserve]\nmonths = 7\n",
        "\n[[purchase_order]]\nunits = 1000000000000000\nunit_cost = 1e15\npayments = [{ date = 9999-12-31, share = \"1\" }]\nuseful_life_months = 1\n",
        "\"", "[", "]", "=", "\n", "{", "}", "#", ",", ".", "é", "\u{0}", "\t",
    ]);
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), 1usize..80).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        (any::<usize>(), any::<char>()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<usize>(), snippet).prop_map(|(i, s)| Edit::Insert(i, s.to_string())),
        any::<usize>().prop_map(Edit::DropLine),
        (any::<usize>(), tricky).prop_map(|(i, s)| Edit::SwapNumber(i, s.to_string())),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len().max(1);
    let out: Vec<char> = match edit {
        Edit::Delete(i, n) => {
            let i = i % len;
            let end = (i + n).min(chars.len());
            chars[..i.min(chars.len())]
                .iter()
                .chain(&chars[end..])
                .copied()
                .collect()
        }
        Edit::Duplicate(i, n) => {
            let i = (i % len).min(chars.len());
            let end = (i + n).min(chars.len());
            let mut v = chars[..end].to_vec();
            v.extend_from_slice(&chars[i..end]);
            v.extend_from_slice(&chars[end..]);
            v
        }
        Edit::Replace(i, c) => {
            let mut v = chars.clone();
            if !v.is_empty() {
                let at = i % v.len();
                v[at] = *c;
            }
            v
        }
        Edit::Insert(i, s) => {
            let i = (i % len).min(chars.len());
            let mut v = chars[..i].to_vec();
            v.extend(s.chars());
            v.extend_from_slice(&chars[i..]);
            v
        }
        Edit::DropLine(i) => {
            let lines: Vec<&str> = text.lines().collect();
            let drop = i % lines.len().max(1);
            return lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != drop)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n");
        }
        Edit::SwapNumber(i, replacement) => {
            // replace the i-th value written after `= ` on some line
            let lines: Vec<&str> = text.lines().collect();
            let target = i % lines.len().max(1);
            return lines
                .iter()
                .enumerate()
                .map(|(j, l)| match (j == target, l.find("= ")) {
                    (true, Some(k)) => format!("{}= {replacement}", &l[..k]),
                    _ => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
    };
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check(parse_bytes(&bytes, "random.toml"))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_toml_like_text(text in "[\\[\\]a-z_.=\"0-9 \n{},#-]{0,400}") {
        check(parse(&text, "random.toml"))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn one_edit_of_the_reference_deal(e in edit()) {
        check(parse(&apply(REFERENCE, &e), "edited.toml"))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn several_edits_of_the_reference_deal(edits in prop::collection::vec(edit(), 2..8)) {
        let text = edits.iter().fold(REFERENCE.to_string(), |t, e| apply(&t, e));
        check(parse(&text, "edited.toml"))?;
    }
}
