//! What the emulator holds: every resource as the JSON the service shows, with the calendar
//! times at which its pending change settles. Kept as plain data so that it can be saved to and
//! read back from a state file exactly as it is (`state_file`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::answer::not_found;
use modelarts_pools_runtime::server::ServiceError;

/// Milliseconds since the Unix epoch on the emulator's clock.
pub type Millis = u64;

/// Everything the emulator holds (one world for every project ID a request names).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    /// Pools by `metadata.name` (the ID the service makes).
    #[serde(default)]
    pub pools: BTreeMap<String, Pool>,
    /// Networks by `metadata.name`.
    #[serde(default)]
    pub networks: BTreeMap<String, Resource>,
    /// Order IDs made by `create_order_id`, with the pool and action they were made for.
    #[serde(default)]
    pub orders: BTreeMap<String, Value>,
    /// How many names and IDs this world has made: the next one is unique even after a restart.
    #[serde(default)]
    pub serial: u64,
}

/// One resource: its body as the service shows it, and its pending change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// The resource as the service shows it as of its creation or last change.
    pub body: Value,
    /// When its pending change (creation, resize, reboot…) is done.
    #[serde(default)]
    pub settles_at: Millis,
    /// Set by a deletion: when the resource is gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone_at: Option<Millis>,
}

impl Resource {
    pub fn new(body: Value, settles_at: Millis) -> Self {
        Resource {
            body,
            settles_at,
            gone_at: None,
        }
    }

    /// Whether the resource still exists at `now`.
    pub fn exists(&self, now: Millis) -> bool {
        self.gone_at.is_none_or(|gone| now < gone)
    }

    /// Whether its pending change is done at `now`.
    pub fn settled(&self, now: Millis) -> bool {
        now >= self.settles_at
    }

    /// Whether a deletion is under way.
    pub fn deleting(&self) -> bool {
        self.gone_at.is_some()
    }
}

/// A pool and what lives in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    #[serde(flatten)]
    pub resource: Resource,
    /// Node pools by `metadata.name`.
    #[serde(default)]
    pub node_pools: BTreeMap<String, Resource>,
    /// Nodes by `metadata.name`, as `list_pool_nodes` shows them.
    #[serde(default)]
    pub nodes: BTreeMap<String, Resource>,
    /// Tags, key to value.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Plugins by their template name.
    #[serde(default)]
    pub plugins: BTreeMap<String, Resource>,
    /// Workloads running in the pool, as `list_workloads` shows them (only a state file puts
    /// them there: the emulator runs no jobs).
    #[serde(default)]
    pub workloads: Vec<Value>,
}

impl Pool {
    pub fn new(body: Value, settles_at: Millis) -> Self {
        Pool {
            resource: Resource::new(body, settles_at),
            node_pools: BTreeMap::new(),
            nodes: BTreeMap::new(),
            tags: BTreeMap::new(),
            plugins: BTreeMap::new(),
            workloads: Vec::new(),
        }
    }

    /// The name the pool's creator gave it (the `os.modelarts/name` label).
    pub fn display_name(&self) -> &str {
        self.resource.body["metadata"]["labels"][NAME_LABEL]
            .as_str()
            .unwrap_or_default()
    }

    /// The pool's ID.
    pub fn name(&self) -> &str {
        self.resource.body["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
    }
}

/// The label holding the name a pool or network is created with.
pub const NAME_LABEL: &str = "os.modelarts/name";

impl World {
    /// Drops what has finished being deleted at `now`.
    pub fn settle(&mut self, now: Millis) {
        self.pools.retain(|_, pool| pool.resource.exists(now));
        self.networks.retain(|_, network| network.exists(now));
        for pool in self.pools.values_mut() {
            pool.node_pools.retain(|_, np| np.exists(now));
            pool.nodes.retain(|_, node| node.exists(now));
            pool.plugins.retain(|_, plugin| plugin.exists(now));
        }
    }

    /// The pool named `name` (its ID).
    pub fn pool(&mut self, name: &str) -> Result<&mut Pool, ServiceError> {
        self.pools
            .get_mut(name)
            .ok_or_else(|| not_found("pool", name))
    }

    /// A new unique number for a name or ID.
    pub fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }
}
