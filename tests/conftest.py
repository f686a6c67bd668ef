"""Session-wide guards: the canary token is in the environment and in no test's output."""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest
import structlog

from tests.canary import (
    CANARY_ENV,
    CANARY_TOKEN,
    OAUTH_CANARY,
    OAUTH_CANARY_ENV,
    SECRET_CANARY,
    SECRET_CANARY_ENV,
    leaks_any,
)

os.environ[CANARY_ENV] = CANARY_TOKEN
os.environ[OAUTH_CANARY_ENV] = OAUTH_CANARY
os.environ[SECRET_CANARY_ENV] = SECRET_CANARY


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    """Fails any test phase whose captured output or failure text shows a canary."""
    outcome = yield
    report = outcome.get_result()
    texts = [content for _, content in report.sections]
    if report.longrepr is not None:
        texts.append(str(report.longrepr))
    leaked = [name for (name, content) in report.sections if leaks_any(content)]
    if any(leaks_any(text) for text in texts):
        report.outcome = "failed"
        where = ", ".join(leaked) or "the failure text"
        report.longrepr = f"the canary token appeared in {where} of {item.nodeid}"


@pytest.fixture(autouse=True)
def _fresh_structlog() -> Generator[None, None, None]:
    """The CLI configures structlog globally (levels, streams); no test inherits another's."""
    yield
    structlog.reset_defaults()
