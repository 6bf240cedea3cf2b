//! The client: configuration (`config`), the retry loop (here, with the classifier, policy and
//! budget of [`crate::retry`]), one attempt (`attempt`), reading and decoding the answer
//! (`answer`), a failed exchange named as a transport error (`failure`, which both use), and
//! the project ID (`project`).

mod answer;
mod attempt;
mod config;
mod failure;
mod project;

#[cfg(test)]
mod interceptor_tests;
#[cfg(test)]
mod network_tests;
#[cfg(test)]
mod retry_tests;
#[cfg(all(test, feature = "tracing"))]
mod tracing_tests;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use http::header::{HeaderName, HeaderValue};
use reqwest::Url;
use serde::de::DeserializeOwned;

pub use config::*;
pub use project::PROJECT_ID_PLACEHOLDER;

use crate::credentials::Credentials;
use crate::error::Error;
use crate::interceptor::{AttemptInfo, BeforeSigning, Interceptor};
use crate::request::{OperationRequest, Response};
use crate::retry::{self, RetryBudget, RetryClass, RetryClassifier, RetryPolicy};
use crate::telemetry::{self, Span};
use crate::validation::ValidationError;

/// Decodes a 2xx answer (status, headers, request ID, body) into the caller's own place: the one
/// part of a call that depends on the operation's type.
type DecodeBody<'a> = dyn FnMut(
        http::StatusCode,
        &http::HeaderMap,
        &Option<String>,
        &[u8],
    ) -> Result<(), Box<crate::error::DecodeError>>
    + Send
    + 'a;

struct Inner {
    http: reqwest::Client,
    /// The attempt timeout `http` was built with (`None`: a client given as it is).
    http_timeout: Option<Duration>,
    endpoint: String,
    /// The `Host` header, as the endpoint names it.
    host_header: HeaderValue,
    /// The project ID, given or to be found (`project`).
    project: project::ProjectId,
    /// Every attempt takes its credentials from here.
    credentials: crate::credentials::CredentialsCache,
    retry: RetryPolicy,
    retry_classifier: Arc<dyn RetryClassifier>,
    retry_budget: RetryBudget,
    interceptors: Vec<Arc<dyn Interceptor>>,
    max_response_bytes: usize,
    timeout: Duration,
    /// All attempts of a call together, pauses included; `None`: no limit.
    operation_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    /// The transport the client was built on; `None`: `http` sends.
    transport: Option<crate::transport::Custom>,
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
            .field("project_id", &self.inner.project)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("retry_classifier", &self.inner.retry_classifier)
            .field("retry_budget", &self.inner.retry_budget)
            .field("timeout", &self.inner.timeout)
            .field("operation_timeout", &self.inner.operation_timeout)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("interceptors", &self.inner.interceptors.len())
            .field("transport", &self.inner.transport.is_some())
            .finish()
    }
}

impl Client {
    /// A new [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The endpoint, normalised as `scheme://host[:port]`.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The retry budget this client (and its clones) spends.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.retry_budget
    }

    /// Sends the request (signing every attempt anew), retries as the classifier, the policy,
    /// the retry budget and the operation timeout allow, and decodes a 2xx JSON answer as `T`.
    /// `T = ()` ignores the body (empty or not); for any other `T` an empty body is a decode
    /// error. The request's [`CallOverrides`](crate::CallOverrides) replace the client's
    /// timeouts and retry policy for this call.
    pub async fn execute<T: DeserializeOwned + Send>(
        &self,
        request: OperationRequest,
    ) -> Result<Response<T>, Error> {
        let operation = request.operation;
        let mut decoded: Option<T> = None;
        let mut decode =
            |status, headers: &http::HeaderMap, request_id: &Option<String>, body: &[u8]| {
                decoded = Some(answer::decode::<T>(
                    operation, status, headers, request_id, body,
                )?);
                Ok(())
            };
        // Everything but decoding is one future for every operation, boxed: compiled once in
        // this crate, and a call moves a pointer through its layers rather than the whole state.
        let answered = Box::pin(self.execute_erased(request, &mut decode)).await?;
        match decoded {
            Some(body) => Ok(answered.map(|()| body)),
            // `execute_erased` succeeds only after `decode` did.
            None => Err(Error::Decode(Box::new(answer::not_decoded(
                operation,
                answered.status,
                answered.request_id,
            )))),
        }
    }

    async fn execute_erased(
        &self,
        request: OperationRequest,
        decode: &mut DecodeBody<'_>,
    ) -> Result<Response<()>, Error> {
        let span = Span::operation(request.operation, &request.method);
        span.instrument(self.execute_in(&request, &span, decode))
            .await
    }

    async fn execute_in(
        &self,
        request: &OperationRequest,
        span: &Span,
        decode: &mut DecodeBody<'_>,
    ) -> Result<Response<()>, Error> {
        let inner = &*self.inner;
        // The project ID is found (once) before anything is sent.
        let request = &*self.with_project_id(request).await?;
        let target = self.target(request)?;
        let overrides = &request.overrides;
        let policy = overrides.retry.as_ref().unwrap_or(&inner.retry);
        let attempts = policy.attempts();
        let attempt_timeout = overrides.attempt_timeout.unwrap_or(inner.timeout);
        let operation_timeout = overrides.operation_timeout.or(inner.operation_timeout);
        let deadline = operation_timeout.map(|limit| Instant::now() + limit);
        let budget = &inner.retry_budget;
        // The tokens the retry in flight took, given back if it succeeds.
        let mut retry_cost: Option<u32> = None;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let attempt_span = Span::attempt(attempt);
            let sent = attempt_span.instrument(self.attempt(
                request,
                &target,
                attempt,
                started,
                attempt_timeout,
                &mut *decode,
            ));
            let outcome = match deadline {
                None => sent.await,
                Some(deadline) => match tokio::time::timeout_at(deadline, sent).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(operation_timed_out(
                        request.operation,
                        operation_timeout.unwrap_or_default(),
                        attempt,
                    )),
                },
            };
            let elapsed = started.elapsed();
            let error = match outcome {
                Ok(response) => {
                    budget.on_success(retry_cost);
                    let request_id = response.request_id.as_deref();
                    attempt_span.attempt_ended(Some(response.status), request_id, elapsed);
                    self.after_attempt(&AttemptInfo {
                        operation: request.operation,
                        attempt,
                        status: Some(response.status),
                        request_id,
                        elapsed,
                        error: None,
                        will_retry: false,
                    });
                    span.operation_ended(attempt, Some(response.status), request_id, None);
                    return Ok(response);
                }
                Err(error) => error,
            };
            let request_id = error.request_id();
            attempt_span.attempt_ended(error.status(), request_id, elapsed);

            let allowed = match inner.retry_classifier.classify(&error) {
                RetryClass::Always => true,
                RetryClass::IfIdempotent => request.idempotent,
                _ => false,
            };
            let out_of_time = deadline.is_some_and(|deadline| Instant::now() >= deadline);
            let mut pause = Duration::ZERO;
            let mut will_retry = allowed && attempt < attempts && !out_of_time;
            if will_retry {
                pause = policy.backoff(attempt, retry::retry_after(&error, SystemTime::now()));
                if deadline.is_some_and(|deadline| Instant::now() + pause >= deadline) {
                    // The pause would outlast the call: the failure is the better answer.
                    telemetry::not_retrying(attempt, &error, "the operation timeout would pass");
                    will_retry = false;
                } else {
                    let cost = budget.cost_of(&error);
                    if budget.try_take(cost) {
                        retry_cost = Some(cost);
                    } else {
                        telemetry::not_retrying(attempt, &error, "the retry budget is empty");
                        will_retry = false;
                    }
                }
            }
            self.after_attempt(&AttemptInfo {
                operation: request.operation,
                attempt,
                status: error.status(),
                request_id,
                elapsed,
                error: Some(&error),
                will_retry,
            });
            if !will_retry {
                span.operation_ended(attempt, error.status(), request_id, Some(&error));
                return Err(error);
            }
            telemetry::retrying(attempt, &error, pause);
            tokio::time::sleep(pause).await;
        }
    }

    /// The operation's headers for attempt number `attempt`: the request's, the call's own, then
    /// what the interceptors make of them (all signed).
    fn intercepted_headers(
        &self,
        request: &OperationRequest,
        target: &Target,
        attempt: u32,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
        let mut headers: Vec<(HeaderName, HeaderValue)> = request
            .headers
            .iter()
            .chain(&request.overrides.headers)
            .cloned()
            .collect();
        if !self.inner.interceptors.is_empty() {
            let mut before = BeforeSigning {
                operation: request.operation,
                method: &request.method,
                url: target.url.as_str(),
                attempt,
                headers: &mut headers,
            };
            for interceptor in &self.inner.interceptors {
                interceptor.modify_before_signing(&mut before)?;
            }
        }
        Ok(headers)
    }

    fn after_attempt(&self, info: &AttemptInfo<'_>) {
        for interceptor in &self.inner.interceptors {
            interceptor.read_after_attempt(info);
        }
    }

    /// The request as it would be sent, without sending it: method, URL, the headers (the
    /// signature and tokens shown as `***`) and the body. A project ID not found yet shows as
    /// [`PROJECT_ID_PLACEHOLDER`], and credentials not fetched yet as permanent AK/SK ones (no
    /// security token).
    pub fn preview(&self, request: &OperationRequest) -> Result<RequestPreview, Error> {
        let target = self.target(request)?;
        let operation_headers = self.intercepted_headers(request, &target, 1)?;
        // Credentials not fetched yet are shown as permanent AK/SK ones.
        let cached = self.inner.credentials.cached();
        let unknown = Credentials::ak_sk("(not fetched yet)", "-");
        let credentials = cached.as_ref().map_or(&unknown, |c| c.credentials());
        let headers = self
            .wire_headers(
                &operation_headers,
                request,
                credentials,
                HeaderValue::from_static("(signing time)"),
            )?
            .into_iter()
            .map(|(name, value)| {
                let shown = if value.is_sensitive() {
                    "***".to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str().to_owned(), shown)
            })
            .chain(
                matches!(credentials, Credentials::AkSk { .. })
                    .then(|| ("authorization".to_owned(), "SDK-HMAC-SHA256 ***".to_owned())),
            )
            .collect();
        Ok(RequestPreview {
            method: request.method.to_string(),
            url: target.url.to_string().replace(
                &crate::signer::encode_component(PROJECT_ID_PLACEHOLDER),
                PROJECT_ID_PLACEHOLDER,
            ),
            headers,
            body: request
                .body
                .as_ref()
                .map(|body| String::from_utf8_lossy(body).into_owned()),
        })
    }

    /// Where the request goes: the URL, refused when the path would not be sent as built.
    fn target(&self, request: &OperationRequest) -> Result<Target, Error> {
        let path = request.path();
        let query = request.query_string();
        let endpoint = &self.inner.endpoint;
        let mut url_text = String::with_capacity(endpoint.len() + path.len() + 1 + query.len());
        url_text.push_str(endpoint);
        url_text.push_str(path);
        if !query.is_empty() {
            url_text.push('?');
            url_text.push_str(&query);
        }
        let url = Url::parse(&url_text).ok().filter(|u| {
            u.path() == path && u.query().unwrap_or("") == query && u.fragment().is_none()
        });
        match url {
            Some(url) => Ok(Target { url }),
            None => Err(Error::InvalidRequest(ValidationError {
                path: "path".to_string(),
                message: format!("{path:?} would not be sent as built"),
                rule: None,
            })),
        }
    }
}

/// The URL of a request, whose path and query are sent and signed as the request built them.
struct Target {
    url: Url,
}

impl Target {
    fn path(&self) -> &str {
        self.url.path()
    }

    fn query(&self) -> &str {
        self.url.query().unwrap_or_default()
    }
}

/// A request as it would be sent ([`Client::preview`]); secrets are not shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestPreview {
    /// `GET`, `POST`…
    pub method: String,
    /// The whole URL, query included.
    pub url: String,
    /// The headers in the order they are sent, names in lower case; secret values are `***`.
    pub headers: Vec<(String, String)>,
    /// The body, when the request has one.
    pub body: Option<String>,
}

impl fmt::Display for RequestPreview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            writeln!(f)?;
            writeln!(f, "{body}")?;
        }
        Ok(())
    }
}

/// The failure of a call whose operation timeout ran out during attempt number `attempt`.
fn operation_timed_out(operation: &'static str, limit: Duration, attempt: u32) -> Error {
    Error::Transport(Box::new(crate::error::TransportError::new(
        crate::error::TransportErrorKind::Timeout,
        operation,
        format!(
            "the operation timeout of {limit:?} ran out during attempt {attempt} (it bounds all \
             attempts and the pauses between them)"
        ),
    )))
}
