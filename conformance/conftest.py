"""Loads the conformance plugin when the suite runs from a checkout.

Installed, the plugin is already registered through its ``pytest11`` entry point
under the same name, and pytest does not load it twice.
"""

pytest_plugins = ["conformance.plugin"]
