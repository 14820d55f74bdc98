"""The base class of applications and blueprints.

Both collect the same things through decorators: views, request hooks, template
context processors, URL value callbacks and error handlers. The scaffold does no IO
and knows nothing of the command line: serving and reading files is
:class:`framework.files.FileAccess`'s part, the command groups the app's and the
blueprint's. Every collection is a
dict keyed by scope: ``None`` for the object itself, a dotted blueprint name for a
blueprint's entries once copied into an application. Both also locate a static
folder and a templates folder relative to their ``root_path``.
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import wraps

from jinja2 import BaseLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException, default_exceptions
from werkzeug.utils import cached_property

from .helpers import get_root_path
from .templating import _default_template_ctx_processor
from .typing import (
    AfterRequestCallable,
    AppOrBlueprintKey,
    BeforeRequestCallable,
    ErrorHandlerCallable,
    RouteCallable,
    TeardownCallable,
    TemplateContextProcessorCallable,
    URLDefaultCallable,
    URLValuePreprocessorCallable,
)

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
T_after_request = t.TypeVar("T_after_request", bound=AfterRequestCallable[t.Any])
T_before_request = t.TypeVar("T_before_request", bound=BeforeRequestCallable)
T_error_handler = t.TypeVar("T_error_handler", bound=ErrorHandlerCallable)
T_teardown = t.TypeVar("T_teardown", bound=TeardownCallable)
T_template_context_processor = t.TypeVar(
    "T_template_context_processor", bound=TemplateContextProcessorCallable
)
T_url_defaults = t.TypeVar("T_url_defaults", bound=URLDefaultCallable)
T_url_value_preprocessor = t.TypeVar("T_url_value_preprocessor", bound=URLValuePreprocessorCallable)
T_route = t.TypeVar("T_route", bound=RouteCallable)

#: One scope's error handlers: status code (None when code-less) -> class -> handler.
ErrorHandlerMap = dict[int | None, dict[type[Exception], ErrorHandlerCallable]]

#: The attributes holding per-scope lists of hook functions. Every scaffold starts
#: them empty (but for the default template context processor); a blueprint's lists
#: are appended to the app's under its dotted name.
HOOK_REGISTRIES = (
    "before_request_funcs",
    "after_request_funcs",
    "teardown_request_funcs",
    "template_context_processors",
    "url_value_preprocessors",
    "url_default_functions",
)

_NOT_A_HANDLER_KEY = "Handlers can only be registered for Exception classes or HTTP error codes."


def setupmethod(f: F) -> F:
    """Return ``f`` guarded so that it raises ``AssertionError`` once set-up is over:
    after an app's first request, after a blueprint's first registration."""
    method_name = f.__name__

    @wraps(f)
    def guarded(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._ensure_still_in_setup(method_name)
        return f(self, *args, **kwargs)

    return t.cast(F, guarded)


def default_endpoint(view_func: t.Callable[..., t.Any] | None) -> str:
    """Return the endpoint a rule gets when none is given: the view function's name.

    Raises ``AssertionError`` when there is no view function either.
    """
    assert view_func is not None, "expected view func if endpoint is not provided."
    return view_func.__name__


class Scaffold:
    """What ``Flask`` and ``Blueprint`` have in common.

    The decorators (``route``, ``before_request``, ``errorhandler``...) fill the
    registries below, keyed by scope (``None`` for this object); ``root_path``
    anchors the static and template folders.
    """

    name: str

    #: Scope -> functions run before the view; a non-None result replaces it.
    before_request_funcs: dict[AppOrBlueprintKey, list[BeforeRequestCallable]]
    #: Scope -> functions that receive and return the response.
    after_request_funcs: dict[AppOrBlueprintKey, list[AfterRequestCallable[t.Any]]]
    #: Scope -> functions run with the unhandled exception (or None) at teardown.
    teardown_request_funcs: dict[AppOrBlueprintKey, list[TeardownCallable]]
    #: Scope -> functions returning names to add to templates' context.
    template_context_processors: dict[AppOrBlueprintKey, list[TemplateContextProcessorCallable]]
    #: Scope -> functions that may change the matched URL values.
    url_value_preprocessors: dict[AppOrBlueprintKey, list[URLValuePreprocessorCallable]]
    #: Scope -> functions that fill in values when building URLs.
    url_default_functions: dict[AppOrBlueprintKey, list[URLDefaultCallable]]

    # The folder arguments as given (trailing separators removed); the public
    # properties resolve them.
    _static_dir_setting: str | None = None
    _static_url_setting: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        #: The name of the package or module this object belongs to.
        self.import_name = import_name
        #: The absolute folder the static and template folders are relative to.
        self.root_path = get_root_path(import_name) if root_path is None else root_path
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        #: The templates folder, relative to ``root_path``, or None.
        self.template_folder = template_folder
        #: Endpoint name -> view function.
        self.view_functions: dict[str, RouteCallable] = {}
        #: Scope -> status code or None -> exception class -> handler.
        self.error_handler_spec: dict[AppOrBlueprintKey, ErrorHandlerMap] = defaultdict(
            lambda: defaultdict(dict)
        )
        for registry in HOOK_REGISTRIES:
            setattr(self, registry, defaultdict(list))
        # Every scaffold starts with the default template context (g, request,
        # session). A blueprint's copy runs again, after the app's processors, in its
        # own requests: an app processor cannot override those names there (Flask 3.1).
        self.template_context_processors[None].append(_default_template_ctx_processor)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _ensure_still_in_setup(self, f_name: str) -> None:
        """Raise ``AssertionError`` naming ``f_name`` when set-up is over."""
        raise NotImplementedError

    # -- folders and files -----------------------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or None when there is none."""
        folder = self._static_dir_setting
        return None if folder is None else os.path.join(self.root_path, folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        self._static_dir_setting = None if value is None else os.fspath(value).rstrip("/\\")

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is configured (it need not exist)."""
        return self.static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL path the static files are served under: the value set, else ``/``
        and the static folder's last component, else None."""
        if self._static_url_setting is not None:
            return self._static_url_setting
        folder = self.static_folder
        if folder is None:
            return None
        return ("/" + os.path.basename(folder)).rstrip("/")

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_setting = None if value is None else value.rstrip("/")

    @cached_property
    def jinja_loader(self) -> BaseLoader | None:
        """A loader for the templates folder, or None without one."""
        if self.template_folder is None:
            return None
        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    # -- routes -----------------------------------------------------------------

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Return a decorator registering a view for the URL ``rule``.

        ``options`` are those of :meth:`add_url_rule` (``endpoint``, ``methods``...)
        and of werkzeug's ``Rule``; the endpoint defaults to the function's name.
        The decorator returns the function unchanged.
        """

        def register_view(view: T_route) -> T_route:
            self.add_url_rule(rule, options.pop("endpoint", None), view, **options)
            return view

        return register_view

    def _route_one_method(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> t.Callable[[T_route], T_route]:
        """``route`` restricted to ``method``, for the ``get``/``post``... shortcuts."""
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        options["methods"] = [method]
        return self.route(rule, **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` for GET requests only; a ``methods`` option is a ``TypeError``."""
        return self._route_one_method("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` for POST requests only; a ``methods`` option is a ``TypeError``."""
        return self._route_one_method("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` for PUT requests only; a ``methods`` option is a ``TypeError``."""
        return self._route_one_method("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` for DELETE requests only; a ``methods`` option is a ``TypeError``."""
        return self._route_one_method("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """``route`` for PATCH requests only; a ``methods`` option is a ``TypeError``."""
        return self._route_one_method("PATCH", rule, options)

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register the URL ``rule`` for ``endpoint`` (and ``view_func`` if given)."""
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[F], F]:
        """Return a decorator making a function the view of ``endpoint``, whose rule is
        added on its own (``add_url_rule(rule, endpoint)``). It returns the function."""

        def register_view(view: F) -> F:
            self.view_functions[endpoint] = view
            return view

        return register_view

    # -- hooks --------------------------------------------------------------------

    @staticmethod
    def _add_own_hook(registry: dict[AppOrBlueprintKey, list[t.Any]], f: t.Any) -> None:
        """Append ``f`` to the scope of this object (``None``) in ``registry``."""
        registry.setdefault(None, []).append(f)

    @setupmethod
    def before_request(self, f: T_before_request) -> T_before_request:
        """Run ``f()`` before each view; when it returns a value other than None, that
        value is the response and the view does not run. Returns ``f``."""
        self._add_own_hook(self.before_request_funcs, f)
        return f

    @setupmethod
    def after_request(self, f: T_after_request) -> T_after_request:
        """Pass the response of each request that did not fail to ``f``, which returns
        the response to use; the last registered runs first. Returns ``f``."""
        self._add_own_hook(self.after_request_funcs, f)
        return f

    @setupmethod
    def teardown_request(self, f: T_teardown) -> T_teardown:
        """Call ``f(error)`` when the request context ends, with the unhandled exception
        or None; the last registered runs first. Returns ``f``."""
        self._add_own_hook(self.teardown_request_funcs, f)
        return f

    @setupmethod
    def context_processor(self, f: T_template_context_processor) -> T_template_context_processor:
        """Merge the dict ``f()`` returns into the context of every rendered template.
        Returns ``f``."""
        self._add_own_hook(self.template_context_processors, f)
        return f

    @setupmethod
    def url_value_preprocessor(self, f: T_url_value_preprocessor) -> T_url_value_preprocessor:
        """Call ``f(endpoint, values)`` with the matched URL values before the
        ``before_request`` hooks; ``f`` may edit ``values``. Returns ``f``."""
        self._add_own_hook(self.url_value_preprocessors, f)
        return f

    @setupmethod
    def url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Call ``f(endpoint, values)`` when a URL is built, to add missing values to
        ``values``. Returns ``f``."""
        self._add_own_hook(self.url_default_functions, f)
        return f

    # -- error handlers -------------------------------------------------------------

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Return a decorator registering a handler for a status code or an exception
        class and its subclasses. The decorator returns the function unchanged."""

        def register_handler(f: T_error_handler) -> T_error_handler:
            self.register_error_handler(code_or_exception, f)
            return f

        return register_handler

    @setupmethod
    def register_error_handler(
        self, code_or_exception: type[Exception] | int, f: ErrorHandlerCallable
    ) -> None:
        """Register ``f`` as the handler of a status code or an exception class.

        Raises ``ValueError`` for a status code werkzeug has no exception for or a
        class that is not an exception, ``TypeError`` for anything that is neither a
        class nor a status code (an exception instance, for example).
        """
        exc_class, code = self._handler_key(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _handler_key(
        exc_class_or_code: type[Exception] | int,
    ) -> tuple[type[Exception], int | None]:
        """Return the exception class and status code (None when code-less) under which
        a handler for ``exc_class_or_code`` is filed, or raise if it cannot be one."""
        key: object = exc_class_or_code
        if isinstance(key, type):
            if not issubclass(key, Exception):
                raise ValueError(
                    f"'{key.__name__}' is not a subclass of Exception. {_NOT_A_HANDLER_KEY}"
                )
            return key, key.code if issubclass(key, HTTPException) else None
        if isinstance(key, int):
            exc_class = default_exceptions.get(key)
            if exc_class is None:
                raise ValueError(
                    f"'{key}' is not a recognized HTTP error code. Use a subclass of"
                    " HTTPException with that code instead."
                )
            return exc_class, exc_class.code
        if isinstance(key, Exception):
            raise TypeError(f"{key!r} is an instance, not a class. {_NOT_A_HANDLER_KEY}")
        raise TypeError(
            f"{key!r} is neither an exception class nor an HTTP status code. {_NOT_A_HANDLER_KEY}"
        )
