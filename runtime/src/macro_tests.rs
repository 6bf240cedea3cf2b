//! `open_enum!`, `object_serde!` and `operation_error!` used as the generated code uses them, in a module full of
//! names that would break an unhygienic or unqualified expansion; no warning may come out.
#![deny(warnings)]

use crate::model::{OpenEnum, Patch, UnknownFields};

/// Every name here shadows one the expansions could have used unqualified.
#[allow(dead_code, non_camel_case_types, clippy::upper_case_acronyms)]
mod hostile {
    pub struct Option;
    pub struct Result;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct String;
    pub struct Box;
    pub struct Vec;
    pub struct Formatter;
    pub struct Cow;
    pub struct From;
    pub struct Default;
    pub struct MapAccess;
    pub struct SerializeMap;
    pub struct Patch;
    pub struct Absent;
    pub struct Null;
    pub trait Serialize {}
    pub trait Deserialize {}
    pub trait Serializer {}
    pub trait Deserializer {}
    pub trait Clone {}
    pub trait PartialEq {}
    pub mod serde {}
    pub mod serde_json {}
    pub mod core {}
    pub mod std {}
    pub mod model {}
    pub struct Error;
    pub struct ApiError;
    pub struct StatusCode;
    pub struct OperationError;
    pub struct OperationFailure;
    pub struct Display;

    crate::operation_error! {
        /// The failures of `delete_pool`: a doc comment passes through.
        pub enum DeletePoolError {
            /// HTTP 404: the pool does not exist.
            NotFound = 404,
            /// HTTP 409: variants may have names the expansion uses.
            #[doc(alias = "conflict")]
            Ok = 409,
            /// HTTP 503: a status worth retrying.
            Unavailable = 503,
        }
    }

    crate::operation_error! {
        /// An operation that documents no failure.
        pub enum ListThingsError {}
    }

    crate::open_enum! {
        /// API版本: values of apiVersion.
        ///
        /// Decision: a doc comment with several paragraphs passes through.
        pub enum ApiVersion {
            /// `v2`: API version v2
            V2 = "v2",
            /// `v3`: API version v3
            #[doc(alias = "three")]
            V3 = "v3",
        }
    }

    crate::open_enum! {
        /// Wire texts that look like other JSON values, or are empty, or not ASCII.
        #[doc(alias = "Strange")]
        pub enum Odd {
            /// The empty string.
            Empty = "",
            /// The text `true`, not the boolean.
            True = "true",
            /// The text `0`.
            Zero = "0",
            /// Not ASCII.
            Chinese = "物理池",
            /// Quotes and a backslash.
            Quoted = "a\"b\\c",
        }
    }

    crate::open_enum! {
        /// No listed value at all.
        pub enum Nothing {}
    }

    /// A struct named like the visitor trait, with fields named like the expansion's locals.
    #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
    pub struct Visitor {
        pub type_: ApiVersion,
        pub map: u32,
        pub key: ::core::option::Option<::std::string::String>,
        pub value: ::core::option::Option<Value>,
        pub visitor: ::core::option::Option<::std::vec::Vec<Odd>>,
        pub formatter: ::core::option::Option<bool>,
        pub state: ::core::option::Option<u8>,
        pub deserializer: ::core::option::Option<u8>,
        pub serializer: ::core::option::Option<u8>,
        pub self_: ::core::option::Option<u8>,
        pub unknown: ::core::option::Option<u8>,
        /// Required, but its type takes `null`.
        pub nullable: ::core::option::Option<u8>,
        pub unknown_fields: crate::model::UnknownFields,
    }

    crate::object_serde!(Visitor {
        type_: "type" required,
        map: "map" required,
        key: "key" optional,
        value: "value" optional,
        visitor: "visitor" optional,
        formatter: "formatter" optional,
        state: "state" optional,
        deserializer: "deserializer" optional,
        serializer: "serializer" optional,
        self_: "self" optional,
        unknown: "unknown" optional,
        nullable: "nullable" required,
    });

    /// A struct named `Value`.
    #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
    pub struct Value {
        pub count: u32,
        pub unknown_fields: crate::model::UnknownFields,
    }

    crate::object_serde!(Value {
        count: "count" required,
    });

    /// No listed member, trailing comma absent.
    #[derive(::core::fmt::Debug, ::core::cmp::PartialEq, ::core::default::Default)]
    pub struct Empty {
        pub unknown_fields: crate::model::UnknownFields,
    }

    crate::object_serde!(Empty {});

    /// Merge-patch members next to required and optional ones, some named like the expansion's
    /// locals (`value`, `map`, `key`).
    #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
    pub struct Merge {
        pub id: u32,
        pub count: ::core::option::Option<u32>,
        pub a: crate::model::Patch<u32>,
        pub value: crate::model::Patch<::std::string::String>,
        pub map: crate::model::Patch<::std::vec::Vec<Odd>>,
        pub key: crate::model::Patch<bool>,
        pub spec: crate::model::Patch<SpecPatch>,
        pub unknown_fields: crate::model::UnknownFields,
    }

    crate::object_serde!(Merge {
        id: "id" required,
        count: "count" optional,
        a: "a" patch,
        value: "value" patch,
        map: "map" patch,
        key: "key" patch,
        spec: "spec" patch,
    });

    /// Only optional and patch members, of types without `Default` (`ApiVersion`, `Value`):
    /// `Default` still derives.
    #[derive(
        ::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::default::Default,
    )]
    pub struct SpecPatch {
        pub flavor: crate::model::Patch<ApiVersion>,
        pub value: crate::model::Patch<Value>,
        pub note: ::core::option::Option<::std::string::String>,
        pub nodes: crate::model::Patch<::std::vec::Vec<SpecPatch>>,
        pub unknown_fields: crate::model::UnknownFields,
    }

    crate::object_serde!(SpecPatch {
        flavor: "flavor" patch,
        value: "value" patch,
        note: "note" optional,
        nodes: "nodes" patch,
    });
}

use hostile::{
    ApiVersion, DeletePoolError, Empty, ListThingsError, Merge, Nothing, Odd, SpecPatch, Value,
    Visitor,
};

#[test]
fn known_and_unknown_values() {
    assert_eq!(ApiVersion::KNOWN, [ApiVersion::V2, ApiVersion::V3]);
    assert_eq!(ApiVersion::NAME, "ApiVersion");
    assert_eq!(ApiVersion::from("v2"), ApiVersion::V2);
    assert_eq!("v3".parse::<ApiVersion>(), Ok(ApiVersion::V3));
    assert_eq!(ApiVersion::from(String::from("v3")), ApiVersion::V3);
    assert!(ApiVersion::V2.is_known());
    assert_eq!(ApiVersion::V2.as_str(), "v2");
    assert_eq!(<ApiVersion as OpenEnum>::as_str(&ApiVersion::V3), "v3");

    let later = ApiVersion::from("v4");
    assert!(!later.is_known());
    assert_eq!(later.as_str(), "v4");
    assert_eq!(
        format!("{later}|{later:>4}|{later:?}"),
        "v4|  v4|Unknown(UnknownValue(\"v4\"))"
    );
    match &later {
        ApiVersion::Unknown(value) => assert_eq!(value.as_str(), "v4"),
        other => panic!("{other:?}"),
    }
    assert_ne!(later, ApiVersion::V2);
    assert_eq!(later, ApiVersion::from(String::from("v4")));
    // Ordered by wire text, known or not, so a value becoming known in a later version (or one
    // added to the list) does not change how values compare: "v1" sorts first although unknown.
    let mut all = vec![
        ApiVersion::from("v5"),
        later.clone(),
        ApiVersion::V3,
        ApiVersion::from("v1"),
        ApiVersion::V2,
    ];
    all.sort();
    assert_eq!(
        all.iter().map(ApiVersion::as_str).collect::<Vec<_>>(),
        ["v1", "v2", "v3", "v4", "v5"]
    );
    assert!(ApiVersion::from("v1") < ApiVersion::V2);
    let set: std::collections::HashSet<ApiVersion> = all.into_iter().collect();
    assert!(set.contains(&ApiVersion::from("v4")));

    assert_eq!(Nothing::KNOWN, []);
    assert!(!Nothing::from("x").is_known());
}

#[test]
fn unknown_never_holds_a_known_value() {
    // Every way of making a value from text gives the known variant for known text.
    for wire in ["v2", "v3"] {
        let from_json: ApiVersion = serde_json::from_str(&format!("\"{wire}\"")).unwrap();
        let from_value: ApiVersion = serde_json::from_value(serde_json::json!(wire)).unwrap();
        for value in [
            ApiVersion::from(wire),
            ApiVersion::from(wire.to_owned()),
            wire.parse().unwrap(),
            from_json,
            from_value,
            crate::model::parse_open_enum(wire),
            crate::model::parse_open_enum_owned(wire.to_owned()),
        ] {
            assert!(value.is_known(), "{value:?}");
        }
    }
    // Equal wire text if and only if equal values.
    let values: Vec<ApiVersion> = ["v2", "v3", "v4", "V2", ""]
        .into_iter()
        .map(ApiVersion::from)
        .collect();
    for a in &values {
        for b in &values {
            assert_eq!(a == b, a.as_str() == b.as_str(), "{a:?} {b:?}");
        }
    }
}

#[test]
fn odd_wire_texts() {
    for (variant, wire) in [
        (Odd::Empty, ""),
        (Odd::True, "true"),
        (Odd::Zero, "0"),
        (Odd::Chinese, "物理池"),
        (Odd::Quoted, "a\"b\\c"),
    ] {
        assert_eq!(variant.as_str(), wire);
        assert_eq!(Odd::from(wire), variant);
        let json = serde_json::to_string(&variant).unwrap();
        assert_eq!(json, serde_json::to_string(wire).unwrap());
        assert_eq!(serde_json::from_str::<Odd>(&json).unwrap(), variant);
    }
    // The JSON values that look like the texts are not strings: an error naming the type.
    for json in ["true", "0", "null", "[]", "{}"] {
        let err = serde_json::from_str::<Odd>(json).unwrap_err().to_string();
        assert!(err.contains("a string (Odd)"), "{json}: {err}");
    }
    assert!(!Odd::from(" ").is_known());
    assert!(!Odd::from("True").is_known());
}

#[test]
fn unknown_enum_values_round_trip() {
    let json = r#"["v2","v9","","é\u0000\n"]"#;
    let values: Vec<ApiVersion> = serde_json::from_str(json).unwrap();
    assert_eq!(values[0], ApiVersion::V2);
    assert!(values[1..].iter().all(|v| !v.is_known()));
    assert_eq!(values[3].as_str(), "é\u{0}\n");
    assert_eq!(serde_json::to_string(&values).unwrap(), json);
    let odd: Vec<Odd> = serde_json::from_str(r#"["物理池","物理"]"#).unwrap();
    assert_eq!(odd, [Odd::Chinese, Odd::from("物理")]);
}

const FULL: &str = r#"{"type":"v2","map":7,"key":"k","value":{"count":1,"x":[3,{"b":1,"a":2}]},"visitor":["true","?"],"formatter":false,"state":1,"deserializer":2,"serializer":3,"self":4,"unknown":5,"nullable":6}"#;

#[test]
fn listed_members_round_trip_under_their_wire_names() {
    let v: Visitor = serde_json::from_str(FULL).unwrap();
    assert_eq!(v.type_, ApiVersion::V2);
    assert_eq!((v.map, v.key.as_deref()), (7, Some("k")));
    let value = v.value.as_ref().unwrap();
    assert_eq!(value.count, 1);
    assert_eq!(
        value.unknown_fields.get("x").unwrap().get(),
        r#"[3,{"b":1,"a":2}]"#
    );
    assert_eq!(v.visitor, Some(vec![Odd::True, Odd::from("?")]));
    assert_eq!(
        (
            v.formatter,
            v.state,
            v.deserializer,
            v.serializer,
            v.self_,
            v.unknown,
            v.nullable
        ),
        (
            Some(false),
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            Some(6)
        )
    );
    assert!(v.unknown_fields.is_empty());
    assert_eq!(serde_json::to_string(&v).unwrap(), FULL);
}

#[test]
fn unknown_members_keep_order_nesting_and_number_text() {
    let json = r#"{"zeta":{"y":[1,2],"b":{"d":0,"c":1}},"type":"v3","alpha":0.30000000000000004,"map":1,"big":1e400,"tiny":8e-32,"exact":1.10,"int":123456789012345678901234567890,"s":"é\u00e9\ud83d\ude00","nullable":null}"#;
    let v: Visitor = serde_json::from_str(json).unwrap();
    let keys: Vec<&str> = v.unknown_fields.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["zeta", "alpha", "big", "tiny", "exact", "int", "s"]);
    assert_eq!(
        v.unknown_fields.get("zeta").unwrap().get(),
        r#"{"y":[1,2],"b":{"d":0,"c":1}}"#
    );
    assert_eq!(
        v.unknown_fields.get("alpha").unwrap().get(),
        "0.30000000000000004"
    );
    assert_eq!(v.unknown_fields.get("big").unwrap().get(), "1e400");
    assert_eq!(v.unknown_fields.get("exact").unwrap().get(), "1.10");
    assert_eq!(
        v.unknown_fields.get("s").unwrap().get(),
        r#""é\u00e9\ud83d\ude00""#
    );
    assert_eq!(v.nullable, None, "a required member whose type takes null");
    // Listed members first, then the unknown ones in arrival order, text unchanged.
    let expected = r#"{"type":"v3","map":1,"nullable":null,"zeta":{"y":[1,2],"b":{"d":0,"c":1}},"alpha":0.30000000000000004,"big":1e400,"tiny":8e-32,"exact":1.10,"int":123456789012345678901234567890,"s":"é\u00e9\ud83d\ude00"}"#;
    let out = serde_json::to_string(&v).unwrap();
    assert_eq!(out, expected);
    // And again: a fixed point.
    let again: Visitor = serde_json::from_str(&out).unwrap();
    assert_eq!(again, v);
    assert_eq!(serde_json::to_string(&again).unwrap(), expected);
}

#[test]
fn pretty_input_is_kept_without_its_whitespace() {
    let pretty = "{\n  \"type\": \"v2\",\n  \"map\": 1,\n  \"nullable\": 2,\n  \"extra\": {\n    \"b\": [ 1, \" x \" ],\n    \"a\": {}\n  }\n}";
    let v: Visitor = serde_json::from_str(pretty).unwrap();
    assert_eq!(
        v.unknown_fields.get("extra").unwrap().get(),
        r#"{"b":[1," x "],"a":{}}"#
    );
    let compact: Visitor = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(compact, v);
}

#[test]
fn absent_and_null_optional_members_are_none_and_not_written() {
    let v: Visitor = serde_json::from_str(
        r#"{"type":"v2","map":0,"key":null,"value":null,"visitor":null,"nullable":1}"#,
    )
    .unwrap();
    assert_eq!(
        (v.key.as_ref(), v.value.as_ref(), v.visitor.as_ref()),
        (None, None, None)
    );
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"type":"v2","map":0,"nullable":1}"#
    );
}

fn decode_error(json: &str) -> String {
    serde_json::from_str::<Visitor>(json)
        .unwrap_err()
        .to_string()
}

#[test]
fn duplicate_missing_and_wrong_members_are_errors() {
    let err = decode_error(r#"{"type":"v2","map":1,"map":2,"nullable":1}"#);
    assert!(err.starts_with("duplicate field `map`"), "{err}");
    let err = decode_error(r#"{"type":"v2","map":1,"key":null,"key":"k","nullable":1}"#);
    assert!(err.starts_with("duplicate field `key`"), "{err}");
    let err = decode_error(r#"{"type":"v2","map":1,"nullable":1,"x":1,"y":2,"x":3}"#);
    assert!(err.starts_with("duplicate field `x`"), "{err}");
    let err = decode_error(r#"{"type":"v2","nullable":1}"#);
    assert!(err.starts_with("missing field `map`"), "{err}");
    let err = decode_error(r#"{"type":"v2","map":1}"#);
    assert!(err.starts_with("missing field `nullable`"), "{err}");
    let err = decode_error(r#"{"type":"v2","map":null,"nullable":1}"#);
    assert!(err.starts_with("invalid type: null, expected u32"), "{err}");
    let err = decode_error(r#"{"type":2,"map":1,"nullable":1}"#);
    assert!(err.contains("expected a string (ApiVersion)"), "{err}");
    let err = decode_error(r#"[1]"#);
    assert!(err.contains("expected a Visitor object"), "{err}");
    let err = serde_json::from_str::<Value>("{\"count\":1,\"x\":tru}").unwrap_err();
    assert!(err.is_syntax(), "{err}");
}

#[test]
fn from_value_keeps_unknown_members_in_the_order_the_value_has() {
    let value: serde_json::Value = serde_json::from_str(
        r#"{"zz":{"b":1,"a":[0.5]},"type":"v2","map":1,"nullable":null,"aa":"x"}"#,
    )
    .unwrap();
    let v: Visitor = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(v.unknown_fields.len(), 2);
    assert_eq!(v.unknown_fields.get("aa").unwrap().get(), r#""x""#);
    // The Value's own order: arrival order with serde_json's `preserve_order`, sorted without.
    let value_keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| k.len() == 2)
        .collect();
    let keys: Vec<&str> = v.unknown_fields.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, value_keys);
    assert_eq!(
        v.unknown_fields.get_value("zz").unwrap().unwrap(),
        value["zz"]
    );
    // Through a `&Value` too.
    let by_ref = <Visitor as serde::Deserialize>::deserialize(&value).unwrap();
    assert_eq!(by_ref, v);
    // to_value and back.
    let again: Visitor = serde_json::from_value(serde_json::to_value(&v).unwrap()).unwrap();
    assert_eq!(again, v);
}

#[test]
fn serde_path_to_error_keeps_unknown_members_and_names_paths() {
    let json =
        r#"{"type":"v9","map":1,"nullable":1,"later":{"q":[1,2.50]},"value":{"count":2,"w":null}}"#;
    let mut de = serde_json::Deserializer::from_str(json);
    let v: Visitor = serde_path_to_error::deserialize(&mut de).unwrap();
    assert_eq!(v.type_.as_str(), "v9");
    assert_eq!(
        v.unknown_fields.get("later").unwrap().get(),
        r#"{"q":[1,2.50]}"#
    );
    let value = v.value.as_ref().unwrap();
    assert_eq!(value.unknown_fields.get("w").unwrap().get(), "null");
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"type":"v9","map":1,"value":{"count":2,"w":null},"nullable":1,"later":{"q":[1,2.50]}}"#
    );

    let bad = r#"{"type":"v2","map":1,"nullable":1,"value":{"count":"x"}}"#;
    let mut de = serde_json::Deserializer::from_str(bad);
    let err = serde_path_to_error::deserialize::<_, Visitor>(&mut de).unwrap_err();
    assert_eq!(err.path().to_string(), "value.count");

    // And over a Value.
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let v2: Visitor = serde_path_to_error::deserialize(value).unwrap();
    assert_eq!(
        v2.unknown_fields.get_value("later").unwrap().unwrap(),
        serde_json::json!({"q": [1, 2.5]})
    );
}

#[test]
fn objects_without_listed_members() {
    let e: Empty = serde_json::from_str(r#"{"b":1,"a":2}"#).unwrap();
    assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"b":1,"a":2}"#);
    let e: Empty = serde_json::from_str("{}").unwrap();
    assert_eq!(e, Empty::default());
    assert_eq!(serde_json::to_string(&e).unwrap(), "{}");
}

#[test]
fn unknown_members_can_be_added_by_hand() {
    let mut v = Value {
        count: 3,
        unknown_fields: UnknownFields::new(),
    };
    v.unknown_fields.insert("tags", &["a", "b"]).unwrap();
    v.unknown_fields.insert("nested", &v.clone()).unwrap();
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"count":3,"tags":["a","b"],"nested":{"count":3,"tags":["a","b"]}}"#
    );
}

#[cfg(feature = "schemars")]
#[test]
fn enum_schemas_list_the_known_values() {
    let schema = schemars::schema_for!(Odd);
    let json = serde_json::to_value(&schema).unwrap();
    assert_eq!(json["type"], "string");
    assert_eq!(
        json["enum"],
        serde_json::json!(["", "true", "0", "物理池", "a\"b\\c"])
    );
    assert_eq!(json["title"], "Odd");
    let schema = schemars::schema_for!(UnknownFields);
    assert_eq!(serde_json::to_value(&schema).unwrap()["type"], "object");
}

// ---------------------------------------------------------------------------------------------
// Merge-patch members
// ---------------------------------------------------------------------------------------------

fn merge(json: &str) -> Merge {
    serde_json::from_str(json).unwrap()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn patch_members_absent_are_absent_and_not_written() {
    let m = merge(r#"{"id":1}"#);
    assert_eq!(m.count, None);
    assert!(m.a.is_absent() && m.value.is_absent() && m.map.is_absent());
    assert!(m.key.is_absent() && m.spec.is_absent());
    assert_eq!(json(&m), r#"{"id":1}"#);
    // A type with only optional and patch members: `{}` round-trips, and is its default.
    let s: SpecPatch = serde_json::from_str("{}").unwrap();
    assert_eq!(s, SpecPatch::default());
    assert_eq!(json(&s), "{}");
}

#[test]
fn patch_members_null_is_kept_and_written_back_as_null() {
    let m = merge(r#"{"id":1,"a":null}"#);
    assert_eq!(m.a, Patch::Null);
    assert!(m.value.is_absent());
    assert_eq!(json(&m), r#"{"id":1,"a":null}"#);
    // Every patch member null, written in the listed order whatever the input order.
    let all = r#"{"spec":null,"key":null,"map":null,"value":null,"a":null,"id":2}"#;
    let m = merge(all);
    assert!(
        [
            m.a.is_null(),
            m.value.is_null(),
            m.map.is_null(),
            m.key.is_null()
        ]
        .iter()
        .all(|&null| null)
    );
    assert_eq!(m.spec, Patch::Null);
    assert_eq!(
        json(&m),
        r#"{"id":2,"a":null,"value":null,"map":null,"key":null,"spec":null}"#
    );
}

#[test]
fn patch_members_with_values_round_trip() {
    let m = merge(r#"{"id":1,"a":1}"#);
    assert_eq!(m.a, Patch::Value(1));
    assert_eq!(json(&m), r#"{"id":1,"a":1}"#);
    let full = r#"{"id":3,"count":4,"a":0,"value":"","map":["v2","?"],"key":false,"spec":{"flavor":"v3"},"later":[null]}"#;
    let m = merge(full);
    assert_eq!(m.count, Some(4));
    assert_eq!(m.a.value(), Some(&0));
    assert_eq!(m.value.value().map(String::as_str), Some(""));
    assert_eq!(m.map, Patch::Value(vec![Odd::from("v2"), Odd::from("?")]));
    assert_eq!(m.key, Patch::Value(false));
    assert_eq!(
        m.spec.value().map(|s| &s.flavor),
        Some(&Patch::Value(ApiVersion::V3))
    );
    assert_eq!(m.unknown_fields.get("later").unwrap().get(), "[null]");
    assert_eq!(json(&m), full);
}

#[test]
fn option_members_given_null_read_as_none_and_are_not_written() {
    let m = merge(r#"{"id":1,"count":null,"a":null}"#);
    assert_eq!(m.count, None);
    assert_eq!(m.a, Patch::Null);
    assert_eq!(json(&m), r#"{"id":1,"a":null}"#);
    let s: SpecPatch = serde_json::from_str(r#"{"note":null}"#).unwrap();
    assert_eq!(s.note, None);
    assert_eq!(json(&s), "{}");
}

#[test]
fn nested_patch_objects() {
    let text = r#"{"id":1,"spec":{"flavor":null,"value":{"count":3,"x":1},"note":null,"nodes":[{"value":null},{}]}}"#;
    let m = merge(text);
    let spec = m.spec.value().unwrap();
    assert_eq!(spec.flavor, Patch::Null);
    let value = spec.value.value().unwrap();
    assert_eq!(value.count, 3);
    assert_eq!(value.unknown_fields.get("x").unwrap().get(), "1");
    assert_eq!(spec.note, None);
    let nodes = spec.nodes.value().unwrap();
    assert_eq!(nodes[0].value, Patch::Null);
    assert_eq!(nodes[1], SpecPatch::default());
    assert_eq!(
        json(&m),
        r#"{"id":1,"spec":{"flavor":null,"value":{"count":3,"x":1},"nodes":[{"value":null},{}]}}"#
    );
    // Built by hand: leave everything alone but remove `spec.flavor`.
    let m = Merge {
        id: 9,
        count: None,
        a: Patch::Absent,
        value: Patch::default(),
        map: Patch::Absent,
        key: Patch::Absent,
        spec: Patch::from(SpecPatch {
            flavor: Patch::Null,
            ..SpecPatch::default()
        }),
        unknown_fields: UnknownFields::new(),
    };
    assert_eq!(json(&m), r#"{"id":9,"spec":{"flavor":null}}"#);
    assert_eq!(merge(&json(&m)), m);
    // Through a serde_json::Value and serde_path_to_error too.
    let again: Merge = serde_json::from_value(serde_json::to_value(&m).unwrap()).unwrap();
    assert_eq!(again, m);
    let bad = r#"{"id":1,"spec":{"nodes":[{},{"value":{"count":"x"}}]}}"#;
    let mut de = serde_json::Deserializer::from_str(bad);
    let err = serde_path_to_error::deserialize::<_, Merge>(&mut de).unwrap_err();
    assert_eq!(err.path().to_string(), "spec.nodes[1].value.count");
}

#[test]
fn patch_members_duplicate_and_wrong_values_are_errors() {
    let error = |text: &str| serde_json::from_str::<Merge>(text).unwrap_err().to_string();
    let err = error(r#"{"id":1,"a":null,"a":1}"#);
    assert!(err.starts_with("duplicate field `a`"), "{err}");
    let err = error(r#"{"id":1,"a":1,"a":null}"#);
    assert!(err.starts_with("duplicate field `a`"), "{err}");
    let err = error(r#"{"id":1,"spec":{"flavor":null,"flavor":"v2"}}"#);
    assert!(err.starts_with("duplicate field `flavor`"), "{err}");
    let err = error(r#"{"id":1,"a":"x"}"#);
    assert!(
        err.starts_with("invalid type: string \"x\", expected u32"),
        "{err}"
    );
    let err = error(r#"{"id":1,"spec":[]}"#);
    assert!(err.contains("expected a SpecPatch object"), "{err}");
    let err = error(r#"{"a":1}"#);
    assert!(err.starts_with("missing field `id`"), "{err}");
    let err = error(r#"{"id":1,"x":1,"a":null,"x":2}"#);
    assert!(err.starts_with("duplicate field `x`"), "{err}");
}

#[test]
fn patch_conversions_and_accessors() {
    assert_eq!(Patch::<u32>::from(None::<u32>), Patch::Null);
    let from_none: Patch<u32> = Patch::from(None::<u32>);
    assert!(from_none.is_null());
    assert_eq!(Patch::from(Some(3_u32)), Patch::Value(3));
    assert_eq!(Patch::from(3_u32), Patch::Value(3));
    let absent: Patch<u32> = Patch::default();
    assert_eq!(absent, Patch::Absent);
    assert_eq!(absent.into_option(), None);
    assert_eq!(Patch::<u32>::Null.into_option(), Some(None));
    assert_eq!(Patch::Value(1).into_option(), Some(Some(1)));
    let mut p = Patch::Value(String::from("a"));
    assert_eq!(p.as_ref(), Patch::Value(&String::from("a")));
    if let Patch::Value(s) = p.as_mut() {
        s.push('b');
    }
    p.value_mut().unwrap().push('c');
    assert_eq!(p.value().map(String::as_str), Some("abc"));
    assert_eq!(p.clone().map(|s| s.len()), Patch::Value(3));
    assert_eq!(Patch::<String>::Null.map(|s| s.len()), Patch::Null);
    assert_eq!(Patch::<String>::Absent.map(|s| s.len()), Patch::Absent);
    assert_eq!(p.into_value().as_deref(), Some("abc"));
    assert!(Patch::Value(()).is_value() && !Patch::<()>::Null.is_value());
    assert_eq!(Patch::<u8>::Null.value(), None);
    let set: std::collections::HashSet<Patch<u8>> =
        [Patch::Absent, Patch::Null, Patch::Value(0), Patch::Null].into();
    assert_eq!(set.len(), 3);
}

#[test]
fn patch_alone_reads_null_as_null_and_writes_absent_as_null() {
    assert_eq!(
        serde_json::from_str::<Patch<u32>>("null").unwrap(),
        Patch::Null
    );
    assert_eq!(
        serde_json::from_str::<Patch<u32>>("7").unwrap(),
        Patch::Value(7)
    );
    assert!(serde_json::from_str::<Patch<u32>>("\"7\"").is_err());
    assert_eq!(json(&Patch::Value(7)), "7");
    assert_eq!(json(&Patch::<u32>::Null), "null");
    assert_eq!(json(&Patch::<u32>::Absent), "null");
    let list: Vec<Patch<Odd>> = serde_json::from_str(r#"[null,"0"]"#).unwrap();
    assert_eq!(list, [Patch::Null, Patch::Value(Odd::Zero)]);
    assert_eq!(json(&list), r#"[null,"0"]"#);
}

/// `Patch<T>: Default` for a `T` without `Default`.
#[test]
fn patch_is_default_without_a_default_value_type() {
    fn default_of<T: Default>() -> T {
        T::default()
    }
    assert_eq!(default_of::<Patch<Value>>(), Patch::Absent);
    assert_eq!(default_of::<Patch<ApiVersion>>(), Patch::Absent);
    let s = default_of::<SpecPatch>();
    assert!(s.flavor.is_absent() && s.value.is_absent() && s.nodes.is_absent());
}

#[cfg(feature = "schemars")]
#[test]
fn patch_schemas_are_the_value_or_null_and_not_required() {
    let schema = serde_json::to_value(schemars::schema_for!(Patch<u32>)).unwrap();
    assert_eq!(schema["type"], serde_json::json!(["integer", "null"]));

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Derived {
        required: u32,
        optional: Option<u32>,
        patch: Patch<Vec<bool>>,
    }
    let schema = serde_json::to_value(schemars::schema_for!(Derived)).unwrap();
    assert_eq!(schema["required"], serde_json::json!(["required"]));
    assert_eq!(
        schema["properties"]["patch"]["type"],
        serde_json::json!(["array", "null"])
    );
}

fn api_error(status: u16, request_id: Option<&str>) -> crate::Error {
    let mut headers = http::HeaderMap::new();
    if let Some(id) = request_id {
        headers.insert("x-request-id", id.parse().unwrap());
    }
    let body = format!(r#"{{"error_code":"ModelArts.{status}","error_msg":"status {status}"}}"#);
    crate::Error::Api(Box::new(crate::ApiError::from_response(
        "delete_pool",
        http::StatusCode::from_u16(status).unwrap(),
        headers,
        body.as_bytes(),
        None,
    )))
}

#[test]
fn operation_errors_sort_answers_by_documented_status() {
    use std::error::Error as _;

    let not_found = DeletePoolError::from(api_error(404, Some("req-1")));
    let DeletePoolError::NotFound(api) = &not_found else {
        panic!("404 is documented: {not_found:?}");
    };
    assert_eq!(api.error_code, "ModelArts.404");
    assert_eq!(not_found.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(not_found.request_id(), Some("req-1"));
    assert_eq!(
        not_found.api().map(|a| a.error_msg.as_str()),
        Some("status 404")
    );
    assert!(!not_found.is_retryable());
    assert_eq!(
        not_found.to_string(),
        "HTTP 404 Not Found: ModelArts.404: status 404 (request id req-1)"
    );
    let source = not_found.source().expect("the answer is the source");
    assert_eq!(source.to_string(), not_found.to_string());
    assert!(source.downcast_ref::<crate::ApiError>().is_some());

    assert!(matches!(
        DeletePoolError::from(api_error(409, None)),
        DeletePoolError::Ok(_)
    ));
    let unavailable = DeletePoolError::from(api_error(503, None));
    assert!(matches!(unavailable, DeletePoolError::Unavailable(_)));
    assert!(unavailable.is_retryable());

    // A status the operation does not document stays the runtime's error, answer and all.
    let teapot = DeletePoolError::from(api_error(418, Some("req-2")));
    let DeletePoolError::Unhandled(crate::Error::Api(api)) = &teapot else {
        panic!("418 is not documented: {teapot:?}");
    };
    assert_eq!(api.status.as_u16(), 418);
    assert_eq!(
        (teapot.status().map(|s| s.as_u16()), teapot.request_id()),
        (Some(418), Some("req-2"))
    );
    let source = teapot.source().expect("the runtime error is the source");
    assert!(source.downcast_ref::<crate::Error>().is_some());
    assert_eq!(teapot.to_string(), source.to_string());
}

#[test]
fn operation_errors_convert_back_and_report_other_failures() {
    // Back to the runtime's error: a documented answer becomes `Error::Api` again.
    let back = crate::Error::from(DeletePoolError::from(api_error(404, None)));
    assert!(matches!(&back, crate::Error::Api(api) if api.status.as_u16() == 404));

    let refused = DeletePoolError::from(crate::Error::Config("no project ID".into()));
    assert!(matches!(
        &refused,
        DeletePoolError::Unhandled(crate::Error::Config(_))
    ));
    assert_eq!(
        (
            refused.status(),
            refused.request_id(),
            refused.api().is_none()
        ),
        (None, None, true)
    );
    assert!(!refused.is_retryable());
    assert_eq!(refused.to_string(), "configuration error: no project ID");
    assert!(matches!(
        crate::Error::from(refused),
        crate::Error::Config(message) if message == "no project ID"
    ));

    // An operation that documents nothing: every answer is `Unhandled`, behaviour the same.
    let none = ListThingsError::from(api_error(404, Some("req-3")));
    assert!(matches!(
        &none,
        ListThingsError::Unhandled(crate::Error::Api(_))
    ));
    assert_eq!(none.request_id(), Some("req-3"));
    assert!(matches!(crate::Error::from(none), crate::Error::Api(_)));
}

#[test]
fn operation_errors_share_the_trait() {
    use crate::{OperationError, OperationFailure};

    fn summary(error: &dyn OperationError) -> (Option<u16>, bool, &'static str) {
        let kind = match error.failure() {
            OperationFailure::Documented(_) => "documented",
            OperationFailure::Unhandled(_) => "unhandled",
        };
        (
            error.status().map(|s| s.as_u16()),
            error.is_retryable(),
            kind,
        )
    }
    assert_eq!(
        summary(&DeletePoolError::from(api_error(503, None))),
        (Some(503), true, "documented")
    );
    assert_eq!(
        summary(&ListThingsError::from(api_error(503, None))),
        (Some(503), true, "unhandled")
    );
}
