//! `stubs.rs` (the `stubs` feature): typed per-operation stubs for users' unit tests. `Stubs`
//! holds one runtime `Stub` per operation (its answers, and the inputs of every call), implements
//! the server stubs' `Service` with them, and builds a client that reaches them in process. Each
//! records the operation's input, as `Service` receives it.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::answer_type;
use super::docs::{doc_lines, inner_doc_lines};
use super::models::ident;
use crate::model::{Answer, Api, Operation};

fn field(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let input = ident(&op.input_type);
    let answer = answer_type(api, op.success.answer());
    let doc = doc_lines([format!(
        "`{}` (`{} {}`): records each call's `input::{}`, as `Service::{}` receives it.",
        op.name,
        op.method.as_str(),
        op.path,
        op.input_type,
        op.name
    )
    .as_str()]);
    quote! {
        #doc
        pub #name: Stub<input::#input, #answer>,
    }
}

fn service_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let input = ident(&op.input_type);
    let answer = answer_type(api, op.success.answer());
    quote! {
        fn #name(&self, input: input::#input) -> impl std::future::Future<Output = Result<#answer, ServiceError>> + Send {
            std::future::ready(self.#name.call(input))
        }
    }
}

pub fn stubs_rs(api: &Api) -> TokenStream {
    let krate = ident(&api.service.crate_ident);
    let example_op = api
        .operations
        .first()
        .map(|op| op.name.as_str())
        .unwrap_or("operation");
    let doc = inner_doc_lines([
        "Typed stubs for unit tests (feature `stubs`): set what each operation answers, hand the code under test [`Stubs::client`], then read the calls it made. No socket is opened: the client reaches the stubs through the server stubs' router in this process, so requests are validated, signed, routed and checked, and answers decoded, as against the service; an error set with `fails` comes back as the operation's own error variant.",
        format!("An operation without an answer fails with 501 `NotStubbed`, naming it. Stubs are shared (`Arc`): answers can be changed and calls read while the client is in use, for example `stubs.{example_op}.returns(..)`, `stubs.{example_op}.calls()`.").as_str(),
        format!("The client uses the endpoint [`ENDPOINT`] and the project ID [`PROJECT_ID`]; [`Stubs::client_builder`] can change its settings (signatures are not checked, so any credentials do). See `{krate}::runtime::stub::Stub` for the ways to answer.").as_str(),
    ]);
    let fields = api.operations.iter().map(|op| field(api, op));
    let news = api.operations.iter().map(|op| {
        let name = ident(&op.name);
        let text = &op.name;
        quote!(#name: Stub::new(#text),)
    });
    let methods = api.operations.iter().map(|op| service_method(api, op));
    let uses_models = api
        .operations
        .iter()
        .any(|op| op.request_body.is_some() || !matches!(op.success.answer(), Answer::Nothing));
    let uses_models = if uses_models {
        quote!(
            use super::models;
        )
    } else {
        quote!()
    };
    quote! {
        #doc

        use std::sync::Arc;

        pub use modelarts_pools_runtime::server::ServiceError;
        pub use modelarts_pools_runtime::stub::Stub;

        use modelarts_pools_runtime::server::Auth;
        use modelarts_pools_runtime::transport::InProcess;
        use modelarts_pools_runtime::{ClientBuilder, Credentials, Error};

        use super::client::Client;
        use super::input;
        use super::server::{Service, router};
        #uses_models

        /// The endpoint of a client built by [`Stubs::client`]; nothing is sent to it.
        pub const ENDPOINT: &str = "http://localhost";

        /// The project ID of a client built by [`Stubs::client`].
        pub const PROJECT_ID: &str = "stub-project";

        /// One [`Stub`] per operation, and the [`Service`] they make. Made with [`Stubs::new`]
        /// (`#[non_exhaustive]`: an operation the service adds is one more field).
        #[derive(Debug)]
        #[non_exhaustive]
        pub struct Stubs {
            #(#fields)*
        }

        impl Stubs {
            /// Stubs with no answers, shared.
            pub fn new() -> Arc<Self> {
                Arc::new(Stubs::default())
            }

            /// A client builder whose requests reach these stubs in process ([`ENDPOINT`],
            /// [`PROJECT_ID`], AK/SK credentials): change what the code under test needs, then
            /// `build()`.
            pub fn client_builder(self: &Arc<Self>) -> ClientBuilder<Client> {
                let router = router(Arc::clone(self), Auth::None);
                ClientBuilder::new()
                    .endpoint(ENDPOINT)
                    .project_id(PROJECT_ID)
                    .credentials(Credentials::ak_sk("stub-ak", "stub-sk"))
                    .transport(Arc::new(InProcess::new(router)))
            }

            /// A client whose requests reach these stubs in process.
            pub fn client(self: &Arc<Self>) -> Result<Client, Error> {
                self.client_builder().build()
            }
        }

        impl Default for Stubs {
            fn default() -> Self {
                Stubs {
                    #(#news)*
                }
            }
        }

        impl Service for Stubs {
            #(#methods)*
        }
    }
}
