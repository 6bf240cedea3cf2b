//! The command-line program: one subcommand per operation, with the plumbing (credentials,
//! reading bodies, exit codes, error reports) in the runtime's `cli` module.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::caller_params;
use super::docs::doc_lines;
use super::models::ident;
use crate::ir::{Api, OperationMethod};
use crate::naming;

fn variant_name(op: &OperationMethod) -> proc_macro2::Ident {
    ident(&naming::upper_camel_case(&op.name).unwrap_or_else(|| op.name.clone()))
}

pub fn cli_rs(api: &Api) -> TokenStream {
    let crate_ident = ident(&api.service.name.replace('-', "_"));
    let bin_name = &api.service.name;
    let about = format!("{}: {}", api.service.title, api.service.description);
    let variants = api.operations.values().map(|op| {
        let variant = variant_name(op);
        let doc = doc_lines([format!("{} `{} {}`", op.summary, op.method, op.path).as_str()]);
        let mut fields = Vec::new();
        if op.request_body.is_some() {
            fields.push(quote! {
                /// The request body: a JSON file, or `-` to read standard input.
                #[arg(long, value_name = "FILE|-")]
                body: String,
            });
        }
        for param in caller_params(op) {
            let name = ident(&param.rust_name);
            let doc = doc_lines([param.description.as_str()]);
            let ty = if param.required || op.path_params.contains(param) {
                quote!(String)
            } else {
                quote!(Option<String>)
            };
            fields.push(quote! {
                #doc
                #[arg(long)]
                #name: #ty,
            });
        }
        quote! {
            #doc
            #variant {
                #(#fields)*
            },
        }
    });
    let arms = api.operations.values().map(|op| {
        let variant = variant_name(op);
        let method = ident(&op.name);
        let mut bindings = Vec::new();
        let mut args = Vec::new();
        let mut prelude = quote!();
        if let Some(body) = &op.request_body {
            let ty = ident(&body.type_name);
            bindings.push(quote!(body));
            prelude = quote! {
                let body: #crate_ident::models::#ty = ::modelarts_pools_runtime::cli::read_json_body(&body)?;
            };
            args.push(quote!(&body));
        }
        for param in caller_params(op) {
            let name = ident(&param.rust_name);
            bindings.push(quote!(#name));
            if param.required || op.path_params.contains(param) {
                args.push(quote!(&#name));
            } else {
                args.push(quote!(#name.as_deref()));
            }
        }
        quote! {
            Command::#variant { #(#bindings),* } => {
                #prelude
                let response = client.#method(#(#args),*).await?;
                ::modelarts_pools_runtime::cli::render_json(&response.body)
            }
        }
    });
    quote! {
        //! The `modelarts-pools` program: one subcommand per operation of the spec.

        #[derive(::clap::Parser)]
        #[command(name = #bin_name, version, about = #about)]
        struct Cli {
            #[command(flatten)]
            global: ::modelarts_pools_runtime::cli::GlobalArgs,
            #[command(subcommand)]
            command: Command,
        }

        #[derive(::clap::Subcommand)]
        enum Command {
            #(#variants)*
        }

        fn main() -> ::std::process::ExitCode {
            let Cli { global, command } = <Cli as ::clap::Parser>::parse();
            ::modelarts_pools_runtime::cli::run(&global, move |client| async move {
                let client = #crate_ident::Client::new(client);
                match command {
                    #(#arms)*
                }
            })
        }
    }
}
