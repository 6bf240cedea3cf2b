//! Each operation's error enum: its documented failures as variants, and `Unhandled`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::prose;
use crate::emit::models::ident;
use crate::model::Operation;

pub(super) fn error_enum(op: &Operation) -> TokenStream {
    let name = ident(&op.error_enum);
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
    // `A(api) | B(api) =>` over the documented variants; nothing when there are none.
    let documented = |body: TokenStream| {
        if op.errors.is_empty() {
            return quote!();
        }
        let patterns = op.errors.iter().map(|e| {
            let variant = ident(&e.variant);
            quote!(#name::#variant(api))
        });
        quote!(#(#patterns)|* => #body,)
    };
    let display_arm = documented(quote!(std::fmt::Display::fmt(api, formatter)));
    let source_arm = documented(quote!(Some(api.as_ref())));
    let api_arm = documented(quote!(Some(api)));
    let status_arm = documented(quote!(Some(api.status)));
    let request_id_arm = documented(quote!(api.request_id.as_deref()));
    let retryable_arm = documented(quote!(api.is_retryable()));
    let into_arm = documented(quote!(Error::Api(api)));
    let doc = if op.errors.is_empty() {
        format!(
            " The failures of `{}`; it documents none, so every one is `Unhandled`.",
            op.name
        )
    } else {
        format!(
            " The failures of `{}`: those it documents, sorted for matching, and `Unhandled` for anything else.",
            op.name
        )
    };
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

        impl #name {
            /// The service's answer (status, error code, message, request ID), when the failure is one.
            pub fn api(&self) -> Option<&ApiError> {
                match self {
                    #api_arm
                    #name::Unhandled(error) => error.api(),
                }
            }

            /// The HTTP status, when an answer came.
            pub fn status(&self) -> Option<StatusCode> {
                match self {
                    #status_arm
                    #name::Unhandled(error) => error.status(),
                }
            }

            /// The request ID the service gave, to quote to its support.
            pub fn request_id(&self) -> Option<&str> {
                match self {
                    #request_id_arm
                    #name::Unhandled(error) => error.request_id(),
                }
            }

            /// Whether trying again later may succeed (429, 502, 503, 504, a failed connection, a
            /// timeout).
            pub fn is_retryable(&self) -> bool {
                match self {
                    #retryable_arm
                    #name::Unhandled(error) => error.is_retryable(),
                }
            }
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

        impl From<#name> for Error {
            fn from(error: #name) -> Self {
                match error {
                    #into_arm
                    #name::Unhandled(error) => error,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #display_arm
                    #name::Unhandled(error) => std::fmt::Display::fmt(error, formatter),
                }
            }
        }

        impl std::error::Error for #name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    #source_arm
                    #name::Unhandled(error) => Some(error),
                }
            }
        }
    }
}
