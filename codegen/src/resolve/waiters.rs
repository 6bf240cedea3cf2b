//! Waiters: the operation each polls, the member holding the state, linked; the states checked
//! against the member's enum; the method name decided.

use std::collections::BTreeSet;

use super::Resolver;
use super::tables::follow;
use crate::model::{
    Gone, Operation, Param, ParamKind, Primitive, Select, ThenWait, TypeEntry, TypeKind, TypeRef,
    WaitArgument, Waiter, WaiterState,
};
use crate::naming;
use crate::spec::{Choice, WaiterDef, WhenGone};

pub(super) fn resolve_waiters(
    r: &mut Resolver<'_>,
    defs: &[WaiterDef],
    operations: &[Operation],
    types: &[TypeEntry],
) -> Vec<Waiter> {
    let mut names = BTreeSet::new();
    let mut waiters: Vec<Waiter> = defs
        .iter()
        .enumerate()
        .filter_map(|(i, def)| {
            let base = format!("$.waiters[{i}]");
            if !naming::is_snake_ident(&def.name) || def.name.starts_with("__") {
                r.error(
                    format!("{base}.name"),
                    format!(
                        "waiter name {:?} must be a snake_case identifier such as \"pool_running\"",
                        def.name
                    ),
                );
            } else if !names.insert(def.name.as_str()) {
                r.error(
                    format!("{base}.name"),
                    format!("waiter {:?} is declared twice", def.name),
                );
            }
            waiter(r, &base, def, operations, types)
        })
        .collect();
    waiters.sort_by(|a, b| a.name.cmp(&b.name));
    waiters
}

fn waiter(
    r: &mut Resolver<'_>,
    base: &str,
    def: &WaiterDef,
    operations: &[Operation],
    types: &[TypeEntry],
) -> Option<Waiter> {
    let Some(operation) = operations.iter().position(|op| op.name == def.operation) else {
        r.error(
            format!("{base}.operation"),
            format!("{:?} is not an operation of the spec", def.operation),
        );
        return None;
    };
    let op = &operations[operation];
    let Some(body) = op.success.body else {
        r.error(
            format!("{base}.operation"),
            format!("{} has no success body to read a state from", op.name),
        );
        return None;
    };
    // With `select`, states are read in the listed item the waiter picks.
    let mut root = body;
    let mut select = None;
    if let Some(def_select) = &def.select {
        let at = format!("{base}.select");
        let items = match follow(types, body, &def_select.items) {
            Ok((TypeRef::Array(item), path)) if path.steps.len() == 1 => match item.as_ref() {
                TypeRef::Named(id) => Some((path.steps[0], *id)),
                _ => None,
            },
            _ => None,
        };
        let Some((items, item)) = items else {
            r.error(
                format!("{at}.items"),
                format!(
                    "{:?} is not an array of objects in {}'s answer",
                    def_select.items, op.name
                ),
            );
            return None;
        };
        let key = match follow(types, item, &def_select.key) {
            Ok((TypeRef::Primitive(Primitive::String), path)) => path,
            Ok(_) => {
                r.error(
                    format!("{at}.key"),
                    format!("{:?} is not a string member", def_select.key),
                );
                return None;
            }
            Err(message) => {
                r.error(format!("{at}.key"), message);
                return None;
            }
        };
        let argument = &def_select.argument;
        if !naming::is_snake_ident(argument)
            || argument.starts_with("__")
            || naming::is_keyword(argument)
        {
            r.error(
                format!("{at}.argument"),
                format!("{argument:?} must be a snake_case identifier that is not a keyword"),
            );
        } else if op.arguments().any(|p| &p.rust_name == argument)
            || ["config", "on_progress"].contains(&argument.as_str())
        {
            r.error(
                format!("{at}.argument"),
                format!("{argument:?} is an argument of the waiter already; choose another name"),
            );
        }
        root = item;
        select = Some(Select {
            items,
            item,
            key,
            argument: argument.clone(),
        });
    }
    let mut values: Option<Vec<String>> = None;
    let state = match (&def.member, def.states.is_empty()) {
        (Some(member_path), true) => {
            let (ty, chain) = match follow(types, root, member_path) {
                Ok(found) => found,
                Err(message) => {
                    r.error(format!("{base}.member"), message);
                    return None;
                }
            };
            match ty {
                TypeRef::Primitive(Primitive::String) => {}
                TypeRef::Named(id) => match &types[id.0].kind {
                    TypeKind::Enum(e) => {
                        values = Some(e.values.iter().map(|v| v.wire.clone()).collect())
                    }
                    _ => {
                        r.error(
                            format!("{base}.member"),
                            format!("{member_path:?} must end at a string or string enum member"),
                        );
                        return None;
                    }
                },
                _ => {
                    r.error(
                        format!("{base}.member"),
                        format!("{member_path:?} must end at a string or string enum member"),
                    );
                    return None;
                }
            }
            WaiterState::Member(chain)
        }
        (None, false) => {
            let mut checks = Vec::new();
            for (j, presence) in def.states.iter().enumerate() {
                match follow(types, root, &presence.present) {
                    Ok((_, chain)) => checks.push((chain, presence.state.clone())),
                    Err(message) => r.error(format!("{base}.states[{j}].present"), message),
                }
            }
            let Some(otherwise) = def.otherwise.clone() else {
                r.error(
                    format!("{base}.otherwise"),
                    "states need an otherwise: the state when no member is present",
                );
                return None;
            };
            let mut all: Vec<String> = def.states.iter().map(|s| s.state.clone()).collect();
            all.push(otherwise.clone());
            values = Some(all);
            WaiterState::Presence { checks, otherwise }
        }
        _ => {
            r.error(format!("{base}.member"), "give either member (a state member) or states (states by present members), not both or neither");
            return None;
        }
    };
    if let Some(values) = &values {
        for (key, states) in [("success", &def.success), ("failure", &def.failure)] {
            for (j, state) in states.iter().enumerate() {
                if !values.contains(state) {
                    r.error(
                        format!("{base}.{key}[{j}]"),
                        format!(
                            "{state:?} is not a state this waiter can see ({})",
                            values.join(", ")
                        ),
                    );
                }
            }
        }
    }
    let gone = match &def.gone {
        None => Gone::Error,
        Some(Choice::Known(WhenGone::Success)) => Gone::Success,
        Some(Choice::Known(WhenGone::Failure)) => Gone::Failure,
        Some(Choice::Other(other)) => {
            r.error(
                format!("{base}.gone"),
                format!("gone {other:?} must be \"success\" or \"failure\" (or absent)"),
            );
            Gone::Error
        }
    };
    if gone != Gone::Error
        && select.is_none()
        && !op.errors.iter().any(|e| e.response.status == 404)
    {
        r.error(
            format!("{base}.gone"),
            format!(
                "{} does not document a 404, so gone can never be seen",
                op.name
            ),
        );
    }
    if def.success.is_empty() && gone != Gone::Success {
        r.error(
            format!("{base}.success"),
            "a waiter needs a success state, or gone: \"success\"",
        );
    }
    if def.min_delay_seconds == 0
        || def.min_delay_seconds > def.max_delay_seconds
        || def.max_wait_seconds < def.max_delay_seconds
    {
        r.error(
            base,
            "delays must satisfy 0 < min_delay_seconds <= max_delay_seconds <= max_wait_seconds",
        );
    }
    Some(Waiter {
        name: def.name.clone(),
        method: naming::waiter_method(&def.name),
        builder_type: naming::waiter_type(
            &naming::upper_camel_case(&naming::waiter_method(&def.name)).unwrap_or_default(),
        ),
        description: def.description.clone(),
        operation,
        state,
        select,
        success: def.success.clone(),
        failure: def.failure.clone(),
        label: def.name.replace('_', " "),
        gone,
        table: None,
        min_delay_seconds: def.min_delay_seconds,
        max_delay_seconds: def.max_delay_seconds,
        max_wait_seconds: def.max_wait_seconds,
        decision: def.decision.clone(),
    })
}

/// Links each waiter's `after` operations: their subcommands get `--wait`, and each argument of
/// the polled operation is taken from the operation's parameter of the same name, from its answer
/// (`from_answer`), or left out when optional.
pub(super) fn link_after(
    r: &mut Resolver<'_>,
    defs: &[WaiterDef],
    waiters: &[Waiter],
    types: &[TypeEntry],
    operations: &mut [Operation],
) {
    for (i, def) in defs.iter().enumerate() {
        let Some(waiter) = waiters.iter().position(|w| w.name == def.name) else {
            continue;
        };
        let polled = waiters[waiter].operation;
        for (j, after) in def.after.iter().enumerate() {
            let base = format!("$.waiters[{i}].after[{j}]");
            let Some(trigger) = operations.iter().position(|op| op.name == after.operation) else {
                r.error(
                    format!("{base}.operation"),
                    format!("{:?} is not an operation of the spec", after.operation),
                );
                continue;
            };
            if operations[trigger].then_wait.is_some() {
                r.error(
                    format!("{base}.operation"),
                    format!(
                        "{} is already followed by another waiter's --wait",
                        after.operation
                    ),
                );
                continue;
            }
            let mut polled_args: Vec<Param> =
                operations[polled].required_arguments().cloned().collect();
            if let Some(select) = &waiters[waiter].select {
                polled_args.push(Param {
                    wire_name: select.argument.clone(),
                    flag: String::new(),
                    rust_name: select.argument.clone(),
                    setter: naming::setter(&select.argument),
                    kind: ParamKind::Path,
                    required: true,
                    description: String::new(),
                    ty: Primitive::String,
                    repeated: false,
                    enum_type: None,
                });
            }
            for name in after.from_answer.keys() {
                if !polled_args.iter().any(|p| &p.wire_name == name) {
                    r.error(
                        format!("{base}.from_answer.{name}"),
                        format!("{} has no parameter {name:?}", operations[polled].name),
                    );
                }
            }
            let mut arguments = Vec::new();
            let trigger_op = &operations[trigger];
            for param in &polled_args {
                let argument = if let Some(path) = after.from_answer.get(&param.wire_name) {
                    let Some(body) = trigger_op
                        .success
                        .body
                        .filter(|_| !trigger_op.success.no_content)
                    else {
                        r.error(
                            format!("{base}.from_answer.{}", param.wire_name),
                            format!("{} has no answer body to read it from", trigger_op.name),
                        );
                        continue;
                    };
                    match super::tables::follow(types, body, path) {
                        Ok((TypeRef::Primitive(Primitive::String), path)) => WaitArgument::Answer {
                            path,
                            local: naming::answer_local(&param.rust_name),
                        },
                        Ok(_) => {
                            r.error(
                                format!("{base}.from_answer.{}", param.wire_name),
                                format!("{path:?} is not a string member"),
                            );
                            continue;
                        }
                        Err(message) => {
                            r.error(format!("{base}.from_answer.{}", param.wire_name), message);
                            continue;
                        }
                    }
                } else if let Some(index) = trigger_op.params.iter().position(|p| {
                    p.wire_name == param.wire_name
                        && p.kind == param.kind
                        && p.ty == param.ty
                        && p.enum_type == param.enum_type
                        && p.required
                        && !p.repeated
                }) {
                    WaitArgument::Param(index)
                } else {
                    r.error(
                        format!("{base}.from_answer"),
                        format!(
                            "{} needs {:?}, which {} does not have: give it in from_answer",
                            operations[polled].name, param.wire_name, trigger_op.name
                        ),
                    );
                    continue;
                };
                arguments.push((param.rust_name.clone(), argument));
            }
            if arguments.len() == polled_args.len() {
                operations[trigger].then_wait = Some(ThenWait { waiter, arguments });
            }
        }
    }
}
