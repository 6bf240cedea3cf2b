//! Import: Huawei's API Explorer definitions → the spec.
//!
//! `codegen import [FILE|DIR]...` reads the definitions (default: every
//! `spec/sources/api-definitions/ModelArts/*.json`; the files given are the whole set) and
//! rewrites `spec/modelarts-pools.json` so that its operations, parameters and types follow them:
//!
//! - [`swagger`] reads a definition (errors name the file and the JSON path);
//! - [`tree`] walks every operation's bodies into locations and lays the spec's types over them;
//! - [`classes`] gathers locations into types and names them ([`names`] names enum variants);
//! - [`objects`], [`enums`] and [`operations`] build the spec's rows, keeping what the seeds and
//!   people decided; [`params`] gives enumerated parameters their enums;
//! - [`assemble`] orders the types and decides `required` by usage; [`examples`] checks every
//!   example against its type and applies what the wire shows;
//! - [`modules`] gives new operations and types their module, keeping the others';
//! - [`diff`] says what changed, one line per change;
//! - [`seeds`] proves the rows the spec took from the seed documents are still theirs.
//!
//! Nothing is written unless the result resolves (the generator accepts it), and then atomically.

pub mod assemble;
pub mod classes;
pub mod diff;
pub mod enums;
pub mod examples;
pub mod modules;
pub mod names;
pub mod objects;
pub mod operations;
pub mod params;
pub mod prose;
pub mod seeds;
pub mod swagger;
pub mod tree;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use swagger::DefFile;

/// What an import would make of the spec.
#[derive(Debug)]
pub struct Outcome {
    /// The spec's new text.
    pub text: String,
    /// The text differs from the spec's.
    pub changed: bool,
    /// One line per change, each with what it means for the crate's users.
    pub changes: Vec<diff::Change>,
    /// The summary's last line: breaking, additive or no API change, and the version the
    /// regenerated crate needs (from the spec's `service.version`).
    pub verdict: String,
    /// Rows a person's decision keeps although the definitions now say otherwise.
    pub contradictions: Vec<String>,
    /// Examples their types still do not accept.
    pub warnings: Vec<String>,
    /// Seed rows of the spec that the seed documents do not have as written.
    pub seed_mismatches: Vec<String>,
    /// How many definitions were read.
    pub definitions: usize,
}

#[derive(Debug)]
pub enum Error {
    /// The spec cannot be read.
    Spec(Diagnostics),
    /// A definition cannot be read or is malformed.
    Definitions(Diagnostics),
    /// The spec the import makes does not resolve: an importer bug or a definition the format
    /// cannot hold. Nothing is written.
    Unresolvable(Diagnostics),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec(d) => write!(f, "{d}"),
            Error::Definitions(d) => write!(f, "{d}"),
            Error::Unresolvable(d) => write!(
                f,
                "the imported spec would not resolve, so it was not written:\n{d}"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Definition files larger than this are refused.
const MAX_DEFINITION_BYTES: u64 = 16 * 1024 * 1024;

/// The default input: every definition in the repository.
pub fn default_inputs(workspace: &Path) -> Vec<PathBuf> {
    vec![workspace.join("spec/sources/api-definitions/ModelArts")]
}

/// The seed documents in the repository.
pub fn default_seeds(workspace: &Path) -> PathBuf {
    workspace.join("spec/sources/seeds")
}

/// Reads the definitions: each input is a `.json` file or a folder of them. Sorted by file name;
/// two files with one name are refused (each definition's `source` is its file name).
pub fn read_definitions(inputs: &[PathBuf]) -> Result<Vec<DefFile>, Diagnostics> {
    let mut paths = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for input in inputs {
        let display = input.display().to_string();
        if input.is_dir() {
            match std::fs::read_dir(input) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
                        .collect();
                    found.sort();
                    if found.is_empty() {
                        diagnostics.push(Diagnostic::file(
                            &display,
                            "the folder holds no .json definitions",
                        ));
                    }
                    paths.extend(found);
                }
                Err(e) => diagnostics.push(Diagnostic::file(
                    &display,
                    format!("cannot read the folder: {e}"),
                )),
            }
        } else {
            paths.push(input.clone());
        }
    }
    let mut files: Vec<DefFile> = Vec::new();
    for path in paths {
        let display = path.display().to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| display.clone());
        let text = match std::fs::metadata(&path) {
            Ok(m) if m.len() > MAX_DEFINITION_BYTES => {
                diagnostics.push(Diagnostic::file(&display, format!("the file is {} bytes, more than a definition may have ({MAX_DEFINITION_BYTES})", m.len())));
                continue;
            }
            Ok(_) => std::fs::read_to_string(&path),
            Err(e) => Err(e),
        };
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(Diagnostic::file(
                    &display,
                    format!("cannot read the definition: {e}"),
                ));
                continue;
            }
        };
        match serde_json::from_str(&text) {
            Ok(root) => {
                if files.iter().any(|f| f.name == name) {
                    diagnostics.push(Diagnostic::file(&display, format!("a second definition named {name}; each definition's file name must be unique")));
                    continue;
                }
                files.push(DefFile {
                    name,
                    display,
                    root,
                });
            }
            Err(e) => diagnostics.push(Diagnostic::at_line(
                &display,
                e.line(),
                e.column(),
                format!("the definition is not valid JSON: {e}"),
            )),
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

fn def_error(e: swagger::DefError) -> Diagnostic {
    Diagnostic::at_path(&e.file, e.path, e.message)
}

/// Imports `files` into the spec text `spec_text` (named `spec_file` in messages), in memory, and
/// checks the seed rows against `seeds`.
pub fn import(
    spec_file: &str,
    spec_text: &str,
    files: &[DefFile],
    seeds: &[seeds::SeedFile],
) -> Result<Outcome, Error> {
    let old = crate::spec::parse(spec_file, spec_text).map_err(Error::Spec)?;

    let mut ops = Vec::new();
    let mut diagnostics = Diagnostics::default();
    for file in files {
        match swagger::read_operation(file) {
            Ok(op) => {
                if let Some(other) = ops
                    .iter()
                    .find(|o: &&swagger::DefOp<'_>| o.operation_id == op.operation_id)
                {
                    diagnostics.push(Diagnostic::file(
                        &file.display,
                        format!(
                            "operation {} is also defined by {}",
                            op.operation_id, other.file.display
                        ),
                    ));
                    continue;
                }
                ops.push(op);
            }
            Err(e) => diagnostics.push(def_error(e)),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Error::Definitions(diagnostics));
    }

    let tags: std::collections::BTreeMap<String, Vec<String>> = ops
        .iter()
        .map(|op| (op.operation_id.clone(), op.tags.clone()))
        .collect();
    let mut tree = tree::Tree::build(ops)
        .map_err(|e| Error::Definitions(Diagnostics::single(def_error(e))))?;
    tree::bind(&mut tree, &old);
    let classes = classes::compute(&tree, &old);
    let mut contradictions = Vec::new();
    let objects = objects::build(&tree, &classes, &old, &mut contradictions);
    let mut enums = enums::build(&tree, &classes, &old);
    let mut listings = Vec::new();
    let mut operations =
        operations::build(&tree, &classes, &old, &mut contradictions, &mut listings)
            .map_err(|e| Error::Definitions(Diagnostics::single(def_error(e))))?;
    params::apply(&mut operations, &listings, &mut enums, &old);
    let mut types = assemble::assemble(&old, objects, enums, &operations);
    modules::assign(&old, &tags, &mut types, &mut operations);
    let warnings = examples::apply(&mut types, &operations)
        .into_iter()
        .map(|issue| issue.to_string())
        .collect();

    let new = crate::spec::Spec {
        schema: old.schema.clone(),
        format_version: old.format_version,
        service: old.service.clone(),
        types,
        operations,
        waiters: old.waiters.clone(),
        tables: old.tables.clone(),
    };
    let text = crate::spec::render(&new);
    crate::load_api(spec_file, &text).map_err(Error::Unresolvable)?;
    let changes = diff::changes(&old, &new);
    let version = old
        .service
        .version
        .as_deref()
        .unwrap_or(crate::spec::DEFAULT_VERSION);
    Ok(Outcome {
        seed_mismatches: seeds::check(&new, seeds),
        changed: text != spec_text,
        verdict: diff::verdict(&changes, version),
        changes,
        text,
        contradictions,
        warnings,
        definitions: files.len(),
    })
}

/// Replaces `path` with `text` all at once: a temporary file beside it, flushed, then renamed
/// over it. On failure the spec is as it was.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.import-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
