//! Doc comments from spec text.

use proc_macro2::TokenStream;
use quote::quote;

/// One `#[doc]` attribute per line, so the generated code shows `///` comments.
pub fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
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
    let attrs = lines.iter().map(|line| quote!(#[doc = #line]));
    quote!(#(#attrs)*)
}

/// The same as [`doc_lines`] but as inner attributes (`//!`).
pub fn inner_doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        for line in paragraph.trim().lines() {
            lines.push(format!(" {}", line.trim_end()));
        }
    }
    let attrs = lines.iter().map(|line| quote!(#![doc = #line]));
    quote!(#(#attrs)*)
}

/// Text as inline code in a doc comment, so rustdoc shows wire names (`os.modelarts/name`,
/// `array<T>`) literally rather than as links or HTML.
pub fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}
