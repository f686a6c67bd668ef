"""Secrets are referenced in config and read only when a check needs them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn


class Secret:
    """A value that prints as `<secret>` everywhere: repr, str, format, pickling."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "<secret>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is not serialisable")


class SecretUnavailable(Exception):  # reads as the condition it reports, hence no Error suffix
    """The referenced secret could not be read; the message names the place, never a value."""


@dataclass(frozen=True, slots=True)
class SecretRef:
    """Where a secret lives: exactly one of an environment variable or a file."""

    env: str | None = None
    file: Path | None = None

    def describe(self) -> str:
        if self.env is not None:
            return f"environment variable {self.env}"
        return f"file {self.file}"

    def read(self) -> Secret:
        """Reads the secret now, so that a rotated value is picked up without a restart."""
        if self.env is not None:
            value = os.environ.get(self.env)
            if value is None:
                raise SecretUnavailable(f"environment variable {self.env} is not set")
        elif self.file is None:
            raise SecretUnavailable("no environment variable or file is configured")
        else:
            try:
                value = self.file.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise SecretUnavailable(f"file {self.file} does not exist") from None
            except PermissionError:
                raise SecretUnavailable(
                    f"file {self.file} is not readable (permission denied)"
                ) from None
            except (OSError, UnicodeDecodeError) as exc:
                # The exception text may quote bytes of the file: keep only its class.
                raise SecretUnavailable(
                    f"file {self.file} could not be read ({type(exc).__name__})"
                ) from None
        value = value.strip()
        if not value:
            raise SecretUnavailable(f"{self.describe()} is empty")
        return Secret(value)
