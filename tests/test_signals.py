"""Unit tests for framework.signals: the built-in signals and the Namespace export."""

from __future__ import annotations

from typing import Any

import blinker
import pytest

from conformance.contract import SIGNAL_NAMES
from framework import signals


@pytest.mark.parametrize(("attribute", "signal_name"), SIGNAL_NAMES.items())
def test_signal_has_flask_name(attribute: str, signal_name: str) -> None:
    signal = getattr(signals, attribute)
    assert isinstance(signal, blinker.NamedSignal)
    assert signal.name == signal_name


@pytest.mark.parametrize("signal_name", SIGNAL_NAMES.values())
def test_signals_belong_to_module_namespace(signal_name: str) -> None:
    assert signals._signals.signal(signal_name) is signals._signals[signal_name]


def test_signals_are_distinct_and_exported() -> None:
    objects = {id(getattr(signals, attribute)) for attribute in SIGNAL_NAMES}
    assert len(objects) == len(SIGNAL_NAMES)
    assert set(signals.__all__) == {*SIGNAL_NAMES, "Namespace"}


def test_signals_are_not_blinker_default_namespace_signals() -> None:
    # Private to the framework: another library's "request-started" must not collide.
    assert blinker.signal("request-started") is not signals.request_started


def test_namespace_is_blinkers() -> None:
    assert signals.Namespace is blinker.Namespace


def test_custom_namespace_signal_delivers_to_sender_receivers() -> None:
    namespace = signals.Namespace()
    model_saved = namespace.signal("model-saved")
    sender, other_sender = object(), object()
    received: list[tuple[Any, dict[str, Any]]] = []

    def receiver(sender: Any, **extra: Any) -> None:
        received.append((sender, extra))

    with model_saved.connected_to(receiver, sender=sender):
        model_saved.send(other_sender, id=1)
        model_saved.send(sender, id=2)
    model_saved.send(sender, id=3)
    assert received == [(sender, {"id": 2})]


def test_builtin_signal_send_reaches_connected_receiver() -> None:
    sender = object()
    received: list[Any] = []

    def receiver(sender: Any, **extra: Any) -> None:
        received.append((sender, extra))

    signals.request_finished.connect(receiver, sender=sender)
    try:
        signals.request_finished.send(sender, response="r")
    finally:
        signals.request_finished.disconnect(receiver, sender=sender)
    signals.request_finished.send(sender, response="after")
    assert received == [(sender, {"response": "r"})]
