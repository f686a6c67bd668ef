"""Which tenant a request is for: by Host header `<tenant>.<host_suffix>`, else by path prefix.

Plain string operations: the cost does not grow with the number of tenants.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    tenant: str | None  # None: the path names no tenant (e.g. "/")
    path: str  # after the tenant prefix, without ".json"
    api_base: str  # the tenant's base URL as this client reaches it


def _normalise(path: str) -> str:
    return path.removesuffix(".json") or "/"


def resolve(scheme: str, host: str, path: str, host_suffix: str | None) -> Target:
    if host_suffix:
        hostname = host.rsplit(":", 1)[0].lower() if not host.endswith("]") else host.lower()
        name = hostname.removesuffix("." + host_suffix)
        if name != hostname and name:
            return Target(name, _normalise(path), f"{scheme}://{host}")
    name, slash, rest = path[1:].partition("/")
    if not name:
        return Target(None, _normalise(path), f"{scheme}://{host}")
    return Target(name, _normalise(slash + rest), f"{scheme}://{host}/{name}")
