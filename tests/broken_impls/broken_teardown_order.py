"""framework, except that teardown_request functions run in registration order
(the loop forgets ``reversed``); Flask runs them last-registered first."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def do_teardown_request(self, exc: t.Any = None) -> None:
        saved = {scope: list(funcs) for scope, funcs in self.teardown_request_funcs.items()}
        for funcs in self.teardown_request_funcs.values():
            funcs.reverse()
        try:
            super().do_teardown_request(exc)
        finally:
            for scope, funcs in saved.items():
                self.teardown_request_funcs[scope] = funcs


def __getattr__(name: str) -> object:
    return getattr(framework, name)
