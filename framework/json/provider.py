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

from .. import gate
from ..overrides import DefaultsByClass

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
_COMPACT = (",", ":")

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


# A probe covering what the encoders must agree on: key order, nesting, numbers,
# escapes and non-ASCII text. (Nothing in it needs ``default``: user code is not run.)
_ENCODER_PROBE: t.Any = {
    "b": [1, 2.5, -0.0, 1e300, float("nan"), True, None, '\u00e9\n"', {"z": [], "a": {}}],
    "a": ("tuple", 10**30),
}
# How many idle encoders a pool keeps (one is in use per concurrent call).
_POOL_SIZE = 8


def _reusing_c_encoder(encoder: json.JSONEncoder) -> t.Callable[[t.Any], str]:
    """Return a function equal to ``encoder.encode`` (a compact encoder) that reuses
    the C encoder ``encode`` would build afresh on every call.

    Each concurrent or nested call takes its own C encoder from a small pool, and its
    circular-reference markers are cleared before use. Falls back to
    ``encoder.encode`` where the C encoder is missing or does not give the same text
    for a probe value.
    """
    make_c_encoder = gate.c_make_encoder  # None when the gate is closed
    if make_c_encoder is None or encoder.indent is not None:
        return encoder.encode
    encode_string = (
        json.encoder.encode_basestring_ascii
        if encoder.ensure_ascii
        else json.encoder.encode_basestring
    )

    def new() -> tuple[dict[int, t.Any], t.Callable[[t.Any, int], t.Any]]:
        markers: dict[int, t.Any] = {}
        c_encoder = make_c_encoder(
            markers if encoder.check_circular else None,
            encoder.default,
            encode_string,
            None,
            encoder.key_separator,
            encoder.item_separator,
            encoder.sort_keys,
            encoder.skipkeys,
            encoder.allow_nan,
        )
        return markers, c_encoder

    idle: list[tuple[dict[int, t.Any], t.Callable[[t.Any, int], t.Any]]] = []

    def encode(obj: t.Any) -> str:
        try:
            markers, c_encoder = idle.pop()
        except IndexError:
            markers, c_encoder = new()
        markers.clear()  # a call that raised may have left entries behind
        try:
            return "".join(c_encoder(obj, 0))
        finally:
            if len(idle) < _POOL_SIZE:
                idle.append((markers, c_encoder))

    try:
        agrees = encode(_ENCODER_PROBE) == encoder.encode(_ENCODER_PROBE)
    except Exception:
        agrees = False
    return encode if agrees else encoder.encode


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
        if (
            len(kwargs) == 1
            and kwargs.get("separators") == _COMPACT
            and json.dumps is _STDLIB_DUMPS
        ):
            # Compact output (as the session cookie asks for) is what a compact
            # response body holds: take the same kept encoder.
            return self._response_encode(False)(obj)
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
        obj = args[0] if len(args) == 1 and not kwargs else _response_value(args, kwargs)
        compact = self.compact
        pretty = compact is False or (compact is None and self._app.debug)
        if (
            _PLAIN_DUMPS.kept_by(self)
            and json.dumps is _STDLIB_DUMPS  # json.dumps itself may be patched in tests
        ):
            body = self._response_encode(pretty)(obj)
        elif pretty:
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        return self._app.response_class(f"{body}\n", mimetype=self.mimetype)

    def _response_encode(self, pretty: bool) -> t.Callable[[t.Any], str]:
        """Return a function encoding as :meth:`dumps` would for a response.

        ``json.dumps`` builds a new encoder on every call with non-default options; the
        last one is kept and reused while the attributes it was built from are unchanged
        (they are compared on every call, so changes made at any time apply).
        """
        settings = (self.default, self.ensure_ascii, self.sort_keys, pretty)
        cached = self.__dict__.get("_cached_encoder")
        if cached is not None and cached[0] == settings:
            return cached[1]
        layout: dict[str, t.Any] = {"indent": 2} if pretty else {"separators": _COMPACT}
        encoder = json.JSONEncoder(
            default=self.default, ensure_ascii=self.ensure_ascii, sort_keys=self.sort_keys, **layout
        )
        encode = encoder.encode if pretty else _reusing_c_encoder(encoder)
        self.__dict__["_cached_encoder"] = (settings, encode)
        return encode


# The provider method whose output the kept encoders reproduce.
_PLAIN_DUMPS = DefaultsByClass(DefaultJSONProvider, "dumps")
