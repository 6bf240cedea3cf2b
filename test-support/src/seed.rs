//! The seed document's examples, read from the repository's spec as users would read them: the
//! create-pool request the tests send and the answers the scripted servers give.

use serde_json::Value;

/// The repository's spec, `spec/modelarts-pools.json`.
pub fn spec() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/modelarts-pools.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn operation(spec: &Value, name: &str) -> Value {
    spec["operations"]
        .as_array()
        .expect("the spec has operations")
        .iter()
        .find(|op| op["name"] == name)
        .unwrap_or_else(|| panic!("the spec has no operation {name}"))
        .clone()
}

/// The first example of `create_pool`'s request body.
pub fn create_pool_request() -> Value {
    let example = &operation(&spec(), "create_pool")["request_body"]["examples"][0];
    assert!(example.is_object(), "create_pool has a request example");
    example.clone()
}

/// The first example of `operation`'s answer with `status`.
pub fn response(operation_name: &str, status: u16) -> Value {
    let op = operation(&spec(), operation_name);
    let example = &op["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .find(|r| r["status"] == status)
        .unwrap_or_else(|| panic!("{operation_name} has no {status} response"))["examples"][0];
    assert!(
        !example.is_null(),
        "{operation_name}'s {status} response has an example"
    );
    example.clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_seed_examples_are_there() {
        let request = super::create_pool_request();
        assert_eq!(request["kind"], "Pool");
        assert!(request["spec"]["resources"].is_array(), "{request}");
        let deleted = super::response("delete_pool", 200);
        assert!(deleted["metadata"]["name"].is_string(), "{deleted}");
    }
}
