"""framework, except that a blueprint prefix ending in "/" is joined to a rule
starting with "/" without removing one (the ``//`` Flask 2.0.1 fixed)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403
from framework.blueprints import BlueprintSetupState


class DoubleSlashState(BlueprintSetupState):
    def add_url_rule(self, rule: str, endpoint: t.Any = None, *args: t.Any, **kw: t.Any) -> None:
        prefix = self.url_prefix
        if prefix and prefix.endswith("/") and rule.startswith("/"):
            self.url_prefix = None
            try:
                super().add_url_rule(prefix + rule, endpoint, *args, **kw)
            finally:
                self.url_prefix = prefix
            return
        super().add_url_rule(rule, endpoint, *args, **kw)


class Blueprint(framework.Blueprint):
    def make_setup_state(self, app: t.Any, options: t.Any, first: bool = False) -> t.Any:
        return DoubleSlashState(self, app, options, first)


def __getattr__(name: str) -> object:
    return getattr(framework, name)
