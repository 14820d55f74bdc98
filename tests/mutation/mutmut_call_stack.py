"""A pytest plugin for mutation runs: mutmut's call stack kept per thread, and child
processes kept out of mutmut's bookkeeping.

mutmut 3.8 records which function called which in a ``ContextVar`` set on every
call of a mutated function. With the whole spec loaded, CPython 3.11 segfaulted
inside ``ContextVar.set`` during mutmut's stats run (the framework's own context
variables and a thread pool were live). The stack only feeds mutmut's dependency
tracking; a thread-local holds the same value without touching contextvars.
"""

from __future__ import annotations

import os
import subprocess
import threading
import typing as t

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


_popen_init = subprocess.Popen.__init__


def _popen_init_without_mutant(
    self: subprocess.Popen[t.Any], *args: t.Any, **kwargs: t.Any
) -> None:
    """Start a child process without ``MUTANT_UNDER_TEST``.

    Spec tests that run the app in another process (``flask`` CLI subprocesses) import
    the mutated copy there; inheriting ``MUTANT_UNDER_TEST=stats`` made that copy record
    trampoline hits and look for mutmut's configuration in the test's temporary
    directory, which fails the test and with it mutmut's stats run. Without the variable
    the child runs the original functions, as it did before mutmut rewrote them.
    """
    env = dict(os.environ if kwargs.get("env") is None else kwargs["env"])
    env.pop("MUTANT_UNDER_TEST", None)
    kwargs["env"] = env
    _popen_init(self, *args, **kwargs)


subprocess.Popen.__init__ = _popen_init_without_mutant  # type: ignore[method-assign]
