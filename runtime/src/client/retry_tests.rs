//! The retry loop: gateway throttles, `Retry-After`, the retry budget, the operation timeout and
//! the per-call overrides. Exchanges whose timing matters go through a scripted transport on
//! paused Tokio time (a socket would race the paused clock's auto-advance); the others through
//! the loopback server with no pauses between attempts.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use modelarts_pools_test_support::{Reply, Server};
use tokio::time::Instant;

use crate::transport::{ResponseBody, SendFuture, Transport};
use crate::{
    CallOverrides, Client, ClientBuilder, Credentials, Error, Method, OperationRequest,
    RetryBudget, RetryClass, RetryClassifier, RetryPolicy, TransportErrorKind,
};

/// Retries without pauses.
fn no_pause(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    }
}

fn builder(endpoint: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .project_id("p1")
        .credentials(Credentials::ak_sk("AK", "SK"))
}

fn create_pool() -> OperationRequest {
    let mut r = OperationRequest::new("CreatePool", Method::POST);
    r.push_literal("v2");
    r.push_literal("pools");
    r.json_body(&serde_json::json!({"metadata": {"labels": {}}}))
        .unwrap();
    r
}

fn list_pools() -> OperationRequest {
    let mut r = OperationRequest::new("ListPools", Method::GET);
    r.push_literal("v2");
    r.push_literal("pools");
    r
}

fn error_body(code: &str) -> String {
    format!(r#"{{"error_code":"{code}","error_msg":"m"}}"#)
}

#[tokio::test]
async fn a_gateway_throttle_is_retried_even_for_a_post() {
    let server = Server::start([
        Reply::json(429, error_body("APIG.0308")),
        Reply::json(200, "{}"),
        // A 429 that does not say the gateway throttled: the service may have acted.
        Reply::json(429, error_body("ModelArts.0429")),
    ]);
    let c = builder(&server.endpoint())
        .retry(no_pause(3))
        .build()
        .unwrap();
    c.execute::<serde_json::Value>(create_pool()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The same request, signed anew.
    assert_eq!(requests[0].body, requests[1].body);
    requests[1].verify_signature("AK", "SK");

    let err = c
        .execute::<serde_json::Value>(create_pool())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        server.requests().len(),
        3,
        "a POST retried on a 429 of the service"
    );
}

#[derive(Debug)]
struct NeverRetry;

impl RetryClassifier for NeverRetry {
    fn classify(&self, _error: &Error) -> RetryClass {
        RetryClass::Never
    }
}

#[tokio::test]
async fn the_classifier_can_be_replaced() {
    let server = Server::start([
        Reply::json(503, error_body("APIG.0201")),
        Reply::json(200, "{}"),
    ]);
    let c = builder(&server.endpoint())
        .retry(no_pause(3))
        .retry_classifier(Arc::new(NeverRetry))
        .build()
        .unwrap();
    let err = c
        .execute::<serde_json::Value>(list_pools())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_empty_budget_stops_retries_for_every_clone_until_successes_refill_it() {
    let busy = || Reply::json(503, error_body("APIG.0201"));
    // Room for two retries (5 tokens each).
    let budget = RetryBudget::new(10);
    let server = Server::start([
        // Call 1: three attempts, two retries, the budget is empty.
        busy(),
        busy(),
        busy(),
        // Call 2 (a clone): one attempt only.
        busy(),
        // Calls 3 to 7: first-attempt successes, one token back each.
        Reply::json(200, "{}"),
        Reply::json(200, "{}"),
        Reply::json(200, "{}"),
        Reply::json(200, "{}"),
        Reply::json(200, "{}"),
        // Call 8: one retry again, which succeeds and gives its 5 tokens back.
        busy(),
        Reply::json(200, "{}"),
    ]);
    let c = builder(&server.endpoint())
        .retry(no_pause(3))
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    let err = c
        .execute::<serde_json::Value>(list_pools())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 3);
    assert_eq!(budget.available(), 0);

    let clone = c.clone();
    clone
        .execute::<serde_json::Value>(list_pools())
        .await
        .unwrap_err();
    assert_eq!(
        server.requests().len(),
        4,
        "a retry was sent with an empty budget"
    );

    for _ in 0..5 {
        c.execute::<serde_json::Value>(list_pools()).await.unwrap();
    }
    assert_eq!(c.retry_budget().available(), 5);
    clone
        .execute::<serde_json::Value>(list_pools())
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 11);
    assert_eq!(
        budget.available(),
        5,
        "the retry that succeeded gave its tokens back"
    );
}

#[tokio::test]
async fn clients_given_one_budget_share_it() {
    let busy = || Reply::json(503, error_body("APIG.0201"));
    let budget = RetryBudget::new(5);
    let server = Server::start([busy(), busy(), busy()]);
    let a = builder(&server.endpoint())
        .retry(no_pause(2))
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    let b = builder(&server.endpoint())
        .retry(no_pause(2))
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    a.execute::<serde_json::Value>(list_pools())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 2);
    b.execute::<serde_json::Value>(list_pools())
        .await
        .unwrap_err();
    assert_eq!(
        server.requests().len(),
        3,
        "the other client spent the budget"
    );
    // A client of its own has a budget of its own.
    let server = Server::start([busy(), busy()]);
    builder(&server.endpoint())
        .retry(no_pause(2))
        .build()
        .unwrap()
        .execute::<serde_json::Value>(list_pools())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 2);
}

/// One scripted answer of [`Scripted`].
enum Answer {
    Status(u16, Vec<(&'static str, String)>, String),
    /// Never answers.
    Hang,
}

/// A transport that answers from a script and records when (on Tokio's clock) each request
/// came.
#[derive(Default)]
struct Scripted {
    script: Mutex<VecDeque<Answer>>,
    arrivals: Mutex<Vec<Instant>>,
}

impl Scripted {
    fn new(answers: impl IntoIterator<Item = Answer>) -> Arc<Scripted> {
        Arc::new(Scripted {
            script: Mutex::new(answers.into_iter().collect()),
            arrivals: Mutex::new(Vec::new()),
        })
    }

    /// The time from the first request to each of the others.
    fn gaps(&self) -> Vec<Duration> {
        let arrivals = self.arrivals.lock().unwrap();
        arrivals.iter().map(|at| *at - arrivals[0]).collect()
    }
}

impl Transport for Scripted {
    fn send(&self, _request: http::Request<Bytes>) -> SendFuture<'_> {
        self.arrivals.lock().unwrap().push(Instant::now());
        let answer = self.script.lock().unwrap().pop_front();
        Box::pin(async move {
            match answer {
                Some(Answer::Status(status, headers, body)) => {
                    let mut response = http::Response::builder().status(status);
                    for (name, value) in headers {
                        response = response.header(name, value);
                    }
                    Ok(response
                        .header("content-type", "application/json")
                        .body(ResponseBody::from(body))
                        .unwrap())
                }
                Some(Answer::Hang) => std::future::pending().await,
                None => panic!("the script ran out"),
            }
        })
    }
}

fn scripted_client(transport: &Arc<Scripted>, policy: RetryPolicy) -> ClientBuilder {
    builder("http://127.0.0.1:9")
        .transport(transport.clone())
        .retry(policy)
}

fn slow_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::from_secs(1),
        max_backoff: Duration::from_secs(60),
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(20));
    let transport = Scripted::new([
        Answer::Status(
            429,
            vec![("retry-after", "7".into())],
            error_body("APIG.0308"),
        ),
        Answer::Status(503, vec![("retry-after", date)], error_body("APIG.0201")),
        Answer::Status(200, vec![], "{}".into()),
    ]);
    let c = scripted_client(&transport, slow_retry(3)).build().unwrap();
    c.execute::<serde_json::Value>(list_pools()).await.unwrap();
    let gaps = transport.gaps();
    assert_eq!(gaps.len(), 3);
    assert_eq!(gaps[1], Duration::from_secs(7));
    // The date is whole seconds (and the wall clock moved on a little since it was written).
    let second_wait = gaps[2] - gaps[1];
    assert!(
        second_wait >= Duration::from_secs(18) && second_wait <= Duration::from_secs(20),
        "{second_wait:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_all_attempts_and_pauses() {
    let transport = Scripted::new([Answer::Hang, Answer::Hang, Answer::Hang, Answer::Hang]);
    // Pauses of 0.5 to 1 s between attempts of 4 s: the third attempt begins between 9 and
    // 10 s, and the operation timeout cuts it at 11 s.
    let policy = RetryPolicy {
        max_attempts: 10,
        initial_backoff: Duration::from_secs(1),
        max_backoff: Duration::from_secs(1),
    };
    let c = scripted_client(&transport, policy)
        .timeout(Duration::from_secs(4))
        .operation_timeout(Duration::from_secs(11))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c
        .execute::<serde_json::Value>(list_pools())
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(11));
    match &err {
        Error::Transport(t) => {
            assert_eq!(t.kind(), TransportErrorKind::Timeout);
            assert!(t.message().contains("operation timeout of 11s"), "{t}");
            assert!(t.message().contains("attempt 3"), "{t}");
        }
        other => panic!("{other:?}"),
    }
    let gaps = transport.gaps();
    assert_eq!(gaps.len(), 3);
    assert!(
        gaps[2] >= Duration::from_secs(9) && gaps[2] <= Duration::from_secs(10),
        "{gaps:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn no_retry_begins_whose_pause_would_outlast_the_operation_timeout() {
    let transport = Scripted::new([Answer::Status(
        503,
        vec![("retry-after", "30".into())],
        error_body("APIG.0201"),
    )]);
    let c = scripted_client(&transport, slow_retry(3))
        .operation_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c
        .execute::<serde_json::Value>(list_pools())
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::ZERO, "it waited for nothing");
    assert_eq!(err.api().map(|a| a.error_code.as_str()), Some("APIG.0201"));
    assert_eq!(transport.gaps().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn per_call_overrides_replace_the_clients_settings() {
    let transport = Scripted::new([
        // Call 1: the call's attempt timeout (2 s), not the client's (60 s), and its retry
        // policy (two attempts).
        Answer::Hang,
        Answer::Hang,
        // Call 2: the call's operation timeout (3 s).
        Answer::Hang,
        // Call 3: the call's policy disables retries.
        Answer::Status(503, vec![], error_body("APIG.0201")),
    ]);
    let c = scripted_client(&transport, slow_retry(5))
        .operation_timeout(Duration::from_secs(600))
        .build()
        .unwrap();

    let mut r = list_pools();
    r.overrides(
        CallOverrides::default()
            .attempt_timeout(Duration::from_secs(2))
            .retry(RetryPolicy {
                max_attempts: 2,
                initial_backoff: Duration::from_secs(1),
                max_backoff: Duration::from_secs(1),
            }),
    );
    let started = Instant::now();
    let err = c.execute::<serde_json::Value>(r).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{err:?}"
    );
    // 2 s, a pause of 0.5 to 1 s, 2 s.
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(4500) && took <= Duration::from_secs(5),
        "{took:?}"
    );
    assert_eq!(transport.gaps().len(), 2);

    let mut r = list_pools();
    r.overrides(CallOverrides::default().operation_timeout(Duration::from_secs(3)));
    let started = Instant::now();
    let err = c.execute::<serde_json::Value>(r).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert!(err.to_string().contains("operation timeout of 3s"), "{err}");

    let mut r = list_pools();
    r.overrides(CallOverrides::default().retry(RetryPolicy::disabled()));
    let err = c.execute::<serde_json::Value>(r).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        transport.gaps().len(),
        4,
        "one attempt per call for calls 2 and 3"
    );
}

#[tokio::test]
async fn per_call_headers_are_sent_and_signed() {
    let server = Server::start([Reply::json(200, "{}")]);
    let c = builder(&server.endpoint()).build().unwrap();
    let mut r = list_pools();
    r.overrides(
        CallOverrides::default()
            .header("X-Trace-Id", "trace-1")
            .unwrap(),
    );
    c.execute::<serde_json::Value>(r).await.unwrap();
    let request = server.only();
    assert_eq!(request.header("x-trace-id"), Some("trace-1"));
    let signed = request.verify_signature("AK", "SK");
    assert!(signed.split(';').any(|h| h == "x-trace-id"), "{signed}");

    for (name, value) in [
        ("Authorization", "x"),
        ("X-Ok", "a\r\nb"),
        ("Bad Name", "x"),
    ] {
        assert!(
            matches!(
                CallOverrides::default().header(name, value),
                Err(Error::InvalidRequest(_))
            ),
            "{name}: {value:?}"
        );
    }
}
