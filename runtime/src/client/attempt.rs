//! One attempt: the headers, the signature over exactly what is sent, the exchange, and the
//! answer sorted into a response or an error. Whether to try again is not decided here.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use http::header::{self, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use super::answer::{decode, read_body};
use super::{Client, Target, chain};
use crate::credentials::Credentials;
use crate::error::{
    ApiError, Error, REQUEST_ID_HEADER, TransportError, TransportErrorKind, header_text,
};
use crate::hook::{RequestInfo, ResponseInfo};
use crate::request::{OperationRequest, Response};
use crate::signer::{self, SigningInput};

impl Client {
    /// The headers to send (before `Authorization`), in order.
    pub(super) fn wire_headers(
        &self,
        request: &OperationRequest,
        sdk_date: &str,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
        let inner = &*self.inner;
        let value = |what: &str, v: &str| {
            HeaderValue::from_str(v)
                .map_err(|_| Error::Config(format!("{what} is not a valid header value")))
        };
        let mut headers = vec![(header::HOST, value("the host", &inner.host)?)];
        match &inner.credentials {
            Credentials::AkSk { security_token, .. } => {
                headers.push((
                    HeaderName::from_static("x-sdk-date"),
                    value("X-Sdk-Date", sdk_date)?,
                ));
                headers.push((
                    HeaderName::from_static("x-project-id"),
                    value("the project ID", &inner.project_id)?,
                ));
                if let Some(token) = security_token {
                    let mut v = value("the security token", token.expose())?;
                    v.set_sensitive(true);
                    headers.push((HeaderName::from_static("x-security-token"), v));
                }
            }
            Credentials::Token(token) => {
                let mut v = value("the IAM token", token.expose())?;
                v.set_sensitive(true);
                headers.push((HeaderName::from_static("x-auth-token"), v));
            }
        }
        if request.body.is_some() {
            headers.push((
                header::CONTENT_TYPE,
                HeaderValue::from_static(request.content_type),
            ));
        }
        headers.extend(request.headers.iter().cloned());
        Ok(headers)
    }

    pub(super) async fn attempt<T: DeserializeOwned>(
        &self,
        request: &OperationRequest,
        target: &Target,
        attempt: u32,
        started: Instant,
    ) -> Result<Response<T>, Error> {
        let inner = &*self.inner;
        let (url, path, query) = (&target.url, target.path.as_str(), target.query.as_str());
        let operation = request.operation;
        let sdk_date = signer::format_sdk_date(SystemTime::now());
        let mut headers = self.wire_headers(request, &sdk_date)?;
        let body: Bytes = request.body.clone().unwrap_or_default();

        if let Credentials::AkSk { ak, sk, .. } = &inner.credentials {
            // Sign exactly what is sent; the token header of AK/SK mode is signed too.
            let signed: Vec<(String, String)> = headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let signature = signer::sign(
                &SigningInput {
                    method: request.method.as_str(),
                    path,
                    query,
                    headers: &signed,
                    body: &body,
                },
                ak,
                sk.expose(),
                &sdk_date,
            );
            let mut auth = HeaderValue::from_str(&signature.authorization).map_err(|_| {
                Error::Config("the access key ID is not a valid header value".to_string())
            })?;
            auth.set_sensitive(true);
            headers.push((header::AUTHORIZATION, auth));
        }

        let mut http_request = reqwest::Request::new(request.method.clone(), url.clone());
        for (name, value) in &headers {
            http_request
                .headers_mut()
                .append(name.clone(), value.clone());
        }
        if request.body.is_some() {
            *http_request.body_mut() = Some(reqwest::Body::from(body));
        }

        if !inner.hooks.is_empty() {
            let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
            let info = RequestInfo {
                operation,
                method: &request.method,
                url: url.as_str(),
                attempt,
                header_names: &names,
            };
            for hook in &inner.hooks {
                hook.on_request(&info);
            }
        }

        let mut response = match inner.http.execute(http_request).await {
            Ok(r) => r,
            Err(e) => return Err(transport_error(operation, &e, None, None)),
        };
        let status = response.status();
        let response_headers = response.headers().clone();
        let request_id = header_text(&response_headers, REQUEST_ID_HEADER);
        for hook in &inner.hooks {
            hook.on_response(&ResponseInfo {
                operation,
                status,
                request_id: request_id.as_deref(),
                attempt,
                elapsed: started.elapsed(),
            });
        }

        if status.is_redirection() {
            let location = header_text(&response_headers, "location");
            let mut e = TransportError::new(
                TransportErrorKind::Redirect,
                operation,
                format!(
                    "HTTP {status} redirect to {} not followed (requests are never sent elsewhere \
                     with credentials); check the endpoint",
                    location.as_deref().unwrap_or("(no Location)")
                ),
            );
            e.status = Some(status);
            e.location = location;
            e.request_id = request_id;
            return Err(Error::Transport(Box::new(e)));
        }

        let body = read_body(
            &mut response,
            inner.max_response_bytes,
            operation,
            status,
            &request_id,
        )
        .await?;

        if status.as_u16() >= 400 {
            let error = ApiError::from_response(
                operation,
                status,
                response_headers,
                &body,
                request.documented(status),
            );
            return Err(Error::Api(Box::new(error)));
        }

        match decode::<T>(operation, status, &response_headers, &request_id, &body) {
            Ok(value) => Ok(Response {
                status,
                headers: response_headers,
                request_id,
                body: value,
            }),
            Err(e) => Err(Error::Decode(e)),
        }
    }
}

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
    } else {
        TransportErrorKind::Other
    };
    let mut e = TransportError::new(kind, operation, chain(error));
    e.status = status;
    e.request_id = request_id;
    Error::Transport(Box::new(e))
}
