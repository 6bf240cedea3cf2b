//! The emulator as a user meets it: its router on 127.0.0.1 port 0, driven by the generated
//! client with AK/SK signatures, through a pool's whole life; and the binary's interface.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use modelarts_pools::models::{CreatePoolRequest, PatchPoolRequest};
use modelarts_pools::runtime::waiter::WaiterConfig;
use modelarts_pools::{Client, CreatePoolError, Credentials, Error, ShowPoolError};
use modelarts_pools_emulator::{Emulator, ManualClock};
use modelarts_pools_runtime::server::Auth;
use serde_json::json;

const AK: &str = "emulator-ak";
const SK: &str = "emulator-sk";

/// How long the emulator's changes take to settle. Its clock moves only when a test moves it, so
/// the length is only what the tests move it by.
const TRANSITION: Duration = Duration::from_secs(60);

/// Serves an emulator on a clock of its own; its endpoint, and the clock.
async fn serve(auth: Auth) -> (String, Arc<ManualClock>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let clock = Arc::new(ManualClock::new());
    let emulator = Emulator::with_clock(TRANSITION, clock.clone());
    let app = modelarts_pools::server::router(Arc::new(emulator), auth);
    tokio::spawn(async move {
        modelarts_pools_runtime::server::axum::serve(listener, app)
            .await
            .unwrap()
    });
    (format!("http://{address}"), clock)
}

fn signed() -> Auth {
    Auth::AkSk {
        ak: AK.into(),
        sk: SK.into(),
    }
}

fn client(endpoint: &str, sk: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .project_id("p1")
        .credentials(Credentials::ak_sk(AK, sk))
        .build()
        .unwrap()
}

/// Polls one after the other: what moves the pool on is the emulator's clock, which the tests
/// move between polls (from the waiter's progress callback). The limit only stops a wait that
/// would never end.
fn back_to_back() -> WaiterConfig {
    WaiterConfig::new(Duration::ZERO, Duration::ZERO, Duration::from_secs(30))
}

/// The seed document's create-pool request, named `label`, with `count` nodes of one flavor.
fn create_request(label: &str, count: i64) -> CreatePoolRequest {
    let mut body = modelarts_pools_test_support::seed::create_pool_request();
    body["metadata"]["labels"]["os.modelarts/name"] = json!(label);
    body["spec"]["resources"] =
        json!([{ "flavor": "modelarts.vm.cpu.8u", "count": count, "maxCount": count }]);
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn a_pool_lives_from_create_through_resize_to_gone() {
    let (endpoint, clock) = serve(signed()).await;
    let c = client(&endpoint, SK);

    let created = c
        .create_pool(create_request("life", 3))
        .send()
        .await
        .unwrap()
        .body;
    let name = created.metadata.unwrap().name.unwrap();
    let (label, suffix) = name.rsplit_once('-').unwrap();
    assert_eq!(label, "life");
    assert_eq!(suffix.len(), 32);
    assert!(suffix.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
    assert_eq!(created.status.unwrap().phase.unwrap().as_str(), "Creating");

    // Until its time has come the pool stays Creating, however often it is shown.
    clock.advance(TRANSITION - Duration::from_secs(1));
    let shown = serde_json::to_value(c.show_pool(&name).send().await.unwrap().body).unwrap();
    assert_eq!(shown["status"]["phase"], "Creating");

    let mut phases = Vec::new();
    let running = c
        .wait_until_pool_running(&name)
        .config(back_to_back())
        .on_progress(|p| {
            phases.push(p.state.map(str::to_owned));
            clock.advance(Duration::from_secs(1));
        })
        .wait()
        .await
        .unwrap();
    assert_eq!(phases, [Some("Creating".to_owned())]);
    let status = serde_json::to_value(running.status.unwrap()).unwrap();
    assert_eq!(status["phase"], "Running");
    assert_eq!(
        status["resources"]["available"],
        json!([{ "flavor": "modelarts.vm.cpu.8u", "count": 3 }])
    );

    // Nodes, page by page.
    let nodes: Vec<String> = c
        .list_pool_nodes(&name)
        .limit(2)
        .into_items()
        .map(|n| n.unwrap().metadata.unwrap().name.unwrap())
        .collect()
        .await;
    assert_eq!(nodes.len(), 3);
    assert!(nodes[0].starts_with(&name));

    // A resize shows in spec at once, and in status once it has settled.
    let patch: PatchPoolRequest = serde_json::from_value(json!({
        "spec": { "resources": [{ "flavor": "modelarts.vm.cpu.8u", "count": 5, "maxCount": 5 }] }
    }))
    .unwrap();
    let patched = serde_json::to_value(
        c.patch_pool(&name, patch.clone())
            .send()
            .await
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(patched["spec"]["resources"][0]["count"], 5);
    assert_eq!(patched["status"]["resources"]["available"][0]["count"], 3);
    clock.advance(TRANSITION - Duration::from_secs(1));
    let shown = serde_json::to_value(c.show_pool(&name).send().await.unwrap().body).unwrap();
    assert_eq!(shown["status"]["resources"]["available"][0]["count"], 3);
    clock.advance(Duration::from_secs(1));
    let shown = serde_json::to_value(c.show_pool(&name).send().await.unwrap().body).unwrap();
    assert_eq!(shown["status"]["resources"]["available"][0]["count"], 5);

    // Listing with filters.
    let listed = c
        .list_pools()
        .label_selector("os.modelarts/name=life")
        .send()
        .await
        .unwrap()
        .body;
    assert_eq!(listed.items.unwrap_or_default().len(), 1);
    let none = c
        .list_pools()
        .label_selector("os.modelarts/name=other")
        .send()
        .await
        .unwrap()
        .body;
    assert!(none.items.unwrap_or_default().is_empty());

    let deleting = c.delete_pool(&name).send().await.unwrap().body;
    let deleting = serde_json::to_value(deleting).unwrap();
    assert_eq!(deleting["status"]["phase"], "Deleting");
    let mut phases = Vec::new();
    c.wait_until_pool_deleted(&name)
        .config(back_to_back())
        .on_progress(|p| {
            phases.push(p.state.map(str::to_owned));
            clock.advance(TRANSITION);
        })
        .wait()
        .await
        .unwrap();
    assert_eq!(phases, [Some("Deleting".to_owned())]);
    match c.show_pool(&name).send().await {
        Err(ShowPoolError::NotFound(api)) => assert_eq!(api.error_code, "ModelArts.50015001"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_name_in_use_is_a_conflict() {
    let (endpoint, _clock) = serve(signed()).await;
    let c = client(&endpoint, SK);
    c.create_pool(create_request("twice", 1))
        .send()
        .await
        .unwrap();
    match c.create_pool(create_request("twice", 1)).send().await {
        Err(CreatePoolError::Conflict(api)) => assert_eq!(api.error_code, "ModelArts.50015000"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_or_missing_signature_is_refused_as_the_gateway_does() {
    let (endpoint, _clock) = serve(signed()).await;
    let err = Error::from(
        client(&endpoint, "wrong")
            .show_pool("x")
            .send()
            .await
            .unwrap_err(),
    );
    let api = err.api().expect("an answer");
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(api.error_code, "APIGW.0301");

    let token = Client::builder()
        .endpoint(&endpoint)
        .project_id("p1")
        .credentials(Credentials::iam_token("not-signed"))
        .build()
        .unwrap();
    let err = Error::from(token.list_pools().send().await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn a_malformed_body_is_a_400_naming_the_problem() {
    let (endpoint, _clock) = serve(Auth::None).await;
    let address = endpoint.trim_start_matches("http://").to_owned();
    let body =
        r#"{"apiVersion": "v2", "kind": "Pool", "metadata": {"labels": {"os.modelarts/name": 7}}}"#;
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "POST /v2/p1/pools HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        text
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let json: serde_json::Value =
        serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(json["error_code"], "ModelArts.50004000");
    let message = json["error_msg"].as_str().unwrap();
    assert!(
        message.contains("$.metadata.labels['os.modelarts/name']"),
        "{message}"
    );
}

#[test]
fn the_binary_says_where_it_listens_and_answers_there() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_modelarts-pools-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--no-auth",
            "--transition-ms",
            "10",
        ])
        .env_remove("HUAWEICLOUD_SDK_AK")
        .env_remove("HUAWEICLOUD_SDK_SK")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let endpoint = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listed = runtime.block_on(async { client(&endpoint, SK).list_pools().send().await });
    let _ = child.kill();
    let _ = child.wait();
    assert!(listed.unwrap().body.items.unwrap_or_default().is_empty());

    // Without a key pair or --no-auth it refuses to start, saying what to give.
    let out = Command::new(env!("CARGO_BIN_EXE_modelarts-pools-emulator"))
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("HUAWEICLOUD_SDK_AK")
        .env_remove("HUAWEICLOUD_SDK_SK")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-auth"));
}
