//! Client-side validation results: the JSON path of the offending field and what is wrong.
//!
//! Generated `validate()` methods build paths on the stack with [`JsonPath`], so a request that
//! passes validation costs no allocation.

use std::fmt;

/// One step of a [`JsonPath`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathSegment<'a> {
    /// An object member, by its wire name.
    Key(&'a str),
    /// An array element.
    Index(usize),
}

/// A JSON path built as a linked list of borrowed segments, printed as `$.spec.resources[0]` or
/// `$.metadata.annotations['os.modelarts/billing.mode']`.
#[derive(Clone, Copy, Debug)]
pub struct JsonPath<'a> {
    parent: Option<&'a JsonPath<'a>>,
    segment: Option<PathSegment<'a>>,
}

impl JsonPath<'static> {
    /// The document root, `$`.
    pub const ROOT: JsonPath<'static> = JsonPath {
        parent: None,
        segment: None,
    };
}

impl<'a> JsonPath<'a> {
    /// The member `key` of the value at this path.
    pub fn key(&'a self, key: &'a str) -> JsonPath<'a> {
        JsonPath {
            parent: Some(self),
            segment: Some(PathSegment::Key(key)),
        }
    }

    /// The element `index` of the array at this path.
    pub fn index(&'a self, index: usize) -> JsonPath<'a> {
        JsonPath {
            parent: Some(self),
            segment: Some(PathSegment::Index(index)),
        }
    }

    /// The segments from the root down to this path.
    pub fn segments(&self) -> Vec<PathSegment<'a>> {
        let mut out = Vec::new();
        let mut node = Some(self);
        while let Some(path) = node {
            if let Some(segment) = path.segment {
                out.push(segment);
            }
            node = path.parent;
        }
        out.reverse();
        out
    }
}

fn is_plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for segment in self.segments() {
            match segment {
                PathSegment::Key(key) if is_plain_key(key) => write!(f, ".{key}")?,
                PathSegment::Key(key) => {
                    write!(f, "['{}']", key.replace('\\', "\\\\").replace('\'', "\\'"))?
                }
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A request refused before anything was sent: which field, and which rule it breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ValidationError {
    /// JSON path of the offending field, such as `$.spec.resources[0].maxCount`.
    pub path: String,
    /// What is wrong and what the rule requires.
    pub message: String,
    /// The spec's identifier of the rule that was broken, when the refusal comes from one.
    pub rule: Option<&'static str>,
}

impl ValidationError {
    /// A refusal at `path`.
    pub fn new(path: &JsonPath<'_>, message: impl Into<String>) -> Self {
        ValidationError {
            path: path.to_string(),
            message: message.into(),
            rule: None,
        }
    }

    /// A refusal at `path` by the spec rule `rule`.
    pub fn rule(path: &JsonPath<'_>, rule: &'static str, message: impl Into<String>) -> Self {
        ValidationError {
            path: path.to_string(),
            message: message.into(),
            rule: Some(rule),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_plain_and_quoted_keys() {
        let root = JsonPath::ROOT;
        let spec = root.key("spec");
        let resources = spec.key("resources");
        let first = resources.index(0);
        assert_eq!(
            first.key("maxCount").to_string(),
            "$.spec.resources[0].maxCount"
        );
        let annotations = root.key("metadata");
        let annotations = annotations.key("annotations");
        assert_eq!(
            annotations.key("os.modelarts/billing.mode").to_string(),
            "$.metadata.annotations['os.modelarts/billing.mode']"
        );
        assert_eq!(root.key("it's").to_string(), "$['it\\'s']");
        assert_eq!(root.to_string(), "$");
    }
}
