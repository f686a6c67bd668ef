"""structlog, configured once: JSON lines (or console), event name under `event`.

The libraries' own warnings and errors (the standard library's `logging`) go to the same stream
as `library_message` events rather than as plain text on stderr.

Tracebacks are rendered as dicts without local variables: a frame's locals could hold a token.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal, TextIO

import structlog
from structlog.tracebacks import ExceptionDictTransformer

LogFormat = Literal["json", "console"]
LEVELS = ("debug", "info", "warning", "error", "critical")


class _FlushingWriter:
    """Writes each rendered line and flushes it, so a crash or a pipe never loses events."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def msg(self, message: str) -> None:
        self._stream.write(message + "\n")
        self._stream.flush()

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


class _LibraryRecords(logging.Handler):
    """The standard library's log records (asyncio, aiohttp, APScheduler) at warning and above,
    as `library_message` events in the same stream, so that every line is one JSON object."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            logger = structlog.get_logger(record.name)
            method = getattr(logger, record.levelname.lower(), logger.warning)
            fields: dict[str, Any] = {"logger": record.name, "message": record.getMessage()}
            if record.exc_info:
                fields["exc_info"] = record.exc_info
            method("library_message", **fields)
        except Exception:  # noqa: BLE001 - a log line must never take the daemon down
            self.handleError(record)


class _WriterFactory:
    def __init__(self, stream: TextIO) -> None:
        self._writer = _FlushingWriter(stream)

    def __call__(self, *args: Any) -> _FlushingWriter:
        return self._writer


def configure_logging(
    level: str = "info", *, stream: TextIO | None = None, fmt: LogFormat = "json"
) -> None:
    renderer: structlog.typing.Processor
    tracebacks: structlog.typing.Processor
    if fmt == "console":
        # A plain text traceback (the standard library's format shows no local variables);
        # the console renderer cannot print the dict form.
        tracebacks = structlog.processors.format_exc_info
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    else:
        tracebacks = structlog.processors.ExceptionRenderer(
            ExceptionDictTransformer(show_locals=False)
        )
        renderer = structlog.processors.JSONRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            tracebacks,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_WriterFactory(stream or sys.stdout),
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _LibraryRecords)]:
        root.removeHandler(handler)
    root.addHandler(_LibraryRecords(logging.WARNING))
