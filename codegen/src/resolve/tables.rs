//! Tables: the columns `--output table` prints, their member paths checked against the types;
//! and, for each operation, whether its answer is a row or holds an array of rows.

use super::Resolver;
use crate::model::{
    AnswerTable, Column, MemberPath, Operation, Table, TypeEntry, TypeId, TypeKind, TypeRef, Waiter,
};
use crate::naming;
use crate::spec::TableDef;

/// The type a dotted wire path reaches from `from`, with the members it goes through, or a
/// message saying where it stops.
pub(super) fn follow<'t>(
    types: &'t [TypeEntry],
    from: TypeId,
    path: &str,
) -> Result<(&'t TypeRef, MemberPath), String> {
    let mut object = from;
    let mut chain = Vec::new();
    let steps: Vec<&str> = path.split('.').collect();
    for (i, step) in steps.iter().enumerate() {
        let TypeKind::Object(o) = &types[object.0].kind else {
            return Err(format!("{} is not an object", types[object.0].name));
        };
        let Some(index) = o.fields.iter().position(|f| f.wire_name == *step) else {
            let known: Vec<&str> = o.fields.iter().map(|f| f.wire_name.as_str()).collect();
            return Err(format!(
                "{} has no member {step:?} (it has {})",
                types[object.0].name,
                known.join(", ")
            ));
        };
        chain.push((object, index));
        let ty = &o.fields[index].ty;
        if i + 1 == steps.len() {
            return Ok((
                ty,
                MemberPath {
                    steps: chain,
                    wire: steps.join("."),
                },
            ));
        }
        match ty {
            TypeRef::Named(id) => object = *id,
            _ => {
                return Err(format!(
                    "{:?} is not an object, so the path cannot go on to {:?}",
                    steps[..=i].join("."),
                    steps[i + 1]
                ));
            }
        }
    }
    Err("the path is empty".to_owned())
}

pub(super) fn resolve_tables(
    r: &mut Resolver<'_>,
    defs: &[TableDef],
    types: &[TypeEntry],
    operations: &mut [Operation],
    waiters: &mut [Waiter],
) -> Vec<Table> {
    let mut tables: Vec<Table> = Vec::new();
    for (i, def) in defs.iter().enumerate() {
        let base = format!("$.tables[{i}]");
        let Some(ty) = types
            .iter()
            .position(|t| t.name == def.type_name)
            .map(TypeId)
        else {
            r.error(
                format!("{base}.type"),
                format!("{:?} is not a type of the spec", def.type_name),
            );
            continue;
        };
        if !matches!(types[ty.0].kind, TypeKind::Object(_)) {
            r.error(
                format!("{base}.type"),
                format!("{} is not an object type", def.type_name),
            );
            continue;
        }
        if tables.iter().any(|t| t.ty == ty) {
            r.error(
                format!("{base}.type"),
                format!("{} has a table already", def.type_name),
            );
            continue;
        }
        if def.columns.is_empty() {
            r.error(
                format!("{base}.columns"),
                "a table needs at least one column",
            );
        }
        let mut columns = Vec::new();
        for (j, column) in def.columns.iter().enumerate() {
            let at = format!("{base}.columns[{j}]");
            let mut scope = Some(ty);
            let mut each_path = None;
            if let Some(each) = &column.each {
                scope = match follow(types, ty, each) {
                    Ok((TypeRef::Array(item), path)) => match item.as_ref() {
                        TypeRef::Named(id) => {
                            each_path = Some(path);
                            Some(*id)
                        }
                        _ => {
                            r.error(
                                format!("{at}.each"),
                                format!("{each:?} is not an array of objects"),
                            );
                            None
                        }
                    },
                    Ok(_) => {
                        r.error(format!("{at}.each"), format!("{each:?} is not an array"));
                        None
                    }
                    Err(message) => {
                        r.error(format!("{at}.each"), message);
                        None
                    }
                };
            }
            if column.values.is_empty() {
                r.error(
                    format!("{at}.values"),
                    "a column needs at least one value path",
                );
            }
            let mut values = Vec::new();
            if let Some(scope) = scope {
                for (k, value) in column.values.iter().enumerate() {
                    match follow(types, scope, value) {
                        Ok((_, path)) => values.push(path),
                        Err(message) => r.error(format!("{at}.values[{k}]"), message),
                    }
                }
            }
            columns.push(Column {
                header: column.header.clone(),
                values,
                each: each_path,
                join: column.join.clone().unwrap_or_else(|| " ".to_owned()),
            });
        }
        tables.push(Table {
            ty,
            const_name: naming::columns_const(tables.len()),
            columns,
        });
    }
    for op in operations.iter_mut() {
        let Some(body) = op.success.body else {
            continue;
        };
        op.table = tables
            .iter()
            .position(|t| t.ty == body)
            .map(|table| AnswerTable { table, rows: None })
            .or_else(|| {
                let TypeKind::Object(o) = &types[body.0].kind else {
                    return None;
                };
                o.fields.iter().find_map(|f| match &f.ty {
                    TypeRef::Array(item) => {
                        let item = item.named()?;
                        let table = tables.iter().position(|t| t.ty == item)?;
                        Some(AnswerTable {
                            table,
                            rows: Some(f.wire_name.clone()),
                        })
                    }
                    _ => None,
                })
            });
    }
    for waiter in waiters.iter_mut() {
        waiter.table = match &waiter.select {
            None => operations[waiter.operation].table.clone(),
            Some(select) => tables
                .iter()
                .position(|t| t.ty == select.item)
                .map(|table| AnswerTable { table, rows: None }),
        };
    }
    tables
}
