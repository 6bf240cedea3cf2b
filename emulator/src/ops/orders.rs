use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;

use crate::Emulator;

pub fn create_order_id(
    em: &Emulator,
    input: input::CreateOrderIdInput,
) -> Result<models::Order, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("create_order_id"))
}
