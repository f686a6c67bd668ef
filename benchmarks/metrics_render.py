"""How long /metrics takes to render over N tenants, and how big it is (raw and gzipped).

Fills a real `ResultStore` with a few checks per tenant in realistic proportions (mostly ok, some
credential failures, some rate limits and outages, a few never checked; Enterprise and
non-Enterprise permission sets; rate-limit headers), then renders it several times the way
/metrics does (capture a frame, render it), as Prometheus text and as OpenMetrics, and gzips
the text. Before each render a fraction of the tenants is checked again (`--rechecked`, half by
default: a 30 s scrape of tenants checked every 60 s), as the collector reuses what it built for
the others. Figures depend on the machine: run it on an idle one.

    .venv/bin/python -m benchmarks.metrics_render --tenants 10000
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections.abc import Callable
from statistics import median

from monitor.checks.categories import Category
from monitor.checks.result import CheckResult, Permission, RateLimit
from monitor.daemon.status import DaemonStatus
from monitor.daemon.store import ResultStore
from monitor.exposition.compression import GZIP_LEVEL, gzip_bytes
from monitor.exposition.metrics import DaemonMetrics

WORDS = (
    "acme", "globex", "initech", "umbrella", "hooli", "stark-industries", "wayne-enterprises",
    "soylent", "cyberdyne", "tyrell", "wonka", "massive-dynamic", "aperture", "vandelay",
)  # fmt: skip

# Category weights of one check: mostly ok, as in production.
WEIGHTS = {
    Category.OK: 86,
    Category.AUTH_FAILED: 3,
    Category.PERMISSION_REGRESSION: 2,
    Category.USER_SUSPENDED: 1,
    Category.USER_DOWNGRADED: 1,
    Category.SUBDOMAIN_NOT_FOUND: 1,
    Category.RATE_LIMITED: 3,
    Category.ZENDESK_UNAVAILABLE: 1,
    Category.NETWORK_ERROR: 1,
    Category.TIMEOUT: 1,
}
CHECKS_PER_TENANT = 4
NEVER_CHECKED = 0.01
PLAN_VISIBLE = (Permission.TICKET_ACCESS, Permission.PUBLIC_COMMENTS)  # non-Enterprise plans


def tenant_names(count: int) -> list[str]:
    return [f"{WORDS[i % len(WORDS)]}-{i:05d}" for i in range(count)]


def result(rng: random.Random, tenant: str, category: Category, enterprise: bool) -> CheckResult:
    permissions: dict[Permission, bool | None] = dict.fromkeys(Permission)
    if category in (Category.OK, Category.PERMISSION_REGRESSION):
        for permission in Permission if enterprise else PLAN_VISIBLE:
            permissions[permission] = True
        if category is Category.PERMISSION_REGRESSION:
            permissions[Permission.TICKET_EDITING] = False
    limit = 700 if enterprise else 400
    return CheckResult(
        tenant=tenant,
        category=category,
        detail=f"{category.value} for {tenant}",
        hint=category.action,
        permissions=tuple(permissions.items()),
        request_id=f"{rng.getrandbits(64):016x}",
        duration_seconds=rng.lognormvariate(-2.5, 0.6),
        request_count=2,
        retry_after_seconds=30.0 if category is Category.RATE_LIMITED else None,
        rate_limit=RateLimit(limit, rng.randrange(limit)) if rng.random() < 0.9 else RateLimit(),
    )


def filled(count: int, seed: int = 1) -> tuple[ResultStore, DaemonStatus, DaemonMetrics]:
    rng = random.Random(seed)
    clock = itertools.count(1_780_000_000)
    store = ResultStore(clock=lambda: float(next(clock)) + 0.123)
    status = DaemonStatus(config_reload_success_at=1_780_000_000.5)
    metrics = DaemonMetrics(store, status)
    names = tenant_names(count)
    store.configure({name: rng.choice((60.0, 300.0)) for name in names})
    categories, weights = list(WEIGHTS), list(WEIGHTS.values())
    for name in names:
        if rng.random() < NEVER_CHECKED:
            continue
        enterprise = rng.random() < 0.4
        for category in rng.choices(categories, weights, k=CHECKS_PER_TENANT):
            checked = result(rng, name, category, enterprise)
            store.record(checked)
            metrics.observe_check_duration(checked.duration_seconds)
    return store, status, metrics


def rechecker(store: ResultStore, fraction: float, seed: int = 2) -> Callable[[], None]:
    """Records a new ok result for `fraction` of the tenants, chosen at random each call: the
    tenants checked between two scrapes (half of them at a 30 s scrape and a 60 s interval)."""
    rng = random.Random(seed)
    names = store.names

    def recheck() -> None:
        for name in rng.sample(names, round(len(names) * fraction)):
            store.record(result(rng, name, Category.OK, enterprise=rng.random() < 0.4))

    return recheck


def timed(
    metrics: DaemonMetrics, accept: str | None, runs: int, recheck: Callable[[], None]
) -> tuple[list[float], bytes]:
    """Render times of `runs` scrapes (capture and render, as /metrics does), each after
    `recheck` (not timed), and the last body."""
    times, body = [], b""
    for _ in range(runs):
        recheck()
        started = time.perf_counter()
        body, _content_type = metrics.render(accept, frame=metrics.capture())
        times.append(time.perf_counter() - started)
    return times, body


def figures(times: list[float]) -> str:
    return f"best {min(times):.3f} s, median {median(times):.3f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--rechecked",
        type=float,
        default=0.5,
        help="fraction of the tenants checked again before each render (default 0.5)",
    )
    args = parser.parse_args()
    store, _, metrics = filled(args.tenants)
    recheck = rechecker(store, args.rechecked)
    text_times, body = timed(metrics, None, args.runs, recheck)
    openmetrics_times, _ = timed(metrics, "application/openmetrics-text", args.runs, recheck)
    gzip_times, packed = [], b""
    for _ in range(args.runs):
        started = time.perf_counter()
        packed = gzip_bytes(body)
        gzip_times.append(time.perf_counter() - started)
    samples = sum(1 for line in body.splitlines() if not line.startswith(b"#"))
    print(
        f"tenants:            {args.tenants} ({samples} samples; {args.runs} runs each, "
        f"{args.rechecked:.0%} of the tenants checked again before each)"
    )
    print(f"render, text:       {figures(text_times)}")
    print(f"render, OpenMetrics: {figures(openmetrics_times)}")
    print(f"gzip (level {GZIP_LEVEL}):     {figures(gzip_times)}")
    print(f"raw size:           {len(body) / 1e6:.2f} MB ({len(body)} bytes)")
    print(f"gzipped size:       {len(packed) / 1e6:.2f} MB ({len(packed)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
