"""A pytest plugin for mutation runs: mutmut's call stack kept per thread.

mutmut 3.8 records which function called which in a ``ContextVar`` set on every
call of a mutated function. With the whole spec loaded, CPython 3.11 segfaulted
inside ``ContextVar.set`` during mutmut's stats run (the framework's own context
variables and a thread pool were live). The stack only feeds mutmut's dependency
tracking; a thread-local holds the same value without touching contextvars.
"""

from __future__ import annotations

import threading

from mutmut import core
from mutmut.mutation import trampoline


class ThreadLocalCallStack:
    """Drop-in for ``mutmut.core.MutmutCallStack``: ``get``/``set``/``reset`` per thread."""

    _local = threading.local()

    @classmethod
    def get(cls) -> tuple[str | None, int]:
        """Return the innermost mutated caller and the depth."""
        value: tuple[str | None, int] = getattr(cls._local, "value", (None, 0))
        return value

    @classmethod
    def set(cls, value: tuple[str, int]) -> tuple[str | None, int]:
        """Set the current caller; return the previous value as the reset token."""
        previous = cls.get()
        cls._local.value = value
        return previous

    @classmethod
    def reset(cls, token: tuple[str | None, int]) -> None:
        """Restore the value ``set`` returned."""
        cls._local.value = token


core.MutmutCallStack = ThreadLocalCallStack  # type: ignore[misc]
trampoline.MutmutCallStack = ThreadLocalCallStack  # type: ignore[misc]
