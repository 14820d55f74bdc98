"""framework, except that a before_request return value is dropped instead of
short-circuiting the request (``self.preprocess_request()`` without ``rv = ``)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def preprocess_request(self) -> t.Any:
        super().preprocess_request()
        return None


def __getattr__(name: str) -> object:
    return getattr(framework, name)
