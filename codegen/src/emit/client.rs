//! `client.rs`: one async method per operation, calling the hand-written runtime for signing,
//! sending, retries and error mapping, and one error enum per operation that documents failures.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use super::docs::{code, doc_lines, inner_doc_lines, prose};
use super::models::ident;
use crate::model::{
    Api, ClientSetting, Gone, MediaType, Operation, Param, ParamKind, PathSegment, Scalar, TypeId,
    TypeRef, Waiter, WaiterState,
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
    param_arg_living(param, None)
}

/// [`param_arg`] with its borrows living for `'a` (for methods returning a stream that holds them).
fn param_arg_living(param: &Param, lifetime: Option<&syn::Lifetime>) -> TokenStream {
    let one = match (param.ty, lifetime) {
        (Scalar::String, Some(lifetime)) => quote!(&#lifetime str),
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
fn as_text(ty: Scalar, value: TokenStream) -> TokenStream {
    match ty {
        Scalar::String => value,
        _ => quote!(&#value.to_string()),
    }
}

pub fn client_rs(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|op| operation_method(api, op));
    let paginators = api
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .map(|op| paginator_methods(api, op));
    let waiters = api.waiters.iter().map(|w| waiter_method(api, w));
    let error_enums = api.operations.iter().map(error_enum);
    let title = format!(
        " Client for {}: one method per operation of the spec.",
        prose(&api.service.title)
    );
    let doc = inner_doc_lines(["The request client, and the failures each operation documents."]);
    let mut uses = vec![quote!(Error)];
    if !api.operations.is_empty() {
        uses.extend([
            quote!(ApiError),
            quote!(Method),
            quote!(OperationRequest),
            quote!(Response),
            quote!(StatusCode),
        ]);
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
        // A 204 is No Content, whatever the definition says: its body is `None` when none comes.
        Some(body) if op.success.status == 204 => {
            let ty = ident(&api.ty(body).name);
            quote!(Option<models::#ty>)
        }
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
    let build = format_ident!("__build_{}", op.name);
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

/// The arguments of an operation's method, as a call passes them on.
fn passed_arguments(op: &Operation) -> Vec<TokenStream> {
    let mut passed = Vec::new();
    if let Some(body) = &op.request_body {
        passed.push(ident(&body.arg).into_token_stream());
    }
    for param in op.arguments() {
        passed.push(ident(&param.rust_name).into_token_stream());
    }
    passed
}

fn error_enum(op: &Operation) -> TokenStream {
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

/// `Option<&T>` of the member reached from `root` through `path` (`(object, field)` steps).
pub(super) fn member_chain(api: &Api, root: TokenStream, path: &[(TypeId, usize)]) -> TokenStream {
    let mut expr = quote!(Some(#root));
    for (step, &(object, field)) in path.iter().enumerate() {
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
fn arguments_but(
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

fn paginator_methods(api: &Api, op: &Operation) -> TokenStream {
    let Some(pagination) = &op.pagination else {
        return quote!();
    };
    let Some(body) = op.success.body else {
        return quote!();
    };
    let page_type = ident(&api.ty(body).name);
    let error_enum = ident(&op.error_enum);
    let method = ident(&op.name);
    let pages = format_ident!("{}_pages", op.name);
    let items = format_ident!("{}_items", op.name);
    let lifetime: syn::Lifetime = syn::parse_quote!('a);
    let (declared, passed) = arguments_but(
        api,
        op,
        Some(pagination.request_token),
        quote!(__token.as_deref()),
        Some(&lifetime),
    );
    let (_, pages_args) = arguments_but(api, op, Some(pagination.request_token), quote!(), None);
    let pages_args: Vec<&TokenStream> = pages_args.iter().filter(|t| !t.is_empty()).collect();
    let next = member_chain(api, quote!(__page), &pagination.response_token);
    let (items_object, items_field) = pagination.items;
    let items_field = &api.object(items_object).fields[items_field];
    let items_rust = ident(&items_field.rust_name);
    let TypeRef::Array(item_type) = &items_field.ty else {
        return quote!();
    };
    let item_type = match item_type.as_ref() {
        TypeRef::Named(id) => {
            let name = ident(&api.ty(*id).name);
            quote!(models::#name)
        }
        other => super::models::value_type(api, other, false),
    };
    let take = if items_field.required {
        quote!(__page.#items_rust)
    } else {
        quote!(__page.#items_rust.unwrap_or_default())
    };
    let token_wire = &op.params[pagination.request_token].wire_name;
    let token_path: Vec<String> = pagination
        .response_token
        .iter()
        .map(|&(object, field)| api.object(object).fields[field].wire_name.clone())
        .collect();
    let token_path = token_path.join(".");
    let pages_doc = format!(
        " Every page of [`Self::{}`], in order: the first, then each next one asked for with `{token_wire}` set to the last page's `{token_path}`, until the service gives none. An error ends the stream after it is yielded.",
        op.name
    );
    let items_doc = format!(
        " Every item of every page of [`Self::{}`] (see [`Self::{pages}`]).",
        op.name
    );
    quote! {
        #[doc = #pages_doc]
        pub fn #pages<'a>(&'a self, #(#declared),*) -> impl modelarts_pools_runtime::paginator::Stream<Item = Result<models::#page_type, #error_enum>> + 'a {
            modelarts_pools_runtime::paginator::pages(
                move |__token: Option<String>| async move {
                    self.#method(#(#passed),*).await.map(|__response| __response.body)
                },
                |__page: &models::#page_type| #next.cloned(),
            )
        }

        #[doc = #items_doc]
        pub fn #items<'a>(&'a self, #(#declared),*) -> impl modelarts_pools_runtime::paginator::Stream<Item = Result<#item_type, #error_enum>> + 'a {
            modelarts_pools_runtime::paginator::items(
                self.#pages(#(#pages_args),*),
                |__page: models::#page_type| #take,
            )
        }
    }
}

fn waiter_method(api: &Api, waiter: &Waiter) -> TokenStream {
    let op = &api.operations[waiter.operation];
    let method = ident(&op.name);
    let name = format_ident!("wait_until_{}", waiter.name);
    let Some(body) = op.success.body else {
        return quote!();
    };
    let error_enum = ident(&op.error_enum);
    let (mut declared, passed) = arguments_but(api, op, None, quote!(), None);
    let op_name = &op.name;
    // What one poll gives: the answer, or with `select` the item it names (its absence from the
    // list is a 404, so that "gone" reads the same for both).
    let (value_type, poll) = match &waiter.select {
        None => (
            ident(&api.ty(body).name),
            quote!(self.#method(#(#passed),*).await.map(|__response| __response.body)),
        ),
        Some(select) => {
            let argument = ident(&select.argument);
            declared.push(quote!(#argument: &str));
            let (object, field) = select.items;
            let items_field = &api.object(object).fields[field];
            let items = ident(&items_field.rust_name);
            let take = if items_field.required {
                quote!(__page.#items)
            } else {
                quote!(__page.#items.unwrap_or_default())
            };
            let key = member_chain(api, quote!(__item), &select.key);
            let key_path: Vec<&str> = select
                .key
                .iter()
                .map(|&(object, field)| api.object(object).fields[field].wire_name.as_str())
                .collect();
            let missing = format!("no item with {} ", key_path.join("."));
            (
                ident(&api.ty(select.item).name),
                quote! {
                    let __page = self.#method(#(#passed),*).await?.body;
                    let __found = #take.into_iter().find(|__item| #key.map(|__v| __v.as_str()) == Some(#argument));
                    __found.ok_or_else(|| {
                        let __body = serde_json::json!({
                            "error_code": "NotListed",
                            "error_msg": format!("{}{:?} in the answer of {}", #missing, #argument, #op_name),
                        });
                        #error_enum::from(Error::Api(Box::new(ApiError::from_response(
                            #op_name,
                            StatusCode::NOT_FOUND,
                            Default::default(),
                            __body.to_string().as_bytes(),
                            None,
                        ))))
                    })
                },
            )
        }
    };
    let state = match &waiter.state {
        WaiterState::Member(chain) => {
            let chain = member_chain(api, quote!(__value), chain);
            quote!(#chain.map(|__v| __v.as_str().to_owned()))
        }
        WaiterState::Presence { checks, otherwise } => {
            let arms = checks.iter().map(|(chain, state)| {
                let chain = member_chain(api, quote!(__value), chain);
                quote!(if #chain.is_some() { Some(#state.to_owned()) } else)
            });
            quote!(#(#arms)* { Some(#otherwise.to_owned()) })
        }
    };
    let success = &waiter.success;
    let failure = &waiter.failure;
    let success_arm = if success.is_empty() {
        quote!()
    } else {
        quote!(Some(#(#success)|*) => Verdict::Success,)
    };
    let failure_arm = if failure.is_empty() {
        quote!()
    } else {
        quote!(Some(#(#failure)|*) => Verdict::Failure,)
    };
    // A waiter whose success is only "gone" keeps waiting whatever the state.
    let verdict = if success.is_empty() && failure.is_empty() {
        quote!(let __verdict = Verdict::Retry;)
    } else {
        quote! {
            let __verdict = match __state.as_deref() {
                #success_arm
                #failure_arm
                _ => Verdict::Retry,
            };
        }
    };
    let gone_arm = match waiter.gone {
        Gone::Success => {
            quote!(Err(__error) if __error.status().map(|__s| __s.as_u16()) == Some(404) => (Verdict::Success, Some("gone".to_owned())),)
        }
        Gone::Failure => {
            quote!(Err(__error) if __error.status().map(|__s| __s.as_u16()) == Some(404) => (Verdict::Failure, Some("gone".to_owned())),)
        }
        Gone::Error => quote!(),
    };
    let wire_path = |chain: &[(TypeId, usize)]| {
        chain
            .iter()
            .map(|&(object, field)| api.object(object).fields[field].wire_name.clone())
            .collect::<Vec<_>>()
            .join(".")
    };
    let member_path = match &waiter.state {
        WaiterState::Member(chain) => format!("`{}`", wire_path(chain)),
        WaiterState::Presence { checks, otherwise } => {
            let told: Vec<String> = checks
                .iter()
                .map(|(chain, state)| format!("{state} while `{}` is present", wire_path(chain)))
                .collect();
            format!("its state ({}, else {otherwise})", told.join(", "))
        }
    };
    let member_path = match &waiter.select {
        None => member_path,
        Some(select) => format!(
            "the item of `{}` whose `{}` is `{}` ({} when it is not listed), and in it {member_path}",
            api.object(select.items.0).fields[select.items.1].wire_name,
            wire_path(&select.key),
            select.argument,
            "gone"
        ),
    };
    let mut paragraphs = vec![prose(&waiter.description)];
    paragraphs.push(format!(
        "Polls [`Self::{}`] and reads {member_path}: {}{}{} Transient failures (connection, timeout, 429, 502, 503, 504) are waited through; any other error ends the wait. Between polls it waits from `config.min_delay` growing to `config.max_delay`, with jitter, for at most `config.max_wait` ([`Self::wait_until_{}_config`] gives the spec's: {} s to {} s, for at most {} s).",
        op.name,
        if success.is_empty() { String::new() } else { format!("{} ends it successfully; ", success.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")) },
        if failure.is_empty() { String::new() } else { format!("{} ends it at once as a failure, with the value as last seen; ", failure.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")) },
        match waiter.gone {
            Gone::Success => "a 404 (gone) ends it successfully.",
            Gone::Failure => "a 404 (gone) ends it as a failure.",
            Gone::Error => "",
        },
        waiter.name,
        waiter.min_delay_seconds,
        waiter.max_delay_seconds,
        waiter.max_wait_seconds,
    ));
    if let Some(decision) = &waiter.decision {
        paragraphs.push(format!("Decision: {}", prose(decision)));
    }
    let doc = doc_lines(paragraphs.iter().map(String::as_str));
    let config_fn = format_ident!("wait_until_{}_config", waiter.name);
    let config_doc = format!(
        " The delays the spec gives [`Self::{name}`]: {} s growing to {} s, for at most {} s.",
        waiter.min_delay_seconds, waiter.max_delay_seconds, waiter.max_wait_seconds
    );
    let (min, max, total) = (
        waiter.min_delay_seconds,
        waiter.max_delay_seconds,
        waiter.max_wait_seconds,
    );
    let (result_type, engine, finish) = if waiter.gone == Gone::Success {
        (quote!(()), quote!(wait_until), quote!(.map(|_| ())))
    } else {
        (
            quote!(models::#value_type),
            quote!(wait_for_value),
            quote!(),
        )
    };
    quote! {
        #[doc = #config_doc]
        pub fn #config_fn() -> WaiterConfig {
            WaiterConfig::new(
                std::time::Duration::from_secs(#min),
                std::time::Duration::from_secs(#max),
                std::time::Duration::from_secs(#total),
            )
        }

        #doc
        pub async fn #name(&self, #(#declared,)* config: &WaiterConfig, on_progress: impl FnMut(&modelarts_pools_runtime::waiter::Progress<'_>)) -> Result<#result_type, WaiterError<models::#value_type, #error_enum>> {
            modelarts_pools_runtime::waiter::#engine(
                config,
                || async move { #poll },
                |__result: &Result<models::#value_type, #error_enum>| match __result {
                    Ok(__value) => {
                        let __state = #state;
                        #verdict
                        (__verdict, __state)
                    }
                    #gone_arm
                    Err(__error) if __error.is_retryable() => (Verdict::Retry, None),
                    Err(_) => (Verdict::Failure, None),
                },
                on_progress,
            )
            .await
            #finish
        }
    }
}
