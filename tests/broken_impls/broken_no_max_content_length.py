"""framework, except that ``MAX_CONTENT_LENGTH`` is not applied to requests (the
request reads its limit from nowhere)."""

from __future__ import annotations

import framework
from framework import *  # noqa: F403


class Request(framework.Request):
    max_content_length = None  # type: ignore[assignment]


class Flask(framework.Flask):
    request_class = Request


def __getattr__(name: str) -> object:
    return getattr(framework, name)
