//! `client.rs`: one async method per operation, calling the hand-written runtime for signing,
//! sending, retries and error mapping, and one error enum per operation that documents failures.
//! One module per thing printed: the operations' methods, their error enums, the paginators and
//! the waiters; this one prints the client and what they share.

mod errors;
mod operations;
mod paginators;
mod waiters;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::docs::{inner_doc_lines, prose};
use super::models::{ident, primitive_type};
use crate::model::{Answer, Api, MemberPath, Operation, Param, ParamKind, Primitive};

/// The Rust type of one value of a parameter, as a method argument.
fn scalar_arg(ty: Primitive) -> TokenStream {
    match ty {
        Primitive::String => quote!(&str),
        owned => primitive_type(owned),
    }
}

/// The method argument of a parameter: `&str`, `Option<i64>`, `&[&str]`…
pub fn param_arg(param: &Param) -> TokenStream {
    param_arg_living(param, None)
}

/// [`param_arg`] with its borrows living for `'a` (for methods returning a stream that holds them).
pub(super) fn param_arg_living(param: &Param, lifetime: Option<&syn::Lifetime>) -> TokenStream {
    let one = match (param.ty, lifetime) {
        (Primitive::String, Some(lifetime)) => quote!(&#lifetime str),
        (ty, _) => scalar_arg(ty),
    };
    if param.repeated {
        match lifetime {
            Some(lifetime) => quote!(&#lifetime [#one]),
            None => quote!(&[#one]),
        }
    } else if param.required {
        one
    } else {
        quote!(Option<#one>)
    }
}

/// `value` (one value of the parameter, by value or by reference) as the `&str` to send.
pub(super) fn as_text(ty: Primitive, value: TokenStream) -> TokenStream {
    match ty {
        Primitive::String => value,
        _ => quote!(&#value.to_string()),
    }
}

pub fn client_rs(api: &Api) -> TokenStream {
    let methods = api
        .operations
        .iter()
        .map(|op| operations::operation_method(api, op));
    let paginators = api
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .map(|op| paginators::paginator_methods(api, op));
    let waiters = api.waiters.iter().map(|w| waiters::waiter_method(api, w));
    let title = format!(
        " Client for {}: one method per operation of the spec.",
        prose(&api.service.title)
    );
    let doc = inner_doc_lines(["The request client, and the failures each operation documents."]);
    let mut uses = vec![quote!(Error)];
    if !api.operations.is_empty() {
        uses.extend([
            quote!(Method),
            quote!(OperationRequest),
            quote!(Response),
            quote!(operation_error),
        ]);
    }
    // A waiter that selects an item answers "not listed" as a 404 of its own.
    if api.waiters.iter().any(|w| w.select.is_some()) {
        uses.extend([quote!(ApiError), quote!(StatusCode)]);
    }
    if !api.waiters.is_empty() {
        uses.push(quote!(waiter::{Verdict, WaiterConfig, WaiterError}));
    }
    let models = if api
        .operations
        .iter()
        .any(|op| op.request_body.is_some() || op.success.body.is_some())
    {
        quote!(
            use super::models;
        )
    } else {
        quote!()
    };
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

            #(#paginators)*

            #(#waiters)*
        }

        impl From<modelarts_pools_runtime::Client> for Client {
            fn from(inner: modelarts_pools_runtime::Client) -> Self {
                Client::new(inner)
            }
        }
    }
}

/// The operations' error enums, laid out after [`client_rs`]: `operation_error!` invocations,
/// which `prettyplease` would print as raw tokens.
pub fn error_enums(api: &Api) -> impl Iterator<Item = super::models::Piece> + '_ {
    api.operations.iter().map(errors::error_enum)
}

/// The arguments of an operation's method, as a call passes them on.
pub(super) fn passed_arguments(op: &Operation) -> Vec<TokenStream> {
    let mut passed = Vec::new();
    if let Some(body) = &op.request_body {
        passed.push(ident(&body.arg).into_token_stream());
    }
    for param in op.arguments() {
        passed.push(ident(&param.rust_name).into_token_stream());
    }
    passed
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

/// The arguments of `op` as a method takes them, and as a call passes them on, with `token`
/// (the pagination token parameter) left out of the first and given as `replacement` in the second.
pub(super) fn arguments_but(
    api: &Api,
    op: &Operation,
    token: Option<usize>,
    replacement: TokenStream,
    lifetime: Option<&syn::Lifetime>,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut declared = Vec::new();
    let mut passed = Vec::new();
    if let Some(body) = &op.request_body {
        let arg = ident(&body.arg);
        let ty = ident(&api.ty(body.ty).name);
        declared.push(match lifetime {
            Some(lifetime) => quote!(#arg: &#lifetime models::#ty),
            None => quote!(#arg: &models::#ty),
        });
        passed.push(quote!(#arg));
    }
    for (index, param) in op.params.iter().enumerate() {
        if matches!(param.kind, ParamKind::ClientSetting(_)) {
            continue;
        }
        let arg = ident(&param.rust_name);
        if Some(index) == token {
            passed.push(replacement.clone());
        } else {
            let ty = param_arg_living(param, lifetime);
            declared.push(quote!(#arg: #ty));
            passed.push(quote!(#arg));
        }
    }
    (declared, passed)
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
