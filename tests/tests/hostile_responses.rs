//! The generated client against a misbehaving server: the loopback server of
//! `modelarts-pools-test-support`, started by each test, scripted to write raw HTTP/1.1 that
//! breaks every rule. Each case must end in the documented error kind, without hanging, without
//! a panic, without reading more than the client's limit, and without sending credentials
//! anywhere else.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use modelarts_pools::models::{
    ApiVersion, CreatePoolRequest, PoolKind, PoolLabelsCreation, PoolMetadataCreation,
};
use modelarts_pools_runtime::{ClientBuilder, Credentials, Error, RetryPolicy, TransportErrorKind};
use modelarts_pools_test_support::{Reply, Server};

const AK: &str = "AKHOSTILE0001";
const SK: &str = "SK-hostile-secret-never-shown";

/// Far longer than any call here may take; reaching it means the call hung.
const HANG_LIMIT: Duration = Duration::from_secs(30);

/// Awaits `call`, failing the test should it not finish within [`HANG_LIMIT`].
/// The call's result, its operation's error turned into the runtime's `Error` these tests inspect.
async fn within_limit<T, E: Into<Error>>(
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, Error> {
    tokio::time::timeout(HANG_LIMIT, call)
        .await
        .unwrap_or_else(|_| panic!("the call did not finish within {HANG_LIMIT:?}"))
        .map_err(Into::into)
}

/// A `200` JSON answer with this body.
fn json_reply(body: &[u8]) -> Reply {
    Reply::json(200, body).header("X-Request-Id", "rid-hostile")
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

/// The server offers 100 MiB, writing until done or until a write fails, and records how much it
/// wrote and whether a write failed because the client had gone.
async fn oversized(framing: Framing) {
    let reply = Reply::status(200)
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "rid-big")
        .huge_body(HUGE);
    let reply = match framing {
        Framing::Chunked => reply.chunked(64 * 1024),
        Framing::UntilClose => reply.until_close(),
        Framing::Declared => reply,
    };
    let server = Server::start([reply]);
    let c = modelarts_pools::Client::new(
        builder(&server.endpoint())
            .max_response_bytes(LIMIT)
            .build()
            .unwrap(),
    );
    let result = within_limit(c.delete_pool("pool-1").send()).await;
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

    // The client dropped the connection: the server's writes fail long before 100 MiB.
    let sent = server.wait_for_sent(1).await[0];
    assert!(
        !sent.complete,
        "{framing:?}: the server wrote all {} bytes: the client read the whole body",
        sent.bytes
    );
    assert!(
        sent.bytes < HUGE as u64 / 2,
        "{framing:?}: {} bytes were written before the client stopped",
        sent.bytes
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
    let server = Server::start([Reply::status(500).body(vec![b'x'; 2 * LIMIT]).until_close()]);
    let c = modelarts_pools::Client::new(
        builder(&server.endpoint())
            .max_response_bytes(LIMIT)
            .build()
            .unwrap(),
    );
    let kind = transport_kind(within_limit(c.delete_pool("pool-1").send()).await);
    assert_eq!(kind, TransportErrorKind::BodyTooLarge);
}

// ---------------------------------------------------------------------------------------------
// Stalls
// ---------------------------------------------------------------------------------------------

/// The server reads the request, writes `prefix` and then nothing, keeping the connection open:
/// the client's 300 ms timeout must end the call (a generous outer limit only catches a hang).
async fn stalls_after(prefix: &'static [u8]) {
    let server = Server::start([Reply::raw(prefix).then_hang()]);
    let c = modelarts_pools::Client::new(
        builder(&server.endpoint())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    );
    let result = within_limit(c.delete_pool("pool-1").send()).await;
    let shown = format!("{result:?}");
    assert_eq!(
        transport_kind(result),
        TransportErrorKind::Timeout,
        "{shown}"
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

/// The body decoded as a delete response, which must succeed.
async fn decoded(body: Vec<u8>) -> modelarts_pools::models::DeletePoolResponse {
    let server = Server::start([json_reply(&body)]);
    within_limit(client(&server.endpoint()).delete_pool("pool-1").send())
        .await
        .expect("the body decodes")
        .body
}

async fn decode_error_for(body: Vec<u8>) -> String {
    let server = Server::start([json_reply(&body)]);
    let result = within_limit(client(&server.endpoint()).delete_pool("pool-1").send()).await;
    decode_message(result)
}

#[tokio::test]
async fn deep_nesting_is_kept_or_a_decode_error_never_a_stack_overflow() {
    let depth = 100_000;
    let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let message = decode_error_for(body.into_bytes()).await;
    assert!(!message.is_empty());
    // Nested inside a member the type keeps: unknown members are kept as the JSON text received,
    // skipped without recursion, so the depth costs no stack; reading the member as a `Value`
    // meets serde_json's recursion limit instead.
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let pool = decoded(format!("{{\"x-extra\":{nested}}}").into_bytes()).await;
    let kept = pool
        .unknown_fields
        .get("x-extra")
        .expect("the member is kept");
    assert_eq!(kept.get(), nested);
    let parsed = pool.unknown_fields.get_value("x-extra").unwrap();
    assert!(parsed.unwrap_err().to_string().contains("recursion limit"));
    // Objects nested as deep, under a member the spec does not list: kept the same way.
    let inner = format!("{}1{}", "{\"a\":".repeat(depth - 1), "}".repeat(depth - 1));
    let pool = decoded(format!("{{\"a\":{inner}}}").into_bytes()).await;
    assert!(
        pool.unknown_fields
            .get("a")
            .is_some_and(|kept| kept.get() == inner)
    );
    // Under a member the spec does list, the typed decoder meets the recursion limit.
    let body = format!(
        "{{\"metadata\":{}1{}}}",
        "{\"name\":".repeat(depth),
        "}".repeat(depth)
    );
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
    // In a member the spec does not list, such a number is kept as written, and written back.
    for number in ["1e400", "-1e400", "18446744073709551616"] {
        let body = format!(r#"{{"x":{number}}}"#);
        let pool = decoded(body.clone().into_bytes()).await;
        assert_eq!(pool.unknown_fields.get("x").unwrap().get(), number);
        assert_eq!(serde_json::to_string(&pool).unwrap(), body);
    }
    for body in [
        &br#"{"spec":{"resources":[{"count":18446744073709551616}]}}"#[..],
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
        let server = Server::start([Reply::status(200)
            .header("Content-Type", content_type)
            .body(b"{\"kind\":\"Pool\"}")]);
        let result = within_limit(client(&server.endpoint()).delete_pool("pool-1").send()).await;
        let message = decode_message(result);
        assert!(message.contains("Content-Type"), "{message}");
    }
    // A login page, as a captive portal or a misconfigured gateway sends it.
    let server = Server::start([Reply::status(200)
        .header("Content-Type", "text/html")
        .body("<html><body>Please log in</body></html>")]);
    let result = within_limit(client(&server.endpoint()).delete_pool("pool-1").send()).await;
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
        let server = Server::start([Reply::status(404)
            .header("Content-Type", "application/json")
            .body(&body)]);
        let result = within_limit(client(&server.endpoint()).delete_pool("pool-1").send()).await;
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
        let server = Server::start([Reply::raw(bytes)]);
        let result = within_limit(client(&server.endpoint()).delete_pool("pool-1").send()).await;
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
fn elsewhere() -> Server {
    let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    Server::start_on(other, [json_reply(b"{}")])
        .unwrap_or_else(|_| Server::start([json_reply(b"{}")]))
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    let thief = elsewhere();
    for status in [301, 302, 303, 307, 308] {
        let location = format!("http://{}/v2/p/pools/pool-1", thief.addr());
        let reply = Reply::redirect(status, &location).header("X-Request-Id", "rid-redirect");
        let server = Server::start([reply.clone(), reply]);
        let c = client(&server.endpoint());

        for result in [
            within_limit(c.delete_pool("pool-1").send())
                .await
                .map(|_| ()),
            within_limit(c.create_pool(create_request()).user_id("user-1").send())
                .await
                .map(|_| ()),
        ] {
            let error = result.expect_err("a redirect is an error");
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
                .header("authorization")
                .is_some_and(|a| a.starts_with("SDK-HMAC-SHA256 "))),
            "{requests:?}"
        );
    }
    // A followed redirect would have connected during the call, and the server counts a
    // connection before it can answer: no grace period is needed to see one.
    thief.assert_untouched();
}

#[tokio::test]
async fn relative_and_same_host_redirects_are_not_followed_either() {
    for location in ["/v2/p/pools/other", "//evil.example/x", "", "http://[::1"] {
        let server = Server::start([Reply::redirect(302, location)]);
        let result = within_limit(client(&server.endpoint()).delete_pool("pool-1").send()).await;
        assert_eq!(transport_kind(result), TransportErrorKind::Redirect);
        // One connection, one request: the client did not come back for the new location (it
        // would have during the call, and any second request would have had the unscripted 500).
        assert_eq!(server.connections(), 1, "{location:?}");
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
        let reply = Reply::status(503)
            .header("Retry-After", retry_after)
            .header("Content-Type", "application/json")
            .body(r#"{"error_code":"ModelArts.0001","error_msg":"busy"}"#);
        // A fourth attempt would get the unscripted 500.
        let server = Server::start(vec![reply; 3]);
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
        // The longest backoff is 100 ms: were the Retry-After honoured, the call would outlast
        // the limit.
        let error = within_limit(c.delete_pool("pool-1").send())
            .await
            .unwrap_err();
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
    let api_reply = Reply::status(400)
        .header("Content-Type", "application/json")
        .body(br#"{"error_code":"X\u001b]0;owned\u0007","error_msg":"bad\u001b[2J\u001b]52;c;ZWNobyBwd25lZA==\u0007\rfake line"}"#);
    let decode_reply = Reply::status(200)
        .header("Content-Type", "application/json")
        .body(b"{\"kind\": 1, \"x\": \"\x1b[31mred\"}");
    for reply in [api_reply, decode_reply] {
        let server = Server::start([reply]);
        let error = within_limit(client(&server.endpoint()).delete_pool("pool-1").send())
            .await
            .unwrap_err();
        let report = modelarts_pools_runtime::cli::report_text(&error);
        assert!(
            !report.chars().any(|c| c.is_control() && c != '\n'),
            "{report:?}"
        );
    }
}
