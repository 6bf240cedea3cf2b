//! Every Rust identifier the generator writes is made here, from wire names and spec names.

/// Words that cannot be plain identifiers. `self`, `Self`, `super`, `crate` cannot even be raw
/// identifiers, so every keyword is handled the same way: a trailing underscore.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names `models.rs` uses unqualified: the prelude's, and what it imports from the runtime
/// (`emit::tests` checks this list against every `use` the emitted models print). A spec type
/// may not take them.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Vec",
    "Box",
    "String",
    "Result",
    "Ok",
    "Err",
    "Self",
    "UnknownFields",
    "Patch",
    "JsonPath",
    "ValidationError",
];

/// Type names the generated `client` module and the crate root define or import besides the
/// operations' error enums (`emit::tests` checks this list against what they print); an
/// operation's error enum (`{Operation}Error`) may not take them.
pub const CLIENT_MODULE_NAMES: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Credentials",
    "ApiError",
    "Error",
    "Response",
    "RetryPolicy",
    "ValidationError",
    "OperationRequest",
    "Method",
    "StatusCode",
    "Verdict",
    "WaiterConfig",
    "WaiterError",
    "Call",
    "Progress",
    "OnProgress",
    "Stream",
    "Result",
    "Option",
    "String",
];

/// Methods the generated client has besides those of its operations, paginators and waiters
/// (its own and its derived traits'; `emit::tests` checks the list against its `impl`).
pub const CLIENT_METHODS: &[&str] = &["new", "builder", "from_env", "runtime", "clone", "fmt"];

/// Options every subcommand of the generated program already has (`runtime::cli::GlobalArgs`,
/// clap's own, and the request body's).
pub const RESERVED_FLAGS: &[&str] = &[
    "endpoint",
    "region",
    "project-id",
    "timeout",
    "no-retry",
    "help",
    "version",
    "body",
    "output",
    "debug",
    "dry-run",
    "strict",
    "wait",
    "wait-timeout",
    "all",
];

/// Subcommands the generated program has besides the operations'.
pub const RESERVED_SUBCOMMANDS: &[&str] = &["completions", "help"];

/// The Rust field name that holds members a spec does not list.
pub const UNKNOWN_FIELDS: &str = "unknown_fields";

/// `{Operation}Error`: the error enum of the operation whose UpperCamelCase name is `camel`.
pub fn error_enum(camel: &str) -> String {
    format!("{camel}Error")
}

/// The JSON Schema file of a type, under `schemas/`.
pub fn schema_file(type_name: &str) -> String {
    format!("{type_name}.json")
}

/// The file under `schemas/` that maps each operation to its bodies' schemas.
pub const SCHEMA_INDEX: &str = "operations.json";

/// `{Operation}Input`: every parameter and the body of the operation whose UpperCamelCase name
/// is `camel`, in the generated `input` module.
pub fn input_type(camel: &str) -> String {
    format!("{camel}Input")
}

/// Names the generated `input` module defines or imports besides the operations' inputs
/// (`emit::tests` checks this list against what it prints).
pub const INPUT_MODULE_NAMES: &[&str] = &[
    "models",
    "Client",
    "Error",
    "Method",
    "OperationInput",
    "OperationRequest",
    "ValidationError",
    "Option",
    "String",
    "Vec",
    "Result",
];

/// `{Operation}Call`: the builder the client's method of the operation gives.
pub fn call_type(camel: &str) -> String {
    format!("{camel}Call")
}

/// Methods every `{Operation}Call` builder has (`runtime::operation_call!`, the paginators of a
/// list operation, derived traits'): a parameter's setter that would take one is
/// `{name}_param` instead (`emit::tests` checks the list against what the builders print).
pub const CALL_METHODS: &[&str] = &[
    "from_input",
    "attempt_timeout",
    "operation_timeout",
    "retry_policy",
    "header",
    "input",
    "into_input",
    "validate",
    "preview",
    "send",
    "into_pages",
    "into_items",
    "clone",
    "fmt",
];

/// The builder's setter of a parameter whose Rust name is `rust_name`.
pub fn setter(rust_name: &str) -> String {
    if CALL_METHODS.contains(&rust_name) {
        format!("{rust_name}_param")
    } else {
        rust_name.to_owned()
    }
}

/// The server stubs' handler of an operation.
pub fn handler_fn(operation: &str) -> String {
    format!("__handle_{operation}")
}

/// The client method of a waiter.
pub fn waiter_method(waiter: &str) -> String {
    format!("wait_until_{waiter}")
}

/// The builder a waiter's client method gives (`WaitUntilPoolRunning`), from the method's
/// UpperCamelCase name.
pub fn waiter_type(method_camel: &str) -> String {
    method_camel.to_owned()
}

/// The program's constant holding the columns of the table at `index`.
pub fn columns_const(index: usize) -> String {
    format!("__COLUMNS_{index}")
}

/// The program's local holding an argument of a waiter read from an operation's answer:
/// `__{argument}`, or `__{argument}_from_answer` where that is one of [`PROGRAM_LOCALS`]. Spec
/// names cannot start with `__`, so only the program's own locals can meet it.
pub fn answer_local(argument: &str) -> String {
    let local = format!("__{argument}");
    if PROGRAM_LOCALS.contains(&local.as_str()) {
        format!("{local}_from_answer")
    } else {
        local
    }
}

/// Locals of a subcommand's arm in the generated program (besides its parameters' names, which
/// cannot start with `__`): an [`answer_local`] may not take them.
pub const PROGRAM_LOCALS: &[&str] = &[
    "__all",
    "__wait",
    "__wait_timeout",
    "__answer",
    "__config",
    "__progress",
    "__final",
    "__seconds",
    "__session",
    "__client",
    "__call",
    "__input",
    "__p",
    "__v",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Splits a wire name into lower-case words: on every non-alphanumeric character, at a
/// lower-to-upper change (`apiVersion`), and before the last capital of a run of capitals
/// followed by a lower-case letter (`HTTPServer` → `http`, `server`).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for chunk in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = chunk.chars().collect();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase()
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        }
        if !current.is_empty() {
            words.push(current);
        }
    }
    words
}

/// `os.modelarts/workspace.id` → `os_modelarts_workspace_id`, `apiVersion` → `api_version`,
/// `type` → `type_`. `None` when the name has no ASCII letter or digit to build from.
pub fn snake_case(name: &str) -> Option<String> {
    let words = words(name);
    if words.is_empty() {
        return None;
    }
    let mut ident = words.join("_");
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if is_keyword(&ident) {
        ident.push('_');
    }
    Some(ident)
}

/// `PayPerUse` → `PAY_PER_USE`.
pub fn shouty_snake_case(name: &str) -> Option<String> {
    let words = words(name);
    if words.is_empty() {
        return None;
    }
    let mut ident = words.join("_").to_ascii_uppercase();
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    Some(ident)
}

/// `create_pool` → `CreatePool`.
pub fn upper_camel_case(name: &str) -> Option<String> {
    let words = words(name);
    if words.is_empty() {
        return None;
    }
    let mut out = String::new();
    for word in words {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    Some(out)
}

/// `create_pool` → `create-pool` (CLI subcommands, flags).
pub fn kebab_case(name: &str) -> Option<String> {
    let words = words(name);
    if words.is_empty() {
        None
    } else {
        Some(words.join("-"))
    }
}

/// A spec type or variant name must already be a Rust type identifier in UpperCamelCase.
pub fn is_upper_camel_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !is_keyword(name)
}

/// A `rust_name` override must be a plain snake_case identifier.
pub fn is_snake_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name != "_"
        && !is_keyword(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_snake_case() {
        let cases = [
            ("apiVersion", "api_version"),
            ("os.modelarts/workspace.id", "os_modelarts_workspace_id"),
            ("X-ModelArts-User-ID", "x_model_arts_user_id"),
            ("error_code", "error_code"),
            ("type", "type_"),
            ("self", "self_"),
            ("HTTPServer", "http_server"),
            ("gpu2Version", "gpu2_version"),
            ("9lives", "_9lives"),
            ("maxCount", "max_count"),
        ];
        for (wire, rust) in cases {
            assert_eq!(snake_case(wire).as_deref(), Some(rust), "{wire}");
        }
        assert_eq!(snake_case("/.-"), None);
        assert_eq!(snake_case("资源"), None);
    }

    #[test]
    fn other_cases() {
        assert_eq!(
            upper_camel_case("create_pool").as_deref(),
            Some("CreatePool")
        );
        assert_eq!(kebab_case("delete_pool").as_deref(), Some("delete-pool"));
        assert_eq!(
            shouty_snake_case("PayPerUse").as_deref(),
            Some("PAY_PER_USE")
        );
        assert!(is_upper_camel_ident("PoolSpec"));
        assert!(!is_upper_camel_ident("poolSpec"));
        assert!(!is_upper_camel_ident("Pool_Spec"));
        assert!(is_snake_ident("user_id"));
        assert!(!is_snake_ident("type"));
    }
}
