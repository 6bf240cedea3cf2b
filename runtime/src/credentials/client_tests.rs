//! The client with credential sources and project-ID discovery, against loopback fakes of the
//! metadata service, IAM and the pool service.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use modelarts_pools_test_support::{Reply, Server};

use super::{
    BoxFuture, CredentialsError, METADATA_ENDPOINT_ENV, ProvideCredentials, ProvidedCredentials,
};
use crate::client::{ClientBuilder, PROJECT_ID_ENV, PROJECT_ID_PLACEHOLDER};
use crate::signer::{self, SigningInput};
use crate::waiter::{Verdict, WaiterConfig, wait_until};
use crate::{Client, Credentials, Error, Method, OperationRequest};

/// A request built as generated code builds it: the client's project ID in the path.
fn show_pool(client: &Client, pool: &str) -> OperationRequest {
    let mut r = OperationRequest::new("ShowPool", Method::GET);
    r.push_literal("v2");
    r.push_param("project_id", client.project_id()).unwrap();
    r.push_literal("pools");
    r.push_param("pool_name", pool).unwrap();
    r
}

/// The access key an AK/SK request was signed with.
fn signed_ak(request: &modelarts_pools_test_support::Request) -> String {
    let auth = request.header("authorization").unwrap();
    let rest = auth.strip_prefix("SDK-HMAC-SHA256 Access=").unwrap();
    rest.split(',').next().unwrap().to_string()
}

/// Checks the signature of a bodiless request that arrived, with the headers it signed.
fn assert_signed(request: &modelarts_pools_test_support::Request, ak: &str, sk: &str) {
    let auth = request.header("authorization").unwrap();
    let signed_names = auth
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    let headers: Vec<(String, String)> = signed_names
        .split(';')
        .map(|n| (n.to_string(), request.header(n).unwrap().to_string()))
        .collect();
    let expected = signer::sign(
        &SigningInput {
            method: &request.method,
            path: request.path(),
            query: request.query(),
            headers: &headers,
            body: b"",
        },
        ak,
        sk,
        request.header("x-sdk-date").unwrap(),
    );
    assert_eq!(auth, expected.authorization);
}

/// Hands out `AK1`/`TOKEN1`, `AK2`/`TOKEN2`… each valid for an hour from the test's clock.
#[derive(Debug)]
struct Rotating {
    calls: AtomicUsize,
    now: Arc<Mutex<SystemTime>>,
    project_id: Option<&'static str>,
}

impl ProvideCredentials for Rotating {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let expires_at = *self.now.lock().unwrap() + Duration::from_secs(3600);
            let provided = ProvidedCredentials::expiring(
                Credentials::temporary(format!("AK{n}"), format!("SK{n}"), format!("TOKEN{n}")),
                expires_at,
            );
            Ok(match self.project_id {
                Some(id) => provided.with_project_id(id),
                None => provided,
            })
        })
    }
}

fn rotating(project_id: Option<&'static str>) -> (Arc<Mutex<SystemTime>>, Arc<Rotating>) {
    let now = Arc::new(Mutex::new(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000),
    ));
    let provider = Arc::new(Rotating {
        calls: AtomicUsize::new(0),
        now: Arc::clone(&now),
        project_id,
    });
    (now, provider)
}

#[tokio::test]
async fn a_wait_that_outlives_its_credentials_goes_on_with_fresh_ones() {
    let pool = Server::start([
        Reply::json(200, r#"{"status":{"phase":"Creating"}}"#),
        Reply::json(200, r#"{"status":{"phase":"Creating"}}"#),
        Reply::json(200, r#"{"status":{"phase":"Running"}}"#),
    ]);
    let (now, provider) = rotating(None);
    let clock_now = Arc::clone(&now);
    let client = Client::builder()
        .endpoint(pool.endpoint())
        .project_id("proj-1")
        .credentials_provider(Arc::clone(&provider))
        .credentials_clock(Arc::new(move || *clock_now.lock().unwrap()))
        .build()
        .unwrap();
    let config = WaiterConfig::new(Duration::ZERO, Duration::ZERO, Duration::from_secs(3600));
    let mut polls = 0;
    let outcome = wait_until(
        &config,
        || client.execute::<serde_json::Value>(show_pool(&client, "p1")),
        |answer| {
            polls += 1;
            // Each poll moves the wall clock: the first credentials expire after the first.
            *now.lock().unwrap() += Duration::from_secs(if polls == 1 { 2 * 3600 } else { 60 });
            let phase = answer
                .as_ref()
                .ok()
                .and_then(|r| r.body["status"]["phase"].as_str().map(str::to_string));
            match phase.as_deref() {
                Some("Running") => (Verdict::Success, phase),
                _ => (Verdict::Retry, phase),
            }
        },
        |_| {},
    )
    .await;
    assert!(outcome.is_ok(), "{outcome:?}");
    let requests = pool.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(signed_ak(&requests[0]), "AK1");
    assert_eq!(requests[0].header("x-security-token"), Some("TOKEN1"));
    for request in &requests[1..] {
        assert_eq!(signed_ak(request), "AK2");
        assert_eq!(request.header("x-security-token"), Some("TOKEN2"));
        assert_signed(request, "AK2", "SK2");
    }
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
}

fn projects(ids: &[&str]) -> String {
    let list: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "name": "cn-north-4", "domain_id": "d1"}))
        .collect();
    serde_json::json!({ "projects": list, "links": {"self": "x"} }).to_string()
}

fn discovering(pool: &Server, iam: &Server) -> Client {
    Client::builder()
        .region("cn-north-4")
        .endpoint(pool.endpoint())
        .iam_endpoint(iam.endpoint())
        .credentials(Credentials::temporary("AKTEMP", "SKTEMP", "STTEMP"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_project_id_is_looked_up_once_by_region_with_a_signed_call() {
    let iam = Server::start([Reply::json(200, projects(&["proj-found"]))]);
    let pool = Server::start((0..20).map(|_| Reply::json(200, "{}")));
    let client = discovering(&pool, &iam);
    assert_eq!(client.project_id(), PROJECT_ID_PLACEHOLDER);
    // Requests built before the ID is known; sent concurrently.
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            let request = show_pool(&client, &format!("p{i}"));
            tokio::spawn(async move { client.execute::<serde_json::Value>(request).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(client.project_id(), "proj-found");

    let lookup = iam.only();
    assert_eq!(
        (lookup.method.as_str(), lookup.path()),
        ("GET", "/v3/projects")
    );
    assert_eq!(lookup.query(), "name=cn-north-4");
    assert_eq!(lookup.header("x-security-token"), Some("STTEMP"));
    assert_eq!(lookup.header("x-project-id"), None);
    assert_signed(&lookup, "AKTEMP", "SKTEMP");

    let requests = pool.requests();
    assert_eq!(requests.len(), 20);
    for request in &requests {
        assert!(
            request.path().starts_with("/v2/proj-found/pools/p"),
            "{}",
            request.path()
        );
        assert_eq!(request.header("x-project-id"), Some("proj-found"));
        assert_signed(request, "AKTEMP", "SKTEMP");
    }
}

#[tokio::test]
async fn none_or_several_projects_is_a_clear_error_and_nothing_reaches_the_pool_service() {
    for (answer, expected) in [
        (projects(&[]), "no project named \"cn-north-4\""),
        (
            projects(&["a1", "b2"]),
            "2 projects named \"cn-north-4\" (a1, b2)",
        ),
    ] {
        let iam = Server::start([Reply::json(200, answer).header("X-IAM-Trace-Id", "trace-9")]);
        let pool = Server::start([]);
        let client = discovering(&pool, &iam);
        let err = client
            .execute::<serde_json::Value>(show_pool(&client, "p1"))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        for part in [expected, "--project-id", PROJECT_ID_ENV, "trace-9"] {
            assert!(text.contains(part), "{part:?} not in {text}");
        }
        pool.assert_untouched();
        assert_eq!(iam.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_refused_lookup_is_not_kept_and_the_next_call_asks_again() {
    let iam = Server::start([
        Reply::json(
            401,
            r#"{"error":{"code":"IAM.0001","message":"The request you have made requires authentication."}}"#,
        ),
        Reply::json(200, projects(&["proj-2"])),
    ]);
    let pool = Server::start([Reply::json(200, "{}")]);
    let client = discovering(&pool, &iam);
    let err = client
        .execute::<serde_json::Value>(show_pool(&client, "p1"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
    assert_eq!(err.api().unwrap().operation, "KeystoneListProjects");
    assert!(err.to_string().contains("IAM.0001"), "{err}");
    pool.assert_untouched();
    client
        .execute::<serde_json::Value>(show_pool(&client, "p1"))
        .await
        .unwrap();
    assert_eq!(pool.only().path(), "/v2/proj-2/pools/p1");
    assert_eq!(iam.requests().len(), 2);
}

#[tokio::test]
async fn a_project_id_named_by_the_source_needs_no_lookup() {
    let iam = Server::start([]);
    let pool = Server::start([Reply::json(200, "{}")]);
    let (_, provider) = rotating(Some("proj-from-profile"));
    let client = Client::builder()
        .region("cn-north-4")
        .endpoint(pool.endpoint())
        .iam_endpoint(iam.endpoint())
        .credentials_provider(provider)
        .build()
        .unwrap();
    assert_eq!(
        client.resolve_project_id().await.unwrap(),
        "proj-from-profile"
    );
    client
        .execute::<serde_json::Value>(show_pool(&client, "p1"))
        .await
        .unwrap();
    assert_eq!(pool.only().path(), "/v2/proj-from-profile/pools/p1");
    iam.assert_untouched();
}

const KEY: &str = r#"{"credential":{"access":"AKMETA","secret":"SKMETA","securitytoken":"STMETA","expires_at":"2099-01-01T00:00:00.000000Z"}}"#;

fn env(
    vars: Vec<(&'static str, String)>,
) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

#[tokio::test]
async fn from_env_on_a_server_with_no_key_uses_the_metadata_service() {
    let metadata = Server::start([Reply::json(200, "session"), Reply::json(200, KEY)]);
    let pool = Server::start([Reply::json(200, "{}"), Reply::json(200, "{}")]);
    let home = tempfile::tempdir().unwrap();
    let client: Client = ClientBuilder::from_lookup(env(vec![
        ("HOME", home.path().to_str().unwrap().to_string()),
        (crate::client::ENDPOINT_ENV, pool.endpoint()),
        (PROJECT_ID_ENV, "proj-1".to_string()),
        (METADATA_ENDPOINT_ENV, metadata.endpoint()),
    ]))
    .build()
    .unwrap();
    for _ in 0..2 {
        client
            .execute::<serde_json::Value>(show_pool(&client, "p1"))
            .await
            .unwrap();
    }
    for request in pool.requests() {
        assert_eq!(signed_ak(&request), "AKMETA");
        assert_eq!(request.header("x-security-token"), Some("STMETA"));
        assert_signed(&request, "AKMETA", "SKMETA");
    }
    // The credentials last: one session token, one read.
    assert_eq!(metadata.requests().len(), 2);
}

#[tokio::test]
async fn no_credentials_anywhere_names_every_source_and_sends_nothing() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let pool = Server::start([]);
    let home = tempfile::tempdir().unwrap();
    let client: Client = ClientBuilder::from_lookup(env(vec![
        ("HOME", home.path().to_str().unwrap().to_string()),
        (crate::client::ENDPOINT_ENV, pool.endpoint()),
        (PROJECT_ID_ENV, "proj-1".to_string()),
        (METADATA_ENDPOINT_ENV, format!("http://127.0.0.1:{port}")),
    ]))
    .build()
    .unwrap();
    let err = client
        .execute::<serde_json::Value>(show_pool(&client, "p1"))
        .await
        .unwrap_err();
    let Error::Credentials(inner) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(inner.kind(), super::CredentialsErrorKind::NotFound);
    let text = err.to_string();
    for part in [
        "no credentials: credentials chain",
        "environment: none of",
        "profile file",
        "instance metadata",
    ] {
        assert!(text.contains(part), "{part:?} not in {text}");
    }
    pool.assert_untouched();
}
