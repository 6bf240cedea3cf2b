//! `models.rs`: one struct per object table, one open enum per enumeration, one bit set per flag
//! set. Serialization comes from the runtime's `object_serde!` and `open_enum!`, so each type is
//! its declaration and a line, and unknown members and values are kept.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{code, doc_lines, inner_doc_lines, prose};
use crate::model::{
    Api, Field, Module, ObjectType, Primitive, RuleCheck, TypeEntry, TypeKind, TypeRef,
};

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The owned Rust type of a primitive value.
pub fn primitive_type(primitive: Primitive) -> TokenStream {
    let ty = ident(primitive.rust_type());
    quote!(#ty)
}

/// The `//!` documentation and `use` items of `models.rs`, which holds the types without a
/// module, declares the modules and re-exports them.
pub fn models_head(api: &Api, entries: &[&TypeEntry]) -> TokenStream {
    let mut lines = vec![
        format!(
            "Model types of {}: one type per table of the source documents.",
            prose(&api.service.title)
        ),
        "Every object keeps the members it does not list in `unknown_fields` and writes them back, and every enumeration keeps values it does not know in `Unknown`, so a newer service loses nothing on a round trip.".to_owned(),
        "Every type is `#[non_exhaustive]`, so a member or value the service adds later is not a breaking change: make an object with its `new` (the required members as arguments) or `Default` (where every member is optional), then set optional members on its public fields; a `match` on an enumeration needs a `_` arm.".to_owned(),
    ];
    if !api.modules.is_empty() {
        let list: Vec<String> = api
            .modules
            .iter()
            .map(|m| format!("- [`{}`]: {}", m.name, prose(&m.description)))
            .collect();
        lines.push(format!(
            "The types are grouped by resource, and each module is re-exported here, so `models::{{Type}}` names every type wherever it is grouped:\n\n{}",
            list.join("\n")
        ));
    }
    let doc = inner_doc_lines(lines.iter().map(String::as_str));
    let uses = uses(entries);
    let modules = api.modules.iter().map(|m| {
        let name = ident(&m.name);
        quote! {
            pub mod #name;
            pub use #name::*;
        }
    });
    quote! {
        #doc
        #uses
        #(#modules)*
    }
}

/// The `//!` documentation and `use` items of `models/<module>.rs`.
pub fn module_head(module: &Module, entries: &[&TypeEntry]) -> TokenStream {
    let doc = inner_doc_lines([
        prose(&module.description).as_str(),
        "Re-exported in [`models`](super), which also says how every model type behaves.",
    ]);
    let uses = uses(entries);
    let outside = if module.names_other_modules {
        quote!(
            use super::*;
        )
    } else {
        quote!()
    };
    quote! {
        #doc
        #uses
        #outside
    }
}

/// What the types `entries` need from the runtime.
fn uses(entries: &[&TypeEntry]) -> TokenStream {
    let objects = || {
        entries.iter().filter_map(|t| match &t.kind {
            TypeKind::Object(object) => Some(object),
            _ => None,
        })
    };
    let has_objects = objects().next().is_some();
    let has_enums = entries.iter().any(|t| matches!(t.kind, TypeKind::Enum(_)));
    let mut macros = Vec::new();
    if has_objects {
        macros.push(quote!(object_serde));
    }
    if has_enums {
        macros.push(quote!(open_enum));
    }
    let mut uses = Vec::new();
    if has_objects {
        uses.push(quote!(
            use modelarts_pools_runtime::model::UnknownFields;
        ));
    }
    if objects().any(|o| o.usage.patch && o.fields.iter().any(|f| !f.required)) {
        uses.push(quote!(
            use modelarts_pools_runtime::model::Patch;
        ));
    }
    if objects().any(|o| o.usage.request) {
        uses.push(quote!(
            use modelarts_pools_runtime::{JsonPath, ValidationError};
        ));
    }
    if !macros.is_empty() {
        uses.push(quote!(use modelarts_pools_runtime::{#(#macros),*};));
    }
    quote!(#(#uses)*)
}

/// Part of what a type becomes: items to lay out, an item inside a macro invocation (laid out as
/// the item, then wrapped), or text already laid out (macro invocations prettyplease would print
/// as raw tokens).
pub enum Piece {
    Items(TokenStream),
    MacroItem {
        mac: &'static str,
        item: TokenStream,
    },
    Text(String),
}

/// Everything one spec type becomes: the type and its impls.
pub fn type_item(api: &Api, entry: &TypeEntry) -> Vec<Piece> {
    let doc = type_doc(
        entry,
        match &entry.kind {
            TypeKind::Flags(_) => {
                Some("An integer bit set: values add up, and bits the spec does not name are kept.")
            }
            _ => None,
        },
    );
    match &entry.kind {
        TypeKind::Object(object) => object_type(api, entry, object, doc),
        TypeKind::Enum(e) => {
            let name = ident(&entry.name);
            let variants = e.values.iter().map(|v| {
                let variant = ident(&v.variant);
                let doc =
                    doc_lines([format!("{}: {}", code(&v.wire), prose(&v.description)).as_str()]);
                let wire = &v.wire;
                quote!(#doc #variant = #wire,)
            });
            vec![Piece::MacroItem {
                mac: "open_enum",
                item: quote! {
                    #doc
                    pub enum #name {
                        #(#variants)*
                    }
                },
            }]
        }
        TypeKind::Flags(f) => {
            let name = ident(&entry.name);
            let zero = f.values.iter().filter(|v| v.value == 0).map(|v| {
                let constant = ident(&v.const_name);
                let doc = doc_lines([format!("`0`: {}", prose(&v.description)).as_str()]);
                quote! {
                    #doc
                    pub const #constant: Self = Self::empty();
                }
            });
            let zero = quote!(#(#zero)*);
            let zero = if zero.is_empty() {
                quote!()
            } else {
                quote!(impl #name { #zero })
            };
            let mut bits = String::new();
            for v in f.values.iter().filter(|v| v.value != 0) {
                let doc = format!("`{}`: {}", v.value, prose(&v.description));
                for line in doc.lines() {
                    bits.push_str(&format!("        /// {line}\n"));
                }
                bits.push_str(&format!("        const {} = {};\n", v.const_name, v.value));
            }
            bits.push_str("        const _ = !0;\n");
            let declaration = quote! {
                #doc
                #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
                #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                #[serde(transparent)]
                #[non_exhaustive]
                pub struct #name(u64);
            };
            vec![
                Piece::Items(declaration),
                Piece::Text(format!(
                    "bitflags::bitflags! {{\n    impl {}: u64 {{\n{bits}    }}\n}}\n",
                    entry.name
                )),
                Piece::Items(zero),
            ]
        }
    }
}

/// The type's description first, as a user reads it; where it came from (the source table) and
/// the decisions taken on it after, under a `# Provenance` heading.
fn type_doc(entry: &TypeEntry, note: Option<&str>) -> TokenStream {
    let mut paragraphs = Vec::new();
    match (&entry.doc_name, &entry.source) {
        (Some(doc_name), Some(source)) => paragraphs.push(format!(
            "Source: the {} table in {}.",
            code(doc_name),
            code(source)
        )),
        (None, Some(source)) => paragraphs.push(format!("Source: {}.", code(source))),
        _ => {}
    }
    paragraphs.extend(
        entry
            .decisions
            .iter()
            .map(|d| format!("Decision: {}", prose(d))),
    );
    let description = prose(&entry.description);
    let description = if description.trim().is_empty() && !paragraphs.is_empty() {
        "The source documents do not describe it; its provenance follows.".to_owned()
    } else {
        description
    };
    if !paragraphs.is_empty() {
        paragraphs.insert(0, "# Provenance".to_owned());
    }
    if let Some(note) = note {
        paragraphs.insert(0, note.to_owned());
    }
    paragraphs.insert(0, description);
    doc_lines(paragraphs.iter().map(String::as_str))
}

/// The Rust type of a field's value, without the `Option` of an optional field.
pub fn value_type(api: &Api, ty: &TypeRef, boxed: bool) -> TokenStream {
    let inner = match ty {
        TypeRef::Primitive(primitive) => primitive_type(*primitive),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Named(id) => {
            let name = ident(&api.ty(*id).name);
            quote!(#name)
        }
        TypeRef::Array(item) => {
            let item = value_type(api, item, false);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = value_type(api, value, false);
            quote!(std::collections::BTreeMap<String, #value>)
        }
    };
    if boxed { quote!(Box<#inner>) } else { inner }
}

/// How a member is held: as its type, as an `Option`, or (in a merge patch) as a `Patch`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    Required,
    Optional,
    Patch,
}

fn presence(object: &ObjectType, field: &Field) -> Presence {
    match (field.required, object.usage.patch) {
        (true, _) => Presence::Required,
        (false, false) => Presence::Optional,
        (false, true) => Presence::Patch,
    }
}

fn field_type(api: &Api, object: &ObjectType, field: &Field) -> TokenStream {
    let value = value_type(api, &field.ty, field.boxed);
    match presence(object, field) {
        Presence::Required => value,
        Presence::Optional => quote!(Option<#value>),
        Presence::Patch => quote!(Patch<#value>),
    }
}

/// An expression giving the member's value as `Option<&T>`.
fn present_value(object: &ObjectType, field: &Field, owner: TokenStream) -> TokenStream {
    let rust = ident(&field.rust_name);
    match presence(object, field) {
        Presence::Required => quote!(Some(&#owner.#rust)),
        Presence::Optional => quote!(#owner.#rust.as_ref()),
        Presence::Patch => quote!(#owner.#rust.value()),
    }
}

fn field_doc(field: &Field) -> TokenStream {
    let mut paragraphs = vec![prose(&field.description)];
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
        paragraphs.push(format!("Decision: {}", prose(decision)));
    }
    doc_lines(paragraphs.iter().map(String::as_str))
}

fn object_type(api: &Api, entry: &TypeEntry, object: &ObjectType, doc: TokenStream) -> Vec<Piece> {
    let name = ident(&entry.name);
    let default = if object.fields.iter().all(|f| !f.required) {
        quote!(Default,)
    } else {
        quote!()
    };
    let fields = object.fields.iter().map(|field| {
        let doc = field_doc(field);
        let rust = ident(&field.rust_name);
        let ty = field_type(api, object, field);
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
            quote!(#[cfg_attr(feature = "schemars", schemars(#(#schemars_args),*))])
        };
        quote! {
            #doc
            #schemars_attr
            pub #rust: #ty,
        }
    });
    let constructor = constructor(api, object);
    let validate = if object.usage.request {
        validate_fns(api, object)
    } else {
        quote!()
    };
    let inherent = quote! {
        impl #name {
            #constructor
            #validate
        }
    };
    let mut serde_fields = String::new();
    for field in &object.fields {
        let wire = proc_macro2::Literal::string(&field.wire_name);
        let presence = match presence(object, field) {
            Presence::Required => "required",
            Presence::Optional => "optional",
            Presence::Patch => "patch",
        };
        serde_fields.push_str(&format!("    {}: {wire} {presence},\n", field.rust_name));
    }
    let declaration = quote! {
        #doc
        #[derive(Clone, Debug, #default PartialEq)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Members the spec does not list, kept as received and written back out.
            #[cfg_attr(feature = "schemars", schemars(skip))]
            pub unknown_fields: UnknownFields,
        }

        #inherent
    };
    vec![
        Piece::Items(declaration),
        Piece::Text(format!(
            "object_serde!({} {{\n{serde_fields}}});\n",
            entry.name
        )),
    ]
}

fn constructor(api: &Api, object: &ObjectType) -> TokenStream {
    let required: Vec<&Field> = object.required_fields().collect();
    if required.is_empty() {
        return quote! {
            /// A value with every member absent (the same as `Default`), to set the members
            /// wanted on (each is a public field).
            pub fn new() -> Self {
                Self::default()
            }
        };
    }
    let args = required.iter().map(|f| {
        let rust = ident(&f.rust_name);
        let ty = field_type(api, object, f);
        quote!(#rust: #ty)
    });
    let inits = object.fields.iter().map(|f| {
        let rust = ident(&f.rust_name);
        match presence(object, f) {
            Presence::Required => quote!(#rust),
            Presence::Optional => quote!(#rust: None),
            Presence::Patch => quote!(#rust: Patch::Absent),
        }
    });
    let names = required
        .iter()
        .map(|f| code(&f.wire_name))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = format!(
        " A value with the required members ({names}) set and every optional one absent, to set the others on (each is a public field)."
    );
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
                unknown_fields: UnknownFields::new(),
            }
        }
    }
}

/// Statements that validate `value` (an expression of type `ty`, by reference) at `path`.
/// Locals are numbered by depth and prefixed, so no field name can meet them.
fn validate_value(
    api: &Api,
    ty: &TypeRef,
    value: TokenStream,
    path: TokenStream,
    depth: usize,
) -> TokenStream {
    match ty {
        TypeRef::Named(id) if api.has_validate(*id) => quote!(#value.validate_at(&#path)?;),
        TypeRef::Map(value_ty) => {
            let key = format_ident!("__key{}", depth);
            let element = format_ident!("__item{}", depth);
            let item_path = format_ident!("__item_path{}", depth);
            let inner = validate_value(
                api,
                value_ty,
                quote!(#element),
                quote!(#item_path),
                depth + 1,
            );
            if inner.is_empty() {
                quote!()
            } else {
                quote! {
                    for (#key, #element) in #value {
                        let #item_path = #path.key(#key);
                        #inner
                    }
                }
            }
        }
        TypeRef::Array(item) => {
            let index = format_ident!("__index{}", depth);
            let element = format_ident!("__item{}", depth);
            let item_path = format_ident!("__item_path{}", depth);
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

fn field_checks(api: &Api, object: &ObjectType, field: &Field) -> Option<TokenStream> {
    let rust = ident(&field.rust_name);
    let wire = &field.wire_name;
    let mut body = Vec::new();
    if let Some(min) = field.min_items {
        let min = min as usize;
        let message = format!("needs at least {min} element(s)");
        let too_few = if min == 1 {
            quote!(__value.is_empty())
        } else {
            quote!(__value.len() < #min)
        };
        body.push(quote! {
            if #too_few {
                return Err(ValidationError::new(&__field_path, #message));
            }
        });
    }
    let nested = validate_value(api, &field.ty, quote!(__value), quote!(__field_path), 0);
    if !nested.is_empty() {
        body.push(nested);
    }
    if body.is_empty() {
        return None;
    }
    let block = quote! {
        let __field_path = __path.key(#wire);
        #(#body)*
    };
    Some(match presence(object, field) {
        Presence::Required => quote! { { let __value = &self.#rust; #block } },
        Presence::Optional => quote! { if let Some(__value) = &self.#rust { #block } },
        Presence::Patch => quote! { if let Patch::Value(__value) = &self.#rust { #block } },
    })
}

fn validate_fns(api: &Api, object: &ObjectType) -> TokenStream {
    let mut checks: Vec<TokenStream> = object
        .fields
        .iter()
        .filter_map(|f| field_checks(api, object, f))
        .collect();
    for rule in &object.rules {
        let when = &object.fields[rule.when_field];
        let when_rust = ident(&when.rust_name);
        let when_value = if presence(object, when) == Presence::Required {
            quote!(Some(self.#when_rust.as_str()))
        } else if presence(object, when) == Presence::Optional
            && when.ty == TypeRef::Primitive(Primitive::String)
        {
            quote!(self.#when_rust.as_deref())
        } else {
            let present = present_value(object, when, quote!(self));
            quote!(#present.map(|__value| __value.as_str()))
        };
        let equals = &rule.when_equals;
        let id = &rule.id;
        let message = &rule.message;
        let condition = quote!(#when_value == Some(#equals));
        match &rule.check {
            RuleCheck::Require(fields) => {
                for &j in fields {
                    let field = &object.fields[j];
                    let present = present_value(object, field, quote!(self));
                    let wire = &field.wire_name;
                    checks.push(quote! {
                        if #condition && #present.is_none() {
                            return Err(ValidationError::rule(&__path.key(#wire), #id, #message));
                        }
                    });
                }
            }
            RuleCheck::ItemsEqual {
                array,
                item,
                left,
                right,
            } => {
                let array_field = &object.fields[*array];
                let item_type = api.object(*item);
                let array_rust = ident(&array_field.rust_name);
                let array_wire = &array_field.wire_name;
                let items = match presence(object, array_field) {
                    Presence::Required => quote!(self.#array_rust.iter()),
                    Presence::Optional => quote!(self.#array_rust.iter().flatten()),
                    Presence::Patch => quote!(self.#array_rust.value().into_iter().flatten()),
                };
                let left_field = &item_type.fields[*left];
                let left_wire = &left_field.wire_name;
                let left_value = present_value(item_type, left_field, quote!(__item));
                let right_value =
                    present_value(item_type, &item_type.fields[*right], quote!(__item));
                checks.push(quote! {
                    if #condition {
                        for (__index, __item) in #items.enumerate() {
                            let __left = #left_value;
                            if __left.is_some() && __left != #right_value {
                                let __array_path = __path.key(#array_wire);
                                let __item_path = __array_path.index(__index);
                                return Err(ValidationError::rule(&__item_path.key(#left_wire), #id, #message));
                            }
                        }
                    }
                });
            }
        }
    }
    let path_arg = if checks.is_empty() {
        quote!(_path)
    } else {
        quote!(__path)
    };
    quote! {
        /// Checks the rules the source tables state (required-when, minimum counts, equal
        /// values) before anything is sent; the error names the JSON path of the offending member.
        pub fn validate(&self) -> Result<(), ValidationError> {
            self.validate_at(&JsonPath::ROOT)
        }

        /// [`Self::validate`] for a value found at `path` inside a larger document.
        pub fn validate_at(&self, #path_arg: &JsonPath<'_>) -> Result<(), ValidationError> {
            #(#checks)*
            Ok(())
        }
    }
}
