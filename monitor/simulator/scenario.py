"""Scenario YAML -> `Scenario` of `TenantState`s. `examples/scenario.yaml` documents every key.

`parse_scenario` is pure and collects every problem (key path + message) before failing, so one
run shows all mistakes. Unknown keys are errors: a typo must not silently become a default.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from monitor.simulator import validation as v
from monitor.simulator.roles import (
    CONFIG_BOOL_KEYS,
    CONFIG_STRING_KEYS,
    STAFF_CONFIGURATION,
    default_roles,
)
from monitor.simulator.state import (
    OAUTH_EXPIRES_IN_RANGE,
    Account,
    Answer,
    CustomRole,
    Fault,
    FaultKind,
    FlagFormat,
    Group,
    Membership,
    OAuthClient,
    OAuthToken,
    Plan,
    ScopeWording,
    TenantState,
    Token,
    TokenEnd,
    User,
)
from monitor.simulator.validation import Problem, Reader, ScenarioError

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "default_scenario",
    "load_scenario",
    "parse_fault",
    "parse_scenario",
    "parse_tenant",
]

# Zendesk's subdomain rule (API notes section 2). It also keeps `_simulator` free.
TENANT_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

_DEFAULT_SCENARIO = "default_scenario.yaml"
_JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"

T = TypeVar("T")


@dataclass(slots=True)
class Scenario:
    tenants: dict[str, TenantState]
    # Route by Host header `<tenant>.<host_suffix>` as well as by path prefix.
    host_suffix: str | None = None
    # The raw `defaults:` block, applied again when a tenant is PUT through the control API.
    defaults: dict[str, Any] = field(default_factory=dict)


# ---- per-object key tables -----------------------------------------------------------------

_TOKEN_KEYS: dict[str, v.Check] = {
    "id": v.integer,
    "token": v.name,
    "active": v.boolean,
    "description": v.text,
    "user_id": v.optional(v.integer),
    "assigned_user_id": v.optional(v.integer),
    "created_at": v.timestamp_text,
    "updated_at": v.timestamp_text,
    "last_used": v.optional(v.timestamp_text),
}

_OAUTH_TOKEN_KEYS: dict[str, v.Check] = {
    "id": v.integer,
    "token": v.name,
    "user_id": v.integer,
    "scopes": v.names,
    "expires_at": v.optional(v.timestamp),
    "refresh_token_expires_at": v.optional(v.timestamp),
    "client_id": v.optional(v.integer_or_name),
    "revoked": v.boolean,
    "created_at": v.timestamp,
    "used_at": v.optional(v.timestamp),
}

_OAUTH_CLIENT_KEYS: dict[str, v.Check] = {
    "id": v.integer,
    "client_id": v.name,
    "secret": v.name,
    "user_id": v.integer,
    "scopes": v.names,
    "expires_in": v.int_range(*OAUTH_EXPIRES_IN_RANGE),
}

_USER_KEYS: dict[str, v.Check] = {
    "id": v.integer,
    "email": v.name,
    "secondary_emails": v.names,
    "name": v.name,
    "role": v.choice("end-user", "agent", "admin"),
    "role_type": v.optional(v.choice(0, 1, 2, 3, 4, 5)),
    "custom_role_id": v.optional(v.integer),
    "ticket_restriction": v.optional(v.choice("organization", "groups", "assigned", "requested")),
    "restricted_agent": v.optional(v.boolean),
    "only_private_comments": v.boolean,
    "suspended": v.boolean,
    "active": v.boolean,
    "verified": v.boolean,
    "moderator": v.boolean,
    "default_group_id": v.optional(v.integer),
    "last_login_at": v.optional(v.name),
    "created_at": v.name,
    "updated_at": v.name,
    "time_zone": v.name,
    "locale": v.name,
    "organization_id": v.optional(v.integer),
    "shared": v.boolean,
    "shared_agent": v.boolean,
    "chat_only": v.boolean,
    "two_factor_auth_enabled": v.optional(v.boolean),
    "report_csv": v.boolean,
}

_ROLE_KEYS: dict[str, v.Check] = {
    "id": v.integer,
    "name": v.name,
    "role_type": v.choice(0, 1, 2, 3, 4, 5),
    "description": v.text,
    "configuration": v.anything,  # checked key by key in _role
    "created_at": v.name,
    "updated_at": v.name,
}

_GROUP_KEYS: dict[str, v.Check] = {
    "id": v.integer,
    "name": v.name,
    "is_public": v.boolean,
    "description": v.text,
    "default": v.boolean,
    "deleted": v.boolean,
    "created_at": v.name,
    "updated_at": v.name,
}

_MEMBERSHIP_KEYS: dict[str, v.Check] = {
    "id": v.integer,
    "user_id": v.integer,
    "group_id": v.integer,
    "default": v.boolean,
    "created_at": v.name,
    "updated_at": v.name,
}

_FAULT_COMMON_KEYS: dict[str, v.Check] = {
    "kind": v.enum(FaultKind),
    "path": v.optional(v.path),
    "times": v.optional(v.non_negative_int),
    "every": v.positive_int,
}

# The extra keys each fault kind takes; any other key is a mistake worth reporting.
_FAULT_KEYS: dict[FaultKind, dict[str, v.Check]] = {
    FaultKind.RATE_LIMITED: {"retry_after": v.non_negative_int},
    FaultKind.UNAVAILABLE: {"retry_after": v.optional(v.non_negative_int)},
    FaultKind.SERVER_ERROR: {},
    FaultKind.SLOW: {"seconds": v.seconds},
    FaultKind.HTML: {"body": v.text},
    FaultKind.MALFORMED_JSON: {},
    FaultKind.ANONYMOUS: {},
    FaultKind.RESET: {},
    FaultKind.REDIRECT: {"status": v.choice(301, 302, 303, 307, 308)},
    FaultKind.STATUS: {
        "status": v.status,
        "body": v.anything,  # a string, or a mapping/list sent as JSON: checked in _fault
        "content_type": v.name,
        "headers": v.headers,
    },
}
_FAULT_REQUIRED: dict[FaultKind, set[str]] = {
    FaultKind.SLOW: {"seconds"},
    FaultKind.STATUS: {"status"},
}
_FAULT_DEFAULTS: dict[FaultKind, dict[str, Any]] = {
    FaultKind.RATE_LIMITED: {"retry_after": 10},
    FaultKind.REDIRECT: {"status": 302},
}

_TENANT_SCALARS: dict[str, v.Check] = {
    "plan": v.enum(Plan),
    "account": v.enum(Account),
    "token_access": v.boolean,
    "suspended_user_answer": v.enum(Answer),
    "deleted_user_answer": v.enum(Answer),
    "unauthenticated_me_answer": v.enum(Answer, Answer.UNAUTHORIZED, Answer.ANONYMOUS),
    "rate_limit": v.positive_int,
    # YAML reads an unquoted 2026 as a number: take it as the string.
    "scope_error_wording": lambda value: v.enum(ScopeWording)(
        str(value) if type(value) is int else value
    ),
    "visible_token_end": v.enum(TokenEnd),
    "settings_flag_format": v.enum(FlagFormat),
}
_TENANT_LISTS = (
    "custom_roles",
    "tokens",
    "users",
    "groups",
    "memberships",
    "faults",
    "oauth_tokens",
    "oauth_clients",
)
TENANT_KEYS = frozenset(_TENANT_SCALARS) | frozenset(_TENANT_LISTS)


# ---- per-object parsers --------------------------------------------------------------------


def _token(r: Reader, raw: Any, location: str, index: int) -> Token | None:
    if isinstance(raw, str):  # shorthand: a bare token value
        raw = {"token": raw}
    values = _numbered(r, raw, location, index, keys=_TOKEN_KEYS, required={"token"})
    return None if values is None else Token(**values)


def _numbered(
    r: Reader,
    raw: Any,
    location: str,
    index: int,
    *,
    keys: dict[str, v.Check],
    required: set[str],
) -> dict[str, Any] | None:
    """The entry's fields, its `id` defaulting to its place in the list (1, 2, ...)."""
    mapping = r.mapping(raw, location)
    values = None if mapping is None else r.fields(mapping, location, keys, required)
    if values is not None:
        values.setdefault("id", index + 1)
    return values


def _oauth_token(r: Reader, raw: Any, location: str, index: int) -> OAuthToken | None:
    values = _numbered(
        r, raw, location, index, keys=_OAUTH_TOKEN_KEYS, required={"token", "user_id"}
    )
    return None if values is None else OAuthToken(**values)


def _oauth_client(r: Reader, raw: Any, location: str, index: int) -> OAuthClient | None:
    required = {"client_id", "secret", "user_id"}
    values = _numbered(r, raw, location, index, keys=_OAUTH_CLIENT_KEYS, required=required)
    return None if values is None else OAuthClient(**values)


def _role(r: Reader, raw: Any, location: str) -> CustomRole | None:
    mapping = r.mapping(raw, location)
    values = None if mapping is None else r.fields(mapping, location, _ROLE_KEYS, {"id", "name"})
    if values is None:
        return None
    given = r.mapping(values.get("configuration", {}), f"{location}.configuration")
    if given is None:
        return None
    # A partial configuration is completed from the standard Staff role.
    configuration = dict(STAFF_CONFIGURATION)
    for key, value in given.items():
        where = f"{location}.configuration.{key}"
        if key in CONFIG_STRING_KEYS:
            check: v.Check = v.text
        elif key in CONFIG_BOOL_KEYS:
            check = v.boolean
        else:
            r.problem(where, "unknown key")
            continue
        if r.check(value, where, check) is not None:
            configuration[key] = value
    values["configuration"] = configuration
    return CustomRole(**values)


def _user(r: Reader, raw: Any, location: str, plan: Plan, roles: list[CustomRole]) -> User | None:
    mapping = r.mapping(raw, location)
    values = None if mapping is None else r.fields(mapping, location, _USER_KEYS, {"id", "email"})
    if values is None:
        return None
    # Defaults follow the recorded shapes: admins are role_type 4; on Enterprise an agent is
    # in a custom role (the tenant's first role of its role_type); elsewhere plain agents and
    # end users have no role type; end users are restricted to their requested tickets.
    role = values.setdefault("role", "agent")
    if "role_type" not in values:
        if role == "admin":
            values["role_type"] = 4
        elif role == "agent" and plan is Plan.ENTERPRISE:
            values["role_type"] = 0
        else:
            values["role_type"] = None
    if "custom_role_id" not in values:
        role_type = values["role_type"]
        in_a_role = plan is Plan.ENTERPRISE and role != "end-user" and role_type is not None
        found = next((x.id for x in roles if x.role_type == role_type), None)
        values["custom_role_id"] = found if in_a_role else None
    if "ticket_restriction" not in values and role == "end-user":
        values["ticket_restriction"] = "requested"
    return User(**values)


def _group(r: Reader, raw: Any, location: str) -> Group | None:
    mapping = r.mapping(raw, location)
    values = None if mapping is None else r.fields(mapping, location, _GROUP_KEYS, {"id", "name"})
    return None if values is None else Group(**values)


def _membership(r: Reader, raw: Any, location: str, index: int) -> Membership | None:
    values = _numbered(
        r, raw, location, index, keys=_MEMBERSHIP_KEYS, required={"user_id", "group_id"}
    )
    return None if values is None else Membership(**values)


def _fault(r: Reader, raw: Any, location: str) -> Fault | None:
    mapping = r.mapping(raw, location)
    if mapping is None:
        return None
    if "kind" not in mapping:
        r.problem(f"{location}.kind", "is required")
        return None
    kind = r.check(mapping["kind"], f"{location}.kind", v.enum(FaultKind))
    if kind is None:
        return None
    checks = {**_FAULT_COMMON_KEYS, **_FAULT_KEYS[kind]}
    values = r.fields(mapping, location, checks, _FAULT_REQUIRED.get(kind, set()))
    if values is None:
        return None
    values = {**_FAULT_DEFAULTS.get(kind, {}), **values}
    if kind is FaultKind.STATUS:
        body = values.get("body", "")
        if isinstance(body, Mapping | list):
            values.setdefault("content_type", _JSON_CONTENT_TYPE)
        elif isinstance(body, str):
            values.setdefault("content_type", _TEXT_CONTENT_TYPE)
        else:
            r.problem(f"{location}.body", "must be a string, a mapping or a list")
            return None
    return Fault(**values)


def parse_fault(raw: Any, location: str = "fault") -> Fault:
    """One fault in scenario format."""
    r = Reader()
    fault = _fault(r, raw, location)
    if fault is None:
        raise ScenarioError(r.problems)
    return fault


# ---- tenants -------------------------------------------------------------------------------


def _tenant(
    r: Reader, raw: Mapping[str, Any], where: Callable[[str], str], base: TenantState
) -> TenantState:
    """A new TenantState: keys present in `raw` replace `base`'s values."""
    values: dict[str, Any] = {key: getattr(base, key) for key in TENANT_KEYS}
    for key in raw:
        if key not in TENANT_KEYS:
            r.problem(where(key), "unknown key")
    for key, check in _TENANT_SCALARS.items():
        if key in raw:
            found = r.check(raw[key], where(key), check)
            if found is not None:
                values[key] = found
    plan: Plan = values["plan"]

    def objects(key: str, parse: Callable[[Any, str, int], T | None]) -> list[T]:
        parsed = []
        for index, item in enumerate(r.items(raw[key], where(key))):
            obj = parse(item, f"{where(key)}[{index}]", index)
            if obj is not None:
                parsed.append(obj)
        return parsed

    # Roles first: a user's default custom_role_id depends on them.
    parsers: dict[str, Callable[[Any, str, int], Any]] = {
        "custom_roles": lambda x, loc, _: _role(r, x, loc),
        "tokens": lambda x, loc, i: _token(r, x, loc, i),
        "users": lambda x, loc, _: _user(r, x, loc, plan, values["custom_roles"]),
        "groups": lambda x, loc, _: _group(r, x, loc),
        "memberships": lambda x, loc, i: _membership(r, x, loc, i),
        "faults": lambda x, loc, _: _fault(r, x, loc),
        "oauth_tokens": lambda x, loc, i: _oauth_token(r, x, loc, i),
        "oauth_clients": lambda x, loc, i: _oauth_client(r, x, loc, i),
    }
    for key, parse in parsers.items():
        if key in raw:
            values[key] = items = objects(key, parse)
            if key != "faults":
                r.unique([item.id for item in items], where(key), "id")
    if "users" in raw:  # Zendesk compares emails case-insensitively
        r.unique([u.email.casefold() for u in values["users"]], where("users"), "email")
    if "oauth_tokens" in raw:
        r.unique([t.token for t in values["oauth_tokens"]], where("oauth_tokens"), "token")
    if "oauth_clients" in raw:
        clients = values["oauth_clients"]
        r.unique([c.client_id for c in clients], where("oauth_clients"), "client_id")
    tenant = TenantState(**values)
    if "memberships" in raw:
        _check_memberships(r, tenant, where("memberships"))
    for key in ("oauth_tokens", "oauth_clients"):
        if key in raw:
            _check_user_ids(r, tenant, getattr(tenant, key), where(key))
    return tenant


def _check_user_ids(
    r: Reader, tenant: TenantState, items: Sequence[OAuthToken | OAuthClient], location: str
) -> None:
    user_ids = {u.id for u in tenant.users}
    for index, item in enumerate(items):
        if item.user_id not in user_ids:
            r.problem(f"{location}[{index}].user_id", f"no user with id {item.user_id}")


def _check_memberships(r: Reader, tenant: TenantState, location: str) -> None:
    user_ids = {u.id for u in tenant.users}
    group_ids = {g.id for g in tenant.groups}
    for index, membership in enumerate(tenant.memberships):
        if membership.user_id not in user_ids:
            r.problem(f"{location}[{index}].user_id", f"no user with id {membership.user_id}")
        if membership.group_id not in group_ids:
            r.problem(f"{location}[{index}].group_id", f"no group with id {membership.group_id}")


def _named_tenant(
    r: Reader,
    name: str,
    raw: Any,
    defaults: Mapping[str, Any],
    base: TenantState | None,
) -> TenantState:
    location = f"tenants.{name}"
    if not TENANT_NAME.match(name):
        r.problem(location, "tenant names must be Zendesk subdomains: a-z, 0-9 and '-'")
    mapping = r.mapping({} if raw is None else raw, location)
    if mapping is None:
        return TenantState(custom_roles=default_roles())
    merged = {**defaults, **mapping}  # shallow: a tenant's key replaces the default's whole

    def where(key: str) -> str:
        return f"{location}.{key}" if key in mapping else f"defaults.{key}"

    fresh = TenantState(custom_roles=default_roles()) if base is None else base
    return _tenant(r, merged, where, fresh)


def parse_tenant(
    name: str,
    raw: Any,
    *,
    defaults: Mapping[str, Any] | None = None,
    base: TenantState | None = None,
) -> TenantState:
    """One tenant in scenario format. With `base`, keys absent from `raw` keep base's values
    (a PATCH); without it, `defaults` then the built-in defaults fill them (a PUT)."""
    r = Reader()
    tenant = _named_tenant(r, name, raw, defaults or {}, base)
    if r.problems:
        raise ScenarioError(r.problems)
    return tenant


def parse_scenario(raw: Any) -> Scenario:
    """A scenario mapping (as loaded from YAML) -> Scenario; ScenarioError lists all problems."""
    r = Reader()
    top = r.mapping(raw, "(top level)")
    if top is None:
        raise ScenarioError(r.problems)
    for key in top:
        if key not in ("tenants", "defaults", "host_suffix"):
            r.problem(str(key), "unknown key")
    host_suffix = None
    if top.get("host_suffix") is not None:
        suffix = r.check(top["host_suffix"], "host_suffix", v.name)
        host_suffix = None if suffix is None else suffix.strip(".").lower()
    defaults = r.mapping(top.get("defaults") or {}, "defaults") or {}
    for key in defaults:
        if key not in TENANT_KEYS:
            r.problem(f"defaults.{key}", "unknown key")
    if "tenants" not in top:
        r.problem("tenants", "is required")
    tenants_raw = r.mapping(top.get("tenants") or {}, "tenants") or {}
    tenants = {
        str(name): _named_tenant(r, str(name), tenant_raw, defaults, None)
        for name, tenant_raw in tenants_raw.items()
    }
    if r.problems:
        raise ScenarioError(r.problems)
    return Scenario(tenants=tenants, host_suffix=host_suffix, defaults=dict(defaults))


def load_scenario(path: str | Path) -> Scenario:
    """Read and parse a scenario file; every problem is reported with the file name.

    A `.json` file is read with the JSON parser (same content, far faster for generated
    scenarios with thousands of tenants); anything else as YAML.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError([Problem("", f"cannot read: {error.strerror}")], source) from error
    if source.endswith(".json"):
        try:
            raw = json.loads(text)
        except ValueError as error:
            raise ScenarioError([Problem("", f"not valid JSON: {error}")], source) from error
        return _parse_raw(raw, source)
    return _parse_text(text, source)


def _parse_text(text: str, source: str) -> Scenario:
    try:
        # The C loader when present: several times faster on big scenarios. Both are safe.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader, picked at run time
    except yaml.YAMLError as error:
        raise ScenarioError([Problem("", f"not valid YAML: {error}")], source) from error
    return _parse_raw(raw, source)


def _parse_raw(raw: Any, source: str) -> Scenario:
    try:
        return parse_scenario(raw)
    except ScenarioError as error:
        raise ScenarioError(list(error.problems), source) from None


def default_scenario() -> Scenario:
    """The built-in scenario: one tenant per interesting state (fresh objects each call)."""
    text = resources.files("monitor.simulator").joinpath(_DEFAULT_SCENARIO).read_text("utf-8")
    return _parse_text(text, _DEFAULT_SCENARIO)
