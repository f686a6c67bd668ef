"""The parsed configuration: frozen values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from monitor.config.secrets import SecretRef

TicketAccess = Literal["all", "groups"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the config, at a key path like `tenants[3].subdomain`."""

    location: str
    message: str
    line: int | None = None

    def render(self, path: str) -> str:
        """`PATH:LINE: KEYPATH: MESSAGE`; file-wide problems (empty location) have no KEYPATH."""
        line = "" if self.line is None else f"{self.line}:"
        where = f"{path}:{line}" if path else line
        what = f"{self.location}: {self.message}" if self.location else self.message
        return f"{where} {what}".lstrip()


@dataclass(frozen=True, slots=True)
class ApiTokenAuth:
    email: str
    token: SecretRef
    type: Literal["api_token"] = "api_token"


# One member per auth type (see monitor/config/auth.py: AUTH_KINDS); a union later.
@dataclass(frozen=True, slots=True)
class OAuthTokenAuth:
    """A bearer access token obtained elsewhere (the integration's own). The monitor never
    refreshes it: refreshing rotates the token pair and would break its owner."""

    token: SecretRef  # the token, or a JSON file {"access_token": ..., "expires_at": ...}
    required_scopes: tuple[str, ...] = ("read",)
    email: str | None = None  # when given, asserted against users/me
    type: Literal["oauth_token"] = "oauth_token"


@dataclass(frozen=True, slots=True)
class OAuthClientCredentialsAuth:
    """The monitor's own token from the client-credentials grant, cached until near expiry."""

    client_id: str
    client_secret: SecretRef
    scopes: tuple[str, ...] = ("read",)
    email: str | None = None
    type: Literal["oauth_client_credentials"] = "oauth_client_credentials"


Auth = ApiTokenAuth | OAuthTokenAuth | OAuthClientCredentialsAuth


@dataclass(frozen=True, slots=True)
class Diagnostics:
    """An admin or OAuth credential used only to find why the integration credential fails."""

    auth: Auth


@dataclass(frozen=True, slots=True)
class Expect:
    ticket_access: TicketAccess = "all"
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Defaults:
    interval: float = 60.0
    timeout: float = 10.0
    ca_file: Path | None = None


@dataclass(frozen=True, slots=True)
class TenantConfig:
    name: str
    subdomain: str
    base_url: str  # no trailing slash; requests go to {base_url}/api/v2/...
    auth: Auth
    expect: Expect
    interval: float
    timeout: float
    position: int = 0  # index in the file's tenant list
    diagnostics: Diagnostics | None = None


@dataclass(frozen=True, slots=True)
class InvalidTenant:
    """A tenant entry with problems: checked as `config_invalid`, the others run."""

    name: str
    problems: tuple[Problem, ...]
    interval: float = 60.0
    position: int = 0  # index in the file's tenant list


@dataclass(frozen=True, slots=True)
class Config:
    defaults: Defaults
    tenants: tuple[TenantConfig, ...]
    invalid_tenants: tuple[InvalidTenant, ...] = ()

    @property
    def entries(self) -> list[TenantConfig | InvalidTenant]:
        """Every tenant, valid or not, in the order of the file."""
        return sorted([*self.tenants, *self.invalid_tenants], key=lambda t: t.position)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.entries]


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """What `parse` found: a config (None when a file-level problem forbids one) and problems."""

    config: Config | None
    file_problems: tuple[Problem, ...] = ()
    tenant_problems: tuple[Problem, ...] = field(default=())

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.file_problems + self.tenant_problems


class ConfigError(Exception):
    """A config file that cannot be used at all (file-level problems)."""

    def __init__(self, path: str, problems: tuple[Problem, ...]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(p.render(path) for p in problems))
