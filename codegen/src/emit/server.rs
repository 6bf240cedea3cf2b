//! `server.rs` (the `server` feature): a trait with one async method per operation, taking its
//! typed inputs and returning its typed answer or a `ServiceError`, and an axum router that
//! checks signatures, reads parameters and bodies (400 naming the problem) and writes answers.
//! The plumbing is the runtime's `server` module.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::client::answer_type;
use super::docs::{doc_lines, inner_doc_lines, prose};
use super::models::{ident, primitive_type};
use crate::model::{Api, Operation, Param, ParamKind};

/// The owned Rust type of a parameter as the service method receives it.
fn param_type(param: &Param) -> TokenStream {
    let one = primitive_type(param.ty);
    if param.repeated {
        quote!(Vec<#one>)
    } else if param.required || matches!(param.kind, ParamKind::Path | ParamKind::ClientSetting(_))
    {
        one
    } else {
        quote!(Option<#one>)
    }
}

/// How the handler reads a parameter from `__params`.
fn read_param(param: &Param) -> TokenStream {
    let wire = &param.wire_name;
    match param.kind {
        ParamKind::Path | ParamKind::ClientSetting(_) => quote!(__params.path(#wire)?),
        ParamKind::Query if param.repeated => quote!(__params.query_all(#wire)?),
        ParamKind::Query if param.required => quote!(__params.required_query(#wire)?),
        ParamKind::Query => quote!(__params.query(#wire)?),
        ParamKind::Header if param.required => quote!(__params.required_header(#wire)?),
        ParamKind::Header => quote!(__params.header(#wire)?),
    }
}

/// The inputs of an operation's `Service` method, name and type, in order: the body, then the
/// parameters. (The typed stubs record the same.)
pub(super) fn method_inputs(api: &Api, op: &Operation) -> Vec<(syn::Ident, TokenStream)> {
    let mut inputs = Vec::new();
    if let Some(body) = &op.request_body {
        let ty = ident(&api.ty(body.ty).name);
        inputs.push((ident(&body.arg), quote!(models::#ty)));
    }
    for param in &op.params {
        inputs.push((ident(&param.rust_name), param_type(param)));
    }
    inputs
}

fn trait_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let inputs = method_inputs(api, op);
    let args: Vec<_> = inputs.iter().map(|(arg, ty)| quote!(#arg: #ty)).collect();
    let names: Vec<_> = inputs.iter().map(|(arg, _)| arg).collect();
    let answer = answer_type(api, op.success.answer());
    let op_name = &op.name;
    let unused = if names.is_empty() {
        quote!()
    } else {
        quote!(let _ = (#(#names,)*);)
    };
    let doc = doc_lines([
        format!(
            "{} `{} {}`",
            prose(&op.summary),
            op.method.as_str(),
            op.path
        )
        .as_str(),
        "Not implemented, it answers 404 with the error code `NotServed`.",
    ]);
    // Counting `self`, as clippy does.
    let too_many = if args.len() + 1 > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    quote! {
        #doc
        #too_many
        fn #name(&self, #(#args),*) -> impl std::future::Future<Output = Result<#answer, ServiceError>> + Send {
            #unused
            async { Err(ServiceError::not_served(#op_name)) }
        }
    }
}

fn handler(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let handler = ident(&op.handler);
    let mut reads = Vec::new();
    let mut names = Vec::new();
    if let Some(body) = &op.request_body {
        let arg = ident(&body.arg);
        let ty = ident(&api.ty(body.ty).name);
        let schema = format!("../schemas/{}", api.ty(body.ty).schema_file);
        reads.push(quote! {
            let #arg: models::#ty = server::read_body(&__bytes, include_str!(#schema))?;
            #arg.validate()?;
        });
        names.push(arg);
    }
    for param in &op.params {
        let arg = ident(&param.rust_name);
        let ty = param_type(param);
        let read = read_param(param);
        reads.push(quote!(let #arg: #ty = #read;));
        names.push(arg);
    }
    let status = op.success.status;
    quote! {
        async fn #handler<S: Service>(
            State(__shared): State<Arc<Shared<S>>>,
            Path(__path): Path<BTreeMap<String, String>>,
            __request: Request,
        ) -> Response {
            let __service = Arc::clone(&__shared.service);
            server::handle(&__shared.auth, __path, __request, #status, |__params, __bytes| async move {
                #(#reads)*
                __service.#name(#(#names),*).await
            })
            .await
        }
    }
}

pub fn server_rs(api: &Api) -> TokenStream {
    let doc = inner_doc_lines([
        "Server stubs (feature `server`): implement [`Service`] (every method has a default that answers 404 `NotServed`), then serve [`router`] with axum. The router checks AK/SK signatures (401 `APIGW.0301`, as the gateway), reads path, query and header parameters and the body, checked against its published schema and its rules (400 `ModelArts.50004000` naming every problem and its JSON path), and writes the answer with the operation's status.",
    ]);
    let methods = api.operations.iter().map(|op| trait_method(api, op));
    let handlers = api.operations.iter().map(|op| handler(api, op));
    // One route per path, its methods chained, in path order.
    let mut routes: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        routes.entry(op.path.as_str()).or_default().push(op);
    }
    let routes = routes.into_iter().map(|(path, ops)| {
        let mut chain = quote!();
        for (i, op) in ops.iter().enumerate() {
            let method = ident(op.method.routing_fn());
            let handler = ident(&op.handler);
            chain = if i == 0 {
                quote!(routing::#method(#handler::<S>))
            } else {
                quote!(#chain.#method(#handler::<S>))
            };
        }
        quote!(.route(#path, #chain))
    });
    let title = format!(
        " {}: one method per operation, taking its typed inputs and giving its typed answer.",
        prose(&api.service.title)
    );
    quote! {
        #doc

        use std::collections::BTreeMap;
        use std::sync::Arc;

        use modelarts_pools_runtime::server::{self, Auth, ServiceError};
        use modelarts_pools_runtime::server::axum::{
            Router,
            extract::{Path, Request, State},
            response::Response,
            routing,
        };

        use super::models;

        #[doc = #title]
        pub trait Service: Send + Sync + 'static {
            #(#methods)*
        }

        struct Shared<S> {
            service: Arc<S>,
            auth: Auth,
        }

        /// The routes of every operation, answering as the service does, on `service`.
        pub fn router<S: Service>(service: Arc<S>, auth: Auth) -> Router {
            Router::new()
                #(#routes)*
                .with_state(Arc::new(Shared { service, auth }))
        }

        #(#handlers)*
    }
}
