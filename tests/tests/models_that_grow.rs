//! The generated models as another crate sees them: every type is `#[non_exhaustive]`, so a
//! user's code (its own tests included) makes values with `new`/`Default` and public field
//! assignment, never a struct literal, and a member the service adds later breaks nothing.
//! What does not compile from outside (a struct literal, an exhaustive `match`) is checked by the
//! doc tests in `tests/src/lib.rs`.

use crate::server;

use modelarts_pools::Client;
use modelarts_pools::Credentials;
use modelarts_pools::models::*;
use serde_json::json;
use server::{AK, PROJECT, SK, Server, json_reply};

/// A response value as a user's test would make it, to serve from a fake service.
fn running_pool() -> PoolModel {
    let mut metadata = PoolMetadata::new();
    metadata.name = Some("pool-a".into());
    let mut status = PoolStatus::default();
    status.phase = Some(PoolPhase::Running);
    status.message = Some("ready".into());
    let mut pool = PoolModel::new();
    pool.api_version = Some(ApiVersion::V2);
    pool.kind = Some(PoolKind::Pool);
    pool.metadata = Some(metadata);
    pool.status = Some(status);
    pool
}

#[test]
fn response_types_are_built_with_new_and_field_assignment_and_round_trip() {
    let pool = running_pool();
    let wire = serde_json::to_value(&pool).unwrap();
    assert_eq!(
        wire,
        json!({
            "apiVersion": "v2",
            "kind": "Pool",
            "metadata": { "name": "pool-a" },
            "status": { "phase": "Running", "message": "ready" }
        })
    );
    let back: PoolModel = serde_json::from_value(wire).unwrap();
    assert_eq!(back, pool);
    // `new()` and `Default` are the same empty value, which writes nothing.
    assert_eq!(PoolModel::new(), PoolModel::default());
    assert_eq!(serde_json::to_string(&PoolModel::new()).unwrap(), "{}");
}

#[test]
fn request_types_take_required_members_in_new_and_optional_ones_as_fields() {
    let mut labels = PoolLabelsCreation::new("pool-001".into());
    labels.unknown_fields = serde_json::from_str(r#"{"later":1}"#).unwrap();
    let request = CreatePoolRequest::new(
        ApiVersion::V2,
        PoolKind::Pool,
        PoolMetadataCreation::new(labels),
    );
    let wire = serde_json::to_value(&request).unwrap();
    assert_eq!(wire["metadata"]["labels"]["later"], json!(1));
    assert_eq!(
        serde_json::from_value::<CreatePoolRequest>(wire).unwrap(),
        request
    );
}

#[test]
fn a_match_on_an_enumeration_has_a_wildcard_arm() {
    let phase = |p: &PoolPhase| match p {
        PoolPhase::Running => "up",
        PoolPhase::Creating => "coming",
        PoolPhase::Unknown(_) => "unknown to this version",
        // Required outside the crate: a value added later lands here until it is matched.
        _ => "other",
    };
    assert_eq!(phase(&PoolPhase::Running), "up");
    assert_eq!(
        phase(&PoolPhase::from("Hibernating")),
        "unknown to this version"
    );
    assert_eq!(phase(&PoolPhase::Deleting), "other");
}

#[tokio::test]
async fn a_value_built_in_a_test_is_served_and_read_back_by_the_client() {
    let pool = running_pool();
    let server = Server::start([json_reply(200, &serde_json::to_string(&pool).unwrap())]);
    let client = Client::builder()
        .endpoint(server.endpoint())
        .project_id(PROJECT)
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap();
    let answer = client.show_pool("pool-a").send().await.unwrap().body;
    assert_eq!(answer, pool);
    assert_eq!(server.only().path(), format!("/v2/{PROJECT}/pools/pool-a"));
}
