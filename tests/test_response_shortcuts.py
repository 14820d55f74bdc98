"""The Response shortcuts (direct construction from a string, direct WSGI call) must
give exactly what werkzeug's full path gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response as WerkzeugResponse

from framework import Flask
from framework.wrappers import Response


def _slow(cls: type[Response], *args: Any, **kwargs: Any) -> Response:
    """Build a response through werkzeug's constructor only."""
    response = cls.__new__(cls)
    WerkzeugResponse.__init__(response, *args, **kwargs)
    return response


def _state(response: Response) -> dict[str, Any]:
    state = dict(vars(response))
    state["headers"] = list(response.headers)
    return state


def _wsgi(response: Response, method: str = "GET") -> tuple[str, list[tuple[str, str]], bytes]:
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started.append((status, headers))

    body_iter = response({"REQUEST_METHOD": method, "wsgi.url_scheme": "http"}, start_response)
    body = b"".join(body_iter)
    close = getattr(body_iter, "close", None)
    if close is not None:
        close()
    return started[0][0], started[0][1], body


texts = st.text(max_size=40)
mimetypes = st.sampled_from([None, "text/plain", "application/json", "text/html", "image/png"])


@given(text=texts, mimetype=mimetypes)
def test_string_construction_matches_werkzeug(text: str, mimetype: str | None) -> None:
    """A response built from a string (and a mimetype) has werkzeug's exact state."""
    assert _state(Response(text, mimetype=mimetype)) == _state(
        _slow(Response, text, mimetype=mimetype)
    )


class PlainTextResponse(Response):
    default_mimetype = "text/plain"
    default_status = 201


def test_subclass_defaults_are_honoured() -> None:
    """A subclass's default mimetype and status are used by the shortcut."""
    fast = PlainTextResponse("hi")
    assert _state(fast) == _state(_slow(PlainTextResponse, "hi"))
    assert fast.status == "201 CREATED"
    assert fast.headers["Content-Type"] == "text/plain; charset=utf-8"


class UpperResponse(Response):
    def set_data(self, value: bytes | str) -> None:
        super().set_data(value.upper())


def test_subclass_overriding_set_data_takes_the_full_path() -> None:
    """A subclass overriding set_data gets its override called."""
    assert UpperResponse("abc").get_data() == b"ABC"


@given(
    text=texts,
    status=st.sampled_from([200, 201, 204, 301, 304, 404, 500, 101]),
    method=st.sampled_from(["GET", "HEAD", "POST"]),
    extra=st.sampled_from(
        [None, ("Location", "/caf\u00e9"), ("Content-Location", "/x y"), ("X-A", "1")]
    ),
    drop_length=st.booleans(),
)
def test_wsgi_call_matches_werkzeug(
    text: str, status: int, method: str, extra: tuple[str, str] | None, drop_length: bool
) -> None:
    """Calling a response gives werkzeug's status line, headers and body."""
    responses = [Response(text), Response(text)]
    for response in responses:
        response.status_code = status
        if extra:
            response.headers.add(*extra)
        if drop_length:
            del response.headers["Content-Length"]
    fast = _wsgi(responses[0], method)
    app_iter, slow_status, slow_headers = WerkzeugResponse.get_wsgi_response(
        responses[1], {"REQUEST_METHOD": method, "wsgi.url_scheme": "http"}
    )
    assert fast == (slow_status, slow_headers, b"".join(app_iter))


def test_call_on_close_still_runs() -> None:
    """Functions registered with call_on_close run when the server closes the body."""
    closed: list[str] = []
    response = Response("x")
    response.call_on_close(lambda: closed.append("closed"))
    _wsgi(response)
    assert closed == ["closed"]


@pytest.mark.parametrize("chunks", [["a", b"b"], [b"a", b"b"]])
def test_list_bodies_are_encoded(chunks: list[Any]) -> None:
    """A list body with str items is encoded like werkzeug does."""
    response = Response()
    response.response = chunks
    response.headers["Content-Length"] = "2"
    assert _wsgi(response)[2] == b"ab"


class TeapotWithHeaders(HTTPException):
    code = 418
    description = "<short & stout>"

    def get_headers(self, environ: Any = None, scope: Any = None) -> list[tuple[str, str]]:
        return [*super().get_headers(environ, scope), ("X-Pot", "1")]


@pytest.mark.parametrize(
    "error",
    [
        NotFound(),
        MethodNotAllowed(valid_methods=["GET", "POST"]),
        BadRequest("bad <input>"),
        RequestEntityTooLarge(),
        RequestRedirect("http://localhost/caf%C3%A9/"),
        TeapotWithHeaders(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_http_exception_responses_match_running_the_exception(error: HTTPException) -> None:
    """An HTTP exception becomes the same response as werkzeug's force_type gives by
    running it as a WSGI application: status, headers and body."""
    app = Flask("errors")
    with app.test_request_context("/x"):
        from framework.globals import request

        first = app.make_response(error)
        first.headers["X-Changed"] = "1"
        first.set_data(b"changed")
        fast = app.make_response(error)  # served from the cache of error pages
        slow = Response.force_type(error, request.environ)  # type: ignore[arg-type]
    assert type(fast) is Response
    assert fast.status == slow.status
    assert list(fast.headers) == list(slow.headers)
    assert fast.get_data() == slow.get_data()


def test_error_pages_differ_by_description() -> None:
    """Two descriptions of one error class give two different pages."""
    app = Flask("errors")
    with app.test_request_context("/x"):
        one = app.make_response(NotFound("first <thing>"))
        two = app.make_response(NotFound("second"))
    assert b"first &lt;thing&gt;" in one.get_data()
    assert b"second" in two.get_data() and b"first" not in two.get_data()


def test_pages_with_instance_descriptions_are_not_cached() -> None:
    """Only pages with the class's own description are kept: a description given per
    instance (possibly client input) is never stored."""
    from framework.wrappers import _error_pages

    app = Flask("errors")
    _error_pages.clear()
    with app.test_request_context("/x"):
        app.make_response(NotFound("x" * 10_000))
        assert _error_pages == {}
        app.make_response(NotFound())
    assert len(_error_pages) == 1


def test_error_pages_with_computed_descriptions_are_not_shared() -> None:
    """A BadRequestKeyError shown with its key (debug) does not leak that page into a
    later request where the key must stay hidden."""
    from werkzeug.exceptions import BadRequestKeyError

    app = Flask("errors")
    with app.test_request_context("/x"):
        shown = BadRequestKeyError("secret_field")
        shown.show_exception = True
        assert b"secret_field" in app.make_response(shown).get_data()
        hidden = app.make_response(BadRequestKeyError("secret_field"))
    assert b"secret_field" not in hidden.get_data()


def test_http_exception_overriding_call_is_run_as_wsgi_app() -> None:
    """An HTTP exception class with its own ``__call__`` answers through it."""

    class Custom(NotFound):
        def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"custom call"]

    app = Flask("errors")
    app.add_url_rule("/", "index", lambda: Custom())
    response = app.test_client().get("/")
    assert (response.status_code, response.data) == (200, b"custom call")


def test_changed_class_description_is_used() -> None:
    """Changing an HTTP exception class's description at run time changes later pages."""

    class Refused(HTTPException):
        code = 403
        description = "first"

    app = Flask("errors")

    @app.route("/")
    def index() -> Any:
        raise Refused()

    client = app.test_client()
    assert b"first" in client.get("/").data
    Refused.description = "second"
    assert b"second" in client.get("/").data


def test_changed_response_class_defaults_are_used() -> None:
    """Changing a response class's default mimetype or status at run time changes
    later string responses."""

    class Page(Response):
        pass

    app = Flask("defaults")
    app.response_class = Page
    app.add_url_rule("/", "index", lambda: "hi")
    client = app.test_client()
    assert client.get("/").content_type == "text/html; charset=utf-8"
    Page.default_mimetype = "text/plain"
    Page.default_status = 201
    response = client.get("/")
    assert (response.content_type, response.status_code) == ("text/plain; charset=utf-8", 201)


def test_patched_stdlib_json_dumps_is_used() -> None:
    """JSON responses go through ``json.dumps`` when it has been replaced (as tests do)."""
    import json
    from unittest import mock

    app = Flask("json")
    app.add_url_rule("/", "index", lambda: {"a": 1})
    with mock.patch.object(json, "dumps", lambda obj, **kwargs: '"PATCHED"'):
        assert app.test_client().get("/").data == b'"PATCHED"\n'
