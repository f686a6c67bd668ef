"""deploy/kubernetes, structurally (no cluster here): every manifest parses, the kustomizations
list every file, labels and selectors agree, probes, ports, security context and the config.

The manifests are gathered as kustomize would (resources, folders, `$patch: delete`), without
kustomize; where `kubectl` is installed, `kubectl kustomize` renders both variants too and must
agree. Schemas (the API server's, the Prometheus Operator's) are not checked here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor import __version__
from monitor.cli import build_parser
from monitor.config.load import load
from monitor.config.model import ApiTokenAuth
from monitor.config.validate import validate
from monitor.daemon.sharding import parse_shard
from tests.cli.run import ROOT

KUBE = ROOT / "deploy" / "kubernetes"
BASE = KUBE / "base"
SHARDED = KUBE / "overlays" / "sharded"
VARIANTS = {"single": KUBE, "sharded": SHARDED}
WORKLOAD_KIND = {"single": "Deployment", "sharded": "StatefulSet"}
PORT = 9853
CONFIG_MOUNT = "/etc/zendesk-monitor"
TOKENS_MOUNT = "/var/run/secrets/zendesk"
STATE_DIR = "/var/lib/zendesk-monitor"

Manifest = dict[str, Any]


def documents(path: Path) -> list[Manifest]:
    docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    assert all(isinstance(doc, dict) for doc in docs), path
    return docs


def kustomization(folder: Path) -> Manifest:
    (doc,) = documents(folder / "kustomization.yaml")
    assert doc["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert doc["kind"] == "Kustomization"
    return doc


def gather(folder: Path) -> list[Manifest]:
    """The manifests `kustomize build folder` emits (the parts of kustomize used here)."""
    spec = kustomization(folder)
    manifests: list[Manifest] = []
    for entry in spec["resources"]:
        path = (folder / entry).resolve()
        assert path.exists(), f"{folder}/kustomization.yaml lists {entry}, which does not exist"
        assert KUBE.resolve() in [path, *path.parents], f"{entry} is outside deploy/kubernetes"
        manifests += gather(path) if path.is_dir() else documents(path)
    for patch in spec.get("patches", []):
        (doc,) = yaml.safe_load_all(patch["patch"])
        assert doc["$patch"] == "delete", "only deletions are understood here"
        gone = (doc["kind"], doc["metadata"]["name"])
        assert gone == (patch["target"]["kind"], patch["target"]["name"])
        assert gone in {identity(m) for m in manifests}, f"{gone} is not there to delete"
        manifests = [m for m in manifests if identity(m) != gone]
    for image in spec.get("images", []):
        for m in manifests:
            for container in pod_spec(m)["containers"] if "template" in m.get("spec", {}) else []:
                if container["image"] == image["name"]:
                    container["image"] = f"{image['name']}:{image['newTag']}"
    return manifests


def identity(manifest: Manifest) -> tuple[str, str]:
    return manifest["kind"], manifest["metadata"]["name"]


def pod_spec(workload: Manifest) -> Manifest:
    spec: Manifest = workload["spec"]["template"]["spec"]
    return spec


@pytest.fixture(params=sorted(VARIANTS))
def variant(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def manifests(variant: str) -> dict[str, Manifest]:
    """Kind -> the variant's one manifest of that kind."""
    found = gather(VARIANTS[variant])
    kinds = [m["kind"] for m in found]
    assert len(kinds) == len(set(kinds)), f"one of each kind: {sorted(kinds)}"
    return {m["kind"]: m for m in found}


def workload_of(variant: str, manifests: dict[str, Manifest]) -> Manifest:
    other = ({"Deployment", "StatefulSet"} - {WORKLOAD_KIND[variant]}).pop()
    assert other not in manifests
    return manifests[WORKLOAD_KIND[variant]]


def container_of(workload: Manifest) -> Manifest:
    (container,) = pod_spec(workload)["containers"]
    assert isinstance(container, dict)
    return container


def yaml_files() -> Iterator[Path]:
    yield from sorted(KUBE.rglob("*.yaml"))
    assert not list(KUBE.rglob("*.yml")), "name manifests *.yaml"


def test_every_manifest_parses_and_names_itself() -> None:
    for path in yaml_files():
        for doc in documents(path):
            assert doc.get("apiVersion"), path
            assert doc.get("kind"), path
            if path.name != "kustomization.yaml":
                assert doc.get("metadata", {}).get("name"), path


def test_every_file_is_listed_by_the_kustomization_of_its_folder() -> None:
    folders = {path.parent for path in yaml_files()}
    for folder in folders:
        listed = {Path(entry).name for entry in kustomization(folder)["resources"]}
        here = {p.name for p in folder.glob("*.yaml")} - {"kustomization.yaml"}
        assert here <= listed, f"{folder}: not in kustomization.yaml: {sorted(here - listed)}"
    assert {"base", "prometheusrule.yaml"} <= set(kustomization(KUBE)["resources"])
    assert "../../base" in kustomization(SHARDED)["resources"]


def test_the_variants_hold_the_expected_objects(
    variant: str, manifests: dict[str, Manifest]
) -> None:
    expected = {
        "ServiceAccount",
        "ConfigMap",
        WORKLOAD_KIND[variant],
        "Service",
        "ServiceMonitor",
        "NetworkPolicy",
        "PodDisruptionBudget",
    }
    if variant == "single":
        expected.add("PrometheusRule")  # the sharded overlay cannot reach it: applied on its own
    assert set(manifests) == expected
    names = {m["metadata"]["name"] for m in manifests.values()}
    assert names == {"zendesk-monitor", "zendesk-monitor-config"}


def test_the_prometheus_rule_is_a_prometheus_rule() -> None:
    (rule,) = documents(KUBE / "prometheusrule.yaml")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["kind"] == "PrometheusRule"
    assert isinstance(rule["spec"]["groups"], list)


def test_labels_and_selectors_agree(variant: str, manifests: dict[str, Manifest]) -> None:
    workload = workload_of(variant, manifests)
    pod_labels = workload["spec"]["template"]["metadata"]["labels"]

    def selects_the_pods(selector: dict[str, str], what: str) -> None:
        assert selector, what
        assert selector.items() <= pod_labels.items(), f"{what} {selector} vs pods {pod_labels}"

    selects_the_pods(workload["spec"]["selector"]["matchLabels"], "workload selector")
    service = manifests["Service"]
    selects_the_pods(service["spec"]["selector"], "Service")
    selects_the_pods(manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"], "PDB")
    selects_the_pods(manifests["NetworkPolicy"]["spec"]["podSelector"]["matchLabels"], "policy")
    monitor_selector = manifests["ServiceMonitor"]["spec"]["selector"]["matchLabels"]
    assert monitor_selector.items() <= service["metadata"]["labels"].items()
    for manifest in manifests.values():
        assert manifest["metadata"]["labels"].items() >= monitor_selector.items(), manifest["kind"]


def test_the_metrics_port_is_served_scraped_and_open(
    variant: str, manifests: dict[str, Manifest]
) -> None:
    container = container_of(workload_of(variant, manifests))
    assert container["ports"] == [{"name": "metrics", "containerPort": PORT, "protocol": "TCP"}]
    (service_port,) = manifests["Service"]["spec"]["ports"]
    assert service_port == {
        "name": "metrics",
        "port": PORT,
        "targetPort": "metrics",
        "protocol": "TCP",
    }
    # Without a jobLabel, the job is the Service's name: the one the alert rules select.
    assert "jobLabel" not in manifests["ServiceMonitor"]["spec"]
    assert manifests["Service"]["metadata"]["name"] == "zendesk-monitor"
    (endpoint,) = manifests["ServiceMonitor"]["spec"]["endpoints"]
    assert endpoint["port"] == "metrics"
    assert endpoint["path"] == "/metrics"
    assert _seconds(endpoint["scrapeTimeout"]) < _seconds(endpoint["interval"])
    (ingress,) = manifests["NetworkPolicy"]["spec"]["ingress"]
    assert ingress == {"ports": [{"port": PORT, "protocol": "TCP"}]}


def _seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)([sm])", duration)
    assert match is not None, duration
    return int(match[1]) * (60 if match[2] == "m" else 1)


def test_egress_is_https_and_dns_only(manifests: dict[str, Manifest]) -> None:
    policy = manifests["NetworkPolicy"]["spec"]
    assert sorted(policy["policyTypes"]) == ["Egress", "Ingress"]
    allowed = sorted(
        (port["protocol"], port["port"]) for rule in policy["egress"] for port in rule["ports"]
    )
    assert allowed == [("TCP", 53), ("TCP", 443), ("UDP", 53)]
    assert all("to" not in rule for rule in policy["egress"])


def test_probes_ask_healthz_and_readyz_on_the_metrics_port(
    variant: str, manifests: dict[str, Manifest]
) -> None:
    container = container_of(workload_of(variant, manifests))
    paths = {
        probe: container[probe]["httpGet"]["path"]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert paths == {
        "startupProbe": "/healthz",
        "livenessProbe": "/healthz",
        "readinessProbe": "/readyz",
    }
    for probe in paths:
        assert container[probe]["httpGet"]["port"] in ("metrics", PORT)


def test_the_pod_is_locked_down(variant: str, manifests: dict[str, Manifest]) -> None:
    spec = pod_spec(workload_of(variant, manifests))
    pod = spec["securityContext"]
    container = container_of(workload_of(variant, manifests))["securityContext"]
    assert pod["runAsNonRoot"] is True
    assert container["runAsNonRoot"] is True
    assert pod["seccompProfile"] == container["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container["readOnlyRootFilesystem"] is True
    assert container["allowPrivilegeEscalation"] is False
    assert container["capabilities"] == {"drop": ["ALL"]}
    assert "add" not in container["capabilities"]
    assert "privileged" not in container
    # The image's user (Dockerfile USER), so the state volume's fsGroup matches its owner.
    dockerfile = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^USER (\d+):(\d+)$", dockerfile, re.M)
    assert match is not None
    assert (pod["runAsUser"], pod["runAsGroup"], pod["fsGroup"]) == (
        int(match[1]),
        int(match[2]),
        int(match[2]),
    )
    # No Kubernetes API token in the pod: the daemon never calls the API.
    assert spec["automountServiceAccountToken"] is False
    account = manifests["ServiceAccount"]
    assert spec["serviceAccountName"] == account["metadata"]["name"]
    assert account["automountServiceAccountToken"] is False


def test_resources_are_sized_for_ten_thousand_tenants(
    variant: str, manifests: dict[str, Manifest]
) -> None:
    resources = container_of(workload_of(variant, manifests))["resources"]
    assert resources["requests"] == {"cpu": "1", "memory": "512Mi"}
    assert resources["limits"] == {"memory": "1Gi"}  # no CPU limit: throttling trips /healthz


def args_of(variant: str, manifests: dict[str, Manifest]) -> list[str]:
    args = container_of(workload_of(variant, manifests))["args"]
    assert all(isinstance(arg, str) for arg in args)
    return list(args)


def test_the_daemon_reads_the_mounted_config_and_watches_it(
    variant: str, manifests: dict[str, Manifest], monkeypatch: pytest.MonkeyPatch
) -> None:
    workload = workload_of(variant, manifests)
    args = args_of(variant, manifests)
    assert "--watch-config" in args
    # The arguments parse as `zendesk-monitor run` (the image's ENTRYPOINT) parses them.
    monkeypatch.setattr("socket.gethostname", lambda: f"{workload['metadata']['name']}-0")
    parsed = build_parser().parse_args(["run", *args])
    assert parsed.watch_config is True
    assert parsed.state_dir == STATE_DIR
    mounts = {m["name"]: m for m in container_of(workload)["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(workload)["volumes"]}
    # The config file is a key of the ConfigMap, mounted as a folder (subPath mounts never
    # see an update, and --watch-config would watch a file that never changes).
    assert all("subPath" not in mount for mount in mounts.values())
    assert Path(parsed.config).parent == Path(mounts["config"]["mountPath"]) == Path(CONFIG_MOUNT)
    configmap = manifests["ConfigMap"]
    assert volumes["config"]["configMap"]["name"] == configmap["metadata"]["name"]
    assert Path(parsed.config).name in configmap["data"]
    assert mounts["config"]["readOnly"] is True
    assert mounts["tokens"] == {"name": "tokens", "mountPath": TOKENS_MOUNT, "readOnly": True}
    assert volumes["tokens"]["secret"]["secretName"] == "zendesk-monitor-tokens"
    assert mounts["state"]["mountPath"] == STATE_DIR
    assert mounts["state"].get("readOnly") is not True
    if variant == "single":
        assert "emptyDir" in volumes["state"]
    else:
        assert "state" not in volumes
        (claim,) = workload["spec"]["volumeClaimTemplates"]
        assert claim["metadata"]["name"] == "state"
        assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]


def test_the_embedded_config_validates(tmp_path: Path) -> None:
    (configmap,) = documents(BASE / "configmap.yaml")
    path = tmp_path / "config.yaml"
    path.write_text(configmap["data"]["config.yaml"])
    lines, code = validate(str(path), check_secrets=False)
    assert (lines, code) == (["ok: 2 tenants"], 0)
    config = load(str(path)).config
    assert config is not None
    for tenant in config.tenants:
        # Each token is a file of the tokens Secret, the key named after the tenant.
        assert isinstance(tenant.auth, ApiTokenAuth)
        assert tenant.auth.token.env is None
        assert tenant.auth.token.file == Path(TOKENS_MOUNT) / tenant.name
        assert re.fullmatch(r"[-._a-zA-Z0-9]+", tenant.name), "a valid Secret key"


def test_the_statefulset_runs_the_deployments_pod_with_a_shard() -> None:
    deployment = {m["kind"]: m for m in gather(KUBE)}["Deployment"]
    statefulset = {m["kind"]: m for m in gather(SHARDED)}["StatefulSet"]
    single, sharded = pod_spec(deployment), pod_spec(statefulset)
    args = container_of(statefulset)["args"]
    index = args.index("--shard")
    shard_value = args[index + 1]
    assert args[:index] + args[index + 2 :] == container_of(deployment)["args"]
    # Apart from --shard and the state volume (a claim per replica), the pods are the same.
    assert [v for v in single["volumes"] if v["name"] != "state"] == sharded["volumes"]
    container = {**container_of(statefulset), "args": container_of(deployment)["args"]}
    assert container == container_of(deployment)
    rest = {key: value for key, value in sharded.items() if key not in ("containers", "volumes")}
    assert rest == {k: v for k, v in single.items() if k not in ("containers", "volumes")}
    for key in ("selector", "revisionHistoryLimit"):
        assert statefulset["spec"][key] == deployment["spec"][key]
    assert statefulset["spec"]["template"]["metadata"] == deployment["spec"]["template"]["metadata"]
    # auto/N: pod <name>-<i> checks shard i, for every replica, and N is the replica count.
    replicas = statefulset["spec"]["replicas"]
    assert replicas > 1
    name = statefulset["metadata"]["name"]
    for ordinal in range(replicas):
        shard = parse_shard(shard_value, hostname=f"{name}-{ordinal}")
        assert (shard.index, shard.count) == (ordinal, replicas)
    assert statefulset["spec"]["serviceName"] == "zendesk-monitor"
    assert statefulset["spec"]["podManagementPolicy"] == "Parallel"


def test_the_image_tag_is_this_version_in_both_kustomizations() -> None:
    for folder in (BASE, SHARDED):
        assert kustomization(folder)["images"] == [
            {"name": "zendesk-monitor", "newTag": __version__}
        ], folder
    assert kustomization(KUBE).get("images") is None  # base/ sets it


def test_the_disruption_budget_takes_one_pod_at_a_time(manifests: dict[str, Manifest]) -> None:
    assert manifests["PodDisruptionBudget"]["spec"] == {
        "maxUnavailable": 1,
        "selector": manifests["PodDisruptionBudget"]["spec"]["selector"],
    }


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(
    KUBECTL is None, reason="kubectl (with its built-in kustomize) is not installed"
)
def test_kubectl_kustomize_renders_what_these_tests_read(variant: str) -> None:
    assert KUBECTL is not None
    done = subprocess.run(
        [KUBECTL, "kustomize", str(VARIANTS[variant])],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rendered = [doc for doc in yaml.safe_load_all(done.stdout) if doc is not None]
    assert sorted(map(identity, rendered)) == sorted(map(identity, gather(VARIANTS[variant])))
    rendered_by_kind = {m["kind"]: m for m in rendered}
    assert rendered_by_kind == {m["kind"]: m for m in gather(VARIANTS[variant])}
