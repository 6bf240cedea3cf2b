//! The `lists_and_patches` fixture's client on the wire, against the shared loopback server:
//! query parameters (scalars, repeated keys, percent-encoding), a JSON merge-patch body with its
//! media type, and a success without a body.

use modelarts_pools_runtime::model::Patch;
use modelarts_pools_runtime::{ClientBuilder, Credentials};
use modelarts_pools_test_support::{Reply, Server};
use modelarts_pools_tests::lists_and_patches::{client::Client, models};
use serde_json::json;

fn client(server: &Server) -> Client {
    Client::new(
        ClientBuilder::new()
            .endpoint(server.endpoint())
            .project_id("p1")
            .credentials(Credentials::ak_sk("AK", "SK"))
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn query_parameters_go_out_in_spec_order_repeated_and_encoded() {
    let page = json!({ "metadata": { "continue": "t2" }, "items": [ { "name": "w", "size": 3, "labels": { "a": "b" } } ] });
    let server = Server::start([Reply::json(200, page.to_string())]);
    let list = client(&server)
        .list_widgets()
        .label_selector("app=a b&c")
        .limit(20)
        .hostip(["10.0.0.1", "10.0.0.2"])
        .ascend(true)
        .sizes([1, 2])
        .send()
        .await
        .unwrap()
        .body;
    assert_eq!(list.metadata.unwrap().continue_.as_deref(), Some("t2"));
    assert_eq!(list.items.unwrap()[0].labels.as_ref().unwrap()["a"], "b");
    let request = server.only();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/v1/p1/widgets");
    assert_eq!(
        request.query(),
        "labelSelector=app%3Da%20b%26c&limit=20&hostip=10.0.0.1&hostip=10.0.0.2&ascend=true&sizes=1&sizes=2"
    );
}

#[tokio::test]
async fn a_merge_patch_says_leave_set_or_remove_and_is_sent_as_one() {
    let server = Server::start([Reply::json(200, r#"{"name":"w","size":4}"#)]);
    let spec = models::WidgetSpecPatch {
        size: Patch::Value(4),
        mode: Patch::Null,
        ..Default::default()
    };
    let patch = models::WidgetPatch::new(spec);
    let widget = client(&server)
        .patch_widget("w", patch)
        .send()
        .await
        .unwrap()
        .body;
    assert_eq!(widget.size, Some(4));
    let request = server.only();
    assert_eq!(
        (request.method.as_str(), request.path()),
        ("PATCH", "/v1/p1/widgets/w")
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/merge-patch+json")
    );
    // `parts` and `labels` are left alone (absent); `mode` is removed (null).
    assert_eq!(
        request.json(),
        json!({ "spec": { "size": 4, "mode": null } })
    );
}

#[tokio::test]
async fn a_rule_on_a_patch_member_is_checked_before_sending() {
    let server = Server::start([]);
    let spec = models::WidgetSpecPatch {
        mode: Patch::Value(models::Mode::Big),
        ..Default::default()
    };
    let error = client(&server)
        .patch_widget("w", models::WidgetPatch::new(spec))
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("$.spec.parts"), "{error}");
    server.assert_untouched();
}

#[tokio::test]
async fn a_success_without_a_body_is_unit() {
    let server = Server::start([Reply::status(204)]);
    let response = client(&server)
        .delete_widget_tags("w")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 204);
    let () = response.body;
    assert_eq!(server.only().method, "DELETE");
}

#[test]
fn the_examples_round_trip() {
    let example = json!({ "spec": { "size": 4, "mode": null } });
    let patch: models::WidgetPatch = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(patch.spec.mode, Patch::Null);
    assert!(patch.labels.is_absent());
    assert_eq!(serde_json::to_value(&patch).unwrap(), example);
}
