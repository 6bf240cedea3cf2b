//! Networks: created `Creating`, `Active` once the transition time has passed; patched by merge
//! patch; a deleted network shows its `deletionTimestamp`, then is gone. Named like pools (the `os.modelarts/name`
//! label, `-` and 32 hex digits); a name in use is 409.

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{conflict, not_found, representable, to_json, typed};
use crate::ops::nodes::page;
use crate::values::{merge_patch, suffix, timestamp};
use crate::world::{Millis, NAME_LABEL, Resource};

impl Resource {
    /// A network as it is at `now`. NetworkStatusPhase has no deleting phase: a network being
    /// deleted keeps its phase and shows `metadata.deletionTimestamp`, as the definitions'
    /// example of `delete_network` does.
    fn current_network(&mut self, now: Millis) -> Value {
        if !self.deleting() {
            let phase = if self.settled(now) {
                "Active"
            } else {
                "Creating"
            };
            self.body["status"]["phase"] = json!(phase);
        }
        self.body.clone()
    }
}

/// `key=value` pairs, comma separated, all of which the labels must have.
pub fn selected(labels: &Value, selector: Option<&str>) -> bool {
    selector
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .all(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            labels[key.trim()].as_str() == Some(value.trim())
        })
}

pub fn create_network(
    em: &Emulator,
    input: input::CreateNetworkInput,
) -> Result<models::Network, ServiceError> {
    let request = to_json(&input.body)?;
    let label = request["metadata"]["labels"][NAME_LABEL]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let answer = em.write(|world, now| {
        if world
            .networks
            .values()
            .any(|n| n.body["metadata"]["labels"][NAME_LABEL] == json!(label))
        {
            return Err(conflict(format!("A network is named {label} already.")));
        }
        let name = format!("{label}-{}", suffix());
        let mut body = request;
        body["metadata"]["name"] = json!(name);
        body["metadata"]["creationTimestamp"] = json!(timestamp(now));
        body["status"] = json!({ "phase": "Creating" });
        representable::<models::Network>(&body)?;
        let mut network = Resource::new(body, em.settles_at(now));
        let answer = network.current_network(now);
        world.networks.insert(name, network);
        Ok(answer)
    })?;
    typed(answer)
}

pub fn list_networks(
    em: &Emulator,
    input: input::ListNetworksInput,
) -> Result<models::NetworkList, ServiceError> {
    let networks = em.read(|world, now| {
        Ok(world
            .networks
            .values_mut()
            .map(|n| n.current_network(now))
            .filter(|n| selected(&n["metadata"]["labels"], input.label_selector.as_deref()))
            .collect::<Vec<Value>>())
    })?;
    let (items, next) = page(
        networks,
        input.continue_.as_deref(),
        input.limit.map(i64::from),
    )?;
    let mut metadata = json!({});
    if let Some(next) = next {
        metadata["continue"] = json!(next);
    }
    typed(
        json!({ "apiVersion": "v1", "kind": "NetworkList", "metadata": metadata, "items": items }),
    )
}

pub fn show_network(
    em: &Emulator,
    input: input::ShowNetworkInput,
) -> Result<models::Network, ServiceError> {
    let answer = em.read(|world, now| {
        let network = world
            .networks
            .get_mut(&input.network_name)
            .ok_or_else(|| not_found("network", &input.network_name))?;
        Ok(network.current_network(now))
    })?;
    typed(answer)
}

pub fn patch_network(
    em: &Emulator,
    input: input::PatchNetworkInput,
) -> Result<models::Network, ServiceError> {
    let patch = to_json(&input.body)?;
    let answer = em.write(|world, now| {
        let network = world
            .networks
            .get_mut(&input.network_name)
            .ok_or_else(|| not_found("network", &input.network_name))?;
        if network.deleting() {
            return Err(ServiceError::bad_request(format!(
                "the network {} is being deleted",
                input.network_name
            )));
        }
        let mut after = network.current_network(now);
        merge_patch(&mut after, &patch);
        representable::<models::Network>(&after)?;
        network.body = after;
        Ok(network.current_network(now))
    })?;
    typed(answer)
}

pub fn delete_network(
    em: &Emulator,
    input: input::DeleteNetworkInput,
) -> Result<models::Network, ServiceError> {
    let answer = em.write(|world, now| {
        let network = world
            .networks
            .get_mut(&input.network_name)
            .ok_or_else(|| not_found("network", &input.network_name))?;
        if !network.deleting() {
            network.current_network(now);
            network.gone_at = Some(em.settles_at(now));
            network.body["metadata"]["deletionTimestamp"] = json!(timestamp(now));
        }
        Ok(network.current_network(now))
    })?;
    typed(answer)
}
