"""/metrics over a real loopback port: every series, per case, as a scraper sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from monitor.checks.categories import Category
from monitor.checks.result import Permission
from monitor.exposition.metrics import DURATION_BUCKETS

from .support import (
    PLAN_VISIBLE,
    START,
    TENANTS,
    VERSION,
    Monitor,
    Served,
    populated,
    promtool_check,
    result,
    samples,
    series,
    serve,
    tenant_labels,
)

CHECKED = set(TENANTS) - {"waiting"}


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    async with serve(populated()) as running:
        yield running


async def test_healthy_is_the_last_verdict_and_absent_before_one(served: Served) -> None:
    healthy = series(await served.scrape(), "zendesk_credential_healthy")
    # broken: 0; limited keeps the ok verdict through a 429; no verdict yet: absent.
    assert healthy == {
        "healthy": 1.0,
        "broken": 0.0,
        "regressed": 0.0,
        "limited": 1.0,
        "plain": 1.0,
    }


async def test_status_has_exactly_one_series_per_checked_tenant(served: Served) -> None:
    status = tenant_labels(await served.scrape(), "zendesk_credential_status", "category")
    assert status == {
        ("healthy", "ok"): 1.0,
        ("broken", "auth_failed"): 1.0,
        ("regressed", "permission_regression"): 1.0,
        ("limited", "rate_limited"): 1.0,
        ("limited-first", "rate_limited"): 1.0,
        ("plain", "ok"): 1.0,
    }


async def test_counters(served: Served) -> None:
    text = await served.scrape()
    assert series(text, "zendesk_credential_checks_total") == {
        "healthy": 1.0,
        "broken": 2.0,
        "regressed": 1.0,
        "limited": 2.0,
        "limited-first": 1.0,
        "plain": 1.0,
        "waiting": 0.0,
    }
    failures = tenant_labels(text, "zendesk_credential_check_failures_total", "category")
    assert failures == {
        ("broken", "auth_failed"): 1.0,
        ("regressed", "permission_regression"): 1.0,
        ("limited", "rate_limited"): 1.0,
        ("limited-first", "rate_limited"): 1.0,
    }
    assert series(text, "zendesk_credential_consecutive_failures") == {
        "healthy": 0.0,
        "broken": 1.0,
        "regressed": 1.0,
        "limited": 1.0,
        "limited-first": 1.0,
        "plain": 0.0,
        "waiting": 0.0,
    }


async def test_failure_counters_keep_every_category_seen(served: Served) -> None:
    monitor = served.monitor
    monitor.record(result("broken", Category.NETWORK_ERROR))
    monitor.record(result("broken", Category.AUTH_FAILED))
    failures = tenant_labels(
        await served.scrape(), "zendesk_credential_check_failures_total", "category"
    )
    assert {k: v for k, v in failures.items() if k[0] == "broken"} == {
        ("broken", "auth_failed"): 2.0,
        ("broken", "network_error"): 1.0,
    }


async def test_times_durations_and_intervals(served: Served) -> None:
    text = await served.scrape()
    # Checks were recorded one second apart, in the order of `populated`.
    assert series(text, "zendesk_credential_last_check_timestamp_seconds") == {
        "healthy": START,
        "broken": START + 2,
        "regressed": START + 3,
        "limited": START + 5,
        "limited-first": START + 6,
        "plain": START + 7,
    }
    assert series(text, "zendesk_credential_last_success_timestamp_seconds") == {
        "healthy": START,
        "broken": START + 1,
        "limited": START + 4,
        "plain": START + 7,
    }
    last = series(text, "zendesk_credential_last_check_duration_seconds")
    assert last == dict.fromkeys(CHECKED, 0.25) | {"healthy": 0.125, "broken": 0.05}
    assert series(text, "zendesk_credential_check_interval_seconds") == TENANTS


async def test_duration_histogram_has_no_tenant_label(served: Served) -> None:
    found = samples(await served.scrape())
    buckets = found["zendesk_credential_check_duration_seconds_bucket"]
    assert {dict(labels)["le"] for labels in buckets} == {
        *(str(float(bound)) for bound in DURATION_BUCKETS),
        "+Inf",
    }
    assert buckets[frozenset({("le", "0.05")})] == 1  # the 0.05 s auth_failed
    assert buckets[frozenset({("le", "0.25")})] == 8
    assert found["zendesk_credential_check_duration_seconds_count"] == {frozenset(): 8.0}
    assert found["zendesk_credential_check_duration_seconds_sum"] == {
        frozenset(): pytest.approx(0.125 + 0.05 + 6 * 0.25)
    }
    assert all({name for name, _ in labels} == {"le"} for labels in buckets)


async def test_permissions_are_absent_when_unknown(served: Served) -> None:
    granted = tenant_labels(
        await served.scrape(), "zendesk_credential_permission_granted", "permission"
    )
    every = {p.value for p in Permission}
    by_tenant: dict[str, dict[str, float]] = {}
    for (tenant, permission), value in granted.items():
        by_tenant.setdefault(tenant, {})[permission] = value
    assert by_tenant["healthy"] == dict.fromkeys(every, 1.0)
    assert by_tenant["regressed"] == dict.fromkeys(every, 1.0) | {"ticket_editing": 0.0}
    assert by_tenant["plain"] == {p.value: 1.0 for p in PLAN_VISIBLE}
    # A 429 says nothing of permissions: the last known ones stay.
    assert by_tenant["limited"] == dict.fromkeys(every, 1.0)
    assert set(by_tenant) == {"healthy", "regressed", "plain", "limited", "broken"}


async def test_rate_limits_are_absent_when_unknown(served: Served) -> None:
    text = await served.scrape()
    assert series(text, "zendesk_api_rate_limit") == {"healthy": 700.0, "limited": 700.0}
    assert series(text, "zendesk_api_rate_limit_remaining") == {"healthy": 650.0, "limited": 0.0}


async def test_self_metrics(served: Served) -> None:
    found = samples(await served.scrape())

    def value(name: str) -> float:
        (only,) = found[name].values()
        return only

    assert found["zendesk_monitor_build_info"] == {frozenset({("version", VERSION)}): 1.0}
    assert value("zendesk_monitor_tenants") == len(TENANTS)
    assert value("zendesk_monitor_ready") == 0.0
    assert value("zendesk_monitor_config_last_reload_successful") == 1.0
    assert value("zendesk_monitor_config_last_reload_success_timestamp_seconds") == START - 10
    assert value("zendesk_monitor_scheduler_lag_seconds") == 0.5
    assert value("zendesk_monitor_missed_runs_total") == 2.0
    assert value("zendesk_monitor_skipped_runs_total") == 3.0

    served.monitor.record(result("waiting"))
    served.monitor.status.config_reload_successful = False
    found = samples(await served.scrape())
    assert value("zendesk_monitor_ready") == 1.0
    assert value("zendesk_monitor_config_last_reload_successful") == 0.0


async def test_the_reload_timestamp_is_absent_until_a_successful_load() -> None:
    async with serve(Monitor()) as served:
        found = samples(await served.scrape())
    assert "zendesk_monitor_config_last_reload_success_timestamp_seconds" not in found
    assert found["zendesk_monitor_config_last_reload_successful"] == {frozenset(): 1.0}


async def test_a_never_checked_tenant_has_only_its_config_and_zero_counters(
    served: Served,
) -> None:
    text = await served.scrape()
    present = {
        name
        for name, by_labels in samples(text).items()
        if any(("tenant", "waiting") in labels for labels in by_labels)
    }
    assert present == {
        "zendesk_credential_check_interval_seconds",
        "zendesk_credential_checks_total",
        "zendesk_credential_consecutive_failures",
    }


async def test_a_removed_tenant_loses_every_series_at_once(served: Served) -> None:
    before = await served.scrape()
    assert 'tenant="broken"' in before
    served.monitor.store.configure({k: v for k, v in TENANTS.items() if k != "broken"})
    after = await served.scrape()
    assert 'tenant="broken"' not in after
    assert 'tenant="healthy"' in after
    assert samples(after)["zendesk_monitor_tenants"] == {frozenset(): len(TENANTS) - 1}


async def test_an_empty_store_serves_only_self_metrics(served: Served) -> None:
    served.monitor.store.configure({})
    names = set(samples(await served.scrape()))
    assert all(not name.startswith("zendesk_credential_") or "duration" in name for name in names)
    assert samples(await served.scrape())["zendesk_monitor_ready"] == {frozenset(): 1.0}


async def test_no_created_series_in_either_format(served: Served) -> None:
    text = await served.scrape()
    openmetrics = await served.scrape(Accept="application/openmetrics-text; version=1.0.0")
    assert "_created" not in text
    assert "_created" not in openmetrics


async def test_every_help_text_of_a_check_result_says_checks_are_not_at_scrape_time(
    served: Served,
) -> None:
    helps = dict(
        line.removeprefix("# HELP ").split(" ", 1)
        for line in (await served.scrape()).splitlines()
        if line.startswith("# HELP ")
    )
    for name, text in helps.items():
        if name.startswith("zendesk_credential_") or name.startswith("zendesk_api_"):
            assert text.endswith("Checks run on the monitor's own schedule, not at scrape time.")
        else:
            assert name.startswith("zendesk_monitor_"), name


async def test_promtool_accepts_the_scrape(served: Served) -> None:
    checked = promtool_check(await served.scrape())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "", checked.stdout


async def test_openmetrics_when_the_scraper_prefers_it(served: Served) -> None:
    prometheus_accept = (
        "application/openmetrics-text;version=1.0.0;q=0.5,"
        "application/openmetrics-text;version=0.0.1;q=0.4,"
        "text/plain;version=1.0.0;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"
    )
    response = await served.client.get("/metrics", headers={"Accept": prometheus_accept})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")
    assert "# TYPE zendesk_credential_checks counter" in response.text
    plain = await served.client.get("/metrics")
    assert plain.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "# TYPE zendesk_credential_checks_total counter" in plain.text


async def test_gzip_when_the_scraper_accepts_it(served: Served) -> None:
    zipped = await served.client.get("/metrics", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(zipped.content)
    plain = await served.client.get("/metrics", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == zipped.text
    assert "Accept-Encoding" in plain.headers["vary"]
