"""Unit tests for framework.templating, driven through small stand-ins for the app side.

The stand-ins provide exactly the attributes templating relies on (``config``,
``jinja_loader``, ``iter_blueprints``, ``jinja_env``, ``update_template_context``,
``ensure_sync``, ``logger`` ...), and contexts are activated by setting the context
variables of :mod:`framework.globals` directly, so these tests exercise this module alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from jinja2 import DictLoader, FileSystemLoader, TemplateNotFound

from framework import templating
from framework.globals import _cv_app, _cv_request
from framework.signals import before_render_template, template_rendered
from framework.templating import (
    DispatchingJinjaLoader,
    Environment,
    _default_template_ctx_processor,
    explain_template_loading_attempts,
    render_template,
    render_template_string,
    stream_template,
    stream_template_string,
)

DATA = Path(__file__).parent / "templates_data"


class CountingLoader(DictLoader):
    """A DictLoader that records every name it is asked for."""

    def __init__(self, mapping: dict[str, str]) -> None:
        super().__init__(mapping)
        self.requested: list[str] = []

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, None, Callable[[], bool]]:
        self.requested.append(template)
        return super().get_source(environment, template)


class StubBlueprint:
    """The blueprint attributes the loader uses: name, import_name and jinja_loader."""

    def __init__(self, name: str, loader: jinja2.BaseLoader | None) -> None:
        self.name = name
        self.import_name = f"tests.{name}"
        self.jinja_loader = loader


class StubApp:
    """The app attributes templating uses, with a real templating.Environment."""

    def __init__(
        self,
        loader: jinja2.BaseLoader | None = None,
        blueprints: tuple[StubBlueprint, ...] = (),
        processor: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.import_name = "tests.stub_app"
        self.config: dict[str, Any] = {"EXPLAIN_TEMPLATE_LOADING": False}
        self.jinja_loader = loader
        self.blueprints = list(blueprints)
        self.logger = logging.getLogger("tests.templating.stub_app")
        self.processor = processor or dict
        self.synced: list[Callable[..., Any]] = []
        self.jinja_env = Environment(self, autoescape=jinja2.select_autoescape())  # type: ignore[arg-type]

    def iter_blueprints(self) -> Iterator[StubBlueprint]:
        return iter(self.blueprints)

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        return DispatchingJinjaLoader(self)  # type: ignore[arg-type]

    def update_template_context(self, context: dict[str, Any]) -> None:
        explicit = context.copy()
        context.update(_default_template_ctx_processor())
        context.update(self.processor())
        context.update(explicit)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        self.synced.append(func)
        return func


class StubRequestContext:
    """A request context stand-in: a request with a blueprint, and push/pop tracking."""

    def __init__(self, blueprint: str | None = None) -> None:
        self.request = SimpleNamespace(blueprint=blueprint, path="/stub")
        self.active = 0
        self.entered = 0
        self._tokens: list[Any] = []

    def __enter__(self) -> StubRequestContext:
        self.active += 1
        self.entered += 1
        self._tokens.append(_cv_request.set(self))  # type: ignore[arg-type]
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.active -= 1
        _cv_request.reset(self._tokens.pop())


def app_folder() -> FileSystemLoader:
    return FileSystemLoader(str(DATA / "app"))


def blueprint(name: str) -> StubBlueprint:
    return StubBlueprint(name, FileSystemLoader(str(DATA / name)))


@pytest.fixture
def stub_app() -> StubApp:
    """An app with the fixture templates and two blueprints with template folders."""
    return StubApp(
        app_folder(),
        (blueprint("blueprint_one"), StubBlueprint("no_folder", None), blueprint("blueprint_two")),
    )


@pytest.fixture
def app_context(stub_app: StubApp) -> Iterator[SimpleNamespace]:
    """Activate an application context for ``stub_app``."""
    ctx = SimpleNamespace(app=stub_app, g=SimpleNamespace(name="globals"))
    token = _cv_app.set(ctx)  # type: ignore[arg-type]
    yield ctx
    _cv_app.reset(token)


@pytest.fixture
def request_context(app_context: SimpleNamespace) -> Iterator[StubRequestContext]:
    """Activate a request context inside the application context."""
    with StubRequestContext() as ctx:
        yield ctx


# --- Environment -----------------------------------------------------------------------


def test_environment_defaults_to_the_app_global_loader(stub_app: StubApp) -> None:
    env = stub_app.jinja_env
    assert env.app is stub_app
    assert isinstance(env.loader, DispatchingJinjaLoader)
    assert env.loader.app is stub_app


def test_environment_keeps_an_explicit_loader(stub_app: StubApp) -> None:
    loader = DictLoader({"x": "y"})
    env = Environment(stub_app, loader=loader, trim_blocks=True)  # type: ignore[arg-type]
    assert env.loader is loader
    assert env.trim_blocks is True
    assert env.get_template("x").render() == "y"


# --- DispatchingJinjaLoader ------------------------------------------------------------


def test_loader_prefers_the_app_folder(stub_app: StubApp) -> None:
    source, filename, uptodate = stub_app.jinja_env.loader.get_source(  # type: ignore[union-attr]
        stub_app.jinja_env, "shared.html"
    )
    assert source == "app shared"
    assert filename == str(DATA / "app" / "shared.html")
    assert uptodate is not None and uptodate()


def test_loader_then_blueprints_in_order(stub_app: StubApp) -> None:
    env = stub_app.jinja_env
    stub_app.jinja_loader = None
    assert env.loader.get_source(env, "shared.html")[0] == "one shared"  # type: ignore[union-attr]
    assert env.loader.get_source(env, "two.html")[0] == "only in two"  # type: ignore[union-attr]


def test_loader_stops_at_first_match() -> None:
    first = CountingLoader({"a.html": "first"})
    second = CountingLoader({"a.html": "second"})
    app = StubApp(first, (StubBlueprint("bp", second),))
    assert app.jinja_env.get_template("a.html").render() == "first"
    assert (first.requested, second.requested) == (["a.html"], [])


def test_loader_raises_template_not_found(stub_app: StubApp) -> None:
    with pytest.raises(TemplateNotFound) as info:
        stub_app.jinja_env.loader.get_source(stub_app.jinja_env, "nowhere.html")  # type: ignore[union-attr]
    assert info.value.name == "nowhere.html"


def test_loader_without_any_folder_finds_nothing() -> None:
    app = StubApp(None, (StubBlueprint("bp", None),))
    with pytest.raises(TemplateNotFound):
        app.jinja_env.get_template("index.html")
    assert app.jinja_env.list_templates() == []


def test_list_templates_is_the_union_without_duplicates(stub_app: StubApp) -> None:
    names = stub_app.jinja_env.loader.list_templates()  # type: ignore[union-attr]
    assert len(names) == len(set(names))
    assert sorted(names) == [
        "index.html",
        "loop.html",
        "one.html",
        "shared.html",
        "sub/page.txt",
        "two.html",
    ]


def test_explained_lookup_tries_every_loader_and_returns_the_first(
    stub_app: StubApp, caplog: pytest.LogCaptureFixture
) -> None:
    first = CountingLoader({"a.html": "first"})
    second = CountingLoader({"a.html": "second"})
    app = StubApp(first, (StubBlueprint("bp", second),))
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    caplog.set_level(logging.INFO, logger=app.logger.name)
    assert app.jinja_env.get_template("a.html").render() == "first"
    assert (first.requested, second.requested) == (["a.html"], ["a.html"])
    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert caplog.records[0].getMessage().startswith("Locating template 'a.html':\n")


def test_explained_lookup_raises_when_nothing_matches(
    stub_app: StubApp, caplog: pytest.LogCaptureFixture
) -> None:
    stub_app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    caplog.set_level(logging.INFO, logger=stub_app.logger.name)
    with pytest.raises(TemplateNotFound):
        stub_app.jinja_env.get_template("nowhere.html")
    assert caplog.records[0].getMessage().endswith("Error: the template could not be found.")


def test_fast_lookup_logs_nothing(stub_app: StubApp, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stub_app.jinja_env.get_template("index.html")
    with pytest.raises(TemplateNotFound):
        stub_app.jinja_env.get_template("nowhere.html")
    assert caplog.records == []


# --- explain_template_loading_attempts -------------------------------------------------


class RecordingHandler(logging.Handler):
    """A logging handler keeping the records it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def explain(app: StubApp, template: str, attempts: list[Any]) -> str:
    """Run explain_template_loading_attempts and return the single message it logged."""
    handler = RecordingHandler()
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)
    try:
        explain_template_loading_attempts(app, template, attempts)  # type: ignore[arg-type]
    finally:
        app.logger.removeHandler(handler)
        app.logger.setLevel(logging.NOTSET)
    (record,) = handler.records
    assert record.levelno == logging.INFO
    return record.getMessage()


def test_explanation_text_matches_flask_layout(stub_app: StubApp) -> None:
    app_loader = stub_app.jinja_loader
    one = stub_app.blueprints[0]
    app_path = str(DATA / "app")
    message = explain(
        stub_app,
        "one.html",
        [
            (app_loader, stub_app, None),
            (one.jinja_loader, one, ("only in one", str(DATA / "blueprint_one/one.html"), None)),
        ],
    )
    assert message == "\n".join(
        [
            "Locating template 'one.html':",
            "    1: trying loader of application 'tests.stub_app'",
            "       class: jinja2.loaders.FileSystemLoader",
            "       encoding: 'utf-8'",
            "       followlinks: False",
            "       searchpath:",
            f"         - {app_path}",
            "       -> no match",
            "    2: trying loader of blueprint 'blueprint_one' (tests.blueprint_one)",
            "       class: jinja2.loaders.FileSystemLoader",
            "       encoding: 'utf-8'",
            "       followlinks: False",
            "       searchpath:",
            f"         - {DATA / 'blueprint_one'}",
            f"       -> found ({str(DATA / 'blueprint_one/one.html')!r})",
        ]
    )


class AttributeLoader(jinja2.BaseLoader):
    """A loader with one attribute of each kind, to check which ones are described."""

    def __init__(self) -> None:
        self.text = "it's"
        self.number = 3
        self.ratio = 1.5
        self.flag = True
        self.names = ("a", "b")
        self.empty: list[str] = []
        self.mixed = ["a", 1]
        self.nothing = None
        self.raw = b"bytes"
        self.mapping = {"k": "v"}
        self._private = "hidden"


def test_explanation_describes_simple_loader_attributes(stub_app: StubApp) -> None:
    loader = AttributeLoader()
    message = explain(stub_app, "x", [(loader, stub_app, ("src", None, None))])
    assert message.splitlines()[1:] == [
        "    1: trying loader of application 'tests.stub_app'",
        f"       class: {__name__}.AttributeLoader",
        "       empty:",
        "       flag: True",
        "       names:",
        "         - a",
        "         - b",
        "       number: 3",
        "       ratio: 1.5",
        '       text: "it\'s"',
        "       -> found ('<string>')",
    ]


def test_explanation_numbers_are_right_aligned(stub_app: StubApp) -> None:
    loader = DictLoader({})
    message = explain(stub_app, "x", [(loader, stub_app, None)] * 11)
    assert "    9: trying loader of application 'tests.stub_app'" in message
    assert "   10: trying loader of application 'tests.stub_app'" in message
    assert "   11: trying loader of application 'tests.stub_app'" in message


def test_explanation_warns_about_multiple_matches(stub_app: StubApp) -> None:
    loader = DictLoader({})
    found = ("src", "f.html", None)
    message = explain(stub_app, "x", [(loader, stub_app, found), (loader, stub_app, found)])
    assert message.endswith("\nWarning: multiple loaders returned a match for the template.")


def test_explanation_without_loaders(stub_app: StubApp) -> None:
    assert explain(stub_app, "x.html", []) == (
        "Locating template 'x.html':\nError: the template could not be found."
    )


@pytest.mark.parametrize(
    ("found_count", "last_line"),
    [
        (0, "Error: the template could not be found."),
        (2, "Warning: multiple loaders returned a match for the template."),
    ],
)
def test_explanation_blueprint_hint(stub_app: StubApp, found_count: int, last_line: str) -> None:
    loader = DictLoader({})
    attempts = [(loader, stub_app, ("s", "f", None) if i < found_count else None) for i in range(2)]
    with StubRequestContext(blueprint="shop.cart"):
        lines = explain(stub_app, "x", attempts).splitlines()
    assert lines[-4:] == [
        last_line,
        "  The template was looked up from an endpoint that belongs to the blueprint 'shop.cart'.",
        "  Maybe you did not place a template in the right folder?",
        "  See https://flask.palletsprojects.com/blueprints/#templates",
    ]


def test_explanation_no_hint_for_a_single_match(stub_app: StubApp) -> None:
    loader = DictLoader({})
    with StubRequestContext(blueprint="shop"):
        message = explain(stub_app, "x", [(loader, stub_app, ("s", "f", None))])
    assert "blueprint" not in message
    assert message.endswith("-> found ('f')")


def test_explanation_no_hint_outside_a_blueprint(stub_app: StubApp) -> None:
    with StubRequestContext(blueprint=None):
        message = explain(stub_app, "x", [])
    assert message.endswith("Error: the template could not be found.")


# --- the default context processor -----------------------------------------------------


def test_default_context_empty_without_contexts() -> None:
    assert _default_template_ctx_processor() == {}


def test_default_context_in_app_context(app_context: SimpleNamespace) -> None:
    assert _default_template_ctx_processor() == {"g": app_context.g}


def test_default_context_in_request_context(
    app_context: SimpleNamespace, request_context: StubRequestContext
) -> None:
    context = _default_template_ctx_processor()
    assert context == {"g": app_context.g, "request": request_context.request}
    assert context["request"] is request_context.request


# --- rendering -------------------------------------------------------------------------


@pytest.fixture
def signals_seen(stub_app: StubApp) -> Iterator[list[tuple[str, Any, Any, dict[str, Any]]]]:
    """Record both template signals sent by ``stub_app``."""
    seen: list[tuple[str, Any, Any, dict[str, Any]]] = []

    def before(sender: Any, template: Any, context: dict[str, Any]) -> None:
        seen.append(("before", sender, template, dict(context)))

    def after(sender: Any, template: Any, context: dict[str, Any]) -> None:
        seen.append(("rendered", sender, template, dict(context)))

    with (
        before_render_template.connected_to(before, stub_app),
        template_rendered.connected_to(after, stub_app),
    ):
        yield seen


def test_render_outside_app_context_raises() -> None:
    with pytest.raises(RuntimeError, match="application context"):
        render_template("index.html")
    with pytest.raises(RuntimeError, match="application context"):
        stream_template_string("x")


def test_render_template_by_name(app_context: SimpleNamespace) -> None:
    assert render_template("index.html", name="<World>") == "Hello &lt;World&gt;!"


def test_render_template_from_list(app_context: SimpleNamespace) -> None:
    assert render_template(["missing.html", "one.html", "index.html"]) == "only in one"


def test_render_template_not_found(app_context: SimpleNamespace) -> None:
    with pytest.raises(TemplateNotFound):
        render_template("missing.html")


def test_render_template_string_uses_the_context(app_context: SimpleNamespace) -> None:
    assert render_template_string("{{ g.name }} {{ a }}", a="<a>") == "globals &lt;a&gt;"


def test_render_runs_update_template_context(stub_app: StubApp, app_context: Any) -> None:
    stub_app.processor = lambda: {"a": "processor", "b": "processor"}
    assert render_template_string("{{ a }}/{{ b }}", a="explicit") == "explicit/processor"


def test_render_sends_signals_in_order(
    stub_app: StubApp,
    app_context: SimpleNamespace,
    signals_seen: list[tuple[str, Any, Any, dict[str, Any]]],
) -> None:
    assert render_template("index.html", name="x") == "Hello x!"
    assert [event[0] for event in signals_seen] == ["before", "rendered"]
    for _name, sender, template, context in signals_seen:
        assert sender is stub_app
        assert template.name == "index.html"
        assert context == {"name": "x", "g": app_context.g}


def test_render_wraps_async_receivers_with_ensure_sync(
    stub_app: StubApp, app_context: SimpleNamespace
) -> None:
    calls: list[str] = []

    async def receiver(sender: Any, **extra: Any) -> None:
        raise AssertionError("the coroutine function is not called directly")

    def ensure_sync(func: Callable[..., Any]) -> Callable[..., Any]:
        calls.append(func.__name__)
        return lambda *args, **kwargs: None

    stub_app.ensure_sync = ensure_sync  # type: ignore[method-assign]
    with template_rendered.connected_to(receiver, stub_app):
        render_template_string("x")
    assert calls == ["receiver"]


# --- streaming -------------------------------------------------------------------------


def test_stream_template_yields_several_chunks(app_context: SimpleNamespace) -> None:
    chunks = list(stream_template("loop.html", items=[1, 2]))
    assert len(chunks) > 1
    assert "".join(chunks) == "start[1][2]end"


def test_stream_is_lazy_and_signals_completion(
    app_context: SimpleNamespace, signals_seen: list[tuple[str, Any, Any, dict[str, Any]]]
) -> None:
    stream = stream_template_string("{% for i in range(3) %}{{ i }}{% endfor %}")
    assert [event[0] for event in signals_seen] == ["before"]
    assert next(stream) == "0"
    assert [event[0] for event in signals_seen] == ["before"]
    assert "".join(stream) == "12"
    assert [event[0] for event in signals_seen] == ["before", "rendered"]


def test_stream_without_request_context_is_a_plain_generator(app_context: Any) -> None:
    stream = stream_template_string("{{ 1 }}")
    assert stream.__class__.__name__ == "generator"
    assert list(stream) == ["1"]


def test_stream_keeps_the_request_context_active() -> None:
    app = StubApp(app_folder())
    ctx = StubRequestContext()
    seen: list[int] = []

    def active() -> str:
        seen.append(ctx.active)
        return ""

    app.jinja_env.globals["active"] = active

    class StubAppContext(SimpleNamespace):
        """Re-entered by stream_with_context before the request context."""

        def __enter__(self) -> StubAppContext:
            self.entered = getattr(self, "entered", 0) + 1
            return self

        def __exit__(self, *exc_info: object) -> None:
            return None

    app_ctx = StubAppContext(app=app, g=SimpleNamespace())
    token = _cv_app.set(app_ctx)  # type: ignore[arg-type]
    try:
        with ctx:
            stream = stream_template_string("{{ active() }}{{ request.path }}")
        # The view's push is over; stream_with_context re-enters the context to render.
        assert "".join(stream) == "/stub"
    finally:
        _cv_app.reset(token)
    assert seen == [1]
    assert ctx.active == 0
    assert ctx.entered == 2
    assert app_ctx.entered == 1


def test_module_exports() -> None:
    for name in templating.__all__:
        assert getattr(templating, name) is not None
    assert set(templating.__all__) >= {
        "DispatchingJinjaLoader",
        "Environment",
        "render_template",
        "render_template_string",
        "stream_template",
        "stream_template_string",
    }
