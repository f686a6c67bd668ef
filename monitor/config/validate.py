"""`zendesk-monitor validate`: every problem of a config file, one line each, in file order."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.config import paths
from monitor.config.auth import secret_refs
from monitor.config.load import Document, load_document
from monitor.config.model import Config, Problem
from monitor.config.secrets import SecretUnavailable

EXIT_OK = 0
EXIT_INVALID = 2


def validate(path: str, *, check_secrets: bool) -> tuple[list[str], int]:
    """The lines to print and the exit code: 0 when valid, 2 on any problem.

    Secrets are read only with `check_secrets`; their values never reach a message.
    """
    document = load_document(path)
    config = document.outcome.config
    problems = list(document.outcome.problems)
    if check_secrets and config is not None:
        problems += secret_problems(config, document)
    if problems or config is None:
        ordered = sorted(problems, key=lambda problem: problem.line or 0)
        return [problem.render(path) for problem in ordered], EXIT_INVALID
    return [f"ok: {len(config.tenants)} tenants"], EXIT_OK


def secret_problems(config: Config, document: Document) -> list[Problem]:
    """A problem for every secret of a valid tenant that cannot be read now."""
    where = _tenant_paths(document.data)
    problems: list[Problem] = []
    for tenant in config.tenants:
        tenant_path = where.get(tenant.name, "tenants")
        credentials = [(paths.child(tenant_path, "auth"), tenant.auth)]
        if tenant.diagnostics is not None:
            diagnostics_path = paths.child(tenant_path, "diagnostics")
            credentials.append((paths.child(diagnostics_path, "auth"), tenant.diagnostics.auth))
        for auth_path, auth in credentials:
            for key, ref in secret_refs(auth):
                try:
                    ref.read()
                except SecretUnavailable as exc:
                    location = paths.child(auth_path, key)
                    problems.append(Problem(location, str(exc), document.lines.find(location)))
    return problems


def _tenant_paths(data: object) -> dict[str, str]:
    """Tenant name -> its key path, e.g. "acme" -> "tenants[0]"."""
    tenants = data.get("tenants") if isinstance(data, Mapping) else None
    if not isinstance(tenants, list):
        return {}
    return {
        entry["name"]: paths.item("tenants", index)
        for index, entry in enumerate(tenants)
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str)
    }
