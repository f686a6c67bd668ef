"""The simulator's mutable in-memory world: one `TenantState` per Zendesk account.

Tests change these objects while the simulator runs (directly, through `Simulator` helpers or
the HTTP control API); every request reads them afresh, so a change shows on the next request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any


class Plan(StrEnum):
    """Decides how `GET /api/v2/custom_roles` answers (custom roles are Enterprise only)."""

    ENTERPRISE = "enterprise"  # lists the roles
    PROFESSIONAL = "professional"  # 403 Forbidden envelope (2026 wording)
    TEAM = "team"  # 404 InvalidEndpoint


class Account(StrEnum):
    """What stands at the tenant's address. Only `active` reaches the API."""

    ACTIVE = "active"
    MISSING_JSON_404 = "missing_json_404"  # 404 {"error":{"title":"No help desk at ..."}}
    MISSING_TEXT_404 = "missing_text_404"  # 404 text/plain
    CLOSED_REDIRECT = "closed_redirect"  # 301 to the other listener's help-center-closed page


class Answer(StrEnum):
    """How a credential is answered when public material does not say (suspended, deleted...)."""

    OK = "ok"  # authenticates; the user JSON shows the state (suspended: true / active: false)
    UNAUTHORIZED = "unauthorized"  # 401 {"error":"Couldn't authenticate you"}
    FORBIDDEN = "forbidden"  # 403 {"error":{"title":"Forbidden","message":...}}
    ANONYMOUS = "anonymous"  # users/me: 200 anonymous user; other endpoints: 401


class FaultKind(StrEnum):
    RATE_LIMITED = "rate_limited"  # 429 text/plain + Retry-After
    UNAVAILABLE = "unavailable"  # 503, Retry-After when retry_after is set
    SERVER_ERROR = "server_error"  # 500
    SLOW = "slow"  # wait `seconds`, then answer normally
    HTML = "html"  # 200 text/html page
    MALFORMED_JSON = "malformed_json"  # 200 application/json that does not parse
    ANONYMOUS = "anonymous"  # 200 anonymous user, whatever the path
    RESET = "reset"  # abort the TCP connection, no HTTP answer
    REDIRECT = "redirect"  # 302 (or `status`) to the other listener
    STATUS = "status"  # any `status` with `body` / `content_type` / `headers`


class ScopeWording(StrEnum):
    """The 403 text for an OAuth token missing a scope (tap-zendesk saw it change in 2026)."""

    LEGACY = "legacy"  # "You are missing the following required scopes: read"
    CURRENT = "2026"  # "Missing the following required scopes: read"


class TokenEnd(StrEnum):
    """Which end of an API token `visible_token` shows: public sources disagree."""

    END = "end"  # the last 4 characters
    START = "start"  # the first 4 characters


class FlagFormat(StrEnum):
    """How account settings serialise the api flags: typed boolean, shown as strings."""

    STRING = "string"  # "true" / "false", like the doc example
    BOOLEAN = "boolean"  # true / false, like the JSON-format table


def rfc3339(moment: datetime) -> str:
    """Zendesk's timestamp format: UTC, whole seconds, "Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Token:
    """An API token. It belongs to the account; `user_id` is the admin who created it."""

    id: int
    token: str
    # false: revoked, or deactivated (for inactivity, after 2026-07-28); still listed.
    active: bool = True
    description: str = ""
    user_id: int | None = None
    assigned_user_id: int | None = None
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"
    # Updated to the simulator's time on every request the token authenticates.
    last_used: str | None = None

    def __repr__(self) -> str:
        # Token values must never reach a log line, even through a tenant's repr.
        return f"Token(id={self.id!r}, token=<secret>, active={self.active!r})"


@dataclass(slots=True)
class OAuthToken:
    """An OAuth access token (`Authorization: Bearer <token>`) acting as user `user_id`."""

    id: int
    token: str
    user_id: int
    scopes: list[str] = field(default_factory=lambda: ["read"])
    expires_at: datetime | None = None  # None: never expires (legacy tokens)
    refresh_token_expires_at: datetime | None = None
    client_id: int | str | None = None
    revoked: bool = False
    created_at: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    used_at: datetime | None = None  # updated on every request the token authenticates

    def is_valid(self, now: datetime) -> bool:
        return not self.revoked and (self.expires_at is None or now < self.expires_at)

    def __repr__(self) -> str:
        return (
            f"OAuthToken(id={self.id!r}, token=<secret>, user_id={self.user_id!r}, "
            f"scopes={self.scopes!r}, expires_at={self.expires_at!r}, revoked={self.revoked!r})"
        )


OAUTH_EXPIRES_IN_RANGE = (300, 172_800)  # seconds, per the grant-type tokens reference


@dataclass(slots=True)
class OAuthClient:
    """An OAuth client for the client-credentials grant; its tokens act as user `user_id`."""

    id: int  # the numeric id tokens show as `client_id`
    client_id: str  # the identifier sent in the grant request
    secret: str
    user_id: int
    scopes: list[str] = field(default_factory=lambda: ["read"])
    expires_in: int = 7200

    def __repr__(self) -> str:
        return (
            f"OAuthClient(id={self.id!r}, client_id={self.client_id!r}, secret=<secret>, "
            f"user_id={self.user_id!r}, scopes={self.scopes!r})"
        )


@dataclass(slots=True)
class User:
    id: int
    email: str  # the primary identity: what users/me shows
    # Other email identities of the same user: they authenticate as this user too, which is how
    # a credential configured with an old address ends up authenticated as somebody else's email.
    secondary_emails: list[str] = field(default_factory=list)
    name: str = "Integration"
    role: str = "agent"  # "end-user" | "agent" | "admin"
    role_type: int | None = 0
    custom_role_id: int | None = None
    ticket_restriction: str | None = None
    # None: derived like Zendesk does (true for end users and for agents with a restriction).
    restricted_agent: bool | None = None
    only_private_comments: bool = False
    suspended: bool = False
    active: bool = True
    verified: bool = True
    moderator: bool = False
    default_group_id: int | None = None
    # Zendesk updates it on sign-in and on every API-token request; so does the simulator.
    last_login_at: str | None = None
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"
    time_zone: str = "UTC"
    locale: str = "en-US"
    organization_id: int | None = None
    shared: bool = False
    shared_agent: bool = False
    chat_only: bool = False
    two_factor_auth_enabled: bool | None = None
    report_csv: bool = False

    @property
    def is_restricted(self) -> bool:
        if self.restricted_agent is not None:
            return self.restricted_agent
        return self.role == "end-user" or self.ticket_restriction is not None

    @property
    def is_staff(self) -> bool:
        return self.role in ("agent", "admin")


@dataclass(slots=True)
class CustomRole:
    id: int
    name: str
    role_type: int = 0
    description: str = ""
    configuration: dict[str, Any] = field(default_factory=dict)
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"


@dataclass(slots=True)
class Group:
    id: int
    name: str
    is_public: bool = True
    description: str = ""
    default: bool = False
    deleted: bool = False
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"


@dataclass(slots=True)
class Membership:
    id: int
    user_id: int
    group_id: int
    default: bool = False
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"


@dataclass(slots=True)
class Fault:
    """A scripted misbehaviour, checked before normal handling.

    `path` None matches every request to the tenant; otherwise the exact path after the tenant
    prefix, without `.json`. `times` None means always; a number counts down to zero. `every`
    N applies it to the 1st, (N+1)th, ... matching request only, so an answer can flap.
    """

    kind: FaultKind
    path: str | None = None
    times: int | None = None
    every: int = 1
    retry_after: int | None = None
    seconds: float = 0.0
    status: int | None = None
    body: str | dict[str, Any] | list[Any] = ""  # a mapping or list is sent as JSON
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    seen: int = 0  # matching requests so far, for `every`

    def take(self, path: str) -> bool:
        """Whether this fault answers a request for `path`; counts the request if it matches."""
        if self.path not in (None, path) or self.times == 0:
            return False
        turn = self.seen
        self.seen += 1
        if turn % self.every:
            return False
        if self.times is not None:
            self.times -= 1
        return True


@dataclass(slots=True)
class TenantState:
    plan: Plan = Plan.ENTERPRISE
    account: Account = Account.ACTIVE
    token_access: bool = True
    tokens: list[Token] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    custom_roles: list[CustomRole] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    suspended_user_answer: Answer = Answer.OK
    deleted_user_answer: Answer = Answer.OK
    unauthenticated_me_answer: Answer = Answer.UNAUTHORIZED
    rate_limit: int = 700
    faults: list[Fault] = field(default_factory=list)
    oauth_tokens: list[OAuthToken] = field(default_factory=list)
    oauth_clients: list[OAuthClient] = field(default_factory=list)
    scope_error_wording: ScopeWording = ScopeWording.CURRENT
    visible_token_end: TokenEnd = TokenEnd.END
    settings_flag_format: FlagFormat = FlagFormat.STRING

    def clone(self) -> TenantState:
        """An independent copy (much faster than copy.deepcopy for 10k tenants)."""
        return replace(
            self,
            tokens=[replace(t) for t in self.tokens],
            users=[replace(u, secondary_emails=list(u.secondary_emails)) for u in self.users],
            custom_roles=[
                replace(r, configuration=dict(r.configuration)) for r in self.custom_roles
            ],
            groups=[replace(g) for g in self.groups],
            memberships=[replace(m) for m in self.memberships],
            faults=[replace(f, headers=dict(f.headers)) for f in self.faults],
            oauth_tokens=[replace(t, scopes=list(t.scopes)) for t in self.oauth_tokens],
            oauth_clients=[replace(c, scopes=list(c.scopes)) for c in self.oauth_clients],
        )

    # Lookups scan one tenant's short lists: cost is independent of the number of tenants,
    # and a test that edits a list in place is never served from a stale index.
    def active_token(self, value: str) -> Token | None:
        return next((t for t in self.tokens if t.active and t.token == value), None)

    def user_by_email(self, email: str) -> User | None:
        wanted = email.casefold()
        return next(
            (
                u
                for u in self.users
                if u.email.casefold() == wanted
                or any(e.casefold() == wanted for e in u.secondary_emails)
            ),
            None,
        )

    def user_by_id(self, user_id: int) -> User | None:
        return next((u for u in self.users if u.id == user_id), None)

    def group_by_id(self, group_id: int) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def role_by_id(self, role_id: int) -> CustomRole | None:
        return next((r for r in self.custom_roles if r.id == role_id), None)

    def remove_token(self, token_id: int) -> bool:
        """Delete an API token (it disappears from the list); False when there is none."""
        kept = [t for t in self.tokens if t.id != token_id]
        removed = len(kept) != len(self.tokens)
        self.tokens[:] = kept
        return removed

    def remove_oauth_token(self, token_id: int) -> bool:
        kept = [t for t in self.oauth_tokens if t.id != token_id]
        removed = len(kept) != len(self.oauth_tokens)
        self.oauth_tokens[:] = kept
        return removed

    def oauth_token(self, value: str) -> OAuthToken | None:
        """The OAuth token with this value, whatever its state (case-sensitive)."""
        return next((t for t in self.oauth_tokens if t.token == value), None)

    def oauth_client(self, client_id: str) -> OAuthClient | None:
        return next((c for c in self.oauth_clients if c.client_id == client_id), None)

    def next_oauth_token_id(self) -> int:
        return max((t.id for t in self.oauth_tokens), default=0) + 1

    def users_with_email(self, email: str) -> list[User]:
        """Every user one of whose emails is `email` (case-insensitive), deleted ones too."""
        wanted = email.casefold()
        return [
            u
            for u in self.users
            if u.email.casefold() == wanted
            or any(e.casefold() == wanted for e in u.secondary_emails)
        ]


TENANT_FIELDS = frozenset(f.name for f in fields(TenantState))


@dataclass(slots=True)
class RateWindow:
    """Requests counted in one fixed one-minute window."""

    window: int = -1
    count: int = 0


class WallClock:
    """The simulator's "now" (UTC) for OAuth expiry, `used_at`, `last_used`, `last_login_at`.

    Real time by default. `set` freezes it at a given moment (None: back to real time);
    `advance` moves it forward (freezing it first). Rate-limit windows use the separate
    monotonic `clock` option of `Simulator`.
    """

    def __init__(self, source: Callable[[], datetime] | None = None) -> None:
        self._source = source or (lambda: datetime.now(UTC))
        self._fixed: datetime | None = None

    def now(self) -> datetime:
        return self._fixed if self._fixed is not None else self._source()

    @property
    def frozen(self) -> bool:
        return self._fixed is not None

    def set(self, moment: datetime | None) -> None:
        if moment is not None and moment.tzinfo is None:
            raise ValueError("the simulator time needs a time zone, e.g. tzinfo=UTC")
        self._fixed = None if moment is None else moment.astimezone(UTC)

    def advance(self, delta: timedelta | float) -> datetime:
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        self._fixed = self.now() + step
        return self._fixed


class SimulatorState:
    """All tenants by name plus the per-tenant rate counters; every lookup is a dict access."""

    def __init__(self, tenants: dict[str, TenantState], clock: WallClock | None = None) -> None:
        self.tenants = tenants
        self.rate_windows: dict[str, RateWindow] = {}
        self.clock = WallClock() if clock is None else clock

    def now(self) -> datetime:
        """The simulator's current time (see `WallClock`)."""
        return self.clock.now()

    def set_time(self, moment: datetime | None) -> None:
        """Freeze the simulator's time at `moment` (aware); None returns to real time."""
        self.clock.set(moment)

    def advance_time(self, delta: timedelta | float) -> datetime:
        """Move the simulator's time forward by `delta` (seconds or a timedelta)."""
        return self.clock.advance(delta)

    def __getitem__(self, name: str) -> TenantState:
        return self.tenants[name]

    def __contains__(self, name: object) -> bool:
        return name in self.tenants

    def get(self, name: str) -> TenantState | None:
        return self.tenants.get(name)

    def set(self, name: str, tenant: TenantState) -> None:
        self.tenants[name] = tenant

    def remove(self, name: str) -> None:
        del self.tenants[name]
        self.rate_windows.pop(name, None)

    def rate_window(self, name: str) -> RateWindow:
        window = self.rate_windows.get(name)
        if window is None:
            window = self.rate_windows[name] = RateWindow()
        return window
