//! Members of JSON merge patches (RFC 7396): absent, `null` or a value.

#[cfg(feature = "schemars")]
use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// A member of a JSON merge patch ([RFC 7396]): absent, `null` or a value.
///
/// The bodies of the `PATCH` operations (`Content-Type: application/merge-patch+json`) say, member
/// by member, what to change:
///
/// | Variant           | On the wire               | Meaning                                        |
/// |-------------------|---------------------------|------------------------------------------------|
/// | [`Patch::Absent`] | the member is not written | leave the member as it is (the default)        |
/// | [`Patch::Null`]   | `"member": null`          | remove the member                              |
/// | [`Patch::Value`]  | `"member": <value>`       | set the member; an object value is itself a merge patch, applied member by member |
///
/// `Option<T>` cannot say all three: an `Option` member of a generated type that is `None` is not
/// written at all, and one that arrives as `null` reads as `None`. So every optional member of a
/// type used in a merge-patch body is a `Patch<T>`, and [`object_serde!`](crate::object_serde)
/// reads and writes it with the presence kind `patch`:
///
/// ```
/// use modelarts_pools_runtime::model::{Patch, UnknownFields};
///
/// #[derive(Debug, Default, PartialEq)]
/// pub struct PoolSpecPatch {
///     pub network: Patch<String>,
///     pub labels: Patch<Vec<String>>,
///     pub description: Patch<String>,
///     pub unknown_fields: UnknownFields,
/// }
///
/// modelarts_pools_runtime::object_serde!(PoolSpecPatch {
///     network: "network" patch,
///     labels: "labels" patch,
///     description: "description" patch,
/// });
///
/// // Set the network, remove the description, leave the labels alone.
/// let patch = PoolSpecPatch {
///     network: Patch::from(String::from("net-1")),
///     description: Patch::Null,
///     ..PoolSpecPatch::default()
/// };
/// assert_eq!(
///     serde_json::to_string(&patch).unwrap(),
///     r#"{"network":"net-1","description":null}"#
/// );
///
/// // Reading tells the three apart too.
/// let read: PoolSpecPatch = serde_json::from_str(r#"{"labels":null,"network":"n"}"#).unwrap();
/// assert_eq!(read.labels, Patch::Null);
/// assert_eq!(read.network.value().map(String::as_str), Some("n"));
/// assert!(read.description.is_absent());
/// ```
///
/// `Patch<T>` is [`Default`] (as [`Patch::Absent`]) whatever `T` is, so a patch type whose members
/// are all optional can derive `Default` even when their types cannot. `From<T>` gives
/// [`Patch::Value`]; `From<Option<T>>` reads an `Option` the way it reads on the wire, `None` as
/// [`Patch::Null`] (write `Patch::Absent` to leave a member alone). As with any pair of `From`
/// impls, say which `Patch` is meant when the argument alone does not tell:
/// `Patch::<u32>::from(None)`.
///
/// # Serde
///
/// On its own (outside [`object_serde!`](crate::object_serde)) a `Patch<T>` serializes like an
/// `Option<T>`: [`Patch::Value`] as the value, [`Patch::Null`] as `null`, and [`Patch::Absent`]
/// also as `null` — only the object holding the member can leave it out, which `object_serde!`
/// does. Deserializing reads `null` as [`Patch::Null`] and anything else as [`Patch::Value`];
/// whether a member is absent is for the object to decide, and `object_serde!` makes it
/// [`Patch::Absent`].
///
/// With this crate's `schemars` feature it implements `schemars::JsonSchema` as `Option<T>` does:
/// the schema of `T` or `null`, and a member that derived schemas do not list as required.
///
/// [RFC 7396]: https://www.rfc-editor.org/rfc/rfc7396
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not in the patch: the member is left as it is. Not written by
    /// [`object_serde!`](crate::object_serde).
    Absent,
    /// `null`: the member is removed.
    Null,
    /// A value: the member is set to it (an object value is merged into the member).
    Value(T),
}

impl<T> Default for Patch<T> {
    /// [`Patch::Absent`], without needing `T: Default`.
    fn default() -> Self {
        Patch::Absent
    }
}

impl<T> Patch<T> {
    /// Whether the member is absent (left alone).
    pub const fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// Whether the member is `null` (removed).
    pub const fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }

    /// Whether the member has a value (set).
    pub const fn is_value(&self) -> bool {
        matches!(self, Patch::Value(_))
    }

    /// The value, if the member has one.
    pub const fn value(&self) -> Option<&T> {
        match self {
            Patch::Value(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// The value, mutably, if the member has one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Patch::Value(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// The value, if the member has one, taken out of the `Patch`.
    pub fn into_value(self) -> Option<T> {
        match self {
            Patch::Value(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// A `Patch` of a reference to the value.
    pub const fn as_ref(&self) -> Patch<&T> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Value(value) => Patch::Value(value),
        }
    }

    /// A `Patch` of a mutable reference to the value.
    pub fn as_mut(&mut self) -> Patch<&mut T> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Value(value) => Patch::Value(value),
        }
    }

    /// Transforms the value, keeping [`Patch::Absent`] and [`Patch::Null`].
    pub fn map<U, F: FnOnce(T) -> U>(self, f: F) -> Patch<U> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Value(value) => Patch::Value(f(value)),
        }
    }

    /// The three states as nested options: `None` when absent, `Some(None)` when `null`,
    /// `Some(Some(value))` when set.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Value(value) => Some(Some(value)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    /// [`Patch::Value`].
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some(value)` is [`Patch::Value`], `None` is [`Patch::Null`] (how `None` reads on the
    /// wire), never [`Patch::Absent`].
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Patch::Value(value),
            None => Patch::Null,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    /// As `Option<T>`: the value, or `null` for both [`Patch::Null`] and [`Patch::Absent`]
    /// (leaving an absent member out is the containing object's job).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(value) => serializer.serialize_some(value),
            Patch::Null | Patch::Absent => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// As `Option<T>`: `null` is [`Patch::Null`], anything else [`Patch::Value`]. Never
    /// [`Patch::Absent`]: only the containing object knows a member is absent.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Patch::from)
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Patch<T> {
    // Exactly `Option<T>`'s schema, including its two hidden methods: the one that makes
    // `#[derive(JsonSchema)]` leave a `Patch` member out of `required`, as it does an `Option`.
    fn inline_schema() -> bool {
        <Option<T> as schemars::JsonSchema>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        <Option<T> as schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        <Option<T> as schemars::JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Option<T> as schemars::JsonSchema>::json_schema(generator)
    }

    #[allow(clippy::used_underscore_items)]
    fn _schemars_private_non_optional_json_schema(
        generator: &mut schemars::SchemaGenerator,
    ) -> schemars::Schema {
        <Option<T> as schemars::JsonSchema>::_schemars_private_non_optional_json_schema(generator)
    }

    #[allow(clippy::used_underscore_items)]
    fn _schemars_private_is_option() -> bool {
        <Option<T> as schemars::JsonSchema>::_schemars_private_is_option()
    }
}
