"""The load-test app as an ASGI application, for ``uvicorn loadtests.asgi:app``.

``asgiref``'s ``WsgiToAsgi`` runs the WSGI app of ``loadtests/apps.py`` (built on the
implementation named by ``LOADTEST_IMPL``); being thread-sensitive, it calls the app
on one thread per server process.

Each request runs in a fresh ``contextvars`` context
(:func:`conformance.live.asgi.in_fresh_context`), which avoids asgiref's failures on
kept-alive connections under uvicorn.
"""

from __future__ import annotations

from asgiref.wsgi import WsgiToAsgi

from conformance.live.asgi import in_fresh_context
from loadtests.apps import app as wsgi_app

#: The ASGI application uvicorn serves.
app = in_fresh_context(WsgiToAsgi(wsgi_app))
