//! How a command that did not succeed is reported: the failure, what goes on stderr (text from
//! the server made safe for a terminal), and the exit code.

use serde::Serialize;

use super::CliError;
use super::json::to_pretty_json;
use crate::error::Error;
use crate::waiter::WaiterError;

/// Why a command did not succeed, and its exit code.
#[derive(Debug)]
pub enum Failure {
    /// The call failed (1) or was refused before sending (2): [`exit_code`].
    Error(Error),
    /// A body given on the command line could not be read or was refused (2).
    Body(CliError),
    /// A wait ended without success (1): a failure state, a timeout, the resource gone; `last`
    /// is the resource as last seen, printed on stdout as JSON.
    Wait {
        reason: String,
        last: Option<String>,
    },
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Error(error)
    }
}

impl From<CliError> for Failure {
    fn from(error: CliError) -> Self {
        Failure::Body(error)
    }
}

impl<T: Serialize, E: Into<Error> + std::fmt::Display> From<WaiterError<T, E>> for Failure {
    fn from(error: WaiterError<T, E>) -> Self {
        let reason = format!("the wait failed: {error}");
        match error {
            WaiterError::Operation(e) => Failure::Error(e.into()),
            WaiterError::FailureState { last, .. } => Failure::Wait {
                reason,
                last: to_pretty_json(&*last).ok(),
            },
            WaiterError::TimedOut { last, .. } => Failure::Wait {
                reason,
                last: last.and_then(|last| to_pretty_json(&*last).ok()),
            },
            WaiterError::Gone { .. } => Failure::Wait { reason, last: None },
        }
    }
}

impl Failure {
    /// 1: the call or the wait failed; 2: refused before sending (bad usage, body or setup).
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Error(error) => exit_code(error),
            Failure::Body(error) => error.exit_code(),
            Failure::Wait { .. } => 1,
        }
    }

    /// What goes on stderr.
    pub fn report(&self) -> String {
        match self {
            Failure::Error(error) => report_text(error),
            Failure::Body(error) => printable(&format!("error: {error}")),
            Failure::Wait { reason, .. } => printable(&format!("error: {reason}")),
        }
    }
}

/// The process exit code for an error: 1 when the call failed (API, transport, decode), 2 when it
/// was refused before sending (invalid request, configuration).
pub fn exit_code(err: &Error) -> u8 {
    match err {
        Error::InvalidRequest(_) | Error::Config(_) | Error::Credentials(_) => 2,
        Error::Api(_) | Error::Transport(_) | Error::Decode(_) => 1,
    }
}

/// Text from the server made safe for a terminal: control characters (escape sequences could set
/// the clipboard or clear the screen) are shown escaped; line breaks are kept.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// The report of `err` for standard error: for API errors the HTTP status, error code, message
/// and request ID.
pub fn report_text(err: &Error) -> String {
    match err {
        Error::Api(api) => {
            let mut text = format!(
                "error: {} failed with HTTP {}",
                api.operation,
                api.status.as_u16()
            );
            if let Some(reason) = api.status.canonical_reason() {
                text.push_str(&format!(" {reason}"));
            }
            if let Some(documented) = api.documented {
                text.push_str(&format!(" ({documented})"));
            }
            text.push_str(&format!("\n  error code: {}", printable(&api.error_code)));
            text.push_str(&format!("\n  message:    {}", printable(&api.error_msg)));
            text.push_str(&format!(
                "\n  request id: {}",
                printable(api.request_id.as_deref().unwrap_or("(none)"))
            ));
            text
        }
        other => {
            let mut text = printable(&format!("error: {other}"));
            match (other.request_id(), other) {
                (Some(id), Error::Decode(_)) if !text.contains(id) => {
                    text.push_str(&format!("\n  request id: {}", printable(id)));
                }
                _ => {}
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_and_exit_codes() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", "rid-9".parse().unwrap());
        let api = crate::ApiError::from_response(
            "CreatePool",
            http::StatusCode::CONFLICT,
            headers,
            br#"{"error_code":"ModelArts.50015000","error_msg":"Pool already exists."}"#,
            None,
        );
        let err = Error::Api(Box::new(api));
        let text = report_text(&err);
        for part in ["409", "ModelArts.50015000", "Pool already exists.", "rid-9"] {
            assert!(text.contains(part), "{text}");
        }
        assert_eq!(exit_code(&err), 1);
        assert_eq!(exit_code(&Error::Config("x".into())), 2);
    }
}
