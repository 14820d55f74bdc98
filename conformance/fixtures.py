"""What spec tests receive: fixtures, markers and the suite's Hypothesis profile.

The conformance suite's own tests get them from ``conformance/conftest.py``
(``from conformance.fixtures import *``), so that an installed plugin adds no
fixture, marker or profile to other projects' test runs. A folder of extra spec
tests (the ``conformance_paths`` ini option) gets them the same way from its own
``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from conformance.drivers import Driver
from conformance.implementation import Implementation, ImplementationError, testing_app
from conformance.profiles import activate_profile
from conformance.run import run_of

__all__ = [
    "app",
    "client",
    "driver",
    "impl",
    "make_app",
    "pytest_configure",
    "reference",
    "runner",
]

MARKERS = (
    "spec(id): the specification rule a conformance test checks",
    "needs(name, ...): optional features of the contract, or capabilities of the product's "
    "driver, a conformance test needs",
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the suite's markers and choose the Hypothesis profile for its tests."""
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    activate_profile()


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The module under test, exposing Flask's public names (``Flask``, ``request``, ...).

    A name the implementation lacks raises an AttributeError saying so.
    """
    run = run_of(request.config)
    try:
        return Implementation(run.load(run.impl_name))
    except ImplementationError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def driver(request: pytest.FixtureRequest, impl: ModuleType) -> Iterator[Driver]:
    """The driver that runs the product: its test client, contexts, rendering and CLI.

    Spec tests go through it rather than calling the product's test client, contexts
    or template functions themselves, so that one test serves WSGI and async products.
    """
    run = run_of(request.config)
    product_driver = run.driver_class(impl)
    yield product_driver
    product_driver.close()


@pytest.fixture
def make_app(impl: ModuleType) -> Callable[..., Any]:
    """Return a factory building a testing-mode app through the implementation under test."""

    def factory(import_name: str = "conformance_app", **kwargs: Any) -> Any:
        return testing_app(impl, import_name, **kwargs)

    return factory


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    """A fresh application in testing mode with a secret key."""
    return make_app()


@pytest.fixture
def client(driver: Driver, app: Any) -> Any:
    """The app's test client, from the driver."""
    return driver.client(app)


@pytest.fixture
def runner(driver: Driver, app: Any) -> Any:
    """The app's CLI test runner, from the driver."""
    return driver.cli_runner(app)


@pytest.fixture(scope="session")
def reference(request: pytest.FixtureRequest) -> ModuleType | None:
    """The reference implementation named by ``--reference`` for differential tests, or None."""
    run = run_of(request.config)
    if not run.reference_name:
        return None
    try:
        return Implementation(run.load(run.reference_name, "--reference"))
    except ImplementationError as exc:
        pytest.fail(str(exc), pytrace=False)
