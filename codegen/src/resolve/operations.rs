//! Operations: method, path, parameters with their kinds, bodies and responses linked to their
//! types, and the names of the client method, error enum, variants, subcommand and options.

use std::collections::{BTreeMap, BTreeSet};

use super::type_expr::{ParsedType, parse_type_expr};
use super::{Resolver, TypeTable, rust_name};
use crate::model::{
    Body, ClientSetting, ErrorResponse, HttpMethod, MediaType, MemberPath, Operation, Pagination,
    Param, ParamKind, PathSegment, Primitive, Response, TypeEntry, TypeId, TypeKind, TypeRef,
};
use crate::naming;
use crate::spec::{Choice, Operation as OperationDef, PaginationDef, ParamDef, ResponseDef, Spec};

/// Where a parameter goes, as the spec lists them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Path,
    Query,
    Header,
}

pub(super) fn resolve_operations(
    r: &mut Resolver<'_>,
    spec: &Spec,
    table: &TypeTable<'_>,
    types: &[TypeEntry],
) -> Vec<Operation> {
    let mut operations: BTreeMap<String, Operation> = BTreeMap::new();
    for (i, def) in spec.operations.iter().enumerate() {
        let base = format!("$.operations[{i}]");
        let op = operation(r, &base, def, table, types);
        if operations.contains_key(&def.name) {
            r.error(
                format!("{base}.name"),
                format!("operation {:?} is declared twice", def.name),
            );
            continue;
        }
        operations.insert(def.name.clone(), op);
    }
    operations.into_values().collect()
}

fn operation(
    r: &mut Resolver<'_>,
    base: &str,
    def: &OperationDef,
    table: &TypeTable<'_>,
    types: &[TypeEntry],
) -> Operation {
    if !naming::is_snake_ident(&def.name) || def.name.starts_with("__") {
        r.error(
            format!("{base}.name"),
            format!(
                "operation name {:?} must be a snake_case identifier such as \"create_pool\"",
                def.name
            ),
        );
    }
    let method = match &def.method {
        Choice::Known(method) => *method,
        Choice::Other(text) => {
            let all: Vec<&str> = HttpMethod::ALL.iter().map(|m| m.as_str()).collect();
            r.error(
                format!("{base}.method"),
                format!("method {text:?} is not one of {}", all.join(", ")),
            );
            HttpMethod::Get
        }
    };

    let mut params = Vec::new();
    let mut argument_names: BTreeMap<String, String> = BTreeMap::new();
    let mut flags: BTreeMap<String, String> = BTreeMap::new();
    for (key, place, defs) in [
        ("path_params", Place::Path, &def.path_params),
        ("query_params", Place::Query, &def.query_params),
        ("header_params", Place::Header, &def.header_params),
    ] {
        let mut wire_names = BTreeSet::new();
        for (j, param_def) in defs.iter().enumerate() {
            let ppath = format!("{base}.{key}[{j}]");
            let wire = if place == Place::Header {
                param_def.name.to_ascii_lowercase()
            } else {
                param_def.name.clone()
            };
            if !wire_names.insert(wire) {
                r.error(
                    format!("{ppath}.name"),
                    format!("{key} lists {:?} twice", param_def.name),
                );
            }
            if let Some(param) = param(r, &ppath, place, param_def, table, types) {
                if !matches!(param.kind, ParamKind::ClientSetting(_)) {
                    if let Some(other) =
                        argument_names.insert(param.rust_name.clone(), param.wire_name.clone())
                    {
                        r.error(&ppath, format!("parameters {other:?} and {:?} both become the Rust argument `{}`; set a distinct \"rust_name\"", param.wire_name, param.rust_name));
                    }
                    if let Some(other) = flags.insert(param.flag.clone(), param.wire_name.clone()) {
                        r.error(&ppath, format!("parameters {other:?} and {:?} both become the program option `--{}`; set a distinct \"rust_name\"", param.wire_name, param.flag));
                    }
                }
                params.push(param);
            }
        }
    }

    let path_segments = path_segments(r, base, def, &params);

    let request_body = def.request_body.as_ref().and_then(|body| {
        let media_type = match &body.media_type {
            None => MediaType::Json,
            Some(Choice::Known(media_type)) => *media_type,
            Some(Choice::Other(name)) => {
                r.error(format!("{base}.request_body.media_type"), format!("media type {name:?} is not supported; use \"application/json\" or \"application/merge-patch+json\""));
                MediaType::Json
            }
        };
        let ty = object_type(r, &format!("{base}.request_body.type"), "request body", &body.type_name, table, types)?;
        // The argument is `body` unless a parameter took that name.
        let arg = ["body", "request_body", "body_"]
            .into_iter()
            .find(|name| !argument_names.contains_key(*name))
            .unwrap_or("body__")
            .to_owned();
        Some(Body {
            ty,
            media_type,
            arg,
            examples: body.examples.clone(),
        })
    });

    let mut statuses = BTreeSet::new();
    let mut success = Vec::new();
    let mut errors = Vec::new();
    for (j, response_def) in def.responses.iter().enumerate() {
        let rpath = format!("{base}.responses[{j}]");
        if !statuses.insert(response_def.status) {
            r.error(
                format!("{rpath}.status"),
                format!("status {} is listed twice", response_def.status),
            );
        }
        let response = response(r, &rpath, response_def, table, types);
        match response_def.status {
            200..=299 => success.push(response),
            400..=599 => {
                let variant = status_variant(response_def.status);
                errors.push(ErrorResponse { response, variant });
            }
            100..=199 | 300..=399 => r.error(format!("{rpath}.status"), format!("status {} is neither a success (2xx) nor a failure (4xx, 5xx); only those can be documented", response_def.status)),
            other => r.error(format!("{rpath}.status"), format!("{other} is not an HTTP status")),
        }
    }
    errors.sort_by_key(|e| e.response.status);
    if success.len() != 1 {
        r.error(
            format!("{base}.responses"),
            "an operation needs exactly one 2xx response",
        );
    }
    let success = success.into_iter().next().unwrap_or(Response {
        status: 200,
        description: String::new(),
        body: None,
        no_content: false,
        examples: Vec::new(),
    });
    let pagination = def.pagination.as_ref().and_then(|p| {
        pagination(
            r,
            &format!("{base}.pagination"),
            p,
            &params,
            success.body,
            types,
        )
    });
    let camel = naming::upper_camel_case(&def.name).unwrap_or_default();
    Operation {
        name: def.name.clone(),
        operation_id: def.operation_id.clone().unwrap_or_else(|| camel.clone()),
        subcommand: naming::kebab_case(&def.name).unwrap_or_default(),
        subcommand_variant: camel.clone(),
        summary: def.summary.clone(),
        description: def.description.clone(),
        source: def.source.clone(),
        decisions: def.decisions.clone(),
        method,
        path: def.path.clone(),
        path_segments,
        params,
        request_body,
        success,
        error_enum: naming::error_enum(&camel),
        input_type: naming::input_type(&camel),
        call_type: naming::call_type(&camel),
        handler: naming::handler_fn(&def.name),
        errors,
        pagination,
        table: None,
        then_wait: None,
        links: Vec::new(),
    }
}

/// Links the pagination members: token and page-size query parameters, and the token and items
/// members of the success body.
fn pagination(
    r: &mut Resolver<'_>,
    ppath: &str,
    def: &PaginationDef,
    params: &[Param],
    body: Option<TypeId>,
    types: &[TypeEntry],
) -> Option<Pagination> {
    let query = |r: &mut Resolver<'_>, key: &str, name: &str| {
        let found = params
            .iter()
            .position(|p| p.kind == ParamKind::Query && p.wire_name == name && !p.repeated);
        if found.is_none() {
            r.error(
                format!("{ppath}.{key}"),
                format!("{name:?} is not a (single-valued) query parameter of the operation"),
            );
        }
        found
    };
    let page_size = match &def.page_size {
        Some(name) => Some(query(r, "page_size", name)?),
        None => None,
    };
    let request_token = query(r, "request_token", &def.request_token)?;
    let token = &params[request_token];
    if token.ty != Primitive::String || token.enum_type.is_some() || token.required {
        r.error(
            format!("{ppath}.request_token"),
            format!(
                "{:?} must be an optional string query parameter: the paginator sets it to the token the last page gave",
                def.request_token
            ),
        );
        return None;
    }
    let Some(body) = body else {
        r.error(ppath, "a paginated operation needs a success body");
        return None;
    };
    let member = |r: &mut Resolver<'_>, key: &str, object: TypeId, name: &str| {
        let found = match &types[object.0].kind {
            TypeKind::Object(o) => o.fields.iter().position(|f| f.wire_name == name),
            _ => None,
        };
        if found.is_none() {
            r.error(
                format!("{ppath}.{key}"),
                format!("{} has no member {name:?}", types[object.0].name),
            );
        }
        found
    };
    let mut steps_linked = Vec::new();
    let mut object = body;
    let steps: Vec<&str> = def.response_token.split('.').collect();
    for (i, step) in steps.iter().enumerate() {
        let field = member(r, "response_token", object, step)?;
        steps_linked.push((object, field));
        let TypeKind::Object(o) = &types[object.0].kind else {
            return None;
        };
        match (&o.fields[field].ty, i + 1 == steps.len()) {
            (TypeRef::Primitive(Primitive::String), true) => {}
            (TypeRef::Named(next), false) if matches!(types[next.0].kind, TypeKind::Object(_)) => {
                object = *next
            }
            _ => {
                r.error(
                    format!("{ppath}.response_token"),
                    format!(
                        "{:?} must lead through objects to a string member",
                        def.response_token
                    ),
                );
                return None;
            }
        }
    }
    let items_field = member(r, "items", body, &def.items)?;
    let TypeKind::Object(o) = &types[body.0].kind else {
        return None;
    };
    if !matches!(o.fields[items_field].ty, TypeRef::Array(_)) {
        r.error(
            format!("{ppath}.items"),
            format!(
                "{:?} must be an array member of the success body",
                def.items
            ),
        );
        return None;
    }
    Some(Pagination {
        page_size,
        request_token,
        response_token: MemberPath {
            steps: steps_linked,
            wire: steps.join("."),
        },
        items: (body, items_field),
    })
}

fn param(
    r: &mut Resolver<'_>,
    ppath: &str,
    place: Place,
    def: &ParamDef,
    table: &TypeTable<'_>,
    types: &[TypeEntry],
) -> Option<Param> {
    let parsed = parse_type_expr(&def.type_expr);
    // A query or header parameter may name a string enum (`array<Enum>` for a repeated query
    // parameter): its values are the enum's, sent as the strings they are.
    let named = match (place, &parsed) {
        (Place::Query, Ok(ParsedType::Array(inner))) => match inner.as_ref() {
            ParsedType::Named(name) => Some(name.as_str()),
            _ => None,
        },
        (Place::Query | Place::Header, Ok(ParsedType::Named(name))) => Some(name.as_str()),
        _ => None,
    };
    let mut enum_type = None;
    if let Some(name) = named {
        let Some(id) = table.get(name) else {
            let hint = table
                .similar(name)
                .map(|s| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default();
            r.error(
                format!("{ppath}.type"),
                format!("parameter type {:?} names no declared type{hint}; a parameter's type is a primitive or the name of a string enum", def.type_expr),
            );
            return None;
        };
        match types.get(id.0).map(|entry| &entry.kind) {
            Some(TypeKind::Enum(_)) => enum_type = Some(id),
            _ => {
                r.error(
                    format!("{ppath}.type"),
                    format!("parameter type {:?} names {name:?}, which is not an enum; a parameter's type is a primitive or the name of a string enum", def.type_expr),
                );
                return None;
            }
        }
    }
    let is_array = matches!(parsed, Ok(ParsedType::Array(_)));
    let (ty, repeated) = match (place, parsed) {
        _ if enum_type.is_some() => (Some(Primitive::String), is_array),
        (Place::Query, Ok(ParsedType::Array(inner))) => (scalar(&inner), true),
        (Place::Query, Ok(parsed)) => (scalar(&parsed), false),
        (_, Ok(ParsedType::Primitive(Primitive::String))) => (Some(Primitive::String), false),
        _ => (None, false),
    };
    let Some(ty) = ty else {
        let allowed = if place == Place::Query {
            "query parameters are string, integer, int32, number, boolean or the name of a string enum, or an array<…> of one of them"
        } else if place == Place::Header {
            "header parameters are \"string\" or the name of a string enum"
        } else {
            "path parameters are \"string\""
        };
        r.error(
            format!("{ppath}.type"),
            format!(
                "parameter type {:?} is not supported; {allowed}",
                def.type_expr
            ),
        );
        return None;
    };
    if def.name.is_empty() {
        r.error(format!("{ppath}.name"), "a parameter name cannot be empty");
        return None;
    }
    if place == Place::Header
        && !def
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        r.error(
            format!("{ppath}.name"),
            format!("{:?} is not a valid HTTP header name", def.name),
        );
    }
    if place == Place::Path && def.required == Some(false) {
        r.error(
            format!("{ppath}.required"),
            "a path parameter is always required",
        );
    }
    let kind = match (&def.bind, place) {
        (Some(bind), _) => match ClientSetting::ALL
            .into_iter()
            .find(|s| s.spec_name() == bind)
        {
            Some(setting) if place == Place::Path => ParamKind::ClientSetting(setting),
            _ => {
                let settings: Vec<&str> =
                    ClientSetting::ALL.iter().map(|s| s.spec_name()).collect();
                r.error(
                    format!("{ppath}.bind"),
                    format!(
                        "bind {bind:?} is not supported; path parameters may bind to {}",
                        settings.join(", ")
                    ),
                );
                return None;
            }
        },
        (None, Place::Path) => ParamKind::Path,
        (None, Place::Query) => ParamKind::Query,
        (None, Place::Header) => ParamKind::Header,
    };
    let rust = match rust_name(&def.name, def.rust_name.as_deref()) {
        Ok(name) => name,
        Err(message) => {
            r.error(ppath, message);
            return None;
        }
    };
    // A parameter named like an option every command has (`--region`, `--body`) gets `-param`.
    let mut flag = naming::kebab_case(&rust).unwrap_or_else(|| rust.clone());
    if naming::RESERVED_FLAGS.contains(&flag.as_str()) {
        flag.push_str("-param");
    }
    Some(Param {
        wire_name: def.name.clone(),
        flag,
        setter: naming::setter(&rust),
        rust_name: rust,
        kind,
        required: place == Place::Path || def.required.unwrap_or(false),
        description: def.description.clone(),
        ty,
        repeated,
        enum_type,
    })
}

fn scalar(parsed: &ParsedType) -> Option<Primitive> {
    match parsed {
        ParsedType::Primitive(primitive) => Some(*primitive),
        _ => None,
    }
}

/// Splits `/v2/{project_id}/pools` into literal segments and links the parameter ones.
fn path_segments(
    r: &mut Resolver<'_>,
    base: &str,
    def: &OperationDef,
    params: &[Param],
) -> Vec<PathSegment> {
    let ppath = format!("{base}.path");
    let Some(rest) = def.path.strip_prefix('/') else {
        r.error(ppath, format!("path {:?} must start with '/'", def.path));
        return Vec::new();
    };
    let mut segments = Vec::new();
    let mut used = BTreeSet::new();
    for segment in rest.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if name.is_empty() || name.contains(['{', '}']) {
                r.error(
                    &ppath,
                    format!("path segment {segment:?} must be a literal or a whole {{parameter}}"),
                );
                continue;
            }
            if !used.insert(name) {
                r.error(
                    &ppath,
                    format!("path {:?} uses {{{name}}} more than once", def.path),
                );
                continue;
            }
            match params.iter().position(|p| {
                p.wire_name == name
                    && matches!(p.kind, ParamKind::Path | ParamKind::ClientSetting(_))
            }) {
                Some(index) => segments.push(PathSegment::Param(index)),
                None if def.path_params.iter().any(|p| p.name == name) => {} // reported with the parameter
                None => r.error(
                    &ppath,
                    format!(
                        "path {:?} uses {{{name}}}, which path_params does not declare",
                        def.path
                    ),
                ),
            }
        } else if segment.is_empty() || segment == "." || segment == ".." {
            r.error(
                &ppath,
                format!("path {:?} has an empty, '.' or '..' segment", def.path),
            );
        } else if segment.contains(['{', '}']) {
            r.error(
                &ppath,
                format!("path segment {segment:?} must be a literal or a whole {{parameter}}"),
            );
        } else if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        {
            r.error(
                &ppath,
                format!("literal path segment {segment:?} may use only A-Z a-z 0-9 - . _ ~"),
            );
        } else {
            segments.push(PathSegment::Literal(segment.to_owned()));
        }
    }
    for (j, param) in def.path_params.iter().enumerate() {
        if !used.contains(param.name.as_str()) {
            r.error(
                format!("{base}.path_params[{j}].name"),
                format!(
                    "path parameter {:?} is declared but the path {:?} does not use it",
                    param.name, def.path
                ),
            );
        }
    }
    segments
}

fn object_type(
    r: &mut Resolver<'_>,
    path: &str,
    what: &str,
    name: &str,
    table: &TypeTable<'_>,
    types: &[TypeEntry],
) -> Option<TypeId> {
    match table.get(name) {
        Some(id) if matches!(types[id.0].kind, TypeKind::Object(_)) => Some(id),
        Some(_) => {
            r.error(path, format!("{what} {name:?} must be an object type"));
            None
        }
        None => {
            r.error(
                path,
                format!("{what} type {name:?} is not declared in types"),
            );
            None
        }
    }
}

fn response(
    r: &mut Resolver<'_>,
    rpath: &str,
    def: &ResponseDef,
    table: &TypeTable<'_>,
    types: &[TypeEntry],
) -> Response {
    Response {
        status: def.status,
        description: def.description.clone(),
        no_content: def.status == 204,
        body: def.body.as_deref().and_then(|name| {
            object_type(
                r,
                &format!("{rpath}.body"),
                "response body",
                name,
                table,
                types,
            )
        }),
        examples: def.examples.clone(),
    }
}

/// `NotFound` for 404: the status's reason phrase, or `Status599` for one without.
fn status_variant(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .and_then(naming::upper_camel_case)
        .unwrap_or_else(|| format!("Status{status}"))
}
