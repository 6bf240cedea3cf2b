//! The OpenAPI documents: `openapi.json` (3.1, whose component schemas are the published JSON
//! Schemas' own, draft 2020-12) and `openapi-3.0.json` (the same API rendered for tools that read
//! only 3.0.3: nullable instead of a null type, enum instead of const, rules as `x-rules`).

use serde_json::{Map, Value, json};

use super::schema::{Refs, type_schema, value_schema};
use crate::model::{Api, MediaType, Operation, ParamKind, Response, Scalar, TypeRef};
use crate::naming;

/// `(file name, document)` for both versions.
pub fn openapi_documents(api: &Api) -> Vec<(String, Value)> {
    let document = openapi_3_1(api);
    let older = to_3_0(&document);
    vec![
        ("openapi.json".to_owned(), document),
        ("openapi-3.0.json".to_owned(), older),
    ]
}

fn openapi_3_1(api: &Api) -> Value {
    let schemas: Map<String, Value> = api
        .types
        .iter()
        .map(|entry| {
            (
                entry.name.clone(),
                type_schema(api, entry, Refs::Components),
            )
        })
        .collect();
    let mut paths: Map<String, Value> = Map::new();
    for op in &api.operations {
        let item = paths
            .entry(op.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(op.method.as_str().to_ascii_lowercase(), operation(api, op));
        }
    }
    let mut document = Map::new();
    document.insert("openapi".into(), json!("3.1.0"));
    document.insert(
        "info".into(),
        json!({
            "title": api.service.title,
            "description": api.service.description,
            "version": "0.1.0",
        }),
    );
    if let Some(endpoint) = &api.service.endpoint {
        document.insert("servers".into(), json!([server(endpoint)]));
    }
    document.insert(
        "security".into(),
        json!([{ "akSk": [] }, { "iamToken": [] }]),
    );
    document.insert("paths".into(), Value::Object(paths));
    document.insert(
        "components".into(),
        json!({
            "schemas": schemas,
            "securitySchemes": {
                "akSk": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Huawei Cloud AK/SK signing (SDK-HMAC-SHA256): `Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=…, Signature=…`, an HMAC-SHA256 with the secret key over the canonical request (method, path, sorted query, signed headers, SHA-256 of the body), with the time in `X-Sdk-Date` (YYYYMMDDTHHMMSSZ, UTC); temporary credentials add `X-Security-Token`.",
                },
                "iamToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Auth-Token",
                    "description": "An IAM user token, instead of an AK/SK signature.",
                },
            },
        }),
    );
    Value::Object(document)
}

/// `https://modelarts.{region}.myhuaweicloud.com` becomes a server with a `region` variable.
fn server(endpoint: &str) -> Value {
    let mut variables = Map::new();
    let mut rest = endpoint;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + end];
        variables.insert(name.to_owned(), json!({ "default": "cn-north-4" }));
        rest = &rest[start + end + 1..];
    }
    let mut server = Map::new();
    server.insert("url".into(), json!(endpoint));
    if !variables.is_empty() {
        server.insert("variables".into(), Value::Object(variables));
    }
    Value::Object(server)
}

fn scalar_schema(ty: Scalar) -> Value {
    match ty {
        Scalar::String => json!({ "type": "string" }),
        Scalar::Integer => json!({ "type": "integer" }),
        Scalar::Int32 => json!({ "type": "integer", "format": "int32" }),
        Scalar::Number => json!({ "type": "number" }),
        Scalar::Boolean => json!({ "type": "boolean" }),
    }
}

fn operation(api: &Api, op: &Operation) -> Value {
    let mut object = Map::new();
    let operation_id = op
        .operation_id
        .clone()
        .or_else(|| naming::upper_camel_case(&op.name))
        .unwrap_or_else(|| op.name.clone());
    object.insert("operationId".into(), json!(operation_id));
    if !op.summary.is_empty() {
        object.insert("summary".into(), json!(op.summary));
    }
    let mut description = op.description.clone();
    for decision in &op.decisions {
        description.push_str(&format!("\n\nDecision: {decision}"));
    }
    if !description.is_empty() {
        object.insert("description".into(), json!(description.trim()));
    }
    let parameters: Vec<Value> = op
        .params
        .iter()
        .map(|param| {
            let place = match param.kind {
                ParamKind::Path | ParamKind::ClientSetting(_) => "path",
                ParamKind::Query => "query",
                ParamKind::Header => "header",
            };
            let schema = if param.repeated {
                json!({ "type": "array", "items": scalar_schema(param.ty) })
            } else {
                scalar_schema(param.ty)
            };
            let mut parameter = json!({
                "name": param.wire_name,
                "in": place,
                "required": param.required,
                "schema": schema,
            });
            if !param.description.is_empty() {
                parameter["description"] = json!(param.description);
            }
            if param.repeated {
                parameter["style"] = json!("form");
                parameter["explode"] = json!(true);
            }
            parameter
        })
        .collect();
    if !parameters.is_empty() {
        object.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(body) = &op.request_body {
        let media = match body.media_type {
            MediaType::Json => "application/json",
            MediaType::MergePatch => MediaType::MergePatch.as_str(),
        };
        object.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "content": { media: media_object(api, &TypeRef::Named(body.ty), &body.examples) },
            }),
        );
    }
    let mut responses = Map::new();
    responses.insert(op.success.status.to_string(), response(api, &op.success));
    for error in &op.errors {
        responses.insert(
            error.response.status.to_string(),
            response(api, &error.response),
        );
    }
    object.insert("responses".into(), Value::Object(responses));
    object.insert("x-rust-method".into(), json!(op.name));
    Value::Object(object)
}

fn media_object(api: &Api, ty: &TypeRef, examples: &[Value]) -> Value {
    let mut media = Map::new();
    media.insert("schema".into(), value_schema(api, ty, Refs::Components));
    if !examples.is_empty() {
        let examples: Map<String, Value> = examples
            .iter()
            .enumerate()
            .map(|(i, value)| (format!("example{}", i + 1), json!({ "value": value })))
            .collect();
        media.insert("examples".into(), Value::Object(examples));
    }
    Value::Object(media)
}

fn response(api: &Api, response: &Response) -> Value {
    let description = if response.description.is_empty() {
        http::StatusCode::from_u16(response.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("response")
            .to_owned()
    } else {
        response.description.clone()
    };
    let mut object = Map::new();
    object.insert("description".into(), json!(description));
    match response.body {
        // A 204 (No Content) carries no body (RFC 9110 §15.3.5), whatever the definition says:
        // servers cannot send one and clients read none. The type is kept as an extension.
        Some(body) if response.status == 204 => {
            object.insert(
                "x-definition-body".into(),
                json!(format!("#/components/schemas/{}", api.ty(body).name)),
            );
        }
        Some(body) => {
            object.insert(
                "content".into(),
                json!({ "application/json": media_object(api, &TypeRef::Named(body), &response.examples) }),
            );
        }
        None => {}
    }
    Value::Object(object)
}

/// The 3.1 document rendered as OpenAPI 3.0.3: schemas lose the JSON Schema 2020-12 keywords
/// 3.0 does not have, keeping their meaning in `nullable`, `enum` and `x-` extensions.
fn to_3_0(document: &Value) -> Value {
    let mut document = document.clone();
    document["openapi"] = json!("3.0.3");
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            schema_3_0(schema);
        }
    }
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut() {
                for pointer in ["/requestBody/content"] {
                    if let Some(content) = op.pointer_mut(pointer).and_then(Value::as_object_mut) {
                        for media in content.values_mut() {
                            if let Some(schema) = media.get_mut("schema") {
                                schema_3_0(schema);
                            }
                        }
                    }
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for response in responses.values_mut() {
                        if let Some(content) =
                            response.get_mut("content").and_then(Value::as_object_mut)
                        {
                            for media in content.values_mut() {
                                if let Some(schema) = media.get_mut("schema") {
                                    schema_3_0(schema);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    document
}

pub(super) fn schema_3_0(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(comment) = object.remove("$comment") {
        object.insert("x-comment".into(), comment);
    }
    // 3.0's `required` needs at least one name.
    if object
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        object.remove("required");
    }
    // A 3.0 Reference Object has nothing beside `$ref`: a described reference becomes `allOf`.
    if object.len() > 1
        && let Some(reference) = object.remove("$ref")
    {
        object.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
    if let Some(value) = object.remove("const") {
        object.insert("enum".into(), json!([value]));
    }
    // `anyOf: [T, {type: null}]` (a merge-patch member that may be null) → T, nullable.
    if let Some(Value::Array(any_of)) = object.get("anyOf") {
        let nulls = any_of
            .iter()
            .filter(|s| s.get("type") == Some(&json!("null")))
            .count();
        if nulls == 1 && any_of.len() == 2 {
            let other = any_of
                .iter()
                .find(|s| s.get("type") != Some(&json!("null")))
                .cloned()
                .unwrap_or(json!({}));
            object.remove("anyOf");
            object.insert("allOf".into(), json!([other]));
            object.insert("nullable".into(), json!(true));
        }
    }
    // Rules are `if`/`then` (3.0 has neither): kept as an extension, stated in prose.
    if let Some(Value::Array(all_of)) = object.get("allOf")
        && all_of
            .iter()
            .any(|s| s.get("if").is_some() || s.get("$comment").is_some())
        && object.get("type") == Some(&json!("object"))
    {
        let rules = object.remove("allOf").unwrap_or(Value::Null);
        object.insert("x-rules".into(), rules);
    }
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "properties" | "$defs" => {
                if let Value::Object(children) = value {
                    for child in children.values_mut() {
                        schema_3_0(child);
                    }
                }
            }
            "items" | "additionalProperties" => schema_3_0(value),
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(children) = value {
                    for child in children {
                        schema_3_0(child);
                    }
                }
            }
            _ => {}
        }
    }
}
