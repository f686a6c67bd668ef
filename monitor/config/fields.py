"""Reading one YAML mapping: typed fields, required keys, unknown keys, collected problems."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from monitor.config import paths
from monitor.config.model import Problem
from monitor.config.text import describe, did_you_mean, one_of, show

T = TypeVar("T")


class Invalid(Exception):
    """A value is wrong; the message says how to fix it (the location is added by the caller)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Problems:
    """Every problem found so far; parsing never stops at the first one."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: str, message: str) -> None:
        self.items.append(Problem(location, message))


# Checks a file that the config points to (e.g. ca_file); None when it is fine. Injected by the
# loader so that `parse` itself stays free of I/O.
FileCheck = Callable[[Path], str | None]


@dataclass(frozen=True)
class Context:
    problems: Problems
    base_dir: Path | None = None  # relative paths in the config are relative to its directory
    check_file: FileCheck | None = None

    def path(self, written: str) -> Path:
        path = Path(written)
        return path if self.base_dir is None or path.is_absolute() else self.base_dir / path


@dataclass(frozen=True, slots=True)  # slots for speed: one is made for every mapping
class Section:
    """One mapping of the config at a key path."""

    data: Mapping[object, object]
    path: str
    ctx: Context

    def at(self, key: str) -> str:
        return paths.child(self.path, key)

    def has(self, key: str) -> bool:
        return key in self.data

    def add(self, key: str | None, message: str) -> None:
        self.ctx.problems.add(self.path if key is None else self.at(key), message)

    def get(self, key: str, convert: Callable[[object], T]) -> T | None:
        """The converted value of an optional key; None when absent or invalid (then reported)."""
        if key not in self.data:
            return None
        try:
            return convert(self.data[key])
        except Invalid as exc:
            self.add(key, exc.message)
            return None

    def need(self, key: str, convert: Callable[[object], T], missing: str = "required") -> T | None:
        if key not in self.data:
            self.add(key, missing)
            return None
        return self.get(key, convert)

    def section(self, key: str, example: str, *, optional: bool = False) -> Section | None:
        """The mapping under `key`; an empty value counts as an empty mapping when optional."""
        value = self.data.get(key)
        if value is None and optional:
            value = {}
        if isinstance(value, Mapping):
            return Section(value, self.at(key), self.ctx)
        self.add(key, f"must be a mapping like {example}; got {describe(value)}")
        return None

    def check_keys(self, allowed: Collection[str], hints: Mapping[str, str] | None = None) -> None:
        """Reports every key that is not allowed, with a fix when one is likely."""
        for key in self.data:
            if isinstance(key, str) and key in allowed:
                continue
            self.ctx.problems.add(paths.child(self.path, key), unknown_key(key, allowed, hints))


def unknown_key(key: object, allowed: Collection[str], hints: Mapping[str, str] | None) -> str:
    if isinstance(key, str):
        if hints and key in hints:
            return f"unknown key; {hints[key]}"
        close = did_you_mean(key, allowed)
        if close is not None:
            return f"unknown key; did you mean {show(close)}?"
    return f"unknown key; expected one of: {one_of(allowed)}"


def as_string(value: object) -> str:
    """A string value; numbers and booleans are not silently turned into text."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        raise Invalid(f'must be a string; got the number {value} (write "{value}" in quotes)')
    raise Invalid(f"must be a string; got {describe(value)}")
