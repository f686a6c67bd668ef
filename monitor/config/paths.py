"""Key paths like `tenants[3].auth.token_env`: one spelling shared by parser and loader."""

from __future__ import annotations

import re

ROOT = ""

_TENANT = re.compile(r"tenants\[(\d+)\]")


def child(path: str, key: object) -> str:
    """The path of `key` inside the mapping at `path` (keys that are not strings print as str)."""
    return str(key) if path == ROOT else f"{path}.{key}"


def item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def parent(path: str) -> str:
    """The enclosing path; always shorter, so walking up ends at ROOT."""
    if path.endswith("]") and "[" in path:
        return path[: path.rindex("[")]
    if "." in path:
        return path[: path.rindex(".")]
    return ROOT


def tenant_index(path: str) -> int | None:
    """The tenant a path is about, when it is inside (not the whole of) a tenant entry."""
    match = _TENANT.match(path)
    if match is None or len(path) == match.end() or path[match.end()] != ".":
        return None
    return int(match.group(1))
