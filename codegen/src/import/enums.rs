//! Enumerations: the values each class's locations list, merged with what the spec has. As for
//! objects, an enum whose `source` names only definition files is the importer's; any other keeps
//! its values, and values only the definitions have are added with `source` naming the file.
//! Variant names a spec already has (by wire value) are kept, so renaming a variant sticks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::classes::{Classes, EnumClass};
use super::names::{unique, variant_name};
use super::prose;
use super::tree::Tree;
use crate::spec::{EnumDef, EnumKind, Repr, Spec, TypeDef, ValueDef, is_import_decision};

pub struct EnumPlan {
    pub doc: EnumDef,
    pub imported: bool,
}

pub fn build(tree: &Tree<'_>, classes: &Classes, doc: &Spec) -> Vec<EnumPlan> {
    let existing: BTreeMap<&str, &EnumDef> = doc
        .types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Enum(e) | TypeDef::Flags(e) => Some((e.name.as_str(), e)),
            TypeDef::Object(_) => None,
        })
        .collect();
    classes
        .enums
        .iter()
        .map(|class| {
            build_one(
                tree,
                classes,
                class,
                existing.get(class.name.as_str()).copied(),
            )
        })
        .collect()
}

/// (value, meaning, first file).
type Listed = (String, Option<String>, String);

fn build_one(
    tree: &Tree<'_>,
    classes: &Classes,
    class: &EnumClass,
    old: Option<&EnumDef>,
) -> EnumPlan {
    let mut listed: Vec<Listed> = Vec::new();
    for id in &class.locs {
        let e = &tree.enums[id.0];
        for value in &e.values {
            match listed.iter_mut().find(|(v, ..)| *v == value.value) {
                Some((_, meaning, _)) => {
                    if meaning.is_none() {
                        meaning.clone_from(&value.meaning);
                    }
                }
                None => listed.push((value.value.clone(), value.meaning.clone(), e.file.clone())),
            }
        }
    }
    let files: BTreeSet<&str> = class
        .locs
        .iter()
        .map(|id| tree.enums[id.0].file.as_str())
        .collect();
    let imported = old.is_none_or(|o| o.source.is_imported());

    if let Some(old) = old
        && !imported
    {
        // The spec's enum: its values stay; the definitions' other values are added.
        let mut doc = old.clone();
        doc.decisions.retain(|d| !is_import_decision(d));
        if old.kind != EnumKind::Enum || old.repr != Repr::String {
            return EnumPlan { doc, imported };
        }
        let mut used: BTreeSet<String> = old.values.iter().map(|v| v.name.clone()).collect();
        let mut values = Vec::new();
        for value in &old.values {
            match &value.source {
                None => values.push(value.clone()),
                Some(_) => {
                    if let Some((_, meaning, file)) = listed
                        .iter()
                        .find(|(v, ..)| value.value.as_str() == Some(v))
                    {
                        values.push(ValueDef {
                            description: meaning.clone().unwrap_or_default(),
                            source: Some(file.clone()),
                            ..value.clone()
                        });
                    }
                }
            }
        }
        for (index, (value, meaning, file)) in listed.iter().enumerate() {
            if values.iter().any(|v| v.value.as_str() == Some(value)) {
                continue;
            }
            values.push(ValueDef {
                value: Value::String(value.clone()),
                name: unique(variant_name(value, index), &mut used),
                description: meaning.clone().unwrap_or_default(),
                source: Some(file.clone()),
            });
        }
        doc.values = values;
        return EnumPlan { doc, imported };
    }

    let names: BTreeMap<String, String> = old
        .map(|o| {
            o.values
                .iter()
                .filter_map(|v| Some((v.value.as_str()?.to_owned(), v.name.clone())))
                .collect()
        })
        .unwrap_or_default();
    let mut order: Vec<&Listed> = Vec::new();
    if let Some(old) = old {
        for value in &old.values {
            if let Some(entry) = listed
                .iter()
                .find(|(v, ..)| value.value.as_str() == Some(v))
            {
                order.push(entry);
            }
        }
    }
    for entry in &listed {
        if !order.iter().any(|(v, ..)| *v == entry.0) {
            order.push(entry);
        }
    }
    let mut used: BTreeSet<String> = order
        .iter()
        .filter_map(|(v, ..)| names.get(v).cloned())
        .collect();
    let values = order
        .iter()
        .enumerate()
        .map(|(index, (value, meaning, _))| ValueDef {
            value: Value::String(value.clone()),
            name: names
                .get(value)
                .cloned()
                .unwrap_or_else(|| unique(variant_name(value, index), &mut used)),
            description: meaning.clone().unwrap_or_default(),
            source: None,
        })
        .collect();
    let first = &tree.enums[class.locs[0].0];
    let owner = classes.name_of(first.owner);
    let row_description = tree.locs[first.owner.0]
        .rows
        .iter()
        .find(|r| r.name == first.field)
        .map(|r| r.description.as_str())
        .unwrap_or_default();
    let gist = prose::gist(row_description);
    let description = if gist.is_empty() {
        format!("Values of {owner}.{}.", first.field)
    } else {
        format!("{gist}: values of {owner}.{}.", first.field)
    };
    let decisions = old
        .map(|o| {
            o.decisions
                .iter()
                .filter(|d| !is_import_decision(d))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    EnumPlan {
        doc: EnumDef {
            name: class.name.clone(),
            kind: EnumKind::Enum,
            repr: Repr::String,
            source: files.into_iter().collect(),
            description,
            decisions,
            values,
            module: None,
        },
        imported,
    }
}
