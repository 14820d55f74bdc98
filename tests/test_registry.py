"""Tests of the registry of rules (conformance/rules/*.toml) and of rule levels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stand_in import FAKE_IMPL

from conformance import __main__ as cli
from conformance.coverage import NOT_FLASK_API, is_negative_source, measure, promises, read_json
from conformance.description import DESCRIPTION_PATH, section_headings
from conformance.registry import (
    MUST,
    OBSERVED,
    SHOULD,
    Registry,
    RegistryError,
    Rule,
    check_source,
    load_registry,
    read_rules_file,
    suite_registry,
    suite_rule_files,
)
from conformance.registry_sync import add_rules
from conformance.spec import AREAS

pytest_plugins = ["pytester"]

REPOSITORY = Path(__file__).resolve().parent.parent
SHARED_DESCRIPTION = REPOSITORY.parent / "shared" / "flask-cheatsheet.md"


RULES = """
["app.name"]
rule = "The registered sentence of the name rule."
level = "must"
source = "cheatsheet: Core Concepts"

["app.repr"]
rule = "An app's repr names it."
level = "should"
source = "observed Flask 3.1 behaviour"
"""

SUITE = '''
import pytest

@pytest.mark.spec("app.name")
def test_name(app):
    """The docstring's wording, which the registry overrides."""
    assert app.import_name == "conformance_app"

@pytest.mark.spec("app.repr")
def test_repr(app):
    """Repr wording."""
    assert repr(app) == "<Flask 'conformance_app'>", "different repr"
'''


@pytest.fixture
def registered(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder of extra spec tests with its own rules file (registration required)."""
    pytester.makeini(
        "[pytest]\naddopts = -p no:locust -p no:cacheprovider\n"
        "conformance_paths = .\nconformance_rules = rules.toml\n"
    )
    pytester.makeconftest("from conformance.fixtures import *  # noqa: F403\n")
    pytester.makepyfile(fakeimpl=FAKE_IMPL)
    (pytester.path / "rules.toml").write_text(RULES)
    pytester.syspathinsert()
    return pytester


def test_every_suite_rule_file_loads_with_valid_levels_and_sources() -> None:
    registry = suite_registry()
    assert {path.stem for path in suite_rule_files()} == set(AREAS)
    assert len(registry) > 1000
    assert all(rule.level in (MUST, SHOULD) for rule in registry.values())
    assert all(check_source(rule.source) is None for rule in registry.values())
    assert all(rule.rule and "\n" not in rule.rule for rule in registry.values())
    assert {rule.level for rule in registry.values()} == {MUST, SHOULD}


def test_parametrized_ids_are_registered_one_by_one() -> None:
    registry = suite_registry()
    assert (
        registry["config.default.debug"].rule == "On a fresh app, ``DEBUG`` defaults to ``False``."
    )
    assert "deployment.live.gunicorn.hello" in registry
    assert registry["deployment.live.gunicorn.hello"].rule.startswith("Served by gunicorn: ")


def test_description_copy_is_current() -> None:
    if not SHARED_DESCRIPTION.exists():
        pytest.skip("the shared feature description is not beside this checkout")
    assert DESCRIPTION_PATH.read_text() == SHARED_DESCRIPTION.read_text()
    assert "Routing Details" in section_headings()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('["app.x"]\nrule = ""\n', "non-empty string 'rule'"),
        ('["app.x"]\nrule = "r"\nlevel = "may"\n', "level is 'may'"),
        ('["app.x"]\nrule = "r"\nsource = "cheatsheet: Nowhere"\n', "no section"),
        ('["app.x"]\nrule = "r"\nsource = "a blog"\n', "is none of"),
        ('["app.x"]\nrule = "r"\ncolour = 1\n', "unknown keys: colour"),
        ('["nowhere.x"]\nrule = "r"\n', "not a spec ID of a known area"),
        ('["app.x"\n', "invalid TOML"),
    ],
)
def test_malformed_rules_are_rejected(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(RegistryError, match=problem):
        read_rules_file(path)


def test_an_id_registered_twice_is_rejected(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.toml").write_text('["app.x"]\nrule = "r"\n')
    with pytest.raises(RegistryError, match="registered twice"):
        load_registry(sorted(tmp_path.glob("*.toml")))


def test_unregistered_id_is_a_collection_error(registered: pytest.Pytester) -> None:
    registered.makepyfile(
        test_new='''
        import pytest

        @pytest.mark.spec("app.brand-new")
        def test_new():
            """A new rule."""
        '''
    )
    result = registered.runpytest("--impl", "fakeimpl")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*spec ID 'app.brand-new' is not registered*registry sync*"])


def test_registered_sentence_is_the_rule_shown(registered: pytest.Pytester) -> None:
    registered.makepyfile(test_rules=SUITE.replace('"conformance_app"', '"other"', 1))
    result = registered.runpytest("--impl", "fakeimpl", "--conformance-json", "out.json")
    result.stdout.fnmatch_lines(["*[[]app.name[]] The registered sentence of the name rule.*"])
    tests = json.loads((registered.path / "out.json").read_text())["tests"]
    assert {test["spec_id"]: test["rule"] for test in tests}["app.name"] == (
        "The registered sentence of the name rule."
    )


def test_should_level_failure_is_reported_but_gates_only_when_strict(
    registered: pytest.Pytester,
) -> None:
    registered.makepyfile(test_rules=SUITE)
    lenient = registered.runpytest("--impl", "fakeimpl", "--conformance-json", "lenient.json")
    assert lenient.ret == pytest.ExitCode.OK
    lenient.stdout.fnmatch_lines(
        [
            "*SHOULD-LEVEL FAILED [[]app.repr[]] An app's repr names it.*",
            "conformance PASS (fakeimpl):*should-level failures (not gated): app.repr",
        ]
    )
    document = json.loads((registered.path / "lenient.json").read_text())
    assert document["verdict"] == "pass" and document["strict_levels"] is False
    levels = {test["spec_id"]: (test["level"], test["outcome"]) for test in document["tests"]}
    assert levels == {"app.name": ("must", "passed"), "app.repr": ("should", "failed")}
    strict = registered.runpytest("--impl", "fakeimpl", "--strict-levels")
    assert strict.ret == pytest.ExitCode.TESTS_FAILED
    strict.stdout.fnmatch_lines(["conformance FAIL (fakeimpl):*failing: app.repr"])


def test_list_spec_prints_the_registry_with_levels(registered: pytest.Pytester) -> None:
    registered.makepyfile(
        test_rules='''
        import pytest

        @pytest.mark.spec("app.name")
        def test_name():
            """Name."""
        '''
    )
    text = registered.runpytest("--impl", "fakeimpl", "--list-spec")
    text.stdout.fnmatch_lines(
        [
            "app.name  The registered sentence of the name rule.",
            "app.repr  (should) An app's repr names it.  [[]no test[]]",
        ]
    )
    listing = registered.runpytest("--impl", "fakeimpl", "--list-spec", "--json")
    document = json.loads(listing.stdout.str()[listing.stdout.str().index("{") :].split("\n\n")[0])
    assert [(rule["id"], rule["level"], rule["tested"]) for rule in document["rules"]] == [
        ("app.name", "must", True),
        ("app.repr", "should", False),
    ]
    assert document["rules"][0]["source"] == "cheatsheet: Core Concepts"


def test_registry_sync_registers_new_ids(
    registered: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    registered.makepyfile(
        test_new='''
        import pytest

        @pytest.mark.spec("app.brand-new")
        def test_new():
            """A brand new rule,
            over two lines."""
        '''
    )
    folder = registered.path / "rules"
    folder.mkdir()
    monkeypatch.chdir(registered.path)
    assert cli.main(["registry", "sync", "--check", "test_new.py"]) == 1
    assert (
        "unregistered: app.brand-new  A brand new rule, over two lines." in capsys.readouterr().out
    )
    written = add_rules([{"id": "app.brand-new", "rule": "A brand new rule."}], folder)
    (rule,) = read_rules_file(written[0])
    assert (rule.id, rule.level, rule.source) == ("app.brand-new", MUST, OBSERVED)


# -- coverage -------------------------------------------------------------------------


def test_negative_tests_are_recognised_by_the_refusal_they_assert() -> None:
    assert is_negative_source("with pytest.raises(TypeError):\n    view()")
    assert is_negative_source("assert client.get('/x').status_code == 404")
    assert is_negative_source("assert response.status_code == NOT_FOUND")
    assert is_negative_source("assert result.exit_code != 0")
    assert is_negative_source("except (BadRequest, UnsupportedMediaType) as error:")
    assert not is_negative_source("assert client.get('/x').status_code == 200")
    assert not is_negative_source("assert result.exit_code == 0")


def test_promises_of_the_description_are_extracted_mechanically() -> None:
    found = {(promise.kind, promise.name) for promise in promises()}
    assert ("signal", "template_rendered") in found
    assert ("signal", "appcontext_popped") in found
    assert ("config key", "SESSION_COOKIE_SAMESITE") in found  # from `_SAMESITE`
    assert ("config key", "MAX_FORM_PARTS") in found
    assert ("cli option", "--app") in found and ("cli option", "--port") in found
    assert ("api name", "stream_with_context") in found
    assert not {name for _, name in found} & set(NOT_FLASK_API)


def test_measure_reports_untested_rules_error_paths_sections_and_promises() -> None:
    registry = Registry(
        [
            Rule(
                "app.a",
                "``stream_with_context`` keeps the context.",
                source="cheatsheet: Responses",
            ),
            Rule("app.b", "Bad input is refused with 400.", error_path=True),
            Rule("app.c", "Untested."),
        ]
    )
    measured = measure(registry, tested=["app.a", "app.b"], negative=[])
    assert measured.untested == ["app.c"]
    assert measured.error_paths_without_negative == ["app.b"]
    assert "Routing Details" in measured.uncovered_sections
    assert "Responses" not in measured.uncovered_sections
    assert not measured.complete
    assert not any("api name stream_with_context " in entry for entry in measured.unmet_promises)


def test_suite_coverage_figures_in_the_committed_report() -> None:
    figures = REPOSITORY / "reports" / "conformance" / "coverage.json"
    measured = read_json(figures)
    assert measured.rules == len(suite_registry())
    assert measured.untested == [] and measured.uncovered_sections == []


# -- versions ---------------------------------------------------------------------------


def test_rules_carry_since_from_the_file_default_or_their_own_keys(tmp_path: Path) -> None:
    path = tmp_path / "app.toml"
    path.write_text(
        'since = "2.3"\n\n["app.old"]\nrule = "Old."\n\n'
        '["app.new"]\nrule = "New."\nsince = "3.1"  # why\n\n'
        '["app.gone"]\nrule = "Gone."\nuntil = "3.0"\n'
    )
    rules = {rule.id: (rule.since, rule.until) for rule in read_rules_file(path)}
    assert rules == {"app.old": ("2.3", None), "app.new": ("3.1", None), "app.gone": ("2.3", "3.0")}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('["app.x"]\nrule = "r"\nsince = "three"\n', "not a version"),
        ('["app.x"]\nrule = "r"\nsince = 3.1\n', "must be a version string"),
        ('["app.x"]\nrule = "r"\nsince = "3.1"\nuntil = "3.0"\n', "is not before until"),
        ('since = "x"\n["app.x"]\nrule = "r"\n', "top-level since"),
    ],
)
def test_malformed_version_ranges_are_rejected(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(RegistryError, match=problem):
        read_rules_file(path)


def test_suite_rules_are_version_gated_only_by_observed_changes() -> None:
    registry = suite_registry()
    assert all(rule.since is not None for rule in registry.values())
    gated = {rule.id: rule.since for rule in registry.values() if rule.since != "2.3"}
    assert gated["config.default.trusted-hosts"] == "3.1"
    assert gated["sessions.vary.read"] == "3.1.3"
    assert gated["app.class.app-base"] == "3.0"
    # each gate names the old behaviour it was measured on, in a comment on its line
    for path in suite_rule_files():
        for line in path.read_text().splitlines():
            if line.startswith(("since = ", "until = ")) and '"2.3"' not in line:
                assert "  # " in line, f"{path.name}: {line} states no reason"


def test_list_spec_json_carries_since_and_until(registered: pytest.Pytester) -> None:
    (registered.path / "rules.toml").write_text(
        RULES.replace(
            'source = "cheatsheet: Core Concepts"\n',
            'source = "cheatsheet: Core Concepts"\nsince = "3.1"\n',
        )
    )
    registered.makepyfile(test_rules=SUITE)
    listing = registered.runpytest("--impl", "fakeimpl", "--list-spec", "--json")
    document = json.loads(listing.stdout.str()[listing.stdout.str().index("{") :].split("\n\n")[0])
    ranges = {rule["id"]: (rule["since"], rule["until"]) for rule in document["rules"]}
    assert ranges == {"app.name": ("3.1", None), "app.repr": (None, None)}
