"""The collector keeps each tenant's rendered labels from one scrape to the next, for the
tenants of the latest frame only, and renders the same bytes as without them."""

from __future__ import annotations

from prometheus_client.metrics_core import Metric

from monitor.exposition.collector import Frame, TenantLabels, tenant_families
from monitor.exposition.encoding import encode

from .support import TENANTS, populated


def labels_of(families: list[Metric]) -> list[object]:
    return [sample.labels for family in families for sample in family.samples]


def test_labels_are_reused_for_the_tenants_of_the_latest_frame_only() -> None:
    monitor = populated()
    frame = Frame.capture(monitor.store, monitor.status)
    cache: dict[str, TenantLabels] = {}
    first = tenant_families(frame.tenants, cache)
    assert set(cache) == set(TENANTS)
    again = tenant_families(frame.tenants, cache)
    assert all(a is b for a, b in zip(labels_of(first), labels_of(again), strict=True))
    uncached = tenant_families(frame.tenants)
    for openmetrics in (False, True):
        expected = encode(uncached, openmetrics=openmetrics)
        assert encode(first, openmetrics=openmetrics) == expected
        assert encode(again, openmetrics=openmetrics) == expected
    tenant_families([view for view in frame.tenants if view.name != "broken"], cache)
    assert set(cache) == set(TENANTS) - {"broken"}  # removed from the config: gone
