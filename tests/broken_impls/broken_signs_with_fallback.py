"""framework, except that session cookies are signed with the oldest key of
``SECRET_KEY_FALLBACKS`` instead of ``SECRET_KEY`` (the key order Flask 3.1.1 fixed)."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403
from framework.sessions import SecureCookieSessionInterface


class OldestKeyInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: t.Any) -> t.Any:
        fallbacks = app.config.get("SECRET_KEY_FALLBACKS")
        if not fallbacks or not app.secret_key:
            return super().get_signing_serializer(app)
        saved = app.secret_key, list(fallbacks)
        app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = fallbacks[0], [saved[0]]
        try:
            return super().get_signing_serializer(app)
        finally:
            app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = saved


class Flask(framework.Flask):
    session_interface = OldestKeyInterface()


def __getattr__(name: str) -> object:
    return getattr(framework, name)
