"""Runs one tenant's check end to end: secret, client, chain, timeout, and a frozen result.

Whatever happens inside, the caller gets a CheckResult: a crash is `internal_error`, logged
without local variables, and never stops the other tenants.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Protocol

import structlog

from monitor.checks.categories import Category
from monitor.checks.chain import ChainOutcome, OAuthContext, run_chain
from monitor.checks.diagnose import Finding, Integration, diagnose
from monitor.checks.expiry import (
    API_TOKEN_RETIREMENT,
    DEFAULT_EXPIRING_SOON_DAYS,
    api_token_warning,
    expiring_warning,
)
from monitor.checks.result import CheckResult, Warning
from monitor.checks.verdict import Verdict, grant_verdict
from monitor.config.model import (
    ApiTokenAuth,
    Diagnostics,
    InvalidTenant,
    OAuthClientCredentialsAuth,
    OAuthTokenAuth,
    TenantConfig,
)
from monitor.config.secrets import Secret, SecretUnavailable
from monitor.zendesk.oauth import GrantFailure
from monitor.zendesk.response import Answer
from monitor.zendesk.session import Authorization

log = structlog.get_logger("monitor.checks")


class CountingFetcher(Protocol):
    request_count: int

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer: ...


class FetcherFactory(Protocol):
    def __call__(
        self, tenant: TenantConfig, authorization: Secret, /
    ) -> AbstractAsyncContextManager[CountingFetcher]: ...


class Checker:
    """Checks tenants with clients from `open_fetcher`; `monotonic` measures durations."""

    def __init__(
        self,
        open_fetcher: FetcherFactory,
        *,
        authorization: Callable[[TenantConfig], Awaitable[Authorization | GrantFailure]],
        monotonic: Callable[[], float] = time.monotonic,
        clock: Callable[[], float] = time.time,
        expiring_soon_days: int = DEFAULT_EXPIRING_SOON_DAYS,
        on_rejected: Callable[[TenantConfig], None] | None = None,
    ) -> None:
        # `on_rejected(tenant)`: Zendesk rejected the credential; a cached token must go.
        self._on_rejected = on_rejected
        self._open_fetcher = open_fetcher
        self._authorization = authorization
        self._monotonic = monotonic
        self._clock = clock  # wall time, for expiry warnings
        self._soon_days = expiring_soon_days
        # Access-token expiry from earlier oauth/tokens/current answers: a later 401
        # invalid_token past it is an expired token, not an unknown failure.
        # Keyed by the token's fingerprint, so a rotated token starts with no memory.
        self._seen_expiry: dict[tuple[str, str], float] = {}

    def _remember_expiry(self, key: tuple[str, str], outcome: ChainOutcome) -> None:
        expiry = dict(outcome.expiries).get("access_token")
        if expiry is not None:
            self._seen_expiry[key] = expiry

    async def check(self, tenant: TenantConfig | InvalidTenant) -> CheckResult:
        """Never raises: whatever goes wrong is a result (`internal_error` for the monitor's
        own failures), so one tenant never stops the others."""
        try:
            return await self._check_and_explain(tenant)
        except Exception as exc:
            log.error("check_crashed", tenant=tenant.name, exc_info=exc)
            return _result(
                tenant.name,
                Verdict(Category.INTERNAL_ERROR, f"the monitor failed: {type(exc).__name__}"),
            )

    async def _check_and_explain(self, tenant: TenantConfig | InvalidTenant) -> CheckResult:
        started = self._monotonic()
        result = await self._check(tenant)
        if isinstance(tenant, TenantConfig) and result.category is Category.AUTH_FAILED:
            if self._on_rejected is not None:
                self._on_rejected(tenant)
            if tenant.diagnostics is not None:
                # The diagnosis shares the check's deadline: a check never takes longer than
                # its timeout, so it never runs into its next interval.
                left = tenant.timeout - (self._monotonic() - started)
                result = await self._diagnose(tenant, tenant.diagnostics, result, max(left, 0.001))
        for kind, expires_at in result.expiries:
            # Access tokens are short-lived and refreshed by their owner: only the refresh
            # token's expiry is a deadline worth a warning.
            if kind == "refresh_token":
                warning = expiring_warning(kind, expires_at, self._clock(), self._soon_days)
                if warning is not None:
                    result = replace(result, warnings=(*result.warnings, warning))
        if isinstance(tenant, TenantConfig) and tenant.auth.type == "api_token":
            # Every API token has a date of death: Zendesk's retirement of API tokens.
            warning = api_token_warning(self._clock(), self._soon_days)
            result = replace(
                result,
                warnings=(*result.warnings, warning),
                expiries=(*result.expiries, ("api_token", API_TOKEN_RETIREMENT.timestamp())),
            )
        return result

    async def _diagnose(
        self, tenant: TenantConfig, diagnostics: Diagnostics, result: CheckResult, budget: float
    ) -> CheckResult:
        """Asks the diagnostic credential why the integration's credential fails."""
        as_admin = replace(tenant, auth=diagnostics.auth, diagnostics=None)
        auth = tenant.auth
        try:
            token = auth.token.read() if isinstance(auth, ApiTokenAuth) else None
            integration = Integration(email=auth.email, token=token)
            async with asyncio.timeout(budget):
                authorization = await self._authorization(as_admin)
                if not isinstance(authorization, Authorization):
                    found = Finding(
                        warning=Warning(
                            "diagnostics_unavailable",
                            "the diagnostic credential was refused: "
                            + grant_verdict(authorization).detail,
                        )
                    )
                else:
                    async with self._open_fetcher(as_admin, authorization.header) as fetcher:
                        found = await diagnose(fetcher, integration, tenant.expect)
        except (TimeoutError, SecretUnavailable) as exc:
            reason = str(exc) or "it did not finish within the check's timeout"
            found = Finding(
                warning=Warning("diagnostics_unavailable", f"the diagnosis failed: {reason}")
            )
        except Exception as exc:  # the integration's own result must survive
            log.error("diagnosis_crashed", tenant=tenant.name, exc_info=exc)
            failed = f"the diagnosis failed: {type(exc).__name__}"
            found = Finding(warning=Warning("diagnostics_unavailable", failed))
        if found.permissions is not None:
            result = replace(result, permissions=tuple(found.permissions.items()))
        if found.warning is not None:
            result = replace(result, warnings=(*result.warnings, found.warning))
        if found.verdict is not None:
            result = replace(
                result,
                category=found.verdict.category,
                detail=f"{result.detail}; {found.verdict.detail}",
                hint=found.verdict.hint or found.verdict.category.action,
            )
        return result

    async def _check(self, tenant: TenantConfig | InvalidTenant) -> CheckResult:
        if isinstance(tenant, InvalidTenant):
            detail = "; ".join(f"{p.location}: {p.message}" for p in tenant.problems)
            return _result(tenant.name, Verdict(Category.CONFIG_INVALID, detail))
        started = self._monotonic()
        fetcher: CountingFetcher | None = None
        try:
            async with asyncio.timeout(tenant.timeout):
                try:
                    authorization = await self._authorization(tenant)
                except SecretUnavailable as exc:
                    return _result(tenant.name, Verdict(Category.CONFIG_INVALID, str(exc)))
                if not isinstance(authorization, Authorization):
                    return _result(tenant.name, grant_verdict(authorization))
                oauth = None
                memory = (tenant.name, authorization.header.fingerprint())
                if authorization.scheme == "bearer":
                    oauth = OAuthContext(
                        required_scopes=_required_scopes(tenant),
                        expires_at=authorization.expires_at or self._seen_expiry.get(memory),
                        now=self._clock(),
                    )
                async with self._open_fetcher(tenant, authorization.header) as fetcher:
                    outcome = await run_chain(
                        fetcher,
                        expected_email=tenant.auth.email,
                        expect=tenant.expect,
                        oauth=oauth,
                    )
                self._remember_expiry(memory, outcome)
        except TimeoutError:
            outcome = ChainOutcome(
                Verdict(Category.TIMEOUT, f"the check did not finish within {tenant.timeout:g} s")
            )
        except Exception as exc:
            log.error("check_crashed", tenant=tenant.name, exc_info=exc)
            outcome = ChainOutcome(
                Verdict(Category.INTERNAL_ERROR, f"the monitor failed: {type(exc).__name__}")
            )
        return _result(
            tenant.name,
            outcome.verdict,
            outcome,
            duration=self._monotonic() - started,
            requests=0 if fetcher is None else fetcher.request_count,
        )


def _required_scopes(tenant: TenantConfig) -> tuple[str, ...]:
    auth = tenant.auth
    if isinstance(auth, OAuthTokenAuth):
        return auth.required_scopes
    if isinstance(auth, OAuthClientCredentialsAuth):
        return auth.scopes
    return ()


def _result(
    tenant: str,
    verdict: Verdict,
    outcome: ChainOutcome | None = None,
    *,
    duration: float = 0.0,
    requests: int = 0,
) -> CheckResult:
    outcome = outcome or ChainOutcome(verdict)
    return CheckResult(
        tenant=tenant,
        category=verdict.category,
        detail=verdict.detail,
        hint=verdict.hint or verdict.category.action,
        permissions=tuple(outcome.permissions.items()),
        warnings=tuple(outcome.warnings),
        request_id=outcome.request_id,
        duration_seconds=duration,
        request_count=requests,
        retry_after_seconds=verdict.retry_after_seconds,
        rate_limit=outcome.rate_limit,
        facts=tuple(sorted(outcome.facts.items())),
        expiries=tuple(outcome.expiries),
    )
