"""framework, except that a 405 response carries no Allow header."""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import MethodNotAllowed

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def handle_http_exception(self, e: t.Any) -> t.Any:
        if isinstance(e, MethodNotAllowed):
            e.valid_methods = None
        return super().handle_http_exception(e)


def __getattr__(name: str) -> object:
    return getattr(framework, name)
