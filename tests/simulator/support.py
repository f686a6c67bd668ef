"""The scenario and request helpers the simulator tests share."""

from __future__ import annotations

import base64
import copy
from typing import Any

import httpx

from monitor.simulator import SimulatorThread

TOKEN = "Tok-ACME-1-secret"  # mixed case: token comparison is case-sensitive
OLD_TOKEN = "tok-acme-revoked"
EMAIL = "fusion@acme.example"

ACME: dict[str, Any] = {
    "tokens": [{"id": 1, "token": TOKEN}, {"id": 2, "token": OLD_TOKEN, "active": False}],
    "users": [
        {"id": 1001, "email": EMAIL, "default_group_id": 12},
        {"id": 1002, "email": "light@acme.example", "role_type": 1, "custom_role_id": 7},
        {"id": 1003, "email": "admin@acme.example", "role": "admin"},
        {"id": 1004, "email": "customer@acme.example", "role": "end-user"},
        {"id": 1005, "email": "suspended@acme.example", "suspended": True},
        {"id": 1006, "email": "deleted@acme.example", "active": False},
        {"id": 1007, "email": "unverified@acme.example", "verified": False},
    ],
    "custom_roles": [
        {"id": 6, "name": "Staff", "role_type": 0},
        {"id": 7, "name": "Light agent", "role_type": 1, "configuration": {"light_agent": True}},
    ],
    "groups": [
        {"id": 12, "name": "Support"},
        {"id": 13, "name": "Billing", "is_public": False},
        {"id": 14, "name": "Old", "deleted": True},
    ],
    "memberships": [
        {"id": 1, "user_id": 1001, "group_id": 12, "default": True},
        {"id": 2, "user_id": 1001, "group_id": 13},
        {"id": 3, "user_id": 1002, "group_id": 12},
    ],
}


def scenario_mapping(**tenants: dict[str, Any]) -> dict[str, Any]:
    """The acme tenant plus the given ones (each a copy of acme with overrides)."""
    result: dict[str, Any] = {"tenants": {"acme": copy.deepcopy(ACME)}}
    for name, overrides in tenants.items():
        result["tenants"][name] = {**copy.deepcopy(ACME), **overrides}
    return result


def basic(email: str = EMAIL, token: str = TOKEN) -> dict[str, str]:
    encoded = base64.b64encode(f"{email}/token:{token}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def password(email: str = EMAIL, secret: str = TOKEN) -> dict[str, str]:
    encoded = base64.b64encode(f"{email}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


COULDNT_AUTHENTICATE = b'{"error":"Couldn\'t authenticate you"}'


def get(
    client: httpx.Client,
    sim: SimulatorThread,
    path: str,
    headers: dict[str, str] | None = None,
    tenant: str = "acme",
    **kwargs: Any,
) -> httpx.Response:
    return client.get(f"{sim.base_url(tenant)}{path}", headers=headers, **kwargs)
