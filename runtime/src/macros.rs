//! The macros generated code is written with: [`open_enum!`](crate::open_enum) for string
//! enumerations, [`object_serde!`](crate::object_serde) for the serde implementations of objects,
//! [`operation_error!`](macro@crate::operation_error) for each operation's error enum.
//!
//! Both expand to fully qualified paths (`::core::…`, `$crate::…`) and keep their own local names
//! hygienic, so no type or field name of the calling crate (`Option`, `Result`, `Ok`, `Some`,
//! `Visitor`, `Value`, fields named `map`, `key`, `value`, `serializer`, …) can change their
//! meaning. Names beginning with two underscores are reserved for the expansion.

/// Defines an open string enumeration: the listed variants, each with its wire text, plus
/// `Unknown` for any other text.
///
/// ```
/// modelarts_pools_runtime::open_enum! {
///     /// API version.
///     pub enum ApiVersion {
///         /// `v2`: API version v2
///         V2 = "v2",
///         /// `v3`
///         V3 = "v3",
///     }
/// }
///
/// assert_eq!("v2".parse::<ApiVersion>().unwrap(), ApiVersion::V2);
/// let later = ApiVersion::from("v4");
/// assert!(!later.is_known());
/// assert_eq!(later.as_str(), "v4");
/// assert!(matches!(&later, ApiVersion::Unknown(value) if value.as_str() == "v4"));
/// assert_eq!(serde_json::to_string(&later).unwrap(), r#""v4""#);
/// ```
///
/// Attributes (doc comments included) on the enumeration and on each variant are kept. The
/// expansion is:
///
/// - the enum, with a last variant
///   `Unknown(`[`UnknownValue<Self>`](crate::model::UnknownValue)`)` — "a value this version of
///   the crate does not know, kept exactly as received" — and
///   `#[derive(Clone, Debug, PartialEq, Eq, Hash)]` and `#[non_exhaustive]`, so
///   a value added in a later version is not a breaking change: a `match` outside the defining
///   crate needs a `_` arm (which `Unknown(_)` alone does not make);
/// - `PartialOrd` and `Ord` by wire text, not by variant position, so that a value added to the
///   list (or one that was `Unknown` becoming known) never changes how two values compare;
/// - [`OpenEnum`](crate::model::OpenEnum);
/// - inherent `pub const KNOWN: &'static [Self]` (the listed variants, in order),
///   `pub fn as_str(&self) -> &str` and `pub fn is_known(&self) -> bool`;
/// - `Display` (the wire text), `FromStr` (`Err = Infallible`), `From<&str>`, `From<String>`;
/// - `Serialize` (the wire text) and `Deserialize` (a string; any other JSON value is an error
///   naming the enumeration);
/// - with `cfg(feature = "schemars")`: `schemars::JsonSchema`, the schema
///   `{"type": "string", "enum": [<the listed values>]}`.
///
/// `Unknown` only ever holds text that is none of the listed values: [`UnknownValue`] has no
/// public constructor and is tied to its enumeration, so `ApiVersion::from("v2")` is
/// `ApiVersion::V2` and there is no way to write an `ApiVersion::Unknown` holding `"v2"`.
/// Equal values therefore have equal wire text and the other way round.
///
/// Wire texts may be any string literal (`""`, `"true"`, `"0"`, non-ASCII); each must appear
/// once, and no listed variant may be called `Unknown`.
///
/// # Requirements on the calling crate
///
/// - The `cfg(feature = "schemars")` is evaluated in the crate that invokes the macro: that crate
///   needs a feature named `schemars` that makes `::schemars` (version 1) available, such as the
///   implicit feature of an optional dependency `schemars = { version = "1", optional = true }`.
///   Without a feature of that name, rustc's `unexpected_cfgs` lint warns at every invocation
///   ("unexpected `cfg` condition value: `schemars`"), an error under `#![deny(warnings)]`.
/// - Nothing else: serde is reached through this crate, so the caller needs no serde dependency
///   of its own for the expansion.
///
/// [`UnknownValue`]: crate::model::UnknownValue
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$enum_meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $wire:literal
            ),* $(,)?
        }
    ) => {
        $(#[$enum_meta])*
        #[derive(
            ::core::clone::Clone,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash
        )]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )*
            /// A value this version of the crate does not know, kept exactly as received.
            Unknown($crate::model::UnknownValue<$name>),
        }

        impl $name {
            /// Every value the spec lists, in its order.
            pub const KNOWN: &'static [Self] = &[$($name::$variant),*];

            /// The value as it appears on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(value) => value.as_str(),
                }
            }

            /// Whether this is a value the spec lists (not `Unknown`).
            #[inline]
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, $name::Unknown(_))
            }
        }

        impl ::core::cmp::PartialOrd for $name {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
            }
        }

        impl ::core::cmp::Ord for $name {
            #[inline]
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                ::core::cmp::Ord::cmp($name::as_str(self), $name::as_str(other))
            }
        }

        impl $crate::model::OpenEnum for $name {
            const NAME: &'static str = ::core::stringify!($name);

            #[inline]
            fn known(wire: &str) -> ::core::option::Option<Self> {
                match wire {
                    $($wire => ::core::option::Option::Some($name::$variant),)*
                    _ => ::core::option::Option::None,
                }
            }

            #[inline]
            fn unknown(value: $crate::model::UnknownValue<Self>) -> Self {
                $name::Unknown(value)
            }

            #[inline]
            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
        }

        impl ::core::fmt::Display for $name {
            #[inline]
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                formatter.pad($name::as_str(self))
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            #[inline]
            fn from_str(wire: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok($crate::model::parse_open_enum(wire))
            }
        }

        impl ::core::convert::From<&str> for $name {
            #[inline]
            fn from(wire: &str) -> Self {
                $crate::model::parse_open_enum(wire)
            }
        }

        impl ::core::convert::From<$crate::model::__private::String> for $name {
            #[inline]
            fn from(wire: $crate::model::__private::String) -> Self {
                $crate::model::parse_open_enum_owned(wire)
            }
        }

        impl $crate::model::__private::serde::Serialize for $name {
            fn serialize<__S>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: $crate::model::__private::serde::Serializer,
            {
                serializer.serialize_str($name::as_str(self))
            }
        }

        impl<'de> $crate::model::__private::serde::Deserialize<'de> for $name {
            fn deserialize<__D>(deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: $crate::model::__private::serde::Deserializer<'de>,
            {
                $crate::model::deserialize_open_enum(deserializer)
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            #[inline]
            fn schema_name() -> $crate::model::__private::Cow<'static, str> {
                $crate::model::__private::Cow::Borrowed(::core::stringify!($name))
            }

            #[inline]
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string", "enum": [$($wire),*] })
            }
        }
    };
}

/// Implements `Serialize` and `Deserialize` for an object type whose members the spec lists,
/// keeping the others in its last field, `unknown_fields:`
/// [`UnknownFields`](crate::model::UnknownFields).
///
/// ```
/// use modelarts_pools_runtime::model::UnknownFields;
///
/// #[derive(Debug, PartialEq)]
/// pub struct Spec {
///     pub type_: String,
///     pub count: Option<u32>,
///     pub unknown_fields: UnknownFields,
/// }
///
/// modelarts_pools_runtime::object_serde!(Spec {
///     type_: "type" required,
///     count: "count" optional,
/// });
///
/// let spec: Spec = serde_json::from_str(r#"{"type":"Dedicate","later":{"b":1,"a":0.1}}"#).unwrap();
/// assert_eq!(spec.count, None);
/// assert_eq!(spec.unknown_fields.get("later").unwrap().get(), r#"{"b":1,"a":0.1}"#);
/// assert_eq!(
///     serde_json::to_string(&spec).unwrap(),
///     r#"{"type":"Dedicate","later":{"b":1,"a":0.1}}"#
/// );
/// ```
///
/// Each entry is `field: "wire name" kind`, the kind saying how the member's presence is told:
///
/// | Kind       | Field type                                 | Absent                  | `null`                     | A value        |
/// |------------|--------------------------------------------|-------------------------|----------------------------|----------------|
/// | `required` | `T`                                        | `missing_field` error   | whatever `T` makes of it   | read as `T`    |
/// | `optional` | `Option<T>`                                | `None`                  | `None`                     | `Some(value)`  |
/// | `patch`    | [`Patch<T>`](crate::model::Patch)          | `Patch::Absent`         | `Patch::Null`              | `Patch::Value(value)` |
///
/// `patch` is for the members of JSON merge patches (RFC 7396), where an absent member is left
/// alone and a `null` one removed; `optional` drops that difference.
///
/// - Serializing writes the listed members in the order given, then the unknown members in their
///   order, as one map of unknown length. An `optional` member is written only when it is `Some`;
///   a `patch` member is left out when it is `Absent`, written as `null` when it is `Null` and as
///   the value when it is `Value`.
/// - Deserializing reads a map. A listed member that appears twice (even as `null`) is a
///   `duplicate_field` error, as is an unknown one; the table above says what an absent member,
///   a `null` and a value become. Other members go to `unknown_fields` as their JSON text (see
///   [`UnknownFields`](crate::model::UnknownFields) for which deserializers can do that).
///
/// ```
/// use modelarts_pools_runtime::model::{Patch, UnknownFields};
///
/// #[derive(Debug, PartialEq)]
/// pub struct NodePoolPatch {
///     pub name: String,
///     pub count: Option<u32>,
///     pub taints: Patch<Vec<String>>,
///     pub unknown_fields: UnknownFields,
/// }
///
/// modelarts_pools_runtime::object_serde!(NodePoolPatch {
///     name: "name" required,
///     count: "count" optional,
///     taints: "taints" patch,
/// });
///
/// let patch: NodePoolPatch =
///     serde_json::from_str(r#"{"name":"np","count":null,"taints":null}"#).unwrap();
/// assert_eq!((patch.count, &patch.taints), (None, &Patch::Null));
/// assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"name":"np","taints":null}"#);
/// ```
///
/// A kind other than `required`, `optional` or `patch` is a compile error:
///
/// ```compile_fail
/// pub struct Spec {
///     pub count: u32,
///     pub unknown_fields: modelarts_pools_runtime::model::UnknownFields,
/// }
/// modelarts_pools_runtime::object_serde!(Spec { count: "count" mandatory });
/// ```
///
/// and so is a `patch` member whose field is not a `Patch`:
///
/// ```compile_fail
/// pub struct Spec {
///     pub count: Option<u32>,
///     pub unknown_fields: modelarts_pools_runtime::model::UnknownFields,
/// }
/// modelarts_pools_runtime::object_serde!(Spec { count: "count" patch });
/// ```
///
/// Keys are borrowed from the input when they can be and values are decoded in place, so this
/// costs what `#[derive(Serialize, Deserialize)]` costs.
#[macro_export]
macro_rules! object_serde {
    (@serialize $map:ident, $value:expr, $wire:literal, required) => {
        $crate::model::__private::serde::ser::SerializeMap::serialize_entry(
            &mut $map, $wire, &$value,
        )?;
    };
    (@serialize $map:ident, $value:expr, $wire:literal, optional) => {
        if let ::core::option::Option::Some(value) = &$value {
            $crate::model::__private::serde::ser::SerializeMap::serialize_entry(
                &mut $map, $wire, value,
            )?;
        }
    };
    (@serialize $map:ident, $value:expr, $wire:literal, patch) => {
        match &$value {
            $crate::model::Patch::Absent => {}
            $crate::model::Patch::Null => {
                $crate::model::__private::serde::ser::SerializeMap::serialize_entry(
                    &mut $map,
                    $wire,
                    &::core::option::Option::None::<()>,
                )?;
            }
            $crate::model::Patch::Value(value) => {
                $crate::model::__private::serde::ser::SerializeMap::serialize_entry(
                    &mut $map, $wire, value,
                )?;
            }
        }
    };
    (@serialize $map:ident, $value:expr, $wire:literal, $other:ident) => {
        ::core::compile_error!(::core::concat!(
            "object_serde!: expected `required`, `optional` or `patch` after \"",
            $wire,
            "\", found `",
            ::core::stringify!($other),
            "`",
        ));
    };
    (@finish $slot:ident, $wire:literal, required, $error:ty) => {
        $crate::model::required::<_, $error>($slot, $wire)?
    };
    (@finish $slot:ident, $wire:literal, optional, $error:ty) => {
        $crate::model::optional($slot)
    };
    (@finish $slot:ident, $wire:literal, patch, $error:ty) => {
        $crate::model::patch($slot)
    };
    (@finish $slot:ident, $wire:literal, $other:ident, $error:ty) => {
        // The `@serialize` arm reports the mistake; this keeps it the only error.
        $crate::model::required::<_, $error>($slot, $wire)?
    };
    (
        $name:ident {
            $($field:ident : $wire:literal $kind:ident),* $(,)?
        }
    ) => {
        const _: () = {
            impl $crate::model::__private::serde::Serialize for $name {
                fn serialize<__S>(
                    &self,
                    serializer: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error>
                where
                    __S: $crate::model::__private::serde::Serializer,
                {
                    let mut map = $crate::model::__private::serde::Serializer::serialize_map(
                        serializer,
                        ::core::option::Option::None,
                    )?;
                    $($crate::object_serde!(@serialize map, self.$field, $wire, $kind);)*
                    $crate::model::__private::serialize_unknown(&mut map, &self.unknown_fields)?;
                    $crate::model::__private::serde::ser::SerializeMap::end(map)
                }
            }

            struct __ObjectVisitor;

            impl<'de> $crate::model::__private::serde::de::Visitor<'de> for __ObjectVisitor {
                type Value = $name;

                #[inline]
                fn expecting(
                    &self,
                    formatter: &mut ::core::fmt::Formatter<'_>,
                ) -> ::core::fmt::Result {
                    formatter.write_str(::core::concat!("a ", ::core::stringify!($name), " object"))
                }

                #[inline]
                fn visit_map<__A>(
                    self,
                    mut map: __A,
                ) -> ::core::result::Result<$name, __A::Error>
                where
                    __A: $crate::model::__private::serde::de::MapAccess<'de>,
                {
                    $(let mut $field = ::core::option::Option::None;)*
                    let mut unknown_fields = $crate::model::UnknownFields::new();
                    while let ::core::option::Option::Some(key) =
                        map.next_key::<$crate::model::FieldKey<'de>>()?
                    {
                        match key.as_str() {
                            $(
                                $wire => {
                                    if $field.is_some() {
                                        return ::core::result::Result::Err(
                                            $crate::model::duplicate_field($wire),
                                        );
                                    }
                                    $field = ::core::option::Option::Some(map.next_value()?);
                                }
                            )*
                            _ => $crate::model::__private::unknown_member(
                                &mut unknown_fields,
                                key,
                                &mut map,
                            )?,
                        }
                    }
                    ::core::result::Result::Ok($name {
                        $($field: $crate::object_serde!(@finish $field, $wire, $kind, __A::Error),)*
                        unknown_fields: $crate::model::__private::finish_unknown(unknown_fields)?,
                    })
                }
            }

            impl<'de> $crate::model::__private::serde::Deserialize<'de> for $name {
                fn deserialize<__D>(deserializer: __D) -> ::core::result::Result<Self, __D::Error>
                where
                    __D: $crate::model::__private::serde::Deserializer<'de>,
                {
                    $crate::model::__private::serde::Deserializer::deserialize_map(
                        deserializer,
                        __ObjectVisitor,
                    )
                }
            }
        };
    };
}

/// Defines the error enum of one operation: a variant per failure status the operation
/// documents, each holding the service's answer (`Box<`[`ApiError`](crate::ApiError)`>`), and
/// `Unhandled(`[`Error`](crate::Error)`)` for anything else.
///
/// ```
/// use modelarts_pools_runtime::{Error, OperationError, StatusCode};
///
/// modelarts_pools_runtime::operation_error! {
///     /// The failures of `delete_pool`.
///     pub enum DeletePoolError {
///         /// HTTP 404: the pool does not exist.
///         NotFound = 404,
///     }
/// }
///
/// let error = DeletePoolError::from(Error::Config("no project ID".into()));
/// assert!(matches!(error, DeletePoolError::Unhandled(Error::Config(_))));
/// assert_eq!((error.status(), error.request_id(), error.is_retryable()), (None, None, false));
/// assert_eq!(error.to_string(), "configuration error: no project ID");
/// fn status_of(error: &impl OperationError) -> Option<StatusCode> {
///     error.status()
/// }
/// assert_eq!(status_of(&error), None);
/// ```
///
/// Attributes (doc comments included) on the enumeration and on each variant are kept. The
/// expansion is:
///
/// - the enum, `#[derive(Debug)]` and `#[non_exhaustive]` (a status documented later adds a
///   variant), with its variants in the order given and a last one, `Unhandled`;
/// - [`OperationError`](crate::OperationError), and its methods as inherent ones, so callers need
///   no `use` of the trait: `api()`, `status()`, `request_id()`, `is_retryable()`;
/// - `From<Error>`: an [`Error::Api`](crate::Error::Api) whose status is one of those listed
///   becomes that variant, anything else `Unhandled`; and `From<` the enum `> for Error`, which
///   gives the error back (a documented variant as `Error::Api`);
/// - `Display` (the text of the answer or the error held) and `std::error::Error`, whose
///   `source()` is the answer or the error held.
///
/// Each status must appear once and no variant may be called `Unhandled`.
#[macro_export]
macro_rules! operation_error {
    (
        $(#[$enum_meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $status:literal
            ),* $(,)?
        }
    ) => {
        $(#[$enum_meta])*
        #[derive(::core::fmt::Debug)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant(::std::boxed::Box<$crate::ApiError>),
            )*
            /// Any other failure: another status, a transport error, an undecodable response or a
            /// refused request.
            Unhandled($crate::Error),
        }

        impl $name {
            /// The service's answer (status, error code, message, request ID), when the failure
            /// is one.
            #[inline]
            pub fn api(&self) -> ::core::option::Option<&$crate::ApiError> {
                $crate::OperationError::api(self)
            }

            /// The HTTP status, when an answer came.
            #[inline]
            pub fn status(&self) -> ::core::option::Option<$crate::StatusCode> {
                $crate::OperationError::status(self)
            }

            /// The request ID the service gave, to quote to its support.
            #[inline]
            pub fn request_id(&self) -> ::core::option::Option<&str> {
                $crate::OperationError::request_id(self)
            }

            /// Whether trying again later may succeed (429, 502, 503, 504, a failed connection,
            /// a timeout).
            #[inline]
            pub fn is_retryable(&self) -> bool {
                $crate::OperationError::is_retryable(self)
            }
        }

        impl $crate::OperationError for $name {
            #[inline]
            fn failure(&self) -> $crate::OperationFailure<'_> {
                match self {
                    $($name::$variant(api) => $crate::OperationFailure::Documented(api),)*
                    $name::Unhandled(error) => $crate::OperationFailure::Unhandled(error),
                }
            }
        }

        impl ::core::convert::From<$crate::Error> for $name {
            #[inline]
            fn from(error: $crate::Error) -> Self {
                match error.into_api() {
                    $(
                        ::core::result::Result::Ok(api) if api.status.as_u16() == $status => {
                            $name::$variant(api)
                        }
                    )*
                    ::core::result::Result::Ok(api) => $name::Unhandled($crate::Error::Api(api)),
                    ::core::result::Result::Err(other) => $name::Unhandled(other),
                }
            }
        }

        impl ::core::convert::From<$name> for $crate::Error {
            #[inline]
            fn from(error: $name) -> Self {
                match error {
                    $($name::$variant(api) => $crate::Error::Api(api),)*
                    $name::Unhandled(error) => error,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            #[inline]
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&$crate::OperationError::failure(self), formatter)
            }
        }

        impl ::std::error::Error for $name {
            #[inline]
            fn source(&self) -> ::core::option::Option<&(dyn ::std::error::Error + 'static)> {
                ::core::option::Option::Some($crate::OperationError::failure(self).as_source())
            }
        }
    };
}
