"""Value checks and the problem-collecting reader the scenario parser is built from.

A check takes a raw YAML/JSON value and returns the converted value or raises `Invalid` with a
message that completes "<key path>: ...".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    location: str  # a key path such as `tenants.acme.users[0].role`
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ScenarioError(ValueError):
    """A scenario that cannot be used; `problems` lists every mistake found."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = tuple(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(f"{prefix}{p}" for p in self.problems))


class Invalid(Exception):
    """A value check failed."""


Check = Callable[[Any], Any]


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"must be an integer, got {value!r}")
    return value


def positive_int(value: Any) -> int:
    if integer(value) < 1:
        raise Invalid(f"must be at least 1, got {value!r}")
    return int(value)


def non_negative_int(value: Any) -> int:
    if integer(value) < 0:
        raise Invalid(f"must be 0 or more, got {value!r}")
    return int(value)


def seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise Invalid(f"must be a number of seconds (0 or more), got {value!r}")
    return float(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, got {value!r}")
    return value


def name(value: Any) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value:
        raise Invalid(f"must be a non-empty string, got {value!r}")
    return value


def names(value: Any) -> list[str]:
    """A list of non-empty strings."""
    if not isinstance(value, list):
        raise Invalid(f"must be a list of strings, got {value!r}")
    return [name(item) for item in value]


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be a string, got {value!r}")
    return value


def timestamp(value: Any) -> datetime:
    """An RFC 3339 timestamp (or a YAML timestamp) -> an aware UTC datetime.

    No time zone means UTC, like Zendesk's "Z" timestamps.
    """
    found: datetime | None = None
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, str) and len(value) >= 19:  # a date alone is not a timestamp
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            found = None
    if found is None:
        raise Invalid(f"must be an RFC 3339 timestamp, got {value!r}")
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found.astimezone(UTC)


def timestamp_text(value: Any) -> str:
    """A timestamp as Zendesk writes it: "2026-01-02T03:04:05Z"."""
    return timestamp(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def integer_or_name(value: Any) -> int | str:
    """An integer or a non-empty string (OAuth client ids are numbers, identifiers strings)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return name(value)


def int_range(low: int, high: int) -> Check:
    def int_range_check(value: Any) -> int:
        found = integer(value)
        if not low <= found <= high:
            raise Invalid(f"must be from {low} to {high}, got {value!r}")
        return found

    return int_range_check


def anything(value: Any) -> Any:
    return value


def optional(check: Check) -> Check:
    def optional_check(value: Any) -> Any:
        return None if value is None else check(value)

    return optional_check


def choice(*options: Any) -> Check:
    def choice_check(value: Any) -> Any:
        # YAML's true == 1: a bool is never one of the integer options.
        if value not in options or isinstance(value, bool) != isinstance(options[0], bool):
            shown = ", ".join(str(o) for o in options)
            raise Invalid(f"must be one of {shown}; got {value!r}")
        return value

    return choice_check


def enum(kind: type[Any], *allowed: Any) -> Check:
    check = choice(*[member.value for member in (allowed or kind)])
    return lambda value: kind(check(value))


def path(value: Any) -> str:
    """A request path after the tenant prefix; `.json` is dropped like in requests."""
    found = name(value)
    if not found.startswith("/"):
        raise Invalid(f"must start with '/', got {value!r}")
    return found.removesuffix(".json")


def status(value: Any) -> int:
    found = integer(value)
    if not 100 <= found <= 599:
        raise Invalid(f"must be an HTTP status (100-599), got {value!r}")
    return found


def headers(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise Invalid("must be a mapping of header names to string values")
    return dict(value)


class Reader:
    """Walks mappings and collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, location: str, message: str) -> None:
        found = Problem(location, message)
        if found not in self.problems:  # a bad `defaults:` key would repeat for every tenant
            self.problems.append(found)

    def check(self, value: Any, location: str, check: Check) -> Any:
        """The checked value, or None after recording the problem."""
        try:
            return check(value)
        except Invalid as invalid:
            self.problem(location, str(invalid))
            return None

    def mapping(self, value: Any, location: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(location, f"must be a mapping, got {type(value).__name__}")
            return None
        return value

    def items(self, value: Any, location: str) -> list[Any]:
        if not isinstance(value, list):
            self.problem(location, f"must be a list, got {type(value).__name__}")
            return []
        return value

    def fields(
        self, raw: Mapping[str, Any], location: str, checks: Mapping[str, Check], required: set[str]
    ) -> dict[str, Any] | None:
        """Check every key of `raw` against `checks`; None when something was wrong."""
        values: dict[str, Any] = {}
        ok = True
        for key, value in raw.items():
            check = checks.get(key)
            if check is None:
                self.problem(f"{location}.{key}", "unknown key")
                ok = False
                continue
            try:
                values[key] = check(value)
            except Invalid as invalid:
                self.problem(f"{location}.{key}", str(invalid))
                ok = False
        for key in sorted(required - raw.keys()):
            self.problem(f"{location}.{key}", "is required")
            ok = False
        return values if ok else None

    def unique(self, values: list[Any], location: str, attr: str) -> None:
        seen: set[Any] = set()
        for index, value in enumerate(values):
            if value in seen:
                self.problem(f"{location}[{index}].{attr}", f"duplicate {attr} {value!r}")
            seen.add(value)
