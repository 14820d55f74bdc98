"""The load-test app as an ASGI application, for ``uvicorn loadtests.asgi:app``.

``asgiref``'s ``WsgiToAsgi`` runs the WSGI app of ``loadtests/apps.py`` (built on the
implementation named by ``LOADTEST_IMPL``); being thread-sensitive, it calls the app
on one thread per server process.

Each request runs in a fresh ``contextvars`` context. Without that, asgiref 3.13's
``WsgiToAsgi`` under uvicorn fails about a third of the requests on a keep-alive
connection with ``RuntimeError: CurrentThreadExecutor already quit or is broken``
(a 500) whenever the WSGI app sends a ``Content-Length``, as Flask and framework
always do: the executor of the previous request leaks through asgiref's context-local
storage, which every request of a connection shares.
"""

from __future__ import annotations

import asyncio
import contextvars

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, Scope
from asgiref.wsgi import WsgiToAsgi

from loadtests.apps import app as wsgi_app

wrapped_app = WsgiToAsgi(wsgi_app)


async def app(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
    """Serve one ASGI scope with the WSGI app, in a task with an empty context."""
    # create_task copies the current context: run it inside an empty one.
    task = contextvars.Context().run(asyncio.create_task, wrapped_app(scope, receive, send))
    await task
