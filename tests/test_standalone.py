"""Reproduction scripts run a spec test with plain Python (conformance.standalone and
the sources conformance.repro embeds)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.repro import chosen_parameters, embedded_sources, source_literal
from conformance.standalone import RuleViolation, define, parameters

MODULE = '''
import pytest

LIMIT = 3


def helper(value):
    return value + LIMIT


def unused_helper():
    return 0


@pytest.fixture(autouse=True)
def always():
    yield


@pytest.fixture
def base(tmp_path):
    return helper(1)


@pytest.fixture
def unused(base):
    return base


@pytest.mark.spec("app.x")
@pytest.mark.parametrize("a, b", [(1, 2), pytest.param(3, 4, id="three")])
def test_x(base, a, b):
    """A rule."""
    assert base == 4
'''


def test_sources_hold_the_test_its_fixtures_and_their_helpers(tmp_path: Path) -> None:
    """The test keeps its non-pytest decorators; fixtures and helpers it reaches are there."""
    module = tmp_path / "test_module.py"
    module.write_text(MODULE)
    sources = embedded_sources(module, "test_x")
    assert sources.test.startswith("def test_x(base, a, b):")
    assert "def base(tmp_path):" in sources.fixtures
    assert "def always():" in sources.fixtures
    assert "unused" not in sources.fixtures
    assert "def helper(value):" in sources.helpers
    assert "unused_helper" not in sources.helpers
    assert sources.autouse == ["always"]
    namespace: dict[str, Any] = {}
    exec(compile(eval(source_literal(sources.helpers)), "<h>", "exec"), namespace)
    assert "helper" in namespace


@pytest.mark.parametrize("a, b", [(1, 2), pytest.param(3, 4, id="three")])
def test_parameters_are_found_again_by_position(
    request: pytest.FixtureRequest, a: int, b: int
) -> None:
    """The position recorded for the running case gives back its values, pytest.param too."""
    function = request.function
    chosen = chosen_parameters(function, request.node.callspec)
    assert parameters(function, chosen) == {"a": a, "b": b}


def test_explained_assert_reports_both_sides() -> None:
    """A failing ``assert a == b`` reports what it got, the operator, the expected value
    and the message."""
    namespace: dict[str, Any] = {}
    define("def check(x):\n    assert x + 1 == 3, 'off'\n", namespace, "<check>")
    namespace["check"](2)
    with pytest.raises(RuleViolation) as raised:
        namespace["check"](5)
    assert raised.value.lines() == [
        "failed: assert x + 1 == 3, 'off'",
        "  got:      6",
        "  expected: == 3",
        "  message:  off",
    ]


def test_explained_assert_of_a_plain_value() -> None:
    """``assert x`` reports the false value it got."""
    namespace: dict[str, Any] = {}
    define("def check(x):\n    assert x\n", namespace, "<check>")
    with pytest.raises(RuleViolation) as raised:
        namespace["check"]([])
    assert raised.value.got == []
    assert raised.value.operator is None
