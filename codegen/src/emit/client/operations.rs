//! Each operation's method, and the request builder it shares with the program's `--dry-run`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{answer_type, as_text, param_arg, passed_arguments};
use crate::emit::docs::{code, doc_lines, prose};
use crate::emit::models::ident;
use crate::model::{Api, ClientSetting, MediaType, Operation, ParamKind, PathSegment};

pub(super) fn operation_method(api: &Api, op: &Operation) -> TokenStream {
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
    let response_type = answer_type(api, op.success.answer());

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
        paragraphs.push("The body is checked with `validate()` first; a body that breaks a rule is refused with `Error::InvalidRequest` (inside `Unhandled`) and nothing is sent.".into());
        if body.media_type == MediaType::MergePatch {
            paragraphs.push("The body is a JSON merge patch (RFC 7396, sent as `application/merge-patch+json`): a member left `Patch::Absent` is left alone, `Patch::Null` removes it, `Patch::Value` sets it.".into());
        }
    }
    if !op.errors.is_empty() {
        let error_enum = &op.error_enum;
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
            "# Errors\n\nThe service documents {}: each is a variant of [`{error_enum}`], so a `match` needs no conversion. Anything else (another status, a transport failure, a timeout, an undecodable answer, a refused request) is `{error_enum}::Unhandled` with its `Error`.",
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
    let error_enum = ident(&op.error_enum);
    let build = ident(&op.build_method);
    let passed = passed_arguments(op);
    let build_doc = format!(
        " The request `{}` sends, checked and built but not sent (the program's `--dry-run` prints it).",
        op.name
    );
    quote! {
        #doc
        #too_many
        pub async fn #name(&self, #(#args),*) -> Result<Response<#response_type>, #error_enum> {
            let __request = self.#build(#(#passed),*)?;
            Ok(self.inner.execute(__request).await?)
        }

        #[doc = #build_doc]
        #too_many
        pub(crate) fn #build(&self, #(#args),*) -> Result<OperationRequest, Error> {
            #(#steps)*
            Ok(__request)
        }
    }
}
