"""Interning parsed JSON: equal short strings from two answers become one object."""

from __future__ import annotations

import json

from monitor.checks.interning import MAX_INTERNED_LENGTH, interned

ANSWER = '{"ticket_access": "all", "nested": {"view_access": "full"}, "ids": [1, "playonly"]}'


def test_two_parses_share_their_keys_and_short_strings() -> None:
    first, second = interned(json.loads(ANSWER)), interned(json.loads(ANSWER))
    assert first == second == json.loads(ANSWER)
    assert first is not second  # copies
    assert first["nested"] is not second["nested"]
    for one, other in ((first, second), (first["nested"], second["nested"])):
        assert all(a is b for a, b in zip(one, other, strict=True))  # the keys
    assert first["ticket_access"] is second["ticket_access"]
    assert first["ids"][1] is second["ids"][1]


def test_long_strings_and_other_values_are_kept_as_they_are() -> None:
    long = "x" * (MAX_INTERNED_LENGTH + 1)
    value = json.loads(json.dumps({"description": long, "n": 12345, "flag": None}))
    again = interned(value)
    assert again == value
    assert again["description"] is value["description"]
    assert interned(3.5) == 3.5
    assert interned(True) is True
