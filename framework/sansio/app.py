"""The application without IO: what an app is besides serving requests.

:class:`App` holds the configuration and everything registered on an application
(rules, blueprints, template filters, error handlers, shell context) and answers
questions about them (which handler handles an error, which methods a rule takes).
It reads no files, speaks no WSGI and knows nothing of the command line:
:class:`framework.app.Flask` adds those. The command line recognises applications by
this class, which is what lets it find apps without importing ``framework.app``.
"""

from __future__ import annotations

import logging
import os
import pathlib
import sys
import typing as t
from datetime import timedelta

from werkzeug.exceptions import Aborter, BadRequest, BadRequestKeyError
from werkzeug.routing import Map as WerkzeugMap
from werkzeug.routing import Rule
from werkzeug.utils import cached_property

from ..config import DEFAULT_CONFIG, Config, ConfigAttribute
from ..ctx import _AppCtxGlobals
from ..globals import g
from ..helpers import get_debug_flag
from ..json.provider import DefaultJSONProvider, JSONProvider
from ..logging import create_logger
from ..packages import find_package
from ..routing import Map
from ..scaffold import Scaffold, default_endpoint, setupmethod
from ..templating import Environment

if t.TYPE_CHECKING:
    from ..app import Flask
    from ..blueprints import Blueprint
    from ..testing import FlaskClient, FlaskCliRunner
    from ..typing import (
        ErrorHandlerCallable,
        RouteCallable,
        ShellContextProcessorCallable,
        TeardownCallable,
        TemplateFilterCallable,
        TemplateGlobalCallable,
        TemplateTestCallable,
    )

T_shell_context_processor = t.TypeVar(
    "T_shell_context_processor", bound="ShellContextProcessorCallable"
)
T_teardown = t.TypeVar("T_teardown", bound="TeardownCallable")
T_template_filter = t.TypeVar("T_template_filter", bound="TemplateFilterCallable")
T_template_global = t.TypeVar("T_template_global", bound="TemplateGlobalCallable")
T_template_test = t.TypeVar("T_template_test", bound="TemplateTestCallable")

_AUTOESCAPE_EXTENSIONS = (".html", ".htm", ".xml", ".xhtml", ".svg")


def _session_lifetime(value: timedelta | int | None) -> timedelta | None:
    """Read ``PERMANENT_SESSION_LIFETIME``, a ``timedelta`` or a number of seconds.

    Raises ``TypeError`` (or ``OverflowError``), as ``timedelta`` does, with a message
    naming the setting and its value.
    """
    if value is None or isinstance(value, timedelta):
        return value
    try:
        return timedelta(seconds=value)
    except (TypeError, OverflowError) as e:
        raise type(e)(
            "PERMANENT_SESSION_LIFETIME must be a timedelta or a number of seconds,"
            f" not {value!r} ({e})."
        ) from None


class App(Scaffold):
    """The IO-free half of an application (see the module docstring); ``Flask`` is
    the whole. Takes ``Flask``'s arguments but ``static_host``."""

    aborter_class = Aborter
    jinja_environment = Environment
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    testing = ConfigAttribute[bool]("TESTING")
    secret_key = ConfigAttribute["str | bytes | None"]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME",
        get_converter=_session_lifetime,  # type: ignore[arg-type]
    )
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    jinja_options: dict[str, t.Any] = {}
    url_rule_class = Rule
    url_map_class: type[WerkzeugMap] = Map
    test_client_class: type[FlaskClient] | None = None
    test_cli_runner_class: type[FlaskCliRunner] | None = None
    default_config = DEFAULT_CONFIG

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute."
                " A relative path was given instead."
            )
        #: The absolute path of the instance folder (it need not exist).
        self.instance_path = instance_path
        #: The configuration, seeded with ``default_config``.
        self.config = self.make_config(instance_relative_config)
        #: The callable ``abort`` raises through.
        self.aborter = self.make_aborter()
        #: The JSON provider: ``dumps``, ``loads`` and ``response`` for this app.
        self.json: JSONProvider = self.json_provider_class(self._whole())
        #: Functions called when ``url_for`` cannot build a URL.
        self.url_build_error_handlers: list[
            t.Callable[[Exception, str, dict[str, t.Any]], str]
        ] = []
        #: Functions called when the application context is popped.
        self.teardown_appcontext_funcs: list[TeardownCallable] = []
        #: Functions whose dicts add names to ``flask shell``.
        self.shell_context_processors: list[ShellContextProcessorCallable] = []
        #: Registered blueprints by their (dotted) name.
        self.blueprints: dict[str, Blueprint] = {}
        #: Per-extension state, keyed by the extension's name.
        self.extensions: dict[str, t.Any] = {}
        #: The URL rules of the app.
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching
        self._got_first_request = False

    def _whole(self) -> Flask:
        """This app, typed as the ``Flask`` it is: helpers built for the whole app
        (JSON provider, logger, blueprints) take it."""
        return t.cast("Flask", self)

    def _ensure_still_in_setup(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called"
                " on the application. It has already handled its first"
                " request, any changes will not be applied"
                " consistently.\n"
                "Make sure all imports, decorators, functions, etc."
                " needed to set up the application are done before"
                " running it."
            )

    # -- identity and set-up ----------------------------------------------------

    @cached_property
    def name(self) -> str:
        """The app's name: the import name, or the script's base name for ``__main__``."""
        if self.import_name != "__main__":
            return self.import_name
        script = getattr(sys.modules["__main__"], "__file__", None)
        return "__main__" if script is None else pathlib.PurePath(script).stem

    @cached_property
    def logger(self) -> logging.Logger:
        """The ``logging`` logger named after the app, with a default handler when
        logging is not configured."""
        return create_logger(self._whole())

    @property
    def debug(self) -> bool:
        """Whether debug mode is on: the ``DEBUG`` config key."""
        return self.config["DEBUG"]

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if self.config["TEMPLATES_AUTO_RELOAD"] is None:
            self.jinja_env.auto_reload = value

    def make_config(self, instance_relative: bool = False) -> Config:
        """Return the app's config: ``default_config`` plus ``DEBUG`` from ``FLASK_DEBUG``,
        rooted at the instance path when ``instance_relative``."""
        root = self.instance_path if instance_relative else self.root_path
        return self.config_class(root, {**self.default_config, "DEBUG": get_debug_flag()})

    def make_aborter(self) -> Aborter:
        """Return the ``Aborter`` (an ``aborter_class``) that ``abort`` uses for this app."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """Return ``instance`` beside the app's module or package, or
        ``PREFIX/var/NAME-instance`` for an installed package."""
        install_prefix, folder = find_package(self.import_name)
        if install_prefix is not None:
            return os.path.join(install_prefix, "var", f"{self.name}-instance")
        return os.path.join(folder, "instance")

    # -- templates --------------------------------------------------------------

    @cached_property
    def jinja_env(self) -> Environment:
        """The app's Jinja environment, created on first use."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """Create the Jinja environment (``Flask`` does)."""
        raise NotImplementedError

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Return whether autoescaping applies to the template ``filename``: true for
        ``.html .htm .xml .xhtml .svg`` and for templates from strings."""
        if filename is None:
            return True
        return filename.endswith(_AUTOESCAPE_EXTENSIONS)

    @setupmethod
    def template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Decorate a function to register it as a template filter named ``name``
        (default: the function's name). Returns the function."""

        def decorator(f: T_template_filter) -> T_template_filter:
            self.add_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_filter(self, f: TemplateFilterCallable, name: str | None = None) -> None:
        """Register ``f`` as a template filter named ``name`` (default: its name)."""
        self.jinja_env.filters[name or f.__name__] = f

    @setupmethod
    def template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Decorate a function to register it as a template test named ``name``
        (default: the function's name). Returns the function."""

        def decorator(f: T_template_test) -> T_template_test:
            self.add_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_test(self, f: TemplateTestCallable, name: str | None = None) -> None:
        """Register ``f`` as a template test named ``name`` (default: its name)."""
        self.jinja_env.tests[name or f.__name__] = f

    @setupmethod
    def template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Decorate a function to make it a template global named ``name``
        (default: the function's name). Returns the function."""

        def decorator(f: T_template_global) -> T_template_global:
            self.add_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_global(self, f: TemplateGlobalCallable, name: str | None = None) -> None:
        """Make ``f`` a template global named ``name`` (default: its name)."""
        self.jinja_env.globals[name or f.__name__] = f

    # -- shell, registration -----------------------------------------------------

    @setupmethod
    def shell_context_processor(self, f: T_shell_context_processor) -> T_shell_context_processor:
        """Register ``f``, returning a dict, to add names to the ``shell`` command."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """Return the names the interactive shell starts with: ``app``, ``g`` and those
        of the shell context processors."""
        names: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            names.update(processor())
        return names

    # -- registration -------------------------------------------------------------

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Register ``blueprint`` on the app; ``options`` (``url_prefix``, ``subdomain``,
        ``url_defaults``, ``name``, ``cli_group``) override the blueprint's own."""
        blueprint.register(self._whole(), options)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """Return the registered blueprints in registration order."""
        return self.blueprints.values()

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register the URL ``rule`` for ``endpoint`` (default: the view's name) and,
        if given, ``view_func`` as its view.

        ``methods`` defaults to the view's ``methods`` attribute, else ``GET``; ``HEAD``
        follows ``GET`` and ``OPTIONS`` is answered automatically unless disabled.
        Raises ``AssertionError`` when another function already owns ``endpoint``.
        """
        if endpoint is None:
            endpoint = default_endpoint(view_func)
        methods, automatic_options = self._rule_methods(
            view_func, options.pop("methods", None), provide_automatic_options
        )
        url_rule = self.url_rule_class(rule, methods=methods, endpoint=endpoint, **options)
        url_rule.provide_automatic_options = automatic_options  # type: ignore[attr-defined]
        self.url_map.add(url_rule)

        if view_func is None:
            return
        claimed_by = self.view_functions.setdefault(endpoint, view_func)
        if claimed_by != view_func:
            raise AssertionError(
                f"View function mapping is overwriting an existing endpoint function: {endpoint}"
            )

    def _rule_methods(
        self,
        view_func: RouteCallable | None,
        methods: t.Iterable[str] | None,
        automatic_options: bool | None,
    ) -> tuple[set[str], bool]:
        """Return the methods a new rule accepts and whether it answers OPTIONS by itself.

        Explicit ``methods`` win over the view's ``methods`` attribute, then ``GET``; the
        view's ``required_methods`` are always added. Automatic OPTIONS is decided by the
        argument, then the view's attribute, then ``PROVIDE_AUTOMATIC_OPTIONS`` (only
        when OPTIONS is not already among the methods).
        """
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for"
                ' example: @app.route(..., methods=["POST"])'
            )
        accepted = {method.upper() for method in methods}
        if automatic_options is None:
            automatic_options = getattr(view_func, "provide_automatic_options", None)
        if automatic_options is None:
            # Decided on the listed methods alone, before the required ones join.
            automatic_options = bool(
                "OPTIONS" not in accepted and self.config["PROVIDE_AUTOMATIC_OPTIONS"]
            )
            if automatic_options:
                accepted.add("OPTIONS")
        accepted.update(getattr(view_func, "required_methods", ()))
        return accepted, automatic_options

    @setupmethod
    def teardown_appcontext(self, f: T_teardown) -> T_teardown:
        """Register ``f`` to run when the application context is popped, with the
        unhandled exception or None; runs in reverse registration order. Returns ``f``."""
        self.teardown_appcontext_funcs.append(f)
        return f

    # -- errors -------------------------------------------------------------------

    def _find_error_handler(
        self, e: Exception, blueprints: list[str]
    ) -> ErrorHandlerCallable | None:
        """Return the handler for ``e``: handlers for its status code before
        code-less ones, blueprints (innermost first) before the app, and within each
        the most specific class along the exception's MRO."""
        spec = self.error_handler_spec
        if not spec:
            return None
        exc_class, code = self._handler_key(type(e))
        codes = (None,) if code is None else (code, None)
        scopes = [scope for scope in (*blueprints, None) if scope in spec]
        for handlers in (spec[scope].get(c) for c in codes for scope in scopes):
            if handlers:
                handler = next((handlers[k] for k in exc_class.__mro__ if k in handlers), None)
                if handler is not None:
                    return handler
        return None

    def trap_http_exception(self, e: Exception) -> bool:
        """Return whether the HTTP exception ``e`` should propagate like any other
        exception instead of becoming an error response (``TRAP_HTTP_EXCEPTIONS``,
        ``TRAP_BAD_REQUEST_ERRORS``, and key errors in debug mode)."""
        config = self.config
        if config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_requests = config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_requests is None:
            # Unset: only a missing form/args key is trapped, and only in debug mode.
            return bool(self.debug) and isinstance(e, BadRequestKeyError)
        return bool(trap_bad_requests) and isinstance(e, BadRequest)

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Return whether ``error`` should be hidden from the teardown functions
        (never, by default)."""
        return False

    def _exceptions_propagate(self) -> bool:
        """Whether unhandled exceptions leave the app instead of becoming a 500:
        ``PROPAGATE_EXCEPTIONS``, or when unset, testing or debug mode."""
        setting = self.config["PROPAGATE_EXCEPTIONS"]
        return bool(self.testing or self.debug) if setting is None else bool(setting)
