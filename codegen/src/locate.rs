//! Line and column of a JSON path in the spec text, so that problems found after parsing (by the
//! checker, or inside a type) point at the line as well as the path.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// Splits the paths diagnostics use (`$.types[3].fields[0].type`); `None` for anything else.
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            steps.push(Step::Key(&after[..end]));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            steps.push(Step::Index(after[..end].parse().ok()?));
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// 1-based line and column (in characters) of the value at `path`, or of the member name when
/// the path ends at an object member.
pub fn line_column(text: &str, path: &str) -> Option<(usize, usize)> {
    let steps = steps(path)?;
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..ParseOptions::default()
    };
    let parsed = parse_to_ast(text, &CollectOptions::default(), &options).ok()?;
    let mut value = parsed.value?;
    let mut offset = value.start();
    for step in steps {
        value = match (step, value) {
            (Step::Key(key), Value::Object(object)) => {
                let property = object.properties.into_iter().find(|p| match &p.name {
                    ObjectPropName::String(name) => name.value == key,
                    ObjectPropName::Word(name) => name.value == key,
                })?;
                offset = property.start();
                property.value
            }
            (Step::Index(index), Value::Array(array)) => {
                let element = array.elements.into_iter().nth(index)?;
                offset = element.start();
                element
            }
            _ => return None,
        };
    }
    let before = text.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_members_and_elements() {
        let text = "{\n  \"types\": [\n    { \"name\": \"A\" },\n    { \"name\": \"B\", \"fields\": [1, 2] }\n  ]\n}";
        assert_eq!(line_column(text, "$.types[1].name"), Some((4, 7)));
        assert_eq!(line_column(text, "$.types[1].fields[1]"), Some((4, 34)));
        assert_eq!(line_column(text, "$.types[0]"), Some((3, 5)));
        assert_eq!(line_column(text, "$.types[5]"), None);
        assert_eq!(line_column(text, "$.nothing"), None);
        assert_eq!(line_column(text, "types"), None);
    }
}
