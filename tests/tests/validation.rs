//! The cross-field rules the tables state, enforced by `validate()` with the JSON path of the
//! offending member.

use modelarts_pools::models::*;
use serde_json::json;

fn request(body: serde_json::Value) -> CreatePoolRequest {
    serde_json::from_value(body).expect("the body decodes")
}

/// The seed document's create-pool request, which breaks no rule.
fn seed_request() -> serde_json::Value {
    modelarts_pools_test_support::seed::create_pool_request()
}

fn refusal(body: serde_json::Value) -> (String, Option<&'static str>) {
    let err = request(body)
        .validate()
        .expect_err("the request breaks a rule");
    (err.path, err.rule)
}

#[test]
fn the_seed_request_is_valid() {
    request(seed_request()).validate().unwrap();
}

#[test]
fn yearly_monthly_needs_period_and_order() {
    let mut body = seed_request();
    body["metadata"]["annotations"]["os.modelarts/billing.mode"] = json!("1");
    assert_eq!(
        refusal(body.clone()),
        (
            "$.metadata.annotations['os.modelarts/period.type']".into(),
            Some("yearly-monthly-needs-period-and-order")
        )
    );
    body["metadata"]["annotations"]["os.modelarts/period.type"] = json!("2");
    body["metadata"]["annotations"]["os.modelarts/period.num"] = json!("1");
    assert_eq!(
        refusal(body.clone()).0,
        "$.metadata.annotations['os.modelarts/order.id']"
    );
    body["metadata"]["annotations"]["os.modelarts/order.id"] = json!("CS2211");
    request(body).validate().unwrap();
}

#[test]
fn a_dedicated_pool_needs_a_network_and_a_logical_one_does_not() {
    let mut body = seed_request();
    body["spec"].as_object_mut().unwrap().remove("network");
    assert_eq!(
        refusal(body.clone()),
        ("$.spec.network".into(), Some("dedicate-needs-network"))
    );
    body["spec"]["type"] = json!("Logical");
    request(body).validate().unwrap();
}

#[test]
fn max_count_equals_count_in_a_dedicated_pool() {
    let mut body = seed_request();
    body["spec"]["resources"] = json!([ { "flavor": "a", "count": 2, "maxCount": 2 }, { "flavor": "b", "count": 2, "maxCount": 3 } ]);
    assert_eq!(
        refusal(body.clone()),
        (
            "$.spec.resources[1].maxCount".into(),
            Some("dedicate-max-count-equals-count")
        )
    );
    body["spec"]["type"] = json!("Logical");
    request(body).validate().unwrap();
}

#[test]
fn at_least_one_scope_and_one_resource() {
    let mut body = seed_request();
    body["spec"]["scope"] = json!([]);
    assert_eq!(refusal(body).0, "$.spec.scope");
    let mut body = seed_request();
    body["spec"]["resources"] = json!([]);
    assert_eq!(refusal(body).0, "$.spec.resources");
}

#[test]
fn validation_errors_read_well() {
    let mut body = seed_request();
    body["spec"].as_object_mut().unwrap().remove("network");
    let err = request(body).validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "$.spec.network: network is required when type is \"Dedicate\" (physical pool)."
    );
}
