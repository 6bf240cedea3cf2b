//! Errors: refused before sending, answered with an error status, failed in transport, or a body
//! that does not decode.

use std::collections::HashMap;
use std::fmt;

use http::{HeaderMap, StatusCode};
use serde_json::value::RawValue;

use crate::validation::ValidationError;

/// The response header carrying the request ID that support asks for.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";

/// Everything a call can fail with.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request was refused before sending: nothing went on the wire.
    #[error("invalid request: {0}")]
    InvalidRequest(#[from] ValidationError),
    /// The service answered with a status >= 400.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The exchange failed: connection, timeout, TLS, redirect, body too large...
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// A successful (2xx) answer whose body does not decode as the expected type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The client is not configured properly (endpoint, project ID, credentials...).
    #[error("configuration error: {0}")]
    Config(String),
    /// No credentials could be had: the source that failed and why (never a secret). Nothing
    /// was sent to the service.
    #[error("no credentials: {0}")]
    Credentials(Box<crate::credentials::CredentialsError>),
}

impl Error {
    /// The API error inside, or the error itself when it is of another kind; for sorting errors
    /// by status without cloning.
    pub fn into_api(self) -> Result<Box<ApiError>, Error> {
        match self {
            Error::Api(api) => Ok(api),
            other => Err(other),
        }
    }

    /// The API error, when the service answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) => e.status,
            _ => None,
        }
    }

    /// The request ID (`X-Request-Id`) of the answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::Transport(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the failure is of a kind that may pass when tried again: connection failures,
    /// timeouts, interrupted connections, and the statuses 429, 502, 503 and 504. (The client
    /// retries all but the first only for idempotent operations.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Transport(e) => matches!(
                e.kind,
                TransportErrorKind::Connect
                    | TransportErrorKind::Timeout
                    | TransportErrorKind::Interrupted
            ),
            _ => false,
        }
    }
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// An answer with status >= 400, with the service's error code and message.
#[derive(Clone, Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The service's error code (such as `ModelArts.50015000` or `APIG.0301`), or the status
    /// number when the body carries none.
    pub error_code: String,
    /// The service's error message, or the body text when it carries none.
    pub error_msg: String,
    /// The `X-Request-Id` response header (or the body's `request_id` when the header is missing).
    pub request_id: Option<String>,
    /// The body as received (lossy UTF-8).
    pub raw_body: String,
    /// The response headers.
    pub headers: HeaderMap,
    /// The spec's description of this status for this operation, when it documents one.
    pub documented: Option<&'static str>,
    /// The operation that failed.
    pub operation: &'static str,
}

impl ApiError {
    /// 4xx: the request was wrong (the caller's fault).
    pub fn is_client_error(&self) -> bool {
        self.status.is_client_error()
    }

    /// 5xx: the service failed.
    pub fn is_server_error(&self) -> bool {
        self.status.is_server_error()
    }

    /// A status worth trying again after a pause: 429, 502, 503 or 504.
    pub fn is_retryable(&self) -> bool {
        is_retryable_status(self.status)
    }

    /// Builds the error from a response, reading the code and message the way the official SDKs
    /// do: `error_code`/`error_msg`, else `errorCode`/`errorMsg`, else `code`/`message`, else the
    /// status number and the body text.
    pub fn from_response(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
        documented: Option<&'static str>,
    ) -> Self {
        let raw_body = String::from_utf8_lossy(body).into_owned();
        // Members as their JSON text: numbers keep their digits, and a member holding a number
        // too large for an f64 does not stop the others from being read.
        let object = members(body);
        let object = object.as_ref();
        let mut code_msg = object.and_then(|o| {
            [
                ("error_code", "error_msg"),
                ("errorCode", "errorMsg"),
                ("code", "message"),
            ]
            .iter()
            .find_map(|(c, m)| {
                let code = scalar_text(o.get(*c)?)?;
                Some((
                    code,
                    o.get(*m).and_then(|v| scalar_text(v)).unwrap_or_default(),
                ))
            })
        });
        // Some Huawei Cloud services nest the pair: {"error": {"code": ..., "message": ...}}.
        if code_msg.is_none() {
            code_msg = object
                .and_then(|o| o.get("error"))
                .and_then(|e| members(e.get().as_bytes()))
                .and_then(|e| {
                    let code = scalar_text(e.get("code").or_else(|| e.get("error_code"))?)?;
                    let msg = e
                        .get("message")
                        .or_else(|| e.get("error_msg"))
                        .and_then(|v| scalar_text(v))
                        .unwrap_or_default();
                    Some((code, msg))
                });
        }
        let (error_code, error_msg) = code_msg.unwrap_or_else(|| {
            let text = raw_body.trim();
            let msg = if text.is_empty() {
                status.canonical_reason().unwrap_or("").to_string()
            } else {
                truncate_chars(text, 500)
            };
            (status.as_u16().to_string(), msg)
        });
        let request_id = header_text(&headers, REQUEST_ID).or_else(|| {
            object
                .and_then(|o| o.get("request_id").or_else(|| o.get("requestId")))
                .filter(|v| v.get().starts_with('"'))
                .and_then(|v| serde_json::from_str::<String>(v.get()).ok())
        });
        ApiError {
            status,
            error_code,
            error_msg,
            request_id,
            raw_body,
            headers,
            documented,
            operation,
        }
    }
}

/// The members of a JSON object, each as its text; for a key that appears twice, the last.
fn members(json: &[u8]) -> Option<HashMap<String, &RawValue>> {
    serde_json::from_slice(json).ok()
}

/// A string's content, or a number's text exactly as written.
fn scalar_text(v: &RawValue) -> Option<String> {
    let text = v.get();
    match text.as_bytes().first()? {
        b'"' => serde_json::from_str(text).ok(),
        b'-' | b'0'..=b'9' => Some(text.to_owned()),
        _ => None,
    }
}

/// [`REQUEST_ID_HEADER`] as a header name.
pub(crate) const REQUEST_ID: http::header::HeaderName =
    http::header::HeaderName::from_static("x-request-id");

pub(crate) fn header_text(
    headers: &HeaderMap,
    name: impl http::header::AsHeaderName,
) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
        .filter(|v| !v.is_empty())
}

/// At most `max` characters of `s`, with `…` when cut.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        write!(f, ": {}", self.error_code)?;
        if !self.error_msg.is_empty() {
            write!(f, ": {}", self.error_msg)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// What kind of transport failure a [`TransportError`] is.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// Could not connect (DNS, refused, unreachable, connect timeout): nothing was sent.
    Connect,
    /// The request or the response took longer than the timeout.
    Timeout,
    /// The TLS handshake failed (certificate not trusted, protocol error...).
    Tls,
    /// The service answered with a redirect (3xx), which is never followed.
    Redirect,
    /// The response body is larger than the client's limit.
    BodyTooLarge,
    /// The connection broke after the request was sent: reset, or closed before the whole
    /// answer arrived. The service may have acted on the request.
    Interrupted,
    /// Anything else (malformed HTTP...).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "connection failed",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Tls => "TLS failure",
            TransportErrorKind::Redirect => "redirect not followed",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::Interrupted => "connection interrupted",
            TransportErrorKind::Other => "transport failure",
        })
    }
}

/// The exchange with the service failed.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) kind: TransportErrorKind,
    pub(crate) operation: &'static str,
    pub(crate) message: String,
    pub(crate) status: Option<StatusCode>,
    pub(crate) location: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl TransportError {
    pub(crate) fn new(
        kind: TransportErrorKind,
        operation: &'static str,
        message: impl Into<String>,
    ) -> Self {
        TransportError {
            kind,
            operation,
            message: message.into(),
            status: None,
            location: None,
            request_id: None,
            source: None,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The operation that failed.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// A description of the failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The status of the answer, for `Redirect` and `BodyTooLarge`.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The `Location` of a redirect.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The request ID of the answer, when one arrived.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.kind, self.operation, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A 2xx answer whose body is not what the operation returns.
#[derive(Clone, Debug)]
pub struct DecodeError {
    /// The operation.
    pub operation: &'static str,
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// The `X-Request-Id` response header.
    pub request_id: Option<String>,
    /// JSON path of the value that failed, such as `$.items[0].spec`, when known.
    pub path: Option<String>,
    /// What is wrong.
    pub message: String,
    /// Line and column in the body, when known (1-based).
    pub line: Option<usize>,
    /// Column in the body (1-based), when known.
    pub column: Option<usize>,
    /// The beginning of the body (about 200 characters, lossy UTF-8).
    pub snippet: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the response of {} (HTTP {}",
            self.operation,
            self.status.as_u16()
        )?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")?;
        if let Some(path) = &self.path {
            write!(f, " at {path}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.snippet.is_empty() {
            write!(f, "; body starts: {}", self.snippet)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// Formats a `serde_path_to_error` path as a JSON path: `$`, `$.items[0]`, `$.labels['a.b']`.
/// Appends `.name`, or `['name']` for a key that is not a plain identifier.
pub(crate) fn push_member(out: &mut String, key: &str) {
    let plain = {
        let mut chars = key.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if plain {
        out.push('.');
        out.push_str(key);
    } else {
        out.push_str(&format!(
            "['{}']",
            key.replace('\\', "\\\\").replace('\'', "\\'")
        ));
    }
}

pub(crate) fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("$");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => push_member(&mut out, key),
            Segment::Enum { variant } => {
                out.push('.');
                out.push_str(variant);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

/// The error and its sources, joined with `: ` (a source whose text the previous one already
/// holds is left out).
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> ApiError {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-1".parse().unwrap());
        ApiError::from_response(
            "CreatePool",
            StatusCode::from_u16(status).unwrap(),
            headers,
            body.as_bytes(),
            Some("Conflict"),
        )
    }

    #[test]
    fn error_body_shapes() {
        let e = parse(
            409,
            r#"{"error_code":"ModelArts.50015000","error_msg":"Pool already exists."}"#,
        );
        assert_eq!(e.error_code, "ModelArts.50015000");
        assert_eq!(e.error_msg, "Pool already exists.");
        assert_eq!(
            e.to_string(),
            "HTTP 409 Conflict: ModelArts.50015000: Pool already exists. (request id req-1)"
        );
        assert!(e.is_client_error() && !e.is_server_error());

        let e = parse(401, r#"{"errorCode":"APIG.1002","errorMsg":"bad token"}"#);
        assert_eq!(
            (e.error_code.as_str(), e.error_msg.as_str()),
            ("APIG.1002", "bad token")
        );

        let e = parse(500, r#"{"code":500123,"message":"boom"}"#);
        assert_eq!(
            (e.error_code.as_str(), e.error_msg.as_str()),
            ("500123", "boom")
        );
        assert!(e.is_server_error());

        let e = parse(400, r#"{"error":{"code":"IAM.0001","message":"nested"}}"#);
        assert_eq!(
            (e.error_code.as_str(), e.error_msg.as_str()),
            ("IAM.0001", "nested")
        );

        let e = parse(502, "<html>Bad Gateway</html>");
        assert_eq!(e.error_code, "502");
        assert_eq!(e.error_msg, "<html>Bad Gateway</html>");

        let e = parse(503, "");
        assert_eq!(
            (e.error_code.as_str(), e.error_msg.as_str()),
            ("503", "Service Unavailable")
        );

        let long = "é".repeat(2000);
        let e = parse(500, &long);
        assert_eq!(e.error_msg.chars().count(), 501);
        assert_eq!(e.raw_body, long);

        let e = ApiError::from_response(
            "X",
            StatusCode::BAD_REQUEST,
            HeaderMap::new(),
            b"\xff\xfe{",
            None,
        );
        assert_eq!(e.error_code, "400");
        assert!(e.request_id.is_none());

        let e = ApiError::from_response(
            "X",
            StatusCode::UNAUTHORIZED,
            HeaderMap::new(),
            br#"{"error_code":"APIG.0301","error_msg":"Incorrect IAM","request_id":"body-id"}"#,
            None,
        );
        assert_eq!(e.request_id.as_deref(), Some("body-id"));

        // Numbers keep their text; one too large for an f64 spoils nothing.
        let e = parse(
            500,
            r#"{"code":1.10,"message":"m","detail":1e400,"request_id":7}"#,
        );
        assert_eq!((e.error_code.as_str(), e.error_msg.as_str()), ("1.10", "m"));
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        let e = parse(
            400,
            r#"{"error":{"code":"IAM.\u0031","message":["not","text"]}}"#,
        );
        assert_eq!((e.error_code.as_str(), e.error_msg.as_str()), ("IAM.1", ""));
        let e = parse(400, r#"{"code":"a","code":"b","message":"m"}"#);
        assert_eq!(
            e.error_code, "b",
            "the last of a repeated key, as serde_json::Value"
        );
    }

    #[test]
    fn error_accessors() {
        let err = Error::Api(Box::new(parse(503, "{}")));
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(err.request_id(), Some("req-1"));
        assert!(err.is_retryable());
        assert!(err.api().is_some());
        assert_eq!(err.into_api().unwrap().status.as_u16(), 503);
        assert!(Error::Config("c".into()).into_api().is_err());
        let err = Error::Api(Box::new(parse(404, "{}")));
        assert!(!err.is_retryable());
        let err = Error::Config("x".into());
        assert!(err.status().is_none() && err.api().is_none() && !err.is_retryable());
    }
}
