//! The OpenAPI documents: `openapi.json` (3.1, whose component schemas are the published JSON
//! Schemas' own, draft 2020-12) and `openapi-3.0.json` (the same API for tools that read only
//! 3.0.3), both rendered by one walk over the model with the version as a parameter; the schema
//! keywords each version has are [`Dialect`]'s.

use serde_json::{Map, Value, json};

use super::schema::{Dialect, Refs, primitive_schema, type_schema, value_schema};
use crate::model::{
    Answer, Api, EndpointVariable, MediaType, Operation, ParamKind, Response, TypeRef,
};
use crate::runtime::AUTH_SCHEMES;

/// A version of OpenAPI the documents are written for.
#[derive(Clone, Copy)]
enum Version {
    V3_1,
    V3_0,
}

impl Version {
    fn number(self) -> &'static str {
        match self {
            Version::V3_1 => "3.1.0",
            Version::V3_0 => "3.0.3",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Version::V3_1 => "openapi.json",
            Version::V3_0 => "openapi-3.0.json",
        }
    }

    fn refs(self) -> Refs {
        Refs::Components(match self {
            Version::V3_1 => Dialect::JsonSchema2020,
            Version::V3_0 => Dialect::OpenApi30,
        })
    }
}

/// `(file name, document)` for both versions.
pub fn openapi_documents(api: &Api) -> Vec<(String, Value)> {
    [Version::V3_1, Version::V3_0]
        .into_iter()
        .map(|version| (version.file_name().to_owned(), document(api, version)))
        .collect()
}

fn document(api: &Api, version: Version) -> Value {
    let refs = version.refs();
    let schemas: Map<String, Value> = api
        .types
        .iter()
        .map(|entry| (entry.name.clone(), type_schema(api, entry, refs)))
        .collect();
    let mut paths: Map<String, Value> = Map::new();
    for op in &api.operations {
        let item = paths
            .entry(op.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(
                op.method.as_str().to_ascii_lowercase(),
                operation(api, op, refs),
            );
        }
    }
    let mut document = Map::new();
    document.insert("openapi".into(), json!(version.number()));
    document.insert(
        "info".into(),
        json!({
            "title": api.service.title,
            "description": api.service.description,
            "version": api.service.version,
        }),
    );
    if let Some(endpoint) = &api.service.endpoint {
        document.insert(
            "servers".into(),
            json!([server(endpoint, &api.service.endpoint_variables)]),
        );
    }
    let security: Vec<Value> = AUTH_SCHEMES
        .iter()
        .map(|scheme| json!({ scheme.name: [] }))
        .collect();
    document.insert("security".into(), Value::Array(security));
    document.insert("paths".into(), Value::Object(paths));
    let schemes: Map<String, Value> = AUTH_SCHEMES
        .iter()
        .map(|scheme| {
            (
                scheme.name.to_owned(),
                json!({
                    "type": "apiKey",
                    "in": "header",
                    "name": scheme.header,
                    "description": scheme.description,
                }),
            )
        })
        .collect();
    document.insert(
        "components".into(),
        json!({ "schemas": schemas, "securitySchemes": schemes }),
    );
    Value::Object(document)
}

/// The endpoint as a server, its `{variable}`s with their defaults.
fn server(endpoint: &str, variables: &[EndpointVariable]) -> Value {
    let mut server = Map::new();
    server.insert("url".into(), json!(endpoint));
    if !variables.is_empty() {
        let variables: Map<String, Value> = variables
            .iter()
            .map(|v| (v.name.clone(), json!({ "default": v.default })))
            .collect();
        server.insert("variables".into(), Value::Object(variables));
    }
    Value::Object(server)
}

fn operation(api: &Api, op: &Operation, refs: Refs) -> Value {
    let mut object = Map::new();
    object.insert("operationId".into(), json!(op.operation_id));
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
            // An enumerated parameter refers to its enum's component schema (a Reference
            // Object is a parameter's schema in 3.0 and 3.1 alike).
            let item = match param.enum_type {
                Some(id) => value_schema(api, &TypeRef::Named(id), refs),
                None => primitive_schema(param.ty),
            };
            let schema = if param.repeated {
                json!({ "type": "array", "items": item })
            } else {
                item
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
                "content": { media: media_object(api, &TypeRef::Named(body.ty), &body.examples, refs) },
            }),
        );
    }
    let mut responses = Map::new();
    let mut success = response(api, &op.success, refs);
    if !op.links.is_empty() {
        let links: Map<String, Value> = op
            .links
            .iter()
            .map(|link| {
                let target = &api.operations[link.operation];
                (
                    target.operation_id.clone(),
                    json!({ "operationId": target.operation_id, "parameters": link.parameters }),
                )
            })
            .collect();
        success["links"] = Value::Object(links);
    }
    responses.insert(op.success.status.to_string(), success);
    for error in &op.errors {
        responses.insert(
            error.response.status.to_string(),
            response(api, &error.response, refs),
        );
    }
    if let Some(errors) = &api.default_errors {
        responses.insert(
            "default".into(),
            json!({
                "description": errors.description,
                "content": { "application/json": media_object(api, &TypeRef::Named(errors.body), &[], refs) },
            }),
        );
    }
    object.insert("responses".into(), Value::Object(responses));
    object.insert("x-rust-method".into(), json!(op.name));
    Value::Object(object)
}

fn media_object(api: &Api, ty: &TypeRef, examples: &[Value], refs: Refs) -> Value {
    let mut media = Map::new();
    media.insert("schema".into(), value_schema(api, ty, refs));
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

fn response(api: &Api, response: &Response, refs: Refs) -> Value {
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
    match response.answer() {
        Answer::MaybeBody(body) => {
            object.insert(
                "x-definition-body".into(),
                json!(format!("#/components/schemas/{}", api.ty(body).name)),
            );
        }
        Answer::Body(body) => {
            object.insert(
                "content".into(),
                json!({ "application/json": media_object(api, &TypeRef::Named(body), &response.examples, refs) }),
            );
        }
        Answer::Nothing => {}
    }
    Value::Object(object)
}
