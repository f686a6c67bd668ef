"""One shared copy of the small JSON strings every tenant repeats.

A custom role's configuration has some 40 keys whose names and most values ("all", "full",
"none") are the same for every tenant, yet each answer parses them into new string objects, and
the daemon keeps two configurations per tenant (the last result's and the baseline). Interned,
each such string exists once per process (see the README's performance section).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

# Longer strings (descriptions, names) are rarely shared; interning them would only cost time.
MAX_INTERNED_LENGTH = 64


def interned(value: Any) -> Any:
    """`value` (parsed JSON) with every object key and every short string interned; objects and
    arrays are copied, other values kept."""
    if isinstance(value, str):
        return sys.intern(value) if len(value) <= MAX_INTERNED_LENGTH else value
    if isinstance(value, Mapping):
        return {_key(k): interned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [interned(item) for item in value]
    return value


def _key(key: Any) -> Any:
    return sys.intern(key) if type(key) is str else key
