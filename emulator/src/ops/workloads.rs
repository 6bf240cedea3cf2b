//! A pool's workloads: only a state file puts them there (the emulator runs no jobs), listed with
//! the definitions' filters: `type` and `status` select, `sort=create_time` orders by
//! `createTime` (`ascend` false is newest first; the order kept otherwise), `offset` and `limit`
//! page.

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{to_json, typed};

pub fn list_workloads(
    em: &Emulator,
    input: input::ListWorkloadsInput,
) -> Result<models::WorkloadList, ServiceError> {
    let type_ = input.type_.as_ref().map(to_json).transpose()?;
    let status = input.status.as_ref().map(to_json).transpose()?;
    let mut items = em.read(|world, _| Ok(world.pool(&input.pool_name)?.workloads.clone()))?;
    items.retain(|w| {
        type_.as_ref().is_none_or(|t| &w["type"] == t)
            && status.as_ref().is_none_or(|s| &w["status"] == s)
    });
    if input.sort.is_some() {
        items.sort_by_key(|w| w["createTime"].as_i64().unwrap_or(0));
        if input.ascend == Some(false) {
            items.reverse();
        }
    }
    let offset = match input.offset.as_deref() {
        None | Some("") => 0,
        Some(o) => o.parse::<usize>().map_err(|_| {
            ServiceError::bad_request(format!("offset {o:?} is not a whole number"))
        })?,
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
    let items: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    typed(json!({ "apiVersion": "v1", "kind": "WorkloadList", "items": items }))
}
