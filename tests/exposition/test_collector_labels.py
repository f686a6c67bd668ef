"""The collector keeps each tenant's series from one scrape to the next, for the tenants of the
latest frame only: labels always, samples while the tenant's view is unchanged. It renders the
same bytes as without the cache."""

from __future__ import annotations

from prometheus_client.metrics_core import Metric
from prometheus_client.samples import Sample

from monitor.checks.categories import Category
from monitor.exposition.collector import Frame, TenantSeries, tenant_families
from monitor.exposition.encoding import encode

from .support import TENANTS, populated, result


def labels_of(families: list[Metric]) -> list[object]:
    return [sample.labels for family in families for sample in family.samples]


def samples_of(families: list[Metric], tenant: str) -> list[Sample]:
    return [s for family in families for s in family.samples if s.labels["tenant"] == tenant]


def test_series_are_reused_for_the_tenants_of_the_latest_frame_only() -> None:
    monitor = populated()
    frame = Frame.capture(monitor.store, monitor.status)
    cache: dict[str, TenantSeries] = {}
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


def test_a_tenant_checked_since_the_last_scrape_gets_new_samples() -> None:
    monitor = populated()
    cache: dict[str, TenantSeries] = {}
    before = tenant_families(Frame.capture(monitor.store, monitor.status).tenants, cache)
    monitor.record(result("healthy", Category.AUTH_FAILED, duration=0.5))
    frame = Frame.capture(monitor.store, monitor.status)
    after = tenant_families(frame.tenants, cache)

    # Unchanged tenants: the very same sample objects.
    for name in ("plain", "regressed", "waiting"):
        old, new = samples_of(before, name), samples_of(after, name)
        assert old
        assert all(a is b for a, b in zip(old, new, strict=True))
    # The one checked again: its new values, the same bytes as a render without the cache.
    changed = {(s.name, s.labels.get("category")): s.value for s in samples_of(after, "healthy")}
    assert changed[("zendesk_credential_status", "auth_failed")] == 1.0
    assert changed[("zendesk_credential_last_check_duration_seconds", None)] == 0.5
    assert changed[("zendesk_credential_checks_total", None)] == 2
    assert ("zendesk_credential_status", "ok") not in changed
    assert encode(after, openmetrics=True) == encode(
        tenant_families(frame.tenants), openmetrics=True
    )
