use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;

use crate::Emulator;

pub fn batch_create_pool_tags(
    em: &Emulator,
    input: input::BatchCreatePoolTagsInput,
) -> Result<Option<models::TagList>, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_create_pool_tags"))
}

pub fn batch_delete_pool_tags(
    em: &Emulator,
    input: input::BatchDeletePoolTagsInput,
) -> Result<Option<models::TagList>, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("batch_delete_pool_tags"))
}

pub fn list_pool_tags(
    em: &Emulator,
    input: input::ListPoolTagsInput,
) -> Result<models::TagList, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("list_pool_tags"))
}

pub fn show_pool_tags(
    em: &Emulator,
    input: input::ShowPoolTagsInput,
) -> Result<Option<models::TagList>, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_pool_tags"))
}
