//! Request bodies given on the command line: read, checked against the body's published JSON
//! Schema (`crate::body_check`), with every problem reported at once, then decoded.
//!
//! Members the schema does not list and enum values it does not allow are most likely typos
//! (`"spce"`, `"apiVersion": "v3"`): they are warnings, and refusals under `--strict`. Anything
//! else the schema forbids (a wrong type, a missing required member) is always refused.

use std::io::Read;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::body_check::{Problem, ProblemKind, check};
use crate::error::{Error, json_path};
use crate::validation::ValidationError;

/// A failure to read a request body given on the command line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The file (or standard input) could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file name, or `<stdin>`.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The body breaks its schema (or, with `--strict`, has unknown members or values): every
    /// problem, each at its JSON path.
    #[error("{file}: the body is refused (nothing was sent):{}", problems.iter().map(|p| format!("\n  {}: {}", p.path, p.message)).collect::<String>())]
    Invalid {
        /// The file name, or `<stdin>`.
        file: String,
        /// What is wrong, where.
        problems: Vec<Problem>,
    },
    /// The content is not valid JSON for the expected type.
    #[error("{file}: line {line}, column {column}: {path}: {message}")]
    Json {
        /// The file name, or `<stdin>`.
        file: String,
        /// JSON path of the offending value, such as `$.spec.resources[0].count`.
        path: String,
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl CliError {
    /// The exit code for this failure (2: a usage error).
    pub fn exit_code(&self) -> u8 {
        2
    }
}

impl From<CliError> for Error {
    /// A bad body file is a request refused before sending.
    fn from(e: CliError) -> Self {
        let (path, message) = match &e {
            CliError::Read { file, source } => (format!("file {file}"), source.to_string()),
            CliError::Invalid { file, problems } => (
                problems.first().map(|p| p.path.clone()).unwrap_or_default(),
                format!("{e} ({file})"),
            ),
            CliError::Json {
                file,
                path,
                line,
                column,
                message,
            } => (
                path.clone(),
                format!("{message} ({file}, line {line}, column {column})"),
            ),
        };
        Error::InvalidRequest(ValidationError {
            path,
            message,
            rule: None,
        })
    }
}

/// Reads a body (a file, or standard input for `-`), checks it against `schema`, writes the
/// warnings to stderr, and decodes it. Refused (nothing sent) when it is not JSON, when it breaks
/// the schema, or, with `strict`, when it has an unknown member or value: every problem is listed.
pub fn read_checked<T: DeserializeOwned>(
    path_or_dash: &str,
    schema: &str,
    strict: bool,
) -> Result<T, CliError> {
    let (file, bytes) = read_file_or_stdin(path_or_dash)?;
    let value: Value = parse_json_body(&file, &bytes)?;
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
    parse_json_body(&file, &bytes)
}

/// The name to report and the bytes of a file, or of standard input for `-`.
fn read_file_or_stdin(path_or_dash: &str) -> Result<(String, Vec<u8>), CliError> {
    let (file, bytes) = if path_or_dash == "-" {
        let mut buf = Vec::new();
        let read = std::io::stdin().lock().read_to_end(&mut buf);
        (String::from("<stdin>"), read.map(|_| buf))
    } else {
        (path_or_dash.to_string(), std::fs::read(path_or_dash))
    };
    let bytes = bytes.map_err(|source| CliError::Read {
        file: file.clone(),
        source,
    })?;
    Ok((file, bytes))
}

fn parse_json_body<T: DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<T, CliError> {
    let json_error = |path: String, e: serde_json::Error| CliError::Json {
        file: file.to_string(),
        path,
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = json_path(e.path());
        json_error(path, e.into_inner())
    })?;
    deserializer
        .end()
        .map_err(|e| json_error("$".to_string(), e))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        spec: Spec,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Spec {
        count: u32,
    }

    #[test]
    fn json_body_errors_name_path_and_position() {
        let err = parse_json_body::<Body>("body.json", b"{\n  \"spec\": {\"count\": \"x\"}\n}")
            .unwrap_err();
        match &err {
            CliError::Json {
                path, line, column, ..
            } => {
                assert_eq!(path, "$.spec.count");
                assert_eq!(*line, 2);
                assert!(*column > 0);
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().starts_with("body.json: line 2"), "{err}");
        let e: Error = err.into();
        assert_eq!(super::super::exit_code(&e), 2);
        assert!(parse_json_body::<Body>("b", b"{\"spec\":{\"count\":1}} x").is_err());
        parse_json_body::<Body>("b", b"{\"spec\":{\"count\":1}}").unwrap();
    }

    #[test]
    fn a_body_is_read_from_a_file_and_a_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, br#"{"spec":{"count":3}}"#).unwrap();
        let (file, bytes) = read_file_or_stdin(path.to_str().unwrap()).unwrap();
        let body: Body = parse_json_body(&file, &bytes).unwrap();
        assert_eq!(body.spec.count, 3);
        let missing = dir.path().join("missing.json");
        let err = read_file_or_stdin(missing.to_str().unwrap()).unwrap_err();
        match &err {
            CliError::Read { file, .. } => assert_eq!(file, missing.to_str().unwrap()),
            other => panic!("{other:?}"),
        }
        assert_eq!(err.exit_code(), 2);
    }
}
