//! The spec format, written once: these types read the spec (for resolve), write it (for the
//! importer) and describe it (`spec/spec.schema.json` is generated from them, see [`schema`]).
//!
//! The order of each struct's fields is the order its members are written in, so writing a spec
//! that was read changes nothing. Unknown members are refused rather than dropped. The doc
//! comments of the types and fields are the schema's descriptions, which editors show.
//!
//! - [`file`](mod@file): reading spec text (errors with file, line, column and JSON path) and writing it;
//! - [`schema`]: the JSON Schema of the format.

pub mod file;
pub mod schema;

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::de::{DeserializeOwned, value::StrDeserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use file::{MAX_SPEC_BYTES, parse, read, render};

/// Decisions `codegen import` writes begin with this tag; it rewrites them on every import. Any
/// other decision is a person's, and the importer keeps it (and the row it is on) as it is.
pub const IMPORT_TAG: &str = "[import] ";

/// Whether a decision is the importer's own (it begins with [`IMPORT_TAG`]).
pub fn is_import_decision(text: &str) -> bool {
    text.starts_with(IMPORT_TAG)
}

/// The importer's decision saying `notes`, one sentence or more each; `None` without notes.
pub fn import_decision(notes: &[String]) -> Option<String> {
    (!notes.is_empty()).then(|| format!("{IMPORT_TAG}{}", notes.join(" ")))
}

/// Whether a source document is one of Huawei's definitions (`*.json`), which the importer
/// follows, rather than a seed document or a person's.
pub fn is_definition_file(name: &str) -> bool {
    name.ends_with(".json")
}

/// `snake_case` identifiers: operation and waiter names.
const SNAKE_CASE: &str = "^[a-z][a-z0-9]*(_[a-z0-9]+)*$";
/// `kebab-case` identifiers: the service name, rule ids.
const KEBAB_CASE: &str = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";
/// `UpperCamelCase` identifiers: type, variant and constant names, operation IDs.
const UPPER_CAMEL: &str = "^[A-Z][A-Za-z0-9]*$";
/// A Rust identifier chosen instead of the derived one.
const RUST_NAME: &str = "^[a-z_][a-z0-9_]*$";
/// A type expression: a primitive or a declared type, in any nesting of `array<…>` and `map<…>`.
const TYPE_EXPR: &str =
    "^((array|map)<)*(string|integer|int32|number|boolean|json|[A-Z][A-Za-z0-9]*)(>)*$";
/// A parameter's type: a scalar or the name of a string enum, or (query parameters only) an array
/// of one.
const PARAM_TYPE: &str = "^(string|integer|int32|number|boolean|[A-Z][A-Za-z0-9]*|array<(string|integer|int32|number|boolean|[A-Z][A-Za-z0-9]*)>)$";

/// Machine-readable form of the ModelArts API documents (spec/README.md): the types and
/// operations that codegen turns into the generated crate and its JSON Schemas.
// `T` is how a type is held: [`TypeDef`] once read; [`file::parse`] first reads each as JSON,
// so that one bad type does not hide the problems of the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ModelArts pools API spec", rename = "Spec")]
pub struct SpecOf<T> {
    /// Path or URL of this JSON Schema, so editors validate and complete the spec (normally
    /// "./spec.schema.json").
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Version of the spec format; this schema describes version 1.
    #[schemars(extend("const" = 1))]
    pub format_version: u32,
    pub service: Service,
    /// Object types (one per source table), enums and flag sets, in source-table order: request
    /// body and its tables, response types, error body, enums, flags. A list, not a map, so
    /// duplicates are detectable and order is kept.
    #[serde(default)]
    pub types: Vec<T>,
    /// API operations, one per source document.
    #[serde(default)]
    pub operations: Vec<Operation>,
    /// Waits for a resource to reach a state: the client gets `wait_until_{name}`, polling an
    /// operation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiters: Vec<WaiterDef>,
    /// The columns the program's `--output table` prints for an object type, and for answers
    /// holding an array of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableDef>,
}

/// The spec, each type read by its `kind`.
pub type Spec = SpecOf<TypeDef>;

/// A value of a closed set (an HTTP method, a media type…) as the spec writes it: `Known` when
/// it is one of the set, otherwise the text as written. Reading keeps going past an unknown
/// value so that resolve reports it, at its place, together with every other problem of the
/// spec; the schema lists only the known values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice<T> {
    Known(T),
    Other(String),
}

impl<T: DeserializeOwned> Choice<T> {
    /// The value `text` names, or the text when it names none.
    pub fn from_text(text: &str) -> Self {
        let known = StrDeserializer::<serde::de::value::Error>::new(text);
        T::deserialize(known)
            .map(Choice::Known)
            .unwrap_or_else(|_| Choice::Other(text.to_owned()))
    }
}

impl<T> Choice<T> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Choice::Known(value) => Some(value),
            Choice::Other(_) => None,
        }
    }
}

/// The text the spec writes for a value of one of the format's closed sets.
pub fn wire_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        other => unreachable!("the format's closed sets are strings, not {other:?}"),
    }
}

impl<T: Serialize> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Known(value) => f.write_str(&wire_text(value)),
            Choice::Other(text) => f.write_str(text),
        }
    }
}

impl<T> From<T> for Choice<T> {
    fn from(value: T) -> Self {
        Choice::Known(value)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Choice<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text<T>(PhantomData<T>);
        impl<T: DeserializeOwned> serde::de::Visitor<'_> for Text<T> {
            type Value = Choice<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Choice<T>, E> {
                Ok(Choice::from_text(text))
            }
        }
        deserializer.deserialize_str(Text(PhantomData))
    }
}

impl<T: Serialize> Serialize for Choice<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Choice::Known(value) => value.serialize(serializer),
            Choice::Other(text) => serializer.serialize_str(text),
        }
    }
}

impl<T: JsonSchema> JsonSchema for Choice<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// The documents an object type or enum encodes: file names of seed documents
/// (`spec/sources/seeds/*.txt`) or definitions (`spec/sources/api-definitions/ModelArts/*.json`).
///
/// A type whose source names only definition files (`*.json`) is `codegen import`'s: it
/// rewrites it on every import. Any other type (the seeds', or one a person wrote) keeps what it
/// has; the importer only adds rows and values, each with its own `source`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Sources(
    #[schemars(inner(length(min = 1)), length(min = 1), extend("uniqueItems" = true))]
    pub  Vec<String>,
);

impl Sources {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `codegen import` owns what has these sources: they name definition files only.
    pub fn is_imported(&self) -> bool {
        !self.0.is_empty() && self.0.iter().all(|name| is_definition_file(name))
    }

    /// The file names, as a sentence lists them (`A.json, B.json`); `None` when there is none.
    pub fn joined(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.join(", "))
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> serde::de::Visitor<'de> for Names {
            type Value = Sources;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of file names")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Sources, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(Sources(names))
            }
            // The format once joined the names with commas; say how to write them now.
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Sources, E> {
                let names: Vec<&str> = text.split(',').map(str::trim).collect();
                Err(E::custom(format!(
                    "a type's source is a list of file names: write {}",
                    serde_json::to_string(&names).unwrap_or_default()
                )))
            }
        }
        deserializer.deserialize_any(Names)
    }
}

impl<S: Into<String>> FromIterator<S> for Sources {
    fn from_iter<I: IntoIterator<Item = S>>(names: I) -> Self {
        Sources(names.into_iter().map(Into::into).collect())
    }
}

/// The crate version a spec without `service.version` has.
pub const DEFAULT_VERSION: &str = "0.1.0";

/// The service the spec describes: names, title, version and schema id base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Machine name of the service (crate and CLI name), kebab-case.
    #[schemars(pattern(KEBAB_CASE))]
    pub name: String,
    /// Human-readable title of the service.
    #[schemars(length(min = 1))]
    pub title: String,
    /// One-line description of the service.
    #[schemars(length(min = 1))]
    pub description: String,
    /// The generated crate's version (`MAJOR.MINOR.PATCH`; "0.1.0" when absent), which
    /// `codegen import` measures each change against: its summary's last line says the version
    /// the regenerated crate needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"))]
    pub version: Option<String>,
    /// Base URI for the `$id` of each generated JSON Schema, ending with a slash: an address the
    /// project owns and serves the schemas at. Without it the schemas have no `$id` (they are
    /// self-contained, so nothing resolves against it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url, pattern("/$"))]
    pub schema_id_base: Option<String>,
    /// Where the generated crate's source lives, an address the project owns: its manifest's
    /// `repository` (crates.io shows it). Left out when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub repository: Option<String>,
    /// The service's endpoint, with `{region}` where the region goes (the OpenAPI documents'
    /// server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The value each `{variable}` of `endpoint` has unless a caller gives another (the OpenAPI
    /// server's variable defaults), such as `{"region": "cn-north-4"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoint_defaults: BTreeMap<String, String>,
    /// The error answers any operation can give whatever its table lists (the gateway's and the
    /// service's own): the OpenAPI documents' `default` response of every operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_errors: Option<DefaultErrors>,
    /// The modules the model types are grouped in, by resource, in the order the crate's
    /// documentation lists them. A type or operation names its module in `module`; types without
    /// one stay at the top of `models`. Every module is re-exported there, so `models::Pool` and
    /// `models::pools::Pool` are the same type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<ModuleDef>,
}

/// One module of model types: `models::<name>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleDef {
    /// The module's name, snake_case (`node_pools`).
    #[schemars(pattern(SNAKE_CASE))]
    pub name: String,
    /// What the module holds: its documentation's first line.
    #[schemars(length(min = 1))]
    pub description: String,
    /// The definitions' tags (the API Explorer's groups, such as "节点管理") whose operations
    /// `codegen import` puts here when the spec gives an operation no module.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(length(min = 1)))]
    pub tags: Vec<String>,
}

/// What any operation of the service can answer besides its documented statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultErrors {
    /// The error body's type, an object type of this spec.
    #[schemars(length(min = 1))]
    pub body: String,
    /// What the answers are and where their codes come from.
    #[schemars(length(min = 1))]
    pub description: String,
    /// Why, where the sources leave it open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// A type: an object (one per source table), an enum or a flag set, told apart by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TypeDef {
    Object(ObjectDef),
    Enum(EnumDef),
    Flags(EnumDef),
}

impl TypeDef {
    /// An enum or a flag set, as its `kind` says.
    pub fn enum_like(def: EnumDef) -> TypeDef {
        match def.kind {
            EnumKind::Enum => TypeDef::Enum(def),
            EnumKind::Flags => TypeDef::Flags(def),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            TypeDef::Object(o) => &o.name,
            TypeDef::Enum(e) | TypeDef::Flags(e) => &e.name,
        }
    }

    pub fn source(&self) -> &Sources {
        match self {
            TypeDef::Object(o) => &o.source,
            TypeDef::Enum(e) | TypeDef::Flags(e) => &e.source,
        }
    }

    pub fn module(&self) -> Option<&str> {
        match self {
            TypeDef::Object(o) => o.module.as_deref(),
            TypeDef::Enum(e) | TypeDef::Flags(e) => e.module.as_deref(),
        }
    }

    pub fn set_module(&mut self, module: Option<String>) {
        match self {
            TypeDef::Object(o) => o.module = module,
            TypeDef::Enum(e) | TypeDef::Flags(e) => e.module = module,
        }
    }
}

impl JsonSchema for TypeDef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TypeDef".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let object = generator.subschema_for::<ObjectDef>();
        let enum_like = generator.subschema_for::<EnumDef>();
        schemars::json_schema!({
            "description": "A type: an object (one per source table), an enum or a flag set, told apart by `kind`.",
            "oneOf": [object, enum_like],
        })
    }
}

/// Always "object" for an object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum ObjectKind {
    Object,
}

/// "enum" for an enumeration (a Rust enum with an extra `Unknown` variant), "flags" for a set of
/// bit flags (an integer newtype with one constant per bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum EnumKind {
    Enum,
    Flags,
}

/// An object type, encoding one source table (or several identical ones).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectDef {
    /// Rust type name, UpperCamelCase, unique among all types.
    #[schemars(pattern(UPPER_CAMEL))]
    pub name: String,
    pub kind: ObjectKind,
    /// The name the source documents use for this object: for a seed table, the referencing
    /// row's type cell minus " object(s)" (e.g. "PoolSpecCreation", "resources", "Os"); for a
    /// definition, the definition's name, or the member's name for an inline object. Omitted for
    /// top-level bodies without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub doc_name: Option<String>,
    /// The document(s) whose table(s) or definition(s) this type encodes.
    #[serde(default, skip_serializing_if = "Sources::is_empty")]
    pub source: Sources,
    /// The module of `service.modules` this type is in (`codegen import` gives a new type the
    /// module of the operation or type that first uses it, and keeps it after; moving a type is a
    /// breaking change). None: the top of `models`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(SNAKE_CASE))]
    pub module: Option<String>,
    /// The 描述 cell of the row that references this object, verbatim; for top-level bodies a
    /// short description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What the source left open for this item and what was decided, one or two sentences
    /// each, in English.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(length(min = 1)))]
    pub decisions: Vec<String>,
    /// The table's rows, in table order.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Cross-field rules that the descriptions state in prose; emitted into validate() and the
    /// JSON Schema.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleDef>,
}

/// One row of a source table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Member name exactly as on the wire (the 参数 cell).
    #[schemars(length(min = 1))]
    pub name: String,
    /// The 是否必选 column: 是 = true, 否 = false. Omitted for response-table fields; for a row
    /// `codegen import` wrote, whether the definition lists it as required (omitted in types
    /// used by responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// The 参数类型 cell, verbatim (e.g. "Array of PoolResourceFlavor objects"); for a row
    /// `codegen import` wrote, how the definition writes the type ("string", "integer (int32)",
    /// "array of PoolNodeAz", "map of string", a definition's name). The importer compares it
    /// with the definition to notice a change under a person's decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub source_type: Option<String>,
    /// The type the generator uses: string, integer (64-bit), int32, number (64-bit float),
    /// boolean, json (any JSON value), the name of a type in `types`, `array<T>` (a JSON array
    /// of T) or `map<T>` (a JSON object with any member names whose values are T, from
    /// `additionalProperties`), nested as deep as needed.
    #[serde(rename = "type")]
    #[schemars(pattern(TYPE_EXPR))]
    pub type_expr: String,
    /// The 描述 cell, verbatim (line breaks as \n), including truncated "可选值如下:" text; or
    /// the definition's description, verbatim.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Minimum number of elements; only for array types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// Overrides `required` where the service behaves differently from the table; `required`
    /// keeps the table's value and `decision` says why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire_required: Option<bool>,
    /// Rust identifier to use instead of the one derived from the wire name (snake_case of its
    /// words), e.g. "user_id" for X-ModelArts-User-ID. Must not be a Rust keyword.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(RUST_NAME))]
    pub rust_name: Option<String>,
    /// The definition file a row comes from (e.g. "ListPools.json"), on rows `codegen import`
    /// added to a type whose own `source` is another document (a seed's or a person's). The
    /// importer owns such rows: it rewrites them on every import, and removes them when no
    /// definition has them any more; rows without it are the type's own and are never touched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub source: Option<String>,
    /// Why this row is encoded as it is, where the table or definition left a choice open; one
    /// or two sentences in English. A decision that begins with `"[import] "` is `codegen
    /// import`'s own and is rewritten on every import; any other is a person's, and the importer
    /// keeps the row it is on exactly as it is (reporting it when the definition now says
    /// something else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub decision: Option<String>,
}

/// A cross-field rule on the object whose fields it names. Needs `require`, `items_equal`, or
/// both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("anyOf" = [{ "required": ["require"] }, { "required": ["items_equal"] }]))]
pub struct RuleDef {
    /// Rule identifier, kebab-case, unique within the object.
    #[schemars(pattern(KEBAB_CASE))]
    pub id: String,
    pub when: ConditionDef,
    /// Wire names of fields of this object that must be present when the condition holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1), inner(length(min = 1)))]
    pub require: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_equal: Option<ItemsEqualDef>,
    /// Error message (English) reported when the rule fails; names the fields.
    #[schemars(length(min = 1))]
    pub message: String,
}

/// Condition under which the rule applies: a field of this object equals a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionDef {
    /// Wire name of a field of this object.
    #[schemars(length(min = 1))]
    pub field: String,
    /// The wire value the field must equal for the rule to apply.
    #[schemars(extend("type" = ["string", "integer", "number", "boolean"]))]
    pub equals: Value,
}

/// For every element of `array` where the first field is present, all listed fields must be
/// equal. Appears in the JSON Schema as a $comment only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemsEqualDef {
    /// Wire name of an array-of-objects field of this object.
    #[schemars(length(min = 1))]
    pub array: String,
    /// Wire names of fields of the array's element type; the first one gates the check.
    #[schemars(length(min = 2), inner(length(min = 1)))]
    pub fields: Vec<String>,
}

/// JSON type of the wire values (flag sets are integers).
#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum Repr {
    String,
    Integer,
}

/// An enumeration or a flag set: both are a list of named wire values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = schema::values_follow_the_kind)]
pub struct EnumDef {
    /// Rust type name, UpperCamelCase, unique among all types.
    #[schemars(pattern(UPPER_CAMEL))]
    pub name: String,
    pub kind: EnumKind,
    pub repr: Repr,
    /// The document(s) the enum comes from. An enum whose source names only definition files
    /// is `codegen import`'s: it rewrites its values on every import (keeping variant names by
    /// wire value); any other enum keeps its values, and the importer only adds values with
    /// their own `source`.
    #[serde(default, skip_serializing_if = "Sources::is_empty")]
    pub source: Sources,
    /// The module of `service.modules` this type is in (`codegen import` gives a new type the
    /// module of the operation or type that first uses it, and keeps it after; moving a type is a
    /// breaking change). None: the top of `models`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(SNAKE_CASE))]
    pub module: Option<String>,
    /// What field(s) the enum or flag set is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(min = 1))]
    pub description: String,
    /// What the source left open for this item and what was decided, one or two sentences
    /// each, in English.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(length(min = 1)))]
    pub decisions: Vec<String>,
    /// The enumerated values; for flags, the bits (a value of 0 names the empty set).
    #[schemars(length(min = 1))]
    pub values: Vec<ValueDef>,
}

/// One value of an enum, or one flag (bit) of a flag set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueDef {
    /// The wire value; must have the enum's repr type (a flag is a power of two, or 0).
    #[schemars(extend("type" = ["string", "integer"]))]
    pub value: Value,
    /// Rust variant (or flag constant) name, UpperCamelCase.
    #[schemars(pattern(UPPER_CAMEL))]
    pub name: String,
    /// Meaning of the value: Chinese first where the reference gives it, then English in
    /// parentheses; otherwise English.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(min = 1))]
    pub description: String,
    /// The definition file of a value `codegen import` added to an enum whose own `source` is
    /// another document (or that has none); the importer owns such values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub source: Option<String>,
}

/// An HTTP method.
// The one definition: the spec format reads it, and the linked model (`crate::model`) uses it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
#[schemars(inline)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 7] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
        HttpMethod::Head,
        HttpMethod::Options,
    ];

    /// The method as sent (`GET`), also its spelling in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }

    /// The axum routing function of the method (`get`, `post`…).
    pub fn routing_fn(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Post => "post",
            HttpMethod::Put => "put",
            HttpMethod::Patch => "patch",
            HttpMethod::Delete => "delete",
            HttpMethod::Head => "head",
            HttpMethod::Options => "options",
        }
    }

    /// Safe to repeat (RFC 9110 §9.2.2): retries on 429/502/503/504 and timeouts are allowed.
    pub fn idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }
}

/// The body's media type: absent means application/json; "application/merge-patch+json" makes
/// the body a JSON merge patch (RFC 7396), where every optional member of every type reachable
/// from it can be absent, set, or null (remove it). Such types must not be used anywhere else.
// The one definition, used by the linked model too. (No doc comments on the variants: they
// would turn the schema's `enum` into a `oneOf`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum MediaType {
    #[serde(rename = "application/json")]
    Json,
    // RFC 7396: absent members are left alone, `null` removes one.
    #[serde(rename = "application/merge-patch+json")]
    MergePatch,
}

impl MediaType {
    /// The media type as sent in `Content-Type`, also its spelling in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Json => "application/json",
            MediaType::MergePatch => "application/merge-patch+json",
        }
    }
}

/// One API operation (one source document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// snake_case name: the client method and the CLI subcommand. For an imported operation,
    /// the snake_case of its operation ID (ListPools → list_pools).
    #[schemars(pattern(SNAKE_CASE))]
    pub name: String,
    /// The official operation ID ("ListPools"), which the official SDKs name their methods
    /// after; `name` is its snake_case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(UPPER_CAMEL))]
    pub operation_id: Option<String>,
    /// The document's title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(min = 1))]
    pub summary: String,
    /// The document's 功能介绍 text, or the definition's description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(min = 1))]
    pub description: String,
    /// File name of the source document or definition. An operation whose source is a
    /// definition file (*.json) is `codegen import`'s: it rewrites it on every import (keeping
    /// its name, a person's decisions and the parameters they decided about). Any other
    /// operation keeps everything it has; the importer only adds its operation ID and query and
    /// header parameters only the definition has, each with a `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub source: Option<String>,
    /// The module of `service.modules` this operation's types go to (`codegen import` gives an
    /// operation without one the module that lists its definition's tag, else that of the
    /// operation whose path shares most of its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(SNAKE_CASE))]
    pub module: Option<String>,
    /// HTTP method.
    pub method: Choice<HttpMethod>,
    /// Path template; each {name} must be declared in path_params.
    #[schemars(pattern("^/"))]
    pub path: String,
    /// Path parameters, in table order; each must be used in `path`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_params: Vec<ParamDef>,
    /// Query parameters, in definition order; a `program option --kebab-case` of each wire
    /// name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query_params: Vec<ParamDef>,
    /// Request header parameters, in table order. A merge-patch operation's Content-Type is not
    /// one: it is the request body's media_type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_params: Vec<ParamDef>,
    /// The request body, or null when the operation sends none.
    #[serde(default)]
    pub request_body: Option<BodyDef>,
    /// Responses by status code, in the order of the 状态码 table (or by status); exactly one
    /// is a 2xx.
    #[schemars(length(min = 1))]
    pub responses: Vec<ResponseDef>,
    /// Which request parameters and response members page through a list (the definitions say
    /// it only in prose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationDef>,
    /// What the source left open for this item and what was decided, one or two sentences
    /// each, in English.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(length(min = 1)))]
    pub decisions: Vec<String>,
}

impl Operation {
    /// Whether `codegen import` owns the operation: its source is a definition file.
    pub fn is_imported(&self) -> bool {
        self.source.as_deref().is_some_and(is_definition_file)
    }

    /// Path, query and header parameters, with the key of the list each is in.
    pub fn params(&self) -> impl Iterator<Item = (&'static str, &ParamDef)> {
        (self.path_params.iter().map(|p| ("path", p)))
            .chain(self.query_params.iter().map(|p| ("query", p)))
            .chain(self.header_params.iter().map(|p| ("header", p)))
    }
}

/// A path, query or header parameter: one row of the URI, query or request-header table (or
/// one parameter of a definition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    /// Parameter name exactly as in the path template or header.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The 是否必选 column: 是 = true, 否 = false; for a row `codegen import` wrote, whether the
    /// definition lists it as required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// The 参数类型 cell, verbatim; for a row `codegen import` wrote, how the definition writes
    /// the type ("string", "integer (int32)", "array of string"). The importer compares it with
    /// the definition to notice a change under a person's decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub source_type: Option<String>,
    /// The type the generator uses ("string" when absent): "string" for path parameters;
    /// "string" or the name of a string enum type (an open enum: its values, sent as the strings
    /// they are) for header parameters; for query parameters string, integer, int32, number,
    /// boolean or the name of a string enum type, or `array<…>` of one of them (the key
    /// repeated, once per element).
    #[serde(rename = "type", default = "string_type")]
    #[schemars(pattern(PARAM_TYPE))]
    pub type_expr: String,
    /// The 描述 cell, verbatim; or the definition's description, verbatim.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Client setting that fills this parameter (e.g. "project_id"), so callers need not pass
    /// it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub bind: Option<String>,
    /// Rust identifier to use instead of the one derived from the wire name (snake_case of its
    /// words), e.g. "user_id" for X-ModelArts-User-ID. Must not be a Rust keyword.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(RUST_NAME))]
    pub rust_name: Option<String>,
    /// As a field's `source`: the definition file of a parameter `codegen import` added to an
    /// operation whose own `source` is another document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub source: Option<String>,
    /// Why this row is encoded as it is, where the table or definition left a choice open. As a
    /// field's decision, `"[import] "` marks the importer's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub decision: Option<String>,
}

fn string_type() -> String {
    "string".to_owned()
}

/// The request body: its type and the document's examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyDef {
    /// The body's type: the name of an object type.
    #[serde(rename = "type")]
    #[schemars(pattern(TYPE_EXPR))]
    pub type_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<Choice<MediaType>>,
    /// The document's request examples, parsed exactly; free JSON.
    #[serde(default)]
    pub examples: Vec<Value>,
}

/// One response status of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseDef {
    /// HTTP status code.
    #[schemars(range(min = 100, max = 599))]
    pub status: u16,
    /// The 描述 cell of the 状态码 table, verbatim.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Type of the response body (an object type's name), or null when there is none (a 204 has
    /// none).
    #[serde(default)]
    #[schemars(pattern(TYPE_EXPR))]
    pub body: Option<String>,
    /// The document's response examples for this status, parsed exactly; free JSON.
    #[serde(default)]
    pub examples: Vec<Value>,
}

/// Token pagination: the request_token query parameter takes the response_token of the
/// previous page's success body; page_size, if any, sets how many items a page has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaginationDef {
    /// Wire name of the (single-valued) query parameter that sets the page size, e.g. "limit".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub page_size: Option<String>,
    /// Wire name of the (single-valued) query parameter that asks for the page after a token,
    /// e.g. "continue".
    #[schemars(length(min = 1))]
    pub request_token: String,
    /// Dotted path of wire names, in the success body, of the next page's token, e.g.
    /// "metadata.continue"; absent or empty on the last page.
    #[schemars(length(min = 1))]
    pub response_token: String,
    /// The array member of the success body that holds the page's items, e.g. "items".
    #[schemars(length(min = 1))]
    pub items: String,
}

/// What a 404 from the polled operation means: the resource is gone, a success (deletion
/// waiters) or a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum WhenGone {
    Success,
    Failure,
}

/// A waiter: which operation to poll, which member holds the state, which states end the wait,
/// and what a 404 means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiterDef {
    /// snake_case; the client method is `wait_until_{name}`.
    #[schemars(pattern(SNAKE_CASE))]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The operation polled, by name.
    pub operation: String,
    /// Dotted wire names, in the operation's success body (or the selected item), of the state
    /// (a string or string enum), e.g. "status.phase". Either this or `states`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<SelectDef>,
    /// States told by present members: the first present one's state, else `otherwise`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<PresenceDef>,
    /// The state when no member of `states` is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<String>,
    /// States that end the wait successfully.
    #[serde(default)]
    pub success: Vec<String>,
    /// States that end the wait at once as a failure.
    #[serde(default)]
    pub failure: Vec<String>,
    /// Absent: a 404 is an error like any other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone: Option<Choice<WhenGone>>,
    #[schemars(range(min = 1))]
    pub min_delay_seconds: u64,
    #[schemars(range(min = 1))]
    pub max_delay_seconds: u64,
    #[schemars(range(min = 1))]
    pub max_wait_seconds: u64,
    /// Operations whose program subcommands take `--wait` (and `--wait-timeout`) to run this
    /// waiter after the call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<WaitAfterDef>,
    /// Why the waiter is as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// A state a waiter sees when a member is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceDef {
    /// Dotted wire path of the member.
    pub present: String,
    pub state: String,
}

/// The operation lists resources: the one waited on is the item of `items` whose `key` member
/// equals the waiter's argument `argument`; its absence from the list is "gone".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectDef {
    /// The array member of the answer (its wire name).
    pub items: String,
    /// Dotted wire path, in an item, of the string member that names it.
    pub key: String,
    /// The waiter's own argument holding the name (snake_case).
    #[schemars(pattern(SNAKE_CASE))]
    pub argument: String,
}

/// An operation after which a program's `--wait` runs the waiter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitAfterDef {
    /// The operation, by name.
    pub operation: String,
    /// Parameters of the polled operation read from the operation's answer: parameter name →
    /// dotted wire path of a string member of its success body. Other parameters come from the
    /// operation's own of the same name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub from_answer: BTreeMap<String, String>,
}

/// The columns the program's `--output table` prints for a type (and for lists of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    /// The object type whose values are the rows.
    #[serde(rename = "type")]
    pub type_name: String,
    #[schemars(length(min = 1))]
    pub columns: Vec<ColumnDef>,
    /// Why these columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub header: String,
    /// A dotted wire path to an array of objects: the cell lists each element's values,
    /// separated by ", ".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<String>,
    /// Dotted wire paths from the row (or from each element of `each`), joined with `join`.
    #[schemars(length(min = 1))]
    pub values: Vec<String>,
    /// Between the values (default a space).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join: Option<String>,
}
