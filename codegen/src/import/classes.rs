//! Which locations are one type, and what each type is called.
//!
//! Locations are gathered into classes:
//! - a place the spec already names (bound) is that name's class; the definition (or inline
//!   member) there is then claimed by the name, so the same definition elsewhere joins it,
//!   unless the name is an operation's own body name (`CreatePoolResponse`);
//! - otherwise a definition is one class per context: a merge-patch body's own, and one shared
//!   by requests and responses, unless some request requires one of its members (responses
//!   promise none), in which case requests and responses each have one;
//! - an inline object is one class per parent class and member name.
//!
//! Names: a bound class keeps its name; otherwise the definition's name, with `Request` or
//! `Response` added where requests and responses have a type each; `{OperationId}Request` for a
//! merge-patch body and `{Base}Patch` for the types in it; `{Parent}{Member}` for inline objects
//! and for a definition whose name is taken; a number added while a name is still taken.
//! Enumerations: a bound one keeps its name; the same member with the same values is one enum,
//! named `{Owner}{Member}` after the shortest name among the types using it (`WorkloadType`),
//! except that a one-value enum used by types of different families (names that do not start
//! with the shortest) is `{Value}{Member}` (`NodePoolKind`, `V1ApiVersion`).

use std::collections::{BTreeMap, BTreeSet};

use super::tree::{Ctx, EnumId, LocId, Natural, Slot, Tree, TyShape};
use crate::naming;
use crate::spec::Spec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CtxKey {
    Any,
    Request,
    Response,
    Patch,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClassKey {
    Named(String),
    Def(String, CtxKey),
    Inline(Box<ClassKey>, String),
    Root(usize, Slot),
    /// An error response body of plain members: one class per set of members and types, so
    /// every operation's `{error_code, error_msg}` is one type whatever its definition is called.
    ErrorBody(Vec<(String, String)>),
}

#[derive(Debug, Clone)]
pub struct Class {
    pub key: ClassKey,
    /// In discovery order.
    pub locs: Vec<LocId>,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct EnumClass {
    pub locs: Vec<EnumId>,
    pub name: String,
    /// Named by the spec.
    pub bound: bool,
}

pub struct Classes {
    pub of_loc: Vec<usize>,
    pub classes: Vec<Class>,
    pub of_enum: Vec<usize>,
    pub enums: Vec<EnumClass>,
}

impl Classes {
    pub fn name_of(&self, loc: LocId) -> &str {
        &self.classes[self.of_loc[loc.0]].name
    }

    pub fn enum_name(&self, id: EnumId) -> &str {
        &self.enums[self.of_enum[id.0]].name
    }

    /// A member's type expression.
    pub fn type_expr(&self, ty: &TyShape) -> String {
        match ty {
            TyShape::Scalar(scalar) => scalar.type_expr().to_owned(),
            TyShape::Json => "json".to_owned(),
            TyShape::Array(inner) => format!("array<{}>", self.type_expr(inner)),
            TyShape::Map(inner) => format!("map<{}>", self.type_expr(inner)),
            TyShape::Object(loc) => self.name_of(*loc).to_owned(),
            TyShape::Enum(id) => self.enum_name(*id).to_owned(),
        }
    }
}

fn request_looking(def: &str) -> bool {
    ["Request", "RequestBody", "Req"]
        .iter()
        .any(|suffix| def.ends_with(suffix))
}

/// `PoolSpecUpdate` → `PoolSpec`, `PoolUpdateRequest` → `Pool`.
fn patch_base(def: &str) -> &str {
    let mut base = def;
    loop {
        let next = ["RequestBody", "Request", "Body", "Update"]
            .iter()
            .find_map(|suffix| base.strip_suffix(suffix).filter(|b| !b.is_empty()));
        match next {
            Some(b) => base = b,
            None => return base,
        }
    }
}

/// `os.modelarts/billing.mode` → `BillingMode`.
pub fn member_camel(field: &str) -> String {
    let last = field.rsplit('/').next().unwrap_or(field);
    naming::upper_camel_case(last)
        .or_else(|| naming::upper_camel_case(field))
        .map(|name| name.trim_start_matches('_').to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "Member".to_owned())
}

fn usable(name: &str) -> bool {
    naming::is_upper_camel_ident(name) && !naming::RESERVED_TYPE_NAMES.contains(&name)
}

pub fn compute(tree: &Tree<'_>, doc: &Spec) -> Classes {
    // Definitions some request requires a member of, and the contexts each definition is in.
    let mut requires = BTreeSet::new();
    for loc in &tree.locs {
        if let (Natural::Def(def), Ctx::Request) = (&loc.natural, loc.ctx)
            && (loc.rows.iter().any(|row| row.required) || !loc.stray_required.is_empty())
        {
            requires.insert(def.clone());
        }
    }
    let ctx_key = |def: &str, ctx: Ctx| match ctx {
        Ctx::Patch => CtxKey::Patch,
        _ if !requires.contains(def) => CtxKey::Any,
        Ctx::Request => CtxKey::Request,
        Ctx::Response => CtxKey::Response,
    };
    let op_owned = |loc: &super::tree::ObjLoc, name: &str| {
        loc.parent.is_none() && {
            let id = &tree.ops[loc.op].operation_id;
            name == format!("{id}Request") || name == format!("{id}Response")
        }
    };
    let natural = |index: usize, keys: &[ClassKey]| -> ClassKey {
        let loc = &tree.locs[index];
        if loc.parent.is_none()
            && matches!(loc.slot, Slot::Response(status) if status >= 400)
            && !loc.rows.is_empty()
            && let Some(mut members) = loc
                .rows
                .iter()
                .map(|row| match &row.ty {
                    TyShape::Scalar(scalar) => {
                        Some((row.name.clone(), scalar.type_expr().to_owned()))
                    }
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
        {
            members.sort();
            return ClassKey::ErrorBody(members);
        }
        match &loc.natural {
            Natural::Def(def) if loc.narrows.is_none() => {
                ClassKey::Def(def.clone(), ctx_key(def, loc.ctx))
            }
            Natural::Root | Natural::Def(_) if loc.parent.is_none() => {
                ClassKey::Root(loc.op, loc.slot)
            }
            Natural::Def(_) | Natural::Inline(_) | Natural::Root => {
                let parent = loc.parent.expect("a member has a parent");
                let field = loc.path.last().cloned().unwrap_or_default();
                ClassKey::Inline(Box::new(keys[parent.0].clone()), field)
            }
        }
    };

    // Class keys to a fixed point: a claim can change a parent's key, which changes its inline
    // children's natural keys.
    let count = tree.locs.len();
    let mut keys: Vec<ClassKey> = Vec::with_capacity(count);
    for index in 0..count {
        let key = natural(index, &keys);
        keys.push(key);
    }
    for _ in 0..64 {
        let mut claims: BTreeMap<ClassKey, String> = BTreeMap::new();
        for (index, loc) in tree.locs.iter().enumerate() {
            if let Some(name) = &loc.bound
                && !op_owned(loc, name)
            {
                claims
                    .entry(natural(index, &keys))
                    .or_insert_with(|| name.clone());
            }
        }
        // A member has one type: the objects found at one member of one class are one class,
        // the first one's.
        let mut rows: BTreeMap<(ClassKey, String), ClassKey> = BTreeMap::new();
        let mut next: Vec<ClassKey> = Vec::with_capacity(count);
        for (index, loc) in tree.locs.iter().enumerate() {
            let row = loc.parent.map(|parent| {
                (
                    next[parent.0].clone(),
                    loc.path.last().cloned().unwrap_or_default(),
                )
            });
            let key = match (&loc.bound, row.as_ref().and_then(|r| rows.get(r))) {
                (Some(name), _) => ClassKey::Named(name.clone()),
                (None, Some(first)) => first.clone(),
                (None, None) => {
                    let own = natural(index, &next);
                    match claims.get(&own) {
                        Some(name) => ClassKey::Named(name.clone()),
                        None => own,
                    }
                }
            };
            if let Some(row) = row {
                rows.entry(row).or_insert_with(|| key.clone());
            }
            next.push(key);
        }
        if next == keys {
            break;
        }
        keys = next;
    }

    let mut index_of: BTreeMap<ClassKey, usize> = BTreeMap::new();
    let mut classes: Vec<Class> = Vec::new();
    let mut of_loc = Vec::with_capacity(count);
    for (index, key) in keys.iter().enumerate() {
        let class = *index_of.entry(key.clone()).or_insert_with(|| {
            classes.push(Class {
                key: key.clone(),
                locs: Vec::new(),
                name: String::new(),
            });
            classes.len() - 1
        });
        classes[class].locs.push(LocId(index));
        of_loc.push(class);
    }

    let mut taken: BTreeSet<String> = doc.types.iter().map(|t| t.name().to_owned()).collect();
    name_objects(tree, &mut classes, &of_loc, &mut taken);
    let (of_enum, enums) = enum_classes(tree, &classes, &of_loc, &mut taken);
    Classes {
        of_loc,
        classes,
        of_enum,
        enums,
    }
}

fn name_objects(
    tree: &Tree<'_>,
    classes: &mut [Class],
    of_loc: &[usize],
    taken: &mut BTreeSet<String>,
) {
    let defs_with = |ctx: CtxKey| -> BTreeSet<String> {
        classes
            .iter()
            .filter_map(|c| match &c.key {
                ClassKey::Def(def, k) if *k == ctx => Some(def.clone()),
                _ => None,
            })
            .collect()
    };
    let request_defs = defs_with(CtxKey::Request);
    let response_defs = defs_with(CtxKey::Response);
    let split = |def: &str| request_defs.contains(def) && response_defs.contains(def);

    for class in classes.iter_mut() {
        if let ClassKey::Named(name) = &class.key {
            class.name = name.clone();
            taken.insert(name.clone());
        }
    }

    // Preferred names, in priority order: definitions first (responses before requests, except
    // where the definition's own name says it is a request), then merge-patch types, then bodies.
    let op_id = |class: &Class| tree.ops[tree.locs[class.locs[0].0].op].operation_id.clone();
    let is_root = |class: &Class| tree.locs[class.locs[0].0].parent.is_none();
    let mut order: Vec<(u8, usize)> = Vec::new();
    for (index, class) in classes.iter().enumerate() {
        let priority = match &class.key {
            ClassKey::Named(_) | ClassKey::Inline(..) => continue,
            ClassKey::Def(def, CtxKey::Request) if request_looking(def) => 0,
            ClassKey::Def(def, CtxKey::Response) if request_looking(def) && split(def) => 2,
            ClassKey::Def(_, CtxKey::Any | CtxKey::Response) => 1,
            ClassKey::Def(_, CtxKey::Request) => 2,
            ClassKey::Def(_, CtxKey::Patch) => 3,
            ClassKey::Root(..) => 4,
            ClassKey::ErrorBody(_) => 5,
        };
        order.push((priority, index));
    }
    order.sort();
    for (_, index) in order {
        let class = &classes[index];
        let id = op_id(class);
        let preferred = match &class.key {
            ClassKey::Def(_, CtxKey::Patch) if is_root(class) => format!("{id}Request"),
            ClassKey::Def(def, CtxKey::Patch) => format!("{}Patch", patch_base(def)),
            ClassKey::Def(def, CtxKey::Request) if split(def) && !request_looking(def) => {
                format!("{def}Request")
            }
            ClassKey::Def(def, CtxKey::Response) if split(def) && request_looking(def) => {
                if is_root(class) {
                    format!("{id}Response")
                } else {
                    format!("{def}Response")
                }
            }
            // A request body definition that an operation answers with (the node pool it was
            // sent, echoed): named as that operation's response.
            ClassKey::Def(def, _)
                if request_looking(def)
                    && is_root(class)
                    && matches!(tree.locs[class.locs[0].0].slot, Slot::Response(_)) =>
            {
                format!("{id}Response")
            }
            ClassKey::Def(def, _) => def.clone(),
            ClassKey::Root(_, Slot::Request) => format!("{id}Request"),
            ClassKey::Root(_, Slot::Response(status)) if (200..300).contains(status) => {
                format!("{id}Response")
            }
            ClassKey::Root(_, Slot::Response(status)) => format!("{id}Response{status}"),
            ClassKey::ErrorBody(_) => match &tree.locs[class.locs[0].0].natural {
                Natural::Def(def) => def.clone(),
                _ => format!("{id}Error"),
            },
            ClassKey::Named(_) | ClassKey::Inline(..) => continue,
        };
        if usable(&preferred) && !taken.contains(&preferred) {
            taken.insert(preferred.clone());
            classes[index].name = preferred;
        }
    }

    // The rest, parents first: `{Parent}{Member}`, then a number.
    for index in 0..classes.len() {
        if !classes[index].name.is_empty() {
            continue;
        }
        let first = &tree.locs[classes[index].locs[0].0];
        let candidate = match first.parent {
            Some(parent) => {
                let parent_name = classes[of_loc[parent.0]].name.clone();
                let member =
                    member_camel(first.path.last().map(String::as_str).unwrap_or("member"));
                match (first.ctx, parent_name.strip_suffix("Patch")) {
                    (Ctx::Patch, Some(base)) => format!("{base}{member}Patch"),
                    _ => format!("{parent_name}{member}"),
                }
            }
            None => format!("{}Body", tree.ops[first.op].operation_id),
        };
        let candidate = if usable(&candidate) {
            candidate
        } else {
            format!("Type{candidate}")
        };
        let name = free_name(&candidate, taken);
        classes[index].name = name;
    }
}

fn free_name(candidate: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = candidate.to_owned();
    let mut n = 2;
    while taken.contains(&name) || !usable(&name) {
        name = format!("{candidate}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum EnumKey {
    Named(String),
    At(usize, String),
}

fn enum_classes(
    tree: &Tree<'_>,
    classes: &[Class],
    of_loc: &[usize],
    taken: &mut BTreeSet<String>,
) -> (Vec<usize>, Vec<EnumClass>) {
    let natural = |id: usize| {
        let e = &tree.enums[id];
        EnumKey::At(of_loc[e.owner.0], e.field.clone())
    };
    let mut claims: BTreeMap<EnumKey, String> = BTreeMap::new();
    for (id, e) in tree.enums.iter().enumerate() {
        if let Some(name) = &e.bound {
            claims.entry(natural(id)).or_insert_with(|| name.clone());
        }
    }
    let keys: Vec<EnumKey> = (0..tree.enums.len())
        .map(|id| match &tree.enums[id].bound {
            Some(name) => EnumKey::Named(name.clone()),
            None => {
                let own = natural(id);
                claims
                    .get(&own)
                    .map(|n| EnumKey::Named(n.clone()))
                    .unwrap_or(own)
            }
        })
        .collect();

    // Groups by key, then unnamed groups with the same member name and values as another group
    // join the first such group.
    let mut group_of_key: BTreeMap<EnumKey, usize> = BTreeMap::new();
    let mut groups: Vec<(EnumKey, Vec<usize>)> = Vec::new();
    for (id, key) in keys.iter().enumerate() {
        let g = *group_of_key.entry(key.clone()).or_insert_with(|| {
            groups.push((key.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(id);
    }
    let values = |members: &[usize]| -> BTreeSet<String> {
        members
            .iter()
            .flat_map(|id| tree.enums[*id].values.iter().map(|v| v.value.clone()))
            .collect()
    };
    let mut signature_home: BTreeMap<(String, BTreeSet<String>), usize> = BTreeMap::new();
    // Named groups are homes first.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|g| (!matches!(groups[*g].0, EnumKey::Named(_)), *g));
    let mut home = vec![usize::MAX; groups.len()];
    for g in order {
        let members = groups[g].1.clone();
        let set = values(&members);
        let fields: BTreeSet<String> = members
            .iter()
            .map(|id| tree.enums[*id].field.clone())
            .collect();
        if matches!(groups[g].0, EnumKey::Named(_)) {
            home[g] = g;
            for field in fields {
                signature_home.entry((field, set.clone())).or_insert(g);
            }
            continue;
        }
        let field = fields.into_iter().next().unwrap_or_default();
        home[g] = *signature_home.entry((field, set)).or_insert(g);
    }

    let mut enums: Vec<EnumClass> = Vec::new();
    let mut class_of_group: BTreeMap<usize, usize> = BTreeMap::new();
    let mut of_enum = vec![0; tree.enums.len()];
    for (g, (key, members)) in groups.iter().enumerate() {
        let target = home[g];
        let class = *class_of_group.entry(target).or_insert_with(|| {
            let (name, bound) = match &groups[target].0 {
                EnumKey::Named(name) => (name.clone(), true),
                EnumKey::At(owner, field) => (
                    format!("{}{}", classes[*owner].name, member_camel(field)),
                    false,
                ),
            };
            enums.push(EnumClass {
                locs: Vec::new(),
                name,
                bound,
            });
            enums.len() - 1
        });
        let _ = key;
        for id in members {
            enums[class].locs.push(EnumId(*id));
            of_enum[*id] = class;
        }
    }
    // Unnamed enums get free names in discovery order of their first location, after the
    // shortest name among the types that use them (`NetworkKind` rather than
    // `NetworkCreationRequestKind` for the kind that Network and its creation request share).
    let mut order: Vec<usize> = (0..enums.len()).filter(|e| !enums[*e].bound).collect();
    order.sort_by_key(|e| enums[*e].locs.iter().min().copied());
    for e in order {
        let first = &tree.enums[enums[e].locs[0].0];
        let owners: Vec<&str> = enums[e]
            .locs
            .iter()
            .map(|id| classes[of_loc[tree.enums[id.0].owner.0]].name.as_str())
            .collect();
        let shortest = owners
            .iter()
            .copied()
            .min_by_key(|name| name.len())
            .unwrap_or_default();
        let family = owners.iter().all(|owner| {
            owner.strip_prefix(shortest).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
            })
        });
        let member = member_camel(&first.field);
        let values: BTreeSet<&str> = enums[e]
            .locs
            .iter()
            .flat_map(|id| tree.enums[id.0].values.iter().map(|v| v.value.as_str()))
            .collect();
        let candidate = match values.iter().next() {
            Some(only) if values.len() == 1 && !family => {
                format!("{}{member}", super::names::variant_name(only, 0))
            }
            _ => format!("{shortest}{member}"),
        };
        enums[e].name = free_name(&candidate, taken);
    }
    for e in &enums {
        if e.bound {
            taken.insert(e.name.clone());
        }
    }
    (of_enum, enums)
}
