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
//! kept as [`RawValue`]s (serde_json's additive `raw_value` feature), so their order, the order
//! of the keys inside them and the text of their numbers survive a round trip whatever features
//! the rest of the program turns on.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

// ---------------------------------------------------------------------------------------------
// Open enumerations
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Unknown members
// ---------------------------------------------------------------------------------------------

type Members = Vec<(String, Box<RawValue>)>;

/// Members of an object that its spec does not list, kept in arrival order as the JSON text
/// received and written back out unchanged.
///
/// Each value is a [`RawValue`]: its text is kept as it came, so the order of keys inside it and
/// the digits of its numbers (`0.30000000000000004`, `1e400`) survive a round trip without any
/// serde_json feature. Whitespace between tokens is dropped when a member is stored, so a value
/// compares and prints the same whether it arrived pretty-printed or compact; nothing else in the
/// text changes.
///
/// Stored behind one pointer that stays null until an unknown member arrives, so the types stay
/// small and the common case (no unknown members) costs nothing.
///
/// # Which deserializers keep what
///
/// The generated types read unknown members as [`RawValue`]s, which serde_json's own
/// deserializers support: `serde_json::from_str`/`from_slice`/`from_reader`, and
/// `serde_json::from_value` (also through `serde_path_to_error`). A `serde_json::Value` without
/// serde_json's `preserve_order` feature has already sorted its object keys, so `from_value`
/// keeps the order the `Value` has, not the one the text had. Other deserializers (and a generated
/// type inside `#[serde(flatten)]` or an untagged enum, which serde buffers) cannot produce a
/// `RawValue` and fail on an unknown member.
///
/// `UnknownFields` itself implements `Serialize` and `Deserialize` as a map, so it also works as a
/// `#[serde(flatten)]` field of a hand-written type. Its own `Deserialize` works with any
/// self-describing deserializer: it rebuilds each value's JSON text from what the deserializer
/// reports, keeping key order; numbers are then written as the deserializer parsed them.
#[derive(Clone, Default)]
pub struct UnknownFields(Option<Box<Members>>);

impl UnknownFields {
    /// No unknown members.
    pub const fn new() -> Self {
        UnknownFields(None)
    }

    fn members(&self) -> &[(String, Box<RawValue>)] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.members().iter().position(|(k, _)| k == key)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.members().is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.members().len()
    }

    /// The member `key`, as its JSON text.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        let index = self.position(key)?;
        Some(&self.members()[index].1)
    }

    /// The member `key` parsed as a [`serde_json::Value`]; `Some(Err(_))` when the text holds a
    /// number a `Value` cannot (such as `1e400`), whose text [`UnknownFields::get`] still gives.
    /// Without serde_json's `preserve_order` feature the `Value`'s objects sort their keys.
    pub fn get_value(&self, key: &str) -> Option<Result<serde_json::Value, serde_json::Error>> {
        self.get(key).map(|raw| serde_json::from_str(raw.get()))
    }

    /// Whether the member `key` is there.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Adds a member, serialized to JSON, or replaces the value of the member `key` where it
    /// stands. Fails, changing nothing, when `value` cannot be serialized to JSON.
    pub fn insert(
        &mut self,
        key: impl Into<String>,
        value: &impl Serialize,
    ) -> Result<(), serde_json::Error> {
        let raw = serde_json::value::to_raw_value(value)?;
        self.insert_raw(key.into(), raw);
        Ok(())
    }

    /// Adds a member given as JSON text, or replaces the value of the member `key` where it
    /// stands, returning the value it replaced.
    pub fn insert_raw(&mut self, key: String, value: Box<RawValue>) -> Option<Box<RawValue>> {
        let value = compact(value);
        match self.position(&key) {
            Some(index) => {
                let members = self.0.as_mut().expect("a found member has storage");
                Some(std::mem::replace(&mut members[index].1, value))
            }
            None => {
                self.push(key, value);
                None
            }
        }
    }

    /// Removes the member `key`, returning its value; the others keep their order.
    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let index = self.position(key)?;
        let members = self.0.as_mut()?;
        let (_, removed) = members.remove(index);
        if members.is_empty() {
            self.0 = None;
        }
        Some(removed)
    }

    /// The members in arrival order.
    pub fn iter(&self) -> UnknownFieldsIter<'_> {
        UnknownFieldsIter(self.members().iter())
    }

    /// The members as a JSON object. Without serde_json's `preserve_order` feature the map (and
    /// every object in it) is sorted by key rather than in arrival order; fails when a value holds
    /// a number a `serde_json::Value` cannot (such as `1e400`).
    pub fn to_map(&self) -> Result<serde_json::Map<String, serde_json::Value>, serde_json::Error> {
        self.iter()
            .map(|(key, raw)| Ok((key.to_owned(), serde_json::from_str(raw.get())?)))
            .collect()
    }

    /// Appends without looking for an earlier member of the same name (see [`Self::check_unique`]).
    fn push(&mut self, key: String, value: Box<RawValue>) {
        self.0
            .get_or_insert_with(Default::default)
            .push((key, value));
    }

    /// The first key that appears twice, if any. Quadratic only for a handful of members.
    fn duplicate(&self) -> Option<&str> {
        let members = self.members();
        if members.len() <= 16 {
            for (i, (key, _)) in members.iter().enumerate() {
                if members[..i].iter().any(|(k, _)| k == key) {
                    return Some(key);
                }
            }
            None
        } else {
            let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
        }
    }

    /// Fails with serde's "duplicate field" error when a key appears twice.
    fn check_unique<E: de::Error>(&self) -> Result<(), E> {
        match self.duplicate() {
            Some(key) => Err(E::custom(format_args!("duplicate field `{key}`"))),
            None => Ok(()),
        }
    }
}

/// Drops the whitespace between tokens; string contents are left alone.
fn compact(raw: Box<RawValue>) -> Box<RawValue> {
    let text = raw.get();
    if !text
        .bytes()
        .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return raw;
    }
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
            continue;
        }
        out.push(c);
    }
    // Removing insignificant whitespace from valid JSON leaves valid JSON.
    RawValue::from_string(out).unwrap_or(raw)
}

impl PartialEq for UnknownFields {
    /// Same members in the same order with the same JSON text.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.members(), other.members());
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|((ka, va), (kb, vb))| ka == kb && va.get() == vb.get())
    }
}

impl Eq for UnknownFields {}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Text<'a>(&'a str);
        impl fmt::Debug for Text<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        f.debug_map()
            .entries(self.iter().map(|(k, v)| (k, Text(v.get()))))
            .finish()
    }
}

impl<'a> IntoIterator for &'a UnknownFields {
    type Item = (&'a str, &'a RawValue);
    type IntoIter = UnknownFieldsIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The members of [`UnknownFields`], in arrival order.
#[derive(Clone, Debug)]
pub struct UnknownFieldsIter<'a>(std::slice::Iter<'a, (String, Box<RawValue>)>);

impl<'a> Iterator for UnknownFieldsIter<'a> {
    type Item = (&'a str, &'a RawValue);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k.as_str(), &**v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for UnknownFieldsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k.as_str(), &**v))
    }
}

impl ExactSizeIterator for UnknownFieldsIter<'_> {}

impl Serialize for UnknownFields {
    /// A map of the members in arrival order, each value written as its JSON text.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for UnknownFields {
    /// A map; each value's JSON text is rebuilt from what the deserializer reports, so this works
    /// with any self-describing deserializer (and under `#[serde(flatten)]`). A key that appears
    /// twice is an error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = UnknownFields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UnknownFields, A::Error> {
                let mut fields = UnknownFields::new();
                while let Some(key) = map.next_key::<String>()? {
                    let mut text = Vec::new();
                    map.next_value_seed(Transcode(&mut text))?;
                    let text = String::from_utf8(text).map_err(de::Error::custom)?;
                    fields.push(key, RawValue::from_string(text).map_err(de::Error::custom)?);
                }
                fields.check_unique()?;
                Ok(fields)
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

/// Writes the JSON text of whatever value the deserializer reports.
struct Transcode<'a>(&'a mut Vec<u8>);

impl Transcode<'_> {
    fn json<T: Serialize + ?Sized, E: de::Error>(self, value: &T) -> Result<(), E> {
        serde_json::to_writer(self.0, value).map_err(E::custom)
    }
}

impl<'de> DeserializeSeed<'de> for Transcode<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Transcode<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.json(v)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.0.extend_from_slice(b"null");
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push(b'[');
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(b',');
            }
            if seq.next_element_seed(Transcode(&mut *self.0))?.is_none() {
                self.0.truncate(mark);
                break;
            }
            first = false;
        }
        self.0.push(b']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.push(b'{');
        let mut first = true;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if !first {
                self.0.push(b',');
            }
            first = false;
            Transcode(&mut *self.0).json::<str, A::Error>(&key)?;
            self.0.push(b':');
            map.next_value_seed(Transcode(&mut *self.0))?;
        }
        self.0.push(b'}');
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Merge-patch members
// ---------------------------------------------------------------------------------------------

/// A member of a JSON merge patch ([RFC 7396]): absent, `null` or a value.
///
/// The bodies of the `PATCH` operations (`Content-Type: application/merge-patch+json`) say, member
/// by member, what to change:
///
/// | Variant           | On the wire               | Meaning                                        |
/// |-------------------|---------------------------|------------------------------------------------|
/// | [`Patch::Absent`] | the member is not written | leave the member as it is (the default)        |
/// | [`Patch::Null`]   | `"member": null`          | remove the member                              |
/// | [`Patch::Value`]  | `"member": <value>`       | set the member; an object value is itself a merge patch, applied member by member |
///
/// `Option<T>` cannot say all three: an `Option` member of a generated type that is `None` is not
/// written at all, and one that arrives as `null` reads as `None`. So every optional member of a
/// type used in a merge-patch body is a `Patch<T>`, and [`object_serde!`](crate::object_serde)
/// reads and writes it with the presence kind `patch`:
///
/// ```
/// use modelarts_pools_runtime::model::{Patch, UnknownFields};
///
/// #[derive(Debug, Default, PartialEq)]
/// pub struct PoolSpecPatch {
///     pub network: Patch<String>,
///     pub labels: Patch<Vec<String>>,
///     pub description: Patch<String>,
///     pub unknown_fields: UnknownFields,
/// }
///
/// modelarts_pools_runtime::object_serde!(PoolSpecPatch {
///     network: "network" patch,
///     labels: "labels" patch,
///     description: "description" patch,
/// });
///
/// // Set the network, remove the description, leave the labels alone.
/// let patch = PoolSpecPatch {
///     network: Patch::from(String::from("net-1")),
///     description: Patch::Null,
///     ..PoolSpecPatch::default()
/// };
/// assert_eq!(
///     serde_json::to_string(&patch).unwrap(),
///     r#"{"network":"net-1","description":null}"#
/// );
///
/// // Reading tells the three apart too.
/// let read: PoolSpecPatch = serde_json::from_str(r#"{"labels":null,"network":"n"}"#).unwrap();
/// assert_eq!(read.labels, Patch::Null);
/// assert_eq!(read.network.value().map(String::as_str), Some("n"));
/// assert!(read.description.is_absent());
/// ```
///
/// `Patch<T>` is [`Default`] (as [`Patch::Absent`]) whatever `T` is, so a patch type whose members
/// are all optional can derive `Default` even when their types cannot. `From<T>` gives
/// [`Patch::Value`]; `From<Option<T>>` reads an `Option` the way it reads on the wire, `None` as
/// [`Patch::Null`] (write `Patch::Absent` to leave a member alone). As with any pair of `From`
/// impls, say which `Patch` is meant when the argument alone does not tell:
/// `Patch::<u32>::from(None)`.
///
/// # Serde
///
/// On its own (outside [`object_serde!`](crate::object_serde)) a `Patch<T>` serializes like an
/// `Option<T>`: [`Patch::Value`] as the value, [`Patch::Null`] as `null`, and [`Patch::Absent`]
/// also as `null` — only the object holding the member can leave it out, which `object_serde!`
/// does. Deserializing reads `null` as [`Patch::Null`] and anything else as [`Patch::Value`];
/// whether a member is absent is for the object to decide, and `object_serde!` makes it
/// [`Patch::Absent`].
///
/// With this crate's `schemars` feature it implements `schemars::JsonSchema` as `Option<T>` does:
/// the schema of `T` or `null`, and a member that derived schemas do not list as required.
///
/// [RFC 7396]: https://www.rfc-editor.org/rfc/rfc7396
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not in the patch: the member is left as it is. Not written by
    /// [`object_serde!`](crate::object_serde).
    Absent,
    /// `null`: the member is removed.
    Null,
    /// A value: the member is set to it (an object value is merged into the member).
    Value(T),
}

impl<T> Default for Patch<T> {
    /// [`Patch::Absent`], without needing `T: Default`.
    fn default() -> Self {
        Patch::Absent
    }
}

impl<T> Patch<T> {
    /// Whether the member is absent (left alone).
    pub const fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// Whether the member is `null` (removed).
    pub const fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }

    /// Whether the member has a value (set).
    pub const fn is_value(&self) -> bool {
        matches!(self, Patch::Value(_))
    }

    /// The value, if the member has one.
    pub const fn value(&self) -> Option<&T> {
        match self {
            Patch::Value(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// The value, mutably, if the member has one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Patch::Value(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// The value, if the member has one, taken out of the `Patch`.
    pub fn into_value(self) -> Option<T> {
        match self {
            Patch::Value(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// A `Patch` of a reference to the value.
    pub const fn as_ref(&self) -> Patch<&T> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Value(value) => Patch::Value(value),
        }
    }

    /// A `Patch` of a mutable reference to the value.
    pub fn as_mut(&mut self) -> Patch<&mut T> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Value(value) => Patch::Value(value),
        }
    }

    /// Transforms the value, keeping [`Patch::Absent`] and [`Patch::Null`].
    pub fn map<U, F: FnOnce(T) -> U>(self, f: F) -> Patch<U> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Value(value) => Patch::Value(f(value)),
        }
    }

    /// The three states as nested options: `None` when absent, `Some(None)` when `null`,
    /// `Some(Some(value))` when set.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Value(value) => Some(Some(value)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    /// [`Patch::Value`].
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some(value)` is [`Patch::Value`], `None` is [`Patch::Null`] (how `None` reads on the
    /// wire), never [`Patch::Absent`].
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Patch::Value(value),
            None => Patch::Null,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    /// As `Option<T>`: the value, or `null` for both [`Patch::Null`] and [`Patch::Absent`]
    /// (leaving an absent member out is the containing object's job).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(value) => serializer.serialize_some(value),
            Patch::Null | Patch::Absent => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// As `Option<T>`: `null` is [`Patch::Null`], anything else [`Patch::Value`]. Never
    /// [`Patch::Absent`]: only the containing object knows a member is absent.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Patch::from)
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Patch<T> {
    // Exactly `Option<T>`'s schema, including its two hidden methods: the one that makes
    // `#[derive(JsonSchema)]` leave a `Patch` member out of `required`, as it does an `Option`.
    fn inline_schema() -> bool {
        <Option<T> as schemars::JsonSchema>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        <Option<T> as schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        <Option<T> as schemars::JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Option<T> as schemars::JsonSchema>::json_schema(generator)
    }

    #[allow(clippy::used_underscore_items)]
    fn _schemars_private_non_optional_json_schema(
        generator: &mut schemars::SchemaGenerator,
    ) -> schemars::Schema {
        <Option<T> as schemars::JsonSchema>::_schemars_private_non_optional_json_schema(generator)
    }

    #[allow(clippy::used_underscore_items)]
    fn _schemars_private_is_option() -> bool {
        <Option<T> as schemars::JsonSchema>::_schemars_private_is_option()
    }
}

/// What the macros expand to call; not a stable interface.
#[doc(hidden)]
pub mod __private {
    use super::*;

    pub use serde;
    pub use std::borrow::Cow;
    pub use std::string::String;

    /// Reads the value of a member the object does not list and keeps it.
    #[inline]
    pub fn unknown_member<'de, A: MapAccess<'de>>(
        fields: &mut UnknownFields,
        key: FieldKey<'de>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value: Box<RawValue> = map.next_value()?;
        fields.push(key.into_owned(), compact(value));
        Ok(())
    }

    /// The unknown members once the object is read; an error when one appeared twice.
    #[inline]
    pub fn finish_unknown<E: de::Error>(fields: UnknownFields) -> Result<UnknownFields, E> {
        if fields.0.is_some() {
            fields.check_unique()?;
        }
        Ok(fields)
    }

    /// Writes the unknown members after the listed ones.
    #[inline]
    pub fn serialize_unknown<M: SerializeMap>(
        map: &mut M,
        fields: &UnknownFields,
    ) -> Result<(), M::Error> {
        for (key, value) in fields {
            map.serialize_entry(key, value)?;
        }
        Ok(())
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for UnknownFields {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("UnknownFields")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object", "additionalProperties": true })
    }
}

#[cfg(test)]
mod tests {
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

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn unknown_fields_allocate_only_when_used_and_keep_arrival_order() {
        assert_eq!(
            std::mem::size_of::<UnknownFields>(),
            std::mem::size_of::<usize>()
        );
        let mut fields = UnknownFields::new();
        assert!(fields.is_empty() && fields.get("a").is_none() && fields.get_value("a").is_none());
        fields.insert("z", &1).unwrap();
        fields
            .insert("a".to_owned(), &serde_json::json!({"y": 2.5}))
            .unwrap();
        fields.insert_raw("m".into(), raw("[1, 2]"));
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["z", "a", "m"]);
        assert_eq!(fields.len(), 3);
        assert!(fields.contains_key("m") && !fields.contains_key("y"));
        assert_eq!(
            fields.get("m").unwrap().get(),
            "[1,2]",
            "whitespace is dropped"
        );
        assert_eq!(
            fields.get_value("a").unwrap().unwrap(),
            serde_json::json!({"y": 2.5})
        );
        // Replacing keeps the position.
        fields.insert("z", &"zz").unwrap();
        let old = fields.insert_raw("a".into(), raw("null")).unwrap();
        assert_eq!(old.get(), r#"{"y":2.5}"#);
        assert_eq!(
            serde_json::to_string(&fields).unwrap(),
            r#"{"z":"zz","a":null,"m":[1,2]}"#
        );
        assert_eq!(
            format!("{fields:?}"),
            r#"{"z": "zz", "a": null, "m": [1,2]}"#
        );
        let map = fields.to_map().unwrap();
        assert_eq!(map.len(), 3);
        assert_eq!(map["m"], serde_json::json!([1, 2]));
        assert_eq!(fields.remove("z").unwrap().get(), r#""zz""#);
        assert_eq!(
            fields.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["a", "m"]
        );
        assert!(fields.remove("z").is_none());
        fields.remove("m");
        fields.remove("a");
        assert_eq!(fields, UnknownFields::new());
        assert!(
            fields.0.is_none(),
            "emptied fields give their allocation back"
        );
    }

    #[test]
    fn unknown_fields_values_serde_json_value_cannot_hold_are_kept_as_text() {
        let mut fields = UnknownFields::new();
        fields.insert_raw("big".into(), raw("1e400"));
        assert_eq!(fields.get("big").unwrap().get(), "1e400");
        assert!(fields.get_value("big").unwrap().is_err());
        assert!(fields.to_map().is_err());
        assert_eq!(serde_json::to_string(&fields).unwrap(), r#"{"big":1e400}"#);
        assert!(
            fields.insert("nan-key", &f64::NAN).is_ok(),
            "serde_json writes null"
        );
        assert_eq!(fields.get("nan-key").unwrap().get(), "null");
    }

    #[test]
    fn unknown_fields_compare_in_order_by_text() {
        let mut a = UnknownFields::new();
        a.insert_raw("x".into(), raw("1.0"));
        a.insert_raw("y".into(), raw("{ \"k\" : \" a b \" }"));
        let mut b = UnknownFields::new();
        b.insert_raw("x".into(), raw("1.0"));
        b.insert_raw("y".into(), raw(r#"{"k":" a b "}"#));
        assert_eq!(
            a, b,
            "whitespace between tokens does not count, inside strings it does"
        );
        let mut c = UnknownFields::new();
        c.insert_raw("y".into(), raw(r#"{"k":" a b "}"#));
        c.insert_raw("x".into(), raw("1.0"));
        assert_ne!(a, c, "order counts");
        let mut d = b.clone();
        d.insert_raw("x".into(), raw("1"));
        assert_ne!(b, d, "1 and 1.0 are different texts");
    }

    #[test]
    fn compact_leaves_strings_and_escapes_alone() {
        let text = "[ \"a \\\" b\\\\\" , { \"\\u0020k\" :\t\"\\n \" } ,\r\n 1 ]";
        assert_eq!(
            compact(raw(text)).get(),
            r#"["a \" b\\",{"\u0020k":"\n "},1]"#
        );
        let untouched = raw(r#"{"a":[1,2]}"#);
        let ptr = untouched.get().as_ptr();
        assert_eq!(
            compact(untouched).get().as_ptr(),
            ptr,
            "no copy without whitespace"
        );
    }

    #[test]
    fn unknown_fields_deserialize_from_any_self_describing_source_keeping_order() {
        let text = r#"{"z":{"b":[1,-2,2.5,"s",true,null,{}],"a":[]},"a":18446744073709551615}"#;
        let fields: UnknownFields = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&fields).unwrap(), text);
        let err = serde_json::from_str::<UnknownFields>(r#"{"a":1,"a":2}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate field `a`"), "{err}");

        // Under #[serde(flatten)] serde buffers the members; order is still kept.
        #[derive(serde::Serialize, serde::Deserialize, Debug)]
        struct Outer {
            known: u8,
            #[serde(flatten)]
            rest: UnknownFields,
        }
        let outer: Outer =
            serde_json::from_str(r#"{"z":{"y":1,"x":[2]},"known":1,"m":"é"}"#).unwrap();
        assert_eq!(outer.known, 1);
        assert_eq!(
            serde_json::to_string(&outer).unwrap(),
            r#"{"known":1,"z":{"y":1,"x":[2]},"m":"é"}"#
        );
    }

    #[test]
    fn many_unknown_members_find_duplicates_without_quadratic_work() {
        let mut fields = UnknownFields::new();
        for i in 0..1000 {
            fields.push(format!("k{i}"), raw("0"));
        }
        assert!(fields.duplicate().is_none());
        fields.push("k500".into(), raw("1"));
        assert_eq!(fields.duplicate(), Some("k500"));
        assert!(fields.check_unique::<serde_json::Error>().is_err());
    }

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
