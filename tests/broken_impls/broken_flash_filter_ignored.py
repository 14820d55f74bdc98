"""framework, except that ``get_flashed_messages`` ignores ``category_filter`` (the
argument is not passed on), an old Flask bug report."""

from __future__ import annotations

import typing as t

import framework
from framework import *  # noqa: F403


def get_flashed_messages(with_categories: bool = False, category_filter: t.Any = ()) -> t.Any:
    return framework.get_flashed_messages(with_categories)


def __getattr__(name: str) -> object:
    return getattr(framework, name)
