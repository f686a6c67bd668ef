"""A canary token: every test that needs a real-looking token uses it, and no output may show it.

`conftest.py` puts it in the environment for the whole session and scans every test's captured
stdout, stderr, log records and failure text for it, raw or base64-encoded (as inside a Basic
header, at any alignment).
"""

from __future__ import annotations

import base64
import binascii
import re

CANARY_ENV = "ZENDESK_MONITOR_CANARY_TOKEN"
CANARY_TOKEN = "cAnArY-7f3b9e1d2c4a-tOkEn"
# OAuth canaries: a bearer access token and a client secret, scanned for like the API token.
OAUTH_CANARY_ENV = "ZENDESK_MONITOR_CANARY_OAUTH"
OAUTH_CANARY = "oAuThCaNaRy-5d1e9a7b3c-bEaReR"
SECRET_CANARY_ENV = "ZENDESK_MONITOR_CANARY_CLIENT_SECRET"
SECRET_CANARY = "sEcReTcAnArY-2b8f4e6a1d-cLiEnT"
CANARIES = (CANARY_TOKEN, OAUTH_CANARY, SECRET_CANARY)

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}")


def _encodings(secret: str) -> list[str]:
    """The canary's base64 form at each of the three alignments, edges trimmed."""
    forms = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + secret.encode()).decode()
        # Drop the characters that mix in the padding bytes before and the unknown bytes after.
        start = (shift * 4 + 2) // 3
        forms.append(encoded[start : len(encoded) - 3])
    return forms


_FORMS = _encodings(CANARY_TOKEN)


def leaks_any(text: str) -> bool:
    return any(leaks(text, secret) for secret in CANARIES)


def leaks(text: str, secret: str = CANARY_TOKEN) -> bool:
    """True when `text` shows `secret`, raw, base64-encoded, or inside a decodable base64 run."""
    if secret in text:
        return True
    forms = _FORMS if secret == CANARY_TOKEN else _encodings(secret)
    if any(form in text for form in forms):
        return True
    for run in _BASE64_RUN.findall(text):
        try:
            decoded = base64.b64decode(run + "=" * (-len(run) % 4), validate=False)
        except (binascii.Error, ValueError):
            continue
        if secret.encode() in decoded:
            return True
    return False
