//! Sources asked in turn: the first that has credentials gives them.

use std::sync::Arc;

use super::environment::{Lookup, process_env, read};
use super::exchange::HttpClient;
use super::iam::{IAM_ENDPOINT_ENV, normalize_endpoint};
use super::metadata::{DEFAULT_METADATA_ENDPOINT, METADATA_ENDPOINT_ENV};
use super::provider::{
    CredentialsError, CredentialsErrorKind, ProvideCredentials, ProvidedCredentials,
};
use super::{BoxFuture, EnvironmentProvider, InstanceMetadataProvider, ProfileProvider};

/// Sources asked in order. A source with nothing to give
/// ([`NotFound`](CredentialsErrorKind::NotFound)) passes to the next; any other failure stops
/// the chain with that source's error, so that a broken configuration is reported rather than
/// passed over. When no source has credentials, the error lists what each one said.
///
/// The sources are asked again at each refresh, so the chain follows where credentials are.
#[derive(Clone, Debug)]
pub struct CredentialsProviderChain {
    providers: Vec<Arc<dyn ProvideCredentials>>,
}

impl CredentialsProviderChain {
    /// A chain of these sources, asked in this order.
    pub fn new(providers: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        CredentialsProviderChain { providers }
    }

    /// The official SDKs' chain (`DefaultCredentialProviderChain`): [`EnvironmentProvider`],
    /// then [`ProfileProvider`], then [`InstanceMetadataProvider`], reading the process
    /// environment (`HUAWEICLOUD_SDK_IAM_ENDPOINT` and `HUAWEICLOUD_SDK_METADATA_ENDPOINT`
    /// included).
    pub fn default_chain() -> Self {
        Self::configured(process_env(), HttpClient::new(), None, None)
    }

    /// The default chain with the client's settings: `lookup` for variables, `http` for IAM,
    /// and the IAM and metadata endpoints when set.
    pub(crate) fn configured(
        lookup: Lookup,
        http: HttpClient,
        iam_endpoint: Option<&str>,
        metadata_endpoint: Option<&str>,
    ) -> Self {
        let iam = iam_endpoint
            .map(normalize_endpoint)
            .or_else(|| read(&lookup, IAM_ENDPOINT_ENV).map(|e| normalize_endpoint(&e)));
        let metadata = metadata_endpoint
            .map(str::to_string)
            .or_else(|| read(&lookup, METADATA_ENDPOINT_ENV))
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_string());
        let mut environment =
            EnvironmentProvider::with_lookup(Arc::clone(&lookup)).with_http(http.clone());
        let mut profile = ProfileProvider::with_lookup(lookup).with_http(http);
        if let Some(iam) = &iam {
            environment = environment.iam_endpoint(iam);
            profile = profile.iam_endpoint(iam);
        }
        CredentialsProviderChain::new(vec![
            Arc::new(environment),
            Arc::new(profile),
            Arc::new(InstanceMetadataProvider::at(&metadata)),
        ])
    }

    async fn fetch(&self) -> Result<ProvidedCredentials, CredentialsError> {
        let mut not_found = Vec::new();
        for provider in &self.providers {
            match provider.provide_credentials().await {
                Ok(provided) => return Ok(provided),
                Err(e) if e.kind() == CredentialsErrorKind::NotFound => {
                    not_found.push(e.to_string())
                }
                Err(e) => return Err(e),
            }
        }
        Err(CredentialsError::not_found(
            "credentials chain",
            format!("no source has credentials ({})", not_found.join("; ")),
        ))
    }
}

impl ProvideCredentials for CredentialsProviderChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;
    use crate::credentials::environment::tests::lookup;
    use crate::credentials::{AK_ENV, CREDENTIALS_FILE_ENV, SK_ENV};
    use modelarts_pools_test_support::{Reply, Server};

    fn ak(p: &ProvidedCredentials) -> String {
        match p.credentials() {
            Credentials::AkSk { ak, .. } => ak.clone(),
            other => panic!("{other:?}"),
        }
    }

    const KEY: &str = r#"{"credential":{"access":"AKMETA","secret":"SK","securitytoken":"ST","expires_at":"2030-01-01T00:00:00Z"}}"#;

    #[tokio::test]
    async fn environment_then_profile_then_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials");
        std::fs::write(&file, "[basic]\nak = AKPROFILE\nsk = SK\n").unwrap();
        let file = file.to_str().unwrap();
        let metadata = Server::start([Reply::json(200, "tok"), Reply::json(200, KEY)]);
        let endpoint = metadata.endpoint();
        let chain = |vars: &[(&str, &str)]| {
            let mut vars = vars.to_vec();
            vars.push((METADATA_ENDPOINT_ENV, endpoint.as_str()));
            CredentialsProviderChain::configured(lookup(&vars), HttpClient::new(), None, None)
        };

        let env = chain(&[
            (AK_ENV, "AKENV"),
            (SK_ENV, "SK"),
            (CREDENTIALS_FILE_ENV, file),
        ]);
        assert_eq!(ak(&env.provide_credentials().await.unwrap()), "AKENV");
        let profile = chain(&[(CREDENTIALS_FILE_ENV, file)]);
        assert_eq!(
            ak(&profile.provide_credentials().await.unwrap()),
            "AKPROFILE"
        );
        metadata.assert_untouched();

        let home = dir.path().join("home");
        let on_ecs = chain(&[("HOME", home.to_str().unwrap())]);
        let provided = on_ecs.provide_credentials().await.unwrap();
        assert_eq!(ak(&provided), "AKMETA");
        assert!(provided.expires_at().is_some());
        assert_eq!(metadata.requests().len(), 2);
    }

    #[tokio::test]
    async fn a_broken_source_stops_the_chain_and_nothing_found_lists_every_source() {
        let metadata = Server::start([]);
        let endpoint = metadata.endpoint();
        // Half-set environment: reported, the metadata service is not asked.
        let chain = CredentialsProviderChain::configured(
            lookup(&[(AK_ENV, "AK"), ("HOME", "/nonexistent-home")]),
            HttpClient::new(),
            None,
            Some(&endpoint),
        );
        let err = chain.provide_credentials().await.unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
        assert!(
            err.to_string()
                .starts_with("environment: HUAWEICLOUD_SDK_AK is set but"),
            "{err}"
        );
        metadata.assert_untouched();
        drop(metadata);

        // Nothing anywhere (the metadata address refuses connections).
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let chain = CredentialsProviderChain::configured(
            lookup(&[("HOME", "/nonexistent-home")]),
            HttpClient::new(),
            None,
            Some(&format!("http://127.0.0.1:{port}")),
        );
        let err = chain.provide_credentials().await.unwrap_err();
        let text = err.to_string();
        assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
        for part in [
            "credentials chain: no source has credentials (environment: none of",
            "; profile file /nonexistent-home/.huaweicloud/credentials: there is no such file",
            &format!("; instance metadata (http://127.0.0.1:{port}): no metadata service"),
        ] {
            assert!(text.contains(part), "{part} not in {text}");
        }
    }
}
