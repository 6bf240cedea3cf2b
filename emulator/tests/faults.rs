//! Faults injected by the emulator, and the client's handling of each: throttles retried (also
//! on a POST, which the gateway never let through), server errors surfaced or retried as the
//! method allows, slow answers cut by the attempt timeout, a connection closed mid-answer retried
//! for a read, and a waiter that goes on through throttles. Through the in-process transport on
//! Tokio's paused clock, so no test waits for real.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use modelarts_pools::runtime::waiter::WaiterConfig;
use modelarts_pools::{Client, Credentials, Error};
use modelarts_pools_emulator::{Emulator, Fault, ManualClock};
use modelarts_pools_runtime::hook::{Hook, RequestInfo};
use modelarts_pools_runtime::server::Auth;
use modelarts_pools_runtime::transport::InProcess;
use modelarts_pools_runtime::{RetryPolicy, TransportErrorKind};

use crate::in_process::create_request;

const TRANSITION: Duration = Duration::from_secs(60);

/// Counts the attempts the client sends.
#[derive(Default)]
struct Attempts(AtomicU32);

impl Hook for Attempts {
    fn on_request(&self, _info: &RequestInfo<'_>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Attempts {
    fn take(&self) -> u32 {
        self.0.swap(0, Ordering::SeqCst)
    }
}

struct Setup {
    emulator: Arc<Emulator>,
    clock: Arc<ManualClock>,
    client: Client,
    attempts: Arc<Attempts>,
}

fn setup() -> Setup {
    let clock = Arc::new(ManualClock::new());
    let emulator = Arc::new(Emulator::with_clock(TRANSITION, clock.clone()));
    let attempts = Arc::new(Attempts::default());
    let client = Client::builder()
        .endpoint("http://127.0.0.1:9")
        .project_id("p1")
        .credentials(Credentials::ak_sk("ak", "sk"))
        .transport(Arc::new(InProcess::new(
            Arc::clone(&emulator).router(Auth::None),
        )))
        .retry(RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
        })
        .hook(attempts.clone())
        .build()
        .unwrap();
    Setup {
        emulator,
        clock,
        client,
        attempts,
    }
}

#[tokio::test(start_paused = true)]
async fn a_throttled_create_is_retried_and_carried_out_once() {
    let s = setup();
    s.emulator
        .faults()
        .add(
            "create_pool",
            Fault::Throttle {
                retry_after_seconds: 2,
            },
            Some(2),
        )
        .unwrap();
    let created = s
        .client
        .create_pool(create_request("throttled"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status.as_u16(), 200);
    assert_eq!(
        s.attempts.take(),
        3,
        "two throttled attempts, then the one carried out"
    );
    // The throttled attempts were not carried out: one pool.
    assert_eq!(s.emulator.world().pools.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn throttling_that_outlasts_the_policy_is_the_error_with_its_code() {
    let s = setup();
    let err = s
        .client
        .list_pools()
        .header("X-Emulator-Fault", "throttle")
        .send()
        .await
        .unwrap_err();
    let err = Error::from(err);
    let api = err.api().expect("an answer");
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(
        api.error_code,
        modelarts_pools_runtime::retry::GATEWAY_THROTTLE_CODE
    );
    assert_eq!(s.attempts.take(), 4, "every attempt of the policy");
}

#[tokio::test(start_paused = true)]
async fn a_server_error_is_retried_for_a_read_and_not_for_a_create() {
    let s = setup();
    s.emulator
        .faults()
        .add("list_pools", Fault::Status(503), Some(1))
        .unwrap();
    s.client.list_pools().send().await.unwrap();
    assert_eq!(s.attempts.take(), 2);

    let err = s
        .client
        .create_pool(create_request("failing"))
        .header("X-Emulator-Fault", "error=503")
        .send()
        .await
        .unwrap_err();
    let err = Error::from(err);
    assert_eq!(err.api().map(|a| a.status.as_u16()), Some(503), "{err}");
    assert_eq!(
        s.attempts.take(),
        1,
        "a POST that may have been processed is not sent again"
    );
    assert!(s.emulator.world().pools.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_slow_answer_is_cut_by_the_attempt_timeout() {
    let s = setup();
    s.emulator
        .faults()
        .add(
            "show_pool_statistics",
            Fault::Slow(Duration::from_secs(600)),
            None,
        )
        .unwrap();
    let err = s
        .client
        .show_pool_statistics()
        .attempt_timeout(Duration::from_secs(1))
        .retry_policy(RetryPolicy::disabled())
        .send()
        .await
        .unwrap_err();
    match Error::from(err) {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Timeout, "{t}"),
        other => panic!("expected a timeout, got {other}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_connection_closed_mid_answer_is_an_error_and_a_read_is_retried() {
    let s = setup();
    let created = s
        .client
        .create_pool(create_request("closing"))
        .send()
        .await
        .unwrap();
    let name = created.body.metadata.unwrap().name.unwrap();
    s.attempts.take();

    s.emulator
        .faults()
        .add("show_pool", Fault::Close, Some(1))
        .unwrap();
    let shown = s.client.show_pool(&name).send().await;
    assert!(shown.is_ok(), "{shown:?}");
    assert_eq!(s.attempts.take(), 2);

    let err = s
        .client
        .show_pool(&name)
        .header("X-Emulator-Fault", "close")
        .retry_policy(RetryPolicy::disabled())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(Error::from(err), Error::Transport(_)),
        "a body cut short is a transport failure"
    );
}

#[tokio::test(start_paused = true)]
async fn a_waiter_goes_on_through_throttles() {
    let s = setup();
    let created = s
        .client
        .create_pool(create_request("waited"))
        .send()
        .await
        .unwrap();
    let name = created.body.metadata.unwrap().name.unwrap();
    s.emulator
        .faults()
        .add(
            "show_pool",
            Fault::Throttle {
                retry_after_seconds: 1,
            },
            Some(3),
        )
        .unwrap();
    let clock = s.clock.clone();
    let pool = s
        .client
        .wait_until_pool_running(&name)
        .config(WaiterConfig::new(
            Duration::from_secs(1),
            Duration::from_secs(1),
            Duration::from_secs(600),
        ))
        .on_progress(move |_| clock.advance(Duration::from_secs(20)))
        .wait()
        .await
        .unwrap();
    let pool = serde_json::to_value(pool).unwrap();
    assert_eq!(pool["status"]["phase"], "Running");
}

#[tokio::test(start_paused = true)]
async fn a_bad_fault_header_is_refused_with_what_is_wrong() {
    let s = setup();
    let err = s
        .client
        .list_pools()
        .header("X-Emulator-Fault", "explode")
        .send()
        .await
        .unwrap_err();
    let err = Error::from(err);
    let api = err.api().expect("an answer");
    assert_eq!(api.status.as_u16(), 400);
    assert!(api.error_msg.contains("explode"), "{}", api.error_msg);
}

#[tokio::test]
async fn over_a_socket_a_closed_connection_is_interrupted_and_a_read_is_retried() {
    let emulator = Arc::new(Emulator::new(TRANSITION));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let app = Arc::clone(&emulator).router(Auth::None);
    tokio::spawn(async move {
        modelarts_pools_runtime::server::axum::serve(listener, app)
            .await
            .unwrap()
    });
    let attempts = Arc::new(Attempts::default());
    let client = |policy: RetryPolicy| {
        Client::builder()
            .endpoint(&endpoint)
            .project_id("p1")
            .credentials(Credentials::ak_sk("ak", "sk"))
            .retry(policy)
            .hook(attempts.clone())
            .build()
            .unwrap()
    };
    let once = client(RetryPolicy::disabled());
    let err = once
        .list_pools()
        .header("X-Emulator-Fault", "close")
        .send()
        .await
        .unwrap_err();
    match Error::from(err) {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Interrupted, "{t}"),
        other => panic!("expected an interrupted connection, got {other}"),
    }
    attempts.take();

    emulator
        .faults()
        .add("list_pools", Fault::Close, Some(1))
        .unwrap();
    let retried = client(RetryPolicy {
        max_attempts: 2,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    });
    retried.list_pools().send().await.unwrap();
    assert_eq!(attempts.take(), 2);
}
