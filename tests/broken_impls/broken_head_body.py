"""framework, except that HEAD responses carry the body (the response iterator
ignores the request method)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Response(framework.Response):
    def get_app_iter(self, environ: t.Any) -> t.Any:
        return super().get_app_iter(dict(environ, REQUEST_METHOD="GET"))


class Flask(framework.Flask):
    response_class = Response


def __getattr__(name: str) -> object:
    return getattr(framework, name)
