//! The waiters: poll an operation until what it answers reaches a state, and the spec's delays.

use proc_macro2::TokenStream;
use quote::quote;

use super::{arguments_but, member_chain};
use crate::emit::docs::{doc_lines, prose};
use crate::emit::models::ident;
use crate::model::{Api, Gone, Waiter, WaiterState};

pub(super) fn waiter_method(api: &Api, waiter: &Waiter) -> TokenStream {
    let op = &api.operations[waiter.operation];
    let method = ident(&op.name);
    let name = ident(&waiter.method);
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
            let missing = format!("no item with {} ", select.key.wire);
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
        "Polls [`Self::{}`] and reads {member_path}: {}{}{} Transient failures (connection, timeout, 429, 502, 503, 504) are waited through; any other error ends the wait. Between polls it waits from `config.min_delay` growing to `config.max_delay`, with jitter, for at most `config.max_wait` ([`Self::{}`] gives the spec's: {} s to {} s, for at most {} s).",
        op.name,
        if success.is_empty() { String::new() } else { format!("{} ends it successfully; ", success.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")) },
        if failure.is_empty() { String::new() } else { format!("{} ends it at once as a failure, with the value as last seen; ", failure.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")) },
        match waiter.gone {
            Gone::Success => "a 404 (gone) ends it successfully.",
            Gone::Failure => "a 404 (gone) ends it as a failure.",
            Gone::Error => "",
        },
        waiter.config_method,
        waiter.min_delay_seconds,
        waiter.max_delay_seconds,
        waiter.max_wait_seconds,
    ));
    if let Some(decision) = &waiter.decision {
        paragraphs.push(format!("Decision: {}", prose(decision)));
    }
    let doc = doc_lines(paragraphs.iter().map(String::as_str));
    let config_fn = ident(&waiter.config_method);
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
