"""framework, except that ``SESSION_COOKIE_SAMESITE`` is never sent (the getter
returns None instead of the config value, as before Flask 1.0 had the option)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403
from framework.sessions import SecureCookieSessionInterface


class NoSameSiteInterface(SecureCookieSessionInterface):
    def get_cookie_samesite(self, app: t.Any) -> str | None:
        return None


class Flask(framework.Flask):
    session_interface = NoSameSiteInterface()


def __getattr__(name: str) -> object:
    return getattr(framework, name)
