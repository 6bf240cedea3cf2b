//! Node pools of a pool: created `creating`, `available` once settled, resized, deleted. A node
//! pool's `spec.resources.count` nodes of its flavor are in the pool's nodes, labelled
//! `os.modelarts.node/nodepool` with its name (`nodes::follow_node_pool`): made with it, made or
//! removed by a patch of its count, deleted with it.

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{conflict, not_found, representable, to_json, typed};
use crate::ops::nodes;
use crate::values::merge_patch;
use crate::world::{Millis, Pool, Resource};

impl Resource {
    /// A node pool as it is at `now`: its nodes counted under `creating`, `available` or
    /// `deleting`.
    pub fn current_node_pool(&mut self, now: Millis) -> Value {
        let resources = self.body["spec"]["resources"].clone();
        let counted = json!({
            "flavor": resources["flavor"],
            "count": resources["count"],
            "maxCount": resources["maxCount"],
        });
        let state = if self.deleting() {
            "deleting"
        } else if self.settled(now) {
            "available"
        } else {
            "creating"
        };
        self.body["status"] = json!({ "resources": { state: counted } });
        self.body.clone()
    }
}

impl Pool {
    /// The node pool named `name`.
    pub fn node_pool(&mut self, name: &str) -> Result<&mut Resource, ServiceError> {
        self.node_pools
            .get_mut(name)
            .ok_or_else(|| not_found("node pool", name))
    }
}

pub fn create_node_pool(
    em: &Emulator,
    input: input::CreateNodePoolInput,
) -> Result<models::CreateNodePoolResponse, ServiceError> {
    let mut node_pool = to_json(&input.body)?;
    let answer = em.write(|world, now| {
        let pool = world.pool(&input.pool_name)?;
        let name = node_pool["metadata"]["name"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("nodepool-{}", pool.node_pools.len() + 1));
        if pool.node_pools.contains_key(&name) {
            return Err(conflict(format!("The node pool {name} already exists.")));
        }
        node_pool["metadata"]["name"] = json!(name);
        representable::<models::NodePool>(&node_pool)?;
        let settles_at = em.settles_at(now);
        let mut entry = Resource::new(node_pool, settles_at);
        let answer = entry.current_node_pool(now);
        pool.node_pools.insert(name.clone(), entry);
        nodes::follow_node_pool(pool, &name, now, settles_at)?;
        Ok(answer)
    })?;
    typed(answer)
}

pub fn list_node_pools(
    em: &Emulator,
    input: input::ListNodePoolsInput,
) -> Result<models::NodePoolList, ServiceError> {
    let items = em.read(|world, now| {
        Ok(world
            .pool(&input.pool_name)?
            .node_pools
            .values_mut()
            .map(|np| np.current_node_pool(now))
            .collect::<Vec<Value>>())
    })?;
    typed(json!({ "apiVersion": "v2", "kind": "NodePoolList", "items": items }))
}

pub fn patch_node_pool(
    em: &Emulator,
    input: input::PatchNodePoolInput,
) -> Result<models::PatchNodePoolResponse, ServiceError> {
    let patch = to_json(&input.body)?;
    let answer = em.write(|world, now| {
        let settles_at = em.settles_at(now);
        let pool = world.pool(&input.pool_name)?;
        let node_pool = pool.node_pool(&input.nodepool_name)?;
        let mut after = node_pool.body.clone();
        merge_patch(&mut after, &patch);
        representable::<models::NodePool>(&after)?;
        node_pool.body = after;
        node_pool.settles_at = settles_at;
        let answer = node_pool.current_node_pool(now);
        nodes::follow_node_pool(pool, &input.nodepool_name, now, settles_at)?;
        Ok(answer)
    })?;
    typed(answer)
}

pub fn delete_node_pool(
    em: &Emulator,
    input: input::DeleteNodePoolInput,
) -> Result<models::NodePool, ServiceError> {
    let answer = em.write(|world, now| {
        let pool = world.pool(&input.pool_name)?;
        let node_pool = pool.node_pool(&input.nodepool_name)?;
        if !node_pool.deleting() {
            let gone_at = em.settles_at(now);
            node_pool.gone_at = Some(gone_at);
            // Its nodes go with it.
            for node in pool.nodes.values_mut() {
                if !node.deleting()
                    && node.body["metadata"]["labels"][nodes::NODEPOOL_LABEL].as_str()
                        == Some(input.nodepool_name.as_str())
                {
                    node.gone_at = Some(gone_at);
                    node.body["status"]["phase"] = json!("Deleting");
                }
            }
        }
        let node_pool = pool.node_pool(&input.nodepool_name)?;
        Ok(node_pool.current_node_pool(now))
    })?;
    typed(answer)
}

/// The nodes of the pool in the node pool: those whose `os.modelarts.node/nodepool` label (made
/// for it, or set by a resize or migration into it) or `os.modelarts.node/quota.name` label (set by
/// `batch_bind`) names it, paged as `list_pool_nodes` pages. A missing pool or node pool: 404;
/// a `limit` that is not a whole number: 400.
pub fn list_node_pool_nodes(
    em: &Emulator,
    input: input::ListNodePoolNodesInput,
) -> Result<models::NodeList, ServiceError> {
    let limit = input
        .limit
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.trim().parse::<i64>().map_err(|_| {
                ServiceError::bad_request(format!("limit must be a whole number, not {l:?}"))
            })
        })
        .transpose()?;
    let name = input.nodepool_name.as_str();
    let items = em.read(|world, now| {
        let pool = world.pool(&input.pool_name)?;
        pool.node_pool(name)?;
        Ok(pool
            .nodes
            .values_mut()
            .filter(|node| {
                let labels = &node.body["metadata"]["labels"];
                labels[nodes::NODEPOOL_LABEL].as_str() == Some(name)
                    || labels[nodes::QUOTA_LABEL].as_str() == Some(name)
            })
            .map(|node| node.current_node(now))
            .collect::<Vec<Value>>())
    })?;
    let (items, next) = nodes::page(items, input.continue_.as_deref(), limit)?;
    nodes::node_list(items, next)
}
