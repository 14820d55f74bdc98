"""Telling coroutine functions apart, cheaply: ``ensure_sync`` asks for every view,
hook and handler it runs."""

from __future__ import annotations

import typing as t
import weakref
from functools import partial
from inspect import iscoroutinefunction

__all__ = ["is_coroutine_function"]

# Whether a function is a coroutine function, remembered per function object:
# id -> (weak reference, answer). The weak reference drops the entry when the
# function dies (per-request callables such as bound methods of view instances must
# not be kept) and guards against a reused id.
_coroutine_functions: dict[int, tuple[weakref.ref[t.Any], bool]] = {}


def _forget_function(reference: weakref.ref[t.Any], *, key: int) -> None:
    entry = _coroutine_functions.get(key)
    if entry is not None and entry[0] is reference:
        del _coroutine_functions[key]


def is_coroutine_function(func: t.Callable[..., t.Any]) -> bool:
    """Return ``inspect.iscoroutinefunction(func)``, cached per underlying function."""
    target = getattr(func, "__func__", func)  # a bound method answers as its function
    key = id(target)
    entry = _coroutine_functions.get(key)
    if entry is not None and entry[0]() is target:
        return entry[1]
    answer = iscoroutinefunction(func)
    if target is not func and answer != iscoroutinefunction(target):
        return answer  # a method wrapper that changes the answer: do not cache
    try:
        reference = weakref.ref(target, partial(_forget_function, key=key))
    except TypeError:  # not weak-referenceable: decide every time
        return answer
    _coroutine_functions[key] = (reference, answer)
    return answer
