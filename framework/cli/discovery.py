"""Finding the application: ``--app`` values, ``FLASK_APP``, factories, default files.

:class:`ScriptInfo` is the command line's knowledge of the application to load;
the functions below find it in a module, import that module, or build the app with
a factory, and raise :class:`NoAppException` (one line, exit status 2) when they
cannot.
"""

from __future__ import annotations

import ast
import collections.abc as cabc
import inspect
import os
import re
import sys
import traceback
import typing as t
from pathlib import Path
from types import ModuleType, TracebackType

import click

from ..helpers import get_debug_flag, get_load_dotenv
from ..sansio.app import App

if t.TYPE_CHECKING:
    from ..app import Flask

#: Files looked for in the working directory, in this order, when no app is named.
DEFAULT_APP_FILES = ("wsgi.py", "app.py")
#: Module attributes holding an application, checked before any other global.
APP_ATTRIBUTE_NAMES = ("app", "application")
#: Module attributes holding an application factory, tried last.
FACTORY_ATTRIBUTE_NAMES = ("create_app", "make_app")


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


def _is_app(value: object) -> t.TypeGuard[Flask]:
    """Return whether ``value`` is an application object (every ``Flask`` is an
    :class:`~framework.sansio.app.App`)."""
    return isinstance(value, App)


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
    for attr_name in APP_ATTRIBUTE_NAMES:
        value = getattr(module, attr_name, None)
        if _is_app(value):
            return value
    return None


def _only_app_instance(module: ModuleType) -> Flask | None:
    """The single application among the module's globals; an error if there are
    several (one app bound to several names counts once)."""
    names_by_app: dict[int, tuple[str, Flask]] = {}
    for attr_name, value in vars(module).items():
        if _is_app(value) and id(value) not in names_by_app:
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
        if _is_app(built):
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
    if not _is_app(target):
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
