//! What the hand-written runtime crate (`runtime/`) does that the generated documents describe:
//! how it authenticates requests. It is the runtime's, not a spec's: the generated client can
//! only send what the runtime signs, so the OpenAPI documents declare these and nothing else.

/// One way the runtime authenticates a request: an OpenAPI API-key security scheme in a header.
pub struct AuthScheme {
    /// The scheme's name in the OpenAPI documents.
    pub name: &'static str,
    pub header: &'static str,
    pub description: &'static str,
}

/// The runtime's credentials (`runtime/src/credentials`), in the order the documents list them:
/// either is enough.
pub const AUTH_SCHEMES: &[AuthScheme] = &[
    AuthScheme {
        name: "akSk",
        header: "Authorization",
        description: "Huawei Cloud AK/SK signing (SDK-HMAC-SHA256): `Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=…, Signature=…`, an HMAC-SHA256 with the secret key over the canonical request (method, path, sorted query, signed headers, SHA-256 of the body), with the time in `X-Sdk-Date` (YYYYMMDDTHHMMSSZ, UTC); temporary credentials add `X-Security-Token`.",
    },
    AuthScheme {
        name: "iamToken",
        header: "X-Auth-Token",
        description: "An IAM user token, instead of an AK/SK signature.",
    },
];
