//! End-to-end tests of the client against a scripted HTTP server on 127.0.0.1.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use modelarts_pools_test_support::{Reply, Server};

use crate::{
    Client, Credentials, Error, ErrorInfo, Hook, Method, OperationRequest, RequestInfo,
    ResponseInfo, RetryPolicy, TransportErrorKind,
};

/// A JSON answer carrying `X-Request-Id: rid-123`.
fn json(status: u16, body: &str) -> Reply {
    Reply::json(status, body).header("X-Request-Id", "rid-123")
}

/// Far longer than any call here may take; reaching it means the call hung.
const HANG_LIMIT: Duration = Duration::from_secs(30);

/// Awaits `call`, failing the test should it not finish within [`HANG_LIMIT`].
async fn within_limit<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG_LIMIT, call)
        .await
        .unwrap_or_else(|_| panic!("the call did not finish within {HANG_LIMIT:?}"))
}

fn fast_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(10),
    }
}

fn client(endpoint: &str, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .project_id("proj-1")
        .credentials(credentials)
        .retry(fast_retry(3))
        .build()
        .unwrap()
}

fn show_pool(pool: &str) -> OperationRequest {
    let mut r = OperationRequest::new("ShowPool", Method::GET);
    r.push_literal("v2");
    r.push_param("project_id", "proj-1").unwrap();
    r.push_literal("pools");
    r.push_param("pool_name", pool).unwrap();
    r
}

#[tokio::test]
async fn signed_post_matches_what_arrives() {
    let server = Server::start([json(200, r#"{"metadata":{"name":"pool-abc"}}"#)]);
    let c = client(
        &server.endpoint(),
        Credentials::temporary("AKTEST", "SKTEST", "STTOKEN"),
    );
    let mut r = OperationRequest::new("CreatePool", Method::POST);
    r.push_literal("v2");
    r.push_param("project_id", "proj-1").unwrap();
    r.push_literal("pools");
    r.push_param("pool_name", "a/b?c#d %é..").unwrap();
    r.query("limit", "10");
    r.query("labelSelector", "os.modelarts/name=x y");
    r.header("X-ModelArts-User-ID", "user-7").unwrap();
    r.json_body(&serde_json::json!({"kind": "Pool", "name": "池"}))
        .unwrap();
    let resp = c.execute::<serde_json::Value>(r).await.unwrap();
    assert_eq!(resp.status, crate::StatusCode::OK);
    assert_eq!(resp.request_id.as_deref(), Some("rid-123"));
    assert_eq!(resp.body["metadata"]["name"], "pool-abc");

    let got = server.requests();
    assert_eq!(got.len(), 1);
    let req = &got[0];
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.target,
        "/v2/proj-1/pools/a%2Fb%3Fc%23d%20%25%C3%A9..?limit=10&labelSelector=os.modelarts%2Fname%3Dx%20y"
    );
    assert_eq!(req.all("host").len(), 1);
    assert_eq!(
        req.header("host"),
        Some(format!("127.0.0.1:{}", server.port()).as_str())
    );
    assert_eq!(
        req.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(req.header("x-project-id"), Some("proj-1"));
    assert_eq!(req.header("x-security-token"), Some("STTOKEN"));
    assert_eq!(req.header("x-modelarts-user-id"), Some("user-7"));
    assert!(req.header("x-auth-token").is_none());
    let auth = req.header("authorization").unwrap();
    assert!(
        auth.contains(
            "SignedHeaders=content-type;host;x-modelarts-user-id;x-project-id;x-sdk-date;x-security-token,"
        ),
        "{auth}"
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&req.body).unwrap()["name"],
        "池"
    );
    req.verify_signature("AKTEST", "SKTEST");
}

#[tokio::test]
async fn iam_token_is_sent_unsigned() {
    let server = Server::start([json(200, "{}")]);
    let c = client(&server.endpoint(), Credentials::iam_token("MIItoken"));
    c.execute::<serde_json::Value>(show_pool("p1"))
        .await
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header("x-auth-token"), Some("MIItoken"));
    assert!(req.header("authorization").is_none());
    assert!(req.header("x-sdk-date").is_none());
    assert!(req.header("x-project-id").is_none());
    assert!(req.header("content-type").is_none());
    assert_eq!(req.target, "/v2/proj-1/pools/p1");
}

#[tokio::test]
async fn idempotent_calls_retry_503_and_resign() {
    let server = Server::start([
        Reply::status(503).header("Retry-After", "100").body("busy"),
        json(429, r#"{"error_code":"APIG.0308","error_msg":"throttled"}"#),
        json(200, r#"{"ok":true}"#),
    ]);
    let c = client(&server.endpoint(), Credentials::ak_sk("AK", "SK"));
    let resp = c
        .execute::<serde_json::Value>(show_pool("p1"))
        .await
        .unwrap();
    assert_eq!(resp.body["ok"], true);
    let got = server.requests();
    assert_eq!(got.len(), 3);
    for req in &got {
        req.verify_signature("AK", "SK");
    }
}

#[tokio::test]
async fn non_idempotent_calls_do_not_retry_503() {
    let server = Server::start([
        json(503, r#"{"error_code":"X","error_msg":"down"}"#),
        json(200, "{}"),
    ]);
    let c = client(&server.endpoint(), Credentials::ak_sk("AK", "SK"));
    let mut r = OperationRequest::new("CreatePool", Method::POST);
    r.push_literal("v2");
    r.json_body(&serde_json::json!({})).unwrap();
    let err = c.execute::<serde_json::Value>(r).await.unwrap_err();
    assert_eq!(err.status(), Some(crate::StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn api_errors_carry_code_message_request_id_and_documentation() {
    let server = Server::start([json(
        409,
        r#"{"error_code":"ModelArts.50015000","error_msg":"Pool already exists."}"#,
    )]);
    let c = client(&server.endpoint(), Credentials::ak_sk("AK", "SK"));
    let mut r = OperationRequest::new("CreatePool", Method::POST);
    r.push_literal("v2");
    r.documented_errors(&[(400, "Bad request"), (409, "The pool already exists")]);
    r.json_body(&serde_json::json!({})).unwrap();
    let err = c.execute::<serde_json::Value>(r).await.unwrap_err();
    let api = err.api().expect("api error");
    assert_eq!(api.error_code, "ModelArts.50015000");
    assert_eq!(api.documented, Some("The pool already exists"));
    assert_eq!(api.operation, "CreatePool");
    assert_eq!(err.request_id(), Some("rid-123"));
    assert_eq!(
        err.to_string(),
        "HTTP 409 Conflict: ModelArts.50015000: Pool already exists. (request id rid-123)"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = Server::start([
        Reply::redirect(302, "http://127.0.0.1:1/steal").header("X-Request-Id", "r3"),
        json(200, "{}"),
    ]);
    let c = client(&server.endpoint(), Credentials::ak_sk("AK", "SK"));
    let err = c
        .execute::<serde_json::Value>(show_pool("p1"))
        .await
        .unwrap_err();
    match &err {
        Error::Transport(t) => {
            assert_eq!(t.kind(), TransportErrorKind::Redirect);
            assert_eq!(t.status(), Some(crate::StatusCode::FOUND));
            assert_eq!(t.location(), Some("http://127.0.0.1:1/steal"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.request_id(), Some("r3"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn large_bodies_are_refused() {
    let big = "x".repeat(2000);
    // 10 chunks of 500 bytes.
    let chunked = Reply::status(200)
        .header("Content-Type", "application/json")
        .body("y".repeat(5000))
        .chunked(500);
    let server = Server::start([json(200, &big), chunked]);
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .max_response_bytes(1000)
        .build()
        .unwrap();
    for _ in 0..2 {
        let err = c
            .execute::<serde_json::Value>(show_pool("p1"))
            .await
            .unwrap_err();
        match &err {
            Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::BodyTooLarge, "{t}"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_body_in_many_chunks_is_put_together() {
    let items: Vec<String> = (0..300).map(|i| format!("pool-{i}")).collect();
    let text = serde_json::json!({ "items": items }).to_string();
    // Chunks of 500 bytes: the body comes in pieces, and one piece alone is not JSON.
    let chunked = Reply::status(200)
        .header("Content-Type", "application/json")
        .body(text.clone())
        .chunked(500);
    let server = Server::start([chunked, json(200, &text)]);
    let c = client(&server.endpoint(), Credentials::ak_sk("AK", "SK"));
    for _ in 0..2 {
        let answer = c
            .execute::<serde_json::Value>(show_pool("p1"))
            .await
            .unwrap();
        assert_eq!(answer.body["items"].as_array().map(Vec::len), Some(300));
        assert_eq!(answer.body["items"][299], "pool-299");
    }
}

#[tokio::test]
async fn a_calls_attempt_timeout_replaces_the_clients() {
    let server = Server::start([Reply::hang()]);
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .timeout(Duration::from_secs(600))
        .retry(fast_retry(1))
        .build()
        .unwrap();
    let mut request = show_pool("p1");
    request.overrides(crate::CallOverrides::default().attempt_timeout(Duration::from_millis(200)));
    let err = within_limit(c.execute::<serde_json::Value>(request))
        .await
        .unwrap_err();
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Timeout, "{t}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn non_json_and_bad_json_success_bodies_are_decode_errors() {
    let server = Server::start([
        Reply::status(200)
            .header("Content-Type", "text/html")
            .body("<html>login</html>"),
        json(200, r#"{"items": [1, "two"]}"#),
        json(200, ""),
        Reply::status(204),
    ]);
    let c = client(&server.endpoint(), Credentials::ak_sk("AK", "SK"));
    let err = c
        .execute::<serde_json::Value>(show_pool("p1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.message.contains("text/html")),
        "{err:?}"
    );

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Items {
        items: Vec<u32>,
    }
    let err = c.execute::<Items>(show_pool("p1")).await.unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.path.as_deref(), Some("$.items[1]"));
            assert_eq!(d.request_id.as_deref(), Some("rid-123"));
            assert!(d.snippet.contains("two"));
        }
        other => panic!("{other:?}"),
    }
    let err = c.execute::<Items>(show_pool("p1")).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)));
    let resp = c.execute::<()>(show_pool("p1")).await.unwrap();
    assert_eq!(resp.status, crate::StatusCode::NO_CONTENT);
}

#[derive(Default)]
struct Recorder {
    requests: AtomicU32,
    responses: AtomicU32,
    errors: AtomicU32,
    seen: Mutex<Vec<String>>,
}

impl Hook for Recorder {
    fn on_request(&self, info: &RequestInfo<'_>) {
        self.requests.fetch_add(1, Ordering::SeqCst);
        self.seen.lock().unwrap().push(format!("{info:?}"));
    }
    fn on_response(&self, info: &ResponseInfo<'_>) {
        self.responses.fetch_add(1, Ordering::SeqCst);
        self.seen.lock().unwrap().push(format!("{info:?}"));
    }
    fn on_error(&self, info: &ErrorInfo<'_>) {
        self.errors.fetch_add(1, Ordering::SeqCst);
        self.seen.lock().unwrap().push(format!("{info:?}"));
    }
}

#[tokio::test]
async fn connection_failures_retry_for_any_method() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let hook = Arc::new(Recorder::default());
    let c = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .project_id("p")
        .credentials(Credentials::temporary("AK", "SKSECRET", "TOKENSECRET"))
        .retry(fast_retry(3))
        .hook(hook.clone())
        .build()
        .unwrap();
    let mut r = OperationRequest::new("CreatePool", Method::POST);
    r.push_literal("v2");
    r.json_body(&serde_json::json!({})).unwrap();
    let err = c.execute::<serde_json::Value>(r).await.unwrap_err();
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Connect, "{t}"),
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(hook.requests.load(Ordering::SeqCst), 3);
    assert_eq!(hook.errors.load(Ordering::SeqCst), 3);
    let seen = hook.seen.lock().unwrap().join("\n");
    assert!(
        seen.contains("authorization") && seen.contains("x-security-token"),
        "{seen}"
    );
    assert!(
        !seen.contains("SKSECRET") && !seen.contains("TOKENSECRET"),
        "{seen}"
    );
    assert!(!seen.contains("Signature="), "{seen}");
}

#[tokio::test]
async fn timeouts_retry_only_idempotent_calls() {
    let server = Server::start([Reply::hang(), Reply::hang(), Reply::hang()]);
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .timeout(Duration::from_millis(300))
        .retry(fast_retry(2))
        .build()
        .unwrap();
    let err = within_limit(c.execute::<serde_json::Value>(show_pool("p1")))
        .await
        .unwrap_err();
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Timeout, "{t}"),
        other => panic!("{other:?}"),
    }
    // The client gave up before any answer: wait until the server has recorded both attempts.
    assert_eq!(server.wait_for_requests(2).await.len(), 2);

    let mut r = OperationRequest::new("CreatePool", Method::POST);
    r.push_literal("v2");
    let err = within_limit(c.execute::<serde_json::Value>(r))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout));
    assert_eq!(server.wait_for_requests(3).await.len(), 3);
}

#[tokio::test]
async fn tls_failures_are_their_own_kind() {
    // A plain-HTTP server answering a TLS ClientHello with HTTP text.
    let plain =
        Reply::raw("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").before_request();
    let server = Server::start([plain.clone(), plain]);
    let c = Client::builder()
        .endpoint(format!("https://127.0.0.1:{}", server.port()))
        .project_id("p")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .retry(fast_retry(3))
        .build()
        .unwrap();
    let err = c
        .execute::<serde_json::Value>(show_pool("p1"))
        .await
        .unwrap_err();
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Tls, "{t}"),
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn default_port_is_left_out_of_host() {
    // The signer signs the Host it sends; with a default port the URL has none.
    let c = Client::builder()
        .endpoint("https://modelarts.cn-north-4.myhuaweicloud.com:443")
        .project_id("p")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .build()
        .unwrap();
    assert_eq!(
        c.endpoint(),
        "https://modelarts.cn-north-4.myhuaweicloud.com"
    );
}
