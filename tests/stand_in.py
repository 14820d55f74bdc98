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
