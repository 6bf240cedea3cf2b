//! `service.modules` and each type's and operation's `module`: declared once, named as Rust
//! modules can be, and known; for each module, whether its types name types kept elsewhere (its
//! file then imports them).

use std::collections::BTreeMap;

use super::{Resolver, TypeTable};
use crate::model::{Module, TypeEntry, TypeKind};
use crate::naming;
use crate::spec::Spec;

/// The modules, and each type's (set on `types`).
pub fn resolve_modules(
    r: &mut Resolver<'_>,
    spec: &Spec,
    table: &TypeTable<'_>,
    types: &mut [TypeEntry],
) -> Vec<Module> {
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    let mut modules = Vec::new();
    for (i, def) in spec.service.modules.iter().enumerate() {
        let path = format!("$.service.modules[{i}].name");
        let name = def.name.as_str();
        if naming::snake_case(name).as_deref() != Some(name) || naming::is_keyword(name) {
            r.error(
                path,
                format!("module name {name:?} must be a snake_case Rust identifier that is not a keyword (such as \"node_pools\")"),
            );
            continue;
        }
        if by_name.contains_key(name) {
            r.error(path, format!("module {name:?} is declared twice"));
            continue;
        }
        by_name.insert(name, modules.len());
        if def.description.chars().any(char::is_control) {
            r.error(
                format!("$.service.modules[{i}].description"),
                "a module's description is one line without control characters",
            );
        }
        modules.push(Module {
            name: name.to_owned(),
            description: def.description.clone(),
            names_other_modules: false,
        });
    }
    let known = |r: &mut Resolver<'_>, path: String, module: Option<&str>| {
        let module = module?;
        let found = by_name.get(module).copied();
        if found.is_none() {
            let declared: Vec<&str> = by_name.keys().copied().collect();
            r.error(
                path,
                format!(
                    "module {module:?} is not declared in service.modules (declared: {})",
                    if declared.is_empty() {
                        "none".to_owned()
                    } else {
                        declared.join(", ")
                    }
                ),
            );
        }
        found
    };
    for (i, op) in spec.operations.iter().enumerate() {
        known(r, format!("$.operations[{i}].module"), op.module.as_deref());
    }
    for (i, def) in spec.types.iter().enumerate() {
        let module = known(r, format!("$.types[{i}].module"), def.module());
        if let Some(id) = table.get(def.name()) {
            types[id.0].module = module;
        }
    }
    for entry in types.iter() {
        let TypeKind::Object(object) = &entry.kind else {
            continue;
        };
        let Some(module) = entry.module else {
            continue;
        };
        if object
            .fields
            .iter()
            .filter_map(|f| f.ty.named())
            .any(|target| types[target.0].module != Some(module))
        {
            modules[module].names_other_modules = true;
        }
    }
    modules
}
