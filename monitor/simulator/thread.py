"""`SimulatorThread`: a `Simulator` on its own event loop in a background thread.

For tests whose code under test runs its own `asyncio.run` (the CLI). Changes to tenants are
made on the simulator's loop, so a request never sees a half-applied change.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

from monitor.simulator.requestlog import RequestRecord
from monitor.simulator.scenario import Scenario
from monitor.simulator.server import Simulator
from monitor.simulator.state import Fault, SimulatorState, TenantState

T = TypeVar("T")

_START_TIMEOUT = 10.0


class SimulatorThread:
    """`with SimulatorThread(scenario) as sim:`; same arguments and API as `Simulator`."""

    def __init__(self, scenario: Scenario | None = None, **options: Any) -> None:
        self.simulator = Simulator(scenario, **options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="zendesk-simulator", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            self._run(self.simulator.start())
        except BaseException:
            self._halt()
            raise

    def stop(self) -> None:
        if self._loop is None:
            return
        try:
            self._run(self._shutdown())
        finally:
            self._halt()

    async def _shutdown(self) -> None:
        await self.simulator.stop()
        current = asyncio.current_task()
        leftovers = [t for t in asyncio.all_tasks() if t is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)
        loop = asyncio.get_running_loop()
        await loop.shutdown_asyncgens()
        await loop.shutdown_default_executor()

    def _halt(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("the simulator thread is not running")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=_START_TIMEOUT)

    def _call(self, function: Callable[[], T]) -> T:
        async def call() -> T:
            return function()

        return self._run(call())

    # ---- the Simulator API, applied on the simulator's loop ---------------------------------

    @property
    def state(self) -> SimulatorState:
        return self.simulator.state

    @property
    def port(self) -> int:
        return self.simulator.port

    @property
    def other_port(self) -> int:
        return self.simulator.other_port

    @property
    def url(self) -> str:
        return self.simulator.url

    @property
    def other_base_url(self) -> str:
        return self.simulator.other_base_url

    def base_url(self, tenant_name: str) -> str:
        return self.simulator.base_url(tenant_name)

    def host_base_url(self, tenant_name: str) -> str:
        return self.simulator.host_base_url(tenant_name)

    def tenant_urls(self) -> dict[str, str]:
        return self._call(self.simulator.tenant_urls)

    @property
    def requests(self) -> list[RequestRecord]:
        return self._call(lambda: self.simulator.requests)

    def clear_requests(self) -> None:
        self._call(self.simulator.clear_requests)

    @property
    def requests_total(self) -> int:
        return self._call(lambda: self.simulator.requests_total)

    def update_tenant(self, name: str, **fields: Any) -> None:
        self._call(lambda: self.simulator.update_tenant(name, **fields))

    def set_tenant(self, name: str, tenant_state: TenantState) -> None:
        self._call(lambda: self.simulator.set_tenant(name, tenant_state))

    def remove_tenant(self, name: str) -> None:
        self._call(lambda: self.simulator.remove_tenant(name))

    def add_fault(self, name: str, fault: Fault) -> None:
        self._call(lambda: self.simulator.add_fault(name, fault))

    def clear_faults(self, name: str) -> None:
        self._call(lambda: self.simulator.clear_faults(name))

    def patch_tenant(self, name: str, raw: Mapping[str, Any]) -> None:
        self._call(lambda: self.simulator.patch_tenant(name, raw))

    def put_tenant(self, name: str, raw: Mapping[str, Any]) -> bool:
        return self._call(lambda: self.simulator.put_tenant(name, raw))
