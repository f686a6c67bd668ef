"""Durations: `<number>[ms|s|m|h|d]` or a plain number of seconds, > 0."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config.durations import UNITS, format_duration, parse_duration
from monitor.config.fields import Invalid

EXAMPLE = 'like "500ms", "30s", "5m", "1h", "1d" or a number of seconds'


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("250ms", 0.25),
        ("1500ms", 1.5),
        ("30s", 30.0),
        ("1.5s", 1.5),
        (".5s", 0.5),
        ("5m", 300.0),
        ("2h", 7200.0),
        ("1d", 86400.0),
        ("365d", 365 * 86400.0),
        ("0.5h", 1800.0),
        ("10 s", 10.0),
        (" 10s ", 10.0),
        ("45", 45.0),
        (45, 45.0),
        (0.25, 0.25),
        (1e-3, 0.001),
    ],
)
def test_valid_durations(value: object, seconds: float) -> None:
    assert parse_duration(value) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0s", '"0s" must be more than 0'),
        ("0", '"0" must be more than 0'),
        ("0ms", '"0ms" must be more than 0'),
        (0, "0 must be more than 0"),
        (0.0, "0.0 must be more than 0"),
        (-1, "-1 must be more than 0"),
        (-0.5, "-0.5 must be more than 0"),
        ("-1", '"-1" must be more than 0'),
        ("-5m", '"-5m" must be more than 0'),
        ("10x", '"10x" has an unknown unit "x"; use ms, s, m, h or d'),
        ("10S", '"10S" has an unknown unit "S"; use ms, s, m, h or d'),
        ("5 min", '"5 min" has an unknown unit "min"; use ms, s, m, h or d'),
        ("abc", f'"abc" is not a duration; write one {EXAMPLE}'),
        ("", f'"" is not a duration; write one {EXAMPLE}'),
        ("1e3", f'"1e3" is not a duration; write one {EXAMPLE}'),
        ("1h30m", f'"1h30m" is not a duration; write one {EXAMPLE}'),
        ("1.2.3s", f'"1.2.3s" is not a duration; write one {EXAMPLE}'),
        (True, f"must be a duration {EXAMPLE}; got true"),
        (False, f"must be a duration {EXAMPLE}; got false"),
        (None, f"must be a duration {EXAMPLE}; got an empty value"),
        ([10], f"must be a duration {EXAMPLE}; got a list"),
        ({"s": 10}, f"must be a duration {EXAMPLE}; got a mapping"),
        (math.nan, f"must be a duration {EXAMPLE}; got nan"),
        (math.inf, "inf is too long; the longest duration is 365d"),
        ("366d", '"366d" is too long; the longest duration is 365d'),
        (10**400, f"{10**400} is too long; the longest duration is 365d"),
    ],
)
def test_invalid_durations(value: object, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_duration(value)
    assert caught.value.message == message


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from(sorted(UNITS)))
def test_every_unit_multiplies(count: int, unit: str) -> None:
    expected = count * UNITS[unit]
    if expected > 365 * UNITS["d"]:
        with pytest.raises(Invalid):
            parse_duration(f"{count}{unit}")
    else:
        assert parse_duration(f"{count}{unit}") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "shown"), [("5m", "5m"), (" 30s", "30s"), (90, "90s"), (60.0, "60s"), (0.5, "0.5s")]
)
def test_durations_are_shown_as_written(value: object, shown: str) -> None:
    assert format_duration(value) == shown
