//! `input.rs`: one `{Operation}Input` per operation, every parameter and the body together: what
//! a call builder holds and sends, what the server stubs' `Service` receives, and what a typed
//! stub records. Each implements the runtime's `OperationInput`: its checks and its request.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::answer_type;
use super::docs::{code, doc_lines, inner_doc_lines, prose};
use super::models::{ident, primitive_type};
use crate::model::{Api, ClientSetting, MediaType, Operation, Param, ParamKind, PathSegment};

/// The Rust type of one value of a parameter: its open enum, or its primitive.
pub(super) fn value_type(api: &Api, param: &Param) -> TokenStream {
    match param.enum_type {
        Some(id) => {
            let name = ident(&api.ty(id).name);
            quote!(models::#name)
        }
        None => primitive_type(param.ty),
    }
}

/// The input field's type of a parameter: `Vec` of a repeated one, the value of a required one,
/// `Option` of the others.
pub(super) fn field_type(api: &Api, param: &Param) -> TokenStream {
    let one = value_type(api, param);
    if param.repeated {
        quote!(Vec<#one>)
    } else if param.required || matches!(param.kind, ParamKind::ClientSetting(_)) {
        one
    } else {
        quote!(Option<#one>)
    }
}

/// How a method takes one value of a parameter, and how it becomes the field's value:
/// `impl Into<String>` (`.into()`) for text and enums, the value itself otherwise.
pub(super) fn value_argument(api: &Api, param: &Param) -> (TokenStream, bool) {
    match param.enum_type {
        Some(_) => {
            let one = value_type(api, param);
            (quote!(impl Into<#one>), true)
        }
        None if param.ty == crate::model::Primitive::String => (quote!(impl Into<String>), true),
        None => (primitive_type(param.ty), false),
    }
}

/// Where a parameter is sent, for documentation.
pub(super) fn place(param: &Param) -> String {
    let place = match param.kind {
        ParamKind::Header => "header",
        ParamKind::Query if param.repeated => "query parameter, repeated once per value",
        ParamKind::Query => "query parameter",
        ParamKind::Path | ParamKind::ClientSetting(_) => "path parameter",
    };
    format!("{place} {}", code(&param.wire_name))
}

/// `value` (a reference to one value of the parameter) as the `&str` to send.
fn as_text(param: &Param, value: TokenStream) -> TokenStream {
    if param.enum_type.is_some() {
        return quote!(#value.as_str());
    }
    match param.ty {
        crate::model::Primitive::String => quote!(#value.as_str()),
        _ => quote!(&#value.to_string()),
    }
}

fn input_struct(api: &Api, op: &Operation) -> TokenStream {
    let input = ident(&op.input_type);
    let method = &op.name;
    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_fields = Vec::new();
    for param in &op.params {
        let name = ident(&param.rust_name);
        let ty = field_type(api, param);
        let doc = match param.kind {
            ParamKind::ClientSetting(ClientSetting::ProjectId) => format!(
                "The project the call is made in ({}): left empty, the client's own (configured or found through IAM).",
                place(param)
            ),
            _ => format!("{} ({})", prose(&param.description), place(param)),
        };
        let doc = doc_lines([doc.as_str()]);
        fields.push(quote! {
            #doc
            pub #name: #ty,
        });
        let required = param.required && !param.repeated;
        match param.kind {
            ParamKind::ClientSetting(_) => new_fields.push(quote!(#name: String::new(),)),
            _ if required => {
                let (arg, into) = value_argument(api, param);
                new_args.push(quote!(#name: #arg));
                new_fields.push(if into {
                    quote!(#name: #name.into(),)
                } else {
                    quote!(#name,)
                });
            }
            _ if param.repeated => new_fields.push(quote!(#name: Vec::new(),)),
            _ => new_fields.push(quote!(#name: None,)),
        }
    }
    if let Some(body) = &op.request_body {
        let name = ident(&body.arg);
        let ty = ident(&api.ty(body.ty).name);
        let doc = format!(
            " The request body ({}), checked by `validate()` before anything is sent.",
            code(&api.ty(body.ty).name)
        );
        fields.push(quote! {
            #[doc = #doc]
            pub #name: models::#ty,
        });
        new_args.push(quote!(#name: models::#ty));
        new_fields.push(quote!(#name,));
    }
    let doc = format!(
        " The parameters and body of `{method}` (`{} {}`): what [`Client::{method}`](super::client::Client::{method}) builds and sends, and what a server's `Service::{method}` receives.",
        op.method.as_str(),
        op.path
    );
    // Nothing required: also `Default`.
    let default = if new_args.is_empty() {
        quote! {
            impl Default for #input {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    } else {
        quote!()
    };
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub struct #input {
            #(#fields)*
        }

        impl #input {
            /// An input with the required parameters (and the body) given, every optional one
            /// absent, and the client's project.
            pub fn new(#(#new_args),*) -> Self {
                #input {
                    #(#new_fields)*
                }
            }
        }

        #default
    }
}

fn input_impl(api: &Api, op: &Operation) -> TokenStream {
    let input = ident(&op.input_type);
    let error_enum = ident(&op.error_enum);
    let output = answer_type(api, op.success.answer());
    let op_name = &op.name;
    let method = ident(op.method.as_str());
    let mut steps = vec![quote! {
        let mut __request = OperationRequest::new(#op_name, Method::#method);
    }];
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(literal) => steps.push(quote!(__request.push_literal(#literal);)),
            PathSegment::Param(index) => {
                let param = &op.params[*index];
                let wire = &param.wire_name;
                let name = ident(&param.rust_name);
                let value = match param.kind {
                    ParamKind::ClientSetting(ClientSetting::ProjectId) => quote! {
                        if self.#name.is_empty() { __client.project_id() } else { &self.#name }
                    },
                    _ => quote!(&self.#name),
                };
                steps.push(quote!(__request.push_param(#wire, #value)?;));
            }
        }
    }
    for param in op.params.iter().filter(|p| p.kind == ParamKind::Query) {
        let name = ident(&param.rust_name);
        let wire = &param.wire_name;
        let each = as_text(param, quote!(__value));
        steps.push(if param.repeated {
            quote! {
                for __value in &self.#name {
                    __request.query(#wire, #each);
                }
            }
        } else if param.required {
            let text = as_text(param, quote!(self.#name));
            quote!(__request.query(#wire, #text);)
        } else {
            quote! {
                if let Some(__value) = &self.#name {
                    __request.query(#wire, #each);
                }
            }
        });
    }
    for param in op.params.iter().filter(|p| p.kind == ParamKind::Header) {
        let name = ident(&param.rust_name);
        let header = &param.wire_name;
        let each = as_text(param, quote!(__value));
        steps.push(if param.required {
            let text = as_text(param, quote!(self.#name));
            quote!(__request.header(#header, #text)?;)
        } else {
            quote! {
                if let Some(__value) = &self.#name {
                    __request.header(#header, #each)?;
                }
            }
        });
    }
    let mut validate = quote!(Ok(()));
    if let Some(body) = &op.request_body {
        let name = ident(&body.arg);
        steps.push(match body.media_type {
            MediaType::Json => quote!(__request.json_body(&self.#name)?;),
            MediaType::MergePatch => quote!(__request.merge_patch_body(&self.#name)?;),
        });
        if api.has_validate(body.ty) {
            validate = quote!(self.#name.validate());
        }
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
    quote! {
        impl OperationInput for #input {
            type Output = #output;
            type Error = super::client::#error_enum;
            const NAME: &'static str = #op_name;

            fn validate(&self) -> Result<(), ValidationError> {
                #validate
            }

            fn to_request(&self, __client: &Client) -> Result<OperationRequest, Error> {
                #(#steps)*
                Ok(__request)
            }
        }
    }
}

pub fn input_rs(api: &Api) -> TokenStream {
    let doc = inner_doc_lines([
        "The inputs of the operations: one `{Operation}Input` per operation, its parameters and body together. A client's call builder holds one (`Client::list_pools()…input()`), a server's `Service` method receives one, a typed stub records one. They are `#[non_exhaustive]`: make one with `new` (the required parameters) and set the optional fields, so that a parameter the service adds later breaks no code.",
    ]);
    let items = api
        .operations
        .iter()
        .map(|op| {
            let definition = input_struct(api, op);
            let implementation = input_impl(api, op);
            quote!(#definition #implementation)
        })
        .collect::<Vec<_>>();
    let models = if api
        .operations
        .iter()
        .any(|op| op.request_body.is_some() || op.success.body.is_some())
        || api
            .operations
            .iter()
            .any(|op| op.params.iter().any(|p| p.enum_type.is_some()))
    {
        quote!(
            use super::models;
        )
    } else {
        quote!()
    };
    quote! {
        #doc

        use modelarts_pools_runtime::{Client, Error, Method, OperationInput, OperationRequest, ValidationError};

        #models

        #(#items)*
    }
}
