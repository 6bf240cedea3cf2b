//! What the end-to-end tests share: the loopback server of `modelarts-pools-test-support` (which
//! records every request exactly as it arrived and answers with scripted replies), the
//! credentials and IDs the tests configure, checks of what arrived (the signature as the gateway
//! recomputes it, the date it signs), and the seed document's examples.
#![allow(dead_code)]

use modelarts_pools_runtime::signer::{self, SigningInput};
pub use modelarts_pools_test_support::{Reply, Request, Server};

/// The project ID the tests configure.
pub const PROJECT: &str = "proj-0123456789abcdef";
/// The access key ID the tests sign with.
pub const AK: &str = "AKTEST0123";
/// The secret key the tests sign with.
pub const SK: &str = "SKTEST-secret-0123";
/// The request ID the scripted replies carry unless told otherwise.
pub const REQUEST_ID: &str = "req-7f3c2a";

/// A JSON answer carrying `X-Request-Id:` [`REQUEST_ID`].
pub fn json_reply(status: u16, body: &str) -> Reply {
    Reply::json(status, body).header("X-Request-Id", REQUEST_ID)
}

/// Checks of a request that are about this API, not HTTP.
pub trait Wire {
    /// Checks the `SDK-HMAC-SHA256` signature as the API gateway does: parses `Authorization`,
    /// takes the signed headers from what arrived, and recomputes the signature with
    /// [`signer::sign`] from the method, the raw path and query, and the body bytes received.
    /// Returns the `SignedHeaders` list.
    fn verify_signature(&self, ak: &str, sk: &str) -> String;

    /// Checks `X-Sdk-Date`: `%Y%m%dT%H%M%SZ`, UTC, and (to the second) no earlier than the
    /// server's start and no later than the request's arrival. Only the order of three readings
    /// of the system clock is checked, never how far apart they are.
    fn assert_fresh_sdk_date(&self, server: &Server);
}

impl Wire for Request {
    fn verify_signature(&self, ak: &str, sk: &str) -> String {
        let auth = self
            .header("authorization")
            .expect("an Authorization header");
        let rest = auth
            .strip_prefix("SDK-HMAC-SHA256 ")
            .unwrap_or_else(|| panic!("Authorization does not start with the algorithm: {auth}"));
        let parts: Vec<(&str, &str)> = rest
            .split(", ")
            .map(|part| {
                part.split_once('=')
                    .unwrap_or_else(|| panic!("malformed Authorization part {part:?} in {auth}"))
            })
            .collect();
        let keys: Vec<&str> = parts.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            ["Access", "SignedHeaders", "Signature"],
            "Authorization layout: {auth}"
        );
        let (access, signed_headers, signature) = (parts[0].1, parts[1].1, parts[2].1);
        assert_eq!(access, ak, "Access in {auth}");
        assert_eq!(signature.len(), 64, "hex SHA-256 signature in {auth}");
        assert!(
            signature
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "lower-case hex signature in {auth}"
        );
        let mut headers: Vec<(String, String)> = Vec::new();
        for name in signed_headers.split(';') {
            assert_eq!(
                name,
                name.to_ascii_lowercase(),
                "signed header names are lower case"
            );
            let mut found = false;
            for value in self.all(name) {
                headers.push((name.to_string(), value.to_string()));
                found = true;
            }
            assert!(
                found,
                "signed header {name} did not arrive: {:?}",
                self.headers
            );
        }
        let date = self.header("x-sdk-date").expect("an X-Sdk-Date header");
        let expected = signer::sign(
            &SigningInput {
                method: &self.method,
                path: self.path(),
                query: self.query(),
                headers: &headers,
                body: &self.body,
            },
            ak,
            sk,
            date,
        );
        assert_eq!(
            signature, expected.signature,
            "the signature does not match what arrived; canonical request:\n{}",
            expected.canonical_request
        );
        assert_eq!(auth, expected.authorization);
        signed_headers.to_string()
    }

    fn assert_fresh_sdk_date(&self, server: &Server) {
        let date = self.header("x-sdk-date").expect("an X-Sdk-Date header");
        let b = date.as_bytes();
        assert!(
            b.len() == 16
                && b[8] == b'T'
                && b[15] == b'Z'
                && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit),
            "X-Sdk-Date {date:?} is not %Y%m%dT%H%M%SZ"
        );
        // The format sorts as the time does, and truncating to the second keeps the order.
        let earliest = signer::format_sdk_date(server.started_at());
        let latest = signer::format_sdk_date(self.received_at);
        assert!(
            earliest.as_str() <= date && date <= latest.as_str(),
            "X-Sdk-Date {date} is not between the server's start ({earliest}) and the request's \
             arrival ({latest}) in UTC"
        );
    }
}

/// The spec, read as users would.
pub fn spec() -> serde_json::Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/modelarts-pools.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("the spec is JSON")
}

fn operation(name: &str) -> serde_json::Value {
    spec()["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .find(|op| op["name"] == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
        .clone()
}

/// The seed document's create-pool request example.
pub fn seed_create_request() -> serde_json::Value {
    operation("create_pool")["request_body"]["examples"][0].clone()
}

/// The seed document's example answer of `operation` with `status`.
pub fn seed_response(operation_name: &str, status: u16) -> serde_json::Value {
    operation(operation_name)["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .find(|r| r["status"] == status)
        .unwrap_or_else(|| panic!("no {status} response for {operation_name}"))["examples"][0]
        .clone()
}

/// A pool as the live service answers create with: the seed delete example with phase
/// `Creating` and members the tables do not list.
pub fn created_pool() -> serde_json::Value {
    let mut pool = seed_response("delete_pool", 200);
    pool["status"]["phase"] = "Creating".into();
    // Members no version of the definitions lists, as a newer service would send them.
    pool["metadata"]["labels"]["os.modelarts/future.label"] = PROJECT.into();
    pool["status"]["futureClusters"] = serde_json::json!([{ "name": "cce-1", "providerId": "x" }]);
    pool["spec"]["futureNetwork"] = serde_json::json!({ "mode": "overlay_l2" });
    pool["newTopLevelMember"] = serde_json::json!({ "nested": [1, 2, 3] });
    pool
}

/// Percent-decodes one path segment.
pub fn percent_decode(segment: &str) -> Vec<u8> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            assert!(i + 3 <= bytes.len(), "a truncated escape in {segment:?}");
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII escape");
            out.push(u8::from_str_radix(hex, 16).expect("a hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
