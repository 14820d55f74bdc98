"""Where an importable package lives, and under which installation prefix: how an app
finds its instance folder."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys

__all__ = ["find_package"]


def _find_package_path(import_name: str) -> str:
    """Return the folder holding the top-level package or module of ``import_name``."""
    root_name = import_name.partition(".")[0]
    try:
        spec = importlib.util.find_spec(root_name)
    except (ImportError, ValueError):
        return os.getcwd()
    if spec is None:
        return os.getcwd()
    if spec.submodule_search_locations:
        if spec.origin is None or spec.origin == "namespace":
            # A namespace package: the folder of the part holding the submodule.
            try:
                sub_spec = importlib.util.find_spec(import_name)
            except (ImportError, ValueError):
                sub_spec = None
            locations = list(spec.submodule_search_locations)
            if sub_spec is not None and sub_spec.origin:
                origin = os.path.abspath(sub_spec.origin)
                for location in locations:
                    if origin.startswith(os.path.abspath(location) + os.sep):
                        return os.path.dirname(os.path.abspath(location))
            return os.path.dirname(os.path.abspath(locations[0]))
        # A regular package: the folder containing the package folder.
        return os.path.dirname(os.path.dirname(os.path.abspath(spec.origin)))
    if spec.origin is None or spec.origin in {"built-in", "frozen"}:
        return os.getcwd()
    return os.path.dirname(os.path.abspath(spec.origin))


def find_package(import_name: str) -> tuple[str | None, str]:
    """Return ``(prefix, folder)`` for ``import_name``: its folder, and the prefix it is
    installed under, or None when it is not installed.

    Code under ``sys.prefix`` is installed there; code in a ``site-packages`` folder
    elsewhere (a user or virtualenv install) is installed under that folder's base.
    """
    folder = _find_package_path(import_name)
    prefix = os.path.abspath(sys.prefix)
    if os.path.commonpath([folder, prefix]) == prefix:
        return prefix, folder
    return _site_packages_base(pathlib.PurePath(folder)), folder


def _site_packages_base(folder: pathlib.PurePath) -> str | None:
    """Return the installation base of a ``site-packages`` folder, for the layouts
    ``BASE/site-packages``, ``BASE/Lib/site-packages`` and
    ``BASE/lib/pythonX.Y/site-packages``; None for any other folder."""
    if folder.name.lower() != "site-packages":
        return None
    lib_or_version = folder.parent
    if lib_or_version.name.lower() == "lib":
        return str(lib_or_version.parent)
    if lib_or_version.parent.name.lower() == "lib":
        return str(lib_or_version.parent.parent)
    return str(lib_or_version)
