//! The spec as the importer reads and writes it: every member of the format, in one fixed key
//! order, so that writing a spec it read changes nothing but what the import changed.
//!
//! This mirrors `spec/spec.schema.json` (and [`crate::spec`], which only reads). Unknown members
//! are refused rather than dropped, so a spec written by a newer format is never silently cut.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Decisions the importer writes begin with this tag; it rewrites them on every import. Any
/// other decision is a person's, and the importer keeps it (and the row it is on) as it is.
pub const IMPORT_TAG: &str = "[import] ";

pub fn is_import_decision(text: &str) -> bool {
    text.starts_with(IMPORT_TAG)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Doc {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub format_version: u32,
    pub service: Value,
    #[serde(default)]
    pub types: Vec<TypeDoc>,
    #[serde(default)]
    pub operations: Vec<OperationDoc>,
    /// Written by people, not by the importer: kept as they are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiters: Vec<Value>,
    /// Written by people, not by the importer: kept as they are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TypeDoc {
    Object(ObjectDoc),
    /// An enum or a flag set.
    Enum(EnumDoc),
}

impl<'de> Deserialize<'de> for TypeDoc {
    /// Read by `kind`, so an error names the member that is wrong rather than "no variant".
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = Value::deserialize(deserializer)?;
        let inner = |e: serde_path_to_error::Error<serde_json::Error>| {
            D::Error::custom(format!("{} (at {})", e.inner(), e.path()))
        };
        match value.get("kind").and_then(Value::as_str) {
            Some("object") => serde_path_to_error::deserialize(value)
                .map(TypeDoc::Object)
                .map_err(inner),
            Some("enum" | "flags") => serde_path_to_error::deserialize(value)
                .map(TypeDoc::Enum)
                .map_err(inner),
            _ => Err(D::Error::custom(
                "a type needs \"kind\": \"object\", \"enum\" or \"flags\"",
            )),
        }
    }
}

impl TypeDoc {
    pub fn name(&self) -> &str {
        match self {
            TypeDoc::Object(o) => &o.name,
            TypeDoc::Enum(e) => &e.name,
        }
    }

    pub fn source(&self) -> Option<&str> {
        match self {
            TypeDoc::Object(o) => o.source.as_deref(),
            TypeDoc::Enum(e) => e.source.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectDoc {
    pub name: String,
    /// Always `"object"`.
    pub kind: ObjectKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldDoc>,
    /// Cross-field rules: a person's, kept exactly as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Object,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnumKind {
    Enum,
    Flags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDoc {
    pub name: String,
    pub kind: EnumKind,
    pub repr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<String>,
    pub values: Vec<ValueDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDoc {
    pub value: Value,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The definition file a value comes from, on values the importer added to an enum it does
    /// not own (one the seeds or a person wrote).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDoc {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    #[serde(rename = "type")]
    pub type_expr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire_required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// The definition file a row comes from, on rows the importer added to a type it does not
    /// own (one the seeds or a person wrote).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDoc {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_expr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// As [`FieldDoc::source`], on parameters added to an operation the importer does not own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyDoc {
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default)]
    pub examples: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseDoc {
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub examples: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<String>,
    pub request_token: String,
    pub response_token: String,
    pub items: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationDoc {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_params: Vec<ParamDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query_params: Vec<ParamDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_params: Vec<ParamDoc>,
    #[serde(default)]
    pub request_body: Option<BodyDoc>,
    pub responses: Vec<ResponseDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<String>,
}

impl OperationDoc {
    /// Path, query and header parameters, with the key of the list each is in.
    pub fn params(&self) -> impl Iterator<Item = (&'static str, &ParamDoc)> {
        (self.path_params.iter().map(|p| ("path", p)))
            .chain(self.query_params.iter().map(|p| ("query", p)))
            .chain(self.header_params.iter().map(|p| ("header", p)))
    }
}

/// Reads spec text into the document model; errors name the file and the JSON path.
pub fn parse(file: &str, text: &str) -> Result<Doc, Diagnostics> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let doc: Doc = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let mut message = inner.to_string();
        if let Some(idx) = message.rfind(" at line ") {
            message.truncate(idx);
        }
        let mut diagnostic = if path == "." {
            Diagnostic::file(file, message)
        } else {
            Diagnostic::at_path(file, format!("$.{path}"), message)
        };
        diagnostic.line = Some(inner.line()).filter(|l| *l > 0);
        diagnostic.column = Some(inner.column()).filter(|c| *c > 0);
        Diagnostics::single(diagnostic)
    })?;
    deserializer.end().map_err(|e| {
        Diagnostics::single(Diagnostic::at_line(
            file,
            e.line(),
            e.column(),
            "unexpected text after the spec's JSON object",
        ))
    })?;
    Ok(doc)
}

/// The spec's text: two-space indentation, the key order of this module, a final newline.
pub fn render(doc: &Doc) -> String {
    let mut text = serde_json::to_string_pretty(doc).expect("a spec document always serializes");
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
        let doc = parse("modelarts-pools.json", &text).unwrap();
        assert_eq!(render(&doc), text);
    }

    #[test]
    fn unknown_members_are_refused_with_their_path() {
        let text = r#"{"format_version": 1, "service": {}, "operations": [{"name": "a", "method": "GET", "path": "/", "responses": [], "colour": 1}]}"#;
        let err = parse("spec.json", text).unwrap_err().to_string();
        assert!(err.contains("operations[0]"), "{err}");
        assert!(err.contains("colour"), "{err}");
    }
}
