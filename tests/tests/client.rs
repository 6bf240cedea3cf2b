//! The generated `Client` end to end, against a scripted HTTP server on 127.0.0.1: what goes on
//! the wire (method, raw path, headers, body, signature), how answers decode, how every error
//! shape is reported, what is refused before sending, and when calls are retried.

use crate::server;

use std::time::Duration;

use modelarts_pools::models::*;
use modelarts_pools::runtime::{StatusCode, TransportErrorKind};
use modelarts_pools::{Client, CreatePoolError, Credentials, DeletePoolError, Error, RetryPolicy};
use serde_json::json;
use server::{AK, PROJECT, REQUEST_ID, Reply, Request, SK, Server, Wire, json_reply};

const POOL: &str = "auto-pool-os-86c13962597848eeb29c5861153a391f";
const USER: &str = "external-tenant-42";

fn fast_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(10),
    }
}

/// Far longer than any call here may take; reaching it means the call hung.
const HANG_LIMIT: Duration = Duration::from_secs(30);

/// Awaits `call`, failing the test should it not finish within [`HANG_LIMIT`].
async fn within_limit<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG_LIMIT, call)
        .await
        .unwrap_or_else(|_| panic!("the call did not finish within {HANG_LIMIT:?}"))
}

/// No call here relies on the client's timeouts, so they are generous: they only stop a hang.
fn client_for(endpoint: &str, credentials: Credentials, retry: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .project_id(PROJECT)
        .credentials(credentials)
        .timeout(HANG_LIMIT)
        .connect_timeout(HANG_LIMIT)
        .retry(retry)
        .build()
        .expect("a valid configuration")
}

/// AK/SK credentials, retrying up to 3 attempts with tiny waits.
fn client(server: &Server) -> Client {
    client_for(
        &server.endpoint(),
        Credentials::ak_sk(AK, SK),
        fast_retry(3),
    )
}

/// AK/SK credentials, one attempt only.
fn client_no_retry(server: &Server) -> Client {
    client_for(
        &server.endpoint(),
        Credentials::ak_sk(AK, SK),
        RetryPolicy::disabled(),
    )
}

fn seed_request() -> CreatePoolRequest {
    serde_json::from_value(server::seed_create_request()).expect("the seed request decodes")
}

fn deleted_pool() -> String {
    server::seed_response("delete_pool", 200).to_string()
}

fn created_pool() -> String {
    server::created_pool().to_string()
}

fn pool_path() -> String {
    format!("/v2/{PROJECT}/pools")
}

/// The header names every AK/SK request carries, plus `extra`, sorted.
fn names(extra: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = [
        "accept",
        "authorization",
        "host",
        "user-agent",
        "x-project-id",
        "x-sdk-date",
    ]
    .iter()
    .chain(extra)
    .map(|n| n.to_string())
    .collect();
    names.sort();
    names
}

fn assert_common_ak_sk_headers(req: &Request, server: &Server) {
    assert_eq!(req.version, "HTTP/1.1");
    assert_eq!(req.header("host"), Some(server.host().as_str()));
    assert_eq!(req.header("x-project-id"), Some(PROJECT));
    assert!(req.header("x-auth-token").is_none());
    assert!(req.header("transfer-encoding").is_none());
    assert!(
        req.header("user-agent")
            .is_some_and(|ua| ua.starts_with("modelarts-pools-runtime/")),
        "{req:?}"
    );
    req.assert_fresh_sdk_date(server);
}

// 1. What goes on the wire.

#[tokio::test]
async fn create_pool_sends_the_seed_body_signed_with_the_user_id() {
    let server = Server::start(vec![json_reply(200, &created_pool())]);
    let request = seed_request();
    client(&server)
        .create_pool(request.clone())
        .user_id(USER)
        .send()
        .await
        .expect("created");

    let req = server.only();
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, pool_path());
    assert_common_ak_sk_headers(&req, &server);
    assert_eq!(
        req.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(req.header("x-modelarts-user-id"), Some(USER));
    assert!(req.header("x-security-token").is_none());
    assert_eq!(
        req.header_names(),
        names(&["content-length", "content-type", "x-modelarts-user-id"])
    );
    // The body is exactly the request as serialized, and it is the seed example.
    assert_eq!(req.body, serde_json::to_vec(&request).unwrap());
    assert_eq!(
        req.header("content-length"),
        Some(req.body.len().to_string().as_str())
    );
    assert_eq!(req.json(), server::seed_create_request());
    // The gateway recomputes the signature from what arrived.
    let signed = req.verify_signature(AK, SK);
    assert_eq!(
        signed,
        "content-type;host;x-modelarts-user-id;x-project-id;x-sdk-date"
    );
}

#[tokio::test]
async fn create_pool_without_a_user_id_neither_sends_nor_signs_one() {
    let server = Server::start(vec![json_reply(200, &created_pool())]);
    client(&server)
        .create_pool(seed_request())
        .send()
        .await
        .expect("created");
    let req = server.only();
    assert!(req.header("x-modelarts-user-id").is_none());
    assert_eq!(
        req.header_names(),
        names(&["content-length", "content-type"])
    );
    assert_eq!(
        req.verify_signature(AK, SK),
        "content-type;host;x-project-id;x-sdk-date"
    );
}

#[tokio::test]
async fn delete_pool_sends_delete_with_no_body() {
    let server = Server::start(vec![json_reply(200, &deleted_pool())]);
    client(&server)
        .delete_pool(POOL)
        .user_id(USER)
        .send()
        .await
        .expect("deleted");
    let req = server.only();
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.target, format!("/v2/{PROJECT}/pools/{POOL}"));
    assert_common_ak_sk_headers(&req, &server);
    assert!(req.body.is_empty());
    assert!(req.header("content-type").is_none());
    assert!(req.header("content-length").is_none());
    assert_eq!(req.header("x-modelarts-user-id"), Some(USER));
    assert_eq!(req.header_names(), names(&["x-modelarts-user-id"]));
    assert_eq!(
        req.verify_signature(AK, SK),
        "host;x-modelarts-user-id;x-project-id;x-sdk-date"
    );
}

#[tokio::test]
async fn temporary_credentials_send_and_sign_the_security_token() {
    let server = Server::start(vec![
        json_reply(200, &created_pool()),
        json_reply(200, &deleted_pool()),
    ]);
    let c = client_for(
        &server.endpoint(),
        Credentials::temporary(AK, SK, "security-token-XYZ"),
        fast_retry(3),
    );
    c.create_pool(seed_request())
        .user_id(USER)
        .send()
        .await
        .unwrap();
    c.delete_pool(POOL).send().await.unwrap();
    let got = server.requests();
    assert_eq!(got.len(), 2);
    for req in &got {
        assert_eq!(req.header("x-security-token"), Some("security-token-XYZ"));
        assert_common_ak_sk_headers(req, &server);
    }
    assert_eq!(
        got[0].verify_signature(AK, SK),
        "content-type;host;x-modelarts-user-id;x-project-id;x-sdk-date;x-security-token"
    );
    assert_eq!(
        got[1].verify_signature(AK, SK),
        "host;x-project-id;x-sdk-date;x-security-token"
    );
}

#[tokio::test]
async fn iam_token_mode_sends_x_auth_token_and_no_signature() {
    let server = Server::start(vec![
        json_reply(200, &created_pool()),
        json_reply(200, &deleted_pool()),
    ]);
    let c = client_for(
        &server.endpoint(),
        Credentials::iam_token("MIIiam-token-value"),
        fast_retry(3),
    );
    let request = seed_request();
    c.create_pool(request.clone())
        .user_id(USER)
        .send()
        .await
        .unwrap();
    c.delete_pool(POOL).send().await.unwrap();
    let got = server.requests();
    assert_eq!(got.len(), 2);
    for req in &got {
        assert_eq!(req.header("x-auth-token"), Some("MIIiam-token-value"));
        assert_eq!(req.header("host"), Some(server.host().as_str()));
        for absent in [
            "authorization",
            "x-sdk-date",
            "x-security-token",
            "x-project-id",
        ] {
            assert!(req.header(absent).is_none(), "{absent} sent: {req:?}");
        }
    }
    assert_eq!(
        (got[0].method.as_str(), got[0].target.as_str()),
        ("POST", pool_path().as_str())
    );
    assert_eq!(
        got[0].header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(got[0].header("x-modelarts-user-id"), Some(USER));
    assert_eq!(got[0].body, serde_json::to_vec(&request).unwrap());
    assert_eq!(got[1].method, "DELETE");
    assert_eq!(got[1].target, format!("/v2/{PROJECT}/pools/{POOL}"));
    assert!(got[1].body.is_empty());
}

// 2. Typed responses.

#[tokio::test]
async fn responses_carry_status_headers_request_id_and_keep_unknown_fields() {
    let server = Server::start(vec![
        json_reply(200, &created_pool()).header("X-Custom-Answer", "yes"),
    ]);
    let resp = client(&server)
        .create_pool(seed_request())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(
        resp.headers
            .get("x-custom-answer")
            .map(|v| v.to_str().unwrap()),
        Some("yes")
    );
    assert_eq!(
        resp.headers
            .get("x-request-id")
            .map(|v| v.to_str().unwrap()),
        Some(REQUEST_ID)
    );
    let pool = &resp.body;
    assert_eq!(pool.kind, Some(PoolKind::Pool));
    assert_eq!(pool.api_version, Some(ApiVersion::V2));
    let status = pool.status.as_ref().unwrap();
    assert_eq!(status.phase, Some(PoolPhase::Creating));
    let member = |fields: &modelarts_pools::runtime::model::UnknownFields, key: &str| {
        fields
            .get_value(key)
            .expect("the member is kept")
            .expect("it is JSON")
    };
    assert_eq!(
        member(&status.unknown_fields, "futureClusters")[0]["name"],
        "cce-1"
    );
    let metadata = pool.metadata.as_ref().unwrap();
    assert_eq!(metadata.name.as_deref(), Some(POOL));
    assert_eq!(
        member(
            &metadata.labels.as_ref().unwrap().unknown_fields,
            "os.modelarts/future.label"
        ),
        PROJECT
    );
    assert_eq!(
        member(&pool.spec.as_ref().unwrap().unknown_fields, "futureNetwork")["mode"],
        "overlay_l2"
    );
    assert_eq!(
        member(&pool.unknown_fields, "newTopLevelMember"),
        json!({ "nested": [1, 2, 3] })
    );
    // Nothing is lost: the typed value writes back what arrived.
    assert_eq!(serde_json::to_value(pool).unwrap(), server::created_pool());
}

#[tokio::test]
async fn the_seed_delete_200_example_decodes() {
    let example = server::seed_response("delete_pool", 200);
    let server = Server::start(vec![json_reply(200, &example.to_string())]);
    let resp = client(&server).delete_pool(POOL).send().await.unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.request_id.as_deref(), Some(REQUEST_ID));
    let pool = resp.into_body();
    assert_eq!(pool.metadata.as_ref().unwrap().name.as_deref(), Some(POOL));
    let spec = pool.spec.as_ref().unwrap();
    assert_eq!(spec.type_, Some(PoolType::Dedicate));
    let status = pool.status.as_ref().unwrap();
    assert_eq!(status.phase, Some(PoolPhase::Running));
    let available = status
        .resources
        .as_ref()
        .unwrap()
        .available
        .as_ref()
        .unwrap();
    assert_eq!(available[0].count, Some(2));
    assert!(pool.unknown_fields.is_empty());
    assert_eq!(serde_json::to_value(&pool).unwrap(), example);
}

// 3. Every error shape.

struct ErrorCase {
    what: &'static str,
    reply: Reply,
    status: u16,
    code: &'static str,
    message: &'static str,
    request_id: Option<&'static str>,
}

#[tokio::test]
async fn every_error_body_shape_is_reported() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let truncated = r#"{"error_code":"ModelArts.50004000","error_ms"#;
    let cases = vec![
        ErrorCase {
            what: "error_code/error_msg",
            reply: json_reply(
                400,
                r#"{"error_code":"ModelArts.50004000","error_msg":"Bad request"}"#,
            ),
            status: 400,
            code: "ModelArts.50004000",
            message: "Bad request",
            request_id: Some(REQUEST_ID),
        },
        ErrorCase {
            what: "errorCode/errorMsg",
            reply: json_reply(
                401,
                r#"{"errorCode":"APIG.1002","errorMsg":"Incorrect token or token resolution failed"}"#,
            ),
            status: 401,
            code: "APIG.1002",
            message: "Incorrect token or token resolution failed",
            request_id: Some(REQUEST_ID),
        },
        ErrorCase {
            what: "code/message (numeric code)",
            reply: json_reply(500, r#"{"code":500123,"message":"internal failure"}"#),
            status: 500,
            code: "500123",
            message: "internal failure",
            request_id: Some(REQUEST_ID),
        },
        ErrorCase {
            what: "code/message (string code)",
            reply: json_reply(403, r#"{"code":"APIG.0101","message":"The API does not exist"}"#),
            status: 403,
            code: "APIG.0101",
            message: "The API does not exist",
            request_id: Some(REQUEST_ID),
        },
        ErrorCase {
            what: "HTML body",
            reply: Reply::status(502)
                .header("Content-Type", "text/html")
                .header("X-Request-Id", "req-html")
                .body(html),
            status: 502,
            code: "502",
            message: html,
            request_id: Some("req-html"),
        },
        ErrorCase {
            what: "truncated JSON",
            reply: json_reply(400, truncated),
            status: 400,
            code: "400",
            message: truncated,
            request_id: Some(REQUEST_ID),
        },
        ErrorCase {
            what: "empty body",
            reply: Reply::status(503).header("X-Request-Id", "req-empty"),
            status: 503,
            code: "503",
            message: "Service Unavailable",
            request_id: Some("req-empty"),
        },
        ErrorCase {
            what: "JSON that is not an object",
            reply: json_reply(429, r#"["throttled"]"#),
            status: 429,
            code: "429",
            message: r#"["throttled"]"#,
            request_id: Some(REQUEST_ID),
        },
        ErrorCase {
            what: "request ID only in the body",
            reply: Reply::status(500)
                .header("Content-Type", "application/json")
                .body(r#"{"error_code":"ModelArts.0001","error_msg":"oops","request_id":"req-in-body"}"#),
            status: 500,
            code: "ModelArts.0001",
            message: "oops",
            request_id: Some("req-in-body"),
        },
        ErrorCase {
            what: "no request ID at all",
            reply: Reply::status(504),
            status: 504,
            code: "504",
            message: "Gateway Timeout",
            request_id: None,
        },
    ];
    let bodies: Vec<String> = cases
        .iter()
        .map(|c| String::from_utf8(c.reply.body_bytes().to_vec()).unwrap())
        .collect();
    let server = Server::start(cases.iter().map(|c| c.reply.clone()));
    let c = client_no_retry(&server);
    for (case, body) in cases.iter().zip(&bodies) {
        let err = c
            .create_pool(seed_request())
            .send()
            .await
            .expect_err(case.what);
        assert_eq!(
            err.status().map(|s| s.as_u16()),
            Some(case.status),
            "{}",
            case.what
        );
        assert_eq!(err.request_id(), case.request_id, "{}", case.what);
        let api = err
            .api()
            .unwrap_or_else(|| panic!("{}: {err:?}", case.what));
        assert_eq!(api.error_code, case.code, "{}", case.what);
        assert_eq!(api.error_msg, case.message, "{}", case.what);
        assert_eq!(&api.raw_body, body, "{}", case.what);
        assert_eq!(api.operation, "create_pool", "{}", case.what);
        // 4xx and 5xx told apart.
        assert_eq!(api.is_client_error(), case.status < 500, "{}", case.what);
        assert_eq!(api.is_server_error(), case.status >= 500, "{}", case.what);
        assert_eq!(
            err.is_retryable(),
            matches!(case.status, 429 | 502 | 503 | 504),
            "{}",
            case.what
        );
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("HTTP {}", case.status)) && text.contains(case.code),
            "{}: {text}",
            case.what
        );
        if let Some(id) = case.request_id {
            assert!(text.contains(id), "{}: {text}", case.what);
        }
    }
    // One attempt each: POST is never retried on an error status.
    assert_eq!(server.requests().len(), cases.len());
}

#[tokio::test]
async fn documented_statuses_are_sorted_for_matching() {
    let bad_request = server::seed_response("create_pool", 400).to_string();
    let conflict = server::seed_response("create_pool", 409).to_string();
    let not_found = server::seed_response("delete_pool", 404).to_string();
    let server = Server::start(vec![
        json_reply(400, &bad_request),
        json_reply(409, &conflict),
        json_reply(404, &not_found),
        json_reply(404, &not_found),
        json_reply(409, &conflict),
        json_reply(500, r#"{"error_code":"ModelArts.0002","error_msg":"boom"}"#),
    ]);
    let c = client_no_retry(&server);
    let request = seed_request();

    match c.create_pool(request.clone()).send().await {
        Err(CreatePoolError::BadRequest(api)) => {
            assert_eq!(api.status, StatusCode::BAD_REQUEST);
            assert_eq!(api.error_code, "ModelArts.50004000");
            assert_eq!(api.error_msg, "Bad request");
            assert_eq!(api.documented, Some("Bad request"));
            assert_eq!(api.request_id.as_deref(), Some(REQUEST_ID));
        }
        other => panic!("{other:?}"),
    }
    match c.create_pool(request.clone()).send().await {
        Err(CreatePoolError::Conflict(api)) => {
            assert_eq!(api.status, StatusCode::CONFLICT);
            assert_eq!(api.error_code, "ModelArts.50015000");
            assert_eq!(api.error_msg, "Pool already exists.");
            assert_eq!(api.documented, Some("Already exists"));
            assert_eq!(api.request_id.as_deref(), Some(REQUEST_ID));
        }
        other => panic!("{other:?}"),
    }
    match c.delete_pool(POOL).send().await {
        Err(DeletePoolError::NotFound(api)) => {
            assert_eq!(api.status, StatusCode::NOT_FOUND);
            assert_eq!(api.error_code, "ModelArts.50015001");
            assert_eq!(api.error_msg, "pool not found");
            assert_eq!(api.documented, Some("Not Found。"));
            assert_eq!(api.request_id.as_deref(), Some(REQUEST_ID));
            assert_eq!(api.operation, "delete_pool");
        }
        other => panic!("{other:?}"),
    }
    // A status the operation does not document is Unhandled, the API error still inside.
    match c.create_pool(request.clone()).send().await {
        Err(CreatePoolError::Unhandled(Error::Api(api))) => {
            assert_eq!(api.status, StatusCode::NOT_FOUND);
            assert_eq!(api.documented, None);
            assert_eq!(api.request_id.as_deref(), Some(REQUEST_ID));
        }
        other => panic!("{other:?}"),
    }
    match c.delete_pool(POOL).send().await {
        Err(DeletePoolError::Unhandled(Error::Api(api))) => {
            assert_eq!(api.status, StatusCode::CONFLICT);
            assert!(api.is_client_error());
        }
        other => panic!("{other:?}"),
    }
    match c.delete_pool(POOL).send().await {
        Err(DeletePoolError::Unhandled(Error::Api(api))) => {
            assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert!(api.is_server_error() && !api.is_client_error());
            assert_eq!(api.error_code, "ModelArts.0002");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 6);
    // Errors that are not API errors are Unhandled too, kind preserved.
    let mut invalid = seed_request();
    invalid.spec.as_mut().unwrap().network = None;
    assert!(matches!(
        c.create_pool(invalid.clone()).send().await,
        Err(CreatePoolError::Unhandled(Error::InvalidRequest(_)))
    ));
    assert!(matches!(
        c.delete_pool("").send().await,
        Err(DeletePoolError::Unhandled(Error::InvalidRequest(_)))
    ));
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn a_2xx_body_of_the_wrong_shape_is_a_decode_error_with_path_and_snippet() {
    let wrong_type = r#"{"kind":"Pool","spec":{"resources":[{"flavor":"x","count":"two"}]}}"#;
    let long = format!(
        r#"{{"metadata":{{"name":42}},"padding":"{}"}}"#,
        "p".repeat(500)
    );
    let truncated = r#"{"kind":"Pool","metadata":{"name":"#;
    let server = Server::start(vec![
        json_reply(200, wrong_type),
        json_reply(200, &long),
        Reply::status(200)
            .header("Content-Type", "text/html")
            .header("X-Request-Id", "req-login")
            .body("<html>login</html>"),
        json_reply(200, ""),
        json_reply(200, truncated),
    ]);
    let c = client(&server);
    let request = seed_request();

    let decode = |err: Error| match err {
        Error::Decode(d) => d,
        other => panic!("expected a decode error: {other:?}"),
    };
    let d = decode(
        c.create_pool(request.clone())
            .send()
            .await
            .unwrap_err()
            .into(),
    );
    assert_eq!(d.path.as_deref(), Some("$.spec.resources[0].count"));
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(d.operation, "create_pool");
    assert_eq!(d.snippet, wrong_type);
    assert!(d.message.contains("invalid type"), "{}", d.message);
    assert_eq!(d.line, Some(1));
    assert!(d.column.is_some_and(|c| c > 0));
    let text = d.to_string();
    assert!(
        text.contains("$.spec.resources[0].count")
            && text.contains(REQUEST_ID)
            && text.contains("\"two\""),
        "{text}"
    );

    let err = c.create_pool(request.clone()).send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert!(!err.is_retryable());
    let d = decode(err.into());
    assert_eq!(d.path.as_deref(), Some("$.metadata.name"));
    assert!(
        d.snippet.starts_with(r#"{"metadata":{"name":42}"#),
        "{}",
        d.snippet
    );
    assert!(
        d.snippet.chars().count() <= 201,
        "the snippet is cut: {}",
        d.snippet.len()
    );

    let d = decode(
        c.create_pool(request.clone())
            .send()
            .await
            .unwrap_err()
            .into(),
    );
    assert!(d.message.contains("text/html"), "{}", d.message);
    assert_eq!(d.snippet, "<html>login</html>");
    assert_eq!(d.request_id.as_deref(), Some("req-login"));

    let d = decode(
        c.create_pool(request.clone())
            .send()
            .await
            .unwrap_err()
            .into(),
    );
    assert!(d.message.contains("EOF"), "{}", d.message);
    assert_eq!(d.snippet, "");

    let d = decode(
        c.create_pool(request.clone())
            .send()
            .await
            .unwrap_err()
            .into(),
    );
    assert!(d.message.contains("EOF"), "{}", d.message);
    assert_eq!(d.snippet, truncated);

    // A 2xx that does not decode is never retried.
    assert_eq!(server.requests().len(), 5);
}

// 4. Hostile pool names.

#[tokio::test]
async fn hostile_pool_names_are_refused_or_sent_as_one_segment() {
    // (name, Some(the one segment sent) or None when refused before sending)
    let table: &[(&str, Option<&str>)] = &[
        ("a/b", Some("a%2Fb")),
        ("../x", Some("..%2Fx")),
        ("..", None),
        (".", None),
        ("", None),
        ("a?b", Some("a%3Fb")),
        ("a#b", Some("a%23b")),
        ("%2F", Some("%252F")),
        ("%2e%2e", Some("%252e%252e")),
        ("a b", Some("a%20b")),
        ("池", Some("%E6%B1%A0")),
        ("a\\b", Some("a%5Cb")),
        ("a;b=c", Some("a%3Bb%3Dc")),
        ("a\r\nb", Some("a%0D%0Ab")),
        ("...", Some("...")),
        ("pool-1_a.b~c", Some("pool-1_a.b~c")),
    ];
    let sent = table.iter().filter(|(_, s)| s.is_some()).count();
    let server = Server::start((0..sent).map(|_| json_reply(200, &deleted_pool())));
    let c = client(&server);
    let prefix = format!("/v2/{PROJECT}/pools/");
    let mut expected_requests = 0;
    for (name, segment) in table {
        let result = c.delete_pool(*name).send().await.map_err(Error::from);
        match segment {
            None => {
                match result {
                    Err(Error::InvalidRequest(v)) => {
                        assert_eq!(v.path, "path parameter pool_name", "{name:?}")
                    }
                    other => panic!("{name:?} should be refused: {other:?}"),
                }
                assert_eq!(
                    server.requests().len(),
                    expected_requests,
                    "{name:?} was sent"
                );
            }
            Some(segment) => {
                result.unwrap_or_else(|e| panic!("{name:?}: {e:?}"));
                expected_requests += 1;
                let got = server.requests();
                assert_eq!(got.len(), expected_requests, "{name:?}");
                let req = got.last().unwrap();
                assert_eq!(req.method, "DELETE");
                assert_eq!(req.target, format!("{prefix}{segment}"), "{name:?}");
                let last = req.target.strip_prefix(&prefix).unwrap();
                assert!(
                    !last.contains(['/', '?', '#']),
                    "{name:?} is not one segment: {last}"
                );
                assert_eq!(server::percent_decode(last), name.as_bytes(), "{name:?}");
                req.verify_signature(AK, SK);
            }
        }
    }
    assert_eq!(server.connections(), sent);
}

// 5. and 6. Refused before sending.

#[tokio::test]
async fn control_characters_in_the_user_id_are_refused_and_nothing_is_sent() {
    let server = Server::start([]);
    let c = client(&server);
    let request = seed_request();
    for bad in ["u\r\nX-Evil: 1", "u\nx", "u\rx", "u\0x", "u\x1bx", "用户"] {
        for result in [
            c.create_pool(request.clone())
                .user_id(bad)
                .send()
                .await
                .map(|_| ())
                .map_err(Error::from),
            c.delete_pool(POOL)
                .user_id(bad)
                .send()
                .await
                .map(|_| ())
                .map_err(Error::from),
        ] {
            match result {
                Err(Error::InvalidRequest(v)) => {
                    assert_eq!(v.path, "header X-ModelArts-User-ID", "{bad:?}")
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }
    server.assert_untouched();
}

#[tokio::test]
async fn a_dedicated_pool_without_network_is_refused_and_nothing_is_sent() {
    let server = Server::start([]);
    let mut request = seed_request();
    request.spec.as_mut().unwrap().network = None;
    let err = client(&server)
        .create_pool(request.clone())
        .user_id(USER)
        .send()
        .await
        .unwrap_err();
    match &err {
        CreatePoolError::Unhandled(Error::InvalidRequest(v)) => {
            assert_eq!(v.path, "$.spec.network");
            assert_eq!(v.rule, Some("dedicate-needs-network"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("$.spec.network"), "{err}");
    assert_eq!(err.status(), None);
    server.assert_untouched();
}

// 7. Retries only where allowed.

#[tokio::test]
async fn delete_is_retried_on_503_then_succeeds_signed_anew() {
    let server = Server::start(vec![
        json_reply(503, r#"{"error_code":"APIG.0201","error_msg":"busy"}"#),
        json_reply(200, &deleted_pool()),
    ]);
    let resp = client(&server)
        .delete_pool(POOL)
        .user_id(USER)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    let got = server.requests();
    assert_eq!(got.len(), 2);
    for req in &got {
        assert_eq!(req.method, "DELETE");
        assert_eq!(req.target, format!("/v2/{PROJECT}/pools/{POOL}"));
        req.verify_signature(AK, SK);
    }
}

#[tokio::test]
async fn delete_gives_up_after_the_last_attempt() {
    let server = Server::start(vec![
        json_reply(503, r#"{"error_code":"E1","error_msg":"busy"}"#),
        json_reply(502, r#"{"error_code":"E2","error_msg":"bad gateway"}"#),
        json_reply(504, r#"{"error_code":"E3","error_msg":"timeout"}"#),
        json_reply(200, &deleted_pool()),
    ]);
    let err = client(&server).delete_pool(POOL).send().await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(api.error_code, "E3");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn create_is_not_retried_on_retryable_statuses() {
    let statuses = [503u16, 502, 504, 429];
    let mut replies: Vec<Reply> = statuses
        .iter()
        .map(|s| json_reply(*s, r#"{"error_code":"APIG.0201","error_msg":"busy"}"#))
        .collect();
    replies.push(json_reply(200, &created_pool()));
    let server = Server::start(replies);
    let c = client(&server);
    for (i, status) in statuses.iter().enumerate() {
        let err = c.create_pool(seed_request()).send().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(*status));
        assert!(err.is_retryable(), "retryable in kind, but not for a POST");
        assert_eq!(server.requests().len(), i + 1, "POST retried on {status}");
    }
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let server = Server::start(vec![
        json_reply(503, r#"{"error_code":"APIG.0201","error_msg":"busy"}"#),
        json_reply(200, &deleted_pool()),
    ]);
    let err = client_no_retry(&server)
        .delete_pool(POOL)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_only_up_to_the_longest_backoff() {
    let server = Server::start(vec![
        json_reply(429, r#"{"error_code":"APIG.0308","error_msg":"throttled"}"#)
            .header("Retry-After", "3600"),
        json_reply(200, &deleted_pool()),
    ]);
    // The longest backoff is 10 ms: were the hour honoured, the call would outlast the limit.
    within_limit(client(&server).delete_pool(POOL).send())
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn connection_refused_is_a_connect_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let c = client_for(
        &format!("http://127.0.0.1:{port}"),
        Credentials::ak_sk(AK, SK),
        fast_retry(2),
    );
    for err in [
        Error::from(c.create_pool(seed_request()).send().await.unwrap_err()),
        Error::from(c.delete_pool(POOL).send().await.unwrap_err()),
    ] {
        match &err {
            Error::Transport(t) => {
                assert_eq!(t.kind(), TransportErrorKind::Connect, "{t}");
                assert_eq!(t.status(), None);
                assert_eq!(t.request_id(), None);
            }
            other => panic!("{other:?}"),
        }
        assert!(err.is_retryable());
        assert_eq!(err.status(), None);
    }
    let err = c.delete_pool(POOL).send().await.unwrap_err();
    assert!(matches!(
        err,
        DeletePoolError::Unhandled(Error::Transport(ref t)) if t.kind() == TransportErrorKind::Connect
    ));
}
