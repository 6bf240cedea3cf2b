//! The seed documents (`spec/sources/seeds/*.txt`): every row the spec took from them must still
//! be a row of their tables, as written. The importer never changes those rows; this proves they
//! are in step with the documents in the repository, so CI notices when either changes.
//!
//! A table starts after a `---|---|…|` rule; each row is one cell per column, a cell ending with
//! `|` and possibly running over several lines. Request tables have four columns (参数, 是否必选,
//! 参数类型, 描述), response tables three.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::spec::{Spec, TypeDef};

/// A seed document as read from disk.
#[derive(Debug, Clone)]
pub struct SeedFile {
    pub name: String,
    pub text: String,
}

/// One table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub name: String,
    /// 是 / 否, in four-column tables.
    pub required: Option<bool>,
    pub source_type: String,
    pub description: String,
}

/// Every row of every table of a seed document, in order.
pub fn table_rows(text: &str) -> Vec<TableRow> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut rows = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let rule = lines[i].trim();
        let is_rule = !rule.is_empty() && rule.split_terminator('|').all(|cell| cell == "---");
        i += 1;
        if !is_rule {
            continue;
        }
        let columns = rule.matches('|').count();
        // Rows until a line that cannot start one (a row's first cell is one line ending in `|`).
        while i < lines.len() && lines[i].trim_end().ends_with('|') && lines[i].trim() != "参数 |"
        {
            let mut cells = Vec::new();
            let mut cell: Vec<&str> = Vec::new();
            while cells.len() < columns && i < lines.len() {
                let line = lines[i];
                i += 1;
                match line.trim_end().strip_suffix('|') {
                    Some(last) => {
                        cell.push(last.trim_end());
                        cells.push(cell.join("\n").trim().to_owned());
                        cell.clear();
                    }
                    None => cell.push(line),
                }
            }
            if cells.len() < 3 {
                break;
            }
            let (required, source_type, description) = if cells.len() >= 4 {
                let required = match cells[1].as_str() {
                    "是" => Some(true),
                    "否" => Some(false),
                    _ => None,
                };
                (required, cells[2].clone(), cells[3].clone())
            } else {
                (None, cells[1].clone(), cells[2].clone())
            };
            rows.push(TableRow {
                name: cells[0].clone(),
                required,
                source_type,
                description,
            });
        }
    }
    rows
}

/// Reads every `.txt` seed document of a folder.
pub fn read_seeds(dir: &Path) -> Result<Vec<SeedFile>, Diagnostics> {
    let display = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostics::single(Diagnostic::file(
            &display,
            format!("cannot read the seed documents: {e}"),
        ))
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Diagnostics::single(Diagnostic::file(
                    &path.display().to_string(),
                    format!("cannot read the seed document: {e}"),
                ))
            })?;
            Ok(SeedFile {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                text,
            })
        })
        .collect()
}

/// One line per seed row of the spec that its documents do not have as written.
pub fn check(doc: &Spec, seeds: &[SeedFile]) -> Vec<String> {
    let tables: Vec<(&str, Vec<TableRow>)> = seeds
        .iter()
        .map(|s| (s.name.as_str(), table_rows(&s.text)))
        .collect();
    let mut out = Vec::new();
    let mut row = |what: String,
                   sources: Vec<&str>,
                   name: &str,
                   required: Option<bool>,
                   source_type: Option<&str>,
                   description: &str| {
        let files: Vec<&str> = sources
            .into_iter()
            .filter(|f| f.ends_with(".txt"))
            .collect();
        if files.is_empty() {
            return;
        }
        let mut candidates = Vec::new();
        for file in &files {
            match tables.iter().find(|(n, _)| n == file) {
                Some((_, rows)) => candidates.extend(rows.iter().filter(|r| r.name == name)),
                None => {
                    out.push(format!(
                        "{what}: its source {file} is not among the seed documents"
                    ));
                    return;
                }
            }
        }
        let matches = candidates.iter().any(|r| {
            Some(r.source_type.as_str()) == source_type
                && description == r.description
                && (required.is_none() || r.required.is_none() || required == r.required)
        });
        if !matches {
            let found = match candidates.first() {
                None => "no row of that name".to_owned(),
                Some(r) => format!(
                    "the row there reads {}{:?}, {:?}",
                    match r.required {
                        Some(true) => "是, ",
                        Some(false) => "否, ",
                        None => "",
                    },
                    r.source_type,
                    r.description
                ),
            };
            out.push(format!(
                "{what} is not the row of {} as written ({found})",
                files.join(" or ")
            ));
        }
    };
    for ty in &doc.types {
        let TypeDef::Object(object) = ty else {
            continue;
        };
        if object.source.is_imported() {
            continue;
        }
        for field in object.fields.iter().filter(|f| f.source.is_none()) {
            row(
                format!("seed row {}.{}", object.name, field.name),
                object.source.iter().collect(),
                &field.name,
                field.required,
                field.source_type.as_deref(),
                &field.description,
            );
        }
    }
    for op in &doc.operations {
        if op.is_imported() {
            continue;
        }
        for (place, param) in op.params().filter(|(_, p)| p.source.is_none()) {
            row(
                format!("seed {place} parameter {} of {}", param.name, op.name),
                op.source.as_deref().into_iter().collect(),
                &param.name,
                param.required,
                param.source_type.as_deref(),
                &param.description,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_run_over_lines_and_tables_have_three_or_four_columns() {
        let text = "URI\n参数 |\n是否必选 |\n参数类型 |\n描述 |\n---|---|---|---|\nproject_id |\n是 |\nString |\n用户项目ID。 |\nkind |\n是 |\nString |\n资源类型。可选值如下:\n|\n请求参数\n参数 |\n参数类型 |\n描述 |\n---|---|---|\nphase |\nString |\n状态。可选值如下:\n默认取值:不涉及。 |\n";
        let rows = table_rows(text);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].description, "资源类型。可选值如下:");
        assert_eq!(rows[1].required, Some(true));
        assert_eq!(rows[2].required, None);
        assert_eq!(rows[2].description, "状态。可选值如下:\n默认取值:不涉及。");
    }

    #[test]
    fn every_seed_row_of_the_repository_spec_is_in_its_document() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join("spec/modelarts-pools.json")).unwrap();
        let doc = crate::spec::parse("spec", &text).unwrap();
        let seeds = read_seeds(&root.join("spec/sources/seeds")).unwrap();
        assert_eq!(check(&doc, &seeds), Vec::<String>::new());
    }
}
