//! Pool tags: a key holds one value; creating a key again replaces its value, deleting a key
//! removes it (with `value` given, only if it has that value). The definitions document 204
//! without a body for `show_pool_tags` as for the changes, and the emulator follows its
//! document; `list_pool_tags` shows every key with its values across the pools, by key.

use std::collections::{BTreeMap, BTreeSet};

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{to_json, typed};

fn tag_list(tags: &BTreeMap<String, String>) -> Result<models::TagList, ServiceError> {
    let tags: Vec<Value> = tags
        .iter()
        .map(|(key, value)| json!({ "key": key, "value": value }))
        .collect();
    typed(json!({ "tags": tags }))
}

pub fn batch_create_pool_tags(
    em: &Emulator,
    input: input::BatchCreatePoolTagsInput,
) -> Result<Option<models::TagList>, ServiceError> {
    let request = to_json(&input.body)?;
    let tags = em.write(|world, _| {
        let pool = world.pool(&input.pool_name)?;
        for tag in request["tags"].as_array().into_iter().flatten() {
            let key = tag["key"].as_str().unwrap_or_default();
            if key.is_empty() {
                return Err(ServiceError::bad_request("a tag's key is empty"));
            }
            let value = tag["value"].as_str().unwrap_or_default();
            pool.tags.insert(key.to_owned(), value.to_owned());
        }
        Ok(pool.tags.clone())
    })?;
    tag_list(&tags).map(Some)
}

pub fn batch_delete_pool_tags(
    em: &Emulator,
    input: input::BatchDeletePoolTagsInput,
) -> Result<Option<models::TagList>, ServiceError> {
    let request = to_json(&input.body)?;
    let tags = em.write(|world, _| {
        let pool = world.pool(&input.pool_name)?;
        for tag in request["tags"].as_array().into_iter().flatten() {
            let key = tag["key"].as_str().unwrap_or_default();
            let matches = match tag["value"].as_str() {
                Some(value) => pool.tags.get(key).is_some_and(|v| v == value),
                None => true,
            };
            if matches {
                pool.tags.remove(key);
            }
        }
        Ok(pool.tags.clone())
    })?;
    tag_list(&tags).map(Some)
}

pub fn show_pool_tags(
    em: &Emulator,
    input: input::ShowPoolTagsInput,
) -> Result<Option<models::TagList>, ServiceError> {
    let tags = em.read(|world, _| Ok(world.pool(&input.pool_name)?.tags.clone()))?;
    tag_list(&tags).map(Some)
}

pub fn list_pool_tags(
    em: &Emulator,
    input: input::ListPoolTagsInput,
) -> Result<models::TagList, ServiceError> {
    let all = em.read(|world, _| {
        let mut all: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for pool in world.pools.values() {
            for (key, value) in &pool.tags {
                all.entry(key.clone()).or_default().insert(value.clone());
            }
        }
        Ok(all)
    })?;
    let offset = match input.offset {
        None => 0,
        Some(o) if o >= 0 => o as usize,
        Some(o) => return Err(ServiceError::bad_request(format!("offset {o} is negative"))),
    };
    let limit = match input.limit {
        None => usize::MAX,
        Some(l) if l > 0 => l as usize,
        Some(l) => {
            return Err(ServiceError::bad_request(format!(
                "limit {l} is not positive"
            )));
        }
    };
    let tags: Vec<Value> = all
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(key, values)| json!({ "key": key, "values": values }))
        .collect();
    typed(json!({ "tags": tags }))
}
