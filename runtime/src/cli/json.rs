//! The JSON the program prints: pretty, with unknown members (kept as their received text)
//! indented like the rest.

use serde::Serialize;

use crate::error::Error;

/// A value as pretty JSON (two-space indent, as `serde_json::to_string_pretty`).
///
/// Unknown members of generated types are kept as their JSON text, which serde_json's pretty
/// printer copies as it is; so the value is written compact and the whole text indented here,
/// which also indents those members. The text of every string and number is left as it is.
pub fn to_pretty_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(value).map(|text| indent_json(&text))
}

/// Valid JSON text re-indented: whitespace between tokens replaced by serde_json's pretty layout.
fn indent_json(json: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
    let mut out = String::with_capacity(json.len() + json.len() / 2);
    let mut depth = 0usize;
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    out.push(c);
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                while chars.next_if(|c| c.is_ascii_whitespace()).is_some() {}
                out.push(c);
                if let Some(close) = chars.next_if(|&n| n == '}' || n == ']') {
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            ' ' | '\t' | '\n' | '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// The response body as the JSON the program prints (pretty, with a trailing newline).
pub fn render_json<T: Serialize>(value: &T) -> Result<String, Error> {
    to_pretty_json(value)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| Error::Config(format!("cannot print the result as JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_indents_raw_members_and_matches_serde_json_elsewhere() {
        let value = serde_json::json!({
            "a": [1, {"b": [], "c": {}}, "x,y:{}[]\"\\"],
            "d": {"e": null, "f": [true, -0.5e-7]},
            "g": "é\u{1F600}",
        });
        assert_eq!(
            to_pretty_json(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        let mut fields = crate::model::UnknownFields::new();
        let raw = serde_json::value::RawValue::from_string(
            "{ \"z\" : [ 1 ,\n 0.30000000000000004 ] , \"a\":{ } }".into(),
        )
        .unwrap();
        fields.insert_raw("later".into(), raw);
        assert_eq!(
            render_json(&fields).unwrap(),
            "{\n  \"later\": {\n    \"z\": [\n      1,\n      0.30000000000000004\n    ],\n    \"a\": {}\n  }\n}\n"
        );
    }
}
