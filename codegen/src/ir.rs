//! Resolve's output: the typed intermediate model every emitter reads. Ordered by `BTreeMap`, so
//! the output never depends on hash order; field order is the source table's row order.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub service: Service,
    pub types: BTreeMap<String, TypeEntry>,
    pub operations: BTreeMap<String, OperationMethod>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    pub title: String,
    pub description: String,
    pub schema_id_base: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeEntry {
    Object(ObjectType),
    Enum(EnumType),
    Flags(FlagsType),
}

impl TypeEntry {
    pub fn name(&self) -> &str {
        match self {
            TypeEntry::Object(o) => &o.name,
            TypeEntry::Enum(e) => &e.name,
            TypeEntry::Flags(f) => &f.name,
        }
    }
}

/// Where a type is used: request types get constructors and `validate()`, response types
/// derive `Default`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectType {
    pub name: String,
    pub doc_name: Option<String>,
    pub source: Option<String>,
    pub description: String,
    pub decisions: Vec<String>,
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
    pub usage: Usage,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    /// Whether the wire requires it: the table's 是/否, or `wire_required` where they disagree.
    pub required: bool,
    /// The table's own column, kept for documentation where it differs from `required`.
    pub table_required: Option<bool>,
    /// Boxed to break a reference cycle that would otherwise make the type infinitely large.
    pub boxed: bool,
    pub description: String,
    pub source_type: Option<String>,
    pub min_items: Option<u64>,
    pub decision: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    String,
    Integer,
    Number,
    Boolean,
    Json,
    Named(String),
    Array(Box<TypeRef>),
}

impl TypeRef {
    /// The named type this refers to, through any arrays.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Array(inner) => inner.named(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    /// Wire name of a sibling field whose string value triggers the rule.
    pub when_field: String,
    pub when_equals: String,
    pub check: RuleCheck,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleCheck {
    /// These sibling fields (wire names) must be present.
    Require(Vec<String>),
    /// In every element of the array field, `left` (when present) must equal `right`.
    ItemsEqual {
        array: String,
        left: String,
        right: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    pub name: String,
    pub description: String,
    pub source: Option<String>,
    pub decisions: Vec<String>,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub wire: String,
    pub variant: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlagsType {
    pub name: String,
    pub description: String,
    pub source: Option<String>,
    pub decisions: Vec<String>,
    pub values: Vec<FlagValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlagValue {
    pub value: u64,
    pub name: String,
    pub const_name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationMethod {
    pub name: String,
    pub summary: String,
    pub description: String,
    pub source: Option<String>,
    pub decisions: Vec<String>,
    pub method: String,
    pub path: String,
    pub path_parts: Vec<PathPart>,
    pub path_params: Vec<Param>,
    pub header_params: Vec<Param>,
    pub request_body: Option<Body>,
    pub responses: Vec<ResponseEntry>,
}

impl OperationMethod {
    /// Safe to repeat: retries on 429/502/503/504 and timeouts are allowed.
    pub fn idempotent(&self) -> bool {
        matches!(
            self.method.as_str(),
            "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS"
        )
    }

    pub fn success(&self) -> Option<&ResponseEntry> {
        self.responses
            .iter()
            .find(|r| (200..300).contains(&r.status))
    }

    pub fn errors(&self) -> impl Iterator<Item = &ResponseEntry> {
        self.responses.iter().filter(|r| r.status >= 400)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    Param(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub required: bool,
    pub description: String,
    /// The client setting that supplies it (`project_id`), instead of a method argument.
    pub bind: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub type_name: String,
    pub examples: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseEntry {
    pub status: u16,
    pub description: String,
    pub body: Option<String>,
    pub examples: Vec<serde_json::Value>,
}
