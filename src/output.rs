//! Writing output files whole or not at all.
//!
//! A regular file (or a path that does not exist yet) is written atomically: into a
//! temporary file in the same folder as the file, flushed and synced, then renamed over
//! it. A symbolic link is followed: the file it points to is replaced, in that file's
//! folder, and the link stays a link (a dangling link writes the file it names when that
//! file's folder exists). A path that exists and is not a regular file (a device such as
//! `/dev/null`, a FIFO) is never replaced: it is opened and written straight into, and its
//! write errors are reported. The files of one command are written all or nothing
//! ([`write_all`]).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The most symbolic links followed from one output path (as Linux's `ELOOP` limit).
const MAX_LINKS: usize = 40;

/// Where the bytes for `path` go: through any symbolic links, to the node they name.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&at)?;
                at = match at.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(at),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let dir = folder(&at);
                if !dir.is_dir() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("the folder `{}` does not exist", dir.display()),
                    ));
                }
                return Ok(at);
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links to follow"
    )))
}

fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// One output file on its way: staged in a temporary file next to its target, or a
/// node (device, FIFO) to write straight into.
enum Staged {
    /// A regular file: the temporary file to rename over `target`.
    File {
        tmp: tempfile::NamedTempFile,
        target: PathBuf,
    },
    /// Not a regular file: written into, never replaced.
    Node { target: PathBuf },
}

fn stage(path: &Path, contents: &[u8]) -> std::io::Result<Staged> {
    let target = resolve(path)?;
    match std::fs::metadata(&target) {
        Ok(m) if !m.is_file() => {
            if m.is_dir() {
                return Err(std::io::Error::other(format!(
                    "`{}` is a folder",
                    target.display()
                )));
            }
            return Ok(Staged::Node { target });
        }
        _ => {}
    }
    let mut tmp = tempfile::NamedTempFile::new_in(folder(&target))?;
    // A temporary file is private (0600); an output file is as readable as any other:
    // the mode of the file it replaces, or 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    Ok(Staged::File { tmp, target })
}

/// Writes `contents` to `path` whole or not at all (see the module's documentation).
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_all(&[(path, contents)]).map_err(|(_, e)| e)
}

/// Writes several files all or nothing: every regular file is staged first (a failure
/// leaves every target as it was); devices and FIFOs are then written; then the staged
/// files are renamed into place, and if a rename fails the files already replaced are
/// put back as they were. The error names the path that failed.
pub fn write_all<'a>(files: &[(&'a Path, &[u8])]) -> Result<(), (&'a Path, std::io::Error)> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, contents) in files {
        staged.push((
            *path,
            *contents,
            stage(path, contents).map_err(|e| (*path, e))?,
        ));
    }
    for (path, contents, s) in &staged {
        if let Staged::Node { target } = s {
            write_node(target, contents).map_err(|e| (*path, e))?;
        }
    }
    // What each replaced file held, to put it back if a later rename fails.
    let mut replaced: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (path, _, s) in staged {
        if let Staged::File { tmp, target } = s {
            let before = std::fs::read(&target).ok();
            if let Err(e) = tmp.persist(&target) {
                for (t, old) in replaced.into_iter().rev() {
                    // Best effort: the error below is what the user must see.
                    let _ = match old {
                        Some(bytes) => write_atomic(&t, &bytes),
                        None => std::fs::remove_file(&t),
                    };
                }
                return Err((path, e.error));
            }
            replaced.push((target, before));
        }
    }
    Ok(())
}

/// Writes what `write` produces to `path` as [`write_atomic`] writes bytes, streamed
/// through a buffer rather than built in memory first. An error of `write` leaves the
/// target as it was (a device or FIFO keeps what was already written into it).
pub fn write_streamed<E: From<std::io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let target = resolve(path)?;
    if let Ok(m) = std::fs::metadata(&target) {
        if m.is_dir() {
            return Err(
                std::io::Error::other(format!("`{}` is a folder", target.display())).into(),
            );
        }
        if !m.is_file() {
            let mut w = std::io::BufWriter::new(OpenOptions::new().write(true).open(&target)?);
            write(&mut w)?;
            w.flush()?;
            return Ok(());
        }
    }
    let tmp = tempfile::NamedTempFile::new_in(folder(&target))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    let mut w = std::io::BufWriter::new(tmp);
    write(&mut w)?;
    let tmp = w.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Writes into a node that is not a regular file (no temporary file, no rename).
fn write_node(target: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut f = OpenOptions::new().write(true).open(target)?;
    f.write_all(contents)?;
    f.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_readable_by_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"hello").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);
        }
        write_atomic(&path, b"again").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"again");
        // Only the output file is left: no temporary file behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let target = other.path().join("real.json");
        std::fs::write(&target, b"old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        // The temporary file lived in the target's folder and is gone.
        assert_eq!(std::fs::read_dir(other.path()).unwrap().count(), 1);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_writes_its_target_when_the_folder_exists() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("made.json", &link).unwrap();
        write_atomic(&link, b"x").unwrap();
        assert_eq!(std::fs::read(dir.path().join("made.json")).unwrap(), b"x");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        let bad = dir.path().join("bad.json");
        std::os::unix::fs::symlink("no/such/folder/x.json", &bad).unwrap();
        assert!(write_atomic(&bad, b"x").is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_are_written_into_and_their_errors_reported() {
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        let e = write_atomic(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(e.raw_os_error(), Some(28), "{e}"); // ENOSPC
    }

    #[test]
    fn nothing_is_written_when_one_file_of_a_command_fails() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.html");
        let b = dir.path().join("missing").join("b.xlsx");
        let (failed, _) = write_all(&[(&a, b"a"), (&b, b"b")]).unwrap_err();
        assert_eq!(failed, b.as_path());
        assert!(!a.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
