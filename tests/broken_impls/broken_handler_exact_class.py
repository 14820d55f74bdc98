"""framework, except that an error handler is only found for the exact class of
the exception, not along its MRO (the lookup of Flask before 0.11)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


class Flask(framework.Flask):
    def _find_error_handler(self, e: Exception, blueprints: list[str]) -> t.Any:
        handler = super()._find_error_handler(e, blueprints)
        exact = any(
            handlers.get(type(e)) is handler
            for scope in self.error_handler_spec.values()
            for handlers in scope.values()
        )
        return handler if exact else None


def __getattr__(name: str) -> object:
    return getattr(framework, name)
