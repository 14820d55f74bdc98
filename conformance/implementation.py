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
import warnings
from types import ModuleType
from typing import Any


class ImplementationError(Exception):
    """The implementation module cannot be imported (the message is one line)."""


class ImplementationLacksName(AttributeError):
    """The implementation under test does not provide a name a spec test needs."""


class Implementation(ModuleType):
    """A view of an implementation module that explains missing names.

    Attributes are looked up on the wrapped module; a name the module lacks is
    then tried as a submodule (``impl.views`` imports ``<impl>.views`` like
    ``import flask.views`` would), and otherwise raises
    :class:`ImplementationLacksName`, which is an :class:`AttributeError` so
    that ``hasattr`` and ``getattr(impl, name, default)`` keep working.
    """

    def __init__(self, module: ModuleType) -> None:
        super().__init__(module.__name__, module.__doc__)
        self.__spec__ = module.__spec__
        self.__loader__ = module.__loader__
        self.__package__ = module.__package__
        self.__dict__["_wrapped_module"] = module

    def __getattr__(self, name: str) -> Any:
        module: ModuleType = self.__dict__["_wrapped_module"]
        try:
            return getattr(module, name)
        except AttributeError:
            pass
        if name.isidentifier() and not name.startswith("__"):
            submodule_name = f"{module.__name__}.{name}"
            try:
                return importlib.import_module(submodule_name)
            except ModuleNotFoundError as exc:
                if exc.name != submodule_name:
                    raise
        raise ImplementationLacksName(
            f"implementation {module.__name__!r} lacks {name!r} required by this test"
        )

    def __dir__(self) -> list[str]:
        return dir(self.__dict__["_wrapped_module"])

    def __repr__(self) -> str:
        return f"<conformance implementation {self.__name__!r}>"


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
