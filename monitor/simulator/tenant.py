"""One request to a tenant, in Zendesk's order: account, rate limit, faults, then the API."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from monitor.simulator import answers, api, faults, oauth
from monitor.simulator.bodies import HELP_CENTER_CLOSED_PATH
from monitor.simulator.ratelimit import count_request
from monitor.simulator.routing import Target
from monitor.simulator.state import Account, SimulatorState


async def answer(
    request: web.BaseRequest,
    target: Target,
    state: SimulatorState,
    clock: Callable[[], float],
    other_base_url: str,
) -> web.Response:
    """Raises faults.ConnectionReset when a fault aborted the connection."""
    name = target.tenant or ""
    tenant = state.get(name)
    # No account at this address: nothing of Zendesk's API (nor its rate limit) answers.
    if tenant is None or tenant.account is Account.MISSING_JSON_404:
        return answers.no_help_desk(name)
    if tenant.account is Account.MISSING_TEXT_404:
        return answers.no_help_desk_text(name)
    if tenant.account is Account.CLOSED_REDIRECT:
        location = f"{other_base_url}{HELP_CENTER_CLOSED_PATH}?utm_source=helpcenter-closed"
        return answers.redirect(301, location)

    rate = count_request(state.rate_window(name), tenant.rate_limit, clock())
    response: web.Response | None = None
    if rate.exceeded:
        response = answers.rate_limited(rate.reset)
    else:
        fault = faults.take_fault(tenant, target.path)
        if fault is not None:
            response = await faults.apply(fault, request, other_base_url)
    if response is None and target.path == oauth.TOKEN_PATH:
        response = await oauth.token_endpoint(request, tenant, state.now())
    if response is None:
        call = api.Call(
            tenant=tenant,
            method=request.method,
            path=target.path,
            query=request.query,
            authorization=request.headers.get("Authorization"),
            api_base=target.api_base,
            state=state,
        )
        response = api.handle(call)
    if response.status == 429:  # a scripted 429 says the budget is gone, like a real one
        rate = rate.exhausted()
    response.headers.update(rate.headers())
    return response
