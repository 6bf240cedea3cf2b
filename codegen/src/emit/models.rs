//! Rust model types: one struct per object table, one open enum per enumeration, one bit set per
//! flag set, with hand-emitted serde impls that keep unknown members without `#[serde(flatten)]`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{code, doc_lines, inner_doc_lines};
use crate::ir::{Api, EnumType, Field, FlagsType, ObjectType, RuleCheck, TypeEntry, TypeRef};

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The `//!` documentation of the models module.
pub fn module_doc(api: &Api) -> TokenStream {
    inner_doc_lines([
        format!(
            "Model types of {}: one type per table of the source documents.",
            api.service.title
        )
        .as_str(),
        "Every object keeps the members it does not list in `unknown_fields` and writes them back, and every enumeration keeps values it does not know in `Unknown`, so a newer service loses nothing on a round trip.",
    ])
}

/// Everything one spec type becomes: the type and its impls.
pub fn type_item(api: &Api, entry: &TypeEntry) -> TokenStream {
    match entry {
        TypeEntry::Object(object) => object_type(api, object),
        TypeEntry::Enum(e) => enum_type(e),
        TypeEntry::Flags(f) => flags_type(f),
    }
}

/// The Rust type of a field's value, without the `Option` of an optional field.
pub fn value_type(ty: &TypeRef, boxed: bool) -> TokenStream {
    let inner = match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::Array(item) => {
            let item = value_type(item, false);
            quote!(Vec<#item>)
        }
    };
    if boxed { quote!(Box<#inner>) } else { inner }
}

fn field_type(field: &Field) -> TokenStream {
    let value = value_type(&field.ty, field.boxed);
    if field.required {
        value
    } else {
        quote!(Option<#value>)
    }
}

fn field_doc(field: &Field) -> TokenStream {
    let mut paragraphs = vec![field.description.clone()];
    let mut facts = vec![format!("Wire name {}", code(&field.wire_name))];
    if let Some(source_type) = &field.source_type {
        facts.push(format!("table type {}", code(source_type)));
    }
    match (field.table_required, field.required) {
        (Some(table), wire) if table != wire => facts.push(format!(
            "the table marks it {}, the service {}",
            if table { "required" } else { "optional" },
            if wire {
                "requires it"
            } else {
                "does not require it"
            }
        )),
        (Some(true), _) => facts.push("required".into()),
        _ => {}
    }
    paragraphs.push(format!("{}.", facts.join("; ")));
    if let Some(decision) = &field.decision {
        paragraphs.push(format!("Decision: {decision}"));
    }
    doc_lines(paragraphs.iter().map(String::as_str))
}

fn type_doc(
    description: &str,
    doc_name: Option<&str>,
    source: Option<&str>,
    decisions: &[String],
) -> TokenStream {
    let mut paragraphs = vec![description.to_owned()];
    match (doc_name, source) {
        (Some(doc_name), Some(source)) => paragraphs.push(format!(
            "Source: the {} table in {}.",
            code(doc_name),
            code(source)
        )),
        (None, Some(source)) => paragraphs.push(format!("Source: {}.", code(source))),
        _ => {}
    }
    paragraphs.extend(decisions.iter().map(|d| format!("Decision: {d}")));
    doc_lines(paragraphs.iter().map(String::as_str))
}

fn has_validate(api: &Api, name: &str) -> bool {
    matches!(api.types.get(name), Some(TypeEntry::Object(o)) if o.usage.request)
}

fn object_type(api: &Api, object: &ObjectType) -> TokenStream {
    let name = ident(&object.name);
    let doc = type_doc(
        &object.description,
        object.doc_name.as_deref(),
        object.source.as_deref(),
        &object.decisions,
    );
    let all_optional = object.fields.iter().all(|f| !f.required);
    let default_derive = if all_optional {
        quote!(Default,)
    } else {
        quote!()
    };
    let fields = object.fields.iter().map(|field| {
        let doc = field_doc(field);
        let rust = ident(&field.rust_name);
        let ty = field_type(field);
        let wire = &field.wire_name;
        let mut schemars_args = Vec::new();
        if field.rust_name != field.wire_name {
            schemars_args.push(quote!(rename = #wire));
        }
        if let Some(min) = field.min_items {
            let min = min as usize;
            schemars_args.push(quote!(length(min = #min)));
        }
        let schemars_attr = if schemars_args.is_empty() {
            quote!()
        } else {
            quote!(#[schemars(#(#schemars_args),*)])
        };
        quote! {
            #doc
            #schemars_attr
            pub #rust: #ty,
        }
    });

    let constructor = constructor(object);
    let validate = if object.usage.request {
        validate_fns(api, object)
    } else {
        quote!()
    };
    let inherent = if constructor.is_empty() && validate.is_empty() {
        quote!()
    } else {
        quote! {
            impl #name {
                #constructor
                #validate
            }
        }
    };
    let serialize = serialize_impl(object);
    let deserialize = deserialize_impl(object);
    quote! {
        #doc
        #[derive(Clone, Debug, #default_derive PartialEq, ::schemars::JsonSchema)]
        pub struct #name {
            #(#fields)*
            /// Members the spec does not list, kept as received and written back out.
            #[schemars(skip)]
            pub unknown_fields: ::modelarts_pools_runtime::model::UnknownFields,
        }
        #inherent
        #serialize
        #deserialize
    }
}

fn constructor(object: &ObjectType) -> TokenStream {
    let required: Vec<&Field> = object.fields.iter().filter(|f| f.required).collect();
    if required.is_empty() {
        return quote!();
    }
    let args = required.iter().map(|f| {
        let rust = ident(&f.rust_name);
        let ty = field_type(f);
        quote!(#rust: #ty)
    });
    let inits = object.fields.iter().map(|f| {
        let rust = ident(&f.rust_name);
        if f.required {
            quote!(#rust)
        } else {
            quote!(#rust: None)
        }
    });
    let names = required
        .iter()
        .map(|f| code(&f.wire_name))
        .collect::<Vec<_>>()
        .join(", ");
    let doc =
        format!(" A value with the required members ({names}) set and every optional one absent.");
    let too_many = if required.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    quote! {
        #[doc = #doc]
        #too_many
        pub fn new(#(#args),*) -> Self {
            Self {
                #(#inits,)*
                unknown_fields: ::modelarts_pools_runtime::model::UnknownFields::new(),
            }
        }
    }
}

/// Statements that validate `value` (an expression of type `ty`, by reference) at `path`.
fn validate_value(
    api: &Api,
    ty: &TypeRef,
    value: TokenStream,
    path: TokenStream,
    depth: usize,
) -> TokenStream {
    match ty {
        TypeRef::Named(name) if has_validate(api, name) => {
            quote!(#value.validate_at(&#path)?;)
        }
        TypeRef::Array(item) => {
            let index = format_ident!("index{}", depth);
            let element = format_ident!("item{}", depth);
            let item_path = format_ident!("item_path{}", depth);
            let inner = validate_value(api, item, quote!(#element), quote!(#item_path), depth + 1);
            if inner.is_empty() {
                quote!()
            } else {
                quote! {
                    for (#index, #element) in #value.iter().enumerate() {
                        let #item_path = #path.index(#index);
                        #inner
                    }
                }
            }
        }
        _ => quote!(),
    }
}

fn validate_fns(api: &Api, object: &ObjectType) -> TokenStream {
    let mut checks = Vec::new();
    for field in &object.fields {
        let rust = ident(&field.rust_name);
        let wire = &field.wire_name;
        let field_path = format_ident!("{}_path", field.rust_name.trim_end_matches('_'));
        let mut body = Vec::new();
        if let Some(min) = field.min_items {
            let min = min as usize;
            let message = format!("needs at least {min} element(s)");
            let too_few = if min == 1 {
                quote!(value.is_empty())
            } else {
                quote!(value.len() < #min)
            };
            body.push(quote! {
                if #too_few {
                    return Err(::modelarts_pools_runtime::ValidationError::new(&#field_path, #message));
                }
            });
        }
        let nested = validate_value(api, &field.ty, quote!(value), quote!(#field_path), 0);
        if !nested.is_empty() {
            body.push(nested);
        }
        if body.is_empty() {
            continue;
        }
        let bind = if field.required {
            quote!(let value = &self.#rust;)
        } else {
            quote!()
        };
        let block = quote! {
            let #field_path = path.key(#wire);
            #(#body)*
        };
        checks.push(if field.required {
            quote! { { #bind #block } }
        } else {
            quote! { if let Some(value) = &self.#rust { #block } }
        });
    }
    for rule in &object.rules {
        let Some(when_field) = object
            .fields
            .iter()
            .find(|f| f.wire_name == rule.when_field)
        else {
            continue;
        };
        let when_rust = ident(&when_field.rust_name);
        let when_value = match (&when_field.ty, when_field.required) {
            (TypeRef::String, true) => quote!(Some(self.#when_rust.as_str())),
            (TypeRef::String, false) => quote!(self.#when_rust.as_deref()),
            (_, true) => quote!(Some(self.#when_rust.as_str())),
            (_, false) => quote!(self.#when_rust.as_ref().map(|value| value.as_str())),
        };
        let equals = &rule.when_equals;
        let id = &rule.id;
        let message = &rule.message;
        let check = match &rule.check {
            RuleCheck::Require(names) => {
                let requires = names.iter().filter_map(|name| {
                    let field = object.fields.iter().find(|f| &f.wire_name == name)?;
                    let rust = ident(&field.rust_name);
                    Some(quote! {
                        if applies && self.#rust.is_none() {
                            return Err(::modelarts_pools_runtime::ValidationError::rule(&path.key(#name), #id, #message));
                        }
                    })
                });
                quote!(#(#requires)*)
            }
            RuleCheck::ItemsEqual { array, left, right } => {
                let Some(array_field) = object.fields.iter().find(|f| &f.wire_name == array) else {
                    continue;
                };
                let Some(item_type) = array_field.ty.named().and_then(|n| match api.types.get(n) {
                    Some(TypeEntry::Object(o)) => Some(o),
                    _ => None,
                }) else {
                    continue;
                };
                let (Some(left_field), Some(right_field)) = (
                    item_type.fields.iter().find(|f| &f.wire_name == left),
                    item_type.fields.iter().find(|f| &f.wire_name == right),
                ) else {
                    continue;
                };
                let array_rust = ident(&array_field.rust_name);
                let items = if array_field.required {
                    quote!(self.#array_rust.iter())
                } else {
                    quote!(self.#array_rust.iter().flatten())
                };
                let option_of = |f: &Field| {
                    let rust = ident(&f.rust_name);
                    if f.required {
                        quote!(Some(&item.#rust))
                    } else {
                        quote!(item.#rust.as_ref())
                    }
                };
                let left_value = option_of(left_field);
                let right_value = option_of(right_field);
                quote! {
                    for (index, item) in #items.enumerate() {
                        let left = #left_value;
                        if left.is_some() && left != #right_value {
                            let array_path = path.key(#array);
                            let item_path = array_path.index(index);
                            return Err(::modelarts_pools_runtime::ValidationError::rule(&item_path.key(#left), #id, #message));
                        }
                    }
                }
            }
        };
        let check = match &rule.check {
            RuleCheck::Require(_) => check,
            RuleCheck::ItemsEqual { .. } => quote!(if applies { #check }),
        };
        checks.push(quote! {
            {
                let applies = #when_value == Some(#equals);
                #check
            }
        });
    }
    let path_arg = if checks.is_empty() {
        quote!(_path)
    } else {
        quote!(path)
    };
    quote! {
        /// Checks the rules the source tables state (required-when, minimum counts, equal
        /// values) before anything is sent; the error names the JSON path of the offending member.
        pub fn validate(&self) -> Result<(), ::modelarts_pools_runtime::ValidationError> {
            self.validate_at(&::modelarts_pools_runtime::JsonPath::ROOT)
        }

        /// [`Self::validate`] for a value found at `path` inside a larger document.
        pub fn validate_at(&self, #path_arg: &::modelarts_pools_runtime::JsonPath<'_>) -> Result<(), ::modelarts_pools_runtime::ValidationError> {
            #(#checks)*
            Ok(())
        }
    }
}

fn serialize_impl(object: &ObjectType) -> TokenStream {
    let name = ident(&object.name);
    let entries = object.fields.iter().map(|field| {
        let rust = ident(&field.rust_name);
        let wire = &field.wire_name;
        if field.required {
            quote!(map.serialize_entry(#wire, &self.#rust)?;)
        } else {
            quote! {
                if let Some(value) = &self.#rust {
                    map.serialize_entry(#wire, value)?;
                }
            }
        }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                #(#entries)*
                for (key, value) in &self.unknown_fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

fn deserialize_impl(object: &ObjectType) -> TokenStream {
    let name = ident(&object.name);
    let visitor = format_ident!("{}Visitor", object.name);
    let expecting = format!("a {} object", object.name);
    let slots = object.fields.iter().map(|field| {
        let rust = ident(&field.rust_name);
        let ty = value_type(&field.ty, field.boxed);
        if field.required {
            quote!(let mut #rust: Option<#ty> = None;)
        } else {
            quote!(let mut #rust: Option<Option<#ty>> = None;)
        }
    });
    let arms = object.fields.iter().map(|field| {
        let rust = ident(&field.rust_name);
        let wire = &field.wire_name;
        quote! {
            #wire => {
                if #rust.is_some() {
                    return Err(::modelarts_pools_runtime::model::duplicate_field(#wire));
                }
                #rust = Some(map.next_value()?);
            }
        }
    });
    let inits = object.fields.iter().map(|field| {
        let rust = ident(&field.rust_name);
        let wire = &field.wire_name;
        if field.required {
            quote!(#rust: #rust.ok_or_else(|| ::modelarts_pools_runtime::model::missing_field(#wire))?)
        } else {
            quote!(#rust: #rust.flatten())
        }
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct #visitor;
                impl<'de> ::serde::de::Visitor<'de> for #visitor {
                    type Value = #name;
                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #(#slots)*
                        let mut unknown_fields = ::modelarts_pools_runtime::model::UnknownFields::new();
                        while let Some(key) = map.next_key::<::modelarts_pools_runtime::model::FieldKey<'de>>()? {
                            match key.as_str() {
                                #(#arms)*
                                _ => {
                                    let value: ::serde_json::Value = map.next_value()?;
                                    unknown_fields.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok(#name {
                            #(#inits,)*
                            unknown_fields,
                        })
                    }
                }
                deserializer.deserialize_map(#visitor)
            }
        }
    }
}

fn enum_type(e: &EnumType) -> TokenStream {
    let name = ident(&e.name);
    let name_str = &e.name;
    let doc = type_doc(&e.description, None, e.source.as_deref(), &e.decisions);
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let doc = doc_lines([format!("{}: {}", code(&v.wire), v.description).as_str()]);
        quote!(#doc #variant,)
    });
    let to_wire = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let wire = &v.wire;
        quote!(#name::#variant => #wire,)
    });
    let from_wire: Vec<TokenStream> = e
        .values
        .iter()
        .map(|v| {
            let variant = ident(&v.variant);
            let wire = &v.wire;
            quote!(#wire => #name::#variant,)
        })
        .collect();
    let known = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        quote!(#name::#variant)
    });
    let wires: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept exactly as received.
            Unknown(String),
        }

        impl #name {
            /// Every value the spec lists.
            pub const KNOWN: &'static [#name] = &[#(#known),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    #name::Unknown(value) => value,
                }
            }

            /// Whether this is a value the spec lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, #name::Unknown(_))
            }
        }

        impl ::modelarts_pools_runtime::model::OpenStringEnum for #name {
            const NAME: &'static str = #name_str;
            fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => #name::Unknown(other.to_owned()),
                }
            }
            fn from_wire_owned(value: String) -> Self {
                match value.as_str() {
                    #(#from_wire)*
                    _ => #name::Unknown(value),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                <Self as ::modelarts_pools_runtime::model::OpenStringEnum>::from_wire(value)
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::modelarts_pools_runtime::model::deserialize_open_enum(deserializer)
            }
        }

        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name_str)
            }
            fn json_schema(_generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string", "enum": [#(#wires),*] })
            }
        }
    }
}

fn flags_type(f: &FlagsType) -> TokenStream {
    let name = ident(&f.name);
    let doc = type_doc(&f.description, None, f.source.as_deref(), &f.decisions);
    let zero = f.values.iter().filter(|v| v.value == 0).map(|v| {
        let constant = ident(&v.const_name);
        let doc = doc_lines([format!("`0`: {}", v.description).as_str()]);
        quote! {
            #doc
            pub const #constant: Self = Self::empty();
        }
    });
    let bits = f.values.iter().filter(|v| v.value != 0).map(|v| {
        let constant = ident(&v.const_name);
        let value = v.value;
        let doc = doc_lines([format!("`{}`: {}", v.value, v.description).as_str()]);
        quote! {
            #doc
            const #constant = #value;
        }
    });
    quote! {
        #doc
        ///
        /// An integer bit set: values add up, and bits the spec does not name are kept.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct #name(u64);

        ::bitflags::bitflags! {
            impl #name: u64 {
                #(#bits)*
                const _ = !0;
            }
        }

        impl #name {
            #(#zero)*
        }
    }
}
