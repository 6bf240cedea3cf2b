//! Enumerated parameters: a query or header parameter whose definition lists its values (in its
//! description's `可选值如下` list, or an `enum` keyword) is an open enum, as a member listing
//! its values is. Its `type` names a string enum of the spec's `types`: one that already has
//! exactly those values (a member's, a seed's or another parameter's), otherwise a new one named
//! after the operation and the parameter (`ListWorkloadsStatus`). Rows a person decided about
//! keep their type, and the enum they name is kept with them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::enums::EnumPlan;
use super::names::{unique, variant_name};
use super::prose::{self, ListedValue};
use super::swagger::{DefParam, ParamIn};
use super::tree;
use crate::naming;
use crate::spec::{
    EnumDef, EnumKind, IMPORT_TAG, Operation, ParamDef, Repr, Sources, Spec, TypeDef, ValueDef,
    is_import_decision,
};

/// The values a definition lists for one parameter of one operation.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The spec's operation name (`list_workloads`).
    pub operation: String,
    pub place: ParamIn,
    pub name: String,
    pub description: String,
    pub values: Vec<ListedValue>,
    /// The definition file.
    pub file: String,
}

impl Listing {
    pub fn new(
        operation: &str,
        param: &DefParam<'_>,
        values: Vec<ListedValue>,
        file: &str,
    ) -> Self {
        Listing {
            operation: operation.to_owned(),
            place: param.location,
            name: param.name.clone(),
            description: param.description.clone(),
            values,
            file: file.to_owned(),
        }
    }
}

fn value_set(def: &EnumDef) -> Option<BTreeSet<&str>> {
    (def.kind == EnumKind::Enum && def.repr == Repr::String)
        .then(|| def.values.iter().filter_map(|v| v.value.as_str()).collect())
}

fn param_list(op: &mut Operation, place: ParamIn) -> &mut Vec<ParamDef> {
    match place {
        ParamIn::Path => &mut op.path_params,
        ParamIn::Query => &mut op.query_params,
        ParamIn::Header => &mut op.header_params,
    }
}

/// Gives each listed parameter its enum type, adding the enums that are new to `enums`; keeps the
/// spec's enums that rows a person decided about still name.
pub fn apply(
    operations: &mut [Operation],
    listings: &[Listing],
    enums: &mut Vec<EnumPlan>,
    old: &Spec,
) {
    let old_enums: BTreeMap<&str, &EnumDef> = old
        .types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Enum(e) => Some((e.name.as_str(), e)),
            _ => None,
        })
        .collect();
    let mut taken: BTreeSet<String> = old.types.iter().map(|t| t.name().to_owned()).collect();
    taken.extend(enums.iter().map(|p| p.doc.name.clone()));

    for listing in listings {
        let Some(op) = operations.iter_mut().find(|o| o.name == listing.operation) else {
            continue;
        };
        let Some(param) = param_list(op, listing.place)
            .iter_mut()
            .find(|p| p.name == listing.name)
        else {
            continue;
        };
        // A person's row keeps what it has.
        if param
            .decision
            .as_deref()
            .is_some_and(|d| !is_import_decision(d))
        {
            continue;
        }
        let repeated = match param.type_expr.as_str() {
            "string" => false,
            "array<string>" => true,
            _ => continue,
        };
        let wanted: BTreeSet<&str> = listing.values.iter().map(|v| v.value.as_str()).collect();

        // An enum the types already have with exactly these values: the importer's own (members'
        // or another parameter's) first, then the spec's.
        let own_name = format!(
            "{}{}",
            naming::upper_camel_case(&listing.operation).unwrap_or_default(),
            naming::upper_camel_case(&listing.name).unwrap_or_default()
        );
        let same = enums
            .iter()
            .find(|p| p.doc.name == own_name && value_set(&p.doc).as_ref() == Some(&wanted))
            .or_else(|| {
                enums
                    .iter()
                    .find(|p| value_set(&p.doc).as_ref() == Some(&wanted))
            })
            .map(|p| p.doc.name.clone())
            .or_else(|| {
                old.types.iter().find_map(|t| match t {
                    TypeDef::Enum(e)
                        if !e.source.is_imported() && value_set(e).as_ref() == Some(&wanted) =>
                    {
                        Some(e.name.clone())
                    }
                    _ => None,
                })
            });
        let name = match same {
            Some(name) => {
                if name != own_name {
                    let note = format!(
                        "The description lists the values {}, which are those of {name}, so the parameter takes that enum.",
                        tree::listed_text(&listing.values)
                    );
                    param.decision = Some(match param.decision.take() {
                        Some(d) => format!("{d} {note}"),
                        None => format!("{IMPORT_TAG}{note}"),
                    });
                }
                name
            }
            None => {
                let ours = old_enums.contains_key(own_name.as_str())
                    && !enums.iter().any(|p| p.doc.name == own_name);
                let name = if taken.contains(&own_name) && !ours {
                    unique(own_name.clone(), &mut taken)
                } else {
                    taken.insert(own_name.clone());
                    own_name.clone()
                };
                enums.push(EnumPlan {
                    doc: new_enum(&name, listing, old_enums.get(name.as_str()).copied()),
                    imported: true,
                });
                name
            }
        };
        param.type_expr = if repeated {
            format!("array<{name}>")
        } else {
            name
        };
    }

    // Enums that kept rows still name, and no plan has, stay as the spec has them.
    for op in operations.iter() {
        for (_, param) in op.params() {
            let Some(name) = tree::inner_name(&param.type_expr) else {
                continue;
            };
            if enums.iter().any(|p| p.doc.name == name) {
                continue;
            }
            if let Some(def) = old_enums.get(name) {
                enums.push(EnumPlan {
                    doc: (*def).clone(),
                    imported: def.source.is_imported(),
                });
            }
        }
    }
}

/// A parameter's own enum: the listed values in their order, variant names the spec's enum of
/// that name already gives them kept.
fn new_enum(name: &str, listing: &Listing, old: Option<&EnumDef>) -> EnumDef {
    let names: BTreeMap<&str, &str> = old
        .map(|o| {
            o.values
                .iter()
                .filter_map(|v| Some((v.value.as_str()?, v.name.as_str())))
                .collect()
        })
        .unwrap_or_default();
    let mut used: BTreeSet<String> = listing
        .values
        .iter()
        .filter_map(|v| names.get(v.value.as_str()).map(|n| (*n).to_owned()))
        .collect();
    let mut seen = BTreeSet::new();
    let values = listing
        .values
        .iter()
        .filter(|v| seen.insert(v.value.clone()))
        .enumerate()
        .map(|(index, v)| ValueDef {
            value: Value::String(v.value.clone()),
            name: names
                .get(v.value.as_str())
                .map(|n| (*n).to_owned())
                .unwrap_or_else(|| unique(variant_name(&v.value, index), &mut used)),
            description: v.meaning.clone().unwrap_or_default(),
            source: None,
        })
        .collect();
    let gist = prose::gist(&listing.description);
    let what = format!(
        "values of the {} parameter {} of {}",
        listing.place.as_str(),
        listing.name,
        listing.operation
    );
    EnumDef {
        name: name.to_owned(),
        kind: EnumKind::Enum,
        repr: Repr::String,
        source: Sources(vec![listing.file.clone()]),
        module: None,
        description: if gist.is_empty() {
            format!("{}{}.", what[..1].to_uppercase(), &what[1..])
        } else {
            format!("{gist}: {what}.")
        },
        decisions: old
            .map(|o| {
                o.decisions
                    .iter()
                    .filter(|d| !is_import_decision(d))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default(),
        values,
    }
}
