//! Every operation's JSON examples, decoded by the generated types and encoded back unchanged.

use crate::common;

use modelarts_pools::models::*;
use serde_json::json;

#[test]
fn every_example_of_every_operation_round_trips() {
    let examples = common::examples();
    let places: Vec<&str> = examples
        .iter()
        .map(|(_, place, _)| place.as_str())
        .collect();
    // The seed documents' own examples are among them.
    for seed in [
        "create_pool request",
        "create_pool 400",
        "create_pool 409",
        "delete_pool 200",
        "delete_pool 404",
    ] {
        assert!(places.contains(&seed), "{seed} in {places:?}");
    }
    let mut failures = Vec::new();
    for (type_name, place, example) in &examples {
        let back = common::round_trip(type_name, example);
        if !common::same_json(&back, example) {
            failures.push(format!(
                "{place} ({type_name}):\n  sent {example}\n  back {back}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_round_trip_comparison_can_fail() {
    assert!(common::same_json(
        &json!({ "a": -1, "b": null }),
        &json!({ "a": -1.0 })
    ));
    assert!(!common::same_json(&json!({ "a": 1 }), &json!({ "a": 2 })));
    assert!(!common::same_json(
        &json!({ "a": 1 }),
        &json!({ "a": 1, "b": 0 })
    ));
    assert!(!common::same_json(&json!(["x"]), &json!(["x", "y"])));
}

#[test]
fn the_delete_example_decodes_into_typed_values() {
    let (_, _, example) = common::examples()
        .into_iter()
        .find(|(_, p, _)| p == "delete_pool 200")
        .unwrap();
    let pool: DeletePoolResponse = serde_json::from_value(example).unwrap();
    assert_eq!(pool.kind, Some(PoolKind::Pool));
    let metadata = pool.metadata.as_ref().unwrap();
    assert_eq!(
        metadata.name.as_deref(),
        Some("auto-pool-os-86c13962597848eeb29c5861153a391f")
    );
    let labels = metadata.labels.as_ref().unwrap();
    assert_eq!(
        labels.os_modelarts_resource_id.as_deref(),
        Some("maos-auto-pool-os-72w8d")
    );
    let annotations = metadata.annotations.as_ref().unwrap();
    assert_eq!(
        annotations.os_modelarts_billing_mode,
        Some(BillingMode::PayPerUse)
    );
    let spec = pool.spec.as_ref().unwrap();
    assert_eq!(spec.type_, Some(PoolType::Dedicate));
    assert_eq!(
        spec.scope.as_deref(),
        Some(&[PoolScope::Train, PoolScope::Infer][..])
    );
    let status = pool.status.as_ref().unwrap();
    assert_eq!(status.phase, Some(PoolPhase::Running));
    let available = status
        .resources
        .as_ref()
        .unwrap()
        .available
        .as_ref()
        .unwrap();
    assert_eq!(available[0].flavor.as_deref(), Some("modelarts.vm.cpu.4ud"));
    let azs = available[0].azs.as_ref().unwrap();
    assert_eq!(
        (azs[0].az.as_deref(), azs[0].count),
        (Some("cn-north-7c"), Some(2))
    );
    let scope = status.scope.as_ref().unwrap();
    assert_eq!(scope[1].scope_type, Some(PoolScope::Infer));
    assert_eq!(scope[1].state, Some(ScopeState::Enabled));
}

#[test]
fn fields_and_enum_values_a_newer_service_adds_survive_a_round_trip() {
    let body = json!({
        "kind": "Pool",
        "apiVersion": "v3",
        "metadata": { "name": "p", "labels": { "os.modelarts/name": "n", "os.modelarts/future.label": "abc" } },
        "spec": { "type": "Hybrid", "scope": ["Train", "Batch"], "controlMode": 41, "futureNetwork": { "mode": "overlay" } },
        "status": { "phase": "Frozen", "futureClusters": [ { "name": "c1" } ], "resources": { "available": [], "pending": [ { "flavor": "f" } ] } }
    });
    let pool: CreatePoolResponse = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(pool.api_version, Some(ApiVersion::from("v3")));
    assert!(!pool.api_version.as_ref().unwrap().is_known());
    let labels = pool.metadata.as_ref().unwrap().labels.as_ref().unwrap();
    assert_eq!(
        labels
            .unknown_fields
            .get_value("os.modelarts/future.label")
            .unwrap()
            .unwrap(),
        json!("abc")
    );
    let spec = pool.spec.as_ref().unwrap();
    assert_eq!(spec.type_.as_ref().map(PoolType::as_str), Some("Hybrid"));
    assert!(
        matches!(&spec.scope.as_ref().unwrap()[1], PoolScope::Unknown(v) if v.as_str() == "Batch")
    );
    assert!(spec.unknown_fields.contains_key("futureNetwork"));
    let control = spec.control_mode.unwrap();
    assert!(
        control.contains(ControlMode::FROZEN)
            && control.contains(ControlMode::PERIOD_CONVERSION_RESTRICTED)
    );
    assert_eq!(control.bits(), 41, "the unnamed bit 32 is kept");
    let status = pool.status.as_ref().unwrap();
    assert_eq!(status.phase, Some(PoolPhase::from("Frozen")));
    assert!(status.unknown_fields.contains_key("futureClusters"));
    assert_eq!(serde_json::to_value(&pool).unwrap(), body);
}

#[test]
fn responses_accept_every_field_absent_and_null() {
    let empty: DeletePoolResponse = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, DeletePoolResponse::default());
    let nulls: DeletePoolResponse =
        serde_json::from_str(r#"{"kind": null, "spec": null, "status": {"resources": null}}"#)
            .unwrap();
    assert_eq!(nulls.kind, None);
    assert_eq!(nulls.status.unwrap().resources, None);
}

#[test]
fn decoding_errors_name_the_field() {
    let err = serde_json::from_str::<DeletePoolResponse>(
        r#"{"spec": {"resources": [{"count": "two"}]}}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid type: string \"two\", expected i64"),
        "{err}"
    );
    let err = serde_json::from_str::<CreatePoolRequest>(r#"{"apiVersion": "v2", "kind": "Pool"}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("missing field `metadata`"),
        "{err}"
    );
    let err = serde_json::from_str::<ModelArtsError>(r#"{"error_code": "a", "error_code": "b"}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("duplicate field `error_code`"),
        "{err}"
    );
}

#[test]
fn optional_request_fields_are_not_serialized_when_absent() {
    let request = CreatePoolRequest::new(
        ApiVersion::V2,
        PoolKind::Pool,
        PoolMetadataCreation::new(PoolLabelsCreation::new("pool-001".into())),
    );
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({ "apiVersion": "v2", "kind": "Pool", "metadata": { "labels": { "os.modelarts/name": "pool-001" } } })
    );
}
