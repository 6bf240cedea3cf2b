//! The options every command takes, and the client built from them and the environment.

use std::sync::Arc;
use std::time::Duration;

use super::{DebugHook, OutputFormat};
use crate::client::{
    CA_FILE_ENV, CLIENT_CERT_FILE_ENV, CLIENT_KEY_FILE_ENV, Client, ClientBuilder, ENDPOINT_ENV,
    NO_PROXY_ENV, PROJECT_ID_ENV, PROXY_ENV, REGION_ENV,
};
use crate::error::Error;
use crate::retry::RetryPolicy;

/// The text `--help` ends with: where credentials come from.
pub const CREDENTIALS_HELP: &str = "Credentials come, in this order, from the environment (HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, with HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary ones; HUAWEICLOUD_SDK_IDP_ID with HUAWEICLOUD_SDK_ID_TOKEN_FILE for a federated identity; or HUAWEICLOUD_SDK_AUTH_TOKEN, an IAM token), the [basic] section of HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/credentials, or, on a Huawei Cloud server, its agency through the metadata service. The project ID is --project-id or HUAWEICLOUD_SDK_PROJECT_ID, else the one IAM names after the region.";

/// Options every command takes. Credentials come from the environment, the profile file or the
/// metadata service ([`CREDENTIALS_HELP`]).
// The field doc comments are the `--help` text, so they stay plain (a bare URL, brackets).
#[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links)]
#[derive(clap::Args, Clone, Debug, Default)]
pub struct GlobalArgs {
    /// Endpoint URL, such as https://modelarts.cn-north-4.myhuaweicloud.com or http://127.0.0.1:8080 (wins over --region, which then only names the project)
    #[arg(long, value_name = "URL", global = true, env = ENDPOINT_ENV)]
    pub endpoint: Option<String>,
    /// Region, such as cn-north-4 (the endpoint is derived from it)
    #[arg(long, value_name = "REGION", global = true, env = REGION_ENV)]
    pub region: Option<String>,
    /// Project ID (default: the project IAM names after --region)
    #[arg(long, value_name = "ID", global = true, env = PROJECT_ID_ENV)]
    pub project_id: Option<String>,
    /// Timeout of each attempt, in seconds (default 60)
    #[arg(long, value_name = "SECONDS", global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Time all attempts of a call may take together, pauses included, in seconds (default: no limit)
    #[arg(long, value_name = "SECONDS", global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub operation_timeout: Option<u64>,
    /// Do not retry failed calls
    #[arg(long, global = true)]
    pub no_retry: bool,
    /// Proxy for every request, such as http://user:password@proxy.internal:3128 (default: HTTPS_PROXY, HTTP_PROXY, NO_PROXY)
    #[arg(long, value_name = "URL", global = true, env = PROXY_ENV, hide_env_values = true)]
    pub proxy: Option<String>,
    /// Hosts reached without --proxy, comma-separated, as in NO_PROXY (localhost,.internal,10.0.0.0/8)
    #[arg(long, value_name = "HOSTS", global = true, env = NO_PROXY_ENV, requires = "proxy")]
    pub no_proxy: Option<String>,
    /// PEM file of root certificates to trust besides the system's
    #[arg(long, value_name = "PEM", global = true, env = CA_FILE_ENV)]
    pub ca_file: Option<std::path::PathBuf>,
    /// PEM file of a client certificate (chain, leaf first) for mutual TLS
    #[arg(long, value_name = "PEM", global = true, env = CLIENT_CERT_FILE_ENV)]
    pub client_cert: Option<std::path::PathBuf>,
    /// PEM file of the client certificate's private key (default: looked for in --client-cert's file)
    #[arg(long, value_name = "PEM", global = true, env = CLIENT_KEY_FILE_ENV, requires = "client_cert")]
    pub client_key: Option<std::path::PathBuf>,
    /// How to print the answer: json (for scripts) or table (for people)
    #[arg(long, value_name = "FORMAT", global = true, value_enum, default_value_t = OutputFormat::Json)]
    pub output: OutputFormat,
    /// Show each attempt (method, URL, status, request ID, time; retries too) on stderr; never secrets
    #[arg(long, global = true)]
    pub debug: bool,
    /// Print the request that would be sent (secrets hidden), and send nothing
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Refuse a request body with members or enum values the spec does not know (otherwise warned about)
    #[arg(long, global = true)]
    pub strict: bool,
}

/// Builds the client from the options and the environment. Fails with [`Error::Config`] (nothing
/// sent) when the endpoint, project ID or credentials are missing, naming the option or variable
/// to set, or when the region is not one ModelArts serves.
pub fn client_from_args(args: &GlobalArgs) -> Result<Client, Error> {
    let mut builder: ClientBuilder = ClientBuilder::from_env();
    if let (Some(_), Some(region)) = (&args.endpoint, &args.region) {
        // With an endpoint, the region only names the project to look up.
        builder = builder.region(region.trim().to_owned());
    }
    match (&args.endpoint, &args.region) {
        (Some(endpoint), _) => builder = builder.endpoint(endpoint.clone()),
        (None, Some(region)) => {
            // An unknown region fails first, with the known ones listed.
            crate::client::region_endpoint(region.trim())?;
            builder = builder.region(region.trim().to_owned());
        }
        (None, None) => {
            return Err(Error::Config(format!(
                "no endpoint: pass --region REGION (such as cn-north-4) or --endpoint URL, or set {REGION_ENV} or {ENDPOINT_ENV}"
            )));
        }
    }
    // Without a project ID the client looks it up by region on the first call; with neither,
    // `build` refuses, naming --project-id and the variable. Credentials come from the default
    // chain (`from_env`), asked on the first call.
    match args.project_id.as_deref().map(str::trim) {
        Some(project_id) if !project_id.is_empty() => {
            builder = builder.project_id(project_id.to_owned());
        }
        _ if args.region.is_none() && args.endpoint.is_some() => {
            return Err(Error::Config(format!(
                "no project ID: pass --project-id ID or set {PROJECT_ID_ENV}, or pass --region \
                 REGION to look it up through IAM"
            )));
        }
        _ => {}
    }
    if let Some(seconds) = args.timeout {
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    if let Some(seconds) = args.operation_timeout {
        builder = builder.operation_timeout(Duration::from_secs(seconds));
    }
    if args.no_retry {
        builder = builder.retry(RetryPolicy::disabled());
    }
    // The environment's values are in the builder already (from_env); the options replace them.
    if let Some(proxy) = &args.proxy {
        builder = builder.proxy(proxy.clone());
    }
    if let Some(hosts) = &args.no_proxy {
        builder = builder.no_proxy(hosts.clone());
    }
    let from_env = |name: &str| std::env::var_os(name).map(std::path::PathBuf::from);
    if let Some(file) = args
        .ca_file
        .as_ref()
        .filter(|f| Some(*f) != from_env(CA_FILE_ENV).as_ref())
    {
        builder = builder.root_certificates_pem_file(file);
    }
    if let Some(certificate) = &args.client_cert {
        let key = args.client_key.as_ref().unwrap_or(certificate);
        builder = builder.client_certificate_pem_files(certificate, key);
    }
    if args.debug {
        builder = builder.hook(Arc::new(DebugHook));
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(clap::Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        global: GlobalArgs,
    }

    #[test]
    fn global_args_parse() {
        let cli = Cli::try_parse_from([
            "x",
            "--region",
            "cn-north-4",
            "--timeout",
            "5",
            "--no-retry",
        ])
        .unwrap();
        assert_eq!(cli.global.region.as_deref(), Some("cn-north-4"));
        assert_eq!(cli.global.timeout, Some(5));
        assert!(cli.global.no_retry);
        // Both: the endpoint is where requests go, the region names the project.
        let both = Cli::try_parse_from(["x", "--region", "r", "--endpoint", "http://h"]).unwrap();
        assert_eq!(both.global.region.as_deref(), Some("r"));
        assert!(Cli::try_parse_from(["x", "--timeout", "0"]).is_err());
    }

    #[test]
    fn no_project_id_and_no_region_is_a_config_error() {
        let args = GlobalArgs {
            endpoint: Some("http://127.0.0.1:9".into()),
            ..GlobalArgs::default()
        };
        if std::env::var_os(PROJECT_ID_ENV).is_some() || std::env::var_os(REGION_ENV).is_some() {
            return;
        }
        let err = client_from_args(&args).unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        for part in ["--project-id", PROJECT_ID_ENV, "--region"] {
            assert!(err.to_string().contains(part), "{err}");
        }
        assert_eq!(super::super::exit_code(&err), 2);
    }

    #[test]
    fn without_a_project_id_or_credentials_the_client_finds_them_on_the_first_call() {
        // A region and no project ID, no credentials given: the program builds its client, and
        // the credentials chain and the project lookup run on the first call.
        let args = GlobalArgs {
            endpoint: Some("http://127.0.0.1:9".into()),
            region: Some("cn-north-4".into()),
            ..GlobalArgs::default()
        };
        if std::env::var_os(PROJECT_ID_ENV).is_some() {
            return;
        }
        let client = client_from_args(&args).unwrap();
        assert_eq!(client.project_id(), crate::client::PROJECT_ID_PLACEHOLDER);
    }
}
