//! End-to-end tests of the client against a scripted HTTP server on 127.0.0.1.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::signer::{self, SigningInput};
use crate::{
    Client, Credentials, Error, ErrorInfo, Hook, Method, OperationRequest, RequestInfo,
    ResponseInfo, RetryPolicy, TransportErrorKind,
};

/// One request as the server received it.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// Recomputes the signature from what arrived, as the gateway does.
    fn verify_signature(&self, ak: &str, sk: &str) {
        let auth = self.header("authorization").expect("authorization");
        let rest = auth
            .strip_prefix("SDK-HMAC-SHA256 ")
            .expect("algorithm prefix");
        let mut access = "";
        let mut signed_headers = "";
        let mut signature = "";
        for part in rest.split(", ") {
            let (k, v) = part.split_once('=').unwrap();
            match k {
                "Access" => access = v,
                "SignedHeaders" => signed_headers = v,
                "Signature" => signature = v,
                _ => panic!("unexpected {k}"),
            }
        }
        assert_eq!(access, ak);
        let headers: Vec<(String, String)> = signed_headers
            .split(';')
            .map(|name| {
                let value = self
                    .header(name)
                    .unwrap_or_else(|| panic!("signed header {name} not received"));
                (name.to_string(), value.to_string())
            })
            .collect();
        let (path, query) = self
            .target
            .split_once('?')
            .unwrap_or((self.target.as_str(), ""));
        let date = self.header("x-sdk-date").expect("x-sdk-date");
        let expected = signer::sign(
            &SigningInput {
                method: &self.method,
                path,
                query,
                headers: &headers,
                body: &self.body,
            },
            ak,
            sk,
            date,
        );
        assert_eq!(
            signature, expected.signature,
            "{}",
            expected.canonical_request
        );
    }
}

/// What the server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Send these bytes, then close.
    Raw(Vec<u8>),
    /// Read the request, then never answer (until the test ends).
    Hang,
    /// Read whatever arrives first (not parsed), send these bytes, then close.
    Blind(Vec<u8>),
}

fn reply(status: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    Reply::Raw(text.into_bytes())
}

fn json(status: &str, body: &str) -> Reply {
    reply(
        status,
        &[
            ("Content-Type", "application/json;charset=UTF-8"),
            ("X-Request-Id", "rid-123"),
        ],
        body,
    )
}

struct Server {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    async fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            for r in replies {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let log = log.clone();
                tokio::spawn(handle(stream, r, log));
            }
        });
        Server { port, received }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

async fn handle(mut stream: TcpStream, reply: Reply, log: Arc<Mutex<Vec<Received>>>) {
    if let Reply::Blind(bytes) = reply {
        let mut first = [0u8; 4096];
        let _ = stream.read(&mut first).await;
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
        return;
    }
    if let Some(request) = read_request(&mut stream).await {
        log.lock().unwrap().push(request);
    }
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
        Reply::Blind(_) => {}
    }
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
    let server = Server::start(vec![json("200 OK", r#"{"metadata":{"name":"pool-abc"}}"#)]).await;
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

    let got = server.received();
    assert_eq!(got.len(), 1);
    let req = &got[0];
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.target,
        "/v2/proj-1/pools/a%2Fb%3Fc%23d%20%25%C3%A9..?limit=10&labelSelector=os.modelarts%2Fname%3Dx%20y"
    );
    assert_eq!(req.count("host"), 1);
    assert_eq!(
        req.header("host"),
        Some(format!("127.0.0.1:{}", server.port).as_str())
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
    let server = Server::start(vec![json("200 OK", "{}")]).await;
    let c = client(&server.endpoint(), Credentials::iam_token("MIItoken"));
    c.execute::<serde_json::Value>(show_pool("p1"))
        .await
        .unwrap();
    let req = &server.received()[0];
    assert_eq!(req.header("x-auth-token"), Some("MIItoken"));
    assert!(req.header("authorization").is_none());
    assert!(req.header("x-sdk-date").is_none());
    assert!(req.header("x-project-id").is_none());
    assert!(req.header("content-type").is_none());
    assert_eq!(req.target, "/v2/proj-1/pools/p1");
}

#[tokio::test]
async fn idempotent_calls_retry_503_and_resign() {
    let server = Server::start(vec![
        reply("503 Service Unavailable", &[("Retry-After", "100")], "busy"),
        json(
            "429 Too Many Requests",
            r#"{"error_code":"APIG.0308","error_msg":"throttled"}"#,
        ),
        json("200 OK", r#"{"ok":true}"#),
    ])
    .await;
    let c = client(&server.endpoint(), Credentials::ak_sk("AK", "SK"));
    let resp = c
        .execute::<serde_json::Value>(show_pool("p1"))
        .await
        .unwrap();
    assert_eq!(resp.body["ok"], true);
    let got = server.received();
    assert_eq!(got.len(), 3);
    for req in &got {
        req.verify_signature("AK", "SK");
    }
}

#[tokio::test]
async fn non_idempotent_calls_do_not_retry_503() {
    let server = Server::start(vec![
        json(
            "503 Service Unavailable",
            r#"{"error_code":"X","error_msg":"down"}"#,
        ),
        json("200 OK", "{}"),
    ])
    .await;
    let c = client(&server.endpoint(), Credentials::ak_sk("AK", "SK"));
    let mut r = OperationRequest::new("CreatePool", Method::POST);
    r.push_literal("v2");
    r.json_body(&serde_json::json!({})).unwrap();
    let err = c.execute::<serde_json::Value>(r).await.unwrap_err();
    assert_eq!(err.status(), Some(crate::StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn api_errors_carry_code_message_request_id_and_documentation() {
    let server = Server::start(vec![json(
        "409 Conflict",
        r#"{"error_code":"ModelArts.50015000","error_msg":"Pool already exists."}"#,
    )])
    .await;
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
    let server = Server::start(vec![
        reply(
            "302 Found",
            &[
                ("Location", "http://127.0.0.1:1/steal"),
                ("X-Request-Id", "r3"),
            ],
            "",
        ),
        json("200 OK", "{}"),
    ])
    .await;
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
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn large_bodies_are_refused() {
    let big = "x".repeat(2000);
    let chunked = {
        let mut text = String::from(
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        for _ in 0..10 {
            text.push_str(&format!("{:x}\r\n{}\r\n", 500, "y".repeat(500)));
        }
        text.push_str("0\r\n\r\n");
        Reply::Raw(text.into_bytes())
    };
    let server = Server::start(vec![json("200 OK", &big), chunked]).await;
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
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn non_json_and_bad_json_success_bodies_are_decode_errors() {
    let server = Server::start(vec![
        reply(
            "200 OK",
            &[("Content-Type", "text/html")],
            "<html>login</html>",
        ),
        json("200 OK", r#"{"items": [1, "two"]}"#),
        json("200 OK", ""),
        reply("204 No Content", &[], ""),
    ])
    .await;
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
    let server = Server::start(vec![Reply::Hang, Reply::Hang, Reply::Hang]).await;
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .timeout(Duration::from_millis(300))
        .retry(fast_retry(2))
        .build()
        .unwrap();
    let err = c
        .execute::<serde_json::Value>(show_pool("p1"))
        .await
        .unwrap_err();
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Timeout, "{t}"),
        other => panic!("{other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.received().len(), 2);

    let mut r = OperationRequest::new("CreatePool", Method::POST);
    r.push_literal("v2");
    let err = c.execute::<serde_json::Value>(r).await.unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn tls_failures_are_their_own_kind() {
    // A plain-HTTP server answering a TLS ClientHello with HTTP text.
    let plain = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec();
    let server = Server::start(vec![Reply::Blind(plain.clone()), Reply::Blind(plain)]).await;
    let c = Client::builder()
        .endpoint(format!("https://127.0.0.1:{}", server.port))
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
