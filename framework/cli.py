"""The command line interface: the ``framework`` command and the pieces apps build on.

The ``framework`` command finds an application (``--app``, ``FLASK_APP``, or a
``wsgi.py``/``app.py`` in the current directory), and offers the built-in ``run``,
``shell`` and ``routes`` commands, commands installed by packages through the
``flask.commands`` and ``framework.commands`` entry point groups, and the commands
registered on the app with ``@app.cli.command()``.
"""

from __future__ import annotations

import ast
import collections.abc as cabc
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
from functools import update_wrapper
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

#: The module names tried, in order, when no application is named.
DEFAULT_APP_FILES = ("wsgi.py", "app.py")
#: Attribute names looked up first for an application instance, then for a factory.
APP_ATTRIBUTE_NAMES = ("app", "application")
FACTORY_ATTRIBUTE_NAMES = ("create_app", "make_app")

# Splits "module:name" at the first colon that does not start a Windows path
# ("C:\\project\\app.py:app").
_APP_NAME_SEPARATOR = re.compile(r":(?![\\/])")

_NO_APP_MESSAGE = (
    "Could not locate a Flask application. Use the 'framework --app' option,"
    " 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the"
    " current directory."
)


class NoAppException(click.UsageError):
    """Raised when an application cannot be found, imported or created.

    A :class:`click.UsageError`: the command line prints its one-line message and
    exits with status 2.
    """


def _flask_class() -> type[Flask]:
    # Imported late: the app module imports this one (``Flask.cli`` is an AppGroup).
    from .app import Flask

    return Flask


def _with_article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _format_user_traceback(exc: BaseException) -> str:
    """Format ``exc`` without the frame of the function that caught it, so the
    traceback starts in the user's code."""
    tb: TracebackType | None = exc.__traceback__
    if tb is not None:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def _call_app_factory(
    factory: t.Callable[..., t.Any],
    args: cabc.Sequence[t.Any],
    kwargs: cabc.Mapping[str, t.Any],
    wrong_arguments_message: str,
    description: str,
) -> t.Any:
    """Call ``factory(*args, **kwargs)``; arguments its signature does not accept
    raise ``NoAppException(wrong_arguments_message)``, an exception raised inside it
    a ``NoAppException`` carrying its traceback."""
    try:
        inspect.signature(factory).bind(*args, **kwargs)
    except TypeError:
        raise NoAppException(wrong_arguments_message) from None
    except ValueError:
        pass  # no introspectable signature: let the call itself decide
    try:
        return factory(*args, **kwargs)
    except click.ClickException:
        raise
    except Exception as exc:
        raise NoAppException(
            f"While calling {description}, {_with_article(type(exc).__name__)} was raised:"
            f"\n\n{_format_user_traceback(exc)}"
        ) from None


def find_best_app(module: ModuleType) -> Flask:
    """Return the application ``module`` provides when none is named.

    Tries, in order: the attributes ``app`` and ``application``; the only
    application instance among the module's globals; the factory functions
    ``create_app`` and ``make_app``, called without arguments. Raises
    :class:`NoAppException` when there is no candidate, several candidates, or a
    factory that needs arguments.
    """
    flask_class = _flask_class()
    module_name = module.__name__

    for attr_name in APP_ATTRIBUTE_NAMES:
        candidate = getattr(module, attr_name, None)
        if isinstance(candidate, flask_class):
            return candidate

    # The same app bound to several names is one candidate.
    found: dict[int, tuple[str, Flask]] = {}
    for attr_name, value in vars(module).items():
        if isinstance(value, flask_class):
            found.setdefault(id(value), (attr_name, value))
    if len(found) == 1:
        return next(iter(found.values()))[1]
    if len(found) > 1:
        names = ", ".join(repr(attr_name) for attr_name, _ in found.values())
        raise NoAppException(
            f"Detected multiple Flask applications in module '{module_name}'. Use"
            f" '{module_name}:name' to specify the correct one (found {names})."
        )

    for attr_name in FACTORY_ATTRIBUTE_NAMES:
        factory = getattr(module, attr_name, None)
        if not inspect.isfunction(factory):
            continue
        app = _call_app_factory(
            factory,
            (),
            {},
            f"Detected factory '{attr_name}' in module '{module_name}', but could not"
            f" call it without arguments. Use '{module_name}:{attr_name}(args)' to"
            " specify arguments.",
            f"'{module_name}:{attr_name}()'",
        )
        if isinstance(app, flask_class):
            return app

    raise NoAppException(
        f"Failed to find Flask application or factory in module '{module_name}'. Use"
        f" '{module_name}:name' to specify one."
    )


def _parse_app_reference(app_name: str) -> tuple[str, list[t.Any], dict[str, t.Any]]:
    """Split ``name`` or ``name(literal, key=literal)`` into the attribute name and
    the call's positional and keyword arguments (``None`` lists mean no call)."""
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        ) from None

    if isinstance(expr, ast.Name):
        return expr.id, [], {}
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)):
        raise NoAppException(f"Failed to parse {app_name!r} as an attribute name or function call.")

    try:
        args = [ast.literal_eval(arg) for arg in expr.args]
        kwargs: dict[str, t.Any] = {}
        for keyword in expr.keywords:
            value = ast.literal_eval(keyword.value)
            if keyword.arg is not None:
                kwargs[keyword.arg] = value
            elif isinstance(value, dict) and all(isinstance(key, str) for key in value):
                kwargs.update(value)  # name(**{"key": literal})
            else:
                raise ValueError(keyword)
    except ValueError:
        raise NoAppException(
            f"Failed to parse arguments as literal values: {app_name!r}."
        ) from None
    return expr.func.id, args, kwargs


def find_app_by_string(module: ModuleType, app_name: str) -> Flask:
    """Return the application named by ``app_name`` in ``module``.

    ``app_name`` is an attribute name (an application, or a function returning
    one) or a call of a function with literal arguments, e.g.
    ``create_app('dev', debug=True)``. Anything else, a missing attribute, a call
    with arguments the function does not accept, or a result that is not an
    application raises :class:`NoAppException`.
    """
    name, args, kwargs = _parse_app_reference(app_name)
    module_name = module.__name__
    try:
        attr = getattr(module, name)
    except AttributeError:
        raise NoAppException(f"Failed to find attribute {name!r} in {module_name!r}.") from None

    if inspect.isfunction(attr):
        app = _call_app_factory(
            attr,
            args,
            kwargs,
            f"The factory {app_name!r} in module {module_name!r} could not be called"
            " with the specified arguments.",
            f"'{module_name}:{app_name}'",
        )
    else:
        app = attr

    if isinstance(app, _flask_class()):
        return app
    raise NoAppException(
        f"A valid Flask application was not obtained from '{module_name}:{app_name}'."
    )


def prepare_import(path: str) -> str:
    """Turn a file or directory path into an importable module name.

    Strips ``.py`` and ``__init__``, walks up through the enclosing packages (the
    folders with an ``__init__.py``) to build the dotted name, and puts the folder
    above the top package first on ``sys.path``. Returns the module name.
    """
    path = os.path.realpath(path)
    stem, extension = os.path.splitext(path)
    if extension == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)

    parts: list[str] = []
    folder = path
    while True:
        folder, name = os.path.split(folder)
        parts.append(name)
        if not os.path.isfile(os.path.join(folder, "__init__.py")):
            break

    if not sys.path or sys.path[0] != folder:
        sys.path.insert(0, folder)
    return ".".join(reversed(parts))


def _is_module_missing(exc: ImportError, module_name: str) -> bool:
    """Whether ``exc`` says ``module_name`` (or a package above it) does not exist,
    as opposed to an import inside that module failing."""
    missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
    return bool(missing) and (module_name == missing or module_name.startswith(f"{missing}."))


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
    """Import ``module_name`` and return its application.

    ``app_name`` is given to :func:`find_app_by_string`; when it is None the
    application is chosen by :func:`find_best_app`. A module that does not exist
    raises :class:`NoAppException`, or returns None when ``raise_if_not_found`` is
    false; a module that raises while being imported raises
    :class:`NoAppException` with the module's own traceback.
    """
    if not module_name or not all(module_name.split(".")):
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.")
        return None
    try:
        # __import__ (unlike importlib.import_module) keeps the import machinery's
        # frames out of the module's traceback.
        __import__(module_name)
    except ImportError as exc:
        if _is_module_missing(exc, module_name):
            if raise_if_not_found:
                raise NoAppException(f"Could not import {module_name!r}.") from None
            return None
        raise NoAppException(
            f"While importing {module_name!r}, an ImportError was raised:"
            f"\n\n{_format_user_traceback(exc)}"
        ) from None
    except Exception as exc:
        raise NoAppException(
            f"While importing {module_name!r},"
            f" {_with_article(type(exc).__name__)} was raised:\n\n{_format_user_traceback(exc)}"
        ) from None

    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


def _framework_version() -> str:
    try:
        return importlib.metadata.version("flaskspec")
    except importlib.metadata.PackageNotFoundError:
        import framework

        return str(getattr(framework, "__version__", "unknown"))


def get_version(ctx: click.Context, param: click.Parameter, value: t.Any) -> None:
    """The ``--version`` option's callback: print the Python, framework and
    werkzeug versions and exit."""
    if not value or ctx.resilient_parsing:
        return
    werkzeug_version = importlib.metadata.version("werkzeug")
    click.echo(
        f"Python {platform.python_version()}\n"
        f"Framework {_framework_version()}\n"
        f"Werkzeug {werkzeug_version}",
        color=ctx.color,
    )
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


class ScriptInfo:
    """What the command line knows about the application it is to load.

    ``app_import_path`` is the ``--app`` value; ``create_app`` a function returning
    the app (it wins over the import path); ``set_debug_flag`` sets ``app.debug``
    from ``FLASK_DEBUG`` once loaded; ``load_dotenv_defaults`` records whether
    ``.env``/``.flaskenv`` are loaded (false when ``FLASK_SKIP_DOTENV`` is set).
    ``data`` is free for commands to share values. Passed to commands as click's
    context object.
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
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = get_load_dotenv(load_dotenv_defaults)
        self._loaded_app: Flask | None = None

    def load_app(self) -> Flask:
        """Load the application once and return it (the same object afterwards).

        Raises :class:`NoAppException` when no application can be found.
        """
        if self._loaded_app is not None:
            return self._loaded_app

        app: Flask | None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            path, *rest = _APP_NAME_SEPARATOR.split(self.app_import_path, maxsplit=1)
            app = locate_app(prepare_import(path), rest[0] if rest else None)
        else:
            app = None
            for path in DEFAULT_APP_FILES:
                app = locate_app(prepare_import(path), None, raise_if_not_found=False)
                if app is not None:
                    break

        if app is None:
            raise NoAppException(_NO_APP_MESSAGE)
        if self.set_debug_flag:
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app


#: Decorator passing the current :class:`ScriptInfo` as the first argument.
pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: F) -> F:
    """Wrap a click command callback so it runs inside the application's context.

    The app comes from the :class:`ScriptInfo`; when an application context is
    already active (e.g. pushed by the ``framework`` command), it is used as is.
    """

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if not current_app:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return t.cast(F, update_wrapper(decorator, f))


class AppGroup(click.Group):
    """A click group whose commands run in the application context.

    ``command()`` wraps callbacks with :func:`with_appcontext` unless it is given
    ``with_appcontext=False``; ``group()`` creates nested ``AppGroup``s. Both work
    with and without parentheses.
    """

    def command(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """Register a command (decorator); see :meth:`click.Group.command`."""
        func, args = _split_bare_decorator(args, kwargs)
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            if wrap:
                f = with_appcontext(f)
            return click.Group.command(self, *args, **kwargs)(f)

        return decorator(func) if func is not None else decorator

    def group(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """Register a nested group (decorator), an ``AppGroup`` unless ``cls`` says
        otherwise; see :meth:`click.Group.group`."""
        func, args = _split_bare_decorator(args, kwargs)
        kwargs.setdefault("cls", AppGroup)
        decorator = click.Group.group(self, *args, **kwargs)
        return decorator(func) if func is not None else decorator


def _split_bare_decorator(
    args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
) -> tuple[t.Callable[..., t.Any] | None, tuple[t.Any, ...]]:
    """Tell ``@group.command`` (the function is the only argument) from
    ``@group.command(...)``: return the function, if any, and the remaining args."""
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0], ()
    return None, args


def _env_file_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        import dotenv  # noqa: F401
    except ImportError:
        if value is not None:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file.", ctx=ctx, param=param
            ) from None

    load_defaults = ctx.ensure_object(ScriptInfo).load_dotenv_defaults
    if value is not None or load_defaults:
        load_dotenv(value, load_defaults=load_defaults)
    return value


def _app_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _debug_callback(ctx: click.Context, param: click.Parameter, value: bool) -> bool | None:
    # Only an explicit choice (flag or FLASK_DEBUG) is recorded; it goes to the
    # environment so that the app, created later, reads it in its default config.
    source = ctx.get_parameter_source(param.name or "debug")
    if source is None or source in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
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
        callback=_env_file_callback,
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
        callback=_app_callback,
    )


def _make_debug_option() -> click.Option:
    return click.Option(
        ["--debug/--no-debug"],
        help="Set debug mode.",
        expose_value=False,
        envvar="FLASK_DEBUG",
        callback=_debug_callback,
    )


class FlaskGroup(AppGroup):
    """The ``framework`` command's group: loads the application and its commands.

    Adds the ``--env-file``, ``--app`` and ``--debug`` options (and ``--version``
    when ``add_version_option``), the ``run``, ``shell`` and ``routes`` commands
    when ``add_default_commands``, the commands of the ``flask.commands`` and
    ``framework.commands`` entry points, and those of the loaded app. ``create_app``
    builds the app instead of discovering it; ``load_dotenv`` loads ``.env`` and
    ``.flaskenv``; ``set_debug_flag`` sets ``app.debug`` from ``FLASK_DEBUG``.
    Options of its commands also read ``FLASK_<COMMAND>_<OPTION>`` variables.
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
        params = list(extra.pop("params", None) or ())
        self._env_file_option = _make_env_file_option()
        self._app_option = _make_app_option()
        params += [self._env_file_option, self._app_option, _make_debug_option()]
        if add_version_option:
            params.append(_make_version_option())

        context_settings = dict(extra.pop("context_settings", None) or {})
        context_settings.setdefault("auto_envvar_prefix", "FLASK")
        super().__init__(params=params, context_settings=context_settings, **extra)

        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        if add_default_commands:
            self.add_command(run_command)
            self.add_command(shell_command)
            self.add_command(routes_command)
        self._loaded_plugin_commands = False

    def _load_plugin_commands(self) -> None:
        if self._loaded_plugin_commands:
            return
        self._loaded_plugin_commands = True
        for group in ("flask.commands", "framework.commands"):
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
                    continue
                self.add_command(command, entry_point.name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the built-in or plugin command ``cmd_name``, else the app's command
        (loading the app and pushing its context); None when there is none."""
        self._load_plugin_commands()
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command

        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as exc:
            click.secho(f"Error: {exc.format_message()}\n", err=True, fg="red")
            return None

        # App commands run in the app's context even without with_appcontext.
        if not current_app or current_app._get_current_object() is not app:  # type: ignore[attr-defined]
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the sorted names of the built-in, plugin and app commands; an app
        that fails to load is reported on stderr and contributes no names."""
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        try:
            names.update(ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx))
        except NoAppException as exc:
            click.secho(f"Error: {exc.format_message()}\n", err=True, fg="red")
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Create the context with a :class:`ScriptInfo` object (unless one is
        given) and mark the process as run from the command line, so that
        ``app.run()`` in the app's module does nothing."""
        os.environ["FLASK_RUN_FROM_CLI"] = "true"
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the arguments; without any, still load the env files and
        ``FLASK_APP`` first so that the help shows the app's commands."""
        if not args and self.no_args_is_help:
            for option in (self._env_file_option, self._app_option):
                option.handle_parse_result(ctx, {}, [])
        try:
            return super().parse_args(ctx, args)
        except (click.ClickException, click.exceptions.Exit):
            # Showing the help may have loaded the app and pushed its context onto
            # this context, which click does not close when parsing stops early.
            ctx.close()
            raise


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Load environment variables from ``.flaskenv`` and ``.env`` (the nearest ones
    found from the current directory upwards; ``.env`` wins) when
    ``load_defaults``, then from the file ``path``, which wins over both.

    Variables already set in the environment are never overridden. Returns whether
    any file was loaded. Without python-dotenv nothing is loaded, and a tip is
    printed if such files exist.
    """
    try:
        import dotenv
    except ImportError:
        if path or os.path.isfile(".env") or os.path.isfile(".flaskenv"):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv to use them.",
                fg="yellow",
                err=True,
            )
        return False

    files: list[str | os.PathLike[str]] = []
    if load_defaults:
        for name in (".flaskenv", ".env"):
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                files.append(found)
    if path is not None and os.path.isfile(path):
        files.append(path)

    values: dict[str, str] = {}
    for file in files:
        for key, value in dotenv.dotenv_values(file, encoding="utf-8").items():
            if value is not None:
                values[key] = value
    for key, value in values.items():
        os.environ.setdefault(key, value)
    return bool(files)


def show_server_banner(debug: bool, app_import_path: str | None) -> None:
    """Print the development server's start-up lines (which app, debug mode),
    except in the reloader's child process, where they were already printed."""
    if is_running_from_reloader():
        return
    if app_import_path is not None:
        click.echo(f" * Serving Flask app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


class CertParamType(click.ParamType):
    """The ``--cert`` option's type: an existing file, ``adhoc`` (a generated
    certificate, which needs the cryptography library), or the import path of an
    ``ssl.SSLContext`` object."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Return the resolved path, ``"adhoc"`` or the ``SSLContext``; anything
        else fails like a missing file."""
        import ssl

        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            text = click.STRING(value, param, ctx).lower()
            if text == "adhoc":
                if importlib.util.find_spec("cryptography") is None:
                    raise click.BadParameter(
                        "Using ad-hoc certificates requires the cryptography library.",
                        ctx,
                        param,
                    )
                return text
            obj = import_string(text, silent=True)
            if isinstance(obj, ssl.SSLContext):
                return obj
            raise


def _validate_key(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    """Check ``--key`` against ``--cert`` (processed first) and pair them."""
    import ssl

    cert = ctx.params.get("cert")
    if value is not None:
        if cert is None:
            raise click.BadParameter('"--cert" must also be specified.', ctx, param)
        if isinstance(cert, ssl.SSLContext):
            raise click.BadParameter(
                'When "--cert" is an SSLContext object, "--key" is not used.', ctx, param
            )
        if cert == "adhoc":
            raise click.BadParameter('When "--cert" is "adhoc", "--key" is not used.', ctx, param)
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, value)
        except (ssl.SSLError, OSError) as exc:
            raise click.BadParameter(
                f"Could not load the certificate {cert!r} with this key: {exc}", ctx, param
            ) from None
        ctx.params["cert"] = (cert, value)
    elif cert is not None and not (cert == "adhoc" or isinstance(cert, ssl.SSLContext)):
        raise click.BadParameter('Required when using "--cert".', ctx, param)
    return value


class SeparatedPathType(click.Path):
    """A list of paths given as one value separated by ``os.path.pathsep``; each is
    checked like a :class:`click.Path`."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Return the list of converted paths."""
        paths = []
        for item in self.split_envvar_value(value):
            paths.append(super().convert(item, param, ctx))
        return paths


def _deferred_error_app(error: Exception) -> WSGIApplication:
    """A WSGI app re-raising ``error``: lets the reloader keep watching files after
    the app failed to load, so fixing the code restarts the server."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> cabc.Iterable[bytes]:
        raise error from None

    return app


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
    app: WSGIApplication
    try:
        app = info.load_app()
    except Exception as exc:
        if not is_running_from_reloader():
            raise
        # In the reloader's child, keep serving (and watching) so a fix reloads.
        if isinstance(exc, NoAppException):
            click.secho(f"Error: {exc.format_message()}", err=True, fg="red")
        else:
            traceback.print_exc()
        app = _deferred_error_app(exc)

    debug = get_debug_flag()
    if reload is None:
        reload = debug
    if debugger is None:
        debugger = debug

    show_server_banner(debug, info.app_import_path)

    from werkzeug.serving import run_simple

    run_simple(
        host,
        port,
        app,
        use_reloader=reload,
        use_debugger=debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


run_command.params.insert(0, _make_debug_option())


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
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )
    namespace: dict[str, t.Any] = {}

    # Like the plain interpreter, run the user's start-up file first; the app's
    # names then take precedence.
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup, encoding="utf-8") as f:
            exec(compile(f.read(), startup, "exec"), namespace)
    namespace.update(app.make_shell_context())

    # Interactive terminals get the interpreter's readline set-up, completing
    # names from the shell's namespace.
    interactive_hook = getattr(sys, "__interactivehook__", None)
    if interactive_hook is not None and sys.stdin is not None and sys.stdin.isatty():
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            readline.set_completer(Completer(namespace).complete)
        interactive_hook()

    code.interact(banner=banner, local=namespace)


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
    """Run the ``framework`` command (the console script's entry point)."""
    cli.main()
