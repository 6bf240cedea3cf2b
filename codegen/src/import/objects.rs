//! Object types: each class's members, from all its locations, merged with what the spec has.
//!
//! Who owns a row:
//! - a type whose `source` names only definition files (`*.json`) is the importer's: its rows
//!   are rewritten from the definitions on every import;
//! - any other type (the seeds', or one a person wrote) keeps every row it has; rows only the
//!   definitions have are added, optional, with `source` naming the definition file, and those
//!   rows are the importer's;
//! - a row of the importer's with a person's decision (one that does not start with `[import]`)
//!   is kept as it is; if the definition now says something else about it, that is reported.

use std::collections::{BTreeMap, BTreeSet};

use super::classes::Classes;
use super::tree::{Ctx, LocId, Natural, RowOcc, Tree};
use crate::spec::{
    FieldDef, IMPORT_TAG, ObjectDef, ObjectKind, Sources, Spec, TypeDef, import_decision,
    is_import_decision,
};

/// A row the importer computed, with what `required` becomes once usage is known.
#[derive(Debug, Clone)]
pub struct RowPlan {
    /// Kept exactly as the spec has it (a seed row, or a person's decision).
    pub kept: bool,
    /// What the definition says about `required` (the first location's).
    pub def_required: bool,
    /// Added to a type the importer does not own: optional whatever the definition says.
    pub added_to_authored: bool,
    /// Required by a request location.
    pub required_by_request: bool,
}

#[derive(Debug, Clone)]
pub struct ObjectPlan {
    pub doc: ObjectDef,
    pub rows: Vec<RowPlan>,
    /// The importer owns the type.
    pub imported: bool,
    pub existed: bool,
}

fn first_files(locs: &[LocId], tree: &Tree<'_>) -> Sources {
    let files: BTreeSet<&str> = locs.iter().map(|l| tree.locs[l.0].file.as_str()).collect();
    files.into_iter().collect()
}

/// Builds every class's object type. `contradictions` collects rows a person's decision keeps
/// against what the definitions now say.
pub fn build(
    tree: &Tree<'_>,
    classes: &Classes,
    doc: &Spec,
    contradictions: &mut Vec<String>,
) -> Vec<ObjectPlan> {
    let existing: BTreeMap<&str, &ObjectDef> = doc
        .types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Object(o) => Some((o.name.as_str(), o)),
            TypeDef::Enum(_) | TypeDef::Flags(_) => None,
        })
        .collect();
    classes
        .classes
        .iter()
        .map(|class| {
            let old = existing.get(class.name.as_str()).copied();
            build_one(tree, classes, &class.name, &class.locs, old, contradictions)
        })
        .collect()
}

struct Merged<'t> {
    name: String,
    occs: Vec<(LocId, &'t RowOcc)>,
}

fn build_one(
    tree: &Tree<'_>,
    classes: &Classes,
    name: &str,
    locs: &[LocId],
    old: Option<&ObjectDef>,
    contradictions: &mut Vec<String>,
) -> ObjectPlan {
    // Rows by wire name, in discovery order.
    let mut merged: Vec<Merged<'_>> = Vec::new();
    for loc in locs {
        for row in &tree.locs[loc.0].rows {
            match merged.iter_mut().find(|m| m.name == row.name) {
                Some(m) => m.occs.push((*loc, row)),
                None => merged.push(Merged {
                    name: row.name.clone(),
                    occs: vec![(*loc, row)],
                }),
            }
        }
    }
    let imported = old.is_none_or(|o| o.source.is_imported());
    let first = &tree.locs[locs[0].0];

    let mut fields = Vec::new();
    let mut rows = Vec::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    if let Some(old) = old {
        for field in &old.fields {
            let import_owned = imported || field.source.is_some();
            let computed = merged.iter().find(|m| m.name == field.name);
            let person = field
                .decision
                .as_deref()
                .is_some_and(|d| !is_import_decision(d));
            if !import_owned || person {
                if import_owned && person {
                    contradict(tree, classes, name, field, computed, contradictions);
                }
                if computed.is_some() {
                    done.insert(field.name.clone());
                }
                fields.push(field.clone());
                rows.push(RowPlan {
                    kept: true,
                    def_required: false,
                    added_to_authored: false,
                    required_by_request: false,
                });
                continue;
            }
            let Some(computed) = computed else {
                continue; // the definitions no longer have it
            };
            done.insert(field.name.clone());
            let (mut new, plan) = row(tree, classes, computed, !imported);
            new.rust_name = field.rust_name.clone();
            new.wire_required = field.wire_required;
            if new.min_items.is_none() {
                new.min_items = field.min_items;
            }
            fields.push(new);
            rows.push(plan);
        }
    }
    for m in &merged {
        if done.contains(&m.name) {
            continue;
        }
        let (new, plan) = row(tree, classes, m, !imported);
        fields.push(new);
        rows.push(plan);
    }

    let doc = match old {
        Some(old) if !imported => ObjectDef {
            fields,
            decisions: old
                .decisions
                .iter()
                .filter(|d| !is_import_decision(d))
                .cloned()
                .collect(),
            ..old.clone()
        },
        _ => {
            let mut decisions: Vec<String> = old
                .map(|o| {
                    o.decisions
                        .iter()
                        .filter(|d| !is_import_decision(d))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            decisions.extend(type_decisions(tree, locs));
            ObjectDef {
                name: name.to_owned(),
                kind: ObjectKind::Object,
                doc_name: match &first.natural {
                    Natural::Def(def) => Some(def.clone()),
                    Natural::Inline(field) => Some(field.clone()),
                    Natural::Root => None,
                },
                source: first_files(locs, tree),
                module: None,
                description: first
                    .description
                    .clone()
                    .or_else(|| old.map(|o| o.description.clone()))
                    .unwrap_or_default(),
                decisions,
                fields,
                rules: old.map(|o| o.rules.clone()).unwrap_or_default(),
            }
        }
    };
    ObjectPlan {
        doc,
        rows,
        imported,
        existed: old.is_some(),
    }
}

fn type_decisions(tree: &Tree<'_>, locs: &[LocId]) -> Vec<String> {
    let mut decisions = Vec::new();
    let first = &tree.locs[locs[0].0];
    if let Some((base, required)) = &first.narrows {
        decisions.push(format!(
            "{IMPORT_TAG}The definition writes this member as allOf {base} plus {} required, so it is a type of its own: {base}'s members with those required.",
            required.join(", ")
        ));
    }
    let members: BTreeSet<&str> = locs
        .iter()
        .flat_map(|l| tree.locs[l.0].rows.iter().map(|r| r.name.as_str()))
        .collect();
    let stray: BTreeSet<&str> = locs
        .iter()
        .flat_map(|l| tree.locs[l.0].stray_required.iter().map(String::as_str))
        .filter(|name| !members.contains(name))
        .collect();
    if !stray.is_empty() {
        decisions.push(format!(
            "{IMPORT_TAG}The definition lists {} as required but has no such member; nothing is required for it.",
            stray.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if first.parent.is_none() && first.natural == Natural::Root && first.rows.is_empty() {
        decisions.push(format!(
            "{IMPORT_TAG}The definition's body is any JSON object; the type lists no members and keeps every member it is sent."
        ));
    }
    decisions
}

/// A row from its occurrences; `authored` when the type is not the importer's.
fn row(tree: &Tree<'_>, classes: &Classes, m: &Merged<'_>, authored: bool) -> (FieldDef, RowPlan) {
    let (first_loc, first) = m.occs[0];
    let expr = classes.type_expr(&first.ty);
    let mut notes: Vec<String> = Vec::new();
    for (_, occ) in &m.occs {
        for note in &occ.notes {
            if !notes.contains(note) {
                notes.push(note.clone());
            }
        }
    }
    let file = |loc: LocId| tree.locs[loc.0].file.clone();
    let mut other_types: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (loc, occ) in &m.occs[1..] {
        let other = classes.type_expr(&occ.ty);
        if other != expr {
            other_types.entry(other).or_default().insert(file(*loc));
        }
    }
    if !other_types.is_empty() {
        let others: Vec<String> = other_types
            .iter()
            .map(|(ty, files)| {
                format!(
                    "{ty} in {}",
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        notes.push(format!(
            "The definitions disagree on its type: {expr} in {} (used), {}.",
            file(first_loc),
            others.join("; ")
        ));
    }
    let requests: Vec<&(LocId, &RowOcc)> = m
        .occs
        .iter()
        .filter(|(loc, _)| tree.locs[loc.0].ctx != Ctx::Response)
        .collect();
    if requests
        .iter()
        .any(|(_, occ)| occ.required != first.required)
    {
        let (yes, no): (Vec<_>, Vec<_>) = requests.iter().partition(|(_, occ)| occ.required);
        let names = |list: &[&&(LocId, &RowOcc)]| {
            list.iter()
                .map(|(loc, _)| file(*loc))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
        };
        notes.push(format!(
            "The definitions disagree on whether it is required: yes in {}, no in {}; the first ({}) is used.",
            names(&yes),
            names(&no),
            file(first_loc)
        ));
    }
    let required_by_request = requests.iter().any(|(_, occ)| occ.required);
    if authored && first.required && tree.locs[first_loc.0].ctx != Ctx::Response {
        notes.push(
            "The definition marks it required, but the type's own source does not have it, so it is added as optional."
                .to_owned(),
        );
    }
    let field = FieldDef {
        name: m.name.clone(),
        required: Some(first.required),
        source_type: Some(first.source_type.clone()),
        type_expr: expr,
        description: first.description.clone(),
        min_items: first.min_items,
        wire_required: None,
        rust_name: None,
        source: authored.then(|| file(first_loc)),
        decision: import_decision(&notes),
    };
    let plan = RowPlan {
        kept: false,
        def_required: first.required,
        added_to_authored: authored,
        required_by_request,
    };
    (field, plan)
}

/// A row a person's decision keeps: reports what the definitions now say, if it differs.
fn contradict(
    tree: &Tree<'_>,
    classes: &Classes,
    type_name: &str,
    field: &FieldDef,
    computed: Option<&Merged<'_>>,
    out: &mut Vec<String>,
) {
    let decision = field.decision.as_deref().unwrap_or_default();
    let Some(m) = computed else {
        out.push(format!(
            "type {type_name}, field {:?}: the definitions no longer have it; kept because of its decision: {decision:?}",
            field.name
        ));
        return;
    };
    let (_, first) = m.occs[0];
    let mut differences = Vec::new();
    if field.source_type.as_deref() != Some(first.source_type.as_str()) {
        differences.push(format!(
            "the definition's type is now {:?} (the row records {:?}, and uses {})",
            first.source_type,
            field.source_type.as_deref().unwrap_or(""),
            field.type_expr
        ));
    }
    if let Some(required) = field.required
        && required != first.required
        && field.source.is_none()
        && tree.locs[m.occs[0].0.0].ctx != Ctx::Response
    {
        differences.push(format!(
            "the definition now says {}required (the row says {})",
            if first.required { "" } else { "not " },
            if required { "required" } else { "optional" }
        ));
    }
    let _ = classes;
    if !differences.is_empty() {
        out.push(format!(
            "type {type_name}, field {:?}: {}; kept because of its decision: {decision:?}",
            field.name,
            differences.join(", ")
        ));
    }
}
