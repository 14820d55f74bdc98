"""The conformance pytest plugin: chooses the implementation under test and checks spec IDs."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conformance.spec import check_spec_id

CONFORMANCE_DIR = Path(__file__).resolve().parent


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "Flask API conformance")
    group.addoption(
        "--impl",
        default=os.environ.get("CONFORMANCE_IMPL", "framework"),
        help="module name of the Flask-compatible implementation under test "
        "(default: $CONFORMANCE_IMPL, else 'framework')",
    )
    group.addoption(
        "--reference",
        default=None,
        help="module of a reference implementation for differential tests (e.g. flask)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spec(id): the specification clause a conformance test checks")


def _is_conformance_item(item: pytest.Item) -> bool:
    return CONFORMANCE_DIR in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    errors = []
    for item in items:
        if not _is_conformance_item(item):
            continue
        marks = list(item.iter_markers("spec"))
        if not marks:
            errors.append(f"{item.nodeid}: no @pytest.mark.spec(...) marker")
            continue
        problem = check_spec_id(marks[0].args[0] if marks[0].args else None)
        if problem:
            errors.append(f"{item.nodeid}: {problem}")
    if errors:
        raise pytest.UsageError("conformance tests with bad spec IDs:\n  " + "\n  ".join(errors))


def load_impl(name: str) -> ModuleType:
    """Import the implementation module ``name``, failing with a one-line message."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise pytest.UsageError(f"--impl {name}: cannot import module {name!r}: {exc}") from None


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The module under test, exposing Flask's public names (``Flask``, ``request``, ...)."""
    return load_impl(request.config.getoption("--impl"))


@pytest.fixture
def make_app(impl: ModuleType) -> Callable[..., Any]:
    """Return a factory building a testing-mode app through the implementation under test."""

    def factory(import_name: str = "conformance_app", **kwargs: Any) -> Any:
        app = impl.Flask(import_name, **kwargs)
        app.config.update(TESTING=True, SECRET_KEY="conformance secret")
        return app

    return factory


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    """A fresh application in testing mode with a secret key."""
    return make_app()


@pytest.fixture
def client(app: Any) -> Any:
    """The app's test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    """The app's CLI test runner."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def reference(request: pytest.FixtureRequest) -> ModuleType | None:
    """The reference implementation named by ``--reference`` for differential tests, or None."""
    name = request.config.getoption("--reference")
    return load_impl(name) if name else None
