"""Reading `visible_token`, whose format public sources do not agree on."""

from __future__ import annotations

import pytest

from monitor.checks.diagnose import _visible_match, _visible_parts

TOKEN = "AbCdEf0123456789wxyz"


@pytest.mark.parametrize(
    ("visible", "matches"),
    [
        ("wxyz", True),  # the last characters
        ("AbCd", True),  # the first characters
        ("AbCd****wxyz", True),  # both ends around a mask
        ("AbCd...wxyz", True),
        ("****wxyz", True),
        ("AbCd****0000", False),
        ("zzzz", False),
        ("", False),
    ],
)
def test_visible_token_matches_either_end(visible: str, matches: bool) -> None:
    assert _visible_match({"visible_token": visible}, TOKEN) is matches


def test_unreadable_visible_tokens_have_no_parts() -> None:
    assert _visible_parts({"visible_token": "****"}) == []
    assert _visible_parts({"visible_token": None}) == []
    assert _visible_parts({}) == []
