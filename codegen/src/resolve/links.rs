//! The links between operations: where a successful answer names an input of another
//! operation, so that a client (a stateful fuzzer) can chain them. One rule, for every spec:
//!
//! an operation that creates (a `POST` whose answer is an object with a string
//! `metadata.name`, the ID the service gives what it creates) on a collection path links to every
//! other operation whose path is that collection path followed by one `/{parameter}` and then
//! only literal segments (`/pools` → `/pools/{pool_name}`, `/pools/{pool_name}/nodes`). The new
//! parameter is the answer's `metadata.name`; every parameter of the collection path is the
//! creating request's own.

use std::collections::BTreeMap;

use super::tables::follow;
use crate::model::{
    Answer, HttpMethod, Link, Operation, PathSegment, Primitive, TypeEntry, TypeRef,
};

/// The answer member that holds what a creating operation made: its name, the ID the linked
/// operations take.
pub(crate) const CREATED_NAME: &str = "metadata.name";

/// The runtime expression of [`CREATED_NAME`] in a link.
fn created_name_expression() -> String {
    format!("$response.body#/{}", CREATED_NAME.replace('.', "/"))
}

/// Fills each operation's `links` by the rule.
pub(super) fn link_operations(types: &[TypeEntry], operations: &mut [Operation]) {
    let links: Vec<Vec<Link>> = operations
        .iter()
        .map(|creator| links_from(types, creator, operations))
        .collect();
    for (op, links) in operations.iter_mut().zip(links) {
        op.links = links;
    }
}

fn links_from(types: &[TypeEntry], creator: &Operation, operations: &[Operation]) -> Vec<Link> {
    if creator.method != HttpMethod::Post {
        return Vec::new();
    }
    let Answer::Body(body) = creator.success.answer() else {
        return Vec::new();
    };
    if !matches!(
        follow(types, body, CREATED_NAME),
        Ok((TypeRef::Primitive(Primitive::String), _))
    ) {
        return Vec::new();
    }
    let wire = |op: &Operation, index: usize| op.params[index].wire_name.clone();
    let prefix = &creator.path_segments;
    operations
        .iter()
        .enumerate()
        .filter(|(_, target)| target.name != creator.name)
        .filter_map(|(index, target)| {
            let segments = &target.path_segments;
            if segments.len() <= prefix.len() {
                return None;
            }
            let mut parameters = BTreeMap::new();
            for (mine, theirs) in prefix.iter().zip(segments) {
                match (mine, theirs) {
                    (PathSegment::Literal(a), PathSegment::Literal(b)) if a == b => {}
                    (PathSegment::Param(a), PathSegment::Param(b))
                        if wire(creator, *a) == wire(target, *b) =>
                    {
                        let name = wire(target, *b);
                        parameters.insert(name.clone(), format!("$request.path.{name}"));
                    }
                    _ => return None,
                }
            }
            let PathSegment::Param(new) = segments[prefix.len()] else {
                return None;
            };
            if segments[prefix.len() + 1..]
                .iter()
                .any(|s| matches!(s, PathSegment::Param(_)))
            {
                return None;
            }
            parameters.insert(wire(target, new), created_name_expression());
            Some(Link {
                operation: index,
                parameters,
            })
        })
        .collect()
}
