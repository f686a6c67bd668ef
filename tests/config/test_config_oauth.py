"""The OAuth auth types and the diagnostic credential, with exact messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from monitor.config.load import load_text
from monitor.config.model import (
    ApiTokenAuth,
    Diagnostics,
    OAuthClientCredentialsAuth,
    OAuthTokenAuth,
)
from monitor.config.secrets import SecretRef
from monitor.config.validate import validate


def problems(text: str) -> list[str]:
    return [f"{p.line}: {p.location}: {p.message}" for p in load_text(text).problems]


def one(auth: str, extra: str = "") -> str:
    return f"tenants:\n  - name: acme\n    subdomain: acme\n    auth: {auth}\n{extra}"


def parsed_auth(text: str) -> Any:
    config = load_text(text).config
    assert config is not None
    assert config.tenants, load_text(text).problems
    return config.tenants[0]


def test_oauth_token_defaults_to_read_scope() -> None:
    tenant = parsed_auth(one("{type: oauth_token, token_env: ACME_OAUTH}"))
    assert tenant.auth == OAuthTokenAuth(token=SecretRef(env="ACME_OAUTH"))
    assert tenant.auth.required_scopes == ("read",)


def test_oauth_token_with_scopes_and_email() -> None:
    text = one(
        "{type: oauth_token, token_file: /t, required_scopes: [read, tickets:write], email: a@b.co}"
    )
    assert parsed_auth(text).auth == OAuthTokenAuth(
        token=SecretRef(file=Path("/t")), required_scopes=("read", "tickets:write"), email="a@b.co"
    )


def test_client_credentials() -> None:
    text = one(
        "{type: oauth_client_credentials, client_id: monitor, client_secret_env: S, scopes: [read]}"
    )
    assert parsed_auth(text).auth == OAuthClientCredentialsAuth(
        client_id="monitor", client_secret=SecretRef(env="S"), scopes=("read",)
    )


def test_diagnostics_takes_any_auth_type() -> None:
    text = one(
        "{type: oauth_token, token_env: ACME_OAUTH}",
        "    diagnostics:\n      auth: {type: api_token, email: admin@acme.co, token_env: ADMIN}\n",
    )
    assert parsed_auth(text).diagnostics == Diagnostics(
        ApiTokenAuth(email="admin@acme.co", token=SecretRef(env="ADMIN"))
    )


def test_oauth_mistakes_are_located() -> None:
    assert problems(one("{type: oauth_client_credentials, client_secret_env: S, scopes: []}")) == [
        "4: tenants[0].auth.client_id: required for oauth_client_credentials",
        "4: tenants[0].auth.scopes: is empty; list at least one scope, like [read]",
    ]
    assert problems(one("{type: oauth_token, token_env: X, required_scopes: [read, 'a b']}")) == [
        '4: tenants[0].auth.required_scopes: "a b" is not a scope; '
        "write scopes like read or tickets:read"
    ]
    assert problems(one("{type: oauth_client_credentials, client_id: c}")) == [
        "4: tenants[0].auth: needs client_secret_env (an environment variable) or "
        "client_secret_file (a file) holding the client_secret"
    ]


def test_diagnostics_mistakes_are_located() -> None:
    text = one(
        "{type: api_token, email: a@acme.co, token_env: T}",
        "    diagnostics:\n      auht: {}\n",
    )
    assert problems(text) == [
        "5: tenants[0].diagnostics.auth: required, like {type: api_token, email: agent@acme.com, "
        "token_env: ACME_ZENDESK_TOKEN}",
        '6: tenants[0].diagnostics.auht: unknown key; did you mean "auth"?',
    ]


def test_check_secrets_reads_the_diagnostic_credential(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        one(
            "{type: api_token, email: a@acme.co, token_env: ZENDESK_MONITOR_CANARY_TOKEN}",
            "    diagnostics:\n"
            "      auth: {type: oauth_token, token_env: ZENDESK_MONITOR_UNSET_DIAG}\n",
        )
    )
    lines, code = validate(str(path), check_secrets=True)
    assert code == 2
    assert lines == [
        f"{path}:6: tenants[0].diagnostics.auth.token_env: "
        "environment variable ZENDESK_MONITOR_UNSET_DIAG is not set"
    ]


def test_an_unparseable_url_is_a_located_problem() -> None:
    text = one(
        "{type: api_token, email: a@acme.co, token_env: T}", '    base_url: "https://[::1"\n'
    )
    assert problems(text) == [
        '5: tenants[0].base_url: "https://[::1" is not a valid URL; '
        'write one like "https://acme.zendesk.com"'
    ]


def test_an_impossible_yaml_date_is_a_problem_not_a_crash() -> None:
    outcome = load_text("tenants:\n  - name: a\n    subdomain: 2001-02-30\n")
    assert outcome.config is None
    assert [p.message for p in outcome.file_problems] == [
        "invalid YAML: a value is not valid (day is out of range for month)"
    ]
