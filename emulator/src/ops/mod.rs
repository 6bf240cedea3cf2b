//! The operations, by what they act on. Each takes the operation's input and gives its typed
//! answer, reading or changing the world through [`crate::Emulator::read`] and
//! [`crate::Emulator::write`].

pub mod catalog;
pub mod metrics;
pub mod networks;
pub mod node_pools;
pub mod nodes;
pub mod orders;
pub mod plugins;
pub mod pools;
pub mod tags;
pub mod workloads;
