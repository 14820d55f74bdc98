"""The ``flask`` package of an ecosystem run: ``flask`` and its submodules are the
implementation's modules.

This file is copied as ``flask/__init__.py`` into a folder placed first on the path of
an extension's test run (it imports nothing from ``conformance``). Importing ``flask``
imports the implementation named by ``$FLASKSPEC_ECOSYSTEM_IMPL`` and puts it in
``sys.modules`` as ``flask``; a finder then answers ``flask.X`` with ``<impl>.X``, and
``flask.sansio.X`` with ``<impl>.sansio.X`` or, when the implementation has no
such module, with ``<impl>.X``. So ``flask.globals.request_ctx`` and
``framework.globals.request_ctx`` are the same object, as the extension expects.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import sys
import types
from collections.abc import Sequence

ALIAS = "flask"
IMPLEMENTATION = os.environ["FLASKSPEC_ECOSYSTEM_IMPL"]


def _target_name(fullname: str) -> str:
    """The implementation module standing for ``fullname`` (``flask...``)."""
    parts = fullname.split(".")[1:]
    # flask.sansio.X: the implementation's own sansio.X where it has one, else its flat X.
    sansio = parts[:1] == ["sansio"] and len(parts) > 1
    if sansio and not _has_module(".".join([IMPLEMENTATION, *parts])):
        parts = parts[1:]
    return ".".join([IMPLEMENTATION, *parts])


def _has_module(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return False
        raise
    return True


class _AliasLoader(importlib.abc.Loader):
    """Loads ``flask.X`` as the already imported implementation module."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.own_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        if self.target == IMPLEMENTATION + ".sansio" and not _has_module(self.target):
            # No sansio package: an empty package whose submodules are the flat ones.
            module = types.ModuleType(spec.name)
            module.__path__ = []
            return module
        module = importlib.import_module(self.target)
        self.own_spec = module.__spec__
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the module was imported under its own name. The import system
        has just given it the ``flask.X`` spec; it gets its own back, or its relative
        imports would warn that ``__package__`` differs from ``__spec__.parent``."""
        if self.own_spec is not None:
            module.__spec__ = self.own_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Answers every ``flask.*`` import with the implementation's module."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(ALIAS + "."):
            return None
        target_name = _target_name(fullname)
        if target_name != IMPLEMENTATION + ".sansio" and not _has_module(target_name):
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(target_name))


sys.meta_path.insert(0, _AliasFinder())
sys.modules[ALIAS] = importlib.import_module(IMPLEMENTATION)
