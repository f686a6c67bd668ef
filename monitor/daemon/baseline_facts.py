"""A result's raw permission facts, and which way they moved between two checks.

Facts are what the check chain read (`CheckResult.facts`): the user's role, role_type,
custom_role_id, ticket_restriction and only_private_comments, the custom role's
`configuration` (`role_configuration`) and the ids of the user's groups (`group_ids`).

`compare` sorts each difference into narrowed, widened or changed (direction unknown) with one
table of value orders, widest first, taken from the value sets in the API notes (section 3).
A key missing on either side was not read (the chain stopped before it) and is not compared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from monitor.checks.categories import Category
from monitor.checks.result import CheckResult

Facts = Mapping[str, Any]
Change = tuple[Any, Any]  # (before, after); None also stands for a key that is absent

ROLE_CONFIGURATION = "role_configuration"
GROUP_IDS = "group_ids"

# Results whose chain ran to its end: a permission fact they lack was looked for and is
# absent (no custom role visible, groups not needed), so it is recorded as None.
COMPLETE = frozenset({Category.OK, Category.PERMISSION_REGRESSION})

# An order is a tuple of tiers, widest first. Two different values of one tier, or a value
# in no tier (an undocumented string), differ in an unknown direction: "changed".
Order = tuple[tuple[Any, ...], ...]


def _ladder(*values: Any) -> Order:
    return tuple((value,) for value in values)


_GRANT = _ladder(True, False)  # a role_configuration boolean grants something when true
_RESTRICTION = _ladder(False, True)  # ...except these, which restrict when true

# Top-level user facts. user_id, custom_role_id and unknown keys have no order: any change is
# "changed". ticket_restriction: "groups" is wider than "organization" because it is the one
# restriction that can meet the integration's setup (groups expect, API notes section 3); the
# custom role's ticket_access orders them the same way (within-groups > within-organization).
USER_ORDERS: dict[str, Order] = {
    "role": _ladder("admin", "agent", "end-user"),
    # admins (4 admin, 5 billing admin) > full agents (0 custom role, null: no role type) >
    # light agent, chat agent, contributor (1, 2, 3).
    "role_type": ((4, 5), (0, None), (1, 2, 3)),
    "ticket_restriction": _ladder(None, "groups", "organization", "assigned", "requested"),
    "only_private_comments": _ladder(False, True),
}

# role_configuration string keys. Other strings (forum_access, undocumented keys) have no order.
CONFIGURATION_ORDERS: dict[str, Order] = {
    "ticket_access": _ladder(
        "all",
        "within-groups-and-public-groups",
        "within-groups",
        "within-organization",
        "assigned-only",
    ),
    "ticket_comment_access": _ladder("public", "none"),
    "end_user_profile_access": _ladder("full", "edit", "edit-within-org", "readonly", "none"),
    "end_user_list_access": _ladder("full", "none"),
    "user_view_access": _ladder("full", "manage-group", "manage-personal", "readonly", "none"),
    # "playonly" agents may only play views, below reading them.
    "view_access": _ladder("full", "manage-group", "manage-personal", "readonly", "playonly"),
    "macro_access": _ladder("full", "manage-group", "manage-personal", "readonly"),
    "report_access": _ladder("full", "readonly", "none"),
    "explore_access": _ladder("full", "edit", "readonly", "none"),
    "manage_roles": _ladder("all", "all-except-self", "none"),  # "all" is recorded, not documented
    "manage_team_members": _ladder("all-with-self-restriction", "readonly", "none"),
}
# role_configuration booleans grant when true (ticket_editing, chat_access, manage_*...), except:
RESTRICTING_BOOLEANS = frozenset({"light_agent"})


class _Absent:
    def __repr__(self) -> str:
        return "absent"


_ABSENT: Any = _Absent()


@dataclass(frozen=True, slots=True)
class FactsDiff:
    """What moved between two sets of facts; each entry maps a fact to (before, after).

    Keys are top-level facts, `role_configuration.<key>`, or `group_ids` (which can be both
    narrowed, an id removed, and widened, an id added, at once)."""

    narrowed: dict[str, Change] = field(default_factory=dict)
    widened: dict[str, Change] = field(default_factory=dict)
    changed: dict[str, Change] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.narrowed or self.widened or self.changed)

    @property
    def before(self) -> dict[str, Any]:
        """Every fact that moved, with its value before."""
        return {key: b for _, entries in self._groups() for key, (b, _a) in entries.items()}

    @property
    def after(self) -> dict[str, Any]:
        """Every fact that moved, with its value after."""
        return {key: a for _, entries in self._groups() for key, (_b, a) in entries.items()}

    def to_json(self) -> dict[str, dict[str, dict[str, Any]]]:
        """For a log line: {"narrowed": {fact: {"before": ..., "after": ...}}, ...}."""
        return {
            name: {key: {"before": b, "after": a} for key, (b, a) in entries.items()}
            for name, entries in self._groups()
            if entries
        }

    def lines(self) -> list[str]:
        """One `narrowed fact: before -> after` line per entry, narrowings first."""
        return [
            f"{name} {describe(key, change)}"
            for name, entries in self._groups()
            for key, change in entries.items()
        ]

    def _groups(self) -> tuple[tuple[str, dict[str, Change]], ...]:
        return (("narrowed", self.narrowed), ("widened", self.widened), ("changed", self.changed))


def describe(key: str, change: Change) -> str:
    """`key: before -> after`, values as JSON (a role configuration as its size)."""
    before, after = change
    return f"{key}: {_render(before)} -> {_render(after)}"


def _render(value: Any) -> str:
    if isinstance(value, Mapping):
        return f"{{{len(value)} keys}}"
    return json.dumps(value, sort_keys=True, default=str)


def facts_of(result: CheckResult) -> dict[str, Any] | None:
    """The result's permission facts as plain JSON values; None without user facts (the
    credential was not accepted, or the chain never read a user). Nested values are the
    result's own: read them, never mutate them."""
    facts = dict(result.facts)
    if "user_id" not in facts:
        return None
    if result.category in COMPLETE:
        facts.setdefault(ROLE_CONFIGURATION, None)
        facts.setdefault(GROUP_IDS, None)
    return facts


def fingerprint(facts: Facts) -> bytes:
    """A digest that differs whenever `_same` would (JSON keeps 1, 1.0 and true apart), for
    telling cheaply that a check read exactly the facts of the one before."""
    text = json.dumps(facts, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def compare(baseline: Facts, current: Facts) -> FactsDiff:
    diff = FactsDiff()
    for key in sorted(baseline.keys() & current.keys()):
        before, after = baseline[key], current[key]
        if _same(before, after):
            continue
        if key == ROLE_CONFIGURATION:
            _compare_configuration(before, after, diff)
        elif key == GROUP_IDS:
            _compare_groups(before, after, diff)
        else:
            _record(diff, _direction(USER_ORDERS.get(key), before, after), key, before, after)
    return diff


def _compare_configuration(before: Any, after: Any, diff: FactsDiff) -> None:
    if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        # A role configuration that appears or disappears as a whole (custom role not listed,
        # plan without custom roles) is a change of what can be seen, not of what is granted.
        _record(diff, "changed", ROLE_CONFIGURATION, before, after)
        return
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key, _ABSENT), after.get(key, _ABSENT)
        if _same(old, new):
            continue
        direction = _direction(_configuration_order(key, old, new), old, new)
        _record(diff, direction, f"{ROLE_CONFIGURATION}.{key}", old, new)


def _configuration_order(key: str, before: Any, after: Any) -> Order | None:
    if key in CONFIGURATION_ORDERS:
        return CONFIGURATION_ORDERS[key]
    if isinstance(before, bool) or isinstance(after, bool):
        return _RESTRICTION if key in RESTRICTING_BOOLEANS else _GRANT
    return None


def _compare_groups(before: Any, after: Any, diff: FactsDiff) -> None:
    if not (isinstance(before, list) and isinstance(after, list)):
        return  # None: not read (the user sees all tickets, or the tenant expects all)
    old, new = set(before), set(after)
    change = (sorted(old), sorted(new))
    if old - new:
        diff.narrowed[GROUP_IDS] = change
    if new - old:
        diff.widened[GROUP_IDS] = change


def _direction(order: Order | None, before: Any, after: Any) -> str:
    """narrowed, widened or changed. An absent value ranks as the narrowest one, so a key that
    disappears is a narrowing only when it granted something (never for a restricting key)."""
    if order is None:
        return "changed"
    old, new = _rank(order, before), _rank(order, after)
    if old is None or new is None or old == new:
        return "changed"
    return "narrowed" if new > old else "widened"


def _rank(order: Order, value: Any) -> int | None:
    if value is _ABSENT:
        return None if order is _RESTRICTION else len(order) - 1
    for rank, tier in enumerate(order):
        if any(type(v) is type(value) and v == value for v in tier):
            return rank
    return None


def _same(before: Any, after: Any) -> bool:
    """Equal with exact types, all the way down: 1 is not True, 0 is not False."""
    if type(before) is not type(after):
        return False
    if isinstance(before, Mapping):
        return before.keys() == after.keys() and all(_same(before[k], after[k]) for k in before)
    if isinstance(before, list | tuple):
        return len(before) == len(after) and all(map(_same, before, after))
    return bool(before == after)


def _record(diff: FactsDiff, direction: str, key: str, before: Any, after: Any) -> None:
    entries = {"narrowed": diff.narrowed, "widened": diff.widened, "changed": diff.changed}
    entries[direction][key] = (_plain(before), _plain(after))


def _plain(value: Any) -> Any:
    return None if value is _ABSENT else value


__all__ = [
    "COMPLETE",
    "CONFIGURATION_ORDERS",
    "GROUP_IDS",
    "RESTRICTING_BOOLEANS",
    "ROLE_CONFIGURATION",
    "USER_ORDERS",
    "Change",
    "Facts",
    "FactsDiff",
    "compare",
    "describe",
    "facts_of",
    "fingerprint",
]
