"""The real daemon as a subprocess: its JSON log lines collected, its port read from them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
import yaml

from tests.cli.run import ROOT

T = TypeVar("T")
DEADLINE_SECONDS = 20.0


def eventually(
    probe: Callable[[], T | None], timeout: float = DEADLINE_SECONDS, what: str = ""
) -> T:
    """Polls `probe` until it returns something truthy; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or probe}")
        time.sleep(0.05)


class Daemon:
    """`python -m monitor run ARGS` with `--listen 127.0.0.1:0`; stop() sends SIGTERM."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = ["run", "--listen", "127.0.0.1:0", *args]
        self.env = {**os.environ, **(env or {})}
        self.events: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self.stderr = ""
        self.returncode: int | None = None
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def start(self, wait_listening: bool = True) -> Self:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "monitor", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            cwd=ROOT,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if wait_listening:
            eventually(
                lambda: self.event("listening") or self._exited(), what="the daemon to listen"
            )
            if self.event("listening") is None:
                raise AssertionError(f"the daemon exited: {self.wait()} {self.stderr}")
        return self

    def _exited(self) -> bool:
        return self._process is not None and self._process.poll() is not None

    def _read(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.raw.append(line)
            try:
                self.events.append(json.loads(line))
            except ValueError:
                self.events.append({"event": "<not json>", "line": line})

    def event(self, name: str, **fields: Any) -> dict[str, Any] | None:
        return next(
            (
                e
                for e in list(self.events)
                if e.get("event") == name and all(e.get(k) == v for k, v in fields.items())
            ),
            None,
        )

    def all(self, name: str, **fields: Any) -> list[dict[str, Any]]:
        return [
            e
            for e in list(self.events)
            if e.get("event") == name and all(e.get(k) == v for k, v in fields.items())
        ]

    @property
    def url(self) -> str:
        listening = self.event("listening")
        assert listening is not None
        return f"http://{listening['address']}"

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url + path, timeout=5)

    def signal(self, signum: int) -> None:
        assert self._process is not None
        self._process.send_signal(signum)

    def wait(self, timeout: float = DEADLINE_SECONDS) -> int:
        assert self._process is not None
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)  # stdout belongs to the reader thread
        assert self._process.stderr is not None
        self.stderr = self._process.stderr.read()
        self._process.stderr.close()
        assert self._process.stdout is not None
        self._process.stdout.close()
        self.returncode = self._process.returncode
        # Echoed so the session's canary scan sees everything the daemon wrote.
        sys.stdout.write("".join(self.raw))
        sys.stderr.write(self.stderr)
        return self.returncode

    def stop(self) -> int:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        return self.wait()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def metric_samples(text: str) -> dict[str, float]:
    """`name{labels}` -> value, from the Prometheus text format."""
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples


def write_yaml(path: Path, data: Any) -> Path:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(data, sort_keys=False))
    tmp.replace(path)
    return path
