"""Tests of the ecosystem run (``python -m conformance ecosystem``) that need no network:
the command line's argument errors, the ``flask`` shim, the pytest plugin loaded into an
extension's run, and the results, Markdown table and HTML section."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import framework
from conformance import __main__ as cli
from conformance.ecosystem import report
from conformance.ecosystem.catalogue import EXTENSIONS, EXTENSIONS_BY_NAME, Extension
from conformance.ecosystem.environment import PLUGIN_MODULE, Cache, implementation_requirements
from conformance.ecosystem.results import (
    ExtensionResult,
    RunLabel,
    build_document,
    render_markdown,
    unexplained_differences,
    write_results,
)
from conformance.ecosystem.runner import SuiteRun

STARTED = datetime.datetime(2026, 1, 2, 3, 4, 5)


def test_catalogue_lists_at_least_eight_pinned_extensions() -> None:
    """The list has eight or more extensions, each pinned to an exact version."""
    assert len(EXTENSIONS) >= 8
    assert len(EXTENSIONS_BY_NAME) == len(EXTENSIONS)
    for extension in EXTENSIONS:
        assert extension.sdist_requirement.count("==") == 1
        assert extension.version[0].isdigit()


def test_unknown_extension_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --extension name is reported on one line with exit code 2."""
    code = cli.main(["ecosystem", "--impl", "framework", "--extension", "flask-nothing"])
    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1
    assert "flask-nothing" in error


def test_unknown_impl_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An --impl module that cannot be imported is reported on one line with exit code 2."""
    code = cli.main(["ecosystem", "--impl", "no_such_module_here"])
    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1
    assert "no_such_module_here" in error


def _python_with_support(support: Path, code: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PYTHONPATH=str(support), FLASKSPEC_ECOSYSTEM_IMPL="framework")
    return subprocess.run(
        [sys.executable, "-W", "error::ImportWarning", "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_shim_makes_flask_and_its_submodules_the_implementation(tmp_path: Path) -> None:
    """With the support folder first on the path, ``flask`` and ``flask.X`` are the
    implementation's modules, and ``flask.sansio.X`` is ``framework.sansio.X`` where that
    exists, else ``framework.X``."""
    support = Cache(tmp_path).support(framework)
    assert (support / "flask" / "__init__.py").exists()
    assert (support / f"{PLUGIN_MODULE}.py").exists()
    completed = _python_with_support(
        support,
        "import flask, framework, framework.globals, framework.app, framework.json.provider\n"
        "import flask.globals, flask.sansio.app, flask.json.provider\n"
        "from flask.ctx import RequestContext\n"
        "from flask.globals import request_ctx\n"
        "framework.Flask('probe').test_client()\n"
        "assert flask is framework\n"
        "assert flask.globals is framework.globals\n"
        "assert request_ctx is framework.globals.request_ctx\n"
        "import framework.sansio.app, flask.sansio.scaffold, framework.scaffold\n"
        "assert flask.sansio.app is framework.sansio.app\n"
        "assert flask.sansio.scaffold is framework.scaffold\n"
        "assert flask.json.provider is framework.json.provider\n"
        "assert RequestContext is framework.ctx.RequestContext\n"
        "assert framework.app.__spec__.name == 'framework.app'\n"
        "assert framework.globals.__spec__.name == 'framework.globals'\n"
        "try:\n"
        "    import flask.no_such_module\n"
        "except ModuleNotFoundError as exc:\n"
        "    assert exc.name == 'flask.no_such_module', exc.name\n"
        "else:\n"
        "    raise AssertionError('imported a missing module')\n"
        "print('ok')\n",
    )
    assert completed.stdout.strip() == "ok", completed.stderr


def test_support_for_flask_has_no_shim(tmp_path: Path) -> None:
    """For the reference itself the support folder holds only the plugin."""
    import flask

    support = Cache(tmp_path).support(flask)
    assert sorted(path.name for path in support.iterdir()) == [f"{PLUGIN_MODULE}.py"]


def test_implementation_requirements_are_its_runtime_ones() -> None:
    """The framework's environments get its run-time requirements, not its extras';
    flask's get none (Flask itself is installed)."""
    import flask

    requirements = implementation_requirements(framework)
    assert any(requirement.startswith("werkzeug") for requirement in requirements)
    assert not any(
        requirement.startswith(("pytest", "locust", "flask")) for requirement in requirements
    )
    assert implementation_requirements(flask) == []


SUITE = """
import pytest

@pytest.fixture
def redis_server():
    raise RuntimeError("would start Redis")

def test_passes():
    pass

def test_fails():
    assert 1 == 2

def test_skips():
    pytest.skip("not here")

def test_uses_redis(redis_server):
    pass

def test_named():
    raise RuntimeError("reaches a server")

@pytest.fixture
def broken():
    raise RuntimeError("setup broke")

def test_setup_error(broken):
    pass
"""


def test_plugin_records_outcomes_and_deselects(tmp_path: Path) -> None:
    """The plugin deselects by fixture and by node ID, with reasons, and records every
    other test's outcome."""
    (tmp_path / "test_suite.py").write_text(SUITE, encoding="utf-8")
    support = Cache(tmp_path / "cache").support(framework)
    results = tmp_path / "outcomes.json"
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "deselect_fixtures": {"redis_server": "needs Redis"},
                "deselect_tests": {"test_suite.py::test_named": "needs a server"},
                "results": str(results),
            }
        ),
        encoding="utf-8",
    )
    environment = dict(
        os.environ,
        PYTHONPATH=str(support),
        FLASKSPEC_ECOSYSTEM_IMPL="framework",
        FLASKSPEC_ECOSYSTEM_CONFIG=str(config),
    )
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", PLUGIN_MODULE, "-p", "no:cacheprovider",
         "-o", "addopts=", "-q", "test_suite.py"],
        cwd=tmp_path, env=environment, capture_output=True, check=False,
    )  # fmt: skip
    document = json.loads(results.read_text(encoding="utf-8"))
    outcomes = {test: data["outcome"] for test, data in document["tests"].items()}
    assert outcomes == {
        "test_suite.py::test_passes": "passed",
        "test_suite.py::test_fails": "failed",
        "test_suite.py::test_skips": "skipped",
        "test_suite.py::test_setup_error": "error",
    }
    assert "assert 1 == 2" in document["tests"]["test_suite.py::test_fails"]["message"]
    assert document["deselected"] == {
        "test_suite.py::test_uses_redis": "needs Redis",
        "test_suite.py::test_named": "needs a server",
    }


EXAMPLE = Extension(
    name="flask-example",
    distribution="Flask-Example",
    version="1.0",
    kind="example",
    why="for tests",
    test_requirements=(),
    known_differences={"tests/test_a.py::test_version": "the framework's own version"},
)


def _run(implementation: str, outcomes: dict[str, str]) -> SuiteRun:
    tests = {
        test: {"outcome": outcome, "message": f"{outcome}!"} for test, outcome in outcomes.items()
    }
    return SuiteRun(
        "flask-example", implementation, tests, {"tests/test_a.py::test_redis": "needs Redis"}, 1.5
    )


def _document(framework_outcomes: dict[str, str]) -> dict[str, object]:
    reference = {
        "tests/test_a.py::test_one": "passed",
        "tests/test_a.py::test_version": "skipped",
    }
    result = ExtensionResult(
        EXAMPLE,
        {"framework": _run("framework", framework_outcomes), "flask": _run("flask", reference)},
    )
    return build_document(
        [result], RunLabel("framework", "0.1.0"), RunLabel("flask", "3.1.3"), STARTED
    )


def test_equal_outcomes_have_no_differences() -> None:
    """Outcomes equal to the reference's give no difference and nothing unexplained."""
    document = _document(
        {"tests/test_a.py::test_one": "passed", "tests/test_a.py::test_version": "skipped"}
    )
    assert document["extensions"][0]["differences"] == []  # type: ignore[index]
    assert unexplained_differences(document) == 0  # type: ignore[arg-type]


def test_differences_are_listed_and_known_ones_documented() -> None:
    """A test whose outcome differs is a difference; it is unexplained unless documented."""
    document = _document(
        {"tests/test_a.py::test_one": "failed", "tests/test_a.py::test_version": "failed"}
    )
    differences = document["extensions"][0]["differences"]  # type: ignore[index]
    assert [d["test"] for d in differences] == [
        "tests/test_a.py::test_one",
        "tests/test_a.py::test_version",
    ]
    assert differences[0]["outcomes"] == {"framework": "failed", "flask": "passed"}
    assert differences[0]["known"] is None
    assert differences[1]["known"] == "the framework's own version"
    assert unexplained_differences(document) == 1  # type: ignore[arg-type]


def test_markdown_and_html_show_counts_side_by_side(tmp_path: Path) -> None:
    """The Markdown table and the HTML section show each run's counts, the deselected
    tests with their reason and the differences."""
    document = _document(
        {"tests/test_a.py::test_one": "failed", "tests/test_a.py::test_version": "skipped"}
    )
    markdown = render_markdown(document)  # type: ignore[arg-type]
    assert "| Flask-Example 1.0 | example | 0 passed, 1 failed, 1 skipped |" in markdown
    assert "1 passed, 0 failed, 1 skipped" in markdown
    assert "needs Redis" in markdown
    assert "`tests/test_a.py::test_one` (framework: failed, flask: passed)" in markdown
    json_path, _ = write_results(document, tmp_path)  # type: ignore[arg-type]
    section = report.html_section(json_path)
    assert section.startswith('<h2 id="ecosystem">')
    assert "framework 0.1.0" in section and "flask 3.1.3" in section
    assert "tests/test_a.py::test_one" in section


def test_html_section_is_empty_without_results(tmp_path: Path) -> None:
    """Without an ecosystem results file (or with another JSON document) there is no section."""
    assert report.html_section(tmp_path / "missing.json") == ""
    other = tmp_path / "other.json"
    other.write_text('{"format": "something else"}', encoding="utf-8")
    assert report.html_section(other) == ""


def test_report_page_gets_the_section_from_the_sibling_folder(tmp_path: Path) -> None:
    """A report written into ``X/conformance`` gets the section when ``X/ecosystem`` holds
    results, before ``</body>``; otherwise the page is unchanged."""
    page = "<html><body><h1>Report</h1>\n</body></html>"
    report_dir = tmp_path / "conformance"
    assert report.with_ecosystem_section(page, report_dir) == page
    document = _document({"tests/test_a.py::test_one": "passed"})
    write_results(document, tmp_path / "ecosystem")  # type: ignore[arg-type]
    with_section = report.with_ecosystem_section(page, report_dir)
    assert with_section.startswith('<html><body><h1>Report</h1>\n<h2 id="ecosystem">')
    assert with_section.endswith("</body></html>")
