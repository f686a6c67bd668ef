"""Exceptions render in both log formats, without local variables (a frame could hold a token)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from monitor.exposition.logs import configure_logging
from tests.canary import CANARY_TOKEN


@pytest.fixture(autouse=True)
def root_handlers() -> Iterator[None]:
    """configure_logging adds a handler to the root logger: later tests must not write to
    this module's streams."""
    before = list(logging.getLogger().handlers)
    yield
    logging.getLogger().handlers[:] = before


def crash() -> None:
    token = CANARY_TOKEN  # noqa: F841 - the local a traceback must not show
    raise ValueError("boom")


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_exceptions_render_without_locals(fmt: str) -> None:
    stream = io.StringIO()
    configure_logging("info", stream=stream, fmt=fmt)  # type: ignore[arg-type]
    try:
        crash()
    except ValueError as exc:
        structlog.get_logger("t").error("check_crashed", tenant="acme", exc_info=exc)
    text = stream.getvalue()
    assert "check_crashed" in text
    assert "ValueError" in text
    assert CANARY_TOKEN not in text
    if fmt == "json":
        event = json.loads(text)
        assert event["exception"][0]["exc_type"] == "ValueError"


def test_each_line_is_flushed_json() -> None:
    stream = io.StringIO()
    configure_logging("info", stream=stream)
    structlog.get_logger("t").info("check_completed", tenant="a")
    structlog.get_logger("t").debug("hidden")
    lines = stream.getvalue().splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["check_completed"]


def test_library_warnings_are_json_events_in_the_same_stream() -> None:
    stream = io.StringIO()
    configure_logging("info", stream=stream)
    configure_logging("info", stream=stream)  # configured twice: still one line per record
    logging.getLogger("aiohttp.client").warning("Unclosed %s", "client session")
    logging.getLogger("asyncio").info("below warning: not shown")
    try:
        crash()
    except ValueError:
        logging.getLogger("asyncio").exception("Task exception was never retrieved")
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["event"], e["level"], e["logger"]) for e in events] == [
        ("library_message", "warning", "aiohttp.client"),
        ("library_message", "error", "asyncio"),
    ]
    assert events[0]["message"] == "Unclosed client session"
    assert events[1]["exception"][0]["exc_type"] == "ValueError"
    assert CANARY_TOKEN not in stream.getvalue()
