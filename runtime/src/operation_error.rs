//! What every operation's error enum shares. The generated client declares one enum per
//! operation (`DeletePoolError`: a variant per documented failure status, and `Unhandled`), and
//! [`operation_error!`](macro@crate::operation_error) gives it this behaviour: the service's answer,
//! the status, the request ID, whether to retry, the conversions to and from [`Error`],
//! `Display` and `source`.

use std::fmt;

use http::StatusCode;

use crate::error::{ApiError, Error};

/// Which kind of failure an operation's error is: an answer the operation documents (a variant
/// of its own), or anything else ([`Error`], in `Unhandled`).
#[derive(Clone, Copy, Debug)]
pub enum OperationFailure<'a> {
    /// A status the operation documents, with the service's answer.
    Documented(&'a ApiError),
    /// Any other failure: another status, a transport error, an undecodable response or a
    /// refused request.
    Unhandled(&'a Error),
}

impl<'a> OperationFailure<'a> {
    /// The underlying error, for [`std::error::Error::source`].
    pub fn as_source(self) -> &'a (dyn std::error::Error + 'static) {
        match self {
            OperationFailure::Documented(api) => api,
            OperationFailure::Unhandled(error) => error,
        }
    }
}

impl fmt::Display for OperationFailure<'_> {
    /// The underlying error's text: the answer's for a documented status, the error's otherwise.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OperationFailure::Documented(api) => fmt::Display::fmt(api, formatter),
            OperationFailure::Unhandled(error) => fmt::Display::fmt(error, formatter),
        }
    }
}

/// The behaviour every operation's error enum has. Each enum also has these methods as inherent
/// ones, so calling them needs no `use` of this trait; it is for code generic over operations
/// (`fn report(error: &impl OperationError)`).
pub trait OperationError: std::error::Error {
    /// Which kind of failure this is, with what it holds.
    fn failure(&self) -> OperationFailure<'_>;

    /// The service's answer (status, error code, message, request ID), when the failure is one.
    fn api(&self) -> Option<&ApiError> {
        match self.failure() {
            OperationFailure::Documented(api) => Some(api),
            OperationFailure::Unhandled(error) => error.api(),
        }
    }

    /// The HTTP status, when an answer came.
    fn status(&self) -> Option<StatusCode> {
        match self.failure() {
            OperationFailure::Documented(api) => Some(api.status),
            OperationFailure::Unhandled(error) => error.status(),
        }
    }

    /// The request ID the service gave, to quote to its support.
    fn request_id(&self) -> Option<&str> {
        match self.failure() {
            OperationFailure::Documented(api) => api.request_id.as_deref(),
            OperationFailure::Unhandled(error) => error.request_id(),
        }
    }

    /// Whether trying again later may succeed (429, 502, 503, 504, a failed connection, a
    /// timeout).
    fn is_retryable(&self) -> bool {
        match self.failure() {
            OperationFailure::Documented(api) => api.is_retryable(),
            OperationFailure::Unhandled(error) => error.is_retryable(),
        }
    }
}
