"""`compare`: every direction rule, table-driven; `facts_of` and `FactsDiff` rendering."""

from __future__ import annotations

from typing import Any

import pytest

from monitor.checks.categories import Category
from monitor.checks.result import CheckResult
from monitor.daemon.baselines import FactsDiff, compare, describe, facts_of, fingerprint

CONFIGURATION: dict[str, Any] = {
    "ticket_access": "all",
    "ticket_comment_access": "public",
    "ticket_editing": True,
    "ticket_deletion": False,
    "end_user_profile_access": "readonly",
    "end_user_list_access": "full",
    "user_view_access": "readonly",
    "view_access": "full",
    "macro_access": "full",
    "report_access": "none",
    "explore_access": "edit",
    "forum_access": "readonly",
    "light_agent": False,
    "chat_access": True,
}

FACTS: dict[str, Any] = {
    "user_id": 1001,
    "role": "agent",
    "role_type": 0,
    "custom_role_id": 6,
    "ticket_restriction": None,
    "only_private_comments": False,
    "role_configuration": CONFIGURATION,
    "group_ids": [12, 13],
}


def facts(**changes: Any) -> dict[str, Any]:
    return {**FACTS, **changes}


def configuration(**changes: Any) -> dict[str, Any]:
    """The role configuration with `changes`; a value of ... removes the key."""
    merged = {**CONFIGURATION, **changes}
    return {key: value for key, value in merged.items() if value is not ...}


# The documented orders, widest first, written out here independently of the code's table.
USER_LADDERS: dict[str, list[Any]] = {
    "role": ["admin", "agent", "end-user"],
    "ticket_restriction": [None, "groups", "organization", "assigned", "requested"],
    "only_private_comments": [False, True],
}
CONFIGURATION_LADDERS: dict[str, list[Any]] = {
    "ticket_access": [
        "all",
        "within-groups-and-public-groups",
        "within-groups",
        "within-organization",
        "assigned-only",
    ],
    "ticket_comment_access": ["public", "none"],
    "end_user_profile_access": ["full", "edit", "edit-within-org", "readonly", "none"],
    "user_view_access": ["full", "manage-group", "manage-personal", "readonly", "none"],
    "end_user_list_access": ["full", "none"],
    "view_access": ["full", "manage-group", "manage-personal", "readonly", "playonly"],
    "macro_access": ["full", "manage-group", "manage-personal", "readonly"],
    "report_access": ["full", "readonly", "none"],
    "explore_access": ["full", "edit", "readonly", "none"],
    "manage_roles": ["all", "all-except-self", "none"],
    "manage_team_members": ["all-with-self-restriction", "readonly", "none"],
    "ticket_editing": [True, False],
    "chat_access": [True, False],
    "manage_triggers": [True, False],
    "light_agent": [False, True],  # inverted: true restricts
}


def steps(ladders: dict[str, list[Any]]) -> list[tuple[str, Any, Any]]:
    """(key, wider, narrower) for every pair of one ladder."""
    return [
        (key, ladder[i], ladder[j])
        for key, ladder in ladders.items()
        for i in range(len(ladder))
        for j in range(i + 1, len(ladder))
    ]


def only(diff: FactsDiff, direction: str, key: str) -> tuple[Any, Any]:
    """The single entry of `diff`, which must be `key` under `direction`."""
    groups = {"narrowed": diff.narrowed, "widened": diff.widened, "changed": diff.changed}
    assert {name: list(entries) for name, entries in groups.items() if entries} == {
        direction: [key]
    }
    return groups[direction][key]


@pytest.mark.parametrize(("key", "wider", "narrower"), steps(USER_LADDERS))
def test_user_fact_orders(key: str, wider: Any, narrower: Any) -> None:
    before, after = facts(**{key: wider}), facts(**{key: narrower})
    assert only(compare(before, after), "narrowed", key) == (wider, narrower)
    assert only(compare(after, before), "widened", key) == (narrower, wider)


@pytest.mark.parametrize(("key", "wider", "narrower"), steps(CONFIGURATION_LADDERS))
def test_role_configuration_orders(key: str, wider: Any, narrower: Any) -> None:
    before = facts(role_configuration=configuration(**{key: wider}))
    after = facts(role_configuration=configuration(**{key: narrower}))
    name = f"role_configuration.{key}"
    assert only(compare(before, after), "narrowed", name) == (wider, narrower)
    assert only(compare(after, before), "widened", name) == (narrower, wider)


ROLE_TYPES: list[tuple[Any, Any, str]] = [
    # (before, after, direction): admins 4, 5 > full agents 0, null > 1, 2, 3.
    (4, 0, "narrowed"),
    (5, None, "narrowed"),
    (4, 1, "narrowed"),
    (0, 1, "narrowed"),
    (None, 2, "narrowed"),
    (0, 3, "narrowed"),
    (3, 0, "widened"),
    (1, None, "widened"),
    (0, 4, "widened"),
    (4, 5, "changed"),  # admin and billing admin: no order between them
    (0, None, "changed"),  # a custom agent role and an agent without one
    (1, 2, "changed"),  # light agent, chat agent, contributor: none is wider
    (2, 3, "changed"),
    (0, 9, "changed"),  # an undocumented role type
]


@pytest.mark.parametrize(("before", "after", "direction"), ROLE_TYPES)
def test_role_type_tiers(before: Any, after: Any, direction: str) -> None:
    diff = compare(facts(role_type=before), facts(role_type=after))
    assert only(diff, direction, "role_type") == (before, after)


UNORDERED: list[tuple[str, Any, Any]] = [
    ("user_id", 1001, 2002),  # another user: a change, direction unknown
    ("custom_role_id", 6, 7),
    ("custom_role_id", None, 6),
    ("role", "agent", "owner"),  # an unknown value
    ("ticket_restriction", "groups", "brands"),
    ("only_private_comments", False, None),  # no longer readable
    ("something_new", "a", "b"),  # a fact the table does not know
]


@pytest.mark.parametrize(("key", "before", "after"), UNORDERED)
def test_changes_of_unknown_direction(key: str, before: Any, after: Any) -> None:
    assert only(compare(facts(**{key: before}), facts(**{key: after})), "changed", key) == (
        before,
        after,
    )


CONFIGURATION_CHANGES: list[tuple[dict[str, Any], dict[str, Any], str, str]] = [
    # (before changes, after changes, direction, key); ... is an absent key.
    ({"forum_access": "readonly"}, {"forum_access": "full"}, "changed", "forum_access"),
    ({"report_access": "full"}, {"report_access": "everything"}, "changed", "report_access"),
    ({"ticket_editing": True}, {"ticket_editing": 1}, "changed", "ticket_editing"),
    # A key that disappears narrows only when it granted something...
    ({"ticket_editing": True}, {"ticket_editing": ...}, "narrowed", "ticket_editing"),
    ({"report_access": "readonly"}, {"report_access": ...}, "narrowed", "report_access"),
    ({"ticket_access": "all"}, {"ticket_access": ...}, "narrowed", "ticket_access"),
    ({"ticket_deletion": False}, {"ticket_deletion": ...}, "changed", "ticket_deletion"),
    ({"report_access": "none"}, {"report_access": ...}, "changed", "report_access"),
    ({"forum_access": "full"}, {"forum_access": ...}, "changed", "forum_access"),
    # ...and never for light_agent, which restricts rather than grants.
    ({"light_agent": False}, {"light_agent": ...}, "changed", "light_agent"),
    ({"light_agent": True}, {"light_agent": ...}, "changed", "light_agent"),
    # A key that appears widens when it grants something.
    ({"ticket_merge": ...}, {"ticket_merge": True}, "widened", "ticket_merge"),
    ({"ticket_merge": ...}, {"ticket_merge": False}, "changed", "ticket_merge"),
    ({"voice_access": ...}, {"voice_access": "maybe"}, "changed", "voice_access"),
]


@pytest.mark.parametrize(("before", "after", "direction", "key"), CONFIGURATION_CHANGES)
def test_role_configuration_keys(
    before: dict[str, Any], after: dict[str, Any], direction: str, key: str
) -> None:
    diff = compare(
        facts(role_configuration=configuration(**before)),
        facts(role_configuration=configuration(**after)),
    )
    old, new = before[key], after[key]
    assert only(diff, direction, f"role_configuration.{key}") == (
        None if old is ... else old,
        None if new is ... else new,
    )


def test_a_role_configuration_that_appears_or_disappears_is_a_change() -> None:
    # The plan lost custom roles, or the role is no longer listed: what is visible changed.
    diff = compare(facts(), facts(role_configuration=None))
    assert only(diff, "changed", "role_configuration") == (CONFIGURATION, None)
    diff = compare(facts(role_configuration=None), facts())
    assert only(diff, "changed", "role_configuration") == (None, CONFIGURATION)


GROUPS: list[tuple[Any, Any, dict[str, Any]]] = [
    ([12, 13], [12], {"narrowed": [12, 13]}),
    ([12], [12, 13], {"widened": [12]}),
    ([12], [13], {"narrowed": [12], "widened": [12]}),  # one removed, one added
    ([13, 12], [12, 13], {}),
    ([12, 13], None, {}),  # not read: the user now sees all tickets
    (None, [12], {}),
]


@pytest.mark.parametrize(("before", "after", "expected"), GROUPS)
def test_group_ids(before: Any, after: Any, expected: dict[str, Any]) -> None:
    diff = compare(facts(group_ids=before), facts(group_ids=after))
    assert {name: b for name, (b, _) in diff.narrowed.items()} == (
        {"group_ids": expected["narrowed"]} if "narrowed" in expected else {}
    )
    assert {name: b for name, (b, _) in diff.widened.items()} == (
        {"group_ids": expected["widened"]} if "widened" in expected else {}
    )
    assert diff.changed == {}
    if not diff.is_empty:
        assert diff.after["group_ids"] == sorted(after)


def test_facts_missing_on_either_side_are_not_compared() -> None:
    partial = {k: v for k, v in FACTS.items() if k not in ("role_configuration", "group_ids")}
    assert compare(FACTS, partial).is_empty
    assert compare(partial, FACTS).is_empty


def test_unchanged_facts_are_an_empty_diff() -> None:
    diff = compare(FACTS, facts())
    assert diff.is_empty
    assert diff.lines() == []
    assert diff.to_json() == {}


def test_several_changes_at_once() -> None:
    diff = compare(
        facts(),
        facts(
            ticket_restriction="groups",
            custom_role_id=7,
            group_ids=[12, 13, 14],
            role_configuration=configuration(ticket_editing=False, light_agent=True),
        ),
    )
    assert set(diff.narrowed) == {
        "ticket_restriction",
        "role_configuration.ticket_editing",
        "role_configuration.light_agent",
    }
    assert set(diff.widened) == {"group_ids"}
    assert set(diff.changed) == {"custom_role_id"}
    assert diff.before["ticket_restriction"] is None
    assert diff.after["custom_role_id"] == 7
    assert diff.lines() == [
        "narrowed role_configuration.light_agent: false -> true",
        "narrowed role_configuration.ticket_editing: true -> false",
        'narrowed ticket_restriction: null -> "groups"',
        "widened group_ids: [12, 13] -> [12, 13, 14]",
        "changed custom_role_id: 6 -> 7",
    ]
    assert diff.to_json()["changed"] == {"custom_role_id": {"before": 6, "after": 7}}


def test_describe_shows_a_role_configuration_as_its_size() -> None:
    assert describe("role_configuration", (CONFIGURATION, None)) == (
        f"role_configuration: {{{len(CONFIGURATION)} keys}} -> null"
    )


def result(category: Category, facts: dict[str, Any]) -> CheckResult:
    return CheckResult("acme", category, "detail", "hint", facts=tuple(sorted(facts.items())))


USER_ONLY = {k: v for k, v in FACTS.items() if k not in ("role_configuration", "group_ids")}


def test_facts_of_a_result_without_a_user_is_none() -> None:
    assert facts_of(result(Category.AUTH_FAILED, {})) is None


@pytest.mark.parametrize("category", [Category.OK, Category.PERMISSION_REGRESSION])
def test_facts_of_a_complete_check_record_what_was_absent(category: Category) -> None:
    # The chain ran to its end: no custom role seen, no groups needed.
    assert facts_of(result(category, USER_ONLY)) == {
        **USER_ONLY,
        "role_configuration": None,
        "group_ids": None,
    }
    assert facts_of(result(category, FACTS)) == FACTS


@pytest.mark.parametrize(
    "category", [Category.USER_SUSPENDED, Category.ZENDESK_UNAVAILABLE, Category.AUTH_FAILED]
)
def test_facts_of_a_check_that_stopped_early_leave_the_rest_unknown(category: Category) -> None:
    assert facts_of(result(category, USER_ONLY)) == USER_ONLY


def test_facts_of_leaves_the_result_as_it_was() -> None:
    checked = result(Category.OK, USER_ONLY)
    facts = facts_of(checked)
    assert facts is not None
    assert facts["role_configuration"] is None  # completed for the baseline...
    assert "role_configuration" not in dict(checked.facts)  # ...not in the result


def test_fingerprint_tells_apart_what_same_tells_apart() -> None:
    base = fingerprint(FACTS)
    reordered = dict(reversed(list(FACTS.items())))
    assert fingerprint(reordered) == base
    configuration = FACTS["role_configuration"]
    for value in (1, 1.0, "true", None):  # True in FACTS: none of these is the same
        changed = {**FACTS, "role_configuration": {**configuration, "ticket_editing": value}}
        assert fingerprint(changed) != base
        assert compare(FACTS, changed).changed or compare(FACTS, changed).narrowed
    assert fingerprint({**FACTS, "group_ids": [12]}) != base
