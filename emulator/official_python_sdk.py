"""The official Huawei Cloud Python SDK (huaweicloudsdkmodelarts), unchanged, against the
emulator: AK/SK signing, then create, show until Running, list, resize, delete, and the 404.

    python3 emulator/official_python_sdk.py http://127.0.0.1:PORT AK SK

Exits non-zero (with the step and the answer) when any step fails.
"""

import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkmodelarts.v1 import (
    CreatePoolRequest,
    DeletePoolRequest,
    ListPoolsRequest,
    ModelArtsClient,
    PatchPoolRequest,
    ShowPoolRequest,
)

endpoint, ak, sk = sys.argv[1], sys.argv[2], sys.argv[3]
credentials = BasicCredentials(ak, sk, "proj-python")
client = ModelArtsClient.new_builder().with_credentials(credentials).with_endpoints([endpoint]).build()


def check(step, condition, detail):
    if not condition:
        sys.exit(f"{step}: {detail}")
    print(f"ok: {step}")


body = {
    "apiVersion": "v2",
    "kind": "Pool",
    "metadata": {"labels": {"os.modelarts/name": "from-python"}},
    "spec": {
        "type": "Dedicate",
        "scope": ["Train"],
        "resources": [{"flavor": "modelarts.vm.cpu.8u", "count": 2, "maxCount": 2}],
        "network": {"name": "net-1"},
    },
}
created = client.create_pool(CreatePoolRequest(body=body)).to_json_object()
name = created["metadata"]["name"]
check("create", name.startswith("from-python-") and created["status"]["phase"] == "Creating", created)

for _ in range(100):
    shown = client.show_pool(ShowPoolRequest(pool_name=name)).to_json_object()
    if shown["status"]["phase"] == "Running":
        break
    time.sleep(0.05)
check("wait until Running", shown["status"]["phase"] == "Running", shown)

listed = client.list_pools(ListPoolsRequest()).to_json_object()
check("list", [p["metadata"]["name"] for p in listed["items"]] == [name], listed)

patch = {"spec": {"resources": [{"flavor": "modelarts.vm.cpu.8u", "count": 3, "maxCount": 3}]}}
patched = client.patch_pool(PatchPoolRequest(pool_name=name, body=patch)).to_json_object()
check("resize", patched["spec"]["resources"][0]["count"] == 3, patched)

deleted = client.delete_pool(DeletePoolRequest(pool_name=name)).to_json_object()
check("delete", deleted["status"]["phase"] == "Deleting", deleted)

for _ in range(100):
    try:
        client.show_pool(ShowPoolRequest(pool_name=name))
        time.sleep(0.05)
    except exceptions.ClientRequestException as e:
        check("gone", e.status_code == 404 and e.error_code == "ModelArts.50015001", vars(e))
        break
else:
    sys.exit("gone: the pool never went away")

wrong = ModelArtsClient.new_builder().with_credentials(
    BasicCredentials(ak, "wrong-sk", "proj-python")).with_endpoints([endpoint]).build()
try:
    wrong.list_pools(ListPoolsRequest())
    sys.exit("wrong key: accepted")
except exceptions.ClientRequestException as e:
    check("wrong key refused", e.status_code == 401 and e.error_code == "APIGW.0301", vars(e))
