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
