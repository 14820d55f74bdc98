"""The application every live server serves, built from the implementation under test.

It imports nothing but the standard library, so a server subprocess (gunicorn) can
import it cheaply from a small module written next to it:

    app = create_app(importlib.import_module("framework"))
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

MAX_CONTENT_LENGTH = 1024
"""The app's ``MAX_CONTENT_LENGTH``: larger request bodies get 413."""

STREAM_PAUSE = 0.3
"""Seconds ``/stream`` waits between its two chunks."""

FIRST_CHUNK = b"first chunk\n"
SECOND_CHUNK = b"second chunk\n"


def create_app(impl: Any) -> Any:
    """Return an app built with ``impl.Flask`` that has the routes the live tests use.

    ``/`` says hello; ``/json`` answers JSON; ``/only-get`` allows GET only;
    ``/stream`` streams two chunks ``STREAM_PAUSE`` seconds apart; ``/form`` (POST)
    echoes the form as JSON; ``/upload`` (POST) answers the body's length;
    ``/session/<value>`` stores a value in the session, ``/session`` reads it back.
    """
    app = impl.Flask("conformance_live")
    app.config.update(SECRET_KEY="conformance live secret", MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH)
    request, session = impl.request, impl.session

    @app.route("/")
    def hello() -> str:
        return "Hello, live world!"

    @app.route("/json")
    def json_view() -> dict[str, Any]:
        return {"implementation": impl.__name__, "numbers": [1, 2, 3]}

    @app.route("/only-get")
    def only_get() -> str:
        return "got"

    @app.route("/stream")
    def stream() -> Iterator[bytes]:
        def generate() -> Iterator[bytes]:
            yield FIRST_CHUNK
            time.sleep(STREAM_PAUSE)
            yield SECOND_CHUNK

        return generate()

    @app.route("/form", methods=["POST"])
    def form() -> dict[str, Any]:
        return {"form": request.form.to_dict(flat=False)}

    @app.route("/upload", methods=["POST"])
    def upload() -> str:
        return str(len(request.get_data()))

    @app.route("/session/<value>")
    def store(value: str) -> str:
        session["value"] = value
        return "stored"

    @app.route("/session")
    def load() -> str:
        return str(session.get("value", "<missing>"))

    return app
