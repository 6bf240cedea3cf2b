//! The paginators of list operations: a `Stream` of pages and one of items.

use proc_macro2::TokenStream;
use quote::quote;

use super::{arguments_but, member_chain};
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
    let method = ident(&op.name);
    let pages = ident(&pagination.pages_method);
    let items = ident(&pagination.items_method);
    let lifetime: syn::Lifetime = syn::parse_quote!('a);
    let (declared, passed) = arguments_but(
        api,
        op,
        Some(pagination.request_token),
        quote!(__token.as_deref()),
        Some(&lifetime),
    );
    let (_, pages_args) = arguments_but(api, op, Some(pagination.request_token), quote!(), None);
    let pages_args: Vec<&TokenStream> = pages_args.iter().filter(|t| !t.is_empty()).collect();
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
    let token_wire = &op.params[pagination.request_token].wire_name;
    let token_path = &pagination.response_token.wire;
    let pages_doc = format!(
        " Every page of [`Self::{}`], in order: the first, then each next one asked for with `{token_wire}` set to the last page's `{token_path}`, until the service gives none. An error ends the stream after it is yielded.",
        op.name
    );
    let items_doc = format!(
        " Every item of every page of [`Self::{}`] (see [`Self::{}`]).",
        op.name, pagination.pages_method
    );
    quote! {
        #[doc = #pages_doc]
        pub fn #pages<'a>(&'a self, #(#declared),*) -> impl modelarts_pools_runtime::paginator::Stream<Item = Result<models::#page_type, #error_enum>> + 'a {
            modelarts_pools_runtime::paginator::pages(
                move |__token: Option<String>| async move {
                    self.#method(#(#passed),*).await.map(|__response| __response.body)
                },
                |__page: &models::#page_type| #next.cloned(),
            )
        }

        #[doc = #items_doc]
        pub fn #items<'a>(&'a self, #(#declared),*) -> impl modelarts_pools_runtime::paginator::Stream<Item = Result<#item_type, #error_enum>> + 'a {
            modelarts_pools_runtime::paginator::items(
                self.#pages(#(#pages_args),*),
                |__page: models::#page_type| #take,
            )
        }
    }
}
