"""flask, except that the app remembers the path, host and cookies of every request it
serves (an unbounded cache of client-controlled text)."""

from __future__ import annotations

import typing as t

import flask
from flask import *  # noqa: F403

remembered: list[tuple[t.Any, t.Any, t.Any]] = []


class Flask(flask.Flask):
    def wsgi_app(self, environ: t.Any, start_response: t.Any) -> t.Any:
        remembered.append(
            (environ.get("PATH_INFO"), environ.get("HTTP_HOST"), environ.get("HTTP_COOKIE"))
        )
        return super().wsgi_app(environ, start_response)


def __getattr__(name: str) -> object:
    return getattr(flask, name)
