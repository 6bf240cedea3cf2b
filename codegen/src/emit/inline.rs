//! Every function the generated crate defines without type parameters is `#[inline]`.
//!
//! A debug build compiles a library's public non-generic functions into machine code whether or
//! not anything calls them; `#[inline]` ones only where they are called. With it, building the
//! generated crate type-checks everything but leaves the code generation of a constructor,
//! setter, check or request builder to the program that calls it (as it already was for every
//! generic and `async` function): a user pays for the operations they use. The same holds for the
//! runtime's macros (`open_enum!`, `object_serde!`, `operation_error!`, `operation_call!`).

/// Marks the functions of `items`, and of the `impl` blocks and inline modules among them.
pub(super) fn mark(items: &mut [syn::Item]) {
    for item in items {
        match item {
            syn::Item::Fn(function) if function.sig.ident != "main" => {
                mark_fn(&mut function.attrs, &function.sig);
            }
            syn::Item::Impl(block) if !has_type_params(&block.generics) => {
                for member in &mut block.items {
                    if let syn::ImplItem::Fn(function) = member {
                        mark_fn(&mut function.attrs, &function.sig);
                    }
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &mut module.content {
                    mark(items);
                }
            }
            _ => {}
        }
    }
}

fn mark_fn(attrs: &mut Vec<syn::Attribute>, sig: &syn::Signature) {
    if has_type_params(&sig.generics) || attrs.iter().any(|a| a.path().is_ident("inline")) {
        return;
    }
    attrs.push(syn::parse_quote!(#[inline]));
}

/// Type or const parameters make a function generic, compiled only where it is used anyway;
/// lifetimes do not.
fn has_type_params(generics: &syn::Generics) -> bool {
    generics
        .params
        .iter()
        .any(|param| !matches!(param, syn::GenericParam::Lifetime(_)))
}
