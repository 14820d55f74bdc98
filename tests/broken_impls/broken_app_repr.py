"""framework, except that ``repr(app)`` is ``<App 'name'>``: a fault in a should-level
rule (observed Flask behaviour the documentation leaves open)."""

from __future__ import annotations

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def __repr__(self) -> str:
        return f"<App {self.name!r}>"


def __getattr__(name: str) -> object:
    return getattr(framework, name)
