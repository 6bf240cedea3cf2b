//! The generator: spec → resolve → model → emit → output.
//!
//! - [`spec`]: the spec file as written, parsed.
//! - [`resolve`]: the one pass that checks a spec (every problem, with file and JSON path) and
//!   links it into the [`model`], deciding every Rust name.
//! - [`model`]: the linked model (type ids, parameter kinds, names) the emitters read.
//! - [`emit`]: Rust (through `syn`/`quote`/`prettyplease`) and JSON Schema, rendered in memory.
//! - [`output`]: all-or-nothing writing of the output folder, and the drift check.
//! - [`import`]: Huawei's API definitions → the spec (`codegen import`).
//! - [`runtime`]: what the hand-written runtime does that the generated documents describe.

pub mod diagnostics;
pub mod emit;
pub mod import;
pub mod locate;
pub mod model;
pub mod naming;
pub mod output;
pub mod resolve;
pub mod runtime;
pub mod spec;

use std::path::Path;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use emit::Files;

/// Adds the line and column to every diagnostic that has only a JSON path.
fn with_lines(text: &str, mut diagnostics: Diagnostics) -> Diagnostics {
    for diagnostic in &mut diagnostics.0 {
        if diagnostic.line.is_none()
            && let Some(path) = &diagnostic.json_path
            && let Some((line, column)) = locate::line_column(text, path)
        {
            diagnostic.line = Some(line);
            diagnostic.column = Some(column);
        }
    }
    diagnostics
}

/// Parses and resolves spec text into the linked model. `file` names the spec in messages.
pub fn load_api(file: &str, text: &str) -> Result<model::Api, Diagnostics> {
    let spec = spec::parse(file, text).map_err(|d| with_lines(text, d))?;
    resolve::resolve(&spec, file).map_err(|d| with_lines(text, d))
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Renders every file of the generated crate from spec text, in memory.
pub fn generate_from_str(file: &str, text: &str) -> Result<Files, Diagnostics> {
    let api = load_api(file, text)?;
    emit::render(&api, file).map_err(|message| Diagnostics::single(Diagnostic::file(file, message)))
}

/// Renders every file of the generated crate from a spec file, in memory, for the folder
/// `generated/` beside the runtime.
pub fn generate(spec_path: &Path) -> Result<Files, Diagnostics> {
    generate_with(spec_path, &emit::Placement::default())
}

/// Renders every file of a crate that will be written to `out`: its manifest finds this
/// workspace's runtime crate by a path relative to `out`, so the crate builds where it is written.
pub fn generate_for(spec_path: &Path, out: &Path) -> Result<Files, Diagnostics> {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let relative = relative_path(out, &runtime).unwrap_or_else(|| "../runtime".to_owned());
    generate_with(
        spec_path,
        &emit::Placement {
            runtime_path: &relative,
        },
    )
}

fn generate_with(spec_path: &Path, placement: &emit::Placement<'_>) -> Result<Files, Diagnostics> {
    let display = spec_path.display().to_string();
    let text = spec::read(spec_path)?;
    let api = load_api(&display, &text)?;
    emit::render_with(&api, &file_label(spec_path), placement)
        .map_err(|message| Diagnostics::single(Diagnostic::file(&display, message)))
}

/// An absolute path, resolving symlinks in the part of it that exists.
fn absolute(path: &Path) -> Option<std::path::PathBuf> {
    let path = std::path::absolute(path).ok()?;
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return Some(rest.iter().rev().fold(real, |acc, part| acc.join(part)));
        }
        rest.push(existing.file_name()?.to_owned());
        existing = existing.parent()?;
    }
}

/// `to` relative to the folder `from`, with `/` separators; `None` when they share no root or
/// the path is not UTF-8.
fn relative_path(from: &Path, to: &Path) -> Option<String> {
    use std::path::Component;
    let from = absolute(from)?;
    let to = absolute(to)?;
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    for part in &to[common..] {
        parts.push(part.as_os_str().to_str()?.to_owned());
    }
    Some(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

/// Renders only the model types of spec text as one Rust file (fixture specs in tests).
pub fn models_from_str(file: &str, text: &str) -> Result<String, Diagnostics> {
    let api = load_api(file, text)?;
    emit::render_models(&api, file)
        .map_err(|message| Diagnostics::single(Diagnostic::file(file, message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_is_found_from_wherever_the_crate_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("work/runtime")).unwrap();
        assert_eq!(
            relative_path(&root.join("work/generated"), &root.join("work/runtime")).as_deref(),
            Some("../runtime")
        );
        assert_eq!(
            relative_path(&root.join("elsewhere/deep/out"), &root.join("work/runtime")).as_deref(),
            Some("../../../work/runtime")
        );
    }
}
