"""Templates: the Jinja environment, rendering, streaming, context, filters and loading."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.ext import Extension
from markupsafe import Markup


def write_templates(folder: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (name -> source) under ``folder`` and return the folder."""
    for name, source in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return folder


@pytest.fixture
def app_root(tmp_path: Path) -> Path:
    """An empty application root whose ``templates`` folder the test fills."""
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    return root


@pytest.fixture
def templated_app(make_app: Callable[..., Any], app_root: Path) -> Any:
    """An app rooted at ``app_root`` so that ``app_root/templates`` is its template folder."""
    return make_app(root_path=str(app_root))


def add_templates(app_root: Path, files: dict[str, str]) -> None:
    """Write ``files`` into the app's template folder."""
    write_templates(app_root / "templates", files)


def make_blueprint(impl: Any, name: str, root: Path, files: dict[str, str] | None = None) -> Any:
    """Build a blueprint rooted at ``root``; with ``files`` it gets a ``templates`` folder."""
    if files is None:
        return impl.Blueprint(name, f"conformance_{name}", root_path=str(root))
    write_templates(root / "templates", files)
    return impl.Blueprint(
        name, f"conformance_{name}", root_path=str(root), template_folder="templates"
    )


# --- rendering -------------------------------------------------------------------------


@pytest.mark.spec("templates.render.by-name")
def test_render_template_by_name(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """render_template renders a file from the app's templates folder and returns a str."""
    add_templates(app_root, {"hello.html": "Hello {{ name }}!"})
    with driver.app_context(templated_app):
        rendered = driver.render("hello.html", name="World")
    assert isinstance(rendered, str)
    assert rendered == "Hello World!"


@pytest.mark.spec("templates.render.in-view")
def test_render_template_in_view(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """A view returning render_template's result sends the rendered HTML with status 200."""
    add_templates(app_root, {"page.html": "<p>{{ word }}</p>"})

    @templated_app.route("/")
    def index() -> str:
        return driver.render("page.html", word="spec")

    response = driver.client(templated_app).get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.data == b"<p>spec</p>"


@pytest.mark.spec("templates.render.subfolder")
def test_render_template_in_subfolder(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """Template names use forward slashes for files in subfolders of the templates folder."""
    add_templates(app_root, {"admin/users/list.html": "users"})
    with driver.app_context(templated_app):
        assert driver.render("admin/users/list.html") == "users"


@pytest.mark.spec("templates.render.list-first-existing")
def test_render_template_list_uses_first_existing(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """Given a list of names, render_template renders the first template that exists."""
    add_templates(app_root, {"second.html": "second", "third.html": "third"})
    with driver.app_context(templated_app):
        assert driver.render(["first.html", "second.html", "third.html"]) == "second"


@pytest.mark.spec("templates.render.list-none-found")
def test_render_template_list_none_found(impl: Any, templated_app: Any, driver: Any) -> None:
    """When no template of a list exists, jinja2.TemplatesNotFound lists every name tried."""
    with driver.app_context(templated_app), pytest.raises(jinja2.TemplatesNotFound) as info:
        driver.render(["a.html", "b.html"])
    assert info.value.templates == ["a.html", "b.html"]


@pytest.mark.spec("templates.render.template-object")
def test_render_template_accepts_template_object(
    impl: Any, templated_app: Any, driver: Any
) -> None:
    """render_template also accepts an already loaded jinja2 Template object."""
    with driver.app_context(templated_app):
        template = templated_app.jinja_env.from_string("{{ a }}-{{ b }}")
        assert driver.render(template, a=1, b=2) == "1-2"


@pytest.mark.spec("templates.render.string")
def test_render_template_string(impl: Any, app: Any, driver: Any) -> None:
    """render_template_string renders template source given as a string with the context."""
    with driver.app_context(app):
        assert driver.render_string("{{ a + b }}|{{ name }}", a=1, b=2, name="x") == "3|x"


@pytest.mark.spec("templates.render.requires-app-context")
def test_render_outside_app_context_raises(impl: Any, driver: Any) -> None:
    """Rendering with no active application context raises RuntimeError."""
    with pytest.raises(RuntimeError, match=r"app(lication)? context"):
        driver.render_string("text")


@pytest.mark.spec("templates.render.not-found")
def test_missing_template_raises_template_not_found(
    impl: Any, templated_app: Any, driver: Any
) -> None:
    """A template name no loader knows raises jinja2.TemplateNotFound naming the template."""
    with driver.app_context(templated_app), pytest.raises(jinja2.TemplateNotFound) as info:
        driver.render("missing.html")
    assert info.value.name == "missing.html"


@pytest.mark.spec("templates.render.custom-folder")
def test_custom_template_folder(
    impl: Any, make_app: Callable[..., Any], app_root: Path, driver: Any
) -> None:
    """The template_folder argument names the folder, relative to root_path, holding templates."""
    write_templates(app_root / "views", {"v.html": "from views"})
    app = make_app(root_path=str(app_root), template_folder="views")
    with driver.app_context(app):
        assert driver.render("v.html") == "from views"


@pytest.mark.spec("templates.render.no-folder")
def test_no_template_folder(
    impl: Any, make_app: Callable[..., Any], app_root: Path, driver: Any
) -> None:
    """With template_folder=None the app has no jinja_loader and finds no file templates."""
    add_templates(app_root, {"x.html": "x"})
    app = make_app(root_path=str(app_root), template_folder=None)
    assert app.jinja_loader is None
    with driver.app_context(app), pytest.raises(jinja2.TemplateNotFound) as info:
        driver.render("x.html")
    assert info.value.name == "x.html"


# --- streaming -------------------------------------------------------------------------

LOOP_SOURCE = "start{% for item in items %}[{{ item }}]{% endfor %}end"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("templates.stream.chunks")
def test_stream_template_yields_chunks(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """stream_template returns an iterator of several str chunks that join to the full render."""
    add_templates(app_root, {"loop.html": LOOP_SOURCE})
    with driver.app_context(templated_app):
        stream = impl.stream_template("loop.html", items=[1, 2, 3])
        assert not isinstance(stream, str)
        chunks = list(stream)
        full = driver.render("loop.html", items=[1, 2, 3])
    assert len(chunks) > 1
    assert all(isinstance(chunk, str) for chunk in chunks)
    assert "".join(chunks) == full == "start[1][2][3]end"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("templates.stream.string")
def test_stream_template_string_yields_chunks(impl: Any, app: Any, driver: Any) -> None:
    """stream_template_string streams template source given as a string in several chunks."""
    with driver.app_context(app):
        chunks = list(impl.stream_template_string(LOOP_SOURCE, items="ab"))
    assert len(chunks) > 1
    assert "".join(chunks) == "start[a][b]end"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("templates.stream.request-context")
def test_stream_template_keeps_request_context(impl: Any, app: Any, driver: Any) -> None:
    """A streamed template can use the request while the response body is generated."""

    @app.template_global()
    def query_value() -> str:
        return str(impl.request.args["q"])

    @app.route("/stream")
    def stream() -> Any:
        return app.response_class(
            impl.stream_template_string("{% for i in range(2) %}{{ query_value() }};{% endfor %}")
        )

    response = driver.client(app).get("/stream?q=<v>")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.get_data(as_text=True) == "&lt;v&gt;;&lt;v&gt;;"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("templates.stream.lazy")
def test_stream_template_renders_lazily(impl: Any, app: Any, driver: Any) -> None:
    """stream_template does no rendering until its iterator is consumed."""
    calls: list[str] = []

    @app.template_global()
    def record() -> str:
        calls.append("rendered")
        return "r"

    with driver.app_context(app):
        stream = impl.stream_template_string("{{ record() }}")
        assert calls == []
        assert "".join(stream) == "r"
    assert calls == ["rendered"]


# --- default context -------------------------------------------------------------------


@pytest.mark.spec("templates.context.config")
def test_context_config(impl: Any, app: Any, driver: Any) -> None:
    """Templates see the app's configuration as ``config``."""
    app.config["SITE_NAME"] = "Spec Site"
    with driver.app_context(app):
        assert driver.render_string("{{ config.SITE_NAME }}") == "Spec Site"


@pytest.mark.spec("templates.context.request")
def test_context_request(impl: Any, app: Any, driver: Any) -> None:
    """Templates rendered during a request see the request as ``request``."""
    with driver.request_context(app, "/path?word=hi"):
        rendered = driver.render_string("{{ request.path }} {{ request.args.word }}")
    assert rendered == "/path hi"


@pytest.mark.spec("templates.context.request-absent")
def test_context_request_falsy_outside_request(impl: Any, app: Any, driver: Any) -> None:
    """Outside a request (app context only), ``request`` in a template is falsy."""
    source = "{% if request %}in{% else %}out{% endif %}"
    with driver.app_context(app):
        assert driver.render_string(source) == "out"
    with driver.request_context(app):
        assert driver.render_string(source) == "in"


@pytest.mark.spec("templates.context.session")
def test_context_session(impl: Any, app: Any, driver: Any) -> None:
    """Templates rendered during a request see the session as ``session``."""

    @app.route("/")
    def index() -> str:
        impl.session["user"] = "ada"
        return driver.render_string("user={{ session.user }}")

    assert driver.client(app).get("/").data == b"user=ada"


@pytest.mark.spec("templates.context.g")
def test_context_g(impl: Any, app: Any, driver: Any) -> None:
    """Templates see the application-context globals as ``g``."""

    @app.before_request
    def load_user() -> None:
        impl.g.user = "grace"

    @app.route("/")
    def index() -> str:
        return driver.render_string("{{ g.user }}")

    assert driver.client(app).get("/").data == b"grace"
    with driver.app_context(app):
        impl.g.value = 42
        assert driver.render_string("{{ g.value }}") == "42"


@pytest.mark.spec("templates.context.url-for")
def test_context_url_for(impl: Any, app: Any, driver: Any) -> None:
    """Templates can build URLs with ``url_for``, including external ones."""

    @app.route("/users/<int:user_id>")
    def user(user_id: int) -> str:
        return driver.render_string(
            "{{ url_for('user', user_id=7) }} {{ url_for('user', user_id=8, _external=True) }}"
        )

    assert driver.client(app).get("/users/1").data == b"/users/7 http://localhost/users/8"


@pytest.mark.spec("templates.context.get-flashed-messages")
def test_context_get_flashed_messages(impl: Any, app: Any, driver: Any) -> None:
    """Templates can read flashed messages with ``get_flashed_messages``."""

    @app.route("/flash")
    def flash() -> str:
        driver.resolve(impl.flash("saved"))
        driver.resolve(impl.flash("careful", "warning"))
        return "ok"

    @app.route("/show")
    def show() -> str:
        return driver.render_string(
            "{% for category, message in get_flashed_messages(with_categories=true) %}"
            "{{ category }}:{{ message }};{% endfor %}"
        )

    client = driver.client(app)
    client.get("/flash")
    assert client.get("/show").data == b"message:saved;warning:careful;"
    assert client.get("/show").data == b""


@pytest.mark.spec("templates.context.globals-addition")
def test_jinja_env_globals_addition(impl: Any, app: Any, driver: Any) -> None:
    """Names added to ``app.jinja_env.globals`` are available in every template."""
    app.jinja_env.globals["site_title"] = "Globals"
    app.jinja_env.globals["double"] = lambda value: value * 2
    with driver.app_context(app):
        assert driver.render_string("{{ site_title }} {{ double(21) }}") == "Globals 42"


# --- context processors ----------------------------------------------------------------


@pytest.mark.spec("templates.context-processor.app")
def test_app_context_processor(impl: Any, app: Any, driver: Any) -> None:
    """Values returned by an app context processor are available in every template."""

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"version": "1.2", "shout": str.upper}

    with driver.app_context(app):
        assert driver.render_string("{{ version }} {{ shout('x') }}") == "1.2 X"


@pytest.mark.spec("templates.context-processor.runs-per-render")
def test_context_processor_runs_per_render(impl: Any, app: Any, driver: Any) -> None:
    """A context processor is called again for every render."""
    counter = iter(range(1, 100))

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"n": next(counter)}

    with driver.app_context(app):
        first = driver.render_string("{{ n }}")
        second = driver.render_string("{{ n }}")
    assert (first, second) == ("1", "2")


@pytest.mark.spec("templates.context-processor.blueprint-scoped")
def test_blueprint_context_processor_only_for_its_requests(
    impl: Any, app: Any, driver: Any
) -> None:
    """A blueprint's context processor applies only to requests handled by that blueprint."""
    bp = impl.Blueprint("shop", __name__, url_prefix="/shop")

    @bp.context_processor
    def inject() -> dict[str, Any]:
        return {"section": "shop"}

    @bp.route("/")
    def shop_index() -> str:
        return driver.render_string("[{{ section }}]")

    @app.route("/")
    def index() -> str:
        return driver.render_string("[{{ section }}]")

    app.register_blueprint(bp)
    client = driver.client(app)
    assert client.get("/shop/").data == b"[shop]"
    assert client.get("/").data == b"[]"


@pytest.mark.spec("templates.context-processor.blueprint-app-wide")
def test_blueprint_app_context_processor_applies_everywhere(
    impl: Any, app: Any, driver: Any
) -> None:
    """A blueprint's app_context_processor applies to every request of the app."""
    bp = impl.Blueprint("common", __name__)

    @bp.app_context_processor
    def inject() -> dict[str, Any]:
        return {"brand": "acme"}

    @app.route("/")
    def index() -> str:
        return driver.render_string("{{ brand }}")

    app.register_blueprint(bp)
    assert driver.client(app).get("/").data == b"acme"


@pytest.mark.spec("templates.context-processor.nested-order")
def test_nested_blueprint_context_processors_order(impl: Any, app: Any, driver: Any) -> None:
    """Processors run app, then outer, then inner blueprint; the innermost value wins."""
    parent = impl.Blueprint("parent", __name__, url_prefix="/parent")
    child = impl.Blueprint("child", __name__, url_prefix="/child")
    calls: list[str] = []

    @app.context_processor
    def app_values() -> dict[str, Any]:
        calls.append("app")
        return {"who": "app", "app_only": "a"}

    @parent.context_processor
    def parent_values() -> dict[str, Any]:
        calls.append("parent")
        return {"who": "parent", "parent_only": "p"}

    @child.context_processor
    def child_values() -> dict[str, Any]:
        calls.append("child")
        return {"who": "child"}

    @child.route("/")
    def child_index() -> str:
        return driver.render_string("{{ who }} {{ app_only }} {{ parent_only }}")

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert driver.client(app).get("/parent/child/").data == b"child a p"
    assert calls == ["app", "parent", "child"]


@pytest.mark.spec("templates.context-processor.explicit-wins")
def test_explicit_context_overrides_processors(impl: Any, app: Any, driver: Any) -> None:
    """A variable passed to the render call overrides a context processor's value."""

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"title": "from processor", "other": "kept"}

    with driver.request_context(app):
        rendered = driver.render_string("{{ title }}/{{ other }}", title="explicit")
    assert rendered == "explicit/kept"


@pytest.mark.needs("async")
@pytest.mark.spec("templates.context-processor.async")
def test_async_context_processor(impl: Any, app: Any, driver: Any) -> None:
    """An ``async def`` context processor is awaited and its values injected."""

    @app.context_processor
    async def inject() -> dict[str, Any]:
        return {"source": "async"}

    with driver.app_context(app):
        assert driver.render_string("{{ source }}") == "async"


@pytest.mark.spec("templates.context-processor.update-template-context")
def test_update_template_context(app: Any, driver: Any) -> None:
    """app.update_template_context fills a dict in place, keeping the values already in it."""

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"a": "processor", "b": "processor"}

    context: dict[str, Any] = {"a": "mine"}
    with driver.request_context(app, "/here"):
        app.update_template_context(context)
        assert context["request"].path == "/here"
    assert context["a"] == "mine"
    assert context["b"] == "processor"
    assert "g" in context


# --- autoescaping ----------------------------------------------------------------------

HOSTILE = "<b>&'\"</b>"
ESCAPED = "&lt;b&gt;&amp;&#39;&#34;&lt;/b&gt;"


@pytest.mark.spec("templates.autoescape.markup-extensions")
@pytest.mark.parametrize("extension", [".html", ".htm", ".xml", ".xhtml", ".svg"])
def test_autoescape_on_for_markup_files(
    impl: Any, templated_app: Any, app_root: Path, extension: str, driver: Any
) -> None:
    """Templates ending in .html, .htm, .xml, .xhtml or .svg are autoescaped."""
    add_templates(app_root, {f"t{extension}": "{{ value }}"})
    with driver.app_context(templated_app):
        assert driver.render(f"t{extension}", value=HOSTILE) == ESCAPED


@pytest.mark.spec("templates.autoescape.other-extensions-off")
@pytest.mark.parametrize("name", ["t.txt", "t.jinja", "t.HTML"])
def test_autoescape_off_for_other_files(
    impl: Any, templated_app: Any, app_root: Path, name: str, driver: Any
) -> None:
    """Other templates (.txt, .jinja, and upper-case .HTML as in Flask) are not autoescaped."""
    add_templates(app_root, {name: "{{ value }}"})
    with driver.app_context(templated_app):
        assert driver.render(name, value=HOSTILE) == HOSTILE


@pytest.mark.spec("templates.autoescape.string")
def test_autoescape_on_for_string_templates(impl: Any, app: Any, driver: Any) -> None:
    """render_template_string always autoescapes."""
    with driver.app_context(app):
        assert driver.render_string("{{ value }}", value=HOSTILE) == ESCAPED


@pytest.mark.spec("templates.autoescape.select-function")
def test_select_jinja_autoescape(app: Any) -> None:
    """app.select_jinja_autoescape(name) is true for None and the markup extensions only."""
    for name in (None, "a.html", "a.htm", "a.xml", "a.xhtml", "dir/a.svg"):
        assert app.select_jinja_autoescape(name) is True
    for name in ("a.txt", "a.html.j2", "html", "a.HTML", ""):
        assert app.select_jinja_autoescape(name) is False


@pytest.mark.spec("templates.autoescape.safe-filter")
def test_safe_filter_disables_escaping(impl: Any, app: Any, driver: Any) -> None:
    """The ``|safe`` filter marks a value as safe so it is not escaped."""
    with driver.app_context(app):
        assert driver.render_string("{{ value|safe }}", value=HOSTILE) == HOSTILE


@pytest.mark.spec("templates.autoescape.markup")
def test_markup_values_not_escaped(impl: Any, app: Any, driver: Any) -> None:
    """A markupsafe.Markup value is inserted as is; its formatted arguments are escaped."""
    value = Markup("<em>{}</em>").format("<x>")
    with driver.app_context(app):
        assert driver.render_string("{{ value }}", value=value) == "<em>&lt;x&gt;</em>"


@pytest.mark.spec("templates.autoescape.block")
def test_autoescape_block(impl: Any, templated_app: Any, app_root: Path, driver: Any) -> None:
    """``{% autoescape false %}`` turns escaping off inside an autoescaped template."""
    add_templates(
        app_root,
        {"t.html": "{% autoescape false %}{{ v }}{% endautoescape %}|{{ v }}"},
    )
    with driver.app_context(templated_app):
        assert driver.render("t.html", v="<i>") == "<i>|&lt;i&gt;"


@pytest.mark.spec("templates.autoescape.rendered-output-is-str")
def test_rendered_output_is_plain_str(impl: Any, app: Any, driver: Any) -> None:
    """render_template_string returns a plain str, not Markup, so it is escaped if re-inserted."""
    with driver.app_context(app):
        inner = driver.render_string("<p>{{ v }}</p>", v="x")
        outer = driver.render_string("{{ inner }}", inner=inner)
    assert not isinstance(inner, Markup)
    assert outer == "&lt;p&gt;x&lt;/p&gt;"


# --- filters, tests and globals --------------------------------------------------------


@pytest.mark.spec("templates.filter.decorator")
def test_template_filter_decorator(impl: Any, app: Any, driver: Any) -> None:
    """``@app.template_filter()`` registers a filter in ``app.jinja_env.filters`` under the
    function's name and returns it."""

    def reverse(value: str) -> str:
        return value[::-1]

    assert app.template_filter()(reverse) is reverse
    with driver.app_context(app):
        assert driver.render_string("{{ 'abc'|reverse }}") == "cba"
    assert app.jinja_env.filters["reverse"] is reverse


@pytest.mark.spec("templates.filter.decorator-named")
def test_template_filter_decorator_named(impl: Any, app: Any, driver: Any) -> None:
    """@app.template_filter(name) registers the filter under the given name."""

    @app.template_filter("twice")
    def repeat(value: str) -> str:
        return value * 2

    with driver.app_context(app):
        assert driver.render_string("{{ 'ab'|twice }}") == "abab"
    assert "repeat" not in app.jinja_env.filters


@pytest.mark.spec("templates.filter.add")
def test_add_template_filter(impl: Any, app: Any, driver: Any) -> None:
    """app.add_template_filter registers a filter, under its own name or the one given."""

    def shout(value: str) -> str:
        return value.upper()

    app.add_template_filter(shout)
    app.add_template_filter(str.lower, "whisper")
    with driver.app_context(app):
        assert driver.render_string("{{ 'a'|shout }}{{ 'B'|whisper }}") == "Ab"


@pytest.mark.spec("templates.filter.arguments")
def test_template_filter_arguments(impl: Any, app: Any, driver: Any) -> None:
    """A custom filter receives the value first and then the arguments given in the template."""

    @app.template_filter()
    def surround(value: str, left: str, right: str = ")") -> str:
        return f"{left}{value}{right}"

    with driver.app_context(app):
        rendered = driver.render_string("{{ 'x'|surround('(') }}{{ 'y'|surround('[', ']') }}")
    assert rendered == "(x)[y]"


@pytest.mark.spec("templates.test.decorator")
def test_template_test_decorator(impl: Any, app: Any, driver: Any) -> None:
    """@app.template_test() and @app.template_test(name) register Jinja tests."""

    @app.template_test()
    def even_length(value: str) -> bool:
        return len(value) % 2 == 0

    @app.template_test("palindrome")
    def is_palindrome(value: str) -> bool:
        return value == value[::-1]

    source = "{{ 'ab' is even_length }} {{ 'abc' is even_length }} {{ 'aba' is palindrome }}"
    with driver.app_context(app):
        assert driver.render_string(source) == "True False True"


@pytest.mark.spec("templates.test.add")
def test_add_template_test(impl: Any, app: Any, driver: Any) -> None:
    """app.add_template_test registers a test, under its own name or the one given."""

    def positive(value: int) -> bool:
        return value > 0

    app.add_template_test(positive)
    app.add_template_test(lambda value: value < 0, "negative")
    with driver.app_context(app):
        assert driver.render_string("{{ 1 is positive }}{{ 1 is negative }}") == ("TrueFalse")


@pytest.mark.spec("templates.global.decorator")
def test_template_global_decorator(impl: Any, app: Any, driver: Any) -> None:
    """@app.template_global() and @app.template_global(name) register template globals."""

    @app.template_global()
    def answer() -> int:
        return 42

    @app.template_global("pi")
    def get_pi() -> float:
        return 3.14

    with driver.app_context(app):
        assert driver.render_string("{{ answer() }} {{ pi() }}") == "42 3.14"
    assert app.jinja_env.globals["answer"] is answer


@pytest.mark.spec("templates.global.add")
def test_add_template_global(impl: Any, app: Any, driver: Any) -> None:
    """app.add_template_global registers a global, under its own name or the one given."""

    def greeting() -> str:
        return "hi"

    app.add_template_global(greeting)
    app.add_template_global(lambda: "bye", "farewell")
    with driver.app_context(app):
        assert driver.render_string("{{ greeting() }} {{ farewell() }}") == "hi bye"


@pytest.mark.spec("templates.blueprint.app-template-helpers")
def test_blueprint_app_template_helpers(impl: Any, app: Any, driver: Any) -> None:
    """Blueprint app_template_filter/test/global and add_app_template_* register app-wide."""
    bp = impl.Blueprint("helpers", __name__)

    @bp.app_template_filter()
    def stars(value: str) -> str:
        return f"*{value}*"

    @bp.app_template_test("short")
    def is_short(value: str) -> bool:
        return len(value) < 3

    @bp.app_template_global()
    def site() -> str:
        return "S"

    bp.add_app_template_filter(str.upper, "up")
    bp.add_app_template_test(str.isdigit, "digits")
    bp.add_app_template_global(lambda: "G", "glob")
    app.register_blueprint(bp)

    @app.route("/")
    def index() -> str:
        return driver.render_string(
            "{{ 'a'|stars }} {{ 'ab' is short }} {{ site() }} {{ 'q'|up }} "
            "{{ '12' is digits }} {{ glob() }}"
        )

    assert driver.client(app).get("/").data == b"*a* True S Q True G"


@pytest.mark.spec("templates.blueprint.helpers-need-registration")
def test_blueprint_template_helpers_need_registration(impl: Any, app: Any) -> None:
    """A blueprint's app_template_filter is only installed once the blueprint is registered."""
    bp = impl.Blueprint("late", __name__)

    @bp.app_template_filter("late_filter")
    def late(value: str) -> str:
        return value

    assert "late_filter" not in app.jinja_env.filters
    app.register_blueprint(bp)
    assert app.jinja_env.filters["late_filter"] is late


# --- tojson ----------------------------------------------------------------------------


@pytest.mark.spec("templates.tojson.html-safe")
def test_tojson_is_html_safe(impl: Any, app: Any, driver: Any) -> None:
    """``|tojson`` escapes ``<>&'`` as \\u sequences, so its output is safe in HTML and JSON."""
    data = {"text": "</script><b>&'"}
    with driver.app_context(app):
        rendered = driver.render_string("{{ data|tojson }}", data=data)
    for character in "<>&'":
        assert character not in rendered
    assert "\\u003c/script\\u003e" in rendered
    assert "\\u0026" in rendered and "\\u0027" in rendered
    assert json.loads(rendered) == data


@pytest.mark.spec("templates.tojson.not-double-escaped")
def test_tojson_not_double_escaped(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """In an autoescaped template ``|tojson`` output is Markup: quotes are not HTML-escaped."""
    add_templates(app_root, {"s.html": "<script>var data = {{ data|tojson }};</script>"})
    with driver.app_context(templated_app):
        rendered = driver.render("s.html", data={"k": "v"})
    assert rendered == '<script>var data = {"k": "v"};</script>'


@pytest.mark.spec("templates.tojson.sorted-keys")
def test_tojson_sorts_keys(impl: Any, app: Any, driver: Any) -> None:
    """The default JSON provider makes ``|tojson`` sort object keys."""
    with driver.app_context(app):
        rendered = driver.render_string("{{ data|tojson }}", data={"b": 1, "a": 2})
    assert rendered == '{"a": 2, "b": 1}'


@pytest.mark.spec("templates.tojson.uses-json-provider")
def test_tojson_uses_app_json_provider(impl: Any, app: Any, driver: Any) -> None:
    """``|tojson`` serialises with the app's JSON provider (``app.json.dumps``)."""
    base = type(app.json)

    class TaggingProvider(base):  # type: ignore[valid-type, misc]
        def dumps(self, obj: Any, **kwargs: Any) -> str:
            return str(super().dumps({"wrapped": obj}, **kwargs))

    app.json = TaggingProvider(app)
    with driver.app_context(app):
        rendered = driver.render_string("{{ data|tojson }}", data=[1, "<"])
    assert json.loads(rendered) == {"wrapped": [1, "<"]}
    assert "<" not in rendered


# --- auto reload -----------------------------------------------------------------------


def _rewrite(path: Path, source: str) -> None:
    """Rewrite a template file and move its modification time clearly forward."""
    stat = path.stat()
    path.write_text(source, encoding="utf-8")
    os.utime(path, (stat.st_atime + 10, stat.st_mtime + 10))


@pytest.mark.spec("templates.auto-reload.enabled")
def test_auto_reload_enabled_reloads_changed_file(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """With TEMPLATES_AUTO_RELOAD true, a template file changed on disk is reloaded."""
    templated_app.config["TEMPLATES_AUTO_RELOAD"] = True
    add_templates(app_root, {"r.html": "one"})
    with driver.app_context(templated_app):
        assert driver.render("r.html") == "one"
        _rewrite(app_root / "templates" / "r.html", "two")
        assert driver.render("r.html") == "two"


@pytest.mark.spec("templates.auto-reload.disabled")
def test_auto_reload_disabled_keeps_cached_template(
    impl: Any, make_app: Callable[..., Any], app_root: Path, driver: Any
) -> None:
    """With TEMPLATES_AUTO_RELOAD false (even in debug) a loaded template stays cached."""
    app = make_app(root_path=str(app_root))
    app.config.update(TEMPLATES_AUTO_RELOAD=False, DEBUG=True)
    add_templates(app_root, {"r.html": "one"})
    with driver.app_context(app):
        assert driver.render("r.html") == "one"
        _rewrite(app_root / "templates" / "r.html", "two")
        assert driver.render("r.html") == "one"


@pytest.mark.spec("templates.auto-reload.default-follows-debug")
def test_auto_reload_default_follows_debug(
    impl: Any, make_app: Callable[..., Any], app_root: Path, driver: Any
) -> None:
    """TEMPLATES_AUTO_RELOAD defaults to None, meaning reload exactly when debug is on."""
    quiet = make_app(root_path=str(app_root))
    assert quiet.config["TEMPLATES_AUTO_RELOAD"] is None
    assert quiet.jinja_env.auto_reload is False
    app = make_app(root_path=str(app_root))
    app.config["DEBUG"] = True
    add_templates(app_root, {"r.html": "one"})
    with driver.app_context(app):
        assert driver.render("r.html") == "one"
        _rewrite(app_root / "templates" / "r.html", "two")
        assert driver.render("r.html") == "two"


@pytest.mark.spec("templates.auto-reload.debug-setter")
def test_setting_debug_enables_auto_reload(app: Any) -> None:
    """Setting app.debug after the environment exists switches auto_reload with it."""
    assert app.jinja_env.auto_reload is False
    app.debug = True
    assert app.jinja_env.auto_reload is True
    app.debug = False
    assert app.jinja_env.auto_reload is False


# --- explaining template loading -------------------------------------------------------


@pytest.fixture
def explain_app(impl: Any, templated_app: Any, app_root: Path, tmp_path: Path) -> Any:
    """An app explaining template loading, with two blueprints that have template folders."""
    templated_app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    add_templates(app_root, {"app.html": "app"})
    first = make_blueprint(impl, "first", tmp_path / "first", {"shared.html": "first"})
    second = make_blueprint(impl, "second", tmp_path / "second", {"shared.html": "second"})
    templated_app.register_blueprint(first)
    templated_app.register_blueprint(second)
    return templated_app


def _explanations(caplog: pytest.LogCaptureFixture, app: Any) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == app.logger.name and record.levelno == logging.INFO
    ]


@pytest.mark.spec("templates.explain-loading.found")
def test_explain_template_loading_logs_attempts(
    impl: Any, explain_app: Any, app_root: Path, caplog: pytest.LogCaptureFixture, driver: Any
) -> None:
    """EXPLAIN_TEMPLATE_LOADING logs, at INFO on app.logger, every loader tried and its result."""
    caplog.set_level(logging.INFO, logger=explain_app.logger.name)
    with driver.app_context(explain_app):
        assert driver.render("app.html") == "app"
    (message,) = _explanations(caplog, explain_app)
    lines = message.splitlines()
    assert lines[0] == "Locating template 'app.html':"
    assert lines[1] == "    1: trying loader of application 'conformance_app'"
    assert "       class: jinja2.loaders.FileSystemLoader" in lines
    assert f"         - {app_root / 'templates'}" in lines
    assert f"       -> found ({str(app_root / 'templates' / 'app.html')!r})" in lines
    assert "    2: trying loader of blueprint 'first' (conformance_first)" in lines
    assert "    3: trying loader of blueprint 'second' (conformance_second)" in lines
    assert lines.count("       -> no match") == 2
    assert not any(line.startswith(("Error", "Warning")) for line in lines)


@pytest.mark.spec("templates.explain-loading.not-found")
def test_explain_template_loading_not_found(
    impl: Any, explain_app: Any, caplog: pytest.LogCaptureFixture, driver: Any
) -> None:
    """A template no loader finds is explained with a closing error line."""
    caplog.set_level(logging.INFO, logger=explain_app.logger.name)
    with driver.app_context(explain_app), pytest.raises(jinja2.TemplateNotFound) as info:
        driver.render("nowhere.html")
    assert info.value.name == "nowhere.html"
    (message,) = _explanations(caplog, explain_app)
    lines = message.splitlines()
    assert lines[0] == "Locating template 'nowhere.html':"
    assert lines.count("       -> no match") == 3
    assert lines[-1] == "Error: the template could not be found."


@pytest.mark.spec("templates.explain-loading.multiple-matches")
def test_explain_template_loading_multiple_matches(
    impl: Any, explain_app: Any, caplog: pytest.LogCaptureFixture, driver: Any
) -> None:
    """A template found by several loaders is explained with a warning; the first one wins."""
    caplog.set_level(logging.INFO, logger=explain_app.logger.name)
    with driver.app_context(explain_app):
        assert driver.render("shared.html") == "first"
    (message,) = _explanations(caplog, explain_app)
    lines = message.splitlines()
    assert sum(line.startswith("       -> found (") for line in lines) == 2
    assert lines[-1] == "Warning: multiple loaders returned a match for the template."


@pytest.mark.spec("templates.explain-loading.blueprint-hint")
def test_explain_template_loading_blueprint_hint(
    impl: Any, explain_app: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture, driver: Any
) -> None:
    """Inside a blueprint's request a failed lookup adds a hint naming that blueprint."""
    bp = make_blueprint(impl, "third", tmp_path / "third")

    @bp.route("/third")
    def third() -> str:
        try:
            return driver.render("nowhere.html")
        except jinja2.TemplateNotFound:
            return "missing"

    explain_app.register_blueprint(bp)
    caplog.set_level(logging.INFO, logger=explain_app.logger.name)
    assert driver.client(explain_app).get("/third").data == b"missing"
    (message,) = _explanations(caplog, explain_app)
    assert message.splitlines()[-4:] == [
        "Error: the template could not be found.",
        "  The template was looked up from an endpoint that belongs to the blueprint 'third'.",
        "  Maybe you did not place a template in the right folder?",
        "  See https://flask.palletsprojects.com/blueprints/#templates",
    ]
    assert "trying loader of blueprint 'third'" not in message


@pytest.mark.spec("templates.explain-loading.off-by-default")
def test_template_loading_not_explained_by_default(
    impl: Any, templated_app: Any, app_root: Path, caplog: pytest.LogCaptureFixture, driver: Any
) -> None:
    """Without EXPLAIN_TEMPLATE_LOADING, template lookups log nothing."""
    assert templated_app.config["EXPLAIN_TEMPLATE_LOADING"] is False
    add_templates(app_root, {"x.html": "x"})
    caplog.set_level(logging.DEBUG, logger=templated_app.logger.name)
    with driver.app_context(templated_app):
        driver.render("x.html")
        with pytest.raises(jinja2.TemplateNotFound) as info:
            driver.render("y.html")
    assert info.value.name == "y.html"
    assert _explanations(caplog, templated_app) == []


# --- blueprint template folders and the loader -----------------------------------------


@pytest.mark.spec("templates.blueprint.folder")
def test_blueprint_template_folder(impl: Any, app: Any, tmp_path: Path, driver: Any) -> None:
    """Templates in a registered blueprint's template_folder can be rendered by name."""
    bp = make_blueprint(impl, "pages", tmp_path / "pages", {"pages/about.html": "about"})

    @bp.route("/about")
    def about() -> str:
        return driver.render("pages/about.html")

    app.register_blueprint(bp)
    assert driver.client(app).get("/about").data == b"about"
    with driver.app_context(app):
        assert driver.render("pages/about.html") == "about"


@pytest.mark.spec("templates.blueprint.app-first")
def test_app_templates_take_priority(
    impl: Any, templated_app: Any, app_root: Path, tmp_path: Path, driver: Any
) -> None:
    """The app's template folder is searched before any blueprint's, even in its views."""
    add_templates(app_root, {"page.html": "app"})
    bp = make_blueprint(impl, "bp", tmp_path / "bp", {"page.html": "blueprint"})

    @bp.route("/bp")
    def bp_page() -> str:
        return driver.render("page.html")

    templated_app.register_blueprint(bp)
    assert driver.client(templated_app).get("/bp").data == b"app"


@pytest.mark.spec("templates.blueprint.registration-order")
def test_blueprint_folders_in_registration_order(
    impl: Any, app: Any, tmp_path: Path, driver: Any
) -> None:
    """Blueprint template folders are searched in the order the blueprints were registered."""
    later = make_blueprint(impl, "later", tmp_path / "later", {"page.html": "later"})
    earlier = make_blueprint(impl, "earlier", tmp_path / "earlier", {"page.html": "earlier"})
    app.register_blueprint(earlier)
    app.register_blueprint(later)
    with driver.app_context(app):
        assert driver.render("page.html") == "earlier"


@pytest.mark.spec("templates.blueprint.nested-folder")
def test_nested_blueprint_template_folder(impl: Any, app: Any, tmp_path: Path, driver: Any) -> None:
    """A blueprint registered on another blueprint contributes its template folder too."""
    parent = make_blueprint(impl, "parent", tmp_path / "parent")
    child = make_blueprint(impl, "child", tmp_path / "child", {"child.html": "from child"})
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    with driver.app_context(app):
        assert driver.render("child.html") == "from child"


@pytest.mark.spec("templates.blueprint.jinja-loader")
def test_blueprint_jinja_loader(impl: Any, tmp_path: Path) -> None:
    """A blueprint's jinja_loader searches its template folder, and is None without one."""
    with_folder = make_blueprint(impl, "with", tmp_path / "with", {"w.html": "w"})
    without = make_blueprint(impl, "without", tmp_path / "without")
    assert without.jinja_loader is None
    loader = with_folder.jinja_loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    assert loader.list_templates() == ["w.html"]


@pytest.mark.spec("templates.loader.app-jinja-loader")
def test_app_jinja_loader(templated_app: Any, app_root: Path) -> None:
    """app.jinja_loader is a FileSystemLoader over root_path/template_folder."""
    loader = templated_app.jinja_loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    assert [os.path.normpath(p) for p in loader.searchpath] == [str(app_root / "templates")]


@pytest.mark.spec("templates.loader.list-templates")
def test_list_templates(impl: Any, templated_app: Any, app_root: Path, tmp_path: Path) -> None:
    """jinja_env.list_templates() lists the app's and the blueprints' templates."""
    add_templates(app_root, {"a.html": "", "sub/b.html": "", "shared.html": ""})
    templated_app.register_blueprint(
        make_blueprint(impl, "bp", tmp_path / "bp", {"c.txt": "", "shared.html": ""})
    )
    names = templated_app.jinja_env.list_templates()
    assert sorted(names) == ["a.html", "c.txt", "shared.html", "sub/b.html"]


# --- inheritance -----------------------------------------------------------------------

BASE = (
    "<title>{% block title %}Base{% endblock %}</title>"
    "<main>{% block body %}base body{% endblock %}</main>"
)


@pytest.mark.spec("templates.inheritance.extends-block")
def test_extends_and_block(impl: Any, templated_app: Any, app_root: Path, driver: Any) -> None:
    """A child template extends a base and replaces the blocks it defines, keeping the rest."""
    add_templates(
        app_root,
        {
            "base.html": BASE,
            "child.html": '{% extends "base.html" %}{% block body %}child{% endblock %}',
        },
    )
    with driver.app_context(templated_app):
        rendered = driver.render("child.html")
    assert rendered == "<title>Base</title><main>child</main>"


@pytest.mark.spec("templates.inheritance.super")
def test_super_renders_parent_block(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """``{{ super() }}`` inside a block renders the parent's content of that block."""
    add_templates(
        app_root,
        {
            "base.html": BASE,
            "child.html": '{% extends "base.html" %}'
            "{% block title %}{{ super() }} - Child{% endblock %}",
        },
    )
    with driver.app_context(templated_app):
        rendered = driver.render("child.html")
    assert rendered == "<title>Base - Child</title><main>base body</main>"


@pytest.mark.spec("templates.inheritance.context")
def test_inheritance_shares_context(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """Base and child templates see the same render context, and includes see it too."""
    add_templates(
        app_root,
        {
            "base.html": "{% block body %}{% endblock %}[{{ name }}]",
            "part.html": "({{ name }})",
            "child.html": '{% extends "base.html" %}'
            '{% block body %}{% include "part.html" %}{% endblock %}',
        },
    )
    with driver.app_context(templated_app):
        assert driver.render("child.html", name="n") == "(n)[n]"


@pytest.mark.spec("templates.inheritance.across-folders")
def test_blueprint_template_extends_app_base(
    impl: Any, templated_app: Any, app_root: Path, tmp_path: Path, driver: Any
) -> None:
    """A blueprint template can extend a base template from the app's folder."""
    add_templates(app_root, {"base.html": BASE})
    bp = make_blueprint(
        impl,
        "blog",
        tmp_path / "blog",
        {"blog/post.html": '{% extends "base.html" %}{% block title %}Post{% endblock %}'},
    )
    templated_app.register_blueprint(bp)
    with driver.app_context(templated_app):
        assert driver.render("blog/post.html") == "<title>Post</title><main>base body</main>"


# --- signals ---------------------------------------------------------------------------


@pytest.fixture
def recorded(impl: Any, app: Any) -> Iterator[list[tuple[str, Any, Any, dict[str, Any]]]]:
    """Record (signal name, sender, template, context) for both template signals of ``app``."""
    events: list[tuple[str, Any, Any, dict[str, Any]]] = []

    def before(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        events.append(("before", sender, template, dict(context)))

    def after(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        events.append(("rendered", sender, template, dict(context)))

    with (
        impl.before_render_template.connected_to(before, app),
        impl.template_rendered.connected_to(after, app),
    ):
        yield events


@pytest.mark.spec("templates.signals.before-and-rendered")
def test_template_signals(
    impl: Any, app: Any, recorded: list[tuple[str, Any, Any, dict[str, Any]]], driver: Any
) -> None:
    """before_render_template then template_rendered are sent with the app, template, context."""
    with driver.request_context(app):
        driver.render_string("{{ value }}", value=1)
    assert [event[0] for event in recorded] == ["before", "rendered"]
    for _name, sender, template, context in recorded:
        assert sender is app
        assert isinstance(template, jinja2.Template)
        assert template.render(value=5) == "5"
        assert context["value"] == 1
    assert recorded[0][2] is recorded[1][2]


@pytest.mark.spec("templates.signals.template-name")
def test_template_signals_template_name(
    impl: Any, make_app: Callable[..., Any], app_root: Path, driver: Any
) -> None:
    """The template sent with template_rendered is the loaded file template (its name is set)."""
    app = make_app(root_path=str(app_root))
    add_templates(app_root, {"named.html": "n"})
    names: list[str | None] = []

    def receiver(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        names.append(template.name)

    with impl.template_rendered.connected_to(receiver, app), driver.app_context(app):
        driver.render("named.html")
    assert names == ["named.html"]


@pytest.mark.spec("templates.signals.context-includes-processors")
def test_template_signal_context_is_full(
    impl: Any, app: Any, recorded: list[tuple[str, Any, Any, dict[str, Any]]], driver: Any
) -> None:
    """The signalled context includes context-processor values, ``g`` and ``request``."""

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"injected": True}

    with driver.request_context(app, "/p"):
        driver.render_string("x", explicit=1)
    context = recorded[0][3]
    assert context["explicit"] == 1
    assert context["injected"] is True
    assert context["request"].path == "/p"
    assert "g" in context


@pytest.mark.spec("templates.signals.before-can-modify-context")
def test_before_render_template_can_modify_context(impl: Any, app: Any, driver: Any) -> None:
    """A before_render_template receiver may change the context the template renders with."""

    def receiver(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        context["who"] = "receiver"

    with impl.before_render_template.connected_to(receiver, app), driver.app_context(app):
        assert driver.render_string("{{ who }}", who="caller") == "receiver"


@pytest.mark.needs("sync-streaming")
@pytest.mark.spec("templates.signals.stream")
def test_template_signals_when_streaming(
    impl: Any, app: Any, recorded: list[tuple[str, Any, Any, dict[str, Any]]], driver: Any
) -> None:
    """Streaming sends before_render_template at once and template_rendered when exhausted."""
    with driver.app_context(app):
        stream = impl.stream_template_string("{% for i in range(3) %}{{ i }}{% endfor %}")
        assert [event[0] for event in recorded] == ["before"]
        assert "".join(stream) == "012"
    assert [event[0] for event in recorded] == ["before", "rendered"]


@pytest.mark.needs("async")
@pytest.mark.spec("templates.signals.async-receiver")
def test_template_signals_async_receiver(impl: Any, app: Any, driver: Any) -> None:
    """An ``async def`` receiver of template_rendered is run (through app.ensure_sync)."""
    seen: list[Any] = []

    async def receiver(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        seen.append(sender)

    with impl.template_rendered.connected_to(receiver, app), driver.app_context(app):
        driver.render_string("x")
    assert seen == [app]


# --- the environment and jinja_options -------------------------------------------------


class ShoutExtension(Extension):
    """A Jinja extension adding a ``shout`` filter, to prove jinja_options reach the env."""

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.filters["shout"] = lambda value: f"{value}!".upper()


@pytest.mark.spec("templates.jinja-options.extensions")
def test_jinja_options_extensions(impl: Any, app: Any, driver: Any) -> None:
    """Extensions listed in app.jinja_options are loaded into the environment."""
    app.jinja_options = {
        **app.jinja_options,
        "extensions": [ShoutExtension, "jinja2.ext.loopcontrols"],
    }
    source = (
        "{{ 'hey'|shout }}"
        "{% for i in range(5) %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}"
    )
    with driver.app_context(app):
        assert driver.render_string(source) == "HEY!01"


@pytest.mark.spec("templates.jinja-options.override-defaults")
def test_jinja_options_override_defaults(impl: Any, app: Any, driver: Any) -> None:
    """Options in app.jinja_options override the app's defaults (here autoescape, trim_blocks)."""
    app.jinja_options = {"autoescape": False, "trim_blocks": True}
    with driver.app_context(app):
        rendered = driver.render_string("{% if true %}\n{{ v }}{% endif %}", v="<i>")
    assert rendered == "<i>"
    assert app.jinja_options == {"autoescape": False, "trim_blocks": True}


@pytest.mark.spec("templates.jinja-env.cached")
def test_jinja_env_is_cached(app: Any) -> None:
    """app.jinja_env is created once and is a jinja2.Environment subclass bound to the app."""
    env = app.jinja_env
    assert env is app.jinja_env
    assert isinstance(env, jinja2.Environment)
    assert isinstance(env, app.jinja_environment)


@pytest.mark.spec("templates.jinja-env.environment-class")
def test_jinja_environment_class_attribute(impl: Any, app: Any, driver: Any) -> None:
    """A Flask subclass's jinja_environment attribute chooses the environment class used."""

    class CustomEnvironment(impl.Flask.jinja_environment):
        pass

    class CustomFlask(impl.Flask):
        jinja_environment = CustomEnvironment

    custom = CustomFlask("conformance_custom")
    assert type(custom.jinja_env) is CustomEnvironment
    with driver.app_context(custom):
        assert driver.render_string("{{ 1 + 1 }}") == "2"


@pytest.mark.spec("templates.jinja-env.default-globals")
def test_jinja_env_default_globals(impl: Any, app: Any) -> None:
    """The environment's globals hold url_for, get_flashed_messages, config, request, session, g."""
    env_globals = app.jinja_env.globals
    for name in ("url_for", "get_flashed_messages", "config", "request", "session", "g"):
        assert name in env_globals
    assert env_globals["config"] is app.config
    assert env_globals["get_flashed_messages"] is impl.get_flashed_messages


@pytest.mark.spec("templates.context-processor.blueprint-default-context")
def test_blueprint_requests_reapply_the_default_context(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """In a blueprint's request the default context (``g``) is applied again after the app's
    processors, so an app processor cannot replace ``g`` there (observed Flask 3.1)."""
    app.context_processor(lambda: {"g": "from-app", "x": "from-app"})
    bp = impl.Blueprint("bp", __name__)
    bp.add_url_rule("/b", "b", lambda: driver.render_string("{{ g is string }} {{ x }}"))
    app.add_url_rule("/a", "a", lambda: driver.render_string("{{ g is string }} {{ x }}"))
    app.register_blueprint(bp)
    assert client.get("/a").data == b"True from-app"
    assert client.get("/b").data == b"False from-app"


@pytest.mark.spec("templates.get-template-attribute.macro")
def test_get_template_attribute_returns_a_macro(
    impl: Any, templated_app: Any, app_root: Path, driver: Any
) -> None:
    """``get_template_attribute(name, attribute)`` returns a template's macro as a callable."""
    add_templates(
        app_root, {"macros.html": "{% macro hello(name) %}Hello {{ name }}!{% endmacro %}"}
    )
    with driver.app_context(templated_app):
        hello = impl.get_template_attribute("macros.html", "hello")
        assert hello("<World>") == "Hello &lt;World&gt;!"
