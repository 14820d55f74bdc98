"""Reading ``.env`` and ``.flaskenv`` files into the environment (python-dotenv)."""

from __future__ import annotations

import os
import typing as t
from types import ModuleType

import click

if t.TYPE_CHECKING:
    pass

#: The env files read by default; a later file overrides an earlier one.
_DEFAULT_ENV_FILES = (".flaskenv", ".env")
#: Entry point groups whose objects are added as commands of the ``framework`` command.


def _import_dotenv() -> ModuleType | None:
    """The python-dotenv module, or None when it is not installed."""
    try:
        import dotenv
    except ImportError:
        return None
    return dotenv


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
