"""The ``live`` fixture: a real server on 127.0.0.1 serving the implementation's live app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conformance.live.servers import LiveServer, serve


@pytest.fixture(scope="module")
def live(
    request: pytest.FixtureRequest, impl: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The live server named by the test's parameter, serving the implementation's app.

    Started once per test module and server (see ``conformance.live.marks``).
    """
    name: str = request.param
    with serve(name, impl, tmp_path_factory.mktemp(f"live-{name}")) as server:
        yield server
