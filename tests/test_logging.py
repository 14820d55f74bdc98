"""Unit tests for framework.logging: the WSGI error stream, default handler and create_logger."""

from __future__ import annotations

import io
import logging
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from framework.logging import create_logger, default_handler, has_level_handler, wsgi_errors_stream


@pytest.fixture
def isolated_parent() -> Iterator[Callable[[], logging.Logger]]:
    """Yield a factory of fresh, non-propagating registered loggers; they are reset afterwards.

    pytest attaches its capture handler to the root logger and to every
    non-propagating logger that exists when a test phase starts, so the factory
    must be called inside the test body for the hierarchy below it to be free of
    handlers.
    """
    created: list[logging.Logger] = []

    def make() -> logging.Logger:
        parent = logging.getLogger(f"flaskspec_logging_test_{uuid.uuid4().hex}")
        parent.propagate = False
        created.append(parent)
        return parent

    yield make
    for parent in created:
        for name, logger in list(logging.root.manager.loggerDict.items()):
            if name.startswith(parent.name) and isinstance(logger, logging.Logger):
                logger.handlers.clear()
                logger.setLevel(logging.NOTSET)


def _private_hierarchy(*names: str) -> list[logging.Logger]:
    """Return unregistered loggers, each the parent of the next, under a private root.

    They are invisible to ``logging.getLogger`` (and so to pytest's handlers).
    """
    parent: logging.Logger = logging.RootLogger(logging.WARNING)
    loggers = [parent]
    for name in names:
        logger = logging.Logger(name)
        logger.parent = parent
        loggers.append(logger)
        parent = logger
    return loggers


def _fake_app(name: str, debug: bool = False) -> Any:
    """An object with the two attributes create_logger reads."""
    return SimpleNamespace(name=name, debug=debug)


# --- wsgi_errors_stream ------------------------------------------------------


def test_wsgi_errors_stream_outside_request_writes_to_current_stderr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake_stderr)
    wsgi_errors_stream.write("outside")
    assert fake_stderr.getvalue() == "outside"
    assert wsgi_errors_stream._get_current_object() is fake_stderr  # type: ignore[attr-defined]


def test_wsgi_errors_stream_in_request_writes_to_environ_errors() -> None:
    from framework import Flask

    app = Flask("logging_test_app")
    errors = io.StringIO()
    with app.test_request_context(errors_stream=errors):
        wsgi_errors_stream.write("inside")
    assert errors.getvalue() == "inside"


def test_wsgi_errors_stream_in_app_context_only_is_stderr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from framework import Flask

    fake_stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake_stderr)
    with Flask("logging_test_app").app_context():
        wsgi_errors_stream.write("app only")
    assert fake_stderr.getvalue() == "app only"


# --- default_handler ---------------------------------------------------------


def test_default_handler_streams_to_wsgi_errors_stream() -> None:
    assert isinstance(default_handler, logging.StreamHandler)
    assert default_handler.stream is wsgi_errors_stream
    assert default_handler.level == logging.NOTSET


def test_default_handler_format(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake_stderr)
    record = logging.LogRecord(
        "app", logging.ERROR, "/src/views.py", 3, "failed %s", ("twice",), None
    )
    default_handler.handle(record)
    line = fake_stderr.getvalue()
    assert line.endswith("] ERROR in views: failed twice\n")
    timestamp = line[1 : line.index("]")]
    assert timestamp == logging.Formatter().formatTime(record)
    assert line.startswith("[")


# --- has_level_handler -------------------------------------------------------


def test_has_level_handler_false_without_handlers() -> None:
    _root, _app, child = _private_hierarchy("app", "app.child")
    assert has_level_handler(child) is False


def test_has_level_handler_finds_handler_on_ancestor() -> None:
    root, _app, child = _private_hierarchy("app", "app.child")
    root.addHandler(logging.NullHandler())
    assert has_level_handler(child) is True


def test_has_level_handler_finds_handler_on_logger_itself() -> None:
    _root, app = _private_hierarchy("app")
    app.addHandler(logging.NullHandler())
    assert has_level_handler(app) is True


def test_has_level_handler_ignores_handler_above_effective_level() -> None:
    root, app = _private_hierarchy("app")
    handler = logging.NullHandler()
    handler.setLevel(logging.ERROR)
    root.addHandler(handler)
    app.setLevel(logging.WARNING)
    assert has_level_handler(app) is False
    app.setLevel(logging.ERROR)
    assert has_level_handler(app) is True


def test_has_level_handler_stops_where_propagation_stops() -> None:
    root, middle, app = _private_hierarchy("middle", "middle.app")
    root.addHandler(logging.NullHandler())
    middle.propagate = False
    assert has_level_handler(app) is False
    middle.propagate = True
    assert has_level_handler(app) is True


# --- create_logger -----------------------------------------------------------

IsolatedParent = Callable[[], logging.Logger]


def test_create_logger_returns_logger_named_after_app(isolated_parent: IsolatedParent) -> None:
    name = f"{isolated_parent().name}.myapp"
    logger = create_logger(_fake_app(name))
    assert logger is logging.getLogger(name)


def test_create_logger_adds_default_handler_once_when_nothing_handles(
    isolated_parent: IsolatedParent,
) -> None:
    logger = create_logger(_fake_app(f"{isolated_parent().name}.myapp"))
    assert logger.handlers == [default_handler]
    create_logger(_fake_app(logger.name))
    assert logger.handlers == [default_handler]


def test_create_logger_keeps_existing_handling(isolated_parent: IsolatedParent) -> None:
    parent = isolated_parent()
    parent.addHandler(logging.NullHandler())
    logger = create_logger(_fake_app(f"{parent.name}.myapp"))
    assert logger.handlers == []


def test_create_logger_debug_sets_debug_level(isolated_parent: IsolatedParent) -> None:
    logger = create_logger(_fake_app(f"{isolated_parent().name}.myapp", debug=True))
    assert logger.level == logging.DEBUG


def test_create_logger_debug_keeps_explicit_level(isolated_parent: IsolatedParent) -> None:
    name = f"{isolated_parent().name}.myapp"
    logging.getLogger(name).setLevel(logging.WARNING)
    logger = create_logger(_fake_app(name, debug=True))
    assert logger.level == logging.WARNING


def test_create_logger_without_debug_leaves_level_unset(isolated_parent: IsolatedParent) -> None:
    logger = create_logger(_fake_app(f"{isolated_parent().name}.myapp"))
    assert logger.level == logging.NOTSET


def test_app_logger_writes_to_request_error_stream(isolated_parent: IsolatedParent) -> None:
    from framework import Flask

    app = Flask(f"{isolated_parent().name}.app")
    errors = io.StringIO()
    with app.test_request_context(errors_stream=errors):
        app.logger.error("during %s", "request")
    assert app.logger.name == app.name
    assert app.logger.handlers == [default_handler]
    assert errors.getvalue().endswith(f" ERROR in {Path(__file__).stem}: during request\n")
