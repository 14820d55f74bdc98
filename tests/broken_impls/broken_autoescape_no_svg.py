"""framework, except that ``.svg`` templates are not autoescaped (the extension
list Flask 2.3 extended)."""

from __future__ import annotations

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def select_jinja_autoescape(self, filename: str | None) -> bool:
        if filename is not None and filename.endswith(".svg"):
            return False
        return super().select_jinja_autoescape(filename)


def __getattr__(name: str) -> object:
    return getattr(framework, name)
