//! Every example must be accepted by its own type: the tests round-trip them through the
//! generated types. Each example is checked structurally against the spec's types; where the
//! definitions declare one object and the examples send an array of them, the importer's row
//! becomes an array (the wire wins), with a decision saying so. Values an enum does not list are
//! recorded on the enum (they are kept as unknown values). Anything else is a warning.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::names::{unique, variant_name};
use crate::model::Primitive;
use crate::resolve::{ParsedType, parse_type_expr};
use crate::spec::{
    Choice, IMPORT_TAG, MediaType, Operation, Repr, TypeDef, ValueDef, is_import_decision,
    wire_text,
};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// Field `field` of `owner` is declared as the object `object`, and an array came.
    ArrayForObject {
        owner: String,
        field: String,
        object: String,
    },
    UnlistedValue {
        owner: String,
        value: String,
    },
    Mismatch {
        expected: String,
        found: &'static str,
        /// The row whose own type (not a nested object's) the value does not fit, and the type
        /// that would take it: `integer` for an int32 too large, else `json`.
        row: Option<(String, String, &'static str)>,
    },
    MissingRequired {
        owner: String,
        field: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Issue {
    /// `list_pools 200 example 1`.
    pub example: String,
    /// JSON path inside the example.
    pub path: String,
    pub problem: Problem,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}: ", self.example, self.path)?;
        match &self.problem {
            Problem::ArrayForObject {
                owner,
                field,
                object,
            } => write!(
                f,
                "{owner}.{field} is one {object} object, but the example sends an array"
            ),
            Problem::UnlistedValue { owner, value } => {
                write!(f, "{value:?} is not a value of {owner}")
            }
            Problem::Mismatch {
                expected, found, ..
            } => write!(f, "expected {expected}, found {found}"),
            Problem::MissingRequired { owner, field } => {
                write!(f, "{owner}'s required member {field:?} is missing")
            }
        }
    }
}

struct Checker<'t> {
    types: BTreeMap<&'t str, &'t TypeDef>,
    issues: Vec<Issue>,
    example: String,
    /// Checking a merge patch: an optional member may be `null` (remove it).
    patch: bool,
}

impl Checker<'_> {
    fn issue(&mut self, path: &str, problem: Problem) {
        self.issues.push(Issue {
            example: self.example.clone(),
            path: path.to_owned(),
            problem,
        });
    }

    fn check(&mut self, ty: &ParsedType, value: &Value, path: &str, member: Option<(&str, &str)>) {
        match ty {
            ParsedType::Json => {}
            ParsedType::Primitive(Primitive::String) if value.is_string() => {}
            ParsedType::Primitive(Primitive::Integer) if value.is_i64() || value.is_u64() => {}
            ParsedType::Primitive(Primitive::Int32)
                if value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => {}
            ParsedType::Primitive(Primitive::Number) if value.is_number() => {}
            ParsedType::Primitive(Primitive::Boolean) if value.is_boolean() => {}
            ParsedType::Array(inner) => match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.check(inner, item, &format!("{path}[{i}]"), member);
                    }
                }
                _ => self.mismatch(ty, value, path, member),
            },
            ParsedType::Map(inner) => match value {
                Value::Object(map) => {
                    for (key, item) in map {
                        self.check(inner, item, &super::swagger::child_path(path, key), member);
                    }
                }
                _ => self.mismatch(ty, value, path, member),
            },
            ParsedType::Named(name) => self.named(name, value, path, member),
            _ => self.mismatch(ty, value, path, member),
        }
    }

    fn mismatch(
        &mut self,
        ty: &ParsedType,
        value: &Value,
        path: &str,
        member: Option<(&str, &str)>,
    ) {
        let widen = match ty {
            ParsedType::Primitive(Primitive::Int32) if value.is_i64() || value.is_u64() => {
                "integer"
            }
            ParsedType::Primitive(Primitive::Int32) | ParsedType::Primitive(Primitive::Integer)
                if value.is_number() =>
            {
                "number"
            }
            _ => "json",
        };
        self.issue(
            path,
            Problem::Mismatch {
                expected: describe(ty),
                found: super::swagger::kind(value),
                row: member.map(|(owner, field)| (owner.to_owned(), field.to_owned(), widen)),
            },
        );
    }

    fn named(&mut self, name: &str, value: &Value, path: &str, member: Option<(&str, &str)>) {
        let Some(def) = self.types.get(name).copied() else {
            return; // resolve reports unknown names
        };
        match def {
            TypeDef::Object(object) => match value {
                Value::Object(map) => {
                    for field in &object.fields {
                        let child = super::swagger::child_path(path, &field.name);
                        let required = field.wire_required.or(field.required) == Some(true);
                        match map.get(&field.name) {
                            Some(Value::Null) if self.patch && !required => {}
                            Some(item) => {
                                if let Ok(parsed) = parse_type_expr(&field.type_expr) {
                                    self.check(
                                        &parsed,
                                        item,
                                        &child,
                                        Some((&object.name, &field.name)),
                                    );
                                }
                            }
                            None if required => {
                                self.issue(
                                    path,
                                    Problem::MissingRequired {
                                        owner: object.name.clone(),
                                        field: field.name.clone(),
                                    },
                                );
                            }
                            None => {}
                        }
                    }
                }
                Value::Array(items) if items.iter().all(Value::is_object) && member.is_some() => {
                    let (owner, field) = member.unwrap_or_default();
                    self.issue(
                        path,
                        Problem::ArrayForObject {
                            owner: owner.to_owned(),
                            field: field.to_owned(),
                            object: name.to_owned(),
                        },
                    );
                    for (i, item) in items.iter().enumerate() {
                        self.named(name, item, &format!("{path}[{i}]"), None);
                    }
                }
                other => self.issue(
                    path,
                    Problem::Mismatch {
                        expected: format!("a {name} object"),
                        found: super::swagger::kind(other),
                        row: member
                            .map(|(owner, field)| (owner.to_owned(), field.to_owned(), "json")),
                    },
                ),
            },
            TypeDef::Enum(e) | TypeDef::Flags(e) => {
                let ok = match (e.repr, value) {
                    (Repr::String, Value::String(s)) => {
                        if !e.values.iter().any(|v| v.value.as_str() == Some(s)) {
                            self.issue(
                                path,
                                Problem::UnlistedValue {
                                    owner: e.name.clone(),
                                    value: s.clone(),
                                },
                            );
                        }
                        true
                    }
                    (Repr::Integer, v) => v.is_u64() || v.is_i64(),
                    _ => false,
                };
                if !ok {
                    self.issue(
                        path,
                        Problem::Mismatch {
                            expected: format!("a {} value of {}", wire_text(&e.repr), e.name),
                            found: super::swagger::kind(value),
                            row: member
                                .map(|(owner, field)| (owner.to_owned(), field.to_owned(), "json")),
                        },
                    );
                }
            }
        }
    }
}

fn describe(ty: &ParsedType) -> String {
    match ty {
        ParsedType::Primitive(Primitive::String) => "a string".into(),
        ParsedType::Primitive(Primitive::Integer) => "an integer".into(),
        ParsedType::Primitive(Primitive::Int32) => "a 32-bit integer".into(),
        ParsedType::Primitive(Primitive::Number) => "a number".into(),
        ParsedType::Primitive(Primitive::Boolean) => "a boolean".into(),
        ParsedType::Json => "any JSON".into(),
        ParsedType::Named(name) => format!("a {name}"),
        ParsedType::Array(_) => "an array".into(),
        ParsedType::Map(_) => "an object (map)".into(),
    }
}

/// Checks every example of every operation against the types.
pub fn check(types: &[TypeDef], operations: &[Operation]) -> Vec<Issue> {
    let mut checker = Checker {
        types: types.iter().map(|t| (t.name(), t)).collect(),
        issues: Vec::new(),
        example: String::new(),
        patch: false,
    };
    for op in operations {
        if let Some(body) = &op.request_body
            && let Ok(parsed) = parse_type_expr(&body.type_name)
        {
            checker.patch = body.media_type == Some(Choice::Known(MediaType::MergePatch));
            for (i, example) in body.examples.iter().enumerate() {
                checker.example = format!("{} request example {}", op.name, i + 1);
                checker.check(&parsed, example, "$", None);
            }
            checker.patch = false;
        }
        for response in &op.responses {
            let Some(Ok(parsed)) = response.body.as_deref().map(parse_type_expr) else {
                continue;
            };
            for (i, example) in response.examples.iter().enumerate() {
                checker.example = format!("{} {} example {}", op.name, response.status, i + 1);
                checker.check(&parsed, example, "$", None);
            }
        }
    }
    checker.issues.sort();
    checker.issues.dedup();
    checker.issues
}

/// `array<int32>` widened to `array<integer>` or `array<json>`; `None` when nothing is left to widen.
fn widened(expr: &str, to: &str) -> Option<String> {
    let mut wrappers = Vec::new();
    let mut rest = expr.trim();
    loop {
        if let Some(inner) = rest
            .strip_prefix("array<")
            .and_then(|r| r.strip_suffix('>'))
        {
            wrappers.push("array");
            rest = inner;
        } else if let Some(inner) = rest.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
            wrappers.push("map");
            rest = inner;
        } else {
            break;
        }
    }
    let base = match (rest, to) {
        ("json", _) => return None,
        ("int32", "integer") => "integer",
        ("int32" | "integer", "number") => "number",
        _ => "json",
    };
    Some(
        wrappers
            .iter()
            .rev()
            .fold(base.to_owned(), |inner, w| format!("{w}<{inner}>")),
    )
}

fn add_decision(current: &mut Option<String>, note: &str) {
    *current = Some(match current.take() {
        Some(d) if d.contains(note) => d,
        Some(d) => format!("{d} {note}"),
        None => format!("{IMPORT_TAG}{note}"),
    });
}

/// Applies what the examples show to the importer's rows and enums, and returns what is left.
///
/// A row declared as one object whose examples send an array of them becomes an array; a row
/// whose examples send values its type cannot hold is widened as little as takes them (`int32` →
/// `integer` → `number`, anything else → `json`). Each such row gets one decision naming the
/// first example that showed it. Rows the importer does not own are left alone (warnings).
pub fn apply(types: &mut [TypeDef], operations: &[Operation]) -> Vec<Issue> {
    // (owner, field) → (the definition's type, the first issue).
    let mut touched: BTreeMap<(String, String), (String, Issue)> = BTreeMap::new();
    for _ in 0..16 {
        let issues = check(types, operations);
        let mut rows_seen = BTreeSet::new();
        let mut changed = false;
        for issue in &issues {
            let (owner, field) = match &issue.problem {
                Problem::ArrayForObject { owner, field, .. } => (owner, field),
                Problem::Mismatch {
                    row: Some((owner, field, _)),
                    ..
                } => (owner, field),
                _ => continue,
            };
            if !rows_seen.insert((owner.clone(), field.clone())) {
                continue;
            }
            let Some(TypeDef::Object(o)) = types.iter_mut().find(|t| t.name() == owner) else {
                continue;
            };
            let imported = o.source.is_imported();
            let Some(row) = o.fields.iter_mut().find(|f| f.name == *field) else {
                continue;
            };
            let owned = (imported || row.source.is_some())
                && row.decision.as_deref().is_none_or(is_import_decision);
            if !owned {
                continue;
            }
            let new = match &issue.problem {
                Problem::ArrayForObject { object, .. } if row.type_expr == *object => {
                    format!("array<{object}>")
                }
                Problem::Mismatch {
                    row: Some((_, _, widen)),
                    ..
                } => match widened(&row.type_expr, widen) {
                    Some(new) => new,
                    None => continue,
                },
                _ => continue,
            };
            touched
                .entry((owner.clone(), field.clone()))
                .or_insert_with(|| (row.type_expr.clone(), issue.clone()));
            row.type_expr = new;
            changed = true;
        }
        if !changed {
            break;
        }
    }
    for ((owner, field), (was, issue)) in &touched {
        let Some(TypeDef::Object(o)) = types.iter_mut().find(|t| t.name() == owner) else {
            continue;
        };
        let Some(row) = o.fields.iter_mut().find(|f| f.name == *field) else {
            continue;
        };
        let note = match &issue.problem {
            Problem::ArrayForObject { object, .. } => format!(
                "The definition declares one {object} object, but the examples send an array of them ({} at {}); the wire wins, so it is {}.",
                issue.example, issue.path, row.type_expr
            ),
            Problem::Mismatch { found, .. } => format!(
                "The definition types it {was}, but the examples send {} ({} at {}); the wire wins, so it is {}.",
                if was.contains("int32") && *found == "a number" {
                    "an integer beyond 32 bits"
                } else {
                    found
                },
                issue.example,
                issue.path,
                row.type_expr
            ),
            _ => continue,
        };
        add_decision(&mut row.decision, &note);
    }

    let issues = check(types, operations);
    let mut unlisted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for issue in &issues {
        if let Problem::UnlistedValue { owner, value } = &issue.problem {
            unlisted
                .entry(owner.clone())
                .or_default()
                .insert(value.clone());
        }
    }
    let mut added: BTreeSet<String> = BTreeSet::new();
    for (owner, values) in unlisted {
        if let Some(TypeDef::Enum(e) | TypeDef::Flags(e)) =
            types.iter_mut().find(|t| t.name() == owner)
            && e.source.is_imported()
        {
            let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            let mut used: BTreeSet<String> = e.values.iter().map(|v| v.name.clone()).collect();
            for value in &values {
                let name = unique(variant_name(value, e.values.len()), &mut used);
                e.values.push(ValueDef {
                    value: Value::String(value.clone()),
                    name,
                    description: String::new(),
                    source: None,
                });
            }
            e.decisions.push(format!(
                "{IMPORT_TAG}The examples also send {}, which the definitions do not list; added from the examples, without a meaning.",
                list.join(", ")
            ));
            added.insert(owner);
        }
    }
    issues
        .into_iter()
        .filter(|i| !matches!(&i.problem, Problem::UnlistedValue { owner, .. } if added.contains(owner)))
        .collect()
}
