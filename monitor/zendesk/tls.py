"""One SSLContext for every tenant: each new one costs milliseconds of CPU to load the CA store."""

from __future__ import annotations

import ssl
from functools import cache
from pathlib import Path


@cache
def shared_ssl_context(ca_file: Path | None = None) -> ssl.SSLContext:
    """The system trust store, plus `ca_file` (a TLS proxy's or the simulator's CA) when given."""
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context
