"""Progress goes to stderr only when stderr is a terminal."""

from __future__ import annotations

import io

from monitor.checks.runner import Checker
from monitor.commands.check import check_all
from monitor.config.model import InvalidTenant, Problem
from monitor.zendesk.session import ClientFactory, authorization_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


TENANTS = [InvalidTenant(f"t{i}", (Problem("tenants[0].subdomain", "is empty"),)) for i in range(3)]


async def test_progress_counts_up_on_a_terminal() -> None:
    terminal = Terminal()
    results = await check_all(
        Checker(ClientFactory(), authorization=authorization_for), TENANTS, 2, terminal
    )
    assert [r.tenant for r in results] == ["t0", "t1", "t2"]
    assert terminal.getvalue() == "\rchecked 1/3\rchecked 2/3\rchecked 3/3\n"


async def test_no_progress_without_a_stream() -> None:
    results = await check_all(
        Checker(ClientFactory(), authorization=authorization_for), TENANTS, 2, None
    )
    assert len(results) == 3
