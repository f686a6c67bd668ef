"""One file with many different mistakes: a single `validate` run reports all of them."""

# ruff: noqa: E501 - the expected messages are compared whole, one per line, easier to read unsplit

from __future__ import annotations

from pathlib import Path

from monitor.config import load, validate

FIXTURE = Path(__file__).parent / "fixtures" / "mistakes.yaml"

EXPECTED = [
    (13, 'tenants[1].subdomain: "acme.zendesk.com" is a full host name; write only the subdomain "acme"'),
    (14, 'tenants[1].auth.email: the monitor adds /token itself; write "agent@acme.com"'),
    (17, 'tenants[2].subdomain: "https://acme.zendesk.com" is a URL; write only the subdomain "acme"'),
    (18, 'tenants[2].auth.toekn_env: unknown key; did you mean "token_env"?'),
    (18, 'tenants[2].auth.email: "not-an-email" is not an email address, like agent@acme.com'),
    (18, "tenants[2].auth: needs token_env (an environment variable) or token_file (a file) holding the token"),
    (21, 'tenants[3].subdomain: " acme" has leading or trailing spaces; write "acme"'),
    (22, "tenants[3].auth.token_file: is empty; write the path of the file holding the token"),
    (25, 'tenants[4].subdomain: "ac me" contains spaces, which a subdomain cannot have; write "acme" or "ac-me"'),
    (26, 'tenants[4].auth.token_env: is not a valid environment variable name; use letters, digits and "_", not starting with a digit'),
    (29, 'tenants[5].subdomain: "Acme" has uppercase letters; write "acme"'),
    (30, 'tenants[5].auth.type: "oauth" is not a supported auth type; did you mean "oauth_token"?'),
    (31, "tenants[5].expect.groups: required when ticket_access is groups; list the group names"),
    (34, 'tenants[6].subdomain: is empty; write the subdomain of the account, like "acme" for acme.zendesk.com'),
    (35, "tenants[6].auth.email: required for api_token"),
    (35, "tenants[6].auth: has both token_env and token_file; keep only one"),
    (36, "tenants[6].expect.groups: must not be set when ticket_access is all; remove it or set ticket_access: groups"),
    (39, 'tenants[7].subdomain: "acme_corp" contains "_"; use only a-z, 0-9 and "-" (like "acme-corp")'),
    (40, "tenants[7].auth.type: required; use one of: api_token, oauth_token, oauth_client_credentials"),
    (41, 'tenants[7].expect.ticket_access: "some" is not one of: all, groups'),
    (44, 'tenants[8].subdomain: "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcde..." is 64 characters long; a subdomain has at most 63: check that only the subdomain was copied'),
    (48, "tenants[8].expect.groups[1]: is empty; write the name of a group"),
    (48, 'tenants[8].expect.groups[2]: "Support" is listed twice (also groups[0])'),
    (53, 'tenants[9].interval: "0s" must be more than 0'),
    (54, 'tenants[9].timeout: "abc" is not a duration; write one like "500ms", "30s", "5m", "1h", "1d" or a number of seconds'),
    (59, "tenants[10].timeout: timeout 90s must be below the interval 60s (from defaults)"),
    (61, "tenants[11].auth: required, like {type: api_token, email: agent@acme.com, token_env: ACME_ZENDESK_TOKEN}"),
    (63, 'tenants[11].base_url: "http://proxy.internal/zendesk" uses plain http; use https (http is allowed only for localhost)'),
    (64, "tenants[11].expect: must be a mapping like {ticket_access: groups, groups: [Support]}; got a list"),
    (65, "tenants[11].colour: unknown key; expected one of: name, subdomain, base_url, auth, diagnostics, expect, interval, timeout"),
    (67, 'tenants[12].subdomain: required; the "acme" of acme.zendesk.com'),
    (68, 'tenants[12].base_url: "https://acme.zendesk.com/api/v2/" ends with /api/v2, which the monitor adds itself; write "https://acme.zendesk.com"'),
    (70, "tenants[12].email: unknown key; email belongs under auth"),
    (71, "tenants[12].expect.groups: must be a list of group names; write [Support]"),
    (75, "tenants[13].subdomain: duplicate key; it is also on line 74"),
    (77, 'tenants[13].interval: "10x" has an unknown unit "x"; use ms, s, m, h or d'),
    (81, 'tenants[14].base_url: has a query (?...); remove it: write "https://acme.zendesk.com"'),
    (82, "tenants[14].auth.token: unknown key; the token itself never goes in the config: name an environment variable with token_env or a file with token_file"),
    (82, "tenants[14].auth.email: required for api_token"),
    (83, "tenants[14].timeout: -1 must be more than 0"),
]  # fmt: skip


def test_every_mistake_is_reported_with_its_line_in_one_run() -> None:
    lines, code = validate(str(FIXTURE), check_secrets=False)

    assert lines == [f"{FIXTURE}:{line}: {text}" for line, text in EXPECTED]
    assert code == 2


def test_the_fixture_has_at_least_twenty_different_messages() -> None:
    messages = {text.split(": ", 1)[1] for _, text in EXPECTED}
    tenants = {text.split("]", 1)[0] for _, text in EXPECTED}

    assert len(messages) >= 20
    assert len(tenants) >= 5


def test_tenant_level_problems_leave_the_other_tenants_running() -> None:
    outcome = load(str(FIXTURE))

    assert outcome.config is not None
    assert outcome.file_problems == ()
    assert [t.name for t in outcome.config.tenants] == ["fine"]
    invalid = {t.name: t for t in outcome.config.invalid_tenants}
    assert list(invalid) == [
        "full_host",
        "url",
        "spaces",
        "inner_space",
        "upper",
        "empty",
        "chars",
        "too_long",
        "durations",
        "slow",
        "urls",
        "more_urls",
        "dup_keys",
        "query",
    ]
    assert [p.location for p in invalid["slow"].problems] == ["tenants[10].timeout"]
    assert invalid["slow"].problems[0].line == 59
    assert invalid["durations"].interval == 60.0  # its own interval is invalid: the default
    assert sum(len(t.problems) for t in invalid.values()) == len(EXPECTED)
