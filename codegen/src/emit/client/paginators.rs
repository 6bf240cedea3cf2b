//! The paginators of a list operation's call builder: `into_pages`, a `Stream` of pages, and
//! `into_items`, one of items, both the runtime's `Call` told where the tokens are.

use proc_macro2::TokenStream;
use quote::quote;

use super::member_chain;
use crate::emit::models::{ident, value_type};
use crate::model::{Api, Operation, TypeRef};

pub(super) fn paginator_methods(api: &Api, op: &Operation) -> TokenStream {
    let Some(pagination) = &op.pagination else {
        return quote!();
    };
    let Some(body) = op.success.body else {
        return quote!();
    };
    let page_type = ident(&api.ty(body).name);
    let error_enum = ident(&op.error_enum);
    let input = ident(&op.input_type);
    let token = &op.params[pagination.request_token];
    let token_field = ident(&token.rust_name);
    let next = member_chain(api, quote!(__page), &pagination.response_token);
    let (items_object, items_field) = pagination.items;
    let items_field = &api.object(items_object).fields[items_field];
    let items_rust = ident(&items_field.rust_name);
    let TypeRef::Array(item_type) = &items_field.ty else {
        return quote!();
    };
    let item_type = match item_type.as_ref() {
        TypeRef::Named(id) => {
            let name = ident(&api.ty(*id).name);
            quote!(models::#name)
        }
        other => value_type(api, other, false),
    };
    let take = if items_field.required {
        quote!(__page.#items_rust)
    } else {
        quote!(__page.#items_rust.unwrap_or_default())
    };
    let token_wire = &token.wire_name;
    let token_path = &pagination.response_token.wire;
    let pages_doc = format!(
        " Every page, in order: this call's, then each next one asked for with `{token_wire}` set to the last page's `{token_path}`, until the service gives none. An error ends the stream after it is yielded."
    );
    let items_doc = " Every item of every page, in order (see [`into_pages`](Self::into_pages)).";
    quote! {
        #[doc = #pages_doc]
        pub fn into_pages(self) -> impl Stream<Item = Result<models::#page_type, #error_enum>> + 'c {
            self.call.into_pages(
                |__input: &mut input::#input, __token: Option<String>| __input.#token_field = __token,
                |__page: &models::#page_type| #next.cloned(),
            )
        }

        #[doc = #items_doc]
        pub fn into_items(self) -> impl Stream<Item = Result<#item_type, #error_enum>> + 'c {
            self.call.into_items(
                |__input: &mut input::#input, __token: Option<String>| __input.#token_field = __token,
                |__page: &models::#page_type| #next.cloned(),
                |__page: models::#page_type| #take,
            )
        }
    }
}
