"""Drivers: how the suite runs a product (see :mod:`conformance.drivers.base`)."""

from conformance.drivers.base import Driver
from conformance.drivers.capabilities import CAPABILITIES, CAPABILITIES_BY_NAME, Capability
from conformance.drivers.quart import QuartDriver
from conformance.drivers.selection import BUILTIN_DRIVERS, DriverError, driver_class
from conformance.drivers.wsgi import WsgiDriver

__all__ = [
    "BUILTIN_DRIVERS",
    "CAPABILITIES",
    "CAPABILITIES_BY_NAME",
    "Capability",
    "Driver",
    "DriverError",
    "QuartDriver",
    "WsgiDriver",
    "driver_class",
]
