//! Resolve: a checked spec becomes the typed intermediate model ([`crate::ir`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::check::rust_name;
use crate::ir::{
    Api, Body, EnumType, EnumValue, Field, FlagValue, FlagsType, ObjectType, OperationMethod,
    Param, PathPart, ResponseEntry, Rule, RuleCheck, Service, TypeEntry, TypeRef, Usage,
};
use crate::naming;
use crate::spec::{ObjectDef, ParamDef, Spec, TypeDef};

/// Type expressions nest `array<…>` at most this deep.
const MAX_ARRAY_DEPTH: usize = 8;

/// `string`, `integer`, `number`, `boolean`, `json`, a type name, or `array<T>`.
pub fn parse_type_expr(expr: &str) -> Result<TypeRef, String> {
    let mut rest = expr.trim();
    let mut depth = 0;
    while let Some(inner) = rest.strip_prefix("array<") {
        let Some(inner) = inner.strip_suffix('>') else {
            return Err(format!("type {expr:?} opens array< without a closing >"));
        };
        depth += 1;
        if depth > MAX_ARRAY_DEPTH {
            return Err(format!(
                "type {expr:?} nests arrays more than {MAX_ARRAY_DEPTH} deep"
            ));
        }
        rest = inner.trim();
    }
    let base = match rest {
        "string" => TypeRef::String,
        "integer" => TypeRef::Integer,
        "number" => TypeRef::Number,
        "boolean" => TypeRef::Boolean,
        "json" => TypeRef::Json,
        name if naming::is_upper_camel_ident(name) => TypeRef::Named(name.to_owned()),
        "" => return Err(format!("type {expr:?} is empty")),
        other => {
            return Err(format!(
                "unknown type {other:?}; use string, integer, number, boolean, json, array<T> or the UpperCamelCase name of a declared type"
            ));
        }
    };
    Ok((0..depth).fold(base, |ty, _| TypeRef::Array(Box::new(ty))))
}

/// Splits `/v2/{project_id}/pools` into literal and parameter segments.
pub fn path_parts(path: &str) -> Result<Vec<PathPart>, String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("path {path:?} must start with '/'"));
    };
    let mut parts = Vec::new();
    for segment in rest.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if !naming::is_snake_ident(name) {
                return Err(format!(
                    "path parameter {{{name}}} must be a snake_case name"
                ));
            }
            parts.push(PathPart::Param(name.to_owned()));
        } else if segment.is_empty() || segment == "." || segment == ".." {
            return Err(format!("path {path:?} has an empty, '.' or '..' segment"));
        } else if segment.contains(['{', '}']) {
            return Err(format!(
                "path segment {segment:?} must be a literal or a whole {{parameter}}"
            ));
        } else if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        {
            return Err(format!(
                "literal path segment {segment:?} may use only A-Z a-z 0-9 - . _ ~"
            ));
        } else {
            parts.push(PathPart::Literal(segment.to_owned()));
        }
    }
    Ok(parts)
}

fn object_refs(object: &ObjectDef, required_only: bool) -> Vec<(usize, String)> {
    object
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !required_only || f.wire_required.or(f.required) == Some(true))
        .filter_map(|(i, f)| match parse_type_expr(&f.type_expr) {
            Ok(TypeRef::Named(name)) => Some((i, name)),
            _ => None,
        })
        .collect()
}

fn reaches(
    from: &str,
    target: &str,
    objects: &BTreeMap<&str, &ObjectDef>,
    required_only: bool,
) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(name) = stack.pop() {
        if name == target {
            return true;
        }
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(object) = objects.get(name.as_str()) {
            stack.extend(
                object_refs(object, required_only)
                    .into_iter()
                    .map(|(_, n)| n),
            );
        }
    }
    false
}

/// Fields that must be boxed because they lead back to their own type without passing through
/// an array, with whether that cycle is made of required fields only (no finite value exists).
pub fn boxed_fields(
    object: &ObjectDef,
    objects: &BTreeMap<&str, &ObjectDef>,
) -> Vec<(usize, bool)> {
    object_refs(object, false)
        .into_iter()
        .filter(|(_, target)| reaches(target, &object.name, objects, false))
        .map(|(i, target)| {
            let field = &object.fields[i];
            let required = field.wire_required.or(field.required) == Some(true)
                && reaches(&target, &object.name, objects, true);
            (i, required)
        })
        .collect()
}

/// Every object type reachable from `roots`, through fields and arrays.
pub fn reachable_from<'a>(
    roots: &[&'a str],
    objects: &BTreeMap<&'a str, &'a ObjectDef>,
) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = roots.to_vec();
    while let Some(name) = stack.pop() {
        let Some((&key, object)) = objects.get_key_value(name) else {
            continue;
        };
        if !seen.insert(key) {
            continue;
        }
        for field in &object.fields {
            if let Ok(ty) = parse_type_expr(&field.type_expr)
                && let Some(target) = ty.named()
                && let Some((&target, _)) = objects.get_key_value(target)
            {
                stack.push(target);
            }
        }
    }
    seen
}

fn param(def: &ParamDef) -> Param {
    Param {
        wire_name: def.name.clone(),
        rust_name: rust_name(&def.name, def.rust_name.as_deref())
            .unwrap_or_else(|_| def.name.clone()),
        required: def.required.unwrap_or(false),
        description: def.description.clone(),
        bind: def.bind.clone(),
    }
}

/// Builds the model from a spec that [`crate::check::check`] accepted.
pub fn resolve(spec: &Spec) -> Api {
    let objects: BTreeMap<&str, &ObjectDef> = spec
        .types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Object(o) => Some((o.name.as_str(), o)),
            _ => None,
        })
        .collect();
    let request_roots: Vec<&str> = spec
        .operations
        .iter()
        .filter_map(|op| op.request_body.as_ref().map(|b| b.type_name.as_str()))
        .collect();
    let response_roots: Vec<&str> = spec
        .operations
        .iter()
        .flat_map(|op| op.responses.iter().filter_map(|r| r.body.as_deref()))
        .collect();
    let request_types = reachable_from(&request_roots, &objects);
    let response_types = reachable_from(&response_roots, &objects);

    let mut types = BTreeMap::new();
    for def in &spec.types {
        let entry = match def {
            TypeDef::Object(object) => {
                let boxed: BTreeSet<usize> = boxed_fields(object, &objects)
                    .into_iter()
                    .map(|(i, _)| i)
                    .collect();
                let fields = object
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| Field {
                        wire_name: f.name.clone(),
                        rust_name: rust_name(&f.name, f.rust_name.as_deref())
                            .unwrap_or_else(|_| f.name.clone()),
                        ty: parse_type_expr(&f.type_expr).unwrap_or(TypeRef::Json),
                        required: f.wire_required.or(f.required).unwrap_or(false),
                        table_required: f.required,
                        boxed: boxed.contains(&i),
                        description: f.description.clone(),
                        source_type: f.source_type.clone(),
                        min_items: f.min_items,
                        decision: f.decision.clone(),
                    })
                    .collect();
                let rules = object
                    .rules
                    .iter()
                    .map(|r| Rule {
                        id: r.id.clone(),
                        when_field: r.when.field.clone(),
                        when_equals: r.when.equals.as_str().unwrap_or_default().to_owned(),
                        check: match &r.items_equal {
                            Some(items) => RuleCheck::ItemsEqual {
                                array: items.array.clone(),
                                left: items.fields.first().cloned().unwrap_or_default(),
                                right: items.fields.get(1).cloned().unwrap_or_default(),
                            },
                            None => RuleCheck::Require(r.require.clone()),
                        },
                        message: r.message.clone(),
                    })
                    .collect();
                TypeEntry::Object(ObjectType {
                    name: object.name.clone(),
                    doc_name: object.doc_name.clone(),
                    source: object.source.clone(),
                    description: object.description.clone(),
                    decisions: object.decisions.clone(),
                    fields,
                    rules,
                    usage: Usage {
                        request: request_types.contains(object.name.as_str()),
                        response: response_types.contains(object.name.as_str()),
                    },
                })
            }
            TypeDef::Enum(e) => TypeEntry::Enum(EnumType {
                name: e.name.clone(),
                description: e.description.clone(),
                source: e.source.clone(),
                decisions: e.decisions.clone(),
                values: e
                    .values
                    .iter()
                    .map(|v| EnumValue {
                        wire: v
                            .value
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.value.to_string()),
                        variant: v.name.clone(),
                        description: v.description.clone(),
                    })
                    .collect(),
            }),
            TypeDef::Flags(f) => TypeEntry::Flags(FlagsType {
                name: f.name.clone(),
                description: f.description.clone(),
                source: f.source.clone(),
                decisions: f.decisions.clone(),
                values: f
                    .values
                    .iter()
                    .map(|v| FlagValue {
                        value: v.value.as_u64().unwrap_or_default(),
                        name: v.name.clone(),
                        const_name: naming::shouty_snake_case(&v.name)
                            .unwrap_or_else(|| v.name.clone()),
                        description: v.description.clone(),
                    })
                    .collect(),
            }),
        };
        types.insert(def.name().to_owned(), entry);
    }

    let operations = spec
        .operations
        .iter()
        .map(|op| {
            let method = OperationMethod {
                name: op.name.clone(),
                summary: op.summary.clone(),
                description: op.description.clone(),
                source: op.source.clone(),
                decisions: op.decisions.clone(),
                method: op.method.clone(),
                path: op.path.clone(),
                path_parts: path_parts(&op.path).unwrap_or_default(),
                path_params: op.path_params.iter().map(param).collect(),
                header_params: op.header_params.iter().map(param).collect(),
                request_body: op.request_body.as_ref().map(|b| Body {
                    type_name: b.type_name.clone(),
                    examples: b.examples.clone(),
                }),
                responses: {
                    let mut responses: Vec<ResponseEntry> = op
                        .responses
                        .iter()
                        .map(|r| ResponseEntry {
                            status: r.status,
                            description: r.description.clone(),
                            body: r.body.clone(),
                            examples: r.examples.clone(),
                        })
                        .collect();
                    responses.sort_by_key(|r| r.status);
                    responses
                },
            };
            (op.name.clone(), method)
        })
        .collect();

    Api {
        service: Service {
            name: spec.service.name.clone(),
            title: spec.service.title.clone(),
            description: spec.service.description.clone(),
            schema_id_base: spec.service.schema_id_base.clone(),
        },
        types,
        operations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_expressions() {
        assert_eq!(parse_type_expr("string"), Ok(TypeRef::String));
        assert_eq!(
            parse_type_expr("array<array<Pool>>"),
            Ok(TypeRef::Array(Box::new(TypeRef::Array(Box::new(
                TypeRef::Named("Pool".into())
            )))))
        );
        assert!(parse_type_expr("array<Pool").is_err());
        assert!(
            parse_type_expr("Strng").is_ok(),
            "a name; the checker reports it unknown"
        );
        assert!(
            parse_type_expr("strng")
                .unwrap_err()
                .contains("unknown type")
        );
    }

    #[test]
    fn paths() {
        assert_eq!(
            path_parts("/v2/{project_id}/pools"),
            Ok(vec![
                PathPart::Literal("v2".into()),
                PathPart::Param("project_id".into()),
                PathPart::Literal("pools".into())
            ])
        );
        assert!(path_parts("v2/pools").is_err());
        assert!(path_parts("/v2//pools").is_err());
        assert!(path_parts("/v2/x{id}").is_err());
    }
}
