//! Which module of `service.modules` each operation and type is in. A module the spec already
//! gives is kept (moving a type out of a module is a breaking change, so it is a person's
//! decision); the others are found here. An operation without one gets the module whose `tags`
//! list its definition's tag (Huawei's API Explorer group), else that of the operation whose path
//! shares the most segments with its own (the API version aside, and at least the resource's
//! segment). A type without one gets the module of the operations that use it, through
//! any chain of members, when they are all in one; a type several modules use stays at the top of
//! `models` (and moving it into a module later breaks nobody: `models::Type` stays).

use std::collections::{BTreeMap, BTreeSet};

use crate::resolve::type_expr::parse_type_expr;
use crate::spec::{Operation, Spec, TypeDef};

/// Gives operations and types without a module theirs; a spec without modules is left as it is.
/// `tags` has each definition's tags by operation ID.
pub fn assign(
    old: &Spec,
    tags: &BTreeMap<String, Vec<String>>,
    types: &mut [TypeDef],
    operations: &mut [Operation],
) {
    if old.service.modules.is_empty() {
        return;
    }
    let old_ops: BTreeMap<&str, Option<&str>> = old
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o.module.as_deref()))
        .collect();
    for i in 0..operations.len() {
        if let Some(Some(kept)) = old_ops.get(operations[i].name.as_str()) {
            operations[i].module = Some((*kept).to_owned());
            continue;
        }
        let tagged = operations[i]
            .operation_id
            .as_ref()
            .and_then(|id| tags.get(id))
            .and_then(|tags| {
                old.service
                    .modules
                    .iter()
                    .find(|m| m.tags.iter().any(|t| tags.contains(t)))
            });
        if let Some(module) = tagged {
            operations[i].module = Some(module.name.clone());
            continue;
        }
        let own = resource_segments(&operations[i].path);
        let best = operations
            .iter()
            .enumerate()
            .filter(|(j, other)| *j != i && other.module.is_some())
            .map(|(_, other)| (common_prefix(&own, &resource_segments(&other.path)), other))
            .filter(|(shared, _)| *shared >= 2)
            .fold(
                None::<(usize, &Operation)>,
                |best, (shared, other)| match best {
                    Some((most, _)) if most >= shared => best,
                    _ => Some((shared, other)),
                },
            );
        operations[i].module = best.and_then(|(_, other)| other.module.clone());
    }

    let old_types: BTreeMap<&str, &str> = old
        .types
        .iter()
        .filter_map(|t| Some((t.name(), t.module()?)))
        .collect();
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name().to_owned(), i))
        .collect();
    let members: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match t {
            TypeDef::Object(object) => object
                .fields
                .iter()
                .filter_map(|f| named(&f.type_expr).and_then(|name| index.get(&name).copied()))
                .collect(),
            TypeDef::Enum(_) | TypeDef::Flags(_) => Vec::new(),
        })
        .collect();
    // The modules whose operations reach each type.
    let mut reached: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); types.len()];
    for op in operations.iter() {
        let Some(module) = op.module.as_deref() else {
            continue;
        };
        let mut stack: Vec<usize> = op
            .params()
            .map(|(_, p)| p.type_expr.as_str())
            .chain(op.request_body.iter().map(|b| b.type_name.as_str()))
            .chain(op.responses.iter().filter_map(|r| r.body.as_deref()))
            .filter_map(|expr| named(expr).and_then(|name| index.get(&name).copied()))
            .collect();
        while let Some(i) = stack.pop() {
            if reached[i].insert(module) {
                stack.extend(&members[i]);
            }
        }
    }
    let modules: Vec<Option<String>> = types
        .iter()
        .zip(&reached)
        .map(|(ty, reached)| match old_types.get(ty.name()) {
            Some(kept) => Some((*kept).to_owned()),
            None if reached.len() == 1 => reached.first().map(|m| (*m).to_owned()),
            None => None,
        })
        .collect();
    for (ty, module) in types.iter_mut().zip(modules) {
        ty.set_module(module);
    }
}

fn named(expr: &str) -> Option<String> {
    parse_type_expr(expr).ok()?.named().map(str::to_owned)
}

/// The path's segments after the API version (`v2`).
fn resource_segments(path: &str) -> Vec<&str> {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.first().is_some_and(|s| {
        s.strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }) {
        segments.remove(0);
    }
    segments
}

fn common_prefix(a: &[&str], b: &[&str]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: serde_json::Value) -> Spec {
        crate::spec::parse("unit.json", &text.to_string()).unwrap()
    }

    fn op(name: &str, path: &str, module: Option<&str>, body: &str) -> serde_json::Value {
        let mut op = serde_json::json!({
            "name": name, "method": "GET", "path": path,
            "responses": [{ "status": 200, "description": "OK", "body": body }],
        });
        if let Some(module) = module {
            op["module"] = module.into();
        }
        op
    }

    fn object(name: &str, module: Option<&str>, members: &[&str]) -> serde_json::Value {
        let fields: Vec<_> = members
            .iter()
            .enumerate()
            .map(|(i, ty)| serde_json::json!({ "name": format!("m{i}"), "type": ty }))
            .collect();
        let mut object = serde_json::json!({ "name": name, "kind": "object", "fields": fields });
        if let Some(module) = module {
            object["module"] = module.into();
        }
        object
    }

    fn spec(types: Vec<serde_json::Value>, operations: Vec<serde_json::Value>) -> Spec {
        parse(serde_json::json!({
            "format_version": 1,
            "service": { "name": "unit", "title": "Unit", "description": "d",
                "modules": [ { "name": "pools", "description": "P.", "tags": ["资源池管理"] },
                             { "name": "nodes", "description": "N." } ] },
            "types": types,
            "operations": operations,
        }))
    }

    #[test]
    fn new_operations_and_types_get_modules_and_kept_ones_stay() {
        let old = spec(
            vec![
                object("Pool", Some("pools"), &["Shared"]),
                object("Shared", None, &[]),
                object("NodeList", Some("nodes"), &[]),
            ],
            vec![
                op(
                    "show_pool",
                    "/v2/{project_id}/pools/{pool_name}",
                    Some("pools"),
                    "Pool",
                ),
                op(
                    "list_nodes",
                    "/v2/{project_id}/pools/{pool_name}/nodes",
                    Some("nodes"),
                    "NodeList",
                ),
            ],
        );
        let new = spec(
            vec![
                // Now also reached from nodes: it stays where it was.
                object("Pool", Some("pools"), &["Shared"]),
                object("Shared", None, &[]),
                object("NodeList", Some("nodes"), &["Pool", "NodeItem"]),
                object("NodeItem", None, &["Detail"]),
                object("Detail", None, &[]),
                object("Quota", None, &[]),
            ],
            vec![
                op(
                    "show_pool",
                    "/v2/{project_id}/pools/{pool_name}",
                    Some("pools"),
                    "Pool",
                ),
                op(
                    "list_nodes",
                    "/v2/{project_id}/pools/{pool_name}/nodes",
                    Some("nodes"),
                    "NodeList",
                ),
                // Shares `pools/{pool_name}/nodes` with list_nodes, more than with show_pool.
                op(
                    "show_node",
                    "/v1/{project_id}/pools/{pool_name}/nodes/{node}",
                    None,
                    "NodeItem",
                ),
                // Shares only the project with the others: no module.
                op("show_quota", "/v2/{project_id}/quotas", None, "Quota"),
                // Its definition's tag is one the pools module lists.
                {
                    let mut op = op("show_bill", "/v2/{project_id}/bills", None, "Quota");
                    op["operation_id"] = "ShowBill".into();
                    op
                },
            ],
        );
        let tags = BTreeMap::from([("ShowBill".to_owned(), vec!["资源池管理".to_owned()])]);
        let (mut types, mut operations) = (new.types, new.operations);
        assign(&old, &tags, &mut types, &mut operations);
        let ops: Vec<_> = operations.iter().map(|o| o.module.as_deref()).collect();
        assert_eq!(
            ops,
            [
                Some("pools"),
                Some("nodes"),
                Some("nodes"),
                None,
                Some("pools")
            ]
        );
        let types: Vec<_> = types.iter().map(|t| (t.name(), t.module())).collect();
        assert_eq!(
            types,
            [
                ("Pool", Some("pools")),
                // Reached from pools (through Pool) and from nodes (through NodeList → Pool).
                ("Shared", None),
                ("NodeList", Some("nodes")),
                ("NodeItem", Some("nodes")),
                ("Detail", Some("nodes")),
                // Used by show_quota (no module) and show_bill (pools): only one module.
                ("Quota", Some("pools")),
            ]
        );
    }
}
