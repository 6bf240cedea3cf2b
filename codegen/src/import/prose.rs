//! What the definitions say only in prose: the value lists after `可选值如下:`, and the gist of
//! a description for naming what an enum is for.

/// One listed value and its meaning, verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedValue {
    pub value: String,
    pub meaning: Option<String>,
}

const MARKER: &str = "可选值如下";

/// The `- value:meaning` lines after `可选值如下:` (or `：`), or `None` when the description has
/// no such list (or the marker with nothing after it, as the seed export left it).
///
/// A line is `- value`, `- value:meaning` or `- value：meaning`; a value in quotes (`- "":…`) is
/// unquoted, and a `。` ending a value without a meaning is dropped. Meanings are kept verbatim
/// except for surrounding spaces. The list ends at the first line that does not start with `-`.
pub fn listed_values(description: &str) -> Option<Vec<ListedValue>> {
    let start = description.find(MARKER)? + MARKER.len();
    let rest = &description[start..];
    let rest = rest
        .strip_prefix(':')
        .or_else(|| rest.strip_prefix('：'))
        .unwrap_or(rest);
    let mut values = Vec::new();
    let mut lines = rest.split('\n').map(str::trim).peekable();
    // The list may start on the marker's own line (`可选值如下: - a:…`) or on the next.
    if lines.peek().is_some_and(|line| line.is_empty()) {
        lines.next();
    }
    for line in lines {
        let Some(item) = line.strip_prefix('-') else {
            break;
        };
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let split = item.char_indices().find(|(_, c)| *c == ':' || *c == '：');
        let (raw_value, meaning) = match split {
            Some((i, c)) => (&item[..i], Some(item[i + c.len_utf8()..].trim())),
            None => (item, None),
        };
        let mut value = raw_value.trim();
        if meaning.is_none() {
            value = value.trim_end_matches(['。', '；', ';', '，', ',']);
        }
        let value = unquote(value);
        values.push(ListedValue {
            value: value.to_owned(),
            meaning: meaning.filter(|m| !m.is_empty()).map(str::to_owned),
        });
    }
    (!values.is_empty()).then_some(values)
}

fn unquote(value: &str) -> &str {
    for (open, close) in [('"', '"'), ('“', '”'), ('\'', '\'')] {
        if let Some(inner) = value.strip_prefix(open).and_then(|v| v.strip_suffix(close)) {
            return inner;
        }
    }
    value
}

/// The gist of a description: its first statement, without `**参数解释**:`-style headings and
/// without the value list (`资源池类型。可选值如下:` → `资源池类型`).
pub fn gist(description: &str) -> String {
    let mut text = description.trim();
    loop {
        let stripped = text.strip_prefix("**").and_then(|t| {
            let end = t.find("**")?;
            let after = t[end + 2..].trim_start();
            Some(
                after
                    .strip_prefix(':')
                    .or_else(|| after.strip_prefix('：'))
                    .unwrap_or(after)
                    .trim_start(),
            )
        });
        match stripped {
            Some(rest) => text = rest,
            None => break,
        }
    }
    let line = text.split('\n').next().unwrap_or_default();
    let line = line.split(MARKER).next().unwrap_or_default();
    let line = line.split('。').next().unwrap_or_default();
    line.trim()
        .trim_end_matches([',', '，', ':', '：', '.', ' ', ';', '；'])
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(description: &str) -> Vec<(String, Option<String>)> {
        listed_values(description)
            .unwrap_or_default()
            .into_iter()
            .map(|v| (v.value, v.meaning))
            .collect()
    }

    #[test]
    fn a_listed_value_has_its_meaning_verbatim() {
        let text = "**参数解释**:资源池驱动升级策略。\n**取值范围**:可选值如下:\n- force:强制升级,立即升级节点驱动。\n- idle:安全升级。\n**默认取值**:不涉及。";
        assert_eq!(
            pairs(text),
            [
                ("force".into(), Some("强制升级,立即升级节点驱动。".into())),
                ("idle".into(), Some("安全升级。".into()))
            ]
        );
    }

    #[test]
    fn quoted_empty_full_width_colons_bare_values_and_a_final_full_stop() {
        assert_eq!(
            pairs("可选值如下:\n- private:私有镜像\n- \"\":不指定类型即预置镜像。"),
            [
                ("private".into(), Some("私有镜像".into())),
                ("".into(), Some("不指定类型即预置镜像。".into()))
            ]
        );
        assert_eq!(
            pairs("可选值如下：\n- 2：月 \n- 3:年"),
            [
                ("2".into(), Some("月".into())),
                ("3".into(), Some("年".into()))
            ]
        );
        assert_eq!(pairs("API版本。可选值如下:\n- v2"), [("v2".into(), None)]);
        assert_eq!(
            pairs("可选值如下:\n- application/merge-patch+json。"),
            [("application/merge-patch+json".into(), None)]
        );
    }

    #[test]
    fn the_list_ends_at_the_first_other_line() {
        let text = "资源池的受限状态。可选值如下:\n- 0:代表不受限\n- 1:转包周期受限\n另外状态是可以叠加的。\n- 9:不是值";
        assert_eq!(pairs(text).len(), 2);
    }

    #[test]
    fn a_truncated_list_or_none_at_all() {
        assert_eq!(listed_values("API版本。可选值如下:"), None);
        assert_eq!(
            listed_values("包周期订购类型。可选值如下:\n当计费模式为包周期时该参数必传。"),
            None
        );
        assert_eq!(listed_values("资源池的描述信息。"), None);
    }

    #[test]
    fn gists() {
        assert_eq!(gist("API版本。可选值如下:\n- v2"), "API版本");
        assert_eq!(
            gist("**参数解释**:资源池类型。\n**约束限制**:不涉及。"),
            "资源池类型"
        );
        assert_eq!(
            gist("**参数描述**: 作业类型。\n**取值范围**: 可选值如下:"),
            "作业类型"
        );
        assert_eq!(gist("计费模式,可选值如下:"), "计费模式");
    }
}
