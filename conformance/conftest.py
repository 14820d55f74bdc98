"""What the conformance suite's own tests get: fixtures, markers and Hypothesis settings.

They come from :mod:`conformance.fixtures` and reach only the tests under this
folder: another project's test run in the same environment sees the plugin's
options and nothing else. From a checkout, this file also loads the plugin
(installed, its ``pytest11`` entry point has already loaded it under the same
name, and pytest does not load it twice).
"""

from conformance.fixtures import *  # noqa: F403 - the suite's fixtures and markers

pytest_plugins = ["conformance.plugin"]
