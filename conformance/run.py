"""The state of one conformance run: what it tests, what it expects and what it saw.

:class:`ConformanceRun` holds the options, the implementation modules, the
expectations file, the tests collected (by expectation key) and the record of each
test that ran. The pytest hooks in :mod:`conformance.plugin` feed it; with
pytest-xdist, the controller holds the records while each worker reports what
it collected (see :meth:`ConformanceRun.worker_output`).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import platform
import re
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conformance import results
from conformance.contract import ContractError, Preflight, check_feature_names, preflight
from conformance.drivers import (
    CAPABILITIES_BY_NAME,
    Driver,
    DriverError,
    WsgiDriver,
    driver_class,
)
from conformance.drivers.names import product_module
from conformance.expectations import (
    ExpectationsError,
    ExpectationsFile,
    load_expectations,
    plan_update,
    write_update,
)
from conformance.implementation import (
    ImplementationError,
    implementation_version,
    import_implementation,
)
from conformance.metadata import implementation_info, package_versions, suite_version
from conformance.profiles import suite_profile_name
from conformance.registry import MUST, RULES_DIR, Registry, load_registry, suite_registry
from conformance.repro import write_repro_scripts
from conformance.spec import spec_area
from conformance.versions import Product, VersionError, detect_product, parse_version

EXPECTATIONS_FOLDER = "conformance-expectations"
"""Where an implementation's expectations file is looked for, in the invocation folder."""
MESSAGE_LIMIT = 300
"""Longest failure message kept in results and new expectation reasons."""
WORKER_OUTPUT_KEY = "flaskspec_conformance"


@dataclasses.dataclass(frozen=True)
class CollectedTest:
    """What collection learnt of one conformance test."""

    key: str
    spec_id: str
    rule: str
    path: str
    level: str = MUST


class ConformanceRun:
    """The state of one pytest run that may include conformance tests."""

    def __init__(self, config: pytest.Config, roots: list[Path]) -> None:
        self.config = config
        self.roots = roots
        self.impl_name: str = config.getoption("--impl")
        self.reference_name: str | None = config.getoption("--reference")
        self.selectors: list[str] = config.getoption("--spec")
        self.exclusions: list[str] = config.getoption("--exclude-spec")
        self.list_spec: bool = config.getoption("--list-spec")
        self.update: bool = config.getoption("--update-expectations")
        self.reason: str | None = config.getoption("--reason")
        self.strict_levels: bool = config.getoption("--strict-levels")
        self.require_registration: bool = config.getini("conformance_require_registration")
        self.registry: Registry = load_registry(
            Path(path) for path in config.getini("conformance_rules")
        )
        if RULES_DIR.parent in self.roots_in_run():
            self.registry = suite_registry().merged(self.registry)
        self.is_worker = hasattr(config, "workerinput")
        invocation_dir = config.invocation_params.dir
        given_path = config.getoption("--expectations")
        self.expectations_path = (
            invocation_dir / given_path
            if given_path
            else invocation_dir / EXPECTATIONS_FOLDER / f"{self.impl_name}.toml"
        )
        json_path = config.getoption("--conformance-json")
        self.json_path = invocation_dir / json_path if json_path else None
        try:
            self.expectations: ExpectationsFile = load_expectations(self.expectations_path)
            self.without = sorted(
                {
                    *self.expectations.without,
                    *check_feature_names(config.getoption("--without"), "--without"),
                }
            )
        except (ExpectationsError, ContractError) as exc:
            raise pytest.UsageError(str(exc))
        self.flask_api_option: str | None = config.getoption("--flask-api")
        if self.flask_api_option is not None:
            try:
                parse_version(self.flask_api_option, "--flask-api")
            except VersionError as exc:
                raise pytest.UsageError(str(exc))
        self.product: Product | None = None
        self.modules: dict[str, ModuleType] = {}
        self.driver_option: str | None = config.getoption("--driver")
        self.driver_class: type[Driver] = WsgiDriver
        self.preflight: Preflight | None = None
        self.started_at = datetime.now(timezone.utc)
        self.started = time.perf_counter()
        self.collected: dict[str, CollectedTest] | None = None
        self.collected_files: set[str] = set()
        self.problems: list[str] = []
        self.records: dict[str, TestRecord] = {}
        self.written: list[str] = []
        self.stale: list[results.StaleExpectation] = []

    # -- the implementation ---------------------------------------------------------

    def load(self, name: str, option: str = "--impl") -> ModuleType:
        """Return module ``name``, importing it on first use (raises ImplementationError)."""
        if name not in self.modules:
            self.modules[name] = import_implementation(name, option)
        return self.modules[name]

    def check_implementation(self) -> None:
        """Import the implementation and reference and run the preflight.

        Raises ``pytest.UsageError`` (exit 4, one line) when a module cannot be
        imported or the implementation lacks the core API.
        """
        try:
            module = self.load(self.impl_name)
            if self.reference_name:
                self.load(self.reference_name, "--reference")
        except ImplementationError as exc:
            raise pytest.UsageError(str(exc))
        try:
            self.product = detect_product(
                module,
                implementation_version(module),
                self.flask_api_option,
                self.expectations.flask_api,
            )
        except VersionError as exc:
            raise pytest.UsageError(f"--impl {self.impl_name}: {exc}")
        self.expectations.restrict_to(self.product.distribution, self.product.version)
        try:
            self.driver_class = driver_class(self.driver_option, module)
        except DriverError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.without = sorted({*self.without, *self.driver_class.absent_features})
        module = self.modules[self.impl_name] = product_module(module, self.driver_class.renamed)
        self.preflight = preflight(module, self.without)
        if self.preflight.core_missing:
            raise pytest.UsageError(
                f"--impl {self.impl_name}: not a Flask-compatible implementation: module "
                f"{self.impl_name!r} lacks {', '.join(self.preflight.core_missing)} "
                f"(python -m conformance check-impl {self.impl_name} lists the contract)"
            )

    @property
    def driver_name(self) -> str:
        """The name of the driver that runs the product."""
        return self.driver_class.name

    def driver_lacks(self, needed: Iterable[str]) -> list[str]:
        """Return the capabilities among ``needed`` (features or capabilities) the driver lacks."""
        return [
            name
            for name in needed
            if name in CAPABILITIES_BY_NAME and name not in self.driver_class.capabilities
        ]

    def includes_conformance_tests(self) -> bool:
        """Whether any path or module this run collects overlaps a conformance folder."""
        return bool(self.roots_in_run())

    def roots_in_run(self) -> list[Path]:
        """Return the conformance folders that a path or module this run collects overlaps."""
        return roots_in_run(self.config, self.roots)

    def version_gate(self, spec_id: str) -> str | None:
        """Return why ``spec_id``'s rule does not hold for the product's Flask API, or None."""
        rule = self.registry.get(spec_id)
        if rule is None or self.product is None:
            return None
        return self.product.not_applicable_reason(rule.since, rule.until)

    # -- collection -------------------------------------------------------------------

    def record_collection(self, tests: Iterable[CollectedTest], files: Iterable[str]) -> None:
        """Remember every conformance test collected (before any selection)."""
        self.collected = {test.key: test for test in tests}
        self.collected_files = set(files)

    def worker_output(self) -> dict[str, Any]:
        """Return what a pytest-xdist worker sends its controller at the end."""
        return {
            "collected": [dataclasses.asdict(test) for test in (self.collected or {}).values()],
            "files": sorted(self.collected_files),
            "problems": self.problems,
        }

    def merge_worker_output(self, output: dict[str, Any]) -> None:
        """Fold a worker's collection into the controller's (every worker collects the same)."""
        tests = [CollectedTest(**test) for test in output.get("collected", [])]
        if self.collected is None:
            self.collected = {}
        self.collected.update((test.key, test) for test in tests)
        self.collected_files.update(output.get("files", []))
        for problem in output.get("problems", []):
            if problem not in self.problems:
                self.problems.append(problem)

    # -- finishing --------------------------------------------------------------------

    def find_stale(self) -> list[results.StaleExpectation]:
        """Return the entries that match no collected test, where the suite was collected whole.

        An entry is judged only when every file holding its area's tests was
        collected; a run of a few files cannot tell whether an entry elsewhere is stale.
        """
        if self.collected is None:
            return []
        areas_in_files = _areas_by_file(self.roots_in_run())
        stale = []
        for entry in self.expectations.entries.values():
            if any(self.expectations.covers(entry, key) for key in self.collected):
                continue
            area = spec_area(entry.spec_id)
            files = {path for path, areas in areas_in_files.items() if area in areas}
            if files <= self.collected_files:
                stale.append(results.StaleExpectation(entry.key, entry.reason))
        return stale

    def outcomes(self) -> dict[str, str]:
        """Return the outcome of each test that ran, by key."""
        return {record.key: record.outcome for record in self.records.values()}

    def write_outputs(self) -> None:
        """Write the results document and the updated expectations, as asked."""
        if self.json_path:
            document = self.results()
            results.dump_results(document, self.json_path)
            self.written.append(f"results written to {self.json_path}")
            replays = {record.key: record.replay for record in self.records.values()}
            scripts = write_repro_scripts(
                document, self.json_path, self.config.invocation_params.dir, replays
            )
            if scripts:
                self.written.append(
                    f"{len(scripts)} reproduction scripts written to {scripts[0].parent}"
                )
        if not self.update:
            return
        if not self.records:
            self.written.append("no conformance test ran; expectations left unchanged")
            return
        messages = {record.key: record.message for record in self.records.values()}
        update = plan_update(
            self.expectations,
            self.outcomes(),
            messages,
            self.collected,
            [entry.key for entry in self.stale],
            self.reason,
        )
        write_update(self.expectations, update, self.impl_name)
        kept = (
            f", {update.kept_outside_selection} kept for tests outside this selection"
            if update.kept_outside_selection
            else ""
        )
        self.written.append(
            f"expectations updated: {self.expectations_path} "
            f"({len(update.added)} added, {len(update.removed)} removed{kept})"
        )

    def results(self) -> results.RunResults:
        """Return this run's results document."""
        tests = [self.records[nodeid].result() for nodeid in sorted(self.records)]
        module = self.modules.get(self.impl_name)
        reference = self.modules.get(self.reference_name) if self.reference_name else None
        options = self.config.option
        return results.RunResults(
            suite_version=suite_version(),
            implementation=implementation_info(
                self.impl_name,
                module,
                implementation_version(module) if module else "unknown",
                self.product,
            ),
            reference=(
                implementation_info(
                    self.reference_name, reference, implementation_version(reference)
                )
                if self.reference_name and reference is not None
                else None
            ),
            python=results.PythonInfo(
                version=platform.python_version(),
                implementation=platform.python_implementation(),
            ),
            platform=platform.platform(),
            packages=package_versions(),
            selection=results.Selection(
                spec=list(self.selectors),
                exclude_spec=list(self.exclusions),
                keyword=getattr(options, "keyword", "") or "",
                markers=getattr(options, "markexpr", "") or "",
                without=list(self.without),
                args=[str(arg) for arg in self.config.args],
                shard=self.config.getoption("--shard"),
                driver=self.driver_name,
                lacking_capabilities=self.driver_lacks(CAPABILITIES_BY_NAME),
            ),
            hypothesis=_hypothesis_info(self.config),
            expectations_path=str(self.expectations_path),
            started_at=self.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration=round(time.perf_counter() - self.started, 3),
            verdict=results.verdict_of(tests, self.stale, self.problems, self.strict_levels),
            strict_levels=self.strict_levels,
            problems=list(self.problems),
            stale_expectations=list(self.stale),
            tests=tests,
        )


def _hypothesis_info(config: pytest.Config) -> results.HypothesisInfo:
    seed = config.getoption("hypothesis_seed", None)
    return results.HypothesisInfo(
        profile=suite_profile_name(), seed=str(seed) if seed is not None else None
    )


@dataclasses.dataclass
class TestRecord:
    """The phases seen so far of one conformance test, folded into one outcome."""

    __test__ = False

    nodeid: str
    key: str
    spec_id: str
    rule: str
    features: list[str]
    level: str = MUST
    outcome: str = results.PASSED
    duration: float = 0.0
    message: str | None = None
    expectation: str | None = None
    replay: dict[str, Any] | None = None
    """What a reproduction script needs, from the first failing phase (see ``repro``)."""
    since: str | None = None
    until: str | None = None

    def add(self, report: pytest.TestReport) -> None:
        """Fold in one phase's report (setup, call or teardown)."""
        self.duration += report.duration
        self.replay = self.replay or getattr(report, "conformance_replay", None)
        status = getattr(report, "conformance_status", None)
        message = getattr(report, "conformance_message", None)
        self.expectation = getattr(report, "conformance_expectation", None) or self.expectation
        settled = (results.EXPECTED_FAILURE, results.UNEXPECTED_PASS, results.NOT_APPLICABLE)
        if status is not None:
            self.outcome, self.message = status, message
        elif self.outcome in settled:
            if report.failed:  # a teardown error after the outcome was settled
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
            key=self.key,
            spec_id=self.spec_id,
            area=spec_area(self.spec_id),
            rule=self.rule,
            outcome=self.outcome,
            duration=round(self.duration, 6),
            message=self.message,
            expectation=self.expectation,
            features=list(self.features),
            level=self.level,
            since=self.since,
            until=self.until,
        )


_RUN_KEY = pytest.StashKey[ConformanceRun]()


def run_of(config: pytest.Config) -> ConformanceRun:
    """Return the conformance run of a pytest run."""
    return config.stash[_RUN_KEY]


def start_run(config: pytest.Config, roots: list[Path]) -> ConformanceRun:
    """Create the conformance run of a pytest run and keep it in the config's stash."""
    run = ConformanceRun(config, roots)
    config.stash[_RUN_KEY] = run
    return run


def roots_in_run(config: pytest.Config, roots: Iterable[Path]) -> list[Path]:
    """Return the folders of ``roots`` that a path or module the run collects overlaps."""
    invocation_dir = config.invocation_params.dir
    overlapping = []
    for arg in config.args:
        target = arg.split("::", 1)[0]
        path = _module_path(target) if config.option.pyargs else None
        path = path or (invocation_dir / target).resolve()
        for root in roots:
            if path == root or root in path.parents or path in root.parents:
                overlapping.append(root)
    return list(dict.fromkeys(overlapping))


def conformance_roots(config: pytest.Config) -> list[Path]:
    """Return the conformance folders of a run: the suite's and ``conformance_paths``."""
    return [
        RULES_DIR.parent,
        *(Path(path).resolve() for path in config.getini("conformance_paths")),
    ]


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


def _areas_by_file(roots: Iterable[Path]) -> dict[str, set[str]]:
    """Return, for each test file under ``roots``, the spec areas its markers name.

    A cheap text scan (``mark.spec("area.`` and ``mark.spec(f"area.``), used only to
    decide whether a run collected every file of an area.
    """
    pattern = re.compile(r"""mark\.spec\(\s*f?["']([a-z][a-z0-9]*)\.""")
    found: dict[str, set[str]] = {}
    for root in roots:
        for path in root.rglob("test_*.py"):
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue
            found[str(path.resolve())] = set(pattern.findall(text))
    return found
