//! A failed exchange named for its operation: the [`TransportErrorKind`] it is (TLS, connect,
//! timeout, redirect…, found by what is in the error's chain) and its message. Used by the
//! attempt (`attempt`), the reading of the answer (`answer`) and the project lookup (`project`).

use http::StatusCode;

use crate::error::{Error, TransportError, TransportErrorKind, error_chain as chain};
use crate::transport::Failure;

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

/// Whether the connection broke after the request was sent: hyper saw it close before the
/// answer was complete, or the system reports a reset.
fn is_interrupted(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut depth = 0;
    while let Some(e) = current {
        if e.downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
        {
            return true;
        }
        if e.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            )
        }) {
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

/// A failed exchange, whichever transport it went through, as a transport error of the kind it is.
pub(super) fn failure_error(
    operation: &'static str,
    failure: Failure,
    status: Option<StatusCode>,
    request_id: Option<String>,
) -> Error {
    let (kind, message) = match failure {
        Failure::Reqwest(e) => return transport_error(operation, &e, status, request_id),
        Failure::TimedOut(after) => (
            TransportErrorKind::Timeout,
            format!("no complete answer within the timeout of {after:?}"),
        ),
        Failure::Other(e) => (failure_kind(&*e), chain(&*e)),
    };
    let mut e = TransportError::new(kind, operation, message);
    e.status = status;
    e.request_id = request_id;
    Error::Transport(Box::new(e))
}

/// The kind of a transport's own error, by what is in its chain.
fn failure_kind(error: &(dyn std::error::Error + 'static)) -> TransportErrorKind {
    if is_tls_error(error) {
        return TransportErrorKind::Tls;
    }
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut depth = 0;
    while let Some(e) = current {
        if let Some(e) = e.downcast_ref::<reqwest::Error>() {
            if e.is_connect() {
                return TransportErrorKind::Connect;
            }
            if e.is_timeout() {
                return TransportErrorKind::Timeout;
            }
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::TimedOut => return TransportErrorKind::Timeout,
                ErrorKind::ConnectionRefused
                | ErrorKind::NotFound
                | ErrorKind::AddrNotAvailable
                | ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable => return TransportErrorKind::Connect,
                _ => {}
            }
        }
        depth += 1;
        if depth > 32 {
            break;
        }
        current = e.source();
    }
    if is_interrupted(error) {
        return TransportErrorKind::Interrupted;
    }
    TransportErrorKind::Other
}

/// A failed exchange as a transport error of the kind it is.
pub(super) fn transport_error(
    operation: &'static str,
    error: &reqwest::Error,
    status: Option<StatusCode>,
    request_id: Option<String>,
) -> Error {
    let kind = if is_tls_error(error) {
        TransportErrorKind::Tls
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_redirect() {
        TransportErrorKind::Redirect
    } else if is_interrupted(error) {
        TransportErrorKind::Interrupted
    } else {
        TransportErrorKind::Other
    };
    let mut e = TransportError::new(kind, operation, chain(error));
    e.status = status;
    e.request_id = request_id;
    Error::Transport(Box::new(e))
}
