"""``python -m conformance registry review``: the evidence laid out for each rule."""

from __future__ import annotations

import json

from conformance.__main__ import main
from conformance.registry import MUST, OBSERVED, SHOULD, Rule
from conformance.registry_review import SpecTest, review, rule_names, wording_asserted


def test_wording_is_found_in_assertions_only() -> None:
    """A repr or an exception message asserted is wording; one merely computed is not."""
    assert wording_asserted("    assert repr(app) == \"<Flask 'x'>\"\n") == ["repr"]
    assert wording_asserted("    with pytest.raises(ValueError, match='absolute'):\n") == [
        "exception message"
    ]
    assert wording_asserted("    text = repr(app)\n    assert app.name == 'x'\n") == []


def test_rule_names_are_code_shaped() -> None:
    """Backticked names and code-shaped words are the rule's names; plain words are not."""
    names = rule_names("``app.url_map`` holds rules; MAX_CONTENT_LENGTH limits the body.")
    assert names == ["app.url_map", "MAX_CONTENT_LENGTH"]


def test_review_reports_inconsistencies() -> None:
    """A must rule sourced from observation, and a negative test on a rule not flagged as
    an error path, are findings; a consistent rule has none."""
    observed = Rule("app.x", "``app.debug`` is a flag.", MUST, OBSERVED)
    refused = Rule("app.y", "A bad value is refused.", SHOULD, OBSERVED)
    tests = {
        "app.x": [
            SpecTest("test_app.py", "test_x", "def test_x(app):\n    assert app.debug is False\n")
        ],
        "app.y": [
            SpecTest(
                "test_app.py",
                "test_y",
                "def test_y(app):\n    with pytest.raises(ValueError):\n        app.x = 1\n",
            )
        ],
    }
    evidence = {item.rule.id: item for item in review([observed, refused], tests)}
    assert evidence["app.x"].findings == ["must, but its source is observed behaviour"]
    assert evidence["app.y"].findings == ["negative test, not flagged error_path"]
    assert evidence["app.y"].negative


def test_command_prints_every_rule_as_json(capsys) -> None:  # type: ignore[no-untyped-def]
    """``registry review --json`` prints one object per registered rule."""
    assert main(["registry", "review", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {"id", "level", "source", "tests", "wording", "findings"} <= set(rules[0])
    with_source = [rule for rule in rules if rule["tests"]]
    assert len(with_source) > 0.9 * len(rules)  # computed spec IDs (live servers) have none
