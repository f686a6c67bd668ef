"""How values are quoted in messages: short, escaped, never a whole blob."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping

_LONGEST = 60


def show(text: str) -> str:
    """A string as the user would write it in YAML double quotes, cut when long."""
    if len(text) > _LONGEST:
        text = text[: _LONGEST - 3] + "..."
    return json.dumps(text, ensure_ascii=False)


def describe(value: object) -> str:
    """What a value is, for "must be X; got Y" messages."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return show(value)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def one_of(choices: Iterable[str]) -> str:
    return ", ".join(choices)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice, when one is close enough to be a likely typo."""
    options = list(choices)
    lowered = {choice.lower(): choice for choice in options}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None
