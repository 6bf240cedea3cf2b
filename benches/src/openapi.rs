//! An OpenAPI 3.0.3 document of a spec, so that other generators (cargo-progenitor) can be
//! measured on the same API. A bench tool only: the generator does not publish one (yet).
//!
//! What maps to what:
//!
//! - every operation becomes `paths[path][method]` with `operationId` = the spec operation's
//!   `name`, its `summary` and `description`; path parameters (those with `bind` too, as ordinary
//!   required path parameters), query parameters and header parameters become `parameters`;
//! - the request body and every response (2xx and the documented errors) refer to
//!   `#/components/schemas/{Type}` as `application/json`, with the spec's examples (a
//!   `application/merge-patch+json` request body too: progenitor takes no other JSON media type);
//! - objects become `type: object` with `properties` and `required` (`wire_required` where the
//!   spec sets it, since that is what the wire and the generated code follow); enums become string
//!   enums; flag sets become `integer` (`int64`); `integer` is `int64`, `int32` is `int32`,
//!   `number` is `double`, `array<T>` is `type: array` (with `minItems` where set), `map<T>` is an
//!   object with `additionalProperties: T`, and `json` is `{}`;
//! - descriptions are kept, each followed by the spec's `decision`/`decisions` notes as
//!   `Decision: …` paragraphs (as the generated crate's doc comments have them); an enum's or flag set's per-value descriptions are appended to its
//!   description as a list (OpenAPI 3.0 has no per-value description), and a property that
//!   refers to a named type is written `allOf: [{$ref}]` beside its `description`, because
//!   OpenAPI 3.0 ignores anything next to a bare `$ref`.
//!
//! What it leaves out: the spec's cross-field `rules` (OpenAPI 3.0 has no `if`/`then`),
//! `pagination` (no OpenAPI 3.0 equivalent), the `source`/`source_type` bookkeeping, and that objects keep unknown members and enums unknown values (OpenAPI
//! objects allow extra members by default; what a generator does with them is its own choice).

use serde_json::{Map, Value, json};

/// The OpenAPI 3.0.3 document of `spec` (a spec shaped as `spec/spec.schema.json` says).
pub fn spec_to_openapi(spec: &Value) -> Value {
    let service = &spec["service"];
    let mut schemas = Map::new();
    for ty in list(spec, "types") {
        if let Some(name) = ty["name"].as_str() {
            schemas.insert(name.to_owned(), type_schema(ty));
        }
    }
    let mut paths = Map::new();
    for op in list(spec, "operations") {
        let (Some(path), Some(method)) = (op["path"].as_str(), op["method"].as_str()) else {
            continue;
        };
        let item = paths
            .entry(path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        item[method.to_ascii_lowercase()] = operation(op);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": service["title"].as_str().unwrap_or("API"),
            "description": service["description"].as_str().unwrap_or(""),
            "version": "0.1.0",
        },
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value[key].as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// `description` followed by one `Decision: …` paragraph per note in `notes` (a string or a list
/// of strings); empty when both are.
fn with_decisions(description: &str, notes: &Value) -> String {
    let mut text = description.to_owned();
    let notes: Vec<&str> = match notes {
        Value::String(note) => vec![note.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for note in notes.into_iter().filter(|n| !n.is_empty()) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str("Decision: ");
        text.push_str(note);
    }
    text
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The schema of a type expression: `string`, `integer`, `int32`, `number`, `boolean`, `json`, a
/// type name, `array<T>` or `map<T>`.
fn type_expr(expr: &str) -> Value {
    if let Some(inner) = expr
        .strip_prefix("array<")
        .and_then(|rest| rest.strip_suffix('>'))
    {
        return json!({ "type": "array", "items": type_expr(inner) });
    }
    if let Some(inner) = expr
        .strip_prefix("map<")
        .and_then(|rest| rest.strip_suffix('>'))
    {
        return json!({ "type": "object", "additionalProperties": type_expr(inner) });
    }
    match expr {
        "string" => json!({ "type": "string" }),
        "integer" => json!({ "type": "integer", "format": "int64" }),
        "int32" => json!({ "type": "integer", "format": "int32" }),
        "number" => json!({ "type": "number", "format": "double" }),
        "boolean" => json!({ "type": "boolean" }),
        "json" => json!({}),
        name => schema_ref(name),
    }
}

/// A property's or parameter's schema with its description; a bare reference is wrapped in
/// `allOf` so the description is not dropped.
fn described(expr: &str, description: &str, min_items: Option<&Value>) -> Value {
    let mut schema = type_expr(expr);
    if schema.get("$ref").is_some() && !description.is_empty() {
        schema = json!({ "allOf": [schema] });
    }
    if let Some(min) = min_items {
        schema["minItems"] = min.clone();
    }
    if !description.is_empty() {
        schema["description"] = Value::String(description.to_owned());
    }
    schema
}

fn type_schema(ty: &Value) -> Value {
    let description = with_decisions(ty["description"].as_str().unwrap_or(""), &ty["decisions"]);
    let description = description.as_str();
    match ty["kind"].as_str() {
        Some("enum") | Some("flags") => {
            let values = list(ty, "values");
            let mut text = description.to_owned();
            for value in values {
                let wire = match &value["value"] {
                    Value::String(s) => format!("`{s}`"),
                    other => format!("`{other}`"),
                };
                let name = value["name"].as_str().unwrap_or("");
                let doc = value["description"].as_str().unwrap_or("");
                text.push_str(&format!("\n- {wire} ({name}): {doc}"));
            }
            let mut schema = if ty["kind"] == "flags" {
                json!({ "type": "integer", "format": "int64" })
            } else {
                let wire: Vec<Value> = values.iter().map(|v| v["value"].clone()).collect();
                json!({ "type": "string", "enum": wire })
            };
            schema["description"] = Value::String(text.trim_start().to_owned());
            schema
        }
        _ => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for field in list(ty, "fields") {
                let Some(name) = field["name"].as_str() else {
                    continue;
                };
                let needed = field
                    .get("wire_required")
                    .or_else(|| field.get("required"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if needed {
                    required.push(Value::String(name.to_owned()));
                }
                properties.insert(
                    name.to_owned(),
                    described(
                        field["type"].as_str().unwrap_or("json"),
                        &with_decisions(
                            field["description"].as_str().unwrap_or(""),
                            &field["decision"],
                        ),
                        field.get("min_items"),
                    ),
                );
            }
            let mut schema = json!({ "type": "object", "properties": properties });
            if !required.is_empty() {
                schema["required"] = Value::Array(required);
            }
            if !description.is_empty() {
                schema["description"] = Value::String(description.to_owned());
            }
            schema
        }
    }
}

fn parameter(param: &Value, location: &str) -> Value {
    let mut out = json!({
        "name": param["name"],
        "in": location,
        "required": location == "path" || param["required"].as_bool().unwrap_or(false),
        "schema": type_expr(param["type"].as_str().unwrap_or("string")),
    });
    let text = with_decisions(
        param["description"].as_str().unwrap_or(""),
        &param["decision"],
    );
    if !text.is_empty() {
        out["description"] = Value::String(text);
    }
    out
}

fn json_content(body_type: &str, examples: &[Value]) -> Value {
    let mut media = json!({ "schema": schema_ref(body_type) });
    if !examples.is_empty() {
        let named: Map<String, Value> = examples
            .iter()
            .enumerate()
            .map(|(i, value)| (format!("example{}", i + 1), json!({ "value": value })))
            .collect();
        media["examples"] = Value::Object(named);
    }
    json!({ "application/json": media })
}

fn operation(op: &Value) -> Value {
    let mut out = json!({ "operationId": op["name"] });
    if let Some(text) = op["summary"].as_str().filter(|d| !d.is_empty()) {
        out["summary"] = Value::String(text.to_owned());
    }
    let text = with_decisions(op["description"].as_str().unwrap_or(""), &op["decisions"]);
    if !text.is_empty() {
        out["description"] = Value::String(text);
    }
    let mut parameters: Vec<Value> = list(op, "path_params")
        .iter()
        .map(|p| parameter(p, "path"))
        .collect();
    parameters.extend(
        list(op, "header_params")
            .iter()
            .map(|p| parameter(p, "header")),
    );
    if !parameters.is_empty() {
        out["parameters"] = Value::Array(parameters);
    }
    if let Some(body_type) = op["request_body"]["type"].as_str() {
        // Progenitor takes only application/json among the JSON media types, so a merge-patch
        // body (`application/merge-patch+json`) is written as application/json.
        out["requestBody"] = json!({
            "required": true,
            "content": json_content(body_type, list(&op["request_body"], "examples")),
        });
    }
    let mut responses = Map::new();
    for response in list(op, "responses") {
        let status = match &response["status"] {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => continue,
        };
        let mut entry = json!({
            "description": response["description"].as_str().unwrap_or(""),
        });
        if let Some(body) = response["body"].as_str() {
            entry["content"] = json_content(body, list(response, "examples"));
        }
        responses.insert(status, entry);
    }
    out["responses"] = Value::Object(responses);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{real_spec, scale_spec};

    #[test]
    fn every_operation_and_type_is_in_the_document() {
        let spec = scale_spec(&real_spec().unwrap(), 3);
        let doc = spec_to_openapi(&spec);
        assert_eq!(doc["openapi"], "3.0.3");
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert_eq!(schemas.len(), spec["types"].as_array().unwrap().len());
        let mut ids = Vec::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                ids.push(op["operationId"].as_str().unwrap().to_owned());
            }
        }
        ids.sort();
        let mut names: Vec<String> = spec["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|op| op["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        assert_eq!(ids, names);
    }

    #[test]
    fn shapes_follow_the_spec() {
        let doc = spec_to_openapi(&real_spec().unwrap());
        let schemas = &doc["components"]["schemas"];
        let spec_creation = &schemas["PoolSpecCreation"];
        // `network` is `required` in the table but `wire_required: false`.
        assert_eq!(
            spec_creation["required"],
            json!(["type", "scope", "resources"])
        );
        assert_eq!(spec_creation["properties"]["scope"]["minItems"], 1);
        assert_eq!(
            spec_creation["properties"]["scope"]["items"]["$ref"],
            "#/components/schemas/PoolScope"
        );
        assert_eq!(
            spec_creation["properties"]["driver"]["allOf"][0]["$ref"],
            "#/components/schemas/PoolDriver"
        );
        assert_eq!(schemas["BillingMode"]["enum"], json!(["0", "1"]));
        let network = spec_creation["properties"]["network"]["description"]
            .as_str()
            .unwrap();
        assert!(
            network.contains("\n\nDecision: The table marks network"),
            "{network}"
        );
        assert_eq!(schemas["ControlMode"]["type"], "integer");
        let delete = &doc["paths"]["/v2/{project_id}/pools/{pool_name}"]["delete"];
        assert_eq!(delete["operationId"], "delete_pool");
        assert_eq!(delete["parameters"][0]["in"], "path");
        assert_eq!(delete["parameters"][0]["required"], true);
        assert_eq!(delete["parameters"][2]["in"], "header");
        assert_eq!(
            delete["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ModelArtsError"
        );
    }
}
