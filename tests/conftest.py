"""Fixtures shared with the specification's own tests."""

from conformance.test_config import clean_env, make_module

__all__ = ["clean_env", "make_module"]
