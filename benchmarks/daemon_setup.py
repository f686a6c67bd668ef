"""What the daemon benchmark runs against: a throwaway CA and a certificate for every tenant's
host name, the simulator's scenario, and the daemon's config.

Every tenant is a healthy Enterprise account (2 requests per check: users/me and custom_roles)
on its own host name, `t00001.zendesk.test`: the simulator routes by Host header
(`host_suffix`), and the daemon sends every name under the suffix to loopback (`--resolve`),
so TLS (SNI, certificate check) and connection reuse behave as with real tenants.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import trustme
import yaml

HOST_SUFFIX = "zendesk.test"
TOKEN = "benchmark-token"  # a fake token the simulator accepts; nothing real
TOKEN_ENV = "ZENDESK_MONITOR_BENCHMARK_TOKEN"
LONGEST_TIMEOUT = 10.0  # seconds; the daemon's default check timeout


@dataclass(frozen=True, slots=True)
class TlsFiles:
    ca: Path  # the config's defaults.ca_file
    cert: Path  # the simulator's --tls-cert (a wildcard for every tenant's host name)
    key: Path


def tenant_name(index: int) -> str:
    return f"t{index:05d}"


def write_tls(folder: Path) -> TlsFiles:
    """A new CA, and one ECDSA certificate for `*.zendesk.test` signed by it (as trustme makes
    them; Zendesk's edge serves ECDSA certificates too)."""
    ca = trustme.CA()
    leaf = ca.issue_cert(f"*.{HOST_SUFFIX}", HOST_SUFFIX)
    files = TlsFiles(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    ca.cert_pem.write_to_path(str(files.ca))
    leaf.cert_chain_pems[0].write_to_path(str(files.cert))
    for extra in leaf.cert_chain_pems[1:]:
        extra.write_to_path(str(files.cert), append=True)
    leaf.private_key_pem.write_to_path(str(files.key))
    files.key.chmod(0o600)
    return files


def write_scenario(path: Path, count: int) -> Path:
    """The simulator's scenario as JSON (the simulator parses JSON far faster than YAML)."""
    tenants = {
        tenant_name(i): {
            "tokens": [TOKEN],
            "users": [{"id": 1, "email": f"fusion@{tenant_name(i)}.example"}],
        }
        for i in range(count)
    }
    path.write_text(json.dumps({"host_suffix": HOST_SUFFIX, "tenants": tenants}))
    return path


def check_timeout(interval: float) -> float:
    """The config's timeout: the daemon's default, but below the interval as the config wants."""
    return min(LONGEST_TIMEOUT, interval / 2)


def write_config(path: Path, *, count: int, port: int, ca_file: Path, interval: float) -> Path:
    """The daemon's config: every tenant at `https://tNNNNN.zendesk.test:PORT`."""
    tenants = [
        {
            "name": tenant_name(i),
            "subdomain": tenant_name(i),
            "base_url": f"https://{tenant_name(i)}.{HOST_SUFFIX}:{port}",
            "auth": {
                "type": "api_token",
                "email": f"fusion@{tenant_name(i)}.example",
                "token_env": TOKEN_ENV,
            },
        }
        for i in range(count)
    ]
    defaults = {
        "interval": f"{interval:g}s",
        "timeout": f"{check_timeout(interval):g}s",
        "ca_file": str(ca_file),
    }
    # The C dumper when present: the pure-Python one takes seconds for 10,000 tenants.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump({"defaults": defaults, "tenants": tenants}, Dumper=dumper, sort_keys=False)
    path.write_text(text)
    return path
