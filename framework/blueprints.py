"""Blueprints: reusable groups of routes, hooks, handlers, templates and static files.

A blueprint records what is declared on it and replays it on an application each
time it is registered there, possibly several times under different names, and
possibly nested in other blueprints (names, URL prefixes and subdomains compose).
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import wraps

from .cli import AppGroup
from .files import FileAccess
from .scaffold import (
    HOOK_REGISTRIES,
    T_after_request,
    T_before_request,
    T_error_handler,
    T_teardown,
    T_template_context_processor,
    T_url_defaults,
    T_url_value_preprocessor,
    default_endpoint,
    setupmethod,
)

if t.TYPE_CHECKING:
    from .app import Flask
    from .typing import (
        RouteCallable,
        TemplateFilterCallable,
        TemplateGlobalCallable,
        TemplateTestCallable,
    )

DeferredSetupFunction = t.Callable[["BlueprintSetupState"], None]
T_template_filter = t.TypeVar("T_template_filter", bound="TemplateFilterCallable")
T_template_global = t.TypeVar("T_template_global", bound="TemplateGlobalCallable")
T_template_test = t.TypeVar("T_template_test", bound="TemplateTestCallable")

# The default ``cli_group``: the commands go into a group named after the blueprint's
# registered name (None would merge them into the app's own commands).
_GROUP_NAMED_AFTER_BLUEPRINT: t.Any = object()


def _join_paths(head: str, tail: str) -> str:
    """Return the URL path ``tail`` appended to ``head``, with one slash between them."""
    return f"{head.rstrip('/')}/{tail.lstrip('/')}"


def _join_prefix(outer: str | None, inner: str | None) -> str | None:
    """Return the URL prefix of a blueprint with prefix ``inner`` nested under one with
    prefix ``outer`` (None means no prefix, so the other one is returned)."""
    if outer is None:
        return inner
    if inner is None:
        return outer
    return _join_paths(outer, inner)


def _join_subdomain(outer: str | None, inner: str | None) -> str | None:
    """Return the subdomain of a blueprint with subdomain ``inner`` nested under one with
    subdomain ``outer``: ``inner.outer`` (None means no subdomain)."""
    if outer is None:
        return inner
    if inner is None:
        return outer
    return f"{inner}.{outer}"


def _dotted_name(*parts: str) -> str:
    """Join name parts with dots; an empty leading part leaves no leading dot."""
    return ".".join(parts).lstrip(".")


def _option_or(options: t.Mapping[str, t.Any], key: str, fallback: str | None) -> str | None:
    """Return ``options[key]``, or ``fallback`` when it is missing or None."""
    value = options.get(key)
    return fallback if value is None else value


class BlueprintSetupState:
    """One registration of a blueprint on an app, as its deferred functions see it:
    the app, the registration options and the effective name, name prefix, URL
    prefix, subdomain and URL defaults (options win over the blueprint's values)."""

    def __init__(
        self,
        blueprint: Blueprint,
        app: Flask,
        options: t.Any,
        first_registration: bool,
    ) -> None:
        #: The application the blueprint is registered on.
        self.app = app
        #: The blueprint being registered.
        self.blueprint = blueprint
        #: The keyword arguments given to ``register_blueprint``.
        self.options = options
        #: Whether the app had not seen this blueprint before this registration.
        self.first_registration = first_registration
        #: The subdomain of the blueprint's rules, or None.
        self.subdomain = _option_or(options, "subdomain", blueprint.subdomain)
        #: The URL prefix of the blueprint's rules, or None.
        self.url_prefix = _option_or(options, "url_prefix", blueprint.url_prefix)
        #: The name of this registration (without the parents' names).
        self.name: str = options.get("name", blueprint.name)
        #: The dotted name of the parent registration ("" at the top level).
        self.name_prefix: str = options.get("name_prefix", "")
        #: The defaults of the URL variables of every rule.
        self.url_defaults: dict[str, t.Any] = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        **options: t.Any,
    ) -> None:
        """Add ``rule`` to the app under this registration: URL prefix prepended,
        subdomain and URL defaults applied (the rule's own options win) and the
        endpoint prefixed with the registration's dotted name."""
        if endpoint is None:
            endpoint = default_endpoint(view_func)
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = {**defaults, **options.pop("defaults")}
        options.setdefault("subdomain", self.subdomain)
        self.app.add_url_rule(
            self._under_prefix(rule),
            _dotted_name(self.name_prefix, self.name, endpoint),
            view_func,
            defaults=defaults,
            **options,
        )

    def _under_prefix(self, rule: str) -> str:
        """Return ``rule`` below the URL prefix; the empty rule is the prefix itself."""
        prefix = self.url_prefix
        if prefix is None:
            return rule
        return _join_paths(prefix, rule) if rule else prefix


class Blueprint(FileAccess):
    """A group of routes, hooks, handlers, templates and static files that
    ``app.register_blueprint(bp)`` adds to an application.

    Endpoints are named ``"<blueprint name>.<endpoint>"``. ``url_prefix``,
    ``subdomain`` and ``url_defaults`` apply to all its rules; ``cli_group`` is the
    name of the command group of its CLI commands (None adds them to the app's own).
    Raises ``ValueError`` for an empty name or one containing a dot.
    """

    # Set by the first registration; set-up methods fail from then on.
    _has_been_registered = False

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _GROUP_NAMED_AFTER_BLUEPRINT,
    ) -> None:
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.url_values_defaults: dict[str, t.Any] = {} if url_defaults is None else url_defaults
        self.cli_group = cli_group
        #: The click command group for the blueprint's commands.
        self.cli = AppGroup(name)
        #: Functions called with a :class:`BlueprintSetupState` on each registration.
        self.deferred_functions: list[DeferredSetupFunction] = []
        # Blueprints registered on this one, with their registration options.
        self._nested_blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    def _ensure_still_in_setup(self, f_name: str) -> None:
        """Raise ``AssertionError`` naming ``f_name`` once the blueprint is registered."""
        if not self._has_been_registered:
            return
        raise AssertionError(
            f"The setup method '{f_name}' can no longer be called on the blueprint"
            f" '{self.name}'. It has already been registered at least once, any"
            " changes will not be applied consistently.\n"
            "Make sure all imports, decorators, functions, etc. needed to set up"
            " the blueprint are done before registering it."
        )

    # -- deferred set-up ---------------------------------------------------------------

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` on every registration of the blueprint."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` on the blueprint's first registration on each app."""

        @wraps(func)
        def on_first_registration(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(on_first_registration)

    def make_setup_state(
        self, app: Flask, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """Return the :class:`BlueprintSetupState` of one registration on ``app``."""
        return BlueprintSetupState(self, app, options, first_registration)

    # -- registration ---------------------------------------------------------------

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` in this one: each registration of this blueprint also
        registers it, with dotted names and composed URL prefixes and subdomains.
        Raises ``ValueError`` when ``blueprint`` is this blueprint."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._nested_blueprints.append((blueprint, options))

    def register(self, app: Flask, options: dict[str, t.Any]) -> None:
        """Add the blueprint to ``app`` (``app.register_blueprint`` calls this).

        Raises ``ValueError`` when the app already has a blueprint under the same
        dotted name; pass ``name=`` to register another copy.
        """
        registered_name, first_on_app = self._claim_name(app, options)
        self._has_been_registered = True
        state = self.make_setup_state(app, options, first_on_app)
        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )
        self._copy_registries_to(app, registered_name)
        for deferred in self.deferred_functions:
            deferred(state)
        self._attach_commands(app, registered_name, options.get("cli_group", self.cli_group))
        for child, child_options in self._nested_blueprints:
            child.register(app, _nested_options(state, registered_name, child, child_options))

    def _claim_name(self, app: Flask, options: dict[str, t.Any]) -> tuple[str, bool]:
        """Enter the blueprint in ``app.blueprints`` under its dotted name; return that
        name and whether the app had not seen this blueprint before."""
        own_name = options.get("name", self.name)
        registered_name = _dotted_name(options.get("name_prefix", ""), own_name)
        holder = app.blueprints.get(registered_name)
        if holder is not None:
            whose = "this" if holder is self else "a different"
            full_name = "" if registered_name == own_name else f" '{registered_name}'"
            raise ValueError(
                f"The name '{own_name}' is already registered for {whose} blueprint"
                f"{full_name}. Use 'name=' to provide a unique name."
            )
        first_on_app = all(known is not self for known in app.blueprints.values())
        app.blueprints[registered_name] = self
        return registered_name, first_on_app

    def _copy_registries_to(self, app: Flask, registered_name: str) -> None:
        """Add the blueprint's views, error handlers and hooks to ``app``: its own
        scope (None) becomes ``registered_name``, other scopes go below it."""

        def app_scope(key: str | None) -> str:
            return registered_name if key is None else f"{registered_name}.{key}"

        app.view_functions.update(self.view_functions)
        for key, by_code in self.error_handler_spec.items():
            app.error_handler_spec[app_scope(key)] = defaultdict(
                dict, {code: dict(by_class) for code, by_class in by_code.items()}
            )
        for registry in HOOK_REGISTRIES:
            app_registry = getattr(app, registry)
            for key, functions in getattr(self, registry).items():
                app_registry.setdefault(app_scope(key), []).extend(functions)

    def _attach_commands(self, app: Flask, registered_name: str, group: str | None) -> None:
        """Add the blueprint's CLI commands to ``app.cli``: directly when ``group`` is
        None, else as a command group named ``group`` (by default the registered name)."""
        if not self.cli.commands:
            return
        if group is None:
            app.cli.commands.update(self.cli.commands)
            return
        self.cli.name = registered_name if group is _GROUP_NAMED_AFTER_BLUEPRINT else group
        app.cli.add_command(self.cli)

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Add the URL rule to the app on each registration (see ``Flask.add_url_rule``).

        Raises ``ValueError`` when the endpoint or the view function's name contains
        a dot.
        """
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError("'view_func' name may not contain a dot '.' character.")

        def add_rule(state: BlueprintSetupState) -> None:
            state.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            )

        self.record(add_rule)

    # -- registrations on the whole app, made from the blueprint ------------------------

    def _on_each_app(self, register: t.Callable[[Flask], object]) -> None:
        """Call ``register(app)`` on the blueprint's first registration on each app."""

        def register_on_app(state: BlueprintSetupState) -> None:
            register(state.app)

        self.record_once(register_on_app)

    @setupmethod
    def app_template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Return a decorator making a function a template filter of the whole app,
        named ``name`` (default: its name). The decorator returns the function."""

        def register_filter(f: T_template_filter) -> T_template_filter:
            self.add_app_template_filter(f, name=name)
            return f

        return register_filter

    @setupmethod
    def add_app_template_filter(self, f: TemplateFilterCallable, name: str | None = None) -> None:
        """Make ``f`` a template filter of the whole app, named ``name`` (default: its name)."""
        self._on_each_app(lambda app: app.add_template_filter(f, name=name))

    @setupmethod
    def app_template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Return a decorator making a function a template test of the whole app,
        named ``name`` (default: its name). The decorator returns the function."""

        def register_test(f: T_template_test) -> T_template_test:
            self.add_app_template_test(f, name=name)
            return f

        return register_test

    @setupmethod
    def add_app_template_test(self, f: TemplateTestCallable, name: str | None = None) -> None:
        """Make ``f`` a template test of the whole app, named ``name`` (default: its name)."""
        self._on_each_app(lambda app: app.add_template_test(f, name=name))

    @setupmethod
    def app_template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Return a decorator making a function a template global of the whole app,
        named ``name`` (default: its name). The decorator returns the function."""

        def register_global(f: T_template_global) -> T_template_global:
            self.add_app_template_global(f, name=name)
            return f

        return register_global

    @setupmethod
    def add_app_template_global(self, f: TemplateGlobalCallable, name: str | None = None) -> None:
        """Make ``f`` a template global of the whole app, named ``name`` (default: its name)."""
        self._on_each_app(lambda app: app.add_template_global(f, name=name))

    @setupmethod
    def before_app_request(self, f: T_before_request) -> T_before_request:
        """``before_request`` for every request of the app, not only the blueprint's.
        Returns ``f``."""
        self._on_each_app(lambda app: app.before_request(f))
        return f

    @setupmethod
    def after_app_request(self, f: T_after_request) -> T_after_request:
        """``after_request`` for every request of the app, not only the blueprint's.
        Returns ``f``."""
        self._on_each_app(lambda app: app.after_request(f))
        return f

    @setupmethod
    def teardown_app_request(self, f: T_teardown) -> T_teardown:
        """``teardown_request`` for every request of the app, not only the blueprint's.
        Returns ``f``."""
        self._on_each_app(lambda app: app.teardown_request(f))
        return f

    @setupmethod
    def app_context_processor(
        self, f: T_template_context_processor
    ) -> T_template_context_processor:
        """``context_processor`` for every template the app renders. Returns ``f``."""
        self._on_each_app(lambda app: app.context_processor(f))
        return f

    @setupmethod
    def app_errorhandler(
        self, code: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Return a decorator registering an error handler for the whole app (see
        ``errorhandler``). The decorator returns the function."""

        def register_handler(f: T_error_handler) -> T_error_handler:
            self._on_each_app(lambda app: app.register_error_handler(code, f))
            return f

        return register_handler

    @setupmethod
    def app_url_value_preprocessor(self, f: T_url_value_preprocessor) -> T_url_value_preprocessor:
        """``url_value_preprocessor`` for every request of the app. Returns ``f``."""
        self._on_each_app(lambda app: app.url_value_preprocessor(f))
        return f

    @setupmethod
    def app_url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """``url_defaults`` for every URL the app builds. Returns ``f``."""
        self._on_each_app(lambda app: app.url_defaults(f))
        return f


def _nested_options(
    parent: BlueprintSetupState,
    parent_name: str,
    child: Blueprint,
    options: dict[str, t.Any],
) -> dict[str, t.Any]:
    """Return the options ``child``, nested with ``options``, is registered with under
    the ``parent`` registration: its URL prefix and subdomain composed with the
    parent's, and the parent's dotted name as its name prefix."""
    nested = dict(options, name_prefix=parent_name)
    url_prefix = _join_prefix(
        parent.url_prefix, _option_or(options, "url_prefix", child.url_prefix)
    )
    if url_prefix is not None:
        nested["url_prefix"] = url_prefix
    subdomain = _join_subdomain(parent.subdomain, _option_or(options, "subdomain", child.subdomain))
    if subdomain is not None:
        nested["subdomain"] = subdomain
    return nested
