"""The context variables behind the framework's proxies, and the proxies themselves.

``current_app`` and ``g`` resolve through the active application context;
``request`` and ``session`` through the active request context. Each proxy used
outside its context raises ``RuntimeError`` explaining what to do.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar

from werkzeug.local import LocalProxy

if t.TYPE_CHECKING:
    from .app import Flask
    from .ctx import AppContext, RequestContext, _AppCtxGlobals
    from .sessions import SessionMixin
    from .wrappers import Request

# The variables hold the active context objects; the names are shared with the rest of
# the package (and with tests that install a stand-in context).
_cv_app: ContextVar[AppContext] = ContextVar("framework.app_ctx")
_cv_request: ContextVar[RequestContext] = ContextVar("framework.request_ctx")

# The explanations a proxy gives when its context is missing (Flask's wording).
_OUTSIDE_APP_CONTEXT = (
    "Working outside of application context.\n\n"
    "This typically means that you attempted to use functionality that needed\n"
    "the current application. To solve this, set up an application context\n"
    "with app.app_context(). See the documentation for more information."
)
_OUTSIDE_REQUEST_CONTEXT = (
    "Working outside of request context.\n\n"
    "This typically means that you attempted to use functionality that needed\n"
    "an active HTTP request. Consult the documentation on testing for\n"
    "information about how to avoid this problem."
)


def _app_proxy(attribute: str | None = None) -> t.Any:
    """A proxy to the active application context, or to one of its attributes."""
    return LocalProxy(_cv_app, attribute, unbound_message=_OUTSIDE_APP_CONTEXT)


def _request_proxy(attribute: str | None = None) -> t.Any:
    """A proxy to the active request context, or to one of its attributes."""
    return LocalProxy(_cv_request, attribute, unbound_message=_OUTSIDE_REQUEST_CONTEXT)


app_ctx: AppContext = _app_proxy()
current_app: Flask = _app_proxy("app")
g: _AppCtxGlobals = _app_proxy("g")

request_ctx: RequestContext = _request_proxy()
request: Request = _request_proxy("request")
session: SessionMixin = _request_proxy("session")
