"""JSON helpers that go through the current app's JSON provider (``app.json``).

Inside an application context every function delegates to ``current_app.json``;
outside one, they use the standard :mod:`json` module, and the serialising ones
still handle dates, UUIDs, decimals, dataclasses and ``__html__`` objects the way
the default provider does.
"""

from __future__ import annotations

import json as _stdlib_json
import typing as t

from ..globals import _cv_app, current_app
from .provider import _json_stand_in

if t.TYPE_CHECKING:
    from ..wrappers import Response
    from .provider import JSONProvider

__all__ = ["dump", "dumps", "jsonify", "load", "loads"]


class _ContextFreeJSON:
    """What the module-level helpers use when no application context is active: the
    standard library, with the default provider's stand-ins for extra types."""

    @staticmethod
    def dumps(obj: t.Any, **kwargs: t.Any) -> str:
        """Return ``obj`` as a JSON string (``kwargs`` go to :func:`json.dumps`)."""
        return _stdlib_json.dumps(obj, **{"default": _json_stand_in, **kwargs})

    @staticmethod
    def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Write ``obj`` as JSON to ``fp`` (``kwargs`` go to :func:`json.dump`)."""
        _stdlib_json.dump(obj, fp, **{"default": _json_stand_in, **kwargs})

    @staticmethod
    def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Return the value parsed from ``s`` by :func:`json.loads`."""
        return _stdlib_json.loads(s, **kwargs)

    @staticmethod
    def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Return the value parsed from ``fp`` by :func:`json.load`."""
        return _stdlib_json.load(fp, **kwargs)


_CONTEXT_FREE_JSON = _ContextFreeJSON()


def _active_json() -> JSONProvider | _ContextFreeJSON:
    """Return the current app's JSON provider, or the standard-library fallback
    outside an application context."""
    app_ctx = _cv_app.get(None)
    return _CONTEXT_FREE_JSON if app_ctx is None else app_ctx.app.json


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Return ``obj`` serialised as a JSON string; ``kwargs`` go to the serialiser."""
    return _active_json().dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialise ``obj`` as JSON and write it to the text file ``fp``."""
    _active_json().dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Return the Python value parsed from the JSON text or bytes ``s``."""
    return _active_json().loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Return the Python value parsed from the JSON read from the file ``fp``."""
    return _active_json().load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Return an ``application/json`` response serialising the arguments through the
    current app's provider: no argument gives ``null``, one gives that value, several
    a list, and keyword arguments an object.

    Raises ``TypeError`` when given both positional and keyword arguments, and
    ``RuntimeError`` outside an application context.
    """
    return current_app.json.response(*args, **kwargs)
