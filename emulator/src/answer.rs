//! How the emulator answers: the service's error codes, and every answer decoded into the
//! generated type before it leaves, so that what the emulator says is what the published
//! document describes.

use modelarts_pools_runtime::server::ServiceError;
use modelarts_pools_runtime::server::axum::http::StatusCode;
use serde_json::Value;

/// 404 `ModelArts.50015001`, as the service answers for a missing pool (and, in the emulator,
/// for anything else missing: `what` says which kind).
pub fn not_found(what: &str, name: &str) -> ServiceError {
    ServiceError::new(
        StatusCode::NOT_FOUND,
        "ModelArts.50015001",
        format!("The {what} {name} does not exist."),
    )
}

/// 409 `ModelArts.50015000`: the name is taken.
pub fn conflict(message: String) -> ServiceError {
    ServiceError::new(StatusCode::CONFLICT, "ModelArts.50015000", message)
}

/// 500: something the emulator could not do (an emulator bug, or its state file not written).
pub fn internal(what: impl std::fmt::Display) -> ServiceError {
    ServiceError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "ModelArts.0001",
        what.to_string(),
    )
}

/// A value of the generated type from the emulator's JSON (an emulator bug is a 500 saying so).
pub fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ServiceError> {
    serde_json::from_value(value).map_err(|e| {
        internal(format!(
            "the emulator made an answer its own document refuses: {e}"
        ))
    })
}

/// The service refuses what it could not show afterwards (a count beyond its 32-bit fields…).
pub fn representable<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), ServiceError> {
    T::deserialize(value)
        .map(|_: T| ())
        .map_err(|e| ServiceError::bad_request(format!("the request cannot be served: {e}")))
}

/// The request as JSON, to be kept.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ServiceError> {
    serde_json::to_value(value).map_err(internal)
}
