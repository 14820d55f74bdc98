"""The results document of one conformance run: its schema, writer and reader.

A run with ``--conformance-json PATH`` writes one JSON object shaped like
:class:`RunResults` (nested objects and the ``tests`` list shaped like the
dataclasses below, keys equal to the field names). This module is the single
definition of that schema: the plugin builds a :class:`RunResults` and calls
:func:`dump_results`; the report and diff commands call :func:`load_results`,
which checks the shape and raises :class:`ResultsError` with a one-line message.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from conformance.registry import LEVELS, MUST

FORMAT = "flaskspec-conformance-results"
"""The value of the ``format`` field, identifying the document type."""
SCHEMA_VERSION = 3
"""The schema version written by this module; the JSON Schema of this version ships as
``conformance/schema/results.schema.json``. Version 3 added the product (distribution,
its version, the Flask API it targets) and each test's rule's ``since``/``until``."""
READABLE_SCHEMA_VERSIONS = (2, 3)
"""Versions :func:`load_results` reads: a version 2 document lacks only optional fields."""
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "results.schema.json"

PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"
ERROR = "error"
EXPECTED_FAILURE = "expected-failure"
UNEXPECTED_PASS = "unexpected-pass"
NOT_APPLICABLE = "not-applicable"
OUTCOMES = (PASSED, FAILED, SKIPPED, ERROR, EXPECTED_FAILURE, UNEXPECTED_PASS, NOT_APPLICABLE)
"""Every value a test's ``outcome`` field may take."""

FAILING_OUTCOMES = frozenset({FAILED, ERROR, EXPECTED_FAILURE})
"""Outcomes where the implementation did not behave as specified, known or not."""
PASSING_OUTCOMES = frozenset({PASSED, UNEXPECTED_PASS})
"""Outcomes where the implementation behaved as specified."""
GATE_FAILURES = frozenset({FAILED, ERROR, UNEXPECTED_PASS})
"""Outcomes that fail a run under the expectations gate."""
PASS = "pass"
FAIL = "fail"


class ResultsError(Exception):
    """A results file is missing, is not JSON, or does not have the expected shape."""


@dataclasses.dataclass(frozen=True)
class TestResult:
    """The outcome of one conformance test.

    ``key`` is the test's expectation key (its spec ID, plus ``[param]`` when one
    test function checks its rule for several parameters); ``expectation`` is the
    status of the expectations entry that applied (``fail`` or ``flaky``), if any.
    """

    __test__ = False  # not a pytest test class despite the name

    nodeid: str
    key: str
    spec_id: str
    area: str
    rule: str
    outcome: str
    duration: float
    message: str | None = None
    expectation: str | None = None
    features: list[str] = dataclasses.field(default_factory=list)
    level: str = MUST
    since: str | None = None
    until: str | None = None


@dataclasses.dataclass(frozen=True)
class ImplementationInfo:
    """An implementation a run used: the module name, its version and where it lives."""

    name: str
    version: str
    path: str | None = None
    git_commit: str | None = None
    git_dirty: bool | None = None
    distribution: str | None = None
    product_version: str | None = None
    flask_api: str | None = None
    flask_api_source: str | None = None


@dataclasses.dataclass(frozen=True)
class PythonInfo:
    """The Python interpreter a run used."""

    version: str
    implementation: str


@dataclasses.dataclass(frozen=True)
class Selection:
    """What the run was asked to select: ``--spec``, ``--exclude-spec``, ``-k``, ``-m``,
    the features declared absent, the paths or modules given to pytest, and the
    driver that ran the product with the capabilities it lacks."""

    spec: list[str]
    exclude_spec: list[str]
    keyword: str
    markers: str
    without: list[str]
    args: list[str]
    shard: str | None = None
    driver: str = "wsgi"
    lacking_capabilities: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class HypothesisInfo:
    """How the property-based tests searched: the settings profile and the seed, if fixed."""

    profile: str
    seed: str | None


@dataclasses.dataclass(frozen=True)
class StaleExpectation:
    """An expectations entry that matched no test of the suite."""

    key: str
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunResults:
    """Everything one conformance run records."""

    format: str = FORMAT
    schema_version: int = SCHEMA_VERSION
    suite_version: str
    implementation: ImplementationInfo
    reference: ImplementationInfo | None = None
    python: PythonInfo
    platform: str
    packages: dict[str, str]
    selection: Selection
    hypothesis: HypothesisInfo
    expectations_path: str | None = None
    started_at: str
    duration: float
    verdict: str
    strict_levels: bool = False
    problems: list[str]
    stale_expectations: list[StaleExpectation]
    tests: list[TestResult]

    def tests_by_nodeid(self) -> dict[str, TestResult]:
        """Return the tests keyed by node ID."""
        return {test.nodeid: test for test in self.tests}

    def tests_by_key(self) -> dict[str, TestResult]:
        """Return the tests keyed by expectation key (stable across renames)."""
        return {test.key: test for test in self.tests}


def gates(outcome: str, level: str, strict: bool) -> bool:
    """Whether a test with ``outcome`` at rule ``level`` fails the run.

    Failures of ``should`` rules gate only when ``strict``; an unexpected pass
    always does (the expectations file is the implementer's own statement).
    """
    if outcome not in GATE_FAILURES:
        return False
    return strict or level == MUST or outcome == UNEXPECTED_PASS


def verdict_of(
    tests: Iterable[TestResult],
    stale: Sequence[object],
    problems: Sequence[str],
    strict: bool = False,
) -> str:
    """Return ``pass`` unless a test failed the gate, an entry is stale or a problem was found."""
    failed = any(gates(test.outcome, test.level, strict) for test in tests)
    return FAIL if failed or stale or problems else PASS


def dump_results(results: RunResults, path: Path) -> None:
    """Write ``results`` to ``path`` as indented JSON, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = dataclasses.asdict(results)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def load_results(path: Path) -> RunResults:
    """Read and validate a results file; raise :class:`ResultsError` if it is unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file")
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: not a UTF-8 text file")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: not valid JSON: {exc}")
    if not isinstance(document, dict):
        raise ResultsError(f"{path}: expected a JSON object at the top level")
    if document.get("format") != FORMAT:
        raise ResultsError(f"{path}: not a conformance results file (format is not {FORMAT!r})")
    if document.get("schema_version") not in READABLE_SCHEMA_VERSIONS:
        readable = " and ".join(str(version) for version in READABLE_SCHEMA_VERSIONS)
        raise ResultsError(
            f"{path}: unsupported schema_version {document.get('schema_version')!r} "
            f"(this version reads {readable})"
        )
    try:
        results = _build(RunResults, document, "")
    except _ShapeError as exc:
        raise ResultsError(f"{path}: {exc}")
    for index, test in enumerate(results.tests):
        if test.level not in LEVELS:
            raise ResultsError(
                f"{path}: tests[{index}].level is {test.level!r}, "
                f"expected one of {', '.join(LEVELS)}"
            )
        if test.outcome not in OUTCOMES:
            raise ResultsError(
                f"{path}: tests[{index}].outcome is {test.outcome!r}, "
                f"expected one of {', '.join(OUTCOMES)}"
            )
    return results


def count_outcomes(tests: Iterable[TestResult]) -> dict[str, int]:
    """Return how many of ``tests`` had each outcome (every outcome present, maybe 0)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for test in tests:
        counts[test.outcome] += 1
    return counts


class _ShapeError(Exception):
    """A field is missing or has the wrong type (message names its path)."""


_Built = TypeVar("_Built")


def _build(cls: type[_Built], data: object, where: str) -> _Built:
    """Build dataclass ``cls`` from parsed JSON, checking every field's type."""
    if not isinstance(data, Mapping):
        raise _ShapeError(f"{where or 'document'} must be an object")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        path = f"{where}.{field.name}" if where else field.name
        if field.name not in data:
            if (
                field.default is not dataclasses.MISSING
                or field.default_factory is not dataclasses.MISSING
            ):
                continue
            raise _ShapeError(f"missing field {path!r}")
        values[field.name] = _convert(hints[field.name], data[field.name], path)
    return cls(**values)


def _convert(hint: Any, value: object, path: str) -> Any:
    """Check ``value`` against the type ``hint`` and convert nested objects."""
    if isinstance(hint, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        (hint,) = (option for option in options if option is not type(None))
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, path)  # type: ignore[arg-type]
    if typing.get_origin(hint) is dict:
        if not isinstance(value, dict) or not all(
            isinstance(key, str) and isinstance(item, str) for key, item in value.items()
        ):
            raise _ShapeError(f"{path!r} must be an object of strings")
        return dict(value)
    if typing.get_origin(hint) is list:
        if not isinstance(value, list):
            raise _ShapeError(f"{path!r} must be a list")
        (item_hint,) = typing.get_args(hint)
        return [_convert(item_hint, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or isinstance(value, bool) is not (hint is bool):
        raise _ShapeError(f"{path!r} must be of type {hint.__name__}")
    return value
