//! The generator: spec → resolve → model → emit → output.
//!
//! - [`spec`]: the spec file as written, parsed.
//! - [`resolve`]: the one pass that checks a spec (every problem, with file and JSON path) and
//!   links it into the [`model`], deciding every Rust name.
//! - [`model`]: the linked model (type ids, parameter kinds, names) the emitters read.
//! - [`emit`]: Rust (through `syn`/`quote`/`prettyplease`) and JSON Schema, rendered in memory.
//! - [`output`]: all-or-nothing writing of the output folder, and the drift check.

pub mod diagnostics;
pub mod emit;
pub mod locate;
pub mod model;
pub mod naming;
pub mod output;
pub mod resolve;
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

/// Renders every file of the generated crate from a spec file, in memory.
pub fn generate(spec_path: &Path) -> Result<Files, Diagnostics> {
    let display = spec_path.display().to_string();
    let text = spec::read(spec_path)?;
    let api = load_api(&display, &text)?;
    emit::render(&api, &file_label(spec_path))
        .map_err(|message| Diagnostics::single(Diagnostic::file(&display, message)))
}

/// Renders only the model types of spec text as one Rust file (fixture specs in tests).
pub fn models_from_str(file: &str, text: &str) -> Result<String, Diagnostics> {
    let api = load_api(file, text)?;
    emit::render_models(&api, file)
        .map_err(|message| Diagnostics::single(Diagnostic::file(file, message)))
}
