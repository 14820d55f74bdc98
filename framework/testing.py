"""Test helpers: an app-aware environ builder, the test client and the CLI runner."""

from __future__ import annotations

import importlib.metadata
import typing as t
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from copy import copy
from types import TracebackType
from urllib.parse import urlsplit

import werkzeug.test
from click.testing import CliRunner, Result
from werkzeug.test import Client
from werkzeug.wrappers import Request as BaseRequest

from .cli import ScriptInfo
from .sessions import SessionMixin

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.test import TestResponse

    from .app import Flask
    from .ctx import RequestContext

#: werkzeug's hook key: the app calls the environ's value with each context it is about
#: to pop, so a ``with client:`` block can keep them (see ``Flask.wsgi_app``).
_PRESERVE_CONTEXT_KEY = "werkzeug.debug.preserve_context"


def _split_against_app_root(
    app: Flask, path: str, subdomain: str | None, url_scheme: str | None
) -> tuple[str, str]:
    """Return ``(base_url, path)`` for a request to ``path`` when no base URL is given.

    The base URL is ``scheme://host/APPLICATION_ROOT``: the scheme and host of ``path``
    when it is a full URL, else ``url_scheme`` (default ``PREFERRED_URL_SCHEME``) and
    ``SERVER_NAME`` (default ``localhost``) under ``subdomain``. The returned path keeps
    the query string and drops any fragment.
    """
    config = app.config
    target = urlsplit(path)
    default_scheme = url_scheme if url_scheme is not None else config["PREFERRED_URL_SCHEME"]
    server_name = config.get("SERVER_NAME") or "localhost"
    default_host = f"{subdomain}.{server_name}" if subdomain else server_name
    app_root = config["APPLICATION_ROOT"].lstrip("/")
    base_url = f"{target.scheme or default_scheme}://{target.netloc or default_host}/{app_root}"
    return base_url, f"{target.path}?{target.query}" if target.query else target.path


class EnvironBuilder(werkzeug.test.EnvironBuilder):
    """werkzeug's ``EnvironBuilder`` aimed at an app.

    Without ``base_url`` the request goes to ``SERVER_NAME`` (``localhost`` when unset,
    prefixed with ``subdomain``) under ``APPLICATION_ROOT``, using ``url_scheme`` or
    ``PREFERRED_URL_SCHEME``; a full URL as ``path`` supplies its own scheme and host.
    ``json=`` bodies are encoded by the app's JSON provider.
    """

    def __init__(
        self,
        app: Flask,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: t.Any,
        **kwargs: t.Any,
    ) -> None:
        if base_url is None:
            base_url, path = _split_against_app_root(app, path, subdomain, url_scheme)
        elif subdomain or url_scheme:
            # An AssertionError, as Flask raises for this misuse.
            raise AssertionError('Cannot pass "subdomain" or "url_scheme" with "base_url".')
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Return ``obj`` encoded as JSON text by the app's JSON provider."""
        return self.app.json.dumps(obj, **kwargs)


def _default_user_agent() -> str:
    """Return the ``User-Agent`` the client sends by default: ``Werkzeug/<version>``."""
    try:
        werkzeug_version = importlib.metadata.version("werkzeug")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        werkzeug_version = "unknown"
    return f"Werkzeug/{werkzeug_version}"


_DEFAULT_USER_AGENT = _default_user_agent()


class _KeptContexts:
    """The contexts a ``with client:`` block keeps alive after their request.

    The app offers each context through the environ hook while the request ends;
    :meth:`keep_offered` re-enters the offered ones once the response is back and
    :meth:`release` exits them (at the next request or when the block ends).
    """

    def __init__(self) -> None:
        self._offered: list[t.ContextManager[t.Any]] = []
        self._entered = ExitStack()

    def offer(self, context: t.ContextManager[t.Any]) -> None:
        """Note a context the app is about to pop (the environ hook's callback)."""
        self._offered.append(context)

    def keep_offered(self) -> None:
        """Enter the offered contexts, in the order offered, and forget the offers."""
        offered, self._offered = self._offered, []
        for context in offered:
            self._entered.enter_context(context)

    def release(self) -> None:
        """Exit the kept contexts, last entered first."""
        self._entered.close()


class FlaskClient(Client):
    """The app's test client: werkzeug's ``Client`` whose requests are built by the
    app-aware :class:`EnvironBuilder` on top of ``environ_base``.

    ``with client:`` keeps the contexts of the block's latest request active until the
    next request or the end of the block; :meth:`session_transaction` edits the session
    the next request will carry.
    """

    application: Flask

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.preserve_context = False
        self.environ_base = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": _DEFAULT_USER_AGENT}
        self._kept_contexts = _KeptContexts()

    @contextmanager
    def session_transaction(self, *args: t.Any, **kwargs: t.Any) -> Iterator[SessionMixin]:
        """Yield the session the client's cookies currently hold, then store the changes
        made to it back into the cookies (nothing is stored if the block raises).

        The arguments describe the request the session belongs to, as for
        ``app.test_request_context``. Raises ``TypeError`` when the client was made with
        ``use_cookies=False`` and ``RuntimeError`` when the session interface opens no
        session (without a secret key, for instance).
        """
        if self._cookies is None:
            raise TypeError("Cookies are disabled. Create a client with 'use_cookies=True'.")
        app = self.application
        ctx = app.test_request_context(*args, **kwargs)
        self._add_cookies_to_wsgi(ctx.request.environ)
        with ctx:
            opened = app.session_interface.open_session(app, ctx.request)
        if opened is None:
            raise RuntimeError("Session backend did not open a session.")
        yield opened
        if not app.session_interface.is_null_session(opened):
            self._store_session(ctx, opened)

    def _store_session(self, ctx: RequestContext, changed: SessionMixin) -> None:
        """Save ``changed`` as the app would in a response to ``ctx``'s request and take
        the resulting ``Set-Cookie`` headers into the client's cookies."""
        app = self.application
        carrier = app.response_class()
        with ctx:
            app.session_interface.save_session(app, changed, carrier)
        self._update_cookies_from_response(
            ctx.request.host.partition(":")[0],
            ctx.request.path,
            carrier.headers.getlist("Set-Cookie"),
        )

    def _with_client_environ(self, environ: t.Mapping[str, t.Any]) -> WSGIEnvironment:
        """Return ``environ`` laid over the client's ``environ_base``, plus the hook that
        keeps the contexts inside a ``with client:`` block."""
        merged = {**self.environ_base, **environ}
        if self.preserve_context:
            merged[_PRESERVE_CONTEXT_KEY] = self._kept_contexts.offer
        return merged

    def _prepare_request(self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> BaseRequest:
        """Turn ``open``'s arguments into the request to send: a ready builder, environ
        or request given first (copied, with the client's environ added beneath), else a
        new :class:`EnvironBuilder` made from all the arguments."""
        given = args[0] if args else None
        if isinstance(given, werkzeug.test.EnvironBuilder):
            builder = copy(given)
            builder.environ_base = self._with_client_environ(builder.environ_base or {})
            return builder.get_request()
        if isinstance(given, dict):
            from_environ = EnvironBuilder.from_environ(
                given, app=self.application, environ_base=self._with_client_environ({})
            )
            return from_environ.get_request()
        if isinstance(given, BaseRequest):
            request = copy(given)
            request.environ = self._with_client_environ(request.environ)
            return request
        environ_base = self._with_client_environ(kwargs.pop("environ_base", None) or {})
        builder = EnvironBuilder(self.application, *args, environ_base=environ_base, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def open(
        self,
        *args: t.Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send a request to the app and return the response, decoding JSON with the
        app's provider.

        Takes werkzeug's ``Client.open`` arguments, built with the app-aware
        :class:`EnvironBuilder`; the first may instead be a ready ``EnvironBuilder``,
        WSGI environ dict or ``Request``.
        """
        request = self._prepare_request(args, kwargs)
        # The contexts kept from the block's previous request end before this one runs.
        self._kept_contexts.release()
        response = super().open(request, buffered=buffered, follow_redirects=follow_redirects)
        response.json_module = self.application.json  # type: ignore[assignment]
        self._kept_contexts.keep_offered()
        return response

    def __enter__(self) -> FlaskClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.preserve_context = False
        self._kept_contexts.release()


class FlaskCliRunner(CliRunner):
    """click's ``CliRunner`` bound to an app, whose commands it runs."""

    def __init__(self, app: Flask, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any
    ) -> Result:
        """Run the command ``cli`` (the app's ``cli`` group when None) with ``args`` and
        return click's ``Result``. Unless ``obj`` is given, commands get a ``ScriptInfo``
        that loads this runner's app."""
        command = self.app.cli if cli is None else cli
        if "obj" not in kwargs:
            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(command, args, **kwargs)
