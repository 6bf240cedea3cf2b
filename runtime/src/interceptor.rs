//! Interceptors: code of the user's that runs around every attempt. Before signing it may add or
//! change headers (a trace ID, a tenant tag), which are then signed with the rest; after each
//! attempt it sees the status and timing. A [`Hook`] is an interceptor that only watches
//! ([`HookInterceptor`]).

use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::{Method, StatusCode};

use crate::error::Error;
use crate::hook::{ErrorInfo, Hook, RequestInfo, ResponseInfo};
use crate::request::checked_header;

/// Called around every attempt (retries included), in the order the interceptors were added.
/// Every method does nothing by default. Interceptors run inline on the calling task: keep them
/// quick.
pub trait Interceptor: Send + Sync {
    /// Before the attempt is signed: may add, change or remove the operation's headers. An error
    /// stops the call before anything is sent and is returned as it is.
    fn modify_before_signing(&self, _request: &mut BeforeSigning<'_>) -> Result<(), Error> {
        Ok(())
    }

    /// After signing, just before the attempt is sent (header names only).
    fn read_before_transmit(&self, _info: &RequestInfo<'_>) {}

    /// When the response head of the attempt arrived (any status).
    fn read_after_response_head(&self, _info: &ResponseInfo<'_>) {}

    /// After each attempt, whatever its outcome: the status (if an answer came), the time it
    /// took, the error (if it failed) and whether another attempt follows.
    fn read_after_attempt(&self, _info: &AttemptInfo<'_>) {}
}

/// The attempt about to be signed, as an interceptor may change it: the operation's own headers
/// (those the client sets itself, `Host`, `X-Sdk-Date`, `Authorization`, the tokens... are
/// neither shown nor settable).
#[derive(Debug)]
pub struct BeforeSigning<'a> {
    pub(crate) operation: &'static str,
    pub(crate) method: &'a Method,
    pub(crate) url: &'a str,
    pub(crate) attempt: u32,
    pub(crate) headers: &'a mut Vec<(HeaderName, HeaderValue)>,
}

impl BeforeSigning<'_> {
    /// The operation name (such as `ShowPool`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The whole URL.
    pub fn url(&self) -> &str {
        self.url
    }

    /// The attempt number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The operation's headers so far, in order.
    pub fn headers(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        self.headers.iter().map(|(n, v)| (n, v))
    }

    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Sets the header `name` to `value`, replacing every value it had. Refused like
    /// [`OperationRequest::header`](crate::OperationRequest::header) refuses (a header the
    /// client sets itself, a control character, non-ASCII text).
    pub fn insert_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let (name, value) = checked_header(name, value)?;
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
        Ok(())
    }

    /// Adds a value for the header `name`, keeping those it has.
    pub fn append_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let header = checked_header(name, value)?;
        self.headers.push(header);
        Ok(())
    }

    /// Removes every value of the header `name`; returns whether it had any.
    pub fn remove_header(&mut self, name: &str) -> bool {
        let before = self.headers.len();
        self.headers
            .retain(|(n, _)| !n.as_str().eq_ignore_ascii_case(name));
        self.headers.len() != before
    }
}

/// One attempt, over.
#[non_exhaustive]
#[derive(Debug)]
pub struct AttemptInfo<'a> {
    /// The operation name.
    pub operation: &'static str,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// The status of the answer, when one came (also for an error status or a body that did not
    /// decode).
    pub status: Option<StatusCode>,
    /// The `X-Request-Id` of the answer, when it had one.
    pub request_id: Option<&'a str>,
    /// Time from the start of the attempt (signing) to its end (the whole answer read).
    pub elapsed: Duration,
    /// The failure, when the attempt failed.
    pub error: Option<&'a Error>,
    /// Whether another attempt follows.
    pub will_retry: bool,
}

/// A [`Hook`] as an interceptor: `on_request` before transmitting, `on_response` when the head
/// arrived, `on_error` after an attempt that failed. What
/// [`ClientBuilder::hook`](crate::ClientBuilder::hook) installs.
pub struct HookInterceptor(pub Arc<dyn Hook>);

impl std::fmt::Debug for HookInterceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HookInterceptor")
    }
}

impl Interceptor for HookInterceptor {
    fn read_before_transmit(&self, info: &RequestInfo<'_>) {
        self.0.on_request(info);
    }

    fn read_after_response_head(&self, info: &ResponseInfo<'_>) {
        self.0.on_response(info);
    }

    fn read_after_attempt(&self, info: &AttemptInfo<'_>) {
        if let Some(error) = info.error {
            self.0.on_error(&ErrorInfo {
                operation: info.operation,
                attempt: info.attempt,
                error,
                will_retry: info.will_retry,
                elapsed: info.elapsed,
            });
        }
    }
}
