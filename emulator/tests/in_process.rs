//! The emulator reached without a socket: the generated client on the runtime's in-process
//! transport over the server stubs' router, signatures checked as over HTTP.

use std::sync::Arc;
use std::time::Duration;

use modelarts_pools::models::CreatePoolRequest;
use modelarts_pools::{Client, Credentials, DeletePoolError, Error, ShowPoolError};
use modelarts_pools_emulator::{Emulator, ManualClock};
use modelarts_pools_runtime::server::Auth;
use modelarts_pools_runtime::transport::{InProcess, Transport};
use serde_json::json;

const AK: &str = "emulator-ak";
const SK: &str = "emulator-sk";
const TRANSITION: Duration = Duration::from_secs(60);

/// The emulator behind its router, as a transport; and its clock.
fn emulator(auth: Auth) -> (Arc<dyn Transport>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let emulator = Emulator::with_clock(TRANSITION, clock.clone());
    let router = modelarts_pools::server::router(Arc::new(emulator), auth);
    (Arc::new(InProcess::new(router)), clock)
}

fn client(transport: &Arc<dyn Transport>, credentials: Credentials) -> Client {
    Client::builder()
        // Never connected to: the transport carries every request.
        .endpoint("http://127.0.0.1:9")
        .project_id("p1")
        .credentials(credentials)
        .transport(Arc::clone(transport))
        .build()
        .unwrap()
}

pub(crate) fn create_request(label: &str) -> CreatePoolRequest {
    let mut body = modelarts_pools_test_support::seed::create_pool_request();
    body["metadata"]["labels"]["os.modelarts/name"] = json!(label);
    body["spec"]["resources"] =
        json!([{ "flavor": "modelarts.vm.cpu.8u", "count": 2, "maxCount": 2 }]);
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn a_signed_client_drives_the_emulator_in_process() {
    let (transport, clock) = emulator(Auth::AkSk {
        ak: AK.into(),
        sk: SK.into(),
    });
    let c = client(&transport, Credentials::ak_sk(AK, SK));

    let created = c
        .create_pool(create_request("inproc"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status.as_u16(), 200);
    assert_eq!(created.request_id.as_ref().map(String::len), Some(32));
    let name = created.body.metadata.unwrap().name.unwrap();
    assert!(name.starts_with("inproc-"), "{name}");

    clock.advance(TRANSITION);
    let shown = serde_json::to_value(c.show_pool(&name).send().await.unwrap().body).unwrap();
    assert_eq!(shown["status"]["phase"], "Running");

    c.delete_pool(&name).send().await.unwrap();
    clock.advance(TRANSITION);
    // The emulator's 404 is decoded into the operation's documented variant.
    match c.show_pool(&name).send().await {
        Err(ShowPoolError::NotFound(e)) => assert_eq!(e.error_code, "ModelArts.50015001"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    match c.delete_pool(&name).send().await {
        Err(DeletePoolError::NotFound(_)) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn unsigned_or_badly_signed_calls_get_401_in_process() {
    let (transport, _clock) = emulator(Auth::AkSk {
        ak: AK.into(),
        sk: SK.into(),
    });
    for credentials in [
        Credentials::ak_sk(AK, "wrong-sk"),
        Credentials::ak_sk("other-ak", SK),
        Credentials::iam_token("not-signed"),
    ] {
        let c = client(&transport, credentials);
        let err = Error::from(c.list_pools().send().await.unwrap_err());
        let api = err.api().expect("an answer");
        assert_eq!(api.status.as_u16(), 401, "{err}");
        assert_eq!(api.error_code, "APIGW.0301");
    }
}
