"""Running the real CLI, in-process or as a subprocess, echoing output for the canary scan."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from monitor.cli import main

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def run_main(*args: str) -> Ran:
    """`zendesk-monitor ARGS` in this process, its output echoed for the canary scan."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    sys.stdout.write(out.getvalue())
    sys.stderr.write(err.getvalue())
    return Ran(code, out.getvalue(), err.getvalue())


def run_process(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Ran:
    """`python -m monitor ARGS` as a subprocess."""
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        check=False,
    )
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return Ran(done.returncode, done.stdout, done.stderr)


def write_config(path: Path, tenants: list[dict[str, Any]], **defaults: Any) -> Path:
    path.write_text(yaml.safe_dump({"defaults": {"timeout": "5s", **defaults}, "tenants": tenants}))
    return path
