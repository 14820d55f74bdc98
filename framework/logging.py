"""The application logger: where it writes, its default handler and how it is created."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO, cast

from werkzeug.local import LocalProxy

from framework.globals import _cv_request

if TYPE_CHECKING:
    from framework.app import Flask


def _active_error_stream() -> TextIO:
    """Return the active request's ``wsgi.errors`` stream, or ``sys.stderr`` outside a
    request (looked up on every write, so a replaced ``sys.stderr`` is honoured)."""
    request_ctx = _cv_request.get(None)
    if request_ctx is None:
        return sys.stderr
    return cast(TextIO, request_ctx.request.environ["wsgi.errors"])


#: A stream that writes to ``environ["wsgi.errors"]`` during a request and to
#: ``sys.stderr`` otherwise, so log lines reach the WSGI server's error log.
wsgi_errors_stream: TextIO = cast(TextIO, LocalProxy(_active_error_stream))


def _loggers_reached(logger: logging.Logger) -> Iterator[logging.Logger]:
    """Yield ``logger`` and then each ancestor a record logged on it propagates to."""
    current: logging.Logger | None = logger
    while current is not None:
        yield current
        current = current.parent if current.propagate else None


def has_level_handler(logger: logging.Logger) -> bool:
    """Return True when some handler that ``logger``'s records reach (following
    ``propagate`` up the hierarchy) accepts records at the logger's effective level."""
    effective_level = logger.getEffectiveLevel()
    return any(
        handler.level <= effective_level
        for reached in _loggers_reached(logger)
        for handler in reached.handlers
    )


#: The handler added to an app's logger when nothing else would show its records.
default_handler = logging.StreamHandler(wsgi_errors_stream)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def create_logger(app: Flask) -> logging.Logger:
    """Return the logger named ``app.name``, configured for the app.

    A debug app lowers the logger to ``DEBUG`` unless a level was set on it explicitly.
    :data:`default_handler` is attached when no handler the records reach would show
    them (so configuring logging before creating the app keeps it quiet).
    """
    logger = logging.getLogger(app.name)
    if app.debug and logger.level == logging.NOTSET:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
