"""One question every speed shortcut asks: is this attribute still the default one?

A shortcut stands in for a method (werkzeug's, itsdangerous's, the framework's own)
and gives exactly its answer, faster. It may only do so while nobody replaced that
method: a subclass overriding it, or code assigning it on the instance itself (as
tests and extensions do). :func:`keeps_default` answers that question the same way
everywhere.
"""

from __future__ import annotations

import typing as t

__all__ = ["DefaultsByClass", "keeps_default"]

# The value of an attribute no class in the MRO defines.
_MISSING: t.Any = object()


def _class_attribute(cls: type, name: str) -> t.Any:
    """Return ``name`` as the first class in ``cls``'s MRO defines it (the raw
    descriptor: a function, property, staticmethod...), or a marker when none does."""
    for klass in cls.__mro__:
        attributes = klass.__dict__
        if name in attributes:
            return attributes[name]
    return _MISSING


def keeps_default(target: object, origin: type, *names: str) -> bool:
    """Return whether every attribute in ``names`` of ``target`` is still the one
    ``origin`` provides.

    ``target`` is a class or an instance. For a class, each name must resolve to the
    same definition as on ``origin`` (a subclass between them may not override it).
    For an instance, its class must keep the default and the instance must not hold
    its own value under the name.
    """
    if isinstance(target, type):
        cls = target
    else:
        cls = type(target)
        try:
            own = target.__dict__
        except AttributeError:  # a slotted instance cannot hold its own methods
            pass
        else:
            if own and not own.keys().isdisjoint(names):
                return False
    for name in names:
        # Plain functions and properties are the same object through both classes:
        # the raw definitions are only compared when that quick test fails (a
        # classmethod is a new bound method on every lookup).
        if getattr(cls, name, _MISSING) is not getattr(origin, name, _MISSING) and (
            _class_attribute(cls, name) is not _class_attribute(origin, name)
        ):
            return False
    return True


class DefaultsByClass:
    """:func:`keeps_default` for a hot path: the class half of the answer is worked out
    once per class (classes are set up before they serve requests), the instance half
    (a value assigned on the instance itself) is checked on every call."""

    __slots__ = ("_answers", "names", "origin")

    def __init__(self, origin: type, *names: str) -> None:
        self.origin = origin
        self.names = names
        self._answers: dict[type, bool] = {}

    def kept_by(self, target: object) -> bool:
        """Return ``keeps_default(target, origin, *names)`` for an instance ``target``."""
        cls = type(target)
        try:
            kept = self._answers[cls]
        except KeyError:
            kept = self._answers[cls] = keeps_default(cls, self.origin, *self.names)
        if not kept:
            return False
        try:
            own = target.__dict__
        except AttributeError:
            return True
        return not own or own.keys().isdisjoint(self.names)

    def kept_by_class(self, cls: type) -> bool:
        """Return ``keeps_default(cls, origin, *names)``, remembered per class."""
        try:
            return self._answers[cls]
        except KeyError:
            kept = self._answers[cls] = keeps_default(cls, self.origin, *self.names)
            return kept
