//! Doc comments from spec text. Table prose is Markdown to rustdoc, so what would be read as
//! HTML, links, code blocks or doctests is escaped: the text shows as the tables wrote it.

use proc_macro2::TokenStream;
use quote::quote;

/// Escapes table prose for rustdoc: `<`, `>`, `[`, `]`, backticks and backslashes become literal, lines lose
/// the leading spaces that would start a code block (and a doctest), fences are broken, and bare
/// URLs are wrapped so rustdoc links them instead of warning.
pub fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // A carriage return alone would end a `///` line early; rustdoc refuses it anyway.
    let text = text.replace('\r', "\n");
    let is_item = |line: &str| {
        line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") || {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))
        }
    };
    let mut previous_item = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if i > 0 {
            out.push('\n');
            // A line after a list item would continue it; it is its own paragraph.
            if previous_item && !is_item(line) && !line.is_empty() {
                out.push('\n');
            }
        }
        previous_item = is_item(line);
        let mut rest = line;
        while !rest.is_empty() {
            let url_at = ["https://", "http://"]
                .iter()
                .filter_map(|scheme| rest.find(scheme))
                .min();
            let (plain, url) = match url_at {
                Some(at) => {
                    let end = rest[at..]
                        .find(|c: char| c.is_whitespace() || "<>\"'`，。、）)".contains(c))
                        .map_or(rest.len(), |e| at + e);
                    (&rest[..at], Some(&rest[at..end]))
                }
                None => (rest, None),
            };
            for c in plain.chars() {
                if matches!(c, '<' | '>' | '[' | ']' | '\\' | '`') {
                    out.push('\\');
                }
                out.push(c);
            }
            match url {
                Some(url) => {
                    out.push('<');
                    out.push_str(url);
                    out.push('>');
                    rest = &rest[plain.len() + url.len()..];
                }
                None => rest = "",
            }
        }
    }
    out
}

/// One `#[doc]` attribute per line, so the generated code shows `///` comments. Paragraphs are
/// written by the generator (already Markdown); spec text goes through [`prose`] first.
pub fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let lines = lines(paragraphs);
    let attrs = lines.iter().map(|line| quote!(#[doc = #line]));
    quote!(#(#attrs)*)
}

/// The same as [`doc_lines`] but as inner attributes (`//!`).
pub fn inner_doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let lines = lines(paragraphs);
    let attrs = lines.iter().map(|line| quote!(#![doc = #line]));
    quote!(#(#attrs)*)
}

fn lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        let paragraph = paragraph.trim();
        if paragraph.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        for line in paragraph.lines() {
            let line = line.trim_end();
            lines.push(if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            });
        }
    }
    lines
}

/// Text as inline code in a doc comment, so rustdoc shows wire names (`os.modelarts/name`,
/// `array<T>`) literally rather than as links or HTML.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        format!("`{text}`")
    } else {
        let fence = "`".repeat(longest + 1);
        format!("{fence} {text} {fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_cannot_become_html_links_code_or_doctests() {
        assert_eq!(
            prose("array<PoolResourceFlavorCount>"),
            "array\\<PoolResourceFlavorCount\\>"
        );
        assert_eq!(prose("see [1] and a_b"), "see \\[1\\] and a_b");
        assert_eq!(prose("    indented\n```rust"), "indented\n\\`\\`\\`rust");
        assert_eq!(
            prose("见 https://support.huaweicloud.com/x.html。"),
            "见 <https://support.huaweicloud.com/x.html>。"
        );
    }

    #[test]
    fn a_line_after_a_list_ends_the_list() {
        assert_eq!(
            prose("取值:可选值如下:\n- a:first\n- b:second\n**默认取值**:a"),
            "取值:可选值如下:\n- a:first\n- b:second\n\n**默认取值**:a"
        );
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a.b"), "`a.b`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("``"), "``` `` ```");
    }
}
