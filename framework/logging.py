"""The application logger: where it writes, its default handler and how it is created."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, TextIO, cast

from werkzeug.local import LocalProxy

if TYPE_CHECKING:
    from framework.app import Flask


def _current_errors_stream() -> TextIO:
    """Return the WSGI error stream of the active request, or ``sys.stderr`` outside one."""
    # Imported here: the context modules import this one (through the app), not vice versa.
    from framework.ctx import has_request_context
    from framework.globals import request

    if has_request_context():
        return cast(TextIO, request.environ["wsgi.errors"])
    return sys.stderr


#: A stream that writes to ``environ["wsgi.errors"]`` during a request and to
#: ``sys.stderr`` otherwise, so log lines reach the WSGI server's error log.
wsgi_errors_stream: TextIO = cast(TextIO, LocalProxy(_current_errors_stream))


def has_level_handler(logger: logging.Logger) -> bool:
    """Return whether a handler up ``logger``'s hierarchy handles its effective level.

    The search follows ``propagate`` the way records do and stops where it is false.
    """
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger
    while current is not None:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            break
        current = current.parent
    return False


#: The handler added to an app's logger when nothing else would show its records.
default_handler = logging.StreamHandler(wsgi_errors_stream)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def create_logger(app: Flask) -> logging.Logger:
    """Return the logger named ``app.name``, configured for the app.

    In debug mode a logger without an explicit level is set to ``DEBUG``, and
    :data:`default_handler` is added when no handler in the hierarchy would
    handle the logger's effective level.
    """
    logger = logging.getLogger(app.name)
    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
