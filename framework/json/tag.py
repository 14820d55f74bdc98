"""Tagged JSON: plain JSON extended with markers for the Python types JSON lacks.

This is the encoding of the session cookie. A value JSON cannot express (a tuple,
bytes, ``Markup``, a ``UUID``, a ``datetime``) is written as a JSON object with exactly
one key, the type's marker (``" t"``, ``" b"``, ``" m"``, ``" u"``, ``" d"``), whose
value is a JSON form of the original. A genuine one-key dict whose key collides with a
marker is escaped under ``" di"`` so that reading it back does not convert it. The byte
layout matches Flask's session cookies, so a cookie written by one can be read by the
other.

Extra types are supported by registering a :class:`JSONTag` subclass::

    class TagFrozenSet(JSONTag):
        key = " fs"

        def check(self, value): return isinstance(value, frozenset)
        def to_json(self, value): return [self.serializer.tag(item) for item in value]
        def to_python(self, value): return frozenset(value)

    app.session_interface.serializer.register(TagFrozenSet, index=0)
"""

from __future__ import annotations

import reprlib
import typing as t
from base64 import b64decode, b64encode
from datetime import datetime
from uuid import UUID

from markupsafe import Markup
from werkzeug.http import http_date, parse_date

from ..overrides import keeps_default
from . import dumps, loads

__all__ = [
    "JSONTag",
    "PassDict",
    "PassList",
    "TagBytes",
    "TagDateTime",
    "TagDict",
    "TagMarkup",
    "TagTuple",
    "TagUUID",
    "TaggedJSONSerializer",
]


class JSONTag:
    """The handler for one type: recognises its values and converts them to and from JSON.

    Subclasses set :attr:`key` and implement :meth:`check`, :meth:`to_json` and
    :meth:`to_python`; the owning :class:`TaggedJSONSerializer` is ``self.serializer``
    (use it to tag nested items).
    """

    __slots__ = ("serializer",)

    #: The marker written as the wrapper object's only key. Container handlers that
    #: leave their value a plain JSON object or array have an empty key.
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Return True when this handler is responsible for ``value``."""
        raise NotImplementedError

    def to_json(self, value: t.Any) -> t.Any:
        """Return the JSON-compatible form of ``value`` (nested items already tagged)."""
        raise NotImplementedError

    def to_python(self, value: t.Any) -> t.Any:
        """Return the Python object that the JSON form ``value`` was made from."""
        raise NotImplementedError

    def tag(self, value: t.Any) -> t.Any:
        """Return the marked form of ``value``: ``{key: to_json(value)}``."""
        return {self.key: self.to_json(value)}


class _PlainContainerTag(JSONTag):
    """A container that stays an ordinary JSON object or array: only its items are tagged,
    so no marker wraps it."""

    __slots__ = ()

    def tag(self, value: t.Any) -> t.Any:
        """Return :meth:`to_json` of ``value`` without a wrapping marker object."""
        return self.to_json(value)


class TagDict(JSONTag):
    """Escapes a one-key dict whose key is itself a marker, so it is read back as a dict.

    The key is written with ``"__"`` appended, inside a ``" di"`` marker; reading drops
    those two characters again.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        """Return True for a dict with a single key that is a registered marker."""
        if not isinstance(value, dict) or len(value) != 1:
            return False
        (only_key,) = value
        return only_key in self.serializer.tags

    def to_json(self, value: t.Any) -> t.Any:
        """Return ``{marker + "__": tagged item}`` for the dict ``{marker: item}``."""
        ((marker, item),) = value.items()
        return {marker + "__": self.serializer.tag(item)}

    def to_python(self, value: t.Any) -> t.Any:
        """Return the original one-key dict, taking its escaped key from ``value``'s first
        key (extra keys are ignored, as Flask does).

        Raises ``TypeError`` when ``value`` is not a non-empty JSON object.
        """
        if not isinstance(value, dict) or not value:
            raise TypeError(
                f"The {self.key!r} tag must hold a non-empty JSON object,"
                f" got {reprlib.repr(value)}."
            )
        escaped_key = next(iter(value))
        return {escaped_key[:-2]: value[escaped_key]}


def _tagged_items(serializer: TaggedJSONSerializer, items: t.Iterable[t.Any]) -> list[t.Any]:
    """Return ``items`` as a list, each one converted by ``serializer.tag``."""
    tag_item = serializer.tag
    return [tag_item(item) for item in items]


class PassDict(_PlainContainerTag):
    """Any dict not escaped by :class:`TagDict`: written as a JSON object of tagged values."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Return True for any dict."""
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        """Return a copy of the dict whose values are tagged."""
        tag_item = self.serializer.tag
        return {name: tag_item(item) for name, item in value.items()}


class TagTuple(JSONTag):
    """A tuple: its tagged items as a JSON array under the ``" t"`` marker."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        """Return True for a tuple."""
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the tuple's items, tagged, as a list."""
        return _tagged_items(self.serializer, value)

    def to_python(self, value: t.Any) -> t.Any:
        """Return the array as a tuple."""
        return tuple(value)


class PassList(_PlainContainerTag):
    """A list: written as a JSON array of its tagged items."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Return True for a list."""
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        """Return a copy of the list whose items are tagged."""
        return _tagged_items(self.serializer, value)


class TagBytes(JSONTag):
    """Bytes: their standard base64 encoding under the ``" b"`` marker."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        """Return True for ``bytes``."""
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the base64 text of the bytes."""
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        """Return the bytes the base64 text encodes."""
        return b64decode(value)


class TagMarkup(JSONTag):
    """Anything with an ``__html__`` method: its HTML under the ``" m"`` marker, read back
    as ``Markup``."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        """Return True when ``value.__html__`` exists and is callable."""
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        """Return the result of ``value.__html__()`` as a plain string."""
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        """Return the HTML string wrapped in ``Markup``."""
        return Markup(value)


class TagUUID(JSONTag):
    """A ``UUID``: its 32 hex digits under the ``" u"`` marker."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        """Return True for a ``UUID``."""
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the hex digits of the UUID."""
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        """Return the ``UUID`` the hex digits spell."""
        return UUID(value)


class TagDateTime(JSONTag):
    """A ``datetime``: an HTTP date (UTC, whole seconds) under the ``" d"`` marker, read
    back as a timezone-aware UTC datetime."""

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        """Return True for a ``datetime``."""
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the datetime formatted as an HTTP date."""
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        """Return the datetime an HTTP date string denotes."""
        return parse_date(value)


class TaggedJSONSerializer:
    """Reads and writes tagged JSON using a registry of :class:`JSONTag` handlers.

    :attr:`order` is the sequence in which handlers are offered a value when writing;
    :attr:`tags` finds the handler for a marker when reading.
    """

    __slots__ = ("order", "tags")

    #: Handler classes every new serializer starts with, in priority order.
    default_tags: t.ClassVar[list[type[JSONTag]]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        for tag_class in self.default_tags:
            self.register(tag_class)

    def register(
        self, tag_class: type[JSONTag], force: bool = False, index: int | None = None
    ) -> None:
        """Instantiate ``tag_class`` for this serializer and add it to the registry.

        The handler goes at position ``index`` of :attr:`order`, or last when ``index``
        is None. Raises ``KeyError`` when another handler already owns its marker,
        unless ``force`` is true, in which case the new one takes the marker over.
        """
        handler = tag_class(self)
        marker = handler.key
        if marker:
            if marker in self.tags and not force:
                raise KeyError(f"Tag '{marker}' is already registered.")
            self.tags[marker] = handler
        self.order.insert(len(self.order) if index is None else index, handler)

    def tag(self, value: t.Any) -> t.Any:
        """Return ``value`` in tagged, JSON-compatible form (the first handler in
        :attr:`order` that accepts it converts it; other values are returned as is)."""
        for handler in self.order:
            if handler.check(value):
                return handler.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """Return the Python value a marker object stands for; any other object (not
        exactly one key, or an unknown key) is returned unchanged."""
        if len(value) != 1:
            return value
        (marker,) = value
        handler = self.tags.get(marker)
        return value if handler is None else handler.to_python(value[marker])

    def _restore_in_place(self, node: t.Any) -> t.Any:
        """Return ``node`` with each marker object inside it converted back.

        ``node`` comes straight from the JSON parser and belongs to us, so containers are
        updated in place; children are restored before their parent is looked at, so a
        handler always receives fully restored contents.
        """
        if isinstance(node, list):
            for position, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    node[position] = self._restore_in_place(item)
            return node
        if isinstance(node, dict):
            for name, item in node.items():
                if isinstance(item, (dict, list)):
                    # Replacing a value does not resize the dict, so iteration is safe.
                    node[name] = self._restore_in_place(item)
            return self.untag(node)
        return node

    def dumps(self, value: t.Any) -> str:
        """Return ``value`` tagged and encoded as compact JSON (by the current app's JSON
        provider inside an app context)."""
        if keeps_default(self, TaggedJSONSerializer, "tag") and all(
            type(handler) in _DEFAULT_HANDLER_CLASSES for handler in self.order
        ):
            tagged = self._tag_with_default_handlers(value)
        else:
            tagged = self.tag(value)
        return dumps(tagged, separators=(",", ":"))

    def _tag_with_default_handlers(self, value: t.Any) -> t.Any:
        """Return what :meth:`tag` returns while :attr:`order` holds only the default
        handlers: those pass plain scalars through and copy lists and dicts (unless the
        dict needs escaping), so only the other values need offering to each handler."""
        value_type = type(value)
        if value_type in _PLAIN_SCALARS:
            return value
        if value_type is list:
            return [self._tag_with_default_handlers(item) for item in value]
        if value_type is dict and not (len(value) == 1 and next(iter(value)) in self.tags):
            return {name: self._tag_with_default_handlers(item) for name, item in value.items()}
        return self.tag(value)

    def loads(self, value: str | bytes) -> t.Any:
        """Return the Python value decoded from the tagged JSON text ``value``."""
        return self._restore_in_place(loads(value))


# The handler classes a serializer starts with, and the value types none of them
# converts (exact types only: subclasses may carry ``__html__``).
_DEFAULT_HANDLER_CLASSES = frozenset(TaggedJSONSerializer.default_tags)
_PLAIN_SCALARS = frozenset((str, int, float, bool, type(None)))
