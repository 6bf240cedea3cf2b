//! Every place an object or an enumeration appears in the definitions: each operation's request
//! body and response bodies, walked member by member. A place ("location") is an operation, a
//! body (request or a status) and the wire names leading to it; the same definition reached from
//! ten operations is ten locations, which [`super::classes`] then gathers into one type.
//!
//! The spec's own types are laid over the same locations ([`bind`]): where the spec already has
//! an operation, the type it uses at each place is recorded, so names a person (or an earlier
//! import) chose are kept.

use std::collections::BTreeMap;

use super::prose::{self, ListedValue};
use super::swagger::{self, At, DefError, DefOp, ObjectShape, Scalar, Shape};
use crate::spec::{Spec, TypeDef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnumId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Slot {
    Request,
    Response(u16),
}

/// The context an object is used in: what a type may require depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ctx {
    Request,
    Response,
    /// A JSON merge-patch request body: its types are its own.
    Patch,
}

/// What an object location is, before names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Natural {
    /// Reached through `$ref` to this definition.
    Def(String),
    /// Written inline as the member `field` of its parent.
    Inline(String),
    /// An inline body (`{"type": "object"}`).
    Root,
}

/// A member's type, linked to the locations of the objects and enums in it.
#[derive(Debug, Clone, PartialEq)]
pub enum TyShape {
    Scalar(Scalar),
    Json,
    Array(Box<TyShape>),
    Map(Box<TyShape>),
    Object(LocId),
    Enum(EnumId),
}

impl TyShape {
    /// The object or enum inside arrays and maps.
    pub fn inner(&self) -> &TyShape {
        match self {
            TyShape::Array(inner) | TyShape::Map(inner) => inner.inner(),
            other => other,
        }
    }
}

/// One member of one object location.
#[derive(Debug, Clone)]
pub struct RowOcc {
    pub name: String,
    pub ty: TyShape,
    pub required: bool,
    pub description: String,
    pub source_type: String,
    pub min_items: Option<u64>,
    /// What the importer had to decide about this member here (sentences).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ObjLoc {
    pub op: usize,
    pub slot: Slot,
    pub path: Vec<String>,
    pub parent: Option<LocId>,
    pub ctx: Ctx,
    pub natural: Natural,
    /// The definition this narrows with `allOf` (name, the members it makes required).
    pub narrows: Option<(String, Vec<String>)>,
    /// The schema's own description, or else the referencing member's.
    pub description: Option<String>,
    pub rows: Vec<RowOcc>,
    /// `required` names that are not properties.
    pub stray_required: Vec<String>,
    /// The spec's type at this place.
    pub bound: Option<String>,
    pub file: String,
}

#[derive(Debug, Clone)]
pub struct EnumLoc {
    pub owner: LocId,
    pub field: String,
    pub values: Vec<ListedValue>,
    pub bound: Option<String>,
    pub file: String,
}

/// The locations of all operations, in discovery order: operations in the order given, request
/// before responses, responses by status, members in the definition's order, depth first.
pub struct Tree<'a> {
    pub ops: Vec<DefOp<'a>>,
    pub locs: Vec<ObjLoc>,
    pub enums: Vec<EnumLoc>,
    /// The root location of each operation's body, by (operation, slot).
    pub roots: BTreeMap<(usize, Slot), LocId>,
    /// Whether each operation's request body is a merge patch.
    pub merge_patch: Vec<bool>,
}

/// Paths nest at most this deep.
const MAX_DEPTH: usize = 40;

impl<'a> Tree<'a> {
    pub fn build(ops: Vec<DefOp<'a>>) -> Result<Self, DefError> {
        let merge_patch = ops.iter().map(is_merge_patch).collect();
        let mut tree = Tree {
            ops: Vec::new(),
            locs: Vec::new(),
            enums: Vec::new(),
            roots: BTreeMap::new(),
            merge_patch,
        };
        for (index, op) in ops.iter().enumerate() {
            if let Some(body) = &op.body {
                let ctx = if tree.merge_patch[index] {
                    Ctx::Patch
                } else {
                    Ctx::Request
                };
                let id = tree.root(
                    index,
                    Slot::Request,
                    ctx,
                    &body.schema,
                    Some(&body.description),
                )?;
                tree.roots.insert((index, Slot::Request), id);
            }
            for response in &op.responses {
                if let Some(schema) = &response.schema {
                    let slot = Slot::Response(response.status);
                    let id = tree.root(index, slot, Ctx::Response, schema, None)?;
                    tree.roots.insert((index, slot), id);
                }
            }
        }
        tree.ops = ops;
        Ok(tree)
    }

    fn root(
        &mut self,
        op: usize,
        slot: Slot,
        ctx: Ctx,
        schema: &At<'a>,
        description: Option<&str>,
    ) -> Result<LocId, DefError> {
        let object = match swagger::shape(schema)? {
            Shape::Object(object) => object,
            Shape::FreeObject | Shape::Json => ObjectShape {
                def_name: None,
                narrows: None,
                description: schema.get_str("description")?.map(str::to_owned),
                properties: Vec::new(),
                required: Vec::new(),
                at: schema.clone(),
            },
            _ => {
                return Err(schema
                    .error("a body must be a JSON object (the spec's bodies are object types)"));
            }
        };
        let natural = match &object.def_name {
            Some(name) => Natural::Def(name.clone()),
            None => Natural::Root,
        };
        self.object(
            op,
            slot,
            Vec::new(),
            None,
            ctx,
            natural,
            object,
            description,
            &[],
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        op: usize,
        slot: Slot,
        path: Vec<String>,
        parent: Option<LocId>,
        ctx: Ctx,
        natural: Natural,
        object: ObjectShape<'a>,
        referencing: Option<&str>,
        ancestors: &[(String, LocId)],
    ) -> Result<LocId, DefError> {
        if path.len() > MAX_DEPTH {
            return Err(object
                .at
                .error(format!("objects nest more than {MAX_DEPTH} deep")));
        }
        let id = LocId(self.locs.len());
        let file = object.at.node.file.name.clone();
        let description = object
            .description
            .clone()
            .or_else(|| referencing.map(str::to_owned))
            .filter(|d| !d.is_empty());
        self.locs.push(ObjLoc {
            op,
            slot,
            path: path.clone(),
            parent,
            ctx,
            natural,
            narrows: object.narrows.clone(),
            description,
            rows: Vec::new(),
            stray_required: object
                .required
                .iter()
                .filter(|name| !object.properties.iter().any(|(p, _)| p == *name))
                .cloned()
                .collect(),
            bound: None,
            file,
        });
        let mut ancestors = ancestors.to_vec();
        if let Some(def) = &object.def_name {
            ancestors.push((def.clone(), id));
        }
        let mut rows = Vec::new();
        for (name, at) in &object.properties {
            let description = at.get_str("description")?.unwrap_or_default().to_owned();
            let mut notes = Vec::new();
            let shape = swagger::shape(at)?;
            let min_items = match &shape {
                Shape::Array { min_items, .. } => *min_items,
                _ => None,
            };
            let mut child_path = path.clone();
            child_path.push(name.clone());
            let ty = self.link(
                op,
                slot,
                &child_path,
                id,
                ctx,
                name,
                shape,
                &description,
                &ancestors,
                &mut notes,
            )?;
            rows.push(RowOcc {
                name: name.clone(),
                ty,
                required: object.required.contains(name),
                description,
                source_type: swagger::describe(at),
                min_items,
                notes,
            });
        }
        self.locs[id.0].rows = rows;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn link(
        &mut self,
        op: usize,
        slot: Slot,
        path: &[String],
        owner: LocId,
        ctx: Ctx,
        field: &str,
        shape: Shape<'a>,
        description: &str,
        ancestors: &[(String, LocId)],
        notes: &mut Vec<String>,
    ) -> Result<TyShape, DefError> {
        Ok(match shape {
            Shape::Scalar {
                scalar,
                keyword_values,
                note,
            } => {
                notes.extend(note);
                let listed = prose::listed_values(description);
                match scalar {
                    Scalar::String => {
                        let values = match (keyword_values, listed) {
                            (Some(keyword), Some(listed))
                                if keyword.len() != listed.len()
                                    || keyword
                                        .iter()
                                        .any(|k| !listed.iter().any(|l| l.value == *k)) =>
                            {
                                notes.push(format!(
                                    "The definition's enum keyword lists {}, but its description lists {}; the description's list is used.",
                                    keyword.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", "),
                                    listed_text(&listed)
                                ));
                                Some(listed)
                            }
                            (Some(keyword), listed) => Some(
                                keyword
                                    .into_iter()
                                    .map(|value| {
                                        let meaning = listed.as_ref().and_then(|l| {
                                            l.iter().find(|v| v.value == value)?.meaning.clone()
                                        });
                                        ListedValue { value, meaning }
                                    })
                                    .collect(),
                            ),
                            (None, listed) => listed,
                        };
                        let words = values.as_ref().is_some_and(|values| {
                            values.iter().any(|v| {
                                v.value.chars().any(|c| !c.is_ascii() || c.is_whitespace())
                            })
                        });
                        if words && let Some(values) = &values {
                            notes.push(format!(
                                "The description lists {} as its values; they describe values rather than name them, so the member stays a string.",
                                listed_text(values)
                            ));
                        }
                        match values.filter(|_| !words) {
                            Some(values) => {
                                let id = EnumId(self.enums.len());
                                self.enums.push(EnumLoc {
                                    owner,
                                    field: field.to_owned(),
                                    values,
                                    bound: None,
                                    file: self.locs[owner.0].file.clone(),
                                });
                                TyShape::Enum(id)
                            }
                            None => TyShape::Scalar(scalar),
                        }
                    }
                    Scalar::Boolean => TyShape::Scalar(scalar),
                    Scalar::Integer | Scalar::Int32 | Scalar::Number => {
                        if let Some(listed) = listed {
                            notes.push(format!(
                                "The description lists the values {}; the format's enums are strings, so the member stays {}.",
                                listed_text(&listed),
                                scalar.type_expr()
                            ));
                        }
                        TyShape::Scalar(scalar)
                    }
                }
            }
            Shape::Object(object) => {
                if let Some((_, ancestor)) = object
                    .def_name
                    .as_ref()
                    .and_then(|def| ancestors.iter().find(|(name, _)| name == def))
                {
                    return Ok(TyShape::Object(*ancestor));
                }
                let natural = match &object.def_name {
                    Some(name) => Natural::Def(name.clone()),
                    None => Natural::Inline(field.to_owned()),
                };
                TyShape::Object(self.object(
                    op,
                    slot,
                    path.to_vec(),
                    Some(owner),
                    ctx,
                    natural,
                    object,
                    Some(description),
                    ancestors,
                )?)
            }
            Shape::Array { items, .. } => TyShape::Array(Box::new(self.link(
                op,
                slot,
                path,
                owner,
                ctx,
                field,
                *items,
                description,
                ancestors,
                notes,
            )?)),
            Shape::Map(inner) => TyShape::Map(Box::new(self.link(
                op,
                slot,
                path,
                owner,
                ctx,
                field,
                *inner,
                description,
                ancestors,
                notes,
            )?)),
            Shape::FreeObject => TyShape::Map(Box::new(TyShape::Json)),
            Shape::Json => TyShape::Json,
            Shape::Unknown(reason) => {
                notes.push(format!(
                    "The definition's schema here says nothing the format can hold ({reason}); it is json."
                ));
                TyShape::Json
            }
        })
    }

    /// The object or enum location of member `field` of `loc`, if it has one.
    pub fn child(&self, loc: LocId, field: &str) -> Option<&TyShape> {
        self.locs[loc.0]
            .rows
            .iter()
            .find(|row| row.name == field)
            .map(|row| row.ty.inner())
    }
}

/// `a (甲), b (乙)`.
pub fn listed_text(values: &[ListedValue]) -> String {
    values
        .iter()
        .map(|v| format!("{:?}", v.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A PATCH whose Content-Type header names a merge patch, or whose definitions say nothing else.
pub fn is_merge_patch(op: &DefOp<'_>) -> bool {
    op.method == "PATCH" && content_type(op).is_some_and(|media| media.contains("merge-patch"))
}

/// The media type a required `Content-Type` header parameter asks for.
pub fn content_type(op: &DefOp<'_>) -> Option<String> {
    let param = op.params.iter().find(|p| {
        p.location == swagger::ParamIn::Header && p.name.eq_ignore_ascii_case("Content-Type")
    })?;
    if let Some(values) = prose::listed_values(&param.description)
        && let [only] = values.as_slice()
    {
        return Some(only.value.clone());
    }
    let text = param.description.trim().trim_end_matches('。');
    text.split_whitespace()
        .find(|word| word.contains('/'))
        .map(|word| word.trim_end_matches(['。', '.']).to_owned())
}

/// Lays the spec's types over the locations: for each operation the spec already has, the type
/// it uses at each place. The first binding of a place wins.
pub fn bind(tree: &mut Tree<'_>, doc: &Spec) {
    let types: BTreeMap<&str, &TypeDef> = doc.types.iter().map(|t| (t.name(), t)).collect();
    for spec_op in &doc.operations {
        let Some(index) = tree.ops.iter().position(|op| matches_op(spec_op, op)) else {
            continue;
        };
        if let (Some(body), Some(&root)) = (
            &spec_op.request_body,
            tree.roots.get(&(index, Slot::Request)),
        ) {
            bind_object(tree, &types, &body.type_name, root);
        }
        for response in &spec_op.responses {
            if let (Some(body), Some(&root)) = (
                &response.body,
                tree.roots.get(&(index, Slot::Response(response.status))),
            ) {
                bind_object(tree, &types, body, root);
            }
        }
    }
}

/// Whether a spec operation is the one a definition describes: by operation ID, or for an
/// operation without one (the seeds'), by its name.
pub fn matches_op(spec_op: &crate::spec::Operation, op: &DefOp<'_>) -> bool {
    match &spec_op.operation_id {
        Some(id) => *id == op.operation_id,
        None => {
            crate::naming::snake_case(&op.operation_id).as_deref() == Some(spec_op.name.as_str())
        }
    }
}

fn bind_object(tree: &mut Tree<'_>, types: &BTreeMap<&str, &TypeDef>, name: &str, loc: LocId) {
    if tree.locs[loc.0].bound.is_some() {
        return;
    }
    let Some(TypeDef::Object(object)) = types.get(name) else {
        return;
    };
    tree.locs[loc.0].bound = Some(name.to_owned());
    for field in &object.fields {
        let Some(inner) = inner_name(&field.type_expr) else {
            continue;
        };
        match (tree.child(loc, &field.name).cloned(), types.get(inner)) {
            (Some(TyShape::Object(child)), Some(TypeDef::Object(_))) => {
                bind_object(tree, types, inner, child);
            }
            (Some(TyShape::Enum(id)), Some(TypeDef::Enum(_) | TypeDef::Flags(_))) => {
                tree.enums[id.0]
                    .bound
                    .get_or_insert_with(|| inner.to_owned());
            }
            _ => {}
        }
    }
}

/// The type name inside `array<…>` and `map<…>`, if the expression names one.
pub fn inner_name(expr: &str) -> Option<&str> {
    let mut rest = expr.trim();
    while let Some(inner) = rest
        .strip_prefix("array<")
        .or_else(|| rest.strip_prefix("map<"))
    {
        rest = inner.strip_suffix('>')?.trim();
    }
    rest.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(rest)
}
