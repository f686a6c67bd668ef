"""The fast encoder writes what prometheus_client's own encoders write, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, Summary
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.openmetrics import exposition as openmetrics
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample

from monitor.checks.categories import Category
from monitor.exposition.compression import accepts_gzip
from monitor.exposition.encoding import RenderedLabels, encode, wants_openmetrics

from .support import populated, result, samples

ODD = 'a "quoted"\\back\nslash'


class _Fixed(Collector):
    def __init__(self, *families: Metric) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        yield from self._families


def both(registry: CollectorRegistry) -> None:
    assert encode(registry.collect(), openmetrics=False) == generate_latest(registry)
    reference = openmetrics.generate_latest(registry)  # type: ignore[no-untyped-call]
    assert encode(registry.collect(), openmetrics=True) == reference


def test_the_daemon_registry_encodes_as_prometheus_client_does() -> None:
    monitor = populated()
    monitor.status.scheduler_lag_seconds = 1e-7  # Go's exponent notation
    monitor.record(result("waiting", Category.CONFIG_INVALID, duration=12345678.5))
    both(monitor.metrics.registry)


def test_escapes_and_label_orders_encode_as_prometheus_client_does() -> None:
    tenant = RenderedLabels({"tenant": ODD})
    family = Metric("odd", 'help with "quotes", a \\ and a\nnewline', "gauge")
    family.samples.extend(
        [
            Sample("odd", tenant, 1.0),
            Sample("odd", tenant.plus("a_first", ODD), 2.0),  # sorts before
            Sample("odd", tenant.plus("zz_last", "x"), 3.0),  # after
            Sample("odd", tenant.plus("other", "y").plus("region", "z"), 4.0),  # in between
            Sample("odd", {"b": ODD, "a": "1"}, float("inf")),
            Sample("odd", RenderedLabels({}).plus("only", "v"), float("-inf")),
            Sample("odd", {}, float("nan")),
        ]
    )
    registry = CollectorRegistry()
    registry.register(_Fixed(family))
    Counter("requests", "A counter.", ["code"], registry=registry).labels("200").inc(3)
    Gauge("temperature", "A gauge.", unit="celsius", registry=registry).set(-1.5)
    Histogram("latency_seconds", "A histogram.", registry=registry).observe(0.3)
    both(registry)


def test_rendered_labels_are_plain_label_dicts() -> None:
    labels = RenderedLabels({"tenant": "acme"}).plus("category", "ok")
    assert labels == {"tenant": "acme", "category": "ok"}
    assert labels.text == 'category="ok",tenant="acme"'


@pytest.mark.parametrize("kind", ["summary", "info"])
def test_refuses_what_it_cannot_encode(kind: str) -> None:
    registry = CollectorRegistry()
    if kind == "summary":
        Summary("s", "A summary.", registry=registry).observe(1.0)
    else:
        Info("i", "An info.", registry=registry).info({"a": "b"})
    with pytest.raises(ValueError, match="cannot encode"):
        encode(registry.collect(), openmetrics=False)


def test_refuses_timestamps_and_bad_label_names() -> None:
    stamped = GaugeMetricFamily("g", "A gauge.", labels=["a"])
    stamped.add_metric(["x"], 1.0, timestamp=5.0)
    with pytest.raises(ValueError, match="timestamp"):
        encode([stamped], openmetrics=False)
    with pytest.raises(ValueError, match="label name"):
        RenderedLabels({"bad-name": "x"})


def test_collect_without_a_pinned_frame_reads_the_store_now() -> None:
    monitor = populated()
    frame = monitor.metrics.capture()
    monitor.store.configure({})
    pinned, _ = monitor.metrics.render(frame=frame)
    now, _ = monitor.metrics.render()
    assert 'tenant="healthy"' in pinned.decode()
    assert 'tenant="healthy"' not in now.decode()
    assert samples(now.decode())["zendesk_monitor_tenants"] == {frozenset(): 0.0}


@pytest.mark.parametrize(
    ("accept", "openmetrics_wanted"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("text/plain; version=0.0.4", False),
        ("application/openmetrics-text", True),
        ("application/openmetrics-text; version=1.0.0; charset=utf-8", True),
        ("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.2", True),
        ("text/plain;q=1, application/openmetrics-text;q=0.5", False),
        ("application/openmetrics-text;q=0", False),
        ("application/openmetrics-text;q=oops", False),
        ("application/json", False),
    ],
)
def test_format_negotiation(accept: str | None, openmetrics_wanted: bool) -> None:
    assert wants_openmetrics(accept) is openmetrics_wanted


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        (None, False),
        ("", False),
        ("identity", False),
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("deflate, GZIP;q=0.5", True),
        ("gzip;q=0", False),
        ("*", True),
        ("gzip;q=0, *", False),
        ("gzip;q=nope", False),
        ("x-gzip", True),
    ],
)
def test_gzip_negotiation(accept_encoding: str | None, gzipped: bool) -> None:
    assert accepts_gzip(accept_encoding) is gzipped
