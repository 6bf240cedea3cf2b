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
//! Each operation's error enum is written with [`operation_error!`]: a variant per documented
//! failure status and `Unhandled`, with the behaviour of [`OperationError`].
//!
//! The model macros need no serde_json feature besides the additive `raw_value`; this crate does not turn
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
//! Every variable the runtime and the program read. [`ClientBuilder::from_env`] reads the
//! configuration ones when the client is built; the credentials chain reads its sources on the
//! first call (and again at each refresh).
//!
//! | Variable | Read by | What it gives |
//! |---|---|---|
//! | `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` | [`ClientBuilder::from_env`], [`Credentials::from_env`], [`credentials::EnvironmentProvider`] | AK/SK credentials |
//! | `HUAWEICLOUD_SDK_SECURITY_TOKEN` | the same | the security token of temporary AK/SK |
//! | `HUAWEICLOUD_SDK_AUTH_TOKEN` | the same | an IAM token (`X-Auth-Token`), used when no AK/SK is set |
//! | `HUAWEICLOUD_SDK_IDP_ID`, `HUAWEICLOUD_SDK_ID_TOKEN_FILE` | [`credentials::EnvironmentProvider`] | a federated identity: its identity provider and the file of its ID token, exchanged with IAM |
//! | `HUAWEICLOUD_SDK_CREDENTIALS_FILE` | [`credentials::ProfileProvider`] | the profile file (default `~/.huaweicloud/credentials`, found through `HOME`, or `USERPROFILE` on Windows) |
//! | `HUAWEICLOUD_SDK_METADATA_ENDPOINT` | [`credentials::InstanceMetadataProvider`], [`ClientBuilder::from_env`] | the instance metadata service (default `http://169.254.169.254`) |
//! | `HUAWEICLOUD_SDK_IAM_ENDPOINT` | [`ClientBuilder::from_env`], the federated identity | IAM, for the project lookup and ID token exchanges (default: the region's) |
//! | `HUAWEICLOUD_SDK_PROJECT_ID` | [`ClientBuilder::from_env`], [`credentials::EnvironmentProvider`], the program (`--project-id`) | the project ID (else looked up by region) |
//! | `HUAWEICLOUD_SDK_REGION` | [`ClientBuilder::from_env`], the program (`--region`) | the region |
//! | `HUAWEICLOUD_SDK_ENDPOINT` | [`ClientBuilder::from_env`], the program (`--endpoint`) | the endpoint URL |
//! | `HUAWEICLOUD_SDK_PROXY`, `HUAWEICLOUD_SDK_NO_PROXY` | [`ClientBuilder::from_env`], the program (`--proxy`, `--no-proxy`) | a proxy for every request and the hosts that bypass it |
//! | `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (and lower case) | `reqwest`, when no proxy is set | the system's proxy |
//! | `HUAWEICLOUD_SDK_CA_FILE` | [`ClientBuilder::from_env`], the program (`--ca-file`) | a PEM file of root certificates to trust besides the system's |
//! | `HUAWEICLOUD_SDK_CLIENT_CERT_FILE`, `HUAWEICLOUD_SDK_CLIENT_KEY_FILE` | [`ClientBuilder::from_env`], the program (`--client-cert`, `--client-key`) | a client certificate and its key (PEM) |
//! | `MODELARTS_POOLS_VIRTUAL_WAIT_TIME` | the program (feature `cli`) | `1`: `--wait` pauses take no real time (for tests of a program) |
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
pub mod operation_error;
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
pub use operation_error::{OperationError, OperationFailure};
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
