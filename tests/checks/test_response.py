from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.zendesk.response import MAX_RETRY_AFTER_SECONDS, ApiResponse, parse_retry_after


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("41", 41.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("99999999", MAX_RETRY_AFTER_SECONDS),
        ("soon", None),
        ("nan", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_retry_after_http_date_counts_from_now() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0


@given(st.text())
def test_retry_after_never_raises_and_is_bounded(value: str) -> None:
    seconds = parse_retry_after(value)
    assert seconds is None or 0.0 <= seconds <= MAX_RETRY_AFTER_SECONDS


def test_rate_limit_prefers_the_account_header_and_skips_garbage() -> None:
    response = ApiResponse(
        200, headers={"x-rate-limit": "x", "ratelimit-limit": "400", "x-rate-limit-remaining": "12"}
    )
    assert response.rate_limit == 400
    assert response.rate_limit_remaining == 12


def test_request_id_prefers_zendesk_header() -> None:
    response = ApiResponse(
        200, headers={"x-request-id": "b", "x-zendesk-request-id": "a", "cf-ray": "c"}
    )
    assert response.request_id == "a"
    assert ApiResponse(200, headers={"cf-ray": "c"}).request_id == "c"
    assert ApiResponse(200).request_id is None
