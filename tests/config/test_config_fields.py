"""parse() on plain mappings: tenant fields, their messages and the resulting frozen config."""

# ruff: noqa: E501 - tables of whole messages read best one case per line

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from monitor.config import (
    AUTH_KINDS,
    ApiTokenAuth,
    Expect,
    InvalidTenant,
    SecretRef,
    TenantConfig,
    parse,
    secret_refs,
)
from monitor.config.parse import parse_with

AUTH = {"type": "api_token", "email": "agent@acme.com", "token_env": "ACME_TOKEN"}
MISSING = object()


def tenant(**fields: object) -> dict[str, object]:
    entry: dict[str, object] = {"name": "acme", "subdomain": "acme", "auth": dict(AUTH)}
    for key, value in fields.items():
        if value is MISSING:
            entry.pop(key, None)
        else:
            entry[key] = value
    return entry


def auth(**fields: object) -> dict[str, object]:
    result: dict[str, object] = dict(AUTH)
    for key, value in fields.items():
        if value is MISSING:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def problems_of(entry: object, defaults: Any = MISSING) -> list[tuple[str, str]]:
    data: dict[str, object] = {"tenants": [entry]}
    if defaults is not MISSING:
        data["defaults"] = defaults
    outcome = parse(data)
    return [(p.location, p.message) for p in outcome.problems]


def only_tenant(entry: dict[str, object]) -> TenantConfig:
    outcome = parse({"tenants": [entry]})
    assert outcome.problems == ()
    assert outcome.config is not None
    (result,) = outcome.config.tenants
    return result


def test_a_minimal_tenant_gets_the_defaults() -> None:
    assert only_tenant(tenant()) == TenantConfig(
        name="acme",
        subdomain="acme",
        base_url="https://acme.zendesk.com",
        auth=ApiTokenAuth(email="agent@acme.com", token=SecretRef(env="ACME_TOKEN")),
        expect=Expect(ticket_access="all"),
        interval=60.0,
        timeout=10.0,
    )


def test_the_config_is_frozen() -> None:
    config = only_tenant(tenant())
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.subdomain = "other"  # type: ignore[misc]


def test_tenant_overrides_and_defaults() -> None:
    outcome = parse(
        {
            "defaults": {"interval": "2m", "timeout": "20s"},
            "tenants": [tenant(), tenant(name="b", interval="1h"), tenant(name="c", timeout=5)],
        }
    )
    assert outcome.config is not None
    assert outcome.config.defaults.interval == 120.0
    assert [(t.interval, t.timeout) for t in outcome.config.tenants] == [
        (120.0, 20.0),
        (3600.0, 20.0),
        (120.0, 5.0),
    ]


@pytest.mark.parametrize(
    ("entry", "defaults", "expected"),
    [
        (tenant(timeout="1m"), MISSING, [("tenants[0].timeout", "timeout 1m must be below the interval 60s (the built-in default)")]),
        (tenant(timeout="30s"), {"interval": "30s"}, [("tenants[0].timeout", "timeout 30s must be below the interval 30s (from defaults)")]),
        (tenant(interval="5s"), {"timeout": "8s"}, [("tenants[0].interval", "interval 5s must be above the timeout 8s (from defaults)")]),
        (tenant(interval=5), MISSING, [("tenants[0].interval", "interval 5s must be above the timeout 10s (the built-in default)")]),
        (tenant(interval="1m", timeout="1m"), MISSING, [("tenants[0].timeout", "timeout 1m must be below the interval 1m")]),
        (tenant(interval="10x", timeout="1h"), MISSING, [("tenants[0].interval", '"10x" has an unknown unit "x"; use ms, s, m, h or d')]),
    ],
)  # fmt: skip
def test_timeout_must_be_below_the_interval_per_tenant(
    entry: dict[str, object], defaults: object, expected: list[tuple[str, str]]
) -> None:
    assert problems_of(entry, defaults) == expected


def test_an_invalid_tenant_keeps_its_interval_for_the_config_invalid_check() -> None:
    outcome = parse(
        {
            "tenants": [
                tenant(name="a", interval="5m", subdomain="A"),
                tenant(name="b", subdomain="B"),
            ]
        }
    )
    assert outcome.config is not None
    assert outcome.config.tenants == ()
    assert [(t.name, t.interval) for t in outcome.config.invalid_tenants] == [
        ("a", 300.0),
        ("b", 60.0),
    ]
    assert outcome.config.invalid_tenants[0] == InvalidTenant(
        name="a",
        problems=outcome.tenant_problems[:1],
        interval=300.0,
    )
    assert outcome.config.names == ["a", "b"]


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://acme.zendesk.com", "https://acme.zendesk.com"),
        ("https://acme.zendesk.com/", "https://acme.zendesk.com"),
        ("https://gw.example/zendesk/eu/", "https://gw.example/zendesk/eu"),
        ("https://gw.example:8443/zd", "https://gw.example:8443/zd"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.1:8080/sim", "http://127.0.0.1:8080/sim"),
        ("http://127.5.5.5", "http://127.5.5.5"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
    ],
)
def test_valid_base_urls(base_url: str, expected: str) -> None:
    assert only_tenant(tenant(base_url=base_url)).base_url == expected


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("acme.zendesk.com", '"acme.zendesk.com" is not an absolute URL; write "https://acme.zendesk.com"'),
        ("ftp://acme.zendesk.com", '"ftp://acme.zendesk.com" must start with https://'),
        ("https:///api", '"https:///api" has no host'),
        ("https://acme.zendesk.com:99999", '"https://acme.zendesk.com:99999" has an invalid port'),
        ("https://acme.zendesk.com/?x=1", 'has a query (?...); remove it: write "https://acme.zendesk.com"'),
        (
            "https://acme.zendesk.com/?access_token=s3cr3t",
            'has a query (?...); remove it: write "https://acme.zendesk.com"',
        ),
        ("https://acme.zendesk.com/#top", 'has a fragment (#...); remove it: write "https://acme.zendesk.com"'),
        ("http://acme.zendesk.com", '"http://acme.zendesk.com" uses plain http; use https (http is allowed only for localhost)'),
        ("http://10.0.0.1:8080", '"http://10.0.0.1:8080" uses plain http; use https (http is allowed only for localhost)'),
        ("https://acme.zendesk.com/api/v2", '"https://acme.zendesk.com/api/v2" ends with /api/v2, which the monitor adds itself; write "https://acme.zendesk.com"'),
        ("https://gw.example/zd/api/v2/", '"https://gw.example/zd/api/v2/" ends with /api/v2, which the monitor adds itself; write "https://gw.example/zd"'),
        ("https://acme.zendesk.com /x", '"https://acme.zendesk.com /x" contains spaces; write "https://acme.zendesk.com/x"'),
        ("", 'is empty; remove it or write a URL like "https://acme.zendesk.com"'),
        ("https://user:hunter2@acme.zendesk.com", 'must not contain a user name or password ("@"); credentials go in auth'),
        (42, 'must be a string; got the number 42 (write "42" in quotes)'),
    ],
)  # fmt: skip
def test_invalid_base_urls(base_url: object, message: str) -> None:
    assert problems_of(tenant(base_url=base_url)) == [("tenants[0].base_url", message)]


def test_a_base_url_still_needs_a_valid_subdomain() -> None:
    entry = tenant(base_url="https://gw.example/zd", subdomain=MISSING)
    assert problems_of(entry) == [
        ("tenants[0].subdomain", 'required; the "acme" of acme.zendesk.com')
    ]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("agent@acme.com/token", 'the monitor adds /token itself; write "agent@acme.com"'),
        ("agent@acme.com/TOKEN ", 'the monitor adds /token itself; write "agent@acme.com"'),
        ("agent@acme.com/token:abc123", 'contains the token after /token; write only "agent@acme.com" here and name the token\'s place with token_env or token_file'),
        ("agent", '"agent" is not an email address, like agent@acme.com'),
        ("agent@acme", '"agent@acme" is not an email address, like agent@acme.com'),
        ("a b@acme.com", '"a b@acme.com" is not an email address, like agent@acme.com'),
        ("agent@acme.com:pw", "the value is not an email address, like agent@acme.com"),
        (" agent@acme.com", '" agent@acme.com" has leading or trailing spaces; write "agent@acme.com"'),
        ("", "is empty; write the email of the Zendesk user that owns the token"),
        (None, "must be a string; got an empty value"),
    ],
)  # fmt: skip
def test_invalid_emails(email: object, message: str) -> None:
    assert problems_of(tenant(auth=auth(email=email))) == [("tenants[0].auth.email", message)]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"email": MISSING}, [("tenants[0].auth.email", "required for api_token")]),
        ({"type": MISSING}, [("tenants[0].auth.type", "required; use one of: api_token, oauth_token, oauth_client_credentials")]),
        ({"type": "api-token"}, [("tenants[0].auth.type", '"api-token" is not a supported auth type; did you mean "api_token"?')]),
        ({"type": "basic"}, [("tenants[0].auth.type", '"basic" is not a supported auth type; '
                    "use one of: api_token, oauth_token, oauth_client_credentials")]),
        ({"token_env": MISSING}, [("tenants[0].auth", "needs token_env (an environment variable) or token_file (a file) holding the token")]),
        ({"token_file": "/run/t"}, [("tenants[0].auth", "has both token_env and token_file; keep only one")]),
        ({"token_env": "ACME-TOKEN"}, [("tenants[0].auth.token_env", 'is not a valid environment variable name; use letters, digits and "_", not starting with a digit')]),
        ({"token_env": ""}, [("tenants[0].auth.token_env", "is empty; write the name of the environment variable holding the token")]),
        ({"token_env": 5}, [("tenants[0].auth.token_env", "must be the name of an environment variable; got the number 5")]),
        ({"token_env": "Zq8Xb3Lm0Pw7Rt2Yv5Nc1Hd4Kf6Gj9Se0Ua3Io"}, [("tenants[0].auth.token_env", "looks like a token, not the name of an environment variable; put the token in a variable and write the variable's name here")]),
        ({"token_env": MISSING, "token_file": 3}, [("tenants[0].auth.token_file", "must be the path of a file; got the number 3")]),
        ({"token_env": MISSING, "token_file": "Zq8Xb3Lm0Pw7Rt2Yv5Nc1Hd4Kf6Gj9Se0Ua3Io"}, [("tenants[0].auth.token_file", "looks like a token, not a path; put the token in a file and write its path here")]),
        ({"tokenfile": "x"}, [("tenants[0].auth.tokenfile", 'unknown key; did you mean "token_file"?')]),
        ({"password": "x"}, [("tenants[0].auth.password", "unknown key; the monitor uses an API token, not a password: name an environment variable with token_env or a file with token_file")]),
    ],
)  # fmt: skip
def test_auth_problems(fields: dict[str, object], expected: list[tuple[str, str]]) -> None:
    assert problems_of(tenant(auth=auth(**fields))) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "must be a mapping like {type: api_token, email: agent@acme.com, token_env: ACME_ZENDESK_TOKEN}; got an empty value"),
        ("api_token", 'must be a mapping like {type: api_token, email: agent@acme.com, token_env: ACME_ZENDESK_TOKEN}; got "api_token"'),
    ],
)  # fmt: skip
def test_auth_must_be_a_mapping(value: object, message: str) -> None:
    assert problems_of(tenant(auth=value)) == [("tenants[0].auth", message)]


def test_auth_types_are_dispatched_through_one_registry() -> None:
    assert list(AUTH_KINDS) == ["api_token", "oauth_token", "oauth_client_credentials"]
    config = only_tenant(tenant())
    assert secret_refs(config.auth) == (("token_env", SecretRef(env="ACME_TOKEN")),)


def test_a_relative_token_file_is_relative_to_the_config(tmp_path: Path) -> None:
    entry = tenant(auth=auth(token_env=MISSING, token_file="secrets/acme"))
    outcome = parse_with({"tenants": [entry]}, base_dir=tmp_path)
    assert outcome.config is not None
    auth_ = outcome.config.tenants[0].auth
    assert isinstance(auth_, ApiTokenAuth)
    token = auth_.token
    assert token == SecretRef(file=tmp_path / "secrets" / "acme")
    assert secret_refs(outcome.config.tenants[0].auth) == (("token_file", token),)


def test_parse_alone_keeps_paths_as_written() -> None:
    entry = tenant(auth=auth(token_env=MISSING, token_file="secrets/acme"))
    parsed = only_tenant(entry).auth
    assert isinstance(parsed, ApiTokenAuth)
    assert parsed.token == SecretRef(file=Path("secrets/acme"))


@pytest.mark.parametrize(
    ("expect", "result"),
    [
        (MISSING, Expect("all")),
        (None, Expect("all")),
        ({}, Expect("all")),
        ({"ticket_access": "all"}, Expect("all")),
        ({"ticket_access": "groups", "groups": ["Support", "Billing"]}, Expect("groups", ("Support", "Billing"))),
    ],
)  # fmt: skip
def test_valid_expectations(expect: object, result: Expect) -> None:
    assert only_tenant(tenant(expect=expect)).expect == result


@pytest.mark.parametrize(
    ("expect", "expected"),
    [
        ({"ticket_access": "groups"}, [("tenants[0].expect.groups", "required when ticket_access is groups; list the group names")]),
        ({"ticket_access": "groups", "groups": []}, [("tenants[0].expect.groups", "is empty; list at least one group name")]),
        ({"ticket_access": "groups", "groups": "Support"}, [("tenants[0].expect.groups", "must be a list of group names; write [Support]")]),
        ({"ticket_access": "groups", "groups": {"a": 1}}, [("tenants[0].expect.groups", "must be a list of group names; got a mapping")]),
        ({"ticket_access": "groups", "groups": ["A", 7, " B", "A", ""]}, [
            ("tenants[0].expect.groups[1]", "must be a group name; got the number 7"),
            ("tenants[0].expect.groups[2]", '" B" has leading or trailing spaces; write "B"'),
            ("tenants[0].expect.groups[3]", '"A" is listed twice (also groups[0])'),
            ("tenants[0].expect.groups[4]", "is empty; write the name of a group"),
        ]),
        ({"groups": ["Support"]}, [("tenants[0].expect.groups", "must not be set when ticket_access is all; remove it or set ticket_access: groups")]),
        ({"ticket_access": "group", "groups": []}, [
            ("tenants[0].expect.ticket_access", '"group" is not one of: all, groups; did you mean "groups"?'),
            ("tenants[0].expect.groups", "is empty; list at least one group name"),
        ]),
        ({"ticket_acess": "all"}, [("tenants[0].expect.ticket_acess", 'unknown key; did you mean "ticket_access"?')]),
        ("all", [("tenants[0].expect", 'must be a mapping like {ticket_access: groups, groups: [Support]}; got "all"')]),
    ],
)  # fmt: skip
def test_expectation_problems(expect: object, expected: list[tuple[str, str]]) -> None:
    assert problems_of(tenant(expect=expect)) == expected


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("token_env", "unknown key; token_env belongs under auth"),
        ("groups", "unknown key; groups belongs under expect"),
        ("ca_file", "unknown key; ca_file is set once under defaults"),
        ("token", "unknown key; the token itself never goes in the config: name an environment variable with auth.token_env or a file with auth.token_file"),
        ("subdomian", 'unknown key; did you mean "subdomain"?'),
        ("Interval", 'unknown key; did you mean "interval"?'),
        (7, "unknown key; expected one of: name, subdomain, base_url, auth, diagnostics, expect, interval, timeout"),
    ],
)  # fmt: skip
def test_unknown_tenant_keys(key: object, message: str) -> None:
    entry: dict[object, object] = dict(tenant().items())
    entry[key] = "x"
    assert problems_of(entry) == [(f"tenants[0].{key}", message)]


def test_parse_collects_every_problem_and_lines_are_left_to_the_loader() -> None:
    outcome = parse(
        {
            "defaults": {"interval": "0s"},
            "tenants": [
                {"subdomain": "Acme", "auth": {"type": "api_token"}},
                tenant(name="ok"),
                "nope",
            ],
            "extra": 1,
        }
    )
    assert outcome.config is None
    assert [(p.location, p.message, p.line) for p in outcome.file_problems] == [
        ("extra", "unknown key; expected one of: defaults, tenants", None),
        ("defaults.interval", '"0s" must be more than 0', None),
        ("tenants[0].name", "required; it is the tenant's label in metrics", None),
        ("tenants[2]", 'must be a mapping (one tenant); got "nope"', None),
    ]
    assert [(p.location, p.message) for p in outcome.tenant_problems] == [
        ("tenants[0].subdomain", '"Acme" has uppercase letters; write "acme"'),
        ("tenants[0].auth.email", "required for api_token"),
        (
            "tenants[0].auth",
            "needs token_env (an environment variable) or token_file (a file) holding the token",
        ),
    ]
