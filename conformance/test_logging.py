"""Spec area ``logging``: ``app.logger``, ``default_handler`` and ``wsgi_errors_stream``.

Whether ``app.logger`` gets the default handler depends on the handlers of the whole
logger hierarchy, which pytest's own log capture changes; those rules are checked in
a fresh interpreter.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from conformance.implementation import environment_for


def _logging_module(impl: Any) -> Any:
    return impl.submodule("logging")


def _run(impl: Any, source: str) -> str:
    """Run ``source`` in a fresh interpreter with ``impl`` importable as ``impl``."""
    code = f"import {impl.__name__} as impl\n" + textwrap.dedent(source)
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment_for(impl, os.environ),
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


@pytest.mark.spec("logging.default-handler.stream")
def test_default_handler_writes_to_wsgi_errors_stream(impl: Any) -> None:
    """``default_handler`` is a ``StreamHandler`` writing to ``wsgi_errors_stream``."""
    module = _logging_module(impl)
    assert isinstance(module.default_handler, logging.StreamHandler)
    assert module.default_handler.stream is module.wsgi_errors_stream


@pytest.mark.spec("logging.default-handler.format")
def test_default_handler_format(impl: Any) -> None:
    """The default handler formats records as ``[time] LEVEL in module: message``."""
    formatter = _logging_module(impl).default_handler.formatter
    assert formatter._fmt == "[%(asctime)s] %(levelname)s in %(module)s: %(message)s"


@pytest.mark.spec("logging.errors-stream.outside-request")
def test_wsgi_errors_stream_is_stderr_outside_a_request(impl: Any) -> None:
    """Outside a request ``wsgi_errors_stream`` is ``sys.stderr``."""
    stream = _logging_module(impl).wsgi_errors_stream
    assert stream._get_current_object() is sys.stderr


@pytest.mark.spec("logging.errors-stream.inside-request")
def test_wsgi_errors_stream_is_the_request_stream(impl: Any, app: Any, driver: Any) -> None:
    """Inside a request ``wsgi_errors_stream`` is the request's ``wsgi.errors`` stream."""
    stream = _logging_module(impl).wsgi_errors_stream
    errors = io.StringIO()
    with driver.request_context(app, "/", errors_stream=errors):
        assert stream._get_current_object() is errors


@pytest.mark.spec("logging.logger.default-handler-added")
def test_logger_gets_default_handler_without_configuration(impl: Any) -> None:
    """Without any logging configuration ``app.logger`` gets ``default_handler``."""
    output = _run(
        impl,
        """
        from conformance.contract import resolve
        handler = resolve(impl, "logging.default_handler")
        print(handler in impl.Flask("plain").logger.handlers)
        """,
    )
    assert output == "True"


@pytest.mark.spec("logging.logger.configured-root")
def test_logger_has_no_default_handler_when_root_is_configured(impl: Any) -> None:
    """When the root logger has a handler, ``app.logger`` is left to propagate to it."""
    output = _run(
        impl,
        """
        import logging
        from conformance.contract import resolve
        logging.basicConfig()
        handler = resolve(impl, "logging.default_handler")
        logger = impl.Flask("configured").logger
        print(handler in logger.handlers, logger.propagate)
        """,
    )
    assert output == "False True"


@pytest.mark.spec("logging.logger.debug-level")
def test_logger_level_follows_debug(impl: Any) -> None:
    """In debug mode an unconfigured ``app.logger`` is set to DEBUG; otherwise NOTSET."""
    output = _run(
        impl,
        """
        quiet = impl.Flask("quiet")
        loud = impl.Flask("loud")
        loud.debug = True
        print(quiet.logger.level, loud.logger.level)
        """,
    )
    assert output == "0 10"


@pytest.mark.spec("logging.unhandled-exception.to-errors-stream")
def test_unhandled_exception_is_logged_to_the_request_errors_stream(impl: Any) -> None:
    """An unhandled exception is logged, by the default handler, to the request's
    ``wsgi.errors`` stream, with the method and path."""
    output = _run(
        impl,
        """
        import io
        app = impl.Flask("failing")
        app.config["PROPAGATE_EXCEPTIONS"] = False

        @app.route("/boom")
        def boom():
            raise ValueError("kaboom")

        errors = io.StringIO()
        response = app.test_client().get("/boom", errors_stream=errors)
        text = errors.getvalue()
        print(response.status_code, "ERROR in app: Exception on /boom [GET]" in text,
              "ValueError: kaboom" in text)
        """,
    )
    assert output == "500 True True"


@pytest.mark.spec("logging.logger.same-object")
def test_logger_is_the_named_standard_logger(impl: Any, app: Any) -> None:
    """``app.logger`` is ``logging.getLogger(app.name)``, created once."""
    assert app.logger is logging.getLogger(app.name)
    assert app.logger is app.logger
