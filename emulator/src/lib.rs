//! A local ModelArts resource pool service on the generated server stubs
//! (`modelarts_pools::server`): every operation of the published document, answered from what the
//! emulator holds.
//!
//! - **State**: pools are created `Creating` and become `Running` after the transition time; a
//!   resize shows in `spec` at once and in `status` after it; a deleted pool is `Deleting` and
//!   then gone (404 `ModelArts.50015001`). Nodes, node pools, networks, tags, plugins and order IDs
//!   live in the [`World`]; monitoring and statistics are computed from it. What the emulator
//!   chose where the documents leave the service's behaviour open is written in its README.
//! - **Kept**: with a [`StateFile`] the world is read at start and every change is written before
//!   it is answered, so that a crash at any moment leaves the last complete state.
//! - **Faults on demand**: [`Faults`] (from the program's `--fault` options or a request's
//!   `X-Emulator-Fault` header) make an operation throttle, fail, stall or close the connection,
//!   for the client's retries and timeouts to be tested against.
//!
//! Every answer is decoded into the generated type before it leaves, so what the emulator says is
//! what the published document describes.

mod answer;
mod clock;
mod examples;
mod faults;
mod ops;
mod state_file;
mod values;
mod world;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, UNIX_EPOCH};

pub use clock::{Clock, ManualClock, SystemClock};
pub use faults::{Fault, FaultError, Faults};
pub use state_file::{StateError, StateFile};
pub use world::World;

use modelarts_pools::server::Service;
use modelarts_pools::{input, models};
use modelarts_pools_runtime::server::axum::Router;
use modelarts_pools_runtime::server::{Auth, ServiceError};
use world::Millis;

/// The emulated service.
pub struct Emulator {
    transition: Duration,
    clock: Arc<dyn Clock>,
    world: Mutex<World>,
    state: Option<StateFile>,
    faults: Faults,
}

impl Emulator {
    /// A service whose creations, resizes and deletions take `transition` to settle, in memory.
    pub fn new(transition: Duration) -> Self {
        Emulator::with_clock(transition, Arc::new(SystemClock))
    }

    /// [`Emulator::new`] on `clock` (a [`ManualClock`] in tests).
    pub fn with_clock(transition: Duration, clock: Arc<dyn Clock>) -> Self {
        Emulator {
            transition,
            clock,
            world: Mutex::new(World::default()),
            state: None,
            faults: Faults::default(),
        }
    }

    /// Starts from `world` instead of an empty one.
    pub fn with_world(mut self, world: World) -> Self {
        self.world = Mutex::new(world);
        self
    }

    /// Keeps the world in `state`: starts from what it holds (an empty world if the file does not
    /// exist yet) and writes every change to it before answering.
    pub fn with_state_file(mut self, state: StateFile) -> Result<Self, StateError> {
        let world = state.load()?;
        self.world = Mutex::new(world);
        self.state = Some(state);
        Ok(self)
    }

    /// The faults this emulator injects; they can be changed while it serves.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// What the emulator holds now.
    pub fn world(&self) -> World {
        self.lock().clone()
    }

    /// The service's routes, with AK/SK checks as `auth` says and the injected faults.
    pub fn router(self: Arc<Self>, auth: Auth) -> Router {
        let faults = self.faults.clone();
        faults.layer(modelarts_pools::server::router(self, auth))
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock leaves plain data behind; it stays usable.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The emulator's clock, in milliseconds since the Unix epoch.
    pub(crate) fn now(&self) -> Millis {
        self.clock
            .calendar()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as Millis)
            .unwrap_or(0)
    }

    /// When a change made now settles.
    pub(crate) fn settles_at(&self, now: Millis) -> Millis {
        now.saturating_add(self.transition.as_millis() as Millis)
    }

    /// Runs `f` on the world as it is now, without changing what is kept.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&mut World, Millis) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let now = self.now();
        let mut world = self.lock();
        world.settle(now);
        f(&mut world, now)
    }

    /// Runs `f` on the world as it is now and keeps what it changed: in the state file, if there
    /// is one, before the answer leaves. A change that fails, or cannot be written, is undone.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut World, Millis) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let now = self.now();
        let mut world = self.lock();
        world.settle(now);
        let before = world.clone();
        let answer = f(&mut world, now);
        if answer.is_err() {
            *world = before;
            return answer;
        }
        if let Some(state) = &self.state
            && *world != before
            && let Err(e) = state.save(&world)
        {
            *world = before;
            return Err(answer::internal(e));
        }
        answer
    }
}

impl Service for Emulator {
    async fn batch_bind_pool_nodes(
        &self,
        input: input::BatchBindPoolNodesInput,
    ) -> Result<models::BatchBindPoolNodesResponse, ServiceError> {
        ops::nodes::batch_bind_pool_nodes(self, input)
    }

    async fn batch_create_pool_tags(
        &self,
        input: input::BatchCreatePoolTagsInput,
    ) -> Result<Option<models::TagList>, ServiceError> {
        ops::tags::batch_create_pool_tags(self, input)
    }

    async fn batch_delete_pool_nodes(
        &self,
        input: input::BatchDeletePoolNodesInput,
    ) -> Result<(), ServiceError> {
        ops::nodes::batch_delete_pool_nodes(self, input)
    }

    async fn batch_delete_pool_tags(
        &self,
        input: input::BatchDeletePoolTagsInput,
    ) -> Result<Option<models::TagList>, ServiceError> {
        ops::tags::batch_delete_pool_tags(self, input)
    }

    async fn batch_lock_pool_nodes(
        &self,
        input: input::BatchLockPoolNodesInput,
    ) -> Result<models::BatchLockPoolNodesResp, ServiceError> {
        ops::nodes::batch_lock_pool_nodes(self, input)
    }

    async fn batch_migrate_pool_nodes(
        &self,
        input: input::BatchMigratePoolNodesInput,
    ) -> Result<models::NodeJobResponse, ServiceError> {
        ops::nodes::batch_migrate_pool_nodes(self, input)
    }

    async fn batch_reboot_pool_nodes(
        &self,
        input: input::BatchRebootPoolNodesInput,
    ) -> Result<models::BatchRebootNodesResponse, ServiceError> {
        ops::nodes::batch_reboot_pool_nodes(self, input)
    }

    async fn batch_reset_pool_nodes(
        &self,
        input: input::BatchResetPoolNodesInput,
    ) -> Result<models::NodeJobResponse, ServiceError> {
        ops::nodes::batch_reset_pool_nodes(self, input)
    }

    async fn batch_resize_pool_nodes(
        &self,
        input: input::BatchResizePoolNodesInput,
    ) -> Result<models::BatchResizePoolNodesResponse, ServiceError> {
        ops::nodes::batch_resize_pool_nodes(self, input)
    }

    async fn batch_unlock_pool_nodes(
        &self,
        input: input::BatchUnlockPoolNodesInput,
    ) -> Result<models::BatchLockPoolNodesResp, ServiceError> {
        ops::nodes::batch_unlock_pool_nodes(self, input)
    }

    async fn batch_update_pool_nodes(
        &self,
        input: input::BatchUpdatePoolNodesInput,
    ) -> Result<models::UpdatePoolNodesResp, ServiceError> {
        ops::nodes::batch_update_pool_nodes(self, input)
    }

    async fn create_network(
        &self,
        input: input::CreateNetworkInput,
    ) -> Result<models::Network, ServiceError> {
        ops::networks::create_network(self, input)
    }

    async fn create_node_pool(
        &self,
        input: input::CreateNodePoolInput,
    ) -> Result<models::CreateNodePoolResponse, ServiceError> {
        ops::node_pools::create_node_pool(self, input)
    }

    async fn create_order_id(
        &self,
        input: input::CreateOrderIdInput,
    ) -> Result<models::Order, ServiceError> {
        ops::orders::create_order_id(self, input)
    }

    async fn create_pool(
        &self,
        input: input::CreatePoolInput,
    ) -> Result<models::CreatePoolResponse, ServiceError> {
        ops::pools::create_pool(self, input)
    }

    async fn create_pool_plugin(
        &self,
        input: input::CreatePoolPluginInput,
    ) -> Result<models::Plugin, ServiceError> {
        ops::plugins::create_pool_plugin(self, input)
    }

    async fn delete_network(
        &self,
        input: input::DeleteNetworkInput,
    ) -> Result<models::Network, ServiceError> {
        ops::networks::delete_network(self, input)
    }

    async fn delete_node_pool(
        &self,
        input: input::DeleteNodePoolInput,
    ) -> Result<models::NodePool, ServiceError> {
        ops::node_pools::delete_node_pool(self, input)
    }

    async fn delete_pool(
        &self,
        input: input::DeletePoolInput,
    ) -> Result<models::DeletePoolResponse, ServiceError> {
        ops::pools::delete_pool(self, input)
    }

    async fn list_networks(
        &self,
        input: input::ListNetworksInput,
    ) -> Result<models::NetworkList, ServiceError> {
        ops::networks::list_networks(self, input)
    }

    async fn list_node_pool_nodes(
        &self,
        input: input::ListNodePoolNodesInput,
    ) -> Result<models::NodeList, ServiceError> {
        ops::node_pools::list_node_pool_nodes(self, input)
    }

    async fn list_node_pools(
        &self,
        input: input::ListNodePoolsInput,
    ) -> Result<models::NodePoolList, ServiceError> {
        ops::node_pools::list_node_pools(self, input)
    }

    async fn list_plugin_templates(
        &self,
        input: input::ListPluginTemplatesInput,
    ) -> Result<models::PluginTemplateList, ServiceError> {
        ops::plugins::list_plugin_templates(self, input)
    }

    async fn list_pool_nodes(
        &self,
        input: input::ListPoolNodesInput,
    ) -> Result<models::NodeList, ServiceError> {
        ops::nodes::list_pool_nodes(self, input)
    }

    async fn list_pool_plugins(
        &self,
        input: input::ListPoolPluginsInput,
    ) -> Result<models::PluginList, ServiceError> {
        ops::plugins::list_pool_plugins(self, input)
    }

    async fn list_pool_tags(
        &self,
        input: input::ListPoolTagsInput,
    ) -> Result<models::TagList, ServiceError> {
        ops::tags::list_pool_tags(self, input)
    }

    async fn list_pools(
        &self,
        input: input::ListPoolsInput,
    ) -> Result<models::PoolList, ServiceError> {
        ops::pools::list_pools(self, input)
    }

    async fn list_resource_flavors(
        &self,
        input: input::ListResourceFlavorsInput,
    ) -> Result<models::ResourceFlavorList, ServiceError> {
        ops::catalog::list_resource_flavors(self, input)
    }

    async fn list_workloads(
        &self,
        input: input::ListWorkloadsInput,
    ) -> Result<models::WorkloadList, ServiceError> {
        ops::workloads::list_workloads(self, input)
    }

    async fn patch_network(
        &self,
        input: input::PatchNetworkInput,
    ) -> Result<models::Network, ServiceError> {
        ops::networks::patch_network(self, input)
    }

    async fn patch_node_pool(
        &self,
        input: input::PatchNodePoolInput,
    ) -> Result<models::PatchNodePoolResponse, ServiceError> {
        ops::node_pools::patch_node_pool(self, input)
    }

    async fn patch_pool(
        &self,
        input: input::PatchPoolInput,
    ) -> Result<models::PoolModel, ServiceError> {
        ops::pools::patch_pool(self, input)
    }

    async fn show_network(
        &self,
        input: input::ShowNetworkInput,
    ) -> Result<models::Network, ServiceError> {
        ops::networks::show_network(self, input)
    }

    async fn show_node_config_template(
        &self,
        input: input::ShowNodeConfigTemplateInput,
    ) -> Result<models::NodeConfigTemplate, ServiceError> {
        ops::catalog::show_node_config_template(self, input)
    }

    async fn show_plugin_template(
        &self,
        input: input::ShowPluginTemplateInput,
    ) -> Result<models::PluginTemplate, ServiceError> {
        ops::plugins::show_plugin_template(self, input)
    }

    async fn show_pool(
        &self,
        input: input::ShowPoolInput,
    ) -> Result<models::PoolModel, ServiceError> {
        ops::pools::show_pool(self, input)
    }

    async fn show_pool_monitor(
        &self,
        input: input::ShowPoolMonitorInput,
    ) -> Result<models::PoolMonitor, ServiceError> {
        ops::metrics::show_pool_monitor(self, input)
    }

    async fn show_pool_node_config(
        &self,
        input: input::ShowPoolNodeConfigInput,
    ) -> Result<models::NodeConfig, ServiceError> {
        ops::catalog::show_pool_node_config(self, input)
    }

    async fn show_pool_runtime_metrics(
        &self,
        input: input::ShowPoolRuntimeMetricsInput,
    ) -> Result<models::PoolRuntimeMetricsList, ServiceError> {
        ops::metrics::show_pool_runtime_metrics(self, input)
    }

    async fn show_pool_statistics(
        &self,
        input: input::ShowPoolStatisticsInput,
    ) -> Result<models::PoolStatistics, ServiceError> {
        ops::metrics::show_pool_statistics(self, input)
    }

    async fn show_pool_tags(
        &self,
        input: input::ShowPoolTagsInput,
    ) -> Result<Option<models::TagList>, ServiceError> {
        ops::tags::show_pool_tags(self, input)
    }

    async fn show_workload_statistics(
        &self,
        input: input::ShowWorkloadStatisticsInput,
    ) -> Result<models::WorkloadListStatistics, ServiceError> {
        ops::metrics::show_workload_statistics(self, input)
    }
}
