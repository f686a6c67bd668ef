"""Zendesk cursor pagination: `page[size]`, `page[after]`, `page[before]`, `meta`, `links`."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")

MAX_PAGE_SIZE = 100


class PaginationError(ValueError):
    """A page parameter Zendesk would reject with 400."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    meta: dict[str, Any]
    links: dict[str, str | None]


def encode_cursor(item_id: int) -> str:
    # Same look as Zendesk's opaque cursors: base64 of {"o": order, "v": value}.
    return base64.b64encode(
        json.dumps({"o": "id", "v": item_id}, separators=(",", ":")).encode()
    ).decode()


def decode_cursor(cursor: str) -> int:
    try:
        value = json.loads(base64.b64decode(cursor, validate=True))["v"]
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise PaginationError("invalid cursor") from error
    if isinstance(value, bool) or not isinstance(value, int):
        raise PaginationError("invalid cursor")
    return value


def _page_size(query: Mapping[str, str]) -> int:
    raw = query.get("page[size]")
    if raw is None:
        return MAX_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError as error:
        raise PaginationError("page[size] must be a number") from error
    if size < 1:
        raise PaginationError("page[size] must be at least 1")
    return min(size, MAX_PAGE_SIZE)


def paginate(
    items: Sequence[T], key: Callable[[T], int], query: Mapping[str, str], url: str
) -> Page[T]:
    """One page of `items` (ordered by `key`); `url` is the endpoint's absolute URL."""
    size = _page_size(query)
    ordered = sorted(items, key=key)
    after, before = query.get("page[after]"), query.get("page[before]")
    if after is not None:
        start = decode_cursor(after)
        rest = [item for item in ordered if key(item) > start]
        page, has_more = rest[:size], len(rest) > size
    elif before is not None:
        end = decode_cursor(before)
        rest = [item for item in ordered if key(item) < end]
        page, has_more = rest[-size:], len(rest) > size
    else:
        page, has_more = ordered[:size], len(ordered) > size
    after_cursor = encode_cursor(key(page[-1])) if page else None
    before_cursor = encode_cursor(key(page[0])) if page else None
    kept = {k: v for k, v in query.items() if not k.startswith("page[")}

    def link(direction: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        params = {**kept, f"page[{direction}]": cursor, "page[size]": str(size)}
        return f"{url}?{urlencode(params)}"

    return Page(
        items=page,
        meta={"has_more": has_more, "after_cursor": after_cursor, "before_cursor": before_cursor},
        links={"prev": link("before", before_cursor), "next": link("after", after_cursor)},
    )
