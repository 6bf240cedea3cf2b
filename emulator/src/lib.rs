//! A local ModelArts resource pool service, in memory, on the generated server stubs
//! (`modelarts_pools::server`). Pools are created `Creating` and become `Running` after the
//! transition time; a resize shows in `spec` at once and in `status` after it; a deleted pool is
//! `Deleting` and then gone (404 `ModelArts.50015001`). Nodes are listed page by page; node pools
//! are created, listed, resized and deleted. Other operations answer 404 `NotServed`.
//!
//! State is kept as the JSON the service sends, and every answer is decoded into the generated
//! type before it leaves, so what the emulator says is what the published document describes.

mod clock;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

pub use clock::{Clock, ManualClock, SystemClock};

use modelarts_pools::server::Service;
use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use modelarts_pools_runtime::server::axum::http::StatusCode;
use serde_json::{Value, json};

/// The label holding the name a pool is created with.
const NAME_LABEL: &str = "os.modelarts/name";

struct Pool {
    /// The pool as the service shows it, phase and resources as of its creation or last change.
    body: Value,
    /// When the pending change (creation, resize) is done.
    settles_at: Instant,
    /// Set by delete: when the pool is gone.
    gone_at: Option<Instant>,
    node_pools: BTreeMap<String, NodePool>,
}

struct NodePool {
    body: Value,
    settles_at: Instant,
    gone_at: Option<Instant>,
}

/// The emulated service.
pub struct Emulator {
    transition: Duration,
    clock: Arc<dyn Clock>,
    pools: Mutex<BTreeMap<String, Pool>>,
}

fn not_found(name: &str) -> ServiceError {
    ServiceError::new(
        StatusCode::NOT_FOUND,
        "ModelArts.50015001",
        format!("The pool {name} does not exist."),
    )
}

fn internal(what: impl std::fmt::Display) -> ServiceError {
    ServiceError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "ModelArts.0001",
        what.to_string(),
    )
}

/// A value of the generated type from the emulator's JSON (an emulator bug is a 500 saying so).
fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ServiceError> {
    serde_json::from_value(value).map_err(|e| {
        internal(format!(
            "the emulator made an answer its own document refuses: {e}"
        ))
    })
}

/// The service refuses what it could not show afterwards (a count beyond its 32-bit fields…).
fn representable<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), ServiceError> {
    T::deserialize(value)
        .map(|_: T| ())
        .map_err(|e| ServiceError::bad_request(format!("the request cannot be served: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ServiceError> {
    serde_json::to_value(value).map_err(internal)
}

/// RFC 7396: `patch` merged into `target`.
fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(members) => {
            if !target.is_object() {
                *target = json!({});
            }
            if let Value::Object(object) = target {
                for (key, value) in members {
                    if value.is_null() {
                        object.remove(key);
                    } else {
                        merge_patch(object.entry(key.clone()).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// 32 hex digits, different on every call.
fn suffix() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut hex = String::new();
    for _ in 0..2 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        hex.push_str(&format!("{:016x}", hasher.finish()));
    }
    hex
}

/// `at` as the service writes times: `%Y-%m-%dT%H:%M:%SZ`, UTC.
fn timestamp(at: SystemTime) -> String {
    let seconds = at
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = seconds / 86_400;
    let (h, m, s) = (seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
}

/// `(flavor, count)` of each `spec.resources` entry.
fn resources(spec: &Value) -> Vec<(String, i64)> {
    spec["resources"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|r| {
                    (
                        r["flavor"].as_str().unwrap_or("").to_owned(),
                        r["count"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Pool {
    /// The pool as it is now: pending changes done once their time has come.
    fn current(&mut self, now: Instant) -> Value {
        // A deleted pool is Deleting until it is dropped (by `with_pool` and `list_pools`).
        if self.gone_at.is_some() {
            self.body["status"]["phase"] = json!("Deleting");
        } else if now >= self.settles_at {
            let available: Vec<Value> = resources(&self.body["spec"])
                .into_iter()
                .map(|(flavor, count)| json!({ "flavor": flavor, "count": count }))
                .collect();
            self.body["status"]["phase"] = json!("Running");
            self.body["status"]["resources"] = json!({ "available": available });
        }
        self.body.clone()
    }

    /// A node pool of this pool that is not gone yet.
    fn node_pool(&mut self, name: &str, now: Instant) -> Result<&mut NodePool, ServiceError> {
        self.node_pools
            .get_mut(name)
            .filter(|np| np.gone_at.is_none_or(|gone| now < gone))
            .ok_or_else(|| {
                ServiceError::new(
                    StatusCode::NOT_FOUND,
                    "ModelArts.50015001",
                    format!("The node pool {name} does not exist."),
                )
            })
    }

    fn node_names(&self) -> Vec<String> {
        let name = self.body["metadata"]["name"].as_str().unwrap_or("pool");
        let total: i64 = resources(&self.body["spec"]).iter().map(|(_, c)| c).sum();
        (0..total.max(0))
            .map(|i| format!("{name}-node-{i:03}"))
            .collect()
    }
}

impl NodePool {
    fn current(&mut self, now: Instant) -> Value {
        let resources = self.body["spec"]["resources"].clone();
        let counted = |count: &Value| json!({ "flavor": resources["flavor"], "count": count, "maxCount": resources["maxCount"] });
        let status = if self.gone_at.is_some() {
            json!({ "resources": { "deleting": counted(&resources["count"]) } })
        } else if now >= self.settles_at {
            json!({ "resources": { "available": counted(&resources["count"]) } })
        } else {
            json!({ "resources": { "creating": counted(&resources["count"]) } })
        };
        self.body["status"] = status;
        self.body.clone()
    }
}

impl Emulator {
    /// A service whose pools, resizes and deletions take `transition` to settle.
    pub fn new(transition: Duration) -> Self {
        Emulator::with_clock(transition, Arc::new(SystemClock))
    }

    /// [`Emulator::new`] on `clock` (a [`ManualClock`] in tests).
    pub fn with_clock(transition: Duration, clock: Arc<dyn Clock>) -> Self {
        Emulator {
            transition,
            clock,
            pools: Mutex::new(BTreeMap::new()),
        }
    }

    fn pools(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Pool>> {
        // A panic while holding the lock leaves plain data behind; it stays usable.
        self.pools
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the pool, after dropping pools whose deletion is over.
    fn with_pool<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut Pool, Instant) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let now = self.clock.now();
        let mut pools = self.pools();
        pools.retain(|_, pool| pool.gone_at.is_none_or(|gone| now < gone));
        let pool = pools.get_mut(name).ok_or_else(|| not_found(name))?;
        f(pool, now)
    }
}

impl Service for Emulator {
    async fn create_pool(
        &self,
        input: input::CreatePoolInput,
    ) -> Result<models::CreatePoolResponse, ServiceError> {
        let input::CreatePoolInput { body, .. } = input;
        let request = to_json(&body)?;
        let label = request["metadata"]["labels"][NAME_LABEL]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let now = self.clock.now();
        let mut pools = self.pools();
        pools.retain(|_, pool| pool.gone_at.is_none_or(|gone| now < gone));
        if pools
            .values()
            .any(|p| p.body["metadata"]["labels"][NAME_LABEL] == json!(label))
        {
            return Err(ServiceError::new(
                StatusCode::CONFLICT,
                "ModelArts.50015000",
                format!("Pool already exists: a pool is named {label}."),
            ));
        }
        let name = format!("{label}-{}", suffix());
        let mut pool = request;
        pool["metadata"]["name"] = json!(name);
        pool["metadata"]["creationTimestamp"] = json!(timestamp(self.clock.calendar()));
        pool["status"] = json!({ "phase": "Creating", "resources": {} });
        representable::<models::PoolModel>(&pool)?;
        pools.insert(
            name,
            Pool {
                body: pool.clone(),
                settles_at: now + self.transition,
                gone_at: None,
                node_pools: BTreeMap::new(),
            },
        );
        typed(pool)
    }

    async fn show_pool(
        &self,
        input: input::ShowPoolInput,
    ) -> Result<models::PoolModel, ServiceError> {
        let input::ShowPoolInput { pool_name, .. } = input;
        let pool = self.with_pool(&pool_name, |pool, now| Ok(pool.current(now)))?;
        typed(pool)
    }

    async fn list_pools(
        &self,
        input: input::ListPoolsInput,
    ) -> Result<models::PoolList, ServiceError> {
        let input::ListPoolsInput {
            workspace_id,
            label_selector,
            status,
            ..
        } = input;
        let now = self.clock.now();
        let mut pools = self.pools();
        pools.retain(|_, pool| pool.gone_at.is_none_or(|gone| now < gone));
        // `key=value` pairs, comma separated, all of which a pool's labels must have.
        let selector: Vec<(String, String)> = label_selector
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (key.trim().to_owned(), value.trim().to_owned())
            })
            .collect();
        let items: Vec<Value> = pools
            .values_mut()
            .map(|pool| pool.current(now))
            .filter(|pool| {
                let labels = &pool["metadata"]["labels"];
                selector
                    .iter()
                    .all(|(key, value)| labels[key.as_str()].as_str() == Some(value))
                    && workspace_id.as_ref().is_none_or(|w| {
                        labels["os.modelarts/workspace.id"].as_str().unwrap_or("0") == w
                    })
                    && status
                        .as_ref()
                        .is_none_or(|s| pool["status"]["phase"].as_str() == Some(s.as_str()))
            })
            .collect();
        typed(json!({ "apiVersion": "v2", "kind": "PoolList", "items": items }))
    }

    async fn patch_pool(
        &self,
        input: input::PatchPoolInput,
    ) -> Result<models::PoolModel, ServiceError> {
        let input::PatchPoolInput {
            body, pool_name, ..
        } = input;
        let patch = to_json(&body)?;
        let transition = self.transition;
        let pool = self.with_pool(&pool_name, |pool, now| {
            if pool.gone_at.is_some() {
                return Err(ServiceError::bad_request(format!(
                    "the pool {pool_name} is being deleted"
                )));
            }
            let before = pool.current(now);
            let mut after = before.clone();
            merge_patch(&mut after, &patch);
            representable::<models::PoolModel>(&after)?;
            pool.body = after;
            if before["spec"]["resources"] != pool.body["spec"]["resources"] {
                // The new size shows in spec now, and in status once the nodes are there.
                pool.settles_at = now + transition;
                let creating: Vec<Value> = resources(&pool.body["spec"])
                    .into_iter()
                    .map(|(flavor, count)| json!({ "flavor": flavor, "count": count }))
                    .collect();
                pool.body["status"]["resources"]["creating"] = json!(creating);
            }
            Ok(pool.body.clone())
        })?;
        typed(pool)
    }

    async fn delete_pool(
        &self,
        input: input::DeletePoolInput,
    ) -> Result<models::DeletePoolResponse, ServiceError> {
        let input::DeletePoolInput { pool_name, .. } = input;
        let transition = self.transition;
        let pool = self.with_pool(&pool_name, |pool, now| {
            if pool.gone_at.is_none() {
                pool.gone_at = Some(now + transition);
            }
            Ok(pool.current(now))
        })?;
        typed(pool)
    }

    async fn list_pool_nodes(
        &self,
        input: input::ListPoolNodesInput,
    ) -> Result<models::NodeList, ServiceError> {
        let input::ListPoolNodesInput {
            pool_name,
            continue_,
            limit,
            ..
        } = input;
        let (names, creation, flavor) = self.with_pool(&pool_name, |pool, now| {
            let current = pool.current(now);
            let flavor = resources(&current["spec"])
                .first()
                .map(|(f, _)| f.clone())
                .unwrap_or_default();
            Ok((
                pool.node_names(),
                current["metadata"]["creationTimestamp"].clone(),
                flavor,
            ))
        })?;
        let start = match continue_.as_deref() {
            None | Some("") => 0,
            Some(token) => token
                .parse::<usize>()
                .ok()
                .filter(|&i| i <= names.len())
                .ok_or_else(|| {
                    ServiceError::bad_request(format!(
                        "the continue token {token:?} is not one this service gave"
                    ))
                })?,
        };
        let limit = match limit {
            None => 500,
            Some(l) if (1..=500).contains(&l) => l as usize,
            Some(l) => {
                return Err(ServiceError::bad_request(format!(
                    "limit must be 1 to 500, not {l}"
                )));
            }
        };
        let end = (start + limit).min(names.len());
        let items: Vec<Value> = names[start..end]
            .iter()
            .map(|name| {
                json!({
                    "apiVersion": "v2", "kind": "Node",
                    "metadata": { "name": name, "creationTimestamp": creation },
                    "spec": { "flavor": flavor },
                    "status": { "phase": "Available" },
                })
            })
            .collect();
        let mut metadata = json!({});
        if end < names.len() {
            metadata["continue"] = json!(end.to_string());
        }
        typed(
            json!({ "apiVersion": "v2", "kind": "NodeList", "metadata": metadata, "items": items }),
        )
    }

    async fn create_node_pool(
        &self,
        input: input::CreateNodePoolInput,
    ) -> Result<models::CreateNodePoolResponse, ServiceError> {
        let input::CreateNodePoolInput {
            body, pool_name, ..
        } = input;
        let mut node_pool = to_json(&body)?;
        let transition = self.transition;
        let answer = self.with_pool(&pool_name, |pool, now| {
            let existing = pool.node_pools.len();
            let name = node_pool["metadata"]["name"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("nodepool-{}", existing + 1));
            if pool.node_pools.contains_key(&name) {
                return Err(ServiceError::new(
                    StatusCode::CONFLICT,
                    "ModelArts.50015000",
                    format!("The node pool {name} already exists."),
                ));
            }
            node_pool["metadata"]["name"] = json!(name);
            representable::<models::NodePool>(&node_pool)?;
            let mut entry = NodePool {
                body: node_pool,
                settles_at: now + transition,
                gone_at: None,
            };
            let answer = entry.current(now);
            pool.node_pools.insert(name, entry);
            Ok(answer)
        })?;
        typed(answer)
    }

    async fn list_node_pools(
        &self,
        input: input::ListNodePoolsInput,
    ) -> Result<models::NodePoolList, ServiceError> {
        let input::ListNodePoolsInput { pool_name, .. } = input;
        let items = self.with_pool(&pool_name, |pool, now| {
            pool.node_pools
                .retain(|_, np| np.gone_at.is_none_or(|gone| now < gone));
            Ok(pool
                .node_pools
                .values_mut()
                .map(|np| np.current(now))
                .collect::<Vec<Value>>())
        })?;
        typed(json!({ "apiVersion": "v2", "kind": "NodePoolList", "items": items }))
    }

    async fn patch_node_pool(
        &self,
        input: input::PatchNodePoolInput,
    ) -> Result<models::PatchNodePoolResponse, ServiceError> {
        let input::PatchNodePoolInput {
            body,
            pool_name,
            nodepool_name,
            ..
        } = input;
        let patch = to_json(&body)?;
        let transition = self.transition;
        let answer = self.with_pool(&pool_name, |pool, now| {
            let node_pool = pool.node_pool(&nodepool_name, now)?;
            let mut after = node_pool.body.clone();
            merge_patch(&mut after, &patch);
            representable::<models::NodePool>(&after)?;
            node_pool.body = after;
            node_pool.settles_at = now + transition;
            Ok(node_pool.current(now))
        })?;
        typed(answer)
    }

    async fn delete_node_pool(
        &self,
        input: input::DeleteNodePoolInput,
    ) -> Result<models::NodePool, ServiceError> {
        let input::DeleteNodePoolInput {
            pool_name,
            nodepool_name,
            ..
        } = input;
        let transition = self.transition;
        let answer = self.with_pool(&pool_name, |pool, now| {
            let node_pool = pool.node_pool(&nodepool_name, now)?;
            if node_pool.gone_at.is_none() {
                node_pool.gone_at = Some(now + transition);
            }
            Ok(node_pool.current(now))
        })?;
        typed(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({ "a": "b", "c": { "d": "e", "f": "g" } });
        merge_patch(&mut target, &json!({ "a": "z", "c": { "f": null } }));
        assert_eq!(target, json!({ "a": "z", "c": { "d": "e" } }));
        merge_patch(&mut target, &json!({ "c": [1] }));
        assert_eq!(target, json!({ "a": "z", "c": [1] }));
    }

    #[test]
    fn names_and_timestamps_look_like_the_service_s() {
        let a = suffix();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, suffix());
        let t = timestamp(ManualClock::new().calendar());
        assert_eq!(t, "2025-01-01T00:00:00Z");
        let leap_day = SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_251_199);
        assert_eq!(timestamp(leap_day), "2024-02-29T23:59:59Z");
    }
}
