//! What the program prints: the answer as pretty JSON (the default, for scripts), or as a table
//! of the columns a person scans, as the spec's `tables` choose them.

use serde_json::Value;

/// `--output`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// Pretty JSON, exactly the answer's members.
    #[default]
    Json,
    /// Aligned columns; answers without a table in the spec print one `member value` line per
    /// leaf.
    Table,
}

/// The columns of a table, and where its rows are.
#[derive(Debug)]
pub struct Table {
    /// The member of the answer holding the rows (an array); `None`: the answer is the one row.
    pub rows: Option<&'static str>,
    pub columns: &'static [Column],
}

/// One column: the values at `values` (dotted member paths), joined with `join`; with `each`,
/// those of every element of the array at `each`, the elements joined with `, `.
#[derive(Debug)]
pub struct Column {
    pub header: &'static str,
    pub each: Option<&'static str>,
    pub values: &'static [&'static str],
    pub join: &'static str,
}

/// The member at a dotted path of member names.
pub(super) fn member<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |here, step| here.as_object()?.get(step))
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn cell(row: &Value, column: &Column) -> String {
    let join = |scope: &Value| -> Option<String> {
        let parts: Vec<String> = column
            .values
            .iter()
            .filter_map(|path| member(scope, path).and_then(text))
            .collect();
        (!parts.is_empty()).then(|| parts.join(column.join))
    };
    let shown = match column.each {
        Some(each) => member(row, each)
            .and_then(Value::as_array)
            .and_then(|items| {
                let parts: Vec<String> = items.iter().filter_map(join).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }),
        None => join(row),
    };
    super::printable(&shown.unwrap_or_else(|| "-".to_owned())).replace('\n', " ")
}

/// Display width: wide (CJK) characters take two columns.
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// The answer as aligned columns under their headers.
pub fn render_table(answer: &Value, table: &Table) -> String {
    let rows: Vec<&Value> = match table.rows {
        None => vec![answer],
        Some(path) => member(answer, path)
            .and_then(Value::as_array)
            .map(|items| items.iter().collect())
            .unwrap_or_default(),
    };
    let mut lines: Vec<Vec<String>> =
        vec![table.columns.iter().map(|c| c.header.to_owned()).collect()];
    lines.extend(
        rows.iter()
            .map(|row| table.columns.iter().map(|c| cell(row, c)).collect()),
    );
    let widths: Vec<usize> = (0..table.columns.len())
        .map(|i| lines.iter().map(|l| width(&l[i])).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for line in lines {
        let last = line.len().saturating_sub(1);
        for (i, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if i < last {
                out.extend(std::iter::repeat_n(' ', widths[i] - width(cell) + 2));
            }
        }
        out.push('\n');
    }
    out
}

/// An answer without a table: one `member  value` line per leaf, members as dotted paths.
pub fn render_leaves(answer: &Value) -> String {
    fn walk(value: &Value, path: String, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (key, child) in map {
                    let next = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(child, next, out);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{path}[{i}]"), out);
                }
            }
            other => out.push((path, text(other).unwrap_or_else(|| "null".into()))),
        }
    }
    let mut leaves = Vec::new();
    walk(answer, String::new(), &mut leaves);
    let name_width = leaves.iter().map(|(p, _)| width(p)).max().unwrap_or(0);
    let mut out = String::new();
    for (path, value) in leaves {
        out.push_str(&path);
        out.extend(std::iter::repeat_n(' ', name_width - width(&path) + 2));
        out.push_str(&super::printable(&value).replace('\n', " "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const POOLS: Table = Table {
        rows: Some("items"),
        columns: &[
            Column {
                header: "NAME",
                each: None,
                values: &["metadata.name"],
                join: "",
            },
            Column {
                header: "PHASE",
                each: None,
                values: &["status.phase"],
                join: "",
            },
            Column {
                header: "FLAVOR × COUNT",
                each: Some("spec.resources"),
                values: &["flavor", "count"],
                join: " × ",
            },
        ],
    };

    #[test]
    fn tables_align_columns_and_join_arrays() {
        let answer = json!({"items": [
            {"metadata": {"name": "pool-a"}, "status": {"phase": "Running"},
             "spec": {"resources": [{"flavor": "gpu.8", "count": 2}, {"flavor": "cpu.4", "count": 1}]}},
            {"metadata": {"name": "池b"}, "spec": {}}
        ]});
        assert_eq!(
            render_table(&answer, &POOLS),
            "NAME    PHASE    FLAVOR × COUNT\n\
             pool-a  Running  gpu.8 × 2, cpu.4 × 1\n\
             池b     -        -\n"
        );
        assert_eq!(
            render_table(&json!({}), &POOLS),
            "NAME  PHASE  FLAVOR × COUNT\n"
        );
    }

    #[test]
    fn leaves_list_every_member() {
        let answer = json!({"a": {"b": 1, "c": [true, "x\u{1b}"]}, "d": null, "e": {}});
        assert_eq!(
            render_leaves(&answer),
            "a.b     1\na.c[0]  true\na.c[1]  x\\u{1b}\nd       null\ne       {}\n"
        );
    }
}
