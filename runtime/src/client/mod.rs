//! The client: configuration (`config`), the retry loop (here, with the one classifier in
//! [`crate::retry`]), one attempt (`attempt`), and reading and decoding the answer (`answer`).

mod answer;
mod attempt;
mod config;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use serde::de::DeserializeOwned;

pub use config::*;

use crate::credentials::Credentials;
use crate::error::Error;
use crate::hook::{ErrorInfo, Hook};
use crate::request::{OperationRequest, Response};
use crate::retry::{self, RetryClass, RetryPolicy};
use crate::validation::ValidationError;

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
        let target = self.target(&request)?;
        let attempts = inner.retry.attempts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let error = match self.attempt::<T>(&request, &target, attempt, started).await {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            let allowed = match retry::classify(&error) {
                RetryClass::Always => true,
                RetryClass::IfIdempotent => request.idempotent,
                RetryClass::Never => false,
            };
            let will_retry = allowed && attempt < attempts;
            for hook in &inner.hooks {
                hook.on_error(&ErrorInfo {
                    operation: request.operation,
                    attempt,
                    error: &error,
                    will_retry,
                    elapsed: started.elapsed(),
                });
            }
            if !will_retry {
                return Err(error);
            }
            let pause = inner.retry.backoff(attempt, retry::retry_after(&error));
            tokio::time::sleep(pause).await;
        }
    }

    /// The request as it would be sent, without sending it: method, URL, the headers (the
    /// signature and tokens shown as `***`) and the body.
    pub fn preview(&self, request: &OperationRequest) -> Result<RequestPreview, Error> {
        let target = self.target(request)?;
        let headers = self
            .wire_headers(request, "(signing time)")?
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
                matches!(self.inner.credentials, Credentials::AkSk { .. })
                    .then(|| ("authorization".to_owned(), "SDK-HMAC-SHA256 ***".to_owned())),
            )
            .collect();
        Ok(RequestPreview {
            method: request.method.to_string(),
            url: target.url.to_string(),
            headers,
            body: request
                .body
                .as_ref()
                .map(|body| String::from_utf8_lossy(body).into_owned()),
        })
    }

    /// Where the request goes: the URL, refused when the path would not be sent as built.
    fn target(&self, request: &OperationRequest) -> Result<Target, Error> {
        let path = request.path().to_string();
        let query = request.query_string();
        let url_text = if query.is_empty() {
            format!("{}{path}", self.inner.endpoint)
        } else {
            format!("{}{path}?{query}", self.inner.endpoint)
        };
        let url = Url::parse(&url_text).ok().filter(|u| {
            u.path() == path && u.query().unwrap_or("") == query && u.fragment().is_none()
        });
        match url {
            Some(url) => Ok(Target { url, path, query }),
            None => Err(Error::InvalidRequest(ValidationError {
                path: "path".to_string(),
                message: format!("{path:?} would not be sent as built"),
                rule: None,
            })),
        }
    }
}

/// The URL of a request, with its path and query as they are signed.
struct Target {
    url: Url,
    path: String,
    query: String,
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
