//! Where IAM is: the endpoint of a region, as the official SDKs choose it.

/// Environment variable holding the IAM endpoint (as the official SDKs read it), for the
/// project-ID lookup and the federated token exchange; `https://` is put in front of a bare host.
pub const IAM_ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

/// The IAM endpoint used for a region missing from the table, and for the federated token
/// exchange (the official SDKs' `DefaultIamEndpoint`).
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

/// The IAM endpoints of the regions, as the official SDKs list them
/// (huaweicloud-sdk-go-v3 `core/auth/internal/iam_endpoint.go`), sorted by region.
const IAM_ENDPOINTS: &[(&str, &str)] = &[
    ("ae-ad-1", "https://iam.ae-ad-1.myhuaweicloud.com"),
    ("af-south-1", "https://iam.af-south-1.myhuaweicloud.com"),
    (
        "ap-southeast-1",
        "https://iam.ap-southeast-1.myhuaweicloud.com",
    ),
    (
        "ap-southeast-2",
        "https://iam.ap-southeast-2.myhuaweicloud.com",
    ),
    (
        "ap-southeast-3",
        "https://iam.ap-southeast-3.myhuaweicloud.com",
    ),
    (
        "ap-southeast-4",
        "https://iam.ap-southeast-4.myhuaweicloud.com",
    ),
    ("cn-east-2", "https://iam.cn-east-2.myhuaweicloud.com"),
    ("cn-east-3", "https://iam.cn-east-3.myhuaweicloud.com"),
    ("cn-east-4", "https://iam.cn-east-4.myhuaweicloud.com"),
    ("cn-east-5", "https://iam.cn-east-5.myhuaweicloud.com"),
    ("cn-north-1", "https://iam.cn-north-1.myhuaweicloud.com"),
    ("cn-north-12", "https://iam.cn-north-12.myhuaweicloud.com"),
    ("cn-north-2", "https://iam.cn-north-2.myhuaweicloud.com"),
    ("cn-north-4", "https://iam.cn-north-4.myhuaweicloud.com"),
    ("cn-north-9", "https://iam.cn-north-9.myhuaweicloud.com"),
    ("cn-south-1", "https://iam.cn-south-1.myhuaweicloud.com"),
    ("cn-south-2", "https://iam.cn-south-2.myhuaweicloud.com"),
    (
        "cn-southwest-2",
        "https://iam.cn-southwest-2.myhuaweicloud.com",
    ),
    ("eu-west-0", "https://iam.eu-west-0.myhuaweicloud.com"),
    ("la-north-2", "https://iam.la-north-2.myhuaweicloud.com"),
    ("la-south-2", "https://iam.la-south-2.myhuaweicloud.com"),
    ("me-east-1", "https://iam.me-east-1.myhuaweicloud.com"),
    (
        "my-kualalumpur-1",
        "https://iam.my-kualalumpur-1.myhuaweicloud.com",
    ),
    ("na-mexico-1", "https://iam.na-mexico-1.myhuaweicloud.com"),
    ("ru-moscow-1", "https://iam.ru-moscow-1.myhuaweicloud.com"),
    ("sa-brazil-1", "https://iam.sa-brazil-1.myhuaweicloud.com"),
    ("tr-west-1", "https://iam.tr-west-1.myhuaweicloud.com"),
];

/// The IAM endpoint of `region`: the official SDKs' table, else [`DEFAULT_IAM_ENDPOINT`].
pub fn iam_endpoint_for_region(region: &str) -> &'static str {
    IAM_ENDPOINTS
        .binary_search_by(|(id, _)| (*id).cmp(region))
        .map_or(DEFAULT_IAM_ENDPOINT, |i| IAM_ENDPOINTS[i].1)
}

/// An IAM endpoint as configured: `https://` put in front of a bare host, trailing `/` removed.
pub(crate) fn normalize_endpoint(text: &str) -> String {
    let text = text.trim().trim_end_matches('/');
    if text.starts_with("https://") || text.starts_with("http://") {
        text.to_string()
    } else {
        format!("https://{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_iam_endpoints() {
        assert!(IAM_ENDPOINTS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(
            iam_endpoint_for_region("cn-north-4"),
            "https://iam.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            iam_endpoint_for_region("ap-southeast-1"),
            "https://iam.ap-southeast-1.myhuaweicloud.com"
        );
        assert_eq!(
            iam_endpoint_for_region("xx-nowhere-1"),
            DEFAULT_IAM_ENDPOINT
        );
        for (region, endpoint) in IAM_ENDPOINTS {
            assert_eq!(*endpoint, format!("https://iam.{region}.myhuaweicloud.com"));
        }
        assert_eq!(
            normalize_endpoint("iam.example.test/"),
            "https://iam.example.test"
        );
        assert_eq!(
            normalize_endpoint("http://127.0.0.1:9"),
            "http://127.0.0.1:9"
        );
    }
}
