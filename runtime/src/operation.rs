//! One call of an operation, as a value: the generated crate's `{Operation}Input` (every
//! parameter and the body, what a server receives) implements [`OperationInput`], and its
//! `{Operation}Call` builder holds a [`Call`]: the client, the input and this call's
//! [`CallOverrides`]. [`operation_call!`](crate::operation_call) gives every builder the same
//! methods (`send`, `preview`, the overrides), so a generated builder only adds its setters.

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::client::{Client, RequestPreview};
use crate::paginator::{self, Stream};
use crate::request::{CallOverrides, OperationRequest, Response};
use crate::retry::RetryPolicy;
use crate::{Error, ValidationError};

/// The input of one operation: its parameters and body, and how they become a request.
pub trait OperationInput: Clone + fmt::Debug + Send + Sync + 'static {
    /// What a success gives: the body type, `Option` of it (a 204 may come without one), or `()`.
    type Output: DeserializeOwned + Send + 'static;
    /// The operation's error enum.
    type Error: From<Error> + Send + 'static;
    /// The spec's operation name (`list_workloads`).
    const NAME: &'static str;

    /// Checks the body's rules (required-when, minimum counts, equal values); the error names
    /// the JSON path of the offending member. Inputs without a body pass.
    fn validate(&self) -> Result<(), ValidationError>;

    /// The request this input sends through `client` (its project ID where the input leaves it
    /// empty), checked but not sent.
    fn to_request(&self, client: &Client) -> Result<OperationRequest, Error>;
}

/// The state every generated `{Operation}Call` builder holds.
#[derive(Clone)]
pub struct Call<'c, I> {
    client: &'c Client,
    /// The operation's parameters and body, as the builder's setters leave them.
    pub input: I,
    overrides: CallOverrides,
    /// The first override that was refused (a header that cannot be sent): sending gives it.
    refused: Option<ValidationError>,
}

impl<I: fmt::Debug> fmt::Debug for Call<'_, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("input", &self.input)
            .field("overrides", &self.overrides)
            .finish_non_exhaustive()
    }
}

impl<'c, I: OperationInput> Call<'c, I> {
    /// A call of `input` through `client`, with the client's settings.
    pub fn new(client: &'c Client, input: I) -> Self {
        Call {
            client,
            input,
            overrides: CallOverrides::default(),
            refused: None,
        }
    }

    /// The client the call goes through.
    pub fn client(&self) -> &'c Client {
        self.client
    }

    /// This call's settings.
    pub fn overrides(&self) -> &CallOverrides {
        &self.overrides
    }

    /// Replaces this call's settings.
    pub fn set_overrides(&mut self, overrides: CallOverrides) {
        self.overrides = overrides;
    }

    /// The time one attempt may take, for this call only.
    pub fn attempt_timeout(&mut self, timeout: Duration) {
        self.overrides = std::mem::take(&mut self.overrides).attempt_timeout(timeout);
    }

    /// The time all attempts together may take, pauses included, for this call only.
    pub fn operation_timeout(&mut self, timeout: Duration) {
        self.overrides = std::mem::take(&mut self.overrides).operation_timeout(timeout);
    }

    /// The retry policy, for this call only.
    pub fn retry_policy(&mut self, policy: RetryPolicy) {
        self.overrides = std::mem::take(&mut self.overrides).retry(policy);
    }

    /// Adds a header to every attempt of this call (it is signed). A header that cannot be
    /// sent makes [`send`](Self::send) and [`preview`](Self::preview) fail with
    /// `Error::InvalidRequest`, and nothing is sent.
    pub fn header(&mut self, name: &str, value: &str) {
        match std::mem::take(&mut self.overrides).header(name, value) {
            Ok(overrides) => self.overrides = overrides,
            Err(Error::InvalidRequest(refusal)) => {
                self.refused.get_or_insert(refusal);
            }
            Err(other) => {
                self.refused.get_or_insert(ValidationError {
                    path: format!("header {name}"),
                    message: other.to_string(),
                    rule: None,
                });
            }
        }
    }

    /// The request as built for sending: the input checked, then with this call's settings.
    pub fn request(&self) -> Result<OperationRequest, Error> {
        if let Some(refused) = &self.refused {
            return Err(Error::InvalidRequest(refused.clone()));
        }
        self.input.validate().map_err(Error::InvalidRequest)?;
        let mut request = self.input.to_request(self.client)?;
        request.overrides(self.overrides.clone());
        Ok(request)
    }

    /// The request as it would be sent, without sending it (what the program's `--dry-run`
    /// prints): method, URL, headers with secrets masked, body.
    pub fn preview(&self) -> Result<RequestPreview, Error> {
        self.client.preview(&self.request()?)
    }

    /// Sends the call: signed, retried as the client and this call's settings allow, and the
    /// answer decoded. A request the checks refuse is not sent.
    ///
    /// The request is checked and built here, so the future holds the request alone, not the
    /// builder's input too.
    pub fn send(self) -> impl Future<Output = Result<Response<I::Output>, I::Error>> + Send + 'c {
        let request = self.request();
        let client = self.client;
        async move { Ok(client.execute(request?).await?) }
    }
}

impl<'c, I: OperationInput> Call<'c, I> {
    /// Every page of a list operation: this call first, then again with `set_token` given the
    /// token `next_token` reads from the last page, until the service gives none. An error
    /// ends the stream after it is yielded.
    pub fn into_pages(
        self,
        set_token: fn(&mut I, Option<String>),
        next_token: fn(&I::Output) -> Option<String>,
    ) -> impl Stream<Item = Result<I::Output, I::Error>> + 'c {
        paginator::pages(
            move |token: Option<String>| {
                let mut call = self.clone();
                if token.is_some() {
                    set_token(&mut call.input, token);
                }
                async move { call.send().await.map(Response::into_body) }
            },
            next_token,
        )
    }

    /// Every item of every page (see [`into_pages`](Self::into_pages)), in order.
    pub fn into_items<T: 'c>(
        self,
        set_token: fn(&mut I, Option<String>),
        next_token: fn(&I::Output) -> Option<String>,
        take_items: fn(I::Output) -> Vec<T>,
    ) -> impl Stream<Item = Result<T, I::Error>> + 'c {
        paginator::items(self.into_pages(set_token, next_token), take_items)
    }
}

/// The methods every generated `{Operation}Call` builder shares, for a struct
/// `$call<'c> { call: Call<'c, $input> }`: `from_input`, the per-call overrides
/// (`attempt_timeout`, `operation_timeout`, `retry_policy`, `header`), `input`, `into_input`,
/// `validate`, `preview` and `send`.
#[macro_export]
macro_rules! operation_call {
    ($call:ident, $input:ty) => {
        impl<'c> $call<'c> {
            /// A call of `input` through `client` (a client's `runtime()`), as the client's
            /// method for the operation makes it.
            #[inline]
            pub fn from_input(client: &'c $crate::Client, input: $input) -> Self {
                $call {
                    call: $crate::operation::Call::new(client, input),
                }
            }

            /// The time one attempt may take (connect, send, read the whole answer), for this
            /// call only.
            #[inline]
            pub fn attempt_timeout(mut self, timeout: ::core::time::Duration) -> Self {
                self.call.attempt_timeout(timeout);
                self
            }

            /// The time all attempts together may take, pauses between them included, for
            /// this call only.
            #[inline]
            pub fn operation_timeout(mut self, timeout: ::core::time::Duration) -> Self {
                self.call.operation_timeout(timeout);
                self
            }

            /// The retry policy, for this call only.
            #[inline]
            pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
                self.call.retry_policy(policy);
                self
            }

            /// Adds a header to every attempt of this call (signed with the others). One that
            /// cannot be sent makes `send` and `preview` fail with `Error::InvalidRequest`,
            /// and nothing is sent.
            #[inline]
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.call.header(name, value);
                self
            }

            /// The parameters and body as set so far.
            #[inline]
            pub fn input(&self) -> &$input {
                &self.call.input
            }

            /// The parameters and body, to send later or elsewhere.
            #[inline]
            pub fn into_input(self) -> $input {
                self.call.input
            }

            /// Checks the body's rules without sending anything; the error names the JSON
            /// path of the offending member.
            #[inline]
            pub fn validate(&self) -> ::core::result::Result<(), $crate::ValidationError> {
                <$input as $crate::operation::OperationInput>::validate(&self.call.input)
            }

            /// The request as it would be sent, without sending it (what the program's
            /// `--dry-run` prints): method, URL, headers with secrets masked, body.
            #[inline]
            pub fn preview(&self) -> ::core::result::Result<$crate::RequestPreview, $crate::Error> {
                self.call.preview()
            }

            /// Sends the call: checked (a request the checks refuse is not sent), signed,
            /// retried as the client and this call's settings allow, and the answer decoded.
            #[inline]
            pub fn send(
                self,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<
                    $crate::Response<<$input as $crate::operation::OperationInput>::Output>,
                    <$input as $crate::operation::OperationInput>::Error,
                >,
            > + Send
            + 'c {
                self.call.send()
            }
        }
    };
}
