"""`zendesk-monitor check`: check tenants once, print a table or one JSON document."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import TextIO

from monitor.checks.categories import Kind
from monitor.checks.result import CheckResult
from monitor.checks.runner import Checker
from monitor.config.model import Config, InvalidTenant, TenantConfig
from monitor.zendesk.session import ClientFactory

EXIT_OK = 0
EXIT_CREDENTIAL_FAILURE = 1
EXIT_USAGE = 2
EXIT_TRANSIENT = 3


def select(config: Config, names: Sequence[str]) -> list[TenantConfig | InvalidTenant] | str:
    """The tenants to check, in config order; an error message for an unknown name."""
    everyone = config.entries
    if not names:
        return everyone
    by_name = {t.name: t for t in everyone}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        return (
            "unknown tenant "
            + ", ".join(f'"{n}"' for n in unknown)
            + f"; known: {', '.join(config.names)}"
        )
    return [by_name[n] for n in dict.fromkeys(names)]


async def check_all(
    checker: Checker,
    tenants: Sequence[TenantConfig | InvalidTenant],
    concurrency: int,
    progress: TextIO | None = None,
) -> list[CheckResult]:
    limit = asyncio.Semaphore(concurrency)
    done = 0

    async def one(tenant: TenantConfig | InvalidTenant) -> CheckResult:
        nonlocal done
        async with limit:
            result = await checker.check(tenant)
        done += 1
        if progress is not None:
            progress.write(f"\rchecked {done}/{len(tenants)}")
            progress.flush()
        return result

    results = await asyncio.gather(*(one(t) for t in tenants))
    if progress is not None:
        progress.write("\n")
    return list(results)


async def _check(
    config: Config,
    tenants: Sequence[TenantConfig | InvalidTenant],
    concurrency: int,
    progress: TextIO | None,
) -> list[CheckResult]:
    factory = ClientFactory(config.defaults.ca_file)
    try:
        checker = Checker(factory, authorization=factory.authorize)
        return await check_all(checker, tenants, concurrency, progress)
    finally:
        await factory.aclose()


def exit_code(results: Sequence[CheckResult]) -> int:
    kinds = {r.category.kind for r in results}
    if Kind.CREDENTIAL in kinds:
        return EXIT_CREDENTIAL_FAILURE
    if Kind.TRANSIENT in kinds:
        return EXIT_TRANSIENT
    return EXIT_OK


def render_json(results: Sequence[CheckResult]) -> str:
    return json.dumps({"tenants": [r.to_json() for r in results]}, indent=2)


def render_text(results: Sequence[CheckResult]) -> str:
    headers = ("TENANT", "CATEGORY", "DETAIL")
    rows = [(r.tenant, r.category.value, r.detail) for r in results]
    width = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers[:2])]
    lines = [f"{headers[0]:<{width[0]}}  {headers[1]:<{width[1]}}  {headers[2]}"]
    for result, (tenant, category, detail) in zip(results, rows, strict=True):
        lines.append(f"{tenant:<{width[0]}}  {category:<{width[1]}}  {detail}")
        pad = " " * (width[0] + width[1] + 4)
        if not result.healthy:
            lines.append(f"{pad}hint: {result.hint}")
        if result.retry_after_seconds is not None:
            lines.append(f"{pad}retry after: {result.retry_after_seconds:g} s")
        if result.request_id:
            lines.append(f"{pad}request id: {result.request_id}")
        lines += [f"{pad}warning: {w.message}" for w in result.warnings]
    return "\n".join(lines)


def run_check(
    config: Config, names: Sequence[str], *, fmt: str, concurrency: int, out: TextIO, err: TextIO
) -> int:
    tenants = select(config, names)
    if isinstance(tenants, str):
        err.write(f"zendesk-monitor check: {tenants}\n")
        return EXIT_USAGE
    progress = err if err.isatty() else None
    results = asyncio.run(_check(config, tenants, concurrency, progress))
    out.write((render_json(results) if fmt == "json" else render_text(results)) + "\n")
    out.flush()
    return exit_code(results)


__all__ = ["check_all", "exit_code", "render_json", "render_text", "run_check", "select"]
