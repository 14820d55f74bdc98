"""framework, except that the teardown_request functions also run before the
after_request functions, while the response is still being processed."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def process_response(self, response: t.Any) -> t.Any:
        self.do_teardown_request(None)
        return super().process_response(response)


def __getattr__(name: str) -> object:
    return getattr(framework, name)
