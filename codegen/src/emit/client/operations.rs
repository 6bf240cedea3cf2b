//! Each operation's client method, and the call builder it gives: the required parameters and
//! the body are the method's arguments, every optional parameter a setter of the builder, and
//! the shared methods (`send`, `preview`, the per-call overrides) come from the runtime's
//! `operation_call!`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::{code, doc_lines, prose};
use crate::emit::input::{place, value_argument};
use crate::emit::models::ident;
use crate::model::{Api, ClientSetting, MediaType, Operation, ParamKind};

/// The client's method of `op`.
pub(super) fn operation_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let call = ident(&op.call_type);
    let input = ident(&op.input_type);
    let mut args = Vec::new();
    let mut passed = Vec::new();
    for param in op.required_arguments() {
        let arg = ident(&param.rust_name);
        let (ty, _) = value_argument(api, param);
        args.push(quote!(#arg: #ty));
        passed.push(quote!(#arg));
    }
    if let Some(body) = &op.request_body {
        let ty = ident(&api.ty(body.ty).name);
        let arg = ident(&body.arg);
        args.push(quote!(#arg: models::#ty));
        passed.push(quote!(#arg));
    }

    let mut paragraphs = vec![
        format!("{} {}", prose(&op.summary), prose(&op.description)),
        format!("`{} {}`", op.method.as_str(), op.path),
    ];
    for param in op.required_arguments() {
        paragraphs.push(format!(
            "`{}`: {} ({})",
            param.rust_name,
            prose(&param.description),
            place(param)
        ));
    }
    let setters: Vec<String> = op
        .arguments()
        .filter(|p| !p.required || p.repeated)
        .map(|p| format!("[`{}`]({}::{})", p.setter, op.call_type, p.setter))
        .collect();
    let mut builder = format!(
        "Gives a [`{}`]: set what it needs{}, then `.send().await`; `.preview()` shows the request without sending it, and the builder takes this call's own timeouts, retry policy and headers.",
        op.call_type,
        if setters.is_empty() {
            String::new()
        } else {
            format!(" ({})", setters.join(", "))
        }
    );
    if op.pagination.is_some() {
        builder.push_str(&format!(
            " `.into_pages()` and `.into_items()` follow the list across pages ([`{}::into_pages`]).",
            op.call_type
        ));
    }
    paragraphs.push(builder);
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
    quote! {
        #doc
        pub fn #name(&self, #(#args),*) -> #call<'_> {
            #call::from_input(&self.inner, input::#input::new(#(#passed),*))
        }
    }
}

/// The call builder of `op`: its struct, the runtime's shared methods, and one setter per
/// parameter the method does not take.
pub(super) fn call_builder(api: &Api, op: &Operation, extra: TokenStream) -> TokenStream {
    let call = ident(&op.call_type);
    let input = ident(&op.input_type);
    let mut setters = Vec::new();
    for param in &op.params {
        let field = ident(&param.rust_name);
        let setter = ident(&param.setter);
        let (ty, into) = value_argument(api, param);
        let value = if into {
            quote!(value.into())
        } else {
            quote!(value)
        };
        let doc = match param.kind {
            ParamKind::ClientSetting(ClientSetting::ProjectId) => format!(
                "Makes the call in this project ({}) instead of the client's.",
                place(param)
            ),
            _ => format!("{} ({})", prose(&param.description), place(param)),
        };
        let doc = doc_lines([doc.as_str()]);
        setters.push(if param.repeated {
            let collect = if into {
                quote!(values.into_iter().map(Into::into).collect())
            } else {
                quote!(values.into_iter().collect())
            };
            quote! {
                #doc
                pub fn #setter(mut self, values: impl IntoIterator<Item = #ty>) -> Self {
                    self.call.input.#field = #collect;
                    self
                }
            }
        } else if param.required || matches!(param.kind, ParamKind::ClientSetting(_)) {
            match param.kind {
                ParamKind::ClientSetting(_) => quote! {
                    #doc
                    pub fn #setter(mut self, value: #ty) -> Self {
                        self.call.input.#field = #value;
                        self
                    }
                },
                // Given to the client's method.
                _ => quote!(),
            }
        } else {
            quote! {
                #doc
                pub fn #setter(mut self, value: #ty) -> Self {
                    self.call.input.#field = Some(#value);
                    self
                }
            }
        });
    }
    let doc = format!(
        " A call of [`Client::{}`]: its setters set the optional parameters, then `send().await` sends it (it can be sent again: it is `Clone`). It holds a [`input::{}`] ([`input`](Self::input)).",
        op.name, op.input_type
    );
    let unused = format!("a {} does nothing until it is sent", code(&op.call_type));
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        #[must_use = #unused]
        pub struct #call<'c> {
            call: Call<'c, input::#input>,
        }

        modelarts_pools_runtime::operation_call!(#call, input::#input);

        impl<'c> #call<'c> {
            #(#setters)*
            #extra
        }
    }
}
