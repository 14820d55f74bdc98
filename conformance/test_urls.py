"""Spec area ``urls``: building URLs with ``url_for``, URL defaults and value preprocessors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.routing import BuildError

OUTSIDE_REQUEST_MESSAGE = (
    "Unable to build URLs outside an active request without 'SERVER_NAME' configured."
)


def nothing(**kwargs: Any) -> str:
    """A view that answers with an empty body."""
    return ""


@pytest.fixture
def url_app(app: Any) -> Any:
    """An app with an index, an ``int`` rule, a string rule and method-specific rules."""
    app.add_url_rule("/", "index", nothing)
    app.add_url_rule("/item/<int:n>", "item", nothing)
    app.add_url_rule("/user/<name>", "user", nothing)
    app.add_url_rule("/read", "multi", nothing, methods=["GET"])
    app.add_url_rule("/write", "multi", nothing, methods=["POST"])
    app.add_url_rule("/post-only", "post_only", nothing, methods=["POST"])
    return app


# --- url_for inside a request --------------------------------------------------------


@pytest.mark.spec("urls.url-for.static-rule")
def test_url_for_rule_without_variables(url_app: Any, impl: Any, driver: Any) -> None:
    """``url_for(endpoint)`` returns the rule's path, relative to the host."""
    with driver.request_context(url_app):
        assert impl.url_for("index") == "/"


@pytest.mark.spec("urls.url-for.variables")
def test_url_for_fills_variables(url_app: Any, impl: Any, driver: Any) -> None:
    """``url_for`` fills the rule's variables from keyword arguments."""
    with driver.request_context(url_app):
        assert impl.url_for("item", n=42) == "/item/42"


@pytest.mark.spec("urls.url-for.endpoint-keyword")
def test_url_for_endpoint_as_keyword(url_app: Any, impl: Any, driver: Any) -> None:
    """The endpoint may be passed as the ``endpoint`` keyword argument."""
    with driver.request_context(url_app):
        assert impl.url_for(endpoint="item", n=1) == "/item/1"


@pytest.mark.spec("urls.url-for.quoting")
def test_url_for_quotes_values(url_app: Any, impl: Any, driver: Any) -> None:
    """Values are percent-encoded as UTF-8; ``/`` in a string value is kept."""
    with driver.request_context(url_app):
        assert impl.url_for("user", name="a b/é?#") == "/user/a%20b/%C3%A9%3F%23"


@pytest.mark.spec("urls.url-for.converter-to-url")
def test_url_for_uses_converter_formatting(app: Any, impl: Any, driver: Any) -> None:
    """Each converter formats its value: zero-padded ints, floats, UUIDs, ``any`` items."""
    app.add_url_rule(
        "/<int(fixed_digits=3):n>/<float:x>/<uuid:u>/<any(one, two):w>/<path:p>", "all", nothing
    )
    with driver.request_context(app):
        url = impl.url_for(
            "all", n=7, x=2.5, u="12345678-1234-5678-1234-567812345678", w="two", p="a b/c"
        )
    assert url == "/007/2.5/12345678-1234-5678-1234-567812345678/two/a%20b/c"


@pytest.mark.spec("urls.url-for.query-string")
def test_url_for_unknown_values_become_query(url_app: Any, impl: Any, driver: Any) -> None:
    """Values that are not rule variables become query arguments, in the order given."""
    with driver.request_context(url_app):
        assert impl.url_for("item", n=1, sort="asc", page=2) == "/item/1?sort=asc&page=2"


@pytest.mark.spec("urls.url-for.query-list")
def test_url_for_list_values_repeat_keys(url_app: Any, impl: Any, driver: Any) -> None:
    """A list value becomes one query argument per item, under the same key."""
    with driver.request_context(url_app):
        assert impl.url_for("index", tag=["a", "b", 3]) == "/?tag=a&tag=b&tag=3"


@pytest.mark.spec("urls.url-for.query-none-dropped")
def test_url_for_drops_none_values(url_app: Any, impl: Any, driver: Any) -> None:
    """Query values that are ``None`` are left out."""
    with driver.request_context(url_app):
        assert impl.url_for("index", a=None, b="1") == "/?b=1"


@pytest.mark.spec("urls.url-for.query-empty-string")
def test_url_for_keeps_empty_string(url_app: Any, impl: Any, driver: Any) -> None:
    """An empty-string query value is kept as ``key=``."""
    with driver.request_context(url_app):
        assert impl.url_for("index", a="") == "/?a="


@pytest.mark.spec("urls.url-for.query-empty-list")
def test_url_for_drops_empty_list(url_app: Any, impl: Any, driver: Any) -> None:
    """An empty list value adds no query argument."""
    with driver.request_context(url_app):
        assert impl.url_for("index", a=[]) == "/"


@pytest.mark.spec("urls.url-for.query-quoting")
def test_url_for_quotes_query(url_app: Any, impl: Any, driver: Any) -> None:
    """Query values are form-encoded: spaces as ``+``, ``&`` and ``=`` escaped."""
    with driver.request_context(url_app):
        assert impl.url_for("index", q="a b&c=d") == "/?q=a+b%26c%3Dd"


@pytest.mark.spec("urls.url-for.external")
def test_url_for_external(url_app: Any, impl: Any, driver: Any) -> None:
    """``_external=True`` returns an absolute URL using the request's scheme and host."""
    with driver.request_context(url_app):
        assert impl.url_for("item", n=3, _external=True) == "http://localhost/item/3"


@pytest.mark.spec("urls.url-for.scheme")
def test_url_for_scheme(url_app: Any, impl: Any, driver: Any) -> None:
    """``_scheme`` with ``_external=True`` sets the absolute URL's scheme."""
    with driver.request_context(url_app):
        url = impl.url_for("item", n=3, _scheme="https", _external=True)
    assert url == "https://localhost/item/3"


@pytest.mark.spec("urls.url-for.scheme-implies-external")
def test_url_for_scheme_alone_is_external(url_app: Any, impl: Any, driver: Any) -> None:
    """``_scheme`` without ``_external`` gives an absolute URL (Flask 3.1: external implied)."""
    with driver.request_context(url_app):
        assert impl.url_for("item", n=3, _scheme="https") == "https://localhost/item/3"


@pytest.mark.spec("urls.url-for.scheme-not-external")
def test_url_for_scheme_with_external_false(url_app: Any, impl: Any, driver: Any) -> None:
    """``_scheme`` with ``_external=False`` raises ``ValueError``: ``_external`` must be True."""
    with driver.request_context(url_app), pytest.raises(ValueError) as caught:
        impl.url_for("item", n=3, _scheme="https", _external=False)
    assert str(caught.value) == "When specifying '_scheme', '_external' must be True."


@pytest.mark.spec("urls.url-for.anchor")
def test_url_for_anchor(url_app: Any, impl: Any, driver: Any) -> None:
    """``_anchor`` appends a percent-encoded fragment after the query string."""
    with driver.request_context(url_app):
        assert impl.url_for("item", n=3, q=1, _anchor="sec 1/é") == "/item/3?q=1#sec%201/%C3%A9"


@pytest.mark.spec("urls.url-for.anchor-safe-characters")
def test_url_for_anchor_keeps_fragment_characters(url_app: Any, impl: Any, driver: Any) -> None:
    """``_anchor`` keeps characters allowed in a fragment, such as ``#`` and ``?`` (Flask)."""
    with driver.request_context(url_app):
        assert impl.url_for("index", _anchor="a#b?c") == "/#a#b?c"


@pytest.mark.spec("urls.url-for.anchor-external")
def test_url_for_anchor_with_external(url_app: Any, impl: Any, driver: Any) -> None:
    """``_anchor`` combines with ``_external``."""
    with driver.request_context(url_app):
        assert impl.url_for("index", _anchor="top", _external=True) == "http://localhost/#top"


@pytest.mark.spec("urls.url-for.method")
def test_url_for_method_selects_rule(url_app: Any, impl: Any, driver: Any) -> None:
    """``_method`` selects the endpoint's rule that allows that method."""
    with driver.request_context(url_app):
        assert impl.url_for("multi", _method="POST") == "/write"
        assert impl.url_for("multi", _method="GET") == "/read"


@pytest.mark.spec("urls.url-for.method-not-allowed")
def test_url_for_method_no_rule(url_app: Any, impl: Any, driver: Any) -> None:
    """``_method`` that no rule of the endpoint allows raises ``BuildError``."""
    with driver.request_context(url_app), pytest.raises(BuildError) as caught:
        impl.url_for("post_only", _method="GET")
    assert caught.value.method == "GET"


@pytest.mark.spec("urls.url-for.in-view")
def test_url_for_inside_view(url_app: Any, impl: Any, driver: Any) -> None:
    """``url_for`` works in a view while a request is handled."""
    url_app.add_url_rule("/where", "where", lambda: impl.url_for("item", n=9))
    assert driver.client(url_app).get("/where").text == "/item/9"


@pytest.mark.spec("urls.url-for.request-host")
def test_url_for_external_uses_request_host(url_app: Any, impl: Any, driver: Any) -> None:
    """Inside a request an external URL uses the request's scheme and host (port included)."""
    with driver.request_context(url_app, base_url="https://example.org:8443"):
        assert impl.url_for("index", _external=True) == "https://example.org:8443/"


@pytest.mark.needs("wsgi")
@pytest.mark.spec("urls.url-for.script-name")
def test_url_for_prefixes_script_name(url_app: Any, impl: Any, driver: Any) -> None:
    """Inside a request URLs are prefixed with the request's ``SCRIPT_NAME``."""
    environ = {"SCRIPT_NAME": "/mounted"}
    with driver.request_context(url_app, environ_overrides=environ):
        assert impl.url_for("item", n=1) == "/mounted/item/1"
        assert impl.url_for("item", n=1, _external=True) == "http://localhost/mounted/item/1"


@pytest.mark.spec("urls.url-for.base-url-path")
def test_url_for_prefixes_base_url_path(url_app: Any, impl: Any, driver: Any) -> None:
    """A test request context's ``base_url`` path is the script root URLs are built under."""
    with driver.request_context(url_app, "/", base_url="http://example.org/app"):
        assert impl.url_for("item", n=1) == "/app/item/1"


# --- url_for outside a request -------------------------------------------------------


@pytest.mark.spec("urls.outside.no-app-context")
def test_url_for_without_any_context(url_app: Any, impl: Any) -> None:
    """``url_for`` with no application context raises ``RuntimeError``."""
    with pytest.raises(RuntimeError, match=r"app(lication)? context"):
        impl.url_for("index")


@pytest.mark.spec("urls.outside.no-server-name")
def test_url_for_in_app_context_needs_server_name(url_app: Any, impl: Any, driver: Any) -> None:
    """In an app context without ``SERVER_NAME``, ``url_for`` raises ``RuntimeError`` saying so."""
    with driver.app_context(url_app), pytest.raises(RuntimeError) as caught:
        impl.url_for("index")
    assert str(caught.value).startswith(OUTSIDE_REQUEST_MESSAGE)
    assert "APPLICATION_ROOT" in str(caught.value)
    assert "PREFERRED_URL_SCHEME" in str(caught.value)


@pytest.mark.spec("urls.outside.no-server-name-message")
def test_url_for_outside_request_message(url_app: Any, impl: Any, driver: Any) -> None:
    """The ``RuntimeError`` of ``url_for`` outside a request without ``SERVER_NAME`` is
    Flask's, word for word."""
    with driver.app_context(url_app), pytest.raises(RuntimeError) as caught:
        impl.url_for("index")
    assert str(caught.value) == (
        "Unable to build URLs outside an active request without 'SERVER_NAME' configured."
        " Also configure 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as needed."
    )


@pytest.mark.spec("urls.outside.adapter-made-at-push")
def test_url_for_outside_request_uses_the_adapter_made_at_push(
    url_app: Any, impl: Any, driver: Any
) -> None:
    """Outside a request ``url_for`` builds with the URL adapter the app context made when
    it was pushed: ``SERVER_NAME`` set later takes effect in the next context."""
    with driver.app_context(url_app):
        url_app.config["SERVER_NAME"] = "srv.test"
        with pytest.raises(RuntimeError, match="SERVER_NAME"):
            impl.url_for("index")
    with driver.app_context(url_app):
        assert impl.url_for("index") == "http://srv.test/"


@pytest.mark.spec("urls.outside.server-name")
def test_url_for_in_app_context_with_server_name(url_app: Any, impl: Any, driver: Any) -> None:
    """With ``SERVER_NAME``, ``url_for`` outside a request returns an external URL by default."""
    url_app.config["SERVER_NAME"] = "srv.test:8080"
    with driver.app_context(url_app):
        assert impl.url_for("item", n=1) == "http://srv.test:8080/item/1"


@pytest.mark.spec("urls.outside.external-false")
def test_url_for_in_app_context_relative(url_app: Any, impl: Any, driver: Any) -> None:
    """Outside a request, ``_external=False`` returns a path without scheme or host."""
    url_app.config["SERVER_NAME"] = "srv.test"
    with driver.app_context(url_app):
        assert impl.url_for("item", n=1, _external=False) == "/item/1"


@pytest.mark.spec("urls.outside.application-root")
def test_url_for_outside_request_uses_application_root(
    url_app: Any, impl: Any, driver: Any
) -> None:
    """Outside a request, URLs are built under ``APPLICATION_ROOT``."""
    url_app.config.update(SERVER_NAME="srv.test", APPLICATION_ROOT="/root")
    with driver.app_context(url_app):
        assert impl.url_for("item", n=1) == "http://srv.test/root/item/1"
        assert impl.url_for("item", n=1, _external=False) == "/root/item/1"


@pytest.mark.spec("urls.outside.preferred-url-scheme")
def test_url_for_outside_request_uses_preferred_scheme(
    url_app: Any, impl: Any, driver: Any
) -> None:
    """Outside a request, external URLs use ``PREFERRED_URL_SCHEME``."""
    url_app.config.update(SERVER_NAME="srv.test", PREFERRED_URL_SCHEME="https")
    with driver.app_context(url_app):
        assert impl.url_for("index") == "https://srv.test/"


@pytest.mark.spec("urls.outside.scheme-override")
def test_url_for_outside_request_scheme_argument(url_app: Any, impl: Any, driver: Any) -> None:
    """Outside a request, ``_scheme`` overrides ``PREFERRED_URL_SCHEME``."""
    url_app.config.update(SERVER_NAME="srv.test", PREFERRED_URL_SCHEME="http")
    with driver.app_context(url_app):
        assert impl.url_for("index", _scheme="https") == "https://srv.test/"


# --- app.url_for ---------------------------------------------------------------------


@pytest.mark.spec("urls.app-url-for.in-request")
def test_app_url_for_matches_url_for(url_app: Any, impl: Any, driver: Any) -> None:
    """``app.url_for`` builds the same URLs as ``url_for`` inside a request."""
    with driver.request_context(url_app):
        for endpoint, values in [("index", {}), ("item", {"n": 2, "q": "x"})]:
            assert url_app.url_for(endpoint, **values) == impl.url_for(endpoint, **values)


@pytest.mark.spec("urls.app-url-for.no-context")
def test_app_url_for_without_context(url_app: Any) -> None:
    """``app.url_for`` needs no context at all when ``SERVER_NAME`` is set."""
    url_app.config["SERVER_NAME"] = "srv.test"
    assert url_app.url_for("item", n=5) == "http://srv.test/item/5"


@pytest.mark.spec("urls.app-url-for.no-context-no-server-name")
def test_app_url_for_without_context_or_server_name(url_app: Any) -> None:
    """Without a request or ``SERVER_NAME``, ``app.url_for`` raises the same ``RuntimeError``."""
    with pytest.raises(RuntimeError) as caught:
        url_app.url_for("index")
    assert str(caught.value).startswith(OUTSIDE_REQUEST_MESSAGE)


# --- defaults ------------------------------------------------------------------------


@pytest.mark.spec("urls.defaults.shortest-rule")
def test_url_for_prefers_defaulting_rule(app: Any, impl: Any, driver: Any) -> None:
    """A value equal to a rule's default builds that rule's URL; other values build the other."""
    app.add_url_rule("/page/", "page", nothing, defaults={"n": 1})
    app.add_url_rule("/page/<int:n>", "page", nothing)
    with driver.request_context(app):
        assert impl.url_for("page") == "/page/"
        assert impl.url_for("page", n=1) == "/page/"
        assert impl.url_for("page", n=2) == "/page/2"


@pytest.mark.spec("urls.defaults.mismatch")
def test_url_for_value_contradicting_default(app: Any, impl: Any, driver: Any) -> None:
    """A value contradicting the only rule's default for that name raises ``BuildError``."""
    app.add_url_rule("/x", "x", nothing, defaults={"mode": "full"})
    with driver.request_context(app):
        assert impl.url_for("x", mode="full") == "/x"
        with pytest.raises(BuildError) as caught:
            impl.url_for("x", mode="short")
    assert (caught.value.endpoint, caught.value.values) == ("x", {"mode": "short"})


# --- build errors --------------------------------------------------------------------


@pytest.mark.spec("urls.build-error.unknown-endpoint")
def test_build_error_unknown_endpoint(url_app: Any, impl: Any, driver: Any) -> None:
    """An unknown endpoint raises ``werkzeug.routing.BuildError`` carrying endpoint and values."""
    with driver.request_context(url_app), pytest.raises(BuildError) as caught:
        impl.url_for("nope", a=1)
    assert caught.value.endpoint == "nope"
    assert caught.value.values == {"a": 1}
    assert "nope" in str(caught.value)


@pytest.mark.spec("urls.build-error.missing-value")
def test_build_error_missing_value(url_app: Any, impl: Any, driver: Any) -> None:
    """A missing rule variable raises ``BuildError`` whose message names the variable."""
    with driver.request_context(url_app), pytest.raises(BuildError) as caught:
        impl.url_for("item")
    assert "'n'" in str(caught.value)


@pytest.mark.spec("urls.build-error.bad-value")
def test_build_error_unconvertible_value(url_app: Any, impl: Any, driver: Any) -> None:
    """A value the converter cannot format (``n="abc"`` for ``int``) raises ``ValueError``."""
    with driver.request_context(url_app), pytest.raises(ValueError, match=re.escape("'abc'")):
        impl.url_for("item", n="abc")


@pytest.mark.spec("urls.build-error.any-value")
def test_build_error_any_value(app: Any, impl: Any, driver: Any) -> None:
    """A value outside an ``any`` converter's items raises ``ValueError`` listing the items."""
    app.add_url_rule("/<any(one, two):w>", "word", nothing)
    with driver.request_context(app), pytest.raises(ValueError, match="'one', 'two'"):
        impl.url_for("word", w="three")


# --- url_build_error_handlers --------------------------------------------------------


@pytest.mark.spec("urls.build-error-handler.returns-url")
def test_build_error_handler_url_is_used(url_app: Any, impl: Any, driver: Any) -> None:
    """A URL that a handler in ``app.url_build_error_handlers`` returns is what url_for returns."""

    def external(error: BuildError, endpoint: str, values: dict[str, Any]) -> str:
        return f"https://elsewhere.test/{endpoint}/{values['p']}"

    url_app.url_build_error_handlers.append(external)
    with driver.request_context(url_app):
        assert impl.url_for("docs", p="intro") == "https://elsewhere.test/docs/intro"


@pytest.mark.spec("urls.build-error-handler.arguments")
def test_build_error_handler_arguments(url_app: Any, impl: Any, driver: Any) -> None:
    """A build error handler receives the ``BuildError``, the endpoint and the given values."""
    seen: list[tuple[Any, str, dict[str, Any]]] = []

    def record(error: BuildError, endpoint: str, values: dict[str, Any]) -> str:
        seen.append((error, endpoint, dict(values)))
        return "/recorded"

    url_app.url_build_error_handlers.append(record)
    with driver.request_context(url_app):
        impl.url_for("missing", a=1, b="x")
    [(error, endpoint, values)] = seen
    assert isinstance(error, BuildError)
    assert endpoint == "missing"
    assert {"a": 1, "b": "x"}.items() <= values.items()


@pytest.mark.spec("urls.build-error-handler.url-for-options")
def test_build_error_handler_sees_url_for_options(url_app: Any, impl: Any, driver: Any) -> None:
    """The values a build error handler receives also hold ``url_for``'s own options,
    ``_anchor``, ``_method``, ``_scheme`` and ``_external``, as ``url_for`` resolved them."""
    seen: list[dict[str, Any]] = []

    def record(error: BuildError, endpoint: str, values: dict[str, Any]) -> str:
        seen.append(dict(values))
        return "/recorded"

    url_app.url_build_error_handlers.append(record)
    with driver.request_context(url_app):
        impl.url_for("missing", _anchor="top", a=1)
        impl.url_for("missing", _scheme="https", _external=True, _method="POST")
    assert seen == [
        {"a": 1, "_anchor": "top", "_method": None, "_scheme": None, "_external": False},
        {"_anchor": None, "_method": "POST", "_scheme": "https", "_external": True},
    ]


@pytest.mark.spec("urls.build-error-handler.reraise")
def test_build_error_handler_reraising(url_app: Any, impl: Any, driver: Any) -> None:
    """A handler re-raising the error makes ``url_for`` raise that ``BuildError``."""

    def reraise(error: BuildError, endpoint: str, values: dict[str, Any]) -> str:
        raise error

    url_app.url_build_error_handlers.append(reraise)
    with driver.request_context(url_app), pytest.raises(BuildError) as caught:
        impl.url_for("missing")
    assert caught.value.endpoint == "missing"


@pytest.mark.spec("urls.build-error-handler.none-continues")
def test_build_error_handler_none_tries_next(url_app: Any, impl: Any, driver: Any) -> None:
    """A handler returning ``None`` passes the error on to the next handler."""
    url_app.url_build_error_handlers.append(lambda error, endpoint, values: None)
    url_app.url_build_error_handlers.append(lambda error, endpoint, values: "/second")
    with driver.request_context(url_app):
        assert impl.url_for("missing") == "/second"


@pytest.mark.spec("urls.build-error-handler.build-error-continues")
def test_build_error_handler_raising_build_error_tries_next(
    url_app: Any, impl: Any, driver: Any
) -> None:
    """A handler raising a ``BuildError`` passes on to the next handler."""

    def refuse(error: BuildError, endpoint: str, values: dict[str, Any]) -> str:
        raise BuildError(endpoint, values, None)

    url_app.url_build_error_handlers.append(refuse)
    url_app.url_build_error_handlers.append(lambda error, endpoint, values: "/second")
    with driver.request_context(url_app):
        assert impl.url_for("missing") == "/second"


@pytest.mark.spec("urls.build-error-handler.all-decline")
def test_build_error_handlers_all_decline(url_app: Any, impl: Any, driver: Any) -> None:
    """When every handler returns ``None``, ``url_for`` raises the original ``BuildError``."""
    url_app.url_build_error_handlers.append(lambda error, endpoint, values: None)
    with driver.request_context(url_app), pytest.raises(BuildError) as caught:
        impl.url_for("missing")
    assert caught.value.endpoint == "missing"


@pytest.mark.spec("urls.build-error-handler.other-exception")
def test_build_error_handler_other_exception_propagates(
    url_app: Any, impl: Any, driver: Any
) -> None:
    """An exception other than ``BuildError`` raised by a handler propagates from ``url_for``."""

    def broken(error: BuildError, endpoint: str, values: dict[str, Any]) -> str:
        raise KeyError("handler failed")

    url_app.url_build_error_handlers.append(broken)
    with driver.request_context(url_app), pytest.raises(KeyError, match="handler failed"):
        impl.url_for("missing")


@pytest.mark.spec("urls.handle-url-build-error.reraises")
def test_handle_url_build_error_reraises_same_error(url_app: Any) -> None:
    """With no handlers, ``app.handle_url_build_error`` re-raises the very error it was given."""
    error = BuildError("missing", {}, None)
    with pytest.raises(BuildError) as caught:
        url_app.handle_url_build_error(error, "missing", {})
    assert caught.value is error


@pytest.mark.spec("urls.handle-url-build-error.override")
def test_handle_url_build_error_override(impl: Any, driver: Any) -> None:
    """``url_for`` hands build failures to ``app.handle_url_build_error`` (overridable)."""

    class Application(impl.Flask):
        def handle_url_build_error(
            self, error: BuildError, endpoint: str, values: dict[str, Any]
        ) -> str:
            return f"/handled/{endpoint}"

    app = Application("conformance_app")
    with driver.request_context(app):
        assert impl.url_for("missing") == "/handled/missing"


# --- url_defaults --------------------------------------------------------------------


@pytest.fixture
def lang_app(app: Any, impl: Any) -> Any:
    """An app whose ``/<lang>/page`` URLs get ``lang`` from ``g`` through URL processors."""

    @app.url_defaults
    def add_language(endpoint: str, values: dict[str, Any]) -> None:
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = getattr(impl.g, "lang", "en")

    @app.url_value_preprocessor
    def pull_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
        impl.g.lang = values.pop("lang", None) if values else None

    @app.route("/<lang>/page")
    def page() -> str:
        return f"{impl.g.lang} {impl.url_for('page')}"

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    return app


@pytest.mark.spec("urls.url-defaults.fills-value")
def test_url_defaults_fill_missing_values(lang_app: Any, impl: Any, driver: Any) -> None:
    """A ``url_defaults`` function adds values to every ``url_for`` call before building."""
    with driver.request_context(lang_app):
        assert impl.url_for("page") == "/en/page"
        assert impl.url_for("page", lang="fr") == "/fr/page"


@pytest.mark.spec("urls.url-defaults.round-trip")
def test_url_processors_round_trip(lang_app: Any, driver: Any) -> None:
    """A preprocessor pops a value into ``g``; the defaults function puts it back in URLs."""
    assert driver.client(lang_app).get("/de/page").text == "de /de/page"


@pytest.mark.spec("urls.url-defaults.arguments")
def test_url_defaults_arguments(app: Any, impl: Any, driver: Any) -> None:
    """A ``url_defaults`` function receives the endpoint and the (mutable) values dict."""
    seen: list[tuple[str, dict[str, Any]]] = []

    @app.url_defaults
    def record(endpoint: str, values: dict[str, Any]) -> None:
        seen.append((endpoint, dict(values)))

    app.add_url_rule("/item/<int:n>", "item", nothing)
    with driver.request_context(app):
        impl.url_for("item", n=1, q="x")
    assert seen == [("item", {"n": 1, "q": "x"})]


@pytest.mark.spec("urls.url-defaults.unused-become-query")
def test_url_defaults_unused_values_become_query(app: Any, impl: Any, driver: Any) -> None:
    """Values a defaults function adds that the rule does not use become query arguments."""

    @app.url_defaults
    def add_tracking(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("ref", "home")

    app.add_url_rule("/x", "x", nothing)
    with driver.request_context(app):
        assert impl.url_for("x") == "/x?ref=home"


@pytest.mark.spec("urls.url-defaults.order")
def test_url_defaults_run_in_registration_order(app: Any, impl: Any, driver: Any) -> None:
    """Several ``url_defaults`` functions run in the order they were registered."""
    order: list[str] = []
    app.url_defaults(lambda endpoint, values: order.append("first"))
    app.url_defaults(lambda endpoint, values: order.append("second"))
    app.add_url_rule("/x", "x", nothing)
    with driver.request_context(app):
        impl.url_for("x")
    assert order == ["first", "second"]


@pytest.mark.spec("urls.url-defaults.app-url-for")
def test_url_defaults_apply_to_app_url_for(lang_app: Any, driver: Any) -> None:
    """``url_defaults`` functions also apply to ``app.url_for``."""
    with driver.request_context(lang_app):
        assert lang_app.url_for("page") == "/en/page"


@pytest.mark.spec("urls.url-defaults.decorator-returns-function")
def test_url_defaults_decorator_returns_function(app: Any) -> None:
    """``@app.url_defaults`` and ``@app.url_value_preprocessor`` return the function."""

    def processor(endpoint: str | None, values: dict[str, Any] | None) -> None:
        return None

    assert app.url_defaults(processor) is processor
    assert app.url_value_preprocessor(processor) is processor


# --- url_value_preprocessor ----------------------------------------------------------


@pytest.mark.spec("urls.url-value-preprocessor.arguments")
def test_url_value_preprocessor_arguments(app: Any, driver: Any) -> None:
    """A preprocessor receives the matched endpoint and the view arguments."""
    seen: list[tuple[Any, Any]] = []

    @app.url_value_preprocessor
    def record(endpoint: str | None, values: dict[str, Any] | None) -> None:
        seen.append((endpoint, dict(values) if values is not None else None))

    app.add_url_rule("/item/<int:n>", "item", nothing)
    driver.client(app).get("/item/4")
    assert seen == [("item", {"n": 4})]


@pytest.mark.spec("urls.url-value-preprocessor.pops-value")
def test_url_value_preprocessor_changes_view_arguments(app: Any, driver: Any) -> None:
    """Changes a preprocessor makes to the values dict change what the view receives."""

    @app.url_value_preprocessor
    def transform(endpoint: str | None, values: dict[str, Any] | None) -> None:
        assert values is not None
        values.pop("lang")
        values["n"] = values["n"] * 10

    @app.route("/<lang>/<int:n>")
    def view(**kwargs: Any) -> str:
        return repr(sorted(kwargs.items()))

    assert driver.client(app).get("/en/3").text == "[('n', 30)]"


@pytest.mark.spec("urls.url-value-preprocessor.before-before-request")
def test_url_value_preprocessor_runs_before_before_request(app: Any, driver: Any) -> None:
    """Preprocessors run before ``before_request`` functions, which run before the view."""
    order: list[str] = []
    app.before_request(lambda: order.append("before_request"))
    app.url_value_preprocessor(lambda endpoint, values: order.append("preprocessor"))

    def view() -> str:
        order.append("view")
        return "ok"

    app.add_url_rule("/x", "x", view)
    driver.client(app).get("/x")
    assert order == ["preprocessor", "before_request", "view"]


@pytest.mark.spec("urls.url-value-preprocessor.no-variables")
def test_url_value_preprocessor_without_variables(app: Any, driver: Any) -> None:
    """For a rule without variables, a preprocessor receives an empty dict."""
    seen: list[Any] = []
    app.url_value_preprocessor(lambda endpoint, values: seen.append((endpoint, values)))
    app.add_url_rule("/x", "x", nothing)
    driver.client(app).get("/x")
    assert seen == [("x", {})]


@pytest.mark.spec("urls.url-value-preprocessor.unmatched")
def test_url_value_preprocessor_for_unmatched_request(app: Any, driver: Any) -> None:
    """For a request no rule matches, preprocessors still run, with ``None, None`` (Flask)."""
    seen: list[Any] = []
    app.url_value_preprocessor(lambda endpoint, values: seen.append((endpoint, values)))
    assert driver.client(app).get("/missing").status_code == 404
    assert seen == [(None, None)]


# --- static --------------------------------------------------------------------------


@pytest.mark.spec("urls.static.default")
def test_url_for_static(app: Any, impl: Any, driver: Any) -> None:
    """``url_for("static", filename=...)`` builds ``/static/<filename>``, path-quoted."""
    with driver.request_context(app):
        assert impl.url_for("static", filename="css/site main.css") == "/static/css/site%20main.css"


@pytest.mark.spec("urls.static.query")
def test_url_for_static_extra_values(app: Any, impl: Any, driver: Any) -> None:
    """Extra values for the static endpoint become query arguments (cache busting)."""
    with driver.request_context(app):
        assert impl.url_for("static", filename="app.js", v=3) == "/static/app.js?v=3"


@pytest.mark.spec("urls.static.url-path")
def test_url_for_static_custom_url_path(
    make_app: Callable[..., Any], impl: Any, driver: Any
) -> None:
    """``static_url_path`` changes the static endpoint's URL prefix."""
    app = make_app(static_url_path="/assets")
    with driver.request_context(app):
        assert impl.url_for("static", filename="a.css") == "/assets/a.css"


@pytest.mark.spec("urls.static.no-folder")
def test_url_for_static_without_static_folder(
    make_app: Callable[..., Any], impl: Any, driver: Any
) -> None:
    """With ``static_folder=None`` there is no static endpoint: building it is a ``BuildError``."""
    app = make_app(static_folder=None)
    with driver.request_context(app), pytest.raises(BuildError) as caught:
        impl.url_for("static", filename="a.css")
    assert caught.value.endpoint == "static"


# --- subdomains and hosts ------------------------------------------------------------


@pytest.mark.spec("urls.subdomain.external")
def test_url_for_subdomain_rule(make_app: Callable[..., Any], impl: Any, driver: Any) -> None:
    """Building a rule on another subdomain gives an absolute URL on that subdomain."""
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "index", nothing)
    app.add_url_rule("/", "api", nothing, subdomain="api")
    app.add_url_rule("/home", "user", nothing, subdomain="<user>")
    with driver.request_context(app):
        assert impl.url_for("index") == "/"
        assert impl.url_for("api") == "http://api.example.test/"
        assert impl.url_for("user", user="ada") == "http://ada.example.test/home"


@pytest.mark.spec("urls.host.external")
def test_url_for_host_rule(make_app: Callable[..., Any], impl: Any, driver: Any) -> None:
    """With ``host_matching``, a rule on another host builds an absolute URL on that host."""
    app = make_app(host_matching=True, static_host="static.test")
    app.add_url_rule("/", "a", nothing, host="a.test")
    app.add_url_rule("/", "b", nothing, host="b.test")
    with driver.request_context(app, "http://a.test/"):
        assert impl.url_for("a") == "/"
        assert impl.url_for("b") == "http://b.test/"
        assert impl.url_for("static", filename="x.css") == "http://static.test/static/x.css"


@pytest.mark.spec("urls.url-for.self-keyword")
def test_url_for_self_keyword_is_a_query_argument(url_app: Any, impl: Any, driver: Any) -> None:
    """A ``self`` keyword is an ordinary value: ``url_for`` puts it in the query string."""
    with driver.request_context(url_app):
        assert impl.url_for("item", n=1, self="me") == "/item/1?self=me"
        assert url_app.url_for("index", self="x") == "/?self=x"


# --- create_url_adapter --------------------------------------------------------------


@pytest.mark.spec("urls.create-url-adapter.request")
def test_create_url_adapter_binds_to_the_request(url_app: Any, impl: Any, driver: Any) -> None:
    """``app.create_url_adapter(request)`` returns an adapter bound to that request: it
    matches the request's path and builds absolute URLs on its host."""
    with driver.request_context(url_app, "/item/3", base_url="http://example.test/"):
        adapter = url_app.create_url_adapter(impl.request._get_current_object())
        assert adapter.match() == ("item", {"n": 3})
        assert adapter.build("user", {"name": "ada"}, force_external=True) == (
            "http://example.test/user/ada"
        )


@pytest.mark.spec("urls.create-url-adapter.override")
def test_overridden_create_url_adapter_routes_requests(impl: Any, driver: Any) -> None:
    """An app class overriding ``create_url_adapter`` is asked for each request's adapter."""
    asked: list[str] = []

    class RecordingApp(impl.Flask):
        def create_url_adapter(self, request: Any) -> Any:
            if request is not None:
                asked.append(request.path)
            return super().create_url_adapter(request)

    app = RecordingApp("recording_app")
    app.add_url_rule("/here", "here", lambda: "here")
    assert driver.client(app).get("/here").data == b"here"
    assert "/here" in asked
