"""The loader: YAML through the node API, the line of every key path, duplicate keys."""

from __future__ import annotations

from pathlib import Path

from monitor.config import Problem, load, load_text
from monitor.config.load import LineMap, read_document


def located(text: str) -> list[tuple[int | None, str, str]]:
    return [(p.line, p.location, p.message) for p in load_text(text).problems]


def test_lines_of_keys_items_and_their_parents() -> None:
    document = read_document(
        "# comment\n"
        "defaults:\n"
        "  interval: 60s\n"
        "tenants:\n"
        "  - name: acme\n"
        "    auth:\n"
        "      type: api_token\n"
        "    expect: {ticket_access: groups,\n"
        "             groups: [a,\n"
        "                      b]}\n"
    )
    lines = document.lines
    assert lines.find("") == 2
    assert lines.find("defaults") == 2
    assert lines.find("defaults.interval") == 3
    assert lines.find("tenants") == 4
    assert lines.find("tenants[0]") == 5
    assert lines.find("tenants[0].auth.type") == 7
    assert lines.find("tenants[0].auth.email") == 6  # missing: the line of its mapping
    assert lines.find("tenants[0].expect.groups") == 9
    assert lines.find("tenants[0].expect.groups[1]") == 10
    assert lines.find("tenants[0].expect.groups[7]") == 9
    assert lines.find("tenants[3].subdomain") == 4
    assert lines.find("nowhere.at.all") == 2


def test_a_line_map_walks_up_to_the_nearest_located_parent() -> None:
    lines = LineMap({"a": 3, "a.b[2]": 5})
    assert lines.find("a.b[2].c.d") == 5
    assert lines.find("a.b[1].c") == 3
    assert lines.find("z") is None


def test_missing_keys_get_the_line_of_their_parent_mapping() -> None:
    text = (
        "tenants:\n"
        "  - name: acme\n"
        "    subdomain: acme\n"
        "    auth:\n"
        "      type: api_token\n"
        "      token_env: T\n"
    )
    assert located(text) == [(4, "tenants[0].auth.email", "required for api_token")]


def test_duplicate_keys_inside_a_tenant_are_tenant_level() -> None:
    text = (
        "tenants:\n"
        "  - name: acme\n"
        "    subdomain: acme\n"
        "    auth: {type: api_token, email: a@acme.com, token_env: A, token_env: B}\n"
        "  - name: globex\n"
        "    subdomain: globex\n"
        "    auth: {type: api_token, email: a@globex.com, token_env: G}\n"
    )
    outcome = load_text(text)
    assert outcome.config is not None
    assert [t.name for t in outcome.config.tenants] == ["globex"]
    assert outcome.config.invalid_tenants[0].problems == (
        Problem("tenants[0].auth.token_env", "duplicate key; it is also on line 4", 4),
    )


def test_anchors_aliases_and_merge_keys_are_plain_yaml() -> None:
    text = (
        "x-auth: &auth {type: api_token, email: a@acme.com, token_env: A}\n"
        "tenants:\n"
        "  - name: acme\n"
        "    subdomain: acme\n"
        "    auth: *auth\n"
        "  - name: globex\n"
        "    subdomain: globex\n"
        "    auth:\n"
        "      <<: *auth\n"
        "      email: b@globex.com\n"
        "      colour: blue\n"
    )
    assert located(text) == [
        (1, "x-auth", "unknown key; expected one of: defaults, tenants"),
        (
            11,
            "tenants[1].auth.colour",
            "unknown key; expected one of: type, email, token_env, token_file",
        ),
    ]


def test_merged_keys_override_without_being_duplicates() -> None:
    text = (
        "base: &base {name: acme, subdomain: acme}\n"
        "tenants:\n"
        "  - <<: *base\n"
        "    subdomain: Acme\n"
        "    auth: {type: api_token, email: a@acme.com, token_env: A}\n"
    )
    assert located(text)[1:] == [
        (4, "tenants[0].subdomain", '"Acme" has uppercase letters; write "acme"')
    ]


def test_a_recursive_alias_does_not_hang() -> None:
    text = "tenants: &t\n  - *t\n"
    assert located(text) == [(1, "tenants[0]", "must be a mapping (one tenant); got a list")]


def test_keys_that_are_not_strings_are_located_too() -> None:
    text = (
        "tenants:\n"
        "  - name: acme\n"
        "    subdomain: acme\n"
        "    auth: {type: api_token, email: a@acme.com, token_env: A}\n"
        "    1: x\n"
        "    yes: y\n"
    )
    assert [(line, where) for line, where, _ in located(text)] == [
        (5, "tenants[0].1"),
        (6, "tenants[0].True"),
    ]


def test_load_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "\ufefftenants:\n"  # a byte order mark is allowed
        "  - {name: acme, subdomain: acme, auth: {type: api_token, email: a@a.co, token_env: A}}\n",
        encoding="utf-8",
    )
    outcome = load(str(path))
    assert outcome.problems == ()
    assert outcome.config is not None
    assert outcome.config.names == ["acme"]


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    text = "tenants: " + "[" * 600 + "]" * 600 + "\n"
    (problem,) = load_text(text).problems
    assert problem.location == ""
    assert problem.message.startswith("invalid YAML")
