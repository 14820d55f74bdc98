"""Tests of the conformance harness: the pytest plugin, expectations, results, report and diff.

Most tests run pytest in-process on a small suite written into a temporary folder
(declared a conformance folder through the ``conformance_paths`` ini option) and
tested against ``fakeimpl``, a tiny module standing in for an implementation.
Runs that need a separate process (pytest-xdist, Hypothesis profiles) use
``runpytest_subprocess``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import jsonschema
import pytest
from stand_in import SUITE_INI

from conformance import __main__ as cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib
from conformance import results
from conformance.diff import diff_results
from conformance.expectations import (
    ExpectationsError,
    load_expectations,
    plan_update,
    render_entries,
    toml_string,
)
from conformance.implementation import (
    Implementation,
    ImplementationError,
    ImplementationLacksName,
    implementation_version,
    import_implementation,
)
from conformance.plugin import CONFORMANCE_DIR, canonical_nodeid, one_line_message
from conformance.profiles import suite_profile_name
from conformance.report import Tally, render_html, render_markdown

pytest_plugins = ["pytester"]

REPOSITORY = CONFORMANCE_DIR.parent

FAKE_IMPL = '''
"""A stand-in implementation for harness tests."""

__version__ = "1.2.3"


class Flask:
    def __init__(self, import_name, **kwargs):
        self.import_name = import_name
        self.config = {}

    def test_client(self):
        return ("client", self)

    def test_cli_runner(self):
        return ("runner", self)
'''


CONFTEST = "from conformance.fixtures import *  # noqa: F403\n"
"""What a folder of extra spec tests puts in its conftest.py."""

MIXED_SUITE = '''
import pytest


@pytest.mark.spec("routing.rules.passes")
def test_passes(app):
    """A rule that the implementation follows."""
    assert app.import_name == "conformance_app"


@pytest.mark.spec("routing.rules.fails")
def test_fails(impl):
    """A rule that the implementation breaks."""
    assert impl.Flask is None, "deliberate failure"


@pytest.mark.spec("json.dumps.skipped")
def test_skipped():
    """A rule that does not apply here."""
    pytest.skip("not applicable")


@pytest.fixture
def broken():
    raise RuntimeError("fixture exploded")


@pytest.mark.spec("json.dumps.errors")
def test_errors(broken):
    """A rule whose set-up breaks."""


@pytest.mark.spec("json.dumps.known")
def test_known_failure():
    """A rule with a known failure."""
    assert False, "known to fail"


@pytest.mark.spec("json.dumps.fixed")
def test_fixed():
    """A rule listed as failing that now passes."""
'''

MIXED_EXPECTATIONS = """
["json.dumps.known"]
reason = "not implemented yet"

["json.dumps.fixed"]
reason = "was broken"
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester folder holding the ini file and the fake implementation, on sys.path."""
    pytester.makefile(".ini", pytest=SUITE_INI)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(fakeimpl=FAKE_IMPL)
    pytester.syspathinsert()
    return pytester


def run(suite: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in-process on ``suite`` against the fake implementation."""
    return suite.runpytest("--impl", "fakeimpl", *args)


# -- spec IDs -----------------------------------------------------------------------


def test_missing_spec_id_is_a_collection_error(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_unmarked="""
        def test_one():
            pass

        def test_two():
            pass
        """
    )
    result = run(suite)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting test_unmarked.py*",
            "*test_unmarked.py::test_one: no @pytest.mark.spec(...) marker",
            "*test_unmarked.py::test_two: no @pytest.mark.spec(...) marker",
            "*1 error*",
        ]
    )


def test_unknown_area_is_a_collection_error(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_area="""
        import pytest

        @pytest.mark.spec("teleport.beam-up")
        def test_one():
            pass
        """
    )
    result = run(suite)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*test_area.py::test_one: spec ID 'teleport.beam-up' names*"])


def test_malformed_spec_id_in_a_class_is_a_collection_error(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_class="""
        import pytest

        class TestGroup:
            @pytest.mark.spec("Routing")
            def test_one(self):
                pass
        """
    )
    result = run(suite)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*TestGroup::test_one: spec ID 'Routing' is not of the form*"])


def test_tests_outside_conformance_folders_need_no_spec_id(pytester: pytest.Pytester) -> None:
    pytester.makefile(".ini", pytest="[pytest]\naddopts = -p no:locust\nconformance_paths = spec")
    pytester.mkdir("spec")
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = pytester.runpytest("test_plain.py", "--impl", "not_a_module_anywhere")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1)


# -- selection and listing ----------------------------------------------------------

SELECTION_SUITE = '''
import pytest


@pytest.mark.spec("routing.trailing-slash.redirect")
def test_redirect():
    """A rule ending in a slash redirects."""


@pytest.mark.spec("routing.trailing-slashes")
def test_plural():
    """A rule about plural slashes."""


@pytest.mark.spec("json.dumps")
def test_dumps():
    """JSON dumps sorts keys."""


@pytest.mark.parametrize("value", [1, 2])
@pytest.mark.spec("app.name")
def test_name(value):
    """The app name is the import name."""
'''


@pytest.mark.parametrize(
    ("selectors", "expected"),
    [
        (["routing"], {"test_redirect", "test_plural"}),
        (["routing.trailing-slash"], {"test_redirect"}),
        (["routing.trailing-slash.redirect"], {"test_redirect"}),
        (["json", "app.name"], {"test_dumps", "test_name[1]", "test_name[2]"}),
    ],
)
def test_spec_selects_by_whole_dotted_components(
    suite: pytest.Pytester, selectors: list[str], expected: set[str]
) -> None:
    suite.makepyfile(test_select=SELECTION_SUITE)
    suite.makepyfile(test_other="def test_unrelated():\n    pass\n")
    suite.makefile(".ini", pytest=SUITE_INI.replace("= .", "= test_select.py"))
    args = [arg for selector in selectors for arg in ("--spec", selector)]
    reprec = suite.inline_run("--impl", "fakeimpl", *args)
    passed, _, _ = reprec.listoutcomes()
    assert {report.nodeid.split("::", 1)[1] for report in passed} == expected
    deselected = reprec.getcalls("pytest_deselected")
    assert sum(len(call.items) for call in deselected) == 6 - len(expected)


def test_spec_that_selects_nothing_is_a_usage_error_naming_the_closest(
    suite: pytest.Pytester,
) -> None:
    """A well-formed --spec prefix that selects no spec ID stops the run with exit 4."""
    suite.makepyfile(test_select=SELECTION_SUITE)
    result = run(suite, "--spec", "routing.trailing", "--spec", "json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.assert_outcomes()
    result.stdout.fnmatch_lines(
        [
            "ERROR --spec routing.trailing: selects no spec ID; closest: routing.trailing-slash*",
            "conformance FAIL (fakeimpl): 1 usage errors",
        ]
    )


def test_spec_that_selects_nothing_is_a_usage_error_under_xdist(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_select=SELECTION_SUITE)
    result = suite.runpytest_subprocess("--impl", "fakeimpl", "--spec", "json.dump", "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(
        ["ERROR --spec json.dump: selects no spec ID; closest: json.dumps*"]
    )


def test_exclude_spec_leaves_out_a_prefix(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_select=SELECTION_SUITE)
    reprec = suite.inline_run(
        "--impl", "fakeimpl", "--exclude-spec", "routing", "--exclude-spec", "app.name"
    )
    passed, _, _ = reprec.listoutcomes()
    assert {report.nodeid.split("::", 1)[1] for report in passed} == {"test_dumps"}


TWICE_SUITE = '''
import pytest


@pytest.mark.spec("app.twice")
def test_one():
    """One."""


@pytest.mark.spec("app.twice")
def test_two():
    """Two."""
'''


def test_one_spec_id_on_two_functions_is_a_usage_error(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_twice=TWICE_SUITE)
    result = run(suite)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(["ERROR spec ID app.twice is on several test functions*"])


def test_needs_marker_must_name_an_optional_feature(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_needs="""
        import pytest

        @pytest.mark.needs("core")
        @pytest.mark.spec("app.needs-core")
        def test_one():
            pass
        """
    )
    result = run(suite)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*@pytest.mark.needs('core') names no optional feature*"])


@pytest.mark.parametrize("selector", ["nowhere", "routing.", "Routing"])
def test_bad_spec_selector_is_a_usage_error(suite: pytest.Pytester, selector: str) -> None:
    suite.makepyfile(test_select=SELECTION_SUITE)
    result = run(suite, "--spec", selector)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.errlines if line.strip()] == [
        line for line in result.errlines if line.startswith(f"ERROR: --spec {selector!r}")
    ]


def test_list_spec_prints_sorted_ids_and_rules_without_running(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_select=SELECTION_SUITE)
    suite.makepyfile(
        test_side_effect="""
        import pytest

        @pytest.mark.spec("app.side-effect")
        def test_writes():
            '''Running this test leaves a file behind.'''
            open("ran.txt", "w").close()
            assert False
        """
    )
    result = run(suite, "--list-spec")
    assert result.ret == pytest.ExitCode.OK
    listing = [line for line in result.outlines if re.match(r"^[a-z]+\.[a-z0-9.-]+  ", line)]
    assert listing == [
        "app.name                         The app name is the import name.",
        "app.side-effect                  Running this test leaves a file behind.",
        "json.dumps                       JSON dumps sorts keys.",
        "routing.trailing-slash.redirect  A rule ending in a slash redirects.",
        "routing.trailing-slashes         A rule about plural slashes.",
    ]
    assert not (suite.path / "ran.txt").exists()


def test_list_spec_honours_spec_selection(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_select=SELECTION_SUITE)
    result = run(suite, "--list-spec", "--spec", "json")
    assert [line for line in result.outlines if line.startswith(("json.", "app.", "routing."))] == [
        "json.dumps  JSON dumps sorts keys."
    ]


# -- the implementation -------------------------------------------------------------


def test_impl_fixture_exposes_the_real_names(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_impl="""
        import types
        import pytest
        import fakeimpl

        @pytest.mark.spec("app.real-class")
        def test_real(impl, app, client, runner, make_app):
            assert impl.Flask is fakeimpl.Flask
            assert isinstance(impl, types.ModuleType)
            assert impl.__name__ == "fakeimpl"
            assert isinstance(app, fakeimpl.Flask)
            assert app.config == {"TESTING": True, "SECRET_KEY": "conformance secret"}
            assert client == ("client", app) and runner == ("runner", app)
            assert make_app("other").import_name == "other"
            assert not hasattr(impl, "Blueprint")
            assert getattr(impl, "Blueprint", None) is None
        """
    )
    result = run(suite)
    result.assert_outcomes(passed=1)


def test_missing_name_fails_the_test_with_a_clear_message(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_impl="""
        import pytest

        @pytest.mark.spec("app.blueprints")
        def test_needs_blueprint(impl):
            impl.Blueprint("bp", __name__)

        @pytest.mark.spec("app.flask")
        def test_needs_flask(impl):
            impl.Flask("x")
        """
    )
    result = run(suite)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*implementation 'fakeimpl' lacks 'Blueprint' required by this test (see the contract*"]
    )


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (
            "no_such_impl_module",
            "ERROR: --impl no_such_impl_module: cannot import module 'no_such_impl_module': "
            "No module named 'no_such_impl_module'",
        ),
        (
            "brokenimpl",
            "ERROR: --impl brokenimpl: importing module 'brokenimpl' raised "
            "RuntimeError: cannot start",
        ),
    ],
)
def test_unimportable_impl_is_one_usage_error_line(
    suite: pytest.Pytester, module: str, message: str
) -> None:
    suite.makepyfile(brokenimpl="raise RuntimeError('cannot start\\nsecond line')")
    suite.makepyfile(test_mixed=MIXED_SUITE)
    result = suite.runpytest("--impl", module)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.errlines if line.strip()] == [message]


def test_unimportable_impl_is_one_error_line_under_xdist(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    result = suite.runpytest_subprocess("--impl", "no_such_impl_module", "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.stderr.fnmatch_lines(["ERROR: --impl no_such_impl_module: cannot import module*"])


def test_conformance_impl_environment_variable_chooses_the_default(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFORMANCE_IMPL", "no_such_env_impl")
    suite.makepyfile(test_mixed=MIXED_SUITE)
    result = suite.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --impl no_such_env_impl: cannot import*"])


def test_reference_fixture(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_reference="""
        import pytest
        import fakeimpl

        @pytest.mark.spec("app.reference")
        def test_reference(reference):
            assert reference.Flask is fakeimpl.Flask
        """
    )
    run(suite, "--reference", "fakeimpl").assert_outcomes(passed=1)
    result = run(suite, "--reference", "no_such_reference")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --reference no_such_reference: cannot import*"])


def test_implementation_proxy_forwards_and_explains(pytester: pytest.Pytester) -> None:
    pytester.syspathinsert()
    package = pytester.mkpydir("proxied")
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "views.py").write_text("VIEW = 2\n")
    (package / "broken.py").write_text("import no_such_dependency_module\n")
    module = import_implementation("proxied")
    proxy = Implementation(module)
    assert isinstance(proxy, ModuleType)
    assert proxy.VALUE == 1 and proxy.__name__ == "proxied"
    assert proxy.views.VIEW == 2
    assert proxy.submodule("views") is sys.modules["proxied.views"]
    assert "VALUE" in dir(proxy)
    with pytest.raises(ImplementationLacksName, match=r"^implementation 'proxied' lacks 'Nope'"):
        proxy.Nope
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_module"):
        proxy.broken
    with pytest.raises(ImplementationLacksName, match=r"lacks submodule 'nothing\.here'") as info:
        proxy.submodule("nothing.here")
    assert info.value.missing == "nothing.here"


def test_import_implementation_errors_are_one_line() -> None:
    with pytest.raises(ImplementationError) as info:
        import_implementation("no_such_impl_module", "--reference")
    assert str(info.value) == (
        "--reference no_such_impl_module: cannot import module 'no_such_impl_module': "
        "No module named 'no_such_impl_module'"
    )


def test_implementation_version() -> None:
    assert implementation_version(SimpleNamespace(__version__="4.5", __name__="x")) == "4.5"  # type: ignore[arg-type]
    import pytest as pytest_module

    assert implementation_version(ModuleType("pytest")) == pytest_module.__version__
    assert implementation_version(ModuleType("no_such_distribution_here")) == "unknown"


# -- expectations -------------------------------------------------------------------


def test_expectation_gate(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=MIXED_EXPECTATIONS)
    result = run(suite, "--expectations", "expectations.toml", "-rxf", "-vv")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, failed=2, skipped=1, errors=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "XFAIL test_mixed.py::test_known_failure - known failure: not implemented yet",
            "FAILED test_mixed.py::test_fails - [[]routing.rules.fails[]] A rule that the "
            "implementation breaks. -- AssertionError: deliberate failure*",
            "FAILED test_mixed.py::test_fixed - [[]json.dumps.fixed[]] A rule listed as failing "
            "that now passes. -- *UnexpectedPass: listed in *expectations.toml as a known "
            "failure (was broken): remove its entry [[]json.dumps.fixed[]]",
        ]
    )


@pytest.mark.parametrize("style", ["line", "short", "no", "native"])
def test_every_failure_line_names_the_spec_id_and_rule(suite: pytest.Pytester, style: str) -> None:
    """Whatever --tb is, the failure's lines carry its spec ID and rule."""
    suite.makepyfile(test_mixed=MIXED_SUITE)
    result = run(suite, f"--tb={style}", "-k", "fails", "-vv")  # -vv: lines are not cut
    result.stdout.fnmatch_lines(
        [
            "FAILED [[]routing.rules.fails[]] A rule that the implementation breaks.",
            "FAILED test_mixed.py::test_fails - [[]routing.rules.fails[]] A rule that the "
            "implementation breaks. -- AssertionError*",
            "conformance FAIL (fakeimpl): 1 failed; failing: routing.rules.fails",
        ]
    )
    assert (
        result.outlines[-1] == "conformance FAIL (fakeimpl): 1 failed; failing: routing.rules.fails"
    )


def test_expected_failures_alone_do_not_fail_the_run(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=MIXED_EXPECTATIONS)
    result = run(suite, "--expectations", "expectations.toml", "-k", "known_failure or passes")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "*- conformance -*",
            "implementation 'fakeimpl': 1 passed, 1 expected-failure",
            "2 known failures listed in *expectations.toml",
        ]
    )
    assert result.outlines[-1] == "conformance PASS (fakeimpl): 1 passed, 1 expected-failure"


def test_unlisted_failure_fails_and_listed_pass_fails(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=MIXED_EXPECTATIONS)
    for selected, outcome in [("fails", {"failed": 1}), ("fixed", {"failed": 1})]:
        result = run(suite, "--expectations", "expectations.toml", "-k", selected)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.assert_outcomes(**outcome)


def test_expected_setup_error_counts_as_expected_failure(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations='["json.dumps.errors"]\nreason = "no fixture"\n')
    result = run(suite, "--expectations", "expectations.toml", "-k", "errors")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(xfailed=1)


def test_default_expectations_file_is_in_the_invocation_folder(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    folder = suite.mkdir("conformance-expectations")
    (folder / "fakeimpl.toml").write_text('["routing.rules.fails"]\nreason = "known"\n')
    result = run(suite, "-k", "fails")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(xfailed=1)


PARAM_SUITE = '''
import pytest


@pytest.mark.parametrize("value", ["good", "bad"])
@pytest.mark.spec("json.values.kept")
def test_values(value):
    """Values are kept."""
    assert value == "good"


@pytest.mark.parametrize(
    "name",
    [pytest.param(name, marks=pytest.mark.spec(f"config.default.{name}")) for name in ["a", "b"]],
)
def test_defaults(name):
    """Each default has its own spec ID."""
    assert name == "a"
'''


def test_parametrized_tests_are_keyed_by_spec_id_and_parameter(suite: pytest.Pytester) -> None:
    """A parameter is part of the key only where one spec ID covers several parameters."""
    suite.makepyfile(test_params=PARAM_SUITE)
    result = run(suite, "--update-expectations", "--reason", "known")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    path = suite.path / "conformance-expectations" / "fakeimpl.toml"
    assert set(load_expectations(path).entries) == {"json.values.kept[bad]", "config.default.b"}
    assert run(suite).ret == pytest.ExitCode.OK


def test_a_bare_spec_id_covers_every_parameter(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_params=PARAM_SUITE.replace('value == "good"', 'value == "other"'))
    suite.makefile(
        ".toml",
        expectations='["json.values.kept"]\nreason = "all"\n["config.default.b"]\nreason = "b"\n',
    )
    result = run(suite, "--expectations", "expectations.toml")
    result.assert_outcomes(passed=1, xfailed=3)
    assert result.ret == pytest.ExitCode.OK


def test_renaming_a_test_function_keeps_its_expectation(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE.replace("def test_fails", "def test_renamed"))
    suite.makefile(".toml", expectations='["routing.rules.fails"]\nreason = "known"\n')
    result = run(suite, "--expectations", "expectations.toml", "-k", "renamed")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(xfailed=1)


def test_stale_expectation_fails_the_run(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(
        ".toml",
        expectations='["routing.rules.gone"]\nreason = "was removed"\n'
        '["json.dumps.known"]\nreason = "known"\n',
    )
    result = run(suite, "--expectations", "expectations.toml", "-k", "passes or known")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "STALE expectation [[]routing.rules.gone[]] matches no test: remove it (was removed)",
            "conformance FAIL (fakeimpl): 1 passed, 1 expected-failure, 1 stale expectations",
        ]
    )


def test_entries_of_files_not_collected_are_not_stale(suite: pytest.Pytester) -> None:
    """A run of some files cannot judge entries whose area lives in files it did not collect."""
    suite.makepyfile(test_mixed=MIXED_SUITE, test_select=SELECTION_SUITE)
    suite.makefile(".toml", expectations='["app.name.gone"]\nreason = "elsewhere"\n')
    result = run(suite, "test_mixed.py", "--expectations", "expectations.toml", "-k", "passes")
    assert result.ret == pytest.ExitCode.OK
    result = run(suite, "--expectations", "expectations.toml", "-k", "passes")
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_flaky_entry_accepts_either_outcome(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(
        ".toml",
        expectations='["routing.rules.fails"]\nreason = "sometimes"\nstatus = "flaky"\n'
        '["routing.rules.passes"]\nreason = "sometimes"\nstatus = "flaky"\n'
        'issue = "https://example.invalid/1"\n',
    )
    result = run(
        suite,
        "--expectations",
        "expectations.toml",
        "-k",
        "passes or fails",
        "--conformance-json",
        "run.json",
    )
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, xfailed=1)
    tests = {
        test["key"]: test for test in json.loads((suite.path / "run.json").read_text())["tests"]
    }
    assert tests["routing.rules.fails"]["outcome"] == "expected-failure"
    assert tests["routing.rules.passes"]["outcome"] == "passed"
    assert {test["expectation"] for test in tests.values()} == {"flaky"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not toml [", "invalid TOML"),
        ('["app.x"]\nwhy = "x"\n', "unknown keys: why"),
        ('["app.x"]\nreason = ""\n', "needs a non-empty string 'reason'"),
        ('"app.x" = "reason"\n', "must be a table"),
        ('["app.x"]\nreason = "r"\nowner = "me"\n', "unknown keys: owner"),
        ('["app.x"]\nreason = "r"\nstatus = "maybe"\n', "status 'maybe'"),
        ('["test_x.py::test_y"]\nreason = "r"\n', "not by test path or node ID"),
        ('[implementation]\nwithout = ["teleport"]\n', "unknown feature 'teleport'"),
        ('[implementation]\nwithout = ["core"]\n', "is required and cannot be left out"),
    ],
)
def test_malformed_expectations_are_a_usage_error(
    suite: pytest.Pytester, content: str, problem: str
) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=content)
    result = run(suite, "--expectations", "expectations.toml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    (line,) = [line for line in result.errlines if line.strip()]
    assert line.startswith("ERROR: ") and "expectations.toml" in line and problem in line


def test_unknown_without_feature_is_a_usage_error(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    result = run(suite, "--without", "teleport")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.errlines if line.strip()] == [
        "ERROR: --without: unknown feature 'teleport'; optional features: "
        "cli, python-m, async, wsgi"
    ]


COMMENTED_EXPECTATIONS = """\
# My own header.

# Waiting for the router rewrite.
["routing.rules.fails"]
reason = "routing is half done"  # see the plan

["json.dumps.fixed"]
reason = "was broken"

["json.dumps.known"]
reason = "not implemented yet"
"""


def test_update_keeps_comments_order_and_reasons(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=COMMENTED_EXPECTATIONS)
    result = run(
        suite,
        "--expectations",
        "expectations.toml",
        "--update-expectations",
        "--reason",
        "fixture broken on purpose",
    )
    result.stdout.fnmatch_lines(["expectations updated: *expectations.toml (1 added, 1 removed)"])
    text = (suite.path / "expectations.toml").read_text()
    assert text.startswith("# My own header.\n\n# Waiting for the router rewrite.\n")
    assert 'reason = "routing is half done"  # see the plan' in text
    assert list(tomllib.loads(text)) == [
        "routing.rules.fails",
        "json.dumps.known",
        "json.dumps.errors",
    ]
    assert tomllib.loads(text)["json.dumps.errors"] == {"reason": "fixture broken on purpose"}
    assert run(suite, "--expectations", "expectations.toml").ret == pytest.ExitCode.OK


def test_update_in_a_partial_run_keeps_entries_outside_the_selection(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=COMMENTED_EXPECTATIONS)
    before = (suite.path / "expectations.toml").read_text()
    result = run(
        suite, "--expectations", "expectations.toml", "--update-expectations", "-k", "passes"
    )
    result.stdout.fnmatch_lines(
        ["expectations updated: *(0 added, 0 removed, 3 kept for tests outside this selection)"]
    )
    assert (suite.path / "expectations.toml").read_text() == before


def test_update_expectations_creates_a_file_with_the_standard_header(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    run(suite, "--expectations", "new/known.toml", "--update-expectations", "-k", "fails")
    text = (suite.path / "new" / "known.toml").read_text()
    assert text.startswith("# Expectations of the implementation `fakeimpl`")
    entries = load_expectations(suite.path / "new" / "known.toml").entries
    assert {key: entry.reason for key, entry in entries.items()} == {
        "routing.rules.fails": "AssertionError: deliberate failure"
    }


def test_shipped_expectation_files_are_empty_with_a_header() -> None:
    for name in ["flask", "framework"]:
        path = REPOSITORY / "conformance-expectations" / f"{name}.toml"
        text = path.read_text()
        assert text.startswith(f"# Expectations of the implementation `{name}`")
        expectations = load_expectations(path)
        assert expectations.entries == {} and expectations.without == []


def test_plan_update_logic(tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_text(
        render_entries({"a.one": "reason a", "a.two": "reason b", "a.three": "reason c"})
        + '["a.flaky"]\nreason = "f"\nstatus = "flaky"\n'
        + '["a.params"]\nreason = "p"\n'
    )
    expectations = load_expectations(path)
    outcomes = {
        "a.one": results.EXPECTED_FAILURE,
        "a.two": results.UNEXPECTED_PASS,
        "a.new": results.FAILED,
        "a.err": results.ERROR,
        "a.ok": results.PASSED,
        "a.flaky": results.PASSED,
        "a.params[x]": results.PASSED,
    }
    collected = [*outcomes, "a.three", "a.params[y]"]
    update = plan_update(expectations, outcomes, {"a.new": "boom"}, collected, ["a.gone"], None)
    assert update.added == {"a.new": "boom", "a.err": "error"}
    assert update.removed == ["a.gone", "a.two"]
    assert update.kept_outside_selection == 2  # a.three and a.params[y] did not run


def test_expectation_lookup_prefers_the_parameter_entry(tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_text(render_entries({"a.b": "all", "a.b[x]": "just x"}))
    expectations = load_expectations(path)
    assert expectations.lookup("a.b[x]").reason == "just x"  # type: ignore[union-attr]
    assert expectations.lookup("a.b[y]").reason == "all"  # type: ignore[union-attr]
    assert expectations.lookup("a.c") is None
    with pytest.raises(ExpectationsError):
        path.write_text("[a]\nreason = 'x'\n")
        load_expectations(path)


@pytest.mark.parametrize(
    "value", ["plain", 'quote " and \\ backslash', "new\nline\ttab\r", "\x00\x1f\x7f", "naïve ✓"]
)
def test_toml_strings_round_trip(value: str) -> None:
    assert tomllib.loads(f"key = {toml_string(value)}") == {"key": value}
    rendered = render_entries({f"app.x[{value}]": value})
    assert tomllib.loads(rendered) == {f"app.x[{value}]": {"reason": value}}


# -- results ------------------------------------------------------------------------


def outcomes_by_name(document: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Map each test's function name to its outcome and message."""
    return {
        test["nodeid"].split("::")[-1]: (test["outcome"], test["message"])
        for test in document["tests"]
    }


def validate_against_schema(document: dict[str, Any]) -> None:
    """Validate a results document against the JSON Schema shipped with the suite."""
    schema = json.loads(results.SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def test_json_results_shape(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=MIXED_EXPECTATIONS)
    run(
        suite,
        "--expectations",
        "expectations.toml",
        "--conformance-json",
        "out/results.json",
        "--exclude-spec",
        "app",
        "--hypothesis-seed",
        "7",
    )
    path = suite.path / "out" / "results.json"
    document = json.loads(path.read_text())
    validate_against_schema(document)
    assert document["format"] == results.FORMAT
    assert document["schema_version"] == results.SCHEMA_VERSION == 3
    implementation = document["implementation"]
    assert (implementation["name"], implementation["version"]) == ("fakeimpl", "1.2.3")
    assert implementation["path"] == str(suite.path / "fakeimpl.py")
    assert implementation["git_commit"] is None  # the temporary folder is no repository
    assert document["reference"] is None
    assert document["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert document["packages"]["pytest"] == pytest.__version__
    assert {"werkzeug", "hypothesis", "flaskspec"} <= set(document["packages"])
    assert document["selection"]["exclude_spec"] == ["app"]
    # the outer run's profile (dev, or conformance-ci when CI is set) is the inner run's
    assert document["hypothesis"] == {"profile": suite_profile_name(), "seed": "7"}
    assert document["verdict"] == "fail"
    assert document["expectations_path"] == str(suite.path / "expectations.toml")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["started_at"])
    assert outcomes_by_name(document) == {
        "test_errors": ("error", "RuntimeError: fixture exploded"),
        "test_fails": ("failed", "AssertionError: deliberate failure"),
        "test_fixed": (
            "unexpected-pass",
            "unexpected pass: listed as a known failure (was broken)",
        ),
        "test_known_failure": ("expected-failure", "AssertionError: known to fail"),
        "test_passes": ("passed", None),
        "test_skipped": ("skipped", "Skipped: not applicable"),
    }
    first = document["tests"][0]
    assert first["nodeid"] == "test_mixed.py::test_errors"
    assert (first["key"], first["spec_id"], first["area"]) == (
        "json.dumps.errors",
        "json.dumps.errors",
        "json",
    )
    assert first["rule"] == "A rule whose set-up breaks."
    loaded = results.load_results(path)
    assert len(loaded.tests) == 6 and loaded.implementation.version == "1.2.3"


def test_results_record_the_git_commit_of_an_implementation_in_a_repository(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    for command in (["init", "-q"], ["add", "fakeimpl.py"], ["commit", "-qm", "impl"]):
        subprocess.run([*git, *command], cwd=suite.path, check=True)
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=suite.path, check=True, capture_output=True, text=True
    ).stdout.strip()
    run(suite, "-k", "passes", "--conformance-json", "run.json")
    implementation = json.loads((suite.path / "run.json").read_text())["implementation"]
    assert implementation["git_commit"] == commit
    assert implementation["git_dirty"] is True  # the test files are not committed


def test_schema_rejects_a_document_the_reader_rejects() -> None:
    good = json.loads(json.dumps(dataclass_dict(sample_run("x", {"t.py::app_a": "passed"}))))
    validate_against_schema(good)
    broken = json.loads(json.dumps(good))
    broken["tests"][0]["outcome"] = "exploded"
    with pytest.raises(jsonschema.ValidationError):
        validate_against_schema(broken)


def test_junit_xml_carries_spec_id_area_and_rule(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    run(suite, "-k", "fails", "--junitxml", "junit.xml")
    case = ElementTree.parse(suite.path / "junit.xml").find(".//testcase")
    assert case is not None
    properties = {prop.get("name"): prop.get("value") for prop in case.iter("property")}
    assert properties == {
        "spec_id": "routing.rules.fails",
        "area": "routing",
        "rule": "A rule that the implementation breaks.",
        "level": "must",
        "expectation_key": "routing.rules.fails",
    }


def test_results_are_identical_under_xdist(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makepyfile(test_select=SELECTION_SUITE)
    suite.makefile(".toml", serial=MIXED_EXPECTATIONS, parallel=MIXED_EXPECTATIONS)
    outcomes = {}
    for name, extra in [("serial", []), ("parallel", ["-n", "2"])]:
        outcomes[name] = suite.runpytest_subprocess(
            *["--impl", "fakeimpl", "--expectations", f"{name}.toml", "--update-expectations"],
            *["--conformance-json", f"{name}.json", *extra],
        )
    assert outcomes["serial"].ret == outcomes["parallel"].ret == pytest.ExitCode.TESTS_FAILED
    documents = [json.loads((suite.path / f"{name}.json").read_text()) for name in outcomes]
    for document in documents:
        for test in document["tests"]:
            del test["duration"]
    assert len(documents[0]["tests"]) == 11
    assert documents[0]["tests"] == documents[1]["tests"]
    assert documents[0]["implementation"] == documents[1]["implementation"]
    outcomes["parallel"].stdout.fnmatch_lines(
        [
            "implementation 'fakeimpl': 6 passed, 1 failed, 1 skipped, 1 error, "
            "1 expected-failure, 1 unexpected-pass"
        ]
    )
    rewritten = [load_expectations(suite.path / f"{name}.toml").entries for name in outcomes]
    assert rewritten[0] == rewritten[1]
    assert set(rewritten[0]) == {"json.dumps.errors", "routing.rules.fails", "json.dumps.known"}


def test_stale_expectations_are_found_under_xdist(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations='["routing.rules.gone"]\nreason = "was removed"\n')
    result = suite.runpytest_subprocess(
        "--impl", "fakeimpl", "--expectations", "expectations.toml", "-k", "passes", "-n", "2"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["STALE expectation [[]routing.rules.gone[]] matches no test*"])


def test_list_spec_works_under_xdist(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_select=SELECTION_SUITE)
    result = suite.runpytest_subprocess("--impl", "fakeimpl", "--list-spec", "-n", "2")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["app.name  *The app name is the import name."])


def test_canonical_nodeid_is_relative_to_the_conformance_package() -> None:
    inside = SimpleNamespace(
        path=CONFORMANCE_DIR / "test_routing.py", nodeid="test_routing.py::test_x[a::b]"
    )
    outside = SimpleNamespace(path=Path("/elsewhere/test_y.py"), nodeid="test_y.py::test_y")
    assert canonical_nodeid(inside) == "conformance/test_routing.py::test_x[a::b]"  # type: ignore[arg-type]
    assert canonical_nodeid(outside) == "test_y.py::test_y"  # type: ignore[arg-type]


def test_one_line_message() -> None:
    crash = SimpleNamespace(reprcrash=SimpleNamespace(message="AssertionError: x\nmore"))
    assert one_line_message(crash) == "AssertionError: x"
    assert one_line_message(("file.py", 3, "Skipped: why")) == "Skipped: why"
    assert one_line_message("\n  first  \nsecond") == "first"
    long = one_line_message("x" * 1000)
    assert len(long) == 300 and long.endswith("…")


# -- features and the preflight ------------------------------------------------------

FEATURE_SUITE = '''
import pytest


@pytest.mark.spec("cli.commands.listed")
def test_cli_area():
    """A test in an area that needs the cli feature."""


@pytest.mark.spec("app.runner")
def test_uses_runner(runner):
    """A test using a fixture that needs the cli feature."""


@pytest.mark.needs("async")
@pytest.mark.spec("app.async-view")
def test_marked():
    """A test marked as needing async views."""
    assert False, "would fail"


@pytest.mark.spec("app.cli-name")
def test_trips(impl):
    """A test that trips over a name of the cli feature."""
    impl.submodule("cli").FlaskGroup


@pytest.mark.spec("app.plain")
def test_plain():
    """A test that needs nothing optional."""
'''


def test_declared_absent_features_make_tests_not_applicable(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_features=FEATURE_SUITE)
    result = run(
        suite, "--without", "cli", "--without", "async", "--conformance-json", "run.json", "-rs"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*1 passed, 4 not applicable*"])
    tests = {
        test["key"]: test for test in json.loads((suite.path / "run.json").read_text())["tests"]
    }
    assert {key: test["outcome"] for key, test in tests.items()} == {
        "cli.commands.listed": "not-applicable",
        "app.runner": "not-applicable",
        "app.async-view": "not-applicable",
        "app.cli-name": "not-applicable",
        "app.plain": "passed",
    }
    assert tests["app.runner"]["features"] == ["cli"]
    assert tests["app.cli-name"]["message"].startswith(
        "not applicable: the implementation leaves out cli"
    )


def test_features_can_be_declared_in_the_expectations_file(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_features=FEATURE_SUITE)
    suite.makefile(".toml", expectations='[implementation]\nwithout = ["cli", "async"]\n')
    result = run(suite, "--expectations", "expectations.toml")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["declared absent: async, cli (their tests are not applicable)"])


def test_undeclared_missing_feature_fails_its_tests(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_features=FEATURE_SUITE)
    result = run(suite, "-k", "trips")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*lacks submodule 'cli' required by this test*"])


def test_module_without_the_core_api_stops_before_any_test(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    result = suite.runpytest("--impl", "os", "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.errlines if line.strip()] == [
        "ERROR: --impl os: not a Flask-compatible implementation: module 'os' lacks Flask "
        "(python -m conformance check-impl os lists the contract)"
    ]
    assert "test_mixed" not in result.stdout.str()


# -- plugin loading and Hypothesis profiles -----------------------------------------


def count_plugin_registrations(config: pytest.Config) -> int:
    """How many times the conformance plugin module is registered with ``config``."""
    plugins = config.pluginmanager.get_plugins()
    return sum(getattr(plugin, "__name__", None) == "conformance.plugin" for plugin in plugins)


def test_plugin_is_loaded_once_from_a_checkout_and_installed(suite: pytest.Pytester) -> None:
    from_checkout = suite.parseconfigure(str(CONFORMANCE_DIR), "--impl", "fakeimpl")
    assert count_plugin_registrations(from_checkout) == 1
    installed = suite.parseconfigure("--pyargs", "conformance", "--impl", "fakeimpl")
    assert count_plugin_registrations(installed) == 1


def test_hypothesis_profiles_are_registered() -> None:
    from hypothesis import HealthCheck, settings

    ci = settings.get_profile("conformance-ci")
    assert ci.derandomize and ci.deadline is None and ci.max_examples == 50
    assert HealthCheck.too_slow in ci.suppress_health_check
    assert settings.get_profile("dev").max_examples == 100
    assert settings.get_profile("dev").deadline is None
    assert settings.get_profile("deep").max_examples >= 1000
    assert settings.get_profile("ci").max_examples != 50  # Hypothesis's own ci is untouched


PROFILE_PROBE = """
import pytest
from hypothesis import settings

@pytest.mark.spec("app.profile")
def test_profile():
    '''Report the active profile.'''
    print("PROFILE", settings.get_current_profile_name(), settings.default.max_examples)
"""


@pytest.mark.parametrize(
    ("environment", "args", "expected"),
    [
        ({"CI": "true"}, [], "PROFILE conformance-ci 50"),
        ({}, [], "PROFILE dev 100"),
        ({}, ["--hypothesis-profile", "deep"], "PROFILE deep 5000"),
    ],
)
def test_hypothesis_profile_selection(
    suite: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    args: list[str],
    expected: str,
) -> None:
    for variable in ["CI", "GITHUB_ACTIONS", "TF_BUILD", "BUILDKITE", "CIRCLECI", "GITLAB_CI"]:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    suite.makepyfile(test_probe=PROFILE_PROBE)
    result = suite.runpytest_subprocess("--impl", "fakeimpl", "-s", *args)
    result.stdout.fnmatch_lines([f"*{expected}"])


FOREIGN_TESTS = """
import pytest
from hypothesis import settings


def test_profile_is_untouched():
    assert settings.get_current_profile_name() == "default"
    assert settings.default.max_examples == 100 and settings.default.deadline is not None


def test_no_app_fixture(request):
    with pytest.raises(pytest.FixtureLookupError):
        request.getfixturevalue("app")
    for name in ["impl", "client", "runner", "make_app", "reference"]:
        with pytest.raises(pytest.FixtureLookupError):
            request.getfixturevalue(name)
"""


def test_installed_plugin_stays_out_of_another_projects_tests(pytester: pytest.Pytester) -> None:
    """A foreign test run gets no fixtures, markers, Hypothesis profile or output from
    the plugin, only its options."""
    for variable in ["CI", "GITHUB_ACTIONS"]:
        pytester._monkeypatch.delenv(variable, raising=False)
    pytester.makefile(".ini", pytest="[pytest]\naddopts = -p no:locust -p no:cacheprovider\n")
    pytester.makepyfile(test_foreign=FOREIGN_TESTS)
    pytester.makepyfile(
        test_marker="import pytest\n\n@pytest.mark.spec('app.x')\ndef test_marked():\n    pass\n"
    )
    result = pytester.runpytest_subprocess(
        "--strict-markers", "--continue-on-collection-errors", "--impl", "whatever"
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*'spec' not found in `markers` configuration option*"])
    output = result.stdout.str()
    assert "conformance" not in output.replace("-p no:locust", "")
    assert pytester.runpytest_subprocess("--help").stdout.str().count("--without") == 1


# -- report and diff ----------------------------------------------------------------


def sample_run(
    name: str, outcomes: dict[str, str], duration: float = 1.5, verdict: str = "pass"
) -> results.RunResults:
    """A results document for ``name`` with one test per ``{nodeid: outcome}`` entry; a
    node ID ``t.py::routing_a`` gets spec ID ``routing.a``."""
    tests = []
    for nodeid, outcome in outcomes.items():
        area, rule = nodeid.split("::")[1].split("_", 1)
        tests.append(
            results.TestResult(
                nodeid=nodeid,
                key=f"{area}.{rule}",
                spec_id=f"{area}.{rule}",
                area=area,
                rule=f"Rule {rule} of {area}.",
                outcome=outcome,
                duration=0.01,
                message=None if outcome == results.PASSED else f"<boom> in {nodeid}",
            )
        )
    return results.RunResults(
        suite_version="0.1.0",
        implementation=results.ImplementationInfo(name=name, version="1.0"),
        python=results.PythonInfo(version="3.11.7", implementation="CPython"),
        platform="Linux",
        packages={"pytest": "8.0"},
        selection=results.Selection(
            spec=[], exclude_spec=[], keyword="", markers="", without=[], args=[]
        ),
        hypothesis=results.HypothesisInfo(profile="dev", seed=None),
        started_at="2025-01-01T00:00:00Z",
        duration=duration,
        verdict=verdict,
        problems=[],
        stale_expectations=[],
        tests=tests,
    )


REFERENCE_OUTCOMES = {
    "t.py::routing_a": "passed",
    "t.py::routing_b": "passed",
    "t.py::json_a": "passed",
    "t.py::json_b": "skipped",
}
CANDIDATE_OUTCOMES = {
    "t.py::routing_a": "passed",
    "t.py::routing_b": "failed",
    "t.py::json_a": "expected-failure",
    "t.py::json_b": "skipped",
}


def write_runs(directory: Path) -> list[str]:
    """Write the reference and candidate sample runs; return their paths."""
    paths = []
    for name, outcomes, duration in [
        ("flask", REFERENCE_OUTCOMES, 2.25),
        ("framework", CANDIDATE_OUTCOMES, 3.5),
    ]:
        path = directory / f"{name}.json"
        verdict = "fail" if "failed" in outcomes.values() else "pass"
        results.dump_results(sample_run(name, outcomes, duration, verdict), path)
        paths.append(str(path))
    return paths


def test_report_writes_html_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert cli.main(["report", *write_runs(tmp_path), "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"wrote {out / 'index.html'}",
        f"wrote {out / 'summary.md'}",
    ]
    page = (out / "index.html").read_text()
    assert "<th>flask 1.0</th>" in page and "<th>framework 1.0</th>" in page
    assert re.search(r'<th scope="row"[^>]*>routing</th>\s*<td class="cell full">2/2', page)
    assert '<a href="#failures-1-routing">1/2</a>' in page
    assert '<td class="cell">—</td>' not in page
    assert page.count("<details>") == 2
    assert "&lt;boom&gt; in t.py::routing_b" in page and "<boom>" not in page
    assert not re.search(r"<(script|link)\b|src=|https?://", page)
    summary = (out / "summary.md").read_text()
    assert "| Area | flask 1.0 | framework 1.0 |" in summary
    assert "| routing | 2/2 (100.0%) | 1/2 (50.0%) |" in summary
    assert "| json | 1/1 (100.0%) | 0/1 (0.0%) |" in summary
    assert "| **Total** | **3/3 (100.0%)** | **1/3 (33.3%)** |" in summary
    assert "| flask | 1.0 | PASS | 4 | 3 | 0 | 0 | 0 | 0 | 0 | 1 | 2.25 |" in summary
    assert "| framework | 1.0 | FAIL | 4 | 1 | 1 | 0 | 0 | 1 | 0 | 1 | 3.50 |" in summary
    assert "## framework 1.0: FAIL" in summary
    assert "### Unexpected failures (1)\n\n- `routing.b` Rule b of routing. — <boom>" in summary
    assert "### Expected failures (1)\n\n- `json.a` Rule a of json." in summary
    assert '<div class="verdict fail"><strong>FAIL</strong> framework 1.0' in page
    assert '<div class="verdict pass"><strong>PASS</strong> flask 1.0' in page
    assert '<span class="rule">Rule b of routing.</span>' in page


def test_report_shows_what_decided_a_verdict(tmp_path: Path) -> None:
    """Unexpected passes, stale expectations, problems and absent features each get a
    section, and not-applicable tests stay out of the rates."""
    run_results = dataclasses.replace(
        sample_run(
            "thirdparty",
            {
                "t.py::routing_a": "unexpected-pass",
                "t.py::routing_b": "passed",
                "t.py::cli_a": "not-applicable",
            },
            verdict="fail",
        ),
        stale_expectations=[results.StaleExpectation("json.gone", "was removed")],
        problems=["--spec json.x: selects no spec ID"],
    )
    tests = [
        dataclasses.replace(test, features=["cli"]) if test.area == "cli" else test
        for test in run_results.tests
    ]
    run_results = dataclasses.replace(
        run_results,
        tests=tests,
        selection=dataclasses.replace(run_results.selection, without=["cli"]),
    )
    summary = render_markdown([run_results])
    assert "### Unexpected passes (1)\n\n- `routing.a` Rule a of routing." in summary
    assert "### Stale expectations (1)\n\n- `json.gone` — matches no test: remove it" in summary
    assert "### Problems with the run (1)" in summary
    assert "### Not applicable (1)\n\n- `cli` — declared absent: 1 tests not applicable" in summary
    assert "| cli | — |" in summary
    assert "| **Total** | **2/2 (100.0%)** |" in summary
    page = render_html([run_results])
    assert page.count('class="badge unexpected-pass"') == 1
    assert 'class="badge stale"' in page and 'class="badge not-applicable"' in page


def test_rates_below_one_never_show_100_percent() -> None:
    assert Tally(total=10000, passed=9999).cell_text() == "9999/10000 (99.9%)"
    assert Tally(total=3, passed=3).cell_text() == "3/3 (100.0%)"
    assert Tally(total=2, passed=0, skipped=2).cell_text() == "—"


def test_report_renders_from_a_real_run(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    run(suite, "--conformance-json", "run.json")
    document = results.load_results(suite.path / "run.json")
    assert "| routing | 1/2 (50.0%) |" in render_markdown([document])
    assert "fixture exploded" in render_html([document])


def test_report_default_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = write_runs(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", *paths]) == 0
    assert (tmp_path / "conformance-report" / "index.html").is_file()
    assert (tmp_path / "conformance-report" / "summary.md").is_file()


BAD_DOCUMENTS = {
    "missing.json": (None, "no such file"),
    "garbage.json": ("{not json", "not valid JSON"),
    "list.json": ("[]", "expected a JSON object"),
    "other.json": ('{"format": "something else"}', "not a conformance results file"),
    "version.json": (
        json.dumps({"format": results.FORMAT, "schema_version": 99}),
        "unsupported schema_version 99",
    ),
}


def shape_variants() -> dict[str, tuple[dict[str, Any], str]]:
    """Results documents each broken in one field, with the expected complaint."""
    good = json.loads(json.dumps(dataclass_dict(sample_run("x", {"t.py::app_a": "passed"}))))
    variants: dict[str, tuple[dict[str, Any], str]] = {}
    no_tests = json.loads(json.dumps(good))
    del no_tests["tests"]
    variants["no_tests.json"] = (no_tests, "missing field 'tests'")
    bad_duration = json.loads(json.dumps(good))
    bad_duration["tests"][0]["duration"] = "fast"
    variants["duration.json"] = (bad_duration, "'tests[0].duration' must be of type float")
    bad_outcome = json.loads(json.dumps(good))
    bad_outcome["tests"][0]["outcome"] = "exploded"
    variants["outcome.json"] = (bad_outcome, "tests[0].outcome is 'exploded'")
    bad_name = json.loads(json.dumps(good))
    bad_name["implementation"]["name"] = 7
    variants["name.json"] = (bad_name, "'implementation.name' must be of type str")
    return variants


def dataclass_dict(run_results: results.RunResults) -> dict[str, Any]:
    """The JSON document of ``run_results``, as written by the plugin."""
    return dataclasses.asdict(run_results)


@pytest.mark.parametrize("command", ["report", "diff"])
def test_bad_results_input_is_one_error_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    (good,) = write_runs(tmp_path)[:1]
    cases = {name: (content, message) for name, (content, message) in BAD_DOCUMENTS.items()}
    cases.update(
        {name: (json.dumps(doc), message) for name, (doc, message) in shape_variants().items()}
    )
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_text(content)
        args = [str(path)] if command == "report" else [good, str(path)]
        assert cli.main([command, *args]) == 2, name
        captured = capsys.readouterr()
        (line,) = captured.err.splitlines()
        assert line.startswith(f"python -m conformance {command}: error: {path}: "), line
        assert message in line, (name, line)
        assert captured.out == ""


def test_diff_exits_1_on_a_newly_failing_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = write_runs(tmp_path)
    assert cli.main(["diff", old, new]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Newly failing (2):",
        "  json.a  passed -> expected-failure: <boom> in t.py::json_a",
        "  routing.b  passed -> failed: <boom> in t.py::routing_b",
        "2 newly failing, 0 newly passing, 0 added, 0 removed",
    ]


def test_diff_exits_0_when_nothing_newly_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new, old = write_runs(tmp_path)  # the candidate is the old run: it only improves
    assert cli.main(["diff", old, new]) == 0
    assert "2 newly failing" not in capsys.readouterr().out
    before = sample_run("x", {"t.py::app_a": "failed", "t.py::app_b": "passed"})
    after = sample_run("x", {"t.py::app_a": "unexpected-pass", "t.py::app_c": "failed"})
    results.dump_results(before, tmp_path / "before.json")
    results.dump_results(after, tmp_path / "after.json")
    assert cli.main(["diff", str(tmp_path / "before.json"), str(tmp_path / "after.json")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Newly passing (1):",
        "  app.a  failed -> unexpected-pass",
        "Added (1):",
        "  app.c  (failed)",
        "Removed (1):",
        "  app.b  (was passed)",
        "0 newly failing, 1 newly passing, 1 added, 1 removed",
    ]


def test_diff_of_a_run_with_itself_is_empty() -> None:
    run_results = sample_run("x", CANDIDATE_OUTCOMES)
    difference = diff_results(run_results, run_results)
    assert not difference.has_regressions
    assert difference.newly_passing == difference.added == difference.removed == []


def test_command_line_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in [[], ["report"], ["diff", "only-one.json"], ["explode"]]:
        with pytest.raises(SystemExit) as info:
            cli.main(argv)
        assert info.value.code == 2
    assert "usage: python -m conformance" in capsys.readouterr().err


def test_module_entry_point_runs(tmp_path: Path, pytester: pytest.Pytester) -> None:
    old, new = write_runs(tmp_path)
    result = pytester.run(sys.executable, "-m", "conformance", "diff", old, new)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["2 newly failing, 0 newly passing, 0 added, 0 removed"])


def test_list_spec_joins_a_wrapped_rule(suite: pytest.Pytester) -> None:
    """A rule wrapping over several docstring lines is printed as one line; later
    paragraphs are left out."""
    suite.makepyfile(
        test_wrapped="""
        import pytest

        @pytest.mark.spec("routing.wrapped")
        def test_wrapped():
            '''A rule that is long enough
            to wrap onto a second line.

            A note about Flask that is not part of the rule.
            '''
        """
    )
    result = run(suite, "--list-spec")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["routing.wrapped*A rule that is long enough to wrap onto a second line."]
    )
    assert "not part of the rule" not in result.stdout.str()


# -- isolation ------------------------------------------------------------------------

LEAKY_IMPL = """
import contextvars

from fakeimpl import Flask

_stack = contextvars.ContextVar("stack", default=())


def push():
    _stack.set((*_stack.get(), object()))


def has_app_context():
    return bool(_stack.get())


def has_request_context():
    return False
"""

LEAKY_SUITE = '''
import threading
import time

import pytest


@pytest.mark.spec("context.leak.pushes")
def test_a_leaks(impl):
    """Pushes a context and leaves it."""
    impl.push()


@pytest.mark.spec("context.leak.next-test")
def test_b_is_clean(impl):
    """The next test starts without it."""
    assert not impl.has_app_context()


@pytest.mark.spec("context.leak.thread")
def test_c_thread(impl):
    """Leaves a thread running."""
    threading.Thread(target=time.sleep, args=(5,), name="left-behind").start()


@pytest.mark.spec("context.leak.time-limit")
def test_d_time_limit(request):
    """Has a time limit."""
    assert request.node.get_closest_marker("timeout").args == (120,)


KEPT = []


@pytest.mark.spec("context.leak.file")
def test_e_file(tmp_path):
    """Leaves a file open."""
    KEPT.append(open(tmp_path / "left-open.txt", "w"))


@pytest.mark.spec("context.leak.file-closed")
def test_f_file_closed(tmp_path):
    """Opens and closes a file, and drops one it never closed: neither is a leak."""
    with open(tmp_path / "closed.txt", "w") as file:
        file.write("x")
    open(tmp_path / "dropped.txt", "w")
'''


def test_a_leaked_context_fails_its_test_and_not_the_next(suite: pytest.Pytester) -> None:
    suite.makepyfile(leakyimpl=LEAKY_IMPL, test_leaky=LEAKY_SUITE)
    result = suite.runpytest("--impl", "leakyimpl", "-vv", "-W", "ignore::ResourceWarning")
    result.assert_outcomes(passed=3, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*[[]context.leak.pushes[]]*the test left an application context pushed*",
            "*[[]context.leak.thread[]]*the test left threads running: left-behind*",
            "*[[]context.leak.file[]]*the test left files open: *left-open.txt*",
        ]
    )


# -- Flask versions: rules' ranges, the product's target, expectations by version --------

VERSIONED_RULES = """
["routing.rules.new"]
rule = "A rule that holds since Flask 3.1."
since = "3.1"

["routing.rules.old"]
rule = "A rule that held until Flask 3.0."
until = "3.0"

["routing.rules.always"]
rule = "A rule that holds in every version."
"""

VERSIONED_SUITE = '''
import pytest


@pytest.mark.spec("routing.rules.new")
def test_new():
    """New."""
    assert False, "the product behaves as before 3.1"


@pytest.mark.spec("routing.rules.old")
def test_old():
    """Old."""
    assert False, "the product behaves as since 3.0"


@pytest.mark.spec("routing.rules.always")
def test_always():
    """Always."""
'''


@pytest.fixture
def versioned(suite: pytest.Pytester) -> pytest.Pytester:
    """The harness suite with rules that hold in some Flask versions only."""
    suite.makefile(".ini", pytest=SUITE_INI + "conformance_rules = rules.toml\n")
    (suite.path / "rules.toml").write_text(VERSIONED_RULES)
    suite.makepyfile(test_versions=VERSIONED_SUITE)
    return suite


def _outcomes(path: Path) -> dict[str, tuple[str, str | None]]:
    document = json.loads(path.read_text())
    return {test["spec_id"]: (test["outcome"], test["message"]) for test in document["tests"]}


def test_rules_outside_the_targeted_flask_version_are_not_applicable(
    versioned: pytest.Pytester,
) -> None:
    result = run(versioned, "--flask-api", "2.3.3", "--conformance-json", "old.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the rule that held until 3.0 runs
    result.stdout.fnmatch_lines(["*product unknown product 1.2.3, targets Flask 2.3.3*"])
    outcomes = _outcomes(versioned.path / "old.json")
    assert outcomes["routing.rules.new"] == (
        "not-applicable",
        "not applicable: holds since Flask 3.1; the product targets Flask 2.3.3",
    )
    assert outcomes["routing.rules.old"][0] == "failed"
    assert outcomes["routing.rules.always"][0] == "passed"
    document = json.loads((versioned.path / "old.json").read_text())
    assert document["schema_version"] == 3
    assert document["implementation"]["flask_api"] == "2.3.3"
    assert document["implementation"]["flask_api_source"] == "--flask-api"
    new = next(test for test in document["tests"] if test["spec_id"] == "routing.rules.new")
    assert (new["since"], new["until"]) == ("3.1", None)
    schema = json.loads(results.SCHEMA_PATH.read_text())
    jsonschema.validate(document, schema)
    report = render_markdown([results.load_results(versioned.path / "old.json")])
    assert "unknown product" not in report  # no distribution: the module's version is shown
    assert (
        "the rule holds since Flask 3.1 and the product targets Flask 2.3.3: "
        "1 tests not applicable" in report
    )


def test_without_a_declaration_the_product_targets_the_newest_flask(
    versioned: pytest.Pytester,
) -> None:
    result = run(versioned, "--conformance-json", "new.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = _outcomes(versioned.path / "new.json")
    assert outcomes["routing.rules.new"][0] == "failed"
    assert outcomes["routing.rules.old"] == (
        "not-applicable",
        "not applicable: holds before Flask 3.0 (changed in 3.0); the product targets Flask 3.1.3",
    )


@pytest.mark.parametrize("where", ["expectations", "module"])
def test_the_targeted_version_can_be_declared_by_file_or_module(
    versioned: pytest.Pytester, where: str
) -> None:
    if where == "expectations":
        folder = versioned.path / "conformance-expectations"
        folder.mkdir()
        (folder / "fakeimpl.toml").write_text('[implementation]\nflask_api = "3.0"\n')
    else:
        versioned.makepyfile(fakeimpl=FAKE_IMPL + '\n__flask_api__ = "3.0"\n')
    result = run(versioned, "--conformance-json", "declared.json")
    assert result.ret == pytest.ExitCode.OK
    outcomes = _outcomes(versioned.path / "declared.json")
    assert outcomes["routing.rules.new"][0] == "not-applicable"
    assert outcomes["routing.rules.old"][0] == "not-applicable"


def test_a_malformed_flask_api_version_is_a_usage_error(versioned: pytest.Pytester) -> None:
    result = run(versioned, "--flask-api", "three")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--flask-api is 'three', not a version such as*"])


def test_expectations_apply_to_the_product_versions_they_name(
    versioned: pytest.Pytester,
) -> None:
    folder = versioned.path / "conformance-expectations"
    folder.mkdir()
    (folder / "fakeimpl.toml").write_text(
        '["routing.rules.new"]\nreason = "fixed in 1.3"\nversions = "<1.3"\n\n'
        '["routing.rules.old"]\nreason = "only on 1.0"\nversions = "==1.0.*"\n\n'
        '["routing.rules.always"]\nreason = "another product"\nproduct = "someone-else"\n'
    )
    result = run(versioned, "--flask-api", "3.1", "--conformance-json", "ranged.json")
    outcomes = _outcomes(versioned.path / "ranged.json")
    # 1.2.3 is below 1.3: a known failure; the 1.0 and other-product entries are inactive,
    # neither applied nor stale.
    assert outcomes["routing.rules.new"][0] == "expected-failure"
    assert outcomes["routing.rules.old"][0] == "not-applicable"
    assert outcomes["routing.rules.always"][0] == "passed"
    assert result.ret == pytest.ExitCode.OK
    assert "STALE" not in result.stdout.str()


def test_malformed_version_keys_in_expectations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text('["routing.rules.new"]\nreason = "r"\nversions = "~~1"\n')
    with pytest.raises(ExpectationsError, match="not a version specifier"):
        load_expectations(path)
    path.write_text('[implementation]\nflask_api = "soon"\n')
    with pytest.raises(ExpectationsError, match="flask_api is 'soon'"):
        load_expectations(path)
