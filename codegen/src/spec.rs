//! Parse: the spec file as written, before any checking. Mirrors `spec/spec.schema.json`.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Specs larger than this are refused before parsing; the real spec is about 60 KB.
pub const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug)]
pub struct Spec {
    pub schema: Option<String>,
    pub format_version: u32,
    pub service: Service,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub waiters: Vec<WaiterDef>,
    pub tables: Vec<TableDef>,
}

/// The spec before each type is read by its `kind`: a tagged enum would buffer the whole type
/// and lose the path of an error inside it, so types are read one by one instead.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(rename = "$schema", default)]
    schema: Option<String>,
    format_version: u32,
    service: Service,
    #[serde(default)]
    types: Vec<Value>,
    #[serde(default)]
    operations: Vec<Operation>,
    #[serde(default)]
    waiters: Vec<WaiterDef>,
    #[serde(default)]
    tables: Vec<TableDef>,
}

/// The columns the program's `--output table` prints for a type (and for lists of it).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    /// The object type whose values are the rows.
    #[serde(rename = "type")]
    pub type_name: String,
    pub columns: Vec<ColumnDef>,
    #[serde(default)]
    pub decision: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub header: String,
    /// Dotted paths of wire names, from the row (or from each element of `each`).
    pub values: Vec<String>,
    /// A dotted path to an array member: the cell lists each element's values.
    #[serde(default)]
    pub each: Option<String>,
    /// Between the values of one row or element (default a space).
    #[serde(default)]
    pub join: Option<String>,
}

/// A state a waiter sees when a member is present.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresenceDef {
    pub present: String,
    pub state: String,
}

/// How a waiter picks its resource out of a list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectDef {
    /// The array member of the answer (its wire name).
    pub items: String,
    /// Dotted wire path, in an item, of the string member that names it.
    pub key: String,
    /// The waiter's own argument holding the name (snake_case).
    pub argument: String,
}

/// An operation after which a program's `--wait` runs the waiter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitAfterDef {
    pub operation: String,
    /// The polled operation's parameters taken from the answer: parameter name → dotted path
    /// in the operation's success body. Others come from the operation's own parameters of the
    /// same name.
    #[serde(default)]
    pub from_answer: std::collections::BTreeMap<String, String>,
}

/// A wait for a resource to reach a state, polling an operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterDef {
    /// snake_case; the client method is `wait_until_{name}`.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The operation polled (its name).
    pub operation: String,
    /// The dotted path of wire names, in the operation's success body (or in the selected item),
    /// of the state (`status.phase`). Either this or `states`.
    #[serde(default)]
    pub member: Option<String>,
    /// States told by which members are present, the first that is; `otherwise` when none is.
    #[serde(default)]
    pub states: Vec<PresenceDef>,
    #[serde(default)]
    pub otherwise: Option<String>,
    /// The operation lists resources: the one waited on is the item of `items` whose `key`
    /// member equals the waiter's argument `argument`; its absence from the list is "gone".
    #[serde(default)]
    pub select: Option<SelectDef>,
    /// States that end the wait successfully.
    #[serde(default)]
    pub success: Vec<String>,
    /// States that end the wait at once as a failure.
    #[serde(default)]
    pub failure: Vec<String>,
    /// What a 404 means: `"success"` (the resource is gone: deletion waiters), `"failure"`, or
    /// absent (an error like any other).
    #[serde(default)]
    pub gone: Option<String>,
    pub min_delay_seconds: u64,
    pub max_delay_seconds: u64,
    pub max_wait_seconds: u64,
    /// The operations whose program subcommands take `--wait` for this waiter.
    #[serde(default)]
    pub after: Vec<WaitAfterDef>,
    #[serde(default)]
    pub decision: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    pub title: String,
    pub description: String,
    pub schema_id_base: String,
    #[serde(default)]
    pub repository: Option<String>,
    /// The service's endpoint, with `{region}` where the region goes; the OpenAPI documents'
    /// server.
    #[serde(default)]
    pub endpoint: Option<String>,
}

#[derive(Debug)]
pub enum TypeDef {
    Object(ObjectDef),
    Enum(EnumDef),
    Flags(EnumDef),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Object(o) => &o.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Flags(f) => &f.name,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectDef {
    #[allow(dead_code)]
    kind: String,
    pub name: String,
    #[serde(default)]
    pub doc_name: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub decisions: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    #[serde(default)]
    pub rust_name: Option<String>,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub wire_required: Option<bool>,
    #[serde(default)]
    pub source_type: Option<String>,
    #[serde(rename = "type")]
    pub type_expr: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub min_items: Option<u64>,
    /// The definition file a row comes from, on rows the importer added to a type whose own
    /// `source` is another document (a seed's).
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub decision: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub when: ConditionDef,
    #[serde(default)]
    pub require: Vec<String>,
    #[serde(default)]
    pub items_equal: Option<ItemsEqualDef>,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionDef {
    pub field: String,
    pub equals: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemsEqualDef {
    pub array: String,
    pub fields: Vec<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Repr {
    String,
    Integer,
}

/// An enum or a flag set: both are a list of named wire values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    #[allow(dead_code)]
    kind: String,
    pub name: String,
    pub repr: Repr,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub decisions: Vec<String>,
    pub values: Vec<ValueDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDef {
    pub value: Value,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The definition file a value comes from, on values the importer added to an enum whose
    /// own `source` is another document (or none).
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub name: String,
    /// The official operation ID (`ListPools`), which `name` is the snake_case of.
    #[serde(default)]
    pub operation_id: Option<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub decisions: Vec<String>,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub path_params: Vec<ParamDef>,
    #[serde(default)]
    pub query_params: Vec<ParamDef>,
    #[serde(default)]
    pub header_params: Vec<ParamDef>,
    #[serde(default)]
    pub request_body: Option<BodyDef>,
    pub responses: Vec<ResponseDef>,
    #[serde(default)]
    pub pagination: Option<PaginationDef>,
}

/// Which request parameters and response members page through a list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationDef {
    /// The query parameter (wire name) that sets the page size (`limit`).
    #[serde(default)]
    pub page_size: Option<String>,
    /// The query parameter (wire name) that asks for the page after a token (`continue`).
    pub request_token: String,
    /// The dotted path of wire names, in the success body, of the next page's token
    /// (`metadata.continue`); absent or empty on the last page.
    pub response_token: String,
    /// The member of the success body that holds the page's items (`items`).
    pub items: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub name: String,
    #[serde(default)]
    pub rust_name: Option<String>,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub source_type: Option<String>,
    #[serde(rename = "type", default = "string_type")]
    pub type_expr: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub bind: Option<String>,
    /// As [`FieldDef::source`], on parameters the importer added to an operation whose own
    /// `source` is another document.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub decision: Option<String>,
}

fn string_type() -> String {
    "string".to_owned()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyDef {
    #[serde(rename = "type")]
    pub type_name: String,
    /// `application/json` when absent; `application/merge-patch+json` makes the body a JSON
    /// merge patch (RFC 7396).
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub examples: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseDef {
    pub status: u16,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub examples: Vec<Value>,
}

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

/// Parses spec text; `file` is used in messages only.
pub fn parse(file: &str, text: &str) -> Result<Spec, Diagnostics> {
    if text.trim().is_empty() {
        return Err(Diagnostics::single(Diagnostic::file(
            file,
            "the spec is empty; it must be a JSON object with `format_version`, `service`, `types` and `operations` (see spec/README.md)",
        )));
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let raw: RawSpec = serde_path_to_error::deserialize(&mut deserializer)
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
