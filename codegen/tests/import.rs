//! `codegen import` as people run it: the repository's definitions into the repository's spec
//! (idempotent, in step, seeds kept), changed definitions in a temporary copy (a readable summary,
//! decisions kept and contradictions reported, `--check` writing nothing), malformed definitions
//! refused, and a small made-up service (`tests/import/widgets`) that exercises every feature.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn codegen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn real_spec() -> PathBuf {
    repo().join("spec/modelarts-pools.json")
}

fn real_definitions() -> PathBuf {
    repo().join("spec/sources/api-definitions/ModelArts")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import")
}

/// `codegen import --spec SPEC [--check] INPUT...`.
fn import(spec: &Path, inputs: &[&Path], check: bool) -> Output {
    let mut command = codegen();
    command.arg("import").arg("--spec").arg(spec);
    if check {
        command.arg("--check");
    }
    command.args(inputs);
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temporary copy of the spec, of every definition and of the seed documents, to change at will.
struct Workspace {
    _dir: tempfile::TempDir,
    spec: PathBuf,
    definitions: PathBuf,
    seeds: PathBuf,
}

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("modelarts-pools.json");
        fs::copy(real_spec(), &spec).unwrap();
        let definitions = dir.path().join("ModelArts");
        fs::create_dir(&definitions).unwrap();
        for entry in fs::read_dir(real_definitions()).unwrap() {
            let path = entry.unwrap().path();
            fs::copy(&path, definitions.join(path.file_name().unwrap())).unwrap();
        }
        let seeds = dir.path().join("seeds");
        fs::create_dir(&seeds).unwrap();
        for entry in fs::read_dir(repo().join("spec/sources/seeds")).unwrap() {
            let path = entry.unwrap().path();
            fs::copy(&path, seeds.join(path.file_name().unwrap())).unwrap();
        }
        Workspace {
            _dir: dir,
            spec,
            definitions,
            seeds,
        }
    }

    fn run(&self, check: bool) -> Output {
        let mut command = codegen();
        command
            .arg("import")
            .arg("--spec")
            .arg(&self.spec)
            .arg("--seeds")
            .arg(&self.seeds);
        if check {
            command.arg("--check");
        }
        command.arg(&self.definitions).output().unwrap()
    }

    fn spec_text(&self) -> String {
        fs::read_to_string(&self.spec).unwrap()
    }

    fn spec_json(&self) -> Value {
        serde_json::from_str(&self.spec_text()).unwrap()
    }

    fn edit_spec(&self, edit: impl FnOnce(&mut Value)) {
        let mut spec = self.spec_json();
        edit(&mut spec);
        fs::write(
            &self.spec,
            serde_json::to_string_pretty(&spec).unwrap() + "\n",
        )
        .unwrap();
    }

    /// Changes one definition file.
    fn edit(&self, file: &str, edit: impl FnOnce(&mut Value)) {
        let path = self.definitions.join(file);
        let mut value: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        edit(&mut value);
        fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    }
}

/// The one operation object of a definition.
fn operation(definition: &mut Value) -> &mut Value {
    let paths = definition["paths"].as_object_mut().unwrap();
    let item = paths.values_mut().next().unwrap().as_object_mut().unwrap();
    item.values_mut().next().unwrap()
}

fn named<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("no {name:?} in the list"))
}

fn spec_type<'a>(spec: &'a Value, name: &str) -> &'a Value {
    named(&spec["types"], name)
}

fn field<'a>(spec: &'a Value, ty: &str, name: &str) -> &'a Value {
    named(&spec_type(spec, ty)["fields"], name)
}

/// Whether the importer owns a type (its `source` lists definition files only) or an operation
/// (its `source` is one).
fn imported(source: &Value) -> bool {
    match source {
        Value::String(file) => file.ends_with(".json"),
        Value::Array(files) => {
            !files.is_empty()
                && files
                    .iter()
                    .all(|f| f.as_str().is_some_and(|f| f.ends_with(".json")))
        }
        _ => false,
    }
}

fn person_decision(row: &Value) -> bool {
    row.get("decision")
        .and_then(Value::as_str)
        .is_some_and(|d| !d.starts_with("[import] "))
}

/// The spec as the seeds and people alone make it: without what the importer added (its
/// operations and types, the rows, parameters and values it named a `source` for unless a person
/// decided about them, and the operation IDs).
fn seeds_only(spec: &Value) -> Value {
    let mut spec = spec.clone();
    spec["operations"]
        .as_array_mut()
        .unwrap()
        .retain(|op| !imported(&op["source"]));
    for op in spec["operations"].as_array_mut().unwrap() {
        let op = op.as_object_mut().unwrap();
        op.remove("operation_id");
        for key in ["path_params", "query_params", "header_params"] {
            if let Some(list) = op.get_mut(key).and_then(Value::as_array_mut) {
                list.retain(|p| p.get("source").is_none() || person_decision(p));
            }
        }
    }
    spec["types"]
        .as_array_mut()
        .unwrap()
        .retain(|t| !imported(&t["source"]));
    for ty in spec["types"].as_array_mut().unwrap() {
        for key in ["fields", "values"] {
            if let Some(list) = ty.get_mut(key).and_then(Value::as_array_mut) {
                list.retain(|row| row.get("source").is_none() || person_decision(row));
            }
        }
    }
    spec
}

/// Every row the seeds wrote: (type, row) for rows of types and operations that are not the
/// importer's and carry no `source`.
fn seed_rows(spec: &Value) -> Vec<(String, Value)> {
    let mut rows = Vec::new();
    for ty in seeds_only(spec)["types"].as_array().unwrap() {
        for key in ["fields", "values", "rules", "decisions"] {
            for row in ty.get(key).and_then(Value::as_array).into_iter().flatten() {
                rows.push((ty["name"].as_str().unwrap().to_owned(), row.clone()));
            }
        }
    }
    for op in seeds_only(spec)["operations"].as_array().unwrap() {
        rows.push((op["name"].as_str().unwrap().to_owned(), op.clone()));
    }
    rows
}

#[test]
fn importing_the_repository_definitions_changes_nothing() {
    let work = Workspace::new();
    let before = work.spec_text();
    let check = work.run(true);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    assert!(
        stderr(&check).contains("is in step with 42 definitions"),
        "{}",
        stderr(&check)
    );
    let run = work.run(false);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "", "an unchanged import reports no change");
    assert_eq!(
        work.spec_text(),
        before,
        "the spec is byte for byte the same"
    );
}

#[test]
fn the_default_input_is_the_repository_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.json");
    fs::copy(real_spec(), &spec).unwrap();
    let check = import(&spec, &[], true);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn from_the_seeds_alone_one_import_gives_the_committed_spec_and_a_second_changes_nothing() {
    let work = Workspace::new();
    let committed = work.spec_text();
    // What people decide about the importer's types would be lost below; there is none.
    for ty in work.spec_json()["types"].as_array().unwrap() {
        if imported(&ty["source"]) {
            for row in ty
                .get("fields")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                assert!(!person_decision(row), "{ty}");
            }
        }
    }
    let seeds = seeds_only(&work.spec_json());
    fs::write(
        &work.spec,
        serde_json::to_string_pretty(&seeds).unwrap() + "\n",
    )
    .unwrap();

    let first = work.run(false);
    assert!(first.status.success(), "{}", stderr(&first));
    let summary = stdout(&first);
    assert!(
        summary.contains("operation create_pool: operation ID (none) → CreatePool"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "operation list_pools: added (GET /v2/{project_id}/pools, from ListPools.json)"
        ),
        "{summary}"
    );
    assert!(summary.contains("type PoolSpecModel: field \"containernetwork\" added (PoolSpecModelContainernetwork, optional, from CreatePool.json)"), "{summary}");
    assert!(
        summary.contains("enum PeriodType: value \"4\" added (Value4: 小时)"),
        "{summary}"
    );
    assert_eq!(
        work.spec_text(),
        committed,
        "the committed spec is what an import of the seeds gives"
    );

    let second = work.run(false);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(stdout(&second), "");
    assert_eq!(work.spec_text(), committed);
}

#[test]
fn seed_rows_stay_as_they_are_when_the_definitions_change_them() {
    let work = Workspace::new();
    let before = work.spec_json();
    // The newer definition of create pool says other things about rows the seeds have, and has
    // a row they do not have.
    work.edit("CreatePool.json", |d| {
        let spec = &mut d["definitions"]["PoolSpecCreation"];
        spec["properties"]["scope"] = json!({"type": "integer", "description": "changed"});
        spec["properties"]["type"]["description"] = json!("资源池类型,改过了。");
        spec["required"] = json!(["type", "jobFlavors"]);
        spec["properties"]["priority"] =
            json!({"type": "integer", "format": "int32", "description": "优先级。"});
        spec["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("priority"));
    });
    work.edit("DeletePool.json", |d| {
        d["definitions"]["PoolStatus"]["properties"]["phase"]["description"] =
            json!("资源池的状态。可选值如下:\n- Creating:创建中\n- Frozen:冻结");
    });
    let run = work.run(false);
    assert!(run.status.success(), "{}", stderr(&run));
    let after = work.spec_json();
    assert_eq!(
        seed_rows(&before),
        seed_rows(&after),
        "every seed row is as it was"
    );

    let added = field(&after, "PoolSpecCreation", "priority");
    assert_eq!(added["source"], "CreatePool.json");
    assert_eq!(
        added["required"], false,
        "rows only the definitions have are optional"
    );
    assert!(
        added["decision"]
            .as_str()
            .unwrap()
            .starts_with("[import] The definition marks it required")
    );
    let phases = &spec_type(&after, "PoolPhase")["values"];
    let frozen = named(phases, "Frozen");
    assert_eq!(frozen["source"], "DeletePool.json");
    assert_eq!(frozen["description"], "冻结");
    assert!(stdout(&run).contains(
        "type PoolSpecCreation: field \"priority\" added (int32, optional, from CreatePool.json)"
    ));
}

/// The changes the summary test makes: a member's type, a request member's required-ness, an
/// enumeration's values (one added, one removed), and a query parameter.
fn change_workloads(work: &Workspace) {
    work.edit("ListWorkloads.json", |d| {
        let workload = &mut d["definitions"]["Workload"]["properties"];
        workload["flavor"]["type"] = json!("integer");
        operation(d)["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({
                "in": "query", "name": "hostip", "required": false, "type": "array",
                "items": {"type": "string"}, "description": "节点IP。"
            }));
    });
    // Both definitions that list the job types drop notebook and add x-infer.
    for file in ["ListWorkloads.json", "ShowWorkloadStatistics.json"] {
        work.edit(file, |d| {
            let definitions = serde_json::to_string(&d["definitions"])
                .unwrap()
                .replace("- notebook:Notebook作业", "- x-infer:新版推理作业");
            d["definitions"] = serde_json::from_str(&definitions).unwrap();
        });
    }
    work.edit("CreateOrderId.json", |d| {
        d["definitions"]["CreateOrderRequestBody"]["required"] = json!(["actionType"]);
    });
}

#[test]
fn changed_definitions_give_one_readable_summary_and_the_rows_follow() {
    let work = Workspace::new();
    change_workloads(&work);
    let run = work.run(false);
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = stdout(&run);
    assert_eq!(
        summary.lines().collect::<Vec<_>>(),
        [
            "[additive] operation list_workloads: query parameter \"hostip\" added (array<string>, optional)",
            "[breaking] type CreateOrderRequestBody: field \"actionType\": now required (was optional)",
            "[breaking] type Workload: field \"flavor\": type string → integer",
            "[no API change] type Workload: field \"type\": description changed",
            "[no API change] type WorkloadStatistics: field \"type\": description changed",
            "[additive] enum WorkloadType: value \"x-infer\" added (XInfer: 新版推理作业)",
            "[breaking] enum WorkloadType: value \"notebook\" removed (Notebook)",
            "semver: breaking for Rust consumers (3 breaking, 2 additive, 2 without API change): the regenerated crate needs version 0.2.0 (now 0.1.0)",
        ],
        "one line per change, and nothing else:\n{summary}"
    );
    assert!(stderr(&run).contains("(7 changes)"), "{}", stderr(&run));

    let spec = work.spec_json();
    assert_eq!(field(&spec, "Workload", "flavor")["type"], "integer");
    assert_eq!(field(&spec, "Workload", "flavor")["source_type"], "integer");
    assert_eq!(
        field(&spec, "CreateOrderRequestBody", "actionType")["required"],
        true
    );
    let values: Vec<&str> = spec_type(&spec, "WorkloadType")["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["train", "infer", "x-infer"]);
    let op = named(&spec["operations"], "list_workloads");
    assert_eq!(
        named(&op["query_params"], "hostip")["type"],
        "array<string>"
    );

    let again = work.run(false);
    assert_eq!(
        stdout(&again),
        "",
        "a second import of the same definitions changes nothing"
    );
}

#[test]
fn check_fails_naming_the_change_and_writes_nothing() {
    let work = Workspace::new();
    change_workloads(&work);
    let before = fs::read(&work.spec).unwrap();
    let check = work.run(true);
    assert_eq!(check.status.code(), Some(1));
    assert!(stdout(&check).contains("type Workload: field \"flavor\": type string → integer"));
    assert!(
        stderr(&check).contains("is not in step with 42 definitions (7 changes)"),
        "{}",
        stderr(&check)
    );
    assert_eq!(
        fs::read(&work.spec).unwrap(),
        before,
        "--check writes nothing"
    );
    let leftovers: Vec<_> = fs::read_dir(work.spec.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("import-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_decision_survives_reimport_and_a_contradiction_is_reported_not_applied() {
    let work = Workspace::new();
    let decision = "The service sends the priority as a number although the definition says string; json takes both.";
    work.edit_spec(|spec| {
        let types = spec["types"].as_array_mut().unwrap();
        let workload = types.iter_mut().find(|t| t["name"] == "Workload").unwrap();
        let row = workload["fields"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| f["name"] == "priority")
            .unwrap();
        row["type"] = json!("json");
        row["decision"] = json!(decision);
    });
    let decided = work.spec_text();

    // Unchanged definitions: the person's row stays, nothing is reported.
    let run = work.run(false);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "");
    assert_eq!(work.spec_text(), decided);

    // The definition changes the row: reported, not applied.
    work.edit("ListWorkloads.json", |d| {
        d["definitions"]["Workload"]["properties"]["priority"]["type"] = json!("boolean");
    });
    let run = work.run(false);
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = stdout(&run);
    assert!(
        summary.contains(&format!("kept by decision: type Workload, field \"priority\": the definition's type is now \"boolean\" (the row records \"string\", and uses json); kept because of its decision: {decision:?}")),
        "{summary}"
    );
    assert!(
        stderr(&run).contains("1 row a person's decision keeps against the definitions"),
        "{}",
        stderr(&run)
    );
    let spec = work.spec_json();
    let row = field(&spec, "Workload", "priority");
    assert_eq!(row["type"], "json");
    assert_eq!(row["source_type"], "string");
    assert_eq!(row["decision"], decision);

    // CI notices until a person updates the row.
    let check = work.run(true);
    assert_eq!(check.status.code(), Some(1));
    assert!(stdout(&check).contains("kept by decision: type Workload, field \"priority\""));
    work.edit_spec(|spec| {
        let types = spec["types"].as_array_mut().unwrap();
        let workload = types.iter_mut().find(|t| t["name"] == "Workload").unwrap();
        let row = workload["fields"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| f["name"] == "priority")
            .unwrap();
        row["source_type"] = json!("boolean");
    });
    let check = work.run(true);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

#[test]
fn a_seed_row_its_document_no_longer_has_fails_the_check() {
    let work = Workspace::new();
    let before = fs::read(&work.spec).unwrap();
    let seed = work.seeds.join("000_fd1b90e008afa7f1.txt");
    let text = fs::read_to_string(&seed).unwrap();
    fs::write(
        &seed,
        text.replacen("用户指定的资源池名称。", "用户指定的资源池显示名称。", 1),
    )
    .unwrap();
    let check = work.run(true);
    assert_eq!(check.status.code(), Some(1));
    let out = stdout(&check);
    assert!(
        out.contains("not in the seeds: seed row PoolLabelsCreation.os.modelarts/name is not the row of 000_fd1b90e008afa7f1.txt as written (the row there reads 是, \"String\", \"用户指定的资源池显示名称。\")"),
        "{out}"
    );
    assert!(
        stderr(&check).contains("1 seed row the seed documents do not have as written"),
        "{}",
        stderr(&check)
    );
    // The importer never rewrites a seed row: a person re-encodes it.
    let run = work.run(false);
    assert!(run.status.success());
    assert_eq!(fs::read(&work.spec).unwrap(), before);
}

#[test]
fn renamed_types_and_variants_survive_reimport() {
    let work = Workspace::new();
    work.edit_spec(|spec| {
        let text = serde_json::to_string(spec)
            .unwrap()
            .replace("\"PoolModel\"", "\"Pool\"")
            .replace("<PoolModel>", "<Pool>");
        *spec = serde_json::from_str(&text).unwrap();
        // doc_name is the definition's name, which the renaming above also changed.
        let types = spec["types"].as_array_mut().unwrap();
        let pool = types.iter_mut().find(|t| t["name"] == "Pool").unwrap();
        pool["doc_name"] = json!("PoolModel");
        let kind = types
            .iter_mut()
            .find(|t| t["name"] == "PoolMonitorMetricsDataPointsUnit")
            .unwrap();
        kind["values"][0]["name"] = json!("Percentage");
    });
    let renamed = work.spec_text();
    let run = work.run(false);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "", "names people chose are kept");
    assert_eq!(work.spec_text(), renamed);
    let spec = work.spec_json();
    assert_eq!(
        named(&spec["operations"], "show_pool")["responses"][0]["body"],
        "Pool"
    );
}

#[test]
fn an_operation_whose_definition_is_gone_is_removed_and_said_so() {
    let work = Workspace::new();
    fs::remove_file(work.definitions.join("ShowPoolTags.json")).unwrap();
    let run = work.run(false);
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = stdout(&run);
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("[breaking] operation show_pool_tags: removed")),
        "{summary}"
    );
    assert_eq!(
        summary.lines().last(),
        Some(
            "semver: breaking for Rust consumers (1 breaking, 0 additive, 2 without API change): the regenerated crate needs version 0.2.0 (now 0.1.0)"
        ),
        "{summary}"
    );
    assert!(stderr(&run).contains("from 41 definitions"));
}

#[test]
fn a_malformed_definition_is_refused_with_its_file_and_json_path() {
    let work = Workspace::new();
    let before = fs::read(&work.spec).unwrap();

    work.edit("ListPools.json", |d| {
        operation(d)["parameters"][1]["in"] = json!("cookie");
    });
    let run = work.run(false);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(err.contains("ListPools.json: at $.paths[\"/v2/{project_id}/pools\"].get.parameters[1].in: parameter location \"cookie\" is not one of path, query, header, body"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(fs::read(&work.spec).unwrap(), before);

    fs::copy(
        real_definitions().join("ListPools.json"),
        work.definitions.join("ListPools.json"),
    )
    .unwrap();
    work.edit("ShowPool.json", |d| {
        d["definitions"]["PoolModel"]["properties"]["status"]["$ref"] =
            json!("#/definitions/Nowhere");
    });
    let run = work.run(false);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(err.contains("ShowPool.json: at $.definitions.PoolModel.properties.status[\"$ref\"]: $ref \"#/definitions/Nowhere\": there is no definition \"Nowhere\""), "{err}");
    assert_eq!(fs::read(&work.spec).unwrap(), before);

    fs::write(work.definitions.join("ShowPool.json"), "{\"paths\": ").unwrap();
    let run = work.run(false);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("ShowPool.json:1:"),
        "{}",
        stderr(&run)
    );
    assert!(stderr(&run).contains("not valid JSON"), "{}", stderr(&run));
    assert_eq!(fs::read(&work.spec).unwrap(), before);
}

/// The made-up widgets service: query parameters (scalar, boolean, repeated), pagination told in
/// prose, a merge-patch body behind a Content-Type header, one status object shared by three
/// operations, a `type` and a `format` no JSON Schema has, an object the examples send as an
/// array, and value lists in every form the prose uses.
#[test]
fn the_widget_definitions_import_as_expected() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("widgets.json");
    fs::copy(fixtures().join("empty-spec.json"), &spec).unwrap();
    let definitions = fixtures().join("widgets");
    let run = import(&spec, &[&definitions], false);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = fs::read_to_string(&spec).unwrap();
    insta::with_settings!({snapshot_path => "import/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("widgets_summary", stdout(&run));
        insta::assert_snapshot!("widgets_spec", text);
    });

    let doc: Value = serde_json::from_str(&text).unwrap();
    // The value list, in each form the prose uses.
    let values: Vec<(&str, Option<&str>)> = spec_type(&doc, "WidgetStatusPhase")["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["value"].as_str().unwrap(), v["description"].as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("Creating", Some("创建中。")),
            ("Running", Some("运行中")),
            ("", Some("未知。")),
            ("Stopped", None)
        ]
    );
    // The merge patch: its media type, not a Content-Type option; its own types.
    let patch = named(&doc["operations"], "patch_widget");
    assert_eq!(
        patch["request_body"]["media_type"],
        "application/merge-patch+json"
    );
    assert_eq!(patch["request_body"]["type"], "PatchWidgetRequest");
    assert!(patch.get("header_params").is_none());
    assert_eq!(
        field(&doc, "PatchWidgetRequest", "spec")["type"],
        "WidgetSpecPatch"
    );
    // One status type, shared.
    for op in ["list_widgets", "show_widget", "patch_widget"] {
        let body = named(&doc["operations"], op)["responses"][0]["body"]
            .as_str()
            .unwrap()
            .to_owned();
        let status = if body == "WidgetList" {
            "Widget".to_owned()
        } else {
            body
        };
        assert_eq!(field(&doc, &status, "status")["type"], "WidgetStatus");
    }
    // Pagination, query parameters.
    let list = named(&doc["operations"], "list_widgets");
    assert_eq!(
        list["pagination"],
        json!({"page_size": "limit", "request_token": "continue", "response_token": "metadata.continue", "items": "items"})
    );
    assert_eq!(
        named(&list["query_params"], "hostip")["type"],
        "array<string>"
    );
    assert_eq!(named(&list["query_params"], "limit")["type"], "int32");
    assert_eq!(named(&list["query_params"], "ascend")["type"], "boolean");
    // The defects, each with its decision.
    assert_eq!(
        field(&doc, "WidgetStatusResources", "available")["type"],
        "array<Count>"
    );
    assert_eq!(field(&doc, "Widget", "mode")["type"], "json");
    assert!(
        field(&doc, "Widget", "log")["decision"]
            .as_str()
            .unwrap()
            .contains("\"combined\"")
    );

    // And again: nothing.
    let again = import(&spec, &[&definitions], false);
    assert_eq!(stdout(&again), "");
    assert_eq!(fs::read_to_string(&spec).unwrap(), text);
}

#[test]
fn the_imported_spec_generates() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("widgets.json");
    fs::copy(fixtures().join("empty-spec.json"), &spec).unwrap();
    let run = import(&spec, &[&fixtures().join("widgets")], false);
    assert!(run.status.success(), "{}", stderr(&run));
    let out = dir.path().join("out");
    let generate = codegen()
        .arg("--spec")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(generate.status.success(), "{}", stderr(&generate));
    let models = fs::read_to_string(out.join("src/models.rs")).unwrap();
    assert!(models.contains("pub struct WidgetSpecPatch"), "{models}");
}

#[test]
fn an_enumerated_parameter_takes_the_enum_with_its_values_or_its_own() {
    let work = Workspace::new();
    work.edit("ListWorkloads.json", |d| {
        let params = operation(d)["parameters"].as_array_mut().unwrap();
        params.push(json!({
            "in": "query", "name": "kinds", "required": false, "type": "array",
            "items": {"type": "string"},
            "description": "作业类型。可选值如下:\n- train:训练作业\n- infer:推理服务\n- notebook:Notebook作业"
        }));
        params.push(json!({
            "in": "header", "name": "X-Priority", "required": false, "type": "string",
            "description": "优先级。可选值如下:\n- high:高\n- low:低"
        }));
    });
    let run = work.run(false);
    assert!(run.status.success(), "{}", stderr(&run));
    let spec = work.spec_json();
    let op = named(&spec["operations"], "list_workloads");
    let kinds = named(&op["query_params"], "kinds");
    assert_eq!(kinds["type"], "array<WorkloadType>");
    assert!(
        kinds["decision"]
            .as_str()
            .unwrap()
            .contains("which are those of WorkloadType"),
        "{kinds}"
    );
    assert_eq!(
        named(&op["header_params"], "X-Priority")["type"],
        "ListWorkloadsXPriority"
    );
    let values: Vec<&str> = spec_type(&spec, "ListWorkloadsXPriority")["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["high", "low"]);
    assert_eq!(
        stdout(&work.run(false)),
        "",
        "a second import of the same definitions changes nothing"
    );
}
