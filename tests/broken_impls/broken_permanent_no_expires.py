"""framework, except that a permanent session cookie has no ``Expires`` (the
expiration time ignores ``session.permanent`` and is always None)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403
from framework.sessions import SecureCookieSessionInterface


class NoExpiryInterface(SecureCookieSessionInterface):
    def get_expiration_time(self, app: t.Any, session: t.Any) -> t.Any:
        return None


class Flask(framework.Flask):
    session_interface = NoExpiryInterface()


def __getattr__(name: str) -> object:
    return getattr(framework, name)
