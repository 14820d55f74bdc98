"""framework, except that JSON responses keep dict insertion order (the
provider is built with ``sort_keys = False``)."""

from __future__ import annotations

import framework
from framework import *  # noqa: F403
from framework.json.provider import DefaultJSONProvider


class UnsortedProvider(DefaultJSONProvider):
    sort_keys = False


class Flask(framework.Flask):
    json_provider_class = UnsortedProvider


def __getattr__(name: str) -> object:
    return getattr(framework, name)
