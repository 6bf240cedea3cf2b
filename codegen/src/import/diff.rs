//! The readable summary of what an import changes: one line per change, operations first, then
//! types, each line naming the operation or type, the row, and what it was and is.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::spec::{
    Choice, EnumDef, FieldDef, MediaType, ObjectDef, Operation, ParamDef, Spec, TypeDef, wire_text,
};

fn required_word(required: Option<bool>) -> &'static str {
    if required == Some(true) {
        "required"
    } else {
        "optional"
    }
}

fn short(text: &str) -> String {
    const LIMIT: usize = 160;
    let text = text.replace('\n', " ");
    if text.chars().count() > LIMIT {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn decision_lines(out: &mut Vec<Change>, prefix: &str, old: Option<&str>, new: Option<&str>) {
    match (old, new) {
        (None, Some(new)) => out.record(
            Impact::None,
            format!("{prefix}: decision added: {}", short(new)),
        ),
        (Some(_), None) => out.record(Impact::None, format!("{prefix}: decision removed")),
        (Some(a), Some(b)) if a != b => out.record(
            Impact::None,
            format!("{prefix}: decision now: {}", short(b)),
        ),
        _ => {}
    }
}

fn list_decisions(out: &mut Vec<Change>, prefix: &str, old: &[String], new: &[String]) {
    for d in new.iter().filter(|d| !old.contains(d)) {
        out.record(
            Impact::None,
            format!("{prefix}: decision added: {}", short(d)),
        );
    }
    for d in old.iter().filter(|d| !new.contains(d)) {
        out.record(
            Impact::None,
            format!("{prefix}: decision removed: {}", short(d)),
        );
    }
}

/// What a change means for the Rust crate's users (the generated client, models, program and
/// server stubs), under the crate's rules: structs and enums are `#[non_exhaustive]`, optional
/// parameters and members are setters, so whatever is only added breaks nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Nothing the Rust API shows changes (a description, a decision, an example, a source).
    None,
    /// Something new that compiles against every use of the old API: an optional member or
    /// parameter, an enum value, a documented status, an operation, a type.
    Additive,
    /// Some use of the old API no longer compiles or means something else: a member, parameter,
    /// value, operation or status removed; an optional one made required (or the reverse: the
    /// Rust type becomes or stops being an `Option`); a type or a Rust name changed; a required
    /// member, parameter or body added; a response body's type changed.
    Breaking,
}

impl Impact {
    /// The tag the summary line starts with.
    pub fn tag(self) -> &'static str {
        match self {
            Impact::None => "[no API change]",
            Impact::Additive => "[additive]",
            Impact::Breaking => "[breaking]",
        }
    }
}

/// One line of the summary and what it means for the crate's users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub impact: Impact,
    pub text: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.impact.tag(), self.text)
    }
}

trait Record {
    fn record(&mut self, impact: Impact, text: String);
}

impl Record for Vec<Change> {
    fn record(&mut self, impact: Impact, text: String) {
        self.push(Change { impact, text });
    }
}

/// The release a set of changes needs, from the crate's `current` version, by Cargo's rules:
/// for `0.x.y` a breaking change is `0.(x+1).0` and an additive one `0.x.(y+1)`; from `1.0.0`
/// on, major and minor. `None` when nothing the API shows changed (or `current` is not
/// `MAJOR.MINOR.PATCH`).
pub fn next_version(current: &str, impact: Impact) -> Option<String> {
    let core = current.split(['-', '+']).next().unwrap_or(current);
    let parts: Vec<u64> = core
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [major, minor, patch] = parts[..] else {
        return None;
    };
    Some(match (impact, major) {
        (Impact::None, _) => return None,
        (Impact::Breaking, 0) => format!("0.{}.0", minor + 1),
        (Impact::Additive, 0) => format!("0.{minor}.{}", patch + 1),
        (Impact::Breaking, _) => format!("{}.0.0", major + 1),
        (Impact::Additive, _) => format!("{major}.{}.0", minor + 1),
    })
}

/// The summary's last line: the verdict over `changes` and the version the regenerated crate
/// needs, from `current`.
pub fn verdict(changes: &[Change], current: &str) -> String {
    let count = |impact| changes.iter().filter(|c| c.impact == impact).count();
    let worst = changes
        .iter()
        .map(|c| c.impact)
        .max()
        .unwrap_or(Impact::None);
    let tally = format!(
        "{} breaking, {} additive, {} without API change",
        count(Impact::Breaking),
        count(Impact::Additive),
        count(Impact::None)
    );
    match (worst, next_version(current, worst)) {
        (Impact::Breaking, Some(next)) => format!(
            "semver: breaking for Rust consumers ({tally}): the regenerated crate needs version {next} (now {current})"
        ),
        (Impact::Additive, Some(next)) => format!(
            "semver: additive ({tally}): the regenerated crate needs version {next} (now {current})"
        ),
        (Impact::None, _) => {
            format!("semver: no API change ({tally}): {current} needs no version bump")
        }
        (_, None) => format!(
            "semver: {} ({tally}); the crate's version {current:?} is not MAJOR.MINOR.PATCH, so no next version is given",
            if worst == Impact::Breaking {
                "breaking for Rust consumers"
            } else {
                "additive"
            }
        ),
    }
}

/// Every change from `old` to `new`, in spec order.
pub fn changes(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut out = Vec::new();
    operations(&mut out, &old.operations, &new.operations);
    types(&mut out, &old.types, &new.types);
    out
}

fn operations(out: &mut Vec<Change>, old: &[Operation], new: &[Operation]) {
    let before: BTreeMap<&str, &Operation> = old.iter().map(|o| (o.name.as_str(), o)).collect();
    let after: BTreeMap<&str, &Operation> = new.iter().map(|o| (o.name.as_str(), o)).collect();
    for op in new {
        let p = format!("operation {}", op.name);
        let Some(was) = before.get(op.name.as_str()) else {
            out.record(
                Impact::Additive,
                format!(
                    "{p}: added ({} {}{})",
                    op.method,
                    op.path,
                    op.source
                        .as_deref()
                        .map(|s| format!(", from {s}"))
                        .unwrap_or_default()
                ),
            );
            continue;
        };
        operation(out, &p, was, op);
    }
    for op in old {
        if !after.contains_key(op.name.as_str()) {
            out.record(
                Impact::Breaking,
                format!("operation {}: removed ({} {})", op.name, op.method, op.path),
            );
        }
    }
}

fn operation(out: &mut Vec<Change>, p: &str, was: &Operation, op: &Operation) {
    if was.operation_id != op.operation_id {
        out.record(
            Impact::None,
            format!(
                "{p}: operation ID {} → {}",
                was.operation_id.as_deref().unwrap_or("(none)"),
                op.operation_id.as_deref().unwrap_or("(none)")
            ),
        );
    }
    if (&was.method, &was.path) != (&op.method, &op.path) {
        out.record(
            Impact::None,
            format!(
                "{p}: {} {} → {} {}",
                was.method, was.path, op.method, op.path
            ),
        );
    }
    if was.summary != op.summary {
        out.record(Impact::None, format!("{p}: summary now {:?}", op.summary));
    }
    if was.description != op.description {
        out.record(Impact::None, format!("{p}: description changed"));
    }
    if was.source != op.source {
        out.record(
            Impact::None,
            format!(
                "{p}: source now {}",
                op.source.as_deref().unwrap_or("(none)")
            ),
        );
    }
    for (key, a, b) in [
        ("path", &was.path_params, &op.path_params),
        ("query", &was.query_params, &op.query_params),
        ("header", &was.header_params, &op.header_params),
    ] {
        params(out, p, key, a, b);
    }
    match (&was.request_body, &op.request_body) {
        (None, Some(b)) => out.record(
            Impact::Breaking,
            format!("{p}: request body added ({})", b.type_name),
        ),
        (Some(_), None) => out.record(Impact::Breaking, format!("{p}: request body removed")),
        (Some(a), Some(b)) => {
            if a.type_name != b.type_name {
                out.record(
                    Impact::Breaking,
                    format!("{p}: request body {} → {}", a.type_name, b.type_name),
                );
            }
            if a.media_type != b.media_type {
                out.record(
                    Impact::None,
                    format!(
                        "{p}: request media type {} → {}",
                        media_type(&a.media_type),
                        media_type(&b.media_type)
                    ),
                );
            }
            examples(out, &format!("{p}: request"), &a.examples, &b.examples);
        }
        (None, None) => {}
    }
    for response in &op.responses {
        let rp = format!("{p}: response {}", response.status);
        let Some(old) = was.responses.iter().find(|r| r.status == response.status) else {
            out.record(
                Impact::Additive,
                format!(
                    "{rp} added ({})",
                    response.body.as_deref().unwrap_or("no body")
                ),
            );
            continue;
        };
        if old.body != response.body {
            out.record(
                Impact::Breaking,
                format!(
                    "{rp}: body {} → {}",
                    old.body.as_deref().unwrap_or("none"),
                    response.body.as_deref().unwrap_or("none")
                ),
            );
        }
        if old.description != response.description {
            out.record(Impact::None, format!("{rp}: description changed"));
        }
        examples(out, &rp, &old.examples, &response.examples);
    }
    for response in &was.responses {
        if !op.responses.iter().any(|r| r.status == response.status) {
            out.record(
                Impact::Breaking,
                format!("{p}: response {} removed", response.status),
            );
        }
    }
    if was.pagination != op.pagination {
        match &op.pagination {
            Some(pg) => out.record(
                if was.pagination.is_none() {
                    Impact::Additive
                } else {
                    Impact::Breaking
                },
                format!(
                    "{p}: pagination now {} → {} (items {}{})",
                    pg.request_token,
                    pg.response_token,
                    pg.items,
                    pg.page_size
                        .as_deref()
                        .map(|s| format!(", page size {s}"))
                        .unwrap_or_default()
                ),
            ),
            None => out.record(Impact::Breaking, format!("{p}: pagination removed")),
        }
    }
    list_decisions(out, p, &was.decisions, &op.decisions);
}

fn examples(out: &mut Vec<Change>, prefix: &str, old: &[Value], new: &[Value]) {
    if old != new {
        out.record(
            Impact::None,
            format!("{prefix} examples changed ({} → {})", old.len(), new.len()),
        );
    }
}

fn params(out: &mut Vec<Change>, p: &str, key: &str, old: &[ParamDef], new: &[ParamDef]) {
    for param in new {
        let pp = format!("{p}: {key} parameter {:?}", param.name);
        let Some(was) = old.iter().find(|o| o.name == param.name) else {
            out.record(
                if param.required == Some(true) {
                    Impact::Breaking
                } else {
                    Impact::Additive
                },
                format!(
                    "{pp} added ({}, {}{})",
                    param.type_expr,
                    required_word(param.required),
                    param
                        .source
                        .as_deref()
                        .map(|s| format!(", from {s}"))
                        .unwrap_or_default()
                ),
            );
            continue;
        };
        if was.type_expr != param.type_expr {
            out.record(
                Impact::Breaking,
                format!("{pp}: type {} → {}", was.type_expr, param.type_expr),
            );
        }
        if was.required.unwrap_or(false) != param.required.unwrap_or(false) {
            out.record(
                Impact::Breaking,
                format!(
                    "{pp}: now {} (was {})",
                    required_word(param.required),
                    required_word(was.required)
                ),
            );
        }
        if was.source_type != param.source_type && was.type_expr == param.type_expr {
            out.record(
                Impact::None,
                format!(
                    "{pp}: the definition's type {} → {}",
                    was.source_type.as_deref().unwrap_or("?"),
                    param.source_type.as_deref().unwrap_or("?")
                ),
            );
        }
        if was.description != param.description {
            out.record(Impact::None, format!("{pp}: description changed"));
        }
        if was.rust_name != param.rust_name {
            out.record(
                Impact::Breaking,
                format!(
                    "{pp}: rust_name {} → {}",
                    was.rust_name.as_deref().unwrap_or("(derived)"),
                    param.rust_name.as_deref().unwrap_or("(derived)")
                ),
            );
        }
        decision_lines(out, &pp, was.decision.as_deref(), param.decision.as_deref());
    }
    for param in old {
        if !new.iter().any(|n| n.name == param.name) {
            out.record(
                Impact::Breaking,
                format!("{p}: {key} parameter {:?} removed", param.name),
            );
        }
    }
}

fn types(out: &mut Vec<Change>, old: &[TypeDef], new: &[TypeDef]) {
    let before: BTreeMap<&str, &TypeDef> = old.iter().map(|t| (t.name(), t)).collect();
    let after: BTreeMap<&str, &TypeDef> = new.iter().map(|t| (t.name(), t)).collect();
    for ty in new {
        match (before.get(ty.name()), ty) {
            (None, TypeDef::Object(o)) => out.record(
                Impact::Additive,
                format!(
                    "type {}: added ({} field{}{})",
                    o.name,
                    o.fields.len(),
                    if o.fields.len() == 1 { "" } else { "s" },
                    o.source
                        .joined()
                        .map(|s| format!(", from {s}"))
                        .unwrap_or_default()
                ),
            ),
            (None, TypeDef::Enum(e) | TypeDef::Flags(e)) => out.record(
                Impact::Additive,
                format!(
                    "enum {}: added (values {})",
                    e.name,
                    e.values
                        .iter()
                        .map(|v| v.value.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            (Some(TypeDef::Object(a)), TypeDef::Object(b)) => object(out, a, b),
            (Some(TypeDef::Enum(a)), TypeDef::Enum(b))
            | (Some(TypeDef::Flags(a)), TypeDef::Flags(b)) => enumeration(out, a, b),
            (Some(_), _) => out.record(
                Impact::Breaking,
                format!("type {}: replaced by a type of another kind", ty.name()),
            ),
        }
    }
    for ty in old {
        if !after.contains_key(ty.name()) {
            out.record(
                Impact::Breaking,
                format!(
                    "{} {}: removed",
                    if matches!(ty, TypeDef::Enum(_) | TypeDef::Flags(_)) {
                        "enum"
                    } else {
                        "type"
                    },
                    ty.name()
                ),
            );
        }
    }
}

/// A type that leaves a module leaves its path there (`models::pools::Pool`): breaking for whoever
/// names it so, although `models::Pool` stays. One that joins a module only gains a path.
fn module_line(out: &mut Vec<Change>, p: &str, name: &str, was: Option<&str>, now: Option<&str>) {
    let path = |module: Option<&str>| match module {
        Some(module) => format!("models::{module}::{name}"),
        None => format!("models::{name}"),
    };
    match (was, now) {
        (a, b) if a == b => {}
        (None, Some(_)) => out.record(
            Impact::Additive,
            format!("{p}: now also {} (and still models::{name})", path(now)),
        ),
        _ => out.record(
            Impact::Breaking,
            format!("{p}: moved from {} to {}", path(was), path(now)),
        ),
    }
}

fn object(out: &mut Vec<Change>, was: &ObjectDef, now: &ObjectDef) {
    let p = format!("type {}", now.name);
    module_line(
        out,
        &p,
        &now.name,
        was.module.as_deref(),
        now.module.as_deref(),
    );
    if was.description != now.description {
        out.record(Impact::None, format!("{p}: description changed"));
    }
    if was.source != now.source {
        out.record(
            Impact::None,
            format!(
                "{p}: source now {}",
                now.source.joined().as_deref().unwrap_or("(none)")
            ),
        );
    }
    if was.doc_name != now.doc_name {
        out.record(
            Impact::None,
            format!(
                "{p}: doc_name now {}",
                now.doc_name.as_deref().unwrap_or("(none)")
            ),
        );
    }
    list_decisions(out, &p, &was.decisions, &now.decisions);
    if was.rules != now.rules {
        out.record(Impact::None, format!("{p}: rules changed"));
    }
    for field in &now.fields {
        let fp = format!("{p}: field {:?}", field.name);
        let Some(old) = was.fields.iter().find(|f| f.name == field.name) else {
            out.record(
                if field.required == Some(true) {
                    Impact::Breaking
                } else {
                    Impact::Additive
                },
                format!(
                    "{fp} added ({}, {}{})",
                    field.type_expr,
                    required_word(field.wire_required.or(field.required)),
                    field
                        .source
                        .as_deref()
                        .map(|s| format!(", from {s}"))
                        .unwrap_or_default()
                ),
            );
            continue;
        };
        row(out, &fp, old, field);
    }
    for field in &was.fields {
        if !now.fields.iter().any(|f| f.name == field.name) {
            out.record(
                Impact::Breaking,
                format!("{p}: field {:?} removed", field.name),
            );
        }
    }
}

fn row(out: &mut Vec<Change>, fp: &str, old: &FieldDef, new: &FieldDef) {
    if old.type_expr != new.type_expr {
        out.record(
            Impact::Breaking,
            format!("{fp}: type {} → {}", old.type_expr, new.type_expr),
        );
    } else if old.source_type != new.source_type {
        out.record(
            Impact::None,
            format!(
                "{fp}: the definition's type {} → {}",
                old.source_type.as_deref().unwrap_or("?"),
                new.source_type.as_deref().unwrap_or("?")
            ),
        );
    }
    let effective = |f: &FieldDef| f.wire_required.or(f.required) == Some(true);
    if effective(old) != effective(new) {
        out.record(
            if old.required.unwrap_or(false) != new.required.unwrap_or(false) {
                Impact::Breaking
            } else {
                Impact::None
            },
            format!(
                "{fp}: now {} (was {})",
                if effective(new) {
                    "required"
                } else {
                    "optional"
                },
                if effective(old) {
                    "required"
                } else {
                    "optional"
                }
            ),
        );
    }
    if old.description != new.description {
        out.record(Impact::None, format!("{fp}: description changed"));
    }
    if old.min_items != new.min_items {
        out.record(
            Impact::None,
            format!("{fp}: min_items {:?} → {:?}", old.min_items, new.min_items),
        );
    }
    if old.source != new.source {
        out.record(
            Impact::None,
            format!(
                "{fp}: source now {}",
                new.source.as_deref().unwrap_or("(none)")
            ),
        );
    }
    if old.rust_name != new.rust_name {
        out.record(
            Impact::Breaking,
            format!(
                "{fp}: rust_name {} → {}",
                old.rust_name.as_deref().unwrap_or("(derived)"),
                new.rust_name.as_deref().unwrap_or("(derived)")
            ),
        );
    }
    decision_lines(out, fp, old.decision.as_deref(), new.decision.as_deref());
}

fn enumeration(out: &mut Vec<Change>, was: &EnumDef, now: &EnumDef) {
    let p = format!("enum {}", now.name);
    module_line(
        out,
        &p,
        &now.name,
        was.module.as_deref(),
        now.module.as_deref(),
    );
    if was.description != now.description {
        out.record(Impact::None, format!("{p}: description changed"));
    }
    if was.source != now.source {
        out.record(
            Impact::None,
            format!(
                "{p}: source now {}",
                now.source.joined().as_deref().unwrap_or("(none)")
            ),
        );
    }
    list_decisions(out, &p, &was.decisions, &now.decisions);
    for value in &now.values {
        let Some(old) = was.values.iter().find(|v| v.value == value.value) else {
            out.record(
                Impact::Additive,
                format!(
                    "{p}: value {} added ({}{})",
                    value.value,
                    value.name,
                    Some(&value.description)
                        .filter(|d| !d.is_empty())
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ),
            );
            continue;
        };
        if old.name != value.name {
            out.record(
                Impact::Breaking,
                format!(
                    "{p}: value {}: variant {} → {}",
                    value.value, old.name, value.name
                ),
            );
        }
        if old.description != value.description {
            out.record(
                Impact::None,
                format!(
                    "{p}: value {}: meaning now {:?}",
                    value.value, value.description
                ),
            );
        }
        if old.source != value.source {
            out.record(
                Impact::None,
                format!(
                    "{p}: value {}: source now {}",
                    value.value,
                    value.source.as_deref().unwrap_or("(none)")
                ),
            );
        }
    }
    for value in &was.values {
        if !now.values.iter().any(|v| v.value == value.value) {
            out.record(
                Impact::Breaking,
                format!("{p}: value {} removed ({})", value.value, value.name),
            );
        }
    }
}

/// A request body's media type as the summary names it.
fn media_type(media_type: &Option<Choice<MediaType>>) -> String {
    media_type
        .as_ref()
        .map_or_else(|| wire_text(&MediaType::Json), Choice::to_string)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn spec(types: Value, operations: Value) -> Spec {
        let text = json!({
            "format_version": 1,
            "service": { "name": "unit", "title": "Unit", "description": "d", "version": "0.3.1" },
            "types": types,
            "operations": operations,
        })
        .to_string();
        crate::spec::parse("unit.json", &text).unwrap_or_else(|d| panic!("{d}"))
    }

    fn pool(fields: Value) -> Value {
        json!({ "name": "Pool", "kind": "object", "description": "", "fields": fields })
    }

    fn phase(values: &[&str]) -> Value {
        let values: Vec<Value> = values
            .iter()
            .map(|v| json!({ "value": v, "name": crate::naming::upper_camel_case(v).unwrap() }))
            .collect();
        json!({ "name": "Phase", "kind": "enum", "repr": "string", "description": "", "values": values })
    }

    fn list(query: Value, statuses: &[u16]) -> Value {
        let responses: Vec<Value> = statuses
            .iter()
            .map(|s| json!({ "status": s, "body": "Pool" }))
            .collect();
        json!({ "name": "list_pools", "method": "GET", "path": "/pools", "query_params": query, "responses": responses })
    }

    /// The impact of each change from the base spec to one with `edit` applied.
    fn impacts(edit: impl FnOnce(&mut Value, &mut Value)) -> Vec<(Impact, String)> {
        let mut types = json!([
            pool(
                json!([{ "name": "name", "type": "string", "required": false, "description": "d" }])
            ),
            phase(&["Creating", "Running"]),
        ]);
        let mut operations = json!([list(
            json!([{ "name": "limit", "type": "integer" }]),
            &[200]
        )]);
        let old = spec(types.clone(), operations.clone());
        edit(&mut types, &mut operations);
        let new = spec(types, operations);
        changes(&old, &new)
            .into_iter()
            .map(|c| (c.impact, c.text))
            .collect()
    }

    fn only(impacts: &[(Impact, String)]) -> Impact {
        assert_eq!(impacts.len(), 1, "{impacts:?}");
        impacts[0].0
    }

    #[test]
    fn additions_of_optional_things_are_additive() {
        // An optional member.
        let i = impacts(|t, _| {
            t[0]["fields"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "name": "zone", "type": "string" }))
        });
        assert_eq!(only(&i), Impact::Additive, "{i:?}");
        // An optional query parameter.
        let i = impacts(|_, o| {
            o[0]["query_params"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "name": "status", "type": "Phase" }))
        });
        assert_eq!(only(&i), Impact::Additive, "{i:?}");
        // An enum value.
        let i = impacts(|t, _| t[1] = phase(&["Creating", "Running", "Deleting"]));
        assert_eq!(only(&i), Impact::Additive, "{i:?}");
        // A documented status.
        let i = impacts(|_, o| {
            o[0]["responses"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "status": 404, "body": "Pool" }))
        });
        assert_eq!(only(&i), Impact::Additive, "{i:?}");
        // An operation.
        let i = impacts(|_, o| {
            let mut other = o[0].clone();
            other["name"] = json!("list_pools_again");
            o.as_array_mut().unwrap().push(other);
        });
        assert_eq!(only(&i), Impact::Additive, "{i:?}");
    }

    #[test]
    fn removals_required_ness_and_type_changes_are_breaking() {
        let cases: Vec<(&str, Vec<(Impact, String)>)> = vec![
            ("member removed", impacts(|t, _| t[0]["fields"] = json!([]))),
            (
                "member made required",
                impacts(|t, _| t[0]["fields"][0]["required"] = json!(true)),
            ),
            (
                "member type changed",
                impacts(|t, _| t[0]["fields"][0]["type"] = json!("integer")),
            ),
            (
                "required member added",
                impacts(|t, _| {
                    t[0]["fields"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!({ "name": "zone", "type": "string", "required": true }))
                }),
            ),
            (
                "enum value removed",
                impacts(|t, _| t[1] = phase(&["Creating"])),
            ),
            (
                "parameter removed",
                impacts(|_, o| o[0]["query_params"] = json!([])),
            ),
            (
                "parameter made required",
                impacts(|_, o| o[0]["query_params"][0]["required"] = json!(true)),
            ),
            (
                "parameter type changed",
                impacts(|_, o| o[0]["query_params"][0]["type"] = json!("int32")),
            ),
            ("operation removed", impacts(|_, o| *o = json!([]))),
            (
                "status removed",
                impacts(|_, o| o[0]["responses"][0]["status"] = json!(201)),
            ),
            (
                "response body changed",
                impacts(|t, o| {
                    t.as_array_mut().unwrap().push(json!({ "name": "Other", "kind": "object", "description": "", "fields": [] }));
                    o[0]["responses"][0]["body"] = json!("Other");
                }),
            ),
        ];
        for (what, i) in cases {
            assert!(
                i.iter().any(|(impact, _)| *impact == Impact::Breaking),
                "{what}: {i:?}"
            );
        }
    }

    #[test]
    fn descriptions_change_no_api() {
        let i = impacts(|t, o| {
            t[0]["fields"][0]["description"] = json!("another");
            o[0]["query_params"][0]["description"] = json!("the page size");
            o[0]["decisions"] = json!(["Because."]);
        });
        assert_eq!(i.len(), 3, "{i:?}");
        assert!(i.iter().all(|(impact, _)| *impact == Impact::None), "{i:?}");
    }

    #[test]
    fn the_verdict_follows_cargo_for_0_x_crates_and_semver_after_1_0() {
        assert_eq!(
            next_version("0.3.1", Impact::Breaking).as_deref(),
            Some("0.4.0")
        );
        assert_eq!(
            next_version("0.3.1", Impact::Additive).as_deref(),
            Some("0.3.2")
        );
        assert_eq!(next_version("0.3.1", Impact::None), None);
        assert_eq!(
            next_version("1.4.2", Impact::Breaking).as_deref(),
            Some("2.0.0")
        );
        assert_eq!(
            next_version("1.4.2", Impact::Additive).as_deref(),
            Some("1.5.0")
        );
        let change = |impact| Change {
            impact,
            text: String::new(),
        };
        assert_eq!(
            verdict(&[change(Impact::Additive), change(Impact::None)], "0.1.0"),
            "semver: additive (0 breaking, 1 additive, 1 without API change): the regenerated crate needs version 0.1.1 (now 0.1.0)"
        );
        assert_eq!(
            verdict(
                &[change(Impact::Additive), change(Impact::Breaking)],
                "0.1.0"
            ),
            "semver: breaking for Rust consumers (1 breaking, 1 additive, 0 without API change): the regenerated crate needs version 0.2.0 (now 0.1.0)"
        );
        assert_eq!(
            verdict(&[change(Impact::None)], "0.1.0"),
            "semver: no API change (0 breaking, 0 additive, 1 without API change): 0.1.0 needs no version bump"
        );
        assert_eq!(
            change(Impact::Breaking).to_string(),
            "[breaking] ",
            "each line starts with its tag"
        );
    }
}
