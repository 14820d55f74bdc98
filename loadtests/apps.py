"""The application served under load, built on any Flask-compatible implementation.

``create_app("framework")`` and ``create_app("flask")`` build the same app, with one
endpoint per scenario the locust users exercise (see ``loadtests/scenarios.py``);
``create_app("raw")`` returns the raw WSGI floor of :mod:`loadtests.rawapp`, which
answers the same endpoints. Servers import ``loadtests.apps:app``: that module
attribute is built on first access from the implementation named by the
``LOADTEST_IMPL`` environment variable (default ``framework``), so that importing
this module for its constants builds nothing.

The constants (from :mod:`loadtests.contract`, re-exported here) are the contract
between the app and the scenarios: what each endpoint answers, so that every
response under load can be checked.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

from loadtests import rawapp
from loadtests.contract import (
    HELLO_BODY,
    JSON_ITEMS,
    JSON_MESSAGE,
    SCENARIO_USERS,
    SECRET_KEY,
    SESSION_KEY,
    STATIC_FILE,
    STATIC_FOLDER,
    STATIC_MARKER,
    STREAM_CHUNKS,
    TEMPLATE_ITEMS,
    TEMPLATE_SOURCE,
    TEMPLATE_TITLE,
    TEMPLATE_TITLE_ESCAPED,
    form_text,
    session_text,
    stream_chunk,
    user_text,
)

__all__ = [
    "DEFAULT_IMPL",
    "HELLO_BODY",
    "IMPL_ENV_VAR",
    "JSON_ITEMS",
    "JSON_MESSAGE",
    "RAW_IMPL",
    "SCENARIO_USERS",
    "SECRET_KEY",
    "SESSION_KEY",
    "STATIC_FILE",
    "STATIC_FOLDER",
    "STATIC_MARKER",
    "STREAM_CHUNKS",
    "TEMPLATE_ITEMS",
    "TEMPLATE_SOURCE",
    "TEMPLATE_TITLE",
    "TEMPLATE_TITLE_ESCAPED",
    "create_app",
    "form_text",
    "session_text",
    "stream_chunk",
    "user_text",
]

IMPL_ENV_VAR = "LOADTEST_IMPL"
DEFAULT_IMPL = "framework"
#: The ``--impl`` name of the raw WSGI floor (not an implementation module).
RAW_IMPL = "raw"


def create_app(impl_name: str) -> Any:
    """Build and return the load-test app on the implementation module ``impl_name``.

    Endpoints: ``/hello`` (text), ``/json`` (a dict), ``/user/<int:id>`` (converter
    and ``url_for``), ``/session`` (a visit counter in the session), ``/form``
    (POST, echoes the ``name`` field), ``/stream`` (a generator of a few chunks),
    ``/template`` (``render_template_string`` with a loop) and nothing at
    ``/missing``, which the routing answers with 404. Raises ``ImportError`` when
    the module cannot be imported. The static folder serves ``/static/load.css``.
    """
    if impl_name == RAW_IMPL:
        return rawapp.app
    impl = importlib.import_module(impl_name)
    app = impl.Flask(__name__, static_folder=str(STATIC_FOLDER))
    app.config["SECRET_KEY"] = SECRET_KEY

    @app.route("/hello")
    def hello() -> str:
        return HELLO_BODY

    @app.route("/json")
    def json_data() -> dict[str, Any]:
        return {"message": JSON_MESSAGE, "items": JSON_ITEMS}

    @app.route("/user/<int:id>")
    def user(id: int) -> str:
        return user_text(id, impl.url_for("user", id=id))

    @app.route("/session")
    def visits() -> str:
        count = impl.session.get(SESSION_KEY, 0) + 1
        impl.session[SESSION_KEY] = count
        return session_text(count)

    @app.route("/form", methods=["POST"])
    def form() -> str:
        # A missing field raises BadRequestKeyError: a 400, as for any client error.
        return form_text(impl.request.form["name"])

    @app.route("/stream")
    def stream() -> Any:
        def generate() -> Iterator[str]:
            for index in range(STREAM_CHUNKS):
                yield stream_chunk(index)

        return app.response_class(generate(), mimetype="text/plain")

    @app.route("/template")
    def template() -> str:
        return str(
            impl.render_template_string(
                TEMPLATE_SOURCE, title=TEMPLATE_TITLE, items=range(TEMPLATE_ITEMS)
            )
        )

    return app


def __getattr__(name: str) -> Any:
    """Build the module-level ``app`` on first access (PEP 562), from ``LOADTEST_IMPL``."""
    if name == "app":
        app = create_app(os.environ.get(IMPL_ENV_VAR, DEFAULT_IMPL))
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
