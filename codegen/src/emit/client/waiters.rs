//! The waiters: a client method giving a builder (the polled call, the delays, a progress
//! callback) whose `wait()` polls the operation until what it answers reaches a state.

use proc_macro2::TokenStream;
use quote::quote;

use super::member_chain;
use crate::emit::docs::{doc_lines, prose};
use crate::emit::input::value_argument;
use crate::emit::models::ident;
use crate::model::{Api, Gone, Waiter, WaiterState};

/// A waiter's client method and its builder: `(method, builder)`.
pub(super) fn waiter_items(api: &Api, waiter: &Waiter) -> (TokenStream, TokenStream) {
    let op = &api.operations[waiter.operation];
    let method = ident(&op.name);
    let name = ident(&waiter.method);
    let builder = ident(&waiter.builder_type);
    let call_type = ident(&op.call_type);
    let Some(body) = op.success.body else {
        return (quote!(), quote!());
    };
    let error_enum = ident(&op.error_enum);
    let mut declared = Vec::new();
    let mut passed = Vec::new();
    for param in op.required_arguments() {
        let arg = ident(&param.rust_name);
        let (ty, _) = value_argument(api, param);
        declared.push(quote!(#arg: #ty));
        passed.push(quote!(#arg));
    }
    if let Some(body) = &op.request_body {
        let ty = ident(&api.ty(body.ty).name);
        let arg = ident(&body.arg);
        declared.push(quote!(#arg: models::#ty));
        passed.push(quote!(#arg));
    }
    let mut selected = quote!();
    let op_name = &op.name;
    // What one poll gives: the answer, or with `select` the item it names (its absence from the
    // list is a 404, so that "gone" reads the same for both).
    let (value_type, poll) = match &waiter.select {
        None => (
            ident(&api.ty(body).name),
            quote!(__call.send().await.map(|__response| __response.body)),
        ),
        Some(select) => {
            let argument = ident(&select.argument);
            declared.push(quote!(#argument: impl Into<String>));
            selected = quote!(#argument.into());
            let (object, field) = select.items;
            let items_field = &api.object(object).fields[field];
            let items = ident(&items_field.rust_name);
            let take = if items_field.required {
                quote!(__page.#items)
            } else {
                quote!(__page.#items.unwrap_or_default())
            };
            let key = member_chain(api, quote!(__item), &select.key);
            let missing = format!("no item with {} ", select.key.wire);
            (
                ident(&api.ty(select.item).name),
                quote! {
                    let __page = __call.send().await?.body;
                    let __found = #take.into_iter().find(|__item| #key.map(|__v| __v.as_str()) == Some(__selected.as_str()));
                    __found.ok_or_else(|| {
                        let __body = serde_json::json!({
                            "error_code": "NotListed",
                            "error_msg": format!("{}{:?} in the answer of {}", #missing, __selected, #op_name),
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
    let member_path = match &waiter.state {
        WaiterState::Member(path) => format!("`{}`", path.wire),
        WaiterState::Presence { checks, otherwise } => {
            let told: Vec<String> = checks
                .iter()
                .map(|(path, state)| format!("{state} while `{}` is present", path.wire))
                .collect();
            format!("its state ({}, else {otherwise})", told.join(", "))
        }
    };
    let member_path = match &waiter.select {
        None => member_path,
        Some(select) => format!(
            "the item of `{}` whose `{}` is `{}` ({} when it is not listed), and in it {member_path}",
            api.object(select.items.0).fields[select.items.1].wire_name,
            select.key.wire,
            select.argument,
            "gone"
        ),
    };
    let mut paragraphs = vec![prose(&waiter.description)];
    paragraphs.push(format!(
        "Gives a [`{}`]; its `wait().await` polls [`Self::{}`] and reads {member_path}: {}{}{} Transient failures (connection, timeout, 429, 502, 503, 504) are waited through; any other error ends the wait. Between polls it waits from `min_delay` growing to `max_delay`, with jitter, for at most `max_wait` (by default the spec's: {} s to {} s, for at most {} s; the builder's setters change them, and `on_progress` sees each poll).",
        waiter.builder_type,
        op.name,
        if success.is_empty() { String::new() } else { format!("{} ends it successfully; ", success.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")) },
        if failure.is_empty() { String::new() } else { format!("{} ends it at once as a failure, with the value as last seen; ", failure.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")) },
        match waiter.gone {
            Gone::Success => "a 404 (gone) ends it successfully.",
            Gone::Failure => "a 404 (gone) ends it as a failure.",
            Gone::Error => "",
        },
        waiter.min_delay_seconds,
        waiter.max_delay_seconds,
        waiter.max_wait_seconds,
    ));
    if let Some(decision) = &waiter.decision {
        paragraphs.push(format!("Decision: {}", prose(decision)));
    }
    let doc = doc_lines(paragraphs.iter().map(String::as_str));
    let builder_doc = format!(
        " The wait of [`Client::{}`]: set the delays (by default {} s growing to {} s, for at most {} s) and a progress callback, then `wait().await`.",
        waiter.method, waiter.min_delay_seconds, waiter.max_delay_seconds, waiter.max_wait_seconds
    );
    let unused = format!(
        "a {} does nothing until it waits",
        crate::emit::docs::code(&waiter.builder_type)
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
    let (selected_field, selected_init, selected_names, selected_take) = if waiter.select.is_some()
    {
        (
            quote!(selected: String,),
            quote!(selected: #selected,),
            quote!(selected,),
            quote!(let __selected = &selected;),
        )
    } else {
        (quote!(), quote!(), quote!(), quote!())
    };
    let method_item = quote! {
        #doc
        pub fn #name(&self, #(#declared),*) -> #builder<'_> {
            #builder {
                call: self.#method(#(#passed),*),
                #selected_init
                config: #builder::default_config(),
                progress: None,
            }
        }
    };
    let builder_item = quote! {
        #[doc = #builder_doc]
        #[must_use = #unused]
        pub struct #builder<'c> {
            call: #call_type<'c>,
            #selected_field
            config: WaiterConfig,
            progress: Option<OnProgress<'c>>,
        }

        impl<'c> #builder<'c> {
            /// The delays the spec gives this wait.
            pub fn default_config() -> WaiterConfig {
                WaiterConfig::new(
                    std::time::Duration::from_secs(#min),
                    std::time::Duration::from_secs(#max),
                    std::time::Duration::from_secs(#total),
                )
            }

            /// The first pause between polls (it grows from there).
            pub fn min_delay(mut self, delay: std::time::Duration) -> Self {
                self.config = self.config.min_delay(delay);
                self
            }

            /// The longest pause between polls.
            pub fn max_delay(mut self, delay: std::time::Duration) -> Self {
                self.config = self.config.max_delay(delay);
                self
            }

            /// The longest the whole wait may take.
            pub fn max_wait(mut self, wait: std::time::Duration) -> Self {
                self.config = self.config.max_wait(wait);
                self
            }

            /// All the delays at once.
            pub fn config(mut self, config: WaiterConfig) -> Self {
                self.config = config;
                self
            }

            /// Called after every poll, with what it saw and how long the wait has taken.
            pub fn on_progress(mut self, progress: impl FnMut(&Progress<'_>) + Send + 'c) -> Self {
                self.progress = Some(Box::new(progress));
                self
            }

            /// The polled call, to set its optional parameters or per-call settings.
            pub fn poll(mut self, change: impl FnOnce(#call_type<'c>) -> #call_type<'c>) -> Self {
                self.call = change(self.call);
                self
            }

            /// Polls until the wait ends.
            pub async fn wait(self) -> Result<#result_type, WaiterError<models::#value_type, #error_enum>> {
                let #builder { call, #selected_names config, mut progress } = self;
                #selected_take
                modelarts_pools_runtime::waiter::#engine(
                    &config,
                    || {
                        let __call = call.clone();
                        async move { #poll }
                    },
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
                    |__progress: &Progress<'_>| {
                        if let Some(__report) = progress.as_mut() {
                            __report(__progress);
                        }
                    },
                )
                .await
                #finish
            }
        }
    };
    (method_item, builder_item)
}
