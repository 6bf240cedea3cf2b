//! `cli.rs` (the `cli` feature): the program, one subcommand per operation, with the plumbing
//! (credentials, reading bodies, exit codes, error reports) in the runtime's `cli` module; and
//! the binary, which only calls it.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_lines, inner_doc_lines, prose};
use super::models::ident;
use crate::model::{Api, Operation, Param, Scalar};

/// The clap field type of a parameter.
fn field_type(param: &Param) -> TokenStream {
    let one = match param.ty {
        Scalar::String => quote!(String),
        Scalar::Integer => quote!(i64),
        Scalar::Int32 => quote!(i32),
        Scalar::Number => quote!(f64),
        Scalar::Boolean => quote!(bool),
    };
    if param.repeated {
        quote!(Vec<#one>)
    } else if param.required {
        one
    } else {
        quote!(Option<#one>)
    }
}

/// The field as the client method's argument.
fn argument(param: &Param) -> TokenStream {
    let name = ident(&param.rust_name);
    match (param.ty, param.repeated, param.required) {
        (Scalar::String, true, _) => quote!(&#name.iter().map(String::as_str).collect::<Vec<_>>()),
        (_, true, _) => quote!(&#name),
        (Scalar::String, false, true) => quote!(&#name),
        (Scalar::String, false, false) => quote!(#name.as_deref()),
        (_, false, _) => quote!(#name),
    }
}

fn subcommand(api: &Api, op: &Operation) -> TokenStream {
    let variant = ident(&op.subcommand_variant);
    let name = &op.subcommand;
    let doc = doc_lines([format!(
        "{} `{} {}`",
        prose(&op.summary),
        op.method.as_str(),
        op.path
    )
    .as_str()]);
    let mut fields = Vec::new();
    if let Some(body) = &op.request_body {
        let arg = ident(&body.arg);
        let doc = format!(
            " The request body ({}): a JSON file, or `-` to read standard input.",
            api.ty(body.ty).name
        );
        fields.push(quote! {
            #[doc = #doc]
            #[arg(long = "body", value_name = "FILE|-")]
            #arg: String,
        });
    }
    for param in op.arguments() {
        let field = ident(&param.rust_name);
        let flag = &param.flag;
        let doc = doc_lines([prose(&param.description).as_str()]);
        let ty = field_type(param);
        // A boolean takes a value (`--ascend true`), as the query parameter does.
        let action = match (param.ty, param.repeated) {
            (Scalar::Boolean, false) => quote!(, action = clap::ArgAction::Set),
            _ => quote!(),
        };
        let required = if param.repeated && param.required {
            quote!(, required = true)
        } else {
            quote!()
        };
        fields.push(quote! {
            #doc
            #[arg(long = #flag #action #required)]
            #field: #ty,
        });
    }
    quote! {
        #doc
        #[command(name = #name)]
        #variant {
            #(#fields)*
        },
    }
}

fn arm(api: &Api, op: &Operation) -> TokenStream {
    let variant = ident(&op.subcommand_variant);
    let method = ident(&op.name);
    let mut bindings = Vec::new();
    let mut args = Vec::new();
    let mut prelude = quote!();
    if let Some(body) = &op.request_body {
        let ty = ident(&api.ty(body.ty).name);
        let arg = ident(&body.arg);
        bindings.push(quote!(#arg));
        prelude = quote! {
            let #arg: models::#ty = cli::read_json_body(&#arg)?;
        };
        args.push(quote!(&#arg));
    }
    for param in op.arguments() {
        let name = ident(&param.rust_name);
        bindings.push(quote!(#name));
        args.push(argument(param));
    }
    quote! {
        Command::#variant { #(#bindings),* } => {
            #prelude
            cli::render_json(&__client.#method(#(#args),*).await?.body)
        }
    }
}

pub fn cli_rs(api: &Api) -> TokenStream {
    let bin_name = &api.service.package;
    let about = format!("{}: {}", api.service.title, api.service.description);
    let doc = inner_doc_lines([format!(
        "The `{bin_name}` program: one subcommand per operation of the spec. [`main`] runs it; the binary of the `cli` feature calls nothing else."
    )
    .as_str()]);
    let variants = api.operations.iter().map(|op| subcommand(api, op));
    let arms = api.operations.iter().map(|op| arm(api, op));
    let models = if api.operations.iter().any(|op| op.request_body.is_some()) {
        quote!(
            use super::models;
        )
    } else {
        quote!()
    };
    quote! {
        #doc

        use std::process::ExitCode;

        use clap::{Parser, Subcommand};
        use modelarts_pools_runtime::cli;

        use super::client::Client;
        #models

        #[derive(Parser)]
        #[command(name = #bin_name, version, about = #about)]
        struct Cli {
            #[command(flatten)]
            global: cli::GlobalArgs,
            #[command(subcommand)]
            command: Command,
        }

        #[derive(Subcommand)]
        enum Command {
            #(#variants)*
        }

        /// Runs the program on the process's arguments: the response as JSON on stdout and exit
        /// code 0; an API or transport error on stderr and 1; bad usage or a refused request 2,
        /// with nothing sent.
        pub fn main() -> ExitCode {
            let Cli { global, command } = Cli::parse();
            cli::run(&global, move |__client| async move {
                let __client = Client::new(__client);
                match command {
                    #(#arms)*
                }
            })
        }
    }
}

/// `src/bin/{program}.rs`.
pub fn bin_rs(api: &Api) -> TokenStream {
    let krate = ident(&api.service.crate_ident);
    let doc = inner_doc_lines([format!(
        "The `{}` program; see [`{}::cli`].",
        api.service.package, api.service.crate_ident
    )
    .as_str()]);
    quote! {
        #doc

        fn main() -> std::process::ExitCode {
            #krate::cli::main()
        }
    }
}
