"""The README's interfaces match the code: the category table, the quick-start scripts."""

from __future__ import annotations

import os
import re
from pathlib import Path

from monitor.checks.categories import CATALOGUE, Category

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match is not None, title
    return match.group(1)


def test_category_table_matches_the_catalogue() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| ([a-z]+) \|", section("Categories"), re.M)
    assert [name for name, _ in rows] == [c.value for c in Category]
    assert dict(rows) == {c.value: i.kind.value for c, i in CATALOGUE.items()}


def test_quick_start_commands_exist_and_are_executable() -> None:
    commands = re.findall(r"^(scripts/\w+)", section("Quick start"), re.M)
    assert commands == ["scripts/demo", "scripts/test"]
    for command in commands:
        assert os.access(ROOT / command, os.X_OK), command


def test_ci_runs_exactly_the_test_command() -> None:
    lines = [
        line
        for line in (ROOT / ".ci/run").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[-1] == "exec scripts/test"
