//! `boxflow prove`: checks the sheet's `[[property]]` tables over their boxes of
//! shocks, against the debt sized at close, and prints each failure shrunk to the
//! mildest shock that still breaks it, with the command line that reproduces it.

use std::path::{Path, PathBuf};

use boxflow::model::ValidDeal;
use boxflow::report::table::{right, styled, terminal_width};
use boxflow::scenario::prove::{
    check, outcome_at, spec_of, Property, Verdict, DEFAULT_CASES, MAX_CASES,
};
use boxflow::scenario::{Base, Expectation, Outcome};
use comfy_table::Cell;
use serde_json::{json, Value};

use crate::stress::{metric_json, outcome_json};

/// The seed of the random points when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 0;

/// The arguments of `boxflow prove`.
#[derive(clap::Args)]
pub struct ProveArgs {
    /// Deal sheet (TOML) with at least one `[[property]]`.
    pub deal: PathBuf,
    /// Random points per property, besides every corner of its box (0 to 1,000,000).
    #[arg(long, default_value_t = DEFAULT_CASES)]
    pub cases: usize,
    /// Seed of the random points: the same seed checks the same points, on any
    /// number of threads.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProveFormat::Table)]
    pub format: ProveFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Check only the property of this name.
    #[arg(long, value_name = "NAME")]
    pub property: Option<String>,
}

/// The output formats of `boxflow prove`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProveFormat {
    /// A terminal table.
    Table,
    /// JSON (docs/output.md).
    Json,
}

/// What `prove` found: the text to print and whether every property holds.
pub struct Proved {
    /// The table or JSON.
    pub text: String,
    /// True when every property checked holds (exit 0), else exit 1.
    pub holds: bool,
}

/// One property checked, with what a reader needs about its counterexample.
struct Checked {
    verdict: Verdict,
    /// The outcome at the shrunk counterexample, and every expectation it breaks
    /// (the one shrunk for first).
    failure: Option<(Outcome, Vec<Expectation>)>,
}

/// The properties to check: every one of the sheet, or the one `--property` names.
fn chosen(deal: &ValidDeal, args: &ProveArgs, file: &Path) -> Result<Vec<Property>, String> {
    if deal.properties.is_empty() {
        return Err(format!(
            "`{}` has no [[property]]: nothing to prove; add one, e.g.\n\n[[property]]\nname = \"no lender loss under a 5% price fall\"\nvary = {{ price_haircut = \"0..0.05\" }}\nexpect = [\"lender_loss == 0\"]\n",
            file.display()
        ));
    }
    let specs: Vec<_> = match &args.property {
        None => deal.properties.iter().collect(),
        Some(name) => {
            let found: Vec<_> = deal.properties.iter().filter(|p| &p.name == name).collect();
            if found.is_empty() {
                let names: Vec<&str> = deal.properties.iter().map(|p| p.name.as_str()).collect();
                let near = boxflow::model::did_you_mean(name, &names)
                    .map_or(String::new(), |n| format!("did you mean \"{n}\"? "));
                return Err(format!(
                    "no [[property]] is named \"{}\": {near}the properties are: {}",
                    boxflow::model::shorten(name),
                    names
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            found
        }
    };
    // The reader checked every property (`prove::property_rules`): an error here is
    // an internal one, reported all the same.
    specs
        .into_iter()
        .map(|s| {
            Property::from_spec(s).map_err(|e| {
                let messages: Vec<String> = e.iter().map(|(_, x)| x.to_string()).collect();
                format!("property \"{}\": {}", s.name, messages.join("; "))
            })
        })
        .collect()
}

/// Checks the properties and renders the result. An `Err` is bad input (exit 2).
pub fn run(deal: ValidDeal, args: &ProveArgs, warnings: Value) -> Result<Proved, String> {
    if args.cases > MAX_CASES {
        return Err(format!(
            "--cases {} is above 1,000,000: give a number of random points such as 1000",
            args.cases
        ));
    }
    let properties = chosen(&deal, args, &args.deal)?;
    let base = Base::new(deal).map_err(|e| format!("cannot run the base case: {e}"))?;
    let mut checked = Vec::with_capacity(properties.len());
    for p in &properties {
        let verdict = check(&base, p, args.cases, args.seed)
            .map_err(|e| format!("property \"{}\": a point cannot run: {e}", p.name))?;
        let failure = match &verdict.counterexample {
            None => None,
            Some(c) => {
                let o = outcome_at(&base, &c.shrunk)
                    .map_err(|e| format!("property \"{}\": {e}", p.name))?;
                let mut broken = vec![c.expectation.clone()];
                broken.extend(
                    p.expect
                        .iter()
                        .filter(|e| **e != c.expectation && !e.holds(&o))
                        .cloned(),
                );
                Some((o, broken))
            }
        };
        checked.push(Checked { verdict, failure });
    }
    let holds = checked.iter().all(|c| c.verdict.holds());
    let text = match args.format {
        ProveFormat::Json => {
            let v = json!({
                "deal": base.deal.name,
                "seed": args.seed,
                "cases": args.cases,
                "holds": holds,
                "properties": checked.iter().map(|c| property_json(c, &args.deal)).collect::<Vec<_>>(),
                "warnings": warnings,
            });
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
        }
        ProveFormat::Table => table(&base.deal.name, &checked, args),
    };
    Ok(Proved { text, holds })
}

/// `'text'` for a shell, unless every character is safe bare.
fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./=@:,+".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The command line that runs a counterexample in full, next to the base case.
fn reproduce(deal: &Path, spec: &str) -> String {
    format!(
        "boxflow run {} --scenario {} --vs base",
        shell_quote(&deal.display().to_string()),
        shell_quote(spec)
    )
}

/// `>= 1.05`: what an expectation requires of its metric.
fn required(e: &Expectation) -> String {
    let text = e.to_string();
    let metric = e.metric.name();
    text.strip_prefix(metric)
        .unwrap_or(&text)
        .trim()
        .to_string()
}

fn points(v: &Verdict) -> usize {
    v.corners + v.cases
}

fn property_json(c: &Checked, deal: &Path) -> Value {
    let v = &c.verdict;
    let counterexample = match (&v.counterexample, &c.failure) {
        (Some(x), Some((o, broken))) => {
            let spec = spec_of(&x.shrunk);
            json!({
                "spec": spec,
                "found": spec_of(&x.found),
                "shrink_runs": x.shrink_runs,
                "broken": broken.iter().map(|e| json!({
                    "expectation": e.to_string(),
                    "metric": e.metric.name(),
                    "actual": metric_json(e.metric, o),
                    "shown": e.actual(o),
                    "required": required(e),
                })).collect::<Vec<_>>(),
                "outcome": outcome_json(o),
                "reproduce": reproduce(deal, &spec),
            })
        }
        _ => Value::Null,
    };
    json!({
        "name": v.name,
        "holds": v.holds(),
        "points": points(v),
        "corners": v.corners,
        "cases": v.cases,
        "counterexample": counterexample,
    })
}

fn table(name: &str, checked: &[Checked], args: &ProveArgs) -> String {
    let mut t = styled(false);
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t.set_width(u16::try_from(terminal_width()).unwrap_or(u16::MAX));
    t.set_header(vec![
        "property",
        "verdict",
        "points",
        "counterexample (shrunk)",
        "broken: actual vs required",
    ]);
    let mut commands = Vec::new();
    for c in checked {
        let v = &c.verdict;
        let (verdict, spec, broken) = match (&v.counterexample, &c.failure) {
            (Some(x), Some((o, broken))) => {
                let spec = spec_of(&x.shrunk);
                commands.push((v.name.clone(), reproduce(&args.deal, &spec)));
                let broken: Vec<String> = broken
                    .iter()
                    .map(|e| format!("{} is {} vs {}", e.metric, e.actual(o), required(e)))
                    .collect();
                ("FAILS", spec, broken.join("\n"))
            }
            _ => ("HOLDS", String::new(), String::new()),
        };
        t.add_row(vec![
            Cell::new(&v.name),
            Cell::new(verdict),
            right(thousands(points(v))),
            Cell::new(spec),
            Cell::new(broken),
        ]);
    }
    let n = checked.len();
    let mut out = format!(
        "{name}\n{n} propert{} checked on every corner of {} box and {} random point{} (seed {}), against the debt sized at close\n{t}\n",
        if n == 1 { "y" } else { "ies" },
        if n == 1 { "its" } else { "each" },
        thousands(args.cases),
        if args.cases == 1 { "" } else { "s" },
        args.seed
    );
    if !commands.is_empty() {
        out.push_str(
            "\nEach counterexample is the mildest shock found that still breaks the property; run it in full:\n",
        );
        for (name, command) in commands {
            out.push_str(&format!("  {name}:\n    {command}\n"));
        }
    }
    out
}

/// `1,004`: a count with thousands separators.
fn thousands(n: usize) -> String {
    boxflow::core::format::count(n as u64)
}
