//! The project ID: given, named by the credentials' source (a profile file's `project_id`), or
//! looked up once through IAM by region (`KeystoneListProjects`, `GET /v3/projects?name=REGION`),
//! as the official SDKs do when only a region is given.
//!
//! [`ClientBuilder::build`](super::ClientBuilder::build) is synchronous, so the lookup happens on
//! the first call (or on [`Client::resolve_project_id`]): the first caller asks IAM and every
//! other caller waits for that answer (a `tokio::sync::OnceCell`); a found ID is kept for the
//! client's life, a failure is not, so the next call asks again. Requests built before the ID is
//! known carry a placeholder segment that the call fills in before anything is signed or sent;
//! when no single project is found, nothing is sent to the pool service.

use std::borrow::Cow;
use std::time::SystemTime;

use http::header::{self, HeaderName, HeaderValue};
use reqwest::Url;

use super::Client;
use super::failure::transport_error;
use crate::credentials::{Credentials, iam_endpoint_for_region};
use crate::error::{ApiError, Error};
use crate::request::OperationRequest;
use crate::signer::{self, SigningInput, encode_component};

/// What [`Client::project_id`] gives, and what requests built before the ID is known carry in
/// its place, until the project ID is found.
pub const PROJECT_ID_PLACEHOLDER: &str = "{project_id}";

/// The operation name of the lookup, in its errors.
const LOOKUP_OPERATION: &str = "KeystoneListProjects";

/// Largest answer of the lookup read.
const MAX_LOOKUP_BYTES: usize = 4 * 1024 * 1024;

/// The client's project ID, known or to be found.
pub(super) struct ProjectId {
    cell: tokio::sync::OnceCell<String>,
    /// The region that names the project, for the lookup.
    region: Option<String>,
    /// The IAM endpoint configured; else the region's.
    iam_endpoint: Option<String>,
}

impl ProjectId {
    pub(super) fn new(
        known: Option<String>,
        region: Option<String>,
        iam_endpoint: Option<String>,
    ) -> Self {
        ProjectId {
            cell: match known {
                Some(id) => tokio::sync::OnceCell::new_with(Some(id)),
                None => tokio::sync::OnceCell::new(),
            },
            region,
            iam_endpoint,
        }
    }

    /// The project ID, when it is known.
    pub(super) fn get(&self) -> Option<&str> {
        self.cell.get().map(String::as_str)
    }

    #[cfg(test)]
    pub(super) fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    #[cfg(test)]
    pub(super) fn iam_endpoint_configured(&self) -> Option<&str> {
        self.iam_endpoint.as_deref()
    }

    /// The IAM endpoint the lookup asks.
    fn iam_endpoint(&self, region: &str) -> String {
        self.iam_endpoint
            .clone()
            .unwrap_or_else(|| iam_endpoint_for_region(region).to_string())
    }
}

impl std::fmt::Debug for ProjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.get() {
            Some(id) => f.write_str(id),
            None => write!(f, "(to be looked up for region {:?})", self.region),
        }
    }
}

fn not_found_hint() -> String {
    format!(
        "pass --project-id ID or set {} (or project_id in the profile file)",
        super::PROJECT_ID_ENV
    )
}

pub(super) fn check_project_id(id: &str) -> Result<(), Error> {
    if id.is_empty() || !id.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(Error::Config(format!(
            "invalid project ID {id:?}: expected visible ASCII characters"
        )));
    }
    Ok(())
}

impl Client {
    /// The project ID: as given, or found (see [`resolve_project_id`](Self::resolve_project_id)).
    /// Until it is found, [`PROJECT_ID_PLACEHOLDER`], which requests carry until the call fills
    /// it in.
    pub fn project_id(&self) -> &str {
        self.inner.project.get().unwrap_or(PROJECT_ID_PLACEHOLDER)
    }

    /// The project ID, found now if it is not known yet: from the credentials' source (a
    /// profile file's `project_id`), else from IAM, `GET /v3/projects?name=REGION` signed with
    /// the client's credentials at `HUAWEICLOUD_SDK_IAM_ENDPOINT` (or
    /// [`ClientBuilder::iam_endpoint`](super::ClientBuilder::iam_endpoint)), else the region's
    /// IAM endpoint ([`iam_endpoint_for_region`]). Asked once however many calls wait; the
    /// first call does this by itself, so calling it is only needed to fail early.
    ///
    /// Fails with [`Error::Config`] when no single project is named after the region (naming
    /// `--project-id` and `HUAWEICLOUD_SDK_PROJECT_ID`), with [`Error::Credentials`] when there
    /// are no credentials, and with the IAM answer or transport error when IAM refuses or
    /// cannot be reached.
    pub async fn resolve_project_id(&self) -> Result<&str, Error> {
        let project = &self.inner.project;
        project
            .cell
            .get_or_try_init(|| self.find_project_id())
            .await
            .map(String::as_str)
    }

    /// The request with the project ID filled in where it was built with the placeholder.
    pub(super) async fn with_project_id<'r>(
        &self,
        request: &'r OperationRequest,
    ) -> Result<Cow<'r, OperationRequest>, Error> {
        let project_id = self.resolve_project_id().await?;
        if !request.has_project_placeholder() {
            return Ok(Cow::Borrowed(request));
        }
        let mut filled = request.clone();
        filled.fill_project_id(project_id);
        Ok(Cow::Owned(filled))
    }

    async fn find_project_id(&self) -> Result<String, Error> {
        let provided = self
            .inner
            .credentials
            .credentials()
            .await
            .map_err(|e| Error::Credentials(Box::new(e)))?;
        if let Some(id) = provided.project_id() {
            check_project_id(id)?;
            return Ok(id.to_string());
        }
        let Some(region) = self.inner.project.region.clone() else {
            return Err(Error::Config(format!(
                "no project ID, and no region to look it up by: {}, or give the region \
                 (--region or {})",
                not_found_hint(),
                super::REGION_ENV
            )));
        };
        let iam = self.inner.project.iam_endpoint(&region);
        self.list_projects(&iam, &region, provided.credentials())
            .await
    }

    /// `KeystoneListProjects`: the projects named `region`, signed like any call.
    async fn list_projects(
        &self,
        iam: &str,
        region: &str,
        credentials: &Credentials,
    ) -> Result<String, Error> {
        let path = "/v3/projects";
        let query = format!("name={}", encode_component(region));
        let url_text = format!("{iam}{path}?{query}");
        let url = Url::parse(&url_text)
            .map_err(|e| Error::Config(format!("invalid IAM endpoint {iam:?}: {e}")))?;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => {
                return Err(Error::Config(format!(
                    "invalid IAM endpoint {iam:?}: no host"
                )));
            }
        };
        let value = |what: &str, v: &str| {
            HeaderValue::from_str(v)
                .map_err(|_| Error::Config(format!("{what} is not a valid header value")))
        };
        let sdk_date = signer::format_sdk_date(SystemTime::now());
        let mut headers: Vec<(HeaderName, HeaderValue)> =
            vec![(header::HOST, value("the IAM host", &host)?)];
        match credentials {
            Credentials::AkSk {
                ak,
                sk,
                security_token,
            } => {
                headers.push((
                    HeaderName::from_static("x-sdk-date"),
                    value("X-Sdk-Date", &sdk_date)?,
                ));
                if let Some(token) = security_token {
                    let mut v = value("the security token", token.expose())?;
                    v.set_sensitive(true);
                    headers.push((HeaderName::from_static("x-security-token"), v));
                }
                let signed: Vec<(String, String)> = headers
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                let signature = signer::sign(
                    &SigningInput {
                        method: "GET",
                        path,
                        query: &query,
                        headers: &signed,
                        body: b"",
                    },
                    ak,
                    sk.expose(),
                    &sdk_date,
                );
                let mut auth = value("the access key ID", &signature.authorization)?;
                auth.set_sensitive(true);
                headers.push((header::AUTHORIZATION, auth));
            }
            Credentials::Token(token) => {
                let mut v = value("the IAM token", token.expose())?;
                v.set_sensitive(true);
                headers.push((HeaderName::from_static("x-auth-token"), v));
            }
        }
        let mut request = reqwest::Request::new(http::Method::GET, url);
        for (name, value) in headers {
            request.headers_mut().append(name, value);
        }
        let mut response = self
            .inner
            .http
            .execute(request)
            .await
            .map_err(|e| transport_error(LOOKUP_OPERATION, &e, None, None))?;
        let status = response.status();
        let response_headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(LOOKUP_OPERATION, &e, Some(status), None))?
        {
            if body.len() + chunk.len() > MAX_LOOKUP_BYTES {
                return Err(Error::Config(format!(
                    "the project-ID lookup at {url_text} answered with more than {MAX_LOOKUP_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let trace = response_headers
            .get("x-iam-trace-id")
            .and_then(|v| v.to_str().ok())
            .map(|t| format!(", X-IAM-Trace-Id {t}"))
            .unwrap_or_default();
        if !status.is_success() {
            return Err(Error::Api(Box::new(ApiError::from_response(
                LOOKUP_OPERATION,
                status,
                response_headers,
                &body,
                None,
            ))));
        }
        let projects: Vec<String> = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("projects")?.as_array().map(|projects| {
                    projects
                        .iter()
                        .filter_map(|p| p.get("id")?.as_str().map(str::to_string))
                        .collect()
                })
            })
            .ok_or_else(|| {
                Error::Config(format!(
                    "the project-ID lookup GET {url_text} answered without a \"projects\" list{trace}; {}",
                    not_found_hint()
                ))
            })?;
        match projects.as_slice() {
            [id] => {
                check_project_id(id)?;
                Ok(id.clone())
            }
            [] => Err(Error::Config(format!(
                "no project ID: IAM has no project named {region:?} for these credentials \
                 (GET {url_text}{trace}); {}",
                not_found_hint()
            ))),
            several => Err(Error::Config(format!(
                "no project ID: IAM has {} projects named {region:?} ({}) (GET {url_text}{trace}); \
                 choose one: {}",
                several.len(),
                several.join(", "),
                not_found_hint()
            ))),
        }
    }
}
