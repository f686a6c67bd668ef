"""The daemon's Prometheus metrics: an own registry, the scrape-time collector, one histogram.

Every per-tenant series is built at scrape time from the result store (`collector.py`), so
nothing here outlives a tenant. The only state kept between scrapes is the check-duration
histogram, which has no tenant label. The README's "Metrics" table is the documented interface.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram, disable_created_metrics

from monitor import __version__
from monitor.daemon import gc_policy
from monitor.daemon.status import DaemonStatus
from monitor.daemon.store import ResultStore
from monitor.exposition.collector import DURATION, DURATION_HELP, Frame, FrameCollector, pinned
from monitor.exposition.encoding import OPENMETRICS_TYPE, TEXT_TYPE, encode, wants_openmetrics

__all__ = ["DURATION_BUCKETS", "DaemonMetrics", "Frame"]

# From a loopback simulator (about 10 ms) to a check that runs into a 30 s timeout.
DURATION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0)

# `_created` series double a scrape's size and mean nothing for a daemon's counters.
disable_created_metrics()  # type: ignore[no-untyped-call]


class DaemonMetrics:
    """Owns the registry /metrics renders; never touches prometheus_client's global one."""

    def __init__(
        self, store: ResultStore, status: DaemonStatus, *, version: str = __version__
    ) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # in case it was re-enabled
        self._store = store
        self._status = status
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(FrameCollector(store, status, version))
        self._duration = Histogram(
            DURATION,
            DURATION_HELP,
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )

    def observe_check_duration(self, seconds: float) -> None:
        self._duration.observe(seconds)

    def capture(self) -> Frame:
        """The store and status now; call it on the event loop, render it anywhere."""
        return Frame.capture(self._store, self._status)

    def render(
        self, accept_header: str | None = None, *, frame: Frame | None = None
    ) -> tuple[bytes, str]:
        """The exposition the `Accept` header asks for, and its content type: OpenMetrics when
        preferred (as Prometheus does), else the Prometheus text format. Without `frame`, reads
        the store and status now."""
        openmetrics = wants_openmetrics(accept_header)
        content_type = OPENMETRICS_TYPE if openmetrics else TEXT_TYPE
        with gc_policy.paused():  # every sample lives until the end: nothing to collect
            if frame is None:
                return encode(self.registry.collect(), openmetrics=openmetrics), content_type
            with pinned(frame):
                return encode(self.registry.collect(), openmetrics=openmetrics), content_type
