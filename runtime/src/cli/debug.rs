//! `--debug`: every attempt (retries included) on stderr: method, URL, status, request ID and
//! timing. Only what the hooks see is shown: header names, never their values, so no secret.

use crate::hook::{ErrorInfo, Hook, RequestInfo, ResponseInfo};

/// The hook `--debug` installs.
#[derive(Debug, Default)]
pub struct DebugHook;

impl Hook for DebugHook {
    fn on_request(&self, request: &RequestInfo<'_>) {
        eprintln!(
            "debug: {} attempt {}: {} {} (headers: {})",
            request.operation,
            request.attempt,
            request.method,
            request.url,
            request.header_names.join(", ")
        );
    }

    fn on_response(&self, response: &ResponseInfo<'_>) {
        eprintln!(
            "debug: {} attempt {}: HTTP {} in {} ms, request id {}",
            response.operation,
            response.attempt,
            response.status,
            response.elapsed.as_millis(),
            response.request_id.unwrap_or("(none)")
        );
    }

    fn on_error(&self, error: &ErrorInfo<'_>) {
        eprintln!(
            "debug: {} attempt {} failed after {} ms: {}; {}",
            error.operation,
            error.attempt,
            error.elapsed.as_millis(),
            super::printable(&error.error.to_string()),
            if error.will_retry {
                "retrying"
            } else {
                "not retrying"
            }
        );
    }
}
