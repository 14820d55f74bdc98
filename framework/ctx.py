"""Application and request contexts, and the helpers that query or extend them."""

from __future__ import annotations

import contextvars
import sys
import typing as t
from functools import update_wrapper
from types import TracebackType

from werkzeug.exceptions import HTTPException

from . import signals
from .globals import _cv_app, _cv_request
from .routing import AdapterBinding

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import MapAdapter

    from .app import Flask
    from .routing import Binding
    from .sessions import SessionMixin
    from .typing import AfterRequestCallable
    from .wrappers import Request

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

# Default of the optional arguments below that must tell "not given" from None.
_NOT_GIVEN: t.Any = object()


class _AppCtxGlobals:
    """A plain namespace for data during an application context: the object behind ``g``.

    Besides attribute access it supports ``get``, ``pop``, ``setdefault``, ``in`` and
    iteration over the names set on it.
    """

    def __getattr__(self, name: str) -> t.Any:
        # Only reached for names not in the instance dict.
        raise AttributeError(name)

    if t.TYPE_CHECKING:
        # Any attribute may be set; declared for type checkers only so that setting one
        # at run time stays a plain instance-dict write.
        def __setattr__(self, name: str, value: t.Any) -> None: ...

    def __delattr__(self, name: str) -> None:
        if name not in self.__dict__:
            raise AttributeError(name)
        del self.__dict__[name]

    def get(self, name: str, default: t.Any | None = None) -> t.Any:
        """Return the attribute ``name``, or ``default`` if it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _NOT_GIVEN) -> t.Any:
        """Remove and return the attribute ``name``; return ``default`` (or raise
        ``KeyError`` when none is given) if it is not set."""
        values = self.__dict__
        if default is _NOT_GIVEN or name in values:
            return values.pop(name)
        return default

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """Return the attribute ``name``, setting it to ``default`` first if it is not set."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        active = _cv_app.get(None)
        if active is None:
            return object.__repr__(self)
        return f"<{__package__}.g of '{active.app.name}'>"


def require_request_context(feature: str) -> RequestContext:
    """Return the active request context; raise ``RuntimeError`` saying that ``feature``
    needs one when none is active."""
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            f"'{feature}' can only be used when a request"
            " context is active, such as in a view function."
        )
    return ctx


def after_this_request(f: AfterRequestCallable[t.Any]) -> AfterRequestCallable[t.Any]:
    """Register ``f`` to run on the response of the current request only, before the
    ``after_request`` functions; returns ``f``.

    Raises ``RuntimeError`` outside a request context.
    """
    require_request_context("after_this_request")._one_off_after_request.append(f)
    return f


def copy_current_request_context(f: F) -> F:
    """Return a wrapper around ``f`` that runs it inside a copy of the current request
    context (and of the context variables), for use in another thread or greenlet.

    Raises ``RuntimeError`` outside a request context.
    """
    ctx = require_request_context("copy_current_request_context").copy()

    def run_in_copied_context(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(run_in_copied_context, f)  # type: ignore[return-value]


def has_request_context() -> bool:
    """Return whether a request context is active."""
    return _cv_request.get(None) is not None


def has_app_context() -> bool:
    """Return whether an application context is active."""
    return _cv_app.get(None) is not None


Ctx = t.TypeVar("Ctx", bound="_PushedContext")


class _PushedContext:
    """What both contexts share: the ``with`` protocol (push on entry, pop on exit with
    the exception that ended the block) and the bookkeeping of a pop."""

    __slots__ = ()

    def push(self) -> None:
        raise NotImplementedError

    def pop(self, exc: BaseException | None = _NOT_GIVEN) -> None:
        raise NotImplementedError

    def __enter__(self: Ctx) -> Ctx:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)

    @staticmethod
    def _teardown_error(exc: BaseException | None) -> BaseException | None:
        """The exception a teardown receives: ``exc``, or when pop() was called without
        one, the exception being handled right now (if any)."""
        return sys.exc_info()[1] if exc is _NOT_GIVEN else exc

    def _ensure_was_active(self, active: object, kind: str) -> None:
        """Raise ``AssertionError`` when the context just popped was not this one."""
        if active is not self:
            raise AssertionError(f"Popped wrong {kind} context. ({active!r} instead of {self!r})")


class AppContext(_PushedContext):
    """The application context: makes ``current_app`` and ``g`` available.

    Pushed automatically with each request and each CLI command, or by hand with
    ``app.app_context()``; usable as a context manager. Pushes may nest.
    """

    # Extensions keep their own state as new attributes on the context, or keyed by it.
    __slots__ = ("__dict__", "__weakref__", "_pushes", "app", "g", "url_adapter")

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.url_adapter: MapAdapter | None = app.create_url_adapter(None)
        self.g: _AppCtxGlobals = app.app_ctx_globals_class()
        # One context-variable token per (possibly nested) push, newest last.
        self._pushes: list[contextvars.Token[AppContext]] = []

    def push(self) -> None:
        """Make this context the active application context."""
        self._pushes.append(_cv_app.set(self))
        if signals.appcontext_pushed.receivers:
            signals.appcontext_pushed.send(self.app, _async_wrapper=self.app.ensure_sync)

    def pop(self, exc: BaseException | None = _NOT_GIVEN) -> None:
        """Pop this context, running the app's teardown functions when it is the last push.

        Raises ``AssertionError`` if this context was not the active one.
        """
        pushes = self._pushes
        try:
            if len(pushes) == 1:
                self.app.do_teardown_appcontext(self._teardown_error(exc))
        finally:
            active = _cv_app.get()
            _cv_app.reset(pushes.pop())
        self._ensure_was_active(active, "app")
        if signals.appcontext_popped.receivers:
            signals.appcontext_popped.send(self.app, _async_wrapper=self.app.ensure_sync)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.app.name!r}>"


class RequestContext(_PushedContext):
    """The request context: makes ``request`` and ``session`` available.

    Created per request by the app (``app.request_context(environ)``) or by hand
    with ``app.test_request_context()``. Pushing it pushes an application context
    for its app first when none (or another app's) is active, opens the session
    and matches the URL.
    """

    __slots__ = (
        # Extensions keep their own state as new attributes on the context, or keyed by it.
        "__dict__",
        "__weakref__",
        "_binding",
        "_one_off_after_request",
        "_pushes",
        "_session",
        "app",
        "flashes",
        "request",
    )

    def __init__(
        self,
        app: Flask,
        environ: WSGIEnvironment,
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        if request is None:
            request = app.request_class(environ)
        request.json_module = app.json
        self.request: Request = request
        # How the request is matched and URLs are built: one binding, whatever its
        # strategy (see framework.routing.bind); None when binding failed.
        self._binding: Binding | None = None
        try:
            self._binding = app._bind_request(request)
        except HTTPException as e:
            request.routing_exception = e
        self.flashes: list[tuple[str, str]] | None = None
        self._session: SessionMixin | None = session
        # after_this_request functions: run once, on this request's response.
        self._one_off_after_request: list[AfterRequestCallable[t.Any]] = []
        # Per push, newest last: the context-variable token and the application
        # context that push created (None when one for this app was already active).
        self._pushes: list[tuple[contextvars.Token[RequestContext], AppContext | None]] = []

    def copy(self) -> RequestContext:
        """Return a new context for the same request object and session."""
        return self.__class__(
            self.app,
            environ=self.request.environ,
            request=self.request,
            session=self._session,
        )

    @property
    def session(self) -> SessionMixin | None:
        """The request's session (None before the context is pushed); every lookup
        marks it as accessed, which makes the response vary on ``Cookie``."""
        session = self._session
        if session is not None:
            session.accessed = True
        return session

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The URL adapter bound to this request (built on first use), or None when
        binding failed."""
        binding = self._binding
        return None if binding is None else binding.adapter

    @url_adapter.setter
    def url_adapter(self, adapter: MapAdapter | None) -> None:
        self._binding = None if adapter is None else AdapterBinding(adapter)

    def match_request(self) -> None:
        """Match the request's URL against the app's rules, storing the rule and its
        arguments on the request, or the routing exception when nothing matched."""
        request = self.request
        try:
            request.url_rule, request.view_args = self._binding.match()  # type: ignore[union-attr]
        except HTTPException as e:
            request.routing_exception = e

    def _app_context_to_push(self) -> AppContext | None:
        """A new application context for this push, or None when this app's is active."""
        active = _cv_app.get(None)
        if active is not None and active.app is self.app:
            return None
        return self.app.app_context()

    def _open_session(self) -> SessionMixin:
        """The session the session interface opens for the request, or its null
        session when it cannot open one."""
        app = self.app
        interface = app.session_interface
        opened = interface.open_session(app, self.request)
        return opened if opened is not None else interface.make_null_session(app)

    def push(self) -> None:
        """Make this the active request context (see the class docstring)."""
        own_app_ctx = self._app_context_to_push()
        if own_app_ctx is not None:
            own_app_ctx.push()
        self._pushes.append((_cv_request.set(self), own_app_ctx))
        if self._session is None:
            self._session = self._open_session()
        if self._binding is not None:
            self.match_request()

    def pop(self, exc: BaseException | None = _NOT_GIVEN) -> None:
        """Pop this context; on its last push run the teardown_request functions,
        close the request, then pop the application context it pushed.

        Raises ``AssertionError`` if this context was not the active one.
        """
        pushes = self._pushes
        finishing = len(pushes) == 1
        try:
            if finishing:
                exc = self._teardown_error(exc)
                self.app.do_teardown_request(exc)
                self.request.close()
        finally:
            active = _cv_request.get()
            token, own_app_ctx = pushes.pop()
            _cv_request.reset(token)
            if finishing:
                # The environ refers to the request and the request to the environ:
                # cut the cycle so both can be freed right away.
                active.request.environ["werkzeug.request"] = None
            if own_app_ctx is not None:
                own_app_ctx.pop(exc)
        self._ensure_was_active(active, "request")

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.request.url!r}"
            f" [{self.request.method}] of {self.app.name}>"
        )
