//! A pool's nodes: made to follow the pool's `spec.resources` (one node per counted resource,
//! `Creating` until the pool's change settles, then `Available`), listed page by page, and
//! changed by the batch node actions.

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::typed;
use crate::values::{resources, timestamp};
use crate::world::{Millis, Pool, Resource};

/// The longest page `list_pool_nodes` gives, and what it gives without a `limit`.
const MAX_PAGE: usize = 500;

/// Adds or removes nodes so that each flavor has as many nodes as `spec.resources` counts: new
/// ones are `Creating` until `settles_at`, removed ones `Deleting` until then (the newest first).
pub fn follow_spec(pool: &mut Pool, now: Millis, settles_at: Millis) {
    let name = pool.name().to_owned();
    for (flavor, wanted) in resources(&pool.resource.body["spec"]) {
        let mut live: Vec<String> = pool
            .nodes
            .iter()
            .filter(|(_, node)| !node.deleting() && node.body["spec"]["flavor"] == json!(flavor))
            .map(|(node_name, _)| node_name.clone())
            .collect();
        let wanted = wanted.max(0) as usize;
        while live.len() > wanted {
            if let Some(node) = live.pop().and_then(|gone| pool.nodes.get_mut(&gone)) {
                node.gone_at = Some(settles_at);
                node.body["status"]["phase"] = json!("Deleting");
            }
        }
        let mut next = pool.nodes.len();
        while live.len() < wanted {
            let node_name = format!("{name}-node-{next:03}");
            next += 1;
            if pool.nodes.contains_key(&node_name) {
                continue;
            }
            let body = json!({
                "apiVersion": "v2", "kind": "Node",
                "metadata": { "name": node_name, "creationTimestamp": timestamp(now) },
                "spec": { "flavor": flavor },
                "status": { "phase": "Creating" },
            });
            pool.nodes
                .insert(node_name.clone(), Resource::new(body, settles_at));
            live.push(node_name);
        }
    }
}

impl Resource {
    /// A node as it is at `now`: `Available` once its change has settled, unless deleting.
    pub fn current_node(&mut self, now: Millis) -> Value {
        if self.deleting() {
            self.body["status"]["phase"] = json!("Deleting");
        } else if self.settled(now) {
            self.body["status"]["phase"] = json!("Available");
        }
        self.body.clone()
    }
}

/// A page of `nodes` from the `continue` token `continue_` (an offset this service gave), of at
/// most `limit` nodes: `(items, the next page's token)`.
pub fn page(
    nodes: Vec<Value>,
    continue_: Option<&str>,
    limit: Option<i64>,
) -> Result<(Vec<Value>, Option<String>), ServiceError> {
    let start = match continue_ {
        None | Some("") => 0,
        Some(token) => token
            .parse::<usize>()
            .ok()
            .filter(|&i| i <= nodes.len())
            .ok_or_else(|| {
                ServiceError::bad_request(format!(
                    "the continue token {token:?} is not one this service gave"
                ))
            })?,
    };
    let limit = match limit {
        None => MAX_PAGE,
        Some(l) if (1..=MAX_PAGE as i64).contains(&l) => l as usize,
        Some(l) => {
            return Err(ServiceError::bad_request(format!(
                "limit must be 1 to {MAX_PAGE}, not {l}"
            )));
        }
    };
    let end = (start + limit).min(nodes.len());
    let next = (end < nodes.len()).then(|| end.to_string());
    Ok((nodes[start..end].to_vec(), next))
}

/// The `NodeList` answer of one page.
pub fn node_list(
    items: Vec<Value>,
    next: Option<String>,
) -> Result<models::NodeList, ServiceError> {
    let mut metadata = json!({});
    if let Some(next) = next {
        metadata["continue"] = json!(next);
    }
    typed(json!({ "apiVersion": "v2", "kind": "NodeList", "metadata": metadata, "items": items }))
}

pub fn list_pool_nodes(
    em: &Emulator,
    input: input::ListPoolNodesInput,
) -> Result<models::NodeList, ServiceError> {
    let nodes = em.read(|world, now| {
        Ok(world
            .pool(&input.pool_name)?
            .nodes
            .values_mut()
            .map(|node| node.current_node(now))
            .collect::<Vec<Value>>())
    })?;
    let (items, next) = page(nodes, input.continue_.as_deref(), input.limit)?;
    node_list(items, next)
}

pub fn batch_bind_pool_nodes(
    em: &Emulator,
    input: input::BatchBindPoolNodesInput,
) -> Result<models::BatchBindPoolNodesResponse, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_bind_pool_nodes"))
}

pub fn batch_delete_pool_nodes(
    em: &Emulator,
    input: input::BatchDeletePoolNodesInput,
) -> Result<(), ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_delete_pool_nodes"))
}

pub fn batch_lock_pool_nodes(
    em: &Emulator,
    input: input::BatchLockPoolNodesInput,
) -> Result<models::BatchLockPoolNodesResp, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_lock_pool_nodes"))
}

pub fn batch_migrate_pool_nodes(
    em: &Emulator,
    input: input::BatchMigratePoolNodesInput,
) -> Result<models::NodeJobResponse, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_migrate_pool_nodes"))
}

pub fn batch_reboot_pool_nodes(
    em: &Emulator,
    input: input::BatchRebootPoolNodesInput,
) -> Result<models::BatchRebootNodesResponse, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_reboot_pool_nodes"))
}

pub fn batch_reset_pool_nodes(
    em: &Emulator,
    input: input::BatchResetPoolNodesInput,
) -> Result<models::NodeJobResponse, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_reset_pool_nodes"))
}

pub fn batch_resize_pool_nodes(
    em: &Emulator,
    input: input::BatchResizePoolNodesInput,
) -> Result<models::BatchResizePoolNodesResponse, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_resize_pool_nodes"))
}

pub fn batch_unlock_pool_nodes(
    em: &Emulator,
    input: input::BatchUnlockPoolNodesInput,
) -> Result<models::BatchLockPoolNodesResp, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_unlock_pool_nodes"))
}

pub fn batch_update_pool_nodes(
    em: &Emulator,
    input: input::BatchUpdatePoolNodesInput,
) -> Result<models::UpdatePoolNodesResp, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_update_pool_nodes"))
}
