"""JSON providers: the object behind ``app.json`` that serialises, parses and builds
JSON responses for one application."""

from __future__ import annotations

import dataclasses
import decimal
import json
import typing as t
import uuid
import weakref
from datetime import date

from werkzeug.http import http_date

if t.TYPE_CHECKING:
    from ..app import Flask
    from ..wrappers import Response

_BOTH_ARGS_AND_KWARGS = "app.json.response() takes either args or kwargs, not both"


def _response_value(args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> t.Any:
    """Return what ``response(*args, **kwargs)`` serialises: nothing → ``None``, one
    argument → itself, several → a list, keywords → a dict.

    Raises ``TypeError`` when both positional and keyword arguments are given.
    """
    if kwargs:
        if args:
            raise TypeError(_BOTH_ARGS_AND_KWARGS)
        return kwargs
    if len(args) == 1:
        return args[0]
    return list(args) if args else None


# The standard library function the cached encoder stands in for.
_STDLIB_DUMPS = json.dumps

# Types ``json`` cannot write, each with the function giving its JSON stand-in. A
# datetime is a date, so it is covered by the first row.
_STAND_IN_BY_TYPE: tuple[tuple[type | tuple[type, ...], t.Callable[[t.Any], t.Any]], ...] = (
    (date, http_date),
    ((decimal.Decimal, uuid.UUID), str),
)


def _json_stand_in(o: t.Any) -> t.Any:
    """Return a JSON-serialisable stand-in for ``o``, for ``json.dumps(default=...)``.

    Dates and datetimes become HTTP date strings, ``Decimal`` and ``UUID`` become
    strings, dataclass instances become dicts, and objects with ``__html__`` become
    the string it returns. Raises ``TypeError`` for anything else.
    """
    for handled, convert in _STAND_IN_BY_TYPE:
        if isinstance(o, handled):
            return convert(o)
    if dataclasses.is_dataclass(o):
        return dataclasses.asdict(o)  # type: ignore[arg-type]  # a dataclass class raises TypeError
    render_html = getattr(o, "__html__", None)
    if render_html is None:
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")
    return str(render_html())


class JSONProvider:
    """The interface of an app's JSON support; subclass it to use another JSON library.

    A subclass implements :meth:`dumps` and :meth:`loads`; :meth:`dump`, :meth:`load`
    and :meth:`response` are built on them. The app is held through a weak proxy so
    the provider does not keep it alive.
    """

    def __init__(self, app: Flask) -> None:
        self._app: Flask = t.cast("Flask", weakref.proxy(app))

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Return ``obj`` serialised as a JSON string."""
        raise NotImplementedError

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Serialise ``obj`` as JSON and write it to the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Return the Python value parsed from the JSON text or bytes ``s``."""
        raise NotImplementedError

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Return the Python value parsed from the JSON read from the file ``fp``."""
        return self.loads(fp.read(), **kwargs)

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return an ``application/json`` response of the app's response class whose
        body is the serialised arguments (see :func:`framework.json.jsonify`).

        Raises ``TypeError`` when given both positional and keyword arguments.
        """
        obj = _response_value(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


class DefaultJSONProvider(JSONProvider):
    """JSON support through the standard library's :mod:`json`.

    Besides the standard types it serialises dates and datetimes (as HTTP dates),
    ``Decimal``, ``UUID``, dataclass instances and objects with ``__html__`` (see
    :attr:`default`). The class attributes below may be changed on the class or on
    one app's provider (``app.json.sort_keys = False``).
    """

    #: The ``default`` function given to ``json.dumps`` for values it cannot serialise.
    default: t.Callable[[t.Any], t.Any] = staticmethod(_json_stand_in)
    #: Escape non-ASCII characters as ``\\uXXXX`` sequences.
    ensure_ascii: bool = True
    #: Sort the keys of every object in the output.
    sort_keys: bool = True
    #: How :meth:`response` lays out its body: ``None`` pretty-prints in debug mode
    #: only, ``True`` never, ``False`` always.
    compact: bool | None = None
    #: The mimetype of responses built by :meth:`response`.
    mimetype: str = "application/json"

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Return ``obj`` as a JSON string, using the provider's ``default``,
        ``ensure_ascii`` and ``sort_keys`` unless ``kwargs`` overrides them."""
        options: dict[str, t.Any] = {
            "default": self.default,
            "ensure_ascii": self.ensure_ascii,
            "sort_keys": self.sort_keys,
            **kwargs,
        }
        return json.dumps(obj, **options)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Return the Python value parsed from the JSON text or bytes ``s``."""
        return json.loads(s, **kwargs)

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return a response of the app's response class with :attr:`mimetype` whose
        body is the serialised arguments followed by a newline.

        The body is indented by two spaces when :attr:`compact` is ``False``, or when
        it is ``None`` and the app is in debug mode; otherwise it has no whitespace.
        Raises ``TypeError`` when given both positional and keyword arguments.
        """
        obj = _response_value(args, kwargs)
        compact = self.compact
        pretty = compact is False or (compact is None and self._app.debug)
        if (
            type(self).dumps is DefaultJSONProvider.dumps
            and "dumps" not in self.__dict__
            and json.dumps is _STDLIB_DUMPS  # json.dumps itself may be patched in tests
        ):
            body = self._response_encoder(pretty).encode(obj)
        elif pretty:
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        return self._app.response_class(f"{body}\n", mimetype=self.mimetype)

    def _response_encoder(self, pretty: bool) -> json.JSONEncoder:
        """Return an encoder equivalent to what :meth:`dumps` would use for a response.

        ``json.dumps`` builds a new encoder on every call with non-default options; the
        last one is kept and reused while the attributes it was built from are unchanged
        (they are compared on every call, so changes made at any time apply).
        """
        settings = (self.default, self.ensure_ascii, self.sort_keys, pretty)
        cached = self.__dict__.get("_cached_encoder")
        if cached is not None and cached[0] == settings:
            return cached[1]
        layout: dict[str, t.Any] = {"indent": 2} if pretty else {"separators": (",", ":")}
        encoder = json.JSONEncoder(
            default=self.default, ensure_ascii=self.ensure_ascii, sort_keys=self.sort_keys, **layout
        )
        self.__dict__["_cached_encoder"] = (settings, encoder)
        return encoder
