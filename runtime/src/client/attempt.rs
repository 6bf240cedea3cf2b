//! One attempt: the headers, the signature over exactly what is sent, the exchange, and the
//! answer sorted into a response or an error. Whether to try again is not decided here.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};

use super::answer::read_body;
use super::failure::failure_error;
use super::{Client, DecodeBody, Target};
use crate::credentials::Credentials;
use crate::error::{ApiError, Error, REQUEST_ID, TransportError, TransportErrorKind, header_text};
use crate::hook::{RequestInfo, ResponseInfo};
use crate::request::{OperationRequest, Response};
use crate::signer;
use crate::transport::{Outgoing, Sender};

const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");
const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");

impl Client {
    /// The headers to send (before `Authorization`), in order: the client's, then
    /// `operation_headers` (the request's, as the interceptors left them).
    pub(super) fn wire_headers(
        &self,
        operation_headers: &[(HeaderName, HeaderValue)],
        request: &OperationRequest,
        credentials: &Credentials,
        sdk_date: HeaderValue,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
        let inner = &*self.inner;
        let value = |what: &str, v: &str| {
            HeaderValue::from_str(v)
                .map_err(|_| Error::Config(format!("{what} is not a valid header value")))
        };
        let mut headers = Vec::with_capacity(6 + operation_headers.len());
        headers.push((header::HOST, inner.host_header.clone()));
        match credentials {
            Credentials::AkSk { security_token, .. } => {
                headers.push((X_SDK_DATE, sdk_date));
                headers.push((X_PROJECT_ID, value("the project ID", self.project_id())?));
                if let Some(token) = security_token {
                    let mut v = value("the security token", token.expose())?;
                    v.set_sensitive(true);
                    headers.push((X_SECURITY_TOKEN, v));
                }
            }
            Credentials::Token(token) => {
                let mut v = value("the IAM token", token.expose())?;
                v.set_sensitive(true);
                headers.push((X_AUTH_TOKEN, v));
            }
        }
        if request.body.is_some() {
            headers.push((
                header::CONTENT_TYPE,
                HeaderValue::from_static(request.content_type),
            ));
        }
        headers.extend(operation_headers.iter().cloned());
        Ok(headers)
    }

    pub(super) async fn attempt(
        &self,
        request: &OperationRequest,
        target: &Target,
        attempt: u32,
        started: Instant,
        timeout: Duration,
        decode: &mut DecodeBody<'_>,
    ) -> Result<Response<()>, Error> {
        let inner = &*self.inner;
        let (url, path, query) = (&target.url, target.path(), target.query());
        let operation = request.operation;
        // Every attempt asks the cache, so a call (or a wait) that outlives its credentials goes
        // on with fresh ones.
        let provided = inner
            .credentials
            .credentials()
            .await
            .map_err(|e| Error::Credentials(Box::new(e)))?;
        let credentials = provided.credentials();
        let sdk_date = signer::format_sdk_date(SystemTime::now());
        let sdk_date = HeaderValue::from_maybe_shared(Bytes::from(sdk_date))
            .map_err(|_| Error::Config("X-Sdk-Date is not a valid header value".to_owned()))?;
        let operation_headers = self.intercepted_headers(request, target, attempt)?;
        let mut headers = self.wire_headers(&operation_headers, request, credentials, sdk_date)?;
        let body: Bytes = request.body.clone().unwrap_or_default();

        if let Credentials::AkSk { ak, sk, .. } = credentials {
            // Sign exactly what is sent; the token header of AK/SK mode is signed too. Values are
            // read as UTF-8, U+FFFD where they are not (every value the client and its callers
            // can set is visible ASCII), as the signer reads text.
            let lossy: OnceCell<Vec<Cow<'_, str>>> = OnceCell::new();
            let mut canonical_request = String::new();
            // The value `wire_headers` put second (the text went into it without a copy).
            let sdk_date = headers
                .iter()
                .find(|(n, _)| *n == X_SDK_DATE)
                .map_or("", |(_, v)| {
                    std::str::from_utf8(v.as_bytes()).unwrap_or_default()
                });
            let signed = signer::sign_into(
                &mut canonical_request,
                request.method.as_str(),
                path,
                query,
                headers.iter().enumerate().map(|(i, (n, v))| {
                    let text = match std::str::from_utf8(v.as_bytes()) {
                        Ok(text) => text,
                        Err(_) => lossy.get_or_init(|| {
                            headers
                                .iter()
                                .map(|(_, v)| String::from_utf8_lossy(v.as_bytes()))
                                .collect()
                        })[i]
                            .as_ref(),
                    };
                    (n.as_str(), text)
                }),
                &body,
                sk.expose(),
                sdk_date,
            );
            let authorization = signer::authorization(ak, &canonical_request, &signed);
            let mut auth =
                HeaderValue::from_maybe_shared(Bytes::from(authorization)).map_err(|_| {
                    Error::Config("the access key ID is not a valid header value".to_string())
                })?;
            auth.set_sensitive(true);
            headers.push((header::AUTHORIZATION, auth));
        }

        if !inner.interceptors.is_empty() {
            let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
            let info = RequestInfo {
                operation,
                method: &request.method,
                url: url.as_str(),
                attempt,
                header_names: &names,
            };
            for interceptor in &inner.interceptors {
                interceptor.read_before_transmit(&info);
            }
        }

        let sender = match &inner.transport {
            None => Sender::Reqwest {
                http: &inner.http,
                own_timeout: inner.http_timeout,
            },
            Some(custom) => Sender::Custom(custom),
        };
        let outgoing = Outgoing {
            method: &request.method,
            url,
            headers,
            body: request.body.is_some().then_some(body),
        };
        let mut response = match sender.send(outgoing, timeout).await {
            Ok(r) => r,
            Err(e) => return Err(failure_error(operation, e, None, None)),
        };
        let status = response.status();
        let response_headers = response.take_headers();
        let request_id = header_text(&response_headers, REQUEST_ID);
        if !inner.interceptors.is_empty() {
            let info = ResponseInfo {
                operation,
                status,
                request_id: request_id.as_deref(),
                attempt,
                elapsed: started.elapsed(),
            };
            for interceptor in &inner.interceptors {
                interceptor.read_after_response_head(&info);
            }
        }

        if status.is_redirection() {
            let location = header_text(&response_headers, header::LOCATION);
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
            timeout,
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

        match decode(status, &response_headers, &request_id, &body) {
            Ok(()) => Ok(Response {
                status,
                headers: response_headers,
                request_id,
                body: (),
            }),
            Err(e) => Err(Error::Decode(e)),
        }
    }
}
