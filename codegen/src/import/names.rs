//! The names the importer gives to what the definitions leave unnamed: enum variants for wire
//! values (the classes' enum names are made of them too).

use std::collections::BTreeSet;

use crate::naming;

/// A variant name for a wire value: `Dedicate`, `x-infer` → `XInfer`, `60` → `Value60`, `""` →
/// `Empty`; `Unknown` is reserved, so `Unknown` becomes `UnknownValue`.
pub fn variant_name(value: &str, index: usize) -> String {
    if value.is_empty() {
        return "Empty".to_owned();
    }
    let name = match naming::upper_camel_case(value) {
        Some(name) if name.starts_with('_') => format!("Value{}", name.trim_start_matches('_')),
        Some(name) => name,
        None => format!("Value{}", index + 1),
    };
    match name.as_str() {
        "Unknown" => "UnknownValue".to_owned(),
        _ if naming::is_upper_camel_ident(&name) => name,
        _ => format!("Value{}", index + 1),
    }
}

/// `name`, or `name2`, `name3`… when `used` has it; the name returned is then used.
pub fn unique(name: String, used: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("Dedicate", 0), "Dedicate");
        assert_eq!(variant_name("x-infer", 0), "XInfer");
        assert_eq!(variant_name("create_time", 0), "CreateTime");
        assert_eq!(variant_name("v2", 0), "V2");
        assert_eq!(variant_name("60", 0), "Value60");
        assert_eq!(variant_name("", 0), "Empty");
        assert_eq!(variant_name("Unknown", 0), "UnknownValue");
        assert_eq!(variant_name("资源", 2), "Value3");
        assert_eq!(
            variant_name("application/merge-patch+json", 0),
            "ApplicationMergePatchJson"
        );
    }
}
