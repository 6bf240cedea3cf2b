//! Each operation's error enum: its documented failures as variants, and `Unhandled`. The
//! runtime's `operation_error!` writes the enum and its behaviour (`OperationError`, the
//! conversions, `Display`, `source`) from the variants and their statuses.

use proc_macro2::Literal;
use quote::quote;

use crate::emit::docs::prose;
use crate::emit::models::{Piece, ident};
use crate::model::Operation;

pub(super) fn error_enum(op: &Operation) -> Piece {
    let name = ident(&op.error_enum);
    let variants = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let doc = format!(
            " HTTP {}: {}",
            e.response.status,
            prose(&e.response.description)
        );
        let status = Literal::u16_unsuffixed(e.response.status);
        quote! {
            #[doc = #doc]
            #variant = #status,
        }
    });
    let doc = if op.errors.is_empty() {
        format!(
            " The failures of `{}`; it documents none, so every one is `Unhandled`.",
            op.name
        )
    } else {
        format!(
            " The failures of `{}`: those it documents, sorted for matching, and `Unhandled` for anything else.",
            op.name
        )
    };
    Piece::MacroItem {
        mac: "operation_error",
        item: quote! {
            #[doc = #doc]
            pub enum #name {
                #(#variants)*
            }
        },
    }
}
