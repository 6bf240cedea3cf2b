//! Serde support that generated model types call, so the generated code stays declarative.
//!
//! - Enumerations are *open*: a value the spec does not list is kept in an `Unknown` variant
//!   holding an [`UnknownValue`], which only this module can create and only for text that the
//!   enumeration said it does not know ([`parse_open_enum`]). So `Unknown` never holds a known
//!   value and two values that serialize alike are equal. The [`open_enum!`](crate::open_enum)
//!   macro writes such an enumeration and its trait implementations.
//! - Objects keep the members their spec does not list in [`UnknownFields`], as the JSON text
//!   received, and write them back. The [`object_serde!`](crate::object_serde) macro writes the
//!   `Serialize`/`Deserialize` implementations, which cost what `#[derive]` costs (no
//!   `#[serde(flatten)]`, no buffering).
//! - Members of JSON merge patches (RFC 7396, the bodies of the `PATCH` operations) are
//!   [`Patch`]es, which tell an absent member (leave it alone) from `null` (remove it) and a value
//!   (set it).
//!
//! Neither needs serde_json's `preserve_order` or `float_roundtrip` features: unknown members are
//! kept as [`RawValue`](serde_json::value::RawValue)s (serde_json's additive `raw_value` feature), so their order, the order
//! of the keys inside them and the text of their numbers survive a round trip whatever features
//! the rest of the program turns on.

mod object;
mod open_enum;
mod patch;
mod unknown_fields;

pub use object::{FieldKey, duplicate_field, missing_field, optional, patch, required};
pub use open_enum::{
    OpenEnum, UnknownValue, deserialize_open_enum, parse_open_enum, parse_open_enum_owned,
};
pub use patch::Patch;
pub use unknown_fields::{UnknownFields, UnknownFieldsIter};

/// What the macros expand to call; not a stable interface.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use std::borrow::Cow;
    pub use std::string::String;

    pub use super::unknown_fields::private::{finish_unknown, serialize_unknown, unknown_member};
}
