"""framework, except that routing redirects (trailing slash, merged slashes,
defaults) answer 301 instead of 308."""

from __future__ import annotations

import typing as t

from werkzeug.routing import RequestRedirect

import framework
from framework import *  # noqa: F403


class MovedPermanently(RequestRedirect):
    code = 301


class Flask(framework.Flask):
    def raise_routing_exception(self, request: t.Any) -> t.NoReturn:
        error = request.routing_exception
        if isinstance(error, RequestRedirect):
            raise MovedPermanently(error.new_url)
        super().raise_routing_exception(request)


def __getattr__(name: str) -> object:
    return getattr(framework, name)
