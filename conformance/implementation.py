"""Loading the implementation under test and reaching its names from spec tests.

Spec tests receive the implementation as :class:`Implementation`, a module object
that forwards every attribute to the real module (``impl.Flask`` *is* the
implementation's class) and turns a missing name into an
:class:`ImplementationLacksName` error naming the implementation and the name,
so that a test needing an unimplemented feature fails with a clear message.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from conformance.contract import resolve


class ImplementationError(Exception):
    """The implementation module cannot be imported (the message is one line)."""


class ImplementationLacksName(AttributeError):
    """The implementation under test does not provide a name a spec test needs.

    ``missing`` is the dotted name as the contract spells it (``sessions.NullSession``).
    """

    def __init__(self, message: str, missing: str) -> None:
        super().__init__(message)
        self.missing = missing


class Implementation(ModuleType):
    """A view of an implementation module that explains missing names.

    Attributes are looked up on the wrapped module; a name the module lacks is
    then tried as a submodule (``impl.views`` imports ``<impl>.views`` like
    ``import flask.views`` would), and otherwise raises
    :class:`ImplementationLacksName`, which is an :class:`AttributeError` so
    that ``hasattr`` and ``getattr(impl, name, default)`` keep working.
    :meth:`submodule` reaches nested submodules (``json.tag``) whether the
    implementation imported them itself or not.
    """

    def __init__(self, module: ModuleType) -> None:
        super().__init__(module.__name__, module.__doc__)
        self.__spec__ = module.__spec__
        self.__loader__ = module.__loader__
        self.__package__ = module.__package__
        self.__dict__["_wrapped_module"] = module

    def __getattr__(self, name: str) -> Any:
        module: ModuleType = self.__dict__["_wrapped_module"]
        if name.startswith("__"):
            return getattr(module, name)
        try:
            value = resolve(module, name)
        except AttributeError:
            raise ImplementationLacksName(
                f"implementation {module.__name__!r} lacks {name!r} "
                "required by this test (see the contract: python -m conformance "
                f"check-impl {module.__name__})",
                name,
            ) from None
        return value

    def submodule(self, dotted_name: str) -> ModuleType:
        """Return the implementation's submodule ``dotted_name`` (``"json.provider"``).

        It is the module itself, not a wrapper, so that tests can monkeypatch it.
        """
        module: ModuleType = self.__dict__["_wrapped_module"]
        try:
            target = resolve(module, dotted_name)
        except AttributeError:
            target = None
        if not isinstance(target, ModuleType):
            raise ImplementationLacksName(
                f"implementation {module.__name__!r} lacks submodule {dotted_name!r} "
                "required by this test",
                dotted_name,
            )
        return target

    def __dir__(self) -> list[str]:
        return dir(self.__dict__["_wrapped_module"])

    def __repr__(self) -> str:
        return f"<conformance implementation {self.__name__!r}>"


TESTING_SECRET_KEY = "conformance secret"


def testing_app(impl: Any, import_name: str = "conformance_app", **kwargs: Any) -> Any:
    """Return a new app of ``impl`` in testing mode with the suite's secret key
    (what the ``make_app`` fixture builds)."""
    app = impl.Flask(import_name, **kwargs)
    app.config.update(TESTING=True, SECRET_KEY=TESTING_SECRET_KEY)
    return app


def import_implementation(name: str, option: str = "--impl") -> ModuleType:
    """Import module ``name``; raise :class:`ImplementationError` with a one-line message.

    ``option`` names the command-line option that chose the module, for the message.
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImplementationError(f"{option} {name}: cannot import module {name!r}: {reason}")
    except Exception as exc:
        detail = f": {str(exc).splitlines()[0]}" if str(exc) else ""
        raise ImplementationError(
            f"{option} {name}: importing module {name!r} raised {type(exc).__name__}{detail}"
        )


def implementation_version(module: ModuleType) -> str:
    """Return the version of ``module``: its ``__version__``, else its distribution's.

    Returns ``"unknown"`` when neither is available.
    """
    with warnings.catch_warnings():
        # Flask 3.1 still answers __version__ but deprecates it.
        warnings.simplefilter("ignore", DeprecationWarning)
        version = getattr(module, "__version__", None)
    if isinstance(version, str) and version:
        return version
    top_level = module.__name__.split(".", 1)[0]
    distributions = importlib.metadata.packages_distributions().get(top_level, [])
    for distribution in [*distributions, top_level]:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "unknown"


def import_root(module: ModuleType) -> Path | None:
    """Return the folder that must be on ``sys.path`` for ``module`` to import by its name.

    For ``pkg.sub`` loaded from ``/src/pkg/sub/__init__.py`` that is ``/src``; for a
    module without a file (built in, namespace package) it is ``None``.
    """
    file = getattr(module, "__file__", None)
    if not file:
        return None
    path = Path(file).resolve()
    levels = module.__name__.count(".") + (1 if path.name == "__init__.py" else 0)
    folder = path.parent
    for _ in range(levels):
        folder = folder.parent
    return folder


def environment_for(module: ModuleType, base: Mapping[str, str]) -> dict[str, str]:
    """Return ``base`` with ``PYTHONPATH`` extended so that a child process imports ``module``
    (and this suite) from where this process does."""
    roots = [import_root(module), Path(__file__).resolve().parent.parent]
    paths = [str(root) for root in roots if root is not None]
    if base.get("PYTHONPATH"):
        paths.append(base["PYTHONPATH"])
    return {**base, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}
