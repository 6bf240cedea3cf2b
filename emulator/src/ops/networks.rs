use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;

use crate::Emulator;

pub fn create_network(
    em: &Emulator,
    input: input::CreateNetworkInput,
) -> Result<models::Network, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("create_network"))
}

pub fn delete_network(
    em: &Emulator,
    input: input::DeleteNetworkInput,
) -> Result<models::Network, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("delete_network"))
}

pub fn list_networks(
    em: &Emulator,
    input: input::ListNetworksInput,
) -> Result<models::NetworkList, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("list_networks"))
}

pub fn patch_network(
    em: &Emulator,
    input: input::PatchNetworkInput,
) -> Result<models::Network, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("patch_network"))
}

pub fn show_network(
    em: &Emulator,
    input: input::ShowNetworkInput,
) -> Result<models::Network, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_network"))
}
