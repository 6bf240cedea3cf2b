//! Type expressions as the spec writes them: `string`, `integer`, `number`, `boolean`, `json`, a
//! type name, or `array<T>`.

use crate::naming;

/// Type expressions nest `array<…>` at most this deep.
const MAX_ARRAY_DEPTH: usize = 8;

/// A type expression before its name, if any, is linked to a declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedType {
    String,
    Integer,
    Number,
    Boolean,
    Json,
    Named(String),
    Array(Box<ParsedType>),
}

impl ParsedType {
    pub fn named(&self) -> Option<&str> {
        match self {
            ParsedType::Named(name) => Some(name),
            ParsedType::Array(inner) => inner.named(),
            _ => None,
        }
    }
}

pub fn parse_type_expr(expr: &str) -> Result<ParsedType, String> {
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
        "string" => ParsedType::String,
        "integer" => ParsedType::Integer,
        "number" => ParsedType::Number,
        "boolean" => ParsedType::Boolean,
        "json" => ParsedType::Json,
        name if naming::is_upper_camel_ident(name) => ParsedType::Named(name.to_owned()),
        "" => return Err(format!("type {expr:?} is empty")),
        other => {
            return Err(format!(
                "unknown type {other:?}; use string, integer, number, boolean, json, array<T> or the UpperCamelCase name of a declared type"
            ));
        }
    };
    Ok((0..depth).fold(base, |ty, _| ParsedType::Array(Box::new(ty))))
}
