//! The linked model: what [`crate::resolve`] makes of a spec, and all the emitters read.
//!
//! Types refer to each other by [`TypeId`], rules to fields by index, parameters carry their
//! kind, and every Rust name (types, fields, variants, methods, error enums, subcommands, flags)
//! is decided and checked for clashes before anything is emitted. Emitters only print: nothing
//! here is looked up by name, and nothing can be missing.

/// The method and the body's media type are the spec format's own types: one definition each.
pub use crate::spec::{HttpMethod, MediaType};

use std::collections::BTreeMap;

/// Index of a type in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub service: Service,
    /// Ordered by name, so output never depends on the spec's order.
    pub types: Vec<TypeEntry>,
    /// Ordered by name.
    pub operations: Vec<Operation>,
    /// Ordered by name.
    pub waiters: Vec<Waiter>,
    /// The program's `--output table` columns, in the spec's order.
    pub tables: Vec<Table>,
    /// What any operation can answer besides its documented statuses.
    pub default_errors: Option<DefaultErrors>,
    /// The modules of `models` the types are grouped in, in the spec's order.
    pub modules: Vec<Module>,
}

/// A module of model types: `models::<name>`, in `src/models/<name>.rs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub name: String,
    pub description: String,
    /// Some of its types have members of types in other modules (or at the top of `models`).
    pub names_other_modules: bool,
}

/// The error answers any operation can give (the OpenAPI `default` response).
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultErrors {
    pub body: TypeId,
    pub description: String,
}

/// An operation a successful answer leads to: the OpenAPI link to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Index into [`Api::operations`].
    pub operation: usize,
    /// Each parameter of the linked operation (its wire name) with where its value comes from,
    /// as an OpenAPI runtime expression (`$response.body#/metadata/name`), by name.
    pub parameters: BTreeMap<String, String>,
}

/// The columns printed for rows of one object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub ty: TypeId,
    /// The program's constant holding the columns (`__COLUMNS_0`).
    pub const_name: String,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    /// The members printed, from the row (or the `each` item) down.
    pub values: Vec<MemberPath>,
    /// The array member, from the row down, whose items the values are read from.
    pub each: Option<MemberPath>,
    pub join: String,
}

/// A member reached from an object through its members: the typed steps the Rust code follows,
/// and the wire path the documents and the runtime read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPath {
    /// `(object, field)` steps, from the root object down; never empty.
    pub steps: Vec<(TypeId, usize)>,
    /// The steps' wire names joined with `.` (`status.phase`), as the spec writes the path.
    pub wire: String,
}

/// What `--output table` prints for an operation's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerTable {
    /// Index into [`Api::tables`].
    pub table: usize,
    /// The wire name of the answer's array member holding the rows; `None`: the answer is the row.
    pub rows: Option<String>,
}

/// Where a waiter run after an operation takes one argument of the polled operation from.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitArgument {
    /// The operation's own parameter (index into its `params`).
    Param(usize),
    /// A string member of the operation's success body, read into the local `local`.
    Answer { path: MemberPath, local: String },
}

/// `--wait` on an operation's subcommand: the waiter, and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct ThenWait {
    /// Index into [`Api::waiters`].
    pub waiter: usize,
    /// One per argument of the waiter's method (the polled operation's required ones, then a
    /// selecting one), in its order, with the argument's Rust name.
    pub arguments: Vec<(String, WaitArgument)>,
}

/// A wait for a resource to reach a state: `wait_until_{name}` polls `operation`.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    pub name: String,
    /// The client method that waits (`wait_until_{name}`).
    pub method: String,
    /// The builder the method gives (`WaitUntilPoolRunning`), in the `client` module.
    pub builder_type: String,
    pub description: String,
    /// Index into [`Api::operations`].
    pub operation: usize,
    /// Where the state is read, from the success body (or the selected item) down.
    pub state: WaiterState,
    /// For an operation that lists: how the awaited item is picked.
    pub select: Option<Select>,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    /// What the program's progress line calls the wait (`pool running`).
    pub label: String,
    pub gone: Gone,
    /// The table `--output table` prints what the wait ends with as: the polled answer's, or
    /// with `select` the item's.
    pub table: Option<AnswerTable>,
    pub min_delay_seconds: u64,
    pub max_delay_seconds: u64,
    pub max_wait_seconds: u64,
    pub decision: Option<String>,
}

/// How a waiter reads the state of what it awaits.
#[derive(Debug, Clone, PartialEq)]
pub enum WaiterState {
    /// A string or enum member.
    Member(MemberPath),
    /// The state of the first present member, else `otherwise`.
    Presence {
        checks: Vec<(MemberPath, String)>,
        otherwise: String,
    },
}

/// The item of a list a waiter awaits: the one whose `key` equals the argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// The array field of the answer: `(object, field)`.
    pub items: (TypeId, usize),
    pub item: TypeId,
    pub key: MemberPath,
    /// The waiter's argument (a string), its Rust and wire name.
    pub argument: String,
}

/// What a 404 from the polled operation means to a waiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// The resource is gone, as a deletion waiter wants: the wait ends successfully.
    Success,
    /// The resource is gone, which it should not be: the wait ends as a failure.
    Failure,
    /// An error like any other: transient ones are waited through, the others end the wait.
    Error,
}

impl Api {
    pub fn ty(&self, id: TypeId) -> &TypeEntry {
        &self.types[id.0]
    }

    /// The object type `id`, which resolve guarantees where a model says "object".
    pub fn object(&self, id: TypeId) -> &ObjectType {
        match &self.types[id.0].kind {
            TypeKind::Object(object) => object,
            _ => unreachable!("resolve links object positions to object types only"),
        }
    }

    /// Whether the object `id` has a generated `validate()` (request types do).
    pub fn has_validate(&self, id: TypeId) -> bool {
        matches!(&self.types[id.0].kind, TypeKind::Object(o) if o.usage.request)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The package and program name (`modelarts-pools`).
    pub package: String,
    /// The crate as a Rust path segment (`modelarts_pools`).
    pub crate_ident: String,
    pub title: String,
    pub description: String,
    /// The generated crate's version (`0.1.0`).
    pub version: String,
    /// The base of the JSON Schemas' `$id`s, where the spec gives one.
    pub schema_id_base: Option<String>,
    /// The generated crate's source repository, for its manifest.
    pub repository: Option<String>,
    /// The endpoint template (`https://modelarts.{region}.myhuaweicloud.com`).
    pub endpoint: Option<String>,
    /// Each `{variable}` of the endpoint, in order, with the value it has by default.
    pub endpoint_variables: Vec<EndpointVariable>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointVariable {
    pub name: String,
    pub default: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeEntry {
    /// The Rust type name, which is also its schema title.
    pub name: String,
    /// Its JSON Schema's file under `schemas/` (`PoolSpec.json`), where it is a body.
    pub schema_file: String,
    pub description: String,
    /// The table's own name where it differs (`resources`), and the document it comes from.
    pub doc_name: Option<String>,
    pub source: Option<String>,
    pub decisions: Vec<String>,
    /// Index into [`Api::modules`]; None: the top of `models`.
    pub module: Option<usize>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Object(ObjectType),
    Enum(EnumType),
    Flags(FlagsType),
}

/// Where an object is used: request types get constructors and `validate()`, types used only
/// in responses derive `Default`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
    /// Reachable from a merge-patch body: each optional member can be absent, set or `null`.
    pub patch: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectType {
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
    pub usage: Usage,
}

impl ObjectType {
    pub fn required_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.required)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire_name: String,
    /// A valid Rust field identifier, unique in its struct.
    pub rust_name: String,
    pub ty: TypeRef,
    /// Whether the wire requires it: the table's 是/否, or `wire_required` where they disagree.
    pub required: bool,
    /// The table's own column, kept for documentation where it differs from `required`.
    pub table_required: Option<bool>,
    /// Boxed to break a reference cycle that would otherwise make the type infinitely large.
    pub boxed: bool,
    pub description: String,
    pub source_type: Option<String>,
    pub min_items: Option<u64>,
    pub decision: Option<String>,
}

/// A single JSON value that is not an object or an array: a parameter's value or a member's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    String,
    /// A JSON integer, held as `i64`.
    Integer,
    /// An integer the spec bounds to 32 bits (`format: int32`).
    Int32,
    Number,
    Boolean,
}

impl Primitive {
    /// The Rust type of an owned value (`String`, `i64`, `i32`, `f64`, `bool`).
    pub fn rust_type(self) -> &'static str {
        match self {
            Primitive::String => "String",
            Primitive::Integer => "i64",
            Primitive::Int32 => "i32",
            Primitive::Number => "f64",
            Primitive::Boolean => "bool",
        }
    }

    /// The JSON Schema `type` of a value, and its `format` where it has one.
    pub fn json_type(self) -> (&'static str, Option<&'static str>) {
        match self {
            Primitive::String => ("string", None),
            Primitive::Integer => ("integer", None),
            Primitive::Int32 => ("integer", Some("int32")),
            Primitive::Number => ("number", None),
            Primitive::Boolean => ("boolean", None),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    Primitive(Primitive),
    /// Any JSON value (`serde_json::Value`).
    Json,
    Named(TypeId),
    Array(Box<TypeRef>),
    /// A JSON object with arbitrary keys and values of one type (`additionalProperties`).
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The named type this refers to, through any arrays and maps.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    /// The field (index into the object's fields) whose string value triggers the rule.
    pub when_field: usize,
    pub when_equals: String,
    pub check: RuleCheck,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleCheck {
    /// These optional fields (indices) must be present.
    Require(Vec<usize>),
    /// In every element of the array field `array`, whose items are the object `item`, the field
    /// `left` (when present) must equal the field `right`.
    ItemsEqual {
        array: usize,
        item: TypeId,
        left: usize,
        right: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub wire: String,
    pub variant: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlagsType {
    pub values: Vec<FlagValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlagValue {
    pub value: u64,
    pub name: String,
    pub const_name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's name, which is also the client method's name (`create_pool`).
    pub name: String,
    /// The OpenAPI operation ID: the official one where the spec gives it (`CreatePool`), else
    /// the name in UpperCamelCase.
    pub operation_id: String,
    /// The program's subcommand (`create-pool`) and its clap variant (`CreatePool`).
    pub subcommand: String,
    pub subcommand_variant: String,
    pub summary: String,
    pub description: String,
    pub source: Option<String>,
    pub decisions: Vec<String>,
    pub method: HttpMethod,
    /// The path template as the spec writes it (`/v2/{project_id}/pools`).
    pub path: String,
    pub path_segments: Vec<PathSegment>,
    pub params: Vec<Param>,
    pub request_body: Option<Body>,
    pub success: Response,
    /// The documented failures, by status.
    pub errors: Vec<ErrorResponse>,
    /// `{Operation}Error`: what the operation's method fails with, its documented failures sorted.
    pub error_enum: String,
    /// `{Operation}Input`, in the `input` module: every parameter and the body, what a server
    /// receives and a builder holds.
    pub input_type: String,
    /// `{Operation}Call`, in the `client` module: the builder the client's method gives.
    pub call_type: String,
    /// The server stubs' handler function (`__handle_{name}`).
    pub handler: String,
    pub pagination: Option<Pagination>,
    /// The table `--output table` prints the answer as.
    pub table: Option<AnswerTable>,
    /// The waiter the subcommand's `--wait` runs.
    pub then_wait: Option<ThenWait>,
    /// The operations its answer leads to, by their name.
    pub links: Vec<Link>,
}

/// How a list operation pages: linked to its parameters and its success body's members.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The query parameter (index into [`Operation::params`]) that sets the page size.
    pub page_size: Option<usize>,
    /// The query parameter that asks for the page after a token.
    pub request_token: usize,
    /// The members, from the success body down, that hold the next token.
    pub response_token: MemberPath,
    /// The success body's member holding the items: `(object, field)`.
    pub items: (TypeId, usize),
}

impl Operation {
    /// The parameters a caller gives, in spec order (path, query, then header): every one but
    /// those the client fills from its settings.
    pub fn arguments(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| !matches!(p.kind, ParamKind::ClientSetting(_)))
    }

    /// The parameters the client's method takes as arguments (the required ones a caller
    /// gives); the others are the builder's setters.
    pub fn required_arguments(&self) -> impl Iterator<Item = &Param> {
        self.arguments().filter(|p| p.required && !p.repeated)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    /// Index into [`Operation::params`].
    Param(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire_name: String,
    /// The input's field, the method argument and the program's field (`pool_name`, `user_id`).
    pub rust_name: String,
    /// The builder's setter (`rust_name`, or `{rust_name}_param` where a builder method has
    /// that name).
    pub setter: String,
    /// The program option, without its dashes (`pool-name`).
    pub flag: String,
    pub kind: ParamKind,
    pub required: bool,
    pub description: String,
    /// The value's type: path and header parameters are strings.
    pub ty: Primitive,
    /// A query parameter that repeats its key once per value (`hostip=a&hostip=b`).
    pub repeated: bool,
    /// The open enum its values are (`ty` is then [`Primitive::String`]), where the definition
    /// lists them.
    pub enum_type: Option<TypeId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Path,
    Query,
    Header,
    /// A path parameter the client fills from its own configuration.
    ClientSetting(ClientSetting),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientSetting {
    ProjectId,
}

impl ClientSetting {
    pub const ALL: [ClientSetting; 1] = [ClientSetting::ProjectId];

    pub fn spec_name(self) -> &'static str {
        match self {
            ClientSetting::ProjectId => "project_id",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub ty: TypeId,
    pub media_type: MediaType,
    /// The method argument that carries it (`body`, unless a parameter has that name).
    pub arg: String,
    pub examples: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub description: String,
    /// The body type the spec gives.
    pub body: Option<TypeId>,
    /// A 204 (No Content, RFC 9110 §15.3.5): whatever the spec says, servers send no body, so
    /// a client reads `Option` of the body type, a server answers `Option` of it, and the
    /// OpenAPI documents list no content (keeping the type as `x-definition-body`).
    pub no_content: bool,
    pub examples: Vec<serde_json::Value>,
}

/// What the generated code holds of a response's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// No body: `()`.
    Nothing,
    Body(TypeId),
    /// A body that may not come ([`Response::no_content`]): `Option` of it.
    MaybeBody(TypeId),
}

impl Response {
    pub fn answer(&self) -> Answer {
        match self.body {
            None => Answer::Nothing,
            Some(body) if self.no_content => Answer::MaybeBody(body),
            Some(body) => Answer::Body(body),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    pub response: Response,
    /// The variant of the operation's error enum (`NotFound`).
    pub variant: String,
}
