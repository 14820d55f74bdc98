"""The application object: registration of everything, and the dispatch of each request."""

from __future__ import annotations

import collections.abc as cabc
import os
import sys
import typing as t
import weakref
from itertools import chain
from types import TracebackType

from werkzeug import serving
from werkzeug.datastructures import Headers
from werkzeug.exceptions import (
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
)
from werkzeug.routing import BuildError, MapAdapter, RequestRedirect, Rule
from werkzeug.sansio.utils import get_host
from werkzeug.urls import quote as _url_quote
from werkzeug.utils import redirect as _werkzeug_redirect
from werkzeug.wrappers import Response as BaseResponse

from . import signals
from .cli import AppGroup
from .cli.envfiles import load_dotenv as _load_dotenv
from .cli.run import show_server_banner
from .coroutines import _coroutine_functions, is_coroutine_function  # noqa: F401
from .ctx import AppContext, RequestContext
from .debughelpers import FormDataRoutingRedirect, explain_ignored_app_run
from .files import FileAccess
from .globals import _cv_app, _cv_request, g, request, request_ctx, session
from .helpers import get_debug_flag, get_flashed_messages, get_load_dotenv
from .overrides import DefaultsByClass
from .packages import find_package  # noqa: F401  (imported from here by callers)
from .routing import AdapterBinding, Binding, bind
from .sansio.app import App
from .sessions import SecureCookieSessionInterface, SessionInterface
from .templating import DispatchingJinjaLoader, Environment
from .testing import EnvironBuilder, FlaskClient, FlaskCliRunner
from .wrappers import Request, Response, blueprint_lineage, error_page_response

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .sessions import SessionMixin
    from .typing import (
        AfterRequestCallable,
        ResponseReturnValue,
    )


def _split_return_value(rv: t.Any) -> tuple[t.Any, t.Any, t.Any]:
    """Return ``(body, status, headers)`` for a view's return value: a tuple of two is
    ``(body, headers)`` when its second item is headers-like, else ``(body, status)``.
    Raises ``TypeError`` for tuples of other lengths and for a ``None`` body."""
    status = headers = None
    body = rv
    if isinstance(rv, tuple):
        if len(rv) == 3:
            body, status, headers = rv
        elif len(rv) == 2 and isinstance(rv[1], (Headers, dict, tuple, list)):
            body, headers = rv
        elif len(rv) == 2:
            body, status = rv
        else:
            raise TypeError(
                "The view function did not return a valid response tuple."
                " The tuple must have the form (body, status, headers),"
                " (body, status), or (body, headers)."
            )
    if body is None:
        raise TypeError(
            f"The view function for {request.endpoint!r} did not"
            " return a valid response. The function either returned"
            " None or ended without a return statement."
        )
    return body, status, headers


def _bad_return_type_message(body: object) -> str:
    return (
        "The view function did not return a valid response. The return type must be"
        " a string, dict, list, tuple with headers or status, Response instance, or"
        f" WSGI callable, but it was a {type(body).__name__}."
    )


# Characters left as they are in the ``#anchor`` part of a built URL.
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"

# A redirect from URL matching re-sends the body only for these codes: in debug mode
# any other redirect of a request that may carry a form explains itself instead.
_BODY_KEEPING_REDIRECTS = frozenset({307, 308})
_BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_Hook = t.TypeVar("_Hook")


def _app_then_blueprints(
    registry: t.Mapping[str | None, list[_Hook]], blueprints: t.Sequence[str]
) -> t.Iterator[_Hook]:
    """Yield the hooks of ``registry`` for the app, then for ``blueprints`` (given
    innermost first) from the outermost in, each scope's in registration order."""
    for scope in (None, *reversed(blueprints)):
        yield from registry.get(scope, ())


def _blueprints_then_app(
    registry: t.Mapping[str | None, list[_Hook]], blueprints: t.Sequence[str]
) -> t.Iterator[_Hook]:
    """Yield the hooks of ``registry`` for ``blueprints`` (innermost first), then for
    the app, each scope's newest first."""
    for scope in (*blueprints, None):
        yield from reversed(registry.get(scope, ()))


def _resolve_relative_endpoint(endpoint: str, blueprint: str | None) -> str:
    """Turn ``.name`` into the endpoint ``name`` of the current blueprint (of the app
    when there is none)."""
    return endpoint[1:] if blueprint is None else blueprint + endpoint


class Flask(App, FileAccess):
    """The WSGI application: create one per app, usually with ``Flask(__name__)``.

    ``import_name`` locates the app's resources: its root path (the folder of the
    module or package), the ``static`` and ``templates`` folders in it, and the
    ``instance`` folder beside it.
    """

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    session_interface: SessionInterface = SecureCookieSessionInterface()

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name,
            static_url_path=static_url_path,
            static_folder=static_folder,
            host_matching=host_matching,
            subdomain_matching=subdomain_matching,
            template_folder=template_folder,
            instance_path=instance_path,
            instance_relative_config=instance_relative_config,
            root_path=root_path,
        )
        if self.has_static_folder:
            assert bool(static_host) == host_matching, (
                "Invalid static_host/host_matching combination"
            )
            # A weak reference, so the rule does not keep the app alive.
            app_ref = weakref.ref(self)
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=lambda **kw: app_ref().send_static_file(**kw),  # type: ignore[union-attr]
            )
        #: The click command group for the app's commands (``framework COMMAND``).
        self.cli = AppGroup(self.name)

    # -- files and templates ----------------------------------------------------

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.AnyStr]:
        """Open ``resource`` relative to the instance folder, in any mode."""
        text_encoding = None if "b" in mode else encoding
        return open(os.path.join(self.instance_path, resource), mode, encoding=text_encoding)

    def create_jinja_environment(self) -> Environment:
        """Create the Jinja environment from ``jinja_options``, with autoescaping,
        auto-reload and the template globals the app provides."""
        reload_templates = self.config["TEMPLATES_AUTO_RELOAD"]
        defaults: dict[str, t.Any] = {
            "autoescape": self.select_jinja_autoescape,
            "auto_reload": self.debug if reload_templates is None else reload_templates,
        }
        env = self.jinja_environment(self, **{**defaults, **self.jinja_options})
        env.globals.update(self._template_globals())
        # Jinja's |tojson filter serialises through this function.
        env.policies["json.dumps_function"] = self.json.dumps
        return env

    def _template_globals(self) -> dict[str, t.Any]:
        """The names every template can use without a context processor."""
        return {
            "url_for": self.url_for,
            "get_flashed_messages": get_flashed_messages,
            "config": self.config,
            "request": request,
            "session": session,
            "g": g,
        }

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        """Return the loader that searches the app's templates, then each blueprint's."""
        return DispatchingJinjaLoader(self)

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add the context processors' values to ``context``: the app's, then the
        current blueprints' (outermost first); values passed explicitly win."""
        req_ctx = _cv_request.get(None)
        blueprints = req_ctx.request.blueprints if req_ctx is not None else ()
        explicit = context.copy()
        for processor in _app_then_blueprints(self.template_context_processors, blueprints):
            context.update(self.ensure_sync(processor)())
        context.update(explicit)

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> FlaskClient:
        """Return a test client for the app (``test_client_class``, else ``FlaskClient``)."""
        cls = self.test_client_class or FlaskClient
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: t.Any) -> FlaskCliRunner:
        """Return a click test runner that invokes commands with this app."""
        cls = self.test_cli_runner_class or FlaskCliRunner
        return cls(self, **kwargs)

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Serve the app with werkzeug's development server (not for production).

        ``host`` and ``port`` default to ``SERVER_NAME`` or ``127.0.0.1:5000``;
        ``debug`` turns on the reloader and debugger; ``options`` go to
        ``werkzeug.serving.run_simple``. Does nothing under the ``flask run``
        command, which serves the app itself.
        """
        if os.environ.get("FLASK_RUN_FROM_CLI") == "true":
            explain_ignored_app_run()
            return

        if get_load_dotenv(load_dotenv):
            _load_dotenv()
            if "FLASK_DEBUG" in os.environ:
                self.debug = get_debug_flag()
        if debug is not None:
            self.debug = bool(debug)

        address = self._server_address(host, port)
        for option, default in (
            ("use_reloader", self.debug),
            ("use_debugger", self.debug),
            ("threaded", True),
        ):
            options.setdefault(option, default)

        show_server_banner(self.debug, self.name)
        try:
            serving.run_simple(*address, self, **options)
        finally:
            # The server has stopped: the app may be set up (and run) again.
            self._got_first_request = False

    def _server_address(self, host: str | None, port: int | None) -> tuple[str, int]:
        """Return where ``run`` listens: the given host and port, else those of
        ``SERVER_NAME``, else ``127.0.0.1`` and 5000 (port 0 picks a free port)."""
        configured_host, _, configured_port = (self.config.get("SERVER_NAME") or "").partition(":")
        if port is None or port == "":
            port = int(configured_port) if configured_port else 5000
        return host or configured_host or "127.0.0.1", int(port)

    # -- contexts ---------------------------------------------------------------

    def app_context(self) -> AppContext:
        """Return a new application context for this app (push it, or use ``with``)."""
        return AppContext(self)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """Return a new request context for the WSGI ``environ``."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """Return a request context for a request built from werkzeug's
        ``EnvironBuilder`` arguments (``path``, ``method``, ``data``, ``json``...)."""
        builder = EnvironBuilder(self, *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    # -- URLs -------------------------------------------------------------------

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Return a URL adapter bound to ``request``, or, without a request, to
        ``SERVER_NAME`` (None when it is not set).

        Raises the 400 ``SecurityError`` for a host outside ``TRUSTED_HOSTS``.
        """
        if request is not None:
            server_name, subdomain = self._prepare_binding(request)
            return bind(self.url_map, request.environ, server_name, subdomain).adapter

        server_name = self.config["SERVER_NAME"]
        if server_name is not None:
            return self.url_map.bind(
                server_name,
                script_name=self.config["APPLICATION_ROOT"],
                url_scheme=self.config["PREFERRED_URL_SCHEME"],
            )
        return None

    def _prepare_binding(self, request: Request) -> tuple[str | None, str | None]:
        """Check the request's host against ``TRUSTED_HOSTS`` and return the server
        name and subdomain to bind the URL map with."""
        trusted_hosts = self.config["TRUSTED_HOSTS"]
        if trusted_hosts is not None:
            request.trusted_hosts = trusted_hosts
            # Validate now: werkzeug's binding does not check trusted hosts.
            request.host = get_host(
                request.scheme,
                request.headers.get("host"),
                request.server,
                trusted_hosts,
            )
        if self.url_map.host_matching:
            return None, None
        if not self.subdomain_matching:
            return self.config["SERVER_NAME"], self.url_map.default_subdomain or ""
        return self.config["SERVER_NAME"], None

    def _bind_request(self, request: Request) -> Binding | None:
        """Return what the request context matches with and builds URLs through: the
        URL map's binding (see :func:`framework.routing.bind`), or, when
        ``create_url_adapter`` is replaced (by a subclass or on the app), the adapter
        it returns (None when it returns None)."""
        if _PLAIN_BINDING.kept_by(self):
            server_name, subdomain = self._prepare_binding(request)
            return bind(self.url_map, request.environ, server_name, subdomain)
        adapter = self.create_url_adapter(request)
        return None if adapter is None else AdapterBinding(adapter)

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Return the URL for ``endpoint`` with ``values`` for its rule's variables.

        Values that are not rule variables go into the query string. Inside a
        request, URLs are relative unless ``_external``, and ``.name`` refers to the
        current blueprint; outside one, ``SERVER_NAME`` is needed and URLs are
        external. ``_scheme`` requires ``_external``. ``_anchor`` is appended as
        ``#anchor``; ``_method`` picks the rule for that method. Build failures go
        through ``handle_url_build_error``.
        """
        req_ctx = _cv_request.get(None)
        adapter: MapAdapter | None
        if req_ctx is None:
            adapter = self._adapter_outside_request()
            external = True if _external is None else _external
        else:
            adapter = req_ctx.url_adapter
            if endpoint[:1] == ".":
                endpoint = _resolve_relative_endpoint(endpoint, req_ctx.request.blueprint)
            # Relative URLs inside a request, unless a scheme asks for a full one.
            external = (_scheme is not None) if _external is None else _external
        if _scheme is not None and not external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")

        self.inject_url_defaults(endpoint, values)
        try:
            url: str = adapter.build(  # type: ignore[union-attr]
                endpoint, values, method=_method, url_scheme=_scheme, force_external=external
            )
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=external)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is None:
            return url
        return f"{url}#{_url_quote(_anchor, safe=_ANCHOR_SAFE)}"

    def _adapter_outside_request(self) -> MapAdapter:
        """The adapter ``url_for`` builds with when no request is active: the app
        context's, else one for ``SERVER_NAME``; ``RuntimeError`` when neither exists."""
        app_ctx = _cv_app.get(None)
        adapter = self.create_url_adapter(None) if app_ctx is None else app_ctx.url_adapter
        if adapter is None:
            raise RuntimeError(
                "Unable to build URLs outside an active request"
                " without 'SERVER_NAME' configured. Also configure"
                " 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as"
                " needed."
            )
        return adapter

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Run the ``url_defaults`` functions of the app, then of the endpoint's
        blueprints (outermost first), on ``values``."""
        functions = self.url_default_functions
        if not functions:
            return
        blueprint = endpoint.rpartition(".")[0]
        lineage = blueprint_lineage(blueprint) if blueprint else ()
        for fill_in_defaults in _app_then_blueprints(functions, lineage):
            fill_in_defaults(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Return the first non-None URL from ``url_build_error_handlers``, else
        re-raise ``error`` (or the last ``BuildError`` a handler raised)."""
        latest = error
        for handler in self.url_build_error_handlers:
            try:
                url = handler(latest, endpoint, values)
            except BuildError as raised:
                latest = raised  # the next handler, and the final raise, get this one
                continue
            if url is not None:
                return url
        if latest is sys.exc_info()[1]:
            raise  # still the error being handled: keep its traceback untouched
        raise latest

    def redirect(self, location: str, code: int = 302) -> BaseResponse:
        """Return a response redirecting to ``location`` with status ``code``."""
        return _werkzeug_redirect(location, code=code, Response=self.response_class)

    # -- responses --------------------------------------------------------------

    def make_response(self, rv: ResponseReturnValue) -> Response:
        """Convert a view's return value into an instance of ``response_class``.

        Accepts a response object, ``str``/``bytes``, a ``dict`` or ``list`` (as
        JSON), an iterator (streamed), a WSGI callable, or a tuple
        ``(body, status)``, ``(body, headers)`` or ``(body, status, headers)``.
        Raises ``TypeError`` naming the view for ``None`` or an unsupported value.
        """
        body, status, headers = _split_return_value(rv)
        response_class = self.response_class
        body_type = type(body)

        # The exact common types first; the isinstance checks below give them the same
        # treatment, only slower.
        if body_type is str:
            return response_class(body, status=status, headers=headers)
        if body_type is dict or body_type is list:
            response = self.json.response(body)
        elif isinstance(body, response_class):
            response = body
        elif isinstance(body, (str, bytes, bytearray, cabc.Iterator)):
            # Text, bytes and iterators take the status and headers in the constructor.
            return response_class(body, status=status, headers=headers)
        elif isinstance(body, (dict, list)):
            response = self.json.response(body)
        else:
            response = self._coerce_response(body)

        if status is not None:
            if isinstance(status, (str, bytes, bytearray)):
                response.status = status  # type: ignore[assignment]
            else:
                response.status_code = status
        if headers:
            response.headers.update(headers)
        return response

    def _coerce_response(self, body: t.Any) -> Response:
        """Turn an HTTP exception, a foreign response object or a WSGI callable into a
        ``response_class`` instance; raise ``TypeError`` for anything else."""
        response_class = self.response_class
        environ = request.environ
        if (
            isinstance(body, HTTPException)
            and body.response is None
            and _PLAIN_EXCEPTION_CALL.kept_by_class(type(body))
            and environ["REQUEST_METHOD"] != "HEAD"
        ):
            # The error page werkzeug would produce by running the exception as a WSGI
            # app (as below), taken directly: same status, headers and body, buffered.
            return error_page_response(response_class, body, environ)
        if not (isinstance(body, BaseResponse) or callable(body)):
            raise TypeError(_bad_return_type_message(body))
        try:
            return response_class.force_type(body, environ)  # type: ignore[return-value]
        except TypeError as e:
            raise TypeError(f"{e}\n{_bad_return_type_message(body)}").with_traceback(
                sys.exc_info()[2]
            ) from None

    def make_default_options_response(self) -> Response:
        """Return the automatic ``OPTIONS`` response: empty, with an ``Allow`` header
        listing the methods the URL accepts."""
        adapter = request_ctx.url_adapter
        response = self.response_class()
        response.allow.update(adapter.allowed_methods())  # type: ignore[union-attr]
        return response

    # -- async ------------------------------------------------------------------

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Return ``func`` itself, or for a coroutine function a synchronous wrapper
        that runs it to completion (``async_to_sync``)."""
        if is_coroutine_function(func):
            return self.async_to_sync(func)
        return func

    def async_to_sync(
        self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
    ) -> t.Callable[..., t.Any]:
        """Return a synchronous function running the coroutine function ``func`` in an
        event loop, using asgiref (the ``async`` extra).

        Raises ``RuntimeError`` naming the extra to install when asgiref is missing.
        """
        try:
            from asgiref.sync import async_to_sync as asgiref_async_to_sync
        except ImportError:
            raise RuntimeError(
                "Install the 'async' extra (pip install 'flaskspec[async]',"
                " which adds asgiref) to use async views, hooks and handlers."
            ) from None
        return asgiref_async_to_sync(func)

    # -- dispatch ---------------------------------------------------------------

    def wsgi_app(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """The WSGI application proper (``app.__call__`` delegates here, so middleware
        can wrap ``app.wsgi_app``): run one request through the whole lifecycle."""
        ctx = self.request_context(environ)
        failure: BaseException | None = None
        try:
            try:
                ctx.push()
                response = self.full_dispatch_request()
            except BaseException as raised:
                failure = raised
                if not isinstance(raised, Exception):
                    raise  # KeyboardInterrupt, SystemExit...: no error response
                response = self.handle_exception(raised)
            return response(environ, start_response)
        finally:
            self._end_request(ctx, environ, failure)

    def _end_request(
        self, ctx: RequestContext, environ: WSGIEnvironment, failure: BaseException | None
    ) -> None:
        """Offer the contexts to a test client that keeps them (werkzeug's
        ``werkzeug.debug.preserve_context`` hook), then pop them, giving the teardown
        functions the failure unless it is to be ignored."""
        keep_context = environ.get("werkzeug.debug.preserve_context")
        if keep_context is not None:
            keep_context(_cv_app.get())
            keep_context(_cv_request.get())
        if failure is not None and self.should_ignore_error(failure):
            failure = None
        ctx.pop(failure)

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Call ``wsgi_app``: the app object is the WSGI application."""
        return self.wsgi_app(environ, start_response)

    def full_dispatch_request(self) -> Response:
        """Run the request's hooks and view and return the final response: signals,
        URL value preprocessors, ``before_request``, the view (or the handler of its
        exception), then ``finalize_request``."""
        self._got_first_request = True
        try:
            if signals.request_started.receivers:
                signals.request_started.send(self, _async_wrapper=self.ensure_sync)
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def preprocess_request(self) -> ResponseReturnValue | None:
        """Run the URL value preprocessors, then the ``before_request`` functions (app
        first, then blueprints outermost first); return the first non-None value."""
        request = _cv_request.get().request
        if self.url_value_preprocessors:
            for preprocess in _app_then_blueprints(
                self.url_value_preprocessors, request.blueprints
            ):
                preprocess(request.endpoint, request.view_args)
        if self.before_request_funcs:
            for before in _app_then_blueprints(self.before_request_funcs, request.blueprints):
                early_response = self.ensure_sync(before)()
                if early_response is not None:
                    return early_response
        return None

    def dispatch_request(self) -> ResponseReturnValue:
        """Call the matched view with the URL's values and return its value; raise the
        routing exception when nothing matched; answer automatic ``OPTIONS``."""
        request = _cv_request.get().request
        if request.routing_exception is not None:
            self.raise_routing_exception(request)
        rule: Rule = request.url_rule  # type: ignore[assignment]  # matched above
        if request.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
            return self.make_default_options_response()
        view = self.view_functions[rule.endpoint]
        return self.ensure_sync(view)(**request.view_args)  # type: ignore[arg-type]

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the exception URL matching stored on ``request``; in debug mode, a
        redirect that would drop a form body raises an explanatory error instead."""
        error = t.cast(HTTPException, request.routing_exception)
        loses_body = (
            isinstance(error, RequestRedirect)
            and error.code not in _BODY_KEEPING_REDIRECTS
            and request.method not in _BODILESS_METHODS
        )
        if loses_body and self.debug:
            raise FormDataRoutingRedirect(request)
        raise error

    def finalize_request(
        self, rv: ResponseReturnValue | HTTPException, from_error_handler: bool = False
    ) -> Response:
        """Make a response of ``rv``, run the after-request processing on it and send
        ``request_finished``. Errors in that processing propagate, unless this is the
        response of an error handler, where they are logged."""
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if signals.request_finished.receivers:
                signals.request_finished.send(
                    self, _async_wrapper=self.ensure_sync, response=response
                )
        except Exception:
            if from_error_handler:
                # Already answering an error: log this one and send what we have.
                self.logger.exception(
                    "Request finalizing failed with an error while handling an error"
                )
            else:
                raise
        return response

    def process_response(self, response: Response) -> Response:
        """Run the ``after_this_request`` functions, then the ``after_request`` functions
        (blueprints innermost first, then the app; each in reverse registration
        order), then save the session; return the final response."""
        req_ctx = _cv_request.get()
        hooks: t.Iterable[AfterRequestCallable[t.Any]] = req_ctx._one_off_after_request
        if self.after_request_funcs:
            registered = _blueprints_then_app(self.after_request_funcs, req_ctx.request.blueprints)
            hooks = chain(hooks, registered)
        for hook in hooks:
            response = self.ensure_sync(hook)(response)

        interface = self.session_interface
        # req_ctx._session, not req_ctx.session: saving must not mark it accessed.
        session: SessionMixin = req_ctx._session  # type: ignore[assignment]  # opened at push
        if not interface.is_null_session(session):
            interface.save_session(self, session, response)
        return response

    # -- errors -------------------------------------------------------------------

    def _error_handler_for(self, e: Exception) -> t.Callable[[Exception], t.Any] | None:
        """The handler registered for ``e`` in the current request's scopes, ready to
        call (made synchronous), or None."""
        handler = self._find_error_handler(e, request.blueprints)
        return None if handler is None else self.ensure_sync(handler)

    def handle_http_exception(self, e: HTTPException) -> HTTPException | ResponseReturnValue:
        """Return the registered handler's response for the HTTP exception ``e``, or
        ``e`` itself (a response) when none is registered. Routing redirects and
        code-less proxy exceptions are returned untouched."""
        if e.code is None or isinstance(e, RequestRedirect):
            return e
        handler = self._error_handler_for(e)
        return e if handler is None else handler(e)

    def handle_user_exception(self, e: Exception) -> HTTPException | ResponseReturnValue:
        """Handle an exception raised by a hook or view: HTTP exceptions go to
        ``handle_http_exception`` unless trapped; others to their registered handler.
        Re-raises when no handler applies."""
        if isinstance(e, HTTPException):
            if isinstance(e, BadRequestKeyError) and (
                self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
            ):
                e.show_exception = True  # name the missing key in the error page
            if not self.trap_http_exception(e):
                return self.handle_http_exception(e)
        handler = self._error_handler_for(e)
        if handler is None:
            raise
        return handler(e)

    def handle_exception(self, e: Exception) -> Response:
        """Handle an exception nothing else handled: send ``got_request_exception``,
        then re-raise it when exceptions propagate (``PROPAGATE_EXCEPTIONS``, else
        testing or debug mode); otherwise log it and answer with the 500 handler's
        response or a plain ``InternalServerError`` whose ``original_exception`` is ``e``."""
        exc_info = sys.exc_info()
        if signals.got_request_exception.receivers:
            signals.got_request_exception.send(self, _async_wrapper=self.ensure_sync, exception=e)
        if self._exceptions_propagate():
            if exc_info[1] is e:
                raise  # keep the traceback exactly as it was raised
            raise e

        self.log_exception(exc_info)
        server_error = InternalServerError(original_exception=e)
        handler = self._error_handler_for(server_error)
        answer = server_error if handler is None else handler(server_error)
        return self.finalize_request(answer, from_error_handler=True)

    def log_exception(
        self,
        exc_info: tuple[type, BaseException, TracebackType] | tuple[None, None, None],
    ) -> None:
        """Log an unhandled exception with the request's path and method."""
        self.logger.error(f"Exception on {request.path} [{request.method}]", exc_info=exc_info)

    # -- teardown -----------------------------------------------------------------

    def do_teardown_request(self, exc: BaseException | None = None) -> None:
        """Run the ``teardown_request`` functions (blueprints innermost first, then the
        app; each in reverse registration order), then send ``request_tearing_down``."""
        if self.teardown_request_funcs:
            for teardown in _blueprints_then_app(self.teardown_request_funcs, request.blueprints):
                self.ensure_sync(teardown)(exc)
        if signals.request_tearing_down.receivers:
            signals.request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    def do_teardown_appcontext(self, exc: BaseException | None = None) -> None:
        """Run the ``teardown_appcontext`` functions in reverse registration order,
        then send ``appcontext_tearing_down``."""
        for teardown in reversed(self.teardown_appcontext_funcs):
            self.ensure_sync(teardown)(exc)
        if signals.appcontext_tearing_down.receivers:
            signals.appcontext_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)


# The app's and HTTP exceptions' methods the shortcuts above stand in for.
_PLAIN_BINDING = DefaultsByClass(Flask, "create_url_adapter")
_PLAIN_EXCEPTION_CALL = DefaultsByClass(HTTPException, "__call__")
