//! `client.rs`: one method per operation giving its call builder (sent through the hand-written
//! runtime: signing, retries, error mapping), the waiters' builders, and one error enum per
//! operation. One module per thing printed: the operations' methods and builders, their error
//! enums, the paginators and the waiters; this one prints the client and what they share.

mod errors;
mod operations;
mod paginators;
mod waiters;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{inner_doc_lines, prose};
use super::models::ident;
use crate::model::{Answer, Api, MemberPath};

pub fn client_rs(api: &Api) -> TokenStream {
    let methods = api
        .operations
        .iter()
        .map(|op| operations::operation_method(api, op));
    let builders = api
        .operations
        .iter()
        .map(|op| operations::call_builder(api, op, paginators::paginator_methods(api, op)));
    let (waiters, waiter_builders): (Vec<_>, Vec<_>) = api
        .waiters
        .iter()
        .map(|w| waiters::waiter_items(api, w))
        .unzip();
    let error_enums = api.operations.iter().map(errors::error_enum);
    let title = format!(
        " Client for {}: one method per operation of the spec.",
        prose(&api.service.title)
    );
    let doc = inner_doc_lines(["The request client, and the failures each operation documents."]);
    let mut uses = vec![quote!(Error)];
    if !api.operations.is_empty() {
        uses.extend([quote!(ApiError), quote!(Call), quote!(StatusCode)]);
    }
    if api.operations.iter().any(|op| op.pagination.is_some()) {
        uses.push(quote!(paginator::Stream));
    }
    if !api.waiters.is_empty() {
        uses.push(quote!(waiter::{OnProgress, Progress, Verdict, WaiterConfig, WaiterError}));
    }
    let mut models = quote!();
    // Bodies are arguments, enums setters' values, pages and polled answers the paginators'
    // and waiters' items.
    if !api.waiters.is_empty()
        || api.operations.iter().any(|op| {
            op.request_body.is_some()
                || op.pagination.is_some()
                || op.params.iter().any(|p| p.enum_type.is_some())
        })
    {
        models = quote!(
            use super::models;
        );
    }
    if !api.operations.is_empty() {
        models = quote! {
            #models
            use super::input;
        };
    }
    quote! {
        #doc

        use modelarts_pools_runtime::{ClientBuilder, #(#uses),*};

        #models

        #[doc = #title]
        ///
        /// Cheap to clone: clones share one connection pool.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: modelarts_pools_runtime::Client,
        }

        impl Client {
            /// Wraps a configured runtime client.
            pub fn new(inner: modelarts_pools_runtime::Client) -> Self {
                Client { inner }
            }

            /// A builder for the endpoint (or region), project ID, credentials, timeouts, retries
            /// and hooks; its `build()` gives this client.
            pub fn builder() -> ClientBuilder<Client> {
                ClientBuilder::new()
            }

            /// A client configured from the `HUAWEICLOUD_SDK_*` environment variables the
            /// official SDKs read.
            pub fn from_env() -> Result<Self, Error> {
                ClientBuilder::from_env().build()
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &modelarts_pools_runtime::Client {
                &self.inner
            }

            #(#methods)*

            #(#waiters)*
        }

        impl From<modelarts_pools_runtime::Client> for Client {
            fn from(inner: modelarts_pools_runtime::Client) -> Self {
                Client::new(inner)
            }
        }

        #(#builders)*

        #(#waiter_builders)*

        #(#error_enums)*
    }
}

/// `Option<&T>` of the member reached from `root` through `path` (`(object, field)` steps).
pub(in crate::emit) fn member_chain(
    api: &Api,
    root: TokenStream,
    path: &MemberPath,
) -> TokenStream {
    let mut expr = quote!(Some(#root));
    for (step, &(object, field)) in path.steps.iter().enumerate() {
        let field = &api.object(object).fields[field];
        let rust = ident(&field.rust_name);
        expr = match (step, field.required) {
            (0, true) => quote!(Some(&#root.#rust)),
            (0, false) => quote!(#root.#rust.as_ref()),
            (_, true) => quote!(#expr.map(|__v| &__v.#rust)),
            (_, false) => quote!(#expr.and_then(|__v| __v.#rust.as_ref())),
        };
    }
    expr
}

/// The Rust type of what a response gives: `models::T`, `Option<models::T>` (a body that may
/// not come) or `()`.
pub(in crate::emit) fn answer_type(api: &Api, answer: Answer) -> TokenStream {
    match answer {
        Answer::MaybeBody(body) => {
            let ty = ident(&api.ty(body).name);
            quote!(Option<models::#ty>)
        }
        Answer::Body(body) => {
            let ty = ident(&api.ty(body).name);
            quote!(models::#ty)
        }
        Answer::Nothing => quote!(()),
    }
}
