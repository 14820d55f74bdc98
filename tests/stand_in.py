"""A stand-in implementation for tests of the harness that run small spec suites."""

FAKE_IMPL = """
class Flask:
    def __init__(self, import_name, **kwargs):
        self.import_name = import_name
        self.config = {}

    def test_client(self):
        return None

    def test_cli_runner(self):
        return None
"""
"""Source of ``fakeimpl``: the smallest module the preflight accepts."""

SUITE_INI = """
[pytest]
addopts = -p no:locust -p no:cacheprovider
conformance_paths = .
conformance_require_registration = false
"""
"""The ``pytest.ini`` of a small spec suite: its folder is a conformance folder."""
