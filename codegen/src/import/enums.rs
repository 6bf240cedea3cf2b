//! Enumerations: the values each class's locations list, merged with what the spec has. As for
//! objects, an enum whose `source` names only definition files is the importer's; any other keeps
//! its values, and values only the definitions have are added with `source` naming the file.
//! Variant names a spec already has (by wire value) are kept, so renaming a variant sticks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::classes::{Classes, EnumClass};
use super::doc::{Doc, EnumDoc, EnumKind, TypeDoc, ValueDoc, is_import_decision};
use super::objects::imported_source;
use super::prose;
use super::tree::Tree;
use crate::naming;

/// A variant name for a wire value: `Dedicate`, `x-infer` → `XInfer`, `60` → `Value60`, `""` →
/// `Empty`; `Unknown` is reserved, so `Unknown` becomes `UnknownValue`.
pub fn variant_name(value: &str, index: usize) -> String {
    if value.is_empty() {
        return "Empty".to_owned();
    }
    let name = match naming::upper_camel_case(value) {
        Some(name) if name.starts_with('_') => format!("Value{}", name.trim_start_matches('_')),
        Some(name) => name,
        None => format!("Value{}", index + 1),
    };
    match name.as_str() {
        "Unknown" => "UnknownValue".to_owned(),
        _ if naming::is_upper_camel_ident(&name) => name,
        _ => format!("Value{}", index + 1),
    }
}

fn unique(name: String, used: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

pub struct EnumPlan {
    pub doc: EnumDoc,
    pub imported: bool,
}

pub fn build(tree: &Tree<'_>, classes: &Classes, doc: &Doc) -> Vec<EnumPlan> {
    let existing: BTreeMap<&str, &EnumDoc> = doc
        .types
        .iter()
        .filter_map(|t| match t {
            TypeDoc::Enum(e) => Some((e.name.as_str(), e)),
            TypeDoc::Object(_) => None,
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
    old: Option<&EnumDoc>,
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
    let imported = old.is_none_or(|o| imported_source(o.source.as_deref()));

    if let Some(old) = old
        && !imported
    {
        // The spec's enum: its values stay; the definitions' other values are added.
        let mut doc = old.clone();
        doc.decisions.retain(|d| !is_import_decision(d));
        if old.kind != EnumKind::Enum || old.repr != "string" {
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
                        values.push(ValueDoc {
                            description: meaning.clone(),
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
            values.push(ValueDoc {
                value: Value::String(value.clone()),
                name: unique(variant_name(value, index), &mut used),
                description: meaning.clone(),
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
        .map(|(index, (value, meaning, _))| ValueDoc {
            value: Value::String(value.clone()),
            name: names
                .get(value)
                .cloned()
                .unwrap_or_else(|| unique(variant_name(value, index), &mut used)),
            description: meaning.clone(),
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
        doc: EnumDoc {
            name: class.name.clone(),
            kind: EnumKind::Enum,
            repr: "string".to_owned(),
            source: Some(files.into_iter().collect::<Vec<_>>().join(", ")),
            description: Some(description),
            decisions,
            values,
        },
        imported,
    }
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("Dedicate", 0), "Dedicate");
        assert_eq!(variant_name("x-infer", 0), "XInfer");
        assert_eq!(variant_name("create_time", 0), "CreateTime");
        assert_eq!(variant_name("v2", 0), "V2");
        assert_eq!(variant_name("60", 0), "Value60");
        assert_eq!(variant_name("", 0), "Empty");
        assert_eq!(variant_name("Unknown", 0), "UnknownValue");
        assert_eq!(variant_name("资源", 2), "Value3");
        assert_eq!(
            variant_name("application/merge-patch+json", 0),
            "ApplicationMergePatchJson"
        );
    }
}
