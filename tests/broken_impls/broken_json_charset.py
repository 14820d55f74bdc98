"""framework, except that JSON responses are ``application/json; charset=utf-8``
(the mimetype Flask stopped sending a charset for)."""

from __future__ import annotations

import framework
from framework import *  # noqa: F403
from framework.json.provider import DefaultJSONProvider


class CharsetProvider(DefaultJSONProvider):
    mimetype = "application/json; charset=utf-8"


class Flask(framework.Flask):
    json_provider_class = CharsetProvider


def __getattr__(name: str) -> object:
    return getattr(framework, name)
