"""The daemon (`zendesk-monitor run`) against the simulator over HTTPS, as separate processes.

N healthy Enterprise tenants (2 requests per check), each on its own host name
(`t00001.zendesk.test`, routed by the simulator's `host_suffix`, sent to loopback by the
daemon's `--resolve`), a certificate from a throwaway CA trusted through `defaults.ca_file`, a
fixed latency on every answer, the daemon and the simulator pinned to different cores.

Steady mode (the default): the daemon runs `--duration` seconds from its scheduler's start.
Once every tenant has a first result (the first round, spread over the interval), the window
opens; it closes at the end of the duration. /metrics is scraped every `--scrape-interval`
seconds in the window (gzipped, OpenMetrics, as Prometheus asks). It reports:

- CPU per request: the daemon's CPU time in the window (/proc/<pid>/stat, all threads: checks,
  scheduler, logging, metrics and the scrapes) over the requests the simulator served in it;
- the scheduler's p99 start delay (its last 10,000 starts), missed and skipped runs;
- the daemon's peak RSS (/proc/<pid>/status VmHWM, read last);
- /metrics after the window: fetch time (the render, as a client sees it) and size, raw and
  gzipped; the categories it shows (all `ok` unless something broke).

Round mode (`--round`): every first check at once (`run --no-spread`), one round; its time
(first check start to last check end, from the daemon's own timestamps in /status) against the
ideal N x requests x latency / concurrency.

    .venv/bin/python -m benchmarks.daemon --tenants 10000 --interval 60 --latency 0.2 --duration 180
    .venv/bin/python -m benchmarks.daemon --round --tenants 10000 --latency 0.2

Loopback only; every process it starts is stopped by PID at the end; bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import ssl
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.daemon_procs import (
    BenchmarkError,
    Child,
    Children,
    available_cpus,
    core_seconds,
    cpu_seconds,
    cpu_times,
    free_port,
    poll_until,
    status_kib,
    wait_for,
)
from benchmarks.daemon_setup import (
    HOST_SUFFIX,
    TOKEN,
    TOKEN_ENV,
    TlsFiles,
    check_timeout,
    tenant_name,
    write_config,
    write_scenario,
    write_tls,
)

# Prometheus 2.x's Accept header, and gzip, as a real scrape asks.
PROMETHEUS_ACCEPT = (
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
)
REQUESTS_PER_CHECK = 2  # healthy Enterprise tenants: users/me and custom_roles
ROUND_INTERVAL = 3600.0  # round mode: long enough that no second round starts
STARTUP_SECONDS = 180.0  # the simulator's and the daemon's start, at most each
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@dataclass(frozen=True, slots=True)
class Options:
    tenants: int = 1000
    interval: float = 60.0
    latency: float = 0.2
    duration: float = 180.0
    concurrency: int = 200
    log_level: str = "info"
    scrape_interval: float = 30.0  # 0: no scrapes in the window
    round: bool = False
    daemon_cpu: int | None = None
    simulator_cpu: int | None = None
    folder: Path | None = None  # keep the config, logs and certificates here
    profile: Path | None = None  # py-spy's collapsed stacks of the daemon in the window


@dataclass(slots=True)
class MetricsFigures:
    fetch_seconds: float  # GET /metrics, plain Prometheus text
    gzip_fetch_seconds: float  # GET /metrics, gzipped OpenMetrics (as Prometheus asks)
    raw_bytes: int
    gzip_bytes: int
    samples: int


@dataclass(slots=True)
class Report:
    mode: str
    tenants: int
    interval_seconds: float
    latency_seconds: float
    concurrency: int
    log_level: str
    cpus: dict[str, int | None]
    startup_seconds: float  # daemon start to its scheduler's start (config load included)
    # Scheduler start to every tenant having a result; None: not within the time allowed
    # (steady: half the duration or 1.5 intervals; round: the duration), the daemon falls behind.
    first_round_seconds: float | None
    tenants_waiting: int  # tenants without a result when the window closed
    window_seconds: float
    requests: int  # served by the simulator in the window
    requests_per_second: float
    expected_requests_per_second: float  # tenants x 2 / interval (steady mode)
    daemon_cpu_seconds: float
    cpu_ms_per_request: float
    daemon_cpu_busy: float  # fraction of one core in the window
    daemon_system_share: float  # of the daemon's CPU, in the kernel
    simulator_cpu_busy: float
    # The daemon's core in the window: busy with anything but the daemon (other jobs on a
    # shared machine), and stolen by the hypervisor; fractions of the window.
    others_on_daemon_core: float
    daemon_core_steal: float
    lag_p99_seconds: float | None
    last_lag_seconds: float
    missed_runs: int
    skipped_runs: int
    peak_rss_mib: float
    metrics: MetricsFigures
    window_scrape_seconds: list[float] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)
    log_lines: int = 0
    log_problem_lines: int = 0  # at warning or worse, or not JSON (a library's own logging)
    log_problems: list[str] = field(default_factory=list)  # the first few of them
    round_seconds: float | None = None  # round mode
    ideal_round_seconds: float | None = None


# ---- the processes ---------------------------------------------------------------------------


def child_environment() -> dict[str, str]:
    """Ours, without proxies (loopback only) and with the fake token."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES}
    env[TOKEN_ENV] = TOKEN
    return env


def simulator_child(options: Options, folder: Path, tls: TlsFiles) -> Child:
    scenario = write_scenario(folder / "scenario.json", options.tenants)
    argv = [
        sys.executable, "-m", "monitor", "simulate",
        "--scenario", str(scenario),
        "--listen", "127.0.0.1:0",
        "--tls-cert", str(tls.cert),
        "--tls-key", str(tls.key),
        "--latency", f"{options.latency:g}",
    ]  # fmt: skip
    return Child(
        "simulator",
        argv,
        log=folder / "simulator.log",
        cpu=options.simulator_cpu,
        env=child_environment(),
    )


def simulator_port(child: Child) -> int | None:
    """The port the simulator printed, once it printed every tenant (it listens then)."""
    child.ensure_alive()
    lines = child.log.read_text(errors="replace").splitlines()
    if not any(line.startswith("_other ") for line in lines):
        return None
    match = re.search(r"://127\.0\.0\.1:(\d+)/", lines[0])
    if match is None:
        raise BenchmarkError(f"the simulator printed no URL: {lines[0]!r}")
    return int(match.group(1))


def daemon_child(options: Options, folder: Path, config: Path, port: int) -> Child:
    argv = [
        sys.executable, "-m", "monitor", "--log-level", options.log_level,
        "run", "-c", str(config),
        "--listen", f"127.0.0.1:{port}",
        "--concurrency", str(options.concurrency),
        "--resolve", f"{HOST_SUFFIX}:127.0.0.1",
        "--shutdown-grace", "2",
        "--state-dir", str(folder / "state"),  # as in production: baselines persist
    ]  # fmt: skip
    if options.round:
        argv.append("--no-spread")
    return Child(
        "daemon", argv, log=folder / "daemon.log", cpu=options.daemon_cpu, env=child_environment()
    )


# ---- asking them -----------------------------------------------------------------------------


def loopback_tls(tls: TlsFiles) -> ssl.SSLContext:
    """Trusts the benchmark's CA; the simulator is reached as 127.0.0.1, not by a tenant name."""
    context = ssl.create_default_context(cafile=str(tls.ca))
    context.check_hostname = False  # loopback; the certificate names *.zendesk.test
    return context


def requests_served(client: httpx.Client, simulator: str) -> int:
    total: int = client.get(f"{simulator}/_simulator/stats").json()["requests_total"]
    return total


def answers(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.TransportError:
        return False


def fetch(client: httpx.Client, url: str, headers: dict[str, str]) -> tuple[float, bytes]:
    """Seconds to the whole answer, and its body as sent (still gzipped when it was)."""
    started = time.perf_counter()
    with client.stream("GET", url, headers=headers) as response:
        response.raise_for_status()
        body = b"".join(response.iter_raw())
    return time.perf_counter() - started, body


def scrape_metrics(client: httpx.Client, daemon: str) -> tuple[MetricsFigures, bytes]:
    """Two scrapes: plain text (its size, its series) and gzipped OpenMetrics (as Prometheus)."""
    plain_seconds, raw = fetch(client, f"{daemon}/metrics", {"Accept-Encoding": "identity"})
    gzip_seconds, packed = fetch(
        client,
        f"{daemon}/metrics",
        {"Accept": PROMETHEUS_ACCEPT, "Accept-Encoding": "gzip"},
    )
    samples = sum(1 for line in raw.splitlines() if line and not line.startswith(b"#"))
    figures = MetricsFigures(plain_seconds, gzip_seconds, len(raw), len(packed), samples)
    return figures, raw


def categories_of(metrics_text: bytes) -> dict[str, int]:
    """Tenants per category of their last result, from `zendesk_credential_status`."""
    found = re.findall(
        rb'^zendesk_credential_status\{[^}]*category="([a-z_]+)"', metrics_text, re.M
    )
    return dict(Counter(name.decode() for name in found))


def scheduler_figures(client: httpx.Client, daemon: str) -> dict[str, Any]:
    """/status's `scheduler` block, and `tenants_waiting` (one tenant's entry: small)."""
    document = client.get(f"{daemon}/status", params={"tenant": tenant_name(0)}).json()
    figures: dict[str, Any] = {**document["scheduler"], "waiting": document["tenants_waiting"]}
    return figures


def round_seconds(client: httpx.Client, daemon: str) -> float:
    """First check start to last check end, from the daemon's own timestamps."""
    tenants = client.get(f"{daemon}/status").json()["tenants"]
    ends = [_unix(t["last_check_at"]) for t in tenants]
    starts = [end - t["duration_seconds"] for end, t in zip(ends, tenants, strict=True)]
    return float(max(ends) - min(starts))


def _unix(rfc3339: str) -> float:
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def log_summary(path: Path) -> tuple[int, int, list[str]]:
    """Lines the daemon logged, how many at warning or worse (or not JSON), the first few."""
    lines, count, problems = 0, 0, list[str]()
    with path.open(errors="replace") as log:
        for line in log:
            lines += 1
            try:
                level = json.loads(line).get("level", "")
            except (ValueError, AttributeError):
                level = "not json"
            if level not in ("debug", "info"):
                count += 1
                if len(problems) < 5:
                    problems.append(line.strip()[:300])
    return lines, count, problems


# ---- the run ---------------------------------------------------------------------------------


def run(options: Options) -> Report:
    """Runs one benchmark; every process it started is stopped when it returns or raises."""
    if options.folder is not None:
        options.folder.mkdir(parents=True, exist_ok=True)
        return _run_in(options, options.folder)
    with tempfile.TemporaryDirectory(prefix="zendesk-monitor-bench-") as folder:
        return _run_in(options, Path(folder))


@dataclass(frozen=True, slots=True)
class Sample:
    """The counters at one moment: the window's figures are differences of two."""

    at: float  # monotonic
    daemon_cpu: float
    daemon_system: float  # of daemon_cpu, in the kernel (syscalls: sockets, epoll, writes)
    simulator_cpu: float
    requests: int  # served by the simulator since it started
    core_busy: float  # the daemon's core, every process on it (0 when the daemon is not pinned)
    core_steal: float


@dataclass(slots=True)
class Running:
    """The two processes, and how to reach them."""

    client: httpx.Client
    simulator: Child
    simulator_url: str
    daemon: Child
    daemon_url: str
    daemon_cpu: int | None

    def sample(self) -> Sample:
        busy, steal = (0.0, 0.0) if self.daemon_cpu is None else core_seconds(self.daemon_cpu)
        user, system = cpu_times(self.daemon.pid)
        return Sample(
            time.monotonic(),
            user + system,
            system,
            cpu_seconds(self.simulator.pid),
            requests_served(self.client, self.simulator_url),
            busy,
            steal,
        )

    def answers(self, path: str) -> bool:
        """The daemon answers 200 at `path`; BenchmarkError once a process has died."""
        self.daemon.ensure_alive()
        self.simulator.ensure_alive()
        return answers(self.client, self.daemon_url + path)


def _run_in(options: Options, folder: Path) -> Report:
    tls = write_tls(folder)
    with (
        Children() as children,
        httpx.Client(verify=loopback_tls(tls), trust_env=False, timeout=60) as client,
    ):
        running = _start(options, folder, tls, children, client)
        launched = time.monotonic()
        # /healthz answers 200 once the scheduler has started (after the config is applied).
        wait_for(
            lambda: running.answers("/healthz"),
            launched + STARTUP_SECONDS,
            "the daemon's scheduler to start",
            every=0.02,  # the round's clock starts here
        )
        started = running.sample()
        end = started.at + options.duration
        # A round's profile covers it from the scheduler's start, for --duration seconds.
        round_profiler = (
            _profiler(options, folder, running.daemon.pid, options.duration)
            if options.round
            else None
        )
        if round_profiler is not None:
            children.start(round_profiler)
        ready = _wait_first_round(running, options, started)
        first_round = time.monotonic() - started.at if ready else None
        scrapes: list[float] = []
        if options.round:
            before = started  # the window is the round itself, from the scheduler's start
            if round_profiler is not None:
                _finish_profile(round_profiler, options, end - time.monotonic() + 30)
        else:
            # When the first round is late the daemon cannot keep up: measure it anyway.
            before = running.sample()
            profiler = _profiler(options, folder, running.daemon.pid, end - before.at)
            if profiler is not None:
                children.start(profiler)
            scrapes = _steady_window(running, end, options)
            if profiler is not None:
                _finish_profile(profiler, options)
        after = running.sample()
        scheduler = scheduler_figures(client, running.daemon_url)
        measured_round = (
            round_seconds(client, running.daemon_url) if options.round and ready else None
        )
        metrics, raw = scrape_metrics(client, running.daemon_url)
        peak_kib = status_kib(running.daemon.pid, "VmHWM")  # last: the scrapes' memory counts
        running.daemon.stop()
        running.simulator.stop()
    return _report(
        options,
        startup=started.at - launched,
        first_round=first_round,
        window=(before, after),
        scheduler=scheduler,
        metrics=metrics,
        metrics_text=raw,
        scrapes=scrapes,
        peak_kib=peak_kib,
        log=running.daemon.log,
        measured_round=measured_round,
    )


def _start(
    options: Options, folder: Path, tls: TlsFiles, children: Children, client: httpx.Client
) -> Running:
    """The simulator, then the daemon's config for its port, then the daemon."""
    simulator = children.start(simulator_child(options, folder, tls))
    sim_port = wait_for(
        lambda: simulator_port(simulator),
        time.monotonic() + STARTUP_SECONDS,
        "the simulator to listen",
    )
    config = write_config(
        folder / "config.yaml",
        count=options.tenants,
        port=sim_port,
        ca_file=tls.ca,
        interval=_interval(options),
    )
    port = free_port()
    daemon = children.start(daemon_child(options, folder, config, port))
    return Running(
        client,
        simulator,
        f"https://127.0.0.1:{sim_port}",
        daemon,
        f"http://127.0.0.1:{port}",
        options.daemon_cpu,
    )


def _wait_first_round(running: Running, options: Options, started: Sample) -> bool:
    """True once every tenant has a result, False when the time allowed has passed.

    /readyz costs the daemon a pass over every tenant while it is not ready (tens of
    milliseconds at 10,000), so it is asked rarely until the simulator has served a round's
    worth of requests (cheap to ask, and another process)."""
    expected = started.requests + options.tenants * REQUESTS_PER_CHECK
    asked = 0.0

    def probe() -> bool:
        nonlocal asked
        running.daemon.ensure_alive()
        served = requests_served(running.client, running.simulator_url)
        now = time.monotonic()
        if now - asked < (1 if served >= expected else 5):
            return False
        asked = now
        return running.answers("/readyz")

    return poll_until(probe, _first_round_deadline(options, started.at), every=0.1)


def _first_round_deadline(options: Options, started: float) -> float:
    """How long the first round may take: round mode, the duration; steady mode, 1.5 intervals
    and a check timeout (the spread and the jitter fit), at most half the duration."""
    if options.round:
        return started + options.duration
    allowed = 1.5 * options.interval + check_timeout(options.interval)
    return started + min(allowed, options.duration / 2)


def _interval(options: Options) -> float:
    return ROUND_INTERVAL if options.round else options.interval


def _report(
    options: Options,
    *,
    startup: float,
    first_round: float | None,
    window: tuple[Sample, Sample],
    scheduler: dict[str, Any],
    metrics: MetricsFigures,
    metrics_text: bytes,
    scrapes: list[float],
    peak_kib: int,
    log: Path,
    measured_round: float | None,
) -> Report:
    before, after = window
    seconds = max(after.at - before.at, 1e-6)  # a tiny round can end before it is sampled
    requests = after.requests - before.requests
    cpu = after.daemon_cpu - before.daemon_cpu
    lines, problem_count, problems = log_summary(log)
    per_check = REQUESTS_PER_CHECK
    return Report(
        mode="round" if options.round else "steady",
        tenants=options.tenants,
        interval_seconds=_interval(options),
        latency_seconds=options.latency,
        concurrency=options.concurrency,
        log_level=options.log_level,
        cpus={"daemon": options.daemon_cpu, "simulator": options.simulator_cpu},
        startup_seconds=startup,
        first_round_seconds=first_round,
        tenants_waiting=scheduler["waiting"],
        window_seconds=seconds,
        requests=requests,
        requests_per_second=requests / seconds,
        expected_requests_per_second=options.tenants * per_check / _interval(options),
        daemon_cpu_seconds=cpu,
        cpu_ms_per_request=1000 * cpu / max(requests, 1),
        daemon_cpu_busy=cpu / seconds,
        daemon_system_share=(after.daemon_system - before.daemon_system) / max(cpu, 1e-9),
        simulator_cpu_busy=(after.simulator_cpu - before.simulator_cpu) / seconds,
        others_on_daemon_core=max(0.0, (after.core_busy - before.core_busy - cpu) / seconds),
        daemon_core_steal=(after.core_steal - before.core_steal) / seconds,
        lag_p99_seconds=scheduler["lag_p99_seconds"],
        last_lag_seconds=scheduler["last_lag_seconds"],
        missed_runs=scheduler["missed_runs_total"],
        skipped_runs=scheduler["skipped_runs_total"],
        peak_rss_mib=peak_kib / 1024,
        metrics=metrics,
        window_scrape_seconds=scrapes,
        categories=categories_of(metrics_text),
        log_lines=lines,
        log_problem_lines=problem_count,
        log_problems=problems,
        round_seconds=measured_round,
        ideal_round_seconds=(
            options.tenants * per_check * options.latency / options.concurrency
            if options.round
            else None
        ),
    )


def _profiler(options: Options, folder: Path, pid: int, seconds: float) -> Child | None:
    """py-spy sampling the daemon through the window (on the simulator's core), if asked."""
    if options.profile is None:
        return None
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    argv = [
        py_spy, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds) - 1)),
        "--rate", "100", "--format", "raw", "--output", str(options.profile), "--nonblocking",
    ]  # fmt: skip
    return Child("profiler", argv, log=folder / "py-spy.log", cpu=options.simulator_cpu)


def _finish_profile(profiler: Child, options: Options, wait: float = 30) -> None:
    deadline = time.monotonic() + wait
    while profiler.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    profiler.stop()
    if options.profile is not None and not options.profile.exists():
        raise BenchmarkError(f"py-spy wrote no profile:\n{profiler.log.read_text()[-2000:]}")


def _steady_window(running: Running, end: float, options: Options) -> list[float]:
    """Waits out the window, scraping /metrics as Prometheus would; the scrapes' times."""
    times: list[float] = []
    every = options.scrape_interval
    next_scrape = time.monotonic() + every / 2
    while (now := time.monotonic()) < end:
        running.daemon.ensure_alive()
        running.simulator.ensure_alive()
        if every > 0 and now >= next_scrape:
            seconds, _ = fetch(
                running.client,
                f"{running.daemon_url}/metrics",
                {"Accept": PROMETHEUS_ACCEPT, "Accept-Encoding": "gzip"},
            )
            times.append(seconds)
            next_scrape += every
            continue
        wake = end if every <= 0 else min(end, next_scrape)
        time.sleep(max(0.0, min(1.0, wake - time.monotonic())))
    return times


# ---- output ----------------------------------------------------------------------------------


def render(report: Report) -> str:
    m = report.metrics
    lines = [
        f"mode: {report.mode}, tenants: {report.tenants}, interval: {report.interval_seconds:g} s, "
        f"latency: {report.latency_seconds:g} s, concurrency: {report.concurrency}, "
        f"log level: {report.log_level}, cpus: {report.cpus}",
        f"daemon start to scheduler start: {report.startup_seconds:.1f} s; "
        f"first round {_first_round(report)}",
        f"window: {report.window_seconds:.1f} s, {report.requests} requests "
        f"({report.requests_per_second:.1f}/s; "
        f"expected {report.expected_requests_per_second:.1f}/s)",
        f"daemon CPU: {report.daemon_cpu_seconds:.2f} s = {report.cpu_ms_per_request:.3f} ms "
        f"per request ({100 * report.daemon_cpu_busy:.0f}% of a core, "
        f"{100 * report.daemon_system_share:.0f}% of it in the kernel); simulator "
        f"{100 * report.simulator_cpu_busy:.0f}% of a core",
        f"the daemon's core: {100 * report.others_on_daemon_core:.0f}% busy with other "
        f"processes, {100 * report.daemon_core_steal:.0f}% stolen by the hypervisor",
        f"scheduler: p99 start delay {_seconds(report.lag_p99_seconds)}, last "
        f"{report.last_lag_seconds:.3f} s, missed runs {report.missed_runs}, "
        f"skipped runs {report.skipped_runs}",
        f"peak RSS (VmHWM): {report.peak_rss_mib:.0f} MiB",
        f"/metrics: plain text {m.fetch_seconds:.2f} s, {m.raw_bytes / 1e6:.2f} MB; gzipped "
        f"OpenMetrics {m.gzip_fetch_seconds:.2f} s, {m.gzip_bytes / 1e6:.2f} MB; "
        f"{m.samples} samples",
    ]
    if report.window_scrape_seconds:
        times = report.window_scrape_seconds
        lines.append(
            f"scrapes in the window: {len(times)}, median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s"
        )
    if report.round_seconds is not None and report.ideal_round_seconds:
        ratio = report.round_seconds / report.ideal_round_seconds
        lines.append(
            f"round: {report.round_seconds:.1f} s; ideal N x 2 x latency / concurrency = "
            f"{report.ideal_round_seconds:.1f} s; ratio {ratio:.2f}"
        )
    lines.append(f"categories: {report.categories}")
    if set(report.categories) != {"ok"}:
        lines.append("WARNING: not every tenant is ok: these are not figures of healthy checks")
    lines.append(
        f"daemon log: {report.log_lines} lines, {report.log_problem_lines} at warning or worse "
        "or not JSON"
    )
    lines.extend(f"  {problem}" for problem in report.log_problems)
    return "\n".join(lines)


def _first_round(report: Report) -> str:
    if report.first_round_seconds is not None:
        return f"done after {report.first_round_seconds:.1f} s"
    if report.tenants_waiting == 0:
        # Every tenant had a result by the end: the round was only later than the time allowed
        # (at most half of --duration), and the window opened before it ended.
        return "not done in the time allowed (at most half of --duration), done by the end"
    return (
        f"NOT done in the time allowed ({report.tenants_waiting} of {report.tenants} tenants "
        "still without a result at the end): the daemon cannot keep up"
    )


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f} s"


def parse_options(argv: list[str] | None = None) -> tuple[Options, Path | None]:
    """The options, and where to write the figures as JSON (if anywhere)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=60.0, help="seconds (steady mode)")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per answer")
    parser.add_argument(
        "--duration",
        type=float,
        default=180.0,
        help="seconds from the scheduler's start; the window follows the first round",
    )
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning"))
    parser.add_argument(
        "--scrape-interval", type=float, default=30.0, help="seconds; 0: no scrapes in the window"
    )
    parser.add_argument(
        "--round", action="store_true", help="one round with --no-spread: the round time"
    )
    parser.add_argument("--daemon-cpu", type=int, help="default: the last CPU we may use")
    parser.add_argument("--simulator-cpu", type=int, help="default: the first CPU we may use")
    parser.add_argument("--folder", type=Path, help="keep config, logs and certificates here")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="sample the daemon in the window (with --round: --duration seconds from the "
        "scheduler's start) with py-spy (pip install py-spy), collapsed stacks",
    )
    args = parser.parse_args(argv)
    cpus = available_cpus()
    options = Options(
        tenants=args.tenants,
        interval=args.interval,
        latency=args.latency,
        duration=args.duration,
        concurrency=args.concurrency,
        log_level=args.log_level,
        scrape_interval=args.scrape_interval,
        round=args.round,
        daemon_cpu=cpus[-1] if args.daemon_cpu is None else args.daemon_cpu,
        simulator_cpu=cpus[0] if args.simulator_cpu is None else args.simulator_cpu,
        folder=args.folder,
        profile=args.profile,
    )
    return options, args.json


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through `Children`, which stops every process


def main(argv: list[str] | None = None) -> int:
    options, json_path = parse_options(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    if options.simulator_cpu is not None:
        # This process scrapes and polls: it shares the simulator's core, not the daemon's.
        os.sched_setaffinity(0, {options.simulator_cpu})
    try:
        report = run(options)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    print(render(report))
    if json_path is not None:
        json_path.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
