//! The one check of the generated crate's namespaces: every name a spec puts into a module or
//! onto the client (types, error enums, methods, paginators, waiters, subcommands) against the
//! names the generated code has there already and against each other. A clash is refused at the
//! spec name that brings the second one, naming the first.
//!
//! Names local to one item (a struct's fields, a method's arguments, a subcommand's options, an
//! enum's variants) are checked where that item is resolved; generated locals all start with
//! `__`, which no spec name may.

use std::collections::BTreeMap;

use super::Resolver;
use crate::model::{Operation, TypeEntry, Waiter};
use crate::naming;
use crate::spec::Spec;

/// Who brought a name into a namespace.
enum Origin {
    /// The generated code itself.
    Generated,
    /// A spec name: where it is, and what the name is of.
    Spec { path: String, what: String },
}

/// One namespace of the generated crate.
struct Namespace {
    /// Where it is, for messages ("the generated `models` module").
    place: &'static str,
    names: BTreeMap<String, Origin>,
}

impl Namespace {
    fn new(place: &'static str, generated: impl IntoIterator<Item = String>) -> Self {
        Namespace {
            place,
            names: generated
                .into_iter()
                .map(|name| (name, Origin::Generated))
                .collect(),
        }
    }

    /// Enters `name`, brought by the spec at `path` as `what`; a clash is reported there.
    fn enter(&mut self, r: &mut Resolver<'_>, name: &str, path: &str, what: String) {
        match self.names.get(name) {
            None => {
                self.names.insert(
                    name.to_owned(),
                    Origin::Spec {
                        path: path.to_owned(),
                        what,
                    },
                );
            }
            Some(Origin::Generated) => r.error(
                path,
                format!(
                    "{what} `{name}` is a name {} already has; rename it",
                    self.place
                ),
            ),
            Some(Origin::Spec {
                path: other_path,
                what: other,
            }) => r.error(
                path,
                format!(
                    "{what} `{name}` is also {other} in {} ({other_path}); rename one",
                    self.place
                ),
            ),
        }
    }
}

fn generated(names: &[&str]) -> impl Iterator<Item = String> {
    names.iter().map(|name| (*name).to_owned())
}

/// The JSON path of the spec's first declaration of `name` in `list`, or of the list itself.
fn declared_at<T>(list: &[T], key: &str, name: &str, of: impl Fn(&T) -> &str) -> String {
    match list.iter().position(|item| of(item) == name) {
        Some(index) => format!("$.{key}[{index}].name"),
        None => format!("$.{key}"),
    }
}

pub(super) fn check(
    r: &mut Resolver<'_>,
    spec: &Spec,
    types: &[TypeEntry],
    operations: &[Operation],
    waiters: &[Waiter],
) {
    let mut models = Namespace::new(
        "the generated `models` module",
        generated(naming::RESERVED_TYPE_NAMES),
    );
    for entry in types {
        let path = declared_at(&spec.types, "types", &entry.name, |t| t.name());
        models.enter(r, &entry.name, &path, format!("type {:?}", entry.name));
    }

    // The published schemas: one file per body type beside the index, told apart even where
    // file names ignore case (macOS, Windows).
    let mut schema_files = Namespace::new(
        "the published schemas/ folder (file names compared ignoring case)",
        [naming::SCHEMA_INDEX.to_ascii_lowercase()],
    );
    let mut bodies: Vec<usize> = operations
        .iter()
        .flat_map(|op| {
            let responses =
                std::iter::once(&op.success).chain(op.errors.iter().map(|e| &e.response));
            op.request_body
                .iter()
                .map(|b| b.ty)
                .chain(responses.filter_map(|r| r.body))
        })
        .map(|id| id.0)
        .collect();
    bodies.sort_unstable();
    bodies.dedup();
    for id in bodies {
        let entry = &types[id];
        let path = declared_at(&spec.types, "types", &entry.name, |t| t.name());
        schema_files.enter(
            r,
            &entry.schema_file.to_ascii_lowercase(),
            &path,
            format!("type {:?}'s schema file", entry.name),
        );
    }

    let operation_at = |name: &str| declared_at(&spec.operations, "operations", name, |o| &o.name);
    let waiter_at = |name: &str| declared_at(&spec.waiters, "waiters", name, |w| &w.name);

    let mut client_types = Namespace::new(
        "the generated `client` module (and the crate root)",
        generated(naming::CLIENT_MODULE_NAMES),
    );
    let mut methods = Namespace::new("the generated client", generated(naming::CLIENT_METHODS));
    let mut subcommands = Namespace::new(
        "the generated program",
        generated(naming::RESERVED_SUBCOMMANDS),
    );
    let mut variants = Namespace::new(
        "the generated program's `Command`",
        naming::RESERVED_SUBCOMMANDS
            .iter()
            .filter_map(|name| naming::upper_camel_case(name)),
    );
    for op in operations {
        let path = operation_at(&op.name);
        let name = &op.name;
        methods.enter(r, name, &path, format!("operation {name:?}'s method"));
        client_types.enter(
            r,
            &op.error_enum,
            &path,
            format!("operation {name:?}'s error enum"),
        );
        subcommands.enter(
            r,
            &op.subcommand,
            &path,
            format!("operation {name:?}'s subcommand"),
        );
        variants.enter(
            r,
            &op.subcommand_variant,
            &path,
            format!("operation {name:?}'s subcommand variant"),
        );
    }
    let mut inputs = Namespace::new(
        "the generated `input` module",
        generated(naming::INPUT_MODULE_NAMES),
    );
    // Derived names after every operation's own, so a clash names the operation it meets.
    for op in operations {
        let path = operation_at(&op.name);
        let name = &op.name;
        inputs.enter(
            r,
            &op.input_type,
            &path,
            format!("operation {name:?}'s input"),
        );
        client_types.enter(
            r,
            &op.call_type,
            &path,
            format!("operation {name:?}'s call builder"),
        );
        let mut setters = Namespace::new("every call builder", generated(naming::CALL_METHODS));
        for (index, param) in op.params.iter().enumerate() {
            let kind = match param.kind {
                crate::model::ParamKind::Path => "path_params",
                crate::model::ParamKind::ClientSetting(_) => "path_params",
                crate::model::ParamKind::Query => "query_params",
                crate::model::ParamKind::Header => "header_params",
            };
            let at = spec
                .operations
                .iter()
                .position(|o| o.name == op.name)
                .and_then(|o| {
                    let list = match kind {
                        "path_params" => &spec.operations[o].path_params,
                        "query_params" => &spec.operations[o].query_params,
                        _ => &spec.operations[o].header_params,
                    };
                    list.iter()
                        .position(|p| p.name == param.wire_name)
                        .map(|p| format!("$.operations[{o}].{kind}[{p}].name"))
                })
                .unwrap_or_else(|| format!("{path} (parameter {index})"));
            setters.enter(
                r,
                &param.setter,
                &at,
                format!("operation {name:?}'s setter of {:?}", param.wire_name),
            );
        }
    }
    for waiter in waiters {
        let path = waiter_at(&waiter.name);
        let name = &waiter.name;
        methods.enter(
            r,
            &waiter.method,
            &path,
            format!("waiter {name:?}'s method"),
        );
        client_types.enter(
            r,
            &waiter.builder_type,
            &path,
            format!("waiter {name:?}'s builder"),
        );
    }
}
