"""Application and request contexts, and the proxies bound to them.

Tests that deliberately leave the context stack in a broken state run their body in a
copy of the current ``contextvars`` context so that nothing leaks into later tests.
"""

from __future__ import annotations

import contextvars
import re
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from werkzeug.exceptions import NotFound

T = TypeVar("T")

APP_CONTEXT_ERROR = "Working outside of application context."
REQUEST_CONTEXT_ERROR = "Working outside of request context."
NO_APP_CONTEXT = r"app(lication)? context"
"""What any product's error says when an application context is missing (not its wording)."""
NO_REQUEST_CONTEXT = r"request( nor websocket)? context"
"""What any product's error says when a request context is missing (not its wording)."""


def isolated(body: Callable[[], T]) -> T:
    """Run ``body`` in a copy of the current context variables and return its result."""
    return contextvars.copy_context().run(body)


def in_thread(body: Callable[[], T]) -> T:
    """Run ``body`` in a new thread, re-raising its exception, and return its result."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = body()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# -- the application context ---------------------------------------------------------------


@pytest.mark.spec("context.app-context.with")
def test_app_context_with_block(impl: Any, app: Any, driver: Any) -> None:
    """Inside with app.app_context() current_app is the app; afterwards no app context is active."""
    assert not impl.has_app_context()
    with driver.app_context(app):
        assert impl.has_app_context()
        assert impl.current_app._get_current_object() is app
    assert not impl.has_app_context()


@pytest.mark.spec("context.app-context.enter-returns-context")
def test_app_context_enter_returns_context(impl: Any, app: Any, driver: Any) -> None:
    """Entering an app context returns the AppContext, whose app and g are the active ones."""
    with driver.app_context(app) as ctx:
        assert isinstance(ctx, impl.ctx.AppContext)
        assert ctx.app is app
        assert ctx.g is impl.g._get_current_object()


@pytest.mark.spec("context.app-context.new-per-call")
def test_app_context_new_each_call(app: Any) -> None:
    """Each call to app.app_context() creates a new AppContext with its own g."""
    first = app.app_context()
    second = app.app_context()
    assert first is not second
    assert first.g is not second.g


@pytest.mark.spec("context.app-context.push-pop")
@pytest.mark.needs("sync-contexts")
def test_app_context_push_pop(impl: Any, app: Any) -> None:
    """AppContext.push() activates the context and pop() deactivates it."""
    ctx = app.app_context()
    ctx.push()
    try:
        assert impl.current_app._get_current_object() is app
    finally:
        ctx.pop()
    assert not impl.has_app_context()


@pytest.mark.spec("context.app-context.no-request")
def test_app_context_has_no_request(impl: Any, app: Any, driver: Any) -> None:
    """An app context alone provides current_app and g but no request context."""
    with driver.app_context(app):
        assert not impl.has_request_context()
        with pytest.raises(RuntimeError, match=NO_REQUEST_CONTEXT):
            impl.request.path


@pytest.mark.spec("context.app-context.nested-same-app")
def test_nested_app_contexts_same_app(impl: Any, app: Any, driver: Any) -> None:
    """A nested app context of the same app has a fresh g, and popping it restores the outer g."""
    with driver.app_context(app):
        impl.g.level = "outer"
        with driver.app_context(app):
            assert impl.current_app._get_current_object() is app
            assert "level" not in impl.g
            impl.g.level = "inner"
        assert impl.g.level == "outer"


@pytest.mark.spec("context.app-context.nested-two-apps")
def test_nested_app_contexts_two_apps(impl: Any, app: Any, make_app: Any, driver: Any) -> None:
    """Pushing another app's context makes it current_app until it is popped."""
    other = make_app("other_app")
    with driver.app_context(app):
        with driver.app_context(other):
            assert impl.current_app._get_current_object() is other
            assert impl.current_app.name == "other_app"
        assert impl.current_app._get_current_object() is app


@pytest.mark.spec("context.app-context.same-object-twice")
@pytest.mark.needs("sync-contexts")
def test_same_app_context_pushed_twice(impl: Any, app: Any) -> None:
    """The same AppContext object can be pushed twice and stays active until popped twice."""
    ctx = app.app_context()
    ctx.push()
    ctx.push()
    ctx.pop()
    try:
        assert impl.has_app_context()
        assert impl.g._get_current_object() is ctx.g
    finally:
        ctx.pop()
    assert not impl.has_app_context()


@pytest.mark.spec("context.app-context.new-attributes")
def test_app_context_accepts_new_attributes(app: Any, driver: Any) -> None:
    """The application context object accepts and keeps attributes it does not define,
    as the request context does (extensions may keep per-context state there)."""
    with driver.app_context(app) as ctx:
        ctx.extension_state = {"locale": "de"}
        assert ctx.extension_state == {"locale": "de"}


@pytest.mark.spec("context.app-context.weak-reference")
def test_app_context_weak_reference(app: Any, driver: Any) -> None:
    """The application context object can be weakly referenced (extensions may key their
    per-context state by it in a WeakKeyDictionary)."""
    state: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
    with driver.app_context(app) as ctx:
        state[ctx] = "kept"
        assert weakref.ref(ctx)() is ctx
        assert state[ctx] == "kept"


@pytest.mark.spec("context.app-context.pop-wrong")
@pytest.mark.needs("sync-contexts")
def test_popping_wrong_app_context(app: Any) -> None:
    """Popping an app context that is not the top one raises AssertionError naming the mistake."""

    def body() -> None:
        outer = app.app_context()
        inner = app.app_context()
        outer.push()
        inner.push()
        with pytest.raises(AssertionError, match="Popped wrong app context"):
            outer.pop()

    isolated(body)


@pytest.mark.spec("context.app-context.thread-local")
def test_app_context_is_not_shared_with_other_threads(impl: Any, app: Any, driver: Any) -> None:
    """An app context pushed in one thread is not active in another thread."""
    with driver.app_context(app):
        assert in_thread(impl.has_app_context) is False
        with pytest.raises(RuntimeError, match=NO_APP_CONTEXT):
            in_thread(lambda: impl.current_app.name)


# -- the request context -------------------------------------------------------------------


@pytest.mark.spec("context.request-context.pushes-both")
def test_test_request_context_pushes_both(impl: Any, app: Any, driver: Any) -> None:
    """app.test_request_context() activates a request context and an app context for the app."""
    with driver.request_context(app):
        assert impl.has_request_context()
        assert impl.has_app_context()
        assert impl.current_app._get_current_object() is app
    assert not impl.has_request_context()
    assert not impl.has_app_context()


@pytest.mark.spec("context.request-context.enter-returns-context")
def test_request_context_enter_returns_context(impl: Any, app: Any, driver: Any) -> None:
    """Entering a request context returns the RequestContext with its app, request and session."""
    with driver.request_context(app) as ctx:
        assert isinstance(ctx, impl.ctx.RequestContext)
        assert ctx.app is app
        assert ctx.request is impl.request._get_current_object()
        assert ctx.session is impl.session._get_current_object()


@pytest.mark.spec("context.request-context.push-pop")
@pytest.mark.needs("sync-contexts")
def test_request_context_push_pop(impl: Any, app: Any) -> None:
    """RequestContext.push() activates request and app contexts; pop() removes both."""
    ctx = app.test_request_context("/manual")
    ctx.push()
    try:
        assert impl.request.path == "/manual"
        assert impl.has_app_context()
    finally:
        ctx.pop()
    assert not impl.has_request_context()
    assert not impl.has_app_context()


@pytest.mark.spec("context.request-context.defaults")
def test_test_request_context_defaults(impl: Any, app: Any, driver: Any) -> None:
    """Without arguments test_request_context builds a GET request for http://localhost/."""
    with driver.request_context(app):
        assert impl.request.method == "GET"
        assert impl.request.path == "/"
        assert impl.request.url == "http://localhost/"


@pytest.mark.spec("context.request-context.path-and-query")
def test_test_request_context_path_and_query(impl: Any, app: Any, driver: Any) -> None:
    """The path argument sets the request path, and a query string in it becomes request.args."""
    with driver.request_context(app, "/search?q=flask&page=2"):
        assert impl.request.path == "/search"
        assert impl.request.args["q"] == "flask"
        assert impl.request.args["page"] == "2"


@pytest.mark.spec("context.request-context.method-and-data")
def test_test_request_context_method_and_form(impl: Any, app: Any, driver: Any) -> None:
    """method= and data= build a request with that method and form body."""
    with driver.request_context(app, "/submit", method="POST", data={"name": "ada"}):
        assert impl.request.method == "POST"
        assert driver.resolve(impl.request.form)["name"] == "ada"


@pytest.mark.spec("context.request-context.json")
def test_test_request_context_json(impl: Any, app: Any, driver: Any) -> None:
    """json= builds a request with a JSON body that request.json parses."""
    with driver.request_context(app, "/api", method="POST", json={"x": [1, 2]}):
        assert impl.request.is_json
        assert driver.resolve(impl.request.json) == {"x": [1, 2]}


@pytest.mark.spec("context.request-context.headers")
def test_test_request_context_headers(impl: Any, app: Any, driver: Any) -> None:
    """headers= sets request headers."""
    with driver.request_context(app, headers={"X-Token": "abc"}):
        assert impl.request.headers["X-Token"] == "abc"


@pytest.mark.spec("context.request-context.base-url")
def test_test_request_context_base_url(impl: Any, app: Any, driver: Any) -> None:
    """base_url= sets the scheme, host and script root the request path is relative to."""
    with driver.request_context(app, "/page", base_url="https://example.com/root"):
        assert impl.request.url == "https://example.com/root/page"
        assert impl.request.scheme == "https"
        assert impl.request.host == "example.com"
        assert impl.request.script_root == "/root"
        assert impl.request.path == "/page"


@pytest.mark.spec("context.request-context.matches-url")
def test_request_context_matches_url(impl: Any, app: Any, driver: Any) -> None:
    """Pushing a request context matches its URL: endpoint, view_args and url_rule are set."""

    @app.route("/user/<int:user_id>")
    def user(user_id: int) -> str:
        return str(user_id)

    with driver.request_context(app, "/user/7"):
        assert impl.request.endpoint == "user"
        assert impl.request.view_args == {"user_id": 7}
        assert impl.request.url_rule.rule == "/user/<int:user_id>"
        assert impl.request.routing_exception is None


@pytest.mark.spec("context.request-context.routing-exception")
def test_request_context_stores_routing_exception(impl: Any, app: Any, driver: Any) -> None:
    """An unmatched URL is stored in request.routing_exception instead of raising on push."""
    with driver.request_context(app, "/no-such-page"):
        assert isinstance(impl.request.routing_exception, NotFound)
        assert impl.request.endpoint is None
        assert impl.request.view_args is None


@pytest.mark.spec("context.request-context.session-opened")
def test_request_context_opens_session(impl: Any, app: Any, driver: Any) -> None:
    """The session is opened when the request context is pushed and written through the proxy."""
    with driver.request_context(app) as ctx:
        impl.session["user"] = "ada"
        assert ctx.session["user"] == "ada"
        assert ctx.session.modified


@pytest.mark.spec("context.request-context.reuses-app-context")
def test_request_context_reuses_active_app_context(impl: Any, app: Any, driver: Any) -> None:
    """A request context pushed while the same app's context is active reuses it (same g)."""
    with driver.app_context(app) as app_ctx:
        impl.g.marker = "kept"
        with driver.request_context(app):
            assert impl.g._get_current_object() is app_ctx.g
            assert impl.g.marker == "kept"
        assert impl.has_app_context()


@pytest.mark.spec("context.request-context.pushes-own-app-context")
def test_request_context_pushes_app_context_for_other_app(
    impl: Any, app: Any, make_app: Any, driver: Any
) -> None:
    """A request context pushes its own app context when another app's is active."""
    other = make_app("other_app")
    with driver.app_context(other):
        impl.g.marker = "other"
        with driver.request_context(app):
            assert impl.current_app._get_current_object() is app
            assert "marker" not in impl.g
        assert impl.current_app._get_current_object() is other
        assert impl.g.marker == "other"


@pytest.mark.needs("wsgi")
@pytest.mark.spec("context.request-context.releases-environ")
def test_finished_request_releases_the_environ(impl: Any, app: Any, client: Any) -> None:
    """Once a request is finished its WSGI environ no longer refers to the request object."""
    environs: list[dict[str, Any]] = []

    @app.route("/keep")
    def keep() -> str:
        environs.append(impl.request.environ)
        assert environs[0]["werkzeug.request"] is impl.request._get_current_object()
        return "kept"

    assert client.get("/keep").data == b"kept"
    assert environs[0]["werkzeug.request"] is None


@pytest.mark.spec("context.request-context.nested")
def test_nested_request_contexts(impl: Any, app: Any, driver: Any) -> None:
    """A nested request context shadows the outer request until it is popped."""
    with driver.request_context(app, "/outer"):
        with driver.request_context(app, "/inner"):
            assert impl.request.path == "/inner"
        assert impl.request.path == "/outer"


@pytest.mark.spec("context.request-context.same-object-twice")
@pytest.mark.needs("sync-contexts")
def test_same_request_context_pushed_twice(impl: Any, app: Any) -> None:
    """The same RequestContext object can be pushed twice and stays active until popped twice."""
    ctx = app.test_request_context("/twice")
    ctx.push()
    ctx.push()
    ctx.pop()
    try:
        assert impl.request.path == "/twice"
    finally:
        ctx.pop()
    assert not impl.has_request_context()
    assert not impl.has_app_context()


@pytest.mark.spec("context.request-context.pop-wrong")
@pytest.mark.needs("sync-contexts")
def test_popping_wrong_request_context(app: Any) -> None:
    """Popping a request context that is not on top raises AssertionError naming the mistake."""

    def body() -> None:
        outer = app.test_request_context("/outer")
        inner = app.test_request_context("/inner")
        outer.push()
        inner.push()
        with pytest.raises(AssertionError, match="Popped wrong request context"):
            outer.pop()

    isolated(body)


@pytest.mark.spec("context.request-context.copy")
def test_request_context_copy(app: Any, driver: Any) -> None:
    """RequestContext.copy() returns a new context for the same request and session."""
    with driver.request_context(app, "/copied") as ctx:
        duplicate = ctx.copy()
        assert duplicate is not ctx
        assert duplicate.request is ctx.request
        assert duplicate.session is ctx.session


@pytest.mark.spec("context.request-context.new-attributes")
def test_request_context_accepts_new_attributes(app: Any, driver: Any) -> None:
    """The request context object accepts and keeps attributes it does not define
    (Flask-Limiter keeps its per-request state there)."""
    with driver.request_context(app, "/") as ctx:
        ctx.extension_state = {"limits": []}
        assert ctx.extension_state == {"limits": []}


@pytest.mark.spec("context.request-context.weak-reference")
def test_request_context_weak_reference(app: Any, driver: Any) -> None:
    """The request context object can be weakly referenced (extensions may key their
    per-request state by it in a WeakKeyDictionary)."""
    state: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
    with driver.request_context(app, "/") as ctx:
        state[ctx] = "kept"
        assert weakref.ref(ctx)() is ctx
        assert state[ctx] == "kept"


@pytest.mark.spec("context.request-context.during-request")
def test_contexts_active_in_view(impl: Any, app: Any, client: Any) -> None:
    """During a real request the view sees both contexts, with request describing that request."""
    seen: dict[str, Any] = {}

    @app.route("/view")
    def view() -> str:
        seen["app"] = impl.current_app._get_current_object()
        seen["request"] = impl.has_request_context()
        seen["path"] = impl.request.path
        return "ok"

    client.get("/view")
    assert seen == {"app": app, "request": True, "path": "/view"}
    assert not impl.has_request_context()


# -- the proxies ---------------------------------------------------------------------------


@pytest.mark.spec("context.proxies.current-app")
def test_current_app_proxy(impl: Any, app: Any, driver: Any) -> None:
    """current_app forwards to the app, and _get_current_object() returns the app itself."""
    app.config["MARKER"] = "value"
    with driver.app_context(app):
        assert impl.current_app.config["MARKER"] == "value"
        assert impl.current_app.name == app.name
        assert impl.current_app is not app
        assert impl.current_app._get_current_object() is app
        assert isinstance(impl.current_app._get_current_object(), impl.Flask)


@pytest.mark.spec("context.proxies.request")
def test_request_proxy(impl: Any, app: Any, driver: Any) -> None:
    """request._get_current_object() returns the context's Request instance."""
    with driver.request_context(app, "/r") as ctx:
        current = impl.request._get_current_object()
        assert current is ctx.request
        assert isinstance(current, impl.Request)
        assert impl.request is not current


@pytest.mark.spec("context.proxies.session")
def test_session_proxy(impl: Any, app: Any, driver: Any) -> None:
    """session._get_current_object() returns the context's session object."""
    with driver.request_context(app) as ctx:
        assert impl.session._get_current_object() is ctx.session
        assert impl.session is not ctx.session


@pytest.mark.spec("context.proxies.g")
def test_g_proxy(impl: Any, app: Any, driver: Any) -> None:
    """g._get_current_object() returns the app context's app_ctx_globals_class instance."""
    with driver.app_context(app) as ctx:
        current = impl.g._get_current_object()
        assert current is ctx.g
        assert isinstance(current, app.app_ctx_globals_class)


@pytest.mark.spec("context.has-app-context")
def test_has_app_context(impl: Any, app: Any, driver: Any) -> None:
    """has_app_context() is True only while an app context is active."""
    assert impl.has_app_context() is False
    with driver.app_context(app):
        assert impl.has_app_context() is True
    assert impl.has_app_context() is False


@pytest.mark.spec("context.has-request-context")
def test_has_request_context(impl: Any, app: Any, driver: Any) -> None:
    """has_request_context() is True only while a request context is active."""
    assert impl.has_request_context() is False
    with driver.request_context(app):
        assert impl.has_request_context() is True
    assert impl.has_request_context() is False


# -- using proxies outside their context ---------------------------------------------------


@pytest.mark.spec("context.outside.current-app")
def test_current_app_outside_context(impl: Any) -> None:
    """current_app outside an app context raises RuntimeError pointing at app.app_context()."""
    with pytest.raises(RuntimeError, match=APP_CONTEXT_ERROR) as info:
        impl.current_app.name
    assert "app.app_context()" in str(info.value)


@pytest.mark.spec("context.outside.g")
def test_g_outside_context(impl: Any) -> None:
    """g outside an app context raises RuntimeError (working outside of application context)."""
    with pytest.raises(RuntimeError, match=NO_APP_CONTEXT):
        impl.g.value = 1


@pytest.mark.spec("context.outside.request")
def test_request_outside_context(impl: Any) -> None:
    """request outside a request context raises RuntimeError saying an HTTP request is needed."""
    with pytest.raises(RuntimeError, match=REQUEST_CONTEXT_ERROR) as info:
        impl.request.args
    assert "an active HTTP request" in str(info.value)


@pytest.mark.spec("context.outside.session")
def test_session_outside_context(impl: Any) -> None:
    """session outside a request context raises RuntimeError (outside of request context)."""
    with pytest.raises(RuntimeError, match=NO_REQUEST_CONTEXT):
        impl.session.get("user")


@pytest.mark.spec("context.outside.after-this-request")
def test_after_this_request_outside_request(impl: Any, app: Any, driver: Any) -> None:
    """after_this_request without a request context raises RuntimeError."""
    with driver.app_context(app), pytest.raises(RuntimeError, match="request context"):
        impl.after_this_request(lambda response: response)


@pytest.mark.spec("context.outside.copy-current-request-context")
def test_copy_current_request_context_outside_request(impl: Any) -> None:
    """copy_current_request_context without a request context raises RuntimeError."""
    with pytest.raises(RuntimeError, match="request context"):
        impl.copy_current_request_context(lambda: None)


# -- copy_current_request_context ----------------------------------------------------------


@pytest.mark.needs("threads-copy-context")
@pytest.mark.spec("context.copy-current-request-context.thread")
def test_copy_current_request_context_in_thread(impl: Any, app: Any, client: Any) -> None:
    """A copy_current_request_context function sees request, session and app in a thread."""
    seen: dict[str, Any] = {}

    @app.route("/work")
    def work() -> str:
        impl.session["user"] = "ada"

        @impl.copy_current_request_context
        def background() -> None:
            seen["path"] = impl.request.path
            seen["arg"] = impl.request.args["job"]
            seen["user"] = impl.session["user"]
            seen["app"] = impl.current_app._get_current_object()

        in_thread(background)
        return "ok"

    assert client.get("/work?job=7").status_code == 200
    assert seen == {"path": "/work", "arg": "7", "user": "ada", "app": app}


@pytest.mark.needs("threads-copy-context")
@pytest.mark.spec("context.copy-current-request-context.fresh-g")
def test_copy_current_request_context_gets_fresh_g(impl: Any, app: Any, client: Any) -> None:
    """A copied request context run in another thread gets a fresh g.

    Pushing the copy in a thread with no app context pushes a new app context, so values the request
    stored on g are not visible (observed Flask 3.1 behaviour).
    """
    seen: dict[str, Any] = {}

    @app.route("/work")
    def work() -> str:
        impl.g.job = "stored"

        @impl.copy_current_request_context
        def background() -> None:
            seen["has_job"] = "job" in impl.g

        in_thread(background)
        return "ok"

    client.get("/work")
    assert seen == {"has_job": False}


@pytest.mark.needs("threads-copy-context")
@pytest.mark.spec("context.copy-current-request-context.wraps")
def test_copy_current_request_context_preserves_metadata(impl: Any, app: Any, driver: Any) -> None:
    """copy_current_request_context keeps the function's metadata, arguments and result."""

    def task(value: int) -> int:
        """Double a value."""
        return value * 2

    with driver.request_context(app):
        wrapped = impl.copy_current_request_context(task)
    assert wrapped.__name__ == "task"
    assert wrapped.__doc__ == "Double a value."
    assert in_thread(lambda: wrapped(21)) == 42


@pytest.mark.needs("threads-copy-context")
@pytest.mark.spec("context.copy-current-request-context.keyword-arguments")
def test_copy_current_request_context_passes_keyword_arguments(
    impl: Any, app: Any, driver: Any
) -> None:
    """A copy_current_request_context function receives its positional and keyword arguments."""

    def task(first: str, *, second: str) -> str:
        return first + second + impl.request.path

    with driver.request_context(app, "/here"):
        wrapped = impl.copy_current_request_context(task)
    assert in_thread(lambda: wrapped("a", second="b")) == "ab/here"


@pytest.mark.spec("context.copy-current-request-context.outside-request")
def test_copy_current_request_context_outside_a_request(impl: Any, app: Any, driver: Any) -> None:
    """Outside a request, copy_current_request_context raises a RuntimeError naming itself."""
    with driver.app_context(app), pytest.raises(RuntimeError, match="copy_current_request_context"):
        impl.copy_current_request_context(lambda: None)


@pytest.mark.spec("context.request-only-helpers.messages")
def test_request_only_helpers_outside_a_request_messages(impl: Any) -> None:
    """``after_this_request`` and ``copy_current_request_context`` outside a request raise
    ``RuntimeError`` with Flask's message, word for word."""
    for helper in ("after_this_request", "copy_current_request_context"):
        with pytest.raises(RuntimeError) as info:
            getattr(impl, helper)(lambda *args: None)
        assert str(info.value) == (
            f"'{helper}' can only be used when a request context is active, such as in a"
            " view function."
        )


@pytest.mark.spec("context.request-context.repr")
def test_request_context_repr(app: Any, driver: Any) -> None:
    """``repr`` of a request context names its class, URL, method and app."""
    with driver.request_context(app, "/p?q=1") as ctx:
        assert repr(ctx) == f"<{type(ctx).__name__} 'http://localhost/p?q=1' [GET] of {app.name}>"


@pytest.mark.spec("context.g.repr-outside-context")
def test_g_object_repr_outside_its_context(impl: Any) -> None:
    """Outside any application context, a ``g`` object's ``repr`` is the default one."""
    namespace = impl.ctx._AppCtxGlobals()
    assert repr(namespace).startswith(f"<{type(namespace).__module__}._AppCtxGlobals object at ")


# -- g -------------------------------------------------------------------------------------


@pytest.mark.spec("context.g.attributes")
def test_g_attributes(impl: Any, app: Any, driver: Any) -> None:
    """g stores attributes; del removes one and a missing one raises AttributeError."""
    with driver.app_context(app):
        impl.g.user = "ada"
        assert impl.g.user == "ada"
        del impl.g.user
        with pytest.raises(AttributeError, match="user"):
            impl.g.user


@pytest.mark.spec("context.g.delete-missing")
def test_g_delete_missing_names_it(impl: Any, app: Any, driver: Any) -> None:
    """Deleting an attribute that g does not have raises AttributeError naming it."""
    with driver.app_context(app), pytest.raises(AttributeError) as info:
        del impl.g.never_set
    assert info.value.args == ("never_set",)


@pytest.mark.spec("context.g.get")
def test_g_get(impl: Any, app: Any, driver: Any) -> None:
    """g.get(name, default=None) returns the attribute or the default."""
    with driver.app_context(app):
        impl.g.user = "ada"
        assert impl.g.get("user") == "ada"
        assert impl.g.get("missing") is None
        assert impl.g.get("missing", "fallback") == "fallback"


@pytest.mark.spec("context.g.pop")
def test_g_pop(impl: Any, app: Any, driver: Any) -> None:
    """g.pop(name) removes and returns the attribute; with a default it never raises."""
    with driver.app_context(app):
        impl.g.user = "ada"
        assert impl.g.pop("user") == "ada"
        assert "user" not in impl.g
        assert impl.g.pop("user", "gone") == "gone"


@pytest.mark.spec("context.g.pop-missing")
def test_g_pop_missing_raises_key_error(impl: Any, app: Any, driver: Any) -> None:
    """g.pop(name) without a default raises KeyError for a missing attribute."""
    with driver.app_context(app), pytest.raises(KeyError) as info:
        impl.g.pop("missing")
    assert info.value.args == ("missing",)


@pytest.mark.spec("context.g.setdefault")
def test_g_setdefault(impl: Any, app: Any, driver: Any) -> None:
    """g.setdefault(name, default) sets a missing attribute and returns the current value."""
    with driver.app_context(app):
        assert impl.g.setdefault("count", 1) == 1
        assert impl.g.setdefault("count", 2) == 1
        assert impl.g.count == 1
        assert impl.g.setdefault("empty") is None
        assert "empty" in impl.g


@pytest.mark.spec("context.g.contains")
def test_g_contains(impl: Any, app: Any, driver: Any) -> None:
    """The in operator tests whether g has an attribute."""
    with driver.app_context(app):
        assert "user" not in impl.g
        impl.g.user = "ada"
        assert "user" in impl.g


@pytest.mark.spec("context.g.iter")
def test_g_iteration(impl: Any, app: Any, driver: Any) -> None:
    """Iterating over g yields the names of its attributes."""
    with driver.app_context(app):
        impl.g.first = 1
        impl.g.second = 2
        assert sorted(impl.g) == ["first", "second"]


@pytest.mark.spec("context.g.repr")
def test_g_repr(impl: Any, app: Any, driver: Any) -> None:
    """repr(g) names g, after the package that defines it, and the application, like
    "<flask.g of 'name'>" in Flask (a package re-exporting another one shows that one's name)."""
    with driver.app_context(app):
        assert re.fullmatch(rf"<[A-Za-z_][\w.]*\.g of {re.escape(repr(app.name))}>", repr(impl.g))


@pytest.mark.spec("context.g.per-request")
def test_g_fresh_per_request(impl: Any, app: Any, client: Any) -> None:
    """Each request gets a new g, so values do not carry over between requests."""

    @app.route("/count")
    def count() -> str:
        impl.g.hits = impl.g.get("hits", 0) + 1
        return str(impl.g.hits)

    assert client.get("/count").data == b"1"
    assert client.get("/count").data == b"1"


@pytest.mark.spec("context.g.custom-class")
def test_custom_app_ctx_globals_class(impl: Any, app: Any, driver: Any) -> None:
    """app.app_ctx_globals_class is the class g is instantiated from for each app context."""

    class Globals(app.app_ctx_globals_class):
        """A g with a default attribute."""

        preset = "from class"

    app.app_ctx_globals_class = Globals
    with driver.app_context(app):
        assert isinstance(impl.g._get_current_object(), Globals)
        assert impl.g.preset == "from class"


@pytest.mark.spec("context.g.default-class")
def test_g_default_class(impl: Any, driver: Any, app: Any) -> None:
    """By default g is an instance of ctx._AppCtxGlobals, the app's app_ctx_globals_class."""
    with driver.app_context(app):
        globals_type = type(impl.g._get_current_object())
    assert globals_type is app.app_ctx_globals_class
    assert globals_type is impl.ctx._AppCtxGlobals
