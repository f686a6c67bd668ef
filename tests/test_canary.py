"""The canary scanner itself must catch what it is there to catch."""

from __future__ import annotations

import base64

import pytest

from tests.canary import CANARY_TOKEN, leaks


@pytest.mark.parametrize(
    "email", ["a@b.test", "fusion@acme.test", "xy@z.io", "longer.name@corp.example"]
)
def test_basic_header_with_the_canary_is_caught_at_any_alignment(email: str) -> None:
    header = "Basic " + base64.b64encode(f"{email}/token:{CANARY_TOKEN}".encode()).decode()
    assert leaks(f"sent Authorization: {header} to the server")
    assert leaks(header.replace("Basic ", "").rstrip("="))


def test_raw_and_clean_text() -> None:
    assert leaks(f"token={CANARY_TOKEN}")
    assert not leaks("token=<secret>")
    assert not leaks("Basic " + base64.b64encode(b"a@b.test/token:other-token").decode())
