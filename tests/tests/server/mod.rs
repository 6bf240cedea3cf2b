//! A scripted HTTP/1.1 server on 127.0.0.1 for end-to-end tests: it records every request exactly
//! as it arrived (method, raw target, headers in order, body bytes) and answers each one with the
//! next scripted reply. It runs on its own thread with its own Tokio runtime, so synchronous tests
//! (which run the `modelarts-pools` program) and `#[tokio::test]`s can both use it.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use modelarts_pools_runtime::StatusCode;
use modelarts_pools_runtime::signer::{self, SigningInput};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The project ID the tests configure.
pub const PROJECT: &str = "proj-0123456789abcdef";
/// The access key ID the tests sign with.
pub const AK: &str = "AKTEST0123";
/// The secret key the tests sign with.
pub const SK: &str = "SKTEST-secret-0123";
/// The request ID the scripted replies carry unless told otherwise.
pub const REQUEST_ID: &str = "req-7f3c2a";

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The method as sent.
    pub method: String,
    /// The request target as sent (path and query, still percent-encoded).
    pub target: String,
    /// The HTTP version of the request line.
    pub version: String,
    /// Every header line, in order, names as sent and values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body bytes (by `Content-Length`).
    pub body: Vec<u8>,
}

impl Received {
    /// The value of the only header `name` (any case); panics if it came more than once.
    pub fn header(&self, name: &str) -> Option<&str> {
        let values = self.all(name);
        assert!(
            values.len() <= 1,
            "header {name} was sent more than once: {:?}",
            self.headers
        );
        values.first().copied()
    }

    /// Every value of header `name` (any case), in the order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The header names, lower case, sorted.
    pub fn header_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        names
    }

    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The query part of the target (without `?`), empty when there is none.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Checks the `SDK-HMAC-SHA256` signature as the API gateway does: parses `Authorization`,
    /// takes the signed headers from what arrived, and recomputes the signature with
    /// [`signer::sign`] from the method, the raw path and query, and the body bytes received.
    /// Returns the `SignedHeaders` list.
    pub fn verify_signature(&self, ak: &str, sk: &str) -> String {
        let auth = self
            .header("authorization")
            .expect("an Authorization header");
        let rest = auth
            .strip_prefix("SDK-HMAC-SHA256 ")
            .unwrap_or_else(|| panic!("Authorization does not start with the algorithm: {auth}"));
        let parts: Vec<(&str, &str)> = rest
            .split(", ")
            .map(|part| {
                part.split_once('=')
                    .unwrap_or_else(|| panic!("malformed Authorization part {part:?} in {auth}"))
            })
            .collect();
        let keys: Vec<&str> = parts.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            ["Access", "SignedHeaders", "Signature"],
            "Authorization layout: {auth}"
        );
        let (access, signed_headers, signature) = (parts[0].1, parts[1].1, parts[2].1);
        assert_eq!(access, ak, "Access in {auth}");
        assert_eq!(signature.len(), 64, "hex SHA-256 signature in {auth}");
        assert!(
            signature
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "lower-case hex signature in {auth}"
        );
        let mut headers: Vec<(String, String)> = Vec::new();
        for name in signed_headers.split(';') {
            assert_eq!(
                name,
                name.to_ascii_lowercase(),
                "signed header names are lower case"
            );
            let mut found = false;
            for value in self.all(name) {
                headers.push((name.to_string(), value.to_string()));
                found = true;
            }
            assert!(
                found,
                "signed header {name} did not arrive: {:?}",
                self.headers
            );
        }
        let date = self.header("x-sdk-date").expect("an X-Sdk-Date header");
        let expected = signer::sign(
            &SigningInput {
                method: &self.method,
                path: self.path(),
                query: self.query(),
                headers: &headers,
                body: &self.body,
            },
            ak,
            sk,
            date,
        );
        assert_eq!(
            signature, expected.signature,
            "the signature does not match what arrived; canonical request:\n{}",
            expected.canonical_request
        );
        assert_eq!(auth, expected.authorization);
        signed_headers.to_string()
    }

    /// Checks `X-Sdk-Date`: `%Y%m%dT%H%M%SZ`, UTC, within a minute of now.
    pub fn assert_fresh_sdk_date(&self) {
        let date = self.header("x-sdk-date").expect("an X-Sdk-Date header");
        let b = date.as_bytes();
        assert!(
            b.len() == 16
                && b[8] == b'T'
                && b[15] == b'Z'
                && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit),
            "X-Sdk-Date {date:?} is not %Y%m%dT%H%M%SZ"
        );
        let now = SystemTime::now();
        let earliest = signer::format_sdk_date(now - Duration::from_secs(60));
        let latest = signer::format_sdk_date(now + Duration::from_secs(60));
        assert!(
            earliest.as_str() <= date && date <= latest.as_str(),
            "X-Sdk-Date {date} is not now (UTC)"
        );
    }
}

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    /// An answer with this status, no headers and no body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON answer carrying `X-Request-Id:` [`REQUEST_ID`].
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::status(status)
            .header("Content-Type", "application/json;charset=UTF-8")
            .header("X-Request-Id", REQUEST_ID)
            .body(body)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl AsRef<[u8]>) -> Reply {
        self.body = body.as_ref().to_vec();
        self
    }

    /// The body this reply sends.
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    fn to_bytes(&self) -> Vec<u8> {
        let reason = StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Scripted");
        let mut head = format!("HTTP/1.1 {} {reason}\r\nConnection: close\r\n", self.status);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", self.body.len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

#[derive(Default)]
struct State {
    received: Mutex<Vec<Received>>,
    replies: Mutex<VecDeque<Reply>>,
    connections: AtomicUsize,
}

/// The server. Dropping it stops it.
pub struct Server {
    port: u16,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server on 127.0.0.1, port 0, that answers requests with `replies` in order
    /// (and with a 500 `TEST.UNSCRIPTED` once they run out).
    pub fn start(replies: Vec<Reply>) -> Server {
        // Bound before this returns, so connections queue even before the thread runs.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("non-blocking");
        let port = listener.local_addr().expect("local address").port();
        let state = Arc::new(State {
            replies: Mutex::new(replies.into()),
            ..State::default()
        });
        let (shutdown, mut stop) = tokio::sync::oneshot::channel::<()>();
        let shared = state.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a Tokio runtime for the test server");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("a Tokio listener");
                loop {
                    tokio::select! {
                        _ = &mut stop => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { break };
                            shared.connections.fetch_add(1, Ordering::SeqCst);
                            tokio::spawn(serve(stream, shared.clone()));
                        }
                    }
                }
            });
        });
        Server {
            port,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `127.0.0.1:PORT`, the `Host` a client must send.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// The only request received; panics unless exactly one arrived.
    pub fn only(&self) -> Received {
        let mut received = self.received();
        assert_eq!(received.len(), 1, "expected exactly one request");
        received.remove(0)
    }

    /// How many TCP connections were accepted (a refused request opens none).
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Asserts that nothing at all reached the server: no connection, no request.
    pub fn assert_untouched(&self) {
        assert_eq!(self.connections(), 0, "a connection was opened");
        assert!(self.received().is_empty(), "a request was sent");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers the one request of a connection (every reply says `Connection: close`).
async fn serve(mut stream: TcpStream, state: Arc<State>) {
    if let Some(request) = read_request(&mut stream).await {
        state.received.lock().unwrap().push(request);
        let reply = state
            .replies
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| {
                Reply::json(
                    500,
                    r#"{"error_code":"TEST.UNSCRIPTED","error_msg":"no scripted reply left"}"#,
                )
            });
        let _ = stream.write_all(&reply.to_bytes()).await;
        let _ = stream.shutdown().await;
    }
}

/// Reads one HTTP/1.1 request: the head up to the blank line, then `Content-Length` body bytes.
async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
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
    let head = String::from_utf8(buf[..head_end].to_vec()).expect("the request head is UTF-8");
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?;
    let mut parts = request_line.split(' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let version = parts.next()?.to_string();
    assert!(
        parts.next().is_none(),
        "malformed request line {request_line:?}"
    );
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("malformed header line {line:?}"));
            (name.to_string(), value.trim().to_string())
        })
        .collect();
    assert!(
        !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding")),
        "the test server reads bodies by Content-Length only: {headers:?}"
    );
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().expect("a numeric Content-Length"))
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
        version,
        headers,
        body,
    })
}

/// The spec, read as users would.
pub fn spec() -> serde_json::Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/modelarts-pools.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("the spec is JSON")
}

fn operation(name: &str) -> serde_json::Value {
    spec()["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .find(|op| op["name"] == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
        .clone()
}

/// The seed document's create-pool request example.
pub fn seed_create_request() -> serde_json::Value {
    operation("create_pool")["request_body"]["examples"][0].clone()
}

/// The seed document's example answer of `operation` with `status`.
pub fn seed_response(operation_name: &str, status: u16) -> serde_json::Value {
    operation(operation_name)["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .find(|r| r["status"] == status)
        .unwrap_or_else(|| panic!("no {status} response for {operation_name}"))["examples"][0]
        .clone()
}

/// A pool as the live service answers create with: the seed delete example with phase
/// `Creating` and members the tables do not list.
pub fn created_pool() -> serde_json::Value {
    let mut pool = seed_response("delete_pool", 200);
    pool["status"]["phase"] = "Creating".into();
    pool["metadata"]["labels"]["os.modelarts/tenant.project.id"] = PROJECT.into();
    pool["status"]["clusters"] = serde_json::json!([{ "name": "cce-1", "providerId": "x" }]);
    pool["spec"]["containernetwork"] = serde_json::json!({ "mode": "overlay_l2" });
    pool["newTopLevelMember"] = serde_json::json!({ "nested": [1, 2, 3] });
    pool
}

/// Percent-decodes one path segment.
pub fn percent_decode(segment: &str) -> Vec<u8> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            assert!(i + 3 <= bytes.len(), "a truncated escape in {segment:?}");
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII escape");
            out.push(u8::from_str_radix(hex, 16).expect("a hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
