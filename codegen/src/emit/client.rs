//! The request client: one async method per operation, calling the hand-written runtime for
//! signing, sending, retries and error mapping.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{code, doc_lines};
use super::models::ident;
use crate::ir::{Api, OperationMethod, Param, PathPart};
use crate::naming;

pub fn client_rs(api: &Api) -> TokenStream {
    let methods = api.operations.values().map(operation_method);
    let error_enums = api.operations.values().map(error_enum);
    let title = format!(
        " Client for {}: one method per operation of the spec.",
        api.service.title
    );
    quote! {
        //! The request client.

        use crate::models;

        #[doc = #title]
        ///
        /// Cheap to clone: clones share one connection pool.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: ::modelarts_pools_runtime::Client,
        }

        impl Client {
            /// Wraps a configured runtime client.
            pub fn new(inner: ::modelarts_pools_runtime::Client) -> Self {
                Client { inner }
            }

            /// A builder for the endpoint (or region), project ID, credentials, timeouts, retries
            /// and hooks.
            pub fn builder() -> ::modelarts_pools_runtime::ClientBuilder {
                ::modelarts_pools_runtime::ClientBuilder::new()
            }

            /// A client configured from the `HUAWEICLOUD_SDK_*` environment variables the
            /// official SDKs read.
            pub fn from_env() -> Result<Self, ::modelarts_pools_runtime::Error> {
                ::modelarts_pools_runtime::ClientBuilder::from_env().build().map(Client::new)
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &::modelarts_pools_runtime::Client {
                &self.inner
            }

            #(#methods)*
        }

        impl ::std::convert::From<::modelarts_pools_runtime::Client> for Client {
            fn from(inner: ::modelarts_pools_runtime::Client) -> Self {
                Client::new(inner)
            }
        }

        #(#error_enums)*
    }
}

/// Arguments of an operation that the caller supplies (not bound to a client setting).
pub fn caller_params(op: &OperationMethod) -> impl Iterator<Item = &Param> {
    op.path_params
        .iter()
        .filter(|p| p.bind.is_none())
        .chain(op.header_params.iter())
}

fn status_variant(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .and_then(naming::upper_camel_case)
        .unwrap_or_else(|| format!("Status{status}"))
}

fn operation_method(op: &OperationMethod) -> TokenStream {
    let name = ident(&op.name);
    let method = ident(&op.method);
    let op_name = &op.name;
    let mut args = Vec::new();
    let mut steps = Vec::new();
    if let Some(body) = &op.request_body {
        let ty = ident(&body.type_name);
        args.push(quote!(body: &models::#ty));
        steps.push(quote! {
            body.validate().map_err(::modelarts_pools_runtime::Error::InvalidRequest)?;
        });
    }
    for param in &op.path_params {
        if param.bind.is_none() {
            let arg = ident(&param.rust_name);
            args.push(quote!(#arg: &str));
        }
    }
    for param in &op.header_params {
        let arg = ident(&param.rust_name);
        if param.required {
            args.push(quote!(#arg: &str));
        } else {
            args.push(quote!(#arg: Option<&str>));
        }
    }
    steps.push(quote! {
        let mut request = ::modelarts_pools_runtime::OperationRequest::new(#op_name, ::modelarts_pools_runtime::Method::#method);
    });
    for part in &op.path_parts {
        match part {
            PathPart::Literal(segment) => steps.push(quote!(request.push_literal(#segment);)),
            PathPart::Param(param_name) => {
                let value = match op.path_params.iter().find(|p| &p.wire_name == param_name) {
                    Some(Param { bind: Some(_), .. }) => quote!(self.inner.project_id()),
                    Some(param) => {
                        let arg = ident(&param.rust_name);
                        quote!(#arg)
                    }
                    None => continue,
                };
                steps.push(quote!(request.push_param(#param_name, #value)?;));
            }
        }
    }
    for param in &op.header_params {
        let arg = ident(&param.rust_name);
        let header = &param.wire_name;
        if param.required {
            steps.push(quote!(request.header(#header, #arg)?;));
        } else {
            steps.push(quote! {
                if let Some(value) = #arg {
                    request.header(#header, value)?;
                }
            });
        }
    }
    if op.request_body.is_some() {
        steps.push(quote!(request.json_body(body)?;));
    }
    let idempotent = op.idempotent();
    steps.push(quote!(request.idempotent(#idempotent);));
    let documented = op.errors().map(|r| {
        let status = r.status;
        let description = &r.description;
        quote!((#status, #description))
    });
    steps.push(quote!(request.documented_errors(&[#(#documented),*]);));
    let response_type = match op.success().and_then(|r| r.body.as_ref()) {
        Some(body) => {
            let ty = ident(body);
            quote!(models::#ty)
        }
        None => quote!(::serde_json::Value),
    };

    let mut paragraphs = vec![
        format!("{} {}", op.summary, op.description),
        format!("`{} {}`", op.method, op.path),
    ];
    for param in caller_params(op) {
        paragraphs.push(format!(
            "`{}`: {} ({} {})",
            param.rust_name,
            param.description,
            if param.bind.is_some() {
                "path"
            } else if op.header_params.contains(param) {
                "header"
            } else {
                "path parameter"
            },
            code(&param.wire_name)
        ));
    }
    if op.request_body.is_some() {
        paragraphs.push("The body is checked with `validate()` first; a body that breaks a rule is refused with `Error::InvalidRequest` and nothing is sent.".into());
    }
    let documented: Vec<String> = op
        .errors()
        .map(|r| format!("HTTP {} ({})", r.status, r.description))
        .collect();
    if !documented.is_empty() {
        let enum_name = format!(
            "{}Error",
            naming::upper_camel_case(&op.name).unwrap_or_default()
        );
        paragraphs.push(format!(
            "# Errors\n\nThe service documents {}; these arrive as `Error::Api`, and [`{enum_name}`] sorts them for matching. Transport failures, timeouts and undecodable responses have their own `Error` kinds.",
            documented.join(" and ")
        ));
    }
    for decision in &op.decisions {
        paragraphs.push(format!("Decision: {decision}"));
    }
    let doc = doc_lines(paragraphs.iter().map(String::as_str));
    quote! {
        #doc
        pub async fn #name(&self, #(#args),*) -> Result<::modelarts_pools_runtime::Response<#response_type>, ::modelarts_pools_runtime::Error> {
            #(#steps)*
            self.inner.execute(request).await
        }
    }
}

fn error_enum(op: &OperationMethod) -> TokenStream {
    let errors: Vec<_> = op.errors().collect();
    if errors.is_empty() {
        return quote!();
    }
    let name = format_ident!(
        "{}Error",
        naming::upper_camel_case(&op.name).unwrap_or_default()
    );
    let variants = errors.iter().map(|r| {
        let variant = ident(&status_variant(r.status));
        let doc = format!(" HTTP {}: {}", r.status, r.description);
        quote! {
            #[doc = #doc]
            #variant(Box<::modelarts_pools_runtime::ApiError>),
        }
    });
    let arms = errors.iter().map(|r| {
        let variant = ident(&status_variant(r.status));
        let status = r.status;
        quote!(Ok(api) if api.status.as_u16() == #status => #name::#variant(api),)
    });
    let doc = format!(
        " The failures `{}` documents, sorted for matching; anything else is `Unhandled`.",
        op.name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// Any other failure: another status, a transport error, an undecodable response or a
            /// refused request.
            Unhandled(::modelarts_pools_runtime::Error),
        }

        impl ::std::convert::From<::modelarts_pools_runtime::Error> for #name {
            fn from(error: ::modelarts_pools_runtime::Error) -> Self {
                match error.into_api() {
                    #(#arms)*
                    Ok(api) => #name::Unhandled(::modelarts_pools_runtime::Error::Api(api)),
                    Err(other) => #name::Unhandled(other),
                }
            }
        }
    }
}
