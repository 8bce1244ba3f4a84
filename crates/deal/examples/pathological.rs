//! Writes pathological deal sheets, to measure `boxflow check` on large broken files
//! (docs/limits.md, "Deal sheets"):
//!
//! ```text
//! cargo run --release -p boxflow-deal --example pathological -- DIR [BYTES]
//! for f in DIR/*.toml; do time target/release/boxflow check "$f" > /dev/null; done
//! ```
//!
//! writes one sheet of each kind of `tests/pathological/sheets.rs` into `DIR`, each
//! about `BYTES` long (default 10 MiB, the largest sheet read).

#![allow(missing_docs)]

#[path = "../tests/pathological/sheets.rs"]
mod sheets;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: pathological DIR [BYTES]");
        std::process::exit(2);
    };
    let bytes = match args.next().map(|b| b.parse::<usize>()) {
        None => boxflow_deal::MAX_FILE_BYTES as usize,
        Some(Ok(b)) => b,
        Some(Err(e)) => {
            eprintln!("BYTES: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{dir}: {e}");
        std::process::exit(1);
    }
    for kind in sheets::KINDS {
        let Some(text) = sheets::sheet(kind, bytes) else {
            continue;
        };
        let path = std::path::Path::new(&dir).join(format!("{kind}.toml"));
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
        println!("{}", path.display());
    }
}
