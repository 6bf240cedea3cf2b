//! What the generated `Deserialize` implementations of objects call: the member key as handed
//! over, and the slots each listed member is read into (required, optional, merge-patch).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use super::Patch;

/// An object key as the deserializer hands it over: borrowed from the input when it can be.
pub struct FieldKey<'de>(pub Cow<'de, str>);

impl FieldKey<'_> {
    /// The key text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string, for storing among the unknown fields.
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for FieldKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = FieldKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The error for a member that appears twice in one object.
pub fn duplicate_field<E: de::Error>(wire_name: &'static str) -> E {
    E::duplicate_field(wire_name)
}

/// The error for a required member that is absent.
pub fn missing_field<E: de::Error>(wire_name: &'static str) -> E {
    E::missing_field(wire_name)
}

/// The value of a required member once the object is read: the member's value, or the
/// "missing field" error when it was absent.
#[inline]
pub fn required<T, E: de::Error>(slot: Option<T>, wire_name: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => Err(E::missing_field(wire_name)),
    }
}

/// The value of an optional member once the object is read: `None` when it was absent or null.
#[inline]
pub fn optional<T>(slot: Option<Option<T>>) -> Option<T> {
    slot.flatten()
}

/// The value of a merge-patch member once the object is read: [`Patch::Absent`] when it was
/// absent, otherwise what it was ([`Patch::Null`] for `null`).
#[inline]
pub fn patch<T>(slot: Option<Patch<T>>) -> Patch<T> {
    match slot {
        Some(value) => value,
        None => Patch::Absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_keys_borrow_when_they_can_and_unescape_when_they_must() {
        let key: FieldKey<'_> = serde_json::from_str("\"plain\"").unwrap();
        assert!(matches!(key.0, Cow::Borrowed("plain")));
        let key: FieldKey<'_> = serde_json::from_str("\"a\\/b\"").unwrap();
        assert_eq!(key.as_str(), "a/b");
        assert_eq!(key.into_owned(), "a/b");
    }

    #[test]
    fn required_and_optional_slots() {
        assert_eq!(required::<_, serde_json::Error>(Some(3), "n").unwrap(), 3);
        let err = required::<u8, serde_json::Error>(None, "n").unwrap_err();
        assert_eq!(err.to_string(), "missing field `n`");
        assert_eq!(optional::<u8>(None), None);
        assert_eq!(optional::<u8>(Some(None)), None);
        assert_eq!(optional(Some(Some(1))), Some(1));
    }
}
