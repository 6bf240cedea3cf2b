use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;

use crate::Emulator;

pub fn show_pool_monitor(
    em: &Emulator,
    input: input::ShowPoolMonitorInput,
) -> Result<models::PoolMonitor, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_pool_monitor"))
}

pub fn show_pool_runtime_metrics(
    em: &Emulator,
    input: input::ShowPoolRuntimeMetricsInput,
) -> Result<models::PoolRuntimeMetricsList, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_pool_runtime_metrics"))
}

pub fn show_pool_statistics(
    em: &Emulator,
    input: input::ShowPoolStatisticsInput,
) -> Result<models::PoolStatistics, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_pool_statistics"))
}

pub fn show_workload_statistics(
    em: &Emulator,
    input: input::ShowWorkloadStatisticsInput,
) -> Result<models::WorkloadListStatistics, ServiceError> {
    let _ = (em, input);
    Err(ServiceError::not_served("show_workload_statistics"))
}
