//! The OpenAPI 3.0.3 document the generator publishes (`generated/openapi-3.0.json`), made for
//! any spec (such as a scaled one), so that other generators (cargo-progenitor) are measured on
//! the very document users would give them.
//!
//! Three changes are made for cargo-progenitor 0.15.1:
//!
//! - it refuses a request body whose only media type is `application/merge-patch+json`
//!   ("unexpected content type"): such bodies are offered as `application/json`, and progenitor
//!   generates those PATCH operations with plain JSON bodies;
//! - for an enumeration written as `enum` plus a `oneOf` of one-value schemas (which carry each
//!   value's title and meaning), typify emits a newtype and an enum of the same name, and the
//!   crate does not compile (E0428, 585 errors): the `oneOf` is dropped, the `enum` kept;
//! - it counts a `default` response among the success types, and with a documented 2xx of another
//!   body it panics (`assertion failed: response_types.len() <= 1`, progenitor-impl
//!   `method.rs:1220`): each operation's `default` response (the error answer any operation can
//!   give) is dropped, which leaves progenitor's client to treat those statuses as unexpected.
//!
//! Nothing else differs from the published document.

use serde_json::Value;

/// The published OpenAPI 3.0.3 document of `spec`, adapted as this module says.
pub fn spec_to_openapi(spec: &Value) -> Result<Value, String> {
    let text = serde_json::to_string(spec).map_err(|e| e.to_string())?;
    let api = codegen::load_api("spec.json", &text).map_err(|e| e.to_string())?;
    let (_, mut document) = codegen::emit::openapi_documents(&api)
        .into_iter()
        .find(|(name, _)| name == "openapi-3.0.json")
        .ok_or("the generator made no OpenAPI 3.0 document")?;
    adapt_for_progenitor(&mut document);
    Ok(document)
}

fn adapt_for_progenitor(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(body) = map.remove("application/merge-patch+json") {
                map.entry("application/json").or_insert(body);
            }
            if map.contains_key("enum") {
                map.remove("oneOf");
            }
            if let Some(Value::Object(responses)) = map.get_mut("responses") {
                responses.remove("default");
            }
            map.values_mut().for_each(adapt_for_progenitor);
        }
        Value::Array(items) => items.iter_mut().for_each(adapt_for_progenitor),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{real_spec, scale_spec};

    #[test]
    fn every_operation_is_in_the_document_and_no_merge_patch_is_left() {
        let spec = scale_spec(&real_spec().unwrap(), 3);
        let doc = spec_to_openapi(&spec).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        let mut ids = Vec::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    ids.push(id.to_owned());
                }
            }
        }
        assert_eq!(ids.len(), spec["operations"].as_array().unwrap().len());
        fn media_types(value: &Value, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::Object(content)) = map.get("content") {
                        out.extend(content.keys().cloned());
                    }
                    map.values().for_each(|v| media_types(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| media_types(v, out)),
                _ => {}
            }
        }
        let mut types = Vec::new();
        media_types(&doc, &mut types);
        assert!(!types.is_empty());
        assert!(types.iter().all(|t| t == "application/json"), "{types:?}");
        assert!(
            !doc.to_string().contains("\"oneOf\""),
            "an enum's oneOf is left"
        );
        assert!(
            !doc.to_string().contains("\"default\":{\"description\""),
            "a default response is left"
        );
        // Everything else is the published document: the real spec's unscaled one differs only
        // by those two adaptations.
        let real = spec_to_openapi(&real_spec().unwrap()).unwrap();
        let published: Value = serde_json::from_str(
            &std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../generated/openapi-3.0.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let mut expected = published;
        adapt_for_progenitor(&mut expected);
        assert_eq!(real, expected);
    }
}
