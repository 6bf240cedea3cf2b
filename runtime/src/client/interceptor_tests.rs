//! Interceptors against the loopback server: headers added before signing are signed, each
//! attempt is seen after it ends, a refused header stops the call before sending, and hooks are
//! interceptors.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use modelarts_pools_test_support::{Reply, Server};

use crate::interceptor::{AttemptInfo, BeforeSigning, Interceptor};
use crate::{
    Client, Credentials, Error, ErrorInfo, Hook, Method, OperationRequest, RequestInfo,
    ResponseInfo, RetryPolicy,
};

/// Tags every attempt with a trace ID naming the operation and the attempt, replaces the
/// operation's user header, and records what it sees.
#[derive(Default)]
struct Tagger {
    seen: Mutex<Vec<String>>,
}

impl Interceptor for Tagger {
    fn modify_before_signing(&self, request: &mut BeforeSigning<'_>) -> Result<(), Error> {
        let trace = format!("{}-{}", request.operation(), request.attempt());
        request.insert_header("X-Trace-Id", &trace)?;
        assert_eq!(
            request
                .header("x-modelarts-user-id")
                .map(|v| v.to_str().unwrap()),
            Some("user-1")
        );
        request.insert_header("X-ModelArts-User-ID", "user-2")?;
        self.seen.lock().unwrap().push(format!(
            "sign {} {} {}",
            request.method(),
            request.url(),
            request.attempt()
        ));
        Ok(())
    }

    fn read_before_transmit(&self, info: &RequestInfo<'_>) {
        self.seen
            .lock()
            .unwrap()
            .push(format!("send {}", info.header_names.join(",")));
    }

    fn read_after_attempt(&self, info: &AttemptInfo<'_>) {
        self.seen.lock().unwrap().push(format!(
            "after {} {} {:?} {:?} error={} retry={}",
            info.operation,
            info.attempt,
            info.status.map(|s| s.as_u16()),
            info.request_id,
            info.error.is_some(),
            info.will_retry
        ));
        assert!(info.elapsed < Duration::from_secs(30));
    }
}

fn show_pool() -> OperationRequest {
    let mut r = OperationRequest::new("ShowPool", Method::GET);
    r.push_literal("v2");
    r.push_literal("pools");
    r.push_param("pool_name", "pool-1").unwrap();
    r.header("X-ModelArts-User-ID", "user-1").unwrap();
    r
}

fn no_pause(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    }
}

#[tokio::test]
async fn headers_added_before_signing_are_signed_on_every_attempt() {
    let server = Server::start([
        Reply::json(503, r#"{"error_code":"APIG.0201","error_msg":"busy"}"#)
            .header("X-Request-Id", "r-1"),
        Reply::json(200, "{}").header("X-Request-Id", "r-2"),
    ]);
    let tagger = Arc::new(Tagger::default());
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p1")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .retry(no_pause(3))
        .interceptor(tagger.clone())
        .build()
        .unwrap();
    c.execute::<serde_json::Value>(show_pool()).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(
            request.header("x-trace-id"),
            Some(format!("ShowPool-{}", i + 1).as_str())
        );
        assert_eq!(request.all("x-modelarts-user-id"), ["user-2"]);
        let signed = request.verify_signature("AK", "SK");
        assert!(signed.split(';').any(|h| h == "x-trace-id"), "{signed}");
    }
    let url = format!("{}/v2/pools/pool-1", server.endpoint());
    let seen = tagger.seen.lock().unwrap().clone();
    let send = "send host,x-sdk-date,x-project-id,x-trace-id,x-modelarts-user-id,authorization";
    assert_eq!(
        seen,
        [
            format!("sign GET {url} 1"),
            send.to_owned(),
            r#"after ShowPool 1 Some(503) Some("r-1") error=true retry=true"#.to_owned(),
            format!("sign GET {url} 2"),
            send.to_owned(),
            r#"after ShowPool 2 Some(200) Some("r-2") error=false retry=false"#.to_owned(),
        ]
    );

    // The preview shows what an interceptor adds.
    let preview = c.preview(&show_pool()).unwrap();
    assert!(
        preview
            .headers
            .contains(&("x-trace-id".to_owned(), "ShowPool-1".to_owned())),
        "{preview}"
    );
}

/// Tries to set a header the client manages.
struct Forger;

impl Interceptor for Forger {
    fn modify_before_signing(&self, request: &mut BeforeSigning<'_>) -> Result<(), Error> {
        request.insert_header("Authorization", "forged")
    }
}

#[tokio::test]
async fn an_interceptor_cannot_set_managed_headers_and_its_error_sends_nothing() {
    let server = Server::start([]);
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p1")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .interceptor(Arc::new(Forger))
        .build()
        .unwrap();
    let err = c
        .execute::<serde_json::Value>(show_pool())
        .await
        .unwrap_err();
    match &err {
        Error::InvalidRequest(v) => {
            assert_eq!(v.path, "header Authorization");
            assert!(v.message.contains("set by the client"), "{v:?}");
        }
        other => panic!("{other:?}"),
    }
    server.assert_untouched();
}

#[derive(Default)]
struct Events(Mutex<Vec<String>>);

impl Hook for Events {
    fn on_request(&self, info: &RequestInfo<'_>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("hook request {}", info.attempt));
    }
    fn on_response(&self, info: &ResponseInfo<'_>) {
        self.0.lock().unwrap().push(format!(
            "hook response {} {}",
            info.attempt,
            info.status.as_u16()
        ));
    }
    fn on_error(&self, info: &ErrorInfo<'_>) {
        self.0.lock().unwrap().push(format!(
            "hook error {} retry={}",
            info.attempt, info.will_retry
        ));
    }
}

/// Records into the same list as [`Events`], to show the order.
struct Watcher(Arc<Events>);

impl Interceptor for Watcher {
    fn read_after_attempt(&self, info: &AttemptInfo<'_>) {
        self.0
            .0
            .lock()
            .unwrap()
            .push(format!("interceptor after {}", info.attempt));
    }
}

#[tokio::test]
async fn hooks_are_interceptors_called_in_the_order_added() {
    let server = Server::start([
        Reply::json(502, r#"{"error_code":"APIG.0202","error_msg":"x"}"#),
        Reply::json(200, "{}"),
    ]);
    let events = Arc::new(Events::default());
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p1")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .retry(no_pause(2))
        .hook(events.clone())
        .interceptor(Arc::new(Watcher(events.clone())))
        .build()
        .unwrap();
    c.execute::<serde_json::Value>(show_pool()).await.unwrap();
    assert_eq!(
        *events.0.lock().unwrap(),
        [
            "hook request 1",
            "hook response 1 502",
            "hook error 1 retry=true",
            "interceptor after 1",
            "hook request 2",
            "hook response 2 200",
            "interceptor after 2",
        ]
    );
}
