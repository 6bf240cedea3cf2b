//! Resolve: the one pass from a parsed spec to the linked [`crate::model`]. Every rule a spec
//! must follow is checked here, all at once, each problem reported with the JSON path of the
//! offending value and what to change; every Rust name is decided here and checked for clashes.
//! A spec that resolves can be emitted without any further lookup.

mod graph;
mod links;
mod modules;
mod namespaces;
mod operations;
mod tables;
pub(crate) mod type_expr;
mod types;
mod waiters;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Api, DefaultErrors, EndpointVariable, Service, TypeEntry, TypeId, TypeKind};
use crate::naming;
use crate::spec::{Spec, TypeDef};

pub use type_expr::{ParsedType, parse_type_expr};

const SUPPORTED_FORMAT: u32 = 1;

/// Collects the problems of one spec.
pub(crate) struct Resolver<'a> {
    file: &'a str,
    diagnostics: Diagnostics,
}

impl Resolver<'_> {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::at_path(self.file, path, message));
    }
}

/// The declared type names, each with its id and the index of its declaration.
pub(crate) struct TypeTable<'a> {
    by_name: BTreeMap<&'a str, TypeId>,
    /// By id: the index in `spec.types` of the declaration.
    declarations: Vec<usize>,
}

impl<'a> TypeTable<'a> {
    pub fn get(&self, name: &str) -> Option<TypeId> {
        self.by_name.get(name).copied()
    }

    /// The declaration of `id` and its index in `spec.types`.
    pub fn def<'s>(&self, spec: &'s Spec, id: TypeId) -> (usize, &'s TypeDef) {
        let index = self.declarations[id.0];
        (index, &spec.types[index])
    }

    pub fn len(&self) -> usize {
        self.declarations.len()
    }

    /// A declared name that differs only in case, for "did you mean".
    pub fn similar(&self, name: &str) -> Option<&'a str> {
        self.by_name
            .keys()
            .find(|k| k.eq_ignore_ascii_case(name))
            .copied()
    }
}

/// Resolves a parsed spec into the linked model, or every problem it has.
pub fn resolve(spec: &Spec, file: &str) -> Result<Api, Diagnostics> {
    let mut r = Resolver {
        file,
        diagnostics: Diagnostics::default(),
    };
    let service = service(&mut r, spec);
    if spec.types.is_empty() && spec.operations.is_empty() {
        r.error(
            "$",
            "the spec declares no types and no operations; there is nothing to generate",
        );
    }
    let table = declare_types(&mut r, spec);
    let mut types = types::resolve_types(&mut r, spec, &table);
    let modules = modules::resolve_modules(&mut r, spec, &table, &mut types);
    let mut operations = operations::resolve_operations(&mut r, spec, &table, &types);
    let mut waiters = waiters::resolve_waiters(&mut r, &spec.waiters, &operations, &types);
    waiters::link_after(&mut r, &spec.waiters, &waiters, &types, &mut operations);
    links::link_operations(&types, &mut operations);
    let default_errors = default_errors(&mut r, spec, &table, &types);
    let tables =
        tables::resolve_tables(&mut r, &spec.tables, &types, &mut operations, &mut waiters);
    namespaces::check(&mut r, spec, &types, &operations, &waiters);
    if r.diagnostics.is_empty() {
        graph::link(&mut r, spec, &table, &mut types, &operations);
    }
    if !r.diagnostics.is_empty() {
        return Err(r.diagnostics);
    }
    Ok(Api {
        service,
        types,
        operations,
        waiters,
        tables,
        default_errors,
        modules,
    })
}

/// `service.default_errors`: its body must be an object type of the spec.
fn default_errors(
    r: &mut Resolver<'_>,
    spec: &Spec,
    table: &TypeTable<'_>,
    types: &[TypeEntry],
) -> Option<DefaultErrors> {
    let def = spec.service.default_errors.as_ref()?;
    let Some(body) = table.get(&def.body) else {
        let hint = table
            .similar(&def.body)
            .map(|name| format!(" (did you mean {name:?}?)"))
            .unwrap_or_default();
        r.error(
            "$.service.default_errors.body",
            format!("{:?} is not a type of the spec{hint}", def.body),
        );
        return None;
    };
    if !matches!(
        types.get(body.0).map(|t| &t.kind),
        Some(TypeKind::Object(_))
    ) {
        r.error(
            "$.service.default_errors.body",
            format!("{:?} is not an object type; an error body is one", def.body),
        );
        return None;
    }
    Some(DefaultErrors {
        body,
        description: def.description.clone(),
    })
}

fn service(r: &mut Resolver<'_>, spec: &Spec) -> Service {
    if spec.format_version != SUPPORTED_FORMAT {
        r.error(
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
        || !name.starts_with(|c: char| c.is_ascii_lowercase())
        || name.ends_with('-')
    {
        r.error(
            "$.service.name",
            format!(
                "service name {name:?} must be a crate name: lower-case letters, digits and '-', starting with a letter"
            ),
        );
    }
    for (key, text) in [
        ("title", &spec.service.title),
        ("description", &spec.service.description),
        (
            "repository",
            spec.service.repository.as_ref().unwrap_or(&String::new()),
        ),
    ] {
        if text.chars().any(char::is_control) {
            r.error(
                format!("$.service.{key}"),
                format!("service {key} {text:?} contains control characters (line breaks, tabs, escapes); write it on one line"),
            );
        }
    }
    let version = spec
        .service
        .version
        .clone()
        .unwrap_or_else(|| crate::spec::DEFAULT_VERSION.to_owned());
    let numbers: Vec<&str> = version.split('.').collect();
    if numbers.len() != 3
        || numbers.iter().any(|n| {
            n.is_empty()
                || !n.bytes().all(|b| b.is_ascii_digit())
                || (n.len() > 1 && n.starts_with('0'))
                || n.parse::<u64>().is_err()
        })
    {
        r.error(
            "$.service.version",
            format!("service version {version:?} must be MAJOR.MINOR.PATCH, such as \"0.1.0\""),
        );
    }
    let endpoint_variables = endpoint_variables(r, spec);
    Service {
        version,
        package: name.clone(),
        crate_ident: name.replace('-', "_"),
        title: spec.service.title.clone(),
        description: spec.service.description.clone(),
        schema_id_base: spec.service.schema_id_base.clone(),
        repository: spec.service.repository.clone(),
        endpoint: spec.service.endpoint.clone(),
        endpoint_variables,
    }
}

/// The `{variable}`s of the endpoint template with their defaults, each of which the spec must
/// give (and give for nothing else).
fn endpoint_variables(r: &mut Resolver<'_>, spec: &Spec) -> Vec<EndpointVariable> {
    let defaults = &spec.service.endpoint_defaults;
    let mut variables: Vec<EndpointVariable> = Vec::new();
    let mut rest = spec.service.endpoint.as_deref().unwrap_or_default();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            r.error(
                "$.service.endpoint",
                "the endpoint opens a {variable} it does not close",
            );
            break;
        };
        let name = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        if variables.iter().any(|v| v.name == name) {
            continue;
        }
        match defaults.get(name) {
            Some(default) => variables.push(EndpointVariable {
                name: name.to_owned(),
                default: default.clone(),
            }),
            None => r.error(
                "$.service.endpoint",
                format!("the endpoint's {{{name}}} has no default; give one in service.endpoint_defaults, such as {{\"{name}\": \"…\"}}"),
            ),
        }
    }
    for name in defaults.keys() {
        if !variables.iter().any(|v| &v.name == name) {
            r.error(
                format!("$.service.endpoint_defaults.{name}"),
                format!("the endpoint has no {{{name}}} for this default"),
            );
        }
    }
    variables
}

/// Gives every type its id (by name order) and reports bad or duplicate names.
fn declare_types<'a>(r: &mut Resolver<'_>, spec: &'a Spec) -> TypeTable<'a> {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, def) in spec.types.iter().enumerate() {
        let path = format!("$.types[{i}].name");
        let name = def.name();
        if !naming::is_upper_camel_ident(name) {
            r.error(&path, format!("type name {name:?} must be UpperCamelCase ASCII (letters and digits, starting with a capital), such as \"PoolSpec\""));
        }
        if first.contains_key(name) {
            r.error(
                &path,
                format!("type {name:?} is declared twice; each type name must be unique"),
            );
        } else {
            first.insert(name, i);
        }
    }
    TypeTable {
        by_name: first
            .keys()
            .enumerate()
            .map(|(id, name)| (*name, TypeId(id)))
            .collect(),
        declarations: first.into_values().collect(),
    }
}

/// The Rust identifier for a wire name, or why there is none. An explicit `rust_name` must be a
/// snake_case identifier that is not a keyword and does not start with `__` (generated locals'
/// prefix).
pub fn rust_name(wire: &str, explicit: Option<&str>) -> Result<String, String> {
    match explicit {
        Some(name) if naming::is_snake_ident(name) && !name.starts_with("__") => {
            Ok(name.to_owned())
        }
        Some(name) => Err(format!(
            "rust_name {name:?} must be a snake_case identifier that is not a keyword and does not start with \"__\""
        )),
        None => naming::snake_case(wire).ok_or_else(|| {
            format!(
                "{wire:?} has no ASCII letters or digits to make a Rust name from; set \"rust_name\""
            )
        }),
    }
}

#[cfg(test)]
mod tests;
