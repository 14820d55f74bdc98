"""framework, except that after_request functions run in registration order (the
loop forgets ``reversed``); Flask runs them last-registered first."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def process_response(self, response: t.Any) -> t.Any:
        saved = {scope: list(funcs) for scope, funcs in self.after_request_funcs.items()}
        for funcs in self.after_request_funcs.values():
            funcs.reverse()
        try:
            return super().process_response(response)
        finally:
            for scope, funcs in saved.items():
                self.after_request_funcs[scope] = funcs


def __getattr__(name: str) -> object:
    return getattr(framework, name)
