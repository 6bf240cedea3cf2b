//! The generated models, client and program of every fixture spec in `fixtures/`, rendered by
//! `build.rs` and compiled here with warnings denied: each module is named after its fixture file.
#![deny(warnings)]

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// The real spec's body types, by name, for its operations' examples.
pub mod body_types {
    include!(concat!(env!("OUT_DIR"), "/body_types.rs"));
}

/// The README's examples, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

/// The generated types are `#[non_exhaustive]`, so another crate cannot write a struct literal of
/// one (a member added later would break it)…
///
/// ```compile_fail,E0639
/// let _ = modelarts_pools::models::PoolMetadata {
///     name: None,
///     ..Default::default()
/// };
/// ```
///
/// …nor an exhaustive `match` of an enumeration without a `_` arm (`Unknown(_)` is not one):
///
/// ```compile_fail,E0004
/// use modelarts_pools::models::ApiVersion;
/// fn name(version: &ApiVersion) -> &'static str {
///     match version {
///         ApiVersion::V2 => "v2",
///         ApiVersion::Unknown(_) => "later",
///     }
/// }
/// ```
///
/// What it writes instead compiles:
///
/// ```
/// use modelarts_pools::models::{ApiVersion, PoolMetadata};
/// let mut metadata = PoolMetadata::default();
/// metadata.name = Some("pool-a".into());
/// let version = match ApiVersion::V2 {
///     ApiVersion::V2 => "v2",
///     _ => "later",
/// };
/// assert_eq!((metadata.name.as_deref(), version), (Some("pool-a"), "v2"));
/// ```
#[cfg(doctest)]
pub struct NonExhaustiveModels;
