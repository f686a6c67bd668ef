"""The harness's rewrite of the alert rules: durations shortened, every other byte kept."""

from __future__ import annotations

import pytest

from tests.e2e.harness import duration_seconds, shorten_rules, shortened

RULES = """\
groups:
  - name: zendesk
    interval: 1m
    rules:
      - alert: ZendeskCredentialBroken
        expr: |
          zendesk_credential_healthy == 0  # for: 5m in a comment stays
        for: 5m
        keep_firing_for: "10m"  # no flapping
        labels: {severity: warning}
      - alert: Later
        expr: up == 0
        for: 1h30m
      - alert: Now
        expr: vector(1)
        for: 0s
"""


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5m", "1s"), ("30m", "6s"), ("1h", "12s"), ("1h30m", "18s"), ("250ms", "1s"), ("0s", "0s")],
)
def test_durations_are_divided_by_300_and_never_below_a_second(value: str, expected: str) -> None:
    assert shortened(value) == expected


def test_an_invalid_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="not a Prometheus duration"):
        duration_seconds("5 minutes")


def test_only_duration_lines_change() -> None:
    out = shorten_rules(RULES)
    changed = [(a, b) for a, b in zip(RULES.splitlines(), out.splitlines(), strict=True) if a != b]
    assert changed == [
        ("    interval: 1m", "    interval: 1s"),
        ("        for: 5m", "        for: 1s"),
        (
            '        keep_firing_for: "10m"  # no flapping',
            "        keep_firing_for: 2s  # no flapping",
        ),
        ("        for: 1h30m", "        for: 18s"),
    ]


def test_a_duration_it_cannot_edit_in_place_fails_loudly() -> None:
    with pytest.raises(AssertionError, match="shortened 0 of 1 durations"):
        shorten_rules("groups: [{name: g, rules: [{alert: A, expr: up == 0, for: 5m}]}]\n")
