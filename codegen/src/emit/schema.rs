//! JSON Schema (draft 2020-12) documents, one per request and response body, taken from the
//! intermediate model rather than from the Rust types.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::model::{
    Api, EnumType, FlagsType, ObjectType, RuleCheck, TypeEntry, TypeId, TypeKind, TypeRef,
};

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
                responses.insert(
                    response.status.to_string(),
                    json!(file_name(&api.ty(body).name)),
                );
            }
        }
        let mut entry = Map::new();
        entry.insert("method".into(), json!(op.method.as_str()));
        entry.insert("path".into(), json!(op.path));
        if let Some(body) = &op.request_body {
            bodies.insert(body.ty);
            entry.insert("request".into(), json!(file_name(&api.ty(body.ty).name)));
            entry.insert("request_media_type".into(), json!(body.media_type.as_str()));
        }
        if let Some(pagination) = &op.pagination {
            let wire = |(object, field): (TypeId, usize)| {
                api.object(object).fields[field].wire_name.clone()
            };
            let token: Vec<String> = pagination
                .response_token
                .iter()
                .copied()
                .map(wire)
                .collect();
            entry.insert(
                "pagination".into(),
                json!({
                    "page_size": pagination.page_size.map(|i| op.params[i].wire_name.clone()),
                    "request_token": op.params[pagination.request_token].wire_name,
                    "response_token": token.join("."),
                    "items": wire(pagination.items),
                }),
            );
        }
        entry.insert("responses".into(), Value::Object(responses));
        index.insert(op.name.clone(), Value::Object(entry));
    }
    let mut documents: Vec<(String, Value)> = bodies
        .into_iter()
        .map(|id| (file_name(&api.ty(id).name), document(api, id)))
        .collect();
    documents.sort_by(|a, b| a.0.cmp(&b.0));
    documents.push(("operations.json".into(), Value::Object(index)));
    documents
}

pub fn file_name(type_name: &str) -> String {
    format!("{type_name}.json")
}

fn document(api: &Api, root: TypeId) -> Value {
    let mut defs = BTreeSet::new();
    collect_defs(api, root, &mut defs);
    defs.remove(&root);
    let entry = api.ty(root);
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(DRAFT));
    doc.insert(
        "$id".into(),
        json!(format!(
            "{}{}",
            api.service.schema_id_base,
            file_name(&entry.name)
        )),
    );
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
        TypeKind::Enum(e) => enum_schema(entry, e),
        TypeKind::Flags(f) => flags_schema(entry, f),
    }
}

/// Where references to named types point.
#[derive(Clone, Copy)]
pub enum Refs {
    /// A standalone document whose root is this type: `#` for it, `#/$defs/Name` for the others.
    Document { root: TypeId },
    /// An OpenAPI document: `#/components/schemas/Name`.
    Components,
}

fn reference(api: &Api, id: TypeId, refs: Refs) -> Value {
    match refs {
        Refs::Document { root } if id == root => json!({ "$ref": "#" }),
        Refs::Document { .. } => json!({ "$ref": format!("#/$defs/{}", api.ty(id).name) }),
        Refs::Components => json!({ "$ref": format!("#/components/schemas/{}", api.ty(id).name) }),
    }
}

pub fn value_schema(api: &Api, ty: &TypeRef, refs: Refs) -> Value {
    match ty {
        TypeRef::String => json!({ "type": "string" }),
        TypeRef::Integer => json!({ "type": "integer" }),
        TypeRef::Int32 => json!({ "type": "integer", "format": "int32" }),
        TypeRef::Number => json!({ "type": "number" }),
        TypeRef::Boolean => json!({ "type": "boolean" }),
        TypeRef::Json => json!({}),
        TypeRef::Named(id) => reference(api, *id, refs),
        TypeRef::Array(item) => json!({ "type": "array", "items": value_schema(api, item, refs) }),
        TypeRef::Map(value) => {
            json!({ "type": "object", "additionalProperties": value_schema(api, value, refs) })
        }
    }
}

fn object_schema(api: &Api, entry: &TypeEntry, object: &ObjectType, refs: Refs) -> Value {
    let mut properties = Map::new();
    for field in &object.fields {
        let mut schema = value_schema(api, &field.ty, refs);
        if object.usage.patch && !field.required {
            // A merge patch removes a member with an explicit null.
            schema = json!({ "anyOf": [schema, { "type": "null" }] });
        }
        if let Value::Object(map) = &mut schema {
            if !field.description.is_empty() {
                map.insert("description".into(), json!(field.description));
            }
            if let Some(min) = field.min_items {
                map.insert("minItems".into(), json!(min));
            }
            if let Some(decision) = &field.decision {
                map.insert("$comment".into(), json!(decision));
            }
        }
        properties.insert(field.wire_name.clone(), schema);
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
        schema.insert("$comment".into(), json!(entry.decisions.join(" ")));
    }
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), json!(required));
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
        schema.insert("allOf".into(), Value::Array(rules));
    }
    Value::Object(schema)
}

fn enum_schema(entry: &TypeEntry, e: &EnumType) -> Value {
    let one_of: Vec<Value> = e
        .values
        .iter()
        .map(|v| json!({ "const": v.wire, "title": v.variant, "description": v.description }))
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
