//! Decoding and encoding `DeletePoolResponse` with the generated types against a baseline of
//! plain `#[derive(Serialize, Deserialize)]` structs of the same shape.
//!
//! ```sh
//! cargo bench -p modelarts-pools-benches --bench codec
//! ```
//!
//! Inputs: the seed's delete response (the `delete_pool` 200 example of the spec, 816 bytes) and a
//! large one (`large_delete_response`: 1,000 `status.resources.available` flavors with 3 AZs each
//! plus 1,000 `spec.resources`, 358 KB). Decoding is `serde_json::from_slice`, encoding
//! `serde_json::to_vec`. `decode_client_path` decodes as the runtime client does
//! (`serde_path_to_error` over a `serde_json::Deserializer`, then `end()`).
//!
//! The baseline keeps what the generated types promise except unknown members and unknown
//! enumeration values: optional members are `Option` and skipped when absent, enums are `String`,
//! the flag set is a `u64`.
//!
//! The summary at the end prints criterion's medians and, more reliable on a shared machine, an
//! interleaved comparison (generated and baseline alternating in rounds, ratio per round); the
//! target is generated within 1.1× of the baseline. It also says whether serde_json's
//! `preserve_order` is on: it is in the default build, because `codegen` is in it; run with
//! `--no-default-features` to measure the build a project depending only on `modelarts-pools`
//! gets.

mod support;

use std::hint::black_box;

use criterion::Throughput;
use modelarts_pools::models::DeletePoolResponse;
use modelarts_pools_benches::large_delete_response;
use modelarts_pools_test_support::seed;
use serde::{Deserialize, Serialize};
use support::{Paired, Record, human, paired, per_iter, test_mode, verdict};

const SAMPLES: usize = 20;

/// The plain-serde baseline of the same shape as the generated response types.
mod baseline {
    use super::*;

    #[derive(Serialize, Deserialize)]
    pub struct DeletePoolResponse {
        #[serde(rename = "apiVersion", skip_serializing_if = "Option::is_none")]
        pub api_version: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub kind: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub metadata: Option<PoolMetadataDeletion>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub spec: Option<PoolSpecModel>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub status: Option<PoolStatus>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolMetadataDeletion {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(rename = "creationTimestamp", skip_serializing_if = "Option::is_none")]
        pub creation_timestamp: Option<String>,
        #[serde(rename = "deletionTimestamp", skip_serializing_if = "Option::is_none")]
        pub deletion_timestamp: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub labels: Option<PoolMetaLabels>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub annotations: Option<PoolMetaAnnotations>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolMetaLabels {
        #[serde(
            rename = "os.modelarts/workspace.id",
            skip_serializing_if = "Option::is_none"
        )]
        pub workspace_id: Option<String>,
        #[serde(rename = "os.modelarts/name", skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(
            rename = "os.modelarts/resource.id",
            skip_serializing_if = "Option::is_none"
        )]
        pub resource_id: Option<String>,
        #[serde(
            rename = "os.modelarts/tenant.domain.id",
            skip_serializing_if = "Option::is_none"
        )]
        pub tenant_domain_id: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolMetaAnnotations {
        #[serde(
            rename = "os.modelarts/description",
            skip_serializing_if = "Option::is_none"
        )]
        pub description: Option<String>,
        #[serde(
            rename = "os.modelarts/billing.mode",
            skip_serializing_if = "Option::is_none"
        )]
        pub billing_mode: Option<String>,
        #[serde(
            rename = "os.modelarts/period.num",
            skip_serializing_if = "Option::is_none"
        )]
        pub period_num: Option<String>,
        #[serde(
            rename = "os.modelarts/period.type",
            skip_serializing_if = "Option::is_none"
        )]
        pub period_type: Option<String>,
        #[serde(
            rename = "os.modelarts/auto.renew",
            skip_serializing_if = "Option::is_none"
        )]
        pub auto_renew: Option<String>,
        #[serde(
            rename = "os.modelarts/promotion.info",
            skip_serializing_if = "Option::is_none"
        )]
        pub promotion_info: Option<String>,
        #[serde(
            rename = "os.modelarts/service.console.url",
            skip_serializing_if = "Option::is_none"
        )]
        pub service_console_url: Option<String>,
        #[serde(
            rename = "os.modelarts/order.id",
            skip_serializing_if = "Option::is_none"
        )]
        pub order_id: Option<String>,
        #[serde(
            rename = "os.modelarts/flavor.resource.ids",
            skip_serializing_if = "Option::is_none"
        )]
        pub flavor_resource_ids: Option<String>,
        #[serde(
            rename = "os.modelarts/tms.tags",
            skip_serializing_if = "Option::is_none"
        )]
        pub tms_tags: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolSpecModel {
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        pub pool_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub scope: Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub resources: Option<Vec<PoolResource>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub network: Option<PoolNetwork>,
        #[serde(rename = "jobFlavors", skip_serializing_if = "Option::is_none")]
        pub job_flavors: Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub driver: Option<PoolDriver>,
        #[serde(rename = "controlMode", skip_serializing_if = "Option::is_none")]
        pub control_mode: Option<u64>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolResource {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub flavor: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub count: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub azs: Option<Vec<PoolNodeAz>>,
        #[serde(rename = "extendParams", skip_serializing_if = "Option::is_none")]
        pub extend_params: Option<PoolExtendParams>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub os: Option<PoolOs>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolNodeAz {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub az: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub count: Option<i64>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolExtendParams {
        #[serde(rename = "dockerBaseSize", skip_serializing_if = "Option::is_none")]
        pub docker_base_size: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolOs {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(rename = "imageId", skip_serializing_if = "Option::is_none")]
        pub image_id: Option<String>,
        #[serde(rename = "imageType", skip_serializing_if = "Option::is_none")]
        pub image_type: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolNetwork {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolDriver {
        #[serde(rename = "gpuVersion", skip_serializing_if = "Option::is_none")]
        pub gpu_version: Option<String>,
        #[serde(rename = "npuVersion", skip_serializing_if = "Option::is_none")]
        pub npu_version: Option<String>,
        #[serde(rename = "updateStrategy", skip_serializing_if = "Option::is_none")]
        pub update_strategy: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolStatus {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub phase: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub resources: Option<PoolStatusResources>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub scope: Option<Vec<PoolScopeStatus>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub driver: Option<PoolStatusDriver>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub parent: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub root: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolStatusResources {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub creating: Option<Vec<PoolResourceFlavorCount>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub available: Option<Vec<PoolResourceFlavorCount>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub abnormal: Option<Vec<PoolResourceFlavorCount>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub deleting: Option<Vec<PoolResourceFlavorCount>>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolResourceFlavorCount {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub flavor: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub count: Option<i64>,
        #[serde(rename = "maxCount", skip_serializing_if = "Option::is_none")]
        pub max_count: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub azs: Option<Vec<PoolNodeAz>>,
        #[serde(rename = "nodePool", skip_serializing_if = "Option::is_none")]
        pub node_pool: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolScopeStatus {
        #[serde(rename = "scopeType", skip_serializing_if = "Option::is_none")]
        pub scope_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolStatusDriver {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub gpu: Option<PoolDriverStatus>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub npu: Option<PoolDriverStatus>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct PoolDriverStatus {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub version: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
    }
}

/// Decodes as `modelarts_pools_runtime::Client` does: with `serde_path_to_error`, so a failure
/// names the JSON path, then checks nothing follows the value.
fn decode_client_path(bytes: &[u8]) -> DeletePoolResponse {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: DeletePoolResponse =
        serde_path_to_error::deserialize(&mut deserializer).expect("decodes");
    deserializer.end().expect("nothing follows");
    value
}

/// Rounds of the interleaved comparison printed in the summary.
const PAIRED_ROUNDS: usize = 41;

/// `(input, operation, generated vs baseline)` from the interleaved comparison.
type PairedResults = Vec<(&'static str, &'static str, Paired)>;

fn bench_input(
    c: &mut criterion::Criterion,
    record: &Record,
    label: &'static str,
    bytes: &[u8],
    paired_results: &mut PairedResults,
) {
    // Both sides must read and write the same JSON, or the comparison means nothing.
    let generated: DeletePoolResponse = serde_json::from_slice(bytes).expect("generated decodes");
    let plain: baseline::DeletePoolResponse =
        serde_json::from_slice(bytes).expect("baseline decodes");
    let original: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
    assert!(
        generated.unknown_fields.is_empty(),
        "{label}: unknown fields"
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&serde_json::to_vec(&generated).unwrap())
            .unwrap(),
        original
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&serde_json::to_vec(&plain).unwrap()).unwrap(),
        original
    );

    let mut group = c.benchmark_group(format!("codec_{label}"));
    group
        .sample_size(SAMPLES)
        .throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("decode_generated", |b| {
        record.iter(b, &format!("{label}/decode/generated"), || {
            serde_json::from_slice::<DeletePoolResponse>(black_box(bytes)).expect("decodes")
        })
    });
    group.bench_function("decode_baseline", |b| {
        record.iter(b, &format!("{label}/decode/baseline"), || {
            serde_json::from_slice::<baseline::DeletePoolResponse>(black_box(bytes))
                .expect("decodes")
        })
    });
    group.bench_function("decode_client_path", |b| {
        record.iter(b, &format!("{label}/decode/client_path"), || {
            decode_client_path(black_box(bytes))
        })
    });
    group.bench_function("encode_generated", |b| {
        record.iter(b, &format!("{label}/encode/generated"), || {
            serde_json::to_vec(black_box(&generated)).expect("encodes")
        })
    });
    group.bench_function("encode_baseline", |b| {
        record.iter(b, &format!("{label}/encode/baseline"), || {
            serde_json::to_vec(black_box(&plain)).expect("encodes")
        })
    });
    group.finish();

    if !test_mode() {
        // About 2 MB of JSON per batch: a few milliseconds.
        let iters = (2_000_000 / bytes.len()).max(1) as u32;
        paired_results.push((
            label,
            "decode",
            paired(
                PAIRED_ROUNDS,
                || {
                    per_iter(iters, || {
                        serde_json::from_slice::<DeletePoolResponse>(black_box(bytes))
                            .expect("decodes")
                    })
                },
                || {
                    per_iter(iters, || {
                        serde_json::from_slice::<baseline::DeletePoolResponse>(black_box(bytes))
                            .expect("decodes")
                    })
                },
            ),
        ));
        paired_results.push((
            label,
            "encode",
            paired(
                PAIRED_ROUNDS,
                || {
                    per_iter(iters, || {
                        serde_json::to_vec(black_box(&generated)).expect("encodes")
                    })
                },
                || {
                    per_iter(iters, || {
                        serde_json::to_vec(black_box(&plain)).expect("encodes")
                    })
                },
            ),
        ));
    }
}

fn main() {
    let mut c = support::criterion();
    let record = Record::default();

    let example = seed::response("delete_pool", 200);
    let seed = serde_json::to_vec(&example).expect("encode the seed response");
    let large = serde_json::to_vec(&large_delete_response(&example, 1000, 3, 1000))
        .expect("encode the large response");

    let mut interleaved = PairedResults::new();
    bench_input(&mut c, &record, "seed", &seed, &mut interleaved);
    bench_input(&mut c, &record, "large", &large, &mut interleaved);
    c.final_summary();
    if test_mode() {
        return;
    }

    println!(
        "\ncodec summary (median per operation; ratio = generated / baseline, target <= 1.10)"
    );
    println!("  {}", support::unknown_fields_kind());
    for (label, bytes) in [("seed", seed.len()), ("large", large.len())] {
        for op in ["decode", "encode"] {
            let generated = record.median(&format!("{label}/{op}/generated"), SAMPLES);
            let plain = record.median(&format!("{label}/{op}/baseline"), SAMPLES);
            let (Some(generated), Some(plain)) = (generated, plain) else {
                continue;
            };
            let ratio = generated.as_secs_f64() / plain.as_secs_f64();
            println!(
                "  {label:>5} ({bytes:>6} B) {op}: generated {:>11}  baseline {:>11}  ratio {ratio:.2}  {}  ({:.0} MB/s generated)",
                human(generated),
                human(plain),
                verdict(ratio <= 1.10),
                bytes as f64 / generated.as_secs_f64() / 1e6,
            );
        }
        if let (Some(client), Some(generated)) = (
            record.median(&format!("{label}/decode/client_path"), SAMPLES),
            record.median(&format!("{label}/decode/generated"), SAMPLES),
        ) {
            println!(
                "  {label:>5} ({bytes:>6} B) decode tracking the JSON path (serde_path_to_error, the client's fallback after a failed decode): {:>11}  = {:.2}x plain from_slice",
                human(client),
                client.as_secs_f64() / generated.as_secs_f64()
            );
        }
    }
    println!(
        "  interleaved ({PAIRED_ROUNDS} rounds, order alternating; ratio = median of the per-round ratios):"
    );
    for (label, op, p) in &interleaved {
        println!(
            "    {label:>5} {op}: generated {:>11}  baseline {:>11}  ratio {:.2}  {}",
            human(p.a),
            human(p.b),
            p.ratio,
            verdict(p.ratio <= 1.10)
        );
    }
}
