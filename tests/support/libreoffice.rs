//! LibreOffice's headless Calc for the workbook tests: find it, strip a workbook's
//! cached formula results (and set input cells), and recalculate it.
//! Included by tests/xlsx_report.rs and tests/xlsx_live.rs.

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::process::Command;

/// `soffice` (or `libreoffice`) when installed; `.ci/run` installs Debian's
/// `libreoffice-calc-nogui` when it is missing.
pub fn libreoffice() -> Option<String> {
    ["soffice", "libreoffice"].into_iter().find_map(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| name.to_string())
    })
}

/// A copy of the workbook with every formula's cached result removed (so that a
/// spreadsheet that reads it must compute them), and the given `(cell, value)` pairs
/// set in the worksheet part `inputs_part`; also the number of results removed.
pub fn prepared(bytes: &[u8], inputs_part: &str, inputs: &[(String, String)]) -> (Vec<u8>, usize) {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut stripped = 0;
    for i in 0..zin.len() {
        let mut file = zin.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let mut text = String::from_utf8(data).unwrap();
            if name == inputs_part {
                for (cell, value) in inputs {
                    let start = text.find(&format!("<c r=\"{cell}\"")).unwrap();
                    let v = start + text[start..].find("<v>").unwrap() + 3;
                    let end = v + text[v..].find("</v>").unwrap();
                    text.replace_range(v..end, value);
                }
            }
            let mut result = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some(i) = rest.find("</f><v>") {
                result.push_str(&rest[..i + 4]);
                let after = &rest[i + 4..];
                rest = &after[after.find("</v>").unwrap() + 4..];
                stripped += 1;
            }
            result.push_str(rest);
            data = result.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    (out.finish().unwrap().into_inner(), stripped)
}

/// LibreOffice's headless recalculation of `bytes` (a private profile that
/// recalculates every formula on load); `None` when it did not finish in 240 s.
pub fn recalculate(soffice: &str, dir: &Path, name: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let input = dir.join(format!("{name}.xlsx"));
    std::fs::write(&input, bytes).unwrap();
    let profile = dir.join(format!("profile-{name}"));
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let outdir = dir.join(format!("out-{name}"));
    let errors = dir.join(format!("soffice-{name}.err"));
    let mut child = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(&outdir)
        .arg(&input)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&errors).unwrap())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(240) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let out = outdir.join(format!("{name}.xlsx"));
    assert!(
        out.exists(),
        "LibreOffice did not convert {name} ({status}): {}",
        std::fs::read_to_string(&errors).unwrap_or_default()
    );
    Some(std::fs::read(out).unwrap())
}
