//! The type graph: which fields must be boxed to break a cycle, which cycles can have no finite
//! value, and where each object is used (requests, responses).

use std::collections::BTreeSet;

use super::{Resolver, TypeTable};
use crate::model::{MediaType, Operation, TypeEntry, TypeId, TypeKind, TypeRef};
use crate::spec::Spec;

/// Direct (not through an array) object references of `id`: `(field index, target, required)`.
fn direct_refs(types: &[TypeEntry], id: TypeId) -> Vec<(usize, TypeId, bool)> {
    match &types[id.0].kind {
        TypeKind::Object(object) => object
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match f.ty {
                TypeRef::Named(target) if matches!(types[target.0].kind, TypeKind::Object(_)) => {
                    Some((i, target, f.required))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn reaches(types: &[TypeEntry], from: TypeId, target: TypeId, required_only: bool) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(id) = stack.pop() {
        if id == target {
            return true;
        }
        if seen.insert(id) {
            stack.extend(
                direct_refs(types, id)
                    .into_iter()
                    .filter(|(_, _, required)| !required_only || *required)
                    .map(|(_, next, _)| next),
            );
        }
    }
    false
}

/// Every object reachable from `roots`, through fields and arrays.
fn reachable(types: &[TypeEntry], roots: impl IntoIterator<Item = TypeId>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<TypeId> = roots.into_iter().collect();
    while let Some(id) = stack.pop() {
        if let TypeKind::Object(object) = &types[id.0].kind
            && seen.insert(id)
        {
            stack.extend(object.fields.iter().filter_map(|f| f.ty.named()));
        }
    }
    seen
}

/// Fills in boxing and usage, and reports cycles of required fields and required response fields.
pub(super) fn link(
    r: &mut Resolver<'_>,
    spec: &Spec,
    table: &TypeTable<'_>,
    types: &mut [TypeEntry],
    operations: &[Operation],
) {
    for index in 0..types.len() {
        let id = TypeId(index);
        let boxed: Vec<(usize, bool)> = direct_refs(types, id)
            .into_iter()
            .filter(|(_, target, _)| reaches(types, *target, id, false))
            .map(|(field, target, required)| (field, required && reaches(types, target, id, true)))
            .collect();
        let (declaration, _) = table.def(spec, id);
        let name = types[index].name.clone();
        if let TypeKind::Object(object) = &mut types[index].kind {
            for (field, required_cycle) in boxed {
                object.fields[field].boxed = true;
                if required_cycle {
                    r.error(
                        format!("$.types[{declaration}].fields[{field}]"),
                        format!(
                            "field {:?} of {name} is required and leads back to {name} through required fields only, so no finite value exists; make one field of the cycle optional or an array",
                            object.fields[field].wire_name
                        ),
                    );
                }
            }
        }
    }

    let requests = reachable(
        types,
        operations
            .iter()
            .filter_map(|op| op.request_body.as_ref().map(|b| b.ty)),
    );
    let bodies = |media_type: MediaType| {
        operations
            .iter()
            .filter_map(move |op| op.request_body.as_ref())
            .filter(move |b| b.media_type == media_type)
            .map(|b| b.ty)
    };
    let patches = reachable(types, bodies(MediaType::MergePatch));
    let plain_requests = reachable(types, bodies(MediaType::Json));
    let responses = reachable(
        types,
        operations.iter().flat_map(|op| {
            std::iter::once(&op.success)
                .chain(op.errors.iter().map(|e| &e.response))
                .filter_map(|response| response.body)
        }),
    );
    for (index, entry) in types.iter_mut().enumerate() {
        let id = TypeId(index);
        let name = entry.name.clone();
        if let TypeKind::Object(object) = &mut entry.kind {
            object.usage.request = requests.contains(&id);
            object.usage.response = responses.contains(&id);
            object.usage.patch = patches.contains(&id);
            if object.usage.patch && (object.usage.response || plain_requests.contains(&id)) {
                let (declaration, _) = table.def(spec, id);
                r.error(format!("$.types[{declaration}].name"), format!("{name} is part of a merge-patch body, where each optional member can also be null, and is used elsewhere too; give the merge-patch body its own types"));
            }
            if object.usage.response {
                let (declaration, _) = table.def(spec, id);
                for (j, field) in object.fields.iter().enumerate() {
                    if field.required {
                        r.error(format!("$.types[{declaration}].fields[{j}].required"), format!("{name} is used in a response, and response fields are never required (a response table promises none); drop \"required\" or give the request its own type"));
                    }
                }
            }
        }
    }
}
