//! JSON Schema (draft 2020-12) documents, one per request and response body, taken from the
//! intermediate model rather than from the Rust types.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::ir::{Api, EnumType, FlagsType, ObjectType, RuleCheck, TypeEntry, TypeRef};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `(file name, document)` for every body type, plus `operations.json` mapping each operation
/// and status to its document.
pub fn schema_documents(api: &Api) -> Vec<(String, Value)> {
    let mut bodies: BTreeSet<&str> = BTreeSet::new();
    let mut index = Map::new();
    for op in api.operations.values() {
        let mut responses = Map::new();
        for response in &op.responses {
            if let Some(body) = &response.body {
                bodies.insert(body);
                responses.insert(response.status.to_string(), json!(file_name(body)));
            }
        }
        let mut entry = Map::new();
        entry.insert("method".into(), json!(op.method));
        entry.insert("path".into(), json!(op.path));
        if let Some(body) = &op.request_body {
            bodies.insert(&body.type_name);
            entry.insert("request".into(), json!(file_name(&body.type_name)));
        }
        entry.insert("responses".into(), Value::Object(responses));
        index.insert(op.name.clone(), Value::Object(entry));
    }
    let mut documents: Vec<(String, Value)> = bodies
        .into_iter()
        .filter_map(|name| match api.types.get(name) {
            Some(TypeEntry::Object(object)) => Some((file_name(name), document(api, object))),
            _ => None,
        })
        .collect();
    documents.push(("operations.json".into(), Value::Object(index)));
    documents
}

pub fn file_name(type_name: &str) -> String {
    format!("{type_name}.json")
}

fn document(api: &Api, root: &ObjectType) -> Value {
    let mut defs = BTreeMap::new();
    collect_defs(api, root, &mut defs);
    defs.remove(root.name.as_str());
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(DRAFT));
    doc.insert(
        "$id".into(),
        json!(format!(
            "{}{}",
            api.service.schema_id_base,
            file_name(&root.name)
        )),
    );
    if let Value::Object(body) = object_schema(root, &root.name) {
        doc.extend(body);
    }
    if !defs.is_empty() {
        let defs: Map<String, Value> = defs
            .into_iter()
            .map(|(name, entry)| (name.to_owned(), type_schema(entry, &root.name)))
            .collect();
        doc.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(doc)
}

fn collect_defs<'a>(
    api: &'a Api,
    object: &'a ObjectType,
    defs: &mut BTreeMap<&'a str, &'a TypeEntry>,
) {
    for field in &object.fields {
        let Some(name) = field.ty.named() else {
            continue;
        };
        let Some((key, entry)) = api.types.get_key_value(name) else {
            continue;
        };
        if defs.insert(key.as_str(), entry).is_none()
            && let TypeEntry::Object(child) = entry
        {
            collect_defs(api, child, defs);
        }
    }
}

fn type_schema(entry: &TypeEntry, root: &str) -> Value {
    match entry {
        TypeEntry::Object(object) => object_schema(object, root),
        TypeEntry::Enum(e) => enum_schema(e),
        TypeEntry::Flags(f) => flags_schema(f),
    }
}

fn reference(name: &str, root: &str) -> Value {
    if name == root {
        json!({ "$ref": "#" })
    } else {
        json!({ "$ref": format!("#/$defs/{name}") })
    }
}

fn value_schema(ty: &TypeRef, root: &str) -> Value {
    match ty {
        TypeRef::String => json!({ "type": "string" }),
        TypeRef::Integer => json!({ "type": "integer" }),
        TypeRef::Number => json!({ "type": "number" }),
        TypeRef::Boolean => json!({ "type": "boolean" }),
        TypeRef::Json => json!({}),
        TypeRef::Named(name) => reference(name, root),
        TypeRef::Array(item) => json!({ "type": "array", "items": value_schema(item, root) }),
    }
}

fn object_schema(object: &ObjectType, root: &str) -> Value {
    let mut properties = Map::new();
    for field in &object.fields {
        let mut schema = value_schema(&field.ty, root);
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
    schema.insert("title".into(), json!(object.name));
    schema.insert("description".into(), json!(object.description));
    if !object.decisions.is_empty() {
        schema.insert("$comment".into(), json!(object.decisions.join(" ")));
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
            match &rule.check {
                RuleCheck::Require(names) => json!({
                    "$comment": comment,
                    "if": {
                        "properties": { rule.when_field.clone(): { "const": rule.when_equals } },
                        "required": [rule.when_field],
                    },
                    "then": { "required": names },
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

fn enum_schema(e: &EnumType) -> Value {
    let one_of: Vec<Value> = e
        .values
        .iter()
        .map(|v| json!({ "const": v.wire, "title": v.variant, "description": v.description }))
        .collect();
    let values: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
    json!({
        "title": e.name,
        "description": e.description,
        "type": "string",
        "enum": values,
        "oneOf": one_of,
    })
}

fn flags_schema(f: &FlagsType) -> Value {
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
    let description = if f.description.is_empty() {
        format!("Bit set; values add up. {}", meanings.join("; "))
    } else {
        format!(
            "{} Bit set; values add up. {}",
            f.description,
            meanings.join("; ")
        )
    };
    json!({
        "title": f.name,
        "description": description,
        "type": "integer",
        "minimum": 0,
        "x-bit-flags": flags,
    })
}
