//! Credentials from the profile file, `~/.huaweicloud/credentials`.

use std::path::{Path, PathBuf};

use super::environment::{Lookup, process_env, read};
use super::exchange::HttpClient;
use super::iam::{DEFAULT_IAM_ENDPOINT, IAM_ENDPOINT_ENV, normalize_endpoint};
use super::provider::{CredentialsError, ProvideCredentials, ProvidedCredentials};
use super::{BoxFuture, Credentials, IdTokenProvider, Secret};

/// Environment variable holding the path of the profile file (as the official SDKs read it);
/// default `~/.huaweicloud/credentials`.
pub const CREDENTIALS_FILE_ENV: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// The section of the profile file read: the official SDKs' credential type for services whose
/// resources belong to a project (`basic`; `global` is for global services).
pub const PROFILE_SECTION: &str = "basic";

/// Credentials from the `[basic]` section of an INI file, as the official SDKs read it:
/// `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials` (`%USERPROFILE%` on
/// Windows), read at each fetch.
///
/// ```ini
/// [basic]
/// ak = AK...
/// sk = ...
/// # security_token = ...   (temporary AK/SK)
/// # project_id = ...       (else it is looked up through IAM by region)
/// # idp_id = ...           with id_token_file = /path/to/token: a federated identity,
/// # iam_endpoint = ...     which wins over ak/sk, exchanged with this IAM
/// ```
///
/// No file at the default place, or no `[basic]` section, or neither `ak`/`sk` nor
/// `idp_id`/`id_token_file` in it: nothing to give
/// ([`NotFound`](super::CredentialsErrorKind::NotFound)). A file named by the variable but
/// missing, a file that does not parse, or half of a pair: [`Invalid`](super::CredentialsErrorKind::Invalid).
#[derive(Clone)]
pub struct ProfileProvider {
    path: Option<PathBuf>,
    lookup: Lookup,
    iam_endpoint: Option<String>,
    http: HttpClient,
}

impl std::fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ProfileProvider {
    /// The file `HUAWEICLOUD_SDK_CREDENTIALS_FILE` names, else `~/.huaweicloud/credentials`.
    pub fn new() -> Self {
        Self::with_lookup(process_env())
    }

    pub(crate) fn with_lookup(lookup: Lookup) -> Self {
        ProfileProvider {
            path: None,
            lookup,
            iam_endpoint: None,
            http: HttpClient::new(),
        }
    }

    /// Reads this file instead.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// The IAM endpoint for a federated identity when the file names none (default
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else [`DEFAULT_IAM_ENDPOINT`]).
    pub fn iam_endpoint(mut self, endpoint: impl AsRef<str>) -> Self {
        self.iam_endpoint = Some(normalize_endpoint(endpoint.as_ref()));
        self
    }

    /// The HTTP client to reach IAM with, for a federated identity.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = HttpClient::given(client);
        self
    }

    pub(crate) fn with_http(mut self, http: HttpClient) -> Self {
        self.http = http;
        self
    }

    /// The file read, and whether it was named explicitly (then it must exist).
    fn file(&self) -> Option<(PathBuf, bool)> {
        if let Some(path) = &self.path {
            return Some((path.clone(), true));
        }
        if let Some(path) = read(&self.lookup, CREDENTIALS_FILE_ENV) {
            return Some((PathBuf::from(path), true));
        }
        let home = read(&self.lookup, "HOME").or_else(|| read(&self.lookup, "USERPROFILE"))?;
        Some((
            Path::new(&home).join(".huaweicloud").join("credentials"),
            false,
        ))
    }

    async fn fetch(&self) -> Result<ProvidedCredentials, CredentialsError> {
        let Some((path, explicit)) = self.file() else {
            return Err(CredentialsError::not_found(
                "profile file",
                format!(
                    "no home directory to find ~/.huaweicloud/credentials in, and {CREDENTIALS_FILE_ENV} is not set"
                ),
            ));
        };
        let source = format!("profile file {}", path.display());
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Err(CredentialsError::not_found(source, "there is no such file"));
            }
            Err(e) => {
                let named = if explicit && self.path.is_none() {
                    format!(" (named by {CREDENTIALS_FILE_ENV})")
                } else {
                    String::new()
                };
                return Err(CredentialsError::invalid(
                    source,
                    format!("cannot read it{named}: {e}"),
                ));
            }
        };
        // The parser's message is left out: it may quote the line, which may hold a secret.
        let ini = ini::Ini::load_from_str(&text).map_err(|e| {
            CredentialsError::invalid(
                source.as_str(),
                format!("not an INI file: line {}, column {}", e.line, e.col),
            )
        })?;
        let Some(section) = ini.section(Some(PROFILE_SECTION)) else {
            return Err(CredentialsError::not_found(
                source,
                format!("there is no [{PROFILE_SECTION}] section"),
            ));
        };
        let key = |name: &str| {
            section
                .get(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let pair = |a: &str, b: &str| match (key(a), key(b)) {
            (Some(x), Some(y)) => Ok(Some((x, y))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(CredentialsError::invalid(
                source.as_str(),
                format!("[{PROFILE_SECTION}] has {a} but no {b}; set both"),
            )),
            (None, Some(_)) => Err(CredentialsError::invalid(
                source.as_str(),
                format!("[{PROFILE_SECTION}] has {b} but no {a}; set both"),
            )),
        };
        let provided = if let Some((idp_id, file)) = pair("idp_id", "id_token_file")? {
            let iam = key("iam_endpoint")
                .map(|e| normalize_endpoint(&e))
                .or_else(|| self.iam_endpoint.clone())
                .or_else(|| read(&self.lookup, IAM_ENDPOINT_ENV).map(|e| normalize_endpoint(&e)))
                .unwrap_or_else(|| DEFAULT_IAM_ENDPOINT.to_string());
            IdTokenProvider::new(idp_id, file)
                .iam_endpoint(iam)
                .with_http(self.http.clone())
                .provide_credentials()
                .await
                .map_err(|e| {
                    CredentialsError::new(
                        e.kind(),
                        format!("{source}: {}", e.source_name()),
                        e.message(),
                    )
                })?
        } else if let Some((ak, sk)) = pair("ak", "sk")? {
            let credentials = Credentials::AkSk {
                ak,
                sk: Secret::new(sk),
                security_token: key("security_token").map(Secret::new),
            };
            if let Some(problem) = credentials.problem() {
                return Err(CredentialsError::invalid(source, problem));
            }
            ProvidedCredentials::new(credentials)
        } else {
            return Err(CredentialsError::not_found(
                source,
                format!("[{PROFILE_SECTION}] has neither ak and sk nor idp_id and id_token_file"),
            ));
        };
        Ok(match key("project_id") {
            Some(project_id) => provided.with_project_id(project_id),
            None => provided,
        })
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::CredentialsErrorKind;
    use crate::credentials::environment::tests::lookup;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("credentials");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[tokio::test]
    async fn reads_the_basic_section() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap().to_string();
        std::fs::create_dir(dir.path().join(".huaweicloud")).unwrap();
        std::fs::write(
            dir.path().join(".huaweicloud/credentials"),
            "# comment\n[global]\nak = AKGLOBAL\nsk = x\n\n[basic]\nak = AKPROFILE\nsk = SKPROFILE-secret\nsecurity_token = ST\nproject_id = proj-from-file\n",
        )
        .unwrap();
        let provided = ProfileProvider::with_lookup(lookup(&[("HOME", &home)]))
            .provide_credentials()
            .await
            .unwrap();
        assert!(matches!(provided.credentials(),
            Credentials::AkSk { ak, sk, security_token: Some(t) }
                if ak == "AKPROFILE" && sk.expose() == "SKPROFILE-secret" && t.expose() == "ST"));
        assert_eq!(provided.project_id(), Some("proj-from-file"));

        // The variable wins over the home directory.
        let other = tempfile::tempdir().unwrap();
        let path = write(other.path(), "[basic]\nak=AKVAR\nsk=SK\n");
        let provided = ProfileProvider::with_lookup(lookup(&[
            ("HOME", &home),
            (CREDENTIALS_FILE_ENV, path.to_str().unwrap()),
        ]))
        .provide_credentials()
        .await
        .unwrap();
        assert!(matches!(provided.credentials(), Credentials::AkSk { ak, .. } if ak == "AKVAR"));
        assert_eq!(provided.project_id(), None);
    }

    #[tokio::test]
    async fn failures_say_which_file_and_why_never_a_secret() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap().to_string();
        // No file at the default place: nothing to give.
        let err = ProfileProvider::with_lookup(lookup(&[("HOME", &home)]))
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
        assert!(err.to_string().contains(".huaweicloud"), "{err}");

        // A file the variable names must exist.
        let missing = dir.path().join("nope");
        let err = ProfileProvider::with_lookup(lookup(&[(
            CREDENTIALS_FILE_ENV,
            missing.to_str().unwrap(),
        )]))
        .provide_credentials()
        .await
        .unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
        assert!(err.to_string().contains(CREDENTIALS_FILE_ENV), "{err}");

        let cases = [
            (
                "[basic]\nak = AK\n",
                CredentialsErrorKind::Invalid,
                "has ak but no sk",
            ),
            (
                "[basic]\nsk = SKSECRET\n",
                CredentialsErrorKind::Invalid,
                "has sk but no ak",
            ),
            (
                "[basic]\nidp_id = i\nak = A\nsk = SKSECRET\n",
                CredentialsErrorKind::Invalid,
                "has idp_id but no id_token_file",
            ),
            (
                "[global]\nak = A\nsk = SKSECRET\n",
                CredentialsErrorKind::NotFound,
                "no [basic] section",
            ),
            (
                "[basic]\nproject_id = p\n",
                CredentialsErrorKind::NotFound,
                "neither ak and sk",
            ),
            (
                "[basic\nsk = SKSECRET\n",
                CredentialsErrorKind::Invalid,
                "not an INI file: line",
            ),
        ];
        for (text, kind, expected) in cases {
            let path = write(dir.path(), text);
            let err = ProfileProvider::new()
                .path(&path)
                .provide_credentials()
                .await
                .unwrap_err();
            let shown = err.to_string();
            assert_eq!(err.kind(), kind, "{text}: {shown}");
            assert!(
                shown.starts_with(&format!("profile file {}", path.display())),
                "{shown}"
            );
            assert!(shown.contains(expected), "{text}: {shown}");
            assert!(!shown.contains("SKSECRET"), "{shown}");
        }
    }
}
