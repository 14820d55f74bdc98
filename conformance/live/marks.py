"""Running a live test once per server, each run with its own spec ID."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import pytest

from conformance.live.servers import SERVER_NAMES, SERVER_NEEDS

Test = TypeVar("Test", bound=Callable[..., None])


def on_every_server(rule: str, cannot: Mapping[str, str] | None = None) -> Callable[[Test], Test]:
    """Run the decorated test once per live server, as ``deployment.live.<server>.<rule>``.

    Each run needs what its server needs of the product (:data:`SERVER_NEEDS`): on a
    product without it (a WSGI server for Quart, an ASGI-only one for Flask) the run
    is not applicable.

    ``cannot`` maps a server that cannot meet the rule to the precise cause; its run is
    then a strict expected failure with that reason: it must fail an assertion (not
    error out otherwise), and it fails the suite if it passes.
    """
    cannot = dict(cannot or {})
    unknown = set(cannot) - set(SERVER_NAMES)
    if unknown:
        raise ValueError(f"unknown live servers {sorted(unknown)} for rule {rule!r}")
    params = []
    for name in SERVER_NAMES:
        spec_id = f"deployment.live.{name}.{rule}"
        marks = [pytest.mark.spec(spec_id), pytest.mark.needs(SERVER_NEEDS[name])]
        if name in cannot:
            reason = f"{spec_id}: {cannot[name]}"
            marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason))
        params.append(pytest.param(name, id=name, marks=marks))
    return pytest.mark.parametrize("live", params, indirect=True)
