"""The click pieces an application's commands are built with: :class:`AppGroup`
(``app.cli``, ``blueprint.cli``) and :func:`with_appcontext`."""

from __future__ import annotations

import functools
import typing as t

import click

from ..globals import current_app
from .discovery import ScriptInfo

if t.TYPE_CHECKING:
    pass

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

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
