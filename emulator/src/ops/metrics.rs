//! Monitoring and statistics, computed from what the world holds, at the emulator's clock:
//! - `show_pool_statistics`: pools by phase (`created` Running, `creating` Creating, `failed`
//!   Abnormal or Error; `pending` none), of one workspace if asked;
//! - `show_workload_statistics`: the pool's workloads by type and status;
//! - `show_pool_runtime_metrics`: per pool, the nodes' flavors counted as capacity and the
//!   running workloads' requests as allocated;
//! - `show_pool_monitor`: one data point now per metric (`cpuUsage`, `memUsedRate`): the share of
//!   the pool's nodes a running workload uses, in percent.

use std::collections::BTreeMap;

use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::ServiceError;
use serde_json::{Value, json};

use crate::Emulator;
use crate::answer::{to_json, typed};
use crate::values::timestamp;
use crate::world::Pool;

/// The statuses `WorkloadStatisticsStatus` counts.
const WORKLOAD_STATUSES: [&str; 9] = [
    "Abnormal",
    "Completed",
    "Creating",
    "Failed",
    "Pending",
    "Queue",
    "Running",
    "Terminated",
    "Terminating",
];

fn running_workloads(pool: &Pool) -> usize {
    pool.workloads
        .iter()
        .filter(|w| w["status"] == "Running")
        .count()
}

pub fn show_pool_statistics(
    em: &Emulator,
    input: input::ShowPoolStatisticsInput,
) -> Result<models::PoolStatistics, ServiceError> {
    let answer = em.read(|world, now| {
        let (mut created, mut creating, mut failed) = (0, 0, 0);
        for pool in world.pools.values_mut() {
            let body = pool.current(now);
            let workspace = body["metadata"]["labels"]["os.modelarts/workspace.id"]
                .as_str()
                .unwrap_or("0");
            if input
                .workspace_id
                .as_deref()
                .is_some_and(|w| w != workspace)
            {
                continue;
            }
            match body["status"]["phase"].as_str() {
                Some("Running") => created += 1,
                Some("Creating") => creating += 1,
                Some("Abnormal" | "Error") => failed += 1,
                _ => {}
            }
        }
        Ok(json!({
            "operationTime": timestamp(now),
            "statistics": { "status": {
                "created": created, "creating": creating, "failed": failed, "pending": 0,
            } },
        }))
    })?;
    typed(answer)
}

pub fn show_workload_statistics(
    em: &Emulator,
    input: input::ShowWorkloadStatisticsInput,
) -> Result<models::WorkloadListStatistics, ServiceError> {
    let workloads = em.read(|world, _| Ok(world.pool(&input.pool_name)?.workloads.clone()))?;
    let mut by_type: BTreeMap<String, BTreeMap<&str, u64>> = BTreeMap::new();
    for workload in &workloads {
        let Some(type_) = workload["type"].as_str() else {
            continue;
        };
        let counts = by_type
            .entry(type_.to_owned())
            .or_insert_with(|| WORKLOAD_STATUSES.iter().map(|s| (*s, 0)).collect());
        if let Some(count) = workload["status"].as_str().and_then(|s| counts.get_mut(s)) {
            *count += 1;
        }
    }
    let items: Vec<Value> = by_type
        .into_iter()
        .map(|(type_, counts)| {
            let total: u64 = counts.values().sum();
            json!({ "type": type_, "status": counts, "total": total })
        })
        .collect();
    typed(json!({ "statistics": { "total": items.len(), "items": items } }))
}

pub fn show_pool_runtime_metrics(
    em: &Emulator,
    input: input::ShowPoolRuntimeMetricsInput,
) -> Result<models::PoolRuntimeMetricsList, ServiceError> {
    let _ = input;
    let items = em.read(|world, now| {
        let at = timestamp(now);
        Ok(world
            .pools
            .values()
            .map(|pool| {
                let nodes = pool.nodes.values().filter(|n| !n.deleting()).count();
                let running = running_workloads(pool).min(nodes);
                json!({
                    "metadata": { "name": pool.name(), "labels": pool.resource.body["metadata"]["labels"] },
                    "table": {
                        "capacity": { "timestamp": at, "window": "1m", "value": { "nodes": nodes }, "maxValue": { "nodes": nodes } },
                        "allocated": { "timestamp": at, "window": "1m", "value": { "nodes": running } },
                    },
                })
            })
            .collect::<Vec<Value>>())
    })?;
    typed(json!({ "apiVersion": "v2", "kind": "PoolMetricsList", "items": items }))
}

pub fn show_pool_monitor(
    em: &Emulator,
    input: input::ShowPoolMonitorInput,
) -> Result<models::PoolMonitor, ServiceError> {
    let statistic = match &input.statistics {
        Some(s) if !s.is_known() => {
            return Err(ServiceError::bad_request(format!(
                "statistics {:?} is not a statistic the service computes",
                s.as_str()
            )));
        }
        Some(s) => to_json(s)?,
        None => json!("average"),
    };
    let answer = em.read(|world, now| {
        let pool = world.pool(&input.pool_name)?;
        let nodes = pool.nodes.values().filter(|n| !n.deleting()).count();
        let running = running_workloads(pool).min(nodes);
        let used = if nodes == 0 {
            0.0
        } else {
            running as f64 * 100.0 / nodes as f64
        };
        let metrics: Vec<Value> = ["cpuUsage", "memUsedRate"]
            .into_iter()
            .map(|name| {
                json!({
                    "metric": {
                        "namespace": "PAAS.AGGR",
                        "metricName": name,
                        "dimensions": [{ "name": "clusterId", "value": input.pool_name }],
                    },
                    "dataPoints": [{
                        "timestamp": now,
                        "unit": "Percent",
                        "statistics": [{ "statistic": statistic, "value": used }],
                    }],
                })
            })
            .collect();
        Ok(json!({ "metrics": metrics }))
    })?;
    typed(answer)
}
