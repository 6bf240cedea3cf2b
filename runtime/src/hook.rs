//! Hooks: observe each attempt (for logging, metrics, tracing) without seeing any secret.

use std::time::Duration;

use http::{Method, StatusCode};

use crate::error::Error;

/// Called around every attempt. All methods do nothing by default. Hooks run inline on the
/// calling task: keep them quick.
pub trait Hook: Send + Sync {
    /// Before an attempt is sent.
    fn on_request(&self, _info: &RequestInfo<'_>) {}
    /// When the response head of an attempt arrived (any status).
    fn on_response(&self, _info: &ResponseInfo<'_>) {}
    /// When an attempt failed (error status, transport or decode failure).
    fn on_error(&self, _info: &ErrorInfo<'_>) {}
}

/// An attempt about to be sent. Header values are not exposed (they include the signature and
/// tokens); only the names are.
#[non_exhaustive]
#[derive(Debug)]
pub struct RequestInfo<'a> {
    /// The operation name.
    pub operation: &'static str,
    /// HTTP method.
    pub method: &'a Method,
    /// Full URL.
    pub url: &'a str,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// Names of the headers sent (lower case).
    pub header_names: &'a [&'a str],
}

/// A response head that arrived.
#[non_exhaustive]
#[derive(Debug)]
pub struct ResponseInfo<'a> {
    /// The operation name.
    pub operation: &'static str,
    /// HTTP status.
    pub status: StatusCode,
    /// The `X-Request-Id` response header.
    pub request_id: Option<&'a str>,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// Time from sending to the response head.
    pub elapsed: Duration,
}

/// A failed attempt.
#[non_exhaustive]
#[derive(Debug)]
pub struct ErrorInfo<'a> {
    /// The operation name.
    pub operation: &'static str,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// The failure.
    pub error: &'a Error,
    /// Whether another attempt follows.
    pub will_retry: bool,
    /// Time since the attempt was sent.
    pub elapsed: Duration,
}
