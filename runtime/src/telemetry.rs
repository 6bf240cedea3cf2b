//! Tracing (feature `tracing`): a span per operation and per attempt, events for retries, waits
//! and credential refreshes. Without the feature every item here is an empty inline function
//! and nothing of `tracing` is compiled in.
//!
//! No field ever holds a secret: spans and events carry the operation name, the method, attempt
//! numbers, statuses, error codes, request IDs, states and durations, never a header value, a
//! URL's query, a body or a credential.
//!
//! Spans (target `modelarts_pools_runtime`):
//! - `modelarts.operation` (INFO): `operation`, `method`, then `attempts`, `status`,
//!   `request_id` and `error` (the error's kind or code) once it ends;
//! - `modelarts.attempt` (DEBUG), inside it: `attempt`, then `status`, `request_id` and
//!   `elapsed_ms`.
//!
//! Events: `retrying` (INFO: `attempt`, `reason`, `wait_ms`), `not retrying` (INFO, when the
//! retry budget or the operation timeout stops retries: `attempt`, `reason`, `why`), `waiting`
//! (DEBUG, after each poll of a waiter: `polls`, `state`, `elapsed_ms`, `next_delay_ms`),
//! `credentials refreshed` (INFO: `source`, `expires_in_s`) and `credential refresh failed`
//! (WARN: `source`, `error`).

use std::time::Duration;

#[cfg(feature = "tracing")]
use tracing::field::Empty;

use crate::error::Error;

/// The target of every span and event.
#[cfg(feature = "tracing")]
const TARGET: &str = "modelarts_pools_runtime";

/// A span, or nothing without the feature.
#[derive(Clone, Debug)]
pub(crate) struct Span {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl Span {
    /// The span of one call of `operation`.
    #[inline]
    pub(crate) fn operation(_operation: &'static str, _method: &http::Method) -> Span {
        Span {
            #[cfg(feature = "tracing")]
            span: tracing::info_span!(
                target: TARGET,
                "modelarts.operation",
                operation = _operation,
                method = %_method,
                attempts = Empty,
                status = Empty,
                request_id = Empty,
                error = Empty,
            ),
        }
    }

    /// The span of attempt number `attempt` (from 1).
    #[inline]
    pub(crate) fn attempt(_attempt: u32) -> Span {
        Span {
            #[cfg(feature = "tracing")]
            span: tracing::debug_span!(
                target: TARGET,
                "modelarts.attempt",
                attempt = _attempt,
                status = Empty,
                request_id = Empty,
                elapsed_ms = Empty,
            ),
        }
    }

    /// Runs `future` inside the span.
    #[cfg(feature = "tracing")]
    #[inline]
    pub(crate) fn instrument<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        tracing::Instrument::instrument(future, self.span.clone())
    }

    /// Runs `future` (there is no span without the feature).
    #[cfg(not(feature = "tracing"))]
    #[inline]
    pub(crate) fn instrument<F: Future>(&self, future: F) -> F {
        future
    }

    /// Records how an attempt ended.
    #[inline]
    pub(crate) fn attempt_ended(
        &self,
        _status: Option<http::StatusCode>,
        _request_id: Option<&str>,
        _elapsed: Duration,
    ) {
        #[cfg(feature = "tracing")]
        {
            if let Some(status) = _status {
                self.span.record("status", status.as_u16());
            }
            if let Some(request_id) = _request_id {
                self.span.record("request_id", request_id);
            }
            self.span.record(
                "elapsed_ms",
                u64::try_from(_elapsed.as_millis()).unwrap_or(u64::MAX),
            );
        }
    }

    /// Records how the operation ended, after `attempts` attempts.
    #[inline]
    pub(crate) fn operation_ended(
        &self,
        _attempts: u32,
        _status: Option<http::StatusCode>,
        _request_id: Option<&str>,
        _error: Option<&Error>,
    ) {
        #[cfg(feature = "tracing")]
        {
            self.span.record("attempts", _attempts);
            if let Some(status) = _status {
                self.span.record("status", status.as_u16());
            }
            if let Some(request_id) = _request_id {
                self.span.record("request_id", request_id);
            }
            if let Some(error) = _error {
                self.span.record("error", reason(error).as_str());
            }
        }
    }
}

/// What failed, without the messages (which may quote a body): the status and error code of an
/// answer, or the kind of another failure.
#[cfg(feature = "tracing")]
fn reason(error: &Error) -> String {
    match error {
        Error::Api(api) => format!("HTTP {} {}", api.status.as_u16(), api.error_code),
        Error::Transport(t) => format!("transport {:?}", t.kind()),
        Error::Decode(d) => format!("decode HTTP {}", d.status.as_u16()),
        Error::InvalidRequest(_) => "invalid request".to_owned(),
        Error::Config(_) => "configuration".to_owned(),
        #[allow(unreachable_patterns)]
        _ => "other".to_owned(),
    }
}

/// A retry after `error`, in `wait`.
#[inline]
pub(crate) fn retrying(_attempt: u32, _error: &Error, _wait: Duration) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        target: TARGET,
        attempt = _attempt,
        reason = reason(_error).as_str(),
        wait_ms = u64::try_from(_wait.as_millis()).unwrap_or(u64::MAX),
        "retrying"
    );
}

/// A retry the classifier allowed that is not made (`why`: the retry budget is empty, the
/// operation timeout would pass).
#[inline]
pub(crate) fn not_retrying(_attempt: u32, _error: &Error, _why: &'static str) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        target: TARGET,
        attempt = _attempt,
        reason = reason(_error).as_str(),
        why = _why,
        "not retrying"
    );
}

/// A waiter polled and waits on.
#[inline]
pub(crate) fn waiting(
    _polls: u32,
    _state: Option<&str>,
    _elapsed: Duration,
    _next_delay: Duration,
) {
    #[cfg(feature = "tracing")]
    tracing::debug!(
        target: TARGET,
        polls = _polls,
        state = _state.unwrap_or(""),
        elapsed_ms = u64::try_from(_elapsed.as_millis()).unwrap_or(u64::MAX),
        next_delay_ms = u64::try_from(_next_delay.as_millis()).unwrap_or(u64::MAX),
        "waiting"
    );
}

/// Credentials were fetched anew from `source` (such as `"instance metadata"`); they expire in
/// `expires_in` (`None`: they do not expire). Never pass anything of the credentials themselves.
#[allow(dead_code)] // Called by the credential cache.
#[inline]
pub(crate) fn credentials_refreshed(_source: &'static str, _expires_in: Option<Duration>) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        target: TARGET,
        source = _source,
        expires_in_s = _expires_in.map(|d| d.as_secs()),
        "credentials refreshed"
    );
}

/// Fetching credentials from `source` failed with `error`, whose text must name no secret
/// (the providers' errors never do).
#[allow(dead_code)] // Called by the credential cache.
#[inline]
pub(crate) fn credential_refresh_failed(_source: &'static str, _error: &dyn std::fmt::Display) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        target: TARGET,
        source = _source,
        error = %_error,
        "credential refresh failed"
    );
}
