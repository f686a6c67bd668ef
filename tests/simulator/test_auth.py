"""Authentication rules from the API notes, sections 1 and 7."""

from __future__ import annotations

import base64

import httpx
import pytest

from monitor.simulator import SimulatorThread

from .support import COULDNT_AUTHENTICATE, EMAIL, OLD_TOKEN, TOKEN, basic, get, password

ME = "/api/v2/users/me"
GROUPS = "/api/v2/groups"


def assert_couldnt_authenticate(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.content == COULDNT_AUTHENTICATE
    assert len(response.content) == 37
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["www-authenticate"] == 'Basic realm="Web Password"'


def assert_anonymous(response: httpx.Response) -> None:
    assert response.status_code == 200
    user = response.json()["user"]
    assert user["id"] is None
    assert user["name"] == "Anonymous user"


def test_valid_token_authenticates_as_the_user(sim: SimulatorThread, client: httpx.Client) -> None:
    response = get(client, sim, ME, basic())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    user = response.json()["user"]
    assert (user["id"], user["email"], user["role"]) == (1001, EMAIL, "agent")


def test_json_suffix_is_accepted(sim: SimulatorThread, client: httpx.Client) -> None:
    assert get(client, sim, ME + ".json", basic()).json()["user"]["id"] == 1001


def test_email_is_compared_case_insensitively(sim: SimulatorThread, client: httpx.Client) -> None:
    assert get(client, sim, ME, basic(EMAIL.upper())).json()["user"]["id"] == 1001


def test_token_belongs_to_the_account_so_another_email_is_another_user(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    user = get(client, sim, ME, basic("admin@acme.example")).json()["user"]
    assert (user["id"], user["role"], user["role_type"]) == (1003, "admin", 4)


def test_secondary_email_authenticates_as_the_user_with_its_primary_email(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    sim.state["acme"].users[0].secondary_emails.append("old-address@acme.example")
    try:
        user = get(client, sim, ME, basic("Old-Address@acme.example")).json()["user"]
    finally:
        sim.state["acme"].users[0].secondary_emails.clear()
    assert (user["id"], user["email"]) == (1001, EMAIL)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(basic(token="wrong"), id="wrong token"),
        pytest.param(basic(token=TOKEN.lower()), id="token is case-sensitive"),
        pytest.param(basic(token=OLD_TOKEN), id="inactive token"),
        pytest.param(basic("nobody@acme.example"), id="unknown email"),
        pytest.param(basic("unverified@acme.example"), id="unverified email"),
        pytest.param(basic(EMAIL + "/token"), id="doubled /token suffix"),
    ],
)
def test_rejected_credentials_get_401_everywhere(
    sim: SimulatorThread, client: httpx.Client, headers: dict[str, str]
) -> None:
    assert_couldnt_authenticate(get(client, sim, ME, headers))
    assert_couldnt_authenticate(get(client, sim, GROUPS, headers))


def test_token_access_off_is_unauthenticated(sim: SimulatorThread, client: httpx.Client) -> None:
    assert_couldnt_authenticate(get(client, sim, ME, basic(), tenant="off"))
    assert_couldnt_authenticate(get(client, sim, GROUPS, basic(), tenant="off"))


def test_unauthenticated_me_answer_anonymous(sim: SimulatorThread, client: httpx.Client) -> None:
    sim.patch_tenant("acme", {"unauthenticated_me_answer": "anonymous"})
    assert_anonymous(get(client, sim, ME, basic(token="wrong")))
    assert_couldnt_authenticate(get(client, sim, GROUPS, basic(token="wrong")))


def test_no_credentials(sim: SimulatorThread, client: httpx.Client) -> None:
    assert_anonymous(get(client, sim, ME))
    assert_couldnt_authenticate(get(client, sim, GROUPS))


def test_password_attempt_is_unauthenticated(sim: SimulatorThread, client: httpx.Client) -> None:
    assert_anonymous(get(client, sim, ME, password()))
    assert_couldnt_authenticate(get(client, sim, GROUPS, password()))


@pytest.mark.parametrize(
    "authorization",
    ["Basic !!!not-base64", "Basic " + base64.b64encode(b"no-colon").decode(), "Digest x=1"],
)
def test_unreadable_authorization_is_no_credentials(
    sim: SimulatorThread, client: httpx.Client, authorization: str
) -> None:
    assert_anonymous(get(client, sim, ME, {"Authorization": authorization}))
    assert_couldnt_authenticate(get(client, sim, GROUPS, {"Authorization": authorization}))


def test_bearer_tokens_are_not_simulated_yet(sim: SimulatorThread, client: httpx.Client) -> None:
    for path in (ME, GROUPS):
        response = get(client, sim, path, {"Authorization": "Bearer some-oauth-token"})
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_token"


@pytest.mark.parametrize(
    ("answer", "status"),
    [("unauthorized", 401), ("forbidden", 403), ("anonymous", 200)],
)
@pytest.mark.parametrize(
    ("email", "option"),
    [
        ("suspended@acme.example", "suspended_user_answer"),
        ("deleted@acme.example", "deleted_user_answer"),
    ],
)
def test_suspended_and_deleted_answers(
    sim: SimulatorThread,
    client: httpx.Client,
    *,
    email: str,
    option: str,
    answer: str,
    status: int,
) -> None:
    sim.patch_tenant("acme", {option: answer})
    me = get(client, sim, ME, basic(email))
    assert me.status_code == status
    if answer == "anonymous":
        assert_anonymous(me)
        assert_couldnt_authenticate(get(client, sim, GROUPS, basic(email)))
    elif answer == "unauthorized":
        assert_couldnt_authenticate(me)
    else:
        assert me.json()["error"]["title"] == "Forbidden"
        assert get(client, sim, GROUPS, basic(email)).status_code == 403


def test_suspended_and_deleted_ok_show_the_flags(
    sim: SimulatorThread, client: httpx.Client
) -> None:
    assert get(client, sim, ME, basic("suspended@acme.example")).json()["user"]["suspended"]
    deleted = get(client, sim, ME, basic("deleted@acme.example")).json()["user"]
    assert deleted["active"] is False
    assert get(client, sim, GROUPS, basic("suspended@acme.example")).status_code == 200


def test_last_login_at_follows_token_requests(sim: SimulatorThread, client: httpx.Client) -> None:
    assert sim.state["acme"].users[0].last_login_at is None
    user = get(client, sim, ME, basic()).json()["user"]
    assert user["last_login_at"] is not None
    assert user["last_login_at"].endswith("Z")
