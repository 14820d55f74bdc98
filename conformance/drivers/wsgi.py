"""The driver for synchronous WSGI products shaped like Flask (Flask, the framework)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, ClassVar

from conformance.drivers.base import Driver
from conformance.drivers.capabilities import CAPABILITIES


class WsgiDriver(Driver):
    """Runs a WSGI product through its own objects: its test client, contexts and runner.

    Nothing is adapted, so a failure seen through this driver is the product's.
    """

    name: ClassVar[str] = "wsgi"
    capabilities: ClassVar[frozenset[str]] = frozenset(
        capability.name for capability in CAPABILITIES
    )

    def client(self, app: Any) -> Any:
        """Return ``app.test_client()``."""
        return app.test_client()

    def cli_runner(self, app: Any) -> Any:
        """Return ``app.test_cli_runner()``."""
        return app.test_cli_runner()

    def app_context(self, app: Any) -> AbstractContextManager[Any]:
        """Return ``app.app_context()``."""
        return app.app_context()

    def request_context(self, app: Any, *args: Any, **kwargs: Any) -> AbstractContextManager[Any]:
        """Return ``app.test_request_context(*args, **kwargs)``."""
        return app.test_request_context(*args, **kwargs)

    def resolve(self, value: Any) -> Any:
        """Return ``value`` unchanged: a WSGI product makes nothing awaitable."""
        return value
