"""A broken credential travels the whole path: simulator -> daemon -> Prometheus -> Alertmanager.

The rules are `deploy/prometheus/alerts.yml` with their `for:` and `keep_firing_for:` shortened
(tests/e2e/harness.py); every wait polls with a deadline, nothing sleeps a fixed time, and no
assertion is about timing.
"""

from __future__ import annotations

from typing import Any

from tests.daemon.process import eventually
from tests.e2e.harness import ALERTS_FILE, Stack

ALERT = "ZendeskCredentialBroken"
TENANT = "flip"
# Shortened `for:` (1 s for 5 m), 1 s scrapes and evaluations: seconds in practice.
DEADLINE = 60.0


def _healthy_in_prometheus(stack: Stack) -> bool:
    return bool(stack.vector(f'zendesk_credential_healthy{{tenant="{TENANT}"}} == 1'))


def _alerts(stack: Stack) -> list[dict[str, Any]]:
    return stack.alerts(f'alertname="{ALERT}"', f'tenant="{TENANT}"')


def test_a_broken_credential_alerts_and_resolves(stack: Stack) -> None:
    assert ALERTS_FILE.exists(), f"{ALERTS_FILE} is missing"
    assert stack.rules is not None
    names = {
        rule["name"] for group in stack.prometheus_api("rules")["groups"] for rule in group["rules"]
    }
    assert ALERT in names
    eventually(lambda: _healthy_in_prometheus(stack), timeout=DEADLINE, what=f"{TENANT} healthy")
    assert _alerts(stack) == []

    stack.sim.update_tenant(TENANT, token_access=False)
    alerts = eventually(lambda: _alerts(stack), timeout=DEADLINE, what=f"{ALERT} in Alertmanager")
    category = stack.daemon.get(f"/status?tenant={TENANT}").json()["tenants"][0]["category"]
    assert category == "auth_failed"
    for alert in alerts:
        labels = alert["labels"]
        assert labels["alertname"] == ALERT
        assert labels["tenant"] == TENANT
        assert labels["category"] == category
        assert labels["severity"] in {"warning", "critical"}
        assert alert["annotations"].get("runbook_url", "").startswith(("https://", "http://"))
        assert alert["status"]["state"] == "active"
    assert "warning" in {alert["labels"]["severity"] for alert in alerts}

    stack.sim.update_tenant(TENANT, token_access=True)
    eventually(lambda: stack.daemon.event("credential_recovered", tenant=TENANT), what="recovery")
    eventually(lambda: not _alerts(stack), timeout=DEADLINE, what=f"{ALERT} to resolve")
    # Prometheus agrees: nothing pending or firing for the tenant any more.
    eventually(
        lambda: not stack.vector(f'ALERTS{{alertname="{ALERT}", tenant="{TENANT}"}}'),
        timeout=DEADLINE,
        what="ALERTS to clear",
    )
    # The tenants that stay broken keep theirs: the resolution is the tenant's, not a lull.
    assert stack.alerts(f'alertname="{ALERT}"', 'tenant="broken"')
