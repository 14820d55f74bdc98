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
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from conformance import __main__ as cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib
from conformance import results
from conformance.diff import diff_results
from conformance.expectations import (
    load_expectations,
    render_expectations,
    toml_string,
    updated_expectations,
)
from conformance.implementation import (
    Implementation,
    ImplementationError,
    ImplementationLacksName,
    implementation_version,
    import_implementation,
)
from conformance.plugin import CONFORMANCE_DIR, canonical_nodeid, one_line_message
from conformance.report import Tally, render_html, render_markdown

pytest_plugins = ["pytester"]

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

INI = """
[pytest]
addopts = -p no:locust -p no:cacheprovider
conformance_paths = .
"""

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
["test_mixed.py::test_known_failure"]
reason = "not implemented yet"

["test_mixed.py::test_fixed"]
reason = "was broken"
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester folder holding the ini file and the fake implementation, on sys.path."""
    pytester.makefile(".ini", pytest=INI)
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
        (["routing.trailing"], set()),
        (["routing.trailing-slash.redirect"], {"test_redirect"}),
        (["json", "app.name"], {"test_dumps", "test_name[1]", "test_name[2]"}),
    ],
)
def test_spec_selects_by_whole_dotted_components(
    suite: pytest.Pytester, selectors: list[str], expected: set[str]
) -> None:
    suite.makepyfile(test_select=SELECTION_SUITE)
    suite.makepyfile(test_other="def test_unrelated():\n    pass\n")
    suite.makefile(".ini", pytest=INI.replace("= .", "= test_select.py"))
    args = [arg for selector in selectors for arg in ("--spec", selector)]
    reprec = suite.inline_run("--impl", "fakeimpl", *args)
    passed, _, _ = reprec.listoutcomes()
    assert {report.nodeid.split("::", 1)[1] for report in passed} == expected
    deselected = reprec.getcalls("pytest_deselected")
    assert sum(len(call.items) for call in deselected) == 6 - len(expected)


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
        ["*implementation 'fakeimpl' lacks 'Blueprint' required by this test*"]
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
    assert "VALUE" in dir(proxy)
    with pytest.raises(ImplementationLacksName, match=r"^implementation 'proxied' lacks 'Nope'"):
        proxy.Nope
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_module"):
        proxy.broken


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
    result = run(suite, "--expectations", "expectations.toml", "-rxf")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, failed=2, skipped=1, errors=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "XFAIL test_mixed.py::test_known_failure - known failure: not implemented yet",
            "FAILED test_mixed.py::test_fails - AssertionError: deliberate failure*",
            "FAILED test_mixed.py::test_fixed*[[]unexpected pass[]]*",
        ]
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
            "2 known failures listed in *expectations.toml (1 did not run)",
        ]
    )


def test_unlisted_failure_fails_and_listed_pass_fails(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=MIXED_EXPECTATIONS)
    for selected, outcome in [("fails", {"failed": 1}), ("fixed", {"failed": 1})]:
        result = run(suite, "--expectations", "expectations.toml", "-k", selected)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.assert_outcomes(**outcome)


def test_expected_setup_error_counts_as_expected_failure(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations='["test_mixed.py::test_errors"]\nreason = "no fixture"\n')
    result = run(suite, "--expectations", "expectations.toml", "-k", "errors")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(xfailed=1)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not toml [", "invalid TOML"),
        ('["test_x.py::test_y"]\nwhy = "x"\n', "needs a non-empty string 'reason'"),
        ('["test_x.py::test_y"]\nreason = ""\n', "needs a non-empty string 'reason'"),
        ('"test_x.py::test_y" = "reason"\n', "must be a table"),
        ('["test_x.py::test_y"]\nreason = "r"\nowner = "me"\n', "unknown keys: owner"),
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


def test_update_expectations_rewrites_the_file(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(
        ".toml",
        expectations="# My own header.\n"
        + MIXED_EXPECTATIONS
        + '\n["test_mixed.py::test_gone"]\nreason = "not collected this run"\n',
    )
    result = run(suite, "--expectations", "expectations.toml", "--update-expectations")
    result.stdout.fnmatch_lines(
        ["expectations rewritten: *expectations.toml (4 known failures: 2 added, 1 removed)"]
    )
    text = (suite.path / "expectations.toml").read_text()
    assert text.startswith("# My own header.\n\n[")
    assert tomllib.loads(text) == {
        "test_mixed.py::test_errors": {"reason": "RuntimeError: fixture exploded"},
        "test_mixed.py::test_fails": {
            "reason": "AssertionError: deliberate failure",
        },
        "test_mixed.py::test_gone": {"reason": "not collected this run"},
        "test_mixed.py::test_known_failure": {"reason": "not implemented yet"},
    }
    assert run(suite, "--expectations", "expectations.toml").ret == pytest.ExitCode.OK


def test_update_expectations_creates_a_file_with_the_standard_header(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    run(suite, "--expectations", "new/known.toml", "--update-expectations", "-k", "fails")
    text = (suite.path / "new" / "known.toml").read_text()
    assert text.startswith("# Known failures of the implementation `fakeimpl`")
    assert load_expectations(suite.path / "new" / "known.toml") == {
        "test_mixed.py::test_fails": "AssertionError: deliberate failure"
    }


def test_shipped_expectation_files_are_empty_with_a_header() -> None:
    for name in ["flask", "framework"]:
        path = CONFORMANCE_DIR / "expectations" / f"{name}.toml"
        text = path.read_text()
        assert text.startswith(f"# Known failures of the implementation `{name}`")
        assert load_expectations(path) == {}


def test_updated_expectations_logic() -> None:
    existing = {"a": "reason a", "b": "reason b", "c": "reason c", "d": "reason d"}
    outcomes: dict[str, tuple[str, str | None]] = {
        "a": (results.EXPECTED_FAILURE, "msg a"),
        "b": (results.UNEXPECTED_PASS, "unexpected pass"),
        "c": (results.SKIPPED, "Skipped: no"),
        "e": (results.FAILED, "AssertionError: e"),
        "f": (results.ERROR, None),
        "g": (results.PASSED, None),
    }
    assert updated_expectations(existing, outcomes) == {
        "a": "reason a",
        "c": "reason c",
        "d": "reason d",
        "e": "AssertionError: e",
        "f": "error",
    }


@pytest.mark.parametrize(
    "value", ["plain", 'quote " and \\ backslash', "new\nline\ttab\r", "\x00\x1f\x7f", "naïve ✓"]
)
def test_toml_strings_round_trip(value: str) -> None:
    assert tomllib.loads(f"key = {toml_string(value)}") == {"key": value}
    rendered = render_expectations({f"test_x.py::test[{value}]": value}, "# header\n")
    assert tomllib.loads(rendered) == {f"test_x.py::test[{value}]": {"reason": value}}


# -- results ------------------------------------------------------------------------


def outcomes_by_name(document: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Map each test's function name to its outcome and message."""
    return {
        test["nodeid"].split("::")[-1]: (test["outcome"], test["message"])
        for test in document["tests"]
    }


def test_json_results_shape(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_mixed=MIXED_SUITE)
    suite.makefile(".toml", expectations=MIXED_EXPECTATIONS)
    run(suite, "--expectations", "expectations.toml", "--conformance-json", "out/results.json")
    path = suite.path / "out" / "results.json"
    document = json.loads(path.read_text())
    assert document["format"] == results.FORMAT
    assert document["format_version"] == results.FORMAT_VERSION
    assert document["implementation"] == {"name": "fakeimpl", "version": "1.2.3"}
    assert document["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert document["python"]["implementation"]
    assert document["platform"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["started_at"])
    assert isinstance(document["duration"], float) and document["duration"] > 0
    assert outcomes_by_name(document) == {
        "test_errors": ("error", "RuntimeError: fixture exploded"),
        "test_fails": ("failed", "AssertionError: deliberate failure"),
        "test_fixed": ("unexpected-pass", "unexpected pass (known failure: was broken)"),
        "test_known_failure": ("expected-failure", "AssertionError: known to fail"),
        "test_passes": ("passed", None),
        "test_skipped": ("skipped", "Skipped: not applicable"),
    }
    first = document["tests"][0]
    assert set(first) == {"nodeid", "spec_id", "area", "outcome", "duration", "message"}
    assert first["nodeid"] == "test_mixed.py::test_errors"
    assert (first["spec_id"], first["area"]) == ("json.dumps.errors", "json")
    assert [test["nodeid"] for test in document["tests"]] == sorted(
        test["nodeid"] for test in document["tests"]
    )
    loaded = results.load_results(path)
    assert len(loaded.tests) == 6 and loaded.implementation.version == "1.2.3"


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
    rewritten = [load_expectations(suite.path / f"{name}.toml") for name in outcomes]
    assert rewritten[0] == rewritten[1]
    assert set(rewritten[0]) == {
        "test_mixed.py::test_errors",
        "test_mixed.py::test_fails",
        "test_mixed.py::test_known_failure",
    }


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

    ci = settings.get_profile("ci")
    assert ci.derandomize and ci.deadline is None and ci.max_examples == 50
    assert HealthCheck.too_slow in ci.suppress_health_check
    assert settings.get_profile("dev").max_examples == 100
    assert settings.get_profile("dev").deadline is None
    assert settings.get_profile("deep").max_examples >= 1000


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
        ({"CI": "true"}, [], "PROFILE ci 50"),
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


# -- report and diff ----------------------------------------------------------------


def sample_run(name: str, outcomes: dict[str, str], duration: float = 1.5) -> results.RunResults:
    """A results document for ``name`` with one test per ``{nodeid: outcome}`` entry."""
    return results.RunResults(
        implementation=results.ImplementationInfo(name=name, version="1.0"),
        python=results.PythonInfo(version="3.11.7", implementation="CPython"),
        platform="Linux",
        started_at="2025-01-01T00:00:00Z",
        duration=duration,
        tests=[
            results.TestResult(
                nodeid=nodeid,
                spec_id=f"{nodeid.split('::')[1].split('_')[0]}.rule-{index}",
                area=nodeid.split("::")[1].split("_")[0],
                outcome=outcome,
                duration=0.01,
                message=None if outcome == results.PASSED else f"<boom> in {nodeid}",
            )
            for index, (nodeid, outcome) in enumerate(outcomes.items())
        ],
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
        results.dump_results(sample_run(name, outcomes, duration), path)
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
    assert "| flask | 1.0 | 4 | 3 | 0 | 0 | 0 | 1 | 2.25 |" in summary
    assert "| framework | 1.0 | 4 | 1 | 1 | 1 | 0 | 1 | 3.50 |" in summary


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
    assert (tmp_path / "reports" / "conformance" / "index.html").is_file()
    assert (tmp_path / "reports" / "conformance" / "summary.md").is_file()


BAD_DOCUMENTS = {
    "missing.json": (None, "no such file"),
    "garbage.json": ("{not json", "not valid JSON"),
    "list.json": ("[]", "expected a JSON object"),
    "other.json": ('{"format": "something else"}', "not a conformance results file"),
    "version.json": (
        json.dumps({"format": results.FORMAT, "format_version": 99}),
        "unsupported format_version 99",
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
        "  t.py::json_a  passed -> expected-failure: <boom> in t.py::json_a",
        "  t.py::routing_b  passed -> failed: <boom> in t.py::routing_b",
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
        "  t.py::app_a  failed -> unexpected-pass",
        "Added (1):",
        "  t.py::app_c  (failed)",
        "Removed (1):",
        "  t.py::app_b  (was passed)",
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
