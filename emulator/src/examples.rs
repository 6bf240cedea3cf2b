//! The definitions' own examples, from the published document (`modelarts_pools::OPENAPI`): what
//! the emulator serves where the service holds a catalog it does not describe (plugin templates,
//! resource flavors, node configuration templates).

use std::sync::OnceLock;

use serde_json::Value;

/// The first example of `operation_id`'s success answer (`Null` if it has none).
pub fn success_example(operation_id: &str) -> Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    let document =
        DOCUMENT.get_or_init(|| serde_json::from_str(modelarts_pools::OPENAPI).unwrap_or_default());
    document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .find(|op| op["operationId"] == operation_id)
        .and_then(|op| op["responses"].as_object())
        .and_then(|responses| {
            responses
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .map(|(_, response)| response)
        })
        .and_then(|response| response["content"]["application/json"]["examples"].as_object())
        .and_then(|examples| examples.values().next())
        .map(|example| example["value"].clone())
        .unwrap_or(Value::Null)
}
