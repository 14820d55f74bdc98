"""The conformance pytest plugin: options, the preflight, selection, the gate and outputs.

Installed, pytest loads this module into every run in the environment, so it
adds options and nothing else that another project's tests could notice: the
fixtures, markers and Hypothesis profile of spec tests come from
``conformance/conftest.py`` and reach only the suite's own tests, and every hook
below acts only on tests in a conformance folder (the ``conformance`` package or
a folder listed in the ``conformance_paths`` ini option).

For a run that includes the suite, the plugin imports the implementation
(``--impl``) and checks it against the contract before any test runs; labels each
test with its spec ID, rule and expectation key; applies ``--spec`` and
``--exclude-spec``; marks tests of features the implementation declares absent as
not applicable; applies the expectations file; and writes the results document
(``--conformance-json``) and the updated expectations (``--update-expectations``).
Records are kept where ``pytest_runtest_logreport`` is received, which with
pytest-xdist is the controller, so a parallel run records exactly what a serial
one does.

Exit codes: 0 when every test met its expectation; 1 when a test failed
unexpectedly, a known failure passed or an expectation is stale; 4 for a usage
error (a bad option, an unknown ``--spec``, an unusable expectations file, an
implementation that cannot be imported or lacks the core API); 2, 3 and 5 are
pytest's own (interrupted, internal error, no test collected).
"""

from __future__ import annotations

import inspect
import os
import textwrap
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from conformance import results
from conformance.contract import FEATURES_BY_NAME, feature_of_name, features_needed
from conformance.drivers.capabilities import CAPABILITIES_BY_NAME
from conformance.expectations import test_key
from conformance.implementation import ImplementationLacksName
from conformance.isolation import add_time_limit, isolate
from conformance.levels import MUST, SHOULD, gates, should_failure_waived, waived_reason
from conformance.listing import negative_spec_ids, print_listing
from conformance.profiles import register_profiles
from conformance.registry import RegistryError, registration_problem
from conformance.repro import replay_of
from conformance.run import (
    MESSAGE_LIMIT,
    WORKER_OUTPUT_KEY,
    CollectedTest,
    ConformanceRun,
    TestRecord,
    conformance_roots,
    run_of,
    start_run,
)
from conformance.spec import (
    check_selector,
    check_spec_id,
    closest_ids,
    matches_selector,
    spec_area,
    unmatched_selectors,
)

CONFORMANCE_DIR = Path(__file__).resolve().parent

pytest_plugins = ["conformance.runmodes"]
"""Sharding, ordering, ``--verify`` and ``--seed`` (see that module)."""

# Registered (not loaded) at import so that --hypothesis-profile finds the names.
register_profiles()


class UnexpectedPass(Exception):
    """A test listed as a known failure passed: its expectations entry must go."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the conformance options and the ``conformance_paths`` ini setting."""
    group = parser.getgroup("conformance", "Flask API conformance (flaskspec)")
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
        metavar="PREFIX",
        help="run only conformance tests whose spec ID is, or starts with, this dotted "
        "prefix compared part by part ('routing.trailing-slash' selects "
        "'routing.trailing-slash.redirect'; 'routing.trailing' does not); repeatable. "
        "A prefix that selects nothing is a usage error",
    )
    group.addoption(
        "--exclude-spec",
        action="append",
        default=[],
        metavar="PREFIX",
        help="leave out conformance tests under this spec ID prefix; repeatable",
    )
    group.addoption(
        "--list-spec",
        action="store_true",
        default=False,
        help="print every collected spec ID with the rule it checks, sorted, and exit",
    )
    group.addoption(
        "--without",
        action="append",
        default=[],
        metavar="FEATURE",
        help="an optional feature the implementation leaves out (cli, python-m, async, "
        "wsgi); its tests are reported as not applicable; repeatable",
    )
    group.addoption(
        "--flask-api",
        default=None,
        metavar="VERSION",
        help="the Flask API version the implementation targets (default: Flask's own "
        "version, else [implementation] flask_api of the expectations file, else the "
        "module's __flask_api__, else the newest); rules that do not hold in it are "
        "not applicable",
    )
    group.addoption(
        "--driver",
        default=None,
        metavar="NAME",
        help="the driver that runs the product: a built-in one (wsgi, quart) or "
        "MODULE:CLASS (default: the module's __conformance_driver__, else found from "
        "the module's name, else wsgi)",
    )
    group.addoption(
        "--expectations",
        default=None,
        metavar="PATH",
        help="expectations file (default: ./conformance-expectations/<impl>.toml)",
    )
    group.addoption(
        "--update-expectations",
        action="store_true",
        default=False,
        help="update the expectations file from this run (comments and order are kept)",
    )
    group.addoption(
        "--reason",
        default=None,
        help="with --update-expectations: the reason written on entries it adds",
    )
    group.addoption(
        "--conformance-json",
        default=None,
        metavar="PATH",
        help="write this run's results as JSON to PATH",
    )
    group.addoption(
        "--strict-levels",
        action="store_true",
        default=False,
        help="gate should-level rules too (observed Flask behaviour the documentation "
        "leaves open); by default their failures are reported but do not fail the run",
    )
    group.addoption(
        "--json",
        action="store_true",
        default=False,
        help="with --list-spec: print the registry as JSON",
    )
    parser.addini(
        "conformance_rules",
        type="paths",
        default=[],
        help="rule files (TOML) registering the spec IDs of extra conformance folders",
    )
    parser.addini(
        "conformance_require_registration",
        type="bool",
        default=True,
        help="whether tests in extra conformance folders must name registered spec IDs "
        "(the suite's own tests always must)",
    )
    parser.addini(
        "conformance_paths",
        type="paths",
        default=[],
        help="folders whose tests are conformance tests, besides the conformance package",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Validate the options and, for a run that includes the suite, run the preflight."""
    for selector in [*config.getoption("--spec"), *config.getoption("--exclude-spec")]:
        problem = check_selector(selector)
        if problem:
            raise pytest.UsageError(problem)
    if config.getoption("--list-spec") and hasattr(config.option, "dist"):
        # Listing happens where collection happens: keep it in this process.
        config.option.dist = "no"
        config.option.tx = []
    try:
        run = start_run(config, conformance_roots(config))
    except RegistryError as exc:
        raise pytest.UsageError(str(exc))
    if not run.list_spec and run.includes_conformance_tests():
        run.check_implementation()
    config.pluginmanager.register(ConformanceHooks(run), "conformance-run")


class ConformanceHooks:
    """The hooks of one pytest run; each acts only on conformance tests."""

    def __init__(self, run: ConformanceRun) -> None:
        self.run = run

    def is_conformance_path(self, path: Path) -> bool:
        """Whether a test file at ``path`` belongs to the conformance suite."""
        resolved = path.resolve()
        return any(resolved == root or root in resolved.parents for root in self.run.roots)

    # -- the header -------------------------------------------------------------------

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        """Name the implementation, the expectations and what the preflight found missing."""
        run = self.run
        if run.preflight is None:
            return []
        known = len(run.expectations.entries)
        lines = [
            f"conformance: --impl {run.impl_name}; expectations {run.expectations_path} "
            f"({known} known failures); driver {run.driver_name}"
            + (f"; without {', '.join(run.without)}" if run.without else ""),
            *([f"conformance: product {run.product.describe()}"] if run.product else []),
        ]
        return lines + run.preflight.problem_lines()

    # -- collection -------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """Turn a collector holding tests with missing or bad markers into a collection error."""
        report = yield
        if not report.passed:
            return report
        problems = []
        for node in report.result:
            if isinstance(node, pytest.Item) and self.is_conformance_path(node.path):
                problems += [
                    f"{node.nodeid}: {problem}" for problem in _marker_problems(node, self.run)
                ]
        if problems:
            report.outcome = "failed"
            report.longrepr = "conformance tests with bad markers:\n  " + "\n  ".join(problems)
            report.result = []
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Label conformance tests, record the collection, apply selection and features."""
        run = self.run
        suite = [item for item in items if self.is_conformance_path(item.path)]
        collected = self._label(suite)
        run.record_collection(collected, {str(item.path.resolve()) for item in suite})
        spec_ids = {test.spec_id for test in collected}
        for selector in unmatched_selectors(run.selectors, spec_ids):
            close = closest_ids(selector, spec_ids)
            run.problems.append(
                f"--spec {selector}: selects no spec ID"
                + (f"; closest: {', '.join(close)}" if close else "")
            )
        kept: list[pytest.Item] = []
        deselected: list[pytest.Item] = []
        if run.problems:
            deselected = list(items)
        else:
            for item in items:
                (kept if self._selected(item) else deselected).append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept
        for item in items:
            self._apply_features(item)
            if item.stash.get(_LABEL_KEY, None) is not None:
                add_time_limit(item, config)

    def _label(self, suite: list[pytest.Item]) -> list[CollectedTest]:
        """Stash each test's spec ID, rule, key and features; return what was collected."""
        ids_by_function: dict[tuple[object, ...], set[str]] = {}
        functions_by_id: dict[str, set[tuple[object, ...]]] = {}
        for item in suite:
            spec_id = item.get_closest_marker("spec").args[0]  # type: ignore[union-attr]
            function = _function_of(item)
            ids_by_function.setdefault(function, set()).add(spec_id)
            functions_by_id.setdefault(spec_id, set()).add(function)
        for spec_id, functions in functions_by_id.items():
            if len(functions) > 1:
                names = sorted(str(function[-1]) for function in functions)
                self.run.problems.append(
                    f"spec ID {spec_id} is on several test functions ({', '.join(names)}); "
                    "each rule has one test"
                )
        collected = []
        for item in suite:
            spec_id = item.get_closest_marker("spec").args[0]  # type: ignore[union-attr]
            shared = len(ids_by_function[_function_of(item)]) == 1
            param = getattr(getattr(item, "callspec", None), "id", None) if shared else None
            key = test_key(spec_id, param)
            registered = self.run.registry.get(spec_id)
            rule = registered.rule if registered else _rule_of(item)
            level = registered.level if registered else MUST
            declared = [name for marker in item.iter_markers("needs") for name in marker.args]
            needed = sorted(
                features_needed(spec_area(spec_id), getattr(item, "fixturenames", ()), declared)
            )
            item.stash[_LABEL_KEY] = _Label(spec_id, key, rule, needed, level)
            item.user_properties += [
                ("spec_id", spec_id),
                ("area", spec_area(spec_id)),
                ("rule", rule),
                ("level", level),
                ("expectation_key", key),
            ]
            collected.append(CollectedTest(key, spec_id, rule, str(item.path.resolve()), level))
        return collected

    def _selected(self, item: pytest.Item) -> bool:
        label = item.stash.get(_LABEL_KEY, None)
        if label is None:  # not a spec test: --spec leaves it out, --exclude-spec does not
            return not self.run.selectors
        if self.run.selectors and not any(
            matches_selector(label.spec_id, selector) for selector in self.run.selectors
        ):
            return False
        return not any(matches_selector(label.spec_id, prefix) for prefix in self.run.exclusions)

    def _apply_features(self, item: pytest.Item) -> None:
        label = item.stash.get(_LABEL_KEY, None)
        if label is None:
            return
        reason = self._not_applicable(label)
        if reason:
            label.not_applicable = reason
            item.add_marker(pytest.mark.skip(reason=reason))

    def _not_applicable(self, label: _Label) -> str | None:
        """Why the labelled test does not apply to the product: the first feature it
        lacks, else the first capability its driver lacks, else the rule's version gate."""
        absent = [name for name in label.features if name in self.run.without]
        if absent:
            return _not_applicable_reason(absent[0])
        lacking = self.run.driver_lacks(label.features)
        if lacking:
            return _lacking_capability_reason(lacking[0], self.run.driver_name)
        out_of_range = self.run.version_gate(label.spec_id)
        return str(out_of_range) if out_of_range else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool | None:
        """With ``--list-spec``, print the registry (as text or JSON) instead of running tests."""
        if not self.run.list_spec or session.testsfailed:
            return None
        labelled = [(item, item.stash.get(_LABEL_KEY, None)) for item in session.items]
        tested = {label.spec_id: label.rule for _, label in labelled if label is not None}
        negative = negative_spec_ids(
            (label.spec_id, getattr(item, "obj", None)) for item, label in labelled if label
        )
        as_json = self.run.config.getoption("--json")
        for line in print_listing(self.run, tested, as_json, negative):
            _write_line(self.run.config, line)
        return True

    # -- running ----------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        """Run a conformance test isolated from the tests around it (see ``isolation``)."""
        __tracebackhide__ = True
        if item.stash.get(_LABEL_KEY, None) is None:
            return (yield)
        restore = isolate(item, self.run.modules.get(self.run.impl_name))
        try:
            return (yield)
        finally:
            restore()

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Label conformance reports and apply features and the expectations gate."""
        report = yield
        label = item.stash.get(_LABEL_KEY, None)
        if label is None:
            return report
        message = one_line_message(report.longrepr) if report.failed or report.skipped else None
        status = None
        entry = self.run.expectations.lookup(label.key)
        lacking = _absent_feature_raised(call, self.run.without)
        reason = label.not_applicable or (lacking and _not_applicable_reason(lacking))
        if reason:
            status = results.NOT_APPLICABLE
            message = reason
            if report.failed:
                report.outcome = "skipped"
                report.longrepr = (str(item.path), item.location[1] or 0, message)
        elif entry is not None and not hasattr(report, "wasxfail"):
            if report.failed:
                status = results.EXPECTED_FAILURE
                report.outcome = "skipped"
                flaky = " (flaky)" if entry.flaky else ""
                issue = f" ({entry.issue})" if entry.issue else ""
                report.wasxfail = f"known failure{flaky}: {entry.reason}{issue}"
            elif report.passed and report.when == "call" and not entry.flaky:
                status = results.UNEXPECTED_PASS
                message = f"unexpected pass: listed as a known failure ({entry.reason})"
                report.outcome = "failed"
                report.longrepr = _unexpected_pass_repr(item, label, entry.reason, self.run)
        if report.failed:
            _label_crash_line(report, label)
        if should_failure_waived(report, status, label.level, self.run.strict_levels):
            status = results.FAILED if report.when == "call" else results.ERROR
            message = message or one_line_message(report.longrepr)
            report.outcome = "skipped"
            report.wasxfail = waived_reason(message)
        # Plain attributes: pytest-xdist carries them from workers to the controller.
        report.__dict__.update(
            conformance_nodeid=canonical_nodeid(item),
            conformance_key=label.key,
            conformance_spec_id=label.spec_id,
            conformance_rule=label.rule,
            conformance_features=label.features,
            conformance_status=status,
            conformance_message=message,
            conformance_expectation=entry.status if entry is not None else None,
            conformance_level=label.level,
            conformance_replay=replay_of(item, call) if call.excinfo is not None else None,
        )
        return report

    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> tuple[str, str, str] | None:
        """Count not-applicable tests apart from skipped ones in pytest's own summary."""
        not_applicable = getattr(report, "conformance_status", None) == results.NOT_APPLICABLE
        if not_applicable and report.when in ("setup", "call"):
            return "not applicable", "n", "NOT APPLICABLE"
        return None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Fold each phase's report of a conformance test into that test's record."""
        nodeid = getattr(report, "conformance_nodeid", None)
        if nodeid is None or self.run.is_worker:
            return
        record = self.run.records.get(nodeid)
        if record is None:
            fields = report.__dict__
            record = self.run.records[nodeid] = TestRecord(
                nodeid,
                fields["conformance_key"],
                fields["conformance_spec_id"],
                fields["conformance_rule"],
                list(fields["conformance_features"]),
                fields.get("conformance_level", MUST),
            )
            registered = self.run.registry.get(record.spec_id)
            if registered is not None:
                record.since, record.until = registered.since, registered.until
        record.add(report)

    # -- pytest-xdist -------------------------------------------------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """On the xdist controller, take in what a worker collected."""
        output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
        if output:
            self.run.merge_worker_output(output)

    # -- finishing --------------------------------------------------------------------

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Settle the gate and write the results and expectations (controller only)."""
        run = self.run
        if run.is_worker:
            run.config.workeroutput[WORKER_OUTPUT_KEY] = run.worker_output()  # type: ignore[attr-defined]
            return
        if run.list_spec or not (run.collected or run.problems):
            return
        run.stale = run.find_stale()
        try:
            run.write_outputs()
        except OSError as exc:
            run.problems.append(f"cannot write {exc.filename}: {exc.strerror or exc}")
        if run.problems:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
        elif run.stale and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Print the conformance section: gate, failing rules, stale entries, files written."""
        run = self.run
        if run.is_worker or run.list_spec or not (run.collected or run.problems):
            return
        terminalreporter.write_sep("-", "conformance")
        for line in _summary_lines(run):
            terminalreporter.write_line(line)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """End the output with one line: the verdict, counts by outcome, failing spec IDs."""
        run = self.run
        if run.is_worker or run.list_spec or not (run.collected or run.problems):
            return
        _write_line(config, _closing_line(run))


_LABEL_KEY = pytest.StashKey["_Label"]()


class _Label:
    """What the plugin attaches to a collected conformance test."""

    def __init__(
        self, spec_id: str, key: str, rule: str, features: list[str], level: str = MUST
    ) -> None:
        self.spec_id = spec_id
        self.key = key
        self.rule = rule
        self.features = features
        self.level = level
        self.not_applicable: str | None = None
        """Why the test does not apply to the product under test, if it does not."""


def _marker_problems(item: pytest.Item, run: ConformanceRun) -> list[str]:
    marker = item.get_closest_marker("spec")
    if marker is None:
        return ["no @pytest.mark.spec(...) marker"]
    problems = []
    problem = check_spec_id(marker.args[0] if marker.args else None)
    if problem:
        problems.append(problem)
    elif run.list_spec is False:
        in_suite = CONFORMANCE_DIR in item.path.resolve().parents
        problem = registration_problem(
            marker.args[0], run.registry, in_suite or run.require_registration
        )
        if problem:
            problems.append(problem)
    for needs in item.iter_markers("needs"):
        for name in needs.args:
            optional_feature = name in FEATURES_BY_NAME and FEATURES_BY_NAME[name].optional
            if not optional_feature and name not in CAPABILITIES_BY_NAME:
                problems.append(
                    f"@pytest.mark.needs({name!r}) names no optional feature or capability"
                )
    return problems


def _function_of(item: pytest.Item) -> tuple[object, ...]:
    return (str(item.path), getattr(item, "cls", None), getattr(item, "originalname", item.name))


def _not_applicable_reason(feature: str) -> str:
    return (
        f"not applicable: the implementation leaves out {feature} "
        f"({FEATURES_BY_NAME[feature].summary.rstrip('.')})"
    )


def _lacking_capability_reason(capability: str, driver: str) -> str:
    return (
        f"not applicable: the product's driver ({driver}) lacks {capability} "
        f"({CAPABILITIES_BY_NAME[capability].summary.rstrip('.')})"
    )


def _absent_feature_raised(call: pytest.CallInfo[None], without: list[str]) -> str | None:
    """Return the declared-absent feature whose missing name the test tripped over, if any."""
    if call.excinfo is None or not isinstance(call.excinfo.value, ImplementationLacksName):
        return None
    feature = feature_of_name(call.excinfo.value.missing)
    return feature if feature in without else None


def _unexpected_pass_repr(
    item: pytest.Item, label: _Label, reason: str, run: ConformanceRun
) -> Any:
    """Return a failure report body for a known failure that passed."""
    try:
        raise UnexpectedPass(
            f"listed in {run.expectations_path} as a known failure ({reason}): "
            f"remove its entry [{label.key}]"
        )
    except UnexpectedPass:
        return item.repr_failure(pytest.ExceptionInfo.from_current())


def _label_crash_line(report: pytest.TestReport, label: _Label) -> None:
    """Put the spec ID and rule in front of the failure's one-line message.

    pytest shows that message on the short summary line and with ``--tb=line``,
    so every way of printing a failure names the rule it broke.
    """
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None and not crash.message.startswith(f"[{label.spec_id}]"):
        crash.message = f"[{label.spec_id}] {label.rule} -- {crash.message}"


def canonical_nodeid(item: pytest.Item) -> str:
    """Return a node ID for ``item`` that does not depend on pytest's rootdir.

    Tests in the conformance package get ``conformance/<file>::<name>`` whether the
    suite runs from a checkout or installed (``--pyargs``); others keep pytest's.
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


def _counts(run: ConformanceRun) -> dict[str, int]:
    return results.count_outcomes(record.result() for record in run.records.values())


def _failing(run: ConformanceRun) -> list[TestRecord]:
    return sorted(
        (
            record
            for record in run.records.values()
            if gates(record.outcome, record.level, run.strict_levels)
        ),
        key=lambda record: record.key,
    )


def _waived(run: ConformanceRun) -> list[TestRecord]:
    """Return the should-level failures this run reports without gating on them."""
    return sorted(
        (
            record
            for record in run.records.values()
            if record.level == SHOULD
            and record.outcome in (results.FAILED, results.ERROR)
            and not run.strict_levels
        ),
        key=lambda record: record.key,
    )


def _summary_lines(run: ConformanceRun) -> list[str]:
    counts = _counts(run)
    shown = ", ".join(f"{count} {outcome}" for outcome, count in counts.items() if count)
    lines = [f"implementation {run.impl_name!r}: {shown or 'no conformance test ran'}"]
    if run.product is not None:
        lines.append(f"product: {run.product.describe()}")
    entries = len(run.expectations.entries)
    lines.append(
        f"{entries} known failures listed in {run.expectations_path}"
        if entries
        else f"no known failures listed ({run.expectations_path} "
        f"{'is empty' if run.expectations_path.exists() else 'does not exist'})"
    )
    if run.without:
        lines.append(f"declared absent: {', '.join(run.without)} (their tests are not applicable)")
    if run.preflight is not None:
        lines += [line.strip() for line in run.preflight.problem_lines()]
    for record in _failing(run):
        lines.append(f"{record.outcome.upper()} [{record.key}] {record.rule}")
        if record.message:
            lines.append(textwrap.indent(record.message, "    "))
    for record in _waived(run):
        lines.append(f"SHOULD-LEVEL {record.outcome.upper()} [{record.key}] {record.rule}")
        lines.append("    (observed Flask behaviour; gates only with --strict-levels)")
    for stale in run.stale:
        lines.append(f"STALE expectation [{stale.key}] matches no test: remove it ({stale.reason})")
    lines += [f"ERROR {problem}" for problem in run.problems]
    lines += run.written
    return lines


def _closing_line(run: ConformanceRun) -> str:
    counts = _counts(run)
    failing = [record.key for record in _failing(run)]
    verdict = results.verdict_of(
        (r.result() for r in run.records.values()), run.stale, run.problems, run.strict_levels
    )
    parts = [f"{count} {outcome}" for outcome, count in counts.items() if count]
    if run.stale:
        parts.append(f"{len(run.stale)} stale expectations")
    if run.problems:
        parts.append(f"{len(run.problems)} usage errors")
    text = f"conformance {verdict.upper()} ({run.impl_name}): {', '.join(parts) or 'nothing ran'}"
    if failing:
        text += f"; failing: {', '.join(failing)}"
    waived = [record.key for record in _waived(run)]
    if waived:
        text += f"; should-level failures (not gated): {', '.join(waived)}"
    return text


def _write_line(config: pytest.Config, line: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    else:
        print(line)


__all__ = ["ConformanceHooks", "UnexpectedPass", "canonical_nodeid", "one_line_message", "run_of"]
