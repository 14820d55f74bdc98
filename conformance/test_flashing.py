"""Spec area ``flashing``: ``flash`` and ``get_flashed_messages``, categories and filters,
the ``message_flashed`` signal, messages in templates and across redirects.

Where the feature description is silent, the tests pin what Flask 3.1 does:

* ``get_flashed_messages`` takes the messages out of the session on its first call in a
  request and caches them for the rest of that request: a message flashed after that
  first call is not returned in the same request but in the next one.
* A ``category_filter`` only filters what is returned: every message is consumed.
* Flashing with no ``SECRET_KEY`` raises ``RuntimeError`` (the null session refuses
  writes); outside a request context ``flash`` and ``get_flashed_messages`` raise
  ``RuntimeError`` too.
* ``Markup`` messages come back as ``Markup`` from the next request (the session
  serializer tags them).
"""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

EACH_MESSAGE = "{% for m in get_flashed_messages() %}{{ m }}{% endfor %}"
"""A template rendering each flashed message, as templates call it."""


@pytest.fixture
def flashing(impl: Any, app: Any, driver: Any) -> Any:
    """The app with flashing views, returning its test client.

    ``/flash/<message>`` and ``/flash/<message>/<category>`` flash; ``/messages`` returns
    ``repr(get_flashed_messages())``; ``/categories`` the same ``with_categories=True``;
    ``/setup`` flashes ``m1`` (message), ``e1`` (error), ``i1`` (info), ``e2`` (error).
    """

    @app.route("/flash/<message>")
    @app.route("/flash/<message>/<category>")
    def flash(message: str, category: str | None = None) -> str:
        if category is None:
            driver.resolve(impl.flash(message))
        else:
            driver.resolve(impl.flash(message, category))
        return "flashed"

    @app.route("/messages")
    def messages() -> str:
        return repr(impl.get_flashed_messages())

    @app.route("/categories")
    def categories() -> str:
        return repr(impl.get_flashed_messages(with_categories=True))

    @app.route("/setup")
    def setup() -> str:
        for message, category in [("m1", "message"), ("e1", "error"), ("i1", "info")]:
            driver.resolve(impl.flash(message, category))
        driver.resolve(impl.flash("e2", category="error"))
        return "flashed"

    return driver.client(app)


def body(response: Any) -> str:
    """Return the response body as text."""
    return str(response.get_data(as_text=True))


@pytest.mark.spec("flashing.flash.next-request")
def test_flashed_message_seen_by_next_request(flashing: Any) -> None:
    """A message flashed in one request is returned by ``get_flashed_messages`` in the next."""
    flashing.get("/flash/hello")
    assert body(flashing.get("/messages")) == "['hello']"


@pytest.mark.spec("flashing.flash.default-category")
def test_default_category_is_message(flashing: Any) -> None:
    """The default category of ``flash`` is ``'message'``."""
    flashing.get("/flash/hello")
    assert body(flashing.get("/categories")) == "[('message', 'hello')]"


@pytest.mark.spec("flashing.flash.category")
def test_flash_with_category(flashing: Any) -> None:
    """``flash(message, category)`` records the given category."""
    flashing.get("/flash/oops/error")
    assert body(flashing.get("/categories")) == "[('error', 'oops')]"


@pytest.mark.spec("flashing.flash.order")
def test_messages_keep_order(flashing: Any) -> None:
    """Messages flashed over several requests are returned together, oldest first."""
    flashing.get("/flash/one")
    flashing.get("/flash/two")
    flashing.get("/flash/three")
    assert body(flashing.get("/messages")) == "['one', 'two', 'three']"


@pytest.mark.spec("flashing.get.clears")
def test_get_flashed_messages_clears_them(flashing: Any) -> None:
    """Once read, messages are gone: the next request sees none."""
    flashing.get("/flash/once")
    assert body(flashing.get("/messages")) == "['once']"
    assert body(flashing.get("/messages")) == "[]"


@pytest.mark.spec("flashing.get.empty")
def test_no_messages(flashing: Any) -> None:
    """With nothing flashed, ``get_flashed_messages`` returns an empty list."""
    assert body(flashing.get("/messages")) == "[]"
    assert body(flashing.get("/categories")) == "[]"


@pytest.mark.spec("flashing.get.removed-from-session")
def test_reading_removes_flashes_from_session(flashing: Any) -> None:
    """Reading the messages removes them from the session (the cookie is rewritten)."""
    flashing.get("/flash/hello")
    with flashing.session_transaction() as session:
        assert "_flashes" in session
    flashing.get("/messages")
    with flashing.session_transaction() as session:
        assert "_flashes" not in session


@pytest.mark.spec("flashing.get.cached-per-request")
def test_messages_cached_within_request(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Within one request the first read is cached; a later flash waits for the next request."""

    @app.route("/same")
    def same() -> str:
        driver.resolve(impl.flash("a"))
        first = impl.get_flashed_messages()
        driver.resolve(impl.flash("b"))
        second = impl.get_flashed_messages()
        return repr((first, second))

    @app.route("/messages")
    def messages() -> str:
        return repr(impl.get_flashed_messages())

    assert body(client.get("/same")) == "(['a'], ['a'])"
    assert body(client.get("/messages")) == "['b']"


@pytest.mark.spec("flashing.get.with-categories")
def test_with_categories(flashing: Any) -> None:
    """``with_categories=True`` returns ``(category, message)`` tuples in order."""
    flashing.get("/setup")
    assert body(flashing.get("/categories")) == (
        "[('message', 'm1'), ('error', 'e1'), ('info', 'i1'), ('error', 'e2')]"
    )


@pytest.mark.spec("flashing.get.category-filter")
def test_category_filter(impl: Any, app: Any, flashing: Any) -> None:
    """``category_filter`` returns only messages of the listed categories."""

    @app.route("/errors")
    def errors() -> str:
        return repr(impl.get_flashed_messages(category_filter=["error"]))

    flashing.get("/setup")
    assert body(flashing.get("/errors")) == "['e1', 'e2']"


@pytest.mark.spec("flashing.get.category-filter-with-categories")
def test_category_filter_with_categories(impl: Any, app: Any, flashing: Any) -> None:
    """``category_filter`` combines with ``with_categories``."""

    @app.route("/some")
    def some() -> str:
        chosen = impl.get_flashed_messages(with_categories=True, category_filter=["info", "error"])
        return repr(chosen)

    flashing.get("/setup")
    assert body(flashing.get("/some")) == "[('error', 'e1'), ('info', 'i1'), ('error', 'e2')]"


@pytest.mark.spec("flashing.get.category-filter-consumes-all")
def test_category_filter_consumes_every_message(impl: Any, app: Any, flashing: Any) -> None:
    """Filtering still consumes all messages: the next request sees none (Flask)."""

    @app.route("/errors")
    def errors() -> str:
        return repr(impl.get_flashed_messages(category_filter=["error"]))

    flashing.get("/setup")
    flashing.get("/errors")
    assert body(flashing.get("/messages")) == "[]"


@pytest.mark.spec("flashing.signal")
def test_message_flashed_signal(impl: Any, app: Any, flashing: Any) -> None:
    """``message_flashed`` is sent with the app as sender and ``message`` and ``category``."""
    calls: list[tuple[Any, dict[str, Any]]] = []

    def receiver(sender: Any, **extra: Any) -> None:
        calls.append((sender, extra))

    with impl.message_flashed.connected_to(receiver, app):
        flashing.get("/flash/hi")
        flashing.get("/flash/bad/error")
    assert calls == [
        (app, {"message": "hi", "category": "message"}),
        (app, {"message": "bad", "category": "error"}),
    ]


@pytest.mark.spec("flashing.template.global")
def test_messages_in_template(impl: Any, app: Any, flashing: Any, driver: Any) -> None:
    """Templates can call ``get_flashed_messages`` directly."""

    @app.route("/page")
    def page() -> str:
        return str(
            driver.render_string(
                "{% for category, m in get_flashed_messages(with_categories=true) %}"
                "[{{ category }}:{{ m }}]{% endfor %}"
            )
        )

    flashing.get("/flash/saved/success")
    assert body(flashing.get("/page")) == "[success:saved]"


@pytest.mark.spec("flashing.template.escaped")
def test_messages_escaped_in_html_template(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Plain string messages are autoescaped when rendered in a template."""

    @app.route("/flash")
    def flash() -> str:
        driver.resolve(impl.flash("<script>x</script>"))
        return "ok"

    @app.route("/page")
    def page() -> str:
        return str(driver.render_string(EACH_MESSAGE))

    client.get("/flash")
    assert body(client.get("/page")) == "&lt;script&gt;x&lt;/script&gt;"


@pytest.mark.spec("flashing.redirect")
def test_flash_across_redirect(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """A message flashed before a redirect is shown by the page redirected to."""

    @app.route("/login", methods=["POST"])
    def login() -> Any:
        driver.resolve(impl.flash("Welcome back", "success"))
        return impl.redirect(impl.url_for("home"))

    @app.route("/")
    def home() -> str:
        return repr(impl.get_flashed_messages(with_categories=True))

    response = client.post("/login", follow_redirects=True)
    assert response.request.path == "/"
    assert body(response) == "[('success', 'Welcome back')]"


@pytest.mark.spec("flashing.markup")
def test_markup_message_keeps_type(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """A ``Markup`` message comes back as ``Markup`` and is not escaped again in templates."""
    seen: list[Any] = []

    @app.route("/flash")
    def flash() -> str:
        driver.resolve(impl.flash(Markup("<b>bold</b>")))
        return "ok"

    @app.route("/page")
    def page() -> str:
        seen.extend(impl.get_flashed_messages())
        return str(driver.render_string(EACH_MESSAGE))

    client.get("/flash")
    assert body(client.get("/page")) == "<b>bold</b>"
    assert seen == ["<b>bold</b>"]
    assert isinstance(seen[0], Markup)


@pytest.mark.spec("flashing.no-secret-key")
def test_flash_without_secret_key(impl: Any, driver: Any) -> None:
    """Flashing without a ``SECRET_KEY`` raises RuntimeError (the session is unavailable)."""
    app = impl.Flask("conformance_app")
    app.config["TESTING"] = True

    @app.route("/")
    def index() -> str:
        driver.resolve(impl.flash("x"))
        return "ok"

    with pytest.raises(RuntimeError, match=r"(?i)secret.?key"):
        driver.client(app).get("/")


@pytest.mark.spec("flashing.outside-request")
def test_flash_outside_request(impl: Any, app: Any, driver: Any) -> None:
    """``flash`` and ``get_flashed_messages`` need a request context (RuntimeError otherwise)."""
    with driver.app_context(app):
        with pytest.raises(RuntimeError, match=r"request( nor websocket)? context"):
            driver.resolve(impl.flash("x"))
        with pytest.raises(RuntimeError, match=r"request( nor websocket)? context"):
            impl.get_flashed_messages()


@pytest.mark.spec("flashing.test-request-context")
def test_flash_in_test_request_context(impl: Any, app: Any, driver: Any) -> None:
    """Within one request context, flashed messages can be read back."""
    with driver.request_context(app):
        driver.resolve(impl.flash("one", "info"))
        assert impl.get_flashed_messages(with_categories=True) == [("info", "one")]
