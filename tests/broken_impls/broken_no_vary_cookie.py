"""framework, except that reading or writing the session does not add
``Vary: Cookie`` to the response (the header Flask 1.0 and 2.2.5 had to fix)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403
from framework.sessions import SecureCookieSessionInterface


class NoVaryInterface(SecureCookieSessionInterface):
    def save_session(self, app: t.Any, session: t.Any, response: t.Any) -> None:
        super().save_session(app, session, response)
        response.vary.discard("Cookie")
        if not response.vary:
            del response.headers["Vary"]


class Flask(framework.Flask):
    session_interface = NoVaryInterface()


def __getattr__(name: str) -> object:
    return getattr(framework, name)
