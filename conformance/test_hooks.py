"""Request hooks: before_request, after_request, teardown_request, teardown_appcontext,
after_this_request, url_value_preprocessor and url_defaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


class Boom(Exception):
    """An exception no error handler is registered for."""


def add_index(app: Any, body: str = "view") -> None:
    """Register a view at ``/`` returning ``body``."""
    app.add_url_rule("/", "index", lambda: body)


def passthrough(action: Callable[[Any], object]) -> Callable[[Any], Any]:
    """Return an after-request callback that calls ``action(response)`` and returns the response."""

    def callback(response: Any) -> Any:
        action(response)
        return response

    return callback


# -- before_request ------------------------------------------------------------------------


@pytest.mark.spec("hooks.before-request.order")
def test_before_request_registration_order(app: Any, client: Any) -> None:
    """before_request functions run in the order they were registered, before the view."""
    calls: list[str] = []
    app.before_request(lambda: calls.append("first"))
    app.before_request(lambda: calls.append("second"))

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return "ok"

    client.get("/")
    assert calls == ["first", "second", "view"]


@pytest.mark.spec("hooks.before-request.short-circuit")
def test_before_request_return_value_short_circuits(app: Any, client: Any) -> None:
    """A before_request return value skips later before_request functions and the view."""
    calls: list[str] = []

    @app.before_request
    def first() -> str:
        calls.append("first")
        return "from before_request"

    @app.before_request
    def second() -> None:
        calls.append("second")

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return "view"

    response = client.get("/")
    assert response.data == b"from before_request"
    assert calls == ["first"]


@pytest.mark.spec("hooks.before-request.short-circuit-tuple")
def test_before_request_return_value_converted(app: Any, client: Any) -> None:
    """A before_request return value is converted like a view's, e.g. a (body, status) tuple."""
    app.before_request(lambda: ("denied", 403))
    add_index(app)
    response = client.get("/")
    assert response.status_code == 403
    assert response.data == b"denied"


@pytest.mark.spec("hooks.before-request.short-circuit-after-request")
def test_short_circuit_response_goes_through_after_request(app: Any, client: Any) -> None:
    """A response produced by before_request still goes through the after_request functions."""
    app.before_request(lambda: "early")

    @app.after_request
    def tag(response: Any) -> Any:
        response.headers["X-After"] = "yes"
        return response

    add_index(app)
    response = client.get("/")
    assert response.data == b"early"
    assert response.headers["X-After"] == "yes"


@pytest.mark.spec("hooks.before-request.none-continues")
def test_before_request_returning_none_continues(app: Any, client: Any) -> None:
    """A before_request function returning None lets the request continue to the view."""
    app.before_request(lambda: None)
    add_index(app, "reached")
    assert client.get("/").data == b"reached"


@pytest.mark.spec("hooks.before-request.sees-endpoint")
def test_before_request_sees_endpoint_and_view_args(impl: Any, app: Any, client: Any) -> None:
    """In before_request the URL is matched: request.endpoint, view_args and url_rule are set."""
    seen: list[Any] = []

    @app.before_request
    def inspect() -> None:
        seen.append((impl.request.endpoint, impl.request.view_args, impl.request.url_rule.rule))

    @app.route("/item/<int:item_id>")
    def item(item_id: int) -> str:
        return str(item_id)

    client.get("/item/5")
    assert seen == [("item", {"item_id": 5}, "/item/<int:item_id>")]


@pytest.mark.spec("hooks.before-request.runs-on-404")
def test_before_request_runs_for_unmatched_url(impl: Any, app: Any, client: Any) -> None:
    """before_request also runs for an unmatched URL, with endpoint and view_args None.

    The routing 404 is raised after the before_request functions (Flask behaviour).
    """
    seen: list[Any] = []

    @app.before_request
    def inspect() -> None:
        seen.append((impl.request.endpoint, impl.request.view_args))

    add_index(app)
    assert client.get("/missing").status_code == 404
    assert seen == [(None, None)]


@pytest.mark.spec("hooks.before-request.abort")
def test_before_request_abort(impl: Any, app: Any, client: Any) -> None:
    """An HTTP exception raised in before_request skips the view and becomes the response."""
    calls: list[str] = []

    @app.before_request
    def guard() -> None:
        impl.abort(401)

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return "view"

    assert client.get("/").status_code == 401
    assert calls == []


@pytest.mark.spec("hooks.before-request.shares-g")
def test_before_request_sets_g_for_view(impl: Any, app: Any, client: Any) -> None:
    """Values a before_request function stores on g are visible to the view."""

    @app.before_request
    def load_user() -> None:
        impl.g.user = "ada"

    @app.route("/")
    def index() -> str:
        return str(impl.g.user)

    assert client.get("/").data == b"ada"


# -- after_request -------------------------------------------------------------------------


@pytest.mark.spec("hooks.after-request.reverse-order")
def test_after_request_reverse_order(app: Any, client: Any) -> None:
    """after_request functions run in reverse registration order."""
    calls: list[str] = []

    @app.after_request
    def first(response: Any) -> Any:
        calls.append("first")
        return response

    @app.after_request
    def second(response: Any) -> Any:
        calls.append("second")
        return response

    add_index(app)
    client.get("/")
    assert calls == ["second", "first"]


@pytest.mark.spec("hooks.after-request.modify-headers")
def test_after_request_modifies_response(app: Any, client: Any) -> None:
    """An after_request function can change the response's headers and status."""

    @app.after_request
    def tag(response: Any) -> Any:
        response.headers["X-Frame-Options"] = "DENY"
        response.status_code = 202
        return response

    add_index(app)
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.status_code == 202


@pytest.mark.spec("hooks.after-request.replace-response")
def test_after_request_replaces_response(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """The response an after_request function returns replaces the one it was given."""
    received: list[bytes] = []

    @app.after_request
    def outer(response: Any) -> Any:
        received.append(driver.resolve(response.get_data()))
        return response

    @app.after_request
    def inner(response: Any) -> Any:
        return driver.resolve(impl.make_response("replaced", 201))

    add_index(app, "original")
    response = client.get("/")
    assert (response.status_code, response.data) == (201, b"replaced")
    assert received == [b"replaced"]


@pytest.mark.spec("hooks.after-request.must-return-response")
def test_after_request_returning_none_fails(app: Any, client: Any) -> None:
    """An after_request function must return a response; returning None raises TypeError."""
    app.after_request(lambda response: None)
    add_index(app)
    # Flask's TypeError comes from calling the None it got back ("'NoneType' object is not
    # callable"): no message is part of the rule, only that the request fails with TypeError.
    with pytest.raises(TypeError):
        client.get("/")


@pytest.mark.spec("hooks.after-request.error-response")
def test_after_request_runs_for_http_error(app: Any, client: Any) -> None:
    """after_request functions also run for HTTP error responses such as a routing 404."""
    statuses: list[int] = []

    @app.after_request
    def record(response: Any) -> Any:
        statuses.append(response.status_code)
        return response

    add_index(app)
    client.get("/missing")
    assert statuses == [404]


@pytest.mark.spec("hooks.after-request.unhandled-500")
def test_after_request_runs_for_500(app: Any, client: Any) -> None:
    """after_request functions also run on the 500 response of an unpropagated exception.

    Flask finalizes the 500 response like any other; the description says after_request runs only
    when there was no unhandled exception.
    """
    app.config["PROPAGATE_EXCEPTIONS"] = False
    statuses: list[int] = []

    @app.after_request
    def record(response: Any) -> Any:
        statuses.append(response.status_code)
        return response

    @app.route("/")
    def index() -> str:
        raise Boom()

    assert client.get("/").status_code == 500
    assert statuses == [500]


@pytest.mark.spec("hooks.after-request.skipped-when-propagating")
def test_after_request_skipped_when_exception_propagates(app: Any, client: Any) -> None:
    """When an unhandled exception propagates (TESTING), after_request functions do not run."""
    calls: list[str] = []

    @app.after_request
    def record(response: Any) -> Any:
        calls.append("after")
        return response

    error = Boom()

    @app.route("/")
    def index() -> str:
        raise error

    with pytest.raises(Boom) as info:
        client.get("/")
    assert info.value is error
    assert calls == []


# -- teardown_request ----------------------------------------------------------------------


@pytest.mark.spec("hooks.teardown-request.reverse-order")
def test_teardown_request_reverse_order(app: Any, client: Any) -> None:
    """teardown_request functions run in reverse registration order."""
    calls: list[str] = []
    app.teardown_request(lambda exc: calls.append("first"))
    app.teardown_request(lambda exc: calls.append("second"))
    add_index(app)
    client.get("/")
    assert calls == ["second", "first"]


@pytest.mark.spec("hooks.teardown-request.none-on-success")
def test_teardown_request_receives_none(app: Any, client: Any) -> None:
    """After a successful request teardown_request functions receive None."""
    received: list[Any] = []
    app.teardown_request(received.append)
    add_index(app)
    client.get("/")
    assert received == [None]


@pytest.mark.spec("hooks.teardown-request.receives-exception")
def test_teardown_request_receives_unhandled_exception(app: Any, client: Any) -> None:
    """teardown_request receives the unhandled exception even when it became a 500."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    received: list[Any] = []
    app.teardown_request(received.append)
    error = Boom("view failed")

    @app.route("/")
    def index() -> str:
        raise error

    assert client.get("/").status_code == 500
    assert received == [error]


@pytest.mark.spec("hooks.teardown-request.should-ignore-error")
def test_should_ignore_error_hides_the_error_from_teardown(impl: Any, driver: Any) -> None:
    """An app class whose ``should_ignore_error`` returns True for an error gets None, not
    that error, in its teardown functions; other errors still reach them."""

    class Ignoring(impl.Flask):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            return isinstance(error, KeyError)

    app = Ignoring("ignoring_app")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen: list[Any] = []
    app.teardown_request(lambda exc: seen.append(type(exc).__name__ if exc else None))
    missing: dict[str, str] = {}
    app.add_url_rule("/ignored", "ignored", lambda: missing["key"])
    app.add_url_rule("/kept", "kept", lambda: 1 / 0)
    client = driver.client(app)
    assert [client.get("/ignored").status_code, client.get("/kept").status_code] == [500, 500]
    assert seen == [None, "ZeroDivisionError"]


@pytest.mark.spec("hooks.teardown-request.runs-when-propagating")
def test_teardown_request_runs_when_exception_propagates(app: Any, client: Any) -> None:
    """teardown_request runs with the exception before a propagating exception leaves the app."""
    received: list[Any] = []
    app.teardown_request(received.append)

    error = Boom()

    @app.route("/")
    def index() -> str:
        raise error

    with pytest.raises(Boom) as info:
        client.get("/")
    assert info.value is error
    assert received == [error]


@pytest.mark.spec("hooks.teardown-request.handled-exception")
def test_teardown_request_after_handled_exception(app: Any, client: Any) -> None:
    """When an error handler handles the exception, teardown_request functions receive None."""
    received: list[Any] = []
    app.teardown_request(received.append)
    app.register_error_handler(Boom, lambda error: ("handled", 400))

    @app.route("/")
    def index() -> str:
        raise Boom()

    assert client.get("/").status_code == 400
    assert received == [None]


@pytest.mark.spec("hooks.teardown-request.return-ignored")
def test_teardown_request_return_value_ignored(app: Any, client: Any) -> None:
    """The return value of a teardown_request function is ignored."""
    app.teardown_request(lambda exc: "ignored")
    add_index(app, "body")
    response = client.get("/")
    assert (response.status_code, response.data) == (200, b"body")


@pytest.mark.spec("hooks.teardown-request.test-request-context")
def test_teardown_request_on_test_request_context(app: Any, driver: Any) -> None:
    """teardown_request functions run when a test request context is popped."""
    received: list[Any] = []
    app.teardown_request(received.append)
    with driver.request_context(app):
        assert received == []
    assert received == [None]


@pytest.mark.spec("hooks.teardown-request.raises")
def test_teardown_request_exception_propagates(impl: Any, app: Any, client: Any) -> None:
    """An exception in teardown_request propagates, and the app context is still torn down."""
    appcontext_teardowns: list[Any] = []

    @app.teardown_request
    def failing(exc: BaseException | None) -> None:
        raise Boom("in teardown")

    app.teardown_appcontext(appcontext_teardowns.append)
    add_index(app)
    with pytest.raises(Boom, match="in teardown"):
        client.get("/")
    assert len(appcontext_teardowns) == 1
    assert not impl.has_request_context()
    assert not impl.has_app_context()


# -- teardown_appcontext -------------------------------------------------------------------


@pytest.mark.spec("hooks.teardown-appcontext.reverse-order")
def test_teardown_appcontext_reverse_order(app: Any, driver: Any) -> None:
    """teardown_appcontext functions run in reverse registration order."""
    calls: list[str] = []
    app.teardown_appcontext(lambda exc: calls.append("first"))
    app.teardown_appcontext(lambda exc: calls.append("second"))
    with driver.app_context(app):
        pass
    assert calls == ["second", "first"]


@pytest.mark.spec("hooks.teardown-appcontext.none-on-success")
def test_teardown_appcontext_receives_none(app: Any, client: Any) -> None:
    """After a successful request teardown_appcontext functions receive None."""
    received: list[Any] = []
    app.teardown_appcontext(received.append)
    add_index(app)
    client.get("/")
    assert received == [None]


@pytest.mark.spec("hooks.teardown-appcontext.receives-exception")
def test_teardown_appcontext_receives_unhandled_exception(app: Any, client: Any) -> None:
    """teardown_appcontext functions receive the request's unhandled exception."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    received: list[Any] = []
    app.teardown_appcontext(received.append)
    error = Boom("view failed")

    @app.route("/")
    def index() -> str:
        raise error

    client.get("/")
    assert received == [error]


@pytest.mark.spec("hooks.teardown-appcontext.after-teardown-request")
def test_teardown_appcontext_after_teardown_request(app: Any, client: Any) -> None:
    """During a request all teardown_request functions run before teardown_appcontext ones."""
    calls: list[str] = []
    app.teardown_appcontext(lambda exc: calls.append("appcontext"))
    app.teardown_request(lambda exc: calls.append("request"))
    add_index(app)
    client.get("/")
    assert calls == ["request", "appcontext"]


@pytest.mark.spec("hooks.teardown-appcontext.app-context-only")
def test_teardown_appcontext_on_plain_app_context(app: Any, driver: Any) -> None:
    """Popping a plain app context runs teardown_appcontext but not teardown_request."""
    calls: list[str] = []
    app.teardown_request(lambda exc: calls.append("request"))
    app.teardown_appcontext(lambda exc: calls.append("appcontext"))
    with driver.app_context(app):
        pass
    assert calls == ["appcontext"]


@pytest.mark.spec("hooks.teardown-appcontext.with-block-exception")
def test_teardown_appcontext_receives_with_block_exception(app: Any, driver: Any) -> None:
    """An exception leaving a with app.app_context() block is passed to teardown_appcontext."""
    received: list[Any] = []
    app.teardown_appcontext(received.append)
    error = Boom("in block")
    with pytest.raises(Boom) as info, driver.app_context(app):
        raise error
    assert info.value is error
    assert received == [error]


@pytest.mark.spec("hooks.teardown-appcontext.pop-argument")
@pytest.mark.needs("sync-contexts")
def test_teardown_appcontext_receives_pop_argument(app: Any) -> None:
    """AppContext.pop(exc) passes exc to the teardown_appcontext functions."""
    received: list[Any] = []
    app.teardown_appcontext(received.append)
    error = Boom("explicit")
    ctx = app.app_context()
    ctx.push()
    ctx.pop(error)
    assert received == [error]


@pytest.mark.spec("hooks.teardown-appcontext.pop-default")
@pytest.mark.needs("sync-contexts")
def test_teardown_appcontext_pop_without_argument(app: Any) -> None:
    """``AppContext.pop()`` without an argument passes the exception being handled, if
    any, else None, to the ``teardown_appcontext`` functions."""
    received: list[Any] = []
    app.teardown_appcontext(received.append)
    error = Boom("being handled")
    ctx = app.app_context()
    ctx.push()
    ctx.pop()
    ctx.push()
    try:
        raise error
    except Boom:
        ctx.pop()
    assert received == [None, error]


# -- after_this_request --------------------------------------------------------------------


@pytest.mark.spec("hooks.after-this-request.before-after-request")
def test_after_this_request_runs_before_after_request(impl: Any, app: Any, client: Any) -> None:
    """after_this_request callbacks run before the app's after_request functions."""
    calls: list[str] = []

    @app.after_request
    def after(response: Any) -> Any:
        calls.append("after_request")
        return response

    @app.route("/")
    def index() -> str:
        @impl.after_this_request
        def deferred(response: Any) -> Any:
            calls.append("after_this_request")
            return response

        return "ok"

    client.get("/")
    assert calls == ["after_this_request", "after_request"]


@pytest.mark.spec("hooks.after-this-request.outside-request")
def test_after_this_request_outside_a_request(impl: Any, app: Any, driver: Any) -> None:
    """Outside a request, after_this_request raises a RuntimeError naming itself."""
    with driver.app_context(app), pytest.raises(RuntimeError, match="after_this_request"):
        impl.after_this_request(lambda response: response)


@pytest.mark.spec("hooks.after-this-request.modify-response")
def test_after_this_request_modifies_response(impl: Any, app: Any, client: Any) -> None:
    """An after_this_request callback receives the response and can set headers and cookies."""

    @app.route("/")
    def index() -> str:
        @impl.after_this_request
        def remember(response: Any) -> Any:
            response.set_cookie("seen", "1")
            response.headers["X-Deferred"] = "yes"
            return response

        return "ok"

    response = client.get("/")
    assert response.headers["X-Deferred"] == "yes"
    assert "seen=1" in response.headers["Set-Cookie"]


@pytest.mark.spec("hooks.after-this-request.multiple")
def test_multiple_after_this_request_in_registration_order(
    impl: Any, app: Any, client: Any
) -> None:
    """Several after_this_request callbacks run in the order they were registered."""
    calls: list[str] = []

    @app.route("/")
    def index() -> str:
        impl.after_this_request(passthrough(lambda response: calls.append("first")))
        impl.after_this_request(passthrough(lambda response: calls.append("second")))
        return "ok"

    client.get("/")
    assert calls == ["first", "second"]


@pytest.mark.spec("hooks.after-this-request.from-before-request")
def test_after_this_request_from_before_request(impl: Any, app: Any, client: Any) -> None:
    """after_this_request can be used in a before_request function."""

    @app.before_request
    def schedule() -> None:
        @impl.after_this_request
        def tag(response: Any) -> Any:
            response.headers["X-From-Before"] = "yes"
            return response

    add_index(app)
    assert client.get("/").headers["X-From-Before"] == "yes"


@pytest.mark.spec("hooks.after-this-request.returns-function")
def test_after_this_request_returns_function(impl: Any, app: Any, driver: Any) -> None:
    """after_this_request returns the function it registers, so it works as a decorator."""

    def callback(response: Any) -> Any:
        return response

    with driver.request_context(app):
        assert impl.after_this_request(callback) is callback


@pytest.mark.spec("hooks.after-this-request.per-request")
def test_after_this_request_only_for_current_request(impl: Any, app: Any, client: Any) -> None:
    """A callback registered with after_this_request runs for the current request only."""
    calls: list[str] = []

    @app.route("/register")
    def register() -> str:
        impl.after_this_request(passthrough(lambda response: calls.append("ran")))
        return "registered"

    add_index(app)
    client.get("/register")
    client.get("/")
    assert calls == ["ran"]


@pytest.mark.spec("hooks.after-this-request.unhandled-500")
def test_after_this_request_runs_for_500(impl: Any, app: Any, client: Any) -> None:
    """after_this_request callbacks still run on the 500 response of an unpropagated exception."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    statuses: list[int] = []

    @app.route("/")
    def index() -> str:
        impl.after_this_request(passthrough(lambda response: statuses.append(response.status_code)))
        raise Boom()

    assert client.get("/").status_code == 500
    assert statuses == [500]


# -- URL processors ------------------------------------------------------------------------


@pytest.mark.spec("hooks.url-value-preprocessor.pop-values")
def test_url_value_preprocessor_pops_values(impl: Any, app: Any, client: Any) -> None:
    """A url_value_preprocessor can remove values from view_args before the view is called."""

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values is not None:
            impl.g.lang = values.pop("lang")

    @app.route("/<lang>/about")
    def about() -> str:
        return f"about in {impl.g.lang}"

    assert client.get("/de/about").data == b"about in de"


@pytest.mark.spec("hooks.url-value-preprocessor.arguments")
def test_url_value_preprocessor_arguments(app: Any, client: Any) -> None:
    """url_value_preprocessor gets the endpoint and view_args, both None for an unmatched URL."""
    seen: list[Any] = []
    app.url_value_preprocessor(lambda endpoint, values: seen.append((endpoint, values)))

    @app.route("/page/<int:number>")
    def page(number: int) -> str:
        return str(number)

    client.get("/page/3")
    client.get("/missing")
    assert seen == [("page", {"number": 3}), (None, None)]


@pytest.mark.spec("hooks.url-value-preprocessor.before-before-request")
def test_url_value_preprocessor_runs_before_before_request(app: Any, client: Any) -> None:
    """url_value_preprocessor functions run before the before_request functions."""
    calls: list[str] = []
    app.before_request(lambda: calls.append("before_request"))
    app.url_value_preprocessor(lambda endpoint, values: calls.append("url_value_preprocessor"))
    add_index(app)
    client.get("/")
    assert calls == ["url_value_preprocessor", "before_request"]


@pytest.mark.spec("hooks.url-defaults.fill-values")
def test_url_defaults_fill_missing_values(impl: Any, app: Any, driver: Any) -> None:
    """url_defaults can fill in values missing from url_for; explicit values are kept."""

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", "en")

    @app.route("/<lang>/about")
    def about(lang: str) -> str:
        return lang

    with driver.request_context(app):
        assert impl.url_for("about") == "/en/about"
        assert impl.url_for("about", lang="fr") == "/fr/about"


@pytest.mark.spec("hooks.url-defaults.arguments")
def test_url_defaults_arguments(impl: Any, app: Any, driver: Any) -> None:
    """A url_defaults function receives the endpoint and the dict of values passed to url_for."""
    seen: list[Any] = []
    app.url_defaults(lambda endpoint, values: seen.append((endpoint, dict(values))))

    @app.route("/item/<int:item_id>")
    def item(item_id: int) -> str:
        return str(item_id)

    with driver.request_context(app):
        impl.url_for("item", item_id=4)
    assert seen == [("item", {"item_id": 4})]


# -- registration --------------------------------------------------------------------------


HOOK_DECORATORS = [
    "before_request",
    "after_request",
    "teardown_request",
    "teardown_appcontext",
    "url_value_preprocessor",
    "url_defaults",
]


@pytest.mark.spec("hooks.registration.returns-function")
@pytest.mark.parametrize("decorator", HOOK_DECORATORS)
def test_hook_decorator_returns_function(app: Any, decorator: str) -> None:
    """Each hook decorator returns the function it registers, unchanged."""

    def hook(*args: Any) -> None:
        return None

    assert getattr(app, decorator)(hook) is hook


@pytest.mark.spec("hooks.registration.app-attributes")
@pytest.mark.parametrize(
    ("decorator", "attribute"),
    [
        ("before_request", "before_request_funcs"),
        ("after_request", "after_request_funcs"),
        ("teardown_request", "teardown_request_funcs"),
        ("url_value_preprocessor", "url_value_preprocessors"),
        ("url_defaults", "url_default_functions"),
    ],
)
def test_hooks_stored_under_none_key(app: Any, decorator: str, attribute: str) -> None:
    """App-level hooks are stored in the app's hook mappings under the key None."""

    def hook(*args: Any) -> None:
        return None

    getattr(app, decorator)(hook)
    assert getattr(app, attribute)[None] == [hook]


@pytest.mark.spec("hooks.registration.teardown-appcontext-list")
def test_teardown_appcontext_funcs_list(app: Any) -> None:
    """teardown_appcontext functions are stored in the list app.teardown_appcontext_funcs."""

    def hook(exc: BaseException | None) -> None:
        return None

    app.teardown_appcontext(hook)
    assert app.teardown_appcontext_funcs == [hook]


@pytest.mark.spec("hooks.registration.after-first-request")
def test_registering_hook_after_first_request_fails(app: Any, client: Any) -> None:
    """Registering a hook after the first request raises AssertionError."""
    add_index(app)
    client.get("/")
    with pytest.raises(AssertionError, match="can no longer be called"):
        app.before_request(lambda: None)
