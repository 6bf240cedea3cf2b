//! Reading one API Explorer definition: a Swagger 2.0 document with one operation, wrapped in a
//! record. Only schema positions are read as schema (`definitions`, `properties`, `items`,
//! `additionalProperties`, `allOf`, `schema`); examples are data, so a member named `type` or
//! `format` inside an example is never taken for a keyword.
//!
//! Every problem names the file and the JSON path of what is wrong.

use std::fmt;

use serde_json::{Map, Value};

/// A definition file as read from disk.
#[derive(Debug, Clone)]
pub struct DefFile {
    /// The file name, as `source` names it (`ListPools.json`).
    pub name: String,
    /// The path given, for messages.
    pub display: String,
    pub root: Value,
}

/// A malformed definition: the file, where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefError {
    pub file: String,
    pub path: String,
    pub message: String,
}

impl fmt::Display for DefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: at {}: {}", self.file, self.path, self.message)
    }
}

impl std::error::Error for DefError {}

/// A JSON path: `$.paths["/v2/{project_id}/pools"].get.parameters[0]`.
pub fn child_path(parent: &str, key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit())
    {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", Value::String(key.to_owned()))
    }
}

/// A value inside a definition file, with where it is.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub file: &'a DefFile,
    pub value: &'a Value,
}

/// A node and its JSON path.
#[derive(Debug, Clone)]
pub struct At<'a> {
    pub node: Node<'a>,
    pub path: String,
}

impl<'a> At<'a> {
    pub fn root(file: &'a DefFile) -> Self {
        At {
            node: Node {
                file,
                value: &file.root,
            },
            path: "$".to_owned(),
        }
    }

    pub fn value(&self) -> &'a Value {
        self.node.value
    }

    pub fn error(&self, message: impl Into<String>) -> DefError {
        DefError {
            file: self.node.file.display.clone(),
            path: self.path.clone(),
            message: message.into(),
        }
    }

    pub fn object(&self) -> Result<&'a Map<String, Value>, DefError> {
        self.value().as_object().ok_or_else(|| {
            self.error(format!(
                "expected a JSON object, found {}",
                kind(self.value())
            ))
        })
    }

    /// The member `key`, if present (and not null).
    pub fn get(&self, key: &str) -> Result<Option<At<'a>>, DefError> {
        Ok(self
            .object()?
            .get(key)
            .filter(|v| !v.is_null())
            .map(|value| At {
                node: Node {
                    file: self.node.file,
                    value,
                },
                path: child_path(&self.path, key),
            }))
    }

    pub fn need(&self, key: &str) -> Result<At<'a>, DefError> {
        self.get(key)?
            .ok_or_else(|| self.error(format!("the member {key:?} is missing")))
    }

    pub fn str(&self) -> Result<&'a str, DefError> {
        self.value()
            .as_str()
            .ok_or_else(|| self.error(format!("expected a string, found {}", kind(self.value()))))
    }

    pub fn get_str(&self, key: &str) -> Result<Option<&'a str>, DefError> {
        self.get(key)?.map(|at| at.str()).transpose()
    }

    pub fn get_bool(&self, key: &str) -> Result<Option<bool>, DefError> {
        self.get(key)?
            .map(|at| {
                at.value().as_bool().ok_or_else(|| {
                    at.error(format!(
                        "expected true or false, found {}",
                        kind(at.value())
                    ))
                })
            })
            .transpose()
    }

    pub fn items(&self) -> Result<Vec<At<'a>>, DefError> {
        let array = self.value().as_array().ok_or_else(|| {
            self.error(format!("expected an array, found {}", kind(self.value())))
        })?;
        Ok(array
            .iter()
            .enumerate()
            .map(|(i, value)| At {
                node: Node {
                    file: self.node.file,
                    value,
                },
                path: format!("{}[{i}]", self.path),
            })
            .collect())
    }

    pub fn members(&self) -> Result<Vec<(&'a str, At<'a>)>, DefError> {
        Ok(self
            .object()?
            .iter()
            .map(|(key, value)| {
                (
                    key.as_str(),
                    At {
                        node: Node {
                            file: self.node.file,
                            value,
                        },
                        path: child_path(&self.path, key),
                    },
                )
            })
            .collect())
    }
}

pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamIn {
    Path,
    Query,
    Header,
}

impl ParamIn {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Header => "header",
        }
    }
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct DefParam<'a> {
    pub name: String,
    pub location: ParamIn,
    pub required: bool,
    pub description: String,
    /// The parameter object, which holds `type`, `format`, `items` and `enum` itself.
    pub at: At<'a>,
}

#[derive(Debug, Clone)]
pub struct DefBody<'a> {
    pub required: bool,
    pub description: String,
    pub schema: At<'a>,
}

#[derive(Debug, Clone)]
pub struct DefResponse<'a> {
    pub status: u16,
    pub description: String,
    pub schema: Option<At<'a>>,
    /// `examples["application/json"]`.
    pub example: Option<Value>,
    /// Example media types other than JSON, which the spec does not keep.
    pub other_examples: Vec<String>,
}

/// The one operation of a definition file.
#[derive(Debug, Clone)]
pub struct DefOp<'a> {
    pub file: &'a DefFile,
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// The operation's `tags`: the API Explorer's groups (资源池管理, 节点管理, …).
    pub tags: Vec<String>,
    pub params: Vec<DefParam<'a>>,
    pub body: Option<DefBody<'a>>,
    pub responses: Vec<DefResponse<'a>>,
    /// `x-request-examples-N`, in N order: (N, the example parsed).
    pub request_examples: Vec<(u32, Value)>,
    /// `x-request-examples-N` that are strings but not JSON.
    pub unparsed_request_examples: Vec<u32>,
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// Reads the single operation of a definition file.
pub fn read_operation(file: &DefFile) -> Result<DefOp<'_>, DefError> {
    let root = At::root(file);
    let paths = root.need("paths")?;
    let entries = paths.members()?;
    let [(path, item)] = entries.as_slice() else {
        return Err(paths.error(format!(
            "a definition holds exactly one path, found {}",
            entries.len()
        )));
    };
    let operations: Vec<(&str, At<'_>)> = item
        .members()?
        .into_iter()
        .filter(|(key, _)| METHODS.contains(key))
        .collect();
    let [(method, op)] = operations.as_slice() else {
        return Err(item.error(format!(
            "a definition holds exactly one operation, found {}",
            operations.len()
        )));
    };
    let operation_id = op.need("operationId")?.str()?.to_owned();
    if !crate::naming::is_upper_camel_ident(&operation_id) {
        return Err(op.need("operationId")?.error(format!(
            "operation ID {operation_id:?} is not an UpperCamelCase identifier"
        )));
    }
    if !path.starts_with('/') {
        return Err(paths.error(format!("path {path:?} must start with '/'")));
    }

    let mut params = Vec::new();
    let mut body = None;
    if let Some(list) = op.get("parameters")? {
        for at in list.items()? {
            let name = at.need("name")?.str()?.to_owned();
            let location = at.need("in")?;
            let required = at.get_bool("required")?.unwrap_or(false);
            let description = at.get_str("description")?.unwrap_or_default().to_owned();
            let location = match location.str()? {
                "path" => ParamIn::Path,
                "query" => ParamIn::Query,
                "header" => ParamIn::Header,
                "body" => {
                    if body.is_some() {
                        return Err(at.error("a second body parameter; an operation has one body"));
                    }
                    body = Some(DefBody {
                        required,
                        description,
                        schema: at.need("schema")?,
                    });
                    continue;
                }
                other => {
                    return Err(location.error(format!(
                        "parameter location {other:?} is not one of path, query, header, body"
                    )));
                }
            };
            params.push(DefParam {
                name,
                location,
                required,
                description,
                at,
            });
        }
    }

    let mut responses = Vec::new();
    for (status, at) in op.need("responses")?.members()? {
        let code: u16 = status
            .parse()
            .ok()
            .filter(|code| (100..=599).contains(code))
            .ok_or_else(|| at.error(format!("response {status:?} is not an HTTP status code")))?;
        let mut example = None;
        let mut other_examples = Vec::new();
        if let Some(examples) = at.get("examples")? {
            for (media, value) in examples.members()? {
                if media == "application/json" {
                    example = Some(value.value().clone());
                } else {
                    other_examples.push(media.to_owned());
                }
            }
        }
        responses.push(DefResponse {
            status: code,
            description: at.get_str("description")?.unwrap_or_default().to_owned(),
            schema: at.get("schema")?,
            example,
            other_examples,
        });
    }
    responses.sort_by_key(|r| r.status);

    let mut request_examples = Vec::new();
    let mut unparsed_request_examples = Vec::new();
    for (key, at) in op.members()? {
        let Some(n) = key
            .strip_prefix("x-request-examples-")
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        match at.value() {
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(value) => request_examples.push((n, value)),
                Err(_) => unparsed_request_examples.push(n),
            },
            value => request_examples.push((n, value.clone())),
        }
    }
    request_examples.sort_by_key(|(n, _)| *n);
    let tags = match op.get("tags")? {
        Some(tags) => tags
            .items()?
            .iter()
            .map(|tag| tag.str().map(str::to_owned))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };

    Ok(DefOp {
        file,
        operation_id,
        method: method.to_ascii_uppercase(),
        path: (*path).to_owned(),
        summary: op.get_str("summary")?.unwrap_or_default().to_owned(),
        description: op.get_str("description")?.unwrap_or_default().to_owned(),
        tags,
        params,
        body,
        responses,
        request_examples,
        unparsed_request_examples,
    })
}

/// The scalar types of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scalar {
    String,
    Integer,
    Int32,
    Number,
    Boolean,
}

impl Scalar {
    pub fn type_expr(self) -> &'static str {
        match self {
            Scalar::String => "string",
            Scalar::Integer => "integer",
            Scalar::Int32 => "int32",
            Scalar::Number => "number",
            Scalar::Boolean => "boolean",
        }
    }
}

/// What a schema position holds, as the importer reads it.
#[derive(Debug, Clone)]
pub enum Shape<'a> {
    Scalar {
        scalar: Scalar,
        /// `enum` keyword values, as strings.
        keyword_values: Option<Vec<String>>,
        /// Why the schema is not quite what it says (an unknown `format`).
        note: Option<String>,
    },
    Object(ObjectShape<'a>),
    Array {
        items: Box<Shape<'a>>,
        min_items: Option<u64>,
    },
    Map(Box<Shape<'a>>),
    /// `type: object` with neither properties nor additionalProperties: any object.
    FreeObject,
    /// Any JSON value, as the definition says (`additionalProperties: true`).
    Json,
    /// Something the format cannot say (a `type` that is not a JSON type, …): JSON, and why.
    Unknown(String),
}

#[derive(Debug, Clone)]
pub struct ObjectShape<'a> {
    /// The definition name when reached through `$ref` (the outermost one).
    pub def_name: Option<String>,
    /// `allOf` members beyond the definition (extra `required`) make a type of its own; the
    /// definition it narrows, for the decision that says so.
    pub narrows: Option<(String, Vec<String>)>,
    /// The schema's own `description`.
    pub description: Option<String>,
    pub properties: Vec<(String, At<'a>)>,
    pub required: Vec<String>,
    pub at: At<'a>,
}

/// A `$ref`'s target: `#/definitions/Name`.
fn resolve_ref<'a>(at: &At<'a>, reference: &str) -> Result<(String, At<'a>), DefError> {
    let Some(name) = reference.strip_prefix("#/definitions/") else {
        return Err(at.error(format!(
            "$ref {reference:?} does not point into this file's definitions (#/definitions/Name)"
        )));
    };
    let definitions = At::root(at.node.file).need("definitions")?;
    let target = definitions.get(name)?.ok_or_else(|| {
        at.error(format!(
            "$ref {reference:?}: there is no definition {name:?}"
        ))
    })?;
    Ok((name.to_owned(), target))
}

const KNOWN_STRING_FORMATS: [&str; 10] = [
    "date-time",
    "date",
    "byte",
    "binary",
    "password",
    "uri",
    "email",
    "uuid",
    "hostname",
    "ipv4",
];

/// Reads the schema at `at`. `depth` guards against `$ref` loops through `allOf`.
pub fn shape<'a>(at: &At<'a>) -> Result<Shape<'a>, DefError> {
    shape_depth(at, None, 0)
}

fn shape_depth<'a>(at: &At<'a>, via: Option<String>, depth: usize) -> Result<Shape<'a>, DefError> {
    if depth > 32 {
        return Err(at.error("$ref and allOf nest more than 32 deep (a loop?)"));
    }
    at.object()?;
    if let Some(all_of) = at.get("allOf")? {
        return all_of_shape(at, &all_of, via, depth);
    }
    if let Some(reference) = at.get("$ref")? {
        let (name, target) = resolve_ref(&reference, reference.str()?)?;
        let via = via.or(Some(name));
        return shape_depth(&target, via, depth + 1);
    }
    let type_name = match at.get("type")? {
        None => None,
        Some(t) => match t.value() {
            Value::String(s) => Some(s.as_str()),
            other => {
                return Ok(Shape::Unknown(format!(
                    "its type is {}, not a JSON type name",
                    serde_json::to_string(other).unwrap_or_default()
                )));
            }
        },
    };
    let format = at.get_str("format").ok().flatten();
    match type_name {
        Some("string") => {
            let keyword_values = match at.get("enum")? {
                Some(values) => Some(
                    values
                        .items()?
                        .iter()
                        .map(|v| match v.value() {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect(),
                ),
                None => None,
            };
            let note = format
                .filter(|f| !KNOWN_STRING_FORMATS.contains(f))
                .map(|f| format!("The definition's format {f:?} is not a JSON Schema string format; the value is a plain string."));
            Ok(Shape::Scalar {
                scalar: Scalar::String,
                keyword_values,
                note,
            })
        }
        Some("integer") => {
            let (scalar, note) = match format {
                Some("int32") => (Scalar::Int32, None),
                Some("int64") | None => (Scalar::Integer, None),
                Some(other) => (
                    Scalar::Integer,
                    Some(format!(
                        "its format {other:?} is not an integer format; read as a 64-bit integer"
                    )),
                ),
            };
            Ok(Shape::Scalar {
                scalar,
                keyword_values: None,
                note,
            })
        }
        Some("number") => Ok(Shape::Scalar {
            scalar: Scalar::Number,
            keyword_values: None,
            note: None,
        }),
        Some("boolean") => Ok(Shape::Scalar {
            scalar: Scalar::Boolean,
            keyword_values: None,
            note: None,
        }),
        Some("array") => {
            let min_items = at.get("minItems")?.and_then(|m| m.value().as_u64());
            let items = match at.get("items")? {
                Some(items) => shape_depth(&items, None, depth + 1)?,
                None => Shape::Unknown("it is an array whose items have no schema".to_owned()),
            };
            Ok(Shape::Array {
                items: Box::new(items),
                min_items,
            })
        }
        Some("object") | None => {
            if at.get("properties")?.is_some() {
                return object_shape(at, via);
            }
            match at.get("additionalProperties")? {
                Some(extra) => match extra.value() {
                    Value::Bool(true) => Ok(Shape::Map(Box::new(Shape::Json))),
                    Value::Bool(false) => object_shape(at, via),
                    _ => Ok(Shape::Map(Box::new(shape_depth(&extra, None, depth + 1)?))),
                },
                None if type_name.is_some() => Ok(Shape::FreeObject),
                None => Ok(Shape::Unknown("it has no type".to_owned())),
            }
        }
        Some(other) => Ok(Shape::Unknown(format!(
            "its type {other:?} is not a JSON type"
        ))),
    }
}

fn object_shape<'a>(at: &At<'a>, via: Option<String>) -> Result<Shape<'a>, DefError> {
    let properties = match at.get("properties")? {
        Some(props) => props
            .members()?
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        None => Vec::new(),
    };
    Ok(Shape::Object(ObjectShape {
        def_name: via,
        narrows: None,
        description: at.get_str("description")?.map(str::to_owned),
        properties,
        required: required_list(at)?,
        at: at.clone(),
    }))
}

fn required_list(at: &At<'_>) -> Result<Vec<String>, DefError> {
    match at.get("required")? {
        None => Ok(Vec::new()),
        Some(list) => list
            .items()?
            .iter()
            .map(|item| item.str().map(str::to_owned))
            .collect(),
    }
}

/// `allOf`: the members' properties and required lists together. One `$ref` plus members that
/// only add `required` narrows that definition into a type of its own.
fn all_of_shape<'a>(
    at: &At<'a>,
    all_of: &At<'a>,
    via: Option<String>,
    depth: usize,
) -> Result<Shape<'a>, DefError> {
    let mut properties: Vec<(String, At<'a>)> = Vec::new();
    let mut required = required_list(at)?;
    let mut referenced = Vec::new();
    let mut extra_required = Vec::new();
    for member in all_of.items()? {
        let member_ref = member
            .get("$ref")?
            .map(|r| r.str().map(str::to_owned))
            .transpose()?;
        match shape_depth(&member, None, depth + 1)? {
            Shape::Object(object) => {
                if let Some(name) = member_ref {
                    referenced.push(name.trim_start_matches("#/definitions/").to_owned());
                } else {
                    extra_required.extend(object.required.iter().cloned());
                }
                for (key, value) in object.properties {
                    if !properties.iter().any(|(k, _)| *k == key) {
                        properties.push((key, value));
                    }
                }
                for name in object.required {
                    if !required.contains(&name) {
                        required.push(name);
                    }
                }
            }
            Shape::Unknown(_) if member.get("required")?.is_some() => {
                for name in required_list(&member)? {
                    extra_required.push(name.clone());
                    if !required.contains(&name) {
                        required.push(name);
                    }
                }
            }
            _ => return Err(member.error("allOf members must be objects")),
        }
    }
    let narrows = match (referenced.as_slice(), extra_required.is_empty()) {
        ([base], false) if via.is_none() => Some((base.clone(), extra_required)),
        _ => None,
    };
    Ok(Shape::Object(ObjectShape {
        def_name: via,
        narrows,
        description: at.get_str("description")?.map(str::to_owned),
        properties,
        required,
        at: at.clone(),
    }))
}

/// How the definition writes a schema's type, for `source_type`: `string`, `integer (int32)`,
/// `array of PoolNodeAz`, `map of string`, `PoolStatus`, `object`.
pub fn describe(at: &At<'_>) -> String {
    let value = at.value();
    let get = |key: &str| value.get(key).and_then(Value::as_str);
    if let Some(all_of) = value.get("allOf").and_then(Value::as_array) {
        let parts: Vec<String> = all_of
            .iter()
            .map(|member| match member.get("$ref").and_then(Value::as_str) {
                Some(r) => r.trim_start_matches("#/definitions/").to_owned(),
                None => "object".to_owned(),
            })
            .collect();
        return format!("all of {}", parts.join(", "));
    }
    if let Some(reference) = get("$ref") {
        return reference.trim_start_matches("#/definitions/").to_owned();
    }
    let child = |key: &str| {
        value.get(key).filter(|v| v.is_object()).map(|v| {
            describe(&At {
                node: Node {
                    file: at.node.file,
                    value: v,
                },
                path: child_path(&at.path, key),
            })
        })
    };
    let base = match value.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None if value.get("properties").is_some() => "object".to_owned(),
        None => "untyped".to_owned(),
    };
    let mut text = match base.as_str() {
        "array" => format!(
            "array of {}",
            child("items").unwrap_or_else(|| "untyped".into())
        ),
        "object" if value.get("properties").is_none() => match child("additionalProperties") {
            Some(inner) => format!("map of {inner}"),
            None => "object".to_owned(),
        },
        _ => base,
    };
    if let Some(format) = get("format") {
        text.push_str(&format!(" ({format})"));
    }
    if value.get("enum").is_some() {
        text.push_str(" (enum)");
    }
    text
}
