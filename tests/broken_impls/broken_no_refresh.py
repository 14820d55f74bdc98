"""framework, except that ``SESSION_REFRESH_EACH_REQUEST`` is ignored: an
unmodified permanent session is never re-sent (Flask 0.11 added the refresh)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403
from framework.sessions import SecureCookieSessionInterface


class NoRefreshInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app: t.Any, session: t.Any) -> bool:
        return bool(session.modified)


class Flask(framework.Flask):
    session_interface = NoRefreshInterface()


def __getattr__(name: str) -> object:
    return getattr(framework, name)
