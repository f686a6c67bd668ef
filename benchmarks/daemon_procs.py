"""Processes for the daemon benchmark: start them pinned to a core, read their CPU time and peak
memory from /proc, stop them by PID (SIGTERM, then SIGKILL), whatever happens.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self, TypeVar

T = TypeVar("T")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchmarkError(RuntimeError):
    """The benchmark cannot go on (a process died, a deadline passed); says why."""


def cpu_times(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of `pid` and all its threads, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return utime / CLOCK_TICKS, stime / CLOCK_TICKS


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of `pid` and all its threads."""
    return sum(cpu_times(pid))


def core_seconds(cpu: int) -> tuple[float, float]:
    """Busy and stolen seconds of one CPU since boot, from /proc/stat: how much else ran on the
    daemon's core (other jobs on a shared machine), and what the hypervisor took."""
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name == f"cpu{cpu}":
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, values[:8])
            busy = user + nice + system + irq + softirq
            return busy / CLOCK_TICKS, steal / CLOCK_TICKS
    raise BenchmarkError(f"/proc/stat has no cpu{cpu}")


def status_kib(pid: int, key: str) -> int:
    """A memory figure of /proc/<pid>/status in KiB (`VmHWM`: peak resident set size)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0])
    raise BenchmarkError(f"/proc/{pid}/status has no {key}")


def available_cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def free_port() -> int:
    """A loopback port free right now (the daemon's --listen; nothing else takes it here)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def poll_until(probe: Callable[[], bool], deadline: float, every: float = 0.25) -> bool:
    """Polls `probe` every `every` seconds until it answers True (True) or `deadline`
    (monotonic) passes (False)."""
    while not probe():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


def wait_for(probe: Callable[[], T | None], deadline: float, what: str, every: float = 0.25) -> T:
    """Polls `probe` every `every` seconds until it answers something truthy; raises
    BenchmarkError once `deadline` (monotonic) passes."""
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise BenchmarkError(f"timed out waiting for {what}")
        time.sleep(every)


class Child:
    """One process of the benchmark, pinned to `cpu` (None: not pinned), output to `log`."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log: Path,
        cpu: int | None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.log = log
        self._argv = list(argv)
        self._cpu = cpu
        self._env = dict(os.environ if env is None else env)
        self._process: subprocess.Popen[bytes] | None = None
        self._output: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise BenchmarkError(f"the {self.name} is not running")
        return self._process.pid

    def start(self) -> Self:
        argv = self._argv
        taskset = shutil.which("taskset")
        if self._cpu is not None and taskset is not None:
            # Pinned from the first instruction, every thread it starts included.
            argv = [taskset, "--cpu-list", str(self._cpu), *argv]
        self._output = self.log.open("wb")
        self._process = subprocess.Popen(
            argv, stdout=self._output, stderr=subprocess.STDOUT, env=self._env
        )
        if self._cpu is not None and taskset is None:
            os.sched_setaffinity(self._process.pid, {self._cpu})
        return self

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def ensure_alive(self) -> None:
        if not self.alive():
            code = None if self._process is None else self._process.returncode
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise BenchmarkError(f"the {self.name} exited (code {code}):\n{tail}")

    def stop(self, grace: float = 15.0) -> int | None:
        """SIGTERM to this PID, SIGKILL after `grace` seconds; its exit code."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._output is not None:
            self._output.close()
            self._output = None
        return None if process is None else process.returncode


class Children:
    """`with Children() as children:` stops every child it started, last first, on exit."""

    def __init__(self) -> None:
        self._started: list[Child] = []

    def start(self, child: Child) -> Child:
        self._started.append(child)
        return child.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        while self._started:
            self._started.pop().stop()
