"""Choosing the driver for an implementation: named with ``--driver`` or found from the module."""

from __future__ import annotations

import importlib
from types import ModuleType

from conformance.drivers.base import Driver
from conformance.drivers.quart import QuartDriver
from conformance.drivers.wsgi import WsgiDriver

BUILTIN_DRIVERS: dict[str, type[Driver]] = {
    WsgiDriver.name: WsgiDriver,
    QuartDriver.name: QuartDriver,
}
"""The drivers the suite ships, by name."""


class DriverError(Exception):
    """A driver named with ``--driver`` cannot be used; the message names the problem."""


def driver_class(option: str | None, impl: ModuleType) -> type[Driver]:
    """Return the driver class for ``impl``.

    ``option`` is ``--driver``'s value: a built-in driver's name (``wsgi``,
    ``quart``) or ``package.module:ClassName`` for a third party's own driver.
    Without it, a module may name its driver in a ``__conformance_driver__``
    attribute (the same forms); otherwise a built-in driver listing the module's
    top-level package in ``products`` is used, and the WSGI driver by default.
    """
    named = option or getattr(impl, "__conformance_driver__", None)
    if named:
        return _named_driver(str(named))
    top = impl.__name__.partition(".")[0]
    for candidate in BUILTIN_DRIVERS.values():
        if top in candidate.products:
            return candidate
    return WsgiDriver


def _named_driver(named: str) -> type[Driver]:
    if named in BUILTIN_DRIVERS:
        return BUILTIN_DRIVERS[named]
    module_name, colon, attribute = named.partition(":")
    if not colon or not module_name or not attribute:
        choices = ", ".join(sorted(BUILTIN_DRIVERS))
        raise DriverError(f"--driver {named}: not a built-in driver ({choices}) nor MODULE:CLASS")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise DriverError(f"--driver {named}: cannot import {module_name}: {exc}") from exc
    found = getattr(module, attribute, None)
    if not (isinstance(found, type) and issubclass(found, Driver)):
        raise DriverError(
            f"--driver {named}: {module_name}.{attribute} is not a subclass of "
            "conformance.drivers.Driver"
        )
    return found
