"""config.example.yaml at the top of the repository stays valid and shows every feature."""

from __future__ import annotations

from pathlib import Path

from monitor.config import Expect, SecretRef, load, validate
from monitor.config.model import ApiTokenAuth

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.yaml"


def test_the_example_validates() -> None:
    assert validate(str(EXAMPLE), check_secrets=False) == (["ok: 4 tenants"], 0)


def test_the_example_shows_each_kind_of_tenant() -> None:
    outcome = load(str(EXAMPLE))
    assert outcome.config is not None
    assert outcome.config.invalid_tenants == ()
    tenants = {t.name: t for t in outcome.config.tenants}
    assert tenants["acme"].expect == Expect("all")
    assert tenants["globex"].expect == Expect("groups", ("Support", "Billing"))
    assert (tenants["globex"].interval, tenants["globex"].timeout) == (300.0, 30.0)
    initech = tenants["initech"].auth
    assert isinstance(initech, ApiTokenAuth)
    assert initech.token == SecretRef(file=Path("/run/secrets/initech_zendesk_token"))
    assert tenants["umbrella_eu"].subdomain == "umbrella"
    assert tenants["umbrella_eu"].base_url == "https://zendesk-gateway.umbrella.example/eu"
    assert tenants["acme"].base_url == "https://acme.zendesk.com"
