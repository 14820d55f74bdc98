"""Serving a WSGI app under an ASGI server through asgiref, without asgiref's
keep-alive failure.

uvicorn starts the task of the next request on a kept-alive connection from within
the previous request's task, so it inherits that task's context variables; asgiref
(3.9 and later) keeps its current ``AsyncToSync`` executor in one, and ``WsgiToAsgi``
then fails with "CurrentThreadExecutor already quit or is broken" (django/asgiref
issue 491), about a third of the requests on a kept-alive connection. A fresh
context per request avoids the stale executor without changing what the WSGI app
sees. Used by the live-server tests and by the load tests.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any


def in_fresh_context(asgi_app: Any) -> Any:
    """Wrap an ASGI app so that each call runs in a new, empty ``contextvars`` context."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        loop = asyncio.get_running_loop()
        task = contextvars.Context().run(loop.create_task, asgi_app(scope, receive, send))
        await task

    return app
