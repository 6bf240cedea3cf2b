//! The generator: spec → parse → check → resolve (typed intermediate model) → emit.
//!
//! - [`spec`]: parse the spec file as written.
//! - [`check`]: every rule a spec must follow, reported with file and JSON path.
//! - [`resolve`] → [`ir`]: the typed model the emitters read.
//! - [`emit`]: Rust (through `syn`/`quote`/`prettyplease`) and JSON Schema, rendered in memory.
//! - [`output`]: all-or-nothing writing of `generated/`, and the drift check.

pub mod check;
pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod naming;
pub mod output;
pub mod resolve;
pub mod spec;

use std::path::Path;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use emit::Files;

/// Parses, checks and resolves spec text. `file` names the spec in messages.
pub fn load_api(file: &str, text: &str) -> Result<ir::Api, Diagnostics> {
    let spec = spec::parse(file, text)?;
    check::check(&spec, file)?;
    Ok(resolve::resolve(&spec))
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

/// Renders every file of the generated crate from a spec file, in memory.
pub fn generate(spec_path: &Path) -> Result<Files, Diagnostics> {
    let spec = spec::load(spec_path)?;
    let display = spec_path.display().to_string();
    check::check(&spec, &display)?;
    let api = resolve::resolve(&spec);
    emit::render(&api, &file_label(spec_path))
        .map_err(|message| Diagnostics::single(Diagnostic::file(&display, message)))
}

/// Renders only the model types of spec text as one Rust file (fixture specs in tests).
pub fn models_from_str(file: &str, text: &str) -> Result<String, Diagnostics> {
    let api = load_api(file, text)?;
    emit::render_models(&api, file)
        .map_err(|message| Diagnostics::single(Diagnostic::file(file, message)))
}
