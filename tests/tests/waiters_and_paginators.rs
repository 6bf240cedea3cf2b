//! Waiting for a pool and following pages, with the generated client against the shared loopback
//! server. The waits run on virtual time (`WaiterConfig::virtual_time`): their pauses take no
//! real time, and the times they report are the sums of their pauses.

use std::time::Duration;

use futures_util::StreamExt;
use modelarts_pools::runtime::waiter::{WaiterConfig, WaiterError};
use modelarts_pools::{Client, Credentials};
use modelarts_pools_test_support::{Reply, Server};
use serde_json::json;

fn client(server: &Server) -> Client {
    Client::builder()
        .endpoint(server.endpoint())
        .project_id("p1")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .build()
        .unwrap()
}

fn quick() -> WaiterConfig {
    WaiterConfig::new(
        Duration::from_secs(5),
        Duration::from_secs(60),
        Duration::from_secs(3600),
    )
    .virtual_time()
}

fn pool(phase: &str) -> Reply {
    Reply::json(
        200,
        json!({ "kind": "Pool", "metadata": { "name": "pool-1" }, "status": { "phase": phase } })
            .to_string(),
    )
}

#[tokio::test]
async fn a_pool_is_awaited_until_running_with_progress_for_each_phase() {
    let server = Server::start([
        pool("Creating"),
        Reply::status(503),
        pool("Creating"),
        pool("Running"),
    ]);
    let mut seen = Vec::new();
    let running = client(&server)
        .wait_until_pool_running("pool-1")
        .config(quick())
        .on_progress(|p| seen.push(p.state.map(str::to_owned)))
        .wait()
        .await
        .unwrap();
    assert_eq!(running.status.unwrap().phase.unwrap().as_str(), "Running");
    // The 503 was retried inside the poll or waited through; either way every answer was used.
    assert_eq!(server.requests().len(), 4);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.path() == "/v2/p1/pools/pool-1" && r.method == "GET")
    );
    assert!(seen.iter().any(|s| s.as_deref() == Some("Creating")));
}

#[tokio::test]
async fn a_failure_phase_ends_the_wait_at_once_with_the_pool_as_last_seen() {
    let server = Server::start([pool("Creating"), pool("Abnormal"), pool("Running")]);
    let error = client(&server)
        .wait_until_pool_running("pool-1")
        .config(quick())
        .on_progress(|_| {})
        .wait()
        .await
        .unwrap_err();
    match &error {
        WaiterError::FailureState {
            state, last, polls, ..
        } => {
            assert_eq!((state.as_str(), *polls), ("Abnormal", 2));
            assert_eq!(
                last.metadata.as_ref().unwrap().name.as_deref(),
                Some("pool-1")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 2, "Running was never asked for");
    assert!(error.to_string().contains("Abnormal"), "{error}");
}

#[tokio::test]
async fn running_out_of_time_names_the_last_phase_and_the_polls() {
    let server = Server::start((0..200).map(|_| pool("Creating")));
    // A poll every 10 s (on virtual time) for 50 s.
    let error = client(&server)
        .wait_until_pool_running("pool-1")
        .config(
            WaiterConfig::new(
                Duration::from_secs(10),
                Duration::from_secs(10),
                Duration::from_secs(50),
            )
            .virtual_time(),
        )
        .on_progress(|_| {})
        .wait()
        .await
        .unwrap_err();
    match error {
        WaiterError::TimedOut {
            last_state,
            polls,
            waited,
            ..
        } => {
            assert_eq!(last_state.as_deref(), Some("Creating"));
            assert_eq!(polls as usize, server.requests().len());
            assert_eq!(waited, Duration::from_secs(50));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_deleted_pool_is_awaited_until_gone() {
    let not_found = Reply::json(
        404,
        r#"{"error_code":"ModelArts.50015001","error_msg":"pool not found"}"#,
    );
    let server = Server::start([pool("Deleting"), pool("Deleting"), not_found]);
    client(&server)
        .wait_until_pool_deleted("pool-1")
        .config(quick())
        .on_progress(|_| {})
        .wait()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn list_items_follow_the_continue_token_across_pages() {
    let page = |names: &[&str], next: Option<&str>| {
        let items: Vec<_> = names
            .iter()
            .map(|n| json!({ "metadata": { "name": n } }))
            .collect();
        let mut metadata = json!({});
        if let Some(next) = next {
            metadata["continue"] = json!(next);
        }
        Reply::json(
            200,
            json!({ "kind": "NodeList", "metadata": metadata, "items": items }).to_string(),
        )
    };
    let server = Server::start([
        page(&["n1", "n2"], Some("c2")),
        page(&["n3"], Some("c3")),
        page(&[], None),
    ]);
    let client = client(&server);
    let names: Vec<String> = client
        .list_pool_nodes("pool-1")
        .limit(2)
        .into_items()
        .map(|node| node.unwrap().metadata.unwrap().name.unwrap())
        .collect()
        .await;
    assert_eq!(names, ["n1", "n2", "n3"]);
    let queries: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.query().to_owned())
        .collect();
    assert_eq!(
        queries,
        ["limit=2", "continue=c2&limit=2", "continue=c3&limit=2"]
    );
}

/// A node pool list holding `np-1` in the given state (`None`: not listed), beside another pool.
fn node_pools(state: Option<&str>) -> Reply {
    let other = json!({ "metadata": { "name": "np-other" }, "status": { "resources": {} } });
    let mut items = vec![other];
    if let Some(state) = state {
        let resources = match state {
            "creating" => json!({ "creating": { "flavor": "f", "count": 1 } }),
            "deleting" => {
                json!({ "deleting": { "flavor": "f", "count": 1 }, "available": { "flavor": "f", "count": 1 } })
            }
            _ => json!({ "available": { "flavor": "f", "count": 2 } }),
        };
        items.push(json!({ "metadata": { "name": "np-1" }, "status": { "resources": resources } }));
    }
    Reply::json(
        200,
        json!({ "kind": "NodePoolList", "items": items }).to_string(),
    )
}

#[tokio::test]
async fn a_node_pool_is_picked_out_of_the_list_and_awaited_until_nothing_is_pending() {
    let server = Server::start([
        node_pools(Some("creating")),
        node_pools(Some("creating")),
        node_pools(Some("available")),
    ]);
    let mut states = Vec::new();
    let pool = client(&server)
        .wait_until_node_pool_ready("pool-1", "np-1")
        .config(quick())
        .on_progress(|p| states.push(p.state.map(str::to_owned)))
        .wait()
        .await
        .unwrap();
    assert_eq!(pool.metadata.unwrap().name.as_deref(), Some("np-1"));
    assert_eq!(
        states,
        [Some("Creating".to_owned()), Some("Creating".to_owned())]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.path() == "/v2/p1/pools/pool-1/nodepools")
    );
}

#[tokio::test]
async fn a_node_pool_that_leaves_the_list_is_deleted_or_gone() {
    let server = Server::start([node_pools(Some("deleting")), node_pools(None)]);
    client(&server)
        .wait_until_node_pool_deleted("pool-1", "np-1")
        .config(quick())
        .on_progress(|_| {})
        .wait()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);

    let server = Server::start([node_pools(Some("creating")), node_pools(None)]);
    match client(&server)
        .wait_until_node_pool_ready("pool-1", "np-1")
        .config(quick())
        .on_progress(|_| {})
        .wait()
        .await
    {
        Err(WaiterError::Gone { polls, .. }) => assert_eq!(polls, 2),
        other => panic!("{other:?}"),
    }
}
