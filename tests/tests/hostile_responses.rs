//! The generated client against a misbehaving server: a real TCP listener on the loopback
//! interface, started by each test, that writes raw HTTP/1.1 byte by byte so it can break every
//! rule. Each case must end in the documented error kind, quickly, without a panic, without
//! reading more than the client's limit, and without sending credentials anywhere else.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use modelarts_pools::models::{
    ApiVersion, CreatePoolRequest, PoolKind, PoolLabelsCreation, PoolMetadataCreation,
};
use modelarts_pools_runtime::{ClientBuilder, Credentials, Error, RetryPolicy, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const AK: &str = "AKHOSTILE0001";
const SK: &str = "SK-hostile-secret-never-shown";

type Script = Arc<dyn Fn(TcpStream) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A loopback server: accepts any number of connections, reads each request (head and
/// `Content-Length` body), records it, then hands the connection to the test's script.
struct Server {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    async fn start<F, Fut>(script: F) -> Server
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        Server::on(listener, script)
    }

    fn on<F, Fut>(listener: TcpListener, script: F) -> Server
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let script: Script = Arc::new(move |stream| Box::pin(script(stream)));
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (count, log) = (connections.clone(), requests.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let (script, log) = (script.clone(), log.clone());
                tokio::spawn(async move {
                    if let Some(head) = read_request(&mut stream).await {
                        log.lock().unwrap().push(head);
                        script(stream).await;
                    }
                });
            }
        });
        Server {
            addr,
            connections,
            requests,
            task,
        }
    }

    fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one request: its head (returned as text) and a `Content-Length` body (dropped).
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut have = buf.len() - head_end;
    while have < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        have += n;
    }
    Some(head)
}

/// Writes `bytes` and closes the connection.
async fn send(mut stream: TcpStream, bytes: Vec<u8>) {
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn json_response(body: &[u8]) -> Vec<u8> {
    response(
        "200 OK",
        &[
            ("Content-Type", "application/json;charset=UTF-8"),
            ("X-Request-Id", "rid-hostile"),
        ],
        body,
    )
}

fn builder(endpoint: &str) -> ClientBuilder {
    ClientBuilder::new()
        .endpoint(endpoint)
        .project_id("p")
        .credentials(Credentials::ak_sk(AK, SK))
        .retry(RetryPolicy::disabled())
}

fn client(endpoint: &str) -> modelarts_pools::Client {
    modelarts_pools::Client::new(builder(endpoint).build().unwrap())
}

fn create_request() -> CreatePoolRequest {
    CreatePoolRequest::new(
        ApiVersion::V2,
        PoolKind::Pool,
        PoolMetadataCreation::new(PoolLabelsCreation::new("pool-001".into())),
    )
}

/// The transport error kind, or a panic naming what came instead.
fn transport_kind<T: std::fmt::Debug>(result: Result<T, Error>) -> TransportErrorKind {
    match result {
        Err(Error::Transport(t)) => t.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn decode_message<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Decode(d)) => d.message.clone(),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// Neither the error's `Display` nor its `Debug` shows the secret key.
fn assert_no_secret(error: &Error) {
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SK), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Bodies larger than the limit
// ---------------------------------------------------------------------------------------------

const LIMIT: usize = 64 * 1024;
const HUGE: usize = 100 * 1024 * 1024;

/// How the oversized body is framed.
#[derive(Clone, Copy, Debug)]
enum Framing {
    /// `Transfer-Encoding: chunked`, no `Content-Length`.
    Chunked,
    /// No length at all: the body runs until the server closes the connection.
    UntilClose,
    /// An honest `Content-Length` larger than the limit.
    Declared,
}

/// The server streams 100 MiB (or until a write fails) and reports how much it wrote and whether
/// a write failed because the client had gone.
async fn oversized(framing: Framing) {
    let (report, mut reports) = mpsc::unbounded_channel::<(usize, bool)>();
    let server = Server::start(move |mut stream| {
        let report = report.clone();
        async move {
            let mut head = String::from(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: rid-big\r\n",
            );
            match framing {
                Framing::Chunked => head.push_str("Transfer-Encoding: chunked\r\n"),
                Framing::UntilClose => head.push_str("Connection: close\r\n"),
                Framing::Declared => head.push_str(&format!("Content-Length: {HUGE}\r\n")),
            }
            head.push_str("\r\n");
            if stream.write_all(head.as_bytes()).await.is_err() {
                let _ = report.send((0, true));
                return;
            }
            let piece = vec![b' '; 64 * 1024];
            let chunk = match framing {
                Framing::Chunked => {
                    let mut c = format!("{:x}\r\n", piece.len()).into_bytes();
                    c.extend_from_slice(&piece);
                    c.extend_from_slice(b"\r\n");
                    c
                }
                _ => piece,
            };
            let mut written = 0;
            let mut failed = false;
            while written < HUGE {
                if stream.write_all(&chunk).await.is_err() {
                    failed = true;
                    break;
                }
                written += chunk.len();
            }
            if !failed && matches!(framing, Framing::Chunked) {
                failed = stream.write_all(b"0\r\n\r\n").await.is_err();
            }
            let _ = report.send((written, failed));
        }
    })
    .await;
    let c = modelarts_pools::Client::new(
        builder(&server.endpoint())
            .max_response_bytes(LIMIT)
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    let result = c.delete_pool("pool-1", None).await;
    let elapsed = started.elapsed();
    match &result {
        Err(Error::Transport(t)) => {
            assert_eq!(
                t.kind(),
                TransportErrorKind::BodyTooLarge,
                "{framing:?}: {t}"
            );
            assert_eq!(t.status().map(|s| s.as_u16()), Some(200));
            assert_eq!(t.request_id(), Some("rid-big"));
        }
        other => panic!("{framing:?}: expected BodyTooLarge, got {other:?}"),
    }
    assert!(elapsed < Duration::from_secs(5), "{framing:?}: {elapsed:?}");

    // The client dropped the connection: the server's writes fail long before 100 MiB.
    let (written, failed) = tokio::time::timeout(Duration::from_secs(20), reports.recv())
        .await
        .unwrap_or_else(|_| panic!("{framing:?}: the server was still writing after 20 s"))
        .expect("a report");
    assert!(
        failed,
        "{framing:?}: the server wrote all {written} bytes: the client read the whole body"
    );
    assert!(
        written < HUGE / 2,
        "{framing:?}: {written} bytes were written before the client stopped"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn chunked_body_over_the_limit_is_refused_without_reading_it_all() {
    oversized(Framing::Chunked).await;
}

#[tokio::test]
async fn unframed_body_over_the_limit_is_refused_without_reading_it_all() {
    oversized(Framing::UntilClose).await;
}

#[tokio::test]
async fn declared_length_over_the_limit_is_refused_before_reading() {
    oversized(Framing::Declared).await;
}

#[tokio::test]
async fn an_error_body_over_the_limit_is_refused_too() {
    let server = Server::start(|stream| {
        let mut bytes = b"HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 2 * LIMIT));
        send(stream, bytes)
    })
    .await;
    let c = modelarts_pools::Client::new(
        builder(&server.endpoint())
            .max_response_bytes(LIMIT)
            .build()
            .unwrap(),
    );
    let kind = transport_kind(c.delete_pool("pool-1", None).await);
    assert_eq!(kind, TransportErrorKind::BodyTooLarge);
}

// ---------------------------------------------------------------------------------------------
// Stalls
// ---------------------------------------------------------------------------------------------

async fn stalls_after(prefix: &'static [u8]) {
    let server = Server::start(move |mut stream| async move {
        let _ = stream.write_all(prefix).await;
        let _ = stream.flush().await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let c = modelarts_pools::Client::new(
        builder(&server.endpoint())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    let result = c.delete_pool("pool-1", None).await;
    let elapsed = started.elapsed();
    let shown = format!("{result:?}");
    assert_eq!(
        transport_kind(result),
        TransportErrorKind::Timeout,
        "{shown}"
    );
    assert!(
        elapsed >= Duration::from_millis(250) && elapsed < Duration::from_millis(1500),
        "timed out after {elapsed:?}"
    );
}

#[tokio::test]
async fn a_server_stalling_mid_body_hits_the_timeout() {
    stalls_after(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"kind\":",
    )
    .await;
}

#[tokio::test]
async fn a_server_stalling_mid_chunked_body_hits_the_timeout() {
    stalls_after(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{\"kind\":\r\n",
    )
    .await;
}

#[tokio::test]
async fn a_server_stalling_mid_headers_hits_the_timeout() {
    stalls_after(b"HTTP/1.1 200 OK\r\nContent-Ty").await;
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_timeout() {
    stalls_after(b"").await;
}

// ---------------------------------------------------------------------------------------------
// Bodies that are not the JSON expected
// ---------------------------------------------------------------------------------------------

async fn decode_error_for(body: Vec<u8>) -> String {
    let reply = json_response(&body);
    let server = Server::start(move |stream| send(stream, reply.clone())).await;
    let result = client(&server.endpoint()).delete_pool("pool-1", None).await;
    decode_message(result)
}

#[tokio::test]
async fn deeply_nested_arrays_are_a_decode_error_not_a_stack_overflow() {
    let depth = 100_000;
    let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let message = decode_error_for(body.into_bytes()).await;
    assert!(!message.is_empty());
    // Nested inside a member the type keeps (unknown members are kept as JSON values).
    let body = format!("{{\"x-extra\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
    let message = decode_error_for(body.into_bytes()).await;
    assert!(message.contains("recursion limit"), "{message}");
    let body = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    let message = decode_error_for(body.into_bytes()).await;
    assert!(!message.is_empty());
    // Unclosed: the whole body is brackets.
    let message = decode_error_for(b"{\"metadata\":".repeat(depth / 10)).await;
    assert!(!message.is_empty());
}

#[tokio::test]
async fn invalid_utf8_is_a_decode_error() {
    for body in [
        &b"{\"kind\":\"\xff\xfe\"}"[..],
        b"{\"\xc3\x28\":1}",
        b"{\"metadata\":{\"name\":\"pool-\xed\xa0\x80\"}}",
        b"\xef\xbb\xbf{}",
        b"{\"kind\":\"\\ud800\"}",
    ] {
        let message = decode_error_for(body.to_vec()).await;
        assert!(!message.is_empty(), "{body:?}");
    }
}

#[tokio::test]
async fn numbers_out_of_range_and_wrong_types_are_decode_errors() {
    for body in [
        &br#"{"x":1e400}"#[..],
        br#"{"x":-1e400}"#,
        br#"{"spec":{"resources":[{"count":18446744073709551616}]}}"#,
        br#"{"spec":{"resources":[{"count":1.5}]}}"#,
        br#"{"spec":{"controlMode":-1}}"#,
        br#"{"kind":42}"#,
        br#"{"metadata":[]}"#,
        br#"{"kind":"Pool","kind":"Pool"}"#,
        b"{} {}",
        b"",
        b"   ",
        b"null",
    ] {
        let message = decode_error_for(body.to_vec()).await;
        assert!(!message.is_empty(), "{}", String::from_utf8_lossy(body));
    }
}

#[tokio::test]
async fn a_200_with_a_non_json_content_type_is_a_decode_error() {
    for content_type in ["text/html", "text/html; charset=utf-8", "text/plain"] {
        let reply = response(
            "200 OK",
            &[("Content-Type", content_type)],
            b"{\"kind\":\"Pool\"}",
        );
        let server = Server::start(move |stream| send(stream, reply.clone())).await;
        let result = client(&server.endpoint()).delete_pool("pool-1", None).await;
        let message = decode_message(result);
        assert!(message.contains("Content-Type"), "{message}");
    }
    // A login page, as a captive portal or a misconfigured gateway sends it.
    let reply = response(
        "200 OK",
        &[("Content-Type", "text/html")],
        b"<html><body>Please log in</body></html>",
    );
    let server = Server::start(move |stream| send(stream, reply.clone())).await;
    let result = client(&server.endpoint()).delete_pool("pool-1", None).await;
    match result {
        Err(Error::Decode(d)) => {
            assert!(d.message.contains("text/html"), "{}", d.message);
            assert!(d.snippet.contains("Please log in"), "{}", d.snippet);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_statuses_with_hostile_bodies_are_api_errors() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for body in [
        b"\xff\xfe\x00garbage".to_vec(),
        deep.into_bytes(),
        b"<html>502</html>".to_vec(),
        br#"{"error_code":{"nested":true},"error_msg":[1,2]}"#.to_vec(),
    ] {
        let reply = response(
            "404 Not Found",
            &[("Content-Type", "application/json")],
            &body,
        );
        let server = Server::start(move |stream| send(stream, reply.clone())).await;
        let result = client(&server.endpoint()).delete_pool("pool-1", None).await;
        match result {
            Err(Error::Api(api)) => {
                assert_eq!(api.status.as_u16(), 404);
                assert_eq!(api.error_code, "404");
            }
            other => panic!("{other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Broken HTTP
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn broken_http_is_a_transport_error() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not HTTP at all", b"hello there\r\n\r\n".to_vec()),
        ("closed before any answer", Vec::new()),
        (
            "a bad chunk size",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
                .to_vec(),
        ),
        (
            "shorter than its Content-Length",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}"
                .to_vec(),
        ),
        (
            "two different Content-Lengths",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
                .to_vec(),
        ),
        (
            "a header line without a colon",
            b"HTTP/1.1 200 OK\r\nContent-Type application/json\r\nContent-Length: 2\r\n\r\n{}"
                .to_vec(),
        ),
        ("a status out of range", b"HTTP/1.1 999999 OK\r\nContent-Length: 0\r\n\r\n".to_vec()),
        (
            "a 1 MiB header",
            {
                let mut r = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
                r.extend(std::iter::repeat_n(b'a', 1024 * 1024));
                r.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
                r
            },
        ),
    ];
    for (what, bytes) in cases {
        let server = Server::start(move |stream| send(stream, bytes.clone())).await;
        let started = Instant::now();
        let result = client(&server.endpoint()).delete_pool("pool-1", None).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{what}: took {:?}",
            started.elapsed()
        );
        match &result {
            Err(e @ Error::Transport(_)) => assert_no_secret(e),
            other => panic!("{what}: expected a transport error, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Redirects: never followed, so credentials never reach another host
// ---------------------------------------------------------------------------------------------

/// A second server on another loopback address (127.0.0.2) when the system allows it, else on
/// another port of 127.0.0.1. It must receive nothing.
async fn elsewhere() -> Server {
    let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let listener = match TcpListener::bind((other, 0)).await {
        Ok(listener) => listener,
        Err(_) => TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap(),
    };
    let reply = json_response(b"{}");
    Server::on(listener, move |stream| send(stream, reply.clone()))
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    let thief = elsewhere().await;
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let location = format!("http://{}/v2/p/pools/pool-1", thief.addr);
        let reply = response(
            status,
            &[("Location", &location), ("X-Request-Id", "rid-redirect")],
            b"",
        );
        let server = Server::start(move |stream| send(stream, reply.clone())).await;
        let c = client(&server.endpoint());

        for result in [
            c.delete_pool("pool-1", None).await.map(|_| ()),
            c.create_pool(&create_request(), Some("user-1"))
                .await
                .map(|_| ()),
        ] {
            let error = result.expect_err(status);
            assert_no_secret(&error);
            match &error {
                Error::Transport(t) => {
                    assert_eq!(t.kind(), TransportErrorKind::Redirect, "{status}: {t}");
                    assert_eq!(t.location(), Some(location.as_str()));
                    assert_eq!(t.request_id(), Some("rid-redirect"));
                }
                other => panic!("{status}: {other:?}"),
            }
        }
        // The first server got both signed requests; the second got nothing.
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{status}");
        assert!(
            requests.iter().all(|r| r
                .to_ascii_lowercase()
                .contains("authorization: sdk-hmac-sha256")),
            "{requests:?}"
        );
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(thief.connections.load(Ordering::SeqCst), 0);
    assert!(thief.requests().is_empty());
}

#[tokio::test]
async fn relative_and_same_host_redirects_are_not_followed_either() {
    for location in ["/v2/p/pools/other", "//evil.example/x", "", "http://[::1"] {
        let reply = response("302 Found", &[("Location", location)], b"");
        let server = Server::start(move |stream| send(stream, reply.clone())).await;
        let result = client(&server.endpoint()).delete_pool("pool-1", None).await;
        assert_eq!(transport_kind(result), TransportErrorKind::Redirect);
        // One connection, one request: the client did not come back for the new location.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(server.connections.load(Ordering::SeqCst), 1, "{location:?}");
        assert_eq!(server.requests().len(), 1, "{location:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Retry storms
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_huge_retry_after_is_capped_and_attempts_are_bounded() {
    for retry_after in [
        "18446744073709551615",
        "99999999999999999999999",
        "-1",
        "soon",
    ] {
        let reply = response(
            "503 Service Unavailable",
            &[
                ("Retry-After", retry_after),
                ("Content-Type", "application/json"),
            ],
            br#"{"error_code":"ModelArts.0001","error_msg":"busy"}"#,
        );
        let server = Server::start(move |stream| send(stream, reply.clone())).await;
        let c = modelarts_pools::Client::new(
            builder(&server.endpoint())
                .retry(RetryPolicy {
                    max_attempts: 3,
                    initial_backoff: Duration::from_millis(10),
                    max_backoff: Duration::from_millis(100),
                })
                .build()
                .unwrap(),
        );
        let started = Instant::now();
        let error = c.delete_pool("pool-1", None).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "Retry-After {retry_after}: took {:?}",
            started.elapsed()
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(server.requests().len(), 3, "Retry-After {retry_after}");
    }
}

// ---------------------------------------------------------------------------------------------
// Server text on the user's terminal
// ---------------------------------------------------------------------------------------------

/// A hostile or compromised endpoint controls `error_code`, `error_msg` and the body snippet of a
/// decode error; the program writes them to standard error (`cli::report_text`). Escape
/// sequences in them would reach the terminal (retitle it, rewrite the screen, set the clipboard
/// with OSC 52), so the report must show control characters escaped.
#[tokio::test]
async fn server_text_in_program_reports_has_no_control_characters() {
    let api_reply = response(
        "400 Bad Request",
        &[("Content-Type", "application/json")],
        br#"{"error_code":"X\u001b]0;owned\u0007","error_msg":"bad\u001b[2J\u001b]52;c;ZWNobyBwd25lZA==\u0007\rfake line"}"#,
    );
    let decode_reply = response(
        "200 OK",
        &[("Content-Type", "application/json")],
        b"{\"kind\": 1, \"x\": \"\x1b[31mred\"}",
    );
    for reply in [api_reply, decode_reply] {
        let server = Server::start(move |stream| send(stream, reply.clone())).await;
        let error = client(&server.endpoint())
            .delete_pool("pool-1", None)
            .await
            .unwrap_err();
        let report = modelarts_pools_runtime::cli::report_text(&error);
        assert!(
            !report.chars().any(|c| c.is_control() && c != '\n'),
            "{report:?}"
        );
    }
}
