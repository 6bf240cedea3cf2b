//! The members of an object that its spec does not list, kept as the JSON text received and
//! written back unchanged.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::FieldKey;

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

/// What the macros call to keep and write unknown members; re-exported by `model::__private`.
pub(super) mod private {
    use super::*;

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
}
