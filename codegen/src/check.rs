//! Check: every rule a spec must follow before it can be resolved, reported all at once, each
//! with the JSON path of the offending value and what to change.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{PathPart, TypeRef};
use crate::naming;
use crate::resolve::{boxed_fields, parse_type_expr, path_parts, reachable_from};
use crate::spec::{ObjectDef, Repr, Spec, TypeDef};

/// Client settings a path parameter may be bound to.
pub const BINDABLE: &[&str] = &["project_id"];
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const SUPPORTED_FORMAT: u32 = 1;

struct Checker<'a> {
    file: &'a str,
    diagnostics: Diagnostics,
}

impl Checker<'_> {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::at_path(self.file, path, message));
    }
}

pub fn check(spec: &Spec, file: &str) -> Result<(), Diagnostics> {
    let mut c = Checker {
        file,
        diagnostics: Diagnostics::default(),
    };
    if spec.format_version != SUPPORTED_FORMAT {
        c.error(
            "$.format_version",
            format!(
                "format_version {} is not supported; this generator reads format_version {SUPPORTED_FORMAT}",
                spec.format_version
            ),
        );
    }
    let name = &spec.service.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        || name.starts_with('-')
    {
        c.error(
            "$.service.name",
            format!(
                "service name {name:?} must be a crate name: lower-case letters, digits and '-'"
            ),
        );
    }
    for (key, text) in [
        ("title", &spec.service.title),
        ("description", &spec.service.description),
    ] {
        if text.chars().any(char::is_control) {
            c.error(
                format!("$.service.{key}"),
                format!("service {key} {text:?} contains control characters (line breaks, tabs, escapes); write it on one line"),
            );
        }
    }
    if spec.types.is_empty() && spec.operations.is_empty() {
        c.error(
            "$",
            "the spec declares no types and no operations; there is nothing to generate",
        );
    }

    let mut kinds: BTreeMap<&str, &TypeDef> = BTreeMap::new();
    for (i, def) in spec.types.iter().enumerate() {
        let path = format!("$.types[{i}].name");
        let name = def.name();
        if !naming::is_upper_camel_ident(name) {
            c.error(&path, format!("type name {name:?} must be UpperCamelCase ASCII (letters and digits, starting with a capital), such as \"PoolSpec\""));
        } else if naming::RESERVED_TYPE_NAMES.contains(&name) {
            c.error(&path, format!("type name {name:?} is used by the generated code itself; choose another, such as \"Pool{name}\""));
        }
        if kinds.insert(name, def).is_some() {
            c.error(
                &path,
                format!("type {name:?} is declared twice; each type name must be unique"),
            );
        }
    }

    for (i, def) in spec.types.iter().enumerate() {
        let base = format!("$.types[{i}]");
        match def {
            TypeDef::Object(object) => check_object(&mut c, &base, object, &kinds),
            TypeDef::Enum(e) => {
                let mut values = BTreeSet::new();
                let mut variants = BTreeSet::new();
                if e.repr == Repr::Integer {
                    c.error(format!("{base}.repr"), "integer enums are not supported; use kind \"flags\" for an integer bit set, or repr \"string\"");
                }
                if e.values.is_empty() {
                    c.error(format!("{base}.values"), "an enum needs at least one value");
                }
                for (j, value) in e.values.iter().enumerate() {
                    let vpath = format!("{base}.values[{j}]");
                    let wire = match (e.repr, &value.value) {
                        (Repr::String, Value::String(s)) => Some(s.clone()),
                        (Repr::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {
                            Some(n.to_string())
                        }
                        (repr, other) => {
                            c.error(format!("{vpath}.value"), format!("value {other} is not of the enum's repr {repr:?}; write it as a JSON {}", repr_word(repr)));
                            None
                        }
                    };
                    if let Some(wire) = wire
                        && !values.insert(wire.clone())
                    {
                        c.error(
                            format!("{vpath}.value"),
                            format!("value {wire:?} is listed twice"),
                        );
                    }
                    if !naming::is_upper_camel_ident(&value.name) {
                        c.error(
                            format!("{vpath}.name"),
                            format!("variant name {:?} must be UpperCamelCase ASCII", value.name),
                        );
                    } else if value.name == "Unknown" {
                        c.error(format!("{vpath}.name"), "variant name \"Unknown\" is reserved for values the spec does not list");
                    }
                    if !variants.insert(value.name.as_str()) {
                        c.error(
                            format!("{vpath}.name"),
                            format!("variant name {:?} is used twice", value.name),
                        );
                    }
                }
            }
            TypeDef::Flags(flags) => {
                if flags.repr != Repr::Integer {
                    c.error(
                        format!("{base}.repr"),
                        "a flag set must have repr \"integer\"",
                    );
                }
                let mut seen_values = BTreeSet::new();
                let mut seen_consts = BTreeSet::new();
                for (j, value) in flags.values.iter().enumerate() {
                    let vpath = format!("{base}.values[{j}]");
                    match value.value.as_u64() {
                        Some(v) if v == 0 || v.is_power_of_two() => {
                            if !seen_values.insert(v) {
                                c.error(format!("{vpath}.value"), format!("flag value {v} is listed twice"));
                            }
                        }
                        Some(v) => c.error(format!("{vpath}.value"), format!("flag value {v} is not a single bit; list each bit (a power of two) on its own")),
                        None => c.error(format!("{vpath}.value"), format!("flag value {} must be a non-negative JSON integer", value.value)),
                    }
                    match naming::shouty_snake_case(&value.name) {
                        Some(constant) if naming::is_upper_camel_ident(&value.name) => {
                            if !seen_consts.insert(constant.clone()) {
                                c.error(format!("{vpath}.name"), format!("flag name {:?} gives the constant {constant} that another flag already has", value.name));
                            }
                        }
                        _ => c.error(
                            format!("{vpath}.name"),
                            format!("flag name {:?} must be UpperCamelCase ASCII", value.name),
                        ),
                    }
                }
            }
        }
    }

    // A cycle of required fields can never end in a finite JSON value.
    let objects: BTreeMap<&str, &ObjectDef> = spec
        .types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Object(o) => Some((o.name.as_str(), o)),
            _ => None,
        })
        .collect();
    if c.diagnostics.is_empty() {
        for (i, def) in spec.types.iter().enumerate() {
            if let TypeDef::Object(object) = def {
                for (field_index, _) in boxed_fields(object, &objects)
                    .into_iter()
                    .filter(|(_, required)| *required)
                {
                    c.error(
                        format!("$.types[{i}].fields[{field_index}]"),
                        format!(
                            "field {:?} of {} is required and leads back to {} through required fields only, so no finite value exists; make one field of the cycle optional or an array",
                            object.fields[field_index].name, object.name, object.name
                        ),
                    );
                }
            }
        }
    }

    let mut op_names = BTreeSet::new();
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for (i, op) in spec.operations.iter().enumerate() {
        let base = format!("$.operations[{i}]");
        if !naming::is_snake_ident(&op.name) {
            c.error(
                format!("{base}.name"),
                format!(
                    "operation name {:?} must be a snake_case identifier such as \"create_pool\"",
                    op.name
                ),
            );
        }
        if !op_names.insert(op.name.as_str()) {
            c.error(
                format!("{base}.name"),
                format!("operation {:?} is declared twice", op.name),
            );
        }
        if !METHODS.contains(&op.method.as_str()) {
            c.error(
                format!("{base}.method"),
                format!(
                    "method {:?} is not one of {}",
                    op.method,
                    METHODS.join(", ")
                ),
            );
        }
        let declared: Vec<&str> = op.path_params.iter().map(|p| p.name.as_str()).collect();
        match path_parts(&op.path) {
            Err(message) => c.error(format!("{base}.path"), message),
            Ok(parts) => {
                let used: Vec<&str> = parts
                    .iter()
                    .filter_map(|p| match p {
                        PathPart::Param(name) => Some(name.as_str()),
                        PathPart::Literal(_) => None,
                    })
                    .collect();
                for name in &used {
                    if !declared.contains(name) {
                        c.error(
                            format!("{base}.path"),
                            format!(
                                "path {:?} uses {{{name}}}, which path_params does not declare",
                                op.path
                            ),
                        );
                    }
                    if used.iter().filter(|u| *u == name).count() > 1 {
                        c.error(
                            format!("{base}.path"),
                            format!("path {:?} uses {{{name}}} more than once", op.path),
                        );
                    }
                }
                for (j, name) in declared.iter().enumerate() {
                    if !used.contains(name) {
                        c.error(format!("{base}.path_params[{j}].name"), format!("path parameter {name:?} is declared but the path {:?} does not use it", op.path));
                    }
                }
            }
        }
        let mut rust_names = BTreeSet::new();
        for (kind, params) in [
            ("path_params", &op.path_params),
            ("header_params", &op.header_params),
        ] {
            for (j, param) in params.iter().enumerate() {
                let ppath = format!("{base}.{kind}[{j}]");
                if param.type_expr != "string" {
                    c.error(format!("{ppath}.type"), format!("parameter type {:?} is not supported; path and header parameters are \"string\"", param.type_expr));
                }
                if kind == "header_params"
                    && (param.name.is_empty()
                        || !param
                            .name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)))
                {
                    c.error(
                        format!("{ppath}.name"),
                        format!("{:?} is not a valid HTTP header name", param.name),
                    );
                }
                if kind == "path_params" && param.required == Some(false) {
                    c.error(
                        format!("{ppath}.required"),
                        "a path parameter is always required",
                    );
                }
                if let Some(bind) = &param.bind {
                    if kind != "path_params" || !BINDABLE.contains(&bind.as_str()) {
                        c.error(
                            format!("{ppath}.bind"),
                            format!(
                                "bind {bind:?} is not supported; path parameters may bind to {}",
                                BINDABLE.join(", ")
                            ),
                        );
                    }
                    continue;
                }
                match rust_name(&param.name, param.rust_name.as_deref()) {
                    Ok(name) => {
                        if !rust_names.insert(name.clone()) || name == "body" {
                            c.error(&ppath, format!("parameter {:?} becomes the Rust argument `{name}`, which another argument already has; set a distinct \"rust_name\"", param.name));
                        }
                    }
                    Err(message) => c.error(&ppath, message),
                }
            }
        }
        if let Some(body) = &op.request_body {
            match kinds.get(body.type_name.as_str()) {
                Some(TypeDef::Object(_)) => request_roots.push(body.type_name.as_str()),
                Some(_) => c.error(
                    format!("{base}.request_body.type"),
                    format!("request body {:?} must be an object type", body.type_name),
                ),
                None => c.error(
                    format!("{base}.request_body.type"),
                    format!(
                        "request body type {:?} is not declared in types",
                        body.type_name
                    ),
                ),
            }
        }
        let mut statuses = BTreeSet::new();
        for (j, response) in op.responses.iter().enumerate() {
            let rpath = format!("{base}.responses[{j}]");
            if !(100..=599).contains(&response.status) {
                c.error(
                    format!("{rpath}.status"),
                    format!("{} is not an HTTP status", response.status),
                );
            }
            if !statuses.insert(response.status) {
                c.error(
                    format!("{rpath}.status"),
                    format!("status {} is listed twice", response.status),
                );
            }
            if let Some(body) = &response.body {
                match kinds.get(body.as_str()) {
                    Some(TypeDef::Object(_)) => response_roots.push(body.as_str()),
                    Some(_) => c.error(
                        format!("{rpath}.body"),
                        format!("response body {body:?} must be an object type"),
                    ),
                    None => c.error(
                        format!("{rpath}.body"),
                        format!("response body type {body:?} is not declared in types"),
                    ),
                }
            }
        }
        if op
            .responses
            .iter()
            .filter(|r| (200..300).contains(&r.status))
            .count()
            != 1
        {
            c.error(
                format!("{base}.responses"),
                "an operation needs exactly one 2xx response",
            );
        }
    }

    if c.diagnostics.is_empty() {
        let response_types = reachable_from(&response_roots, &objects);
        for (i, def) in spec.types.iter().enumerate() {
            if let TypeDef::Object(object) = def
                && response_types.contains(object.name.as_str())
            {
                for (j, field) in object.fields.iter().enumerate() {
                    if field.wire_required.or(field.required) == Some(true) {
                        c.error(format!("$.types[{i}].fields[{j}].required"), format!("{} is used in a response, and response fields are never required (a response table promises none); drop \"required\" or give the request its own type", object.name));
                    }
                }
            }
        }
    }

    if c.diagnostics.is_empty() {
        Ok(())
    } else {
        Err(c.diagnostics)
    }
}

fn repr_word(repr: Repr) -> &'static str {
    match repr {
        Repr::String => "string",
        Repr::Integer => "integer",
    }
}

/// The Rust identifier for a wire name, or why there is none.
pub fn rust_name(wire: &str, explicit: Option<&str>) -> Result<String, String> {
    match explicit {
        Some(name) if naming::is_snake_ident(name) => Ok(name.to_owned()),
        Some(name) => Err(format!("rust_name {name:?} must be a snake_case identifier that is not a keyword")),
        None => naming::snake_case(wire).ok_or_else(|| {
            format!("{wire:?} has no ASCII letters or digits to make a Rust name from; set \"rust_name\"")
        }),
    }
}

fn check_object(
    c: &mut Checker<'_>,
    base: &str,
    object: &ObjectDef,
    kinds: &BTreeMap<&str, &TypeDef>,
) {
    let mut wire_names: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
    let mut field_types: BTreeMap<&str, TypeRef> = BTreeMap::new();
    // Fields whose type is already reported; rules over them are not reported again.
    let mut broken: BTreeSet<&str> = BTreeSet::new();
    for (j, field) in object.fields.iter().enumerate() {
        let fpath = format!("{base}.fields[{j}]");
        if field.name.is_empty() {
            c.error(format!("{fpath}.name"), "a field name cannot be empty");
        }
        if wire_names.insert(&field.name, j).is_some() {
            c.error(
                format!("{fpath}.name"),
                format!("field {:?} appears twice in {}", field.name, object.name),
            );
        }
        match rust_name(&field.name, field.rust_name.as_deref()) {
            Ok(name) => {
                if name == naming::UNKNOWN_FIELDS {
                    c.error(&fpath, format!("field {:?} becomes `{name}`, the name that holds unlisted members; set another \"rust_name\"", field.name));
                } else if let Some(other) = rust_names.insert(name.clone(), &field.name) {
                    c.error(&fpath, format!("fields {other:?} and {:?} of {} both become the Rust field `{name}`; set \"rust_name\" on one of them", field.name, object.name));
                }
            }
            Err(message) => c.error(&fpath, message),
        }
        match parse_type_expr(&field.type_expr) {
            Err(message) => {
                broken.insert(&field.name);
                c.error(format!("{fpath}.type"), message);
            }
            Ok(ty) => {
                if let Some(name) = ty.named()
                    && !kinds.contains_key(name)
                {
                    broken.insert(&field.name);
                    let hint = kinds
                        .keys()
                        .find(|k| k.eq_ignore_ascii_case(name))
                        .map(|k| format!(" (did you mean {k:?}?)"))
                        .unwrap_or_default();
                    c.error(format!("{fpath}.type"), format!("unknown type {name:?}{hint}; declare it in types or use string, integer, number, boolean, json or array<T>"));
                }
                if field.min_items.is_some() && !matches!(ty, TypeRef::Array(_)) {
                    c.error(
                        format!("{fpath}.min_items"),
                        "min_items applies to array fields only",
                    );
                }
                field_types.insert(&field.name, ty);
            }
        }
        if field.wire_required.is_some() && field.required.is_none() {
            c.error(
                format!("{fpath}.wire_required"),
                "wire_required overrides the table's \"required\"; give \"required\" too",
            );
        }
    }

    let mut rule_ids = BTreeSet::new();
    for (k, rule) in object.rules.iter().enumerate() {
        let rpath = format!("{base}.rules[{k}]");
        if !rule_ids.insert(rule.id.as_str()) {
            c.error(
                format!("{rpath}.id"),
                format!("rule {:?} is declared twice", rule.id),
            );
        }
        match field_types.get(rule.when.field.as_str()) {
            _ if broken.contains(rule.when.field.as_str()) => {}
            None => c.error(
                format!("{rpath}.when.field"),
                format!("{} has no field {:?}", object.name, rule.when.field),
            ),
            Some(ty) => {
                let string_like = match ty {
                    TypeRef::String => true,
                    TypeRef::Named(name) => {
                        matches!(kinds.get(name.as_str()), Some(TypeDef::Enum(e)) if e.repr == Repr::String)
                    }
                    _ => false,
                };
                if !string_like {
                    c.error(
                        format!("{rpath}.when.field"),
                        format!(
                            "rule conditions compare string fields; {:?} is not one",
                            rule.when.field
                        ),
                    );
                }
                if !rule.when.equals.is_string() {
                    c.error(
                        format!("{rpath}.when.equals"),
                        format!("{} must be a JSON string", rule.when.equals),
                    );
                } else if let (Some(TypeDef::Enum(e)), Some(value)) = (
                    ty.named().and_then(|n| kinds.get(n)),
                    rule.when.equals.as_str(),
                ) && !e.values.iter().any(|v| v.value.as_str() == Some(value))
                {
                    c.error(
                        format!("{rpath}.when.equals"),
                        format!("{value:?} is not a value of {}", e.name),
                    );
                }
            }
        }
        match (&rule.items_equal, rule.require.is_empty()) {
            (None, true) => c.error(&rpath, "a rule needs \"require\" or \"items_equal\""),
            (Some(_), false) => c.error(
                &rpath,
                "a rule has either \"require\" or \"items_equal\", not both",
            ),
            (None, false) => {
                for (m, name) in rule.require.iter().enumerate() {
                    match wire_names.get(name.as_str()) {
                        None => c.error(
                            format!("{rpath}.require[{m}]"),
                            format!("{} has no field {name:?}", object.name),
                        ),
                        Some(&j) => {
                            let field = &object.fields[j];
                            if field.wire_required.or(field.required) == Some(true) {
                                c.error(format!("{rpath}.require[{m}]"), format!("{name:?} is always required, so the rule adds nothing; mark it wire_required: false or drop it from the rule"));
                            }
                        }
                    }
                }
            }
            (Some(items), true) => {
                let item_type = match field_types.get(items.array.as_str()) {
                    Some(TypeRef::Array(inner)) => match inner.as_ref() {
                        TypeRef::Named(name) => match kinds.get(name.as_str()) {
                            Some(TypeDef::Object(o)) => Some(o),
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                };
                match item_type {
                    None => c.error(
                        format!("{rpath}.items_equal.array"),
                        format!(
                            "{:?} must be a field of {} whose type is array<SomeObject>",
                            items.array, object.name
                        ),
                    ),
                    Some(item) => {
                        if items.fields.len() != 2 {
                            c.error(
                                format!("{rpath}.items_equal.fields"),
                                "items_equal compares exactly two fields",
                            );
                        }
                        let mut types = Vec::new();
                        for (m, name) in items.fields.iter().enumerate() {
                            match item.fields.iter().find(|f| &f.name == name) {
                                None => c.error(
                                    format!("{rpath}.items_equal.fields[{m}]"),
                                    format!("{} has no field {name:?}", item.name),
                                ),
                                Some(f) => types.push(&f.type_expr),
                            }
                        }
                        if types.len() == 2 && types[0] != types[1] {
                            c.error(format!("{rpath}.items_equal.fields"), format!("the fields have different types ({} and {}) and can never be equal", types[0], types[1]));
                        }
                    }
                }
            }
        }
    }
}
