//! Writing `generated/` all or nothing, and comparing it with what the spec produces.
//!
//! Files are written into a fresh folder beside the output, which is then swapped in with one
//! atomic `renameat2(RENAME_EXCHANGE)`: a reader (or a process killed half way) sees the old tree or
//! the new one, never a mix. Files the spec no longer produces disappear with the old tree.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::Files;

/// How a file on disk differs from what the spec produces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// The spec produces it, but it is not on disk.
    Missing(String),
    /// On disk with other contents.
    Changed(String),
    /// On disk, but the spec no longer produces it.
    Stray(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(path) => write!(f, "missing: {path}"),
            Drift::Changed(path) => write!(f, "out of date: {path}"),
            Drift::Stray(path) => write!(f, "not produced by the spec (stray): {path}"),
        }
    }
}

fn list_files(root: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every difference between `out_dir` and `files`; empty when it is up to date.
pub fn drift(out_dir: &Path, files: &Files) -> io::Result<Vec<Drift>> {
    let mut drifts = Vec::new();
    for (path, contents) in files {
        match fs::read(out_dir.join(path)) {
            Ok(on_disk) if on_disk == contents.as_bytes() => {}
            Ok(_) => drifts.push(Drift::Changed(path.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                drifts.push(Drift::Missing(path.clone()))
            }
            Err(e) => return Err(e),
        }
    }
    for path in list_files(out_dir)? {
        if !files.contains_key(&path) {
            drifts.push(Drift::Stray(path));
        }
    }
    drifts.sort();
    Ok(drifts)
}

fn sibling(out_dir: &Path, tag: &str) -> io::Result<PathBuf> {
    let name = out_dir.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} has no folder name", out_dir.display()),
        )
    })?;
    let parent = out_dir.parent().unwrap_or_else(|| Path::new("."));
    Ok(parent.join(format!(".{}.codegen-{tag}", name.to_string_lossy())))
}

/// Replaces `out_dir` with exactly `files`. Returns what changed; writes nothing when nothing did,
/// so an unchanged spec does not make Cargo rebuild the generated crate.
pub fn write_all(out_dir: &Path, files: &Files) -> io::Result<Vec<Drift>> {
    let changes = drift(out_dir, files)?;
    if changes.is_empty() {
        return Ok(changes);
    }
    let staging = sibling(out_dir, "staging")?;
    // A previous run killed half way leaves its staging folder behind; it was never swapped in.
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir_all(&staging)?;
    for (path, contents) in files {
        let target = staging.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&target, contents)?;
        // Files whose contents did not change keep their modification time, so Cargo does not
        // rebuild for them.
        if let Ok(old) = fs::metadata(out_dir.join(path))
            && fs::read(out_dir.join(path)).is_ok_and(|c| c == contents.as_bytes())
            && let Ok(modified) = old.modified()
        {
            let file = fs::File::options().write(true).open(&target)?;
            file.set_modified(modified)?;
        }
    }
    if out_dir.exists() {
        rustix::fs::renameat_with(
            rustix::fs::CWD,
            &staging,
            rustix::fs::CWD,
            out_dir,
            rustix::fs::RenameFlags::EXCHANGE,
        )
        .map_err(io::Error::from)?;
        // `staging` now holds the old tree.
        fs::remove_dir_all(&staging)?;
    } else {
        if let Some(parent) = out_dir.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(&staging, out_dir)?;
    }
    Ok(changes)
}
