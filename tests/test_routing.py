"""Unit tests for routing on the app: add_url_rule, the route shortcuts, converters,
and URL building (url_for, URL defaults, build error handlers)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from werkzeug.routing import BaseConverter, BuildError
from werkzeug.routing import Map as WerkzeugMap

from framework import Blueprint, Flask, request, url_for
from framework.routing import Map

# --- fixtures and helpers ------------------------------------------------------


@pytest.fixture
def app() -> Flask:
    """A testing app with no static route, so its URL map holds only the test's rules."""
    application = Flask(__name__, static_folder=None)
    application.config.update(TESTING=True, SECRET_KEY="test secret")
    return application


def rule_for(app: Flask, endpoint: str) -> Any:
    """Return the only rule registered for ``endpoint``."""
    (rule,) = app.url_map.iter_rules(endpoint)
    return rule


def view() -> str:
    """A view returning its own name."""
    return "view"


# --- add_url_rule: methods -----------------------------------------------------


def test_default_methods_are_get_head_options(app: Flask) -> None:
    """Without ``methods`` a rule answers GET, with HEAD and automatic OPTIONS."""
    app.add_url_rule("/", view_func=view)
    assert rule_for(app, "view").methods == {"GET", "HEAD", "OPTIONS"}


def test_endpoint_defaults_to_the_function_name(app: Flask) -> None:
    """The endpoint is the view's ``__name__`` unless one is given."""
    app.add_url_rule("/", view_func=view)
    app.add_url_rule("/named", "custom", view)
    assert app.view_functions == {"view": view, "custom": view}


def test_rule_without_endpoint_or_view_is_an_error(app: Flask) -> None:
    """A rule needs an endpoint or a view function to name it after."""
    with pytest.raises(AssertionError, match="expected view func if endpoint is not provided"):
        app.add_url_rule("/")


def test_methods_as_a_string_is_a_type_error(app: Flask) -> None:
    """``methods="POST"`` is rejected: it must be a list of strings."""
    with pytest.raises(TypeError) as info:
        app.add_url_rule("/", view_func=view, methods="POST")
    assert str(info.value) == (
        'Allowed methods must be a list of strings, for example: @app.route(..., methods=["POST"])'
    )


def test_methods_are_upper_cased(app: Flask) -> None:
    """Method names are matched case-insensitively by upper-casing them."""
    app.add_url_rule("/", view_func=view, methods=["get", "Post"])
    assert rule_for(app, "view").methods == {"GET", "HEAD", "POST", "OPTIONS"}
    assert app.test_client().post("/").data == b"view"


def test_methods_default_to_the_view_attribute(app: Flask) -> None:
    """A view's ``methods`` attribute is used when ``methods`` is not given."""

    def submit() -> str:
        return "submitted"

    submit.methods = ["PUT"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=submit)
    assert rule_for(app, "submit").methods == {"PUT", "OPTIONS"}


def test_required_methods_are_always_added(app: Flask) -> None:
    """A view's ``required_methods`` are added to whatever methods are given."""

    def form() -> str:
        return "form"

    form.required_methods = ["post"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=form, methods=["GET"])
    assert rule_for(app, "form").methods == {"GET", "HEAD", "POST", "OPTIONS"}


def test_automatic_options_answers_with_allow(app: Flask) -> None:
    """OPTIONS is answered automatically with the allowed methods in ``Allow``."""
    app.add_url_rule("/", view_func=view, methods=["GET", "POST"])
    response = app.test_client().options("/")
    assert response.status_code == 200
    assert response.data == b""
    assert set(response.allow) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_automatic_options_disabled_by_the_view_attribute(app: Flask) -> None:
    """``provide_automatic_options = False`` on the view removes automatic OPTIONS."""

    def plain() -> str:
        return "plain"

    plain.provide_automatic_options = False  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=plain)
    rule = rule_for(app, "plain")
    assert rule.methods == {"GET", "HEAD"}
    assert rule.provide_automatic_options is False
    assert app.test_client().options("/").status_code == 405


def test_automatic_options_argument_wins_over_the_view_attribute(app: Flask) -> None:
    """``provide_automatic_options=`` takes precedence over the view's attribute."""

    def plain() -> str:
        return "plain"

    plain.provide_automatic_options = True  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=plain, provide_automatic_options=False)
    assert rule_for(app, "plain").provide_automatic_options is False


def test_automatic_options_disabled_by_config(app: Flask) -> None:
    """``PROVIDE_AUTOMATIC_OPTIONS = False`` stops adding OPTIONS to new rules."""
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.add_url_rule("/", view_func=view)
    assert rule_for(app, "view").methods == {"GET", "HEAD"}
    assert app.test_client().options("/").status_code == 405


def test_explicit_options_goes_to_the_view(app: Flask) -> None:
    """Listing OPTIONS in ``methods`` turns the automatic answer off: the view handles it."""
    app.add_url_rule("/", view_func=view, methods=["GET", "OPTIONS"])
    assert rule_for(app, "view").provide_automatic_options is False
    assert app.test_client().options("/").data == b"view"


# --- add_url_rule: endpoints ---------------------------------------------------


def test_endpoint_clash_is_an_assertion_error(app: Flask) -> None:
    """Registering a different function for an existing endpoint fails, naming the endpoint."""

    def other() -> str:
        return "other"

    app.add_url_rule("/", "index", view)
    with pytest.raises(AssertionError) as info:
        app.add_url_rule("/other", "index", other)
    assert str(info.value) == (
        "View function mapping is overwriting an existing endpoint function: index"
    )


def test_same_function_may_be_registered_twice(app: Flask) -> None:
    """The same function may serve several rules for one endpoint."""
    app.add_url_rule("/", "index", view)
    app.add_url_rule("/home", "index", view)
    client = app.test_client()
    assert client.get("/").data == client.get("/home").data == b"view"


def test_rule_without_view_can_get_one_with_endpoint(app: Flask) -> None:
    """A rule added without a view is served by a function given to ``endpoint()``."""
    app.add_url_rule("/late", "late")

    @app.endpoint("late")
    def late_view() -> str:
        return "late"

    assert app.view_functions["late"] is late_view
    assert app.test_client().get("/late").data == b"late"


@pytest.mark.parametrize("verb", ["get", "post", "put", "delete", "patch"])
def test_verb_shortcuts_register_one_method(app: Flask, verb: str) -> None:
    """``app.get`` and its siblings register a rule for that single method."""
    method = verb.upper()
    getattr(app, verb)("/thing")(view)
    expected = {method, "OPTIONS"} | ({"HEAD"} if method == "GET" else set())
    assert rule_for(app, "view").methods == expected
    client = app.test_client()
    assert client.open("/thing", method=method).status_code == 200
    other = "POST" if method != "POST" else "PUT"
    assert client.open("/thing", method=other).status_code == 405


def test_verb_shortcuts_refuse_methods(app: Flask) -> None:
    """Passing ``methods`` to a verb shortcut is a TypeError pointing to ``route``."""
    with pytest.raises(TypeError) as info:
        app.post("/", methods=["GET"])
    assert str(info.value) == "Use the 'route' decorator to use the 'methods' argument."


def test_route_returns_the_function_and_passes_options(app: Flask) -> None:
    """``route`` returns the function itself and passes rule options such as ``defaults``."""

    def page(number: int) -> str:
        return f"page {number}"

    decorated = app.route("/pages/", defaults={"number": 1}, endpoint="pages")(page)
    app.route("/pages/<int:number>", endpoint="pages")(page)
    assert decorated is page
    client = app.test_client()
    assert client.get("/pages/").data == b"page 1"
    assert client.get("/pages/7").data == b"page 7"


# --- rule options --------------------------------------------------------------


def test_redirect_to_redirects_permanently(app: Flask) -> None:
    """``redirect_to`` answers with a 308 to the target without calling a view."""
    app.add_url_rule("/old", "old", redirect_to="/new")
    app.add_url_rule("/new", "new", view)
    response = app.test_client().get("/old")
    assert response.status_code == 308
    assert response.location == "http://localhost/new"


def test_redirect_to_may_use_the_rule_values(app: Flask) -> None:
    """``redirect_to`` may be a rule string using the matched variables."""
    app.add_url_rule("/u/<int:user_id>", "old_user", redirect_to="/users/<user_id>")
    assert app.test_client().get("/u/5").location == "http://localhost/users/5"


def test_merge_slashes_redirects_to_the_clean_url(app: Flask) -> None:
    """Repeated slashes are merged by a redirect (the URL map's ``merge_slashes``)."""
    app.add_url_rule("/a/b", "ab", view)
    response = app.test_client().get("/a//b")
    assert response.status_code == 308
    assert response.location == "http://localhost/a/b"


def test_merge_slashes_can_be_disabled_per_rule(app: Flask) -> None:
    """``merge_slashes=False`` on a rule makes the doubled-slash URL a 404."""
    app.add_url_rule("/a/b", "ab", view, merge_slashes=False)
    assert app.test_client().get("/a//b").status_code == 404


def test_url_map_class_is_used(app: Flask) -> None:
    """The URL map is an instance of ``url_map_class``; rules of ``url_rule_class``."""

    class CustomMap(Map):
        pass

    class CustomApp(Flask):
        url_map_class = CustomMap

    application = CustomApp(__name__)
    assert isinstance(application.url_map, CustomMap)
    assert all(isinstance(r, Flask.url_rule_class) for r in application.url_map.iter_rules())


def test_a_werkzeug_map_subclass_routes_and_binds_its_own_way() -> None:
    """A ``url_map_class`` derived from werkzeug's own ``Map`` (as Flask apps may use)
    matches requests, and its ``bind_to_environ`` override is honoured."""
    bound: list[str] = []

    class RecordingMap(WerkzeugMap):
        def bind_to_environ(self, environ: Any, *args: Any, **kwargs: Any) -> Any:
            bound.append(environ["PATH_INFO"])
            return super().bind_to_environ(environ, *args, **kwargs)

    map_class: Any = RecordingMap  # werkzeug's Map, whatever framework's attribute type says

    class CustomApp(Flask):
        url_map_class = map_class

    application = CustomApp(__name__, static_folder=None)
    application.add_url_rule("/hello/<name>", "hello", lambda name: f"hi {name}")
    client = application.test_client()
    assert client.get("/hello/ann").data == b"hi ann"
    assert client.get("/nope").status_code == 404
    assert bound == ["/hello/ann", "/nope"]


class ListConverter(BaseConverter):
    """A converter for comma-separated lists."""

    def to_python(self, value: str) -> list[str]:
        """Split the URL segment on commas."""
        return value.split(",")

    def to_url(self, value: list[str]) -> str:
        """Join the list with commas."""
        return ",".join(BaseConverter.to_url(self, item) for item in value)


def test_custom_converter_parses_and_builds(app: Flask) -> None:
    """A converter registered on ``app.url_map.converters`` is used to match and build."""
    app.url_map.converters["list"] = ListConverter

    @app.route("/tags/<list:tags>")
    def tags(tags: list[str]) -> dict[str, Any]:
        return {"tags": tags}

    assert app.test_client().get("/tags/a,b,c").get_json() == {"tags": ["a", "b", "c"]}
    with app.test_request_context():
        assert url_for("tags", tags=["x", "y z"]) == "/tags/x,y%20z"


# --- hosts and subdomains ------------------------------------------------------


@pytest.fixture
def subdomain_app(app: Flask) -> Flask:
    """The app with ``SERVER_NAME`` set, a default rule, a fixed and a variable subdomain."""
    app.config["SERVER_NAME"] = "example.com"
    app.add_url_rule("/", "index", lambda: f"index {request.host}")
    app.add_url_rule("/", "api_index", lambda: f"api {request.host}", subdomain="api")
    app.add_url_rule("/sub", "user_page", lambda user: f"user {user}", subdomain="<user>")
    return app


@pytest.mark.parametrize(
    "base_url",
    ["http://example.com", "http://api.example.com", "http://other.org", "http://localhost"],
)
def test_server_name_does_not_restrict_hosts_without_subdomain_matching(
    subdomain_app: Flask, base_url: str
) -> None:
    """Without ``subdomain_matching`` every host reaches the default rules (Flask 3.1),
    and subdomain rules never match."""
    client = subdomain_app.test_client()
    response = client.get("/", base_url=base_url)
    assert (response.status_code, response.data) == (
        200,
        f"index {base_url.removeprefix('http://')}".encode(),
    )
    assert client.get("/sub", base_url=base_url).status_code == 404


def test_subdomain_matching_routes_by_subdomain(app: Flask) -> None:
    """With ``subdomain_matching`` subdomain rules match their subdomain only."""
    application = Flask(__name__, static_folder=None, subdomain_matching=True)
    application.config.update(TESTING=True, SERVER_NAME="example.com")
    application.add_url_rule("/", "index", lambda: "index")
    application.add_url_rule("/", "api_index", lambda: "api", subdomain="api")
    application.add_url_rule("/sub", "user_page", lambda user: f"user {user}", subdomain="<user>")
    client = application.test_client()
    assert client.get("/", base_url="http://example.com").data == b"index"
    assert client.get("/", base_url="http://api.example.com").data == b"api"
    assert client.get("/sub", base_url="http://bob.example.com").data == b"user bob"
    assert client.get("/", base_url="http://bob.example.com").status_code == 404
    with application.test_request_context("/", base_url="http://api.example.com"):
        assert request.endpoint == "api_index"
        assert url_for("index") == "http://example.com/"
        assert url_for("api_index") == "/"
        assert url_for("user_page", user="z") == "http://z.example.com/sub"


def test_host_matching_routes_by_host(app: Flask) -> None:
    """With ``host_matching`` rules match (and build) by their ``host`` pattern."""
    application = Flask(__name__, static_folder=None, host_matching=True)
    application.config["TESTING"] = True
    application.add_url_rule("/", "a", lambda: "a", host="a.org")
    application.add_url_rule("/", "b", lambda h: f"b {h}", host="<h>.b.org")
    client = application.test_client()
    assert client.get("/", base_url="http://a.org").data == b"a"
    assert client.get("/", base_url="http://x.b.org").data == b"b x"
    assert client.get("/", base_url="http://c.org").status_code == 404
    with application.test_request_context("/", base_url="http://a.org"):
        assert url_for("a") == "/"
        assert url_for("b", h="q") == "http://q.b.org/"


# --- url_for -------------------------------------------------------------------


@pytest.fixture
def url_app(app: Flask) -> Flask:
    """The app with a few rules to build URLs for."""
    app.add_url_rule("/", "index", view)
    app.add_url_rule("/user/<name>", "user", view)
    app.add_url_rule("/get/<int:n>", "item", view, methods=["GET"])
    app.add_url_rule("/post/<int:n>", "item", view, methods=["POST"])
    return app


def test_url_for_in_a_request_is_relative(url_app: Flask) -> None:
    """Inside a request URLs are paths; extra values become the query string."""
    with url_app.test_request_context():
        assert url_for("user", name="ann") == "/user/ann"
        assert url_for("user", name="ann", q="1 2", n=[1, 2]) == "/user/ann?q=1+2&n=1&n=2"
        assert url_for("user", name="ann", _external=True) == "http://localhost/user/ann"


def test_url_for_in_a_request_uses_the_request_host_and_root(url_app: Flask) -> None:
    """Inside a request, external URLs use the request's host, scheme and script root."""
    with url_app.test_request_context(base_url="https://example.org/prefix"):
        assert url_for("index") == "/prefix/"
        assert url_for("index", _external=True) == "https://example.org/prefix/"


def test_url_for_method_picks_the_rule(url_app: Flask) -> None:
    """``_method`` builds the rule of the endpoint that accepts that method."""
    with url_app.test_request_context():
        assert url_for("item", n=3) == "/get/3"
        assert url_for("item", n=3, _method="POST") == "/post/3"


def test_url_for_scheme_implies_external_in_a_request(url_app: Flask) -> None:
    """Inside a request, ``_scheme`` alone makes the URL external with that scheme."""
    with url_app.test_request_context():
        assert url_for("index", _scheme="https") == "https://localhost/"


def test_url_for_scheme_without_external_is_an_error(url_app: Flask) -> None:
    """``_scheme`` with ``_external=False`` is a ValueError."""
    with url_app.test_request_context(), pytest.raises(ValueError) as info:
        url_for("index", _scheme="https", _external=False)
    assert str(info.value) == "When specifying '_scheme', '_external' must be True."


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ("top", "/#top"),
        ("a b", "/#a%20b"),
        ("x#y/z?w", "/#x#y/z?w"),
        ("100%", "/#100%"),
        ("é", "/#%C3%A9"),
        ("it's", "/#it's"),
    ],
)
def test_url_for_anchor_is_quoted(url_app: Flask, anchor: str, expected: str) -> None:
    """``_anchor`` is appended after ``#``, quoted except for URL-safe punctuation."""
    with url_app.test_request_context():
        assert url_for("index", _anchor=anchor) == expected


def test_url_for_blueprint_relative_endpoint(app: Flask) -> None:
    """A leading dot names an endpoint of the current request's blueprint."""
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/", "index", view)
    app.register_blueprint(bp)
    app.add_url_rule("/", "index", view)
    with app.test_request_context("/bp/"):
        assert url_for(".index") == "/bp/"
        assert url_for("index") == "/"
    with app.test_request_context("/"):
        assert url_for(".index") == "/"


def test_url_for_outside_a_request_needs_server_name(url_app: Flask) -> None:
    """In an app context without ``SERVER_NAME`` building a URL is a RuntimeError."""
    with url_app.app_context(), pytest.raises(RuntimeError) as info:
        url_for("index")
    assert str(info.value) == (
        "Unable to build URLs outside an active request without 'SERVER_NAME'"
        " configured. Also configure 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME'"
        " as needed."
    )


def test_url_for_outside_a_request_uses_server_name(url_app: Flask) -> None:
    """With ``SERVER_NAME`` URLs built outside a request are external and use
    ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``."""
    url_app.config.update(
        SERVER_NAME="example.com", APPLICATION_ROOT="/root", PREFERRED_URL_SCHEME="https"
    )
    with url_app.app_context():
        assert url_for("user", name="bo") == "https://example.com/root/user/bo"
        assert url_for("user", name="bo", _external=False) == "/root/user/bo"
        assert url_for("index", _scheme="http") == "http://example.com/root/"
        with pytest.raises(ValueError, match="'_external' must be True"):
            url_for("index", _scheme="http", _external=False)
    # The app's own method works without any context.
    assert url_app.url_for("index") == "https://example.com/root/"


def test_url_for_helper_needs_an_app_context(url_app: Flask) -> None:
    """The ``url_for`` helper outside any context fails with the app-context message."""
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        url_for("index")


def test_url_for_unknown_endpoint_raises_build_error(url_app: Flask) -> None:
    """An endpoint that cannot be built raises werkzeug's BuildError."""
    with url_app.test_request_context(), pytest.raises(BuildError) as info:
        url_for("nope")
    assert info.value.endpoint == "nope"


# --- URL defaults --------------------------------------------------------------


def test_url_defaults_run_app_then_blueprints_outermost_first(app: Flask) -> None:
    """For a blueprint endpoint the app's URL defaults run first, then the blueprints'
    from the outermost to the innermost."""
    calls: list[tuple[str, str]] = []

    def recorder(scope: str) -> Callable[[str, dict[str, Any]], None]:
        def record(endpoint: str, values: dict[str, Any]) -> None:
            calls.append((scope, endpoint))
            values.setdefault("lang", scope)

        return record

    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")
    child.add_url_rule("/<lang>", "page", view)
    child.url_defaults(recorder("child"))
    parent.url_defaults(recorder("parent"))
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    app.url_defaults(recorder("app"))
    app.add_url_rule("/<lang>", "home", view)

    with app.test_request_context():
        assert url_for("parent.child.page") == "/p/c/app"
        assert calls == [
            ("app", "parent.child.page"),
            ("parent", "parent.child.page"),
            ("child", "parent.child.page"),
        ]
        calls.clear()
        assert url_for("home") == "/app"
        assert calls == [("app", "home")]


def test_inject_url_defaults_changes_values_in_place(app: Flask) -> None:
    """``inject_url_defaults`` lets the functions of the endpoint's scopes fill ``values``."""
    bp = Blueprint("bp", __name__)
    bp.url_defaults(lambda endpoint, values: values.setdefault("from_bp", endpoint))
    app.register_blueprint(bp)
    app.url_defaults(lambda endpoint, values: values.setdefault("from_app", endpoint))
    values: dict[str, Any] = {}
    app.inject_url_defaults("bp.x", values)
    assert values == {"from_app": "bp.x", "from_bp": "bp.x"}
    values = {}
    app.inject_url_defaults("x", values)
    assert values == {"from_app": "x"}


def test_explicit_values_win_over_url_defaults(app: Flask) -> None:
    """A URL default function that uses ``setdefault`` does not override given values."""
    app.add_url_rule("/<lang>/", "home", view)
    app.url_defaults(lambda endpoint, values: values.setdefault("lang", "en"))
    with app.test_request_context():
        assert url_for("home") == "/en/"
        assert url_for("home", lang="fr") == "/fr/"


# --- build errors --------------------------------------------------------------


@pytest.fixture
def build_app(app: Flask) -> Iterator[Flask]:
    """The app inside a request context, ready for build error handlers."""
    with app.test_request_context():
        yield app


def test_build_error_handler_can_return_a_url(build_app: Flask) -> None:
    """A handler returning a string supplies the URL; it sees the error, endpoint and values."""
    seen: list[tuple[Exception, str, dict[str, Any]]] = []

    def handler(error: Exception, endpoint: str, values: dict[str, Any]) -> str:
        seen.append((error, endpoint, dict(values)))
        return f"/fallback/{endpoint}"

    build_app.url_build_error_handlers.append(handler)
    assert url_for("missing", x=1, _anchor="a") == "/fallback/missing"
    ((error, endpoint, values),) = seen
    assert isinstance(error, BuildError)
    assert endpoint == "missing"
    assert values == {
        "x": 1,
        "_anchor": "a",
        "_method": None,
        "_scheme": None,
        "_external": False,
    }


def test_build_error_handler_returning_none_reraises(build_app: Flask) -> None:
    """When every handler returns None the original BuildError is raised."""
    build_app.url_build_error_handlers.append(lambda error, endpoint, values: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(BuildError) as info:
        url_for("missing")
    assert info.value.endpoint == "missing"


def test_build_error_handler_may_raise_a_new_error(build_app: Flask) -> None:
    """A handler raising another BuildError replaces the error that is finally raised."""
    replacement = BuildError("replacement", {}, None)

    def handler(error: Exception, endpoint: str, values: dict[str, Any]) -> str:
        raise replacement

    build_app.url_build_error_handlers.append(handler)
    with pytest.raises(BuildError) as info:
        url_for("missing")
    assert info.value is replacement


def test_later_handler_sees_the_replaced_error(build_app: Flask) -> None:
    """After a handler raises a new BuildError, the next handler receives that error."""
    replacement = BuildError("replacement", {}, None)
    received: list[Exception] = []

    def raising(error: Exception, endpoint: str, values: dict[str, Any]) -> str:
        raise replacement

    def answering(error: Exception, endpoint: str, values: dict[str, Any]) -> str:
        received.append(error)
        return "/second"

    build_app.url_build_error_handlers.extend([raising, answering])
    assert url_for("missing") == "/second"
    assert received == [replacement]


def test_no_build_error_handler_reraises(build_app: Flask) -> None:
    """Without handlers ``handle_url_build_error`` re-raises the error it is given."""
    error = BuildError("missing", {}, None)
    with pytest.raises(BuildError) as info:
        build_app.handle_url_build_error(error, "missing", {})
    assert info.value is error


def test_url_for_takes_self_as_a_query_argument(app: Flask) -> None:
    """``self`` is not reserved: like any unknown keyword it goes to the query string."""
    app.add_url_rule("/item/<int:n>", "item", lambda n: "")
    with app.test_request_context():
        assert url_for("item", n=1, self="me") == "/item/1?self=me"
        assert app.url_for("item", n=2, self="x") == "/item/2?self=x"
