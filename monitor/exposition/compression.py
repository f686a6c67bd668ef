"""gzip for large responses, when the client says it accepts it."""

from __future__ import annotations

import gzip

# A 10,000-tenant scrape (11 MB) gzips to 0.90 MB in 0.03 s at level 1; zlib's default (6)
# gives 0.80 MB in 0.12 s, level 9 0.70 MB in 0.38 s. The render shares one core with the
# checks, so each CPU second saved is several seconds of scrape time under load.
GZIP_LEVEL = 1


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True when an `Accept-Encoding` header accepts gzip: listed (or `*`) with a quality above
    0; an explicit `gzip;q=0` wins over `*`."""
    qualities: dict[str, float] = {}
    for item in (accept_encoding or "").split(","):
        coding, _, params = item.partition(";")
        qualities[coding.strip().lower()] = _quality(params)
    for coding in ("gzip", "x-gzip", "*"):
        if coding in qualities:
            return qualities[coding] > 0
    return False


def gzip_bytes(body: bytes) -> bytes:
    # mtime=0: the same body always compresses to the same bytes.
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
