//! Runtime of the ModelArts resource pool SDK: credentials, `SDK-HMAC-SHA256` signing, the HTTP
//! client with retries and hooks, error types, and command-line helpers.
//!
//! Generated operations build an [`OperationRequest`] and hand it to [`Client::execute`].
//!
//! Environment variables read by [`ClientBuilder::from_env`] and [`Credentials::from_env`]:
//! `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`,
//! `HUAWEICLOUD_SDK_AUTH_TOKEN` (IAM token, used when no AK/SK is set),
//! `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_ENDPOINT` and `HUAWEICLOUD_SDK_REGION`.

// `Error::Api` holds the `ApiError` (status, code, message, headers...) inline by design, so
// matching on it needs no unboxing; the resulting `Result<_, Error>` is larger than clippy likes.

pub mod cli;
pub mod client;
pub mod credentials;
pub mod error;
pub mod hook;
pub mod model;
pub mod request;
pub mod retry;
pub mod signer;
pub mod validation;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, ENDPOINT_ENV, PROJECT_ID_ENV, REGION_ENV, region_endpoint,
};
pub use credentials::{AK_ENV, Credentials, SECURITY_TOKEN_ENV, SK_ENV, Secret, TOKEN_ENV};
pub use error::{ApiError, DecodeError, Error, TransportError, TransportErrorKind};
pub use hook::{ErrorInfo, Hook, RequestInfo, ResponseInfo};
pub use http::{HeaderMap, Method, StatusCode};
pub use request::{OperationRequest, Response};
pub use retry::RetryPolicy;
pub use validation::{JsonPath, PathSegment, ValidationError};

#[cfg(test)]
mod loopback_tests;
