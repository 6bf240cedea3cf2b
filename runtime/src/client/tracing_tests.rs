//! The `tracing` feature, seen by a capturing subscriber: the spans of an operation and its
//! attempts with their fields, the retry, wait and credential events, and no secret anywhere.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use modelarts_pools_test_support::{Reply, Server};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::{LookupSpan, Registry};

use crate::waiter::{Verdict, WaiterConfig, wait_until};
use crate::{Client, Credentials, Method, OperationRequest, RetryPolicy};

/// A span or an event as captured: its name (an event's is its message), its fields as text,
/// and for an event the span it happened in.
#[derive(Clone, Debug, Default)]
struct Captured {
    name: String,
    fields: BTreeMap<String, String>,
    parent: Option<String>,
}

#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<BTreeMap<u64, Captured>>>,
    /// Span IDs in the order the spans were made.
    order: Arc<Mutex<Vec<u64>>>,
    events: Arc<Mutex<Vec<Captured>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _ctx: Context<'_, S>) {
        let mut captured = Captured {
            name: attrs.metadata().name().to_owned(),
            ..Captured::default()
        };
        attrs.record(&mut Fields(&mut captured.fields));
        self.spans.lock().unwrap().insert(id.into_u64(), captured);
        self.order.lock().unwrap().push(id.into_u64());
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        if let Some(span) = self.spans.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut captured = Captured::default();
        event.record(&mut Fields(&mut captured.fields));
        captured.name = captured.fields.remove("message").unwrap_or_default();
        captured.parent = ctx.event_span(event).map(|s| s.name().to_owned());
        self.events.lock().unwrap().push(captured);
    }
}

impl Capture {
    fn spans(&self) -> Vec<Captured> {
        let spans = self.spans.lock().unwrap();
        self.order
            .lock()
            .unwrap()
            .iter()
            .map(|id| spans[id].clone())
            .collect()
    }

    fn events(&self) -> Vec<Captured> {
        self.events.lock().unwrap().clone()
    }

    /// Everything captured, as text.
    fn all_text(&self) -> String {
        format!("{:?} {:?}", self.spans(), self.events())
    }
}

fn field<'a>(captured: &'a Captured, name: &str) -> Option<&'a str> {
    captured.fields.get(name).map(String::as_str)
}

#[tokio::test]
async fn an_operation_and_its_attempts_are_spans_and_retries_events_without_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(Registry::default().with(capture.clone()));

    let server = Server::start([
        Reply::json(503, r#"{"error_code":"APIG.0201","error_msg":"busy"}"#)
            .header("X-Request-Id", "rid-busy"),
        Reply::json(200, r#"{"metadata":{"name":"pool-1"}}"#).header("X-Request-Id", "rid-ok"),
    ]);
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p1")
        .credentials(Credentials::temporary(
            "AKVISIBLE",
            "SKSECRET",
            "TOKENSECRET",
        ))
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        })
        .build()
        .unwrap();
    let mut r = OperationRequest::new("ShowPool", Method::GET);
    r.push_literal("v2");
    r.push_literal("pools");
    r.query("secretquery", "QUERYSECRET");
    r.header("X-ModelArts-User-ID", "HEADERSECRET").unwrap();
    c.execute::<serde_json::Value>(r).await.unwrap();

    let spans = capture.spans();
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "modelarts.operation",
            "modelarts.attempt",
            "modelarts.attempt"
        ]
    );
    let operation = &spans[0];
    assert_eq!(field(operation, "operation"), Some("ShowPool"));
    assert_eq!(field(operation, "method"), Some("GET"));
    assert_eq!(field(operation, "attempts"), Some("2"));
    assert_eq!(field(operation, "status"), Some("200"));
    assert_eq!(field(operation, "request_id"), Some("rid-ok"));
    assert_eq!(field(operation, "error"), None);
    for (span, (attempt, status, request_id)) in spans[1..]
        .iter()
        .zip([("1", "503", "rid-busy"), ("2", "200", "rid-ok")])
    {
        assert_eq!(field(span, "attempt"), Some(attempt));
        assert_eq!(field(span, "status"), Some(status));
        assert_eq!(field(span, "request_id"), Some(request_id));
        assert!(field(span, "elapsed_ms").is_some());
    }
    let events = capture.events();
    let retrying: Vec<&Captured> = events.iter().filter(|e| e.name == "retrying").collect();
    assert_eq!(retrying.len(), 1, "{events:?}");
    assert_eq!(field(retrying[0], "attempt"), Some("1"));
    assert_eq!(field(retrying[0], "reason"), Some("HTTP 503 APIG.0201"));
    assert_eq!(field(retrying[0], "wait_ms"), Some("0"));
    assert_eq!(retrying[0].parent.as_deref(), Some("modelarts.operation"));

    let text = capture.all_text();
    for secret in [
        "SKSECRET",
        "TOKENSECRET",
        "QUERYSECRET",
        "HEADERSECRET",
        "Signature",
        "SDK-HMAC",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[tokio::test]
async fn a_failed_operation_records_its_error_and_an_empty_budget_says_why() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(Registry::default().with(capture.clone()));
    let server = Server::start([Reply::json(
        503,
        r#"{"error_code":"APIG.0201","error_msg":"busy"}"#,
    )]);
    let c = Client::builder()
        .endpoint(server.endpoint())
        .project_id("p1")
        .credentials(Credentials::iam_token("IAMTOKENSECRET"))
        .retry_budget(crate::RetryBudget::new(0))
        .build()
        .unwrap();
    let mut r = OperationRequest::new("ListPools", Method::GET);
    r.push_literal("v2");
    c.execute::<serde_json::Value>(r).await.unwrap_err();
    let spans = capture.spans();
    assert_eq!(field(&spans[0], "attempts"), Some("1"));
    assert_eq!(field(&spans[0], "status"), Some("503"));
    assert_eq!(field(&spans[0], "error"), Some("HTTP 503 APIG.0201"));
    let events = capture.events();
    let stopped: Vec<&Captured> = events.iter().filter(|e| e.name == "not retrying").collect();
    assert_eq!(stopped.len(), 1, "{events:?}");
    assert_eq!(field(stopped[0], "why"), Some("the retry budget is empty"));
    assert!(!capture.all_text().contains("IAMTOKENSECRET"));
}

#[tokio::test(start_paused = true)]
async fn waits_and_credential_refreshes_are_events() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(Registry::default().with(capture.clone()));
    let mut polls = 0;
    let config = WaiterConfig::new(
        Duration::from_secs(5),
        Duration::from_secs(5),
        Duration::from_secs(60),
    );
    wait_until(
        &config,
        || {
            polls += 1;
            let state = if polls < 3 { "Creating" } else { "Running" };
            std::future::ready(Ok::<_, String>(state.to_owned()))
        },
        |answer| match answer {
            Ok(state) if state == "Running" => (Verdict::Success, Some(state.clone())),
            Ok(state) => (Verdict::Retry, Some(state.clone())),
            Err(_) => (Verdict::Failure, None),
        },
        |_| {},
    )
    .await
    .unwrap();
    crate::telemetry::credentials_refreshed("instance metadata", Some(Duration::from_secs(900)));
    crate::telemetry::credential_refresh_failed("profile file", &"no such file ~/x");

    let events = capture.events();
    let waiting: Vec<&Captured> = events.iter().filter(|e| e.name == "waiting").collect();
    assert_eq!(waiting.len(), 2, "{events:?}");
    assert_eq!(field(waiting[0], "polls"), Some("1"));
    assert_eq!(field(waiting[0], "state"), Some("Creating"));
    assert_eq!(field(waiting[1], "elapsed_ms"), Some("5000"));
    let refreshed = events
        .iter()
        .find(|e| e.name == "credentials refreshed")
        .expect("a refresh event");
    assert_eq!(field(refreshed, "source"), Some("instance metadata"));
    assert_eq!(field(refreshed, "expires_in_s"), Some("900"));
    let failed = events
        .iter()
        .find(|e| e.name == "credential refresh failed")
        .expect("a failure event");
    assert_eq!(field(failed, "error"), Some("no such file ~/x"));
}
