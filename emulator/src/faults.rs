//! Faults on demand: an operation throttles, fails, answers slowly or closes the connection
//! half-way through its answer, for the client's retries, timeouts and waiters to be tested
//! against. A fault comes from a rule (the program's `--fault OPERATION=FAULT[:TIMES]`, or
//! [`Faults::add`] in a test) or from the request itself (an `X-Emulator-Fault: FAULT` header,
//! for that request only). A throttled or failed request is not carried out; a slow or closed
//! one is, as when a real answer is lost on the way.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use modelarts_pools::server::ROUTES;
use modelarts_pools_runtime::server::ServiceError;
use modelarts_pools_runtime::server::axum::Router;
use modelarts_pools_runtime::server::axum::body::{Body, Bytes};
use modelarts_pools_runtime::server::axum::extract::{MatchedPath, Request, State};
use modelarts_pools_runtime::server::axum::http::{HeaderValue, StatusCode, header};
use modelarts_pools_runtime::server::axum::middleware::{self, Next};
use modelarts_pools_runtime::server::axum::response::{IntoResponse, Response};

/// The request header that asks for a fault on this request: its value is a [`Fault`] as
/// [`Fault::parse`] reads it (`throttle`, `error=503`, `slow=2000`, `close`).
pub const FAULT_HEADER: &str = "x-emulator-fault";

/// What an operation does instead of answering as the service would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 with the gateway's throttle code (`GATEWAY_THROTTLE_CODE`) and `Retry-After` (seconds), as the gateway throttles; not carried out.
    Throttle { retry_after_seconds: u64 },
    /// This error status (5xx by default 500) with the service's error body; not carried out.
    Status(u16),
    /// Carried out, and answered after this long.
    Slow(Duration),
    /// Carried out; the answer's head and half its body are sent, then the connection is closed.
    Close,
}

/// A fault or rule that cannot be read: what was given and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{given:?}: {reason}")]
pub struct FaultError {
    pub given: String,
    pub reason: String,
}

impl Fault {
    /// `throttle[=SECONDS]` (1 s when not given), `error[=STATUS]` (400 to 599, 500 when not
    /// given), `slow=MILLISECONDS`, `close`.
    pub fn parse(text: &str) -> Result<Fault, FaultError> {
        let error = |reason: &str| FaultError {
            given: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (kind, value) = match text.trim().split_once('=') {
            Some((kind, value)) => (kind.trim(), Some(value.trim())),
            None => (text.trim(), None),
        };
        let number = |what: &str| -> Result<Option<u64>, FaultError> {
            value
                .map(|v| {
                    v.parse::<u64>()
                        .map_err(|_| error(&format!("{what} is not a whole number")))
                })
                .transpose()
        };
        match kind {
            "throttle" => Ok(Fault::Throttle {
                retry_after_seconds: number("the Retry-After seconds")?.unwrap_or(1),
            }),
            "error" => match number("the status")?.unwrap_or(500) {
                status @ 400..=599 => Ok(Fault::Status(status as u16)),
                _ => Err(error("the status of an error is 400 to 599")),
            },
            "slow" => number("the delay in milliseconds")?
                .map(|ms| Fault::Slow(Duration::from_millis(ms)))
                .ok_or_else(|| error("slow needs its delay: slow=MILLISECONDS")),
            "close" if value.is_none() => Ok(Fault::Close),
            _ => Err(error(
                "a fault is throttle[=SECONDS], error[=STATUS], slow=MILLISECONDS or close",
            )),
        }
    }
}

/// One rule: which operation, what fault, how many more times (`None`: every time).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    /// The operation's name as the spec writes it, or `*` for every operation.
    operation: String,
    fault: Fault,
    remaining: Option<u32>,
}

/// The faults an emulator injects; cloned handles share them, so a test can change them while
/// the emulator serves.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<Rule>>>,
}

/// `show_pool`, `show-pool` and `ShowPool` name the same operation.
fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

impl Faults {
    /// `operation` (its name as in the spec, the program's subcommand or the operation ID, or `*`
    /// for every operation) answers with `fault`, the next `times` times (`None`: until cleared).
    pub fn add(&self, operation: &str, fault: Fault, times: Option<u32>) -> Result<(), FaultError> {
        let operation = if operation == "*" {
            "*".to_owned()
        } else {
            let wanted = normalize(operation);
            ROUTES
                .iter()
                .find(|route| normalize(route.operation) == wanted)
                .map(|route| route.operation.to_owned())
                .ok_or_else(|| FaultError {
                    given: operation.to_owned(),
                    reason: "no operation of the service has this name".to_owned(),
                })?
        };
        self.lock().push(Rule {
            operation,
            fault,
            remaining: times,
        });
        Ok(())
    }

    /// A rule as the program's `--fault` option gives it: `OPERATION=FAULT[:TIMES]`, for example
    /// `show_pool=throttle:2` or `create_pool=error=503` or `*=slow=200`.
    pub fn add_rule(&self, rule: &str) -> Result<(), FaultError> {
        let error = |reason: &str| FaultError {
            given: rule.to_owned(),
            reason: reason.to_owned(),
        };
        let (operation, rest) = rule
            .split_once('=')
            .ok_or_else(|| error("a rule is OPERATION=FAULT[:TIMES]"))?;
        let (fault, times) = match rest.rsplit_once(':') {
            Some((fault, times)) => {
                let times = times
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| error("TIMES is a whole number from 1"))?;
                (fault, Some(times))
            }
            None => (rest, None),
        };
        let fault = Fault::parse(fault).map_err(|e| error(&e.reason))?;
        self.add(operation.trim(), fault, times)
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Rule>> {
        self.rules
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The fault for one call of `operation`, counting it against its rule.
    fn take(&self, operation: &str) -> Option<Fault> {
        let mut rules = self.lock();
        let index = rules.iter().position(|rule| {
            (rule.operation == "*" || rule.operation == operation) && rule.remaining != Some(0)
        })?;
        let rule = &mut rules[index];
        let fault = rule.fault;
        if let Some(remaining) = &mut rule.remaining {
            *remaining -= 1;
        }
        rules.retain(|rule| rule.remaining != Some(0));
        Some(fault)
    }

    /// `router` with the faults applied to every route.
    pub fn layer(self, router: Router) -> Router {
        router.route_layer(middleware::from_fn_with_state(self, inject))
    }
}

/// The operation a request was routed to.
fn operation_of(request: &Request) -> Option<&'static str> {
    let path = request.extensions().get::<MatchedPath>()?.as_str();
    let method = request.method().as_str();
    ROUTES
        .iter()
        .find(|route| route.path == path && route.method == method)
        .map(|route| route.operation)
}

async fn inject(State(faults): State<Faults>, request: Request, next: Next) -> Response {
    let asked = request.headers().get(FAULT_HEADER).map(|value| {
        value
            .to_str()
            .map_err(|_| FaultError {
                given: String::from_utf8_lossy(value.as_bytes()).into_owned(),
                reason: "not text".to_owned(),
            })
            .and_then(Fault::parse)
    });
    let fault = match asked {
        Some(Ok(fault)) => Some(fault),
        Some(Err(e)) => {
            return ServiceError::bad_request(format!("the {FAULT_HEADER} header: {e}"))
                .into_response();
        }
        None => operation_of(&request).and_then(|operation| faults.take(operation)),
    };
    match fault {
        None => next.run(request).await,
        Some(Fault::Throttle {
            retry_after_seconds,
        }) => {
            let mut response = ServiceError::new(
                StatusCode::TOO_MANY_REQUESTS,
                modelarts_pools_runtime::retry::GATEWAY_THROTTLE_CODE,
                "The throttling threshold has been reached.",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
            response
        }
        Some(Fault::Status(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            ServiceError::new(
                status,
                "ModelArts.0001",
                format!("Fault injected by the emulator: {status}."),
            )
            .into_response()
        }
        Some(Fault::Slow(delay)) => {
            let response = next.run(request).await;
            tokio::time::sleep(delay).await;
            response
        }
        Some(Fault::Close) => {
            let (parts, body) = next.run(request).await.into_parts();
            let bytes =
                match modelarts_pools_runtime::server::axum::body::to_bytes(body, usize::MAX).await
                {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        return ServiceError::new(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "ModelArts.0001",
                            e.to_string(),
                        )
                        .into_response();
                    }
                };
            let half = bytes.slice(..bytes.len() / 2);
            // The head promises the whole body; the stream ends with an error after half of it,
            // which makes the server drop the connection.
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "fault injected by the emulator: connection closed",
                )),
            ];
            let mut response =
                Response::from_parts(parts, Body::from_stream(futures_util::stream::iter(chunks)));
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_and_rules_are_read_or_refused_with_the_reason() {
        assert_eq!(
            Fault::parse("throttle"),
            Ok(Fault::Throttle {
                retry_after_seconds: 1
            })
        );
        assert_eq!(Fault::parse("error=503"), Ok(Fault::Status(503)));
        assert_eq!(
            Fault::parse("slow=250"),
            Ok(Fault::Slow(Duration::from_millis(250)))
        );
        assert_eq!(Fault::parse("close"), Ok(Fault::Close));
        assert!(
            Fault::parse("error=200")
                .unwrap_err()
                .reason
                .contains("400 to 599")
        );
        assert!(
            Fault::parse("slow")
                .unwrap_err()
                .reason
                .contains("slow=MILLISECONDS")
        );
        assert!(Fault::parse("explode").is_err());

        let faults = Faults::default();
        faults.add_rule("show-pool=throttle=3:2").unwrap();
        faults.add_rule("*=error").unwrap();
        let unknown = faults.add_rule("show_pools=close").unwrap_err();
        assert!(unknown.reason.contains("no operation"), "{unknown}");
        assert!(faults.add_rule("show_pool=close:0").is_err());
        assert!(faults.add_rule("close").is_err());

        let throttle = Some(Fault::Throttle {
            retry_after_seconds: 3,
        });
        assert_eq!(faults.take("show_pool"), throttle);
        assert_eq!(faults.take("list_pools"), Some(Fault::Status(500)));
        assert_eq!(faults.take("show_pool"), throttle);
        // The two times are used up; the rule for every operation is left.
        assert_eq!(faults.take("show_pool"), Some(Fault::Status(500)));
        faults.clear();
        assert_eq!(faults.take("show_pool"), None);
    }
}
