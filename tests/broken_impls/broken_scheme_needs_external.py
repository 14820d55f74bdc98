"""framework, except that ``_scheme`` without ``_external`` inside a request is
refused with ValueError, as before Flask 3.1 made ``_scheme`` imply an external URL."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def url_for(self, /, endpoint: str, **values: t.Any) -> str:
        if values.get("_scheme") is not None and values.get("_external") is None:
            values["_external"] = False
        return super().url_for(endpoint, **values)


def __getattr__(name: str) -> object:
    return getattr(framework, name)
