//! What generated server stubs call (feature `server`): the ModelArts error body, AK/SK signature
//! checks as the API gateway makes them, and reading parameters and bodies with errors that name
//! what is wrong and where.

use std::collections::BTreeMap;
use std::str::FromStr;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use axum;

use crate::error::json_path;
use crate::signer::{self, SigningInput};
use crate::validation::ValidationError;

/// The largest request body a stub reads (the service's own limit is not published).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// One operation's route, as a generated router serves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Route {
    /// The method as sent (`GET`).
    pub method: &'static str,
    /// The path template as the router matches it (axum's `MatchedPath`): `/v2/{project_id}/pools`.
    pub path: &'static str,
    /// The spec's operation name (`create_pool`).
    pub operation: &'static str,
}

impl Route {
    pub const fn new(method: &'static str, path: &'static str, operation: &'static str) -> Self {
        Route {
            method,
            path,
            operation,
        }
    }
}

/// A failure answered with the service's error body: `{"error_code": …, "error_msg": …}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    pub status: StatusCode,
    pub error_code: String,
    pub error_msg: String,
}

impl ServiceError {
    pub fn new(
        status: StatusCode,
        error_code: impl Into<String>,
        error_msg: impl Into<String>,
    ) -> Self {
        ServiceError {
            status,
            error_code: error_code.into(),
            error_msg: error_msg.into(),
        }
    }

    /// 400 `ModelArts.50004000`, the service's "bad request", with what is wrong.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ServiceError::new(StatusCode::BAD_REQUEST, "ModelArts.50004000", message)
    }

    /// 404 `NotServed`: the default of every generated service method, for an operation this
    /// server does not implement.
    pub fn not_served(operation: &str) -> Self {
        ServiceError::new(
            StatusCode::NOT_FOUND,
            "NotServed",
            format!("{operation} is not served here"),
        )
    }

    /// 401 `APIGW.0301`, as the gateway answers a missing or wrong signature.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ServiceError::new(StatusCode::UNAUTHORIZED, "APIGW.0301", message)
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let body =
            serde_json::json!({ "error_code": self.error_code, "error_msg": self.error_msg });
        json_response(self.status, &body)
    }
}

/// A JSON answer with the status, `Content-Type: application/json` and an `X-Request-Id`.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            with_request_id(response)
        }
        Err(e) => ServiceError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ModelArts.0001",
            format!("the answer cannot be written as JSON: {e}"),
        )
        .into_response(),
    }
}

/// The status of a spec's response (500 for a number that is not one, which resolve prevents).
pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// An answer with no body.
pub fn empty_response(status: StatusCode) -> Response {
    with_request_id(status.into_response())
}

fn with_request_id(mut response: Response) -> Response {
    let id = format!(
        "{:032x}",
        u128::from(crate::retry::random_u64()) << 64 | u128::from(crate::retry::random_u64())
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// A body that breaks one of the spec's rules is a 400 naming the member.
impl From<ValidationError> for ServiceError {
    fn from(e: ValidationError) -> Self {
        ServiceError::bad_request(format!(
            "the request body breaks a rule at {}: {}",
            e.path, e.message
        ))
    }
}

/// One request through a generated handler: the body read (within [`MAX_BODY_BYTES`]), the
/// signature checked, the parameters gathered, then `serve` (which reads them and calls the
/// service), and its answer written with `status`. No Content, `()` and an absent optional
/// answer (all `null` as JSON) carry no body.
pub async fn handle<A, F, Fut>(
    auth: &Auth,
    path: BTreeMap<String, String>,
    request: Request,
    status_code: u16,
    serve: F,
) -> Response
where
    A: Serialize,
    F: FnOnce(Params, axum::body::Bytes) -> Fut,
    Fut: std::future::Future<Output = Result<A, ServiceError>>,
{
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return ServiceError::bad_request(format!("the request body cannot be read: {e}"))
                .into_response();
        }
    };
    let query = parts.uri.query().unwrap_or("").to_owned();
    if let Err(e) = check_signature(
        auth,
        parts.method.as_str(),
        parts.uri.path(),
        &query,
        &parts.headers,
        &bytes,
    ) {
        return e.into_response();
    }
    let params = Params::new(path, &query, parts.headers);
    let status = status(status_code);
    match serve(params, bytes).await {
        Ok(answer) => match serde_json::to_value(&answer) {
            Ok(serde_json::Value::Null) => empty_response(status),
            _ if status == StatusCode::NO_CONTENT => empty_response(status),
            _ => json_response(status, &answer),
        },
        Err(e) => e.into_response(),
    }
}

/// A request body: checked against its published schema ([`check_body`]), then decoded.
pub fn read_body<T: DeserializeOwned>(bytes: &[u8], schema: &str) -> Result<T, ServiceError> {
    check_body(bytes, schema)?;
    decode_body(bytes)
}

/// Which requests a stub accepts.
#[derive(Clone, Debug)]
pub enum Auth {
    /// Requests signed (`SDK-HMAC-SHA256`) with this key pair.
    AkSk { ak: String, sk: String },
    /// Any request, signed or not (for API fuzzers and quick trials).
    None,
}

/// Checks a request's signature as the API gateway does: the `Authorization` header names the
/// access key and the signed headers; the signature is recomputed over the request as received.
pub fn check_signature(
    auth: &Auth,
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), ServiceError> {
    let Auth::AkSk { ak, sk } = auth else {
        return Ok(());
    };
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let authorization = text("authorization").ok_or_else(|| {
        ServiceError::unauthorized("the request is not signed: no Authorization header")
    })?;
    let fields = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or_else(|| {
            ServiceError::unauthorized("the Authorization header is not SDK-HMAC-SHA256")
        })?;
    let mut parts: BTreeMap<&str, &str> = BTreeMap::new();
    for field in fields.split(',') {
        if let Some((key, value)) = field.trim().split_once('=') {
            parts.insert(key, value);
        }
    }
    let (Some(access), Some(signed), Some(signature)) = (
        parts.get("Access"),
        parts.get("SignedHeaders"),
        parts.get("Signature"),
    ) else {
        return Err(ServiceError::unauthorized(
            "the Authorization header lacks Access, SignedHeaders or Signature",
        ));
    };
    if access != ak {
        return Err(ServiceError::unauthorized("the access key is not known"));
    }
    let sdk_date = text("x-sdk-date")
        .ok_or_else(|| ServiceError::unauthorized("the request has no X-Sdk-Date header"))?;
    let mut signed_headers = Vec::new();
    for name in signed.split(';') {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if values.is_empty() {
            return Err(ServiceError::unauthorized(format!(
                "the signed header {name} is not in the request"
            )));
        }
        for value in values {
            signed_headers.push((name.to_owned(), value.to_owned()));
        }
    }
    let expected = signer::sign(
        &SigningInput {
            method,
            path,
            query,
            headers: &signed_headers,
            body,
        },
        ak,
        sk,
        sdk_date,
    );
    if expected.signed_headers != *signed || expected.signature != *signature {
        return Err(ServiceError::unauthorized(
            "the signature does not match the request (check the secret key and the signed headers)",
        ));
    }
    Ok(())
}

/// Checks a JSON body against its published JSON Schema, as the service checks what it is sent:
/// every value of the wrong type, missing member or value outside an enumeration is listed in one
/// 400, each at its JSON path. Members the schema does not list are let through (a newer client
/// may send them).
pub fn check_body(bytes: &[u8], schema: &str) -> Result<(), ServiceError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ServiceError::bad_request(format!("the request body is not JSON: {e}")))?;
    let problems = crate::body_check::check_with(&value, schema, false)
        .map_err(|e| ServiceError::new(StatusCode::INTERNAL_SERVER_ERROR, "ModelArts.0001", e))?;
    let refused: Vec<String> = problems
        .iter()
        .filter(|p| p.kind != crate::body_check::ProblemKind::UnknownMember)
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::bad_request(format!(
            "the request body is invalid: {}",
            refused.join("; ")
        )))
    }
}

/// Decodes a JSON body; a body that does not fit says where (`$.spec.resources[0].count`).
pub fn decode_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServiceError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = json_path(e.path());
        ServiceError::bad_request(format!(
            "the request body is invalid at {path}: {}",
            e.into_inner()
        ))
    })?;
    deserializer
        .end()
        .map_err(|e| ServiceError::bad_request(format!("the request body is invalid: {e}")))?;
    Ok(value)
}

/// The parameters of one request: path, query (decoded, in order) and headers.
#[derive(Debug)]
pub struct Params {
    path: BTreeMap<String, String>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
}

impl Params {
    pub fn new(path: BTreeMap<String, String>, query: &str, headers: HeaderMap) -> Self {
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(&s.replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned()
                };
                (decode(key), decode(value))
            })
            .collect();
        Params {
            path,
            query,
            headers,
        }
    }

    fn parse<T: FromStr>(place: &str, name: &str, text: &str) -> Result<T, ServiceError> {
        text.parse().map_err(|_| {
            ServiceError::bad_request(format!("the {place} {name} is invalid: {text:?}"))
        })
    }

    /// A path parameter.
    pub fn path<T: FromStr>(&self, name: &str) -> Result<T, ServiceError> {
        let text = self.path.get(name).ok_or_else(|| {
            ServiceError::bad_request(format!("the path parameter {name} is missing"))
        })?;
        Self::parse("path parameter", name, text)
    }

    /// The first value of a query parameter, if it is given.
    pub fn query<T: FromStr>(&self, name: &str) -> Result<Option<T>, ServiceError> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| Self::parse("query parameter", name, value))
            .transpose()
    }

    /// A query parameter that must be given.
    pub fn required_query<T: FromStr>(&self, name: &str) -> Result<T, ServiceError> {
        self.query(name)?.ok_or_else(|| {
            ServiceError::bad_request(format!("the query parameter {name} is missing"))
        })
    }

    /// Every value of a repeated query parameter.
    pub fn query_all<T: FromStr>(&self, name: &str) -> Result<Vec<T>, ServiceError> {
        self.query
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| Self::parse("query parameter", name, value))
            .collect()
    }

    /// A header, if it is given.
    pub fn header<T: FromStr>(&self, name: &str) -> Result<Option<T>, ServiceError> {
        match self.headers.get(name) {
            None => Ok(None),
            Some(value) => {
                let text = value.to_str().map_err(|_| {
                    ServiceError::bad_request(format!("the header {name} is not visible ASCII"))
                })?;
                Self::parse("header", name, text).map(Some)
            }
        }
    }

    /// A header that must be given.
    pub fn required_header<T: FromStr>(&self, name: &str) -> Result<T, ServiceError> {
        self.header(name)?
            .ok_or_else(|| ServiceError::bad_request(format!("the header {name} is missing")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(path: &str, query: &str, body: &[u8]) -> HeaderMap {
        let date = "20260101T000000Z";
        let headers = vec![
            ("host".to_owned(), "127.0.0.1:8080".to_owned()),
            ("x-sdk-date".to_owned(), date.to_owned()),
        ];
        let signature = signer::sign(
            &SigningInput {
                method: "POST",
                path,
                query,
                headers: &headers,
                body,
            },
            "AK",
            "SK",
            date,
        );
        let mut map = HeaderMap::new();
        map.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
        map.insert("x-sdk-date", HeaderValue::from_static(date));
        map.insert(
            "authorization",
            HeaderValue::from_str(&signature.authorization).unwrap(),
        );
        map
    }

    #[test]
    fn signatures_are_checked_over_the_request_as_received() {
        let auth = Auth::AkSk {
            ak: "AK".into(),
            sk: "SK".into(),
        };
        let headers = signed("/v2/p/pools", "limit=2", b"{}");
        check_signature(&auth, "POST", "/v2/p/pools", "limit=2", &headers, b"{}").unwrap();
        for (path, query, body) in [
            ("/v2/p/pools/x", "limit=2", &b"{}"[..]),
            ("/v2/p/pools", "limit=3", b"{}"),
            ("/v2/p/pools", "limit=2", b"{ }"),
        ] {
            let err = check_signature(&auth, "POST", path, query, &headers, body).unwrap_err();
            assert_eq!(err.status, StatusCode::UNAUTHORIZED);
            assert_eq!(err.error_code, "APIGW.0301");
        }
        let other = Auth::AkSk {
            ak: "AK".into(),
            sk: "other".into(),
        };
        assert!(
            check_signature(&other, "POST", "/v2/p/pools", "limit=2", &headers, b"{}").is_err()
        );
        let err = check_signature(&auth, "POST", "/", "", &HeaderMap::new(), b"").unwrap_err();
        assert!(err.error_msg.contains("not signed"), "{err:?}");
        check_signature(&Auth::None, "POST", "/", "", &HeaderMap::new(), b"").unwrap();
    }

    #[test]
    fn parameters_and_bodies_say_what_is_wrong() {
        let mut headers = HeaderMap::new();
        headers.insert("x-user", HeaderValue::from_static("u1"));
        let params = Params::new(
            BTreeMap::from([("pool_name".to_owned(), "p%2F1".to_owned())]),
            "limit=5&label=a%3Db&label=c&bad=x",
            headers,
        );
        assert_eq!(params.path::<String>("pool_name").unwrap(), "p%2F1");
        assert_eq!(params.query::<i64>("limit").unwrap(), Some(5));
        assert_eq!(params.query_all::<String>("label").unwrap(), ["a=b", "c"]);
        assert_eq!(
            params.header::<String>("x-user").unwrap().as_deref(),
            Some("u1")
        );
        let err = params.query::<i64>("bad").unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert!(err.error_msg.contains("query parameter bad"), "{err:?}");
        assert!(params.required_query::<String>("missing").is_err());

        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            spec: Spec,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Spec {
            count: u32,
        }
        let err = decode_body::<Body>(br#"{"spec": {"count": "two"}}"#).unwrap_err();
        assert!(err.error_msg.contains("$.spec.count"), "{err:?}");
        assert!(decode_body::<Body>(b"{\"spec\":{\"count\":1}} x").is_err());
    }
}
