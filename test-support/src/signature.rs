//! The `SDK-HMAC-SHA256` signature checked as the API gateway checks it, written here apart from
//! the runtime's signer (which the runtime's own tests check with it): the signed headers are
//! read from what arrived, the canonical request is made as Huawei's published signers make it,
//! and the signature is recomputed from the raw path, query and body bytes received.

use hmac::{KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use sha2::{Digest, Sha256};

use crate::Request;

/// What the official signers leave unencoded: `A-Z a-z 0-9 - _ . ~` (Python's `quote(s, safe='~')`).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The canonical URI: the whole path percent-decoded (an encoded `/` splits like a `/`; bytes
/// that are not UTF-8 read as U+FFFD, as Python's `unquote` reads them), each segment encoded,
/// joined with `/`, ending in `/`.
fn canonical_uri(path: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(path).collect();
    let decoded = String::from_utf8_lossy(&decoded);
    let mut uri = decoded
        .split('/')
        .map(|segment| percent_encode(segment.as_bytes(), UNRESERVED).to_string())
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query: each parameter decoded, sorted by name and then value, encoded, joined
/// with `&` (a parameter without `=` has an empty value).
fn canonical_query(query: &str) -> String {
    let decode = |s: &str| percent_decode_str(s).collect::<Vec<u8>>();
    let mut parameters: Vec<(Vec<u8>, Vec<u8>)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (decode(name), decode(value))
        })
        .collect();
    parameters.sort();
    parameters
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                percent_encode(name, UNRESERVED),
                percent_encode(value, UNRESERVED)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Request {
    /// Checks the request's `SDK-HMAC-SHA256` signature as the gateway does and returns its
    /// `SignedHeaders` list; panics saying what is wrong (with the canonical request the
    /// gateway made, when the signature differs).
    ///
    /// `Authorization` must be `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` with
    /// access key `ak`; the signed header names lower case, sorted, without `_` (which the
    /// gateway does not sign), and each present (a header sent twice is signed once, its values
    /// joined with `,` in the order sent); `X-Sdk-Date` among them; and the signature the
    /// lower-case hex HMAC-SHA256 with `sk` over the string to sign.
    pub fn verify_signature(&self, ak: &str, sk: &str) -> String {
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
        let names: Vec<&str> = parts.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            ["Access", "SignedHeaders", "Signature"],
            "Authorization layout: {auth}"
        );
        let (access, signed_headers, signature) = (parts[0].1, parts[1].1, parts[2].1);
        assert_eq!(access, ak, "Access in {auth}");
        assert!(
            signature.len() == 64
                && signature
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "a lower-case hex SHA-256 signature in {auth}"
        );

        let names: Vec<&str> = signed_headers.split(';').collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "signed headers sorted, each once: {auth}");
        assert!(
            names.contains(&"x-sdk-date"),
            "X-Sdk-Date is signed: {auth}"
        );
        let mut canonical_headers = String::new();
        for name in &names {
            assert!(
                !name.is_empty() && *name == name.to_ascii_lowercase() && !name.contains('_'),
                "signed header name {name:?} (lower case, no `_`): {auth}"
            );
            let values: Vec<&str> = self.all(name).into_iter().map(str::trim).collect();
            assert!(
                !values.is_empty(),
                "signed header {name} did not arrive: {:?}",
                self.headers
            );
            canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
        }
        let canonical_request = [
            self.method.to_ascii_uppercase(),
            canonical_uri(self.path()),
            canonical_query(self.query()),
            canonical_headers,
            signed_headers.to_owned(),
            sha256_hex(&self.body),
        ]
        .join("\n");
        let date = self.header("x-sdk-date").expect("an X-Sdk-Date header");
        let string_to_sign = format!(
            "SDK-HMAC-SHA256\n{date}\n{}",
            sha256_hex(canonical_request.as_bytes())
        );
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(sk.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(string_to_sign.as_bytes());
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(
            signature, expected,
            "the signature does not match what arrived; the gateway's canonical request:\n{canonical_request}"
        );
        signed_headers.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_parts_are_made_as_the_official_signers_make_them() {
        assert_eq!(canonical_uri("/v2/p%2Fq/a b"), "/v2/p/q/a%20b/");
        assert_eq!(canonical_uri("/v2/x/"), "/v2/x/");
        assert_eq!(canonical_uri("/v2/%7e%41"), "/v2/~A/");
        assert_eq!(canonical_uri("/v2/%FF"), "/v2/%EF%BF%BD/");
        assert_eq!(canonical_query("b=2&a=3&a=1"), "a=1&a=3&b=2");
        assert_eq!(canonical_query("x=%2F y"), "x=%2F%20y");
        assert_eq!(canonical_query("flag"), "flag=");
        assert_eq!(canonical_query(""), "");
    }

    /// The published vector of the official signers (`GET /resources?size=1`, signed with
    /// `AccessKey`/`SecretKey` at 2020-06-08T02:39:00Z).
    fn published_vector() -> Request {
        Request {
            method: "GET".to_owned(),
            target: "/resources?size=1".to_owned(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![
                ("Host".to_owned(), "service.endpoint.myhuaweicloud.com".to_owned()),
                ("X-Sdk-Date".to_owned(), "20200608T023900Z".to_owned()),
                (
                    "Authorization".to_owned(),
                    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842".to_owned(),
                ),
            ],
            body: Vec::new(),
            received_at: std::time::SystemTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_published_vector_verifies() {
        assert_eq!(
            published_vector().verify_signature("AccessKey", "SecretKey"),
            "host;x-sdk-date"
        );
    }

    #[test]
    #[should_panic(expected = "the signature does not match what arrived")]
    fn a_body_changed_on_the_way_fails() {
        let mut request = published_vector();
        request.body = b"{}".to_vec();
        request.verify_signature("AccessKey", "SecretKey");
    }

    #[test]
    #[should_panic(expected = "the signature does not match what arrived")]
    fn another_secret_fails() {
        published_vector().verify_signature("AccessKey", "OtherKey");
    }

    #[test]
    #[should_panic(expected = "Access in")]
    fn another_access_key_fails() {
        published_vector().verify_signature("OtherAccessKey", "SecretKey");
    }
}
