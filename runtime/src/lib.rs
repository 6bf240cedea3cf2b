//! Runtime of the ModelArts resource pool SDK: credentials, `SDK-HMAC-SHA256` signing, the HTTP
//! client with retries and hooks, error types, the serde support of the generated models and,
//! with the `cli` feature, command-line helpers.
//!
//! Generated operations build an [`OperationRequest`] and hand it to [`Client::execute`].
//! Generated models are written with two macros:
//!
//! - [`open_enum!`] defines a string enumeration that keeps values it does not know in an
//!   `Unknown` variant, which can only ever hold a value the enumeration does not list;
//! - [`object_serde!`] implements `Serialize`/`Deserialize` for an object type, keeping the members
//!   it does not list in [`model::UnknownFields`] as their JSON text (order, key order inside them
//!   and number text included) and writing them back.
//!
//! Neither needs any serde_json feature besides the additive `raw_value`; this crate does not turn
//! on `preserve_order` or `float_roundtrip` for the programs that use it.
//!
//! # Features
//!
//! | Feature    | Default | What it adds |
//! |------------|---------|--------------|
//! | `cli`      | no      | the [`cli`] module (global options, body files, reports, exit codes) for command-line programs; brings in `clap` and Tokio's current-thread runtime |
//! | `server`   | no      | the [`server`] module the generated server stubs call: error bodies, signature checks, parameters; [`transport::InProcess`], which calls a router in process (no socket), and [`stub::Stub`], one operation's answers and recorded calls for unit tests; brings in axum |
//! | `schemars` | no      | `schemars::JsonSchema` for [`model::UnknownFields`]. (The `JsonSchema` impl of an [`open_enum!`] depends on the `schemars` feature of the crate that invokes the macro, not on this one.) |
//!
//! Without features the library needs from Tokio only its timer (`tokio/time`), for the pauses
//! between retries; it runs on whatever Tokio runtime the program uses.
//!
//! # Environment
//!
//! Environment variables read by [`ClientBuilder::from_env`] and [`Credentials::from_env`]:
//! `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`,
//! `HUAWEICLOUD_SDK_AUTH_TOKEN` (IAM token, used when no AK/SK is set),
//! `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_ENDPOINT` and `HUAWEICLOUD_SDK_REGION`.
#![cfg_attr(docsrs, feature(doc_cfg))]

// `Error::Api` holds the `ApiError` (status, code, message, headers...) inline by design, so
// matching on it needs no unboxing; the resulting `Result<_, Error>` is larger than clippy likes.

#[cfg(any(feature = "cli", feature = "server"))]
pub mod body_check;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;
pub mod client;
pub mod credentials;
pub mod error;
pub mod hook;
pub mod interceptor;
mod macros;
pub mod model;
pub mod operation;
pub mod paginator;
pub mod request;
pub mod retry;
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub mod server;
pub mod signer;
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub mod stub;
mod telemetry;
pub mod transport;
pub mod validation;
pub mod waiter;

pub use client::{
    CA_FILE_ENV, CLIENT_CERT_FILE_ENV, CLIENT_KEY_FILE_ENV, Client, ClientBuilder,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
    ENDPOINT_ENV, NO_PROXY_ENV, PROJECT_ID_ENV, PROXY_ENV, REGION_ENV, REGIONS, RequestPreview,
    region_endpoint,
};
pub use credentials::{AK_ENV, Credentials, SECURITY_TOKEN_ENV, SK_ENV, Secret, TOKEN_ENV};
pub use error::{ApiError, DecodeError, Error, TransportError, TransportErrorKind};
pub use hook::{ErrorInfo, Hook, RequestInfo, ResponseInfo};
pub use http::{HeaderMap, Method, StatusCode};
pub use interceptor::{AttemptInfo, BeforeSigning, HookInterceptor, Interceptor};
pub use operation::{Call, OperationInput};
pub use request::{CallOverrides, OperationRequest, Response};
pub use retry::{DefaultRetryClassifier, RetryBudget, RetryClass, RetryClassifier, RetryPolicy};
pub use validation::{JsonPath, PathSegment, ValidationError};

#[cfg(test)]
mod loopback_tests;
#[cfg(test)]
mod macro_tests;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
