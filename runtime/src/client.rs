//! The client: configuration, signing each attempt, sending, retrying, and reading answers.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use reqwest::Url;
use serde::de::DeserializeOwned;

use crate::credentials::Credentials;
use crate::error::{
    ApiError, DecodeError, Error, REQUEST_ID_HEADER, TransportError, TransportErrorKind,
    header_text, is_retryable_status, json_path, truncate_chars,
};
use crate::hook::{ErrorInfo, Hook, RequestInfo, ResponseInfo};
use crate::request::{OperationRequest, Response};
use crate::retry::RetryPolicy;
use crate::signer::{self, SigningInput};
use crate::validation::ValidationError;

/// Total time allowed for one attempt (connect, send, and read the whole answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Time allowed to connect (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response body read (10 MiB); larger answers fail with `BodyTooLarge`.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// The default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("modelarts-pools-runtime/", env!("CARGO_PKG_VERSION"));

/// Environment variable holding the project ID.
pub const PROJECT_ID_ENV: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Environment variable holding the region (such as `cn-north-4`), used when no endpoint is set.
pub const REGION_ENV: &str = "HUAWEICLOUD_SDK_REGION";
/// Environment variable holding the endpoint URL (such as `https://modelarts.cn-north-4.myhuaweicloud.com`);
/// it wins over the region.
pub const ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_ENDPOINT";

/// The ModelArts endpoint of a region: `https://modelarts.{region}.myhuaweicloud.com`, except
/// `ap-southeast-1` (`.myhuaweicloud.cn`). The region must be made of `a-z`, `0-9` and `-`.
pub fn region_endpoint(region: &str) -> Result<String, Error> {
    let valid = !region.is_empty()
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return Err(Error::Config(format!(
            "invalid region {region:?}: expected lower-case letters, digits and '-', such as cn-north-4"
        )));
    }
    let domain = if region == "ap-southeast-1" {
        "myhuaweicloud.cn"
    } else {
        "myhuaweicloud.com"
    };
    Ok(format!("https://modelarts.{region}.{domain}"))
}

#[derive(Clone, Debug)]
enum Target {
    Endpoint(String),
    Region(String),
}

/// Configures a [`Client`].
///
/// ```no_run
/// # use modelarts_pools_runtime::{Client, Credentials};
/// let client = Client::builder()
///     .region("cn-north-4")
///     .project_id("0123456789abcdef")
///     .credentials(Credentials::ak_sk("AK", "SK"))
///     .build()?;
/// # Ok::<(), modelarts_pools_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    target: Option<Target>,
    project_id: Option<String>,
    credentials: Option<Credentials>,
    credentials_error: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    max_response_bytes: usize,
    accept_invalid_certificates: bool,
    user_agent: String,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("target", &self.target)
            .field("project_id", &self.project_id)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "accept_invalid_certificates",
                &self.accept_invalid_certificates,
            )
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

impl ClientBuilder {
    /// An empty configuration: endpoint (or region), project ID and credentials must be set.
    pub fn new() -> Self {
        ClientBuilder {
            target: None,
            project_id: None,
            credentials: None,
            credentials_error: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            hooks: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            accept_invalid_certificates: false,
            user_agent: DEFAULT_USER_AGENT.to_string(),
        }
    }

    /// A configuration read from the environment:
    /// credentials as [`Credentials::from_env`] reads them (`HUAWEICLOUD_SDK_AK`,
    /// `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`, else `HUAWEICLOUD_SDK_AUTH_TOKEN`),
    /// `HUAWEICLOUD_SDK_PROJECT_ID`, and `HUAWEICLOUD_SDK_ENDPOINT` or else
    /// `HUAWEICLOUD_SDK_REGION` (both optional here; set one, or call
    /// [`endpoint`](Self::endpoint)/[`region`](Self::region)). Problems are reported by
    /// [`build`](Self::build); later calls override what was read.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut builder = ClientBuilder::new();
        if let Some(endpoint) = get(ENDPOINT_ENV) {
            builder.target = Some(Target::Endpoint(endpoint));
        } else if let Some(region) = get(REGION_ENV) {
            builder.target = Some(Target::Region(region));
        }
        builder.project_id = get(PROJECT_ID_ENV);
        match Credentials::from_lookup(|name| get(name)) {
            Ok(c) => builder.credentials = Some(c),
            Err(Error::Config(msg)) => builder.credentials_error = Some(msg),
            Err(e) => builder.credentials_error = Some(e.to_string()),
        }
        builder
    }

    /// The endpoint URL, such as `https://modelarts.cn-north-4.myhuaweicloud.com` or
    /// `http://127.0.0.1:8080`: scheme, host and optional port only. Replaces a region.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.target = Some(Target::Endpoint(url.into()));
        self
    }

    /// The region, such as `cn-north-4`; the endpoint is derived by [`region_endpoint`].
    /// Replaces an endpoint.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.target = Some(Target::Region(region.into()));
        self
    }

    /// The project ID (in URLs and, with AK/SK, the signed `X-Project-Id` header).
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    /// The credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self.credentials_error = None;
        self
    }

    /// Total time for one attempt (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to connect (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Adds a hook; hooks are called in the order added.
    pub fn hook(mut self, hook: Arc<dyn Hook>) -> Self {
        self.hooks.push(hook);
        self
    }

    /// Largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Accepts any TLS certificate. Dangerous: only for tests. Verification is on by default.
    pub fn danger_accept_invalid_certificates(mut self, accept: bool) -> Self {
        self.accept_invalid_certificates = accept;
        self
    }

    /// The `User-Agent` header (default [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: String) -> Self {
        self.user_agent = user_agent;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let endpoint_text = match &self.target {
            None => {
                return Err(Error::Config(format!(
                    "no endpoint: set an endpoint or a region (or {ENDPOINT_ENV} / {REGION_ENV})"
                )));
            }
            Some(Target::Region(region)) => region_endpoint(region.trim())?,
            Some(Target::Endpoint(endpoint)) => endpoint.trim().to_string(),
        };
        let (endpoint, host) = parse_endpoint(&endpoint_text)?;

        let project_id = self
            .project_id
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                Error::Config(format!(
                    "no project ID: set one with project_id(...) or {PROJECT_ID_ENV}"
                ))
            })?
            .to_string();
        if !project_id.bytes().all(|b| (0x21..0x7f).contains(&b)) {
            return Err(Error::Config(format!(
                "invalid project ID {project_id:?}: expected visible ASCII characters"
            )));
        }

        let credentials = match self.credentials {
            Some(c) => c,
            None => {
                return Err(Error::Config(self.credentials_error.unwrap_or_else(|| {
                    "no credentials: set them with credentials(...) or through the environment"
                        .to_string()
                })));
            }
        };
        credentials.check()?;

        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent {:?}", self.user_agent)))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(user_agent)
            .tls_danger_accept_invalid_certs(self.accept_invalid_certificates)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", chain(&e))))?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                host,
                project_id,
                credentials,
                retry: self.retry,
                hooks: self.hooks,
                max_response_bytes: self.max_response_bytes,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
            }),
        })
    }
}

/// Checks an endpoint URL and returns it normalised (`scheme://host[:port]`) with its `Host`.
fn parse_endpoint(text: &str) -> Result<(String, String), Error> {
    let bad = |why: &str| Err(Error::Config(format!("invalid endpoint {text:?}: {why}")));
    let url = match Url::parse(text) {
        Ok(url) => url,
        Err(e) => return bad(&e.to_string()),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return bad("the scheme must be https (or http)");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("user information is not allowed");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("a query or fragment is not allowed");
    }
    if !matches!(url.path(), "" | "/") {
        return bad("a path is not allowed: give only scheme, host and port");
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return bad("no host");
    };
    // `Url::port` is None when the port is the scheme's default, which is also when hyper
    // leaves it out of the Host header.
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    Ok((format!("{}://{authority}", url.scheme()), authority))
}

struct Inner {
    http: reqwest::Client,
    endpoint: String,
    host: String,
    project_id: String,
    credentials: Credentials,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    max_response_bytes: usize,
    timeout: Duration,
    connect_timeout: Duration,
}

/// A ModelArts client. Cheap to clone (shared inside); `Debug` hides secrets.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field("project_id", &self.inner.project_id)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("hooks", &self.inner.hooks.len())
            .finish()
    }
}

/// When a failed attempt may be tried again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RetryClass {
    /// Nothing was sent: safe for any method.
    Always,
    /// Only for idempotent operations.
    IfIdempotent,
    Never,
}

struct Failure {
    error: Error,
    class: RetryClass,
    retry_after: Option<Duration>,
}

impl Failure {
    fn never(error: Error) -> Self {
        Failure {
            error,
            class: RetryClass::Never,
            retry_after: None,
        }
    }
}

impl Client {
    /// A new [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The project ID.
    pub fn project_id(&self) -> &str {
        &self.inner.project_id
    }

    /// The endpoint, normalised as `scheme://host[:port]`.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Sends the request (signing every attempt anew), retries as the policy allows, and decodes
    /// a 2xx JSON answer as `T`. `T = ()` ignores the body (empty or not); for any other `T` an
    /// empty body is a decode error.
    pub async fn execute<T: DeserializeOwned>(
        &self,
        request: OperationRequest,
    ) -> Result<Response<T>, Error> {
        let inner = &*self.inner;
        let path = request.path().to_string();
        let query = request.query_string();
        let url_text = if query.is_empty() {
            format!("{}{path}", inner.endpoint)
        } else {
            format!("{}{path}?{query}", inner.endpoint)
        };
        let url = Url::parse(&url_text).ok().filter(|u| {
            u.path() == path && u.query().unwrap_or("") == query && u.fragment().is_none()
        });
        let Some(url) = url else {
            return Err(Error::InvalidRequest(ValidationError {
                path: "path".to_string(),
                message: format!("{path:?} would not be sent as built"),
                rule: None,
            }));
        };

        let attempts = inner.retry.attempts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let failure = match self
                .attempt::<T>(&request, &url, &path, &query, attempt, started)
                .await
            {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let allowed = match failure.class {
                RetryClass::Always => true,
                RetryClass::IfIdempotent => request.idempotent,
                RetryClass::Never => false,
            };
            let will_retry = allowed && attempt < attempts;
            for hook in &inner.hooks {
                hook.on_error(&ErrorInfo {
                    operation: request.operation,
                    attempt,
                    error: &failure.error,
                    will_retry,
                    elapsed: started.elapsed(),
                });
            }
            if !will_retry {
                return Err(failure.error);
            }
            tokio::time::sleep(inner.retry.backoff(attempt, failure.retry_after)).await;
        }
    }

    /// The headers to send (before `Authorization`), in order.
    fn wire_headers(
        &self,
        request: &OperationRequest,
        sdk_date: &str,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
        let inner = &*self.inner;
        let value = |what: &str, v: &str| {
            HeaderValue::from_str(v)
                .map_err(|_| Error::Config(format!("{what} is not a valid header value")))
        };
        let mut headers = vec![(header::HOST, value("the host", &inner.host)?)];
        match &inner.credentials {
            Credentials::AkSk { security_token, .. } => {
                headers.push((
                    HeaderName::from_static("x-sdk-date"),
                    value("X-Sdk-Date", sdk_date)?,
                ));
                headers.push((
                    HeaderName::from_static("x-project-id"),
                    value("the project ID", &inner.project_id)?,
                ));
                if let Some(token) = security_token {
                    let mut v = value("the security token", token.expose())?;
                    v.set_sensitive(true);
                    headers.push((HeaderName::from_static("x-security-token"), v));
                }
            }
            Credentials::Token(token) => {
                let mut v = value("the IAM token", token.expose())?;
                v.set_sensitive(true);
                headers.push((HeaderName::from_static("x-auth-token"), v));
            }
        }
        if request.body.is_some() {
            headers.push((
                header::CONTENT_TYPE,
                HeaderValue::from_static(request.content_type),
            ));
        }
        headers.extend(request.headers.iter().cloned());
        Ok(headers)
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        request: &OperationRequest,
        url: &Url,
        path: &str,
        query: &str,
        attempt: u32,
        started: Instant,
    ) -> Result<Response<T>, Failure> {
        let inner = &*self.inner;
        let operation = request.operation;
        let sdk_date = signer::format_sdk_date(SystemTime::now());
        let mut headers = self
            .wire_headers(request, &sdk_date)
            .map_err(Failure::never)?;
        let body: Bytes = request.body.clone().unwrap_or_default();

        if let Credentials::AkSk { ak, sk, .. } = &inner.credentials {
            // Sign exactly what is sent; the token header of AK/SK mode is signed too.
            let signed: Vec<(String, String)> = headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let signature = signer::sign(
                &SigningInput {
                    method: request.method.as_str(),
                    path,
                    query,
                    headers: &signed,
                    body: &body,
                },
                ak,
                sk.expose(),
                &sdk_date,
            );
            let mut auth = HeaderValue::from_str(&signature.authorization).map_err(|_| {
                Failure::never(Error::Config(
                    "the access key ID is not a valid header value".to_string(),
                ))
            })?;
            auth.set_sensitive(true);
            headers.push((header::AUTHORIZATION, auth));
        }

        let mut http_request = reqwest::Request::new(request.method.clone(), url.clone());
        for (name, value) in &headers {
            http_request
                .headers_mut()
                .append(name.clone(), value.clone());
        }
        if request.body.is_some() {
            *http_request.body_mut() = Some(reqwest::Body::from(body));
        }

        if !inner.hooks.is_empty() {
            let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
            let info = RequestInfo {
                operation,
                method: &request.method,
                url: url.as_str(),
                attempt,
                header_names: &names,
            };
            for hook in &inner.hooks {
                hook.on_request(&info);
            }
        }

        let mut response = match inner.http.execute(http_request).await {
            Ok(r) => r,
            Err(e) => return Err(transport_failure(operation, &e, None, None)),
        };
        let status = response.status();
        let response_headers = response.headers().clone();
        let request_id = header_text(&response_headers, REQUEST_ID_HEADER);
        for hook in &inner.hooks {
            hook.on_response(&ResponseInfo {
                operation,
                status,
                request_id: request_id.as_deref(),
                attempt,
                elapsed: started.elapsed(),
            });
        }

        if status.is_redirection() {
            let location = header_text(&response_headers, "location");
            let mut e = TransportError::new(
                TransportErrorKind::Redirect,
                operation,
                format!(
                    "HTTP {status} redirect to {} not followed (requests are never sent elsewhere \
                     with credentials); check the endpoint",
                    location.as_deref().unwrap_or("(no Location)")
                ),
            );
            e.status = Some(status);
            e.location = location;
            e.request_id = request_id;
            return Err(Failure::never(Error::Transport(Box::new(e))));
        }

        let body = read_body(
            &mut response,
            inner.max_response_bytes,
            operation,
            status,
            &request_id,
        )
        .await?;

        if status.as_u16() >= 400 {
            let retryable = is_retryable_status(status);
            let retry_after = if retryable {
                header_text(&response_headers, "retry-after")
                    .and_then(|v| v.parse::<u64>().ok())
                    .map(Duration::from_secs)
            } else {
                None
            };
            let error = ApiError::from_response(
                operation,
                status,
                response_headers,
                &body,
                request.documented(status),
            );
            return Err(Failure {
                error: Error::Api(Box::new(error)),
                class: if retryable {
                    RetryClass::IfIdempotent
                } else {
                    RetryClass::Never
                },
                retry_after,
            });
        }

        match decode::<T>(operation, status, &response_headers, &request_id, &body) {
            Ok(value) => Ok(Response {
                status,
                headers: response_headers,
                request_id,
                body: value,
            }),
            Err(e) => Err(Failure::never(Error::Decode(e))),
        }
    }
}

/// Reads the body, refusing to hold more than `limit` bytes.
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
    operation: &'static str,
    status: StatusCode,
    request_id: &Option<String>,
) -> Result<Vec<u8>, Failure> {
    let too_large = |what: String| {
        let mut e = TransportError::new(TransportErrorKind::BodyTooLarge, operation, what);
        e.status = Some(status);
        e.request_id = request_id.clone();
        Failure::never(Error::Transport(Box::new(e)))
    };
    let declared = response.content_length();
    if let Some(len) = declared.filter(|&len| len > limit as u64) {
        return Err(too_large(format!(
            "Content-Length {len} exceeds the limit of {limit} bytes"
        )));
    }
    let capacity = declared
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0)
        .min(limit);
    let mut body = Vec::with_capacity(capacity);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if chunk.len() > limit.saturating_sub(body.len()) {
                    return Err(too_large(format!(
                        "the body is larger than the limit of {limit} bytes"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(transport_failure(
                    operation,
                    &e,
                    Some(status),
                    request_id.clone(),
                ));
            }
        }
    }
}

fn is_json_content_type(value: &HeaderValue) -> bool {
    let text = String::from_utf8_lossy(value.as_bytes()).to_ascii_lowercase();
    let mime = text.split(';').next().unwrap_or("").trim();
    mime == "application/json"
        || mime
            .split_once('/')
            .is_some_and(|(kind, sub)| !kind.is_empty() && sub.ends_with("+json"))
}

/// Decodes a 2xx body as `T`.
fn decode<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    request_id: &Option<String>,
    body: &[u8],
) -> Result<T, Box<DecodeError>> {
    let error = |path: Option<String>, message: String, line, column| {
        Box::new(DecodeError {
            operation,
            status,
            request_id: request_id.clone(),
            path,
            message,
            line,
            column,
            snippet: truncate_chars(&String::from_utf8_lossy(body), 200),
        })
    };
    // Operations without a response body use `()`: whatever came is ignored.
    if std::any::type_name::<T>() == "()" {
        return T::deserialize(serde_json::Value::Null)
            .map_err(|e| error(None, e.to_string(), None, None));
    }
    // A 204 No Content without a body is `None` where the body is an `Option`, and a decode
    // error for any type that cannot be absent.
    if status == StatusCode::NO_CONTENT && body.iter().all(u8::is_ascii_whitespace) {
        return T::deserialize(serde_json::Value::Null).map_err(|_| {
            error(
                None,
                "the answer has no body, and this operation's answer needs one".to_owned(),
                None,
                None,
            )
        });
    }
    let not_json = headers
        .get(header::CONTENT_TYPE)
        .filter(|content_type| !is_json_content_type(content_type));
    if let Some(content_type) = not_json {
        return Err(error(
            None,
            format!(
                "expected a JSON answer but the Content-Type is {:?}",
                String::from_utf8_lossy(content_type.as_bytes())
            ),
            None,
            None,
        ));
    }
    // The common case decodes at full speed; only a body that fails is decoded a second time,
    // tracking the path, to say where it went wrong.
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => value,
        Err(e) => {
            let path = json_path(e.path());
            let inner = e.into_inner();
            let (line, column) = (inner.line(), inner.column());
            return Err(error(
                Some(path),
                inner.to_string(),
                Some(line),
                Some(column),
            ));
        }
    };
    if let Err(e) = deserializer.end() {
        return Err(error(None, e.to_string(), Some(e.line()), Some(e.column())));
    }
    Ok(value)
}

/// The error and its sources, joined with `: ` (repeats left out).
fn chain(error: &dyn std::error::Error) -> String {
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

/// Whether a rustls error is somewhere in the chain (also inside `io::Error`s, whose `source()`
/// skips the wrapped error).
fn is_tls_error(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut depth = 0;
    while let Some(e) = current {
        if e.is::<rustls::Error>() {
            return true;
        }
        let wrapped = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        if wrapped.is_some_and(|inner| is_tls_error(inner)) {
            return true;
        }
        depth += 1;
        if depth > 32 {
            break;
        }
        current = e.source();
    }
    false
}

fn transport_failure(
    operation: &'static str,
    error: &reqwest::Error,
    status: Option<StatusCode>,
    request_id: Option<String>,
) -> Failure {
    let (kind, class) = if is_tls_error(error) {
        (TransportErrorKind::Tls, RetryClass::Never)
    } else if error.is_connect() {
        (TransportErrorKind::Connect, RetryClass::Always)
    } else if error.is_timeout() {
        (TransportErrorKind::Timeout, RetryClass::IfIdempotent)
    } else if error.is_redirect() {
        (TransportErrorKind::Redirect, RetryClass::Never)
    } else {
        (TransportErrorKind::Other, RetryClass::Never)
    };
    let mut e = TransportError::new(kind, operation, chain(error));
    e.status = status;
    e.request_id = request_id;
    Failure {
        error: Error::Transport(Box::new(e)),
        class,
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_endpoints() {
        assert_eq!(
            region_endpoint("cn-north-4").unwrap(),
            "https://modelarts.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            region_endpoint("ap-southeast-3").unwrap(),
            "https://modelarts.ap-southeast-3.myhuaweicloud.com"
        );
        assert_eq!(
            region_endpoint("ap-southeast-1").unwrap(),
            "https://modelarts.ap-southeast-1.myhuaweicloud.cn"
        );
        for bad in [
            "",
            "CN-North-4",
            "cn north",
            "cn.north",
            "evil.com/x",
            "-a",
            "é",
        ] {
            assert!(
                matches!(region_endpoint(bad), Err(Error::Config(_))),
                "{bad:?}"
            );
        }
    }

    fn base() -> ClientBuilder {
        Client::builder()
            .project_id("p1")
            .credentials(Credentials::ak_sk("ak", "sk"))
    }

    #[test]
    fn build_checks_configuration() {
        let c = base().region("cn-north-4").build().unwrap();
        assert_eq!(
            c.endpoint(),
            "https://modelarts.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(c.project_id(), "p1");
        let c = base().endpoint("http://127.0.0.1:8080/").build().unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:8080");
        assert_eq!(c.inner.host, "127.0.0.1:8080");
        let c = base().endpoint("https://Example.COM:443").build().unwrap();
        assert_eq!(c.endpoint(), "https://example.com");
        assert_eq!(c.inner.host, "example.com");
        let c = base().endpoint("http://[::1]:9000").build().unwrap();
        assert_eq!(c.inner.host, "[::1]:9000");

        for bad in [
            "http://127.0.0.1:8080/v2",
            "http://127.0.0.1/?a=b",
            "http://user:pw@127.0.0.1",
            "http://user@127.0.0.1",
            "ftp://127.0.0.1",
            "not a url",
            "http://127.0.0.1/#frag",
        ] {
            let err = base().endpoint(bad).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
        }
        assert!(matches!(
            base().region("Bad!").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            base().build(),
            Err(Error::Config(m)) if m.contains("endpoint")
        ));
        let err = Client::builder()
            .region("cn-north-4")
            .credentials(Credentials::ak_sk("ak", "sk"))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("project ID"), "{err}");
        let err = Client::builder()
            .region("cn-north-4")
            .project_id("p")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("credentials"), "{err}");
        let err = base()
            .region("cn-north-4")
            .credentials(Credentials::iam_token("a\nb"))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
    }

    #[test]
    fn debug_hides_secrets() {
        let c = base()
            .credentials(Credentials::temporary(
                "AKEXAMPLE",
                "SKSECRET",
                "TOKENSECRET",
            ))
            .region("cn-north-4")
            .build()
            .unwrap();
        let out = format!(
            "{c:?} {:?}",
            base().credentials(Credentials::iam_token("TOKENSECRET"))
        );
        assert!(
            !out.contains("SKSECRET") && !out.contains("TOKENSECRET"),
            "{out}"
        );
    }

    #[test]
    fn from_env_reads_variables() {
        let vars = [
            (crate::credentials::TOKEN_ENV, "tok"),
            (PROJECT_ID_ENV, " p9 "),
            (REGION_ENV, "cn-east-3"),
        ];
        let get = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let c = ClientBuilder::from_lookup(get).build().unwrap();
        assert_eq!(
            c.endpoint(),
            "https://modelarts.cn-east-3.myhuaweicloud.com"
        );
        assert_eq!(c.project_id(), "p9");
        let get = |name: &str| (name == ENDPOINT_ENV).then(|| "http://127.0.0.1:1".to_string());
        let err = ClientBuilder::from_lookup(get).build().unwrap_err();
        assert!(err.to_string().contains(PROJECT_ID_ENV), "{err}");
        let get = |name: &str| match name {
            ENDPOINT_ENV => Some("http://127.0.0.1:1".to_string()),
            PROJECT_ID_ENV => Some("p".to_string()),
            _ => None,
        };
        let err = ClientBuilder::from_lookup(get).build().unwrap_err();
        assert!(
            err.to_string().contains(crate::credentials::TOKEN_ENV),
            "{err}"
        );
    }

    #[test]
    fn json_content_types() {
        for ok in [
            "application/json",
            "application/json;charset=UTF-8",
            "Application/JSON; charset=utf-8",
            "application/problem+json",
        ] {
            assert!(is_json_content_type(&HeaderValue::from_static(ok)), "{ok}");
        }
        for bad in ["text/html", "text/plain", "application/jsonx", "json"] {
            assert!(
                !is_json_content_type(&HeaderValue::from_static(bad)),
                "{bad}"
            );
        }
    }

    #[test]
    fn decode_rules() {
        let h = HeaderMap::new();
        let ok = StatusCode::OK;
        let d = |body: &[u8]| decode::<serde_json::Value>("Op", ok, &h, &None, body);
        assert!(d(b"").is_err());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(d(deep.as_bytes()).is_err());
        let e = d(b"{\"a\":\"\xff\"}").unwrap_err();
        assert!(!e.message.is_empty());
        let e = d(b"{} trailing").unwrap_err();
        assert!(e.message.contains("trailing"), "{}", e.message);
        decode::<()>("Op", ok, &h, &None, b"{\"anything\":1}").unwrap();
        decode::<()>("Op", ok, &h, &None, b"").unwrap();
        let e = decode::<Option<u8>>("Op", ok, &h, &None, b" ").unwrap_err();
        assert!(e.message.contains("EOF"), "{}", e.message);
        // A 204 without a body: `None` for an optional body, an error for a required one.
        let none = StatusCode::NO_CONTENT;
        assert_eq!(
            decode::<Option<u8>>("Op", none, &h, &None, b"").unwrap(),
            None
        );
        assert_eq!(
            decode::<Option<u8>>("Op", none, &h, &None, b"7").unwrap(),
            Some(7)
        );
        let e = decode::<u8>("Op", none, &h, &None, b"").unwrap_err();
        assert!(e.message.contains("no body"), "{}", e.message);

        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            count: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct List {
            items: Vec<Item>,
        }
        let e = decode::<List>(
            "ListPools",
            ok,
            &h,
            &Some("rid".into()),
            br#"{"items":[{"count":1},{"count":"x"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.path.as_deref(), Some("$.items[1].count"));
        assert_eq!(e.request_id.as_deref(), Some("rid"));
        assert!(e.to_string().contains("$.items[1].count"), "{e}");

        let mut html = HeaderMap::new();
        html.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let e = decode::<List>("Op", ok, &html, &None, b"<html>login</html>").unwrap_err();
        assert!(e.message.contains("text/html"), "{}", e.message);
        assert_eq!(e.snippet, "<html>login</html>");
    }
}
