"""Unit tests for framework.helpers: abort, redirect, make_response, the environment
flags, file sending, template attributes and message flashing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, NoReturn

import pytest
from werkzeug.exceptions import Aborter, HTTPException, NotFound
from werkzeug.wrappers import Response as WerkzeugResponse

from framework import (
    Flask,
    Response,
    abort,
    flash,
    get_flashed_messages,
    get_template_attribute,
    make_response,
    message_flashed,
    redirect,
    send_file,
    send_from_directory,
    session,
)
from framework.helpers import get_debug_flag, get_load_dotenv


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """A testing app rooted at a temporary folder holding ``static/hello.txt`` and a
    ``templates/macros.html``."""
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "hello.txt").write_text("hello file")
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "macros.html").write_text(
        "{% macro greet(name) %}Hello {{ name }}!{% endmacro %}{% set answer = 42 %}"
    )
    application = Flask(__name__, root_path=str(tmp_path))
    application.config.update(TESTING=True, SECRET_KEY="test secret")
    return application


class TeapotError(HTTPException):
    """A custom HTTP exception for a code werkzeug does not map."""

    code = 499
    description = "custom abort"


# --- abort ---------------------------------------------------------------------


def test_abort_outside_an_app_uses_werkzeug() -> None:
    """Without an app context ``abort`` raises werkzeug's exception for the code."""
    with pytest.raises(NotFound):
        abort(404)
    with pytest.raises(LookupError):
        abort(499)


def test_abort_inside_an_app_uses_the_app_aborter(app: Flask) -> None:
    """With an app context ``abort`` goes through ``app.aborter`` (customisable)."""
    app.aborter = Aborter(extra={499: TeapotError})
    with app.app_context():
        with pytest.raises(TeapotError):
            abort(499)
        with pytest.raises(NotFound) as info:
            abort(404, description="gone")
        assert info.value.description == "gone"


def test_abort_uses_make_aborter_of_a_subclass() -> None:
    """``make_aborter`` (and ``aborter_class``) decide the aborter an app gets."""

    class CustomAborter(Aborter):
        def __call__(self, code: Any, *args: Any, **kwargs: Any) -> NoReturn:
            raise TeapotError(f"custom {code}")

    class CustomApp(Flask):
        aborter_class = CustomAborter

    application = CustomApp(__name__)
    assert isinstance(application.aborter, CustomAborter)
    with application.app_context(), pytest.raises(TeapotError, match="custom 404"):
        abort(404)


def test_abort_with_a_response(app: Flask) -> None:
    """``abort(response)`` raises an HTTPException carrying that response."""
    response = Response("stop", status=409)
    with app.app_context(), pytest.raises(HTTPException) as info:
        abort(response)
    assert info.value.get_response() is response


def test_abort_in_a_view_with_a_custom_aborter(app: Flask) -> None:
    """End to end: a custom code raised by ``abort`` in a view becomes its response."""
    app.aborter = Aborter(extra={499: TeapotError})

    @app.route("/")
    def index() -> str:
        abort(499)

    response = app.test_client().get("/")
    assert response.status_code == 499
    assert b"custom abort" in response.data


# --- redirect ------------------------------------------------------------------


def test_redirect_outside_an_app_uses_werkzeug() -> None:
    """Without an app context ``redirect`` builds werkzeug's redirect response."""
    response = redirect("/target", 301)
    assert response.status_code == 301
    assert response.headers["Location"] == "/target"
    assert type(response) is WerkzeugResponse


def test_redirect_outside_an_app_accepts_a_response_class() -> None:
    """Outside an app context the ``Response`` argument picks the response class."""
    response = redirect("/target", Response=Response)
    assert type(response) is Response
    assert response.status_code == 302


def test_redirect_inside_an_app_uses_app_redirect() -> None:
    """With an app context ``redirect`` calls ``app.redirect`` (customisable)."""
    calls: list[tuple[str, int]] = []

    class CustomApp(Flask):
        def redirect(self, location: str, code: int = 302) -> WerkzeugResponse:
            calls.append((location, code))
            return super().redirect(location, code)

    application = CustomApp(__name__)
    with application.app_context():
        response = redirect("/there", 303)
    assert calls == [("/there", 303)]
    assert isinstance(response, application.response_class)
    assert response.status_code == 303
    assert response.location == "/there"


def test_app_redirect_uses_the_response_class(app: Flask) -> None:
    """``app.redirect`` returns the app's response class; the body links to the
    HTML-escaped location."""
    response = app.redirect("/next?a=<b>", 307)
    assert isinstance(response, Response)
    assert response.status_code == 307
    assert response.headers["Location"] == "/next?a=<b>"
    assert b'href="/next?a=&lt;b&gt;"' in response.data


# --- make_response helper ------------------------------------------------------


def test_make_response_without_arguments_is_empty(app: Flask) -> None:
    """``make_response()`` is an empty 200 response of the app's class."""
    with app.test_request_context():
        response = make_response()
    assert isinstance(response, Response)
    assert (response.status_code, response.data) == (200, b"")


def test_make_response_with_one_argument_converts_it(app: Flask) -> None:
    """One argument is converted like a view's return value."""
    with app.test_request_context():
        assert make_response("text").data == b"text"
        assert make_response({"a": 1}).get_json() == {"a": 1}
        tuple_response = make_response(("body", 201))
    assert tuple_response.status_code == 201


def test_make_response_with_several_arguments_is_a_tuple(app: Flask) -> None:
    """Several arguments are treated as a ``(body, status, headers)`` tuple."""
    with app.test_request_context():
        response = make_response("missing", 404, {"X-Reason": "gone"})
        two = make_response("body", {"X-Only": "headers"})
    assert response.status_code == 404
    assert response.data == b"missing"
    assert response.headers["X-Reason"] == "gone"
    assert (two.status_code, two.headers["X-Only"]) == (200, "headers")


def test_make_response_needs_an_app_context() -> None:
    """``make_response`` outside an app context raises the app-context RuntimeError."""
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        make_response("x")


# --- environment flags ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        ("", False),
        ("0", False),
        ("false", False),
        ("FALSE", False),
        ("No", False),
        ("1", True),
        ("true", True),
        ("yes", True),
        ("anything", True),
    ],
)
def test_get_debug_flag(monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool) -> None:
    """``FLASK_DEBUG`` is true unless unset, empty, or one of 0/false/no (any case)."""
    if value is None:
        monkeypatch.delenv("FLASK_DEBUG", raising=False)
    else:
        monkeypatch.setenv("FLASK_DEBUG", value)
    assert get_debug_flag() is expected


@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [
        (None, True, True),
        (None, False, False),
        ("", False, False),
        ("1", True, False),
        ("true", True, False),
        ("0", False, True),
        ("false", False, True),
        ("No", True, True),
    ],
)
def test_get_load_dotenv(
    monkeypatch: pytest.MonkeyPatch, value: str | None, default: bool, expected: bool
) -> None:
    """Without ``FLASK_SKIP_DOTENV`` the default applies; a false word means load, any
    other value means skip."""
    if value is None:
        monkeypatch.delenv("FLASK_SKIP_DOTENV", raising=False)
    else:
        monkeypatch.setenv("FLASK_SKIP_DOTENV", value)
    assert get_load_dotenv(default) is expected


# --- send_file and send_from_directory -----------------------------------------


def test_send_file_relative_to_the_root_path(app: Flask) -> None:
    """A relative path is resolved against the app's root path; the mimetype is guessed."""
    with app.test_request_context():
        response = send_file("static/hello.txt")
    response.direct_passthrough = False
    assert isinstance(response, Response)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data() == b"hello file"
    assert response.cache_control.max_age is None
    response.close()


def test_send_file_as_attachment(app: Flask) -> None:
    """``as_attachment`` and ``download_name`` set ``Content-Disposition``."""
    with app.test_request_context():
        response = send_file("static/hello.txt", as_attachment=True, download_name="report.txt")
    assert response.headers["Content-Disposition"] == "attachment; filename=report.txt"
    response.close()


def test_send_file_from_a_file_object(app: Flask) -> None:
    """A binary file object is sent with the given mimetype."""
    with app.test_request_context():
        response = send_file(io.BytesIO(b"\x00\x01"), mimetype="application/octet-stream")
    response.direct_passthrough = False
    assert response.get_data() == b"\x00\x01"
    assert response.mimetype == "application/octet-stream"


def test_send_file_uses_send_file_max_age_default(app: Flask) -> None:
    """``SEND_FILE_MAX_AGE_DEFAULT`` sets the cache max age of sent files."""
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
    with app.test_request_context():
        response = send_file("static/hello.txt")
    assert response.cache_control.max_age == 60
    assert response.cache_control.public is True
    response.close()


def test_send_file_with_x_sendfile(app: Flask) -> None:
    """``USE_X_SENDFILE`` sends an ``X-Sendfile`` header and no body."""
    app.config["USE_X_SENDFILE"] = True
    with app.test_request_context():
        response = send_file("static/hello.txt")
    assert response.headers["X-Sendfile"] == str(Path(app.root_path) / "static" / "hello.txt")
    response.direct_passthrough = False
    assert response.get_data() == b""


def test_send_from_directory_sends_a_file(app: Flask) -> None:
    """``send_from_directory`` sends a file inside the directory."""
    with app.test_request_context():
        response = send_from_directory("static", "hello.txt")
    response.direct_passthrough = False
    assert response.get_data() == b"hello file"
    response.close()


@pytest.mark.parametrize("path", ["../secret.txt", "/etc/passwd", "missing.txt", ""])
def test_send_from_directory_refuses_escaping_and_missing_paths(app: Flask, path: str) -> None:
    """A path escaping the directory, absolute, or missing raises NotFound (404)."""
    with app.test_request_context(), pytest.raises(NotFound):
        send_from_directory("static", path)


def test_send_from_directory_in_a_view(app: Flask) -> None:
    """End to end: a view serving a directory answers 200 for files and 404 for escapes."""

    @app.route("/files/<path:name>")
    def files(name: str) -> Response:
        return send_from_directory(Path(app.root_path) / "static", name)

    client = app.test_client()
    response = client.get("/files/hello.txt")
    assert (response.status_code, response.data) == (200, b"hello file")
    response.close()
    assert client.get("/files/..%2Fsecret.txt").status_code == 404


# --- get_template_attribute ----------------------------------------------------


def test_get_template_attribute_returns_macros_and_variables(app: Flask) -> None:
    """Macros and top-level variables exported by a template can be fetched."""
    with app.app_context():
        greet = get_template_attribute("macros.html", "greet")
        assert str(greet("Ann")) == "Hello Ann!"
        assert get_template_attribute("macros.html", "answer") == 42


def test_get_template_attribute_missing_name_is_an_attribute_error(app: Flask) -> None:
    """A name the template does not export raises AttributeError."""
    with app.app_context(), pytest.raises(AttributeError):
        get_template_attribute("macros.html", "nothing")


# --- flashing ------------------------------------------------------------------


@pytest.fixture
def flash_app(app: Flask) -> Flask:
    """The app with views that flash messages and read them back."""

    @app.route("/flash")
    def flash_view() -> str:
        flash("plain")
        flash("saved", "success")
        flash("broken", "error")
        return ""

    @app.route("/all")
    def all_messages() -> Any:
        return {"messages": get_flashed_messages()}

    @app.route("/categories")
    def with_categories() -> Any:
        return {"messages": get_flashed_messages(with_categories=True)}

    @app.route("/filtered")
    def filtered() -> Any:
        return {
            "errors": get_flashed_messages(category_filter=["error"]),
            "pairs": get_flashed_messages(with_categories=True, category_filter=("success",)),
            "all": get_flashed_messages(),
        }

    return app


def test_flashed_messages_survive_to_the_next_request_once(flash_app: Flask) -> None:
    """Flashed messages are returned by the next request, then are gone."""
    client = flash_app.test_client()
    client.get("/flash")
    assert client.get("/all").get_json() == {"messages": ["plain", "saved", "broken"]}
    assert client.get("/all").get_json() == {"messages": []}


def test_flashed_messages_with_categories(flash_app: Flask) -> None:
    """``with_categories`` returns ``(category, message)`` pairs; the default is ``message``."""
    client = flash_app.test_client()
    client.get("/flash")
    assert client.get("/categories").get_json() == {
        "messages": [["message", "plain"], ["success", "saved"], ["error", "broken"]]
    }


def test_flashed_messages_filtered_and_stable_within_a_request(flash_app: Flask) -> None:
    """``category_filter`` keeps the named categories; every call in one request sees
    the same messages even though the first call removed them from the session."""
    client = flash_app.test_client()
    client.get("/flash")
    assert client.get("/filtered").get_json() == {
        "errors": ["broken"],
        "pairs": [["success", "saved"]],
        "all": ["plain", "saved", "broken"],
    }
    assert client.get("/all").get_json() == {"messages": []}


def test_flash_stores_pairs_in_the_session(flash_app: Flask) -> None:
    """``flash`` appends ``(category, message)`` to the session's ``_flashes`` list."""
    with flash_app.test_request_context():
        flash("one")
        flash("two", "warning")
        assert session["_flashes"] == [("message", "one"), ("warning", "two")]
        assert get_flashed_messages() == ["one", "two"]
        assert "_flashes" not in session


def test_flash_sends_message_flashed(flash_app: Flask) -> None:
    """``flash`` sends ``message_flashed`` with the app, the message and the category."""
    received: list[tuple[Any, str, str]] = []

    def receiver(sender: Any, message: str, category: str, **extra: Any) -> None:
        received.append((sender, message, category))

    with message_flashed.connected_to(receiver, flash_app):
        flash_app.test_client().get("/flash")
    assert received == [
        (flash_app, "plain", "message"),
        (flash_app, "saved", "success"),
        (flash_app, "broken", "error"),
    ]


def test_get_flashed_messages_without_flashes_is_empty(flash_app: Flask) -> None:
    """With nothing flashed the list is empty and the session is not modified."""
    with flash_app.test_request_context():
        assert get_flashed_messages() == []
        assert get_flashed_messages(with_categories=True) == []
        assert session.modified is False
