"""framework, except that ``url_for`` quotes every reserved character of
``_anchor`` (``#`` and ``?`` too), the anchor quoting Flask 2.2 changed."""

from __future__ import annotations

import typing as t
from urllib.parse import quote

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def url_for(self, /, endpoint: str, *, _anchor: t.Any = None, **values: t.Any) -> str:
        url = super().url_for(endpoint, **values)
        if _anchor is None:
            return url
        return url + "#" + quote(_anchor, safe="")


def __getattr__(name: str) -> object:
    return getattr(framework, name)
