"""A product's module seen under the contract's names (``Flask`` for Quart's ``Quart``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any


class RenamedModule(ModuleType):
    """A view of ``module`` where a contract name is looked up as the product's own name.

    ``renamed`` maps contract names to product names; a dotted key
    (``cli.FlaskGroup``) renames a name of a submodule, which is then seen through
    a view of its own. Every other attribute is the module's.
    """

    def __init__(self, module: ModuleType, renamed: Mapping[str, str]) -> None:
        super().__init__(module.__name__, module.__doc__)
        for dunder in ("__spec__", "__loader__", "__package__", "__file__", "__path__"):
            if hasattr(module, dunder):
                setattr(self, dunder, getattr(module, dunder))
        self.__dict__["_renamed_module"] = module
        self.__dict__["_renamed"] = dict(renamed)

    def __getattr__(self, name: str) -> Any:
        module: ModuleType = self.__dict__["_renamed_module"]
        renamed: dict[str, str] = self.__dict__["_renamed"]
        value = getattr(module, renamed.get(name, name))
        nested = {
            key.partition(".")[2]: target.partition(".")[2]
            for key, target in renamed.items()
            if key.startswith(name + ".")
        }
        if nested and isinstance(value, ModuleType):
            return RenamedModule(value, nested)
        return value

    def __dir__(self) -> list[str]:
        return sorted({*dir(self.__dict__["_renamed_module"]), *self.__dict__["_renamed"]})

    def __repr__(self) -> str:
        return f"<{self.__name__} under the contract's names>"


def product_module(module: ModuleType, renamed: Mapping[str, str]) -> ModuleType:
    """Return ``module`` itself, or a :class:`RenamedModule` view if anything is renamed."""
    return RenamedModule(module, renamed) if renamed else module
