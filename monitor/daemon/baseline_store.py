"""Where baselines live: one JSON file per tenant under `<state_dir>/baselines/`, or memory.

A file is written atomically (a temporary file in the same directory, fsync, `os.replace`, then
fsync of the directory), so a crash leaves the old baseline or the new one, never half of one.
A file that cannot be read is a `BaselineProblem` naming it, never fatal: the tenant keeps the
baseline it had in memory, or has none, and the next save moves the bad file aside to
`<tenant>.json.corrupt` rather than destroy it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.checks.interning import interned
from monitor.daemon.baseline_facts import Facts

FORMAT_VERSION = 1
SUBDIRECTORY = "baselines"
TENANT_NAME = re.compile(r"[a-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class BaselineProblem:
    """A baseline file that cannot be used."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class BaselineError(Exception):
    """A baseline file could not be read or written; the message names the file."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.problem = BaselineProblem(path, message)


class BaselineStore:
    """Baselines by tenant name. `state_dir` None keeps them in memory only (`persistent` is
    False): they are gone at exit, and the first healthy check after a start makes new ones."""

    def __init__(
        self, state_dir: Path | str | None, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.state_dir = None if state_dir is None else Path(state_dir)
        self._directory = None if self.state_dir is None else self.state_dir / SUBDIRECTORY
        self._clock = clock
        self._baselines: dict[str, dict[str, Any]] = {}
        self._problems: dict[str, BaselineProblem] = {}  # tenant (or file name) -> problem
        self.reload()

    @property
    def persistent(self) -> bool:
        return self._directory is not None

    @property
    def directory(self) -> Path | None:
        return self._directory

    @property
    def problems(self) -> list[BaselineProblem]:
        """The files the last reload could not use (a later save of a tenant clears its own)."""
        return list(self._problems.values())

    def path(self, tenant: str) -> Path | None:
        _check_name(tenant)
        return None if self._directory is None else self._directory / f"{tenant}.json"

    def get(self, tenant: str) -> Facts | None:
        """The tenant's baseline, the same object until it is replaced or re-read (the judge
        relies on that to skip comparing unchanged facts); never mutate it."""
        _check_name(tenant)
        return self._baselines.get(tenant)

    def names(self) -> list[str]:
        return sorted(self._baselines)

    def set(self, tenant: str, facts: Facts) -> None:
        """Saves (or replaces) the tenant's baseline; raises BaselineError when the file cannot
        be written, and then keeps the baseline it had."""
        plain = _plain(tenant, facts)
        if self._directory is not None:
            self._write(self._directory, tenant, plain)
        self._keep(tenant, plain)

    async def save(self, tenant: str, facts: Facts) -> None:
        """`set` for the event loop: the file is written and synced in a worker thread, as an
        fsync on a network volume can take tens of milliseconds, which the loop must not wait."""
        plain = _plain(tenant, facts)
        if self._directory is not None:
            await asyncio.to_thread(self._write, self._directory, tenant, plain)
        self._keep(tenant, plain)

    def _keep(self, tenant: str, plain: dict[str, Any]) -> None:
        self._baselines[tenant] = plain
        self._problems.pop(tenant, None)

    def delete(self, tenant: str) -> bool:
        """Forgets the tenant's baseline; True when there was one."""
        path = self.path(tenant)
        existed = self._baselines.pop(tenant, None) is not None
        if path is not None:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise BaselineError(path, f"cannot be removed: {_reason(exc)}") from None
            else:
                existed = True
        return existed

    def reload(self) -> list[BaselineProblem]:
        """Re-reads every baseline file (the daemon does on a config reload; a baseline accepted
        by `zendesk-monitor baseline accept` takes effect then). Returns the problems; a tenant
        whose file is unreadable keeps the baseline it had. In memory, nothing to re-read."""
        if self._directory is None:
            return []
        loaded: dict[str, dict[str, Any]] = {}
        problems: dict[str, BaselineProblem] = {}
        for path in _files(self._directory, problems):
            tenant = path.name.removesuffix(".json")
            if not TENANT_NAME.fullmatch(tenant):
                problem = BaselineProblem(path, "ignored: the name is not a tenant name")
                problems[path.name] = problem
                continue
            try:
                loaded[tenant] = _read(path, tenant)
            except BaselineError as exc:
                problems[tenant] = exc.problem
                if tenant in self._baselines:
                    loaded[tenant] = self._baselines[tenant]
        self._baselines, self._problems = loaded, problems
        return list(problems.values())

    def _write(self, directory: Path, tenant: str, facts: dict[str, Any]) -> None:
        path = directory / f"{tenant}.json"
        document = {
            "version": FORMAT_VERSION,
            "tenant": tenant,
            "saved_at": datetime.fromtimestamp(self._clock(), UTC).isoformat(),
            "facts": facts,
        }
        text = json.dumps(document, indent=2, sort_keys=True) + "\n"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if tenant in self._problems and path.exists():
                os.replace(path, path.with_name(f"{tenant}.json.corrupt"))
            descriptor, temporary = tempfile.mkstemp(
                dir=directory, prefix=f".{tenant}.", suffix=".tmp"
            )
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                    stream.write(text)
                    stream.flush()
                    os.fsync(stream.fileno())
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            raise BaselineError(path, f"cannot be written: {_reason(exc)}") from None
        _sync_directory(directory)


def _files(directory: Path, problems: dict[str, BaselineProblem]) -> list[Path]:
    try:
        with os.scandir(directory) as entries:
            names = [e.name for e in entries if e.name.endswith(".json") and e.is_file()]
    except FileNotFoundError:
        return []  # nothing saved yet
    except OSError as exc:
        problems[""] = BaselineProblem(directory, f"cannot be listed: {_reason(exc)}")
        return []
    return [directory / name for name in sorted(names)]


def _read(path: Path, tenant: str) -> dict[str, Any]:
    try:
        document = json.loads(path.read_bytes())
    except OSError as exc:
        raise BaselineError(path, f"cannot be read: {_reason(exc)}") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise BaselineError(path, f"is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("facts"), dict):
        raise BaselineError(path, 'is not a baseline: no "facts" object')
    if document.get("version") != FORMAT_VERSION:
        raise BaselineError(path, f"has version {document.get('version')!r}, not {FORMAT_VERSION}")
    if document.get("tenant") != tenant:
        raise BaselineError(path, f"is the baseline of {document.get('tenant')!r}, not {tenant!r}")
    facts: dict[str, Any] = interned(document["facts"])
    return facts


def _sync_directory(directory: Path) -> None:
    """Makes the rename durable; some file systems cannot open a directory, which is fine."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _plain(tenant: str, facts: Facts) -> dict[str, Any]:
    _check_name(tenant)
    plain: dict[str, Any] = interned(json.loads(json.dumps(dict(facts))))  # as read back
    return plain


def _check_name(tenant: str) -> None:
    if not TENANT_NAME.fullmatch(tenant):
        raise ValueError(f"{tenant!r} is not a tenant name ([a-z0-9_-]+)")


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


__all__ = ["BaselineError", "BaselineProblem", "BaselineStore"]
