"""parse(mapping) -> ParseOutcome: pure, and it reports every problem, never just the first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from monitor.config import paths
from monitor.config.fields import Context, FileCheck, Problems, Section, as_string
from monitor.config.model import (
    Config,
    Defaults,
    InvalidTenant,
    ParseOutcome,
    Problem,
    TenantConfig,
)
from monitor.config.tenant import TenantBody, parse_name, parse_tenant
from monitor.config.text import describe, show
from monitor.config.timing import Timing, built_in, check_order, read_timing

TOP_KEYS = ("defaults", "tenants")
TOP_HINTS = {key: f"{key} belongs under defaults" for key in ("interval", "timeout", "ca_file")}
DEFAULTS_KEYS = ("interval", "timeout", "ca_file")
DEFAULTS_EXAMPLE = "{interval: 60s, timeout: 10s}"
TOP_EXAMPLE = 'a mapping with "tenants" (and optionally "defaults")'


def parse(mapping: object) -> ParseOutcome:
    """The config in `mapping` (as yaml.safe_load returns it), or why it cannot be used."""
    return parse_with(mapping)


@dataclass(frozen=True, slots=True)
class _Defaults:
    interval: Timing
    timeout: Timing
    ca_file: Path | None


@dataclass(frozen=True, slots=True)
class _Entry:
    index: int
    name: str | None
    body: TenantBody | None
    interval: float | None


def parse_with(
    mapping: object,
    *,
    extra: Iterable[Problem] = (),
    base_dir: Path | None = None,
    check_file: FileCheck | None = None,
) -> ParseOutcome:
    """`parse` for the loader: problems it found itself (duplicate keys), paths relative to the
    config's directory, and a check that the files the config names exist."""
    ctx = Context(Problems(), base_dir, check_file)
    if not isinstance(mapping, Mapping):
        what = "nothing (the file is empty)" if mapping is None else describe(mapping)
        ctx.problems.add(paths.ROOT, f"the top level must be {TOP_EXAMPLE}; got {what}")
        return _outcome(None, [], [*ctx.problems.items, *extra])
    top = Section(mapping, paths.ROOT, ctx)
    top.check_keys(TOP_KEYS, TOP_HINTS)
    defaults = _parse_defaults(top)
    entries = _parse_tenants(top, defaults)
    return _outcome(defaults, entries, [*ctx.problems.items, *extra])


def _parse_defaults(top: Section) -> _Defaults:
    interval, timeout = built_in("interval"), built_in("timeout")
    section = top.section("defaults", DEFAULTS_EXAMPLE, optional=True)
    if section is None:
        return _Defaults(Timing(None, ""), Timing(None, ""), None)
    section.check_keys(DEFAULTS_KEYS)
    interval = read_timing(section, "interval", interval)
    timeout = read_timing(section, "timeout", timeout)
    check_order(section, interval, timeout)
    return _Defaults(interval, timeout, _parse_ca_file(section))


def _parse_ca_file(defaults: Section) -> Path | None:
    written = defaults.get("ca_file", as_string)
    if written is None:
        return None
    if not written.strip():
        defaults.add("ca_file", "is empty; remove it or write the path of a CA bundle (PEM)")
        return None
    path = defaults.ctx.path(written)
    check = defaults.ctx.check_file
    message = check(path) if check is not None else None
    if message is not None:
        defaults.add("ca_file", message)
        return None
    return path


def _parse_tenants(top: Section, defaults: _Defaults) -> list[_Entry]:
    if not top.has("tenants"):
        top.add("tenants", "required; list the tenants to check")
        return []
    value = top.data["tenants"]
    if not isinstance(value, list):
        top.add("tenants", f"must be a list of tenants; got {describe(value)}")
        return []
    if not value:
        top.add("tenants", "is empty; list at least one tenant")
        return []
    entries: list[_Entry] = []
    first: dict[str, int] = {}  # name -> index of the tenant that has it
    for index, raw in enumerate(value):
        path = paths.item("tenants", index)
        if not isinstance(raw, Mapping):
            top.ctx.problems.add(path, f"must be a mapping (one tenant); got {describe(raw)}")
            continue
        tenant = Section(raw, path, top.ctx)
        name = tenant.need("name", parse_name, "required; it is the tenant's label in metrics")
        if name is not None and name in first:
            tenant.add("name", f"{show(name)} is already the name of tenants[{first[name]}]")
            name = None
        elif name is not None:
            first[name] = index
        body, interval = parse_tenant(tenant, defaults.interval, defaults.timeout)
        entries.append(_Entry(index, name, body, interval))
    return entries


def _tenant_of(problem: Problem) -> int | None:
    """The tenant a problem belongs to; None for file-level problems (a tenant's name included,
    since a tenant without a usable name cannot be reported)."""
    index = paths.tenant_index(problem.location)
    if index is None or problem.location == paths.child(paths.item("tenants", index), "name"):
        return None
    return index


def _outcome(
    defaults: _Defaults | None, entries: list[_Entry], problems: list[Problem]
) -> ParseOutcome:
    by_tenant: dict[int, list[Problem]] = {}
    file_problems: list[Problem] = []
    tenant_problems: list[Problem] = []
    for problem in problems:
        index = _tenant_of(problem)
        if index is None:
            file_problems.append(problem)
        else:
            by_tenant.setdefault(index, []).append(problem)
            tenant_problems.append(problem)
    interval = defaults.interval.seconds if defaults else None
    timeout = defaults.timeout.seconds if defaults else None
    # Invalid defaults are file-level problems too; the None checks only narrow the types.
    if file_problems or defaults is None or interval is None or timeout is None:
        return ParseOutcome(None, tuple(file_problems), tuple(tenant_problems))
    valid: list[TenantConfig] = []
    invalid: list[InvalidTenant] = []
    for entry in entries:
        if entry.name is None:  # unreachable: a missing name is a file-level problem
            continue
        found = by_tenant.get(entry.index, [])
        if found or entry.body is None:
            invalid.append(
                InvalidTenant(
                    entry.name, tuple(found), entry.interval or interval, position=entry.index
                )
            )
        else:
            valid.append(entry.body.named(entry.name, entry.index))
    config = Config(
        defaults=Defaults(interval=interval, timeout=timeout, ca_file=defaults.ca_file),
        tenants=tuple(valid),
        invalid_tenants=tuple(invalid),
    )
    return ParseOutcome(config, (), tuple(tenant_problems))
