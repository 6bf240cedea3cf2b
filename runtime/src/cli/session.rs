//! One run of a command: the options and the client, and what every generated command calls on
//! them (read a body, preview, render the answer, merge pages).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::json::render_json;
use super::{Failure, GlobalArgs, OutputFormat, Table, body, output, render_leaves, render_table};
use crate::client::{Client, RequestPreview};
use crate::error::Error;

/// The state of one run: the options and the client; what every generated command calls.
pub struct Session {
    pub(super) args: GlobalArgs,
    pub(super) client: Client,
}

impl Session {
    /// The runtime client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `--dry-run` was given.
    pub fn dry_run(&self) -> bool {
        self.args.dry_run
    }

    /// Reads a request body (a file, or `-` for standard input) and checks it against its
    /// published JSON Schema: unknown members and enum values are warnings (refusals with
    /// `--strict`), anything else the schema forbids is refused; every problem is listed.
    pub fn read_body<T: DeserializeOwned>(&self, file: &str, schema: &str) -> Result<T, Failure> {
        Ok(body::read_checked(file, schema, self.args.strict)?)
    }

    /// `--dry-run`: the request as it would be sent (a call builder's `preview()`), secrets
    /// hidden.
    pub fn preview(&self, preview: Result<RequestPreview, Error>) -> Result<String, Failure> {
        Ok(preview?.to_string())
    }

    /// The answer as `--output` asks: pretty JSON, or a table (`table`, when the spec gives the
    /// answer one; otherwise every member on its own line).
    pub fn render<T: Serialize>(
        &self,
        value: &T,
        table: Option<&Table>,
    ) -> Result<String, Failure> {
        match self.args.output {
            OutputFormat::Json => Ok(render_json(value)?),
            OutputFormat::Table => {
                let value = serde_json::to_value(value).map_err(|e| {
                    Error::Config(format!("cannot print the result as a table: {e}"))
                })?;
                Ok(match table {
                    Some(table) => render_table(&value, table),
                    None => render_leaves(&value),
                })
            }
        }
    }

    /// Every page of a list, merged into one answer shaped like a page: the items of all pages
    /// under `items` (a member path), and the continuation token (at `token`) removed.
    pub async fn all_pages<P, E, S>(
        &self,
        pages: S,
        items: &str,
        token: &str,
    ) -> Result<serde_json::Value, Failure>
    where
        P: Serialize,
        E: Into<Error>,
        S: futures_core::Stream<Item = Result<P, E>>,
    {
        use futures_util::StreamExt;
        let mut pages = std::pin::pin!(pages);
        let mut merged: Option<serde_json::Value> = None;
        let mut all_items = Vec::new();
        while let Some(page) = pages.next().await {
            let page = serde_json::to_value(page.map_err(Into::into)?)
                .map_err(|e| Error::Config(format!("cannot merge the pages: {e}")))?;
            if let Some(serde_json::Value::Array(found)) = output::member(&page, items) {
                all_items.extend(found.iter().cloned());
            }
            merged.get_or_insert(page);
        }
        let mut merged = merged.unwrap_or_else(|| serde_json::json!({}));
        set_member(
            &mut merged,
            items,
            Some(serde_json::Value::Array(all_items)),
        );
        set_member(&mut merged, token, None);
        Ok(merged)
    }
}

/// Sets (or, with `None`, removes) the member at a dotted path, creating objects on the way.
fn set_member(value: &mut serde_json::Value, path: &str, new: Option<serde_json::Value>) {
    let steps: Vec<&str> = path.split('.').collect();
    let mut here = value;
    for step in &steps[..steps.len() - 1] {
        let Some(object) = here.as_object_mut() else {
            return;
        };
        if new.is_none() && !object.contains_key(*step) {
            return;
        }
        here = object
            .entry(step.to_string())
            .or_insert_with(|| serde_json::json!({}));
    }
    if let Some(object) = here.as_object_mut() {
        let last = steps[steps.len() - 1].to_string();
        match new {
            Some(new) => {
                object.insert(last, new);
            }
            None => {
                object.remove(&last);
            }
        }
    }
}
