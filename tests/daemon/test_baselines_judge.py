"""`BaselineJudge`: what the daemon does with each result, against its tenant's baseline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from monitor.checks.categories import Category
from monitor.checks.result import CheckResult, Permission
from monitor.checks.runner import Checker
from monitor.config.model import ApiTokenAuth, Expect, TenantConfig
from monitor.config.secrets import SecretRef
from monitor.daemon.baselines import BaselineJudge, BaselineStore
from monitor.simulator import SimulatorThread, parse_scenario
from monitor.zendesk.session import ClientFactory, authorization_for
from tests.canary import CANARY_ENV, CANARY_TOKEN

CONFIGURATION: dict[str, Any] = {
    "ticket_access": "all",
    "ticket_comment_access": "public",
    "ticket_editing": True,
    "ticket_deletion": True,
    "light_agent": False,
    "macro_access": "full",
}
FACTS: dict[str, Any] = {
    "user_id": 1001,
    "role": "agent",
    "role_type": 0,
    "custom_role_id": 6,
    "ticket_restriction": None,
    "only_private_comments": False,
    "role_configuration": CONFIGURATION,
}
ALL_GRANTED = tuple((p, True) for p in Permission)


def facts(**changes: Any) -> dict[str, Any]:
    return {**FACTS, **changes}


def configuration(**changes: Any) -> dict[str, Any]:
    return {**CONFIGURATION, **changes}


def result(category: Category = Category.OK, facts: dict[str, Any] | None = None) -> CheckResult:
    return CheckResult(
        tenant="acme",
        category=category,
        detail="authenticated as user 1001 with every checked permission",
        hint=category.action,
        permissions=ALL_GRANTED,
        request_id="req-1",
        facts=tuple(sorted((FACTS if facts is None else facts).items())),
    )


@pytest.fixture
def store(tmp_path: Path) -> BaselineStore:
    return BaselineStore(tmp_path / "state")


@pytest.fixture
def judge(store: BaselineStore) -> BaselineJudge:
    return BaselineJudge(store, config_path="/etc/zendesk-monitor.yaml")


async def test_the_first_healthy_check_creates_the_baseline(
    judge: BaselineJudge, store: BaselineStore
) -> None:
    checked = result()
    judgement = await judge.judge("acme", checked)
    assert judgement.baseline_created
    assert judgement.result is checked
    assert judgement.changes is None
    assert judgement.against_baseline is None
    assert store.get("acme") == {**FACTS, "group_ids": None}
    assert BaselineStore(store.state_dir).get("acme") == store.get("acme")  # on disk


async def test_a_narrowing_is_a_permission_regression_though_the_check_was_ok(
    judge: BaselineJudge, store: BaselineStore
) -> None:
    (await judge.judge("acme", result()))
    narrowed = result(facts=facts(role_configuration=configuration(ticket_deletion=False)))
    judgement = await judge.judge("acme", narrowed)

    assert judgement.regressed
    assert not judgement.baseline_created
    regression = judgement.result
    assert regression.category is Category.PERMISSION_REGRESSION
    assert not regression.healthy
    assert regression.detail == (
        "permissions narrower than the tenant's baseline: "
        "role_configuration.ticket_deletion: true -> false"
    )
    assert regression.hint.startswith(Category.PERMISSION_REGRESSION.action)
    assert (
        "Or, if the change is intended, run `zendesk-monitor baseline accept "
        f"-c /etc/zendesk-monitor.yaml --state-dir {store.state_dir} --tenant acme`"
    ) in regression.hint
    # Everything else is the check's own.
    assert regression.permissions == narrowed.permissions
    assert regression.request_id == "req-1"
    assert regression.facts == narrowed.facts
    # The change is reported once, with before and after.
    assert judgement.changes is not None
    assert judgement.changes.narrowed == {"role_configuration.ticket_deletion": (True, False)}
    assert judgement.changes.before == {"role_configuration.ticket_deletion": True}
    assert judgement.changes.after == {"role_configuration.ticket_deletion": False}
    # The baseline is not moved by a regression.
    assert store.get("acme") == {**FACTS, "group_ids": None}


async def test_a_lasting_narrowing_keeps_failing_but_is_reported_as_a_change_once(
    judge: BaselineJudge,
) -> None:
    (await judge.judge("acme", result()))
    narrowed = result(facts=facts(ticket_restriction="groups", group_ids=[12]))
    first, second = (await judge.judge("acme", narrowed)), (await judge.judge("acme", narrowed))
    assert first.changes is not None
    assert set(first.changes.narrowed) == {"ticket_restriction"}
    assert second.changes is None
    assert second.result.category is Category.PERMISSION_REGRESSION
    restored = await judge.judge("acme", result())
    assert restored.result.category is Category.OK
    assert restored.changes is not None
    assert restored.changes.widened == {"ticket_restriction": ("groups", None)}


async def test_facts_first_seen_on_a_failing_check_are_still_judged_when_healthy(
    judge: BaselineJudge,
) -> None:
    (await judge.judge("acme", result()))
    narrowed = result(facts=facts(role_configuration=configuration(ticket_editing=False)))
    failing = await judge.judge("acme", replace(narrowed, category=Category.PERMISSION_REGRESSION))
    assert failing.changes is not None  # reported once, on the check that saw it
    healthy = await judge.judge("acme", narrowed)  # the same facts again, now from an ok check
    assert healthy.changes is None
    assert healthy.regressed
    assert healthy.result.category is Category.PERMISSION_REGRESSION


async def test_a_widening_passes_and_shows_in_the_diff(
    judge: BaselineJudge, store: BaselineStore
) -> None:
    (await judge.judge("acme", result()))
    widened = result(facts=facts(role="admin", role_type=4))
    judgement = await judge.judge("acme", widened)
    assert judgement.result is widened
    assert not judgement.regressed
    assert judgement.changes is not None
    assert judgement.changes.widened == {"role": ("agent", "admin"), "role_type": (0, 4)}
    assert judgement.against_baseline is not None
    assert set(judgement.against_baseline.widened) == {"role", "role_type"}
    assert store.get("acme") == {**FACTS, "group_ids": None}  # only `accept` moves it


async def test_unchanged_facts_are_no_change(judge: BaselineJudge) -> None:
    (await judge.judge("acme", result()))
    judgement = await judge.judge("acme", result())
    assert judgement.changes is None
    assert judgement.against_baseline is not None
    assert judgement.against_baseline.is_empty
    assert judgement.result.category is Category.OK


async def test_a_result_without_facts_passes_through(
    judge: BaselineJudge, store: BaselineStore
) -> None:
    failed = result(Category.AUTH_FAILED, facts={})
    judgement = await judge.judge("acme", failed)
    assert judgement.result is failed
    assert judgement.changes is None
    assert not judgement.baseline_created
    assert store.get("acme") is None


async def test_a_credential_failure_passes_through_and_updates_the_facts_seen(
    judge: BaselineJudge, store: BaselineStore
) -> None:
    (await judge.judge("acme", result()))
    # users/me is another user now (the token used with another email): only user facts.
    other_user = facts(user_id=2002, role="admin")
    del other_user["role_configuration"]
    failed = result(Category.AUTH_FAILED, other_user)
    judgement = await judge.judge("acme", failed)
    assert judgement.result is failed
    assert judgement.against_baseline is None
    assert judgement.changes is not None
    assert judgement.changes.changed == {"user_id": (1001, 2002)}
    assert judgement.changes.widened == {"role": ("agent", "admin")}
    back = await judge.judge("acme", result())
    assert back.changes is not None
    assert back.changes.changed == {"user_id": (2002, 1001)}
    assert store.get("acme") == {**FACTS, "group_ids": None}


async def test_a_check_that_stopped_early_reports_no_phantom_change(judge: BaselineJudge) -> None:
    (await judge.judge("acme", result()))
    user_only = {k: v for k, v in FACTS.items() if k != "role_configuration"}
    outage = await judge.judge("acme", result(Category.ZENDESK_UNAVAILABLE, user_only))
    assert outage.changes is None
    assert outage.result.category is Category.ZENDESK_UNAVAILABLE
    assert (await judge.judge("acme", result())).changes is None


async def test_no_baseline_is_made_from_a_failing_check(
    judge: BaselineJudge, store: BaselineStore
) -> None:
    judgement = await judge.judge("acme", result(Category.PERMISSION_REGRESSION))
    assert not judgement.baseline_created
    assert store.get("acme") is None
    assert (await judge.judge("acme", result())).baseline_created


async def test_after_a_restart_the_first_check_is_compared_with_the_baseline(
    store: BaselineStore,
) -> None:
    await BaselineJudge(store).judge("acme", result())
    restarted = BaselineJudge(BaselineStore(store.state_dir))
    judgement = await restarted.judge("acme", result(facts=facts(only_private_comments=True)))
    assert judgement.changes is not None
    assert judgement.changes.narrowed == {"only_private_comments": (False, True)}
    assert judgement.result.category is Category.PERMISSION_REGRESSION
    assert "-c FILE --state-dir" in judgement.result.hint  # no config path given


async def test_an_accepted_baseline_takes_effect_on_reload(store: BaselineStore) -> None:
    judge = BaselineJudge(store)
    (await judge.judge("acme", result()))
    narrower = facts(role_configuration=configuration(macro_access="readonly"))
    assert (await judge.judge("acme", result(facts=narrower))).regressed
    BaselineStore(store.state_dir).set("acme", narrower)  # `baseline accept`
    assert (await judge.judge("acme", result(facts=narrower))).regressed  # not reloaded yet
    store.reload()
    judgement = await judge.judge("acme", result(facts=narrower))
    assert not judgement.regressed
    assert judgement.result.category is Category.OK


async def test_in_memory_baselines_hint_at_a_restart() -> None:
    judge = BaselineJudge(BaselineStore(None))
    assert (await judge.judge("acme", result())).baseline_created
    judgement = await judge.judge("acme", result(facts=facts(role_type=1)))
    assert judgement.result.category is Category.PERMISSION_REGRESSION
    assert "restart the monitor" in judgement.result.hint
    assert "baseline accept" not in judgement.result.hint


async def test_a_baseline_that_cannot_be_saved_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("")  # a file where the state directory should be
    judge = BaselineJudge(BaselineStore(tmp_path / "state"))
    checked = result()
    judgement = await judge.judge("acme", checked)
    assert judgement.result is checked
    assert not judgement.baseline_created
    assert judgement.problem is not None
    assert "acme.json: cannot be written" in str(judgement.problem)


async def test_forget_drops_the_facts_seen(judge: BaselineJudge, store: BaselineStore) -> None:
    (await judge.judge("acme", result()))
    (await judge.judge("acme", result(Category.AUTH_FAILED, facts(user_id=2002))))
    judge.forget("acme")
    # Compared with the baseline again, not with the other user seen last.
    assert (await judge.judge("acme", result())).changes is None
    judge.forget("never-seen")


# ---- over real sockets: the simulator, the real checker, the judge -------------------------


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    user = {"id": 1001, "email": "fusion@acme.example"}
    scenario = {"tenants": {"acme": {"tokens": [CANARY_TOKEN], "users": [user]}}}
    with SimulatorThread(parse_scenario(scenario)) as running:
        yield running


async def test_a_narrowed_custom_role_is_caught_end_to_end(
    sim: SimulatorThread, store: BaselineStore
) -> None:
    tenant = TenantConfig(
        name="acme",
        subdomain="acme",
        base_url=sim.base_url("acme"),
        auth=ApiTokenAuth(email="fusion@acme.example", token=SecretRef(env=CANARY_ENV)),
        expect=Expect(),
        interval=60.0,
        timeout=5.0,
    )
    factory = ClientFactory()
    checker = Checker(factory, authorization=authorization_for)
    judge = BaselineJudge(store)
    try:
        first = await judge.judge("acme", await checker.check(tenant))
        # The customer's admin takes macros and chat away: nothing the integration's expect needs.
        narrower = {"macro_access": "readonly", "chat_access": False}
        role = {"id": 6, "name": "Staff", "role_type": 0, "configuration": narrower}
        sim.patch_tenant("acme", {"custom_roles": [role]})
        second = await judge.judge("acme", await checker.check(tenant))
    finally:
        await factory.aclose()

    assert first.result.category is Category.OK, first.result.detail
    assert first.baseline_created
    assert second.result.category is Category.PERMISSION_REGRESSION
    assert "role_configuration.chat_access: true -> false" in second.result.detail
    assert 'role_configuration.macro_access: "full" -> "readonly"' in second.result.detail
    assert second.changes is not None
    assert set(second.changes.narrowed) == {
        "role_configuration.chat_access",
        "role_configuration.macro_access",
    }
