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

fn decision_lines(out: &mut Vec<String>, prefix: &str, old: Option<&str>, new: Option<&str>) {
    match (old, new) {
        (None, Some(new)) => out.push(format!("{prefix}: decision added: {}", short(new))),
        (Some(_), None) => out.push(format!("{prefix}: decision removed")),
        (Some(a), Some(b)) if a != b => out.push(format!("{prefix}: decision now: {}", short(b))),
        _ => {}
    }
}

fn list_decisions(out: &mut Vec<String>, prefix: &str, old: &[String], new: &[String]) {
    for d in new.iter().filter(|d| !old.contains(d)) {
        out.push(format!("{prefix}: decision added: {}", short(d)));
    }
    for d in old.iter().filter(|d| !new.contains(d)) {
        out.push(format!("{prefix}: decision removed: {}", short(d)));
    }
}

/// Every change from `old` to `new`, in spec order.
pub fn changes(old: &Spec, new: &Spec) -> Vec<String> {
    let mut out = Vec::new();
    operations(&mut out, &old.operations, &new.operations);
    types(&mut out, &old.types, &new.types);
    out
}

fn operations(out: &mut Vec<String>, old: &[Operation], new: &[Operation]) {
    let before: BTreeMap<&str, &Operation> = old.iter().map(|o| (o.name.as_str(), o)).collect();
    let after: BTreeMap<&str, &Operation> = new.iter().map(|o| (o.name.as_str(), o)).collect();
    for op in new {
        let p = format!("operation {}", op.name);
        let Some(was) = before.get(op.name.as_str()) else {
            out.push(format!(
                "{p}: added ({} {}{})",
                op.method,
                op.path,
                op.source
                    .as_deref()
                    .map(|s| format!(", from {s}"))
                    .unwrap_or_default()
            ));
            continue;
        };
        operation(out, &p, was, op);
    }
    for op in old {
        if !after.contains_key(op.name.as_str()) {
            out.push(format!(
                "operation {}: removed ({} {})",
                op.name, op.method, op.path
            ));
        }
    }
}

fn operation(out: &mut Vec<String>, p: &str, was: &Operation, op: &Operation) {
    if was.operation_id != op.operation_id {
        out.push(format!(
            "{p}: operation ID {} → {}",
            was.operation_id.as_deref().unwrap_or("(none)"),
            op.operation_id.as_deref().unwrap_or("(none)")
        ));
    }
    if (&was.method, &was.path) != (&op.method, &op.path) {
        out.push(format!(
            "{p}: {} {} → {} {}",
            was.method, was.path, op.method, op.path
        ));
    }
    if was.summary != op.summary {
        out.push(format!("{p}: summary now {:?}", op.summary));
    }
    if was.description != op.description {
        out.push(format!("{p}: description changed"));
    }
    if was.source != op.source {
        out.push(format!(
            "{p}: source now {}",
            op.source.as_deref().unwrap_or("(none)")
        ));
    }
    for (key, a, b) in [
        ("path", &was.path_params, &op.path_params),
        ("query", &was.query_params, &op.query_params),
        ("header", &was.header_params, &op.header_params),
    ] {
        params(out, p, key, a, b);
    }
    match (&was.request_body, &op.request_body) {
        (None, Some(b)) => out.push(format!("{p}: request body added ({})", b.type_name)),
        (Some(_), None) => out.push(format!("{p}: request body removed")),
        (Some(a), Some(b)) => {
            if a.type_name != b.type_name {
                out.push(format!(
                    "{p}: request body {} → {}",
                    a.type_name, b.type_name
                ));
            }
            if a.media_type != b.media_type {
                out.push(format!(
                    "{p}: request media type {} → {}",
                    media_type(&a.media_type),
                    media_type(&b.media_type)
                ));
            }
            examples(out, &format!("{p}: request"), &a.examples, &b.examples);
        }
        (None, None) => {}
    }
    for response in &op.responses {
        let rp = format!("{p}: response {}", response.status);
        let Some(old) = was.responses.iter().find(|r| r.status == response.status) else {
            out.push(format!(
                "{rp} added ({})",
                response.body.as_deref().unwrap_or("no body")
            ));
            continue;
        };
        if old.body != response.body {
            out.push(format!(
                "{rp}: body {} → {}",
                old.body.as_deref().unwrap_or("none"),
                response.body.as_deref().unwrap_or("none")
            ));
        }
        if old.description != response.description {
            out.push(format!("{rp}: description changed"));
        }
        examples(out, &rp, &old.examples, &response.examples);
    }
    for response in &was.responses {
        if !op.responses.iter().any(|r| r.status == response.status) {
            out.push(format!("{p}: response {} removed", response.status));
        }
    }
    if was.pagination != op.pagination {
        match &op.pagination {
            Some(pg) => out.push(format!(
                "{p}: pagination now {} → {} (items {}{})",
                pg.request_token,
                pg.response_token,
                pg.items,
                pg.page_size
                    .as_deref()
                    .map(|s| format!(", page size {s}"))
                    .unwrap_or_default()
            )),
            None => out.push(format!("{p}: pagination removed")),
        }
    }
    list_decisions(out, p, &was.decisions, &op.decisions);
}

fn examples(out: &mut Vec<String>, prefix: &str, old: &[Value], new: &[Value]) {
    if old != new {
        out.push(format!(
            "{prefix} examples changed ({} → {})",
            old.len(),
            new.len()
        ));
    }
}

fn params(out: &mut Vec<String>, p: &str, key: &str, old: &[ParamDef], new: &[ParamDef]) {
    for param in new {
        let pp = format!("{p}: {key} parameter {:?}", param.name);
        let Some(was) = old.iter().find(|o| o.name == param.name) else {
            out.push(format!(
                "{pp} added ({}, {}{})",
                param.type_expr,
                required_word(param.required),
                param
                    .source
                    .as_deref()
                    .map(|s| format!(", from {s}"))
                    .unwrap_or_default()
            ));
            continue;
        };
        if was.type_expr != param.type_expr {
            out.push(format!(
                "{pp}: type {} → {}",
                was.type_expr, param.type_expr
            ));
        }
        if was.required.unwrap_or(false) != param.required.unwrap_or(false) {
            out.push(format!(
                "{pp}: now {} (was {})",
                required_word(param.required),
                required_word(was.required)
            ));
        }
        if was.source_type != param.source_type && was.type_expr == param.type_expr {
            out.push(format!(
                "{pp}: the definition's type {} → {}",
                was.source_type.as_deref().unwrap_or("?"),
                param.source_type.as_deref().unwrap_or("?")
            ));
        }
        if was.description != param.description {
            out.push(format!("{pp}: description changed"));
        }
        if was.rust_name != param.rust_name {
            out.push(format!(
                "{pp}: rust_name {} → {}",
                was.rust_name.as_deref().unwrap_or("(derived)"),
                param.rust_name.as_deref().unwrap_or("(derived)")
            ));
        }
        decision_lines(out, &pp, was.decision.as_deref(), param.decision.as_deref());
    }
    for param in old {
        if !new.iter().any(|n| n.name == param.name) {
            out.push(format!("{p}: {key} parameter {:?} removed", param.name));
        }
    }
}

fn types(out: &mut Vec<String>, old: &[TypeDef], new: &[TypeDef]) {
    let before: BTreeMap<&str, &TypeDef> = old.iter().map(|t| (t.name(), t)).collect();
    let after: BTreeMap<&str, &TypeDef> = new.iter().map(|t| (t.name(), t)).collect();
    for ty in new {
        match (before.get(ty.name()), ty) {
            (None, TypeDef::Object(o)) => out.push(format!(
                "type {}: added ({} field{}{})",
                o.name,
                o.fields.len(),
                if o.fields.len() == 1 { "" } else { "s" },
                o.source
                    .joined()
                    .map(|s| format!(", from {s}"))
                    .unwrap_or_default()
            )),
            (None, TypeDef::Enum(e) | TypeDef::Flags(e)) => out.push(format!(
                "enum {}: added (values {})",
                e.name,
                e.values
                    .iter()
                    .map(|v| v.value.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            (Some(TypeDef::Object(a)), TypeDef::Object(b)) => object(out, a, b),
            (Some(TypeDef::Enum(a)), TypeDef::Enum(b))
            | (Some(TypeDef::Flags(a)), TypeDef::Flags(b)) => enumeration(out, a, b),
            (Some(_), _) => out.push(format!(
                "type {}: replaced by a type of another kind",
                ty.name()
            )),
        }
    }
    for ty in old {
        if !after.contains_key(ty.name()) {
            out.push(format!(
                "{} {}: removed",
                if matches!(ty, TypeDef::Enum(_) | TypeDef::Flags(_)) {
                    "enum"
                } else {
                    "type"
                },
                ty.name()
            ));
        }
    }
}

fn object(out: &mut Vec<String>, was: &ObjectDef, now: &ObjectDef) {
    let p = format!("type {}", now.name);
    if was.description != now.description {
        out.push(format!("{p}: description changed"));
    }
    if was.source != now.source {
        out.push(format!(
            "{p}: source now {}",
            now.source.joined().as_deref().unwrap_or("(none)")
        ));
    }
    if was.doc_name != now.doc_name {
        out.push(format!(
            "{p}: doc_name now {}",
            now.doc_name.as_deref().unwrap_or("(none)")
        ));
    }
    list_decisions(out, &p, &was.decisions, &now.decisions);
    if was.rules != now.rules {
        out.push(format!("{p}: rules changed"));
    }
    for field in &now.fields {
        let fp = format!("{p}: field {:?}", field.name);
        let Some(old) = was.fields.iter().find(|f| f.name == field.name) else {
            out.push(format!(
                "{fp} added ({}, {}{})",
                field.type_expr,
                required_word(field.wire_required.or(field.required)),
                field
                    .source
                    .as_deref()
                    .map(|s| format!(", from {s}"))
                    .unwrap_or_default()
            ));
            continue;
        };
        row(out, &fp, old, field);
    }
    for field in &was.fields {
        if !now.fields.iter().any(|f| f.name == field.name) {
            out.push(format!("{p}: field {:?} removed", field.name));
        }
    }
}

fn row(out: &mut Vec<String>, fp: &str, old: &FieldDef, new: &FieldDef) {
    if old.type_expr != new.type_expr {
        out.push(format!("{fp}: type {} → {}", old.type_expr, new.type_expr));
    } else if old.source_type != new.source_type {
        out.push(format!(
            "{fp}: the definition's type {} → {}",
            old.source_type.as_deref().unwrap_or("?"),
            new.source_type.as_deref().unwrap_or("?")
        ));
    }
    let effective = |f: &FieldDef| f.wire_required.or(f.required) == Some(true);
    if effective(old) != effective(new) {
        out.push(format!(
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
        ));
    }
    if old.description != new.description {
        out.push(format!("{fp}: description changed"));
    }
    if old.min_items != new.min_items {
        out.push(format!(
            "{fp}: min_items {:?} → {:?}",
            old.min_items, new.min_items
        ));
    }
    if old.source != new.source {
        out.push(format!(
            "{fp}: source now {}",
            new.source.as_deref().unwrap_or("(none)")
        ));
    }
    if old.rust_name != new.rust_name {
        out.push(format!(
            "{fp}: rust_name {} → {}",
            old.rust_name.as_deref().unwrap_or("(derived)"),
            new.rust_name.as_deref().unwrap_or("(derived)")
        ));
    }
    decision_lines(out, fp, old.decision.as_deref(), new.decision.as_deref());
}

fn enumeration(out: &mut Vec<String>, was: &EnumDef, now: &EnumDef) {
    let p = format!("enum {}", now.name);
    if was.description != now.description {
        out.push(format!("{p}: description changed"));
    }
    if was.source != now.source {
        out.push(format!(
            "{p}: source now {}",
            now.source.joined().as_deref().unwrap_or("(none)")
        ));
    }
    list_decisions(out, &p, &was.decisions, &now.decisions);
    for value in &now.values {
        let Some(old) = was.values.iter().find(|v| v.value == value.value) else {
            out.push(format!(
                "{p}: value {} added ({}{})",
                value.value,
                value.name,
                Some(&value.description)
                    .filter(|d| !d.is_empty())
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            ));
            continue;
        };
        if old.name != value.name {
            out.push(format!(
                "{p}: value {}: variant {} → {}",
                value.value, old.name, value.name
            ));
        }
        if old.description != value.description {
            out.push(format!(
                "{p}: value {}: meaning now {:?}",
                value.value, value.description
            ));
        }
        if old.source != value.source {
            out.push(format!(
                "{p}: value {}: source now {}",
                value.value,
                value.source.as_deref().unwrap_or("(none)")
            ));
        }
    }
    for value in &was.values {
        if !now.values.iter().any(|v| v.value == value.value) {
            out.push(format!(
                "{p}: value {} removed ({})",
                value.value, value.name
            ));
        }
    }
}

/// A request body's media type as the summary names it.
fn media_type(media_type: &Option<Choice<MediaType>>) -> String {
    media_type
        .as_ref()
        .map_or_else(|| wire_text(&MediaType::Json), Choice::to_string)
}
