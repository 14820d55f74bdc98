"""Spec area ``extensions``: the extension pattern (an object with ``init_app`` that keeps
per-app state in ``app.extensions``), the application-factory pattern, resource cleanup
with ``g`` and ``teardown_appcontext``, and shell context processors.

Where the feature description is silent, the tests pin what Flask 3.1 does:

* ``app.extensions`` is an empty ``dict`` on a new app.
* ``make_shell_context()`` starts from ``{"app": app, "g": g}`` (``g`` the proxy) and
  applies the shell context processors in registration order, so a later one wins and
  any of them may replace ``app`` or ``g``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


class Counter:
    """A minimal extension: counts the requests of each app it was initialised on.

    ``init_app`` stores ``{"prefix": app.config["COUNTER_PREFIX"], "count": 0}`` in
    ``app.extensions["counter"]`` and registers a ``before_request`` hook that counts.
    """

    def __init__(self, impl: Any, app: Any = None) -> None:
        self.impl = impl
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Any) -> None:
        """Bind the extension to ``app``: default its config, store state, add a hook."""
        app.config.setdefault("COUNTER_PREFIX", "count")
        app.extensions["counter"] = {"prefix": app.config["COUNTER_PREFIX"], "count": 0}
        app.before_request(self._count)

    def _count(self) -> None:
        self.state["count"] += 1

    @property
    def state(self) -> dict[str, Any]:
        """The state of the current application (needs an application context)."""
        state: dict[str, Any] = self.impl.current_app.extensions["counter"]
        return state

    def describe(self) -> str:
        """Return ``"<prefix>=<count>"`` for the current application."""
        return f"{self.state['prefix']}={self.state['count']}"


@pytest.fixture
def create_app(impl: Any, make_app: Any) -> Callable[..., Any]:
    """Return an application factory that initialises a shared ``Counter`` extension.

    ``create_app(prefix)`` builds a new app with ``COUNTER_PREFIX=prefix`` and a ``/``
    view answering ``counter.describe()``; the factory's ``counter`` attribute is the
    one extension object every app shares.
    """
    counter = Counter(impl)

    def factory(prefix: str = "count") -> Any:
        app = make_app()
        app.config["COUNTER_PREFIX"] = prefix
        counter.init_app(app)
        app.add_url_rule("/", "index", counter.describe)
        return app

    factory.counter = counter  # type: ignore[attr-defined]
    return factory


@pytest.mark.spec("extensions.registry.dict")
def test_extensions_is_empty_dict(app: Any) -> None:
    """``app.extensions`` is a dict, empty on a new application."""
    assert type(app.extensions) is dict
    assert app.extensions == {}


@pytest.mark.spec("extensions.registry.per-app")
def test_extensions_dict_per_app(make_app: Any) -> None:
    """Each application has its own ``extensions`` dict."""
    first, second = make_app(), make_app()
    first.extensions["thing"] = 1
    assert first.extensions == {"thing": 1}
    assert second.extensions == {}


@pytest.mark.spec("extensions.init-app.stores-state")
def test_init_app_stores_state(impl: Any, app: Any) -> None:
    """``init_app(app)`` stores the extension's state under its name in ``app.extensions``."""
    Counter(impl).init_app(app)
    assert app.extensions["counter"] == {"prefix": "count", "count": 0}


@pytest.mark.spec("extensions.init-app.constructor")
def test_extension_constructed_with_app(impl: Any, app: Any) -> None:
    """Passing the app to the constructor initialises the extension at once."""
    Counter(impl, app)
    assert "counter" in app.extensions


@pytest.mark.spec("extensions.current-app")
def test_extension_state_through_current_app(create_app: Callable[..., Any], driver: Any) -> None:
    """A view reaches the extension's state through ``current_app``; its hook runs per request."""
    client = driver.client(create_app("hits"))
    assert client.get("/").data == b"hits=1"
    assert client.get("/").data == b"hits=2"


@pytest.mark.spec("extensions.factory.independent-apps")
def test_factory_creates_independent_apps(create_app: Callable[..., Any], driver: Any) -> None:
    """Two apps from one factory share the extension object but not its state."""
    first, second = create_app("first"), create_app("second")
    assert first is not second
    assert first.extensions["counter"] is not second.extensions["counter"]
    first_client, second_client = driver.client(first), driver.client(second)
    assert first_client.get("/").data == b"first=1"
    assert first_client.get("/").data == b"first=2"
    assert second_client.get("/").data == b"second=1"


@pytest.mark.spec("extensions.factory.shared-object")
def test_shared_extension_follows_active_app(create_app: Callable[..., Any], driver: Any) -> None:
    """The shared extension object answers for whichever app's context is active."""
    first, second = create_app("first"), create_app("second")
    counter = create_app.counter  # type: ignore[attr-defined]
    with driver.app_context(first):
        assert counter.describe() == "first=0"
        with driver.app_context(second):
            assert counter.describe() == "second=0"
        assert counter.describe() == "first=0"


@pytest.mark.spec("extensions.no-app-context")
def test_extension_outside_app_context(create_app: Callable[..., Any]) -> None:
    """Using the extension's ``current_app``-based state outside a context raises RuntimeError."""
    create_app()
    with pytest.raises(RuntimeError, match=r"app(lication)? context"):
        create_app.counter.describe()  # type: ignore[attr-defined]


@pytest.mark.spec("extensions.init-app.config-default")
def test_init_app_config_default(create_app: Callable[..., Any], impl: Any, app: Any) -> None:
    """``init_app`` can default config keys with ``setdefault`` without overriding the app's."""
    Counter(impl).init_app(app)
    assert app.config["COUNTER_PREFIX"] == "count"
    configured = create_app("mine")
    assert configured.config["COUNTER_PREFIX"] == "mine"


# --- resource cleanup with g and teardown_appcontext -----------------------------------


class Connection:
    """A stand-in for a database connection that records whether it was closed."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        """Mark the connection closed."""
        self.closed = True


def install_connection_pattern(impl: Any, app: Any, opened: list[Connection]) -> Any:
    """Register the ``get_db``/``close_db`` pattern on ``app`` and return ``get_db``.

    ``get_db()`` opens one Connection per application context (kept in ``g.db``, also
    appended to ``opened``); a ``teardown_appcontext`` function pops and closes it.
    """

    def get_db() -> Connection:
        if "db" not in impl.g:
            impl.g.db = Connection()
            opened.append(impl.g.db)
        db: Connection = impl.g.db
        return db

    @app.teardown_appcontext
    def close_db(exc: BaseException | None) -> None:
        db = impl.g.pop("db", None)
        if db is not None:
            db.close()

    return get_db


@pytest.mark.spec("extensions.teardown-appcontext.closes-resource")
def test_teardown_appcontext_closes_resource(impl: Any, app: Any, client: Any) -> None:
    """A resource kept in ``g`` is reused within a request and closed by teardown_appcontext."""
    opened: list[Connection] = []
    get_db = install_connection_pattern(impl, app, opened)

    @app.route("/")
    def index() -> str:
        same = get_db() is get_db()
        return f"closed={get_db().closed} same={same}"

    assert client.get("/").data == b"closed=False same=True"
    assert len(opened) == 1
    assert opened[0].closed is True


@pytest.mark.spec("extensions.teardown-appcontext.per-request")
def test_teardown_appcontext_fresh_resource_per_request(impl: Any, app: Any, client: Any) -> None:
    """Each request gets a fresh ``g``, so a new resource is opened and closed per request."""
    opened: list[Connection] = []
    get_db = install_connection_pattern(impl, app, opened)
    app.add_url_rule("/", "index", lambda: str(id(get_db())))
    client.get("/")
    client.get("/")
    assert len(opened) == 2
    assert opened[0] is not opened[1]
    assert all(connection.closed for connection in opened)


@pytest.mark.spec("extensions.teardown-appcontext.unused")
def test_teardown_appcontext_when_resource_unused(impl: Any, app: Any, client: Any) -> None:
    """When a request never asks for the resource, none is opened and teardown copes."""
    opened: list[Connection] = []
    install_connection_pattern(impl, app, opened)
    app.add_url_rule("/", "index", lambda: "no db")
    assert client.get("/").data == b"no db"
    assert opened == []


@pytest.mark.spec("extensions.teardown-appcontext.manual-context")
def test_teardown_appcontext_for_manual_context(impl: Any, app: Any, driver: Any) -> None:
    """The cleanup also runs when a manually pushed application context ends."""
    opened: list[Connection] = []
    get_db = install_connection_pattern(impl, app, opened)
    with driver.app_context(app):
        connection = get_db()
        assert connection.closed is False
    assert connection.closed is True


@pytest.mark.spec("extensions.teardown-appcontext.on-error")
def test_teardown_appcontext_receives_error(impl: Any, app: Any, driver: Any) -> None:
    """When the view raises, the resource is still closed and teardown gets the exception."""
    opened: list[Connection] = []
    errors: list[BaseException | None] = []
    get_db = install_connection_pattern(impl, app, opened)

    @app.teardown_appcontext
    def remember(exc: BaseException | None) -> None:
        errors.append(exc)

    @app.route("/")
    def index() -> str:
        get_db()
        raise ValueError("view failed")

    app.config["TESTING"] = False
    assert driver.client(app).get("/").status_code == 500
    assert opened[0].closed is True
    assert len(errors) == 1
    assert isinstance(errors[0], ValueError)


# --- shell context -------------------------------------------------------------------


@pytest.mark.spec("extensions.shell-context.default")
def test_make_shell_context_default(impl: Any, app: Any) -> None:
    """``make_shell_context()`` contains the app and the ``g`` proxy by default."""
    context = app.make_shell_context()
    assert set(context) == {"app", "g"}
    assert context["app"] is app
    assert context["g"] is impl.g


@pytest.mark.spec("extensions.shell-context.processor")
def test_shell_context_processor_values(app: Any) -> None:
    """Values returned by ``shell_context_processor`` functions join the shell context."""

    @app.shell_context_processor
    def add_models() -> dict[str, Any]:
        return {"User": "user model", "db": "database"}

    context = app.make_shell_context()
    assert context["User"] == "user model"
    assert context["db"] == "database"
    assert context["app"] is app
    assert add_models in app.shell_context_processors


@pytest.mark.spec("extensions.shell-context.order")
def test_shell_context_processors_later_wins(app: Any) -> None:
    """Processors apply in registration order: a later one overrides earlier keys, even ``app``."""
    app.shell_context_processor(lambda: {"x": 1, "app": "replaced"})
    app.shell_context_processor(lambda: {"x": 2})
    context = app.make_shell_context()
    assert context["x"] == 2
    assert context["app"] == "replaced"


@pytest.mark.spec("extensions.shell-context.from-init-app")
def test_extension_adds_shell_context(impl: Any, app: Any) -> None:
    """An extension's ``init_app`` can add its objects to the shell context."""

    def init_app(target: Any) -> None:
        target.extensions["tools"] = "tool state"
        target.shell_context_processor(lambda: {"tools": target.extensions["tools"]})

    init_app(app)
    assert app.make_shell_context()["tools"] == "tool state"
