"""The options of the ``framework`` command: ``--env-file``, ``--app``, ``--debug``
and ``--version``."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import platform
import sys
import typing as t

import click
from click.core import ParameterSource

from .discovery import ScriptInfo
from .envfiles import _import_dotenv, load_dotenv

if t.TYPE_CHECKING:
    pass

# -- the --version option ------------------------------------------------------------------


def _framework_version() -> str:
    try:
        return importlib.metadata.version("flaskspec")
    except importlib.metadata.PackageNotFoundError:
        # Not installed: the version the (already imported) package declares.
        return str(getattr(sys.modules.get("framework"), "__version__", "unknown"))


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
