"""Spec area ``testing``: the test client, its responses and the CLI test runner."""

from __future__ import annotations

import io
from typing import Any

import click
import pytest


@pytest.fixture
def echo_app(impl: Any, app: Any, driver: Any) -> Any:
    """An app whose ``/echo`` view reports what it received, plus redirect and cookie views."""
    request = impl.request

    @app.route("/echo", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def echo() -> dict[str, Any]:
        return {
            "method": request.method,
            "args": request.args.to_dict(flat=False),
            "form": driver.resolve(request.form).to_dict(),
            "files": {name: f.filename for name, f in driver.resolve(request.files).items()},
            "data": driver.resolve(request.get_data(as_text=True)),
            "content_type": request.content_type,
            "header": request.headers.get("X-Spec"),
            "remote_addr": request.remote_addr,
            "url": request.url,
            "cookies": dict(request.cookies),
        }

    @app.route("/hop")
    def hop() -> Any:
        return impl.redirect("/hop2")

    @app.route("/hop2")
    def hop2() -> Any:
        return impl.redirect("/echo?from=hop2", 307)

    @app.route("/keep-post", methods=["POST"])
    def keep_post() -> Any:
        return impl.redirect("/echo", 307)

    @app.route("/drop-post", methods=["POST"])
    def drop_post() -> Any:
        return impl.redirect("/echo", 302)

    @app.route("/set-cookie")
    def set_cookie() -> Any:
        response = driver.resolve(impl.make_response("cookie set"))
        response.set_cookie("flavour", "oat")
        return response

    @app.route("/session", methods=["GET", "POST"])
    def session_view() -> dict[str, Any]:
        if request.method == "POST":
            impl.session.update(driver.resolve(request.form).to_dict())
        return dict(impl.session)

    @app.route("/context")
    def context_view() -> str:
        impl.g.marker = "from view"
        return "context"

    return app


# --- request methods ---------------------------------------------------------------------


@pytest.mark.spec("testing.client.methods")
@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch"])
def test_client_method_helpers(echo_app: Any, method: str, driver: Any) -> None:
    """``client.get/post/put/delete/patch`` send a request with that HTTP method."""
    response = getattr(driver.client(echo_app), method)("/echo")
    assert response.status_code == 200
    assert response.json["method"] == method.upper()


@pytest.mark.spec("testing.client.head")
def test_client_head(echo_app: Any, driver: Any) -> None:
    """``client.head`` sends HEAD; the response has headers but no body."""
    response = driver.client(echo_app).head("/echo")
    assert response.status_code == 200
    assert response.data == b""
    assert response.mimetype == "application/json"


@pytest.mark.spec("testing.client.options")
def test_client_options(echo_app: Any, driver: Any) -> None:
    """``client.options`` gets the automatic OPTIONS response listing allowed methods."""
    response = driver.client(echo_app).options("/echo")
    assert response.status_code == 200
    allowed = {method.strip() for method in response.headers["Allow"].split(",")}
    assert {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"} == allowed


@pytest.mark.spec("testing.client.open")
def test_client_open(echo_app: Any, driver: Any) -> None:
    """``client.open(path, method=...)`` sends a request with any method."""
    response = driver.client(echo_app).open("/echo", method="PUT", data="body")
    assert response.json["method"] == "PUT"
    assert response.json["data"] == "body"


@pytest.mark.spec("testing.client.application")
def test_client_application(app: Any, client: Any) -> None:
    """``client.application`` is the app the client was made from."""
    assert client.application is app


# --- request data ------------------------------------------------------------------------


@pytest.mark.spec("testing.client.json")
def test_client_json_argument(echo_app: Any, driver: Any) -> None:
    """``json=`` serialises the value as the body with ``Content-Type: application/json``."""
    response = driver.client(echo_app).post("/echo", json={"a": [1, 2]})
    assert response.json["content_type"] == "application/json"
    assert response.json["data"] == '{"a": [1, 2]}'


@pytest.mark.spec("testing.client.data-dict")
def test_client_data_dict_is_form(echo_app: Any, driver: Any) -> None:
    """``data=`` given a dict is sent as an urlencoded form."""
    response = driver.client(echo_app).post("/echo", data={"name": "amy", "age": "7"})
    assert response.json["content_type"] == "application/x-www-form-urlencoded"
    assert response.json["form"] == {"name": "amy", "age": "7"}


@pytest.mark.spec("testing.client.data-files")
def test_client_data_dict_with_file_is_multipart(echo_app: Any, driver: Any) -> None:
    """A ``(stream, filename)`` value in ``data=`` makes the body multipart with a file."""
    response = driver.client(echo_app).post(
        "/echo", data={"field": "x", "upload": (io.BytesIO(b"content"), "file.txt")}
    )
    assert response.json["content_type"].startswith("multipart/form-data; boundary=")
    assert response.json["form"] == {"field": "x"}
    assert response.json["files"] == {"upload": "file.txt"}


@pytest.mark.spec("testing.client.data-str")
def test_client_data_str(echo_app: Any, driver: Any) -> None:
    """``data=`` given a str is sent as the raw body without a content type."""
    response = driver.client(echo_app).post("/echo", data="raw text")
    assert response.json["data"] == "raw text"
    assert response.json["content_type"] is None


@pytest.mark.spec("testing.client.data-bytes")
def test_client_data_bytes_with_content_type(echo_app: Any, driver: Any) -> None:
    """``data=`` given bytes is sent as the body, with any ``content_type`` given."""
    response = driver.client(echo_app).post("/echo", data=b"<x/>", content_type="application/xml")
    assert response.json["data"] == "<x/>"
    assert response.json["content_type"] == "application/xml"


@pytest.mark.spec("testing.client.query-string")
def test_client_query_string(echo_app: Any, driver: Any) -> None:
    """``query_string=`` accepts a dict (lists repeat the key) or a string."""
    client = driver.client(echo_app)
    from_dict = client.get("/echo", query_string={"a": ["1", "2"], "b": "x"})
    from_str = client.get("/echo", query_string="c=3")
    assert from_dict.json["args"] == {"a": ["1", "2"], "b": ["x"]}
    assert from_str.json["args"] == {"c": ["3"]}


@pytest.mark.spec("testing.client.query-string-twice")
def test_client_query_string_in_path_and_argument(echo_app: Any, driver: Any) -> None:
    """Giving a query string both in the path and as ``query_string`` raises ``ValueError``."""
    with pytest.raises(ValueError, match="Query string is defined in the path and as an argument"):
        driver.client(echo_app).get("/echo?a=1", query_string={"b": "2"})


@pytest.mark.spec("testing.client.headers")
def test_client_headers(echo_app: Any, driver: Any) -> None:
    """``headers=`` adds request headers."""
    response = driver.client(echo_app).get("/echo", headers={"X-Spec": "value"})
    assert response.json["header"] == "value"


@pytest.mark.needs("wsgi")
@pytest.mark.spec("testing.client.environ-base")
def test_client_environ_base(echo_app: Any, driver: Any) -> None:
    """``environ_base=`` sets WSGI environ defaults such as ``REMOTE_ADDR``."""
    client = driver.client(echo_app)
    assert client.get("/echo").json["remote_addr"] == "127.0.0.1"
    response = client.get("/echo", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.json["remote_addr"] == "203.0.113.9"


@pytest.mark.needs("wsgi")
@pytest.mark.spec("testing.client.environ-overrides")
def test_client_environ_overrides(echo_app: Any, driver: Any) -> None:
    """``environ_overrides=`` replaces environ keys after the request is built."""
    response = driver.client(echo_app).get("/echo", environ_overrides={"wsgi.url_scheme": "https"})
    assert response.json["url"] == "https://localhost/echo"


@pytest.mark.spec("testing.client.base-url")
def test_client_base_url(echo_app: Any, driver: Any) -> None:
    """``base_url=`` sets the scheme, host and script root of the request."""
    response = driver.client(echo_app).get("/echo", base_url="https://example.com/mount")
    assert response.json["url"] == "https://example.com/mount/echo"


# --- redirects and response.request ------------------------------------------------------


@pytest.mark.spec("testing.redirects.not-followed")
def test_redirect_not_followed_by_default(echo_app: Any, driver: Any) -> None:
    """By default the client returns the redirect itself with an empty ``history``."""
    response = driver.client(echo_app).get("/hop")
    assert response.status_code == 302
    assert response.location == "/hop2"
    assert tuple(response.history) == ()


@pytest.mark.spec("testing.redirects.followed")
def test_follow_redirects_reaches_final_response(echo_app: Any, driver: Any) -> None:
    """``follow_redirects=True`` follows each redirect and returns the final response."""
    response = driver.client(echo_app).get("/hop", follow_redirects=True)
    assert response.status_code == 200
    assert response.json["args"] == {"from": ["hop2"]}


@pytest.mark.spec("testing.redirects.history")
def test_follow_redirects_history(echo_app: Any, driver: Any) -> None:
    """``response.history`` holds the intermediate redirect responses in order."""
    response = driver.client(echo_app).get("/hop", follow_redirects=True)
    assert [r.status_code for r in response.history] == [302, 307]
    assert [r.request.path for r in response.history] == ["/hop", "/hop2"]


@pytest.mark.spec("testing.redirects.request")
def test_response_request_is_final_request(echo_app: Any, driver: Any) -> None:
    """``response.request`` is the request that produced the (final) response."""
    response = driver.client(echo_app).get("/hop", follow_redirects=True)
    assert response.request.path == "/echo"
    assert response.request.method == "GET"
    assert response.request.url == "http://localhost/echo?from=hop2"


@pytest.mark.spec("testing.redirects.307-keeps-body")
def test_follow_307_keeps_method_and_body(echo_app: Any, driver: Any) -> None:
    """Following a 307 repeats the method and body."""
    response = driver.client(echo_app).post("/keep-post", data={"a": "1"}, follow_redirects=True)
    assert response.json["method"] == "POST"
    assert response.json["form"] == {"a": "1"}


@pytest.mark.spec("testing.redirects.302-becomes-get")
def test_follow_302_switches_to_get(echo_app: Any, driver: Any) -> None:
    """Following a 302 after a POST sends a GET without the body."""
    response = driver.client(echo_app).post("/drop-post", data={"a": "1"}, follow_redirects=True)
    assert response.json["method"] == "GET"
    assert response.json["form"] == {}


# --- responses ---------------------------------------------------------------------------


@pytest.mark.spec("testing.response.json")
def test_test_response_json(echo_app: Any, driver: Any) -> None:
    """``TestResponse.json`` and ``get_json()`` parse a JSON body."""
    response = driver.client(echo_app).get("/echo?a=1")
    assert response.json["args"] == {"a": ["1"]}
    assert response.get_json() == response.json


@pytest.mark.spec("testing.response.json-not-json")
def test_test_response_json_for_html(echo_app: Any, driver: Any) -> None:
    """``TestResponse.json`` is ``None`` when the response is not JSON."""
    response = driver.client(echo_app).get("/context")
    assert (response.mimetype, response.data) == ("text/html", b"context")
    assert response.json is None


@pytest.mark.spec("testing.response.text")
def test_test_response_text(app: Any, client: Any) -> None:
    """``TestResponse.text`` is the body decoded as text."""

    @app.route("/")
    def index() -> str:
        return "héllo"

    response = client.get("/")
    assert response.text == "héllo"
    assert response.get_data(as_text=True) == "héllo"


# --- preserved context -------------------------------------------------------------------


@pytest.mark.needs("werkzeug-test-client")
@pytest.mark.spec("testing.with-client.request")
def test_with_client_keeps_request(impl: Any, echo_app: Any, driver: Any) -> None:
    """Inside ``with client:`` the last request's ``request`` stays usable after the call."""
    client = driver.client(echo_app)
    with client:
        client.get("/echo?q=first")
        assert impl.request.args["q"] == "first"
        client.get("/echo?q=second")
        assert impl.request.args["q"] == "second"
        assert impl.request.path == "/echo"


@pytest.mark.needs("werkzeug-test-client")
@pytest.mark.spec("testing.with-client.g")
def test_with_client_keeps_g(impl: Any, echo_app: Any, driver: Any) -> None:
    """Inside ``with client:`` values stored on ``g`` by the view remain readable."""
    client = driver.client(echo_app)
    with client:
        client.get("/context")
        assert impl.g.marker == "from view"


@pytest.mark.needs("werkzeug-test-client")
@pytest.mark.spec("testing.with-client.session")
def test_with_client_keeps_session(impl: Any, echo_app: Any, driver: Any) -> None:
    """Inside ``with client:`` the request's ``session`` stays readable after the call."""
    client = driver.client(echo_app)
    with client:
        client.post("/session", data={"user": "amy"})
        assert impl.session["user"] == "amy"


@pytest.mark.needs("werkzeug-test-client")
@pytest.mark.spec("testing.with-client.popped-at-exit")
def test_with_client_pops_at_exit(impl: Any, echo_app: Any, driver: Any) -> None:
    """Leaving ``with client:`` pops the preserved request and app contexts."""
    client = driver.client(echo_app)
    with client:
        client.get("/echo")
        assert impl.has_request_context()
    assert not impl.has_request_context()
    assert not impl.has_app_context()


@pytest.mark.spec("testing.with-client.not-preserved-outside")
def test_without_with_block_context_is_not_kept(impl: Any, echo_app: Any, driver: Any) -> None:
    """Outside a ``with client:`` block no context remains after a request."""
    assert driver.client(echo_app).get("/echo").status_code == 200
    assert not impl.has_request_context()


@pytest.mark.needs("werkzeug-test-client")
@pytest.mark.spec("testing.with-client.returns-client")
def test_with_client_returns_client(app: Any, client: Any) -> None:
    """``with client as c`` binds the client itself."""
    with client as entered:
        assert entered is client


@pytest.mark.needs("werkzeug-test-client")
@pytest.mark.spec("testing.with-client.no-nesting")
def test_with_client_cannot_nest(client: Any) -> None:
    """Entering ``with client:`` twice raises ``RuntimeError``."""
    with client, pytest.raises(RuntimeError, match="Cannot nest client invocations"), client:
        pass


# --- sessions ----------------------------------------------------------------------------


@pytest.mark.spec("testing.session-transaction.modify")
def test_session_transaction_sets_session(echo_app: Any, driver: Any) -> None:
    """Changes made in ``session_transaction()`` are seen by the next request."""
    client = driver.client(echo_app)
    with client.session_transaction() as session:
        session["user"] = "bob"
    assert client.get("/session").json == {"user": "bob"}


@pytest.mark.spec("testing.session-transaction.read")
def test_session_transaction_reads_session(echo_app: Any, driver: Any) -> None:
    """``session_transaction()`` exposes the session the previous request stored."""
    client = driver.client(echo_app)
    client.post("/session", data={"user": "amy"})
    with client.session_transaction() as session:
        assert dict(session) == {"user": "amy"}


@pytest.mark.spec("testing.session-transaction.clear")
def test_session_transaction_clear_removes_cookie(echo_app: Any, driver: Any) -> None:
    """Clearing the session in a transaction empties it and deletes the session cookie."""
    client = driver.client(echo_app)
    client.post("/session", data={"user": "amy"})
    assert client.get_cookie("session") is not None
    with client.session_transaction() as session:
        session.clear()
    assert client.get_cookie("session") is None
    assert client.get("/session").json == {}


@pytest.mark.spec("testing.session-transaction.no-secret")
def test_session_transaction_without_secret_key(impl: Any, driver: Any) -> None:
    """Without a secret key ``session_transaction()`` raises ``RuntimeError``."""
    app = impl.Flask("conformance_app")
    app.testing = True
    client = driver.client(app)
    with (
        pytest.raises(RuntimeError, match="Session backend did not open a session"),
        client.session_transaction(),
    ):
        pass


@pytest.mark.spec("testing.session-transaction.no-cookies")
def test_session_transaction_without_cookies(app: Any, driver: Any) -> None:
    """A client with ``use_cookies=False`` refuses ``session_transaction()`` with ``TypeError``."""
    client = driver.client(app, use_cookies=False)
    with pytest.raises(TypeError, match="Cookies are disabled"), client.session_transaction():
        pass


# --- cookies -----------------------------------------------------------------------------


@pytest.mark.spec("testing.cookies.persist")
def test_cookies_persist_between_requests(echo_app: Any, driver: Any) -> None:
    """Cookies set by a response are sent with the client's later requests."""
    client = driver.client(echo_app)
    client.get("/set-cookie")
    assert client.get("/echo").json["cookies"] == {"flavour": "oat"}


@pytest.mark.spec("testing.cookies.get-cookie")
def test_get_cookie(echo_app: Any, driver: Any) -> None:
    """``client.get_cookie(key)`` returns the stored cookie, or ``None`` if there is none."""
    client = driver.client(echo_app)
    client.get("/set-cookie")
    cookie = client.get_cookie("flavour")
    assert cookie is not None
    assert (cookie.key, cookie.value, cookie.domain, cookie.path) == (
        "flavour",
        "oat",
        "localhost",
        "/",
    )
    assert client.get_cookie("absent") is None


@pytest.mark.spec("testing.cookies.set-cookie")
def test_client_set_cookie(echo_app: Any, driver: Any) -> None:
    """``client.set_cookie(key, value)`` sends the cookie with later requests."""
    client = driver.client(echo_app)
    client.set_cookie("theme", "dark")
    assert client.get("/echo").json["cookies"] == {"theme": "dark"}


@pytest.mark.spec("testing.cookies.set-cookie-domain")
def test_client_set_cookie_other_domain(echo_app: Any, driver: Any) -> None:
    """A cookie set for another domain is stored under it and not sent to localhost."""
    client = driver.client(echo_app)
    client.set_cookie("foreign", "v", domain="other.example")
    assert client.get("/echo").json["cookies"] == {}
    assert client.get_cookie("foreign") is None
    assert client.get_cookie("foreign", domain="other.example") is not None


@pytest.mark.spec("testing.cookies.delete-cookie")
def test_client_delete_cookie(echo_app: Any, driver: Any) -> None:
    """``client.delete_cookie(key)`` stops the cookie from being sent."""
    client = driver.client(echo_app)
    client.get("/set-cookie")
    assert client.get_cookie("flavour") is not None
    client.delete_cookie("flavour")
    assert client.get("/echo").json["cookies"] == {}
    assert client.get_cookie("flavour") is None


@pytest.mark.spec("testing.cookies.per-client")
def test_cookie_jars_are_per_client(echo_app: Any, driver: Any) -> None:
    """Each test client has its own cookie jar."""
    first = driver.client(echo_app)
    first.get("/set-cookie")
    assert first.get("/echo").json["cookies"] != {}
    assert driver.client(echo_app).get("/echo").json["cookies"] == {}


@pytest.mark.spec("testing.cookies.follow-redirects")
def test_cookies_set_during_redirect_are_kept(impl: Any, app: Any, client: Any) -> None:
    """A cookie set by a redirect response is sent to the followed location."""

    @app.route("/login")
    def login() -> Any:
        response = impl.redirect("/whoami")
        response.set_cookie("user", "amy")
        return response

    @app.route("/whoami")
    def whoami() -> str:
        return str(impl.request.cookies.get("user"))

    assert client.get("/login", follow_redirects=True).data == b"amy"


@pytest.mark.spec("testing.cookies.disabled")
def test_use_cookies_false(echo_app: Any, driver: Any) -> None:
    """With ``use_cookies=False`` cookies are not stored and ``get_cookie`` raises TypeError."""
    client = driver.client(echo_app, use_cookies=False)
    client.get("/set-cookie")
    assert client.get("/echo").json["cookies"] == {}
    with pytest.raises(TypeError, match="Cookies are disabled"):
        client.get_cookie("flavour")


# --- client class ------------------------------------------------------------------------


@pytest.mark.needs("werkzeug-test-client")
@pytest.mark.spec("testing.client-class.custom")
def test_custom_test_client_class(impl: Any, app: Any, driver: Any) -> None:
    """A ``test_client_class`` subclass is used and receives extra ``test_client`` kwargs."""

    @app.route("/")
    def index() -> str:
        return str(impl.request.headers.get("X-Tag", "none"))

    class TaggingClient(type(driver.client(app))):  # type: ignore[misc]
        def __init__(self, *args: Any, tag: str = "default", **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tag = tag

        def open(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("headers", {})["X-Tag"] = self.tag
            return super().open(*args, **kwargs)

    app.test_client_class = TaggingClient
    client = app.test_client(tag="custom")
    assert isinstance(client, TaggingClient)
    assert client.get("/").data == b"custom"


# --- exception propagation ---------------------------------------------------------------


@pytest.mark.spec("testing.exceptions.propagate")
def test_exceptions_propagate_when_testing(app: Any, client: Any) -> None:
    """With ``TESTING`` true, an exception raised in a view propagates through the client."""

    @app.route("/")
    def index() -> str:
        raise LookupError("from the view")

    with pytest.raises(LookupError, match="from the view"):
        client.get("/")


@pytest.mark.spec("testing.exceptions.500-when-not-testing")
def test_exceptions_become_500_when_not_testing(app: Any, driver: Any) -> None:
    """With ``TESTING`` false, an unhandled view exception becomes a 500 response."""
    app.testing = False

    @app.route("/")
    def index() -> str:
        raise LookupError("from the view")

    assert driver.client(app).get("/").status_code == 500


@pytest.mark.spec("testing.exceptions.propagate-config-wins")
def test_propagate_exceptions_false_overrides_testing(app: Any, client: Any) -> None:
    """``PROPAGATE_EXCEPTIONS = False`` stops propagation even in testing mode."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/")
    def index() -> str:
        raise LookupError("from the view")

    assert client.get("/").status_code == 500


@pytest.mark.spec("testing.exceptions.http-not-propagated")
def test_http_exceptions_are_responses_when_testing(impl: Any, app: Any, client: Any) -> None:
    """HTTP exceptions (``abort``) become error responses even in testing mode."""

    @app.route("/")
    def index() -> None:
        impl.abort(403)

    assert client.get("/").status_code == 403


# --- CLI runner --------------------------------------------------------------------------


@pytest.fixture
def cli_app(impl: Any, app: Any) -> Any:
    """An app with a few commands registered through ``app.cli.command()``."""

    @app.cli.command("hello")
    @click.argument("name", default="world")
    @click.option("--shout", is_flag=True)
    def hello(name: str, shout: bool) -> None:
        message = f"hello {name} from {impl.current_app.name}"
        click.echo(message.upper() if shout else message)

    @app.cli.command("contexts")
    def contexts() -> None:
        impl.g.value = "usable"
        click.echo(f"{impl.has_app_context()} {impl.has_request_context()} {impl.g.value}")

    @app.cli.command("quit")
    def quit_command() -> None:
        raise SystemExit(3)

    @app.cli.command("crash")
    def crash() -> None:
        raise RuntimeError("command failed")

    return app


@pytest.mark.spec("testing.cli-runner.invoke")
def test_cli_runner_invokes_command(cli_app: Any, driver: Any) -> None:
    """``runner.invoke(args=[...])`` runs the command with ``current_app`` and captures output."""
    result = driver.cli_runner(cli_app).invoke(args=["hello"])
    assert result.exit_code == 0
    assert result.output == "hello world from conformance_app\n"


@pytest.mark.spec("testing.cli-runner.arguments")
def test_cli_runner_passes_arguments(cli_app: Any, driver: Any) -> None:
    """Arguments and options after the command name reach the command."""
    result = driver.cli_runner(cli_app).invoke(args=["hello", "bob", "--shout"])
    assert result.exit_code == 0
    assert result.output == "HELLO BOB FROM CONFORMANCE_APP\n"


@pytest.mark.spec("testing.cli-runner.command-object")
def test_cli_runner_invokes_command_object(cli_app: Any, driver: Any) -> None:
    """``runner.invoke(command, args)`` runs a command object, still with the app context."""
    command = cli_app.cli.get_command(None, "hello")
    result = driver.cli_runner(cli_app).invoke(command, ["amy"])
    assert result.exit_code == 0
    assert result.output == "hello amy from conformance_app\n"


@pytest.mark.spec("testing.cli-runner.app-context")
def test_cli_runner_pushes_app_context_only(cli_app: Any, driver: Any) -> None:
    """Commands run inside an app context (``g`` usable) but without a request context."""
    result = driver.cli_runner(cli_app).invoke(args=["contexts"])
    assert result.output == "True False usable\n"


@pytest.mark.spec("testing.cli-runner.exit-code")
def test_cli_runner_exit_code(cli_app: Any, driver: Any) -> None:
    """``SystemExit(n)`` in a command gives ``result.exit_code == n``."""
    assert driver.cli_runner(cli_app).invoke(args=["quit"]).exit_code == 3


@pytest.mark.spec("testing.cli-runner.exception")
def test_cli_runner_captures_exception(cli_app: Any, driver: Any) -> None:
    """An exception in a command is captured: exit code 1 and ``result.exception`` set."""
    result = driver.cli_runner(cli_app).invoke(args=["crash"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    assert str(result.exception) == "command failed"


@pytest.mark.spec("testing.cli-runner.unknown-command")
def test_cli_runner_unknown_command(cli_app: Any, driver: Any) -> None:
    """An unknown command name is a usage error: exit code 2 and a 'No such command' message."""
    result = driver.cli_runner(cli_app).invoke(args=["no-such-command"])
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output
