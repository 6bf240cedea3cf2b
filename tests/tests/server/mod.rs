//! What the end-to-end tests share: the loopback server of `modelarts-pools-test-support` (which
//! records every request exactly as it arrived and answers with scripted replies), the
//! credentials and IDs the tests configure, checks of what arrived (the date it signs; the
//! signature is test-support's), and the seed document's examples (test-support's `seed`).
#![allow(dead_code)]

use modelarts_pools_runtime::signer;
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

/// Checks of a request that are about this API, not HTTP (the signature is checked by
/// [`Request::verify_signature`], the gateway's check in `modelarts-pools-test-support`).
pub trait Wire {
    /// Checks `X-Sdk-Date`: `%Y%m%dT%H%M%SZ`, UTC, and (to the second) no earlier than the
    /// server's start and no later than the request's arrival. Only the order of three readings
    /// of the system clock is checked, never how far apart they are.
    fn assert_fresh_sdk_date(&self, server: &Server);
}

impl Wire for Request {
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

pub use modelarts_pools_test_support::seed::{
    create_pool_request as seed_create_request, response as seed_response,
};

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
