use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;

use crate::Emulator;

pub fn list_workloads(
    em: &Emulator,
    input: input::ListWorkloadsInput,
) -> Result<models::WorkloadList, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("list_workloads"))
}
