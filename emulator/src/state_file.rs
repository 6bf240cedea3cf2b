//! `--state FILE`: the world read at start and written after every change, so that a crash at
//! any moment leaves the last complete state. A change is written to a new file beside the state
//! file, flushed to the disk, then renamed over it (an atomic replacement on POSIX file systems),
//! and the folder is flushed so that the rename itself survives a power cut. A damaged file is
//! refused, never overwritten.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use modelarts_pools::models;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::world::{Resource, World};

/// Where the emulator keeps its world.
#[derive(Clone, Debug)]
pub struct StateFile {
    path: PathBuf,
}

/// A state file that cannot be read or written: its path and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the state file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the state file {path} is not a world the emulator can serve: at {at}: {message}")]
    Damaged {
        path: PathBuf,
        /// Where in the file: a JSON path, with the line and column when the JSON itself is bad.
        at: String,
        message: String,
    },
    #[error("cannot write the state file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl StateFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The world the file holds; an empty world if there is no file yet.
    pub fn load(&self) -> Result<World, StateError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(World::default()),
            Err(source) => {
                return Err(StateError::Read {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        let damaged = |at: String, message: String| StateError::Damaged {
            path: self.path.clone(),
            at,
            message,
        };
        let deserializer = &mut serde_json::Deserializer::from_str(&text);
        let world: World = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let inner = e.inner();
            let at = if inner.is_syntax() || inner.is_eof() {
                format!("line {} column {}", inner.line(), inner.column())
            } else {
                format!("$.{} (line {})", e.path(), inner.line())
            };
            damaged(at, inner.to_string())
        })?;
        check_bodies(&world).map_err(|(at, message)| damaged(at, message))?;
        Ok(world)
    }

    /// Replaces the file's content with `world`, all or nothing.
    pub fn save(&self, world: &World) -> Result<(), StateError> {
        let write = |source| StateError::Write {
            path: self.path.clone(),
            source,
        };
        let mut text =
            serde_json::to_string_pretty(world).map_err(|e| write(std::io::Error::other(e)))?;
        text.push('\n');
        let mut staged = self.path.clone().into_os_string();
        staged.push(".new");
        let staged = PathBuf::from(staged);
        let mut file = File::create(&staged).map_err(write)?;
        file.write_all(text.as_bytes()).map_err(write)?;
        file.sync_all().map_err(write)?;
        drop(file);
        fs::rename(&staged, &self.path).map_err(write)?;
        sync_folder(&self.path).map_err(write)
    }
}

/// Flushes the folder holding `path`, where the rename is recorded.
#[cfg(unix)]
fn sync_folder(path: &Path) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Every body in the world is a value of its generated type: `(JSON path, what is wrong)` of the
/// first that is not.
fn check_bodies(world: &World) -> Result<(), (String, String)> {
    fn check<T: DeserializeOwned>(at: String, body: &Value) -> Result<(), (String, String)> {
        serde_path_to_error::deserialize::<_, T>(body)
            .map(|_| ())
            .map_err(|e| {
                let inner = e.path().to_string();
                let at = if inner == "." {
                    at
                } else {
                    format!("{at}.{inner}")
                };
                (at, e.into_inner().to_string())
            })
    }
    fn each<T: DeserializeOwned>(
        at: &str,
        resources: &std::collections::BTreeMap<String, Resource>,
    ) -> Result<(), (String, String)> {
        resources
            .iter()
            .try_for_each(|(name, r)| check::<T>(format!("{at}.{name}.body"), &r.body))
    }
    for (name, pool) in &world.pools {
        let at = format!("$.pools.{name}");
        check::<models::PoolModel>(format!("{at}.body"), &pool.resource.body)?;
        each::<models::NodePool>(&format!("{at}.node_pools"), &pool.node_pools)?;
        each::<models::Node>(&format!("{at}.nodes"), &pool.nodes)?;
        each::<models::Plugin>(&format!("{at}.plugins"), &pool.plugins)?;
        for (i, workload) in pool.workloads.iter().enumerate() {
            check::<models::Workload>(format!("{at}.workloads[{i}]"), workload)?;
        }
    }
    each::<models::Network>("$.networks", &world.networks)
}
