//! The operations beyond pools and nodes, through the generated client in process on a clock of
//! the test's own: networks through their life, tags, plugins from their templates, workloads
//! and statistics from a fixed world (`examples/world.json`), order IDs.

use std::sync::Arc;
use std::time::Duration;

use modelarts_pools::models::ListWorkloadsStatus;
use modelarts_pools::{Client, Credentials, Error, ShowNetworkError};
use modelarts_pools_emulator::{Emulator, ManualClock, StateFile};
use modelarts_pools_runtime::server::Auth;
use modelarts_pools_runtime::transport::InProcess;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const TRANSITION: Duration = Duration::from_secs(60);
/// The pool of `examples/world.json`.
const POOL: &str = "demo-c1d1ffc3511f7aaee341754feff61800";

fn value<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn body<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

fn client(emulator: Emulator) -> Client {
    Client::builder()
        .endpoint("http://127.0.0.1:9")
        .project_id("demo")
        .credentials(Credentials::ak_sk("ak", "sk"))
        .transport(Arc::new(InProcess::new(
            Arc::new(emulator).router(Auth::None),
        )))
        .build()
        .unwrap()
}

/// The emulator on the fixed world, and its clock.
fn fixed_world() -> (Client, Arc<ManualClock>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/world.json");
    let world = StateFile::new(path).load().unwrap();
    let clock = Arc::new(ManualClock::new());
    let emulator = Emulator::with_clock(TRANSITION, clock.clone()).with_world(world);
    (client(emulator), clock)
}

#[tokio::test]
async fn a_network_is_created_active_patched_and_deleted() {
    let (c, clock) = fixed_world();
    let created = c
        .create_network(body(json!({
            "apiVersion": "v1", "kind": "Network",
            "metadata": { "labels": { "os.modelarts/name": "net-a" } },
            "spec": { "cidr": "192.168.0.0/16" },
        })))
        .send()
        .await
        .unwrap();
    let created = value(created.body);
    assert_eq!(created["status"]["phase"], "Creating");
    let name = created["metadata"]["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("net-a-"), "{name}");

    clock.advance(TRANSITION);
    let shown = value(c.show_network(&name).send().await.unwrap().body);
    assert_eq!(shown["status"]["phase"], "Active");
    let listed = value(
        c.list_networks()
            .label_selector("os.modelarts/name=net-a")
            .send()
            .await
            .unwrap()
            .body,
    );
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    let patched = c
        .patch_network(
            &name,
            body(json!({ "metadata": { "annotations": { "os.modelarts/description": "tried" } } })),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        value(patched.body)["metadata"]["annotations"]["os.modelarts/description"],
        "tried"
    );

    let deleted = value(c.delete_network(&name).send().await.unwrap().body);
    assert!(deleted["metadata"]["deletionTimestamp"].is_string());
    clock.advance(TRANSITION);
    match c.show_network(&name).send().await {
        Err(ShowNetworkError::NotFound(e)) => assert_eq!(e.error_code, "ModelArts.50015001"),
        other => panic!("expected 404, got {other:?}"),
    }
}

#[tokio::test]
async fn tags_are_added_listed_across_pools_and_removed() {
    let (c, _clock) = fixed_world();
    c.batch_create_pool_tags(
        POOL,
        body(json!({ "tags": [{ "key": "team", "value": "vision" }] })),
    )
    .send()
    .await
    .unwrap();
    let listed = value(c.list_pool_tags().send().await.unwrap().body);
    let keys: Vec<&str> = listed["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["model_version", "team", "test"]);

    c.batch_delete_pool_tags(POOL, body(json!({ "tags": [{ "key": "team" }] })))
        .send()
        .await
        .unwrap();
    let listed = value(
        c.list_pool_tags()
            .limit(1)
            .offset(1)
            .send()
            .await
            .unwrap()
            .body,
    );
    assert_eq!(
        listed["tags"],
        json!([{ "key": "test", "values": ["service-gpu"] }])
    );
}

#[tokio::test]
async fn a_plugin_is_made_from_a_template_of_the_catalog() {
    let (c, clock) = fixed_world();
    let templates = value(c.list_plugin_templates().send().await.unwrap().body);
    assert!(!templates["items"].as_array().unwrap().is_empty());
    let template = value(
        c.show_plugin_template("node-local-dns")
            .send()
            .await
            .unwrap()
            .body,
    );
    assert_eq!(template["metadata"]["name"], "node-local-dns");

    // The fixed world's pool has node-local-dns already.
    let err = c
        .create_pool_plugin(
            POOL,
            body(json!({ "apiVersion": "v2", "kind": "Plugin", "spec": { "template": { "name": "node-local-dns" } } })),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(Error::from(err).status().map(|s| s.as_u16()), Some(409));
    let unknown = c
        .create_pool_plugin(
            POOL,
            body(json!({ "apiVersion": "v2", "kind": "Plugin", "spec": { "template": { "name": "no-such-plugin" } } })),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(Error::from(unknown).status().map(|s| s.as_u16()), Some(400));

    clock.advance(TRANSITION);
    let plugins = value(c.list_pool_plugins(POOL).send().await.unwrap().body);
    assert_eq!(plugins["items"][0]["status"]["phase"], "Running");
}

#[tokio::test]
async fn workloads_and_statistics_come_from_what_the_world_holds() {
    let (c, _clock) = fixed_world();
    let running = value(
        c.list_workloads(POOL)
            .status(ListWorkloadsStatus::Running)
            .send()
            .await
            .unwrap()
            .body,
    );
    assert_eq!(running["items"].as_array().unwrap().len(), 1);
    let newest_first = value(
        c.list_workloads(POOL)
            .sort(modelarts_pools::models::ListWorkloadsSort::CreateTime)
            .ascend(false)
            .limit(2)
            .send()
            .await
            .unwrap()
            .body,
    );
    let statuses: Vec<&str> = newest_first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["Pending", "Running"]);

    let stats = value(c.show_workload_statistics(POOL).send().await.unwrap().body);
    assert_eq!(stats["statistics"]["total"], 2, "train and infer");
    let pools = value(c.show_pool_statistics().send().await.unwrap().body);
    assert_eq!(pools["statistics"]["status"]["created"], 1);
    let monitor = value(c.show_pool_monitor(POOL).send().await.unwrap().body);
    assert_eq!(
        monitor["metrics"][0]["metric"]["dimensions"][0]["value"],
        POOL
    );
    let metrics = value(c.show_pool_runtime_metrics().send().await.unwrap().body);
    assert_eq!(metrics["items"][0]["metadata"]["name"], POOL);

    let flavors = value(c.list_resource_flavors().send().await.unwrap().body);
    assert!(
        flavors["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["metadata"]["name"] == "modelarts.vm.cpu.8u"),
        "the flavor the world's pool uses is listed"
    );
    let template = value(
        c.show_node_config_template("base.template")
            .send()
            .await
            .unwrap()
            .body,
    );
    assert_eq!(template["metadata"]["name"], "base.template");
    let config = value(c.show_pool_node_config(POOL).send().await.unwrap().body);
    assert_eq!(config["status"]["phase"], "Running");
}

#[tokio::test]
async fn order_ids_are_made_for_pools_that_exist() {
    let (c, _clock) = fixed_world();
    let order = value(
        c.create_order_id(POOL, body(json!({ "actionType": "toPeriod" })))
            .send()
            .await
            .unwrap()
            .body,
    );
    assert_eq!(order["id"], "0000000002", "the world's serial goes on");
    let missing = c
        .create_order_id("no-such-pool", body(json!({})))
        .send()
        .await
        .unwrap_err();
    assert_eq!(Error::from(missing).status().map(|s| s.as_u16()), Some(404));
}
