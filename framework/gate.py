"""The gate in front of every shortcut that relies on a private name of werkzeug or of
the standard library.

The speed shortcuts read and write names their libraries do not promise to keep:

- ``framework.routing`` / ``framework.matcher``: ``Map._matcher``,
  ``Map._rules_by_endpoint``, ``Rule._converters``, the matcher's state tree
  (``StateMachineMatcher._root``, ``State.static``/``dynamic``, ``RulePart``), the
  ``__werkzeug_`` prefix of the regex groups holding converter values, and a
  reproduction of ``Map.bind_to_environ``;
- ``framework.wrappers``: ``Headers._list``, ``Response._status``,
  ``_status_code`` and ``_on_close``, and that ``cached_property`` keeps
  ``Request.files`` in the instance dict;
- ``framework.json.provider``: ``json.encoder.c_make_encoder``.

Each of those modules takes its shortcut only while :data:`OPEN` is true, and
otherwise goes werkzeug's or ``json``'s public way, with the same answers, slower.
The gate opens at import when the installed werkzeug and Python are versions the
shortcuts are tested on and every name above is there and behaves as the shortcuts
expect. CI runs the lowest werkzeug ``pyproject.toml`` allows and the newest; on any
other (an older 3.1, a future 3.2) the public paths answer. The
environment variable ``FRAMEWORK_PUBLIC_PATHS_ONLY=1`` closes it, to test the
fallback.
"""

from __future__ import annotations

import importlib.metadata
import json.encoder
import os
import re
import sys
import typing as t

from werkzeug.datastructures import Headers
from werkzeug.routing import Map, Rule
from werkzeug.routing.matcher import StateMachineMatcher
from werkzeug.wrappers import Request, Response

__all__ = [
    "CLOSED_BECAUSE",
    "CONVERTER_GROUP_PREFIX",
    "OPEN",
    "TESTED_PYTHON",
    "TESTED_WERKZEUG",
    "c_make_encoder",
    "closed_because",
]

#: The werkzeug releases the shortcuts are tested on: from the first up to, not
#: including, the second. 3.1.9 is the first whose matcher sorts converter groups by
#: number and whose binding strips only spaces and tabs around ``Connection`` values,
#: as the shortcuts do (earlier 3.1 releases answer some edge cases differently).
TESTED_WERKZEUG = ((3, 1, 9), (3, 2))
#: The Python versions the standard-library shortcut is tested on, likewise.
TESTED_PYTHON = ((3, 10), (3, 15))
#: Set to a non-empty value other than ``0``, this closes the gate.
FORCE_VARIABLE = "FRAMEWORK_PUBLIC_PATHS_ONLY"
#: The prefix werkzeug gives the regex groups that hold converter values.
CONVERTER_GROUP_PREFIX = "__werkzeug_"


def _release(version: str) -> tuple[int, ...]:
    """``"3.1.9"`` -> ``(3, 1, 9)``; a pre-release counts as its release."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


def _probe_private_names() -> None:
    """Use every private name the shortcuts rely on, the way they use it; raise if one
    is missing or behaves otherwise."""
    url_map = Map([Rule("/<int:n>/<path:p>", endpoint="e")])
    url_map.update()
    matcher = url_map._matcher
    assert isinstance(matcher, StateMachineMatcher)
    rule = url_map._rules_by_endpoint["e"][0]
    assert list(rule._converters) == ["n", "p"]
    state = matcher._root
    while not state.dynamic:  # down the static segments to the first variable
        (state,) = state.static.values()
    part, _child = state.dynamic[0]
    assert isinstance(part.content, str) and isinstance(part.final, bool)
    assert isinstance(part.suffixed, bool)
    groups = re.compile(part.content).groupindex
    assert groups and all(name.startswith(CONVERTER_GROUP_PREFIX) for name in groups)

    headers = Headers([("A", "b")])
    assert headers._list == [("A", "b")]
    response = Response("x")
    assert (response._status, response._status_code, response._on_close) == ("200 OK", 200, [])
    request = Request({"REQUEST_METHOD": "GET", "wsgi.input": None})
    assert "files" not in request.__dict__
    request.files  # noqa: B018  (a cached property: stored in the instance dict)
    assert "files" in request.__dict__
    assert callable(json.encoder.c_make_encoder)  # type: ignore[attr-defined]


def closed_because(
    werkzeug_version: str, python_version: tuple[int, ...], environ: t.Mapping[str, str]
) -> str | None:
    """Return why the gate stays closed for these versions and environment, or None
    when the shortcuts may be taken."""
    if environ.get(FORCE_VARIABLE, "0") not in ("", "0"):
        return f"{FORCE_VARIABLE} is set"
    lowest, untested = TESTED_WERKZEUG
    if not lowest <= _release(werkzeug_version) < untested:
        return f"werkzeug {werkzeug_version} is not a version the shortcuts are tested on"
    lowest_python, untested_python = TESTED_PYTHON
    if not lowest_python <= python_version[:2] < untested_python:
        version = ".".join(map(str, python_version[:3]))
        return f"Python {version} is not a version the shortcuts are tested on"
    try:
        _probe_private_names()
    except Exception as e:
        return f"a private name the shortcuts use changed ({type(e).__name__}: {e})"
    return None


def _installed_werkzeug() -> str:
    try:
        return importlib.metadata.version("werkzeug")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


#: Why the gate is closed, or None when it is open.
CLOSED_BECAUSE = closed_because(_installed_werkzeug(), sys.version_info[:3], os.environ)
#: Whether the shortcuts may use the private names listed in the module docstring.
OPEN = CLOSED_BECAUSE is None
#: The json module's C encoder factory, or None when the gate is closed.
c_make_encoder: t.Any = json.encoder.c_make_encoder if OPEN else None  # type: ignore[attr-defined]
