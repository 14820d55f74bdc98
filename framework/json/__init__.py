"""JSON helpers that go through the current app's JSON provider (``app.json``).

Inside an application context every function delegates to ``current_app.json``;
outside one, the serialising functions use the standard :mod:`json` module with the
default provider's ``default`` function, so dates, UUIDs, decimals, dataclasses and
``__html__`` objects still serialise.
"""

from __future__ import annotations

import json as _json
import typing as t

from ..globals import _cv_app, current_app
from .provider import _default

if t.TYPE_CHECKING:
    from ..wrappers import Response

__all__ = ["dump", "dumps", "jsonify", "load", "loads"]


def _current_provider() -> t.Any:
    """Return the current app's JSON provider, or None outside an app context."""
    ctx = _cv_app.get(None)
    return None if ctx is None else ctx.app.json


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Return ``obj`` serialised as a JSON string; ``kwargs`` go to the serialiser."""
    provider = _current_provider()
    if provider is not None:
        return provider.dumps(obj, **kwargs)
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialise ``obj`` as JSON and write it to the text file ``fp``."""
    provider = _current_provider()
    if provider is not None:
        provider.dump(obj, fp, **kwargs)
        return
    kwargs.setdefault("default", _default)
    _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Return the Python value parsed from the JSON text or bytes ``s``."""
    provider = _current_provider()
    if provider is not None:
        return provider.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Return the Python value parsed from the JSON read from the file ``fp``."""
    provider = _current_provider()
    if provider is not None:
        return provider.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Return an ``application/json`` response serialising the arguments through the
    current app's provider: no argument gives ``null``, one gives that value, several
    a list, and keyword arguments an object.

    Raises ``TypeError`` when given both positional and keyword arguments, and
    ``RuntimeError`` outside an application context.
    """
    return current_app.json.response(*args, **kwargs)
