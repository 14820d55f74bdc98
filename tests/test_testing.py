"""Unit tests for framework.testing: the app-aware EnvironBuilder, FlaskClient and
FlaskCliRunner."""

from __future__ import annotations

import uuid
from importlib.metadata import version
from typing import Any

import click
import pytest
from werkzeug.test import EnvironBuilder as WerkzeugEnvironBuilder
from werkzeug.test import create_environ

from framework import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
)
from framework.cli import ScriptInfo
from framework.testing import EnvironBuilder, FlaskClient, FlaskCliRunner


@pytest.fixture
def app() -> Flask:
    """A testing app with a secret key."""
    application = Flask(__name__)
    application.config.update(TESTING=True, SECRET_KEY="test secret")
    return application


def environ_of(app: Flask, **kwargs: Any) -> dict[str, Any]:
    """Return the WSGI environ an ``EnvironBuilder`` for ``app`` makes from ``kwargs``."""
    builder = EnvironBuilder(app, **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()


# --- EnvironBuilder ------------------------------------------------------------


def test_environ_builder_defaults_to_localhost(app: Flask) -> None:
    """Without ``SERVER_NAME`` requests go to ``http://localhost/``."""
    builder = EnvironBuilder(app)
    assert isinstance(builder, WerkzeugEnvironBuilder)
    assert builder.base_url == "http://localhost/"
    environ = environ_of(app)
    assert (environ["HTTP_HOST"], environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (
        "localhost",
        "",
        "/",
    )


def test_environ_builder_uses_the_url_config(app: Flask) -> None:
    """``SERVER_NAME``, ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME`` make the base URL."""
    app.config.update(
        SERVER_NAME="example.com:8080", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https"
    )
    assert EnvironBuilder(app).base_url == "https://example.com:8080/app/"
    environ = environ_of(app, path="/page")
    assert environ["HTTP_HOST"] == "example.com:8080"
    assert environ["SCRIPT_NAME"] == "/app"
    assert environ["PATH_INFO"] == "/page"
    assert environ["wsgi.url_scheme"] == "https"


def test_environ_builder_subdomain(app: Flask) -> None:
    """``subdomain`` is prefixed to the server name."""
    app.config["SERVER_NAME"] = "example.com"
    assert EnvironBuilder(app, subdomain="api").base_url == "http://api.example.com/"
    assert environ_of(app, subdomain="api")["HTTP_HOST"] == "api.example.com"


def test_environ_builder_url_scheme(app: Flask) -> None:
    """``url_scheme`` overrides ``PREFERRED_URL_SCHEME``."""
    app.config["PREFERRED_URL_SCHEME"] = "https"
    assert EnvironBuilder(app, url_scheme="http").base_url == "http://localhost/"
    assert environ_of(app, url_scheme="http")["wsgi.url_scheme"] == "http"


def test_environ_builder_path_query_string(app: Flask) -> None:
    """A query string in the path becomes the request's query string."""
    environ = environ_of(app, path="/search?q=a+b&page=2")
    assert environ["PATH_INFO"] == "/search"
    assert environ["QUERY_STRING"] == "q=a+b&page=2"


def test_environ_builder_full_url_path(app: Flask) -> None:
    """A full URL as path supplies the scheme and host; the app root is kept."""
    app.config.update(APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https")
    builder = EnvironBuilder(app, path="http://other.org/z?q=2")
    assert builder.base_url == "http://other.org/app/"
    environ = environ_of(app, path="http://other.org/z?q=2")
    assert environ["HTTP_HOST"] == "other.org"
    assert environ["PATH_INFO"] == "/z"
    assert environ["QUERY_STRING"] == "q=2"


def test_environ_builder_explicit_base_url_wins(app: Flask) -> None:
    """An explicit ``base_url`` ignores the URL config."""
    app.config.update(SERVER_NAME="example.com", APPLICATION_ROOT="/app")
    builder = EnvironBuilder(app, base_url="http://b.org/root")
    assert builder.base_url == "http://b.org/root/"


@pytest.mark.parametrize("extra", [{"subdomain": "api"}, {"url_scheme": "https"}])
def test_environ_builder_base_url_excludes_subdomain_and_scheme(
    app: Flask, extra: dict[str, str]
) -> None:
    """``base_url`` cannot be combined with ``subdomain`` or ``url_scheme``."""
    with pytest.raises(AssertionError) as info:
        EnvironBuilder(app, base_url="http://b.org/", **extra)
    assert str(info.value) == 'Cannot pass "subdomain" or "url_scheme" with "base_url".'


def test_environ_builder_json_uses_the_app_provider(app: Flask) -> None:
    """``json=`` bodies are serialised with the app's JSON provider (its settings and the
    types it knows)."""
    value = {"b": uuid.UUID(int=1), "a": 1}
    builder = EnvironBuilder(app, method="POST", json=value)
    try:
        assert builder.input_stream is not None
        assert builder.input_stream.read() == (
            b'{"a": 1, "b": "00000000-0000-0000-0000-000000000001"}'
        )
        assert builder.content_type == "application/json"
    finally:
        builder.close()
    app.json.sort_keys = False  # type: ignore[attr-defined]
    assert environ_of(app, method="POST", json=value)["wsgi.input"].read().startswith(b'{"b"')


# --- FlaskClient ---------------------------------------------------------------


def test_test_client_is_a_flask_client(app: Flask) -> None:
    """``app.test_client()`` returns a FlaskClient bound to the app (or ``test_client_class``)."""
    client = app.test_client()
    assert isinstance(client, FlaskClient)
    assert client.application is app

    class CustomClient(FlaskClient):
        pass

    app.test_client_class = CustomClient
    assert isinstance(app.test_client(), CustomClient)


def test_client_sends_remote_addr_and_user_agent(app: Flask) -> None:
    """Requests from the client come from 127.0.0.1 with a werkzeug user agent."""

    @app.route("/")
    def index() -> Any:
        return {"addr": request.remote_addr, "agent": request.user_agent.string}

    assert app.test_client().get("/").get_json() == {
        "addr": "127.0.0.1",
        "agent": f"Werkzeug/{version('werkzeug')}",
    }


def test_client_environ_base_and_overrides(app: Flask) -> None:
    """Per-request ``environ_base``/``environ_overrides``/headers win over the client's
    defaults; changes to ``client.environ_base`` apply to later requests of that client."""

    @app.route("/")
    def index() -> str:
        return f"{request.remote_addr}|{request.user_agent.string}"

    client = app.test_client()
    agent = f"Werkzeug/{version('werkzeug')}"
    assert client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.1"}).text == f"10.0.0.1|{agent}"
    assert client.get("/", environ_overrides={"REMOTE_ADDR": "10.0.0.2"}).text == (
        f"10.0.0.2|{agent}"
    )
    assert client.get("/", headers={"User-Agent": "custom"}).text == "127.0.0.1|custom"
    client.environ_base["HTTP_USER_AGENT"] = "changed"
    assert client.get("/").text == "127.0.0.1|changed"
    assert app.test_client().get("/").text == f"127.0.0.1|{agent}"


def test_client_response_json_uses_the_app_provider(app: Flask) -> None:
    """``response.get_json()`` of a client response decodes with the app's provider."""
    calls: list[str] = []
    original_loads = app.json.loads

    def loads(s: str | bytes, **kwargs: Any) -> Any:
        calls.append("loads")
        return original_loads(s, **kwargs)

    app.json.loads = loads  # type: ignore[method-assign]
    app.add_url_rule("/", "index", lambda: {"a": 1})
    assert app.test_client().get("/").get_json() == {"a": 1}
    assert calls == ["loads"]


def test_with_client_preserves_the_last_request_context(app: Flask) -> None:
    """Inside ``with client:`` the last request's contexts stay available until the block
    ends or the next request."""

    @app.route("/")
    def index() -> str:
        g.seen = request.args["x"]
        return "ok"

    client = app.test_client()
    with client:
        client.get("/?x=1")
        assert has_request_context()
        assert request.args["x"] == "1"
        assert g.seen == "1"
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        client.get("/?x=2")
        assert request.args["x"] == "2"
        assert g.seen == "2"
    assert not has_request_context()
    assert not has_app_context()


def test_with_client_tears_down_each_request_twice(app: Flask) -> None:
    """As in Flask, a preserved request is torn down when it ends and again when the
    preserved context is released (next request or end of the block)."""
    events: list[str] = []
    app.teardown_request(lambda exc: events.append("request"))
    app.teardown_appcontext(lambda exc: events.append("app"))
    app.add_url_rule("/", "index", lambda: "ok")
    client = app.test_client()
    with client:
        client.get("/")
        assert events == ["request", "app"]
        client.get("/")
        assert events == ["request", "app"] * 3
        events.append("end of block")
    assert events == ["request", "app"] * 3 + ["end of block", "request", "app"]


def test_without_with_nothing_is_preserved(app: Flask) -> None:
    """Outside a ``with`` block the contexts end with the request."""
    app.add_url_rule("/", "index", lambda: "ok")
    client = app.test_client()
    client.get("/")
    assert not has_request_context()
    assert client.preserve_context is False


def test_nested_with_client_is_an_error(app: Flask) -> None:
    """``with client:`` cannot be nested; the outer block still ends cleanly."""
    client = app.test_client()
    with client:
        with pytest.raises(RuntimeError) as info, client:
            pass
        assert str(info.value) == "Cannot nest client invocations"
    assert client.preserve_context is False
    with client:  # usable again afterwards
        pass


def test_with_client_ends_preservation_on_exception(app: Flask) -> None:
    """An exception leaving the block still releases the preserved contexts."""
    app.add_url_rule("/", "index", lambda: "ok")
    client = app.test_client()
    with pytest.raises(ValueError), client:
        client.get("/")
        raise ValueError("test")
    assert not has_request_context()
    assert client.preserve_context is False


def test_client_open_accepts_a_builder_an_environ_or_a_request(app: Flask) -> None:
    """``client.open`` also takes a ready EnvironBuilder, WSGI environ dict or Request."""

    @app.route("/echo", methods=["GET", "POST"])
    def echo() -> str:
        return f"{request.method} {request.args['q']} {request.host}"

    client = app.test_client()
    builder = EnvironBuilder(app, "/echo?q=1", method="POST")
    assert client.open(builder).data == b"POST 1 localhost"
    builder.close()
    environ = create_environ("/echo?q=2", "http://h.org/")
    assert client.open(environ).data == b"GET 2 h.org"
    prepared = EnvironBuilder(app, "/echo?q=3").get_request()
    assert client.open(prepared).data == b"GET 3 localhost"


def test_with_client_preserves_the_context_of_the_final_redirect(app: Flask) -> None:
    """With ``follow_redirects`` the preserved context is the last request's."""

    @app.route("/start")
    def start() -> Any:
        return app.redirect("/end?step=2")

    @app.route("/end")
    def end() -> str:
        return "end"

    client = app.test_client()
    with client:
        response = client.get("/start", follow_redirects=True)
        assert response.data == b"end"
        assert [r.status_code for r in response.history] == [302]
        assert request.path == "/end"
        assert request.args["step"] == "2"
    assert not has_request_context()


def test_test_request_context_builds_like_the_client(app: Flask) -> None:
    """``app.test_request_context`` takes the same arguments (subdomain, full URLs)."""
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/x", subdomain="api"):
        assert request.url == "http://api.example.com/x"
    with app.test_request_context("https://other.org/y?q=1"):
        assert (request.host, request.scheme, request.args["q"]) == ("other.org", "https", "1")


# --- session_transaction -------------------------------------------------------


@pytest.fixture
def session_app(app: Flask) -> Flask:
    """The app with views reading and writing the session."""

    @app.route("/read")
    def read() -> Any:
        return dict(session)

    @app.route("/write")
    def write() -> str:
        session["from_view"] = request.args["v"]
        return ""

    return app


def test_session_transaction_round_trip(session_app: Flask) -> None:
    """Values set in a transaction reach the next request; values set by a view are seen
    by the next transaction."""
    client = session_app.test_client()
    with client.session_transaction() as sess:
        assert dict(sess) == {}
        sess["user"] = "ann"
    assert client.get("/read").get_json() == {"user": "ann"}
    client.get("/write?v=42")
    with client.session_transaction() as sess:
        assert dict(sess) == {"user": "ann", "from_view": "42"}
        sess.pop("user")
    assert client.get("/read").get_json() == {"from_view": "42"}


def test_session_transaction_discards_changes_on_exception(session_app: Flask) -> None:
    """An exception inside the transaction leaves the stored session unchanged."""
    client = session_app.test_client()
    with client.session_transaction() as sess:
        sess["kept"] = 1
    with pytest.raises(ValueError), client.session_transaction() as sess:
        sess["lost"] = 2
        raise ValueError("abandon")
    with client.session_transaction() as sess:
        assert dict(sess) == {"kept": 1}


def test_session_transaction_without_cookies_is_a_type_error(session_app: Flask) -> None:
    """A client without cookies cannot open a session transaction."""
    client = session_app.test_client(use_cookies=False)
    with pytest.raises(TypeError) as info, client.session_transaction():
        pass
    assert str(info.value) == "Cookies are disabled. Create a client with 'use_cookies=True'."


def test_session_transaction_without_session_is_a_runtime_error(session_app: Flask) -> None:
    """Without a secret key no session opens, which is a RuntimeError."""
    session_app.secret_key = None
    client = session_app.test_client()
    with pytest.raises(RuntimeError) as info, client.session_transaction():
        pass
    assert str(info.value) == "Session backend did not open a session."


def test_session_transaction_uses_request_context_arguments(session_app: Flask) -> None:
    """Arguments of ``session_transaction`` build the request the session is opened for,
    so the cookie is stored for that host."""
    session_app.config["SESSION_COOKIE_DOMAIN"] = "example.com"
    client = session_app.test_client()
    with client.session_transaction(base_url="http://example.com") as sess:
        sess["k"] = "v"
    cookie = client.get_cookie("session", domain="example.com")
    assert cookie is not None
    assert client.get("/read", base_url="http://example.com").get_json() == {"k": "v"}


def test_session_transaction_does_not_count_as_a_request(session_app: Flask) -> None:
    """Opening a transaction leaves no context behind and does not finish the set-up phase."""
    client = session_app.test_client()
    with client.session_transaction() as sess:
        sess["a"] = 1
        assert not has_request_context()
    session_app.add_url_rule("/late", "late", lambda: "late")
    assert client.get("/late").data == b"late"


# --- FlaskCliRunner ------------------------------------------------------------


def test_cli_runner_invokes_app_commands_with_the_app(app: Flask) -> None:
    """Without ``cli`` the app's command group is invoked; commands see the app."""

    @app.cli.command("hello")
    @click.argument("name")
    def hello(name: str) -> None:
        click.echo(f"Hello {name} from {current_app.name}")

    runner = app.test_cli_runner()
    assert isinstance(runner, FlaskCliRunner)
    assert runner.app is app
    result = runner.invoke(args=["hello", "Ann"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Hello Ann from {app.name}\n"


def test_cli_runner_default_obj_is_a_script_info_for_the_app(app: Flask) -> None:
    """The default ``obj`` is a ScriptInfo whose ``load_app`` returns the app."""
    seen: list[Any] = []

    @click.command()
    @click.pass_obj
    def show(obj: Any) -> None:
        seen.append(obj)

    result = app.test_cli_runner().invoke(show)
    assert result.exit_code == 0, result.output
    (obj,) = seen
    assert isinstance(obj, ScriptInfo)
    assert obj.load_app() is app


def test_cli_runner_keeps_an_explicit_obj(app: Flask) -> None:
    """An ``obj`` passed to ``invoke`` is used as given."""
    seen: list[Any] = []

    @click.command()
    @click.pass_obj
    def show(obj: Any) -> None:
        seen.append(obj)

    marker = object()
    app.test_cli_runner().invoke(show, obj=marker)
    assert seen == [marker]


def test_cli_runner_class_is_configurable(app: Flask) -> None:
    """``test_cli_runner_class`` picks the runner class; keyword arguments reach it."""

    class CustomRunner(FlaskCliRunner):
        pass

    app.test_cli_runner_class = CustomRunner
    runner = app.test_cli_runner(env={"TEST_VAR": "1"})
    assert isinstance(runner, CustomRunner)
    assert runner.app is app
    assert runner.env == {"TEST_VAR": "1"}
