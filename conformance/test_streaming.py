"""Spec area ``streaming``: generator views, ``stream_with_context``, streamed templates,
closing a streamed response, and headers of streamed responses.

Where the feature description is silent, the tests pin what Flask 3.1 does:

* A plain generator runs after the request context was popped (teardown already ran),
  so ``request`` raises ``RuntimeError`` inside it.
* ``stream_with_context`` re-pushes the *same* request context while the generator
  runs, so the teardown functions run a second time when the generator finishes.
* ``stream_template`` and ``stream_template_string`` return an iterator of strings
  (not a ``Response``), already wrapped in ``stream_with_context``.
* An exception raised by the generator after streaming began is not passed to error
  handlers: it propagates to whoever iterates the body.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def chunks_of(client: Any, path: str) -> list[bytes]:
    """Request ``path`` unbuffered and return the body as the list of chunks received."""
    response = client.get(path, buffered=False)
    try:
        return list(response.response)
    finally:
        response.close()


def record_teardown(app: Any, log: list[str]) -> None:
    """Append ``"teardown"`` to ``log`` each time the app's request teardown runs."""

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        log.append("teardown")


# --- generator views -----------------------------------------------------------------


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.generator.chunks")
def test_generator_body_arrives_in_chunks(app: Any, client: Any) -> None:
    """Each item a generator view yields arrives as a separate chunk of the body."""

    @app.route("/")
    def view() -> Iterator[str]:
        def generate() -> Iterator[str]:
            yield "first "
            yield "second "
            yield "third"

        return generate()

    assert chunks_of(client, "/") == [b"first ", b"second ", b"third"]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.generator.no-content-length")
def test_streamed_response_has_no_content_length(app: Any, client: Any) -> None:
    """A streamed response is ``is_streamed`` and carries no ``Content-Length``."""
    seen: list[Any] = []

    @app.route("/")
    def view() -> Iterator[str]:
        return (part for part in ["a", "b"])

    @app.after_request
    def remember(response: Any) -> Any:
        seen.append(response)
        return response

    response = client.get("/")
    assert response.data == b"ab"
    assert "Content-Length" not in response.headers
    assert seen[0].is_streamed is True


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.generator.after-teardown")
def test_plain_generator_finishes_after_teardown(app: Any, client: Any) -> None:
    """Without ``stream_with_context`` the generator finishes after the request teardown."""
    log: list[str] = []
    record_teardown(app, log)

    @app.route("/")
    def view() -> Iterator[str]:
        def generate() -> Iterator[str]:
            yield "a"
            log.append("generator end")
            yield "b"

        log.append("view returned")
        return generate()

    assert b"".join(chunks_of(client, "/")) == b"ab"
    assert log == ["view returned", "teardown", "generator end"]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.generator.request-unavailable")
def test_request_unavailable_in_plain_generator(impl: Any, app: Any, client: Any) -> None:
    """Without ``stream_with_context``, ``request`` raises RuntimeError inside the generator."""
    errors: list[BaseException] = []

    @app.route("/")
    def view() -> Iterator[str]:
        def generate() -> Iterator[str]:
            yield "start"
            try:
                impl.request.path
            except RuntimeError as exc:
                errors.append(exc)
            yield "end"

        return generate()

    assert b"".join(chunks_of(client, "/")) == b"startend"
    assert len(errors) == 1
    assert isinstance(errors[0], RuntimeError)


@pytest.mark.spec("streaming.generator.response-object")
def test_response_wrapping_generator(impl: Any, app: Any, client: Any) -> None:
    """``Response(generator, mimetype=...)`` streams the generator with that type."""

    @app.route("/")
    def view() -> Any:
        return impl.Response((str(n) for n in range(3)), mimetype="text/csv")

    response = client.get("/")
    assert response.mimetype == "text/csv"
    assert response.data == b"012"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.generator.error-propagates")
def test_error_inside_generator_propagates(app: Any, client: Any) -> None:
    """An exception raised mid-stream reaches the reader; error handlers are not called."""
    handled: list[BaseException] = []

    @app.errorhandler(Exception)
    def handle(exc: Exception) -> tuple[str, int]:
        handled.append(exc)
        return "handled", 500

    @app.route("/")
    def view() -> Iterator[str]:
        def generate() -> Iterator[str]:
            yield "ok"
            raise ValueError("broken stream")

        return generate()

    response = client.get("/", buffered=False)
    with pytest.raises(ValueError, match="broken stream"):
        list(response.response)
    response.close()
    assert handled == []


# --- stream_with_context ---------------------------------------------------------------


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.wrapper")
def test_stream_with_context_wrapper(impl: Any, app: Any, client: Any) -> None:
    """``stream_with_context(generator)`` keeps ``request`` usable while streaming."""

    @app.route("/")
    def view() -> Any:
        def generate() -> Iterator[str]:
            yield "hello "
            yield impl.request.args["name"]

        return impl.stream_with_context(generate())

    assert chunks_of(client, "/?name=ada") == [b"hello ", b"ada"]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.decorator")
def test_stream_with_context_decorator(impl: Any, app: Any, client: Any) -> None:
    """``@stream_with_context`` on a generator function keeps ``request`` usable."""

    @app.route("/path/<part>")
    def view(part: str) -> Any:
        @impl.stream_with_context
        def generate() -> Iterator[str]:
            yield impl.request.path
            yield "|" + part

        return generate()

    assert client.get("/path/x").data == b"/path/x|x"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.decorator-arguments")
def test_stream_with_context_decorator_passes_arguments(impl: Any, app: Any, client: Any) -> None:
    """A ``@stream_with_context`` generator function gets its positional and keyword arguments."""

    @app.route("/")
    def view() -> Any:
        @impl.stream_with_context
        def generate(first: str, second: str, *, third: str) -> Iterator[str]:
            yield first + second + third

        return generate("a", second="b", third="c")

    assert client.get("/").data == b"abc"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.iterator")
def test_stream_with_context_plain_iterator(impl: Any, app: Any, client: Any) -> None:
    """``stream_with_context`` also accepts a plain iterator, not only a generator."""

    @app.route("/")
    def view() -> Any:
        return impl.stream_with_context(iter(["a", "b"]))

    assert client.get("/").data == b"ab"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.same-request")
def test_stream_with_context_same_request_object(impl: Any, app: Any, client: Any) -> None:
    """The generator sees the very request object the view saw (the context is re-pushed)."""
    seen: list[Any] = []

    @app.route("/")
    def view() -> Any:
        seen.append(impl.request._get_current_object())

        def generate() -> Iterator[str]:
            seen.append(impl.request._get_current_object())
            yield "x"

        return impl.stream_with_context(generate())

    assert client.get("/").data == b"x"
    assert len(seen) == 2
    assert seen[0] is seen[1]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.g-and-session")
def test_stream_with_context_g_and_session(impl: Any, app: Any, client: Any) -> None:
    """Values put in ``g`` and ``session`` by the view are visible in the generator."""

    @app.route("/")
    def view() -> Any:
        impl.g.value = "from g"
        impl.session["key"] = "from session"

        def generate() -> Iterator[str]:
            yield impl.g.value
            yield ","
            yield impl.session["key"]

        return impl.stream_with_context(generate())

    assert client.get("/").data == b"from g,from session"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.teardown-after-generator")
def test_stream_with_context_teardown_runs_after_generator(
    impl: Any, app: Any, client: Any
) -> None:
    """With ``stream_with_context`` teardown runs again after the generator finished.

    Flask 3.1 runs the teardown functions once when the view's response is returned
    and once more when the re-pushed context is popped at the end of the generator.
    """
    log: list[str] = []
    record_teardown(app, log)

    @app.route("/")
    def view() -> Any:
        def generate() -> Iterator[str]:
            log.append("generator start")
            yield "a"
            log.append("generator end")

        log.append("view returned")
        return impl.stream_with_context(generate())

    assert b"".join(chunks_of(client, "/")) == b"a"
    assert log == ["view returned", "teardown", "generator start", "generator end", "teardown"]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.outside-request")
def test_stream_with_context_outside_request(impl: Any, app: Any, driver: Any) -> None:
    """``stream_with_context`` without a request context raises a RuntimeError naming it."""
    with pytest.raises(RuntimeError, match="stream_with_context"):
        impl.stream_with_context(iter(["a"]))
    with driver.app_context(app), pytest.raises(RuntimeError, match="stream_with_context"):
        impl.stream_with_context(iter(["a"]))


@pytest.mark.spec("streaming.with-context.outside-request-message")
def test_stream_with_context_outside_request_message(impl: Any) -> None:
    """The ``RuntimeError`` of ``stream_with_context`` outside a request is Flask's."""
    with pytest.raises(RuntimeError) as info:
        impl.stream_with_context(iter(["a"]))
    assert str(info.value) == (
        "'stream_with_context' can only be used when a request context is active, such as"
        " in a view function."
    )


@pytest.mark.spec("streaming.with-context.decorator-wraps")
def test_stream_with_context_decorator_keeps_the_function_name(impl: Any) -> None:
    """Used as a decorator, ``stream_with_context`` returns a wrapper carrying the generator
    function's name and ``__wrapped__``."""

    def generate() -> Iterator[str]:
        yield "chunk"

    wrapped = impl.stream_with_context(generate)
    assert (wrapped.__name__, wrapped.__wrapped__) == ("generate", generate)


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.outside-request-decorated")
def test_decorated_generator_called_outside_request(impl: Any) -> None:
    """Decorating is allowed anywhere; calling the decorated function outside a request raises."""

    @impl.stream_with_context
    def generate() -> Iterator[str]:
        yield "a"

    with pytest.raises(RuntimeError, match="request context"):
        generate()


# --- closing ---------------------------------------------------------------------------


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.close.generator")
def test_close_closes_generator(app: Any, client: Any) -> None:
    """Closing a partly read streamed response closes the generator (its ``finally`` runs)."""
    log: list[str] = []

    @app.route("/")
    def view() -> Iterator[str]:
        def generate() -> Iterator[str]:
            try:
                yield "1"
                yield "2"
                yield "3"
            finally:
                log.append("closed")

        return generate()

    response = client.get("/", buffered=False)
    assert next(iter(response.response)) == b"1"
    assert log == []
    response.close()
    assert log == ["closed"]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.with-context.closes-iterable")
def test_stream_with_context_closes_the_wrapped_iterable(impl: Any, app: Any, client: Any) -> None:
    """Once a ``stream_with_context`` stream is read to the end, the wrapped iterable's
    ``close()`` is called, even for an iterator that is not a generator."""
    log: list[str] = []

    class Chunks:
        def __init__(self) -> None:
            self.left = ["a", "b"]

        def __iter__(self) -> Chunks:
            return self

        def __next__(self) -> str:
            if not self.left:
                raise StopIteration
            return self.left.pop(0)

        def close(self) -> None:
            log.append("closed")

    app.add_url_rule("/", "index", lambda: impl.stream_with_context(Chunks()))
    assert client.get("/").data == b"ab"
    assert log == ["closed"]


def two_chunks(log: list[str]) -> Iterator[str]:
    """Yield two chunks; log "generator closed" when closed or finished."""
    try:
        yield "1"
        yield "2"
    finally:
        log.append("generator closed")


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.close.with-context")
def test_close_with_context_pops_context(impl: Any, app: Any, client: Any) -> None:
    """Closing a partly read ``stream_with_context`` response closes the generator.

    The re-pushed context is popped too, so the teardown functions run again.
    """
    log: list[str] = []
    record_teardown(app, log)

    @app.route("/")
    def view() -> Any:
        return impl.stream_with_context(two_chunks(log))

    response = client.get("/", buffered=False)
    assert next(iter(response.response)) == b"1"
    assert log == ["teardown"]
    response.close()
    assert log == ["teardown", "generator closed", "teardown"]


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.close.with-context-referenced")
def test_close_with_context_closes_a_referenced_generator(impl: Any, app: Any, client: Any) -> None:
    """Closing a ``stream_with_context`` response closes its generator, even a referenced one."""
    log: list[str] = []
    kept: list[Any] = []

    @app.route("/")
    def view() -> Any:
        generator = two_chunks(log)
        kept.append(generator)
        return impl.stream_with_context(generator)

    response = client.get("/", buffered=False)
    assert next(iter(response.response)) == b"1"
    response.close()
    assert log == ["generator closed"]


# --- headers ---------------------------------------------------------------------------


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.headers.tuple")
def test_headers_set_before_streaming(app: Any, client: Any) -> None:
    """Status and headers returned with a generator are sent before the body streams."""

    @app.route("/")
    def view() -> Any:
        return (part for part in ["x", "y"]), 201, {"X-Stream": "yes"}

    response = client.get("/", buffered=False)
    assert response.status_code == 201
    assert response.headers["X-Stream"] == "yes"
    assert b"".join(response.response) == b"xy"
    response.close()


@pytest.mark.spec("streaming.headers.after-request")
def test_after_request_sets_header_on_stream(app: Any, client: Any) -> None:
    """``after_request`` functions run before the body streams and can add headers."""
    log: list[str] = []

    @app.route("/")
    def view() -> Iterator[str]:
        def generate() -> Iterator[str]:
            log.append("generator")
            yield "body"

        return generate()

    @app.after_request
    def add_header(response: Any) -> Any:
        log.append("after_request")
        response.headers["X-After"] = "1"
        return response

    response = client.get("/")
    assert response.headers["X-After"] == "1"
    assert response.data == b"body"
    assert log == ["after_request", "generator"]


# --- streamed templates ------------------------------------------------------------------


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.template.string")
def test_stream_template_string(impl: Any, app: Any, client: Any) -> None:
    """``stream_template_string`` renders incrementally: several chunks, same text."""

    @app.route("/")
    def view() -> Any:
        return impl.stream_template_string(
            "{% for item in items %}<{{ item }}>{% endfor %}", items=["a", "b", "c"]
        )

    chunks = chunks_of(client, "/")
    assert b"".join(chunks) == b"<a><b><c>"
    assert len(chunks) > 1


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.template.returns-iterator")
def test_stream_template_string_returns_iterator(impl: Any, app: Any, driver: Any) -> None:
    """``stream_template_string`` returns an iterator of strings, not a Response (Flask)."""
    with driver.request_context(app):
        stream = impl.stream_template_string("{{ 1 + 1 }}")
        assert not isinstance(stream, impl.Response)
        assert "".join(stream) == "2"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.template.request-and-context")
def test_stream_template_has_request_and_context(impl: Any, app: Any, client: Any) -> None:
    """A streamed template sees ``request``, ``g`` and context-processor values while streaming."""

    @app.context_processor
    def inject() -> dict[str, str]:
        return {"injected": "yes"}

    @app.route("/page")
    def view() -> Any:
        impl.g.user = "ada"
        return impl.stream_template_string("{{ request.path }} {{ g.user }} {{ injected }}")

    assert client.get("/page").data == b"/page ada yes"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.template.file")
def test_stream_template_file(impl: Any, make_app: Any, tmp_path: Path, driver: Any) -> None:
    """``stream_template(name, **context)`` streams a template from the templates folder."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "list.html").write_text(
        "{% for x in items %}<li>{{ x }}</li>{% endfor %}", encoding="utf-8"
    )
    app = make_app(root_path=str(tmp_path))

    @app.route("/")
    def view() -> Any:
        return impl.stream_template("list.html", items=["<b>", "c"])

    chunks = chunks_of(driver.client(app), "/")
    assert b"".join(chunks) == b"<li>&lt;b&gt;</li><li>c</li>"
    assert len(chunks) > 1


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("streaming.template.signals")
def test_stream_template_sends_render_signals(impl: Any, app: Any, client: Any) -> None:
    """Streaming a template sends ``before_render_template`` and ``template_rendered``."""
    log: list[str] = []

    def before(sender: Any, **extra: Any) -> None:
        log.append("before_render_template")

    def rendered(sender: Any, **extra: Any) -> None:
        log.append("template_rendered")

    @app.route("/")
    def view() -> Any:
        return impl.stream_template_string("text")

    with (
        impl.before_render_template.connected_to(before, app),
        impl.template_rendered.connected_to(rendered, app),
    ):
        assert client.get("/").data == b"text"
    assert log == ["before_render_template", "template_rendered"]
