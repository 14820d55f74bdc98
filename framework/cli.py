"""Command line support: the ``framework`` command and the click pieces apps build on.

Running ``framework COMMAND`` first settles which application to use (``--app``,
``FLASK_APP``, a factory given to :class:`FlaskGroup`, or a ``wsgi.py``/``app.py``
in the working directory), then dispatches to one of three kinds of command: the
built-in ``run``, ``shell`` and ``routes``; commands installed by packages under the
``flask.commands`` or ``framework.commands`` entry point groups; and the commands an
application registers with ``@app.cli.command()``.
"""

from __future__ import annotations

import ast
import collections.abc as cabc
import functools
import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import platform
import re
import sys
import traceback
import typing as t
from pathlib import Path
from types import ModuleType, TracebackType

import click
from click.core import ParameterSource
from werkzeug.serving import is_running_from_reloader
from werkzeug.utils import import_string

from .globals import current_app
from .helpers import get_debug_flag, get_load_dotenv

if t.TYPE_CHECKING:
    import ssl

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .app import Flask

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: Files looked for in the working directory, in this order, when no app is named.
DEFAULT_APP_FILES = ("wsgi.py", "app.py")
#: Module attributes holding an application, checked before any other global.
APP_ATTRIBUTE_NAMES = ("app", "application")
#: Module attributes holding an application factory, tried last.
FACTORY_ATTRIBUTE_NAMES = ("create_app", "make_app")

#: The env files read by default; a later file overrides an earlier one.
_DEFAULT_ENV_FILES = (".flaskenv", ".env")
#: Entry point groups whose objects are added as commands of the ``framework`` command.
_PLUGIN_ENTRY_POINT_GROUPS = ("flask.commands", "framework.commands")

# The colon between module and app name; a colon followed by a path separator
# belongs to a Windows drive ("C:\\project\\app.py:app").
_MODULE_APP_SEPARATOR = re.compile(r":(?![\\/])")

_NO_APP_MESSAGE = (
    "Could not locate a Flask application. Use the 'framework --app' option,"
    " 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the"
    " current directory."
)


class NoAppException(click.UsageError):
    """The application could not be found, imported or built.

    Being a :class:`click.UsageError`, it ends the command with its message on one
    line and exit status 2.
    """


# -- finding the application inside a module ---------------------------------------------


def _app_class() -> type[Flask]:
    # A late import: the app module itself imports this one (``Flask.cli``).
    from .app import Flask

    return Flask


def _a_or_an(noun: str) -> str:
    article = "an" if noun[:1].lower() in "aeiou" else "a"
    return f"{article} {noun}"


def _traceback_without_catcher(exc: BaseException) -> str:
    """Format ``exc`` starting below the frame that caught it, i.e. in user code."""
    user_frames: TracebackType | None = exc.__traceback__
    if user_frames is not None:
        user_frames = user_frames.tb_next
    return "".join(traceback.format_exception(type(exc), exc, user_frames))


def _build_with_factory(
    factory: t.Callable[..., t.Any],
    args: cabc.Sequence[t.Any],
    kwargs: cabc.Mapping[str, t.Any],
    *,
    bad_arguments_message: str,
    call_description: str,
) -> t.Any:
    """Return ``factory(*args, **kwargs)``.

    Arguments the factory's signature rejects raise
    ``NoAppException(bad_arguments_message)``; an error raised by the factory itself
    becomes a ``NoAppException`` showing its traceback.
    """
    try:
        inspect.signature(factory).bind(*args, **kwargs)
    except TypeError:
        raise NoAppException(bad_arguments_message) from None
    except ValueError:
        pass  # the signature cannot be inspected; the call will tell
    try:
        return factory(*args, **kwargs)
    except click.ClickException:
        raise
    except Exception as exc:
        raise NoAppException(
            f"While calling {call_description}, {_a_or_an(type(exc).__name__)} was raised:"
            f"\n\n{_traceback_without_catcher(exc)}"
        ) from None


def _app_under_conventional_name(module: ModuleType) -> Flask | None:
    app_class = _app_class()
    for attr_name in APP_ATTRIBUTE_NAMES:
        value = getattr(module, attr_name, None)
        if isinstance(value, app_class):
            return value
    return None


def _only_app_instance(module: ModuleType) -> Flask | None:
    """The single application among the module's globals; an error if there are
    several (one app bound to several names counts once)."""
    names_by_app: dict[int, tuple[str, Flask]] = {}
    app_class = _app_class()
    for attr_name, value in vars(module).items():
        if isinstance(value, app_class) and id(value) not in names_by_app:
            names_by_app[id(value)] = (attr_name, value)
    if not names_by_app:
        return None
    if len(names_by_app) == 1:
        [(_, app)] = names_by_app.values()
        return app
    module_name = module.__name__
    found = ", ".join(repr(attr_name) for attr_name, _ in names_by_app.values())
    raise NoAppException(
        f"Detected multiple Flask applications in module '{module_name}'. Use"
        f" '{module_name}:name' to specify the correct one (found {found})."
    )


def _app_from_conventional_factory(module: ModuleType) -> Flask | None:
    module_name = module.__name__
    app_class = _app_class()
    for attr_name in FACTORY_ATTRIBUTE_NAMES:
        factory = getattr(module, attr_name, None)
        if not inspect.isfunction(factory):
            continue
        built = _build_with_factory(
            factory,
            (),
            {},
            bad_arguments_message=(
                f"Detected factory '{attr_name}' in module '{module_name}', but could not"
                f" call it without arguments. Use '{module_name}:{attr_name}(args)' to"
                " specify arguments."
            ),
            call_description=f"'{module_name}:{attr_name}()'",
        )
        if isinstance(built, app_class):
            return built
    return None


_BEST_APP_FINDERS = (
    _app_under_conventional_name,
    _only_app_instance,
    _app_from_conventional_factory,
)


def find_best_app(module: ModuleType) -> Flask:
    """Return the application of ``module`` when the command line names none.

    Looks, in this order, at the ``app`` and ``application`` attributes, at the
    module's globals for a single application instance, and at the ``create_app``
    and ``make_app`` functions (called without arguments). Raises
    :class:`NoAppException` if nothing fits, if several instances compete, or if a
    factory cannot be called without arguments.
    """
    for finder in _BEST_APP_FINDERS:
        app = finder(module)
        if app is not None:
            return app
    raise NoAppException(
        f"Failed to find Flask application or factory in module '{module.__name__}'. Use"
        f" '{module.__name__}:name' to specify one."
    )


class _AppReference(t.NamedTuple):
    """The parsed ``name`` or ``name(arguments)`` part of an ``--app`` value."""

    attribute: str
    args: list[t.Any]
    kwargs: dict[str, t.Any]


def _parse_app_reference(text: str) -> _AppReference:
    """Parse an attribute name, or a call of one with literal arguments.

    ``**mapping`` arguments are ignored, like real Flask does.
    """
    unparsable = NoAppException(f"Failed to parse {text!r} as an attribute name or function call.")
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise unparsable from None

    if isinstance(node, ast.Name):
        return _AppReference(node.id, [], {})
    if not isinstance(node, ast.Call):
        raise unparsable
    if not isinstance(node.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {text!r}.")

    named = [keyword for keyword in node.keywords if keyword.arg is not None]
    try:
        args = [ast.literal_eval(arg) for arg in node.args]
        kwargs = {t.cast(str, keyword.arg): ast.literal_eval(keyword.value) for keyword in named}
    except ValueError:
        raise NoAppException(f"Failed to parse arguments as literal values: {text!r}.") from None
    return _AppReference(node.func.id, args, kwargs)


def find_app_by_string(module: ModuleType, app_name: str) -> Flask:
    """Return the application ``app_name`` designates in ``module``.

    ``app_name`` names an attribute (an application, or a function returning one),
    or calls such a function with literal arguments, e.g.
    ``create_app('dev', debug=True)``. Unparsable text, a missing attribute,
    arguments the function does not take, or a result that is not an application
    raise :class:`NoAppException`.
    """
    reference = _parse_app_reference(app_name)
    module_name = module.__name__
    try:
        target = getattr(module, reference.attribute)
    except AttributeError:
        raise NoAppException(
            f"Failed to find attribute {reference.attribute!r} in {module_name!r}."
        ) from None

    if inspect.isfunction(target):
        target = _build_with_factory(
            target,
            reference.args,
            reference.kwargs,
            bad_arguments_message=(
                f"The factory {app_name!r} in module {module_name!r} could not be called"
                " with the specified arguments."
            ),
            call_description=f"'{module_name}:{app_name}'",
        )
    if not isinstance(target, _app_class()):
        raise NoAppException(
            f"A valid Flask application was not obtained from '{module_name}:{app_name}'."
        )
    return target


# -- importing the module ----------------------------------------------------------------


def prepare_import(path: str) -> str:
    """Return the module name to import for a file or folder ``path``.

    A ``.py`` suffix and a trailing ``__init__`` are dropped; every enclosing folder
    that has an ``__init__.py`` is a package whose name is prefixed. The folder
    holding the outermost package is put at the front of ``sys.path`` (unless it is
    already there).
    """
    target = Path(os.path.realpath(path))
    if target.suffix == ".py":
        target = target.with_suffix("")
    if target.name == "__init__":
        target = target.parent

    dotted_parts = [target.name]
    import_root = target.parent
    while (import_root / "__init__.py").is_file() and import_root.parent != import_root:
        dotted_parts.insert(0, import_root.name)
        import_root = import_root.parent

    root_entry = str(import_root)
    if not sys.path or sys.path[0] != root_entry:
        sys.path.insert(0, root_entry)
    return ".".join(dotted_parts)


def _is_module_missing(exc: ImportError, module_name: str) -> bool:
    """Whether ``exc`` means ``module_name`` (or a package above it) does not exist,
    rather than that something imported by that module failed."""
    missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
    return bool(missing) and (module_name == missing or module_name.startswith(f"{missing}."))


def _import_app_module(module_name: str) -> ModuleType | None:
    """Import ``module_name`` and return it, or None when no such module exists.

    An error raised while the module runs becomes a :class:`NoAppException`
    carrying the module's traceback.
    """
    if not all(module_name.split(".")):
        return None
    try:
        # __import__ rather than importlib.import_module: no importlib frames end
        # up in the traceback shown to the user.
        __import__(module_name)
    except Exception as exc:
        if isinstance(exc, ImportError):
            if _is_module_missing(exc, module_name):
                return None
            raised = "an ImportError"
        else:
            raised = _a_or_an(type(exc).__name__)
        raise NoAppException(
            f"While importing {module_name!r}, {raised} was raised:"
            f"\n\n{_traceback_without_catcher(exc)}"
        ) from None
    return sys.modules[module_name]


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True
) -> Flask: ...


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool
) -> Flask | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Flask | None:
    """Import ``module_name`` and return the application in it.

    With an ``app_name`` the app is looked up by :func:`find_app_by_string`,
    otherwise chosen by :func:`find_best_app`. A module that does not exist raises
    :class:`NoAppException` (or gives None if ``raise_if_not_found`` is false); one
    that fails while being imported raises :class:`NoAppException` showing its
    traceback.
    """
    module = _import_app_module(module_name)
    if module is None:
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.")
        return None
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


def _app_from_import_path(import_path: str) -> Flask:
    """Load the app an ``--app`` value (``module``, ``path.py`` or ``module:name``)
    designates."""
    separator = _MODULE_APP_SEPARATOR.search(import_path)
    if separator is None:
        return locate_app(prepare_import(import_path), None)
    module_path, app_name = import_path[: separator.start()], import_path[separator.end() :]
    return locate_app(prepare_import(module_path), app_name)


def _app_from_default_files() -> Flask | None:
    """The app of the first default file (``wsgi.py``, ``app.py``) that exists."""
    candidates = (
        locate_app(prepare_import(file_name), None, raise_if_not_found=False)
        for file_name in DEFAULT_APP_FILES
    )
    return next((app for app in candidates if app is not None), None)


# -- the --version option ------------------------------------------------------------------


def _framework_version() -> str:
    try:
        return importlib.metadata.version("flaskspec")
    except importlib.metadata.PackageNotFoundError:
        import framework

        return str(getattr(framework, "__version__", "unknown"))


def get_version(ctx: click.Context, param: click.Parameter, value: t.Any) -> None:
    """Callback of ``--version``: print the Python, framework and werkzeug versions,
    then end the command."""
    if not value or ctx.resilient_parsing:
        return
    versions = (
        ("Python", platform.python_version()),
        ("Framework", _framework_version()),
        ("Werkzeug", importlib.metadata.version("werkzeug")),
    )
    click.echo("\n".join(f"{name} {number}" for name, number in versions), color=ctx.color)
    ctx.exit()


def _make_version_option() -> click.Option:
    return click.Option(
        ["--version"],
        help="Show the framework version.",
        expose_value=False,
        callback=get_version,
        is_flag=True,
        is_eager=True,
    )


#: The ``--version`` option of the ``framework`` command.
version_option = _make_version_option()


# -- application loading state and app-context commands ------------------------------------


class ScriptInfo:
    """The command line's knowledge of the application it should load.

    ``app_import_path`` holds the ``--app`` value; ``create_app`` is a function
    returning the application, used instead of the import path when given;
    ``set_debug_flag`` makes the loaded app's ``debug`` follow ``FLASK_DEBUG``;
    ``load_dotenv_defaults`` tells whether ``.env``/``.flaskenv`` are read (never
    when ``FLASK_SKIP_DOTENV`` is set). ``data`` is a dict commands may use to
    share values. Commands receive it as click's context object.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Flask] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = get_load_dotenv(load_dotenv_defaults)
        self.data: dict[t.Any, t.Any] = {}
        self._app: Flask | None = None

    def load_app(self) -> Flask:
        """Return the application, loading it on the first call only.

        Raises :class:`NoAppException` when there is no application to load.
        """
        if self._app is None:
            app = self._build_or_discover_app()
            if app is None:
                raise NoAppException(_NO_APP_MESSAGE)
            if self.set_debug_flag:
                app.debug = get_debug_flag()
            self._app = app
        return self._app

    def _build_or_discover_app(self) -> Flask | None:
        if self.create_app is not None:
            return self.create_app()
        if self.app_import_path:
            return _app_from_import_path(self.app_import_path)
        return _app_from_default_files()


#: Decorator giving a command the current :class:`ScriptInfo` as first argument.
pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: F) -> F:
    """Make the click command callback ``f`` run inside an application context.

    If an application context is active already (the ``framework`` command pushes
    one for app commands) it is used; otherwise the :class:`ScriptInfo`'s app is
    loaded and its context pushed for the duration of the command.
    """

    @functools.wraps(f)
    def run_in_app_context(*args: t.Any, **kwargs: t.Any) -> t.Any:
        ctx = click.get_current_context()
        if not current_app:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return t.cast(F, run_in_app_context)


def _bare_decorated_function(
    args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
) -> t.Callable[..., t.Any] | None:
    """The function when a decorator is applied without parentheses
    (``@group.command``), None when it was called with arguments first."""
    if len(args) == 1 and not kwargs and callable(args[0]):
        return t.cast(t.Callable[..., t.Any], args[0])
    return None


class AppGroup(click.Group):
    """A click group for application commands.

    Its ``command()`` decorator runs callbacks inside the application context (see
    :func:`with_appcontext`) unless given ``with_appcontext=False``; nested groups
    made with its ``group()`` decorator are ``AppGroup`` too (unless ``cls`` says
    otherwise). Both decorators may be used with or without parentheses.
    """

    def command(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """Decorator registering a command; accepts what :meth:`click.Group.command`
        accepts plus ``with_appcontext``."""
        in_app_context = kwargs.pop("with_appcontext", True)
        bare_function = _bare_decorated_function(args, kwargs)
        register = super().command(*(() if bare_function else args), **kwargs)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            return t.cast(click.Command, register(with_appcontext(f) if in_app_context else f))

        return decorator if bare_function is None else decorator(bare_function)


# click's ``Group.group()`` creates groups of this class unless given ``cls``.
AppGroup.group_class = AppGroup


# -- the options of the framework command --------------------------------------------------


def _import_dotenv() -> ModuleType | None:
    """The python-dotenv module, or None when it is not installed."""
    try:
        import dotenv
    except ImportError:
        return None
    return dotenv


def _load_env_files_option(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    if value is not None and _import_dotenv() is None:
        raise click.BadParameter(
            "python-dotenv must be installed to load an env file.", ctx=ctx, param=param
        )
    read_defaults = ctx.ensure_object(ScriptInfo).load_dotenv_defaults
    if read_defaults or value is not None:
        load_dotenv(value, load_defaults=read_defaults)
    return value


def _record_app_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _export_debug_option(ctx: click.Context, param: click.Parameter, value: bool) -> bool | None:
    # Only a choice actually made (the flag or FLASK_DEBUG) counts. It is written to
    # the environment because the app, created afterwards, reads it from there.
    made_by = ctx.get_parameter_source(param.name or "debug")
    if made_by in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
        return None
    os.environ["FLASK_DEBUG"] = "1" if value else "0"
    return value


def _make_env_file_option() -> click.Option:
    return click.Option(
        ["-e", "--env-file"],
        type=click.Path(exists=True, dir_okay=False),
        help="Load environment variables from this file, taking precedence over"
        " those set by '.env' and '.flaskenv'. Variables set directly in the"
        " environment take highest precedence. python-dotenv must be installed.",
        is_eager=True,
        expose_value=False,
        callback=_load_env_files_option,
    )


def _make_app_option() -> click.Option:
    return click.Option(
        ["-A", "--app"],
        metavar="IMPORT",
        help="The application or factory function to load, in the form 'module:name'."
        " Module can be a dotted import or file path. Name is not required if it is"
        " 'app', 'application', 'create_app', or 'make_app', and can be 'name(args)'"
        " to pass arguments.",
        is_eager=True,
        expose_value=False,
        envvar="FLASK_APP",
        callback=_record_app_option,
    )


def _make_debug_option() -> click.Option:
    return click.Option(
        ["--debug/--no-debug"],
        help="Set debug mode.",
        expose_value=False,
        envvar="FLASK_DEBUG",
        callback=_export_debug_option,
    )


def _installed_plugin_commands() -> cabc.Iterator[tuple[str, click.Command]]:
    """Yield ``(name, command)`` for each command entry point; one that cannot be
    loaded is reported on stderr and skipped."""
    for group in _PLUGIN_ENTRY_POINT_GROUPS:
        for entry_point in importlib.metadata.entry_points(group=group):
            try:
                command = entry_point.load()
            except Exception as exc:
                click.secho(
                    f"Error: could not load command {entry_point.name!r} from"
                    f" {entry_point.value!r} ({group}): {type(exc).__name__}: {exc}",
                    err=True,
                    fg="red",
                )
            else:
                yield entry_point.name, command


class FlaskGroup(AppGroup):
    """The group behind the ``framework`` command: finds the app and its commands.

    It has the ``--env-file``, ``--app`` and ``--debug`` options, plus ``--version``
    when ``add_version_option``; the ``run``, ``shell`` and ``routes`` commands when
    ``add_default_commands``; the commands of the ``flask.commands`` and
    ``framework.commands`` entry points; and the loaded app's commands.
    ``create_app`` builds the app instead of discovering it; ``load_dotenv`` reads
    ``.env`` and ``.flaskenv``; ``set_debug_flag`` makes ``app.debug`` follow
    ``FLASK_DEBUG``. Command options can also be set by ``FLASK_<COMMAND>_<OPTION>``
    environment variables.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., Flask] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        # Kept to be processed ahead of time when only the help is asked for.
        self._early_options = (_make_env_file_option(), _make_app_option())
        own_options = [*self._early_options, _make_debug_option()]
        if add_version_option:
            own_options.append(_make_version_option())
        extra["params"] = [*(extra.get("params") or ()), *own_options]
        extra["context_settings"] = {
            "auto_envvar_prefix": "FLASK",
            **(extra.get("context_settings") or {}),
        }
        super().__init__(**extra)

        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        self._plugins_added = False
        if add_default_commands:
            for command in (run_command, shell_command, routes_command):
                self.add_command(command)

    def _add_plugin_commands_once(self) -> None:
        if not self._plugins_added:
            self._plugins_added = True
            for name, command in _installed_plugin_commands():
                self.add_command(command, name)

    def _app_or_report(self, ctx: click.Context, *, report_any_error: bool) -> Flask | None:
        """Load the app for its commands. A :class:`NoAppException` (and, with
        ``report_any_error``, any error) is printed to stderr and gives None."""
        try:
            return ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as exc:
            click.secho(f"Error: {exc.format_message()}\n", err=True, fg="red")
        except Exception:
            if not report_any_error:
                raise
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the command ``cmd_name``: a built-in or plugin one, else one of the
        app's (the app is loaded and its context pushed); None if there is none."""
        self._add_plugin_commands_once()
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found

        app = self._app_or_report(ctx, report_any_error=False)
        if app is None:
            return None
        # App commands get the app's context even without with_appcontext.
        if not (current_app and current_app._get_current_object() is app):  # type: ignore[attr-defined]
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the sorted names of the built-in, plugin and app commands. An app
        that fails to load is reported on stderr and adds no names."""
        self._add_plugin_commands_once()
        app = self._app_or_report(ctx, report_any_error=True)
        app_command_names = app.cli.list_commands(ctx) if app is not None else []
        return sorted({*super().list_commands(ctx), *app_command_names})

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Create the click context, with a new :class:`ScriptInfo` as its object
        unless one is supplied; also flags the process as started from the command
        line, which turns ``app.run()`` in the app's module into a no-op."""
        os.environ["FLASK_RUN_FROM_CLI"] = "true"
        obj_supplied = "obj" in extra or "obj" in self.context_settings
        if not obj_supplied:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the arguments. When they only ask for the help (none at all, or just
        ``--help``), the env files and ``FLASK_APP`` are processed first, so that
        the help lists the app's commands."""
        only_help = (not args and self.no_args_is_help) or (
            len(args) == 1 and args[0] in self.get_help_option_names(ctx)
        )
        if only_help:
            for option in self._early_options:
                option.handle_parse_result(ctx, {}, [])
        try:
            return super().parse_args(ctx, args)
        except (click.ClickException, click.exceptions.Exit):
            # Printing the help may have loaded the app and pushed its context on
            # ctx; click does not close the context when parsing stops early.
            ctx.close()
            raise


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Set environment variables from env files.

    With ``load_defaults``, the nearest ``.flaskenv`` and ``.env`` (searching from
    the working directory upwards) are read, ``.env`` overriding ``.flaskenv``;
    then the file ``path``, if it exists, overrides both. A key without a value
    overrides too, leaving the variable unset. Variables already in the
    environment are never changed. Returns whether the files defined any key.
    Without python-dotenv nothing is read (a tip is printed if env files exist) and
    the result is False.
    """
    dotenv = _import_dotenv()
    if dotenv is None:
        if path or any(os.path.isfile(name) for name in _DEFAULT_ENV_FILES):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv to use them.",
                fg="yellow",
                err=True,
            )
        return False

    sources: list[str | os.PathLike[str]] = []
    if load_defaults:
        sources += filter(
            None, (dotenv.find_dotenv(name, usecwd=True) for name in _DEFAULT_ENV_FILES)
        )
    if path is not None and os.path.isfile(path):
        sources.append(path)

    merged: dict[str, str | None] = {}
    for source in sources:
        merged.update(dotenv.dotenv_values(source, encoding="utf-8"))
    for key, value in merged.items():
        if value is not None:
            os.environ.setdefault(key, value)
    return bool(merged)


# -- the run command -----------------------------------------------------------------------


def show_server_banner(debug: bool, app_import_path: str | None) -> None:
    """Print which app the development server serves and whether debug mode is on.
    Nothing is printed in the reloader's child process: the parent already did."""
    if is_running_from_reloader():
        return
    banner = []
    if app_import_path is not None:
        banner.append(f" * Serving Flask app '{app_import_path}'")
    if debug is not None:
        banner.append(f" * Debug mode: {'on' if debug else 'off'}")
    for line in banner:
        click.echo(line)


def _special_certificate(
    name: str, ctx: click.Context | None, param: click.Parameter | None
) -> t.Any:
    """``"adhoc"``, or the ``ssl.SSLContext`` that ``name`` imports; None if
    ``name`` is neither."""
    import ssl

    if name == "adhoc":
        if importlib.util.find_spec("cryptography") is None:
            raise click.BadParameter(
                "Using ad-hoc certificates requires the cryptography library.", ctx, param
            )
        return name
    imported = import_string(name, silent=True)
    return imported if isinstance(imported, ssl.SSLContext) else None


class CertParamType(click.ParamType):
    """Type of the ``--cert`` option: an existing certificate file, ``adhoc`` (a
    throw-away certificate, needs the cryptography library), or the import path of
    an ``ssl.SSLContext``."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Return the resolved file path, ``"adhoc"`` or the ``SSLContext``; any
        other value is reported as a missing file."""
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            special = _special_certificate(click.STRING(value, param, ctx).lower(), ctx, param)
            if special is None:
                raise
            return special


# Why ``--key`` is refused, by what ``--cert`` is (see _certificate_kind).
_KEY_NOT_USED = {
    "missing": '"--cert" must also be specified.',
    "context": 'When "--cert" is an SSLContext object, "--key" is not used.',
    "adhoc": 'When "--cert" is "adhoc", "--key" is not used.',
}


def _certificate_kind(cert: t.Any) -> str:
    import ssl

    if cert is None:
        return "missing"
    if isinstance(cert, ssl.SSLContext):
        return "context"
    return "adhoc" if cert == "adhoc" else "file"


def _validate_key(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    """Check ``--key`` against the already converted ``--cert`` and, for a
    certificate file, replace ``cert`` by the ``(certificate, key)`` pair."""
    import ssl

    cert = ctx.params.get("cert")
    kind = _certificate_kind(cert)
    if value is None:
        if kind == "file":
            raise click.BadParameter('Required when using "--cert".', ctx, param)
        return value
    if kind in _KEY_NOT_USED:
        raise click.BadParameter(_KEY_NOT_USED[kind], ctx, param)
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(t.cast(str, cert), value)
    except (ssl.SSLError, OSError) as exc:
        raise click.BadParameter(
            f"Could not load the certificate {cert!r} with this key: {exc}", ctx, param
        ) from None
    ctx.params["cert"] = (cert, value)
    return value


class SeparatedPathType(click.Path):
    """Several paths in one value, separated by ``os.path.pathsep``; each is checked
    as by :class:`click.Path`."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Return the list of the converted paths."""
        convert_one = super().convert
        return [convert_one(item, param, ctx) for item in self.split_envvar_value(value)]


def _app_raising(error: Exception) -> WSGIApplication:
    """A WSGI app that raises ``error`` for every request."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> cabc.Iterable[bytes]:
        raise error from None

    return app


def _app_to_serve(info: ScriptInfo) -> WSGIApplication:
    """Load the app for the server. In the reloader's child process a load error is
    printed and served instead, so the reloader keeps watching for a fix."""
    try:
        return info.load_app()
    except Exception as exc:
        if not is_running_from_reloader():
            raise
        if isinstance(exc, NoAppException):
            click.secho(f"Error: {exc.format_message()}", err=True, fg="red")
        else:
            traceback.print_exc()
        return _app_raising(exc)


@click.command("run", short_help="Run a development server.")
@click.option("--host", "-h", default="127.0.0.1", help="The interface to bind to.")
@click.option("--port", "-p", default=5000, help="The port to bind to.")
@click.option(
    "--cert",
    type=CertParamType(),
    help="Specify a certificate file to use HTTPS.",
    is_eager=True,
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    help="The key file to use when specifying a certificate.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Enable or disable the reloader. By default the reloader is active if debug is enabled.",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    help="Enable or disable the debugger. By default the debugger is active if debug is enabled.",
)
@click.option(
    "--with-threads/--without-threads",
    default=True,
    help="Enable or disable multithreading.",
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    help="Extra files that trigger a reload on change. Multiple paths are"
    f" separated by {os.path.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help="Files matching these fnmatch patterns will not trigger a reload on change."
    f" Multiple patterns are separated by {os.path.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    cert: ssl.SSLContext | tuple[str, str | None] | t.Literal["adhoc"] | None,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Run a local development server.

    This server is for development purposes only. It does not provide the
    stability, security, or performance of production WSGI servers.

    The reloader and debugger are enabled by default with the '--debug' option.
    """
    app = _app_to_serve(info)
    debug = get_debug_flag()
    show_server_banner(debug, info.app_import_path)

    from werkzeug.serving import run_simple

    run_simple(
        host,
        port,
        app,
        use_reloader=debug if reload is None else reload,
        use_debugger=debug if debugger is None else debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


run_command.params.insert(0, _make_debug_option())


# -- the shell command ---------------------------------------------------------------------


def _shell_namespace(app: Flask) -> dict[str, t.Any]:
    """The shell's globals: what ``PYTHONSTARTUP`` defines (run first, as the plain
    interpreter does), overridden by the app's shell context."""
    namespace: dict[str, t.Any] = {}
    startup_file = os.environ.get("PYTHONSTARTUP")
    if startup_file and os.path.isfile(startup_file):
        source = Path(startup_file).read_text(encoding="utf-8")
        exec(compile(source, startup_file, "exec"), namespace)
    namespace.update(app.make_shell_context())
    return namespace


def _prepare_interactive_terminal(namespace: dict[str, t.Any]) -> None:
    """On a terminal, set the interpreter's readline up as ``python`` does, with
    completion of the shell's names."""
    interactive_hook = getattr(sys, "__interactivehook__", None)
    if interactive_hook is None or sys.stdin is None or not sys.stdin.isatty():
        return
    try:
        import readline
        from rlcompleter import Completer
    except ImportError:
        pass
    else:
        readline.set_completer(Completer(namespace).complete)
    interactive_hook()


@click.command("shell", short_help="Run a shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Run an interactive Python shell in the context of a given application.
    The application will populate the default namespace of this shell according
    to its configuration.

    This is useful for executing small snippets of management code without
    having to manually configure the application.
    """
    import code

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    namespace = _shell_namespace(app)
    _prepare_interactive_terminal(namespace)
    code.interact(
        banner=(
            f"Python {sys.version} on {sys.platform}\n"
            f"App: {app.import_name}\n"
            f"Instance: {app.instance_path}"
        ),
        local=namespace,
    )


# -- the routes command --------------------------------------------------------------------

_ROUTE_SORTS = ("endpoint", "methods", "domain", "rule", "match")


@click.command("routes", short_help="Show the routes for the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(_ROUTE_SORTS),
    default="endpoint",
    help="Method to sort routes by. 'match' is the order that the app will match"
    " routes when dispatching a request.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show all registered routes with endpoints and methods."""
    rules = list(current_app.url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return

    hidden_methods = set() if all_methods else {"HEAD", "OPTIONS"}
    host_matching = current_app.url_map.host_matching

    def domain(rule: t.Any) -> str:
        return (rule.host if host_matching else rule.subdomain) or ""

    def methods(rule: t.Any) -> list[str]:
        return sorted((rule.methods or set()) - hidden_methods)

    sort_keys: dict[str, t.Callable[[t.Any], t.Any]] = {
        "endpoint": lambda rule: rule.endpoint,
        "methods": methods,
        "domain": domain,
        "rule": lambda rule: rule.rule,
    }
    if sort in sort_keys:
        rules.sort(key=sort_keys[sort])  # stable: ties keep the match order

    show_domain = any(domain(rule) for rule in rules)
    headers = ["Endpoint", "Methods"]
    if show_domain:
        headers.append("Host" if host_matching else "Subdomain")
    headers.append("Rule")

    rows = []
    for rule in rules:
        row = [rule.endpoint, ", ".join(methods(rule))]
        if show_domain:
            row.append(domain(rule))
        row.append(rule.rule)
        rows.append(row)

    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    line = "  ".join(f"{{{i}:<{width}}}" for i, width in enumerate(widths))
    click.echo(line.format(*headers))
    click.echo(line.format(*("-" * width for width in widths)))
    for row in rows:
        click.echo(line.format(*row))


#: The ``framework`` command.
cli = FlaskGroup(
    name="framework",
    help="""\
A general utility script for applications built on the framework.

An application to load must be given with the '--app' option, 'FLASK_APP'
environment variable, or with a 'wsgi.py' or 'app.py' file in the current
directory.
""",
)


def main() -> None:
    """Entry point of the ``framework`` console script: run :data:`cli`."""
    cli.main()
