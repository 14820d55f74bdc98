"""framework, except that ``request.json`` returns None for a body that is not
JSON instead of answering 415 (the behaviour before Flask 2.1)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Request(framework.Request):
    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        if e is None:
            return None
        return super().on_json_loading_failed(e)


class Flask(framework.Flask):
    request_class = Request


def __getattr__(name: str) -> object:
    return getattr(framework, name)
