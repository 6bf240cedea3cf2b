//! The fixture specs' generated types, used as a user would: each exercises one generator feature.

use modelarts_pools_tests::enums::models as enums;
use modelarts_pools_tests::hazards;
use modelarts_pools_tests::keywords::models as keywords;
use modelarts_pools_tests::nested_arrays::models as nested_arrays;
use modelarts_pools_tests::optional_required::models as optional_required;
use modelarts_pools_tests::recursive::models as recursive;
use modelarts_pools_tests::unknown_fields::models as unknown_fields;
use modelarts_pools_tests::wire_names::models as wire_names;
use serde_json::json;

#[test]
fn odd_wire_names_keep_their_wire_spelling() {
    let body = json!({ "os.modelarts/workspace.id": "0", "X-ModelArts-User-ID": "u", "9lives": 9, "HTTPServerName": "h", "资源": "r" });
    let labels: wire_names::Labels = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(labels.os_modelarts_workspace_id, "0");
    assert_eq!(labels.x_model_arts_user_id.as_deref(), Some("u"));
    assert_eq!(labels._9lives, Some(9));
    assert_eq!(labels.http_server_name.as_deref(), Some("h"));
    assert_eq!(labels.resource.as_deref(), Some("r"));
    assert!(labels.unknown_fields.is_empty());
    assert_eq!(serde_json::to_value(&labels).unwrap(), body);
}

#[test]
fn keywords_become_trailing_underscores() {
    let body = json!({ "type": "t", "self": "s", "match": true, "async": 1.5, "crate": { "any": [1] }, "Self": "S" });
    let value: keywords::Keywords = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        (
            value.type_.as_str(),
            value.self_.as_deref(),
            value.match_,
            value.async_
        ),
        ("t", Some("s"), Some(true), Some(1.5))
    );
    assert_eq!(value.crate_, Some(json!({ "any": [1] })));
    assert_eq!(value.self_type.as_deref(), Some("S"));
    assert_eq!(serde_json::to_value(&value).unwrap(), body);
}

#[test]
fn enums_keep_unknown_values_and_flags_keep_unknown_bits() {
    let body = json!({ "mode": "7", "image": "", "modes": ["0", "1", "x"], "control": 8 + 64 });
    let settings: enums::Settings = serde_json::from_value(body.clone()).unwrap();
    assert!(!settings.mode.is_known());
    assert_eq!(settings.mode.as_str(), "7");
    assert_eq!(settings.mode, enums::Mode::from("7"));
    assert_eq!(settings.image, Some(enums::ImageKind::Preset));
    assert_eq!(
        settings.modes.as_deref(),
        Some(&[enums::Mode::Off, enums::Mode::On, enums::Mode::from("x")][..])
    );
    let control = settings.control.unwrap();
    assert!(control.contains(enums::Control::FROZEN) && !control.contains(enums::Control::LIMITED));
    assert_eq!(control.bits(), 72);
    assert_eq!(enums::Control::NONE.bits(), 0);
    assert_eq!(serde_json::to_value(&settings).unwrap(), body);
    assert_eq!(enums::Mode::from("1"), enums::Mode::On);
    assert_eq!(enums::Mode::On.to_string(), "1");
    assert_eq!(enums::Mode::KNOWN, &[enums::Mode::Off, enums::Mode::On]);
    assert!(
        serde_json::from_value::<enums::Settings>(json!({ "mode": 1 })).is_err(),
        "an enum is still a string"
    );
}

#[test]
fn nested_arrays_validate_with_precise_paths() {
    let grid: nested_arrays::Grid = serde_json::from_value(
        json!({ "rows": [[{ "value": 1 }], [{ "value": 2, "notes": [] }]], "tags": [["a"], []] }),
    )
    .unwrap();
    let err = grid.validate().unwrap_err();
    assert_eq!(err.path, "$.rows[1][0].notes");
    let empty: nested_arrays::Grid = serde_json::from_value(json!({ "rows": [] })).unwrap();
    assert_eq!(empty.validate().unwrap_err().path, "$.rows");
}

#[test]
fn required_members_cannot_be_forgotten_and_optional_ones_are_not_written() {
    let order = optional_required::Order::new(
        optional_required::Billing::PerUse,
        vec![optional_required::Item::new(2)],
    );
    assert_eq!(
        order.network, None,
        "wire_required: false makes the table's required member optional"
    );
    assert_eq!(
        serde_json::to_value(&order).unwrap(),
        json!({ "billing": "0", "items": [{ "count": 2 }] })
    );
    order.validate().unwrap();
    let mut yearly = order.clone();
    yearly.billing = optional_required::Billing::Yearly;
    assert_eq!(
        yearly.validate().unwrap_err().rule,
        Some("yearly-needs-period")
    );
    yearly.period = Some("1".into());
    yearly.items[0].max = Some(3);
    let err = yearly.validate().unwrap_err();
    assert_eq!(
        (err.path.as_str(), err.rule),
        ("$.items[0].max", Some("yearly-max-equals-count"))
    );
    assert!(
        serde_json::from_value::<optional_required::Order>(json!({ "items": [] }))
            .unwrap_err()
            .to_string()
            .contains("missing field `billing`")
    );
}

#[test]
fn recursive_types_are_boxed_and_round_trip() {
    let body = json!({ "name": "leaf", "parent": { "name": "root", "children": [{ "name": "sibling" }] }, "link": { "target": { "name": "other" } } });
    let node: recursive::Node = serde_json::from_value(body.clone()).unwrap();
    let parent: &recursive::Node = node.parent.as_deref().unwrap();
    assert_eq!(parent.children.as_ref().unwrap()[0].name, "sibling");
    assert_eq!(node.link.as_ref().unwrap().target.name, "other");
    assert_eq!(serde_json::to_value(&node).unwrap(), body);
}

#[test]
fn unknown_fields_survive_at_every_level() {
    let body = json!({ "name": "p", "extra": { "deep": [1, 2] }, "status": { "phase": "Frozen", "clusters": [] }, "n": null });
    let pool: unknown_fields::Pool = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(pool.unknown_fields.len(), 2);
    assert!(
        pool.status
            .as_ref()
            .unwrap()
            .unknown_fields
            .contains_key("clusters")
    );
    assert_eq!(serde_json::to_value(&pool).unwrap(), body);
}

#[test]
fn an_unknown_value_can_never_stand_for_a_known_one() {
    // Every way in gives the known variant for a listed value, so equality and the round trip
    // agree: there is no `Unknown` holding "1".
    for mode in [
        enums::Mode::from("1"),
        "1".parse::<enums::Mode>().unwrap(),
        serde_json::from_value::<enums::Mode>(json!("1")).unwrap(),
    ] {
        assert_eq!(mode, enums::Mode::On);
        assert!(mode.is_known());
    }
    let later = enums::Mode::from("later");
    assert!(matches!(&later, enums::Mode::Unknown(value) if value.as_str() == "later"));
    assert_ne!(later, enums::Mode::from("sooner"));
    assert_eq!(serde_json::to_value(&later).unwrap(), json!("later"));
}

#[test]
fn hazard_names_compile_round_trip_and_keep_their_wire_names() {
    use hazards::models::{Error, Map, Visitor};
    let body = json!({
        "map": "m", "key": "k", "value": 1, "self": "s", "type": "x", "Ok": "o", "Some": "so",
        "None": "n", "visitor": "v", "formatter": "f", "state": "st", "deserializer": "d",
        "serializer": "se", "unknown": "u", "path": "p", "item": [{ "value": 2, "map": 3 }],
        "applies": true, "request": "r", "body": "b", "client": "c", "response": "re", "error": "e",
        "__private": "pr", "r#raw": "raw", "crate": { "any": [1] }, "super": { "inner": "i", "new": "n" },
        "Error": "Ok", "result": "res", "index": 4, "len": 5, "Self": "S", "unlisted": { "z": 1, "a": 2 }
    });
    let visitor: Visitor = serde_json::from_str(&body.to_string()).unwrap();
    assert_eq!(
        (visitor.map.as_str(), visitor.key.as_deref(), visitor.value),
        ("m", Some("k"), Some(1))
    );
    assert_eq!(
        (
            visitor.self_.as_deref(),
            visitor.type_.as_deref(),
            visitor.ok.as_deref()
        ),
        (Some("s"), Some("x"), Some("o"))
    );
    assert_eq!(visitor.error_kind, Some(Error::Ok));
    assert_eq!(visitor.self_type.as_deref(), Some("S"));
    assert_eq!(visitor.unknown_fields.len(), 1);
    assert_eq!(serde_json::to_value(&visitor).unwrap(), body);
    // The rule names the member by its wire name; `type` "x" needs `key` and `value`.
    let mut missing = visitor.clone();
    missing.value = None;
    assert_eq!(missing.validate().unwrap_err().path, "$.value");
    let mut empty_items = visitor.clone();
    empty_items.item = Some(Vec::new());
    assert_eq!(empty_items.validate().unwrap_err().path, "$.item");
    // Enum values that are Rust words, the empty string, and the word "Unknown" are all known.
    for (wire, known) in [
        ("Ok", Error::Ok),
        ("self", Error::SelfValue),
        ("", Error::Empty),
        ("Unknown", Error::UnknownValue),
    ] {
        assert_eq!(serde_json::from_value::<Error>(json!(wire)).unwrap(), known);
    }
    let map: Map = serde_json::from_value(
        json!({ "state": "self", "visitor": "v", "response": { "key": "k" } }),
    )
    .unwrap();
    assert_eq!(map.state, Some(Error::SelfValue));
}
