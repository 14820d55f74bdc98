"""Fixtures shared with the specification's own tests, and the suite's Hypothesis profile
(``dev``, or ``conformance-ci`` when ``CI`` is set) for the project's own property tests."""

import pytest

from conformance.profiles import activate_profile
from conformance.test_config import clean_env, make_module

__all__ = ["clean_env", "make_module"]


def pytest_configure(config: pytest.Config) -> None:
    """Use the suite's Hypothesis profile here too."""
    activate_profile()
