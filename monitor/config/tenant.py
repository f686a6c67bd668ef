"""One entry of `tenants`, except its name (the name is file-level, see parse.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.config.auth import parse_auth
from monitor.config.expect import parse_expect
from monitor.config.fields import Invalid, Section, as_string
from monitor.config.model import Auth, Diagnostics, Expect, TenantConfig
from monitor.config.subdomain import parse_subdomain
from monitor.config.text import show
from monitor.config.timing import Timing, check_order, read_timing
from monitor.config.urls import default_base_url, parse_base_url

NAME = re.compile(r"^[a-z0-9_-]+$")
TENANT_KEYS = (
    "name",
    "subdomain",
    "base_url",
    "auth",
    "diagnostics",
    "expect",
    "interval",
    "timeout",
)
TENANT_HINTS = {
    key: f"{key} belongs under auth" for key in ("type", "email", "token_env", "token_file")
} | {
    "token": "the token itself never goes in the config: "
    "name an environment variable with auth.token_env or a file with auth.token_file",
    "ticket_access": "ticket_access belongs under expect",
    "groups": "groups belongs under expect",
    "ca_file": "ca_file is set once under defaults",
}


@dataclass(frozen=True, slots=True)
class TenantBody:
    """A tenant entry that parsed without problems, waiting for its (file-level) name."""

    subdomain: str
    base_url: str
    auth: Auth
    expect: Expect
    interval: float
    timeout: float
    diagnostics: Diagnostics | None = None

    def named(self, name: str, position: int) -> TenantConfig:
        return TenantConfig(
            name=name,
            subdomain=self.subdomain,
            base_url=self.base_url,
            auth=self.auth,
            expect=self.expect,
            interval=self.interval,
            timeout=self.timeout,
            position=position,
            diagnostics=self.diagnostics,
        )


def parse_name(value: object) -> str:
    name = as_string(value)
    if not name.strip():
        raise Invalid('is empty; write a name like "acme" (a-z, 0-9, "_" and "-")')
    if NAME.fullmatch(name):
        return name
    like = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    hint = f"; write {show(like)}" if NAME.fullmatch(like) else ""
    raise Invalid(f'{show(name)} is not a valid name; use only a-z, 0-9, "_" and "-"{hint}')


def parse_tenant(
    tenant: Section, interval: Timing, timeout: Timing
) -> tuple[TenantBody | None, float | None]:
    """The tenant without its name (None if anything is wrong) and its interval when known."""
    tenant.check_keys(TENANT_KEYS, TENANT_HINTS)
    subdomain = tenant.need(
        "subdomain", parse_subdomain, 'required; the "acme" of acme.zendesk.com'
    )
    base_url = tenant.get("base_url", parse_base_url)
    auth = parse_auth(tenant)
    diagnostics = parse_diagnostics(tenant)
    expect = parse_expect(tenant)
    interval = read_timing(tenant, "interval", interval.inherited("defaults"))
    timeout = read_timing(tenant, "timeout", timeout.inherited("defaults"))
    ordered = check_order(tenant, interval, timeout)
    if (
        subdomain is None
        or (tenant.has("base_url") and base_url is None)
        or auth is None
        or (tenant.has("diagnostics") and diagnostics is None)
        or expect is None
        or interval.seconds is None
        or timeout.seconds is None
        or not ordered
    ):
        return None, interval.seconds
    body = TenantBody(
        subdomain=subdomain,
        base_url=base_url or default_base_url(subdomain),
        auth=auth,
        expect=expect,
        interval=interval.seconds,
        timeout=timeout.seconds,
        diagnostics=diagnostics,
    )
    return body, interval.seconds


def parse_diagnostics(tenant: Section) -> Diagnostics | None:
    """`diagnostics: {auth: {...}}`: an admin or OAuth credential that finds why the
    integration's own credential fails; any auth type."""
    if not tenant.has("diagnostics"):
        return None
    section = tenant.section("diagnostics", "{auth: {type: api_token, email: ..., token_env: ...}}")
    if section is None:
        return None
    section.check_keys(("auth",))
    auth = parse_auth(section)
    return None if auth is None else Diagnostics(auth)
