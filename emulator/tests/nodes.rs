//! The batch node actions on the in-process transport: what `list_pool_nodes` (and
//! `list_node_pool_nodes`) shows before and after each action's transition time.

use std::sync::Arc;
use std::time::Duration;

use modelarts_pools::{Client, Credentials, Error};
use modelarts_pools_emulator::{Emulator, ManualClock};
use modelarts_pools_runtime::server::Auth;
use modelarts_pools_runtime::transport::InProcess;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const TRANSITION: Duration = Duration::from_secs(60);
const FLAVOR: &str = "modelarts.vm.cpu.8u";

fn emulator() -> (Client, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let emulator = Emulator::with_clock(TRANSITION, clock.clone());
    let router = modelarts_pools::server::router(Arc::new(emulator), Auth::None);
    let client = Client::builder()
        // Never connected to: the transport carries every request.
        .endpoint("http://127.0.0.1:9")
        .project_id("p1")
        .credentials(Credentials::ak_sk("ak", "sk"))
        .transport(Arc::new(InProcess::new(router)))
        .build()
        .unwrap();
    (client, clock)
}

fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// A pool named `label` with `count` nodes, settled.
async fn pool(c: &Client, clock: &ManualClock, label: &str, count: i64) -> String {
    let created = c
        .create_pool(body(json!({
            "apiVersion": "v2", "kind": "Pool",
            "metadata": { "labels": { "os.modelarts/name": label } },
            "spec": {
                "type": "Dedicate", "scope": ["Train"],
                "resources": [{ "flavor": FLAVOR, "count": count, "maxCount": count }],
                "network": { "name": "net-demo" },
            },
        })))
        .send()
        .await
        .unwrap();
    clock.advance(TRANSITION);
    created.body.metadata.unwrap().name.unwrap()
}

/// The pool's nodes as JSON, by name.
async fn nodes(c: &Client, pool: &str) -> Vec<Value> {
    let list = c.list_pool_nodes(pool).send().await.unwrap().body;
    let list = serde_json::to_value(list).unwrap();
    list["items"].as_array().cloned().unwrap_or_default()
}

/// `(name, phase)` of each node.
async fn phases(c: &Client, pool: &str) -> Vec<(String, String)> {
    nodes(c, pool)
        .await
        .iter()
        .map(|n| {
            (
                n["metadata"]["name"].as_str().unwrap().to_owned(),
                n["status"]["phase"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn names(c: &Client, pool: &str) -> Vec<String> {
    phases(c, pool).await.into_iter().map(|(n, _)| n).collect()
}

async fn spec_count(c: &Client, pool: &str, flavor: &str) -> i64 {
    let shown = serde_json::to_value(c.show_pool(pool).send().await.unwrap().body).unwrap();
    shown["spec"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["flavor"] == flavor)
        .map(|r| r["count"].as_i64().unwrap())
        .unwrap_or(0)
}

fn status_of<E>(result: Result<impl std::fmt::Debug, E>) -> u16
where
    Error: From<E>,
{
    let err = Error::from(result.map(|_| ()).unwrap_err());
    err.api().expect("an answer").status.as_u16()
}

#[tokio::test]
async fn deleted_nodes_are_deleting_then_gone_and_not_made_again() {
    let (c, clock) = emulator();
    let p = pool(&c, &clock, "del", 3).await;
    let all = names(&c, &p).await;
    assert_eq!(all.len(), 3);

    c.batch_delete_pool_nodes(&p, body(json!({ "deleteNodeNames": [all[0]] })))
        .send()
        .await
        .unwrap();
    let shown = phases(&c, &p).await;
    assert_eq!(shown[0], (all[0].clone(), "Deleting".into()));
    assert_eq!(shown[1].1, "Available");
    assert_eq!(spec_count(&c, &p, FLAVOR).await, 2);

    clock.advance(TRANSITION);
    assert_eq!(names(&c, &p).await, all[1..].to_vec());

    // A resize of the pool afterwards counts from the reduced spec.
    c.patch_pool(
        &p,
        body(json!({ "spec": { "resources": [
        { "flavor": FLAVOR, "count": 2, "maxCount": 2 }
    ] } })),
    )
    .send()
    .await
    .unwrap();
    clock.advance(TRANSITION);
    assert_eq!(names(&c, &p).await, all[1..].to_vec());

    // Unknown nodes, the last node, a missing pool.
    let unknown = c
        .batch_delete_pool_nodes(&p, body(json!({ "deleteNodeNames": ["no-such-node"] })))
        .send()
        .await;
    assert_eq!(status_of(unknown), 400);
    let every = c
        .batch_delete_pool_nodes(&p, body(json!({ "deleteNodeNames": all[1..] })))
        .send()
        .await;
    assert_eq!(status_of(every), 400);
    let missing = c
        .batch_delete_pool_nodes("no-pool", body(json!({ "deleteNodeNames": [all[1]] })))
        .send()
        .await;
    assert_eq!(status_of(missing), 404);
    assert_eq!(names(&c, &p).await, all[1..].to_vec());
}

#[tokio::test]
async fn rebooted_and_reset_nodes_come_back_available_after_the_transition() {
    let (c, clock) = emulator();
    let p = pool(&c, &clock, "boot", 3).await;
    let all = names(&c, &p).await;

    let rebooted = c
        .batch_reboot_pool_nodes(&p, body(json!({ "nodeNames": [all[0]] })))
        .send()
        .await
        .unwrap()
        .body;
    assert_eq!(rebooted.node_names, Some(vec![all[0].clone()]));
    let job = c
        .batch_reset_pool_nodes(
            &p,
            body(json!({
                "nodeNames": [all[1]],
                "rollingConfig": { "maxUnavailable": 1, "strategy": "RollingByNumber" },
            })),
        )
        .send()
        .await
        .unwrap()
        .body;
    assert!(job.job_id.is_some_and(|j| !j.is_empty()));
    let shown = phases(&c, &p).await;
    assert_eq!(shown[0].1, "Checking");
    assert_eq!(shown[1].1, "Creating");
    assert_eq!(shown[2].1, "Available");

    clock.advance(TRANSITION / 2);
    assert_eq!(phases(&c, &p).await[0].1, "Checking");
    clock.advance(TRANSITION / 2);
    assert!(
        phases(&c, &p)
            .await
            .iter()
            .all(|(_, phase)| phase == "Available")
    );

    let unknown = c
        .batch_reboot_pool_nodes(&p, body(json!({ "nodeNames": [all[0], "ghost"] })))
        .send()
        .await;
    assert_eq!(status_of(unknown), 400);
    // Nothing half done: the known node was not rebooted.
    assert_eq!(phases(&c, &p).await[0].1, "Available");
}

#[tokio::test]
async fn locked_actions_are_kept_and_refuse_the_action() {
    let (c, clock) = emulator();
    let p = pool(&c, &clock, "lock", 2).await;
    let all = names(&c, &p).await;

    let locked = c
        .batch_lock_pool_nodes(
            &p,
            body(json!({ "actions": ["delete"], "nodeNames": [all[0], "ghost"] })),
        )
        .send()
        .await
        .unwrap()
        .body;
    let locked = serde_json::to_value(locked).unwrap();
    assert_eq!(
        locked["nodes"],
        json!([{ "name": all[0], "status": "success" }, { "name": "ghost", "status": "failed" }])
    );
    let node = &nodes(&c, &p).await[0];
    assert_eq!(
        node["metadata"]["labels"]["os.modelarts.node/locked.actions"],
        "delete"
    );
    let refused = c
        .batch_delete_pool_nodes(&p, body(json!({ "deleteNodeNames": [all[0]] })))
        .send()
        .await;
    assert_eq!(status_of(refused), 400);

    c.batch_unlock_pool_nodes(
        &p,
        body(json!({ "actions": ["delete"], "nodeNames": [all[0]] })),
    )
    .send()
    .await
    .unwrap();
    assert!(nodes(&c, &p).await[0]["metadata"].get("labels").is_none());
    c.batch_delete_pool_nodes(&p, body(json!({ "deleteNodeNames": [all[0]] })))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn updated_nodes_keep_their_tags_and_driver() {
    let (c, clock) = emulator();
    let p = pool(&c, &clock, "upd", 2).await;
    let all = names(&c, &p).await;

    let answer = c
        .batch_update_pool_nodes(
            &p,
            body(json!({
                "action": "createTags",
                "nodeNames": [all[0], "ghost"],
                "tags": [{ "key": "team", "value": "a" }],
                "driver": { "version": "535.54" },
            })),
        )
        .send()
        .await
        .unwrap()
        .body;
    assert_eq!(answer.success_node_names, Some(vec![json!(all[0])]));
    assert_eq!(answer.fail_node_names, Some(vec!["ghost".to_owned()]));
    let node = &nodes(&c, &p).await[0];
    assert_eq!(
        node["spec"]["tags"],
        json!([{ "key": "team", "value": "a" }])
    );
    assert_eq!(node["spec"]["driver"]["version"], "535.54");

    c.batch_update_pool_nodes(&p, body(json!({
        "action": "deleteTags", "nodeNames": [all[0]], "tags": [{ "key": "team", "value": "a" }],
    })))
    .send()
    .await
    .unwrap();
    c.batch_update_pool_nodes(
        &p,
        body(json!({ "action": "openHaRedundant", "nodeNames": [all[0]] })),
    )
    .send()
    .await
    .unwrap();
    let node = &nodes(&c, &p).await[0];
    assert!(node["spec"].get("tags").is_none());
    assert_eq!(
        node["metadata"]["labels"]["os.modelarts.node/ha.redundant"],
        "NoSchedule"
    );
}

#[tokio::test]
async fn resized_nodes_take_the_target_flavor_and_the_spec_follows() {
    let (c, clock) = emulator();
    let p = pool(&c, &clock, "rsz", 2).await;
    let all = names(&c, &p).await;
    let big = "modelarts.vm.cpu.16u";

    c.batch_resize_pool_nodes(
        &p,
        body(json!({
            "nodes": [{ "batchUID": all[0] }],
            "source": { "flavor": FLAVOR },
            "target": { "flavor": big, "nodePool": "np-big" },
        })),
    )
    .send()
    .await
    .unwrap();
    let shown = nodes(&c, &p).await;
    assert_eq!(shown[0]["spec"]["flavor"], big);
    assert_eq!(shown[0]["status"]["phase"], "Checking");
    assert_eq!(
        shown[0]["metadata"]["labels"]["os.modelarts.node/nodepool"],
        "np-big"
    );
    assert_eq!(shown[1]["spec"]["flavor"], FLAVOR);
    assert_eq!(spec_count(&c, &p, FLAVOR).await, 1);
    assert_eq!(spec_count(&c, &p, big).await, 1);
    clock.advance(TRANSITION);
    assert!(
        phases(&c, &p)
            .await
            .iter()
            .all(|(_, phase)| phase == "Available")
    );
    assert_eq!(names(&c, &p).await, all);

    let wrong = c
        .batch_resize_pool_nodes(
            &p,
            body(json!({
                "nodes": [{ "batchUID": all[0] }],
                "source": { "flavor": FLAVOR },
                "target": { "flavor": big, "nodePool": "np-big" },
            })),
        )
        .send()
        .await;
    assert_eq!(status_of(wrong), 400);
}

#[tokio::test]
async fn migrated_nodes_leave_for_the_target_pool() {
    let (c, clock) = emulator();
    let from = pool(&c, &clock, "from", 3).await;
    let to = pool(&c, &clock, "to", 1).await;
    let all = names(&c, &from).await;

    let job = c
        .batch_migrate_pool_nodes(
            &from,
            body(json!({
                "fromClusterName": from, "toClusterName": to, "toPoolName": to,
                "migrateNodeNames": [all[0]],
                "resourceSpec": { "flavor": FLAVOR },
            })),
        )
        .send()
        .await
        .unwrap()
        .body;
    assert!(job.job_id.is_some());
    assert_eq!(names(&c, &from).await, all[1..].to_vec());
    assert_eq!(spec_count(&c, &from, FLAVOR).await, 2);
    let there = phases(&c, &to).await;
    assert_eq!(there.len(), 2);
    assert!(there.contains(&(all[0].clone(), "Creating".into())));
    assert_eq!(spec_count(&c, &to, FLAVOR).await, 2);
    clock.advance(TRANSITION);
    assert!(
        phases(&c, &to)
            .await
            .iter()
            .all(|(_, phase)| phase == "Available")
    );
}

#[tokio::test]
async fn bound_nodes_are_listed_with_their_node_pool() {
    let (c, clock) = emulator();
    let p = pool(&c, &clock, "bind", 3).await;
    let all = names(&c, &p).await;
    c.create_node_pool(
        &p,
        body(json!({
            "apiVersion": "v2", "kind": "NodePool",
            "metadata": { "name": "np1" },
            "spec": { "resources": { "flavor": FLAVOR, "count": 1, "maxCount": 1 } },
        })),
    )
    .send()
    .await
    .unwrap();

    c.batch_bind_pool_nodes(&p, body(json!({
        "nodes": [{ "name": all[0], "quotaName": "np1" }, { "name": all[2], "quotaName": "np1" }],
    })))
    .send()
    .await
    .unwrap();
    let listed = |limit: Option<&str>, token: Option<String>| {
        let mut call = c.list_node_pool_nodes(&p, "np1");
        if let Some(limit) = limit {
            call = call.limit(limit);
        }
        if let Some(token) = token {
            call = call.continue_(token);
        }
        call.send()
    };
    let first = listed(Some("1"), None).await.unwrap().body;
    let first = serde_json::to_value(first).unwrap();
    assert_eq!(first["items"][0]["metadata"]["name"], all[0]);
    let token = first["metadata"]["continue"].as_str().unwrap().to_owned();
    let second = serde_json::to_value(listed(Some("1"), Some(token)).await.unwrap().body).unwrap();
    assert_eq!(second["items"][0]["metadata"]["name"], all[2]);
    // The node made for the node pool comes last.
    let token = second["metadata"]["continue"].as_str().unwrap().to_owned();
    let third = serde_json::to_value(listed(Some("1"), Some(token)).await.unwrap().body).unwrap();
    let made = third["items"][0]["metadata"]["name"].as_str().unwrap();
    assert!(!all.iter().any(|n| n == made), "{made}");
    assert!(third["metadata"].get("continue").is_none());

    assert_eq!(status_of(listed(Some("many"), None).await), 400);
    let missing = c.list_node_pool_nodes(&p, "no-np").send().await;
    assert_eq!(status_of(missing), 404);

    // Unbinding (an empty quotaName) takes the node out of the node pool's list.
    c.batch_bind_pool_nodes(
        &p,
        body(json!({ "nodes": [{ "name": all[0], "quotaName": "" }] })),
    )
    .send()
    .await
    .unwrap();
    let after = serde_json::to_value(listed(None, None).await.unwrap().body).unwrap();
    assert_eq!(after["items"].as_array().unwrap().len(), 2);
    let unknown = c
        .batch_bind_pool_nodes(
            &p,
            body(json!({ "nodes": [{ "name": "ghost", "quotaName": "np1" }] })),
        )
        .send()
        .await;
    assert_eq!(status_of(unknown), 400);
}

#[tokio::test]
async fn a_node_pool_has_its_count_of_nodes() {
    let (c, clock) = emulator();
    let p = pool(&c, &clock, "np", 1).await;
    let pool_nodes = names(&c, &p).await;
    c.create_node_pool(
        &p,
        body(json!({
            "apiVersion": "v2", "kind": "NodePool",
            "metadata": { "name": "np2" },
            "spec": { "resources": { "flavor": FLAVOR, "count": 2, "maxCount": 2 } },
        })),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(in_np(&c, &p).await, ["Creating", "Creating"]);
    assert_eq!(names(&c, &p).await.len(), 3);
    clock.advance(TRANSITION);
    assert_eq!(in_np(&c, &p).await, ["Available", "Available"]);

    // The pool's own resize leaves the node pool's nodes alone.
    c.patch_pool(
        &p,
        body(json!({ "spec": { "resources": [
        { "flavor": FLAVOR, "count": 1, "maxCount": 1 }
    ] } })),
    )
    .send()
    .await
    .unwrap();
    clock.advance(TRANSITION);
    assert_eq!(names(&c, &p).await.len(), 3);

    // Deleting one of its nodes lowers the node pool's count, not the pool's.
    let made: Vec<String> = names(&c, &p)
        .await
        .into_iter()
        .filter(|n| !pool_nodes.contains(n))
        .collect();
    c.batch_delete_pool_nodes(&p, body(json!({ "deleteNodeNames": [made[1]] })))
        .send()
        .await
        .unwrap();
    clock.advance(TRANSITION);
    assert_eq!(in_np(&c, &p).await, ["Available"]);
    assert_eq!(spec_count(&c, &p, FLAVOR).await, 1);
    let listed = serde_json::to_value(c.list_node_pools(&p).send().await.unwrap().body).unwrap();
    assert_eq!(listed["items"][0]["spec"]["resources"]["count"], 1);

    // A patch of its count makes nodes; its deletion takes them.
    c.patch_node_pool(
        &p,
        "np2",
        body(json!({ "spec": { "resources": { "flavor": FLAVOR, "count": 3, "maxCount": 3 } } })),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(in_np(&c, &p).await, ["Available", "Creating", "Creating"]);
    c.delete_node_pool(&p, "np2").send().await.unwrap();
    assert!(
        phases(&c, &p)
            .await
            .iter()
            .filter(|(_, ph)| ph == "Deleting")
            .count()
            == 3
    );
    clock.advance(TRANSITION);
    assert_eq!(names(&c, &p).await, pool_nodes);
}

/// The phases of the nodes of the node pool `np2`.
async fn in_np(c: &Client, pool: &str) -> Vec<String> {
    let list = c
        .list_node_pool_nodes(pool, "np2")
        .send()
        .await
        .unwrap()
        .body;
    let list = serde_json::to_value(list).unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["status"]["phase"].as_str().unwrap().to_owned())
        .collect()
}
