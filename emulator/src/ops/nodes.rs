//! A pool's nodes: made to follow the pool's `spec.resources` (one node per counted resource,
//! `Creating` until the pool's change settles, then `Available`), listed page by page, and
//! changed by the batch node actions.
//!
//! Where the `Node` model has no member for what a batch action records, it is kept on the node
//! body where the generated `Node` keeps it as an unknown member (and shows it back):
//! - `metadata.labels["os.modelarts.node/nodepool"]`: the node pool a node was made for, or
//!   resized or migrated into (the label the service's own examples show); a node whose label
//!   names a node pool the pool has is counted by that node pool's `spec.resources.count`, the
//!   others by the pool's `spec.resources`;
//! - `metadata.labels["os.modelarts.node/quota.name"]`: the logical sub-pool `batch_bind` bound
//!   it to (absent when unbound);
//! - `metadata.labels["os.modelarts.node/locked.actions"]`: the locked actions, sorted and comma
//!   separated (absent when none); a locked `delete`, `reboot`, `reset`, `resize` or `migrate`
//!   refuses that batch action on the node (400);
//! - `metadata.labels["os.modelarts.node/ha.redundant"]`: the high availability redundancy
//!   effect set by `batch_update` `openHaRedundant` (absent once closed);
//! - `spec.tags` (`[{key, value}]`) and `spec.driver` (`{version, updateStrategy}`): the
//!   resource tags and driver `batch_update` sets.

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{conflict, to_json, typed};
use crate::values::{resources, timestamp};
use crate::world::{Millis, Pool, Resource, World};

/// The longest page `list_pool_nodes` gives, and what it gives without a `limit`.
const MAX_PAGE: usize = 500;

/// The most nodes the emulator makes for one count (the service's quotas are per account and
/// not published): a larger count is refused, not held in memory.
pub const MAX_NODES: usize = 1000;

/// A count of nodes to make, refused beyond [`MAX_NODES`].
fn node_count(count: i64, what: &str) -> Result<usize, ServiceError> {
    let count = count.max(0) as usize;
    if count > MAX_NODES {
        return Err(ServiceError::bad_request(format!(
            "{what} asks for {count} nodes; the emulator makes at most {MAX_NODES}"
        )));
    }
    Ok(count)
}

/// Adds or removes nodes so that each flavor has as many nodes as `spec.resources` counts: new
/// ones are `Creating` until `settles_at`, removed ones `Deleting` until then (the newest first).
/// Nodes of a node pool (see [`Pool::owner`]) are counted by the node pool, not here.
pub fn follow_spec(pool: &mut Pool, now: Millis, settles_at: Millis) -> Result<(), ServiceError> {
    let name = pool.name().to_owned();
    for (flavor, wanted) in resources(&pool.resource.body["spec"]) {
        let mut live: Vec<String> = pool
            .nodes
            .iter()
            .filter(|(_, node)| {
                !node.deleting()
                    && node.body["spec"]["flavor"] == json!(flavor)
                    && pool.owner(&node.body).is_none()
            })
            .map(|(node_name, _)| node_name.clone())
            .collect();
        let wanted = node_count(wanted, &format!("the pool's {flavor} resource"))?;
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
    Ok(())
}

/// Adds or removes nodes so that the node pool `node_pool` has as many nodes of its flavor as its
/// `spec.resources.count`, bound to it by the `os.modelarts.node/nodepool` label: new ones are
/// `Creating` until `settles_at`, removed ones `Deleting` until then (the newest first).
pub fn follow_node_pool(
    pool: &mut Pool,
    node_pool: &str,
    now: Millis,
    settles_at: Millis,
) -> Result<(), ServiceError> {
    let Some(np) = pool.node_pools.get(node_pool) else {
        return Ok(());
    };
    let resources = &np.body["spec"]["resources"];
    let flavor = resources["flavor"].as_str().unwrap_or_default().to_owned();
    let wanted = node_count(
        resources["count"].as_i64().unwrap_or(0),
        &format!("the node pool {node_pool}"),
    )?;
    let mut live: Vec<String> = pool
        .nodes
        .iter()
        .filter(|(_, node)| {
            !node.deleting()
                && node.body["metadata"]["labels"][NODEPOOL_LABEL].as_str() == Some(node_pool)
        })
        .map(|(node_name, _)| node_name.clone())
        .collect();
    while live.len() > wanted {
        if let Some(node) = live.pop().and_then(|gone| pool.nodes.get_mut(&gone)) {
            node.gone_at = Some(settles_at);
            node.body["status"]["phase"] = json!("Deleting");
        }
    }
    let name = pool.name().to_owned();
    let mut next = pool.nodes.len();
    while live.len() < wanted {
        let node_name = format!("{name}-{node_pool}-{next:03}");
        next += 1;
        if pool.nodes.contains_key(&node_name) {
            continue;
        }
        let body = json!({
            "apiVersion": "v2", "kind": "Node",
            "metadata": {
                "name": node_name,
                "creationTimestamp": timestamp(now),
                "labels": { NODEPOOL_LABEL: node_pool },
            },
            "spec": { "flavor": flavor },
            "status": { "phase": "Creating" },
        });
        pool.nodes
            .insert(node_name.clone(), Resource::new(body, settles_at));
        live.push(node_name);
    }
    Ok(())
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

/// The label naming the node pool a node is in.
pub const NODEPOOL_LABEL: &str = "os.modelarts.node/nodepool";
/// The label naming the logical sub-pool a node is bound to.
pub const QUOTA_LABEL: &str = "os.modelarts.node/quota.name";
/// The label listing a node's locked actions.
pub const LOCK_LABEL: &str = "os.modelarts.node/locked.actions";
/// The label holding a node's high availability redundancy effect.
pub const HA_LABEL: &str = "os.modelarts.node/ha.redundant";
/// The label naming a node's batch (super node); a node without it is its own batch.
pub const BATCH_LABEL: &str = "os.modelarts.node/batch.uid";

/// The strings of `value[key]`, each once, in order.
fn names(value: &Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in value[key].as_array().into_iter().flatten() {
        if let Some(name) = name.as_str()
            && !out.iter().any(|n| n == name)
        {
            out.push(name.to_owned());
        }
    }
    out
}

impl Pool {
    /// Whether the node `name` exists and is not being deleted.
    fn live(&self, name: &str) -> bool {
        self.nodes.get(name).is_some_and(|node| !node.deleting())
    }

    /// 400 naming the nodes of `names` that do not exist (or are being deleted).
    fn all_live(&self, names: &[String]) -> Result<(), ServiceError> {
        let missing: Vec<&str> = names
            .iter()
            .filter(|n| !self.live(n))
            .map(String::as_str)
            .collect();
        if names.is_empty() {
            return Err(ServiceError::bad_request("no node is named"));
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::bad_request(format!(
                "the pool {} has no nodes named {} (or they are being deleted)",
                self.name(),
                missing.join(", ")
            )))
        }
    }

    /// 400 if any of `names` has `action` locked.
    fn unlocked(&self, names: &[String], action: &str) -> Result<(), ServiceError> {
        let locked: Vec<&str> = names
            .iter()
            .filter(|n| {
                self.nodes
                    .get(n.as_str())
                    .is_some_and(|node| locked_actions(&node.body).iter().any(|a| a == action))
            })
            .map(String::as_str)
            .collect();
        if locked.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::bad_request(format!(
                "{action} is locked on the nodes {}",
                locked.join(", ")
            )))
        }
    }

    /// 400 if no node would be left once `leaving` have left.
    fn keeps_one(&self, leaving: &[String]) -> Result<(), ServiceError> {
        let left = self
            .nodes
            .iter()
            .filter(|(name, node)| !node.deleting() && !leaving.contains(name))
            .count();
        if left == 0 {
            Err(ServiceError::bad_request(format!(
                "the pool {} must keep at least one node",
                self.name()
            )))
        } else {
            Ok(())
        }
    }

    /// Moves the `spec.resources` count (and `maxCount`) of `flavor` by `delta`: an entry is
    /// added for a new flavor and dropped when its count comes to zero.
    fn add_count(&mut self, flavor: &str, delta: i64) {
        let spec = &mut self.resource.body["spec"];
        if !spec["resources"].is_array() {
            spec["resources"] = json!([]);
        }
        let Some(entries) = spec["resources"].as_array_mut() else {
            return;
        };
        match entries.iter_mut().find(|r| r["flavor"] == json!(flavor)) {
            Some(entry) => {
                let count = (entry["count"].as_i64().unwrap_or(0) + delta).max(0);
                entry["count"] = json!(count);
                if let Some(max) = entry["maxCount"].as_i64() {
                    entry["maxCount"] = json!((max + delta).max(count));
                }
            }
            None if delta > 0 => {
                entries.push(json!({ "flavor": flavor, "count": delta, "maxCount": delta }))
            }
            None => {}
        }
        entries.retain(|r| r["count"].as_i64().unwrap_or(0) > 0);
    }

    /// The node pool a node body is counted by: the one its `os.modelarts.node/nodepool` label
    /// names, if the pool has it; otherwise the pool's `spec.resources` count it.
    pub fn owner(&self, node: &Value) -> Option<String> {
        node["metadata"]["labels"][NODEPOOL_LABEL]
            .as_str()
            .filter(|np| self.node_pools.contains_key(*np))
            .map(str::to_owned)
    }

    /// Moves the count that counts the node body by `delta`: its node pool's
    /// `spec.resources.count` (and `maxCount`), or the pool's `spec.resources` of its flavor.
    fn count_node(&mut self, node: &Value, delta: i64) {
        match self.owner(node).and_then(|np| self.node_pools.get_mut(&np)) {
            Some(np) => {
                let resources = &mut np.body["spec"]["resources"];
                let count = (resources["count"].as_i64().unwrap_or(0) + delta).max(0);
                resources["count"] = json!(count);
                if let Some(max) = resources["maxCount"].as_i64() {
                    resources["maxCount"] = json!((max + delta).max(count));
                }
            }
            None => self.add_count(&flavor_of(node), delta),
        }
    }

    /// The live node `name` (checked before with [`Pool::all_live`]).
    fn node_mut(&mut self, name: &str) -> Result<&mut Resource, ServiceError> {
        self.nodes
            .get_mut(name)
            .ok_or_else(|| crate::answer::internal(format!("the node {name} went missing")))
    }
}

/// The actions locked on a node.
fn locked_actions(node: &Value) -> Vec<String> {
    node["metadata"]["labels"][LOCK_LABEL]
        .as_str()
        .unwrap_or_default()
        .split(',')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Sets (or with `None` removes) the label `key` of a node body.
fn set_label(node: &mut Value, key: &str, value: Option<&str>) {
    match value {
        Some(value) => node["metadata"]["labels"][key] = json!(value),
        None => {
            if let Some(labels) = node["metadata"]["labels"].as_object_mut() {
                labels.remove(key);
                if labels.is_empty()
                    && let Some(metadata) = node["metadata"].as_object_mut()
                {
                    metadata.remove("labels");
                }
            }
        }
    }
}

/// The flavor of a node body.
fn flavor_of(node: &Value) -> String {
    node["spec"]["flavor"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A new job ID.
fn job_id(world: &mut World) -> String {
    format!("job-{:08}", world.next_serial())
}

/// Binds each node to the logical sub-pool `quotaName` (kept in the `os.modelarts.node/quota.name`
/// label, removed by an empty or absent one); `list_node_pool_nodes` lists a node bound to a
/// name that is a node pool's with that node pool. Nodes that do not exist: 400. The answer is
/// the empty object the document gives.
pub fn batch_bind_pool_nodes(
    em: &Emulator,
    input: input::BatchBindPoolNodesInput,
) -> Result<models::BatchBindPoolNodesResponse, ServiceError> {
    let request = to_json(&input.body)?;
    let items: Vec<(String, Option<String>)> = request["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            (
                item["name"].as_str().unwrap_or_default().to_owned(),
                item["quotaName"]
                    .as_str()
                    .filter(|q| !q.is_empty())
                    .map(str::to_owned),
            )
        })
        .collect();
    em.write(|world, _now| {
        let pool = world.pool(&input.pool_name)?;
        let node_names: Vec<String> = items.iter().map(|(n, _)| n.clone()).collect();
        pool.all_live(&node_names)?;
        for (name, quota) in &items {
            set_label(
                &mut pool.node_mut(name)?.body,
                QUOTA_LABEL,
                quota.as_deref(),
            );
        }
        Ok(())
    })?;
    typed(json!({}))
}

/// Deletes the nodes: `Deleting` until the transition time has passed, then gone; the pool's
/// `spec.resources` count of each node's flavor (or its node pool's count, for a node of a node
/// pool) goes down with them (so that they are not made again). Nodes that do not exist or are being deleted: 400; deleting every node of the pool
/// (the service keeps at least one) or a node with `delete` locked: 400.
pub fn batch_delete_pool_nodes(
    em: &Emulator,
    input: input::BatchDeletePoolNodesInput,
) -> Result<(), ServiceError> {
    let gone = names(&to_json(&input.body)?, "deleteNodeNames");
    em.write(|world, now| {
        let settles_at = em.settles_at(now);
        let pool = world.pool(&input.pool_name)?;
        pool.all_live(&gone)?;
        pool.unlocked(&gone, "delete")?;
        pool.keeps_one(&gone)?;
        for name in &gone {
            let node = pool.node_mut(name)?;
            node.gone_at = Some(settles_at);
            node.body["status"]["phase"] = json!("Deleting");
            let body = node.body.clone();
            pool.count_node(&body, -1);
        }
        Ok(())
    })
}

/// Locks `actions` on each node (the `os.modelarts.node/locked.actions` label). A node that
/// does not exist is `failed` in the answer, the others `success`.
pub fn batch_lock_pool_nodes(
    em: &Emulator,
    input: input::BatchLockPoolNodesInput,
) -> Result<models::BatchLockPoolNodesResp, ServiceError> {
    let request = to_json(&input.body)?;
    change_locks(em, &input.pool_name, &request, true)
}

/// Unlocks `actions` on each node, as [`batch_lock_pool_nodes`] locks them.
pub fn batch_unlock_pool_nodes(
    em: &Emulator,
    input: input::BatchUnlockPoolNodesInput,
) -> Result<models::BatchLockPoolNodesResp, ServiceError> {
    let request = to_json(&input.body)?;
    change_locks(em, &input.pool_name, &request, false)
}

fn change_locks(
    em: &Emulator,
    pool_name: &str,
    request: &Value,
    lock: bool,
) -> Result<models::BatchLockPoolNodesResp, ServiceError> {
    let actions = names(request, "actions");
    let node_names = names(request, "nodeNames");
    let results = em.write(|world, _now| {
        let pool = world.pool(pool_name)?;
        let mut results = Vec::new();
        for name in &node_names {
            if !pool.live(name) {
                results.push(json!({ "name": name, "status": "failed" }));
                continue;
            }
            let node = pool.node_mut(name)?;
            let mut locked = locked_actions(&node.body);
            if lock {
                locked.extend(actions.iter().cloned());
            } else {
                locked.retain(|a| !actions.contains(a));
            }
            locked.sort();
            locked.dedup();
            let joined = locked.join(",");
            set_label(
                &mut node.body,
                LOCK_LABEL,
                (!joined.is_empty()).then_some(joined.as_str()),
            );
            results.push(json!({ "name": name, "status": "success" }));
        }
        Ok(results)
    })?;
    typed(json!({ "nodes": results }))
}

/// Migrates the nodes out of the pool at once (its `spec.resources` counts go down). If
/// `toPoolName` names another existing pool they join it `Creating` (its counts go up, in
/// `resourceSpec.flavor` if given, and in the node pool `resourceSpec.nodePool` if given) until
/// the transition time has passed; if it names this pool they only move to that node pool; any
/// other target: they leave. Nodes that do not exist, with `migrate` locked, or the last node of
/// the pool: 400; a name the target pool already has: 409. The job ID is a new one.
pub fn batch_migrate_pool_nodes(
    em: &Emulator,
    input: input::BatchMigratePoolNodesInput,
) -> Result<models::NodeJobResponse, ServiceError> {
    let request = to_json(&input.body)?;
    let moving = names(&request, "migrateNodeNames");
    let to_pool = request["toPoolName"]
        .as_str()
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let to_flavor = request["resourceSpec"]["flavor"]
        .as_str()
        .filter(|f| !f.is_empty())
        .map(str::to_owned);
    let to_node_pool = request["resourceSpec"]["nodePool"]
        .as_str()
        .filter(|f| !f.is_empty())
        .map(str::to_owned);
    let job = em.write(|world, now| {
        let settles_at = em.settles_at(now);
        let pool = world.pool(&input.pool_name)?;
        pool.all_live(&moving)?;
        pool.unlocked(&moving, "migrate")?;
        if to_pool.as_deref() == Some(input.pool_name.as_str()) {
            for name in &moving {
                let before = pool.node_mut(name)?.body.clone();
                pool.count_node(&before, -1);
                let node = pool.node_mut(name)?;
                set_label(&mut node.body, NODEPOOL_LABEL, to_node_pool.as_deref());
                let after = node.body.clone();
                pool.count_node(&after, 1);
            }
            return Ok(job_id(world));
        }
        pool.keeps_one(&moving)?;
        let mut taken = Vec::new();
        for name in &moving {
            if let Some(node) = pool.nodes.remove(name) {
                pool.count_node(&node.body, -1);
                taken.push((name.clone(), node));
            }
        }
        if let Some(target) = to_pool.as_deref().and_then(|p| world.pools.get_mut(p)) {
            for (name, mut node) in taken {
                if target.nodes.contains_key(&name) {
                    return Err(conflict(format!(
                        "The pool {} already has a node named {name}.",
                        target.name()
                    )));
                }
                if let Some(flavor) = &to_flavor {
                    node.body["spec"]["flavor"] = json!(flavor);
                }
                set_label(&mut node.body, NODEPOOL_LABEL, to_node_pool.as_deref());
                node.body["status"]["phase"] = json!("Creating");
                node.settles_at = settles_at;
                target.count_node(&node.body, 1);
                target.nodes.insert(name, node);
            }
        }
        Ok(job_id(world))
    })?;
    typed(json!({ "job_id": job }))
}

/// Reboots the nodes: `Checking` until the transition time has passed, then `Available`. Nodes
/// that do not exist or with `reboot` locked: 400. The answer names the nodes rebooted.
pub fn batch_reboot_pool_nodes(
    em: &Emulator,
    input: input::BatchRebootPoolNodesInput,
) -> Result<models::BatchRebootNodesResponse, ServiceError> {
    let rebooting = names(&to_json(&input.body)?, "nodeNames");
    em.write(|world, now| {
        let settles_at = em.settles_at(now);
        let pool = world.pool(&input.pool_name)?;
        pool.all_live(&rebooting)?;
        pool.unlocked(&rebooting, "reboot")?;
        for name in &rebooting {
            let node = pool.node_mut(name)?;
            node.body["status"]["phase"] = json!("Checking");
            node.settles_at = settles_at;
        }
        Ok(())
    })?;
    typed(json!({ "nodeNames": rebooting }))
}

/// Resets the nodes (all at once, whatever `rollingConfig` says; `nodeConfig` is not kept):
/// `Creating` until the transition time has passed, then `Available`; their labels, tags and
/// driver stay. Nodes that do not exist or with `reset` locked: 400. The job ID is a new one.
pub fn batch_reset_pool_nodes(
    em: &Emulator,
    input: input::BatchResetPoolNodesInput,
) -> Result<models::NodeJobResponse, ServiceError> {
    let resetting = names(&to_json(&input.body)?, "nodeNames");
    let job = em.write(|world, now| {
        let settles_at = em.settles_at(now);
        let pool = world.pool(&input.pool_name)?;
        pool.all_live(&resetting)?;
        pool.unlocked(&resetting, "reset")?;
        for name in &resetting {
            let node = pool.node_mut(name)?;
            node.body["status"]["phase"] = json!("Creating");
            node.settles_at = settles_at;
        }
        Ok(job_id(world))
    })?;
    typed(json!({ "job_id": job }))
}

/// Resizes node batches: each `nodes[].batchUID` names the nodes whose
/// `os.modelarts.node/batch.uid` label is that, or else the node of that name; its
/// `deleteNodeNames` are deleted (as by [`batch_delete_pool_nodes`]) and the others take
/// `target.flavor` and `target.nodePool` (the `os.modelarts.node/nodepool` label), `Checking`
/// until the transition time has passed. The pool's `spec.resources` counts move from
/// `source.flavor` to `target.flavor` (or, for a node in a node pool the pool has, that node
/// pool's count: see [`Pool::owner`]). A batch that names no node, a node not of
/// `source.flavor`, or with `resize` locked: 400.
pub fn batch_resize_pool_nodes(
    em: &Emulator,
    input: input::BatchResizePoolNodesInput,
) -> Result<models::BatchResizePoolNodesResponse, ServiceError> {
    let request = to_json(&input.body)?;
    let source_flavor = request["source"]["flavor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let target_flavor = request["target"]["flavor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let target_pool = request["target"]["nodePool"]
        .as_str()
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let batches: Vec<(String, Vec<String>)> = request["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            (
                b["batchUID"].as_str().unwrap_or_default().to_owned(),
                names(b, "deleteNodeNames"),
            )
        })
        .collect();
    em.write(|world, now| {
        let settles_at = em.settles_at(now);
        let pool = world.pool(&input.pool_name)?;
        let mut resized: Vec<String> = Vec::new();
        let mut deleted: Vec<String> = Vec::new();
        for (uid, delete) in &batches {
            let members: Vec<String> = pool
                .nodes
                .iter()
                .filter(|(name, node)| {
                    !node.deleting()
                        && match node.body["metadata"]["labels"][BATCH_LABEL].as_str() {
                            Some(batch) => batch == uid,
                            None => *name == uid,
                        }
                })
                .map(|(name, _)| name.clone())
                .collect();
            if members.is_empty() {
                return Err(ServiceError::bad_request(format!(
                    "the pool {} has no node batch {uid:?}",
                    pool.name()
                )));
            }
            if !delete.is_empty() {
                pool.all_live(delete)?;
            }
            for name in members {
                if !delete.contains(&name) && !resized.contains(&name) {
                    resized.push(name);
                }
            }
            for name in delete {
                if !deleted.contains(name) {
                    deleted.push(name.clone());
                }
            }
        }
        let mut all = resized.clone();
        all.extend(deleted.iter().cloned());
        let wrong: Vec<&str> = all
            .iter()
            .filter(|n| {
                pool.nodes.get(n.as_str()).map(|node| flavor_of(&node.body))
                    != Some(source_flavor.clone())
            })
            .map(String::as_str)
            .collect();
        if !wrong.is_empty() {
            return Err(ServiceError::bad_request(format!(
                "the nodes {} are not of the flavor {source_flavor}",
                wrong.join(", ")
            )));
        }
        pool.unlocked(&all, "resize")?;
        pool.unlocked(&deleted, "delete")?;
        pool.keeps_one(&deleted)?;
        for name in &deleted {
            let node = pool.node_mut(name)?;
            node.gone_at = Some(settles_at);
            node.body["status"]["phase"] = json!("Deleting");
            let body = node.body.clone();
            pool.count_node(&body, -1);
        }
        for name in &resized {
            let before = pool.node_mut(name)?.body.clone();
            pool.count_node(&before, -1);
            let node = pool.node_mut(name)?;
            node.body["spec"]["flavor"] = json!(target_flavor);
            if target_pool.is_some() {
                set_label(&mut node.body, NODEPOOL_LABEL, target_pool.as_deref());
            }
            node.body["status"]["phase"] = json!("Checking");
            node.settles_at = settles_at;
            let after = node.body.clone();
            pool.count_node(&after, 1);
        }
        Ok(())
    })?;
    typed(json!({}))
}

/// Updates the nodes as `action` says: `createTags` adds (or replaces by key) `tags` in the
/// node's `spec.tags`, `deleteTags` removes those keys, `openHaRedundant` sets the
/// `os.modelarts.node/ha.redundant` label to `haRedundantEffect` (`NoSchedule` by default),
/// `closeHaRedundant` removes it; a `driver` given is kept as `spec.driver` whatever the action.
/// A node that does not exist is in `failNodeNames`, the others in `successNodeNames`;
/// `createTags`/`deleteTags` without `tags`: 400.
pub fn batch_update_pool_nodes(
    em: &Emulator,
    input: input::BatchUpdatePoolNodesInput,
) -> Result<models::UpdatePoolNodesResp, ServiceError> {
    let request = to_json(&input.body)?;
    let action = request["action"].as_str().unwrap_or_default().to_owned();
    let node_names = names(&request, "nodeNames");
    let tags: Vec<Value> = request["tags"].as_array().cloned().unwrap_or_default();
    if matches!(action.as_str(), "createTags" | "deleteTags") && tags.is_empty() {
        return Err(ServiceError::bad_request(format!("{action} needs tags")));
    }
    let effect = request["haRedundantEffect"]
        .as_str()
        .unwrap_or("NoSchedule")
        .to_owned();
    let driver = request.get("driver").filter(|d| !d.is_null()).cloned();
    let (success, fail) = em.write(|world, _now| {
        let pool = world.pool(&input.pool_name)?;
        let (mut success, mut fail) = (Vec::new(), Vec::new());
        for name in &node_names {
            if !pool.live(name) {
                fail.push(name.clone());
                continue;
            }
            let node = &mut pool.node_mut(name)?.body;
            let mut kept: Vec<Value> = node["spec"]["tags"].as_array().cloned().unwrap_or_default();
            match action.as_str() {
                "createTags" => {
                    kept.retain(|t| !tags.iter().any(|n| n["key"] == t["key"]));
                    kept.extend(tags.iter().cloned());
                }
                "deleteTags" => kept.retain(|t| !tags.iter().any(|n| n["key"] == t["key"])),
                "openHaRedundant" => set_label(node, HA_LABEL, Some(&effect)),
                "closeHaRedundant" => set_label(node, HA_LABEL, None),
                _ => {}
            }
            if matches!(action.as_str(), "createTags" | "deleteTags") {
                if kept.is_empty() {
                    if let Some(spec) = node["spec"].as_object_mut() {
                        spec.remove("tags");
                    }
                } else {
                    node["spec"]["tags"] = json!(kept);
                }
            }
            if let Some(driver) = &driver {
                node["spec"]["driver"] = driver.clone();
            }
            success.push(name.clone());
        }
        Ok((success, fail))
    })?;
    typed(json!({ "successNodeNames": success, "failNodeNames": fail }))
}
