//! Spec text: read (refusing files too large to be a spec), parsed with every error located
//! (file, line and column, JSON path), and written back in the format's one key order.

use std::path::Path;

use serde_json::Value;

use super::{Spec, SpecOf, TypeDef};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Specs larger than this are refused before parsing; the real spec is about 60 KB.
pub const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a spec file's text, refusing files too large to be a spec.
pub fn read(path: &Path) -> Result<String, Diagnostics> {
    let file = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|e| {
        Diagnostics::single(Diagnostic::file(
            &file,
            format!("cannot read the spec: {e}"),
        ))
    })?;
    if metadata.len() > MAX_SPEC_BYTES {
        return Err(Diagnostics::single(Diagnostic::file(
            &file,
            format!(
                "the spec is {} bytes, more than the {MAX_SPEC_BYTES} bytes a spec may have; split it or check that the right file was given",
                metadata.len()
            ),
        )));
    }
    std::fs::read_to_string(path).map_err(|e| {
        Diagnostics::single(Diagnostic::file(
            &file,
            format!("cannot read the spec: {e}"),
        ))
    })
}

fn shape_error(
    file: &str,
    prefix: &str,
    err: serde_path_to_error::Error<serde_json::Error>,
) -> Diagnostic {
    let path = err.path().to_string();
    let inner = err.into_inner();
    let mut message = inner.to_string();
    // serde_json appends " at line L column C"; the location is reported separately.
    if let Some(idx) = message.rfind(" at line ") {
        message.truncate(idx);
    }
    let hint = match inner.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            "the file is not valid JSON"
        }
        _ => "the spec does not have the shape spec/spec.schema.json describes",
    };
    let json_path = match path.as_str() {
        "." if prefix.is_empty() => None,
        "." => Some(prefix.to_owned()),
        p if p.starts_with('[') => Some(format!(
            "{}{p}",
            if prefix.is_empty() { "$" } else { prefix }
        )),
        p => Some(format!(
            "{}.{p}",
            if prefix.is_empty() { "$" } else { prefix }
        )),
    };
    Diagnostic {
        file: file.to_owned(),
        line: Some(inner.line()).filter(|l| *l > 0),
        column: Some(inner.column()).filter(|c| *c > 0),
        json_path,
        message: format!("{message} ({hint})"),
    }
}

/// Reads one type by its `kind`: a tagged enum would buffer the whole type and lose the path of
/// an error inside it.
fn type_def(file: &str, index: usize, value: Value) -> Result<TypeDef, Diagnostic> {
    let prefix = format!("$.types[{index}]");
    let kind = value.get("kind").and_then(Value::as_str).map(str::to_owned);
    match kind.as_deref() {
        Some("object") => serde_path_to_error::deserialize(value).map(TypeDef::Object),
        Some("enum") => serde_path_to_error::deserialize(value).map(TypeDef::Enum),
        Some("flags") => serde_path_to_error::deserialize(value).map(TypeDef::Flags),
        other => {
            let what = other
                .map(|k| format!("kind {k:?} is not known"))
                .unwrap_or_else(|| "a type needs a \"kind\"".into());
            return Err(Diagnostic::at_path(
                file,
                format!("{prefix}.kind"),
                format!("{what}; use \"object\", \"enum\" or \"flags\""),
            ));
        }
    }
    .map_err(|e| shape_error(file, &prefix, e))
}

/// Parses spec text; `file` is used in messages only. Every type is read, so all the types
/// that do not have the format's shape are reported at once.
pub fn parse(file: &str, text: &str) -> Result<Spec, Diagnostics> {
    if text.trim().is_empty() {
        return Err(Diagnostics::single(Diagnostic::file(
            file,
            "the spec is empty; it must be a JSON object with `format_version`, `service`, `types` and `operations` (see spec/README.md)",
        )));
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let raw: SpecOf<Value> = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| Diagnostics::single(shape_error(file, "", e)))?;
    if let Err(e) = deserializer.end() {
        return Err(Diagnostics::single(Diagnostic::at_line(
            file,
            e.line(),
            e.column(),
            "unexpected text after the spec's JSON object",
        )));
    }
    let mut diagnostics = Diagnostics::default();
    let mut types = Vec::with_capacity(raw.types.len());
    for (index, value) in raw.types.into_iter().enumerate() {
        match type_def(file, index, value) {
            Ok(def) => types.push(def),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(Spec {
        schema: raw.schema,
        format_version: raw.format_version,
        service: raw.service,
        types,
        operations: raw.operations,
        waiters: raw.waiters,
        tables: raw.tables,
    })
}

/// The spec's text: two-space indentation, the key order of the format's types, a final
/// newline.
pub fn render(spec: &Spec) -> String {
    let mut text = serde_json::to_string_pretty(spec).expect("a spec always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_spec_reads_and_writes_back_unchanged() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/modelarts-pools.json");
        let text = std::fs::read_to_string(path).unwrap();
        let spec = parse("modelarts-pools.json", &text).unwrap();
        assert_eq!(render(&spec), text);
    }

    #[test]
    fn unknown_members_are_refused_with_their_path() {
        let text = r#"{"format_version": 1, "service": {"name": "a", "title": "A", "description": "a", "schema_id_base": "https://example.test/"}, "operations": [{"name": "a", "method": "GET", "path": "/", "responses": [], "colour": 1}]}"#;
        let err = parse("spec.json", text).unwrap_err().to_string();
        assert!(err.contains("$.operations[0]"), "{err}");
        assert!(err.contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn a_comma_joined_source_says_how_to_write_it() {
        let text = "{\"format_version\": 1, \"service\": {\"name\": \"a\", \"title\": \"A\", \"description\": \"a\", \"schema_id_base\": \"https://example.test/\"},\n \"types\": [{\"name\": \"A\", \"kind\": \"object\", \"source\": \"a.txt, B.json\"}]}";
        let err = parse("spec.json", text).unwrap_err().to_string();
        assert!(err.contains("at $.types[0].source"), "{err}");
        assert!(
            err.contains(r#"a type's source is a list of file names: write ["a.txt","B.json"]"#),
            "{err}"
        );
    }

    #[test]
    fn a_value_outside_a_closed_set_is_kept_for_resolve_to_report() {
        let text = r#"{"format_version": 1, "service": {"name": "a", "title": "A", "description": "a", "schema_id_base": "https://example.test/"}, "operations": [{"name": "a", "method": "FETCH", "path": "/", "responses": []}, {"name": "b", "method": "PATCH", "path": "/", "responses": []}]}"#;
        let spec = parse("spec.json", text).unwrap();
        assert_eq!(
            spec.operations[0].method,
            super::super::Choice::Other("FETCH".to_owned())
        );
        assert_eq!(
            spec.operations[1].method,
            super::super::Choice::Known(super::super::HttpMethod::Patch)
        );
        assert!(render(&spec).contains(r#""method": "FETCH""#));
    }

    #[test]
    fn a_closed_set_value_of_the_wrong_json_type_is_located() {
        let text = "{\"format_version\": 1, \"service\": {\"name\": \"a\", \"title\": \"A\", \"description\": \"a\", \"schema_id_base\": \"https://example.test/\"},\n \"operations\": [{\"name\": \"a\", \"method\": 7, \"path\": \"/\", \"responses\": []}]}";
        let err = parse("spec.json", text).unwrap_err().to_string();
        assert!(
            err.contains("spec.json:2:") && err.contains("$.operations[0].method"),
            "{err}"
        );
        assert!(err.contains("expected a string"), "{err}");
    }
}
