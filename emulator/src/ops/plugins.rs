//! Plugins and their templates. The templates are the definitions' own examples (the
//! `list_plugin_templates` and `show_plugin_template` answers' examples); a plugin is made from
//! one of them (400 for a template that is not there), `Pending` until the transition time has
//! passed, then `Running`, named after its template; a template already installed in the pool is
//! 409.

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{conflict, not_found, to_json, typed};
use crate::examples::success_example;
use crate::values::timestamp;
use crate::world::{Millis, Resource};

/// Every plugin template the emulator knows, by name, as `list_plugin_templates` shows them:
/// the definitions' example of that answer. (`show_plugin_template`'s example, of a template of a
/// type the list's schema does not allow, is only shown by name.)
fn templates() -> Vec<Value> {
    let mut templates: Vec<Value> = success_example("ListPluginTemplates")["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    templates.sort_by(|a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    templates
}

fn template(name: &str) -> Option<Value> {
    templates()
        .into_iter()
        .find(|t| t["metadata"]["name"] == name)
}

impl Resource {
    fn current_plugin(&mut self, now: Millis) -> Value {
        let phase = if self.deleting() {
            "Deleting"
        } else if self.settled(now) {
            "Running"
        } else {
            "Pending"
        };
        self.body["status"]["phase"] = json!(phase);
        self.body.clone()
    }
}

pub fn create_pool_plugin(
    em: &Emulator,
    input: input::CreatePoolPluginInput,
) -> Result<models::Plugin, ServiceError> {
    let request = to_json(&input.body)?;
    let name = request["spec"]["template"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let Some(template) = template(&name) else {
        return Err(ServiceError::bad_request(format!(
            "there is no plugin template {name:?}"
        )));
    };
    let answer = em.write(|world, now| {
        let pool = world.pool(&input.pool_name)?;
        if pool.plugins.contains_key(&name) {
            return Err(conflict(format!(
                "The plugin {name} is installed in the pool already."
            )));
        }
        let mut body = request;
        body["metadata"] = json!({ "name": name, "creationTimestamp": timestamp(now) });
        if body["spec"]["template"]["version"].is_null() {
            // The template's first version, as the definitions' examples list them.
            let version = template["spec"]["versions"]
                .as_array()
                .and_then(|v| v.first())
                .map(|v| v["version"].clone())
                .unwrap_or(Value::Null);
            body["spec"]["template"]["version"] = version;
        }
        body["status"] = json!({ "phase": "Pending" });
        let mut plugin = Resource::new(body, em.settles_at(now));
        let answer = plugin.current_plugin(now);
        pool.plugins.insert(name.clone(), plugin);
        Ok(answer)
    })?;
    typed(answer)
}

pub fn list_pool_plugins(
    em: &Emulator,
    input: input::ListPoolPluginsInput,
) -> Result<models::PluginList, ServiceError> {
    let items = em.read(|world, now| {
        Ok(world
            .pool(&input.pool_name)?
            .plugins
            .values_mut()
            .map(|p| p.current_plugin(now))
            .collect::<Vec<Value>>())
    })?;
    typed(json!({ "apiVersion": "v2", "kind": "PluginList", "items": items }))
}

pub fn list_plugin_templates(
    em: &Emulator,
    input: input::ListPluginTemplatesInput,
) -> Result<models::PluginTemplateList, ServiceError> {
    if let Some(pool) = &input.pool_name {
        em.read(|world, _| world.pool(pool).map(|_| ()))?;
    }
    let items: Vec<Value> = templates()
        .into_iter()
        .filter(|t| {
            input
                .template_name
                .as_ref()
                .is_none_or(|name| t["metadata"]["name"] == json!(name))
        })
        .collect();
    let mut list = success_example("ListPluginTemplates");
    if !list.is_object() {
        list = json!({ "apiVersion": "v2", "kind": "PluginTemplateList" });
    }
    list["items"] = json!(items);
    typed(list)
}

pub fn show_plugin_template(
    em: &Emulator,
    input: input::ShowPluginTemplateInput,
) -> Result<models::PluginTemplate, ServiceError> {
    let _ = em;
    let shown = success_example("ShowPluginTemplate");
    if shown["metadata"]["name"] == json!(input.plugintemplate_name) {
        return typed(shown);
    }
    let mut found = template(&input.plugintemplate_name)
        .ok_or_else(|| not_found("plugin template", &input.plugintemplate_name))?;
    let versions: serde_json::Map<String, Value> = found["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["version"].as_str().unwrap_or_default().to_owned(),
                v.clone(),
            )
        })
        .collect();
    found["spec"]["versions"] = Value::Object(versions);
    found["apiVersion"] = json!("v1");
    typed(found)
}
