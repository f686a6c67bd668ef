"""interval and timeout: tenant over defaults over built-ins; a timeout below its interval."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config.durations import format_duration, parse_duration
from monitor.config.fields import Section
from monitor.config.model import Defaults

BUILT_IN = Defaults()


@dataclass(frozen=True, slots=True)
class Timing:
    seconds: float | None  # None: the value was invalid (and reported), so nothing compares to it
    shown: str  # as the user wrote it
    origin: str = ""  # "" when written at this level, else where it came from

    def inherited(self, origin: str) -> Timing:
        return self if self.origin else Timing(self.seconds, self.shown, origin)


def built_in(name: str) -> Timing:
    return Timing(getattr(BUILT_IN, name), format_duration(getattr(BUILT_IN, name)), "built-in")


def read_timing(section: Section, name: str, fallback: Timing) -> Timing:
    if not section.has(name):
        return fallback
    raw = section.data[name]
    return Timing(section.get(name, parse_duration), format_duration(raw))


def check_order(section: Section, interval: Timing, timeout: Timing) -> bool:
    """A check must end before the next one starts; reported where the user can change it."""
    if interval.seconds is None or timeout.seconds is None:
        return True
    if timeout.seconds < interval.seconds:
        return True
    if not timeout.origin:
        section.add(
            "timeout",
            f"timeout {timeout.shown} must be below the interval {interval.shown}{_from(interval)}",
        )
    elif not interval.origin:
        section.add(
            "interval",
            f"interval {interval.shown} must be above the timeout {timeout.shown}{_from(timeout)}",
        )
    return False


def _from(timing: Timing) -> str:
    if timing.origin == "defaults":
        return " (from defaults)"
    if timing.origin == "built-in":
        return " (the built-in default)"
    return ""
