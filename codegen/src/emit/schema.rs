//! JSON Schema (draft 2020-12) documents, one per request and response body, taken from the
//! intermediate model rather than from the Rust types.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::model::{
    Api, EnumType, FlagsType, ObjectType, Primitive, RuleCheck, TypeEntry, TypeId, TypeKind,
    TypeRef,
};
use crate::naming;

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `(file name, document)` for every body type, plus `operations.json` mapping each operation
/// and status to its document.
pub fn schema_documents(api: &Api) -> Vec<(String, Value)> {
    let mut bodies: BTreeSet<TypeId> = BTreeSet::new();
    let mut index = Map::new();
    for op in &api.operations {
        let mut responses = Map::new();
        for response in std::iter::once(&op.success).chain(op.errors.iter().map(|e| &e.response)) {
            if let Some(body) = response.body {
                bodies.insert(body);
                responses.insert(response.status.to_string(), json!(api.ty(body).schema_file));
            }
        }
        let mut entry = Map::new();
        entry.insert("method".into(), json!(op.method.as_str()));
        entry.insert("path".into(), json!(op.path));
        if let Some(body) = &op.request_body {
            bodies.insert(body.ty);
            entry.insert("request".into(), json!(api.ty(body.ty).schema_file));
            entry.insert("request_media_type".into(), json!(body.media_type.as_str()));
        }
        if let Some(pagination) = &op.pagination {
            let wire = |(object, field): (TypeId, usize)| {
                api.object(object).fields[field].wire_name.clone()
            };
            entry.insert(
                "pagination".into(),
                json!({
                    "page_size": pagination.page_size.map(|i| op.params[i].wire_name.clone()),
                    "request_token": op.params[pagination.request_token].wire_name,
                    "response_token": pagination.response_token.wire,
                    "items": wire(pagination.items),
                }),
            );
        }
        entry.insert("responses".into(), Value::Object(responses));
        index.insert(op.name.clone(), Value::Object(entry));
    }
    let mut documents: Vec<(String, Value)> = bodies
        .into_iter()
        .map(|id| (api.ty(id).schema_file.clone(), document(api, id)))
        .collect();
    documents.sort_by(|a, b| a.0.cmp(&b.0));
    documents.push((naming::SCHEMA_INDEX.into(), Value::Object(index)));
    documents
}

fn document(api: &Api, root: TypeId) -> Value {
    let mut defs = BTreeSet::new();
    collect_defs(api, root, &mut defs);
    defs.remove(&root);
    let entry = api.ty(root);
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(DRAFT));
    if let Some(base) = &api.service.schema_id_base {
        doc.insert("$id".into(), json!(format!("{base}{}", entry.schema_file)));
    }
    if let Value::Object(body) = type_schema(api, entry, Refs::Document { root }) {
        doc.extend(body);
    }
    if !defs.is_empty() {
        let defs: BTreeMap<String, Value> = defs
            .into_iter()
            .map(|id| {
                (
                    api.ty(id).name.clone(),
                    type_schema(api, api.ty(id), Refs::Document { root }),
                )
            })
            .collect();
        doc.insert("$defs".into(), Value::Object(defs.into_iter().collect()));
    }
    Value::Object(doc)
}

fn collect_defs(api: &Api, id: TypeId, defs: &mut BTreeSet<TypeId>) {
    if let TypeKind::Object(object) = &api.ty(id).kind {
        for field in &object.fields {
            if let Some(target) = field.ty.named()
                && defs.insert(target)
            {
                collect_defs(api, target, defs);
            }
        }
    }
}

pub fn type_schema(api: &Api, entry: &TypeEntry, refs: Refs) -> Value {
    match &entry.kind {
        TypeKind::Object(object) => object_schema(api, entry, object, refs),
        TypeKind::Enum(e) => enum_schema(entry, e, refs.dialect()),
        TypeKind::Flags(f) => flags_schema(entry, f),
    }
}

/// Where references to named types point, and so which dialect the schemas are written in.
#[derive(Clone, Copy)]
pub enum Refs {
    /// A standalone document whose root is this type: `#` for it, `#/$defs/Name` for the others.
    Document { root: TypeId },
    /// An OpenAPI document: `#/components/schemas/Name`.
    Components(Dialect),
}

impl Refs {
    fn dialect(self) -> Dialect {
        match self {
            Refs::Document { .. } => Dialect::JsonSchema2020,
            Refs::Components(dialect) => dialect,
        }
    }
}

/// The schema language written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// JSON Schema draft 2020-12: the published schemas, and OpenAPI 3.1's.
    JsonSchema2020,
    /// OpenAPI 3.0.3's Schema Object, which has fewer keywords: a member that may be null is
    /// `nullable`, a single value is an `enum` of one, a comment is `x-comment`, a reference
    /// stands alone (what is said beside it wraps it in `allOf`), `required` is never empty,
    /// and rules, which need `if`/`then`, are kept in JSON Schema as `x-rules`.
    OpenApi30,
}

impl Dialect {
    fn comment_key(self) -> &'static str {
        match self {
            Dialect::JsonSchema2020 => "$comment",
            Dialect::OpenApi30 => "x-comment",
        }
    }

    /// `schema`, or `null` (a merge patch removes a member with an explicit null).
    fn or_null(self, schema: Value) -> Value {
        match self {
            Dialect::JsonSchema2020 => json!({ "anyOf": [schema, { "type": "null" }] }),
            Dialect::OpenApi30 => json!({ "allOf": [schema], "nullable": true }),
        }
    }

    /// `schema` with `said` (description, counts, comments) beside it.
    fn with(self, schema: Value, said: Map<String, Value>) -> Value {
        let mut schema = match schema {
            Value::Object(map)
                if self == Dialect::OpenApi30 && map.contains_key("$ref") && !said.is_empty() =>
            {
                let mut wrapped = Map::new();
                wrapped.insert("allOf".into(), json!([map]));
                wrapped
            }
            Value::Object(map) => map,
            other => return other,
        };
        schema.extend(said);
        Value::Object(schema)
    }
}

fn reference(api: &Api, id: TypeId, refs: Refs) -> Value {
    match refs {
        Refs::Document { root } if id == root => json!({ "$ref": "#" }),
        Refs::Document { .. } => json!({ "$ref": format!("#/$defs/{}", api.ty(id).name) }),
        Refs::Components(_) => {
            json!({ "$ref": format!("#/components/schemas/{}", api.ty(id).name) })
        }
    }
}

/// The schema of a primitive value: its `type`, and its `format` where it has one.
pub fn primitive_schema(primitive: Primitive) -> Value {
    let (ty, format) = primitive.json_type();
    match format {
        Some(format) => json!({ "type": ty, "format": format }),
        None => json!({ "type": ty }),
    }
}

pub fn value_schema(api: &Api, ty: &TypeRef, refs: Refs) -> Value {
    match ty {
        TypeRef::Primitive(primitive) => primitive_schema(*primitive),
        TypeRef::Json => json!({}),
        TypeRef::Named(id) => reference(api, *id, refs),
        TypeRef::Array(item) => json!({ "type": "array", "items": value_schema(api, item, refs) }),
        TypeRef::Map(value) => {
            json!({ "type": "object", "additionalProperties": value_schema(api, value, refs) })
        }
    }
}

fn object_schema(api: &Api, entry: &TypeEntry, object: &ObjectType, refs: Refs) -> Value {
    let dialect = refs.dialect();
    let mut properties = Map::new();
    for field in &object.fields {
        let mut schema = value_schema(api, &field.ty, refs);
        if object.usage.patch && !field.required {
            schema = dialect.or_null(schema);
        }
        let mut said = Map::new();
        if !field.description.is_empty() {
            said.insert("description".into(), json!(field.description));
        }
        if let Some(min) = field.min_items {
            said.insert("minItems".into(), json!(min));
        }
        if let Some(decision) = &field.decision {
            said.insert(dialect.comment_key().into(), json!(decision));
        }
        properties.insert(field.wire_name.clone(), dialect.with(schema, said));
    }
    let required: Vec<&str> = object
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.wire_name.as_str())
        .collect();
    let mut schema = Map::new();
    schema.insert("title".into(), json!(entry.name));
    schema.insert("description".into(), json!(entry.description));
    if !entry.decisions.is_empty() {
        schema.insert(
            dialect.comment_key().into(),
            json!(entry.decisions.join(" ")),
        );
    }
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !(required.is_empty() && dialect == Dialect::OpenApi30) {
        schema.insert("required".into(), json!(required));
    }
    schema.insert("additionalProperties".into(), json!(true));
    let rules: Vec<Value> = object
        .rules
        .iter()
        .map(|rule| {
            let comment = format!("rule {}: {}", rule.id, rule.message);
            let when = &object.fields[rule.when_field].wire_name;
            match &rule.check {
                RuleCheck::Require(fields) => json!({
                    "$comment": comment,
                    "if": {
                        "properties": { when.clone(): { "const": rule.when_equals } },
                        "required": [when],
                    },
                    "then": { "required": fields.iter().map(|&j| object.fields[j].wire_name.as_str()).collect::<Vec<_>>() },
                }),
                RuleCheck::ItemsEqual { .. } => json!({
                    "$comment": format!("{comment} (JSON Schema cannot compare two values; the generated validate() enforces this rule)"),
                }),
            }
        })
        .collect();
    if !rules.is_empty() {
        let key = match dialect {
            Dialect::JsonSchema2020 => "allOf",
            Dialect::OpenApi30 => "x-rules",
        };
        schema.insert(key.into(), Value::Array(rules));
    }
    Value::Object(schema)
}

fn enum_schema(entry: &TypeEntry, e: &EnumType, dialect: Dialect) -> Value {
    let one_of: Vec<Value> = e
        .values
        .iter()
        .map(|v| {
            let mut value = Map::new();
            match dialect {
                Dialect::JsonSchema2020 => value.insert("const".into(), json!(v.wire)),
                Dialect::OpenApi30 => value.insert("enum".into(), json!([v.wire])),
            };
            value.insert("title".into(), json!(v.variant));
            value.insert("description".into(), json!(v.description));
            Value::Object(value)
        })
        .collect();
    let values: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
    json!({
        "title": entry.name,
        "description": entry.description,
        "type": "string",
        "enum": values,
        "oneOf": one_of,
    })
}

fn flags_schema(entry: &TypeEntry, f: &FlagsType) -> Value {
    let meanings: Vec<String> = f
        .values
        .iter()
        .map(|v| format!("{} = {}", v.value, v.description))
        .collect();
    let flags: Vec<Value> = f
        .values
        .iter()
        .map(|v| json!({ "value": v.value, "name": v.name, "description": v.description }))
        .collect();
    let description = if entry.description.is_empty() {
        format!("Bit set; values add up. {}", meanings.join("; "))
    } else {
        format!(
            "{} Bit set; values add up. {}",
            entry.description,
            meanings.join("; ")
        )
    };
    json!({
        "title": entry.name,
        "description": description,
        "type": "integer",
        "minimum": 0,
        "x-bit-flags": flags,
    })
}
