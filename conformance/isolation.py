"""Keeping what one spec test leaves behind from deciding another test's outcome.

Each conformance test function runs in a copy of the current :mod:`contextvars`
context, so an application or request context it leaves pushed (Flask keeps them
in context variables) is gone when it ends instead of breaking the next test. The
leak itself fails the test that made it, as does a thread it leaves running or a
file it leaves open (seen through ``/proc/self/fd`` where the system has it); and
every test gets a time limit (with pytest-timeout), so a hang fails that test,
not the run.
"""

from __future__ import annotations

import contextvars
import functools
import gc
import inspect
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

DEFAULT_TIME_LIMIT = 120
"""Seconds a conformance test may take unless ``--timeout`` says otherwise."""
THREAD_GRACE = 2.0
"""Seconds a thread started by a test gets to finish after the test returns."""
PROCESS_FDS = Path("/proc/self/fd")
"""Where Linux lists the process's open file descriptors (absent elsewhere: no file check)."""
POOL_THREAD_PREFIXES = ("ThreadPoolExecutor-", "asyncio_")
"""Worker threads of executors (asgiref's and asyncio's run coroutines there): kept idle
by their pool on purpose, so not a leak."""


class IsolationError(AssertionError):
    """A test left an application or request context pushed, a thread running or a file open."""


def add_time_limit(item: pytest.Item, config: pytest.Config) -> None:
    """Give ``item`` the default time limit when pytest-timeout is there and none is set."""
    if not config.pluginmanager.hasplugin("timeout"):
        return
    # --timeout given (0 turns the limit off) or a marker: theirs, not the default.
    if config.getoption("timeout", None) is not None or item.get_closest_marker("timeout"):
        return
    item.add_marker(pytest.mark.timeout(DEFAULT_TIME_LIMIT))


def isolate(item: pytest.Item, module: ModuleType | None) -> Callable[[], None]:
    """Make ``item``'s test function run isolated; return a function that undoes it."""
    function = getattr(item, "obj", None)
    if function is None or inspect.iscoroutinefunction(function):
        return lambda: None
    probes = _context_probes(module)

    @functools.wraps(function)
    def isolated(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        context = contextvars.copy_context()
        before = context.run(_pushed, probes)
        threads = set(threading.enumerate())
        files = open_files()
        result = context.run(function, *args, **kwargs)
        _check_contexts(context, probes, before)
        _check_threads(threads)
        _check_files(files)
        return result

    item.obj = isolated  # type: ignore[attr-defined]

    def restore() -> None:
        item.obj = function  # type: ignore[attr-defined]

    return restore


def _context_probes(module: ModuleType | None) -> dict[str, Callable[[], bool]]:
    probes = {}
    for kind, name in (("application", "has_app_context"), ("request", "has_request_context")):
        probe = getattr(module, name, None) if module is not None else None
        if callable(probe):
            probes[kind] = probe
    return probes


def _pushed(probes: dict[str, Callable[[], bool]]) -> set[str]:
    return {kind for kind, probe in probes.items() if probe()}


def _check_contexts(
    context: contextvars.Context, probes: dict[str, Callable[[], bool]], before: set[str]
) -> None:
    __tracebackhide__ = True
    left = context.run(_pushed, probes) - before
    if left:
        gc.collect()  # a context held only by an unfinished generator is popped when it dies
        left = context.run(_pushed, probes) - before
    if left:
        raise IsolationError(
            f"the test left an {' and a '.join(sorted(left))} context pushed "
            "(isolated: later tests do not see it)"
        )


def _check_threads(before: set[threading.Thread]) -> None:
    __tracebackhide__ = True
    started = [
        thread
        for thread in threading.enumerate()
        if thread not in before and not thread.name.startswith(POOL_THREAD_PREFIXES)
    ]
    for thread in started:
        if not thread.daemon:
            thread.join(THREAD_GRACE)
    running = [thread.name for thread in started if thread.is_alive() and not thread.daemon]
    if running:
        raise IsolationError(f"the test left threads running: {', '.join(running)}")


def open_files() -> dict[int, str]:
    """Return the process's open regular files by descriptor (empty without ``/proc``)."""
    if not PROCESS_FDS.is_dir():
        return {}
    found = {}
    for entry in os.listdir(PROCESS_FDS):
        try:
            target = os.readlink(PROCESS_FDS / entry)
        except OSError:  # closed while listing
            continue
        if target.startswith("/") and not target.startswith(("/dev/", "/proc/")):
            found[int(entry)] = target
    return found


def _check_files(before: dict[int, str]) -> None:
    __tracebackhide__ = True
    left = {fd: path for fd, path in open_files().items() if before.get(fd) != path}
    if left:
        gc.collect()  # a file object nobody holds is closed when it is collected
        left = {fd: path for fd, path in open_files().items() if before.get(fd) != path}
    if left:
        raise IsolationError(f"the test left files open: {', '.join(sorted(set(left.values())))}")
