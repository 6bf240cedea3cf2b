//! The spec's `types` after an import: the spec's own order, new types after them (objects, then
//! enums, in the order they were found); `required` decided by where each type is used (response
//! types promise nothing); the importer's types that nothing uses any more left out.

use std::collections::{BTreeMap, BTreeSet};

use super::enums::EnumPlan;
use super::objects::ObjectPlan;
use super::tree::inner_name;
use crate::spec::{IMPORT_TAG, Operation, Spec, TypeDef};

/// Type names used from request bodies and from responses.
pub struct Usage {
    pub response: BTreeSet<String>,
    pub all: BTreeSet<String>,
}

fn names_in(expr: &str) -> Option<String> {
    inner_name(expr).map(str::to_owned)
}

pub fn usage(types: &BTreeMap<String, TypeDef>, operations: &[Operation]) -> Usage {
    let reach = |roots: Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut stack = roots;
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(TypeDef::Object(object)) = types.get(&name) {
                stack.extend(object.fields.iter().filter_map(|f| names_in(&f.type_expr)));
            }
        }
        seen
    };
    let responses: Vec<String> = operations
        .iter()
        .flat_map(|op| op.responses.iter().filter_map(|r| r.body.clone()))
        .collect();
    let requests: Vec<String> = operations
        .iter()
        .filter_map(|op| op.request_body.as_ref().map(|b| b.type_name.clone()))
        .collect();
    let response = reach(responses.clone());
    let mut all = reach(requests);
    all.extend(response.iter().cloned());
    // The enums parameters name.
    all.extend(
        operations
            .iter()
            .flat_map(|op| op.params().filter_map(|(_, p)| names_in(&p.type_expr))),
    );
    Usage { response, all }
}

pub fn assemble(
    doc: &Spec,
    objects: Vec<ObjectPlan>,
    enums: Vec<EnumPlan>,
    operations: &[Operation],
) -> Vec<TypeDef> {
    let mut produced: BTreeMap<String, TypeDef> = BTreeMap::new();
    let mut new_order: Vec<String> = Vec::new();
    let mut plans: BTreeMap<String, ObjectPlan> = BTreeMap::new();
    for plan in objects {
        if !plan.existed {
            new_order.push(plan.doc.name.clone());
        }
        produced.insert(plan.doc.name.clone(), TypeDef::Object(plan.doc.clone()));
        plans.insert(plan.doc.name.clone(), plan);
    }
    let mut new_enums = Vec::new();
    for plan in enums {
        let name = plan.doc.name.clone();
        if !doc.types.iter().any(|t| t.name() == name) {
            new_enums.push(name.clone());
        }
        produced.insert(name, TypeDef::enum_like(plan.doc));
    }
    new_order.extend(new_enums);

    // Every type the spec could keep, to see what is used.
    let mut all: BTreeMap<String, TypeDef> = doc
        .types
        .iter()
        .map(|t| (t.name().to_owned(), t.clone()))
        .collect();
    all.extend(produced.clone());
    let used = usage(&all, operations);

    // `required` by usage.
    for (name, plan) in &plans {
        let Some(TypeDef::Object(object)) = produced.get_mut(name) else {
            continue;
        };
        let in_response = used.response.contains(name);
        let mut dropped = Vec::new();
        for (field, row) in object.fields.iter_mut().zip(&plan.rows) {
            if row.kept {
                continue;
            }
            field.required = if in_response {
                if row.required_by_request {
                    dropped.push(field.name.clone());
                }
                None
            } else if row.added_to_authored {
                Some(false)
            } else {
                Some(row.def_required)
            };
        }
        if plan.imported && !dropped.is_empty() {
            object.decisions.push(format!(
                "{IMPORT_TAG}Requests and responses share this type; request definitions require {}, but response types promise no member, so none is required here.",
                dropped.join(", ")
            ));
        }
    }

    let keep = |name: &str, ty: &TypeDef| used.all.contains(name) || !ty.source().is_imported();
    let mut out = Vec::new();
    for old in &doc.types {
        let name = old.name();
        let ty = produced.get(name).cloned().unwrap_or_else(|| old.clone());
        if keep(name, &ty) {
            out.push(ty);
        }
    }
    for name in new_order {
        let ty = produced[&name].clone();
        if keep(&name, &ty) {
            out.push(ty);
        }
    }
    out
}
