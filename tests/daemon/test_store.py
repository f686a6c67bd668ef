"""The result store: verdicts, counters and transitions, with an injected clock."""

from __future__ import annotations

import itertools

from monitor.checks.categories import Category
from monitor.checks.result import CheckResult, Permission, RateLimit
from monitor.daemon.store import ResultStore, Transition


def result(tenant: str, category: Category, **fields: object) -> CheckResult:
    return CheckResult(tenant=tenant, category=category, detail="d", hint="h", **fields)  # type: ignore[arg-type]


def store(*names: str) -> ResultStore:
    ticks = itertools.count(1000.0, 10.0)
    s = ResultStore(clock=lambda: next(ticks))
    s.configure(dict.fromkeys(names, 60.0))
    return s


def test_new_tenants_have_no_verdict_and_are_not_ready() -> None:
    s = store("a", "b")
    view = s.get("a")
    assert view is not None
    assert (view.result, view.credential_healthy, view.checks_total) == (None, None, 0)
    assert not s.ready
    s.record(result("a", Category.OK))
    assert not s.ready
    s.record(result("b", Category.RATE_LIMITED))
    assert s.ready


def test_waiting_counts_tenants_without_a_result_through_reloads() -> None:
    s = store("a", "b", "c")
    assert s.waiting == 3
    s.record(result("a", Category.OK))
    s.record(result("a", Category.OK))  # a second result is not a second first one
    s.record(result("b", Category.OK))
    assert s.waiting == 1
    s.configure({"a": 60.0, "c": 60.0, "d": 60.0})  # b (checked) and no one else goes; d comes
    assert s.waiting == 2
    s.configure({"a": 60.0, "d": 60.0})  # c (unchecked) goes
    assert s.waiting == 1
    s.forget("a")  # checked, starts again
    s.forget("d")  # unchecked already
    assert s.waiting == 2
    assert not s.ready
    s.record(result("a", Category.AUTH_FAILED))
    s.record(result("d", Category.OK))
    assert (s.waiting, s.ready) == (0, True)


def test_transitions_happen_once() -> None:
    s = store("a")
    assert s.record(result("a", Category.AUTH_FAILED)) is Transition.BROKEN
    assert s.record(result("a", Category.AUTH_FAILED)) is None
    assert s.record(result("a", Category.USER_SUSPENDED)) is None
    assert s.record(result("a", Category.OK)) is Transition.RECOVERED
    assert s.record(result("a", Category.OK)) is None
    assert s.record(result("a", Category.PERMISSION_REGRESSION)) is Transition.BROKEN


def test_first_healthy_verdict_is_no_transition() -> None:
    s = store("a")
    assert s.record(result("a", Category.OK)) is None
    assert s.get("a").credential_healthy is True  # type: ignore[union-attr]


def test_transient_results_leave_the_verdict_as_it_was() -> None:
    s = store("a")
    s.record(result("a", Category.OK))
    for category in (Category.RATE_LIMITED, Category.ZENDESK_UNAVAILABLE, Category.TIMEOUT):
        assert s.record(result("a", category)) is None
        assert s.get("a").credential_healthy is True  # type: ignore[union-attr]
    s.record(result("a", Category.AUTH_FAILED))
    assert s.record(result("a", Category.NETWORK_ERROR)) is None
    assert s.get("a").credential_healthy is False  # type: ignore[union-attr]


def test_counters_and_timestamps() -> None:
    s = store("a")
    s.record(result("a", Category.OK))  # at 1000
    s.record(result("a", Category.RATE_LIMITED))  # 1010
    s.record(result("a", Category.AUTH_FAILED))  # 1020
    view = s.get("a")
    assert view is not None
    assert view.checks_total == 3
    assert view.failures_total == {Category.RATE_LIMITED: 1, Category.AUTH_FAILED: 1}
    assert view.consecutive_failures == 2
    assert (view.last_check_at, view.last_success_at) == (1020.0, 1000.0)
    s.record(result("a", Category.OK))
    assert s.get("a").consecutive_failures == 0  # type: ignore[union-attr]


def test_permissions_keep_only_known_values_and_survive_transient_results() -> None:
    s = store("a")
    known = ((Permission.TICKET_ACCESS, True), (Permission.TICKET_EDITING, None))
    s.record(result("a", Category.OK, permissions=known))
    s.record(result("a", Category.RATE_LIMITED))
    assert s.get("a").permissions == {Permission.TICKET_ACCESS: True}  # type: ignore[union-attr]


def test_rate_limit_is_the_last_one_seen() -> None:
    s = store("a")
    s.record(result("a", Category.OK, rate_limit=RateLimit(700, 650)))
    s.record(result("a", Category.NETWORK_ERROR))
    assert s.get("a").rate_limit == RateLimit(700, 650)  # type: ignore[union-attr]


def test_configure_removes_and_updates_but_keeps_history() -> None:
    s = store("a", "b")
    s.record(result("a", Category.OK))
    s.configure({"a": 30.0, "c": 60.0})
    assert s.names == ["a", "c"]
    view = s.get("a")
    assert view is not None
    assert (view.interval_seconds, view.checks_total) == (30.0, 1)
    assert s.record(result("b", Category.AUTH_FAILED)) is None  # in flight during the reload
    assert s.get("b") is None


def test_forget_starts_a_tenant_again() -> None:
    s = store("a")
    s.record(result("a", Category.AUTH_FAILED))
    s.forget("a")
    view = s.get("a")
    assert view is not None
    assert (view.checks_total, view.credential_healthy) == (0, None)
    s.forget("unknown")
    assert len(s) == 1


def test_snapshot_is_detached_from_later_records() -> None:
    s = store("a")
    s.record(result("a", Category.AUTH_FAILED))
    before = s.snapshot()
    s.record(result("a", Category.OK))
    assert before[0].failures_total == {Category.AUTH_FAILED: 1}
    assert before[0].checks_total == 1


def test_a_view_is_the_same_object_until_its_tenant_changes() -> None:
    s = store("a", "b")
    s.record(result("a", Category.OK))
    first = s.snapshot()
    assert [x is y for x, y in zip(first, s.snapshot(), strict=True)] == [True, True]
    s.record(result("a", Category.AUTH_FAILED))
    checked = s.get("a")
    assert checked is not first[0]
    assert checked is not None
    assert (checked.checks_total, checked.credential_healthy) == (2, False)
    assert s.get("b") is first[1]
    s.configure({"a": 60.0, "b": 60.0})  # the same intervals: nothing changed
    assert s.get("a") is checked
    s.configure({"a": 60.0, "b": 300.0})
    moved = s.get("b")
    assert moved is not first[1]
    assert moved is not None
    assert moved.interval_seconds == 300.0
    s.forget("a")
    forgotten = s.get("a")
    assert forgotten is not None
    assert forgotten.result is None
