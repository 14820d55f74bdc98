"""The driver: how the suite runs a product.

Spec tests never call a product's test client, push its contexts, render its
templates or run its commands directly: they ask the ``driver`` fixture, an
instance of a :class:`Driver` subclass chosen for the implementation under test.
A driver presents one synchronous interface over products of any kind (a WSGI
product's own objects, or an async product run on an event loop), and declares
the capabilities of its product (``conformance.drivers.capabilities``).

View bodies are written once: where view code reads something a product may
make awaitable (``request.get_json()``, ``render_template_string(...)``), it
wraps the value in ``driver.resolve(...)``.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any, ClassVar


class Driver(abc.ABC):
    """The suite's synchronous interface to one product.

    Subclasses set :attr:`name` and :attr:`capabilities` and implement the
    abstract methods. ``products`` lists the top-level module names the driver
    is chosen for without ``--driver``.
    """

    name: ClassVar[str]
    """A short name shown in the run's header and results."""

    capabilities: ClassVar[frozenset[str]]
    """The capabilities of the product (names from ``CAPABILITIES``)."""

    absent_features: ClassVar[frozenset[str]] = frozenset()
    """Optional features of the contract the product leaves out by its nature (``wsgi``)."""

    products: ClassVar[tuple[str, ...]] = ()
    """Module names this driver is the default for (``quart``)."""

    renamed: ClassVar[Mapping[str, str]] = {}
    """Contract names the product spells differently: ``{"Flask": "Quart"}``.

    The suite then sees the product's module under the contract's names (see
    :class:`conformance.drivers.names.RenamedModule`).
    """

    def __init__(self, impl: ModuleType) -> None:
        self.impl = impl

    @abc.abstractmethod
    def client(self, app: Any) -> Any:
        """Return a synchronous test client for ``app``.

        Its methods (``get``, ``post``, ``open``, ...) take Flask's test-client
        arguments and return a response with ``status_code``, ``headers``,
        ``data``, ``text``, ``get_json()`` and ``get_data()``.
        """

    @abc.abstractmethod
    def cli_runner(self, app: Any) -> Any:
        """Return a CLI runner whose ``invoke`` runs the app's commands."""

    @abc.abstractmethod
    def app_context(self, app: Any) -> AbstractContextManager[Any]:
        """Return a context manager that pushes an application context of ``app``."""

    @abc.abstractmethod
    def request_context(self, app: Any, *args: Any, **kwargs: Any) -> AbstractContextManager[Any]:
        """Return a context manager pushing a request context built from test-client arguments."""

    @abc.abstractmethod
    def resolve(self, value: Any) -> Any:
        """Return ``value``, or what it produces if the product made it awaitable.

        Called from test code and from view code running inside the product.
        """

    def close(self) -> None:  # noqa: B027 - most drivers start nothing
        """Release what the driver started (an event loop, threads); called once at the end."""

    def render_string(self, source: str, **context: Any) -> str:
        """Render a template string with the product's ``render_template_string``."""
        return str(self.resolve(self.impl.render_template_string(source, **context)))

    def render(self, template_name: str | Iterable[str], **context: Any) -> str:
        """Render a named template with the product's ``render_template``."""
        return str(self.resolve(self.impl.render_template(template_name, **context)))

    def missing_capabilities(self, needed: Iterable[str]) -> list[str]:
        """Return the capabilities among ``needed`` that this driver's product lacks."""
        return [name for name in needed if name not in self.capabilities]
