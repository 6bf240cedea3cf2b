//! `open_enum!` and `object_serde!` used as the generated code uses them, in a module full of
//! names that would break an unhygienic or unqualified expansion; no warning may come out.
#![deny(warnings)]

use crate::model::{OpenEnum, UnknownFields};

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
}

use hostile::{ApiVersion, Empty, Nothing, Odd, Value, Visitor};

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
    // Known before unknown (variant order), unknown values by their text.
    let mut all = vec![
        ApiVersion::from("v5"),
        later.clone(),
        ApiVersion::V3,
        ApiVersion::V2,
    ];
    all.sort();
    assert_eq!(
        all.iter().map(ApiVersion::as_str).collect::<Vec<_>>(),
        ["v2", "v3", "v4", "v5"]
    );
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
