"""Tests of the drivers: choosing one, capabilities as not-applicable tests, renamed names.

The Quart driver itself runs in the matrix's Quart environment (Quart is not a
dependency of this project); here it is checked only for what needs no Quart.
"""

from __future__ import annotations

import ast
import contextvars
import json
import types
from pathlib import Path
from typing import Any

import pytest
from stand_in import SUITE_INI

from conformance.drivers import (
    BUILTIN_DRIVERS,
    CAPABILITIES_BY_NAME,
    Driver,
    DriverError,
    QuartDriver,
    WsgiDriver,
    driver_class,
)
from conformance.drivers.names import RenamedModule, product_module
from conformance.drivers.quart import _request_options, step

pytest_plugins = ["pytester"]

REPOSITORY = Path(__file__).resolve().parent.parent


FAKE_IMPL = '''
"""A stand-in implementation whose driver is named in the module."""

__conformance_driver__ = "fakedriver:LimitedDriver"


class Flask:
    def __init__(self, import_name, **kwargs):
        self.import_name = import_name
        self.config = {}

    def test_client(self):
        return ("client", self)
'''

FAKE_DRIVER = '''
from conformance.drivers import WsgiDriver


class LimitedDriver(WsgiDriver):
    """A WSGI driver whose product cannot stream from plain generators."""

    name = "limited"
    capabilities = WsgiDriver.capabilities - {"sync-streaming"}
'''

SUITE = '''
import pytest


@pytest.mark.spec("streaming.generator.plain")
@pytest.mark.needs("sync-streaming")
def test_streams(driver, app):
    """A test needing plain generators as response bodies."""
    assert False, "would fail"


@pytest.mark.spec("streaming.generator.client")
def test_client_from_driver(driver, client, app):
    """The client fixture comes from the driver."""
    assert driver.name == "limited"
    assert client == ("client", app)
'''


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester folder with a fake implementation that names its own driver."""
    pytester.makefile(".ini", pytest=SUITE_INI)
    pytester.makeconftest("from conformance.fixtures import *  # noqa: F403\n")
    pytester.makepyfile(fakeimpl=FAKE_IMPL, fakedriver=FAKE_DRIVER, test_streams=SUITE)
    pytester.syspathinsert()
    return pytester


def test_lacking_capability_makes_a_test_not_applicable(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--impl", "fakeimpl", "--conformance-json", "run.json")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*driver limited*", "*1 passed, 1 not applicable*"])
    document = json.loads((suite.path / "run.json").read_text())
    assert document["selection"]["driver"] == "limited"
    assert document["selection"]["lacking_capabilities"] == ["sync-streaming"]
    outcomes = {test["key"]: test for test in document["tests"]}
    plain = outcomes["streaming.generator.plain"]
    assert plain["outcome"] == "not-applicable"
    assert plain["message"].startswith(
        "not applicable: the product's driver (limited) lacks sync-streaming"
    )


def test_driver_option_overrides_the_module(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--impl", "fakeimpl", "--driver", "wsgi", "-q")
    # with the full WSGI driver the capability is there: the test runs and fails
    result.assert_outcomes(failed=2)


def test_unknown_driver_is_a_usage_error(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--impl", "fakeimpl", "--driver", "nosuch")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --driver nosuch: not a built-in driver (quart, wsgi) nor MODULE:CLASS"]
    )


def test_unknown_capability_in_a_marker_is_a_collection_error(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_bad='''
        import pytest

        @pytest.mark.spec("streaming.generator.bad")
        @pytest.mark.needs("teleport")
        def test_bad():
            """A test needing nothing that exists."""
        '''
    )
    result = suite.runpytest("--impl", "fakeimpl", "test_bad.py")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*names no optional feature or capability*"])


@pytest.mark.parametrize(
    ("named", "message"),
    [
        ("nocolon", "not a built-in driver"),
        ("no_such_module_here:Driver", "cannot import no_such_module_here"),
        ("json:dumps", "json.dumps is not a subclass of conformance.drivers.Driver"),
    ],
)
def test_bad_driver_names_explain_themselves(named: str, message: str) -> None:
    with pytest.raises(DriverError, match=message):
        driver_class(named, types.ModuleType("anything"))


def test_driver_is_found_from_the_module_name() -> None:
    assert driver_class(None, types.ModuleType("quart")) is QuartDriver
    assert driver_class(None, types.ModuleType("quart.extra")) is QuartDriver
    assert driver_class(None, types.ModuleType("flask")) is WsgiDriver
    assert set(BUILTIN_DRIVERS) == {"wsgi", "quart"}


def test_builtin_drivers_declare_known_capabilities() -> None:
    for driver in BUILTIN_DRIVERS.values():
        assert set(driver.capabilities) <= set(CAPABILITIES_BY_NAME)
    assert WsgiDriver.capabilities == frozenset(CAPABILITIES_BY_NAME)
    assert "werkzeug-test-client" not in QuartDriver.capabilities
    assert QuartDriver.absent_features == {"wsgi"}


def test_wsgi_driver_hands_over_the_products_own_objects() -> None:
    calls: list[Any] = []

    class App:
        def test_client(self) -> str:
            return "client"

        def app_context(self) -> str:
            calls.append("app_context")
            return "app ctx"

        def test_request_context(self, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
            return ("request ctx", args, kwargs)

    impl = types.SimpleNamespace(render_template_string=lambda source, **context: source.upper())
    driver = WsgiDriver(impl)  # type: ignore[arg-type]
    assert driver.client(App()) == "client"
    assert driver.app_context(App()) == "app ctx"  # type: ignore[comparison-overlap]
    assert driver.request_context(App(), "/x", method="POST") == (  # type: ignore[comparison-overlap]
        "request ctx",
        ("/x",),
        {"method": "POST"},
    )
    assert driver.render_string("hi {{ name }}", name="x") == "HI {{ NAME }}"
    sentinel = object()
    assert driver.resolve(sentinel) is sentinel
    assert isinstance(driver, Driver)


def test_renamed_module_shows_the_product_under_the_contracts_names() -> None:
    product = types.ModuleType("product")
    product.Quart = type("Quart", (), {})  # type: ignore[attr-defined]
    product.request = "the request"  # type: ignore[attr-defined]
    cli = types.ModuleType("product.cli")
    cli.QuartGroup = "group"  # type: ignore[attr-defined]
    product.cli = cli  # type: ignore[attr-defined]
    view = product_module(product, {"Flask": "Quart", "cli.FlaskGroup": "cli.QuartGroup"})
    assert isinstance(view, RenamedModule)
    assert view.Flask is product.Quart  # type: ignore[attr-defined]
    assert view.request == "the request"
    assert view.cli.FlaskGroup == "group"
    assert view.__name__ == "product"
    assert "Flask" in dir(view)
    with pytest.raises(AttributeError):
        view.missing
    assert product_module(product, {}) is product


def test_step_runs_a_coroutine_in_the_calling_context() -> None:
    variable: contextvars.ContextVar[str] = contextvars.ContextVar("variable", default="unset")

    async def push() -> str:
        variable.set("pushed")
        return "done"

    assert step(push()) == "done"
    assert variable.get() == "pushed"

    class Pending:
        def __await__(self) -> Any:
            yield "a future"

    async def waits() -> None:
        await Pending()

    with pytest.raises(RuntimeError, match="cannot step it"):
        step(waits())


def test_flask_request_arguments_translate_to_quarts() -> None:
    path, options = _request_options(
        "http://example.test/a/b?x=1",
        method="POST",
        data={"name": "value"},
        headers={"X-One": "1"},
        content_type="application/x-www-form-urlencoded",
    )
    assert path == "/a/b"
    assert options == {
        "query_string": b"x=1",
        "headers": {
            "X-One": "1",
            "Host": "example.test",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        "scheme": "http",
        "form": {"name": "value"},
        "method": "POST",
    }
    with pytest.raises(TypeError, match="cannot translate environ_base"):
        _request_options("/", environ_base={})


DIRECT_CALLS = {
    "test_client": "driver.client(app)",
    "test_cli_runner": "driver.cli_runner(app)",
}
DIRECT_WITH = {
    "app_context": "driver.app_context(app)",
    "test_request_context": "driver.request_context(app, ...)",
}
DIRECT_RENDERING = {
    "render_template_string": "driver.render_string(...)",
    "render_template": "driver.render(...)",
}


def _direct_uses(path: Path) -> list[str]:
    """Return where a spec file calls the product's test client, contexts or rendering itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module_marks = [
        ast.unparse(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets
        )
    ]
    if any("werkzeug-test-client" in mark or "'wsgi'" in mark for mark in module_marks):
        return []  # the whole file is about werkzeug's client or the WSGI level
    with_items = {
        id(item.context_expr)
        for node in ast.walk(tree)
        if isinstance(node, ast.With)
        for item in node.items
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attribute, owner = node.func.attr, node.func.value
        instead = None
        if attribute in DIRECT_CALLS and not node.args and not node.keywords:
            instead = DIRECT_CALLS[attribute]
        elif attribute in DIRECT_WITH and id(node) in with_items:
            instead = DIRECT_WITH[attribute]
        elif attribute in DIRECT_RENDERING and isinstance(owner, ast.Name) and owner.id == "impl":
            instead = DIRECT_RENDERING[attribute]
        if instead and not (isinstance(owner, ast.Name) and owner.id == "driver"):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)} (use {instead})")
    return found


def test_spec_tests_reach_the_product_through_the_driver() -> None:
    """No spec test calls a product's test client, contexts or rendering directly."""
    found = [
        use
        for path in sorted((REPOSITORY / "conformance").glob("test_*.py"))
        for use in _direct_uses(path)
    ]
    assert found == []


def test_the_direct_use_check_sees_direct_uses(tmp_path: Path) -> None:
    spec = tmp_path / "test_sample.py"
    spec.write_text(
        "def test_a(app, impl, driver):\n"
        "    app.test_client().get('/')\n"
        "    with app.app_context():\n"
        "        impl.render_template_string('x')\n"
        "    ctx = app.app_context()\n"
        "    with driver.app_context(app):\n"
        "        driver.render_string('x')\n",
        encoding="utf-8",
    )
    assert sorted(use.split(":", 2)[1] for use in _direct_uses(spec)) == ["2", "3", "4"]
