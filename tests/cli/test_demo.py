"""`zendesk-monitor demo`, the quick start: every built-in tenant gets the category its scenario
comment promises."""

from __future__ import annotations

from tests.cli.run import run_main

EXPECTED = {
    "closed-account": "subdomain_not_found",
    "deleted-user": "auth_failed",
    "end-user": "user_downgraded",
    "flapping-429": "rate_limited",  # the first users/me of every two is a 429
    "groups-restricted": "ok",
    "healthy-enterprise": "ok",
    "healthy-professional": "ok",
    "light-agent": "user_downgraded",
    "missing-group": "permission_regression",
    "nonexistent": "subdomain_not_found",
    "private-comments-only": "permission_regression",
    "revoked-token": "auth_failed",
    "suspended-user": "auth_failed",
    "token-access-off": "auth_failed",
    "unavailable-503": "zendesk_unavailable",
}


def test_demo_checks_every_built_in_tenant() -> None:
    ran = run_main("demo", "--once")
    assert ran.code == 1  # some built-in tenants are broken on purpose
    lines = ran.stdout.splitlines()
    assert lines[0].startswith("Zendesk simulator at http://127.0.0.1:")
    assert lines[0].endswith(", 15 tenants.")
    rows = {
        line.split()[0]: line.split()[1] for line in lines[3:] if line and not line.startswith(" ")
    }
    assert rows == EXPECTED
