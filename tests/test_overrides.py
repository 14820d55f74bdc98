"""framework.overrides.keeps_default: the one check every speed shortcut makes."""

from __future__ import annotations

from framework.overrides import keeps_default


class Base:
    def method(self) -> str:
        return "base"

    @classmethod
    def factory(cls) -> str:
        return "base"

    @property
    def value(self) -> str:
        return "base"


class Plain(Base):
    pass


class Overriding(Base):
    def method(self) -> str:
        return "overriding"

    @classmethod
    def factory(cls) -> str:
        return "overriding"


class Slotted(Base):
    __slots__ = ()


def test_a_subclass_that_overrides_nothing_keeps_the_defaults() -> None:
    """Functions, classmethods and properties inherited unchanged are the defaults."""
    assert keeps_default(Plain, Base, "method", "factory", "value")
    assert keeps_default(Plain(), Base, "method", "factory", "value")


def test_an_override_in_a_subclass_is_seen() -> None:
    """A method or classmethod redefined by a subclass is not the default."""
    assert not keeps_default(Overriding, Base, "method")
    assert not keeps_default(Overriding, Base, "factory")
    assert keeps_default(Overriding, Base, "value")
    assert not keeps_default(Overriding(), Base, "value", "method")


def test_a_value_set_on_the_instance_is_seen() -> None:
    """An attribute assigned on the instance itself replaces the class's for it only."""
    replaced = Plain()
    replaced.method = lambda: "instance"  # type: ignore[method-assign]
    assert not keeps_default(replaced, Base, "method")
    assert keeps_default(replaced, Base, "factory")
    assert keeps_default(Plain(), Base, "method")
    del replaced.method
    assert keeps_default(replaced, Base, "method")


def test_slotted_instances_and_later_patches() -> None:
    """Slotted instances are checked by class; a class patched later is seen at once."""
    assert keeps_default(Slotted(), Base, "method")

    class Patched(Base):
        pass

    assert keeps_default(Patched, Base, "method")
    Patched.method = lambda self: "patched"  # type: ignore[method-assign]
    assert not keeps_default(Patched, Base, "method")
