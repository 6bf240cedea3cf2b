//! Open enumerations: a value the spec does not list is kept in an `Unknown` variant holding an
//! [`UnknownValue`], which only [`parse_open_enum`] makes, and only for text the enumeration said
//! it does not know.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

/// A wire value that the open enumeration `E` does not know, kept exactly as received.
///
/// There is no public constructor: the only way to get one is [`parse_open_enum`] (or
/// [`parse_open_enum_owned`]) after `E` said the text is none of its known values. The type
/// parameter ties the value to that enumeration, so an unknown value of one enumeration cannot be
/// moved into another that knows it. Hence an `E::Unknown(_)` never holds a value `E` lists, and
/// comparing two `E`s compares their wire text.
///
/// ```
/// modelarts_pools_runtime::open_enum! { pub enum Mode { On = "on" } }
/// modelarts_pools_runtime::open_enum! { pub enum Other { Off = "off" } }
///
/// let value = Mode::from("off");
/// assert!(matches!(&value, Mode::Unknown(text) if text.as_str() == "off"));
/// assert_eq!(Other::from(value.as_str()), Other::Off);
/// ```
///
/// None of these compile: there is no constructor,
///
/// ```compile_fail
/// modelarts_pools_runtime::open_enum! { pub enum Mode { On = "on" } }
/// let _ = Mode::Unknown("on".into());
/// ```
///
/// ```compile_fail
/// use modelarts_pools_runtime::model::UnknownValue;
/// modelarts_pools_runtime::open_enum! { pub enum Mode { On = "on" } }
/// let _ = Mode::Unknown(UnknownValue::new(String::from("on")));
/// ```
///
/// ```compile_fail
/// use modelarts_pools_runtime::model::UnknownValue;
/// modelarts_pools_runtime::open_enum! { pub enum Mode { On = "on" } }
/// let _ = Mode::Unknown(UnknownValue { text: String::from("on"), enumeration: Default::default() });
/// ```
///
/// and an unknown value of one enumeration is not one of another:
///
/// ```compile_fail
/// modelarts_pools_runtime::open_enum! { pub enum Mode { On = "on" } }
/// modelarts_pools_runtime::open_enum! { pub enum Other { Off = "off" } }
/// if let Mode::Unknown(value) = Mode::from("off") {
///     let _ = Other::Unknown(value);
/// }
/// ```
pub struct UnknownValue<E> {
    text: String,
    // `fn() -> E`: no drop check, auto traits or variance from `E`.
    enumeration: PhantomData<fn() -> E>,
}

impl<E> UnknownValue<E> {
    fn new(text: String) -> Self {
        UnknownValue {
            text,
            enumeration: PhantomData,
        }
    }

    /// The value as it appears on the wire.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value as an owned string.
    pub fn into_string(self) -> String {
        self.text
    }
}

impl<E> Clone for UnknownValue<E> {
    fn clone(&self) -> Self {
        UnknownValue::new(self.text.clone())
    }
}

impl<E> fmt::Debug for UnknownValue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnknownValue").field(&self.text).finish()
    }
}

impl<E> fmt::Display for UnknownValue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.text)
    }
}

impl<E> PartialEq for UnknownValue<E> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<E> Eq for UnknownValue<E> {}

impl<E> PartialOrd for UnknownValue<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for UnknownValue<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl<E> Hash for UnknownValue<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl<E> AsRef<str> for UnknownValue<E> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// A string enumeration whose unknown values are kept rather than rejected.
///
/// [`open_enum!`](crate::open_enum) implements it; [`parse_open_enum`] is how a value is made from
/// wire text.
pub trait OpenEnum: Sized {
    /// What the enumeration is, for error messages (`"BillingMode"`).
    const NAME: &'static str;
    /// The variant for a value the spec lists; `None` for any other text.
    fn known(wire: &str) -> Option<Self>;
    /// The `Unknown` variant. Only reached through [`parse_open_enum`], which calls it only after
    /// [`OpenEnum::known`] returned `None` for the same text.
    fn unknown(value: UnknownValue<Self>) -> Self;
    /// The value as it appears on the wire.
    fn as_str(&self) -> &str;
}

/// The value of `T` for wire text: the known variant, or `Unknown` holding the text.
pub fn parse_open_enum<T: OpenEnum>(wire: &str) -> T {
    match T::known(wire) {
        Some(known) => known,
        None => T::unknown(UnknownValue::new(wire.to_owned())),
    }
}

/// [`parse_open_enum`] for owned text, which an unknown value keeps without copying.
pub fn parse_open_enum_owned<T: OpenEnum>(wire: String) -> T {
    match T::known(&wire) {
        Some(known) => known,
        None => T::unknown(UnknownValue::new(wire)),
    }
}

/// Deserializes any [`OpenEnum`] from a string; anything else is an error naming [`OpenEnum::NAME`].
pub fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: OpenEnum,
{
    struct EnumVisitor<T>(PhantomData<fn() -> T>);
    impl<T: OpenEnum> Visitor<'_> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a string ({})", T::NAME)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(parse_open_enum(v))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
            Ok(parse_open_enum_owned(v))
        }
    }
    deserializer.deserialize_str(EnumVisitor(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq)]
    enum Mode {
        On,
        Unknown(UnknownValue<Mode>),
    }

    impl OpenEnum for Mode {
        const NAME: &'static str = "Mode";
        fn known(wire: &str) -> Option<Self> {
            (wire == "on").then_some(Mode::On)
        }
        fn unknown(value: UnknownValue<Self>) -> Self {
            Mode::Unknown(value)
        }
        fn as_str(&self) -> &str {
            match self {
                Mode::On => "on",
                Mode::Unknown(value) => value.as_str(),
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
        let later = serde_json::from_str::<Mode>("\"later\"").unwrap();
        assert_eq!(later, parse_open_enum("later"));
        assert_eq!(later.as_str(), "later");
        assert_eq!(parse_open_enum_owned::<Mode>("on".to_owned()), Mode::On);
        match parse_open_enum_owned::<Mode>("é".to_owned()) {
            Mode::Unknown(value) => {
                assert_eq!(
                    format!("{value}|{value:>3}|{value:?}"),
                    "é|  é|UnknownValue(\"é\")"
                );
                assert_eq!(value.clone().into_string(), "é");
            }
            Mode::On => panic!(),
        }
        let err = serde_json::from_str::<Mode>("3").unwrap_err().to_string();
        assert!(err.contains("a string (Mode)"), "{err}");
    }
}
