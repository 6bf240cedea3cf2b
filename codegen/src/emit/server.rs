//! `server.rs` (the `server` feature): a trait with one async method per operation, taking its
//! input (`input::{Operation}Input`) and returning its typed answer or a `ServiceError`, and an axum router that
//! checks signatures, reads parameters and bodies (400 naming the problem) and writes answers.
//! The plumbing is the runtime's `server` module.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::client::answer_type;
use super::docs::{doc_lines, inner_doc_lines, prose};
use super::models::ident;
use crate::model::{Api, Operation, Param, ParamKind};

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

fn trait_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let input = ident(&op.input_type);
    let answer = answer_type(api, op.success.answer());
    let op_name = &op.name;
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
    quote! {
        #doc
        fn #name(&self, input: input::#input) -> impl std::future::Future<Output = Result<#answer, ServiceError>> + Send {
            let _ = input;
            async { Err(ServiceError::not_served(#op_name)) }
        }
    }
}

fn handler(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let handler = ident(&op.handler);
    let input = ident(&op.input_type);
    let mut reads = Vec::new();
    let mut fields = Vec::new();
    if let Some(body) = &op.request_body {
        let arg = ident(&body.arg);
        let ty = ident(&api.ty(body.ty).name);
        let schema = format!("../schemas/{}", api.ty(body.ty).schema_file);
        reads.push(quote! {
            let #arg: models::#ty = server::read_body(&__bytes, include_str!(#schema))?;
            #arg.validate()?;
        });
    }
    for param in &op.params {
        let field = ident(&param.rust_name);
        let read = read_param(param);
        fields.push(quote!(#field: #read));
    }
    if let Some(body) = &op.request_body {
        let arg = ident(&body.arg);
        fields.push(quote!(#arg));
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
                let __input = input::#input { #(#fields),* };
                __service.#name(__input).await
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
    let route_table = api.operations.iter().map(|op| {
        let method = op.method.as_str();
        let path = &op.path;
        let name = &op.name;
        quote!(server::Route::new(#method, #path, #name),)
    });
    let title = format!(
        " {}: one method per operation, taking its input (parameters and body together, `input::{{Operation}}Input`) and giving its typed answer.",
        prose(&api.service.title)
    );
    let models = if api.operations.iter().any(|op| {
        op.request_body.is_some() || !matches!(op.success.answer(), crate::model::Answer::Nothing)
    }) {
        quote!(
            use super::models;
        )
    } else {
        quote!()
    };
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

        use super::input;
        #models

        #[doc = #title]
        pub trait Service: Send + Sync + 'static {
            #(#methods)*
        }

        struct Shared<S> {
            service: Arc<S>,
            auth: Auth,
        }

        /// Every operation's method, path template and name, as [`router`] serves them: what a
        /// middleware finds an operation by (from axum's `MatchedPath`).
        pub const ROUTES: &[server::Route] = &[
            #(#route_table)*
        ];

        /// The routes of every operation, answering as the service does, on `service`.
        pub fn router<S: Service>(service: Arc<S>, auth: Auth) -> Router {
            Router::new()
                #(#routes)*
                .with_state(Arc::new(Shared { service, auth }))
        }

        #(#handlers)*
    }
}
