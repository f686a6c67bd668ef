"""Secrets are referenced in config and read only when a check needs them."""

from __future__ import annotations

import hashlib
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

    def fingerprint(self) -> str:
        """A short one-way digest: tells two values apart without showing either."""
        return hashlib.sha256(self._value.encode()).hexdigest()[:16]

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

    def read_token(self) -> Secret:
        """Like `read`, for a value that goes into an HTTP header as it is."""
        secret = self.read()
        require_header_safe(secret, self.describe())
        return secret


def require_header_safe(secret: Secret, where: str) -> None:
    """A token with a line break, a control or a non-ASCII character would make the HTTP
    library fail, and some quote the offending header value in their errors."""
    value = secret.reveal()
    if not value.isascii() or not value.isprintable():
        raise SecretUnavailable(
            f"{where} holds a line break, a control character or a non-ASCII character; "
            "a token has none"
        )
