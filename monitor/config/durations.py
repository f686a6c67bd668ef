"""Durations: `<number>[ms|s|m|h|d]` or a plain number of seconds, always > 0."""

from __future__ import annotations

import math
import re

from monitor.config.fields import Invalid
from monitor.config.text import describe, show

UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
# A cap far above any sane interval, so that schedulers and timers never overflow.
LONGEST = 365 * UNITS["d"]

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_DURATION = re.compile(rf"({_NUMBER})\s*(ms|s|m|h|d)?")
_WITH_UNIT = re.compile(rf"-?{_NUMBER}\s*([A-Za-z]+)")
_EXAMPLE = 'like "500ms", "30s", "5m", "1h", "1d" or a number of seconds'


def parse_duration(value: object) -> float:
    """Seconds from a duration; raises Invalid with a fix for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Invalid(f"must be a duration {_EXAMPLE}; got {describe(value)}")
    if isinstance(value, str):
        seconds = _from_text(value)
        shown = show(value)
    else:
        try:
            seconds = float(value)
        except OverflowError:
            seconds = math.inf
        shown = str(value)
    if math.isnan(seconds):
        raise Invalid(f"must be a duration {_EXAMPLE}; got {shown}")
    if seconds <= 0:
        raise Invalid(f"{shown} must be more than 0")
    if seconds > LONGEST:
        raise Invalid(f"{shown} is too long; the longest duration is 365d")
    return seconds


def _from_text(value: str) -> float:
    stripped = value.strip()
    if stripped.startswith("-") and _DURATION.fullmatch(stripped[1:]):
        return -1.0  # reported as "must be more than 0", like a negative number
    match = _DURATION.fullmatch(stripped)
    if match is not None:
        return float(match.group(1)) * UNITS[match.group(2) or "s"]
    unit = _WITH_UNIT.fullmatch(stripped)
    if unit is not None:
        raise Invalid(f'{show(value)} has an unknown unit "{unit.group(1)}"; use ms, s, m, h or d')
    raise Invalid(f"{show(value)} is not a duration; write one {_EXAMPLE}")


def format_duration(value: object) -> str:
    """A duration as the user wrote it, for messages that compare two of them."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}s"
    return f"{value}s"
