"""The conformance pytest plugin.

It chooses the implementation under test (``--impl``) and hands it to spec tests
through the ``impl``, ``make_app``, ``app``, ``client`` and ``runner`` fixtures;
checks that every conformance test carries a valid ``@pytest.mark.spec`` ID and
selects tests by ID (``--spec``, ``--list-spec``); applies the implementation's
known-failure list (``--expectations``, ``--update-expectations``); and records
a results document (``--conformance-json``). Recording happens in
``pytest_runtest_logreport``, which the pytest-xdist controller also receives, so
a parallel run records exactly what a serial one does.

Tests count as conformance tests when they live in the ``conformance`` package
or under a folder listed in the ``conformance_paths`` ini option.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import os
import platform
import time
from collections.abc import Callable, Generator
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conformance import results
from conformance.expectations import (
    ExpectationsError,
    load_expectations,
    updated_expectations,
    write_expectations,
)
from conformance.implementation import (
    Implementation,
    ImplementationError,
    implementation_version,
    import_implementation,
)
from conformance.profiles import register_profiles
from conformance.spec import check_selector, check_spec_id, matches_selector, spec_area

CONFORMANCE_DIR = Path(__file__).resolve().parent
EXPECTATIONS_DIR = CONFORMANCE_DIR / "expectations"
MESSAGE_LIMIT = 300
"""Longest failure message kept in results and new expectation reasons."""

# Registered at import so that Hypothesis's --hypothesis-profile option finds them.
register_profiles()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the conformance options and the ``conformance_paths`` ini setting."""
    group = parser.getgroup("conformance", "Flask API conformance")
    group.addoption(
        "--impl",
        default=os.environ.get("CONFORMANCE_IMPL", "framework"),
        help="module name of the Flask-compatible implementation under test "
        "(default: $CONFORMANCE_IMPL, else 'framework')",
    )
    group.addoption(
        "--reference",
        default=None,
        help="module of a reference implementation for differential tests (e.g. flask)",
    )
    group.addoption(
        "--spec",
        action="append",
        default=[],
        metavar="AREA_OR_PREFIX",
        help="run only conformance tests whose spec ID is, or starts with, this dotted "
        "prefix compared component by component ('routing.trailing-slash' selects "
        "'routing.trailing-slash.redirect'; 'routing.trailing' does not); repeat to OR",
    )
    group.addoption(
        "--list-spec",
        action="store_true",
        default=False,
        help="print every collected spec ID with the rule it checks, sorted, and exit",
    )
    group.addoption(
        "--expectations",
        default=None,
        metavar="PATH",
        help="known-failure list to apply (default: conformance/expectations/<impl>.toml)",
    )
    group.addoption(
        "--update-expectations",
        action="store_true",
        default=False,
        help="rewrite the known-failure list from this run's outcomes",
    )
    group.addoption(
        "--conformance-json",
        default=None,
        metavar="PATH",
        help="write this run's results as JSON to PATH",
    )
    parser.addini(
        "conformance_paths",
        type="paths",
        default=[],
        help="folders whose tests are conformance tests, besides the conformance package",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Validate the options, load the expectations and implementation, start a run."""
    config.addinivalue_line(
        "markers", "spec(id): the specification clause a conformance test checks"
    )
    for selector in config.getoption("--spec"):
        problem = check_selector(selector)
        if problem:
            raise pytest.UsageError(problem)
    if config.getoption("--list-spec") and hasattr(config.option, "dist"):
        # Listing happens where collection happens: keep it in this process.
        config.option.dist = "no"
        config.option.tx = []
    run = ConformanceRun(config)
    config.stash[_RUN_KEY] = run
    config.pluginmanager.register(run, "conformance-run")


class ConformanceRun:
    """The state and hooks of one pytest run that may include conformance tests."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.impl_name: str = config.getoption("--impl")
        self.reference_name: str | None = config.getoption("--reference")
        extra_roots = config.getini("conformance_paths")
        self.roots = [CONFORMANCE_DIR, *(Path(path).resolve() for path in extra_roots)]
        self._root_cache: dict[Path, bool] = {}
        self.selectors: list[str] = config.getoption("--spec")
        self.list_spec: bool = config.getoption("--list-spec")
        self.is_worker = hasattr(config, "workerinput")
        invocation_dir = config.invocation_params.dir
        given_path = config.getoption("--expectations")
        self.expectations_path = (
            invocation_dir / given_path
            if given_path
            else EXPECTATIONS_DIR / f"{self.impl_name}.toml"
        )
        json_path = config.getoption("--conformance-json")
        self.json_path = invocation_dir / json_path if json_path else None
        try:
            self.expectations = load_expectations(self.expectations_path)
        except ExpectationsError as exc:
            raise pytest.UsageError(str(exc))
        self.modules: dict[str, ModuleType] = {}
        if not self.list_spec and self._run_includes_conformance_tests():
            for name, option in [(self.impl_name, "--impl"), (self.reference_name, "--reference")]:
                if name:
                    try:
                        self.load(name, option)
                    except ImplementationError as exc:
                        raise pytest.UsageError(str(exc))
        self.started_at = datetime.now(timezone.utc)
        self.started = time.perf_counter()
        self.tests: dict[str, _TestRecord] = {}
        self.written: list[str] = []

    # -- the implementation ---------------------------------------------------------

    def load(self, name: str, option: str = "--impl") -> ModuleType:
        """Return module ``name``, importing it on first use (raises ImplementationError)."""
        if name not in self.modules:
            self.modules[name] = import_implementation(name, option)
        return self.modules[name]

    def _run_includes_conformance_tests(self) -> bool:
        """Whether any path or module this run collects overlaps a conformance folder."""
        invocation_dir = self.config.invocation_params.dir
        for arg in self.config.args:
            target = arg.split("::", 1)[0]
            path = _module_path(target) if self.config.option.pyargs else None
            path = path or (invocation_dir / target).resolve()
            for root in self.roots:
                if path == root or root in path.parents or path in root.parents:
                    return True
        return False

    # -- collection -------------------------------------------------------------------

    def is_conformance_path(self, path: Path) -> bool:
        """Whether a test file at ``path`` belongs to the conformance suite."""
        if path not in self._root_cache:
            resolved = path.resolve()
            self._root_cache[path] = any(
                resolved == root or root in resolved.parents for root in self.roots
            )
        return self._root_cache[path]

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """Turn a collector holding tests with missing or bad spec IDs into a collection error."""
        report = yield
        if not report.passed:
            return report
        problems = []
        for node in report.result:
            if isinstance(node, pytest.Item) and self.is_conformance_path(node.path):
                marker = node.get_closest_marker("spec")
                if marker is None:
                    problems.append(f"{node.nodeid}: no @pytest.mark.spec(...) marker")
                    continue
                problem = check_spec_id(marker.args[0] if marker.args else None)
                if problem:
                    problems.append(f"{node.nodeid}: {problem}")
        if problems:
            report.outcome = "failed"
            report.longrepr = "conformance tests with bad spec IDs:\n  " + "\n  ".join(problems)
            report.result = []
        return report

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Record each conformance test's spec ID and apply ``--spec`` selection."""
        for item in items:
            if self.is_conformance_path(item.path):
                marker = item.get_closest_marker("spec")
                if marker is not None:
                    item.stash[_SPEC_KEY] = marker.args[0]
                    item.stash[_NODEID_KEY] = canonical_nodeid(item)
        if not self.selectors:
            return
        selected: list[pytest.Item] = []
        deselected: list[pytest.Item] = []
        for item in items:
            spec_id = item.stash.get(_SPEC_KEY, None)
            chosen = spec_id is not None and any(
                matches_selector(spec_id, selector) for selector in self.selectors
            )
            (selected if chosen else deselected).append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool | None:
        """With ``--list-spec``, print the collected spec IDs instead of running tests."""
        if not self.list_spec or session.testsfailed:
            return None
        rules: set[tuple[str, str]] = set()
        for item in session.items:
            spec_id = item.stash.get(_SPEC_KEY, None)
            if spec_id is not None:
                rules.add((spec_id, _rule_of(item)))
        width = max((len(spec_id) for spec_id, _ in rules), default=0)
        for spec_id, rule in sorted(rules):
            self._write_line(f"{spec_id:<{width}}  {rule}")
        return True

    # -- running ----------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Label conformance reports with their IDs and apply the known-failure list."""
        report = yield
        spec_id = item.stash.get(_SPEC_KEY, None)
        if spec_id is None:
            return report
        nodeid = item.stash[_NODEID_KEY]
        message = one_line_message(report.longrepr) if report.failed or report.skipped else None
        status = None
        reason = self.expectations.get(nodeid)
        if reason is not None and not hasattr(report, "wasxfail"):
            if report.failed:
                status = results.EXPECTED_FAILURE
                report.outcome = "skipped"
                report.wasxfail = f"known failure: {reason}"
            elif report.passed and report.when == "call":
                status = results.UNEXPECTED_PASS
                message = f"unexpected pass (known failure: {reason})"
                report.outcome = "failed"
                report.longrepr = (
                    f"[unexpected pass] listed in {self.expectations_path} as a known failure "
                    f"({reason}); remove the entry"
                )
        # Plain attributes: pytest-xdist carries them from workers to the controller.
        report.__dict__.update(
            conformance_nodeid=nodeid,
            conformance_spec_id=spec_id,
            conformance_status=status,
            conformance_message=message,
        )
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Fold each phase's report of a conformance test into that test's record."""
        nodeid = getattr(report, "conformance_nodeid", None)
        if nodeid is None or self.is_worker:
            return
        if nodeid not in self.tests:
            self.tests[nodeid] = _TestRecord(nodeid, report.__dict__["conformance_spec_id"])
        self.tests[nodeid].add(report)

    # -- finishing --------------------------------------------------------------------

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the results document and the updated expectations (controller only)."""
        if self.is_worker or self.list_spec:
            return
        try:
            self._write_outputs()
        except OSError as exc:
            self.written.append(f"error: cannot write {exc.filename}: {exc.strerror or exc}")
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def _write_outputs(self) -> None:
        if self.json_path:
            results.dump_results(self.results(), self.json_path)
            self.written.append(f"results written to {self.json_path}")
        if not self.config.getoption("--update-expectations"):
            return
        if not self.tests:
            self.written.append("no conformance test ran; expectations left unchanged")
            return
        outcomes = {
            nodeid: (record.outcome, record.message) for nodeid, record in self.tests.items()
        }
        updated = updated_expectations(self.expectations, outcomes)
        write_expectations(self.expectations_path, updated, self.impl_name)
        added = len(updated.keys() - self.expectations.keys())
        removed = len(self.expectations.keys() - updated.keys())
        self.written.append(
            f"expectations rewritten: {self.expectations_path} "
            f"({len(updated)} known failures: {added} added, {removed} removed)"
        )

    def results(self) -> results.RunResults:
        """Return this run's results document."""
        try:
            version = implementation_version(self.load(self.impl_name))
        except ImplementationError:
            version = "unknown"
        return results.RunResults(
            implementation=results.ImplementationInfo(name=self.impl_name, version=version),
            python=results.PythonInfo(
                version=platform.python_version(),
                implementation=platform.python_implementation(),
            ),
            platform=platform.platform(),
            started_at=self.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration=round(time.perf_counter() - self.started, 3),
            tests=[self.tests[nodeid].result() for nodeid in sorted(self.tests)],
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Print the outcome counts against the expectations and any files written."""
        if self.is_worker or (not self.tests and not self.written):
            return
        terminalreporter.write_sep("-", "conformance")
        counts = results.count_outcomes(record.result() for record in self.tests.values())
        shown = ", ".join(f"{count} {outcome}" for outcome, count in counts.items() if count)
        terminalreporter.write_line(
            f"implementation {self.impl_name!r}: {shown or 'no conformance tests ran'}"
        )
        listed = f"{len(self.expectations)} known failures listed in {self.expectations_path}"
        not_run = sorted(self.expectations.keys() - self.tests.keys())
        if not_run and self.tests:
            listed += f" ({len(not_run)} did not run)"
        terminalreporter.write_line(listed if self.expectations else "no known failures listed")
        unexpected = counts[results.FAILED] + counts[results.ERROR]
        if unexpected or counts[results.UNEXPECTED_PASS]:
            terminalreporter.write_line(
                f"gate: {unexpected} unexpected failures, "
                f"{counts[results.UNEXPECTED_PASS]} unexpected passes"
            )
        for line in self.written:
            terminalreporter.write_line(line)

    def _write_line(self, line: str) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(line)
        else:
            print(line)


_RUN_KEY = pytest.StashKey[ConformanceRun]()
_SPEC_KEY = pytest.StashKey[str]()
_NODEID_KEY = pytest.StashKey[str]()


@dataclasses.dataclass
class _TestRecord:
    """The phases seen so far of one conformance test, folded into one outcome."""

    nodeid: str
    spec_id: str
    outcome: str = results.PASSED
    duration: float = 0.0
    message: str | None = None

    def add(self, report: pytest.TestReport) -> None:
        """Fold in one phase's report (setup, call or teardown)."""
        self.duration += report.duration
        status = getattr(report, "conformance_status", None)
        message = getattr(report, "conformance_message", None)
        if status is not None:
            self.outcome, self.message = status, message
        elif self.outcome in (results.EXPECTED_FAILURE, results.UNEXPECTED_PASS):
            if report.failed:  # a teardown error after the expectation was settled
                self.outcome, self.message = results.ERROR, message
        elif report.failed:
            if report.when == "call":
                self.outcome = results.FAILED
            elif self.outcome != results.FAILED:
                self.outcome = results.ERROR
            self.message = self.message or message
        elif report.skipped and self.outcome == results.PASSED:
            self.outcome = (
                results.EXPECTED_FAILURE if hasattr(report, "wasxfail") else results.SKIPPED
            )
            self.message = message

    def result(self) -> results.TestResult:
        """Return the test's entry for the results document."""
        return results.TestResult(
            nodeid=self.nodeid,
            spec_id=self.spec_id,
            area=spec_area(self.spec_id),
            outcome=self.outcome,
            duration=round(self.duration, 6),
            message=self.message,
        )


def canonical_nodeid(item: pytest.Item) -> str:
    """Return a node ID for ``item`` that does not depend on pytest's rootdir.

    Tests in the conformance package get ``conformance/<file>::<name>`` whether
    the suite runs from a checkout or installed (``--pyargs``); others keep pytest's.
    """
    path = item.path.resolve()
    if CONFORMANCE_DIR not in path.parents:
        return item.nodeid
    _, separator, name = item.nodeid.partition("::")
    relative = path.relative_to(CONFORMANCE_DIR).as_posix()
    return f"conformance/{relative}{separator}{name}"


def one_line_message(longrepr: object) -> str:
    """Return the first line of a report's failure or skip description, shortened."""
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        text = crash.message
    elif isinstance(longrepr, (tuple, list)) and len(longrepr) == 3:
        text = str(longrepr[2])
    else:
        text = str(longrepr or "")
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


def _rule_of(item: pytest.Item) -> str:
    """Return the rule a test checks: the first paragraph of its docstring (the
    one-sentence rule, which may wrap over several lines), joined into one line."""
    doc = (inspect.getdoc(getattr(item, "obj", None)) or "").strip()
    if not doc:
        return "(no rule stated)"
    return " ".join(doc.split("\n\n", 1)[0].split())


def _module_path(name: str) -> Path | None:
    """Return the file or package folder of importable module ``name``, if any."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError, AttributeError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    return Path(spec.origin).resolve() if spec.origin else None


def _run_of(config: pytest.Config) -> ConformanceRun:
    return config.stash[_RUN_KEY]


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The module under test, exposing Flask's public names (``Flask``, ``request``, ...).

    A name the implementation lacks raises an AttributeError saying so.
    """
    run = _run_of(request.config)
    try:
        return Implementation(run.load(run.impl_name))
    except ImplementationError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def make_app(impl: ModuleType) -> Callable[..., Any]:
    """Return a factory building a testing-mode app through the implementation under test."""

    def factory(import_name: str = "conformance_app", **kwargs: Any) -> Any:
        app = impl.Flask(import_name, **kwargs)
        app.config.update(TESTING=True, SECRET_KEY="conformance secret")
        return app

    return factory


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    """A fresh application in testing mode with a secret key."""
    return make_app()


@pytest.fixture
def client(app: Any) -> Any:
    """The app's test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    """The app's CLI test runner."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def reference(request: pytest.FixtureRequest) -> ModuleType | None:
    """The reference implementation named by ``--reference`` for differential tests, or None."""
    run = _run_of(request.config)
    if not run.reference_name:
        return None
    try:
        return Implementation(run.load(run.reference_name, "--reference"))
    except ImplementationError as exc:
        pytest.fail(str(exc), pytrace=False)
