//! `client.rs`: one async method per operation, calling the hand-written runtime for signing,
//! sending, retries and error mapping, and one error enum per operation that documents failures.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, doc_lines, inner_doc_lines, prose};
use super::models::ident;
use crate::model::{
    Api, ClientSetting, MediaType, Operation, Param, ParamKind, PathSegment, Scalar,
};

/// The Rust type of one value of a parameter, as a method argument.
fn scalar_arg(ty: Scalar) -> TokenStream {
    match ty {
        Scalar::String => quote!(&str),
        Scalar::Integer => quote!(i64),
        Scalar::Int32 => quote!(i32),
        Scalar::Number => quote!(f64),
        Scalar::Boolean => quote!(bool),
    }
}

/// The method argument of a parameter: `&str`, `Option<i64>`, `&[&str]`…
pub fn param_arg(param: &Param) -> TokenStream {
    let one = scalar_arg(param.ty);
    if param.repeated {
        quote!(&[#one])
    } else if param.required {
        one
    } else {
        quote!(Option<#one>)
    }
}

/// `value` (one value of the parameter, by value or by reference) as the `&str` to send.
fn as_text(ty: Scalar, value: TokenStream) -> TokenStream {
    match ty {
        Scalar::String => value,
        _ => quote!(&#value.to_string()),
    }
}

pub fn client_rs(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|op| operation_method(api, op));
    let error_enums = api.operations.iter().map(error_enum);
    let title = format!(
        " Client for {}: one method per operation of the spec.",
        prose(&api.service.title)
    );
    let doc = inner_doc_lines(["The request client, and the failures each operation documents."]);
    let mut uses = vec![quote!(Error)];
    if api.operations.iter().any(|op| op.error_enum.is_some()) {
        uses.push(quote!(ApiError));
    }
    if !api.operations.is_empty() {
        uses.extend([quote!(Method), quote!(OperationRequest), quote!(Response)]);
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
            /// and hooks.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// A client configured from the `HUAWEICLOUD_SDK_*` environment variables the
            /// official SDKs read.
            pub fn from_env() -> Result<Self, Error> {
                ClientBuilder::from_env().build().map(Client::new)
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &modelarts_pools_runtime::Client {
                &self.inner
            }

            #(#methods)*
        }

        impl From<modelarts_pools_runtime::Client> for Client {
            fn from(inner: modelarts_pools_runtime::Client) -> Self {
                Client::new(inner)
            }
        }

        #(#error_enums)*
    }
}

fn operation_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let method = ident(op.method.as_str());
    let op_name = &op.name;
    let mut args = Vec::new();
    let mut steps = Vec::new();
    if let Some(body) = &op.request_body {
        let ty = ident(&api.ty(body.ty).name);
        let arg = ident(&body.arg);
        args.push(quote!(#arg: &models::#ty));
        steps.push(quote!(#arg.validate().map_err(Error::InvalidRequest)?;));
    }
    for param in op.arguments() {
        let arg = ident(&param.rust_name);
        let ty = param_arg(param);
        args.push(quote!(#arg: #ty));
    }
    steps.push(quote! {
        let mut __request = OperationRequest::new(#op_name, Method::#method);
    });
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(literal) => steps.push(quote!(__request.push_literal(#literal);)),
            PathSegment::Param(index) => {
                let param = &op.params[*index];
                let wire = &param.wire_name;
                let value = match param.kind {
                    ParamKind::ClientSetting(ClientSetting::ProjectId) => {
                        quote!(self.inner.project_id())
                    }
                    ParamKind::Path | ParamKind::Query | ParamKind::Header => {
                        let arg = ident(&param.rust_name);
                        quote!(#arg)
                    }
                };
                steps.push(quote!(__request.push_param(#wire, #value)?;));
            }
        }
    }
    for param in op.params.iter().filter(|p| p.kind == ParamKind::Query) {
        let arg = ident(&param.rust_name);
        let wire = &param.wire_name;
        let each = as_text(param.ty, quote!(__value));
        steps.push(if param.repeated {
            quote! {
                for __value in #arg {
                    __request.query(#wire, #each);
                }
            }
        } else if param.required {
            let text = as_text(param.ty, quote!(#arg));
            quote!(__request.query(#wire, #text);)
        } else {
            quote! {
                if let Some(__value) = #arg {
                    __request.query(#wire, #each);
                }
            }
        });
    }
    for param in op.params.iter().filter(|p| p.kind == ParamKind::Header) {
        let arg = ident(&param.rust_name);
        let header = &param.wire_name;
        steps.push(if param.required {
            quote!(__request.header(#header, #arg)?;)
        } else {
            quote! {
                if let Some(__value) = #arg {
                    __request.header(#header, __value)?;
                }
            }
        });
    }
    if let Some(body) = &op.request_body {
        let arg = ident(&body.arg);
        steps.push(match body.media_type {
            MediaType::Json => quote!(__request.json_body(#arg)?;),
            MediaType::MergePatch => quote!(__request.merge_patch_body(#arg)?;),
        });
    }
    let idempotent = op.method.idempotent();
    steps.push(quote!(__request.idempotent(#idempotent);));
    if !op.errors.is_empty() {
        let documented = op.errors.iter().map(|e| {
            let status = e.response.status;
            let description = &e.response.description;
            quote!((#status, #description))
        });
        steps.push(quote!(__request.documented_errors(&[#(#documented),*]);));
    }
    let response_type = match op.success.body {
        Some(body) => {
            let ty = ident(&api.ty(body).name);
            quote!(models::#ty)
        }
        None => quote!(()),
    };

    let mut paragraphs = vec![
        format!("{} {}", prose(&op.summary), prose(&op.description)),
        format!("`{} {}`", op.method.as_str(), op.path),
    ];
    for param in op.arguments() {
        let place = match param.kind {
            ParamKind::Header => "header",
            ParamKind::Query if param.repeated => "query parameter, repeated once per value",
            ParamKind::Query => "query parameter",
            _ => "path parameter",
        };
        paragraphs.push(format!(
            "`{}`: {} ({place} {})",
            param.rust_name,
            prose(&param.description),
            code(&param.wire_name)
        ));
    }
    if let Some(body) = &op.request_body {
        paragraphs.push("The body is checked with `validate()` first; a body that breaks a rule is refused with `Error::InvalidRequest` and nothing is sent.".into());
        if body.media_type == MediaType::MergePatch {
            paragraphs.push("The body is a JSON merge patch (RFC 7396, sent as `application/merge-patch+json`): a member left `Patch::Absent` is left alone, `Patch::Null` removes it, `Patch::Value` sets it.".into());
        }
    }
    if let Some(error_enum) = &op.error_enum {
        let documented: Vec<String> = op
            .errors
            .iter()
            .map(|e| {
                format!(
                    "HTTP {} ({})",
                    e.response.status,
                    prose(&e.response.description)
                )
            })
            .collect();
        paragraphs.push(format!(
            "# Errors\n\nThe service documents {}; these arrive as `Error::Api`, and [`{error_enum}`] sorts them for matching. Transport failures, timeouts and undecodable responses have their own `Error` kinds.",
            documented.join(" and ")
        ));
    }
    paragraphs.extend(
        op.decisions
            .iter()
            .map(|d| format!("Decision: {}", prose(d))),
    );
    let doc = doc_lines(paragraphs.iter().map(String::as_str));
    // Counting `self`, as clippy does.
    let too_many = if args.len() + 1 > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    quote! {
        #doc
        #too_many
        pub async fn #name(&self, #(#args),*) -> Result<Response<#response_type>, Error> {
            #(#steps)*
            self.inner.execute(__request).await
        }
    }
}

fn error_enum(op: &Operation) -> TokenStream {
    let Some(name) = &op.error_enum else {
        return quote!();
    };
    let name = ident(name);
    let variants = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let doc = format!(
            " HTTP {}: {}",
            e.response.status,
            prose(&e.response.description)
        );
        quote! {
            #[doc = #doc]
            #variant(Box<ApiError>),
        }
    });
    let arms = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let status = e.response.status;
        quote!(Ok(api) if api.status.as_u16() == #status => #name::#variant(api),)
    });
    let display_arms = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        quote!(#name::#variant(api) => std::fmt::Display::fmt(api, formatter),)
    });
    let source_arms = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        quote!(#name::#variant(api) => Some(api.as_ref()),)
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
            Unhandled(Error),
        }

        impl From<Error> for #name {
            fn from(error: Error) -> Self {
                match error.into_api() {
                    #(#arms)*
                    Ok(api) => #name::Unhandled(Error::Api(api)),
                    Err(other) => #name::Unhandled(other),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#display_arms)*
                    #name::Unhandled(error) => std::fmt::Display::fmt(error, formatter),
                }
            }
        }

        impl std::error::Error for #name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    #(#source_arms)*
                    #name::Unhandled(error) => Some(error),
                }
            }
        }
    }
}
