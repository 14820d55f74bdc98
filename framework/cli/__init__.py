"""Command line support: the ``framework`` command and the click pieces apps build on.

Running ``framework COMMAND`` first settles which application to use (``--app``,
``FLASK_APP``, a factory given to :class:`FlaskGroup`, or a ``wsgi.py``/``app.py``
in the working directory), then dispatches to one of three kinds of command: the
built-in ``run``, ``shell`` and ``routes``; commands installed by packages under the
``flask.commands`` or ``framework.commands`` entry point groups; and the commands an
application registers with ``@app.cli.command()``.
"""

from __future__ import annotations

from .appgroup import AppGroup, pass_script_info, with_appcontext
from .discovery import (
    APP_ATTRIBUTE_NAMES,
    DEFAULT_APP_FILES,
    FACTORY_ATTRIBUTE_NAMES,
    NoAppException,
    ScriptInfo,
    find_app_by_string,
    find_best_app,
    locate_app,
    prepare_import,
)
from .envfiles import load_dotenv
from .group import FlaskGroup
from .options import get_version, version_option
from .routes import routes_command
from .run import CertParamType, SeparatedPathType, run_command, show_server_banner
from .shell import shell_command

__all__ = [
    "APP_ATTRIBUTE_NAMES",
    "DEFAULT_APP_FILES",
    "FACTORY_ATTRIBUTE_NAMES",
    "AppGroup",
    "CertParamType",
    "FlaskGroup",
    "NoAppException",
    "ScriptInfo",
    "SeparatedPathType",
    "cli",
    "find_app_by_string",
    "find_best_app",
    "get_version",
    "load_dotenv",
    "locate_app",
    "main",
    "pass_script_info",
    "prepare_import",
    "routes_command",
    "run_command",
    "shell_command",
    "show_server_banner",
    "version_option",
    "with_appcontext",
]

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
