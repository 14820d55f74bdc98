"""The group behind the ``framework`` command: :class:`FlaskGroup`."""

from __future__ import annotations

import collections.abc as cabc
import importlib
import importlib.metadata
import importlib.util
import os
import traceback
import typing as t

import click

from ..globals import current_app
from .appgroup import AppGroup
from .discovery import NoAppException, ScriptInfo
from .options import (
    _make_app_option,
    _make_debug_option,
    _make_env_file_option,
    _make_version_option,
)
from .routes import routes_command
from .run import run_command
from .shell import shell_command

if t.TYPE_CHECKING:
    from ..app import Flask

_PLUGIN_ENTRY_POINT_GROUPS = ("flask.commands", "framework.commands")


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
