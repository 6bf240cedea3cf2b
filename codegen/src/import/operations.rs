//! Operations: parameters, bodies, responses, examples and pagination from each definition,
//! merged with what the spec has. An operation whose `source` is a definition file is the
//! importer's; any other (the seeds') keeps everything it has and only gains its operation ID and
//! the query and header parameters only the definition has (optional, with `source`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::classes::Classes;
use super::params::Listing;
use super::prose;
use super::swagger::{self, DefError, DefOp, DefParam, ParamIn, Scalar, Shape};
use super::tree::{self, Slot, Tree, TyShape};
use crate::naming;
use crate::spec::{
    BodyDef, Choice, IMPORT_TAG, MediaType, Operation, PaginationDef, ParamDef, ResponseDef, Spec,
    import_decision, is_import_decision, wire_text,
};

/// Every operation of the definitions, in their order, merged with the spec's; then the spec's
/// other operations: kept if the importer does not own them (or a person's decision holds them),
/// dropped otherwise.
pub fn build(
    tree: &Tree<'_>,
    classes: &Classes,
    doc: &Spec,
    contradictions: &mut Vec<String>,
    listings: &mut Vec<Listing>,
) -> Result<Vec<Operation>, DefError> {
    let mut built: Vec<(Option<usize>, Operation)> = Vec::new();
    let mut matched = BTreeSet::new();
    for (index, op) in tree.ops.iter().enumerate() {
        let old = doc.operations.iter().position(|o| tree::matches_op(o, op));
        if let Some(i) = old {
            matched.insert(i);
        }
        let old_doc = old.map(|i| &doc.operations[i]);
        let new = match old_doc {
            Some(old) if !old.is_imported() => authored(op, old, index, tree, listings)?,
            _ => imported(tree, classes, index, old_doc, contradictions, listings)?,
        };
        built.push((old, new));
    }
    // The spec's order first, then new operations in the definitions' order.
    let mut out: Vec<Operation> = Vec::new();
    for (i, old) in doc.operations.iter().enumerate() {
        if let Some((_, new)) = built.iter().find(|(o, _)| *o == Some(i)) {
            out.push(new.clone());
        } else if !old.is_imported() {
            out.push(old.clone());
        } else if old.decisions.iter().any(|d| !is_import_decision(d)) {
            contradictions.push(format!(
                "operation {}: no definition describes it any more; kept because of its decisions",
                old.name
            ));
            out.push(old.clone());
        }
    }
    out.extend(
        built
            .into_iter()
            .filter(|(o, _)| o.is_none())
            .map(|(_, new)| new),
    );
    let _ = matched;
    Ok(out)
}

/// Parameters the spec does not list as parameters: a merge patch's `Content-Type`.
fn skipped(op: &DefOp<'_>, param: &DefParam<'_>, merge_patch: bool) -> bool {
    param.location == ParamIn::Header
        && param.name.eq_ignore_ascii_case("Content-Type")
        && (merge_patch || op.body.is_some())
}

/// A parameter's row, and the values its definition lists where they make it an enum (a string
/// or an array of strings whose description or `enum` keyword names its values).
fn param_doc(
    param: &DefParam<'_>,
    source: Option<&str>,
) -> Result<(ParamDef, Option<Vec<prose::ListedValue>>), DefError> {
    let mut notes = Vec::new();
    let shape = swagger::shape(&param.at)?;
    let scalar = |shape: &Shape<'_>| match shape {
        Shape::Scalar { scalar, .. } => Some(*scalar),
        _ => None,
    };
    let type_expr = match (param.location, &shape) {
        (ParamIn::Query, Shape::Array { items, .. }) if scalar(items).is_some() => {
            format!(
                "array<{}>",
                scalar(items).unwrap_or(Scalar::String).type_expr()
            )
        }
        (ParamIn::Query, other) if scalar(other).is_some() => scalar(other)
            .unwrap_or(Scalar::String)
            .type_expr()
            .to_owned(),
        (_, other) if scalar(other) == Some(Scalar::String) => "string".to_owned(),
        (location, _) => {
            notes.push(format!(
                "The definition types it {}; the format's {} parameters are {}, so it is a string.",
                swagger::describe(&param.at),
                location.as_str(),
                if location == ParamIn::Query {
                    "scalars or arrays of scalars"
                } else {
                    "strings"
                }
            ));
            "string".to_owned()
        }
    };
    // The scalar the values are of: the parameter's own, or its array's items'.
    let valued = match &shape {
        Shape::Array { items, .. } if type_expr.starts_with("array<") => Some(items.as_ref()),
        Shape::Scalar { .. } => Some(&shape),
        _ => None,
    };
    let mut enum_values = None;
    if let Some(Shape::Scalar {
        keyword_values,
        note,
        ..
    }) = valued
    {
        notes.extend(note.clone());
        let listed = keyword_values
            .clone()
            .map(|values| {
                values
                    .into_iter()
                    .map(|value| prose::ListedValue {
                        value,
                        meaning: None,
                    })
                    .collect()
            })
            .or_else(|| prose::listed_values(&param.description));
        let strings = matches!(type_expr.as_str(), "string" | "array<string>");
        match listed {
            Some(listed) if strings && !listed.is_empty() => {
                if listed
                    .iter()
                    .any(|v| v.value.chars().any(|c| !c.is_ascii() || c.is_whitespace()))
                {
                    notes.push(format!(
                        "The description lists {} as its values; they describe values rather than name them, so it stays {type_expr}.",
                        tree::listed_text(&listed)
                    ));
                } else {
                    enum_values = Some(listed);
                }
            }
            Some(listed) if type_expr != "boolean" && !strings => notes.push(format!(
                "The description lists the values {}; the format's enums are strings, so it stays {type_expr}.",
                tree::listed_text(&listed)
            )),
            _ => {}
        }
    }
    let rust_name = match param.location {
        ParamIn::Header => param
            .name
            .strip_prefix("X-ModelArts-")
            .and_then(naming::snake_case),
        _ => None,
    };
    // Path parameters stay strings: an enum there would be a value of the resource's name.
    if param.location == ParamIn::Path
        && let Some(listed) = enum_values.take()
    {
        notes.push(format!(
            "The description lists the values {}; path parameters are plain strings in the format, so it stays string.",
            tree::listed_text(&listed)
        ));
    }
    let doc = ParamDef {
        name: param.name.clone(),
        required: Some(param.location == ParamIn::Path || param.required),
        source_type: Some(swagger::describe(&param.at)),
        type_expr,
        description: param.description.clone(),
        bind: (param.location == ParamIn::Path && param.name == "project_id")
            .then(|| "project_id".to_owned()),
        rust_name,
        source: source.map(str::to_owned),
        decision: import_decision(&notes),
    };
    Ok((doc, enum_values))
}

/// A seed operation: everything it has stays; it gains its operation ID and the definition's
/// other query and header parameters.
fn authored(
    op: &DefOp<'_>,
    old: &Operation,
    index: usize,
    tree: &Tree<'_>,
    listings: &mut Vec<Listing>,
) -> Result<Operation, DefError> {
    let mut new = old.clone();
    new.operation_id
        .get_or_insert_with(|| op.operation_id.clone());
    for place in [ParamIn::Query, ParamIn::Header] {
        let list = match place {
            ParamIn::Query => &mut new.query_params,
            _ => &mut new.header_params,
        };
        let same = |a: &str, b: &str| {
            if place == ParamIn::Header {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        let mut kept: Vec<ParamDef> = Vec::new();
        for existing in list.iter() {
            if existing.source.is_none()
                || existing
                    .decision
                    .as_deref()
                    .is_some_and(|d| !is_import_decision(d))
            {
                kept.push(existing.clone());
            } else if let Some(param) = op
                .params
                .iter()
                .find(|p| p.location == place && same(&p.name, &existing.name))
            {
                let mut param = added_param(param, op, &old.name, listings)?;
                param.rust_name = existing.rust_name.clone().or(param.rust_name);
                kept.push(param);
            }
        }
        for param in op.params.iter().filter(|p| p.location == place) {
            if skipped(op, param, tree.merge_patch[index])
                || kept.iter().any(|k| same(&k.name, &param.name))
            {
                continue;
            }
            kept.push(added_param(param, op, &old.name, listings)?);
        }
        *list = kept;
    }
    Ok(new)
}

fn added_param(
    param: &DefParam<'_>,
    op: &DefOp<'_>,
    operation: &str,
    listings: &mut Vec<Listing>,
) -> Result<ParamDef, DefError> {
    let (mut doc, values) = param_doc(param, Some(&op.file.name))?;
    if let Some(values) = values {
        listings.push(Listing::new(operation, param, values, &op.file.name));
    }
    if param.required {
        doc.required = Some(false);
        let note = "The definition marks it required, but the operation's own source does not have it, so it is added as optional.";
        doc.decision = Some(match doc.decision {
            Some(d) => format!("{d} {note}"),
            None => format!("{IMPORT_TAG}{note}"),
        });
    }
    Ok(doc)
}

fn imported(
    tree: &Tree<'_>,
    classes: &Classes,
    index: usize,
    old: Option<&Operation>,
    contradictions: &mut Vec<String>,
    listings: &mut Vec<Listing>,
) -> Result<Operation, DefError> {
    let op = &tree.ops[index];
    let merge_patch = tree.merge_patch[index];
    let name = old
        .map(|o| o.name.clone())
        .or_else(|| naming::snake_case(&op.operation_id))
        .unwrap_or_default();
    let mut decisions: Vec<String> = Vec::new();

    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    let mut header_params = Vec::new();
    for param in &op.params {
        if skipped(op, param, merge_patch) {
            continue;
        }
        let (doc, values) = param_doc(param, None)?;
        if let Some(values) = values {
            listings.push(Listing::new(&name, param, values, &op.file.name));
        }
        match param.location {
            ParamIn::Path => path_params.push(doc),
            ParamIn::Query => query_params.push(doc),
            ParamIn::Header => header_params.push(doc),
        }
    }
    path_params.sort_by_key(|p| {
        op.path
            .find(&format!("{{{}}}", p.name))
            .unwrap_or(usize::MAX)
    });
    if let Some(media) = tree::content_type(op)
        && op.params.iter().any(|p| skipped(op, p, merge_patch))
    {
        decisions.push(if merge_patch {
            format!("The definition declares a required Content-Type header parameter ({media:?}); it is the request body's media type, not an option callers fill, so the body's media_type is {}.", wire_text(&MediaType::MergePatch))
        } else {
            format!("The definition declares a Content-Type header parameter ({media:?}); it is the request body's media type, which the client sets, so it is not a parameter.")
        });
    }

    // Keep what a person decided about parameters, and the Rust names they chose.
    if let Some(old) = old {
        for (key, list) in [
            ("path", &mut path_params),
            ("query", &mut query_params),
            ("header", &mut header_params),
        ] {
            for (place, existing) in old.params() {
                if place != key {
                    continue;
                }
                let person = existing
                    .decision
                    .as_deref()
                    .is_some_and(|d| !is_import_decision(d));
                let found = list.iter().position(|p| p.name == existing.name);
                match (found, person) {
                    (Some(i), true) => {
                        let now = &list[i];
                        if now.source_type != existing.source_type
                            || now.required != existing.required
                        {
                            contradictions.push(format!(
                                "operation {name}, {place} parameter {:?}: the definition now says {} ({}) where the row says {} ({}); kept because of its decision: {:?}",
                                existing.name,
                                now.source_type.as_deref().unwrap_or(""),
                                if now.required == Some(true) { "required" } else { "optional" },
                                existing.source_type.as_deref().unwrap_or(""),
                                if existing.required == Some(true) { "required" } else { "optional" },
                                existing.decision.as_deref().unwrap_or_default()
                            ));
                        }
                        list[i] = existing.clone();
                    }
                    (Some(i), false) => {
                        if existing.rust_name.is_some() {
                            list[i].rust_name.clone_from(&existing.rust_name);
                        }
                    }
                    (None, true) => {
                        contradictions.push(format!(
                            "operation {name}, {place} parameter {:?}: the definition no longer has it; kept because of its decision: {:?}",
                            existing.name,
                            existing.decision.as_deref().unwrap_or_default()
                        ));
                        list.push(existing.clone());
                    }
                    (None, false) => {}
                }
            }
        }
    }
    distinct_rust_names(&mut path_params, &mut query_params, &mut header_params);

    let request_body = match (&op.body, tree.roots.get(&(index, Slot::Request))) {
        (Some(body), Some(root)) => {
            if !body.required {
                decisions.push("The definition marks the request body optional; the format always sends one, so callers send {} when they have nothing to send.".to_owned());
            }
            if !op.unparsed_request_examples.is_empty() {
                decisions.push(format!(
                    "Request example(s) {} are not JSON and are left out.",
                    op.unparsed_request_examples
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            Some(BodyDef {
                type_name: classes.name_of(*root).to_owned(),
                media_type: merge_patch.then_some(Choice::Known(MediaType::MergePatch)),
                examples: op.request_examples.iter().map(|(_, v)| v.clone()).collect(),
            })
        }
        _ => {
            let meaningful: Vec<&(u32, Value)> = op
                .request_examples
                .iter()
                .filter(|(_, v)| v.as_object().is_none_or(|o| !o.is_empty()))
                .collect();
            if !meaningful.is_empty() {
                decisions.push("The definition gives a request example but no body parameter; no body is sent, and the example is left out.".to_owned());
            }
            None
        }
    };

    let mut responses = Vec::new();
    for response in &op.responses {
        let body = tree
            .roots
            .get(&(index, Slot::Response(response.status)))
            .map(|root| classes.name_of(*root).to_owned());
        let mut examples: Vec<Value> = response.example.iter().cloned().collect();
        if body.is_none() && !examples.is_empty() {
            decisions.push(format!(
                "The {} response has an example but no schema; without a body type the example is left out.",
                response.status
            ));
            examples.clear();
        }
        if response.status == 204 && body.is_some() {
            decisions.push("The definition documents a body for status 204 (No Content), which HTTP never sends; the body type and its example are kept as the definition gives them, and an empty 204 is what arrives.".to_owned());
        }
        if !response.other_examples.is_empty() {
            decisions.push(format!(
                "The {} response's examples for {} are not JSON and are left out.",
                response.status,
                response.other_examples.join(", ")
            ));
        }
        responses.push(ResponseDef {
            status: response.status,
            description: response.description.clone(),
            body,
            examples,
        });
    }

    let pagination = pagination(tree, index, &query_params, &mut decisions);
    let pagination = match (pagination, old) {
        (None, Some(old))
            if old.pagination.is_some()
                && !old
                    .decisions
                    .iter()
                    .any(|d| d.starts_with(&format!("{IMPORT_TAG}Pagination"))) =>
        {
            old.pagination.clone()
        }
        (p, _) => p,
    };
    keyword_members(&request_body, &responses, &mut decisions);

    let mut all_decisions: Vec<String> = old
        .map(|o| {
            o.decisions
                .iter()
                .filter(|d| !is_import_decision(d))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    all_decisions.extend(decisions.into_iter().map(|d| format!("{IMPORT_TAG}{d}")));
    Ok(Operation {
        name,
        operation_id: Some(op.operation_id.clone()),
        summary: op.summary.clone(),
        description: op.description.clone(),
        source: Some(op.file.name.clone()),
        module: None,
        method: Choice::from_text(&op.method),
        path: op.path.clone(),
        path_params,
        query_params,
        header_params,
        request_body,
        responses,
        pagination,
        decisions: all_decisions,
    })
}

/// Two parameters whose Rust names would be one get the later one a `rust_name` with its place.
fn distinct_rust_names(path: &mut [ParamDef], query: &mut [ParamDef], header: &mut [ParamDef]) {
    let mut seen = BTreeSet::new();
    for (place, list) in [("path", path), ("query", query), ("header", header)] {
        for param in list.iter_mut() {
            if param.bind.is_some() {
                continue;
            }
            let rust = param
                .rust_name
                .clone()
                .or_else(|| naming::snake_case(&param.name));
            let Some(rust) = rust else { continue };
            if !seen.insert(rust.clone()) {
                let renamed = format!("{}_{place}", rust.trim_end_matches('_'));
                param.rust_name = Some(renamed.clone());
                seen.insert(renamed);
            }
        }
    }
}

/// Pagination, which the definitions describe only in prose: a `continue` query parameter that
/// takes the `metadata.continue` of the previous page, whose items are `items`.
fn pagination(
    tree: &Tree<'_>,
    index: usize,
    query: &[ParamDef],
    decisions: &mut Vec<String>,
) -> Option<PaginationDef> {
    let op = &tree.ops[index];
    let find = |name: &str| {
        query
            .iter()
            .find(|p| p.name == name && !p.type_expr.starts_with("array<"))
    };
    let success = op
        .responses
        .iter()
        .find(|r| (200..300).contains(&r.status))?;
    let root = tree.roots.get(&(index, Slot::Response(success.status)));
    let token = find("continue");
    let limit = find("limit");
    let Some(token) = token else {
        if find("offset").is_some() && limit.is_some() {
            decisions.push("The definition pages with offset and limit (in prose only); the format's pagination follows a token, so they stay plain query parameters.".to_owned());
        }
        return None;
    };
    let root = *root?;
    let row = |loc: tree::LocId, name: &str| tree.locs[loc.0].rows.iter().find(|r| r.name == name);
    let metadata = row(root, "metadata")?;
    let TyShape::Object(meta) = &metadata.ty else {
        return None;
    };
    let next = row(*meta, "continue")?;
    if next.ty != TyShape::Scalar(Scalar::String) {
        return None;
    }
    let items = row(root, "items")?;
    if !matches!(items.ty, TyShape::Array(_)) {
        return None;
    }
    decisions.push(format!(
        "Pagination is described only in prose: the query parameter continue ({:?}) takes metadata.continue ({:?}) of the previous page{}; recorded as pagination.",
        prose::gist(&token.description),
        prose::gist(&next.description),
        if limit.is_some() { ", and limit sets the page size" } else { "" }
    ));
    Some(PaginationDef {
        page_size: limit.map(|p| p.name.clone()),
        request_token: token.name.clone(),
        response_token: "metadata.continue".to_owned(),
        items: "items".to_owned(),
    })
}

const SCHEMA_TYPES: [&str; 7] = [
    "string", "integer", "number", "boolean", "array", "object", "null",
];
const SCHEMA_FORMATS: [&str; 9] = [
    "int32",
    "int64",
    "float",
    "double",
    "date-time",
    "date",
    "byte",
    "binary",
    "password",
];

/// Members of the examples named like JSON Schema keywords (`type`, `format`) whose values no
/// schema has (`"type": "Dedicate"`, `"format": "combined"`): data, which a reader taking the
/// examples for schema would trip over.
fn keyword_members(body: &Option<BodyDef>, responses: &[ResponseDef], decisions: &mut Vec<String>) {
    fn visit(
        label: &str,
        path: &str,
        value: &Value,
        seen: &mut BTreeSet<(String, String)>,
        found: &mut Vec<String>,
    ) {
        match value {
            Value::Object(map) => {
                for (key, member) in map {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    if let Value::String(text) = member {
                        let odd = match key.as_str() {
                            "type" => !SCHEMA_TYPES.contains(&text.as_str()),
                            "format" => !SCHEMA_FORMATS.contains(&text.as_str()),
                            _ => false,
                        };
                        if odd && seen.insert((key.clone(), text.clone())) {
                            found.push(format!("{label} {child}: {text:?}"));
                        }
                    }
                    visit(label, &child, member, seen, found);
                }
            }
            Value::Array(items) => {
                for item in items {
                    visit(label, &format!("{path}[]"), item, seen, found);
                }
            }
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    if let Some(body) = body {
        for example in &body.examples {
            visit("request", "", example, &mut seen, &mut found);
        }
    }
    for response in responses {
        for example in &response.examples {
            visit(
                &response.status.to_string(),
                "",
                example,
                &mut seen,
                &mut found,
            );
        }
    }
    if !found.is_empty() {
        decisions.push(format!(
            "Members of the examples are named like JSON Schema keywords but hold values no schema has ({}); they are data, checked against the body's types, never read as schema.",
            found.join("; ")
        ));
    }
}
