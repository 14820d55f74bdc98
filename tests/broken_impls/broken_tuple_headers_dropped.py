"""framework, except that a ``(body, headers)`` tuple loses its headers (the
two-item tuple is read as ``(body, status)`` only when the status is a number)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def make_response(self, rv: t.Any) -> t.Any:
        if isinstance(rv, tuple) and len(rv) == 2 and not isinstance(rv[1], (int, str)):
            rv = rv[0]
        return super().make_response(rv)


def __getattr__(name: str) -> object:
    return getattr(framework, name)
