use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;

use crate::Emulator;

pub fn create_pool_plugin(
    em: &Emulator,
    input: input::CreatePoolPluginInput,
) -> Result<models::Plugin, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("create_pool_plugin"))
}

pub fn list_plugin_templates(
    em: &Emulator,
    input: input::ListPluginTemplatesInput,
) -> Result<models::PluginTemplateList, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("list_plugin_templates"))
}

pub fn list_pool_plugins(
    em: &Emulator,
    input: input::ListPoolPluginsInput,
) -> Result<models::PluginList, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("list_pool_plugins"))
}

pub fn show_plugin_template(
    em: &Emulator,
    input: input::ShowPluginTemplateInput,
) -> Result<models::PluginTemplate, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_plugin_template"))
}
