//! Request bodies given on the command line: read, checked against the body's published JSON
//! Schema (`crate::body_check`), with every problem reported at once, then decoded.
//!
//! Members the schema does not list and enum values it does not allow are most likely typos
//! (`"spce"`, `"apiVersion": "v3"`): they are warnings, and refusals under `--strict`. Anything
//! else the schema forbids (a wrong type, a missing required member) is always refused.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::CliError;
use crate::body_check::{Problem, ProblemKind, check};

/// Reads a body (a file, or standard input for `-`), checks it against `schema`, writes the
/// warnings to stderr, and decodes it. Refused (nothing sent) when it is not JSON, when it breaks
/// the schema, or, with `strict`, when it has an unknown member or value: every problem is listed.
pub fn read_checked<T: DeserializeOwned>(
    path_or_dash: &str,
    schema: &str,
    strict: bool,
) -> Result<T, CliError> {
    let (file, bytes) = super::read_file_or_stdin(path_or_dash)?;
    let value: Value = super::parse_json_body(&file, &bytes)?;
    let problems = check(&value, schema).map_err(|message| CliError::Invalid {
        file: file.clone(),
        problems: vec![Problem {
            path: "$".into(),
            message,
            kind: ProblemKind::Invalid,
        }],
    })?;
    let refused: Vec<Problem> = problems
        .iter()
        .filter(|p| strict || !p.suspicious())
        .cloned()
        .collect();
    if !refused.is_empty() {
        return Err(CliError::Invalid {
            file,
            problems: if strict { problems } else { refused },
        });
    }
    for problem in &problems {
        eprintln!("warning: {file}: {}: {}", problem.path, problem.message);
    }
    if !problems.is_empty() {
        eprintln!("warning: {file}: sent anyway; --strict refuses a body with such problems");
    }
    super::parse_json_body(&file, &bytes)
}
