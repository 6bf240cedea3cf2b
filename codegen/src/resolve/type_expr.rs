//! Type expressions as the spec writes them: `string`, `integer`, `number`, `boolean`, `json`, a
//! type name, `array<T>` or `map<T>`.

use crate::model::Primitive;
use crate::naming;

/// Type expressions nest `array<…>` and `map<…>` at most this deep.
const MAX_ARRAY_DEPTH: usize = 8;

/// A type expression before its name, if any, is linked to a declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedType {
    Primitive(Primitive),
    Json,
    Named(String),
    Array(Box<ParsedType>),
    Map(Box<ParsedType>),
}

impl ParsedType {
    pub fn named(&self) -> Option<&str> {
        match self {
            ParsedType::Named(name) => Some(name),
            ParsedType::Array(inner) | ParsedType::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

pub fn parse_type_expr(expr: &str) -> Result<ParsedType, String> {
    let mut rest = expr.trim();
    let mut depth = 0;
    let mut wrappers = Vec::new();
    loop {
        let (inner, map) = if let Some(inner) = rest.strip_prefix("array<") {
            (inner, false)
        } else if let Some(inner) = rest.strip_prefix("map<") {
            (inner, true)
        } else {
            break;
        };
        let Some(inner) = inner.strip_suffix('>') else {
            return Err(format!(
                "type {expr:?} opens {}< without a closing >",
                if map { "map" } else { "array" }
            ));
        };
        wrappers.push(map);
        depth += 1;
        if depth > MAX_ARRAY_DEPTH {
            return Err(format!(
                "type {expr:?} nests arrays and maps more than {MAX_ARRAY_DEPTH} deep"
            ));
        }
        rest = inner.trim();
    }
    let base = match rest {
        "string" => ParsedType::Primitive(Primitive::String),
        "integer" => ParsedType::Primitive(Primitive::Integer),
        "int32" => ParsedType::Primitive(Primitive::Int32),
        "number" => ParsedType::Primitive(Primitive::Number),
        "boolean" => ParsedType::Primitive(Primitive::Boolean),
        "json" => ParsedType::Json,
        name if naming::is_upper_camel_ident(name) => ParsedType::Named(name.to_owned()),
        "" => return Err(format!("type {expr:?} is empty")),
        other => {
            return Err(format!(
                "unknown type {other:?}; use string, integer, int32, number, boolean, json, array<T>, map<T> or the UpperCamelCase name of a declared type"
            ));
        }
    };
    Ok(wrappers.into_iter().rev().fold(base, |ty, map| {
        if map {
            ParsedType::Map(Box::new(ty))
        } else {
            ParsedType::Array(Box::new(ty))
        }
    }))
}
