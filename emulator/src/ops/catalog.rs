//! What the service holds and does not describe: resource flavors and node configuration
//! templates are the definitions' own examples (the answers' examples), with every flavor a pool
//! of the world uses added. A pool's node configuration is the definitions' default (core binding
//! off: `cpu_manager.mode` `none`), `Running` once the pool is.

use std::collections::BTreeSet;

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{not_found, typed};
use crate::examples::success_example;
use crate::ops::networks::selected;
use crate::ops::nodes::page;
use crate::values::resources;

pub fn list_resource_flavors(
    em: &Emulator,
    input: input::ListResourceFlavorsInput,
) -> Result<models::ResourceFlavorList, ServiceError> {
    let example = success_example("ListResourceFlavors");
    let mut flavors: Vec<Value> = example["items"].as_array().cloned().unwrap_or_default();
    let known: BTreeSet<String> = flavors
        .iter()
        .filter_map(|f| f["metadata"]["name"].as_str().map(str::to_owned))
        .collect();
    let used = em.read(|world, _| {
        Ok(world
            .pools
            .values()
            .flat_map(|p| resources(&p.resource.body["spec"]))
            .map(|(flavor, _)| flavor)
            .filter(|f| !f.is_empty() && !known.contains(f))
            .collect::<BTreeSet<String>>())
    })?;
    let template = flavors.first().cloned();
    for flavor in used {
        let mut item = template
            .clone()
            .unwrap_or_else(|| json!({ "apiVersion": "v1", "kind": "ResourceFlavor" }));
        item["metadata"] = json!({ "name": flavor, "labels": {} });
        flavors.push(item);
    }
    flavors.retain(|f| selected(&f["metadata"]["labels"], input.label_selector.as_deref()));
    let (items, next) = page(flavors, input.continue_.as_deref(), input.limit)?;
    let mut metadata = json!({});
    if let Some(next) = next {
        metadata["continue"] = json!(next);
    }
    typed(
        json!({ "apiVersion": "v1", "kind": "ResourceFlavorList", "metadata": metadata, "items": items }),
    )
}

pub fn show_node_config_template(
    em: &Emulator,
    input: input::ShowNodeConfigTemplateInput,
) -> Result<models::NodeConfigTemplate, ServiceError> {
    let _ = em;
    let example = success_example("ShowNodeConfigTemplate");
    if example["metadata"]["name"] == json!(input.nodeconfigtemplate_name) {
        typed(example)
    } else {
        Err(not_found(
            "node configuration template",
            &input.nodeconfigtemplate_name,
        ))
    }
}

pub fn show_pool_node_config(
    em: &Emulator,
    input: input::ShowPoolNodeConfigInput,
) -> Result<models::NodeConfig, ServiceError> {
    let answer = em.read(|world, now| {
        let pool = world.pool(&input.pool_name)?;
        let body = pool.current(now);
        let configs = json!({ "cpu_manager": { "mode": "none" } });
        let phase = if body["status"]["phase"] == "Running" {
            "Running"
        } else {
            "Pending"
        };
        Ok(json!({
            "apiVersion": "v2", "kind": "NodeConfig",
            "metadata": { "name": input.pool_name },
            "spec": { "configs": configs },
            "status": { "phase": phase },
        }))
    })?;
    typed(answer)
}
