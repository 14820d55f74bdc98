"""Unit tests for framework.app: the Flask constructor, config wiring, make_response,
error handling internals and the setup-finished guard."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import types
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import Headers, ImmutableDict
from werkzeug.exceptions import (
    BadRequest,
    BadRequestKeyError,
    Forbidden,
    HTTPException,
    InternalServerError,
    NotFound,
)
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response as WerkzeugResponse

import framework
from framework import Blueprint, Flask, Response, got_request_exception
from framework.app import find_package
from framework.helpers import get_root_path

# --- fixtures and helpers ------------------------------------------------------


@pytest.fixture
def app() -> Flask:
    """A testing app with a secret key, rooted at this file's folder."""
    application = Flask(__name__)
    application.config.update(TESTING=True, SECRET_KEY="test secret")
    return application


@pytest.fixture
def unique_name() -> str:
    """A module name no other test uses, so import caches cannot leak between tests."""
    return f"mod_{uuid.uuid4().hex}"


@pytest.fixture
def fresh_path(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Return a function putting a folder first on ``sys.path`` (undone after the test)."""

    def prepend(folder: Path) -> None:
        monkeypatch.syspath_prepend(str(folder))
        importlib.invalidate_caches()

    return prepend


def write(path: Path, text: str = "") -> Path:
    """Create ``path`` (and its parents) with ``text``; return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- root path -----------------------------------------------------------------


def test_root_path_of_a_module_is_its_folder(
    tmp_path: Path, unique_name: str, fresh_path: Callable[[Path], None]
) -> None:
    """A module's root path is the folder holding the module file."""
    write(tmp_path / f"{unique_name}.py")
    fresh_path(tmp_path)
    assert get_root_path(unique_name) == str(tmp_path)
    assert Flask(unique_name).root_path == str(tmp_path)


def test_root_path_of_a_package_is_the_package_folder(
    tmp_path: Path, unique_name: str, fresh_path: Callable[[Path], None]
) -> None:
    """A package's root path is the package folder itself, also for its submodules."""
    write(tmp_path / unique_name / "__init__.py")
    write(tmp_path / unique_name / "views.py")
    fresh_path(tmp_path)
    assert Flask(unique_name).root_path == str(tmp_path / unique_name)
    assert Flask(f"{unique_name}.views").root_path == str(tmp_path / unique_name)


def test_root_path_of_an_imported_module_uses_its_file(
    tmp_path: Path, unique_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An already imported module's ``__file__`` decides the root path, wherever it lives."""
    module = types.ModuleType(unique_name)
    module.__file__ = str(tmp_path / "somewhere" / "app.py")
    monkeypatch.setitem(sys.modules, unique_name, module)
    assert get_root_path(unique_name) == str(tmp_path / "somewhere")


def test_root_path_of_an_unknown_name_is_the_working_directory(
    tmp_path: Path, unique_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that cannot be found falls back to the current working directory."""
    monkeypatch.chdir(tmp_path)
    assert get_root_path(unique_name) == str(tmp_path)
    assert Flask(unique_name).root_path == str(tmp_path)


def test_root_path_of_a_builtin_module_is_an_error() -> None:
    """A module without file information (a built-in) needs an explicit root path."""
    with pytest.raises(RuntimeError, match="No root path can be found for the provided module"):
        get_root_path("_imp")


def test_explicit_root_path_wins(tmp_path: Path) -> None:
    """``root_path=`` is used as given, and the instance path is found beside it."""
    application = Flask("anything_at_all", root_path=str(tmp_path))
    assert application.root_path == str(tmp_path)
    assert application.static_folder == str(tmp_path / "static")


# --- instance path -------------------------------------------------------------


def test_instance_path_beside_a_module(
    tmp_path: Path, unique_name: str, fresh_path: Callable[[Path], None]
) -> None:
    """A module's instance folder is ``instance`` in the module's folder."""
    write(tmp_path / f"{unique_name}.py")
    fresh_path(tmp_path)
    assert find_package(unique_name) == (None, str(tmp_path))
    assert Flask(unique_name).instance_path == str(tmp_path / "instance")


def test_instance_path_beside_a_package(
    tmp_path: Path, unique_name: str, fresh_path: Callable[[Path], None]
) -> None:
    """A package's instance folder sits beside the package folder, not inside it."""
    write(tmp_path / unique_name / "__init__.py")
    write(tmp_path / unique_name / "sub" / "__init__.py")
    fresh_path(tmp_path)
    assert find_package(unique_name) == (None, str(tmp_path))
    assert Flask(unique_name).instance_path == str(tmp_path / "instance")
    assert Flask(f"{unique_name}.sub").instance_path == str(tmp_path / "instance")


@pytest.mark.parametrize("kind", ["package", "module"])
def test_instance_path_of_an_installed_package_is_under_prefix_var(
    tmp_path: Path,
    unique_name: str,
    fresh_path: Callable[[Path], None],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    """Code installed in ``PREFIX/lib/pythonX.Y/site-packages`` gets
    ``PREFIX/var/NAME-instance``."""
    prefix = tmp_path / "prefix"
    site_packages = prefix / "lib" / "python3.11" / "site-packages"
    if kind == "package":
        write(site_packages / unique_name / "__init__.py")
    else:
        write(site_packages / f"{unique_name}.py")
    fresh_path(site_packages)
    monkeypatch.setattr(sys, "prefix", str(prefix))
    assert find_package(unique_name) == (str(prefix), str(site_packages))
    assert Flask(unique_name).instance_path == str(prefix / "var" / f"{unique_name}-instance")


def test_instance_path_of_a_windows_style_install(
    tmp_path: Path,
    unique_name: str,
    fresh_path: Callable[[Path], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ``PREFIX/Lib/site-packages`` layout also resolves to ``PREFIX``."""
    prefix = tmp_path / "prefix"
    site_packages = prefix / "Lib" / "site-packages"
    write(site_packages / unique_name / "__init__.py")
    fresh_path(site_packages)
    monkeypatch.setattr(sys, "prefix", str(prefix))
    assert find_package(unique_name) == (str(prefix), str(site_packages))


@pytest.mark.parametrize(
    "layout", ["lib/python3.11/site-packages", "Lib/site-packages", "site-packages"]
)
def test_instance_path_of_a_package_in_another_site_packages(
    tmp_path: Path,
    unique_name: str,
    fresh_path: Callable[[Path], None],
    layout: str,
) -> None:
    """A package in a site-packages outside ``sys.prefix`` (a user install) gets
    ``BASE/var/NAME-instance`` for that site-packages' base, as Flask does."""
    user_base = tmp_path / "userbase"
    site_packages = user_base / layout
    write(site_packages / unique_name / "__init__.py")
    fresh_path(site_packages)
    assert find_package(unique_name) == (str(user_base), str(site_packages))
    assert Flask(unique_name).instance_path == str(user_base / "var" / f"{unique_name}-instance")


@pytest.mark.parametrize("folder", ["apps", "custom/site-packages"])
def test_instance_path_of_code_elsewhere_under_prefix(
    tmp_path: Path,
    unique_name: str,
    fresh_path: Callable[[Path], None],
    monkeypatch: pytest.MonkeyPatch,
    folder: str,
) -> None:
    """Code anywhere under ``sys.prefix`` (whatever the layout) counts as installed there:
    ``PREFIX/var/NAME-instance``."""
    write(tmp_path / folder / f"{unique_name}.py")
    fresh_path(tmp_path / folder)
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert find_package(unique_name) == (str(tmp_path), str(tmp_path / folder))
    assert Flask(unique_name).instance_path == str(tmp_path / "var" / f"{unique_name}-instance")


def test_instance_path_must_be_absolute() -> None:
    """A relative ``instance_path`` is rejected with a message saying it must be absolute."""
    with pytest.raises(ValueError, match="must be absolute"):
        Flask(__name__, instance_path="relative/instance")


def test_explicit_instance_path_is_kept(tmp_path: Path) -> None:
    """An absolute ``instance_path`` is used as given (it need not exist)."""
    application = Flask(__name__, instance_path=str(tmp_path / "nowhere"))
    assert application.instance_path == str(tmp_path / "nowhere")


# --- static route and name -----------------------------------------------------


def test_static_route_is_registered_by_default(app: Flask) -> None:
    """The app registers ``/static/<path:filename>`` as the ``static`` endpoint."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    assert rules["static"].rule == "/static/<path:filename>"
    assert app.static_folder == os.path.join(app.root_path, "static")
    assert app.static_url_path == "/static"


def test_static_url_path_follows_the_folder_name(tmp_path: Path) -> None:
    """Without ``static_url_path`` the URL prefix is the static folder's base name."""
    application = Flask(__name__, static_folder="public/", root_path=str(tmp_path))
    assert application.static_url_path == "/public"
    assert application.static_folder == str(tmp_path / "public")
    assert [r.rule for r in application.url_map.iter_rules()] == ["/public/<path:filename>"]


def test_static_url_path_is_stripped_of_its_trailing_slash() -> None:
    """An explicit ``static_url_path`` loses its trailing slash in the rule."""
    application = Flask(__name__, static_url_path="/assets/")
    assert [r.rule for r in application.url_map.iter_rules()] == ["/assets/<path:filename>"]


def test_no_static_folder_means_no_static_route() -> None:
    """``static_folder=None`` registers no rule at all."""
    application = Flask(__name__, static_folder=None)
    assert list(application.url_map.iter_rules()) == []
    assert application.has_static_folder is False
    assert application.static_url_path is None


def test_static_route_serves_files_from_the_static_folder(tmp_path: Path) -> None:
    """The static view sends files from the static folder and 404s the rest."""
    write(tmp_path / "static" / "style.css", "body {}")
    application = Flask(__name__, root_path=str(tmp_path))
    client = application.test_client()
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.data == b"body {}"
    assert response.mimetype == "text/css"
    response.close()
    assert client.get("/static/missing.css").status_code == 404
    assert client.get("/static/../secret.txt").status_code == 404


def test_static_host_requires_host_matching() -> None:
    """``static_host`` without ``host_matching`` is an invalid combination."""
    with pytest.raises(AssertionError, match="Invalid static_host/host_matching combination"):
        Flask(__name__, static_host="static.example.com")


def test_host_matching_requires_static_host() -> None:
    """``host_matching`` with a static folder needs a ``static_host``."""
    with pytest.raises(AssertionError, match="Invalid static_host/host_matching combination"):
        Flask(__name__, host_matching=True)


def test_host_matching_without_static_folder_needs_no_static_host() -> None:
    """Without a static folder, ``host_matching`` alone is fine."""
    application = Flask(__name__, host_matching=True, static_folder=None)
    assert application.url_map.host_matching is True


def test_static_host_sets_the_static_rule_host() -> None:
    """With ``host_matching`` the static rule is bound to ``static_host``."""
    application = Flask(__name__, static_host="static.example.com", host_matching=True)
    (rule,) = application.url_map.iter_rules()
    assert rule.host == "static.example.com"
    client = application.test_client()
    assert client.get("/static/x.css", base_url="http://other.example.com").status_code == 404


def test_app_name_is_the_import_name() -> None:
    """``app.name`` is the import name; the CLI group and repr use it."""
    application = Flask("my.package.app", root_path="/")
    assert application.name == "my.package.app"
    assert application.cli.name == "my.package.app"
    assert repr(application) == "<Flask 'my.package.app'>"


def test_app_name_for_main_is_the_script_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """For ``__main__`` the name is the script's file name without extension."""
    main = types.ModuleType("__main__")
    main.__file__ = "/srv/project/hello.py"
    monkeypatch.setitem(sys.modules, "__main__", main)
    application = Flask("__main__")
    assert application.name == "hello"
    assert application.cli.name == "hello"
    assert application.root_path == "/srv/project"


def test_app_name_for_main_without_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """For an interactive ``__main__`` (no file) the name stays ``__main__``."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    monkeypatch.chdir(tmp_path)
    application = Flask("__main__")
    assert application.name == "__main__"
    assert application.root_path == str(tmp_path)


# --- config wiring -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("1", True), ("true", True), ("0", False), ("False", False), ("no", False)],
)
def test_flask_debug_env_var_sets_debug(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool
) -> None:
    """``make_config`` seeds ``DEBUG`` from the ``FLASK_DEBUG`` environment variable."""
    if value is None:
        monkeypatch.delenv("FLASK_DEBUG", raising=False)
    else:
        monkeypatch.setenv("FLASK_DEBUG", value)
    application = Flask(__name__)
    assert application.config["DEBUG"] is expected
    assert application.debug is expected


def test_make_config_starts_from_default_config() -> None:
    """The config holds every key of ``default_config``, and a subclass can change them."""

    class CustomApp(Flask):
        default_config = ImmutableDict({**Flask.default_config, "CUSTOM": 42})

    application = CustomApp(__name__)
    assert application.config["CUSTOM"] == 42
    assert application.config["PREFERRED_URL_SCHEME"] == "http"
    assert isinstance(application.config, framework.Config)
    assert isinstance(Flask.default_config, ImmutableDict)


def test_config_root_is_the_root_path_by_default(tmp_path: Path) -> None:
    """Without ``instance_relative_config`` relative config files load from the root path."""
    application = Flask(__name__, root_path=str(tmp_path), instance_path=str(tmp_path / "inst"))
    assert application.config.root_path == str(tmp_path)


def test_instance_relative_config_roots_config_at_the_instance(tmp_path: Path) -> None:
    """``instance_relative_config=True`` makes config files load from the instance folder."""
    instance = tmp_path / "inst"
    write(instance / "settings.py", "LOADED_FROM = 'instance'\n")
    application = Flask(
        __name__,
        root_path=str(tmp_path),
        instance_path=str(instance),
        instance_relative_config=True,
    )
    assert application.config.root_path == str(instance)
    assert application.config.from_pyfile("settings.py") is True
    assert application.config["LOADED_FROM"] == "instance"


def test_debug_property_reads_and_writes_config(app: Flask) -> None:
    """``app.debug`` mirrors ``DEBUG`` and also switches template auto-reload."""
    assert app.debug is False
    assert app.jinja_env.auto_reload is False
    app.debug = True
    assert app.config["DEBUG"] is True
    assert app.jinja_env.auto_reload is True
    app.config["DEBUG"] = False
    assert app.debug is False


def test_debug_setter_leaves_explicit_auto_reload(app: Flask) -> None:
    """An explicit ``TEMPLATES_AUTO_RELOAD`` is not overridden by turning debug on."""
    app.config["TEMPLATES_AUTO_RELOAD"] = False
    app.debug = True
    assert app.jinja_env.auto_reload is False


def test_testing_and_secret_key_attributes(app: Flask) -> None:
    """``app.testing`` and ``app.secret_key`` read and write their config keys."""
    assert app.testing is True
    app.testing = False
    assert app.config["TESTING"] is False
    app.secret_key = "another"
    assert app.config["SECRET_KEY"] == "another"
    app.config["SECRET_KEY"] = b"bytes"
    assert app.secret_key == b"bytes"


def test_permanent_session_lifetime_converts_seconds(app: Flask) -> None:
    """``permanent_session_lifetime`` is a timedelta even when the config holds seconds."""
    assert app.permanent_session_lifetime == timedelta(days=31)
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime == timedelta(seconds=60)
    app.permanent_session_lifetime = timedelta(hours=2)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=2)


@pytest.mark.parametrize(("value", "error"), [("abc", TypeError), (10**20, OverflowError)])
def test_bad_permanent_session_lifetime_names_the_setting(
    app: Flask, value: object, error: type[Exception]
) -> None:
    """A lifetime that is neither a timedelta nor a usable number of seconds raises the
    error ``timedelta`` raises, with a message naming the setting and the value."""
    app.config["PERMANENT_SESSION_LIFETIME"] = value
    with pytest.raises(error, match=f"PERMANENT_SESSION_LIFETIME .* not {value!r}"):
        _ = app.permanent_session_lifetime


# --- make_response -------------------------------------------------------------


@pytest.fixture
def make_response(app: Flask) -> Iterator[Callable[[Any], Response]]:
    """``app.make_response`` inside a request to the ``index`` endpoint."""

    @app.route("/")
    def index() -> str:
        return ""

    with app.test_request_context("/"):
        yield app.make_response


def test_response_object_is_returned_unchanged(make_response: Callable[[Any], Response]) -> None:
    """A response of the app's class is returned as the same object."""
    original = Response("body", status=202)
    assert make_response(original) is original
    assert original.status_code == 202


@pytest.mark.parametrize("body", ["héllo", b"h\xc3\xa9llo", bytearray(b"h\xc3\xa9llo")])
def test_text_and_bytes_become_html_responses(
    make_response: Callable[[Any], Response], body: str | bytes | bytearray
) -> None:
    """``str``, ``bytes`` and ``bytearray`` become a 200 ``text/html`` body."""
    response = make_response(body)
    assert isinstance(response, Response)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == "héllo"


@pytest.mark.parametrize(("value", "data"), [({"a": 1}, {"a": 1}), ([1, "x"], [1, "x"])])
def test_dict_and_list_become_json(
    make_response: Callable[[Any], Response], value: Any, data: Any
) -> None:
    """A ``dict`` or ``list`` becomes a JSON response made by the app's provider."""
    response = make_response(value)
    assert response.mimetype == "application/json"
    assert response.get_json() == data


def test_iterator_becomes_a_streamed_response(make_response: Callable[[Any], Response]) -> None:
    """An iterator or generator becomes a streamed body."""

    def generate() -> Iterator[str]:
        yield "a"
        yield "b"

    response = make_response(generate())
    assert response.is_streamed
    assert response.get_data() == b"ab"


def test_werkzeug_response_is_converted(make_response: Callable[[Any], Response]) -> None:
    """A plain werkzeug response is converted to the app's response class."""
    response = make_response(WerkzeugResponse("wz", status=203))
    assert isinstance(response, Response)
    assert (response.status_code, response.data) == (203, b"wz")


def test_wsgi_callable_is_run(make_response: Callable[[Any], Response]) -> None:
    """A WSGI callable is run and its status, headers and body become the response."""

    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("202 ACCEPTED", [("X-Wsgi", environ["PATH_INFO"])])
        return [b"from wsgi"]

    response = make_response(wsgi_app)
    assert isinstance(response, Response)
    assert response.status_code == 202
    assert response.headers["X-Wsgi"] == "/"
    assert response.data == b"from wsgi"


def test_tuple_body_status(make_response: Callable[[Any], Response]) -> None:
    """``(body, int)`` sets the status code."""
    response = make_response(("created", 201))
    assert (response.status_code, response.data) == (201, b"created")


@pytest.mark.parametrize(
    ("status", "expected"),
    [("418 I'M A TEAPOT", "418 I'M A TEAPOT"), ("404", "404 NOT FOUND"), (299, "299 UNKNOWN")],
)
def test_status_may_be_a_string(
    make_response: Callable[[Any], Response], status: str | int, expected: str
) -> None:
    """A status string is used as the status line (a bare code gets its reason phrase)."""
    assert make_response(("x", status)).status == expected


@pytest.mark.parametrize(
    "headers",
    [{"X-A": "1"}, [("X-A", "1")], (("X-A", "1"),), Headers([("X-A", "1")])],
    ids=["dict", "list", "tuple", "Headers"],
)
def test_tuple_body_headers(make_response: Callable[[Any], Response], headers: Any) -> None:
    """``(body, headers)`` accepts a dict, a list or tuple of pairs, or ``Headers``."""
    response = make_response(("x", headers))
    assert response.status_code == 200
    assert response.headers["X-A"] == "1"


def test_tuple_headers_may_override_content_type(
    make_response: Callable[[Any], Response],
) -> None:
    """Headers given with a text body replace the default ``Content-Type``."""
    response = make_response(("x", {"Content-Type": "text/plain"}))
    assert response.headers.getlist("Content-Type") == ["text/plain"]


def test_tuple_headers_keep_repeated_values(make_response: Callable[[Any], Response]) -> None:
    """A list of pairs may repeat a header name; every value is kept."""
    response = make_response(("x", 200, [("X-L", "1"), ("X-L", "2")]))
    assert response.headers.getlist("X-L") == ["1", "2"]


def test_tuple_with_response_updates_status_and_merges_headers(
    make_response: Callable[[Any], Response],
) -> None:
    """``(response, status, headers)`` changes the status and replaces/adds headers in place."""
    original = Response("b", headers={"X-Keep": "1", "X-Replace": "old"})
    response = make_response((original, 201, {"X-Replace": "new", "X-Add": "3"}))
    assert response is original
    assert response.status == "201 CREATED"
    assert response.headers.getlist("X-Replace") == ["new"]
    assert response.headers["X-Keep"] == "1"
    assert response.headers["X-Add"] == "3"


def test_tuple_with_json_body_and_status(make_response: Callable[[Any], Response]) -> None:
    """``(dict, status)`` gives a JSON response with that status."""
    response = make_response(({"ok": True}, 409))
    assert (response.status_code, response.get_json()) == (409, {"ok": True})


def test_none_is_a_type_error_naming_the_endpoint(
    make_response: Callable[[Any], Response],
) -> None:
    """``None`` (or a tuple with a ``None`` body) is a TypeError naming the view's endpoint."""
    message = (
        "The view function for 'index' did not return a valid response. The function"
        " either returned None or ended without a return statement."
    )
    with pytest.raises(TypeError) as info:
        make_response(None)
    assert str(info.value) == message
    with pytest.raises(TypeError) as info:
        make_response((None, 200))
    assert str(info.value) == message


@pytest.mark.parametrize("value", [(), ("a",), ("a", 200, {}, "extra")])
def test_bad_tuple_length_is_a_type_error(
    make_response: Callable[[Any], Response], value: tuple[Any, ...]
) -> None:
    """A tuple that is not 2 or 3 items long is a TypeError listing the accepted forms."""
    with pytest.raises(TypeError) as info:
        make_response(value)
    assert str(info.value) == (
        "The view function did not return a valid response tuple. The tuple must have"
        " the form (body, status, headers), (body, status), or (body, headers)."
    )


@pytest.mark.parametrize(("value", "type_name"), [(1, "int"), (1.5, "float"), (object(), "object")])
def test_unsupported_type_is_a_type_error(
    make_response: Callable[[Any], Response], value: Any, type_name: str
) -> None:
    """Any other value is a TypeError naming the accepted types and the type received."""
    with pytest.raises(TypeError) as info:
        make_response(value)
    assert str(info.value) == (
        "The view function did not return a valid response. The return type must be a"
        " string, dict, list, tuple with headers or status, Response instance, or WSGI"
        f" callable, but it was a {type_name}."
    )


def test_callable_that_is_not_wsgi_is_a_type_error(
    make_response: Callable[[Any], Response],
) -> None:
    """A callable failing as a WSGI app gives its own error followed by the explanation."""
    with pytest.raises(TypeError) as info:
        make_response(lambda: None)
    first_line, _, rest = str(info.value).partition("\n")
    assert "positional argument" in first_line
    assert rest.startswith("The view function did not return a valid response.")
    assert rest.endswith("but it was a function.")


def test_view_returning_none_fails_the_request(app: Flask) -> None:
    """A view returning nothing raises the TypeError through the test client."""

    @app.route("/nothing")
    def nothing() -> Any:
        return None

    with pytest.raises(TypeError, match="The view function for 'nothing' did not return"):
        app.test_client().get("/nothing")


# --- error handler keys --------------------------------------------------------


class CustomHTTPError(HTTPException):
    """An HTTP exception with a code werkzeug does not know."""

    code = 499
    description = "custom"


class AppError(Exception):
    """A base application exception."""


class SpecificAppError(AppError):
    """A subclass of :class:`AppError`."""


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (404, (NotFound, 404)),
        (500, (InternalServerError, 500)),
        (NotFound, (NotFound, 404)),
        (CustomHTTPError, (CustomHTTPError, 499)),
        (HTTPException, (HTTPException, None)),
        (KeyError, (KeyError, None)),
        (AppError, (AppError, None)),
    ],
)
def test_exc_class_and_code(key: Any, expected: tuple[type[Exception], int | None]) -> None:
    """A handler key stands for an exception class and its status code (None if code-less)."""
    assert Flask._handler_key(key) == expected


def test_exc_class_and_code_rejects_an_instance() -> None:
    """An exception instance is a TypeError telling to register a class."""
    with pytest.raises(TypeError, match=r"is an instance, not a class"):
        Flask._handler_key(NotFound())  # type: ignore[arg-type]


@pytest.mark.parametrize("key", [str, object, int])
def test_exc_class_and_code_rejects_non_exceptions(key: Any) -> None:
    """A class that is not an exception is a ValueError naming it."""
    with pytest.raises(ValueError) as info:
        Flask._handler_key(key)
    assert str(info.value) == (
        f"'{key.__name__}' is not a subclass of Exception. Handlers can only be"
        " registered for Exception classes or HTTP error codes."
    )


@pytest.mark.parametrize("code", [999, 200, 499])
def test_exc_class_and_code_rejects_unknown_codes(code: int) -> None:
    """A status code werkzeug has no exception for is a ValueError."""
    with pytest.raises(ValueError) as info:
        Flask._handler_key(code)
    assert str(info.value) == (
        f"'{code}' is not a recognized HTTP error code. Use a subclass of"
        " HTTPException with that code instead."
    )


def test_register_error_handler_stores_by_scope_code_and_class(app: Flask) -> None:
    """``register_error_handler`` files handlers under the app scope (None), code and class."""

    def handler(e: Exception) -> str:
        return ""

    app.register_error_handler(404, handler)
    app.register_error_handler(AppError, handler)
    assert app.error_handler_spec[None][404][NotFound] is handler
    assert app.error_handler_spec[None][None][AppError] is handler
    with pytest.raises(ValueError):
        app.register_error_handler(1234, handler)


# --- _find_error_handler -------------------------------------------------------


def named_handler(name: str) -> Callable[[Exception], str]:
    """Return an error handler returning ``name`` (and whose ``__name__`` is ``name``)."""

    def handler(e: Exception) -> str:
        return name

    handler.__name__ = name
    return handler


def test_code_handler_beats_class_handler(app: Flask) -> None:
    """A handler for the status code is found before one for a base class."""
    app.register_error_handler(HTTPException, named_handler("class"))
    app.register_error_handler(404, named_handler("code"))
    handlers = app.error_handler_spec[None]
    with app.test_request_context():
        assert app._find_error_handler(NotFound(), []) is handlers[404][NotFound]
        assert app._find_error_handler(Forbidden(), []) is handlers[None][HTTPException]


def test_handler_follows_the_mro(app: Flask) -> None:
    """A handler for a base class catches subclasses; the most specific class wins."""
    base = named_handler("base")
    specific = named_handler("specific")
    app.register_error_handler(AppError, base)
    with app.test_request_context():
        assert app._find_error_handler(SpecificAppError(), []) is base
        app.register_error_handler(SpecificAppError, specific)
        assert app._find_error_handler(SpecificAppError(), []) is specific
        assert app._find_error_handler(AppError(), []) is base
        assert app._find_error_handler(KeyError(), []) is None


def test_blueprint_handler_beats_app_handler(app: Flask) -> None:
    """For a request in a blueprint, the blueprint's handler wins over the app's for the
    same key; nested blueprints are searched innermost first."""
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    parent.register_error_handler(AppError, named_handler("parent"))
    child.register_error_handler(AppError, named_handler("child"))
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    app.register_error_handler(AppError, named_handler("app"))

    def found(blueprints: list[str]) -> str:
        handler = app._find_error_handler(AppError(), blueprints)
        assert handler is not None
        return handler.__name__

    with app.test_request_context():
        assert found(["parent.child", "parent"]) == "child"
        assert found(["parent"]) == "parent"
        assert found([]) == "app"
        assert found(["unrelated"]) == "app"


def test_app_code_handler_beats_blueprint_class_handler(app: Flask) -> None:
    """Status-code handlers of every scope are searched before any class handler."""
    bp = Blueprint("bp", __name__)
    bp.register_error_handler(HTTPException, named_handler("bp-class"))
    app.register_blueprint(bp)
    app.register_error_handler(404, named_handler("app-code"))
    with app.test_request_context():
        handler = app._find_error_handler(NotFound(), ["bp"])
        assert handler is not None and handler.__name__ == "app-code"
        handler = app._find_error_handler(Forbidden(), ["bp"])
        assert handler is not None and handler.__name__ == "bp-class"


def test_blueprint_handler_used_for_requests_in_the_blueprint(app: Flask) -> None:
    """End to end: the blueprint's 403 handler answers its views, the app's the others."""
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.route("/deny")
    def bp_deny() -> str:
        framework.abort(403)

    @app.route("/deny")
    def app_deny() -> str:
        framework.abort(403)

    bp.register_error_handler(403, lambda e: ("bp handler", 403))
    app.register_blueprint(bp)
    app.register_error_handler(403, lambda e: ("app handler", 403))
    client = app.test_client()
    assert client.get("/bp/deny").data == b"bp handler"
    assert client.get("/deny").data == b"app handler"


def test_routing_redirects_bypass_error_handlers(app: Flask) -> None:
    """A routing redirect (trailing slash) is answered as is, even with a handler for
    its class or for every HTTPException."""

    @app.route("/folder/")
    def folder() -> str:
        return "folder"

    app.register_error_handler(RequestRedirect, lambda e: ("redirect handled", 200))
    app.register_error_handler(HTTPException, lambda e: (f"handled {e.code}", 200))
    client = app.test_client()
    response = client.get("/folder")
    assert response.status_code == 308
    assert response.location == "http://localhost/folder/"
    assert client.get("/missing").data == b"handled 404"


def test_abort_with_a_response_bypasses_error_handlers(app: Flask) -> None:
    """An HTTPException wrapping a response (no code) is sent without a handler."""

    @app.route("/custom")
    def custom() -> str:
        framework.abort(Response("custom body", 418))

    app.register_error_handler(HTTPException, lambda e: ("handled", 200))
    response = app.test_client().get("/custom")
    assert (response.status_code, response.data) == (418, b"custom body")


# --- trap_http_exception -------------------------------------------------------


@pytest.mark.parametrize(
    ("trap_http", "trap_bad_request", "debug", "exception", "trapped"),
    [
        (False, None, False, NotFound(), False),
        (True, None, False, NotFound(), True),
        (True, False, False, BadRequest(), True),
        (False, None, False, BadRequestKeyError("k"), False),
        (False, None, True, BadRequestKeyError("k"), True),
        (False, None, True, BadRequest(), False),
        (False, False, True, BadRequestKeyError("k"), False),
        (False, True, False, BadRequest(), True),
        (False, True, False, BadRequestKeyError("k"), True),
        (False, True, False, NotFound(), False),
    ],
)
def test_trap_http_exception(
    app: Flask,
    trap_http: bool,
    trap_bad_request: bool | None,
    debug: bool,
    exception: HTTPException,
    trapped: bool,
) -> None:
    """``trap_http_exception`` follows TRAP_HTTP_EXCEPTIONS, TRAP_BAD_REQUEST_ERRORS and
    (when the latter is unset) debug mode for key errors."""
    app.config.update(
        TRAP_HTTP_EXCEPTIONS=trap_http, TRAP_BAD_REQUEST_ERRORS=trap_bad_request, DEBUG=debug
    )
    assert app.trap_http_exception(exception) is trapped


def test_trapped_http_exception_reaches_a_class_handler(app: Flask) -> None:
    """A trapped HTTP exception is handled like any other exception (class handlers apply)."""
    app.config["TRAP_HTTP_EXCEPTIONS"] = True

    @app.route("/missing")
    def missing() -> str:
        framework.abort(404)

    app.register_error_handler(Exception, lambda e: (f"caught {type(e).__name__}", 418))
    response = app.test_client().get("/missing")
    assert (response.status_code, response.data) == (418, b"caught NotFound")


def test_key_error_in_debug_shows_the_key(app: Flask) -> None:
    """In debug mode an untrapped form key error answers 400 naming the missing key."""
    app.config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)

    @app.route("/form", methods=["POST"])
    def form() -> str:
        return framework.request.form["missing"]

    response = app.test_client().post("/form", data={"other": "x"})
    assert response.status_code == 400
    assert b"KeyError: &#39;missing&#39;" in response.data


def test_key_error_outside_debug_hides_the_key(app: Flask) -> None:
    """Outside debug mode the 400 body does not reveal the key."""

    @app.route("/form", methods=["POST"])
    def form() -> str:
        return framework.request.form["missing"]

    response = app.test_client().post("/form", data={"other": "x"})
    assert response.status_code == 400
    assert b"missing" not in response.data


# --- handle_exception ----------------------------------------------------------


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    """The app with ``/boom`` raising ZeroDivisionError."""

    @app.route("/boom")
    def boom() -> str:
        return str(1 // 0)

    return app


@pytest.mark.parametrize(
    ("propagate", "testing", "debug", "raises"),
    [
        (None, True, False, True),
        (None, False, True, True),
        (None, False, False, False),
        (True, False, False, True),
        (False, True, False, False),
        (False, False, True, False),
    ],
)
def test_handle_exception_propagation(
    failing_app: Flask, propagate: bool | None, testing: bool, debug: bool, raises: bool
) -> None:
    """Unhandled exceptions propagate per PROPAGATE_EXCEPTIONS, else testing or debug mode;
    otherwise they become a 500 response."""
    failing_app.config.update(PROPAGATE_EXCEPTIONS=propagate, TESTING=testing, DEBUG=debug)
    client = failing_app.test_client()
    if raises:
        with pytest.raises(ZeroDivisionError):
            client.get("/boom")
    else:
        response = client.get("/boom")
        assert response.status_code == 500
        assert b"Internal Server Error" in response.data


def test_server_error_handler_receives_the_original_exception(failing_app: Flask) -> None:
    """The 500 handler gets an InternalServerError whose ``original_exception`` is the error."""
    failing_app.testing = False
    seen: list[InternalServerError] = []

    @failing_app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        seen.append(e)
        return "handled", 500

    response = failing_app.test_client().get("/boom")
    assert (response.status_code, response.data) == (500, b"handled")
    (error,) = seen
    assert isinstance(error, InternalServerError)
    assert isinstance(error.original_exception, ZeroDivisionError)


def test_exception_handler_for_a_class_handles_it(failing_app: Flask) -> None:
    """A handler registered for the exception's class handles it before the 500 logic."""
    failing_app.register_error_handler(ArithmeticError, lambda e: (type(e).__name__, 422))
    response = failing_app.test_client().get("/boom")
    assert (response.status_code, response.data) == (422, b"ZeroDivisionError")


def test_log_exception_logs_path_method_and_traceback(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """An unhandled exception is logged at ERROR on the app's logger with path and method."""
    failing_app.testing = False
    with caplog.at_level(logging.ERROR, logger=failing_app.name):
        failing_app.test_client().get("/boom?x=1")
    records = [r for r in caplog.records if r.name == failing_app.name]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Exception on /boom [GET]"
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_propagated_exception_is_not_logged(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """When the exception propagates (testing), nothing is logged."""
    with caplog.at_level(logging.ERROR), pytest.raises(ZeroDivisionError):
        failing_app.test_client().get("/boom")
    assert [r for r in caplog.records if r.name == failing_app.name] == []


def test_got_request_exception_is_sent_for_unhandled_exceptions(failing_app: Flask) -> None:
    """``got_request_exception`` is sent with the app and the exception, also when it propagates."""
    received: list[tuple[Any, BaseException]] = []

    def receiver(sender: Any, exception: BaseException, **extra: Any) -> None:
        received.append((sender, exception))

    with got_request_exception.connected_to(receiver, failing_app):
        with pytest.raises(ZeroDivisionError):
            failing_app.test_client().get("/boom")
        failing_app.testing = False
        assert failing_app.test_client().get("/boom").status_code == 500
    assert len(received) == 2
    assert all(sender is failing_app for sender, _ in received)
    assert all(isinstance(exc, ZeroDivisionError) for _, exc in received)


def test_got_request_exception_is_not_sent_for_handled_exceptions(failing_app: Flask) -> None:
    """An exception an error handler dealt with does not send ``got_request_exception``."""
    failing_app.register_error_handler(ZeroDivisionError, lambda e: ("handled", 400))
    received: list[BaseException] = []

    def receiver(sender: Any, exception: BaseException, **extra: Any) -> None:
        received.append(exception)

    with got_request_exception.connected_to(receiver, failing_app):
        assert failing_app.test_client().get("/boom").status_code == 400
    assert received == []


def test_failing_after_request_while_handling_an_error_is_logged(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """If after-request processing fails again for the 500 response, that failure is
    logged and the 500 response is still sent."""
    app.testing = False

    @app.route("/")
    def index() -> str:
        return "fine"

    @app.after_request
    def broken(response: Response) -> Response:
        raise RuntimeError("after_request broke")

    with caplog.at_level(logging.ERROR, logger=app.name):
        response = app.test_client().get("/")
    assert response.status_code == 500
    messages = [r.getMessage() for r in caplog.records if r.name == app.name]
    assert messages == [
        "Exception on / [GET]",
        "Request finalizing failed with an error while handling an error",
    ]


# --- setup finished ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method_name", "call"),
    [
        ("route", lambda a: a.route("/late")),
        ("add_url_rule", lambda a: a.add_url_rule("/late", "late", lambda: "")),
        ("before_request", lambda a: a.before_request(lambda: None)),
        ("errorhandler", lambda a: a.errorhandler(404)),
        ("register_blueprint", lambda a: a.register_blueprint(Blueprint("late", __name__))),
        ("teardown_appcontext", lambda a: a.teardown_appcontext(lambda e: None)),
    ],
)
def test_setup_methods_fail_after_the_first_request(
    app: Flask, method_name: str, call: Callable[[Flask], Any]
) -> None:
    """After the first request, set-up methods raise an AssertionError naming the method."""
    call(app)  # Fine before any request.
    app.test_client().get("/")
    with pytest.raises(AssertionError) as info:
        call(app)
    assert str(info.value).startswith(
        f"The setup method '{method_name}' can no longer be called on the application."
        " It has already handled its first request, any changes will not be applied"
        " consistently.\nMake sure all imports, decorators, functions, etc. needed to"
        " set up the application are done before running it."
    )


def test_setup_is_open_until_a_request_is_dispatched(app: Flask) -> None:
    """Pushing contexts (without dispatching) does not close the set-up phase."""
    with app.test_request_context("/"), app.app_context():
        pass
    app.add_url_rule("/ok", "ok", lambda: "ok")
    assert app.test_client().get("/ok").data == b"ok"


def test_async_view_without_asgiref_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without asgiref installed, an async view fails with a RuntimeError naming the
    'async' extra to install."""
    import builtins

    real_import = builtins.__import__

    def no_asgiref(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "asgiref" or name.startswith("asgiref."):
            raise ImportError("No module named 'asgiref'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_asgiref)
    application = Flask("no_asgiref")

    async def view() -> str:
        return "never"

    with pytest.raises(RuntimeError, match=r"flaskspec\[async\]"):
        application.ensure_sync(view)


def test_tuple_subclasses_are_response_tuples() -> None:
    """A namedtuple (any tuple subclass) returned by a view is read as (body, status)."""
    from collections import namedtuple

    Result = namedtuple("Result", "body status")
    application = Flask("tuple_subclass")
    application.add_url_rule("/", "index", lambda: Result("made", 201))
    response = application.test_client().get("/")
    assert (response.status_code, response.data) == (201, b"made")


def test_hooks_keyed_by_a_dotted_endpoints_prefix_run_without_blueprints() -> None:
    """Hooks stored under the blueprint part of a dotted endpoint run for it even when
    no blueprint object is registered (the registries are keyed by name)."""
    application = Flask("dotted")
    application.add_url_rule("/x", "admin.index", lambda: "view")
    application.before_request_funcs.setdefault("admin", []).append(lambda: "hook")
    assert application.test_client().get("/x").data == b"hook"


def test_required_options_does_not_turn_automatic_options_off() -> None:
    """A view's ``required_methods`` joins after automatic OPTIONS is decided, so a
    required OPTIONS still gets the automatic answer."""

    def view() -> str:
        return "view"

    view.required_methods = ["OPTIONS"]  # type: ignore[attr-defined]
    application = Flask("required_options")
    application.add_url_rule("/", "index", view)
    rule = next(r for r in application.url_map.iter_rules() if r.endpoint == "index")
    assert rule.provide_automatic_options is True  # type: ignore[attr-defined]
    response = application.test_client().options("/")
    assert response.data == b"" and "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("config", "arguments", "expected"),
    [
        ({}, {}, ("127.0.0.1", 5000, False, True)),
        ({"SERVER_NAME": "example.com:8080"}, {}, ("example.com", 8080, False, True)),
        ({"SERVER_NAME": "example.com"}, {}, ("example.com", 5000, False, True)),
        (
            {"SERVER_NAME": "example.com:8080"},
            {"host": "0.0.0.0", "port": 0},
            ("0.0.0.0", 0, False, True),
        ),
        ({}, {"port": "9000", "debug": True}, ("127.0.0.1", 9000, True, True)),
        ({}, {"threaded": False}, ("127.0.0.1", 5000, False, False)),
    ],
)
def test_run_serves_where_flask_would(
    monkeypatch: pytest.MonkeyPatch,
    config: dict[str, Any],
    arguments: dict[str, Any],
    expected: tuple[str, int, bool, bool],
) -> None:
    """``app.run`` takes host and port from its arguments, then ``SERVER_NAME``, then
    127.0.0.1:5000, and turns the reloader and debugger on in debug mode."""
    import werkzeug.serving

    calls: list[tuple[str, int, dict[str, Any]]] = []
    monkeypatch.setattr(
        werkzeug.serving,
        "run_simple",
        lambda host, port, app, **options: calls.append((host, port, options)),
    )
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    application = Flask("runner")
    application.config.update(config)
    application.run(load_dotenv=False, **arguments)
    host, port, options = calls[0]
    assert (host, port, options["use_reloader"], options["threaded"]) == expected
    assert options["use_debugger"] == expected[2]


def test_run_is_ignored_under_the_run_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under the ``run`` command (FLASK_RUN_FROM_CLI=true) ``app.run`` does not serve."""
    import werkzeug.serving

    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *a, **k: pytest.fail("served"))
    Flask("runner").run()
    assert "Ignoring a call to app.run()" in capsys.readouterr().out


@pytest.mark.parametrize("key", ["x", None, 1.5, b"404"])
def test_exc_class_and_code_rejects_non_classes(key: Any) -> None:
    """A key that is neither a class nor an int is a TypeError naming it."""
    with pytest.raises(TypeError) as info:
        Flask._handler_key(key)
    assert str(info.value).startswith(f"{key!r} is neither an exception class nor")


def test_send_file_max_age_other_than_timedelta_is_returned_as_is() -> None:
    """Only a timedelta ``SEND_FILE_MAX_AGE_DEFAULT`` is converted (to whole seconds)."""
    app = Flask(__name__)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3.5
    with app.app_context():
        assert app.get_send_file_max_age("f.txt") == 3.5


def test_per_request_callables_are_not_kept_alive() -> None:
    """Dispatching class-based views and after_this_request callbacks keeps none of the
    per-request objects alive (ensure_sync caches nothing strongly)."""
    import gc
    import weakref

    from framework import after_this_request
    from framework.views import MethodView

    alive: weakref.WeakSet[Any] = weakref.WeakSet()

    class Counted(MethodView):
        def __init__(self) -> None:
            alive.add(self)

        def get(self) -> str:
            return "view"

    application = Flask("no_leaks")
    application.add_url_rule("/", view_func=Counted.as_view("counted"))

    @application.route("/deferred")
    def deferred() -> str:
        after_this_request(lambda response: response)
        return "deferred"

    client = application.test_client()
    for _ in range(50):
        assert client.get("/").data == b"view"
        assert client.get("/deferred").data == b"deferred"
    gc.collect()
    assert len(alive) == 0
    from framework.app import _coroutine_functions

    assert len(_coroutine_functions) < 20
