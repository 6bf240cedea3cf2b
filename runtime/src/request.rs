//! The request that generated operations build, and the response they get back.

use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};

use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::signer::encode_component;
use crate::validation::ValidationError;

/// The `Content-Type` of JSON request bodies (signed).
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// The Content-Type of a JSON merge patch (RFC 7396), as the definitions of PATCH operations
/// require it.
pub const MERGE_PATCH_CONTENT_TYPE: &str = "application/merge-patch+json";

/// Headers the client sets itself; operations may not set them.
const MANAGED_HEADERS: &[&str] = &[
    "host",
    "authorization",
    "x-sdk-date",
    "x-auth-token",
    "x-security-token",
    "x-project-id",
    "content-type",
    "content-length",
    "transfer-encoding",
    "connection",
];

/// A header a request may carry: a valid name the client does not manage itself, and a value of
/// visible ASCII (tabs allowed) with no CR, LF, NUL or other control byte.
pub(crate) fn checked_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let path = format!("header {name}");
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| refusal(path.clone(), "is not a valid header name"))?;
    if MANAGED_HEADERS.contains(&header_name.as_str()) {
        return Err(refusal(
            path,
            "is set by the client and cannot be overridden",
        ));
    }
    if value
        .bytes()
        .any(|b| b == b'\r' || b == b'\n' || b == 0 || (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        return Err(refusal(
            path,
            "must not contain CR, LF, NUL or other control characters",
        ));
    }
    if !value.is_ascii() {
        return Err(refusal(path, "must contain only ASCII characters"));
    }
    let header_value = HeaderValue::from_str(value)
        .map_err(|_| refusal(path, "must contain only visible ASCII characters"))?;
    Ok((header_name, header_value))
}

fn refusal(path: String, message: impl Into<String>) -> Error {
    Error::InvalidRequest(ValidationError {
        path,
        message: message.into(),
        rule: None,
    })
}

/// One call of an operation: method, path, headers and body, built by generated code and sent by
/// [`Client::execute`](crate::Client::execute).
#[derive(Clone, Debug)]
pub struct OperationRequest {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<Bytes>,
    /// The body's Content-Type.
    pub(crate) content_type: &'static str,
    pub(crate) idempotent: bool,
    pub(crate) documented_errors: &'static [(u16, &'static str)],
    pub(crate) overrides: CallOverrides,
    /// Where in `path` the project ID placeholder was pushed (the client's project ID was not
    /// known yet); the call fills it in.
    pub(crate) project_placeholder: Option<std::ops::Range<usize>>,
}

/// Settings of one call that replace the client's: the attempt and operation timeouts, the retry
/// policy, and headers to add. Set them with [`OperationRequest::overrides`].
///
/// ```
/// # use std::time::Duration;
/// use modelarts_pools_runtime::{CallOverrides, Method, OperationRequest, RetryPolicy};
///
/// let mut request = OperationRequest::new("ListPools", Method::GET);
/// request.overrides(
///     CallOverrides::default()
///         .attempt_timeout(Duration::from_secs(5))
///         .operation_timeout(Duration::from_secs(20))
///         .retry(RetryPolicy::disabled())
///         .header("X-Trace-Id", "4bf92f3577b34da6")?,
/// );
/// # Ok::<(), modelarts_pools_runtime::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct CallOverrides {
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl CallOverrides {
    /// The time one attempt may take (connect, send, read the whole answer), instead of the
    /// client's [`timeout`](crate::ClientBuilder::timeout).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The time all attempts together may take, pauses included, instead of the client's
    /// [`operation_timeout`](crate::ClientBuilder::operation_timeout).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// The retry policy of this call, instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Adds a header to every attempt of this call; it is signed. Checked as
    /// [`OperationRequest::header`] checks its headers.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        self.headers.push(checked_header(name, value)?);
        Ok(self)
    }

    /// The attempt timeout set, if any.
    pub fn get_attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The operation timeout set, if any.
    pub fn get_operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }

    /// The retry policy set, if any.
    pub fn get_retry(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }
}

impl OperationRequest {
    /// A request for `operation` (the spec's operation name, used in errors and hooks).
    ///
    /// It is idempotent by default only for `GET`, `HEAD` and `OPTIONS`; call
    /// [`idempotent`](Self::idempotent) to say otherwise.
    pub fn new(operation: &'static str, method: Method) -> Self {
        let idempotent = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        OperationRequest {
            operation,
            method,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            content_type: JSON_CONTENT_TYPE,
            idempotent,
            documented_errors: &[],
            overrides: CallOverrides::default(),
            project_placeholder: None,
        }
    }

    /// Appends a literal path segment from the spec (such as `v2` or `pools`), sent as written.
    pub fn push_literal(&mut self, segment: &'static str) {
        self.path.push('/');
        self.path.push_str(segment.trim_matches('/'));
    }

    /// Appends the value of the path parameter `name` as exactly one segment: everything except
    /// `A-Z a-z 0-9 - _ . ~` is percent-encoded. Empty values, `.` and `..` are refused
    /// (URL parsers would drop or resolve them even when encoded).
    pub fn push_param(&mut self, name: &'static str, value: &str) -> Result<(), Error> {
        let path = || format!("path parameter {name}");
        if value.is_empty() {
            return Err(refusal(path(), "must not be empty"));
        }
        if value == "." || value == ".." {
            return Err(refusal(path(), format!("must not be {value:?}")));
        }
        self.path.push('/');
        let start = self.path.len();
        self.path.extend(percent_encoding::utf8_percent_encode(
            value,
            crate::signer::UNRESERVED,
        ));
        if name == "project_id" && value == crate::client::PROJECT_ID_PLACEHOLDER {
            self.project_placeholder = Some(start..self.path.len());
        }
        Ok(())
    }

    /// Whether the path holds the project ID placeholder, to be filled in by the call.
    pub(crate) fn has_project_placeholder(&self) -> bool {
        self.project_placeholder.is_some()
    }

    /// Puts the project ID where the placeholder is.
    pub(crate) fn fill_project_id(&mut self, project_id: &str) {
        if let Some(range) = self.project_placeholder.take() {
            self.path
                .replace_range(range, &encode_component(project_id));
        }
    }

    /// Adds a query parameter `name=value`, both percent-encoded as the official SDKs do:
    /// everything except `A-Z a-z 0-9 - _ . ~` as `%XX` of its UTF-8 bytes (upper-case hex; a
    /// space is `%20`, `+` is `%2B`).
    ///
    /// Parameters are sent in the order they are added, so an array parameter is one call per
    /// element (`hostip=a&hostip=b`, in the array's order). The signature does not depend on that
    /// order: [`canonical_query`](crate::signer::canonical_query) sorts by key, then value.
    pub fn query(&mut self, name: &str, value: &str) {
        self.query.push((name.to_string(), value.to_string()));
    }

    /// Adds an operation header (such as `X-ModelArts-User-ID`); it is signed. Values with CR,
    /// LF, NUL, other control bytes or non-ASCII characters are refused, and so are headers the
    /// client manages itself (`Host`, `Authorization`, `X-Sdk-Date`, `Content-Type`...).
    pub fn header(&mut self, name: &'static str, value: &str) -> Result<(), Error> {
        let header = checked_header(name, value)?;
        self.headers.push(header);
        Ok(())
    }

    /// Sets a JSON body (`Content-Type: application/json;charset=UTF-8`).
    pub fn json_body<B: serde::Serialize>(&mut self, body: &B) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            refusal(
                "request body".to_string(),
                format!("cannot be serialized: {e}"),
            )
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(())
    }

    /// Sets a JSON merge-patch body (RFC 7396, `Content-Type: application/merge-patch+json`):
    /// members left out are left alone, members set to `null` are removed.
    pub fn merge_patch_body<B: serde::Serialize>(&mut self, body: &B) -> Result<(), Error> {
        self.json_body(body)?;
        self.content_type = MERGE_PATCH_CONTENT_TYPE;
        Ok(())
    }

    /// The body's Content-Type (`application/json;charset=UTF-8` unless set otherwise).
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// Whether the operation may be repeated safely: only then are timeouts and 429/502/503/504
    /// answers retried.
    pub fn idempotent(&mut self, yes: bool) {
        self.idempotent = yes;
    }

    /// The error statuses the spec documents for this operation, with their descriptions.
    pub fn documented_errors(&mut self, statuses: &'static [(u16, &'static str)]) {
        self.documented_errors = statuses;
    }

    /// Replaces the client's settings for this call ([`CallOverrides`]).
    pub fn overrides(&mut self, overrides: CallOverrides) {
        self.overrides = overrides;
    }

    /// The settings of this call that replace the client's.
    pub fn call_overrides(&self) -> &CallOverrides {
        &self.overrides
    }

    /// The operation name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path as it will be sent (percent-encoded).
    pub fn path(&self) -> &str {
        if self.path.is_empty() {
            "/"
        } else {
            &self.path
        }
    }

    /// The query string as it will be sent (without `?`).
    pub fn query_string(&self) -> String {
        self.query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Whether the request is marked idempotent.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The JSON body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    pub(crate) fn documented(&self, status: StatusCode) -> Option<&'static str> {
        self.documented_errors
            .iter()
            .find(|(s, _)| *s == status.as_u16())
            .map(|(_, d)| *d)
    }
}

/// A successful answer: status, headers, request ID and the decoded body.
#[derive(Clone, Debug)]
pub struct Response<T> {
    /// HTTP status (2xx).
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The `X-Request-Id` response header.
    pub request_id: Option<String>,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Transforms the body, keeping status, headers and request ID.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            body: f(self.body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::canonical_query;

    fn param(value: &str) -> Result<String, Error> {
        let mut r = OperationRequest::new("ShowPool", Method::GET);
        r.push_literal("v2");
        r.push_param("pool_name", value)?;
        Ok(r.path().to_string())
    }

    #[test]
    fn hostile_path_values_stay_one_segment() {
        assert_eq!(param("pool-1_a.b~c").unwrap(), "/v2/pool-1_a.b~c");
        assert_eq!(param("a/b").unwrap(), "/v2/a%2Fb");
        assert_eq!(param("a?b").unwrap(), "/v2/a%3Fb");
        assert_eq!(param("a#b").unwrap(), "/v2/a%23b");
        assert_eq!(param("100%").unwrap(), "/v2/100%25");
        assert_eq!(param("%2e%2e").unwrap(), "/v2/%252e%252e");
        assert_eq!(param("a b").unwrap(), "/v2/a%20b");
        assert_eq!(param("池").unwrap(), "/v2/%E6%B1%A0");
        assert_eq!(param("../x").unwrap(), "/v2/..%2Fx");
        assert_eq!(param("...").unwrap(), "/v2/...");
        assert_eq!(param("a;b=c&d+e").unwrap(), "/v2/a%3Bb%3Dc%26d%2Be");
        for bad in ["", ".", ".."] {
            match param(bad) {
                Err(Error::InvalidRequest(v)) => assert_eq!(v.path, "path parameter pool_name"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn header_values_are_checked() {
        let mut r = OperationRequest::new("CreatePool", Method::POST);
        r.header("X-ModelArts-User-ID", "user-1").unwrap();
        for bad in ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\0b", "é", "a\x1bb"] {
            match r.header("X-ModelArts-User-ID", bad) {
                Err(Error::InvalidRequest(v)) => {
                    assert_eq!(v.path, "header X-ModelArts-User-ID", "{bad:?}")
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        assert!(matches!(
            r.header("Authorization", "x"),
            Err(Error::InvalidRequest(_))
        ));
        assert!(matches!(
            r.header("Bad Name", "x"),
            Err(Error::InvalidRequest(_))
        ));
        assert_eq!(r.headers.len(), 1);
    }

    #[test]
    fn a_merge_patch_body_says_so_in_its_content_type() {
        let mut r = OperationRequest::new("patch_pool", Method::PATCH);
        assert_eq!(r.content_type(), JSON_CONTENT_TYPE);
        r.merge_patch_body(&serde_json::json!({ "spec": { "network": null } }))
            .unwrap();
        assert_eq!(r.content_type(), "application/merge-patch+json");
        assert_eq!(r.body(), Some(&br#"{"spec":{"network":null}}"#[..]));
    }

    #[test]
    fn repeated_query_keys_keep_their_order_and_sign_sorted() {
        let mut r = OperationRequest::new("ListPoolNodes", Method::GET);
        r.query("hostip", "10.0.0.2");
        r.query("limit", &10.to_string());
        r.query("hostip", "10.0.0.1");
        r.query("hostip", "10.0.0.10");
        r.query("ascend", &true.to_string());
        assert_eq!(
            r.query_string(),
            "hostip=10.0.0.2&limit=10&hostip=10.0.0.1&hostip=10.0.0.10&ascend=true"
        );
        assert_eq!(
            canonical_query(&r.query_string()),
            "ascend=true&hostip=10.0.0.1&hostip=10.0.0.10&hostip=10.0.0.2&limit=10"
        );
    }

    #[test]
    fn query_values_are_percent_encoded_like_the_official_sdks() {
        let mut r = OperationRequest::new("ListPools", Method::GET);
        r.query(
            "labelSelector",
            "os.modelarts/name=a b&c,d;e+f?g#h%i*j'k(l)m!n~o_p-q.r",
        );
        r.query("name", "物理池 é");
        r.query("empty", "");
        let sent = r.query_string();
        assert_eq!(
            sent,
            "labelSelector=os.modelarts%2Fname%3Da%20b%26c%2Cd%3Be%2Bf%3Fg%23h%25i%2Aj%27k%28l%29m%21n~o_p-q.r\
             &name=%E7%89%A9%E7%90%86%E6%B1%A0%20%C3%A9&empty="
        );
        // One pair per parameter: nothing in a value can start another pair or key.
        assert_eq!(sent.matches('&').count(), 2);
        assert_eq!(sent.matches('=').count(), 3);
        // The signed form has the same encoding, sorted.
        assert_eq!(
            canonical_query(&sent),
            "empty=&labelSelector=os.modelarts%2Fname%3Da%20b%26c%2Cd%3Be%2Bf%3Fg%23h%25i%2Aj%27k%28l%29m%21n~o_p-q.r\
             &name=%E7%89%A9%E7%90%86%E6%B1%A0%20%C3%A9"
        );
        // The URL parser sends it as built (the client checks this before sending).
        let url = reqwest::Url::parse(&format!("http://127.0.0.1/v2?{sent}")).unwrap();
        assert_eq!(url.query(), Some(sent.as_str()));
    }

    #[test]
    fn signed_query_sorts_values_before_encoding_them() {
        // Sorted by the raw text, as the official SDKs sort: `.` (0x2E) before `/` (0x2F) and
        // ASCII before `é`, although their encodings `%2F` and `%C3%A9` sort before `.` and `z`.
        let mut r = OperationRequest::new("ListPools", Method::GET);
        for value in ["a/b", "a.b", "é", "z", "a b", "a"] {
            r.query("labelSelector", value);
        }
        r.query("a-b", "1");
        r.query("a", "2");
        assert_eq!(
            canonical_query(&r.query_string()),
            "a=2&a-b=1&labelSelector=a&labelSelector=a%20b&labelSelector=a.b\
             &labelSelector=a%2Fb&labelSelector=z&labelSelector=%C3%A9"
        );
    }

    #[test]
    fn defaults_and_body() {
        let mut r = OperationRequest::new("CreatePool", Method::POST);
        assert!(!r.is_idempotent());
        assert!(OperationRequest::new("ListPools", Method::GET).is_idempotent());
        r.json_body(&serde_json::json!({"a": 1})).unwrap();
        assert_eq!(r.body(), Some(&b"{\"a\":1}"[..]));
        r.query("label Selector", "a=b");
        r.query("limit", "10");
        assert_eq!(r.query_string(), "label%20Selector=a%3Db&limit=10");
        r.documented_errors(&[(409, "Pool exists")]);
        assert_eq!(r.documented(StatusCode::CONFLICT), Some("Pool exists"));
        assert_eq!(r.documented(StatusCode::NOT_FOUND), None);
        let resp = Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            request_id: Some("id".into()),
            body: 2,
        };
        let resp = resp.map(|b| b * 2);
        assert_eq!(resp.request_id.as_deref(), Some("id"));
        assert_eq!(resp.into_body(), 4);
    }
}
