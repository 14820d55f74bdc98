"""The ``shell`` command: an interactive interpreter in the app's context."""

from __future__ import annotations

import code
import os
import sys
import typing as t
from pathlib import Path

import click

from ..globals import current_app
from .appgroup import with_appcontext

if t.TYPE_CHECKING:
    from ..app import Flask

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
