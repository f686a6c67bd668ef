"""The `auth` mapping: one parser per auth type, registered in AUTH_KINDS.

A new auth type (oauth_token, oauth_client_credentials, ...) is one model dataclass, one parse
function and one AUTH_KINDS entry; nothing else dispatches on the type.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from monitor.config.fields import Invalid, Section, as_string
from monitor.config.model import (
    ApiTokenAuth,
    Auth,
    OAuthClientCredentialsAuth,
    OAuthTokenAuth,
)
from monitor.config.secrets import SecretRef
from monitor.config.text import describe, did_you_mean, one_of, show

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Loose on purpose: the monitor only needs to catch a value that is clearly not an address.
EMAIL = re.compile(r"^[^@\s/:]+@[^@\s/:]+\.[^@\s/:.]+$")
AUTH_EXAMPLE = "{type: api_token, email: agent@acme.com, token_env: ACME_ZENDESK_TOKEN}"


@dataclass(frozen=True, slots=True)
class AuthKind:
    keys: tuple[str, ...]  # allowed keys besides `type`
    parse: Callable[[Section], Auth | None]
    # (key, reference) of every secret, so `validate --check-secrets` can point at its key.
    secrets: Callable[[Auth], tuple[tuple[str, SecretRef], ...]]


def parse_auth(tenant: Section, key: str = "auth") -> Auth | None:
    if not tenant.has(key):
        tenant.add(key, f"required, like {AUTH_EXAMPLE}")
        return None
    auth = tenant.section(key, AUTH_EXAMPLE)
    if auth is None:
        return None
    kind_name = auth.need("type", _auth_type, f"required; use one of: {one_of(AUTH_KINDS)}")
    if kind_name is None:
        return None
    kind = AUTH_KINDS[kind_name]
    auth.check_keys(("type", *kind.keys), _AUTH_HINTS)
    return kind.parse(auth)


def secret_refs(auth: Auth) -> tuple[tuple[str, SecretRef], ...]:
    return AUTH_KINDS[auth.type].secrets(auth)


def _auth_type(value: object) -> str:
    name = as_string(value)
    if name in AUTH_KINDS:
        return name
    close = did_you_mean(name, AUTH_KINDS)
    hint = f'; did you mean "{close}"?' if close else f"; use one of: {one_of(AUTH_KINDS)}"
    raise Invalid(f"{show(name)} is not a supported auth type{hint}")


# --- api_token: email + API token, sent as Basic `{email}/token:{token}` ---------------------


def _parse_api_token(auth: Section) -> Auth | None:
    email = auth.need("email", parse_email, "required for api_token")
    token = parse_secret_ref(auth, "token")
    if email is None or token is None:
        return None
    return ApiTokenAuth(email=email, token=token)


def _api_token_secrets(auth: Auth) -> tuple[tuple[str, SecretRef], ...]:
    if not isinstance(auth, ApiTokenAuth):
        raise TypeError(f"not an API-token auth: {auth.type}")
    return ((secret_key("token", auth.token), auth.token),)


# --- oauth_token: a bearer token obtained elsewhere, never refreshed by the monitor -----------


def _parse_oauth_token(auth: Section) -> Auth | None:
    token = parse_secret_ref(auth, "token")
    scopes = auth.get("required_scopes", parse_scopes) if auth.has("required_scopes") else ("read",)
    email = auth.get("email", parse_email) if auth.has("email") else None
    if token is None or scopes is None or (auth.has("email") and email is None):
        return None
    return OAuthTokenAuth(token=token, required_scopes=scopes, email=email)


def _oauth_token_secrets(auth: Auth) -> tuple[tuple[str, SecretRef], ...]:
    if not isinstance(auth, OAuthTokenAuth):
        raise TypeError(f"not an oauth_token auth: {auth.type}")
    return ((secret_key("token", auth.token), auth.token),)


# --- oauth_client_credentials: the monitor's own token from the client-credentials grant -------


def _parse_client_credentials(auth: Section) -> Auth | None:
    client_id = auth.need("client_id", _client_id, "required for oauth_client_credentials")
    secret = parse_secret_ref(auth, "client_secret")
    scopes = auth.get("scopes", parse_scopes) if auth.has("scopes") else ("read",)
    email = auth.get("email", parse_email) if auth.has("email") else None
    if client_id is None or secret is None or scopes is None:
        return None
    if auth.has("email") and email is None:
        return None
    return OAuthClientCredentialsAuth(
        client_id=client_id, client_secret=secret, scopes=scopes, email=email
    )


def _client_credentials_secrets(auth: Auth) -> tuple[tuple[str, SecretRef], ...]:
    if not isinstance(auth, OAuthClientCredentialsAuth):
        raise TypeError(f"not an oauth_client_credentials auth: {auth.type}")
    return ((secret_key("client_secret", auth.client_secret), auth.client_secret),)


def _client_id(value: object) -> str:
    text = as_string(value)
    if not text.strip():
        raise Invalid("is empty; write the OAuth client's unique identifier")
    return text


def parse_scopes(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid(f"must be a list of scopes like [read]; got {describe(value)}")
    if not value:
        raise Invalid("is empty; list at least one scope, like [read]")
    scopes = []
    for item in value:
        scope = as_string(item)
        if not scope or scope != scope.strip() or " " in scope:
            raise Invalid(f"{show(scope)} is not a scope; write scopes like read or tickets:read")
        scopes.append(scope)
    return tuple(dict.fromkeys(scopes))


AUTH_KINDS: dict[str, AuthKind] = {
    "api_token": AuthKind(
        keys=("email", "token_env", "token_file"),
        parse=_parse_api_token,
        secrets=_api_token_secrets,
    ),
    "oauth_token": AuthKind(
        keys=("token_env", "token_file", "required_scopes", "email"),
        parse=_parse_oauth_token,
        secrets=_oauth_token_secrets,
    ),
    "oauth_client_credentials": AuthKind(
        keys=("client_id", "client_secret_env", "client_secret_file", "scopes", "email"),
        parse=_parse_client_credentials,
        secrets=_client_credentials_secrets,
    ),
}

_AUTH_HINTS = {
    "token": "the token itself never goes in the config: "
    "name an environment variable with token_env or a file with token_file",
    "password": "the monitor uses an API token, not a password: "
    "name an environment variable with token_env or a file with token_file",
}


# --- pieces shared by auth types ---------------------------------------------------------------


def parse_email(value: object) -> str:
    text = as_string(value)
    if not text.strip():
        raise Invalid("is empty; write the email of the Zendesk user that owns the token")
    marker = text.lower().find("/token")
    if marker >= 0:
        before, after = text[:marker].strip(), text[marker + len("/token") :]
        if not after.strip():
            raise Invalid(f"the monitor adds /token itself; write {show(before)}")
        # Whatever follows "/token" may be the token: never echo it.
        raise Invalid(
            f"contains the token after /token; write only {show(before)} here "
            "and name the token's place with token_env or token_file"
        )
    if text != text.strip():
        raise Invalid(f"{show(text)} has leading or trailing spaces; write {show(text.strip())}")
    if not EMAIL.fullmatch(text):
        shown = show(text) if ":" not in text else "the value"  # a ":" may precede a secret
        raise Invalid(f"{shown} is not an email address, like agent@acme.com")
    return text


def secret_key(name: str, ref: SecretRef) -> str:
    return f"{name}_env" if ref.env is not None else f"{name}_file"


def parse_secret_ref(auth: Section, name: str) -> SecretRef | None:
    """Exactly one of `{name}_env` / `{name}_file`: where the secret is read from at check time."""
    env_key, file_key = f"{name}_env", f"{name}_file"
    if auth.has(env_key) and auth.has(file_key):
        auth.add(None, f"has both {env_key} and {file_key}; keep only one")
        return None
    if auth.has(env_key):
        env = auth.get(env_key, parse_env_name)
        return None if env is None else SecretRef(env=env)
    if auth.has(file_key):
        file = auth.get(file_key, _file_path)
        return None if file is None else SecretRef(file=auth.ctx.path(file))
    auth.add(
        None,
        f"needs {env_key} (an environment variable) or {file_key} (a file) holding the {name}",
    )
    return None


def looks_like_token(text: str) -> bool:
    """A pasted API token (long, mixed case and digits), where a name or path was expected."""
    return (
        len(text) >= 30
        and any(char.islower() for char in text)
        and any(char.isupper() for char in text)
        and any(char.isdigit() for char in text)
        and not any(char in text for char in "_/.")
    )


def parse_env_name(value: object) -> str:
    # The value may be a token pasted by mistake, so messages never quote it.
    if not isinstance(value, str):
        raise Invalid(f"must be the name of an environment variable; got {_kind(value)}")
    if not value.strip():
        raise Invalid("is empty; write the name of the environment variable holding the token")
    if looks_like_token(value):
        raise Invalid(
            "looks like a token, not the name of an environment variable; "
            "put the token in a variable and write the variable's name here"
        )
    if not ENV_NAME.fullmatch(value):
        raise Invalid(
            'is not a valid environment variable name; use letters, digits and "_", '
            "not starting with a digit"
        )
    return value


def _file_path(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be the path of a file; got {_kind(value)}")
    if not value.strip():
        raise Invalid("is empty; write the path of the file holding the token")
    if looks_like_token(value):
        raise Invalid(
            "looks like a token, not a path; put the token in a file and write its path here"
        )
    return value


def _kind(value: object) -> str:
    """Like describe(), but never quotes a string (it could be a secret)."""
    return "text" if isinstance(value, str) else describe(value)
