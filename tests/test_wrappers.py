"""Unit tests for framework.wrappers: the app-aware Request and Response classes, and
the debug-mode helpers of framework.debughelpers they use."""

from __future__ import annotations

import io
import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest, BadRequestKeyError, UnsupportedMediaType
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request as WerkzeugRequest
from werkzeug.wrappers import Response as WerkzeugResponse

from framework import Blueprint, Flask, request
from framework.debughelpers import DebugFilesKeyError
from framework.wrappers import Request, Response, blueprint_lineage


@pytest.fixture
def app() -> Flask:
    """A testing app."""
    application = Flask(__name__)
    application.config.update(TESTING=True, SECRET_KEY="test secret")
    return application


# --- body limits ---------------------------------------------------------------

LIMITS = [
    ("max_content_length", "MAX_CONTENT_LENGTH", None),
    ("max_form_memory_size", "MAX_FORM_MEMORY_SIZE", 500_000),
    ("max_form_parts", "MAX_FORM_PARTS", 1_000),
]


@pytest.mark.parametrize(("attribute", "key", "werkzeug_default"), LIMITS)
def test_limit_without_an_app_is_werkzeugs_default(
    attribute: str, key: str, werkzeug_default: int | None
) -> None:
    """Outside an app context a limit falls back to werkzeug's default."""
    assert getattr(Request.from_values(), attribute) == werkzeug_default
    assert getattr(WerkzeugRequest, attribute) == werkzeug_default


@pytest.mark.parametrize(("attribute", "key", "werkzeug_default"), LIMITS)
def test_limit_comes_from_the_app_config(
    app: Flask, attribute: str, key: str, werkzeug_default: int | None
) -> None:
    """Inside an app context a limit is the app's config value, read on each access."""
    app.config[key] = 123
    with app.app_context():
        req = Request.from_values()
        assert getattr(req, attribute) == 123
        app.config[key] = 456
        assert getattr(req, attribute) == 456


@pytest.mark.parametrize(("attribute", "key", "werkzeug_default"), LIMITS)
def test_limit_set_on_the_request_wins(
    app: Flask, attribute: str, key: str, werkzeug_default: int | None
) -> None:
    """A value set on the request overrides the config; setting None restores it."""
    app.config[key] = 123
    with app.app_context():
        req = Request.from_values()
        setattr(req, attribute, 7)
        assert getattr(req, attribute) == 7
        setattr(req, attribute, None)
        assert getattr(req, attribute) == 123
    explicit = Request.from_values()
    setattr(explicit, attribute, 9)
    assert getattr(explicit, attribute) == 9


def test_max_content_length_rejects_large_bodies(app: Flask) -> None:
    """A body over ``MAX_CONTENT_LENGTH`` is answered with 413 when the form is read."""
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.route("/upload", methods=["POST"])
    def upload() -> str:
        return str(len(request.form))

    client = app.test_client()
    assert client.post("/upload", data={"a": "1"}).status_code == 200
    assert client.post("/upload", data={"a": "x" * 50}).status_code == 413


def test_per_request_limit_set_in_a_hook(app: Flask) -> None:
    """A limit set on ``request`` before reading the body applies to that request only."""

    @app.before_request
    def limit() -> None:
        if request.path == "/small":
            request.max_content_length = 5

    @app.route("/small", methods=["POST"])
    @app.route("/large", methods=["POST"], endpoint="large")
    def read() -> str:
        return str(len(request.get_data()))

    client = app.test_client()
    assert client.post("/small", data="x" * 20).status_code == 413
    assert client.post("/large", data="x" * 20).data == b"20"


def test_max_form_parts_limits_multipart_fields(app: Flask) -> None:
    """More multipart parts than ``MAX_FORM_PARTS`` is a 413."""
    app.config["MAX_FORM_PARTS"] = 2

    @app.route("/form", methods=["POST"])
    def form() -> str:
        return str(len(request.form))

    client = app.test_client()
    fields = {f"f{i}": "v" for i in range(5)}
    response = client.post("/form", data=fields, content_type="multipart/form-data")
    assert response.status_code == 413


# --- endpoint and blueprints ---------------------------------------------------


def test_endpoint_and_blueprint_of_an_app_view(app: Flask) -> None:
    """An app view has its endpoint, no blueprint and an empty blueprint list."""
    app.add_url_rule("/", "index", lambda: "")
    with app.test_request_context("/"):
        assert request.endpoint == "index"
        assert request.blueprint is None
        assert request.blueprints == []


def test_unmatched_request_has_no_endpoint(app: Flask) -> None:
    """A request that matched no rule has no endpoint, blueprint or view args."""
    with app.test_request_context("/missing"):
        assert request.endpoint is None
        assert request.blueprint is None
        assert request.blueprints == []
        assert request.view_args is None


def test_endpoint_and_blueprints_of_a_nested_blueprint_view(app: Flask) -> None:
    """A nested blueprint's view reports the dotted blueprint name and its lineage."""
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")
    child.add_url_rule("/", "page", lambda: "")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    with app.test_request_context("/p/c/"):
        assert request.endpoint == "parent.child.page"
        assert request.blueprint == "parent.child"
        assert request.blueprints == ["parent.child", "parent"]


@pytest.mark.parametrize(
    ("name", "lineage"),
    [("a", ["a"]), ("a.b", ["a.b", "a"]), ("a.b.c", ["a.b.c", "a.b", "a"])],
)
def test_blueprint_lineage(name: str, lineage: list[str]) -> None:
    """``blueprint_lineage`` lists a dotted name and its parents, innermost first."""
    assert blueprint_lineage(name) == lineage


# --- JSON loading failures -----------------------------------------------------


def test_malformed_json_is_a_plain_400_outside_debug(app: Flask) -> None:
    """Outside debug mode a malformed JSON body is a 400 with the generic message."""
    with (
        app.test_request_context(method="POST", data="{bad", content_type="application/json"),
        pytest.raises(BadRequest) as info,
    ):
        request.get_json()
    assert type(info.value) is BadRequest
    assert info.value.description == BadRequest.description


def test_malformed_json_in_debug_explains_the_error(app: Flask) -> None:
    """In debug mode the 400 says why the JSON body could not be decoded."""
    app.debug = True
    with (
        app.test_request_context(method="POST", data="{bad", content_type="application/json"),
        pytest.raises(BadRequest) as info,
    ):
        request.get_json()
    assert info.value.description is not None
    assert info.value.description.startswith("Failed to decode JSON object: ")


@pytest.mark.parametrize("debug", [False, True])
def test_wrong_content_type_is_a_415(app: Flask, debug: bool) -> None:
    """A body that is not declared as JSON gives 415 Unsupported Media Type, in any mode."""
    app.debug = debug
    with (
        app.test_request_context(method="POST", data="{}", content_type="text/plain"),
        pytest.raises(UnsupportedMediaType) as info,
    ):
        request.get_json()
    assert info.value.code == 415
    assert "Content-Type was not 'application/json'" in str(info.value.description)


def test_silent_get_json_returns_none(app: Flask) -> None:
    """``get_json(silent=True)`` returns None instead of raising."""
    with app.test_request_context(method="POST", data="{bad", content_type="application/json"):
        assert request.get_json(silent=True) is None


def test_malformed_json_through_the_client_is_a_400(app: Flask) -> None:
    """End to end: a view reading malformed JSON answers 400, not 500."""

    @app.route("/json", methods=["POST"])
    def read_json() -> Any:
        return request.get_json()

    client = app.test_client()
    response = client.post("/json", data="{bad", content_type="application/json")
    assert response.status_code == 400
    response = client.post("/json", data="{}", content_type="text/plain")
    assert response.status_code == 415


def test_request_json_uses_the_app_provider(app: Flask) -> None:
    """Request bodies are decoded by the app's JSON provider."""
    calls: list[str] = []
    original_loads = app.json.loads

    def loads(s: str | bytes, **kwargs: Any) -> Any:
        calls.append("loads")
        return original_loads(s, **kwargs)

    app.json.loads = loads  # type: ignore[method-assign]
    with app.test_request_context(method="POST", json={"a": 1}):
        assert request.get_json() == {"a": 1}
    assert calls == ["loads"]


# --- request.files in debug mode -----------------------------------------------


def test_files_key_sent_as_form_field_in_debug_explains(app: Flask) -> None:
    """In debug mode, reading a file that was sent as a plain form field raises
    DebugFilesKeyError (a KeyError and AssertionError) explaining the missing enctype."""
    app.debug = True
    with (
        app.test_request_context(method="POST", data={"upload": "report.pdf"}),
        pytest.raises(DebugFilesKeyError) as info,
    ):
        request.files["upload"]
    error = info.value
    assert isinstance(error, KeyError) and isinstance(error, AssertionError)
    assert str(error) == (
        "You tried to access the file 'upload' in the request.files dictionary but it"
        " does not exist. The mimetype for the request is"
        " 'application/x-www-form-urlencoded' instead of 'multipart/form-data' which"
        " means that no file contents were transmitted. To fix this error you should"
        ' provide enctype="multipart/form-data" in your form.\n\n'
        "The browser instead transmitted some file names. This was submitted: 'report.pdf'"
    )


def test_files_key_missing_everywhere_in_debug_is_a_plain_key_error(app: Flask) -> None:
    """A key absent from the form too is the usual BadRequestKeyError."""
    app.debug = True
    with (
        app.test_request_context(method="POST", data={"other": "x"}),
        pytest.raises(BadRequestKeyError) as info,
    ):
        request.files["upload"]
    assert not isinstance(info.value, DebugFilesKeyError)


def test_files_key_outside_debug_is_a_plain_key_error(app: Flask) -> None:
    """Outside debug mode the explanation is not given."""
    with (
        app.test_request_context(method="POST", data={"upload": "report.pdf"}),
        pytest.raises(BadRequestKeyError) as info,
    ):
        request.files["upload"]
    assert not isinstance(info.value, DebugFilesKeyError)


def test_files_of_a_multipart_request_in_debug(app: Flask) -> None:
    """A real multipart request keeps its plain files dict, with the uploaded file."""
    app.debug = True
    data = {"upload": (io.BytesIO(b"content"), "a.txt"), "field": "value"}
    with app.test_request_context(method="POST", data=data, content_type="multipart/form-data"):
        assert request.files["upload"].read() == b"content"
        with pytest.raises(BadRequestKeyError) as info:
            request.files["field"]
    assert not isinstance(info.value, DebugFilesKeyError)


def test_debug_files_key_error_in_a_view_propagates_in_debug(app: Flask) -> None:
    """Through the client in debug mode the explanatory error reaches the caller."""
    app.debug = True

    @app.route("/upload", methods=["POST"])
    def upload() -> str:
        return request.files["upload"].filename or ""

    with pytest.raises(DebugFilesKeyError):
        app.test_client().post("/upload", data={"upload": "report.pdf"})


# --- Response ------------------------------------------------------------------


def test_response_default_mimetype_is_html() -> None:
    """The response's default mimetype is ``text/html`` with a UTF-8 charset."""
    response = Response("x")
    assert Response.default_mimetype == "text/html"
    assert response.mimetype == "text/html"
    assert response.content_type == "text/html; charset=utf-8"
    assert issubclass(Response, WerkzeugResponse)


def test_response_max_cookie_size_from_config(app: Flask) -> None:
    """``max_cookie_size`` is ``MAX_COOKIE_SIZE`` in an app context, werkzeug's default outside."""
    assert Response().max_cookie_size == WerkzeugResponse().max_cookie_size == 4093
    app.config["MAX_COOKIE_SIZE"] = 50
    with app.app_context():
        assert Response().max_cookie_size == 50


def test_response_big_cookie_warns_with_the_app_limit(app: Flask) -> None:
    """A cookie bigger than the app's ``MAX_COOKIE_SIZE`` triggers werkzeug's warning."""
    app.config["MAX_COOKIE_SIZE"] = 50
    with app.app_context():
        response = Response()
        with pytest.warns(UserWarning, match="cookie is too large"):
            response.set_cookie("big", "x" * 100)
        app.config["MAX_COOKIE_SIZE"] = 0  # 0 turns the check off
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            response.set_cookie("big", "x" * 100)


def test_app_uses_its_request_and_response_classes(app: Flask) -> None:
    """The app dispatches with ``request_class`` and converts with ``response_class``."""

    class CustomRequest(Request):
        pass

    class CustomResponse(Response):
        pass

    app.request_class = CustomRequest
    app.response_class = CustomResponse
    seen: list[type] = []

    @app.route("/")
    def index() -> str:
        seen.append(type(request._get_current_object()))  # type: ignore[attr-defined]
        return "x"

    response = app.test_client().get("/")
    assert seen == [CustomRequest]
    assert isinstance(response, CustomResponse)


@pytest.mark.parametrize("silent", [False, True])
def test_too_deeply_nested_json_is_a_400_not_a_500(silent: bool) -> None:
    """A JSON body nested beyond the parser's recursion limit is a malformed body: 400
    (None with silent=True). Flask answers 500 here; the framework never answers a
    malformed request with a 500."""
    app = Flask("deep_json")

    @app.post("/")
    def echo() -> Any:
        return {"parsed": request.get_json(silent=silent) is not None}

    body = "[" * 100_000 + "]" * 100_000
    response = app.test_client().post("/", data=body, content_type="application/json")
    if silent:
        assert response.status_code == 200
        assert response.json == {"parsed": False}
    else:
        assert response.status_code == 400


cookie_headers = st.text(alphabet='ab=; "\\,\t\x7féx09', max_size=40)


@given(cookie_headers)
def test_cookies_are_read_from_the_environ_as_werkzeug_reads_them(header: str) -> None:
    environ = EnvironBuilder(headers=[("Cookie", header)]).get_environ()
    ours = Request(environ).cookies
    assert list(ours.items(multi=True)) == list(WerkzeugRequest(environ).cookies.items(multi=True))
    assert type(ours) is type(WerkzeugRequest(environ).cookies)


def test_cookies_without_a_cookie_header_are_empty() -> None:
    assert not Request(EnvironBuilder().get_environ()).cookies


def test_cookies_follow_replaced_headers() -> None:
    request = Request(EnvironBuilder(headers=[("Cookie", "a=1")]).get_environ())
    request.headers = Headers([("Cookie", "b=2"), ("Cookie", "c=3")])  # type: ignore[assignment]
    assert request.cookies.to_dict() == {"b": "2", "c": "3"}


query_strings = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=30)


@given(query_strings)
def test_query_reads_as_werkzeug_reads_it_where_werkzeug_can(query: str) -> None:
    environ = EnvironBuilder().get_environ()
    environ["QUERY_STRING"] = query
    ours = Request(environ)
    try:
        expected = WerkzeugRequest(environ)
        expected_args, expected_path = list(expected.args.items(multi=True)), expected.full_path
    except UnicodeDecodeError:
        # Raw bytes that are not UTF-8: werkzeug fails; they read as percent-encoded.
        encoded = query.encode("latin1").decode("utf-8", "werkzeug.url_quote")
        environ["QUERY_STRING"] = encoded.encode().decode("latin1")  # WSGI's latin-1 str
        expected = WerkzeugRequest(environ)
        expected_args, expected_path = list(expected.args.items(multi=True)), expected.full_path
    assert list(ours.args.items(multi=True)) == expected_args
    assert ours.full_path == expected_path


def test_raw_non_utf8_query_bytes_are_not_a_server_error() -> None:
    app = Flask(__name__)

    @app.route("/")
    def index() -> str:
        return f"{request.args['a']} {request.full_path}"

    environ = EnvironBuilder(path="/").get_environ()
    environ["QUERY_STRING"] = "a=\xff%FF"  # one raw byte, one percent-encoded
    response = WerkzeugResponse.from_app(app, environ)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "%FF%FF /?a=%FF%FF"
