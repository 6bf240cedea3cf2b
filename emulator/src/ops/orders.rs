//! Order IDs (`create_order_id`, to change a pool's billing): a new ID for an existing pool, kept
//! in the world with the pool and the action it was made for. The ID is a number, as the
//! definitions' example shows (`0123456789`), ten digits, one higher each time.

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::json;

use crate::Emulator;
use crate::answer::{to_json, typed};

pub fn create_order_id(
    em: &Emulator,
    input: input::CreateOrderIdInput,
) -> Result<models::Order, ServiceError> {
    let body = to_json(&input.body)?;
    let action = match &input.action_type {
        Some(action) => to_json(action)?,
        None => body["actionType"].clone(),
    };
    let id = em.write(|world, _| {
        world.pool(&input.name)?;
        let id = format!("{:010}", world.next_serial());
        world.orders.insert(
            id.clone(),
            json!({ "pool": input.name, "actionType": action }),
        );
        Ok(id)
    })?;
    typed(json!({ "id": id }))
}
