//! `cli.rs` (the `cli` feature): the program, one subcommand per operation, with the plumbing
//! (credentials, reading bodies, exit codes, error reports) in the runtime's `cli` module; and
//! the binary, which only calls it.

use proc_macro2::TokenStream;
use quote::quote;

use super::client;
use super::docs::{doc_lines, inner_doc_lines, prose};
use super::input;
use super::models::ident;
use crate::model::{AnswerTable, Api, Gone, Operation, ParamKind, Primitive, Table, WaitArgument};

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
        let ty = input::field_type(api, param);
        // A boolean takes a value (`--ascend true`), as the query parameter does.
        let action = match (param.ty, param.repeated) {
            (Primitive::Boolean, false) => quote!(, action = clap::ArgAction::Set),
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
    if op.pagination.is_some() {
        fields.push(quote! {
            /// Fetch every page and print them as one answer (all items, no continuation token)
            #[arg(long = "all")]
            __all: bool,
        });
    }
    if let Some(then_wait) = &op.then_wait {
        let waiter = &api.waiters[then_wait.waiter];
        let doc = format!(
            " Then wait: {} Progress goes to stderr; the final answer to stdout.",
            prose(&waiter.description)
        );
        let timeout_doc = format!(
            " The longest to wait, in seconds (default {})",
            waiter.max_wait_seconds
        );
        fields.push(quote! {
            #[doc = #doc]
            #[arg(long = "wait")]
            __wait: bool,
            #[doc = #timeout_doc]
            #[arg(long = "wait-timeout", value_name = "SECONDS", requires = "__wait", value_parser = clap::value_parser!(u64).range(1..))]
            __wait_timeout: Option<u64>,
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

/// The `--output table` argument for an answer: `Some(&Table)` or `None`.
fn table_arg(api: &Api, op: &Operation) -> TokenStream {
    table_of(api, op.table.as_ref())
}

fn table_of(api: &Api, table: Option<&AnswerTable>) -> TokenStream {
    match table {
        None => quote!(None),
        Some(answer) => {
            let columns = ident(&api.tables[answer.table].const_name);
            let rows = match &answer.rows {
                Some(rows) => quote!(Some(#rows)),
                None => quote!(None),
            };
            quote!(Some(&cli::Table { rows: #rows, columns: #columns }))
        }
    }
}

fn columns_const(table: &Table) -> TokenStream {
    let name = ident(&table.const_name);
    let columns = table.columns.iter().map(|c| {
        let header = &c.header;
        let values = c.values.iter().map(|path| &path.wire);
        let join = &c.join;
        let each = match &c.each {
            Some(each) => {
                let each = &each.wire;
                quote!(Some(#each))
            }
            None => quote!(None),
        };
        quote!(cli::Column { header: #header, each: #each, values: &[#(#values),*], join: #join })
    });
    quote! {
        const #name: &[cli::Column] = &[#(#columns),*];
    }
}

fn arm(api: &Api, op: &Operation) -> TokenStream {
    let variant = ident(&op.subcommand_variant);
    let call_type = ident(&op.call_type);
    let input_type = ident(&op.input_type);
    let mut bindings = Vec::new();
    let mut fields = Vec::new();
    let mut prelude = quote!();
    for param in &op.params {
        let name = ident(&param.rust_name);
        match param.kind {
            // The client fills it from `--project-id` or what it finds.
            ParamKind::ClientSetting(_) => fields.push(quote!(#name: String::new())),
            _ => {
                bindings.push(quote!(#name));
                fields.push(quote!(#name));
            }
        }
    }
    if let Some(body) = &op.request_body {
        let ty = ident(&api.ty(body.ty).name);
        let arg = ident(&body.arg);
        let schema = format!("../schemas/{}", api.ty(body.ty).schema_file);
        bindings.push(quote!(#arg));
        prelude = quote! {
            let #arg: models::#ty = __session.read_body(&#arg, include_str!(#schema))?;
        };
        fields.push(quote!(#arg));
    }
    let table = table_arg(api, op);
    // An operation without an answer body answers `()`, printed as `null`.
    let (get_answer, answer) = if op.success.body.is_some() {
        (
            quote!(let __answer = __call.send().await.map_err(Error::from)?.body;),
            quote!(&__answer),
        )
    } else {
        (
            quote!(__call.send().await.map_err(Error::from)?;),
            quote!(&()),
        )
    };
    let mut call = quote! {
        #get_answer
        __session.render(#answer, #table)
    };
    if let Some(pagination) = &op.pagination {
        bindings.push(quote!(__all));
        let (object, field) = pagination.items;
        let items = &api.object(object).fields[field].wire_name;
        let token_path = &pagination.response_token.wire;
        call = quote! {
            if __all {
                let __answer = __session.all_pages(__call.into_pages(), #items, #token_path).await?;
                return __session.render(&__answer, #table);
            }
            #call
        };
    }
    if let Some(then_wait) = &op.then_wait {
        bindings.push(quote!(__wait));
        bindings.push(quote!(__wait_timeout));
        let waiter = &api.waiters[then_wait.waiter];
        let wait = ident(&waiter.method);
        let builder = ident(&waiter.builder_type);
        let mut locals = Vec::new();
        let mut wait_args = Vec::new();
        for (_, source) in &then_wait.arguments {
            match source {
                WaitArgument::Param(index) => {
                    let name = ident(&op.params[*index].rust_name);
                    wait_args.push(quote!(__input.#name.clone()));
                }
                WaitArgument::Answer { path, local } => {
                    let local = ident(local);
                    let missing = format!("the answer has no {} to wait on", path.wire);
                    let value = client::member_chain(api, quote!(__answer), path);
                    locals.push(quote! {
                        let #local: String = #value.cloned().ok_or_else(|| cli::Failure::Wait { reason: #missing.to_owned(), last: None })?;
                    });
                    wait_args.push(quote!(#local));
                }
            }
        }
        let what = &waiter.label;
        let polled_table = table_of(api, waiter.table.as_ref());
        let start = quote! {
            __client
                .#wait(#(#wait_args),*)
                .config(__config)
                .on_progress(|__p| __progress.update(__p))
                .wait()
                .await?
        };
        let finish = if waiter.gone == Gone::Success {
            quote! {
                #start;
                __progress.finish();
                __session.render(#answer, #table)
            }
        } else {
            quote! {
                let __final = #start;
                __progress.finish();
                __session.render(&__final, #polled_table)
            }
        };
        call = quote! {
            #get_answer
            if !__wait {
                return __session.render(#answer, #table);
            }
            #(#locals)*
            let mut __config = client::#builder::default_config();
            if let Some(__seconds) = __wait_timeout {
                __config = __config.max_wait(std::time::Duration::from_secs(__seconds));
            }
            let mut __progress = cli::WaitProgress::new(#what);
            #finish
        };
    }
    let keep_input = if op.then_wait.is_some() {
        quote!(let __call = client::#call_type::from_input(__session.client(), __input.clone());)
    } else {
        quote!(let __call = client::#call_type::from_input(__session.client(), __input);)
    };
    quote! {
        Command::#variant { #(#bindings),* } => {
            #prelude
            let __input = input::#input_type { #(#fields),* };
            #keep_input
            if __session.dry_run() {
                return __session.preview(__call.preview());
            }
            #call
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
    let columns = api.tables.iter().map(columns_const);
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

        use super::client::{self, Client};
        use super::input;
        use modelarts_pools_runtime::Error;
        #models

        #[derive(Parser)]
        #[command(name = #bin_name, version, about = #about, after_help = cli::CREDENTIALS_HELP)]
        struct Cli {
            #[command(flatten)]
            global: cli::GlobalArgs,
            #[command(subcommand)]
            command: Command,
        }

        #[derive(Subcommand)]
        enum Command {
            #(#variants)*

            /// Print the shell completion script (bash, zsh, fish, powershell, elvish)
            #[command(name = "completions")]
            Completions {
                #[arg(value_enum)]
                shell: cli::Shell,
            },
        }

        #(#columns)*

        /// Runs the program on the process's arguments: the answer on stdout (JSON, or a table
        /// with `--output table`) and exit code 0; an API, transport or wait failure on stderr
        /// and 1; bad usage or a refused request 2, with nothing sent.
        pub fn main() -> ExitCode {
            let Cli { global, command } = Cli::parse();
            if let Command::Completions { shell } = command {
                return cli::print_completions::<Cli>(shell);
            }
            cli::run(global, move |__session| async move {
                let __client = Client::new(__session.client().clone());
                match command {
                    #(#arms)*
                    Command::Completions { .. } => Ok(String::new()),
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
