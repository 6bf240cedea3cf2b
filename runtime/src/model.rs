//! Serde support that generated model types call, so the generated code stays declarative.
//!
//! Generated structs implement `Serialize`/`Deserialize` by hand (emitted by the generator) so that
//! unknown members are kept without the cost of `#[serde(flatten)]`; these helpers are the shared
//! pieces of those implementations.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// Members of an object that its spec does not list, kept in arrival order and written back out.
///
/// Stored behind one pointer that stays null until an unknown member arrives, so the types stay
/// small and the common case (no unknown members) costs nothing.
#[derive(Clone, Debug, Default)]
pub struct UnknownFields(Option<Box<serde_json::Map<String, serde_json::Value>>>);

static NULL: serde_json::Value = serde_json::Value::Null;

impl UnknownFields {
    /// No unknown members.
    pub const fn new() -> Self {
        UnknownFields(None)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |map| map.len())
    }

    /// The member `key`.
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.0.as_ref()?.get(key)
    }

    /// Whether the member `key` is there.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Adds or replaces a member, returning the value it replaced.
    pub fn insert(&mut self, key: String, value: serde_json::Value) -> Option<serde_json::Value> {
        self.0
            .get_or_insert_with(Default::default)
            .insert(key, value)
    }

    /// Removes a member, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<serde_json::Value> {
        let map = self.0.as_mut()?;
        let removed = map.shift_remove(key);
        if map.is_empty() {
            self.0 = None;
        }
        removed
    }

    /// The members in arrival order.
    pub fn iter(&self) -> UnknownFieldsIter<'_> {
        UnknownFieldsIter(self.0.as_ref().map(|map| map.iter()))
    }

    /// The members as a JSON object.
    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
        self.0.as_deref().cloned().unwrap_or_default()
    }
}

impl PartialEq for UnknownFields {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a == b,
            _ => self.is_empty() && other.is_empty(),
        }
    }
}

impl std::ops::Index<&str> for UnknownFields {
    type Output = serde_json::Value;

    /// The member `key`, or `null` when it is absent (as `serde_json::Value` indexes).
    fn index(&self, key: &str) -> &serde_json::Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl<'a> IntoIterator for &'a UnknownFields {
    type Item = (&'a String, &'a serde_json::Value);
    type IntoIter = UnknownFieldsIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The members of [`UnknownFields`], in arrival order.
pub struct UnknownFieldsIter<'a>(Option<serde_json::map::Iter<'a>>);

impl<'a> Iterator for UnknownFieldsIter<'a> {
    type Item = (&'a String, &'a serde_json::Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.as_mut()?.next()
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for UnknownFields {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        if map.is_empty() {
            UnknownFields(None)
        } else {
            UnknownFields(Some(Box::new(map)))
        }
    }
}

impl FromIterator<(String, serde_json::Value)> for UnknownFields {
    fn from_iter<I: IntoIterator<Item = (String, serde_json::Value)>>(iter: I) -> Self {
        serde_json::Map::from_iter(iter).into()
    }
}

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

/// A string enum whose unknown values are kept rather than rejected.
pub trait OpenStringEnum: Sized {
    /// What the enum is, for error messages (`"BillingMode"`).
    const NAME: &'static str;
    /// The variant for a wire value; `Unknown(value)` for one the spec does not list.
    fn from_wire(value: &str) -> Self;
    /// The variant for an owned wire value, reusing the allocation for unknown values.
    fn from_wire_owned(value: String) -> Self {
        Self::from_wire(&value)
    }
}

/// Deserializes any [`OpenStringEnum`] from a JSON string.
pub fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: OpenStringEnum,
{
    struct EnumVisitor<T>(PhantomData<T>);
    impl<T: OpenStringEnum> Visitor<'_> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a string ({})", T::NAME)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from_wire(v))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
            Ok(T::from_wire_owned(v))
        }
    }
    deserializer.deserialize_str(EnumVisitor(PhantomData))
}

/// The error for a member that appears twice in one object.
pub fn duplicate_field<E: de::Error>(wire_name: &'static str) -> E {
    E::duplicate_field(wire_name)
}

/// The error for a required member that is absent.
pub fn missing_field<E: de::Error>(wire_name: &'static str) -> E {
    E::missing_field(wire_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Mode {
        On,
        Unknown(String),
    }

    impl OpenStringEnum for Mode {
        const NAME: &'static str = "Mode";
        fn from_wire(value: &str) -> Self {
            match value {
                "on" => Mode::On,
                other => Mode::Unknown(other.to_owned()),
            }
        }
    }

    impl<'de> Deserialize<'de> for Mode {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_open_enum(d)
        }
    }

    #[test]
    fn open_enum_keeps_unknown_values_and_rejects_non_strings() {
        assert_eq!(serde_json::from_str::<Mode>("\"on\"").unwrap(), Mode::On);
        assert_eq!(
            serde_json::from_str::<Mode>("\"later\"").unwrap(),
            Mode::Unknown("later".into())
        );
        let err = serde_json::from_str::<Mode>("3").unwrap_err().to_string();
        assert!(err.contains("a string (Mode)"), "{err}");
    }

    #[test]
    fn unknown_fields_allocate_only_when_used_and_keep_arrival_order() {
        assert_eq!(
            std::mem::size_of::<UnknownFields>(),
            std::mem::size_of::<usize>()
        );
        let mut fields = UnknownFields::new();
        assert!(fields.is_empty() && fields.get("a").is_none() && fields["a"].is_null());
        fields.insert("z".into(), 1.into());
        fields.insert("a".into(), 2.into());
        let keys: Vec<&String> = fields.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["z", "a"]);
        assert_eq!(fields["a"], 2);
        assert_eq!(fields.remove("z"), Some(1.into()));
        assert_eq!(fields.remove("a"), Some(2.into()));
        assert_eq!(fields, UnknownFields::new());
        assert!(
            fields.0.is_none(),
            "emptied fields give their allocation back"
        );
    }

    #[test]
    fn field_keys_borrow_when_they_can_and_unescape_when_they_must() {
        let key: FieldKey<'_> = serde_json::from_str("\"plain\"").unwrap();
        assert!(matches!(key.0, Cow::Borrowed("plain")));
        let key: FieldKey<'_> = serde_json::from_str("\"a\\/b\"").unwrap();
        assert_eq!(key.as_str(), "a/b");
    }
}
