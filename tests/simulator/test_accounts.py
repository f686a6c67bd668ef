"""Account shapes (API notes section 2), unknown tenants and the other listener."""

from __future__ import annotations

import httpx

from monitor.simulator import SimulatorThread

from .support import basic, get


def test_unknown_tenant_is_no_help_desk(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, "/api/v2/users/me", basic(), tenant="nosuch")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "title": "No help desk at nosuch.zendesk.com",
            "message": (
                "There is no help desk configured at this address. This means that the address"
                " is available and that you can claim it at http://www.zendesk.com/signup"
            ),
        }
    }
    assert "x-zendesk-request-id" in response.headers


def test_missing_json_404(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.patch_tenant("acme", {"account": "missing_json_404"})
    response = get(client, sim, "/api/v2/users/me", basic())
    assert response.status_code == 404
    assert response.json()["error"]["title"] == "No help desk at acme.zendesk.com"


def test_missing_text_404(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.patch_tenant("acme", {"account": "missing_text_404"})
    response = get(client, sim, "/api/v2/groups", basic())
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert "acme.zendesk.com" in response.text


def test_closed_redirect_goes_to_the_other_listener(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    sim.patch_tenant("acme", {"account": "closed_redirect"})
    response = get(client, sim, "/api/v2/users/me", basic())
    assert response.status_code == 301
    location = response.headers["location"]
    assert location.startswith(f"{sim.other_base_url}/app/help-center-closed")

    followed = get(client, sim, "/api/v2/users/me", basic(), follow_redirects=True)
    assert followed.status_code == 200
    assert followed.headers["content-type"].startswith("text/html")
    assert "help center no longer exists" in followed.text
    # httpx drops credentials when a redirect leaves the origin; the log shows it did.
    other = [r for r in sim.requests if r.listener == "other"]
    assert [(r.path, r.tenant, r.has_authorization, r.status) for r in other] == [
        ("/app/help-center-closed", None, False, 200)
    ]


def test_other_listener_records_authorization_it_receives(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    response = client.get(f"{sim.other_base_url}/anything?x=1", headers=basic())
    assert response.status_code == 200
    [record] = sim.requests
    assert (record.listener, record.path, record.query) == ("other", "/anything", "x=1")
    assert (record.authorization_scheme, record.has_authorization) == ("basic", True)


def test_a_removed_tenant_has_no_help_desk(sim: SimulatorThread, client: httpx.Client) -> None:
    assert get(client, sim, "/api/v2/users/me", basic()).status_code == 200
    sim.remove_tenant("acme")
    assert get(client, sim, "/api/v2/users/me", basic()).status_code == 404
