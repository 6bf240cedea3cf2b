use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;

use crate::Emulator;

pub fn list_resource_flavors(
    em: &Emulator,
    input: input::ListResourceFlavorsInput,
) -> Result<models::ResourceFlavorList, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("list_resource_flavors"))
}

pub fn show_node_config_template(
    em: &Emulator,
    input: input::ShowNodeConfigTemplateInput,
) -> Result<models::NodeConfigTemplate, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_node_config_template"))
}

pub fn show_pool_node_config(
    em: &Emulator,
    input: input::ShowPoolNodeConfigInput,
) -> Result<models::NodeConfig, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_pool_node_config"))
}
