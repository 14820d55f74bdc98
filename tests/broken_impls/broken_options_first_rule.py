"""framework, except that the automatic OPTIONS response lists only the methods
of the matched rule, not of every rule for the path (an early Flask bug)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def make_default_options_response(self) -> t.Any:
        response = self.response_class()
        response.allow.update(framework.request.url_rule.methods)
        return response


def __getattr__(name: str) -> object:
    return getattr(framework, name)
