//! Objects, enums and flag sets: fields linked to their types, rules to their fields, and every
//! field, variant and constant name decided.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::type_expr::{ParsedType, parse_type_expr};
use super::{Resolver, TypeTable, rust_name};
use crate::model::{
    EnumType, EnumValue, Field, FlagValue, FlagsType, ObjectType, Primitive, Rule, RuleCheck,
    TypeEntry, TypeKind, TypeRef, Usage,
};
use crate::naming;
use crate::spec::{EnumDef, ObjectDef, Repr, RuleDef, Spec, TypeDef};

/// Every declared type, by id. Usage and boxing are filled in by [`super::graph::link`].
pub(super) fn resolve_types(
    r: &mut Resolver<'_>,
    spec: &Spec,
    table: &TypeTable<'_>,
) -> Vec<TypeEntry> {
    (0..table.len())
        .map(|id| {
            let (index, def) = table.def(spec, crate::model::TypeId(id));
            let base = format!("$.types[{index}]");
            let (doc_name, source, description, decisions) = match def {
                TypeDef::Object(o) => (o.doc_name.clone(), &o.source, &o.description, &o.decisions),
                TypeDef::Enum(e) | TypeDef::Flags(e) => {
                    (None, &e.source, &e.description, &e.decisions)
                }
            };
            let kind = match def {
                TypeDef::Object(object) => {
                    TypeKind::Object(object_type(r, &base, object, spec, table))
                }
                TypeDef::Enum(e) => TypeKind::Enum(enum_type(r, &base, e)),
                TypeDef::Flags(f) => TypeKind::Flags(flags_type(r, &base, f)),
            };
            TypeEntry {
                name: def.name().to_owned(),
                schema_file: naming::schema_file(def.name()),
                description: description.clone(),
                doc_name,
                source: source.joined(),
                decisions: decisions.clone(),
                module: None,
                kind,
            }
        })
        .collect()
}

/// Links a parsed type to the declared types; `None` (reported) when a name is not declared.
fn link_type(
    r: &mut Resolver<'_>,
    path: &str,
    parsed: &ParsedType,
    table: &TypeTable<'_>,
) -> Option<TypeRef> {
    Some(match parsed {
        ParsedType::Primitive(primitive) => TypeRef::Primitive(*primitive),
        ParsedType::Json => TypeRef::Json,
        ParsedType::Array(inner) => TypeRef::Array(Box::new(link_type(r, path, inner, table)?)),
        ParsedType::Map(inner) => TypeRef::Map(Box::new(link_type(r, path, inner, table)?)),
        ParsedType::Named(name) => match table.get(name) {
            Some(id) => TypeRef::Named(id),
            None => {
                let hint = table
                    .similar(name)
                    .map(|k| format!(" (did you mean {k:?}?)"))
                    .unwrap_or_default();
                r.error(path, format!("unknown type {name:?}{hint}; declare it in types or use string, integer, int32, number, boolean, json, array<T> or map<T>"));
                return None;
            }
        },
    })
}

fn object_type(
    r: &mut Resolver<'_>,
    base: &str,
    object: &ObjectDef,
    spec: &Spec,
    table: &TypeTable<'_>,
) -> ObjectType {
    let mut wire_names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
    let mut fields = Vec::with_capacity(object.fields.len());
    // Fields whose type is already reported; rules over them are not reported again.
    let mut broken: BTreeSet<usize> = BTreeSet::new();
    for (j, def) in object.fields.iter().enumerate() {
        let fpath = format!("{base}.fields[{j}]");
        if def.name.is_empty() {
            r.error(format!("{fpath}.name"), "a field name cannot be empty");
        }
        if wire_names.contains_key(def.name.as_str()) {
            r.error(
                format!("{fpath}.name"),
                format!("field {:?} appears twice in {}", def.name, object.name),
            );
        } else {
            wire_names.insert(&def.name, j);
        }
        let rust = match rust_name(&def.name, def.rust_name.as_deref()) {
            Ok(name) => {
                if name == naming::UNKNOWN_FIELDS {
                    r.error(&fpath, format!("field {:?} becomes `{name}`, the name that holds unlisted members; set another \"rust_name\"", def.name));
                } else if let Some(other) = rust_names.insert(name.clone(), &def.name) {
                    r.error(&fpath, format!("fields {other:?} and {:?} of {} both become the Rust field `{name}`; set \"rust_name\" on one of them", def.name, object.name));
                }
                name
            }
            Err(message) => {
                r.error(&fpath, message);
                String::new()
            }
        };
        let ty = match parse_type_expr(&def.type_expr) {
            Err(message) => {
                r.error(format!("{fpath}.type"), message);
                None
            }
            Ok(parsed) => link_type(r, &format!("{fpath}.type"), &parsed, table),
        };
        let ty = ty.unwrap_or_else(|| {
            broken.insert(j);
            TypeRef::Json
        });
        if def.min_items.is_some() && !matches!(ty, TypeRef::Array(_)) && !broken.contains(&j) {
            r.error(
                format!("{fpath}.min_items"),
                "min_items applies to array fields only",
            );
        }
        if def.wire_required.is_some() && def.required.is_none() {
            r.error(
                format!("{fpath}.wire_required"),
                "wire_required overrides the table's \"required\"; give \"required\" too",
            );
        }
        fields.push(Field {
            wire_name: def.name.clone(),
            rust_name: rust,
            ty,
            required: def.wire_required.or(def.required).unwrap_or(false),
            table_required: def.required,
            boxed: false,
            description: def.description.clone(),
            source_type: def.source_type.clone(),
            min_items: def.min_items,
            decision: def.decision.clone(),
        });
    }

    let mut rule_ids = BTreeSet::new();
    let mut rules = Vec::new();
    for (k, def) in object.rules.iter().enumerate() {
        let rpath = format!("{base}.rules[{k}]");
        if !rule_ids.insert(def.id.as_str()) {
            r.error(
                format!("{rpath}.id"),
                format!("rule {:?} is declared twice", def.id),
            );
        }
        if let Some(rule) = rule(
            r,
            &rpath,
            def,
            object,
            &fields,
            &wire_names,
            &broken,
            spec,
            table,
        ) {
            rules.push(rule);
        }
    }
    ObjectType {
        fields,
        rules,
        usage: Usage::default(),
    }
}

#[allow(clippy::too_many_arguments)]
fn rule(
    r: &mut Resolver<'_>,
    rpath: &str,
    def: &RuleDef,
    object: &ObjectDef,
    fields: &[Field],
    wire_names: &BTreeMap<&str, usize>,
    broken: &BTreeSet<usize>,
    spec: &Spec,
    table: &TypeTable<'_>,
) -> Option<Rule> {
    let when_field = match wire_names.get(def.when.field.as_str()) {
        None => {
            r.error(
                format!("{rpath}.when.field"),
                format!("{} has no field {:?}", object.name, def.when.field),
            );
            None
        }
        Some(j) if broken.contains(j) => None,
        Some(&j) => {
            let enum_def = match &fields[j].ty {
                TypeRef::Named(id) => match table.def(spec, *id).1 {
                    TypeDef::Enum(e) if e.repr == Repr::String => Some(Some(e)),
                    _ => None,
                },
                TypeRef::Primitive(Primitive::String) => Some(None),
                _ => None,
            };
            match (enum_def, def.when.equals.as_str()) {
                (None, _) => {
                    r.error(
                        format!("{rpath}.when.field"),
                        format!(
                            "rule conditions compare string fields; {:?} is not one",
                            def.when.field
                        ),
                    );
                    None
                }
                (Some(_), None) => {
                    r.error(
                        format!("{rpath}.when.equals"),
                        format!("{} must be a JSON string", def.when.equals),
                    );
                    None
                }
                (Some(Some(e)), Some(value))
                    if !e.values.iter().any(|v| v.value.as_str() == Some(value)) =>
                {
                    r.error(
                        format!("{rpath}.when.equals"),
                        format!("{value:?} is not a value of {}", e.name),
                    );
                    None
                }
                (Some(_), Some(_)) => Some(j),
            }
        }
    };
    let check = match (&def.items_equal, def.require.is_empty()) {
        (None, true) => {
            r.error(rpath, "a rule needs \"require\" or \"items_equal\"");
            None
        }
        (Some(_), false) => {
            r.error(
                rpath,
                "a rule has either \"require\" or \"items_equal\", not both",
            );
            None
        }
        (None, false) => {
            let mut required = Vec::new();
            for (m, name) in def.require.iter().enumerate() {
                match wire_names.get(name.as_str()) {
                    None => r.error(
                        format!("{rpath}.require[{m}]"),
                        format!("{} has no field {name:?}", object.name),
                    ),
                    Some(&j) if fields[j].required => r.error(format!("{rpath}.require[{m}]"), format!("{name:?} is always required, so the rule adds nothing; mark it wire_required: false or drop it from the rule")),
                    Some(&j) => required.push(j),
                }
            }
            (required.len() == def.require.len()).then_some(RuleCheck::Require(required))
        }
        (Some(items), true) => {
            let array = wire_names.get(items.array.as_str()).copied();
            let item = array.and_then(|j| match &fields[j].ty {
                TypeRef::Array(inner) => match inner.as_ref() {
                    TypeRef::Named(id) => match table.def(spec, *id).1 {
                        TypeDef::Object(o) => Some((*id, o)),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            });
            match (array, item) {
                (Some(j), _) if broken.contains(&j) => None,
                (Some(array), Some((item_id, item))) => {
                    if items.fields.len() != 2 {
                        r.error(
                            format!("{rpath}.items_equal.fields"),
                            "items_equal compares exactly two fields",
                        );
                    }
                    let mut found = Vec::new();
                    for (m, name) in items.fields.iter().enumerate() {
                        match item.fields.iter().position(|f| &f.name == name) {
                            None => r.error(
                                format!("{rpath}.items_equal.fields[{m}]"),
                                format!("{} has no field {name:?}", item.name),
                            ),
                            Some(index) => found.push(index),
                        }
                    }
                    match found[..] {
                        [left, right] if items.fields.len() == 2 => {
                            let (a, b) =
                                (&item.fields[left].type_expr, &item.fields[right].type_expr);
                            if a != b {
                                r.error(format!("{rpath}.items_equal.fields"), format!("the fields have different types ({a} and {b}) and can never be equal"));
                                None
                            } else {
                                Some(RuleCheck::ItemsEqual {
                                    array,
                                    item: item_id,
                                    left,
                                    right,
                                })
                            }
                        }
                        _ => None,
                    }
                }
                _ => {
                    r.error(
                        format!("{rpath}.items_equal.array"),
                        format!(
                            "{:?} must be a field of {} whose type is array<SomeObject>",
                            items.array, object.name
                        ),
                    );
                    None
                }
            }
        }
    };
    Some(Rule {
        id: def.id.clone(),
        when_field: when_field?,
        when_equals: def.when.equals.as_str()?.to_owned(),
        check: check?,
        message: def.message.clone(),
    })
}

fn enum_type(r: &mut Resolver<'_>, base: &str, e: &EnumDef) -> EnumType {
    let mut wires = BTreeSet::new();
    let mut variants = BTreeSet::new();
    if e.repr == Repr::Integer {
        r.error(format!("{base}.repr"), "integer enums are not supported; use kind \"flags\" for an integer bit set, or repr \"string\"");
    }
    if e.values.is_empty() {
        r.error(format!("{base}.values"), "an enum needs at least one value");
    }
    let mut values = Vec::new();
    for (j, value) in e.values.iter().enumerate() {
        let vpath = format!("{base}.values[{j}]");
        let wire = match &value.value {
            Value::String(s) if e.repr == Repr::String => Some(s.clone()),
            other if e.repr == Repr::String => {
                r.error(
                    format!("{vpath}.value"),
                    format!(
                        "value {other} is not of the enum's repr String; write it as a JSON string"
                    ),
                );
                None
            }
            _ => None,
        };
        if let Some(wire) = &wire
            && !wires.insert(wire.clone())
        {
            r.error(
                format!("{vpath}.value"),
                format!("value {wire:?} is listed twice"),
            );
        }
        if !naming::is_upper_camel_ident(&value.name) {
            r.error(
                format!("{vpath}.name"),
                format!("variant name {:?} must be UpperCamelCase ASCII", value.name),
            );
        } else if value.name == "Unknown" {
            r.error(
                format!("{vpath}.name"),
                "variant name \"Unknown\" is reserved for values the spec does not list",
            );
        }
        if !variants.insert(value.name.as_str()) {
            r.error(
                format!("{vpath}.name"),
                format!("variant name {:?} is used twice", value.name),
            );
        }
        values.push(EnumValue {
            wire: wire.unwrap_or_default(),
            variant: value.name.clone(),
            description: value.description.clone(),
        });
    }
    EnumType { values }
}

fn flags_type(r: &mut Resolver<'_>, base: &str, flags: &EnumDef) -> FlagsType {
    if flags.repr != Repr::Integer {
        r.error(
            format!("{base}.repr"),
            "a flag set must have repr \"integer\"",
        );
    }
    let mut seen_values = BTreeSet::new();
    let mut seen_consts = BTreeSet::new();
    let mut values = Vec::new();
    for (j, value) in flags.values.iter().enumerate() {
        let vpath = format!("{base}.values[{j}]");
        let bits = match value.value.as_u64() {
            Some(v) if v == 0 || v.is_power_of_two() => {
                if !seen_values.insert(v) {
                    r.error(
                        format!("{vpath}.value"),
                        format!("flag value {v} is listed twice"),
                    );
                }
                v
            }
            Some(v) => {
                r.error(format!("{vpath}.value"), format!("flag value {v} is not a single bit; list each bit (a power of two) on its own"));
                v
            }
            None => {
                r.error(
                    format!("{vpath}.value"),
                    format!(
                        "flag value {} must be a non-negative JSON integer",
                        value.value
                    ),
                );
                0
            }
        };
        let const_name = match naming::shouty_snake_case(&value.name) {
            Some(constant) if naming::is_upper_camel_ident(&value.name) => {
                if !seen_consts.insert(constant.clone()) {
                    r.error(format!("{vpath}.name"), format!("flag name {:?} gives the constant {constant} that another flag already has", value.name));
                }
                constant
            }
            _ => {
                r.error(
                    format!("{vpath}.name"),
                    format!("flag name {:?} must be UpperCamelCase ASCII", value.name),
                );
                String::new()
            }
        };
        values.push(FlagValue {
            value: bits,
            name: value.name.clone(),
            const_name,
            description: value.description.clone(),
        });
    }
    FlagsType { values }
}
