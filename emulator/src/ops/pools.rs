//! Pools: created `Creating`, `Running` once the transition time has passed; a resize shows in
//! `spec` at once and in `status.resources` once settled; a deletion is `Deleting`, then gone.

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{conflict, representable, to_json, typed};
use crate::ops::nodes;
use crate::values::{merge_patch, resources, suffix, timestamp};
use crate::world::{Millis, NAME_LABEL, Pool};

impl Pool {
    /// The pool as it is at `now`: its pending change done once its time has come.
    pub fn current(&mut self, now: Millis) -> Value {
        let resource = &mut self.resource;
        if resource.deleting() {
            resource.body["status"]["phase"] = json!("Deleting");
        } else if resource.settled(now) {
            let available: Vec<Value> = resources(&resource.body["spec"])
                .into_iter()
                .map(|(flavor, count)| json!({ "flavor": flavor, "count": count }))
                .collect();
            resource.body["status"]["phase"] = json!("Running");
            resource.body["status"]["resources"] = json!({ "available": available });
        }
        resource.body.clone()
    }
}

pub fn create_pool(
    em: &Emulator,
    input: input::CreatePoolInput,
) -> Result<models::CreatePoolResponse, ServiceError> {
    let request = to_json(&input.body)?;
    let label = request["metadata"]["labels"][NAME_LABEL]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let pool = em.write(|world, now| {
        if world.pools.values().any(|p| p.display_name() == label) {
            return Err(conflict(format!(
                "Pool already exists: a pool is named {label}."
            )));
        }
        let settles_at = em.settles_at(now);
        let name = format!("{label}-{}", suffix());
        let mut body = request;
        body["metadata"]["name"] = json!(name);
        body["metadata"]["creationTimestamp"] = json!(timestamp(now));
        body["status"] = json!({ "phase": "Creating", "resources": {} });
        representable::<models::PoolModel>(&body)?;
        let mut pool = Pool::new(body.clone(), settles_at);
        nodes::follow_spec(&mut pool, now, settles_at)?;
        world.pools.insert(name, pool);
        Ok(body)
    })?;
    typed(pool)
}

pub fn show_pool(
    em: &Emulator,
    input: input::ShowPoolInput,
) -> Result<models::PoolModel, ServiceError> {
    let pool = em.read(|world, now| Ok(world.pool(&input.pool_name)?.current(now)))?;
    typed(pool)
}

pub fn list_pools(
    em: &Emulator,
    input: input::ListPoolsInput,
) -> Result<models::PoolList, ServiceError> {
    let input::ListPoolsInput {
        workspace_id,
        label_selector,
        status,
        ..
    } = input;
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
    let items = em.read(|world, now| {
        Ok(world
            .pools
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
            .collect::<Vec<Value>>())
    })?;
    typed(json!({ "apiVersion": "v2", "kind": "PoolList", "items": items }))
}

pub fn patch_pool(
    em: &Emulator,
    input: input::PatchPoolInput,
) -> Result<models::PoolModel, ServiceError> {
    let patch = to_json(&input.body)?;
    let pool_name = input.pool_name;
    let pool = em.write(|world, now| {
        let settles_at = em.settles_at(now);
        let pool = world.pool(&pool_name)?;
        if pool.resource.deleting() {
            return Err(ServiceError::bad_request(format!(
                "the pool {pool_name} is being deleted"
            )));
        }
        let before = pool.current(now);
        let mut after = before.clone();
        merge_patch(&mut after, &patch);
        representable::<models::PoolModel>(&after)?;
        pool.resource.body = after;
        if before["spec"]["resources"] != pool.resource.body["spec"]["resources"] {
            // The new size shows in spec now, and in status once the nodes are there.
            pool.resource.settles_at = settles_at;
            let creating: Vec<Value> = resources(&pool.resource.body["spec"])
                .into_iter()
                .map(|(flavor, count)| json!({ "flavor": flavor, "count": count }))
                .collect();
            pool.resource.body["status"]["resources"]["creating"] = json!(creating);
            nodes::follow_spec(pool, now, settles_at)?;
        }
        Ok(pool.resource.body.clone())
    })?;
    typed(pool)
}

pub fn delete_pool(
    em: &Emulator,
    input: input::DeletePoolInput,
) -> Result<models::DeletePoolResponse, ServiceError> {
    let pool = em.write(|world, now| {
        let settles_at = em.settles_at(now);
        let pool = world.pool(&input.pool_name)?;
        if !pool.resource.deleting() {
            pool.resource.gone_at = Some(settles_at);
        }
        Ok(pool.current(now))
    })?;
    typed(pool)
}
