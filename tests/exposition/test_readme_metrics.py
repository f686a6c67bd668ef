"""The README's Metrics table is the documented interface: it matches what /metrics serves."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from .support import populated, serve

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
ROW = re.compile(r"^\| `([a-z_]+)` \| ([a-z]+) \| ([^|]*) \| [^|]+ \|$", re.M)

Interface = dict[str, tuple[str, frozenset[str]]]


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match is not None, title
    return match.group(1)


def documented() -> Interface:
    table = section("Metrics")
    assert "| metric | type | labels | meaning |" in table
    rows = ROW.findall(table)
    assert rows, "no rows in the Metrics table"
    names = [name for name, _, _ in rows]
    assert len(names) == len(set(names)), "a metric is listed twice"
    return {
        name: (kind, frozenset(re.findall(r"`([a-z_]+)`", labels))) for name, kind, labels in rows
    }


def served(text: str) -> Interface:
    interface: dict[str, tuple[str, set[str]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name = family.name if family.type == "histogram" else sample.name
            _, labels = interface.setdefault(name, (family.type, set()))
            labels.update(set(sample.labels) - {"le"})
    return {name: (kind, frozenset(labels)) for name, (kind, labels) in interface.items()}


async def test_the_metrics_table_is_what_metrics_serves() -> None:
    async with serve(populated()) as running:
        text = await running.scrape()
    assert served(text) == documented()
