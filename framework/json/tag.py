"""A compact, tagged JSON format that round-trips types JSON lacks.

The session cookie uses it to store tuples, bytes, ``Markup``, ``UUID`` and
``datetime`` values. A non-JSON value is written as an object with a single key,
its tag (``" t"``, ``" b"``, ``" m"``, ``" u"``, ``" d"``), mapping to a JSON form of
the value; a real dict whose only key happens to be a tag is wrapped in a ``" di"``
tag so it is not mistaken for one. The format is the one Flask's session cookies
use, so cookies are interchangeable.

To support another type, subclass :class:`JSONTag` and register it::

    class TagOrderedDict(JSONTag):
        key = " od"

        def check(self, value): return isinstance(value, OrderedDict)
        def to_json(self, value): return [[k, self.serializer.tag(v)] for k, v in value.items()]
        def to_python(self, value): return OrderedDict(value)

    app.session_interface.serializer.register(TagOrderedDict, index=0)
"""

from __future__ import annotations

import typing as t
from base64 import b64decode, b64encode
from datetime import datetime
from uuid import UUID

from markupsafe import Markup
from werkzeug.http import http_date, parse_date

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
    """One tagged type: how to recognise it, and how to convert it to and from JSON.

    ``key`` is the tag written in the output; a tag with an empty key only rewrites
    values in place (used for dicts and lists, whose items may need tagging).
    """

    __slots__ = ("serializer",)

    #: The tag marking values of this type; empty for pass-through tags.
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Return whether this tag handles ``value``."""
        raise NotImplementedError

    def to_json(self, value: t.Any) -> t.Any:
        """Return a JSON-compatible form of ``value``, with its own items tagged."""
        raise NotImplementedError

    def to_python(self, value: t.Any) -> t.Any:
        """Return the Python value rebuilt from its JSON form ``value``."""
        raise NotImplementedError

    def tag(self, value: t.Any) -> t.Any:
        """Return ``value`` converted to JSON and wrapped in ``{key: ...}``."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """A dict whose only key is a registered tag, so that it is not read back as one.

    The key gets a ``"__"`` suffix inside a ``" di"`` tag, removed when reading.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a one-key dict whose key is a registered tag."""
        return (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in self.serializer.tags
        )

    def to_json(self, value: t.Any) -> t.Any:
        """Return ``{key + "__": tagged value}``."""
        ((key, item),) = value.items()
        return {f"{key}__": self.serializer.tag(item)}

    def to_python(self, value: t.Any) -> t.Any:
        """Return the dict with the ``"__"`` suffix removed from its key."""
        ((key, item),) = value.items()
        return {key[:-2]: item}


class PassDict(JSONTag):
    """Any other dict: stays a JSON object, with its values tagged."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a dict."""
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        """Return a dict of the same keys with tagged values."""
        tag = self.serializer.tag
        return {k: tag(v) for k, v in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    """A tuple, written as a tagged JSON array."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a tuple."""
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        """Return a list of the tagged items."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        """Return the array as a tuple."""
        return tuple(value)


class PassList(JSONTag):
    """A list: stays a JSON array, with its items tagged."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a list."""
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        """Return a list of the tagged items."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    """Bytes, written as standard base64 text."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is bytes."""
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the base64 text of the bytes."""
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        """Return the bytes decoded from base64."""
        return b64decode(value)


class TagMarkup(JSONTag):
    """An object with ``__html__`` (such as ``Markup``), read back as ``Markup``."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` has a callable ``__html__``."""
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        """Return the string ``__html__`` gives."""
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        """Return the string as ``Markup``."""
        return Markup(value)


class TagUUID(JSONTag):
    """A ``UUID``, written as its 32 hex digits."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a ``UUID``."""
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the UUID's hex digits."""
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        """Return the ``UUID`` of the hex digits."""
        return UUID(value)


class TagDateTime(JSONTag):
    """A ``datetime``, written as an HTTP date (UTC, second precision) and read back
    as an aware UTC datetime."""

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a ``datetime``."""
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the HTTP date string of the datetime."""
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        """Return the datetime parsed from the HTTP date."""
        return parse_date(value)


class TaggedJSONSerializer:
    """Serialise to and from the tagged JSON format, with a registry of tags.

    Tags are tried in :attr:`order` when serialising; :attr:`tags` maps each tag key
    to its handler when reading.
    """

    __slots__ = ("order", "tags")

    #: The tag classes registered on every new serializer, in this order.
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
        """Add an instance of ``tag_class`` to the registry.

        It is appended to the order unless ``index`` says where to insert it. Raises
        ``KeyError`` if its key is already registered, unless ``force`` replaces the
        existing tag.
        """
        tag = tag_class(self)
        key = tag.key
        if key:
            if key in self.tags and not force:
                raise KeyError(f"Tag '{key}' is already registered.")
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

    def tag(self, value: t.Any) -> t.Any:
        """Return ``value`` converted to its tagged, JSON-compatible form."""
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """Return the Python value a one-key tagged dict stands for, or the dict itself
        when it is not a tag."""
        if len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        if tag is None:
            return value
        return tag.to_python(value[key])

    def _untag_scan(self, value: t.Any) -> t.Any:
        # Innermost values are untagged first, as json's object_hook would do.
        if isinstance(value, dict):
            return self.untag({k: self._untag_scan(v) for k, v in value.items()})
        if isinstance(value, list):
            return [self._untag_scan(item) for item in value]
        return value

    def dumps(self, value: t.Any) -> str:
        """Return ``value`` tagged and serialised as compact JSON (through the current
        app's JSON provider when an app context is active)."""
        return dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> t.Any:
        """Return the Python value read from the tagged JSON ``value``."""
        return self._untag_scan(loads(value))
