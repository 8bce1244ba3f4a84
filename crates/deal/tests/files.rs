//! Every valid fixture and the template read and validate; every invalid fixture
//! fails; files are read with a size check.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use boxflow_deal::{parse, read_file, ErrorKind, MAX_FILE_BYTES, TEMPLATE};
use boxflow_model::validate;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn tomls(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn valid_fixtures_read_and_validate() {
    let files = tomls(&fixtures());
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "reference",
        "quarterly",
        "fixed-rate",
        "junior",
        "level",
        "custom",
        "thirty360",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "missing fixture {expected}"
        );
    }
    for file in &files {
        let deal =
            read_file(file).unwrap_or_else(|e| panic!("{}: {e}: {:#?}", file.display(), e.errors));
        assert_eq!(validate(&deal), [], "{}", file.display());
    }
}

#[test]
fn fixtures_cover_what_they_say() {
    use boxflow_core::{DayCount, Frequency};
    use boxflow_model::{Amortization, Commitment, ExpenseBasis, LockupAction, RateSpec, RepayBy};
    let read = |name: &str| read_file(&fixtures().join(format!("{name}.toml"))).unwrap();

    let q = read("quarterly");
    assert_eq!(q.frequency, Frequency::Quarterly);
    assert_eq!(q.facilities[0].day_count, DayCount::Thirty360);

    let f = read("fixed-rate");
    assert!(matches!(f.facilities[0].rate, RateSpec::Fixed(_)));
    assert!(matches!(
        f.facilities[0].commitment,
        Commitment::Fixed {
            target_dscr: Some(_),
            ..
        }
    ));

    let j = read("junior");
    assert!(j
        .junior()
        .is_some_and(|f| f.sweep.value() > rust_decimal::Decimal::ZERO));
    assert_eq!(
        j.covenants.as_ref().unwrap().lockup_action,
        LockupAction::Hold
    );

    assert_eq!(
        read("level").facilities[0].amortization,
        Amortization::Level
    );

    let c = read("custom");
    let f = &c.facilities[0];
    assert!(f.interest_only_periods > 0);
    // quarterly, 60 months: N = 20, H = 10, g = 2, so n = 8 shares
    let Amortization::Custom(shares) = &f.amortization else {
        panic!("custom")
    };
    assert_eq!(shares.len(), 8);

    let t = read("thirty360");
    assert_eq!(t.facilities[0].day_count, DayCount::Thirty360);
    assert!(t
        .expenses
        .iter()
        .any(|e| matches!(e.basis, ExpenseBasis::ShareOfRevenue(_))));
    assert!(t
        .expenses
        .iter()
        .any(|e| e.end.is_some() && e.start == t.close));
    assert!(t.datacenters[0].term_months.is_some());
    assert!(!t.reserve.as_ref().unwrap().funded_at_close);
    assert!(matches!(t.facilities[0].repay_by, RepayBy::Months(_)));
}

#[test]
fn invalid_fixtures_fail() {
    let files = tomls(&fixtures().join("invalid"));
    assert!(files.len() >= 15);
    for file in &files {
        // Its errors are the `[[property]]` rules of `boxflow_scenario::prove`, which
        // this crate does not know: the root `tests/invalid_fixtures.rs` reads it with them.
        if file.ends_with("bad-properties.toml") {
            continue;
        }
        let e = read_file(file).expect_err(&file.display().to_string());
        assert!(!e.errors.is_empty());
        assert!(
            e.errors.iter().all(|e| e.is_located()),
            "{}",
            file.display()
        );
        let golden = file.with_extension("stderr");
        assert!(golden.exists(), "{} has no golden file", file.display());
    }
}

#[test]
fn the_template_reads_and_validates() {
    let deal = parse(TEMPLATE, "template.toml").unwrap();
    assert_eq!(validate(&deal), []);
    // a different, smaller box than the reference deal
    assert!(deal.purchase_orders.iter().map(|p| p.units).sum::<u64>() < 3072);
    // every line of the template is commented or blank or a key
    assert!(TEMPLATE.lines().take(3).all(|l| l.starts_with('#')));
}

#[test]
fn read_file_names_the_file_and_checks_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.toml");
    fs::write(
        &path,
        TEMPLATE.replace("term_months = 36", "term_months = 35"),
    )
    .unwrap();
    let e = read_file(&path).unwrap_err();
    assert_eq!(e.file, path.display().to_string());
    assert_eq!(e.errors[0].kind, ErrorKind::Inconsistent);

    let big = dir.path().join("big.toml");
    let mut f = fs::File::create(&big).unwrap();
    f.set_len(MAX_FILE_BYTES + 1).unwrap();
    f.flush().unwrap();
    let e = read_file(&big).unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert_eq!(e.errors[0].kind, ErrorKind::TooLarge);
    assert_eq!(e.source, None);

    let e = read_file(&dir.path().join("missing.toml")).unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::Io);
    assert!(!e.errors[0].is_located());

    let e = read_file(dir.path()).unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::Io);
}
